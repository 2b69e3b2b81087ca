"""Public checks for ex03_rnnnet, at the notebook's sizes (§4-5: input 3, hidden 16, one layer, seq 5, batch 2)."""
import pytest

from autograder.feedback import Feedback, expect_equal, expect_tensor, values_match

NET = dict(input_size=3, num_hidden=16, num_layers=1)


@pytest.mark.points(2)
def test_structure_notebook(learner, reference):
    """RNNnet(3, 16, 1) holds an nn.RNN at .rnn and an nn.Linear(16, 1) head at .out."""
    got = learner.observe("ex03.structure", NET)
    want = reference.observe("ex03.structure", NET)
    call = "RNNnet(3, 16, 1)"
    if got["rnn"] is None or not got["rnn"]["is_rnn"]:
        raise Feedback(call, "no nn.RNN at net.rnn", "net.rnn = nn.RNN(3, 16, 1)",
                       "the contract names the recurrent layer self.rnn (notebook §4)")
    expect_equal(got["rnn"]["settings"], want["rnn"]["settings"], call=call + ".rnn",
                 concept="the layer gets input_size, num_hidden and num_layers from the constructor")
    expect_equal(got["out"], want["out"], call=call + ".out",
                 concept="the head maps each hidden state (num_hidden features) to output_size values")


@pytest.mark.points(3)
def test_forward_notebook(learner, reference):
    """net(X) on the notebook's (5, 2, 3) input gives predictions (5, 2, 1) and hidden (1, 2, 16)."""
    cfg = dict(net_args=NET, calls=[dict(seq=5, batch=2, hidden="none", seed=11)], seed=3)
    got = learner.observe("ex03.forward", cfg)[0]
    want = reference.observe("ex03.forward", cfg)[0]
    call = "net(X) with X of shape (5, 2, 3) for net = RNNnet(3, 16, 1)"
    if got["returned"] != "pair":
        raise Feedback(call, f"a {got['returned']}", "a pair (predictions, hidden)",
                       "forward returns the head's predictions AND the rnn's final hidden state")
    expect_tensor(got["predictions"], want["predictions"], call=call, what="predictions",
                  concept="the linear head is applied to the rnn's output at every step: (seq, batch, 1)")
    expect_tensor(got["hidden"], want["hidden"], call=call, what="hidden",
                  concept="the final hidden state is (num_layers, batch, num_hidden) and starts from zeros")


@pytest.mark.points(2)
def test_sequence_mse_notebook(learner, reference):
    """sequence_mse is the notebook's MSELoss over every step's prediction."""
    cfg = dict(seq=5, batch=2, features=3, outputs=1, seed=5)
    got = learner.observe("ex03.sequence_mse", cfg)
    want = reference.observe("ex03.sequence_mse", cfg)
    call = "sequence_mse(net, X of shape (5, 2, 3), y of shape (5, 2, 1))"
    expect_tensor(got["loss"], want["loss"], call=call, what="the loss",
                  concept="the mean of the squared differences over every step, sample and output: a 0-d tensor",
                  mistakes=[(lambda loss: isinstance(loss, (int, float)),
                             "you returned a Python number: .item() (or float()) cuts the loss off from the graph, "
                             "so loss.backward() cannot train the net; return the tensor"),
                            (values_match(float(want["loss"].data) * 10),
                             "that is the SUM of the 10 squared errors; the loss is their mean")])
    if got["grads"] is None:
        raise Feedback(call, "a loss that gradients cannot flow through", "a loss connected to the net's parameters",
                       "training needs loss.backward(): compute the loss with torch operations, never .item()")
