"""Public checks for ex01_rnn_layer, at the notebook's sizes (§2: input 2, hidden 5, one layer)."""
import pytest

from autograder.feedback import Feedback, expect_equal
from autograder.verdicts.method import FROM_ARGUMENTS, refuse_method

MODULE = "ex01_rnn_layer"
NOTEBOOK = dict(input_size=2, hidden_size=5, num_layers=1)


@pytest.mark.points(2)
def test_make_rnn_notebook(learner, reference):
    """make_rnn builds the notebook's layer with every argument passed on."""
    args = dict(NOTEBOOK, nonlinearity="tanh", bias=True, batch_first=False, bidirectional=False)
    got = learner.observe("ex01.make_rnn", args)
    want = reference.observe("ex01.make_rnn", args)
    call = "make_rnn(2, 5, num_layers=1)"
    if not got["is_rnn"]:
        raise Feedback(call, f"an object of type {got['type']}", "an nn.RNN",
                       "make_rnn must return the layer itself (notebook §2: nn.RNN(input_size, hidden_size, ...))")
    expect_equal(got["settings"], want["settings"], call=call,
                 concept="every argument of make_rnn must reach nn.RNN, or the layer silently uses a default")


@pytest.mark.points(3)
def test_expected_weight_shapes_notebook(learner, reference, method_rules):
    """expected_weight_shapes names the notebook's four parameters with their shapes."""
    args = dict(NOTEBOOK, bias=True, bidirectional=False)
    got = learner.observe("ex01.expected_weight_shapes", args)
    refuse_method(method_rules(MODULE, "expected_weight_shapes"), "expected_weight_shapes(2, 5, num_layers=1)",
                  "shapes computed from the arguments alone", FROM_ARGUMENTS)
    want = reference.observe("ex01.expected_weight_shapes", args)
    transposed = {k: list(reversed(v)) for k, v in want["shapes"].items()}
    expect_equal(got["shapes"], want["shapes"], call="expected_weight_shapes(2, 5, num_layers=1)",
                 concept="weight_ih is (hidden_size, input_size) and weight_hh is (hidden_size, hidden_size): "
                         "PyTorch stores weights as (out_features, in_features) and computes x @ W.T",
                 mistakes=[(transposed, "your matrices are transposed: PyTorch stores (out_features, "
                                        "in_features), so weight_ih_l0 is (hidden_size, input_size)")])


@pytest.mark.points(2)
def test_count_parameters_notebook(learner, reference, method_rules):
    """count_parameters matches what the notebook's layer really holds."""
    args = dict(NOTEBOOK, bias=True, bidirectional=False)
    got = learner.observe("ex01.count_parameters", args)
    refuse_method(method_rules(MODULE, "count_parameters"), "count_parameters(2, 5, num_layers=1)",
                  "a count computed from the arguments alone", FROM_ARGUMENTS)
    want = reference.observe("ex01.count_parameters", args)
    one_bias = want["value"] - 5
    expect_equal(got["value"], want["value"], call="count_parameters(2, 5, num_layers=1)",
                 concept="the layer holds W_ih (5x2), W_hh (5x5) and two bias vectors b_ih and b_hh (5 each)",
                 mistakes=[(one_bias, "you counted one bias vector; nn.RNN has two per direction (b_ih and b_hh)"),
                           (None, "count_parameters must return an integer")])
