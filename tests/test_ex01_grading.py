"""ex01_rnn_layer is graded right: full points for correct code in any style, and every
classic mistake loses points in ex01 only, with feedback that names it."""
import pytest
from grading_cases import assert_caught, assert_full_points

from autograder.configs import draw_rnn_configs

FILE = "ex01_rnn_layer.py"

# (id, [(text in the solution, replacement)], a phrase the feedback must contain)
BUGS = [
    ("weights_transposed",
     [('shapes[f"weight_ih_l{layer}{suffix}"] = (hidden_size, layer_input)',
       'shapes[f"weight_ih_l{layer}{suffix}"] = (layer_input, hidden_size)')],
     "your matrices are transposed"),
    ("later_layers_read_input_size",
     [("layer_input = input_size if layer == 0 else hidden_size * num_directions", "layer_input = input_size")],
     "layers >= 1 do not read x"),
    ("later_layers_ignore_directions",
     [("layer_input = input_size if layer == 0 else hidden_size * num_directions",
       "layer_input = input_size if layer == 0 else hidden_size")],
     "read hidden_size * num_directions = 2 * hidden_size"),
    ("shapes_ignore_bias_false",
     [("            if bias:\n                shapes[f\"bias_ih", "            if True:\n                shapes[f\"bias_ih")],
     "bias was not honoured"),
    ("count_one_bias",
     [("per_direction_bias = 2 * hidden_size if bias else 0", "per_direction_bias = hidden_size if bias else 0")],
     "one bias vector"),
    ("count_ignores_directions",
     [("    num_directions = 2 if bidirectional else 1\n    per_direction_bias",
       "    num_directions = 1\n    per_direction_bias")],
     "bidirectional was ignored"),
    ("make_rnn_drops_bias", [("bias=bias, batch_first=batch_first", "batch_first=batch_first")],
     "bias was not passed on"),
    ("make_rnn_drops_batch_first", [("bias=bias, batch_first=batch_first", "bias=bias")],
     "batch_first was not passed on"),
    ("make_rnn_drops_bidirectional", [(", bidirectional=bidirectional)", ")")],
     "bidirectional was not passed on"),
    ("make_rnn_drops_nonlinearity", [("num_layers=num_layers, nonlinearity=nonlinearity,", "num_layers=num_layers,")],
     "nonlinearity was not passed on"),
    ("make_rnn_drops_num_layers", [("nn.RNN(input_size, hidden_size, num_layers=num_layers,", "nn.RNN(input_size, hidden_size,")],
     "num_layers was not passed on"),
    ("shapes_ignore_bidirectional", [('for suffix in ["", "_reverse"][:num_directions]:', 'for suffix in [""]:')],
     "_reverse"),
    ("count_later_layers_from_input_size",
     [("later = hidden_size * hidden_size * num_directions + hidden_size", "later = hidden_size * input_size + hidden_size")],
     "layers >= 1 do not read x"),
    ("count_ignores_bias_false",
     [("per_direction_bias = 2 * hidden_size if bias else 0", "per_direction_bias = 2 * hidden_size")],
     "bias was not honoured"),
]

# Correct answers written differently: each must keep every point.
STYLES = [
    ("shapes_as_lists_and_torch_size_count_from_shapes",
     [('shapes[f"weight_ih_l{layer}{suffix}"] = (hidden_size, layer_input)',
       'shapes[f"weight_ih_l{layer}{suffix}"] = torch.Size([hidden_size, layer_input])'),
      ('shapes[f"weight_hh_l{layer}{suffix}"] = (hidden_size, hidden_size)',
       'shapes[f"weight_hh_l{layer}{suffix}"] = [hidden_size, hidden_size]'),
      ("    return int(num_directions * (first + (num_layers - 1) * later))",
       "    import math\n    shapes = expected_weight_shapes(input_size, hidden_size, num_layers, bias, bidirectional)\n"
       "    return sum(math.prod(shape) for shape in shapes.values())")]),
    ("positional_arguments_printing_and_numpy_count",
     [("import torch\n", "import numpy as np\nimport torch\n\nprint('loading my ex01')\n"),
      ("    return nn.RNN(input_size, hidden_size, num_layers=num_layers, nonlinearity=nonlinearity,\n"
       "                  bias=bias, batch_first=batch_first, bidirectional=bidirectional)",
       "    print('building an RNN')\n"
       "    layer = nn.RNN(input_size, hidden_size, num_layers, nonlinearity, bias, batch_first, 0.0, bidirectional)\n"
       "    return layer"),
      ("    return int(num_directions * (first + (num_layers - 1) * later))",
       "    return np.int64(num_directions * (first + (num_layers - 1) * later))")]),
    ("loop_over_directions_and_demo_code_at_import",
     [("    return int(num_directions * (first + (num_layers - 1) * later))",
       "    total = 0\n"
       "    for layer in range(num_layers):\n"
       "        for _ in range(num_directions):\n"
       "            width = input_size if layer == 0 else hidden_size * num_directions\n"
       "            total += hidden_size * (width + hidden_size) + per_direction_bias\n"
       "    return total"),
      ('def plot_weights(rnn):', 'demo = make_rnn(2, 5)\nprint(demo, count_parameters(2, 5))\n\n\n'
                                 'def plot_weights(rnn):')]),
]


def test_solution_earns_every_point(scope_grader):
    from autograder.paths import SOLUTIONS

    assert_full_points(scope_grader.grade(SOLUTIONS))


def test_skeleton_earns_nothing_and_says_not_implemented(make_submission, scope_grader):
    result = scope_grader.grade(make_submission(base="exercises"))
    assert not result.grader_errors()
    assert result.total == 0
    for check in result.checks:
        assert check.status == "not_implemented", (check.name, check.status, check.feedback)


@pytest.mark.parametrize("edits, phrase", [pytest.param(e, p, id=i) for i, e, p in BUGS])
def test_mistake_is_caught_and_named(make_submission, scope_grader, edits, phrase):
    result = scope_grader.grade(make_submission(edit={FILE: edits}))
    assert_caught(result, "ex01_rnn_layer", phrase)


@pytest.mark.parametrize("edits, phrase", [pytest.param(e, p, id=i) for i, e, p in BUGS])
def test_mistake_is_caught_and_named_by_the_public_checks_alone(make_submission, public_scope_grader, edits, phrase):
    """The teaching target: a learner's own ``rnn-grade check`` already names every classic mistake."""
    result = public_scope_grader.grade(make_submission(edit={FILE: edits}))
    assert_caught(result, "ex01_rnn_layer", phrase)


@pytest.mark.parametrize("edits", [pytest.param(e, id=i) for i, e in STYLES])
def test_other_correct_style_earns_every_point(make_submission, scope_grader, edits):
    assert_full_points(scope_grader.grade(make_submission(edit={FILE: edits})))


def test_reference_agrees_with_torch_in_every_hidden_configuration(reference):
    """The reference's shapes and counts are what nn.RNN itself registers (so hidden checks are right)."""
    keys = ("input_size", "hidden_size", "num_layers", "bias", "bidirectional")
    for cfg in draw_rnn_configs(48, salt="reference-vs-torch"):
        args = {k: cfg[k] for k in keys}
        actual = reference.observe("ex01.actual_parameters", args)
        assert reference.observe("ex01.expected_weight_shapes", args)["shapes"] == actual["shapes"], args
        assert reference.observe("ex01.count_parameters", args)["value"] == actual["count"], args


def test_answers_missing_for_some_configurations_fail_the_check():
    """A worker that sends fewer answers than configurations asked about must not pass by a short zip."""
    from autograder.feedback import Feedback, paired

    assert paired([{"a": 1}, {"a": 2}], [{"a": 1}, {"a": 2}], "f") == [({"a": 1}, {"a": 1}), ({"a": 2}, {"a": 2})]
    for forged in ([], [{"a": 1}], {"a": 1}, [{"a": 1}, "text"]):
        with pytest.raises(Feedback, match="one answer for each of the 2 configurations"):
            paired(forged, [{"a": 1}, {"a": 2}], "f")
