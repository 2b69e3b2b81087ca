"""Rules on HOW an exercise is solved, judged in the trusted grader from the submission's text.

Three exercises make the method part of the task (CURRICULUM.md):

* ex04 ``rnn_cell``/``manual_rnn``: the recurrence by hand, without calling the rnn, nn.RNN's forward,
  nn.RNNCell, torch's fused RNN functions or packing;
* ex01 ``expected_weight_shapes``/``count_parameters``: from the arguments alone, without torch.nn;
* ex05 ``run_packed``: uses packing (a packing and an unpacking function of torch.nn.utils.rnn).

``violations(sources, module, entry)`` lists, for one entry point, every place
where the code it can reach (in any module of the submission), or code that runs
in the same worker and could change it, uses a capability the exercise rules out
(``allowlist.py``: torch's RNN machinery, doors to unread code), with the file,
the line and the rule. What the grader cannot decide is listed too, marked
``undecided``: the check is then withheld for an instructor's review, never
called wrong.
"""
import hashlib

from ..exercises import MODULES as EXERCISE_MODULES
from .analysis import Analysis, Policy, Violation
from .flow import RNN as RNN_MARK
from .flow import UNPACKED, PackingFlow
from .sources import SourceTree

__all__ = ["RULES", "SourceTree", "Violation", "review_feedback", "review_where", "source_hash", "violations"]


def _ex04_refuses(dotted):
    if dotted == "torch.nn.RNN" or dotted.startswith("torch.nn.RNN."):
        return "uses nn.RNN itself, whose forward is PyTorch's own implementation of the recurrence"
    if dotted.startswith("torch.nn.utils"):
        return "uses torch.nn.utils.rnn (packing), which hands the sequence to PyTorch's own RNN"
    return None


def _ex01_refuses(dotted):
    if dotted == "torch.nn" or dotted.startswith("torch.nn."):
        return f"uses {dotted}: the shapes and the count must come from the arguments alone, without torch.nn"
    return None


STARTUP_HOOKS = ("sitecustomize", "usercustomize")   # run by Python itself when on the path at start-up
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


def violations(sources, module, entry, allowed=frozenset()):
    """Sorted ``Violation``s for ``module.entry`` in the submission ``sources`` (a ``SourceTree``).

    A violation with ``undecided`` set is one the grader could not decide (a person reviews it);
    the others are rules broken. ``allowed``: dotted names the instructor allows (batch config)."""
    allowed = frozenset(allowed)
    cache = sources._parsed.setdefault(("rules", module, allowed), {})
    if not cache:
        try:
            cache.update(_analyse(sources, module, allowed))
        except RecursionError:   # nesting deeper than the grader follows: a person decides
            undecided = [Violation(f"{module}.py", 0, "", "is nested too deeply for the grader to verify", True)]
            cache.update({entry: undecided for entry in RULES[module]})
    return cache.get(entry, [])


def source_hash(sources):
    """A hash of every file the rules read: a reviewed verdict holds only for the very same code."""
    digest = hashlib.sha256()
    for name in sorted(sources.files):
        data = sources.files[name]
        digest.update(name.encode() + b"\0" + (data if data is not None else b"<unread>") + b"\0")
    return digest.hexdigest()[:16]


def review_where(violations):
    """``file:line, line`` of the places the grader could not decide, for the instructor's list."""
    places = {}
    for v in violations:
        if getattr(v, "undecided", False):
            places.setdefault(v.file, set()).add(v.line)
    return "; ".join(f"{file}:{','.join(str(n) for n in sorted(lines))}" for file, lines in sorted(places.items()))


def review_feedback(violations):
    """What a learner whose right answers wait for a review is told: the grader could not verify the method
    automatically; nothing says the code is wrong."""
    undecided = [v for v in violations if getattr(v, "undecided", False)]
    shown = "; ".join(_where(v) for v in undecided[:3])
    if len(undecided) > 3:
        shown += f" (and {len(undecided) - 3} more)"
    return ("Your answers are right, but the grader could not verify automatically how this function computes "
            f"them ({shown}). Your instructor will look at it; the points are held until then. This does not "
            "mean your code is wrong.")


def _where(violation):
    place = violation.file + (f" line {violation.line}" if violation.line else "")
    return place + (f": `{violation.snippet}`" if violation.snippet else "") + f" {violation.why}"


def _analyse(sources, module, allowed):
    found = {}
    analysis = Analysis(sources, module, allowed)
    info = analysis.info(module)
    if info is None:
        return {entry: [] for entry in RULES[module]}   # missing: the checks say so on their own
    if info.module.problem:
        problem = [Violation(info.module.file, 0, "", info.module.problem)]
        return {entry: problem for entry in RULES[module]}
    # Every module staged beside the exercise runs in the worker that grades it: all of them are read,
    # once per submission (the same for every exercise).
    key = ("module layer", allowed)
    if key not in sources._parsed:
        for name in sorted(set(sources.module_names()) | set(analysis.infos)):
            found_info = analysis.info(name)
            if found_info is not None and (found_info.module.tree is not None or name in sources.module_names()):
                analysis.run_module_layer(name)
        sources._parsed[key] = frozenset(analysis.violations.get("module", set()))
    # Checks run in curriculum order in one worker per learner, so what can have run when this exercise is
    # graded is what the exercises up to it import (and Python's own start-up hooks, if staged).
    order = list(EXERCISE_MODULES)
    earlier = order[:order.index(module) + 1] if module in order else order
    files = {analysis.info(name).module.file for name in analysis.may_have_run(earlier + list(STARTUP_HOOKS))}
    own = {analysis.info(name).module.file for name in analysis.may_have_run([module])}
    shared = [v for v in sources._parsed[key] if v.file in files]
    for entry, (policy, requirements) in RULES[module].items():
        analysis.run_entry(policy, entry)
        mine = {_for_entry(v, module, entry, own) for v in shared} | analysis.violations.get(policy.name, set())
        defined = [n for _, n in info.bindings.get(entry, []) if hasattr(n, "args")]
        if defined:
            called = analysis.called.get(policy.name, set())
            for names, missing in requirements:
                if not names & called:
                    mine.add(Violation(info.module.file, defined[0].lineno, f"def {entry}(...)", f"{entry} {missing}"))
            if requirements and not mine:
                mine |= _answer_not_from_packing(analysis, policy, info, defined[0], entry)
        found[entry] = sorted(mine)
    return found


def _for_entry(violation, module, entry, own_files):
    """A run-time rewrite counts as a broken rule for the entry it writes, and for the entries whose own
    modules do it; what else it could change, the grader cannot tie to this entry: a person decides."""
    if violation.undecided:
        return violation
    writes = violation.why.startswith(f"changes {module}.")
    if (writes and violation.why.startswith(f"changes {module}.{entry}:")) or \
            (not writes and violation.file in own_files):
        return violation
    return Violation(violation.file, violation.line, violation.snippet, violation.why, True)


def _answer_not_from_packing(analysis, policy, info, function, entry):
    """A violation when packing and unpacking are called but the returned answer does not come from them."""
    flow = PackingFlow(analysis, policy, PACKERS, UNPACKERS)
    params = [a.arg for a in function.args.posonlyargs + function.args.args]
    marks = flow.returned(info, function, {params[0]: frozenset({RNN_MARK})} if params else {})
    if UNPACKED in marks:
        return set()
    return {Violation(info.module.file, function.lineno, f"def {entry}(...)",
                      f"{entry} calls the packing functions, but the grader could not verify that the answer it "
                      f"returns comes from them (the rnn run on the packed sequences, its output unpacked, on "
                      f"every path to the return)", True)}
