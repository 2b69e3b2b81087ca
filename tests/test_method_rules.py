"""The rules on HOW ex01, ex04 and ex05 are solved: an allowlist read from the text, fail-closed.

Hostile submissions (tests/redteam/method_attacks.py) each reach torch's RNN kernels, build an
nn.RNN or skip packing by a route the old blacklist scan missed; each must now fail the entry
point's checks with feedback naming the file, the line and the rule. Correct code in other
styles must stay clean. The analysis runs in the trusted grader on text only, so its verdicts are
the same in bubblewrap and plain mode; the graded tests below run in both.
"""
import pytest
from method_cases import rule_violations
from redteam.method_attacks import ATTACKS, CELL, EX04

from autograder.method_rules import RULES, SourceTree, violations
from autograder.paths import EXERCISES, SOLUTIONS

HEADER = "import torch\nimport torch.nn.functional as F\nfrom torch import nn\n"


def _with_solutions(files):
    return {**{p.name: p.read_bytes() for p in SOLUTIONS.glob("*.py")}, **files}


@pytest.mark.parametrize("name", list(ATTACKS))
def test_attack_is_refused_with_the_rule_it_breaks(name, tmp_path):
    files, module, entry, fragment = ATTACKS[name]
    found = rule_violations(tmp_path / "s", _with_solutions(files), module)
    assert any(fragment in why for why in found[entry]), found[entry]


@pytest.mark.parametrize("folder", [SOLUTIONS, EXERCISES], ids=["solutions", "skeleton"])
def test_solutions_and_skeleton_are_clean(folder):
    tree = SourceTree.read(folder)
    for module, entries in RULES.items():
        for entry in entries:
            found = [v.why for v in violations(tree, module, entry)]
            if folder == EXERCISES and entry == "run_packed":   # not written yet: it packs nothing
                assert found and all("never" in why for why in found)
            else:
                assert found == [], (module, entry, found)


MANUAL_STYLES = {
    "preallocated output filled in place, einsum, dict from named_parameters": '''
def manual_rnn(rnn, x, h0=None):
    params = dict(rnn.named_parameters())
    xs = x.transpose(0, 1) if rnn.batch_first else x
    steps, batch, _ = xs.shape
    dirs = 2 if rnn.bidirectional else 1
    if h0 is None:
        h0 = torch.zeros(rnn.num_layers * dirs, batch, rnn.hidden_size, dtype=xs.dtype, device=xs.device)
    finals = []
    layer_input = xs
    for layer in range(rnn.num_layers):
        out = xs.new_empty(steps, batch, dirs * rnn.hidden_size)
        for d in range(dirs):
            sfx = "_reverse" if d == 1 else ""
            w_ih, w_hh = params[f"weight_ih_l{layer}{sfx}"], params[f"weight_hh_l{layer}{sfx}"]
            b_ih = params.get(f"bias_ih_l{layer}{sfx}")
            b_hh = params.get(f"bias_hh_l{layer}{sfx}")
            projected = torch.einsum("tbi,hi->tbh", layer_input, w_ih)
            h = h0[layer * dirs + d]
            order = range(steps - 1, -1, -1) if d else range(steps)
            for t in order:
                pre = projected[t] + torch.einsum("bh,kh->bk", h, w_hh)
                if b_ih is not None:
                    pre = pre + b_ih + b_hh
                h = torch.tanh(pre) if rnn.nonlinearity == "tanh" else torch.relu(pre)
                out[t, :, d * rnn.hidden_size:(d + 1) * rnn.hidden_size] = h
            finals.append(h)
        layer_input = out
    output = layer_input.transpose(0, 1) if rnn.batch_first else layer_input
    return output, torch.stack(finals)
''',
    "state_dict(keep_vars=True), list comprehensions, torch.cat of unsqueezed steps": '''
ACTIVATIONS = {"tanh": torch.tanh, "relu": torch.relu}


def manual_rnn(rnn, x, h0=None):
    weights = rnn.state_dict(keep_vars=True)   # without keep_vars the tensors are detached: no gradients
    seq = x.permute(1, 0, 2) if rnn.batch_first else x
    n_dir = 1 + int(rnn.bidirectional)
    h0 = seq.new_zeros(rnn.num_layers * n_dir, seq.shape[1], rnn.hidden_size) if h0 is None else h0
    act = ACTIVATIONS[rnn.nonlinearity]
    last = []
    for k in range(rnn.num_layers):
        outs = []
        for d in range(n_dir):
            s = ["", "_reverse"][d]
            w = [weights.get(f"{kind}_l{k}{s}") for kind in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
            h, states = h0[k * n_dir + d], {}
            for t in (reversed(range(len(seq))) if d else range(len(seq))):
                h = rnn_cell(seq[t], h, *w, nonlinearity=rnn.nonlinearity)
                states[t] = h
            outs.append(torch.cat([states[t].unsqueeze(0) for t in range(len(seq))], dim=0))
            last.append(h)
        seq = torch.cat(outs, dim=-1)
    assert act is not None
    return (seq.permute(1, 0, 2) if rnn.batch_first else seq), torch.stack(last)
''',
    "helpers in a sibling module, all_weights, isinstance check": '''
from rnn_helpers import run_direction


def manual_rnn(rnn, x, h0=None):
    assert isinstance(rnn, nn.RNN)
    seq = x.transpose(0, 1) if rnn.batch_first else x
    dirs = 2 if rnn.bidirectional else 1
    if h0 is None:
        h0 = seq.new_zeros(rnn.num_layers * dirs, seq.shape[1], rnn.hidden_size)
    finals = []
    for layer in range(rnn.num_layers):
        outputs = []
        for d in range(dirs):
            weights = rnn.all_weights[layer * dirs + d]
            out, h = run_direction(seq, h0[layer * dirs + d], weights, rnn.nonlinearity, reverse=d == 1)
            outputs.append(out)
            finals.append(h)
        seq = torch.cat(outputs, dim=2)
    return (seq.transpose(0, 1) if rnn.batch_first else seq), torch.stack(finals)
''',
}
HELPERS = '''import torch

from ex04_manual_rnn import rnn_cell


def run_direction(seq, h, weights, nonlinearity, reverse=False):
    w_ih, w_hh, *biases = weights
    b_ih, b_hh = biases if biases else (None, None)
    steps = list(range(seq.shape[0]))
    states = [None] * len(steps)
    for t in (steps[::-1] if reverse else steps):
        h = rnn_cell(seq[t], h, w_ih, w_hh, b_ih, b_hh, nonlinearity)
        states[t] = h
    return torch.stack(states), h
'''
CELL_STYLES = {
    "getattr of torch functions by constant name, addmm": '''
def rnn_cell(x_t, h_prev, w_ih, w_hh, b_ih=None, b_hh=None, nonlinearity="tanh"):
    act = getattr(torch, "tanh") if nonlinearity == "tanh" else getattr(torch, "relu")
    pre = torch.mm(x_t, w_ih.t()) + torch.mm(h_prev, w_hh.t())
    if b_ih is not None:
        pre = torch.addmm(pre + b_hh, x_t.new_ones(x_t.shape[0], 1), b_ih.unsqueeze(0))
    return act(pre)
''',
}


def _ex04_text(manual=None, cell=None):
    solution = (SOLUTIONS / EX04).read_text()
    cell_text = cell or solution[solution.index("def rnn_cell("):solution.index("def manual_rnn(")]
    manual_text = manual or solution[solution.index("def manual_rnn("):]
    return HEADER + cell_text.lstrip("\n") + "\n\n" + manual_text.lstrip("\n")


def _style_files(name):
    if name in MANUAL_STYLES:
        return {EX04: _ex04_text(manual=MANUAL_STYLES[name]), "rnn_helpers.py": HELPERS}
    return {EX04: _ex04_text(cell=CELL_STYLES[name])}


@pytest.mark.parametrize("name", list(MANUAL_STYLES) + list(CELL_STYLES))
def test_correct_ex04_styles_are_clean(name, tmp_path):
    assert rule_violations(tmp_path / "s", _with_solutions(_style_files(name)), "ex04_manual_rnn") == \
        {"rnn_cell": [], "manual_rnn": []}


SORTED_BY_HAND = '''
def run_packed(rnn, sequences):
    """Sorting by hand (enforce_sorted=True after sorting), pad_sequence + pack_padded_sequence."""
    lengths = torch.tensor([s.shape[0] for s in sequences], dtype=torch.int64)
    sorted_lengths, order = torch.sort(lengths, descending=True)
    padded = pad_sequence([sequences[i] for i in order.tolist()], batch_first=True)
    packed = pack_padded_sequence(padded, sorted_lengths, batch_first=True, enforce_sorted=True)
    output, h_n = rnn(packed)
    output, _ = pad_packed_sequence(output, batch_first=rnn.batch_first)
    restore = torch.argsort(order)
    output = output[restore] if rnn.batch_first else output[:, restore]
    return output, lengths, h_n[:, restore]
'''


def _ex05_text():
    solution = (SOLUTIONS / "ex05_sequences.py").read_text().replace(
        "from torch.nn.utils.rnn import pack_sequence, pad_packed_sequence\n",
        "from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence\n")
    return solution[:solution.index("def run_packed(")] + SORTED_BY_HAND.lstrip("\n")


def test_sorting_by_hand_in_run_packed_is_clean(tmp_path):
    assert rule_violations(tmp_path / "s", _with_solutions({"ex05_sequences.py": _ex05_text()}),
                           "ex05_sequences") == {"run_packed": []}


def test_math_prod_and_torch_size_in_ex01_are_clean(tmp_path):
    text = (SOLUTIONS / "ex01_rnn_layer.py").read_text().replace(
        "    return int(num_directions * (first + (num_layers - 1) * later))",
        "    import math\n    shapes = expected_weight_shapes(input_size, hidden_size, num_layers, bias, bidirectional)\n"
        "    return sum(math.prod(torch.Size(shape)) for shape in shapes.values())")
    assert rule_violations(tmp_path / "s", _with_solutions({"ex01_rnn_layer.py": text}), "ex01_rnn_layer") == \
        {"expected_weight_shapes": [], "count_parameters": []}


# -- what cannot be read is refused -----------------------------------------------------------

@pytest.mark.parametrize("content, fragment", [
    (b"# -*- coding: utf-8 -*-\n" + (SOLUTIONS / EX04).read_bytes(), None),
    (b"\xef\xbb\xbf" + (SOLUTIONS / EX04).read_bytes(), None),
    (b"# coding: utf-7\n" + (SOLUTIONS / EX04).read_bytes(), "declares the encoding 'utf-7'"),
    ((SOLUTIONS / EX04).read_bytes() + b"\nx = '\xff'\n", "is not valid UTF-8"),
    ((SOLUTIONS / EX04).read_bytes() + b"\ndef broken(:\n", "cannot be parsed"),
], ids=["utf-8 cookie", "utf-8 BOM", "utf-7 cookie", "undecodable", "syntax error"])
def test_only_utf8_source_that_parses_is_read(content, fragment, tmp_path):
    found = rule_violations(tmp_path / "s", _with_solutions({EX04: content}), "ex04_manual_rnn")
    if fragment is None:
        assert found == {"rnn_cell": [], "manual_rnn": []}
    else:
        assert all(any(fragment in why for why in whys) for whys in found.values()), found


@pytest.mark.parametrize("extra, fragment", [
    ({"helpers.pyc": b"\x00" * 16}, "compiled bytecode"),
    ({"helpers.abi3.so": b"\x7fELF"}, "native extension"),
    ({"helpers/__init__.pyc": b"\x00" * 16}, "compiled bytecode"),
], ids=["pyc", "native", "package of bytecode"])
def test_sibling_modules_without_source_are_refused(extra, fragment, tmp_path):
    text = HEADER + "import helpers\n" + CELL + (SOLUTIONS / EX04).read_text().split("### END SOLUTION")[1]
    text = _ex04_text().replace(HEADER, HEADER + "import helpers\n", 1)
    found = rule_violations(tmp_path / "s", _with_solutions({EX04: text, **extra}), "ex04_manual_rnn")
    assert any(fragment in why for why in found["manual_rnn"]), found


def test_a_native_module_shadowing_the_exercise_is_refused(tmp_path):
    found = rule_violations(tmp_path / "s", _with_solutions({"ex04_manual_rnn.abi3.so": b"\x7fELF"}),
                            "ex04_manual_rnn")
    assert all(any("native extension" in why for why in whys) for whys in found.values()), found


def test_the_rules_read_a_snapshot_taken_before_learner_code_runs(tmp_path):
    """Code that rewrites its own file while it is graded does not change what the rules read."""
    files = _with_solutions(ATTACKS["a sibling module that calls the rnn"][0])
    rule_violations(tmp_path / "s", files, "ex04_manual_rnn")
    tree = SourceTree.read(tmp_path / "s")
    (tmp_path / "s" / "helpers.py").write_text("def run(layer, x, h0):\n    return None\n")
    assert any("calls the rnn" in v.why for v in violations(tree, "ex04_manual_rnn", "manual_rnn"))


def test_violations_name_file_line_and_code(tmp_path):
    files = _with_solutions(ATTACKS["a sibling module that calls the rnn"][0])
    (tmp_path / "s").mkdir()
    for name, content in files.items():
        (tmp_path / "s" / name).write_bytes(content if isinstance(content, bytes) else content.encode())
    found = violations(SourceTree.read(tmp_path / "s"), "ex04_manual_rnn", "manual_rnn")
    assert ("helpers.py", 2, "layer(x, h0)") in [(v.file, v.line, v.snippet) for v in found]


# -- graded end to end: the points are lost in the entry point's checks, in both isolation modes ------

GRADED = ["a latin-1 coding cookie hiding the kernel", "a sibling module that captures the kernels",
          "getattr with a computed name on torch._C", "count_parameters from a built nn.RNN",
          "run_packed with one rnn call per sequence", "packing in dead code (if len(sequences) < 0)",
          "a sibling's top level replaces manual_rnn (ex02 runs in the same worker)"]
ENTRY_CHECKS = {"manual_rnn": "manual_rnn", "rnn_cell": "rnn_cell", "count_parameters": "count_parameters",
                "expected_weight_shapes": "expected_weight_shapes", "run_packed": "run_packed"}


@pytest.fixture(scope="module", params=["auto", "plain"])
def method_grader(request, reference):
    from autograder.runner.grade import Grader

    grader = Grader(reference, include_hidden=True, isolation=request.param,
                    exercises=["ex01_rnn_layer", "ex04_manual_rnn", "ex05_sequences"])
    grader.grade(SOLUTIONS)   # a warm-up: the fork server is started before the graded cases
    yield grader
    grader.close()


@pytest.mark.parametrize("name", GRADED)
def test_graded_attack_loses_exactly_its_entry_points_checks(name, method_grader, make_submission):
    files, module, entry, fragment = ATTACKS[name]
    folder = make_submission()
    for file, content in files.items():
        (folder / file).write_bytes(content if isinstance(content, bytes) else content.encode())
    result = method_grader.grade(folder)
    assert not result.grader_errors()
    failing = [c for c in result.checks if c.status != "passed"]
    # The entry point earns none of its checks' points (refused, or held for review when the grader could not
    # decide); refused checks are its exercise's only. Other checks can at most be held for review: when the
    # attack's module runs before them in the learner's worker and could have changed them.
    refused = [c for c in failing if c.status != "needs_review"]
    assert all(c.exercise == module for c in refused), [(c.name, c.feedback) for c in failing]
    entry_checks = [c for c in result.checks if c.exercise == module and
                    c.name.split(".")[-1].startswith(ENTRY_CHECKS[entry])]
    assert entry_checks and all(c.points == 0 for c in entry_checks), [(c.name, c.status) for c in entry_checks]
    failing = entry_checks
    assert all(fragment in c.feedback and " line " in c.feedback for c in failing), [c.feedback for c in failing]


@pytest.mark.parametrize("name", list(MANUAL_STYLES))
def test_graded_ex04_style_earns_every_point(name, method_grader, make_submission):
    folder = make_submission()
    for file, content in _style_files(name).items():
        (folder / file).write_text(content)
    result = method_grader.grade(folder)
    assert not [(c.name, c.feedback) for c in result.checks if c.status != "passed"]


# -- issue 26: correct styles the rules used to refuse (each earns every point now) ----------------

ISSUE_26_EX04 = {
    "helper layer_weights(rnn, layer, suffix) with getattr of an f-string": '''
def layer_weights(rnn, layer, suffix):
    names = [f"{kind}_l{layer}{suffix}" for kind in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
    return [getattr(rnn, name) if rnn.bias or name.startswith("weight") else None for name in names]


def manual_rnn(rnn, x, h0=None):
    seq = x.transpose(0, 1) if rnn.batch_first else x
    dirs = 2 if rnn.bidirectional else 1
    if h0 is None:
        h0 = seq.new_zeros(rnn.num_layers * dirs, seq.shape[1], rnn.hidden_size)
    finals = []
    for layer in range(rnn.num_layers):
        outputs = []
        for d, suffix in enumerate(["", "_reverse"][:dirs]):
            w_ih, w_hh, b_ih, b_hh = layer_weights(rnn, layer, suffix)
            h = h0[layer * dirs + d]
            steps = [None] * seq.shape[0]
            for t in (range(seq.shape[0] - 1, -1, -1) if d else range(seq.shape[0])):
                h = rnn_cell(seq[t], h, w_ih, w_hh, b_ih, b_hh, rnn.nonlinearity)
                steps[t] = h
            outputs.append(torch.stack(steps))
            finals.append(h)
        seq = torch.cat(outputs, dim=2)
    return (seq.transpose(0, 1) if rnn.batch_first else seq), torch.stack(finals)
''',
    "lambda and closure capturing the rnn": '''
def _weights_of(rnn):
    def weights(layer, suffix):
        get = lambda kind: getattr(rnn, f"{kind}_l{layer}{suffix}", None)
        return get("weight_ih"), get("weight_hh"), get("bias_ih"), get("bias_hh")
    return weights


def manual_rnn(rnn, x, h0=None):
    weights = _weights_of(rnn)
    seq = x.transpose(0, 1) if rnn.batch_first else x
    dirs = 2 if rnn.bidirectional else 1
    if h0 is None:
        h0 = seq.new_zeros(rnn.num_layers * dirs, seq.shape[1], rnn.hidden_size)
    finals = []
    for layer in range(rnn.num_layers):
        outputs = []
        for d, suffix in enumerate(["", "_reverse"][:dirs]):
            w_ih, w_hh, b_ih, b_hh = weights(layer, suffix)
            h = h0[layer * dirs + d]
            steps = [None] * seq.shape[0]
            for t in (range(seq.shape[0] - 1, -1, -1) if d else range(seq.shape[0])):
                h = rnn_cell(seq[t], h, w_ih, w_hh, b_ih, b_hh, rnn.nonlinearity)
                steps[t] = h
            outputs.append(torch.stack(steps))
            finals.append(h)
        seq = torch.cat(outputs, dim=2)
    return (seq.transpose(0, 1) if rnn.batch_first else seq), torch.stack(finals)
''',
}


@pytest.mark.parametrize("name", list(ISSUE_26_EX04))
def test_issue_26_ex04_styles_are_clean(name, tmp_path):
    files = _with_solutions({EX04: _ex04_text(manual=ISSUE_26_EX04[name])})
    assert rule_violations(tmp_path / "s", files, "ex04_manual_rnn") == {"rnn_cell": [], "manual_rnn": []}


@pytest.mark.parametrize("header", ["from matplotlib.colors import Normalize\n",
                                    "from matplotlib.ticker import MaxNLocator\n",
                                    "import matplotlib.colors as mcolors\nimport matplotlib.ticker\n"])
def test_plotting_imports_in_ex01_are_clean(header, tmp_path):
    text = header + (SOLUTIONS / "ex01_rnn_layer.py").read_text()
    assert rule_violations(tmp_path / "s", _with_solutions({"ex01_rnn_layer.py": text}), "ex01_rnn_layer") == \
        {"expected_weight_shapes": [], "count_parameters": []}


EX05_PUBLIC = {
    "np.argsort": ("import numpy as np\n", '''
def run_packed(rnn, sequences):
    lengths = torch.tensor([len(s) for s in sequences], dtype=torch.int64)
    order = torch.from_numpy(np.argsort(-lengths.numpy(), kind="stable"))
    packed = pack_padded_sequence(pad_sequence([sequences[i] for i in order.tolist()], batch_first=True),
                                  lengths[order], batch_first=True)
    out, h_n = rnn(packed)
    out, _ = pad_packed_sequence(out, batch_first=rnn.batch_first)
    restore = torch.argsort(order)
    return (out[restore] if rnn.batch_first else out[:, restore]), lengths, h_n[:, restore]
'''),
    "torch.LongTensor": ("from torch.nn.utils.rnn import pack_sequence\n", '''
def run_packed(rnn, sequences):
    lengths = torch.LongTensor([len(s) for s in sequences])
    out, h_n = rnn(pack_sequence(sequences, enforce_sorted=False))
    return pad_packed_sequence(out, batch_first=rnn.batch_first)[0], lengths, h_n
'''),
    "from torch import LongTensor": ("from torch import LongTensor\nfrom torch.nn.utils.rnn import pack_sequence\n", '''
def run_packed(rnn, sequences):
    lengths = LongTensor([len(s) for s in sequences])
    packed = pack_sequence(sequences, enforce_sorted=False)
    output, h_n = rnn(packed)
    if rnn.batch_first:
        output, _ = pad_packed_sequence(output, batch_first=True)
    else:
        output, _ = pad_packed_sequence(output)
    return output, lengths, h_n
'''),
}


@pytest.mark.parametrize("name", list(EX05_PUBLIC))
def test_public_numeric_api_in_ex05_is_clean(name, tmp_path):
    header, body = EX05_PUBLIC[name]
    text = _ex05_text()
    text = header + text[:text.index("def run_packed(")] + body.lstrip("\n")
    assert rule_violations(tmp_path / "s", _with_solutions({"ex05_sequences.py": text}), "ex05_sequences") == \
        {"run_packed": []}


# -- what the grader cannot decide is held for review, never called wrong ----------------------------

UNDECIDED_CELL = '''
import functools


def _timed(function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        return function(*args, **kwargs)
    return wrapper


@_timed
''' + CELL[CELL.index("def rnn_cell("):]


def test_a_learner_decorator_is_undecided_not_refused(tmp_path):
    files = _with_solutions({EX04: _ex04_text(cell=UNDECIDED_CELL)})
    (tmp_path / "s").mkdir()
    for name, content in files.items():
        (tmp_path / "s" / name).write_bytes(content if isinstance(content, bytes) else content.encode())
    found = violations(SourceTree.read(tmp_path / "s"), "ex04_manual_rnn", "rnn_cell")
    assert found and all(v.undecided for v in found), found
    assert all("rules cannot" not in v.why for v in found)


# How a learner picks the activation by its name (getattr(torch, nonlinearity)): correct code, but the text does not
# say which function it reaches, so it is held for review; a name whose written parts point at torch's RNN
# kernels or private names is refused, and one written with constants alone is judged as the attribute it names.
PICKED_BY_NAME = {
    "getattr(torch, nonlinearity)": True,
    "getattr(torch.nn.functional, nonlinearity)": True,
    'getattr(torch, "r" + "nn_" + nonlinearity)': False,
    'getattr(torch, f"rnn_{nonlinearity}")': False,
    'getattr(torch, "_" + nonlinearity)': False,
    'getattr(torch, "rnn" + "_tanh")': False,
}


@pytest.mark.parametrize("expression", list(PICKED_BY_NAME))
def test_a_function_picked_by_a_run_time_name_is_held_unless_its_parts_point_at_the_kernels(expression, tmp_path):
    cell = ("def rnn_cell(x_t, h_prev, w_ih, w_hh, b_ih=None, b_hh=None, nonlinearity='tanh'):\n"
            f"    return {expression}(x_t @ w_ih.T + h_prev @ w_hh.T)\n")
    solution = (SOLUTIONS / "ex04_manual_rnn.py").read_text()
    text = "import torch\nimport torch.nn.functional\n\n\n" + cell + "\n\n" + solution[solution.index("def manual_rnn("):]
    (tmp_path / "s").mkdir()
    for name, content in _with_solutions({EX04: text}).items():
        (tmp_path / "s" / name).write_bytes(content if isinstance(content, bytes) else content.encode())
    found = violations(SourceTree.read(tmp_path / "s"), "ex04_manual_rnn", "rnn_cell")
    assert found, expression
    held = all(v.undecided for v in found)
    assert held == PICKED_BY_NAME[expression], found

def _report(results):
    from autograder.batch.report import report_html
    from autograder.batch.runner import BatchOptions, BatchOutcome

    return report_html(BatchOutcome(results=results, seconds=1.0), BatchOptions(submissions=None, out=None))


def _held(student, hash_):
    from autograder.runner.results import CheckResult, SubmissionResult

    held = CheckResult("ex04_manual_rnn.rnn_cell_notebook", "ex04_manual_rnn", "", 2, 0, False, "needs_review",
                       "held", {"where": "ex04_manual_rnn.py:7,9", "hash": hash_})
    return SubmissionResult(student, [held])


def test_reviews_grant_only_the_same_learner_check_and_source(tmp_path):
    from autograder.batch.gradebook import reviews_text
    from autograder.batch.reviews import apply_reviews, read_reviewed

    reviewed = tmp_path / "reviewed.toml"
    reviewed.write_text('[[accept]]\nlearner = "<b>al</b>"\ncheck = "ex04_manual_rnn.rnn_cell_notebook"\n'
                        'hash = "abc"\n')
    accepted = read_reviewed(reviewed)
    waiting = _held("<b>al</b>", "abc")
    assert reviews_text([waiting]).splitlines() == [
        "student,check,points_held,where,hash", "<b>al</b>,ex04_manual_rnn.rnn_cell_notebook,2,\"ex04_manual_rnn.py:7,9\",abc"]
    page = _report([waiting])
    top = page[:page.index('<div class="first">')]   # the report's top, above the first screen
    assert "Needs review" in top and "ex04_manual_rnn.py:7,9" in top and "<b>al</b>" not in page
    changed = _held("<b>al</b>", "other")
    assert not apply_reviews(changed, accepted) and changed.checks[0].status == "needs_review"
    assert apply_reviews(waiting, accepted) and waiting.checks[0].points == 2 and waiting.total == 2
    assert "Needs review" not in _report([waiting]) and reviews_text([waiting]).count("\n") == 1


def test_allowed_names_extend_the_rules(tmp_path):
    text = "import scipy.special\n" + _ex04_text(cell=CELL.replace("torch.tanh(", "scipy.special.expit(", 1)) \
        if "torch.tanh(" in CELL else None
    if text is None:
        pytest.skip("the solution's rnn_cell has no torch.tanh call to swap")
    (tmp_path / "s").mkdir()
    for name, content in _with_solutions({EX04: text}).items():
        (tmp_path / "s" / name).write_bytes(content if isinstance(content, bytes) else content.encode())
    tree = SourceTree.read(tmp_path / "s")
    assert all(v.undecided for v in violations(tree, "ex04_manual_rnn", "rnn_cell"))
    assert violations(tree, "ex04_manual_rnn", "rnn_cell", allowed={"scipy.special"}) == []


def test_graded_undecided_method_is_held_for_review(method_grader, make_submission):
    folder = make_submission()
    (folder / EX04).write_text(_ex04_text(cell=UNDECIDED_CELL))
    result = method_grader.grade(folder)
    held = [c for c in result.checks if c.status == "needs_review"]
    # rnn_cell is replaced by what the decorator returns, and manual_rnn calls it: both are held
    assert {c.name.split(".")[-1] for c in held} >= {"rnn_cell_notebook", "manual_rnn_notebook"}
    assert all(c.exercise == "ex04_manual_rnn" for c in held)
    assert all(c.points == 0 and c.review["hash"] and EX04 in c.review["where"] for c in held)
    assert all("does not mean your code is wrong" in c.feedback for c in held)
    assert not [c for c in result.checks if c.status not in ("passed", "needs_review")]


def test_syntax_the_walker_does_not_know_is_undecided():
    import ast

    from autograder.method_rules.analysis import EXPRESSIONS, STATEMENTS, Analysis, Walker

    # Every node type of this Python is handled by name (a new Python's new nodes are not).
    assert {c.__name__ for c in ast.stmt.__subclasses__()} <= STATEMENTS
    assert {c.__name__ for c in ast.expr.__subclasses__()} <= EXPRESSIONS

    class Novel(ast.stmt):
        _fields = ()

    analysis = Analysis(SourceTree.read(SOLUTIONS), "ex04_manual_rnn")
    policy = RULES["ex04_manual_rnn"]["manual_rnn"][0]
    node = Novel(lineno=1, col_offset=0, end_lineno=1, end_col_offset=1)
    Walker(analysis, analysis.info("ex04_manual_rnn"), policy, node, import_time=True).run()
    assert [v.undecided for v in analysis.violations[policy.name] if "Novel" in v.why] == [True]


def test_an_unknown_plotting_library_used_only_by_plot_weights_costs_nothing(tmp_path):
    text = "import seaborn as sns\n" + (SOLUTIONS / "ex01_rnn_layer.py").read_text().replace(
        "def plot_weights(rnn):", "def plot_weights(rnn):\n    sns.set_theme()", 1)
    assert rule_violations(tmp_path / "s", _with_solutions({"ex01_rnn_layer.py": text}), "ex01_rnn_layer") == \
        {"expected_weight_shapes": [], "count_parameters": []}


def test_the_report_entry_is_the_toml_the_reviewed_file_reads(tmp_path):
    import html
    import re

    from autograder.batch.reviews import apply_reviews, read_reviewed

    result = _held('Zoë "Z" \\ O\'Brien', "h1")
    entry = html.unescape(re.search(r"<pre>(\[\[accept.*?)</pre>", _report([result]), re.S).group(1))
    (tmp_path / "reviewed.toml").write_text(entry, encoding="utf-8")
    assert apply_reviews(result, read_reviewed(tmp_path / "reviewed.toml")) and result.total == 2


def test_every_public_style_of_the_bank_is_clean(tmp_path):
    """tests/bank_public_styles.py (branch h26styles): correct styles from public sources break no rule."""
    bank = pytest.importorskip("bank_public_styles")
    dirty = {}
    for style in bank.STYLES:
        folder = bank.write_submission(style, tmp_path / style.name)
        tree = SourceTree.read(folder)
        found = {f"{m}.{e}": [v.why for v in violations(tree, m, e)] for m, es in RULES.items() for e in es}
        dirty.update({f"{style.name}: {k}": v for k, v in found.items() if v})
    assert dirty == {}


def test_a_sibling_python_cannot_import_holds_nothing_back(tmp_path):
    # A syntax error in ex02 (the sample class's gus) stops that module from running at all, so it cannot
    # change what ex04 or ex05 run: their method checks are judged, not held for review.
    files = _with_solutions({"ex02_forward_pass.py": "def forward(:\n"})
    for module in ("ex04_manual_rnn", "ex05_sequences"):
        assert rule_violations(tmp_path / module, files, module) == {entry: [] for entry in RULES[module]}
    # A declared latin-1 module does run (Python reads it): that one the rules still cannot vouch for.
    files["ex02_forward_pass.py"] = b"# -*- coding: latin-1 -*-\nx = 1\n"
    assert any(rule_violations(tmp_path / "latin", files, "ex04_manual_rnn").values())
