"""Rules on HOW an exercise is solved, judged in the trusted grader from the submission's text.

Three exercises make the method part of the task (CURRICULUM.md):

* ex04 ``rnn_cell``/``manual_rnn``: the recurrence by hand, without calling the rnn, nn.RNN's forward,
  nn.RNNCell, torch's fused RNN functions or packing;
* ex01 ``expected_weight_shapes``/``count_parameters``: from the arguments alone, without torch.nn;
* ex05 ``run_packed``: uses packing (a packing and an unpacking function of torch.nn.utils.rnn).

``violations(sources, module, entry)`` lists, for one entry point, every place
where the code it can reach (in any module of the submission) leaves the
allowlist of ``allowlist.py``, or cannot be read at all. Fail-closed: what the
analysis cannot follow is refused, with the file, the line and the rule.
"""
from .analysis import Analysis, Policy, Violation
from .sources import SourceTree

__all__ = ["RULES", "SourceTree", "Violation", "violations"]


def _ex04_refuses(dotted):
    if dotted == "torch.nn.RNN":
        return "uses nn.RNN itself, whose forward is PyTorch's own implementation of the recurrence"
    if dotted.startswith("torch.nn.utils"):
        return "uses torch.nn.utils.rnn (packing), which hands the sequence to PyTorch's own RNN"
    return None


def _ex01_refuses(dotted):
    if dotted == "torch.nn" or dotted.startswith("torch.nn."):
        return f"uses {dotted}: the shapes and the count must come from the arguments alone, without torch.nn"
    return None


PACKERS = {"torch.nn.utils.rnn.pack_sequence", "torch.nn.utils.rnn.pack_padded_sequence"}
UNPACKERS = {"torch.nn.utils.rnn.pad_packed_sequence", "torch.nn.utils.rnn.unpack_sequence"}

# module -> entry point -> (policy, [(names one of which must be called, what is missing)])
RULES = {
    "ex01_rnn_layer": {name: (Policy(f"ex01.{name}", refuse=_ex01_refuses), [])
                       for name in ("expected_weight_shapes", "count_parameters")},
    "ex04_manual_rnn": {"rnn_cell": (Policy("ex04.rnn_cell", refuse=_ex04_refuses), []),
                        "manual_rnn": (Policy("ex04.manual_rnn", refuse=_ex04_refuses, tainted_parameter=0), [])},
    "ex05_sequences": {"run_packed": (Policy("ex05.run_packed"), [
        (PACKERS, "never packs the sequences (pack_sequence or pack_padded_sequence of torch.nn.utils.rnn)"),
        (UNPACKERS, "never unpacks the rnn's packed output (pad_packed_sequence of torch.nn.utils.rnn)")])},
}


def violations(sources, module, entry):
    """Sorted ``Violation``s for ``module.entry`` in the submission ``sources`` (a ``SourceTree``)."""
    cache = sources._parsed.setdefault(("rules", module), {})
    if not cache:
        try:
            cache.update(_analyse(sources, module))
        except RecursionError:   # nesting deeper than any reader follows: refused, like what cannot be read
            refused = [Violation(f"{module}.py", 0, "", "is nested too deeply for the grader to follow")]
            cache.update({entry: refused for entry in RULES[module]})
    return cache.get(entry, [])


def _analyse(sources, module):
    found = {}
    analysis = Analysis(sources, module)
    info = analysis.info(module)
    if info is None:
        return {entry: [] for entry in RULES[module]}   # missing: the checks say so on their own
    if info.module.problem:
        problem = [Violation(info.module.file, 0, "", info.module.problem)]
        return {entry: problem for entry in RULES[module]}
    analysis.run_module_layer(module)
    shared = analysis.violations.get("module", set())
    for entry, (policy, requirements) in RULES[module].items():
        analysis.run_entry(policy, entry)
        mine = set(shared) | analysis.violations.get(policy.name, set())
        defined = [n for _, n in info.bindings.get(entry, []) if hasattr(n, "args")]
        if defined:
            called = analysis.called.get(policy.name, set())
            for names, missing in requirements:
                if not names & called:
                    mine.add(Violation(info.module.file, defined[0].lineno, f"def {entry}(...)", f"{entry} {missing}"))
        found[entry] = sorted(mine)
    return found
