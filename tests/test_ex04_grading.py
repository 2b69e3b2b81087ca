"""ex04_manual_rnn is graded right: full points for the solution and for other correct styles,
zero for the skeleton, and each classic mistake loses points with a hint that names it."""
import pytest

from autograder.exercises import POINTS
from grading_cases import assert_caught, assert_full_points, assert_not_implemented, points_of

MODULE = "ex04_manual_rnn"
FILE = f"{MODULE}.py"

# PyTorch's documented "equivalent" loop (pytorch/pytorch#136926), as a learner would adapt it.
DOC_LOOP = '''
def manual_rnn(rnn, x, h0=None):
    if rnn.batch_first:
        x = x.transpose(0, 1)
    seq_len, batch_size, _ = x.size()
    if h0 is None:
        h0 = torch.zeros(rnn.num_layers, batch_size, rnn.hidden_size, dtype=x.dtype)
    h_t_minus_1 = h0
    h_t = h0
    output = []
    for t in range(seq_len):
        for layer in range(rnn.num_layers):
            h_t[layer] = rnn_cell(x[t], h_t_minus_1[layer], getattr(rnn, f"weight_ih_l{layer}"),
                                  getattr(rnn, f"weight_hh_l{layer}"), getattr(rnn, f"bias_ih_l{layer}"),
                                  getattr(rnn, f"bias_hh_l{layer}"), rnn.nonlinearity)
        output.append(h_t[-1])
        h_t_minus_1 = h_t
    output = torch.stack(output)
    if rnn.batch_first:
        output = output.transpose(0, 1)
    return output, h_t
'''
CALLS_RNN = '''
def manual_rnn(rnn, x, h0=None):
    return rnn(x, h0)
'''
# Bypasses the run-time watch (the C function is not wrapped); only the source scan can see it.
CALLS_C_FUNCTION = '''
def manual_rnn(rnn, x, h0=None):
    if h0 is None:
        batch = x.shape[0] if rnn.batch_first else x.shape[1]
        h0 = x.new_zeros(rnn.num_layers * (2 if rnn.bidirectional else 1), batch, rnn.hidden_size)
    return torch._C._VariableFunctions.rnn_tanh(x, h0, rnn._flat_weights, rnn.bias, rnn.num_layers, 0.0,
                                                False, rnn.bidirectional, rnn.batch_first)
'''
# Captured before the grader wraps anything; the wrapped _VF function underneath still reports it.
CAPTURED_FORWARD = '''
_forward = nn.RNN.forward


def manual_rnn(rnn, x, h0=None):
    return _forward(rnn, x, h0)
'''


def _replace_manual(text, new_function):
    start = text.index("def manual_rnn(")
    return text[:start] + new_function.lstrip("\n")


STEPS = "steps = range(seq_len) if direction == 0 else range(seq_len - 1, -1, -1)"
BUGS = {
    "backward direction not reversed": ({"edit": [(STEPS, "steps = range(seq_len)")]},
                                        "must read the sequence from the last step to the first"),
    "backward states kept in computing order": ({"edit": [("states[t] = h", "states[t if direction == 0 else "
                                                                             "seq_len - 1 - t] = h")]},
                                                "reverse them back"),
    "every layer fed the raw input": ({"edit": [("h = rnn_cell(layer_input[t]", "h = rnn_cell(x[t]")]},
                                      "previous layer's output"),
    "only one bias": ({"edit": [("    if b_hh is not None:\n        pre_activation = pre_activation + b_hh\n", "")]},
                      "TWO bias vectors"),
    "relu ignored": ({"edit": [('    if nonlinearity == "tanh":\n', "    if True:\n")]}, "uses relu"),
    "h0 ignored": ({"edit": [("    if h0 is None:\n        h0 = x.new_zeros", "    if True:\n        h0 = x.new_zeros")]},
                   "ignored the h0"),
    "the documentation loop of pytorch/pytorch#136926": ({"manual": DOC_LOOP}, "pytorch/pytorch#136926"),
    "calling the rnn itself": ({"manual": CALLS_RNN}, "calls the rnn itself"),
    "nn.RNN.forward captured at import": ({"manual": CAPTURED_FORWARD}, "uses nn.RNN itself"),
    "torch's C function, bypassing the watch": ({"manual": CALLS_C_FUNCTION}, "uses torch._C"),
}

# Classic mistakes with h0 and the directions (issue #13): each named by a public check's hint.
H0_ROW = "h = h0[layer * num_directions + direction]"
BUGS.update({
    "reverse direction forgotten": ({"edit": [('enumerate(["", "_reverse"][:num_directions])', 'enumerate([""])')]},
                                    "the reverse direction is missing"),
    "every layer starts from h0[0]": ({"edit": [(H0_ROW, "h = h0[0]")]}, "started from h0[0]"),
    "h0 rows read direction-major": ({"edit": [(H0_ROW, "h = h0[direction * rnn.num_layers + layer]")]},
                                     "not h0[d * num_layers + l]"),
})

VECTORISED = '''
def manual_rnn(rnn, x, h0=None):
    """Input projections for all steps at once, torch.flip for the backward direction, permute for layouts."""
    if rnn.batch_first:
        x = x.permute(1, 0, 2)
    directions = 2 if rnn.bidirectional else 1
    if h0 is None:
        h0 = torch.zeros(rnn.num_layers * directions, x.shape[1], rnn.hidden_size, dtype=x.dtype)
    act = torch.tanh if rnn.nonlinearity == "tanh" else torch.relu
    layer_input, finals = x, []
    for layer in range(rnn.num_layers):
        outputs = []
        for d in range(directions):
            sfx = "_reverse" if d else ""
            w_ih, w_hh = getattr(rnn, "weight_ih_l%d%s" % (layer, sfx)), getattr(rnn, "weight_hh_l%d%s" % (layer, sfx))
            b_ih = getattr(rnn, "bias_ih_l%d%s" % (layer, sfx)) if rnn.bias else None
            b_hh = getattr(rnn, "bias_hh_l%d%s" % (layer, sfx)) if rnn.bias else None
            seq = torch.flip(layer_input, [0]) if d else layer_input
            projected = F.linear(seq, w_ih, b_ih)
            h, states = h0[layer * directions + d], []
            for t in range(seq.shape[0]):
                h = act(projected[t] + F.linear(h, w_hh, b_hh))
                states.append(h)
            out = torch.stack(states)
            outputs.append(torch.flip(out, [0]) if d else out)
            finals.append(h)
        layer_input = torch.cat(outputs, dim=2)
    out = layer_input.permute(1, 0, 2) if rnn.batch_first else layer_input
    return out, torch.stack(finals, 0)
'''
F_LINEAR_CELL = '''
def rnn_cell(x_t, h_prev, w_ih, w_hh, b_ih=None, b_hh=None, nonlinearity="tanh"):
    print("one step")  # printing is allowed
    pre = F.linear(x_t, w_ih, b_ih) + F.linear(h_prev, w_hh, b_hh)
    return torch.relu(pre) if nonlinearity == "relu" else pre.tanh()
'''
# A learner's own comparison with nn.RNN, outside the code manual_rnn runs, is not a shortcut.
SELF_TEST = VECTORISED + '''

def compare_with_torch():
    rnn = nn.RNN(2, 5, num_layers=2, bidirectional=True)
    x = torch.randn(4, 3, 2)
    return torch.allclose(manual_rnn(rnn, x)[0], rnn(x)[0], atol=1e-6)


if __name__ == "__main__":
    layer = nn.RNN(2, 5)
    print(compare_with_torch(), layer.forward(torch.zeros(3, 1, 2))[0].shape)
'''
STYLES = {
    "vectorised input projection, torch.flip, F.linear": {"manual": VECTORISED},
    "a self-test against nn.RNN under __main__": {"manual": SELF_TEST},
    "rnn_cell with F.linear": {"cell": F_LINEAR_CELL},
}


def _build(make_submission, change):
    from autograder.paths import SOLUTIONS

    text = (SOLUTIONS / FILE).read_text()
    text = text.replace("import torch\n", "import torch\nimport torch.nn.functional as F\nfrom torch import nn\n", 1)
    for old, new in change.get("edit", []):
        assert old in text, old
        text = text.replace(old, new)
    if "manual" in change:
        text = _replace_manual(text, change["manual"])
    if "cell" in change:
        start, end = text.index("def rnn_cell("), text.index("def manual_rnn(")
        text = text[:start] + change["cell"].lstrip("\n") + "\n\n" + text[end:]
    return make_submission(replace={FILE: text})



def test_solution_earns_every_point(make_submission, grade):
    result = grade(make_submission(), exercises=[MODULE])
    assert_full_points(result, [MODULE])
    assert points_of(result)[MODULE] == (POINTS[MODULE], POINTS[MODULE])
    assert any(c.hidden for c in result.checks) and any(not c.hidden for c in result.checks)


def test_skeleton_earns_nothing(make_submission, grade):
    assert_not_implemented(grade(make_submission(base="exercises"), exercises=[MODULE]), MODULE)


@pytest.mark.parametrize("name", list(BUGS))
def test_mistake_loses_points_with_a_hint(name, make_submission, grade):
    change, phrase = BUGS[name]
    assert_caught(grade(_build(make_submission, change), exercises=[MODULE]), MODULE, phrase)


@pytest.mark.parametrize("name", list(STYLES))
def test_other_correct_styles_earn_every_point(name, make_submission, grade):
    result = grade(_build(make_submission, STYLES[name]), exercises=[MODULE])
    assert_full_points(result, [MODULE])
    assert points_of(result)[MODULE] == (POINTS[MODULE], POINTS[MODULE])


def test_method_rules_read_the_solution_and_the_styles_as_clean(tmp_path):
    from autograder.paths import SOLUTIONS
    from method_cases import rule_violations

    header = "import torch\nimport torch.nn.functional as F\nfrom torch import nn\n"
    solution = (SOLUTIONS / FILE).read_text()
    for text in (solution, header + VECTORISED + "\n" + solution[solution.index("def rnn_cell("):
                                                                  solution.index("def manual_rnn(")],
                 _replace_manual(header + solution, SELF_TEST)):
        assert rule_violations(tmp_path, {FILE: text}, MODULE) == {"rnn_cell": [], "manual_rnn": []}


def test_trusted_mistake_model_without_mistakes_is_nn_rnn():
    """The variants that name mistakes come from a chain of torch layers: with no switch set it IS nn.RNN."""
    import torch

    from autograder.configs import draw_rnn_configs
    from autograder.worker.observers.common import build_rnn, rnn_config, uniform
    from autograder.worker.observers.ex04 import mistaken_rnn

    for cfg in draw_rnn_configs(48, salt="ex04.trusted"):
        rnn = build_rnn(**rnn_config(cfg), seed=cfg["seed"] % 1000)
        directions = 2 if cfg["bidirectional"] else 1
        steps, batch = cfg["seq_len"], cfg["batch_size"]
        x = uniform(1, (batch, steps, cfg["input_size"]) if cfg["batch_first"] else (steps, batch, cfg["input_size"]),
                    cfg["dtype"])
        h0 = uniform(2, (cfg["num_layers"] * directions, batch, cfg["hidden_size"]), cfg["dtype"])
        with torch.no_grad():
            (want_out, want_h), (got_out, got_h) = rnn(x, h0), mistaken_rnn(rnn, x, h0)
        assert torch.allclose(got_out, want_out, atol=1e-6) and torch.allclose(got_h, want_h, atol=1e-6), cfg
