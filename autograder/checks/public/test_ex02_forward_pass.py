"""Public checks for ex02_forward_pass, at the notebook's sizes (§3: seq 5, batch 2, input 2, hidden 5)."""
import pytest

from autograder.feedback import expect_equal, expect_tensor, shape_is, values_match

LAYER = dict(input_size=2, hidden_size=5, num_layers=1)
H0_CONCEPT = "h0 has shape (num_layers * num_directions, batch, hidden_size) (notebook §3), zeros, " \
             "with the dtype and device of the rnn's weights"


@pytest.mark.points(2)
def test_init_hidden_notebook(learner, reference):
    """init_hidden gives the notebook's zero hidden state (1, 2, 5)."""
    cfg = dict(LAYER, batch_size=2)
    got = learner.observe("ex02.init_hidden", cfg)["h0"]
    want = reference.observe("ex02.init_hidden", cfg)["h0"]
    expect_tensor(got, want, call="init_hidden(nn.RNN(2, 5, num_layers=1), batch_size=2)", what="h0",
                  concept=H0_CONCEPT,
                  mistakes=[(shape_is((2, 1, 5)), "batch and layers are swapped: layers come first in h0")])


@pytest.mark.points(2)
def test_output_shapes_notebook(learner, reference):
    """output_shapes predicts what rnn(x) returns for the notebook's input."""
    cfg = dict(LAYER, seq_len=5, batch_size=2)
    got = learner.observe("ex02.output_shapes", cfg)["shapes"]
    want = reference.observe("ex02.output_shapes", cfg)["shapes"]
    expect_equal(got, want, call="output_shapes(nn.RNN(2, 5, num_layers=1), seq_len=5, batch_size=2)",
                 concept="output is (seq, batch, hidden): every time step; h_n is (layers, batch, hidden): "
                         "the last step of every layer (notebook §3)",
                 mistakes=[([[2, 5, 5], [1, 2, 5]], "that output shape is batch first; without batch_first the "
                                                    "time axis comes first: (seq, batch, features)"),
                           ([[5, 2, 5], [2, 1, 5]], "batch and layers are swapped in h_n: layers come first")])


@pytest.mark.points(2)
def test_last_output_notebook(learner, reference):
    """last_output picks output[-1] in the default layout."""
    cfg = dict(LAYER, seq_len=5, batch_size=2)
    got = learner.observe("ex02.last_output", cfg)["last"]
    want = reference.observe("ex02.last_output", cfg)["last"]
    expect_tensor(got, want, call="last_output(output of shape (5, 2, 5))", what="the last step",
                  concept="in the default layout the time axis comes first, so output[-1] is the last step")


@pytest.mark.points(2)
def test_top_layer_hidden_notebook(learner, reference):
    """top_layer_hidden equals output[-1] for the notebook's layer."""
    cfg = dict(LAYER, seq_len=5, batch_size=2)
    got = learner.observe("ex02.top_layer_hidden", cfg)["top"]
    want = reference.observe("ex02.top_layer_hidden", cfg)["top"]
    expect_tensor(got, want, call="top_layer_hidden(h_n of shape (1, 2, 5), nn.RNN(2, 5))", what="the top layer's state",
                  concept="h_n[-1] is the top layer's final state, (batch, hidden); for one layer it equals "
                          "output[-1] (notebook §3)",
                  mistakes=[(shape_is((1, 2, 5)), "you returned h_n itself; drop the layer axis")])


@pytest.mark.points(2)
def test_to_batch_first_notebook(learner, reference):
    """to_batch_first turns the notebook's (5, 2, 2) input into (2, 5, 2) without scrambling it."""
    cfg = dict(shape=[5, 2, 2])
    got = learner.observe("ex02.to_batch_first", cfg)["result"]
    want = reference.observe("ex02.to_batch_first", cfg)["result"]
    # What view/reshape gives: the input (rebuilt from the right answer) read in memory order.
    as_viewed = want.data.transpose(1, 0, 2).reshape(want.shape)
    expect_tensor(got, want, call="to_batch_first(x of shape (5, 2, 2))", what="the reordered batch",
                  concept="result[b, t] must be x[t, b]: swap the axes (transpose/permute); view or reshape "
                          "keeps the memory order and mixes samples with time steps",
                  mistakes=[(values_match(as_viewed), "the shape is right but the values are scrambled: view/reshape "
                                                      "does not swap axes, transpose(0, 1) or permute(1, 0, 2) does")])
