"""Public check for ex01_rnn_layer.plot_weights, on the notebook's layer (§2: input 2, hidden 5)."""
import pytest

from autograder.verdicts.ex01_plots import judge_plot


@pytest.mark.points(1)
def test_plot_weights_notebook(learner, reference):
    """plot_weights shows weight_ih_l0 (5, 2) and weight_hh_l0 (5, 5) as titled heat maps."""
    cfg = dict(input_size=2, hidden_size=5, num_layers=1, seed=31)
    judge_plot(learner.observe("ex01.plot_weights", cfg), reference.observe("ex01.plot_weights", cfg),
               call="plot_weights(nn.RNN(2, 5))")
