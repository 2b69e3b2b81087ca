"""Public check for ex01_rnn_layer.plot_weights, on the notebook's layer (§2: input 2, hidden 5) and a
published bidirectional one."""
import pytest

from autograder.verdicts.ex01_plots import judge_plot
from autograder.worker.observers.labels import rnn_label

CONFIGS = [dict(input_size=2, hidden_size=5, num_layers=1, seed=31),
           dict(input_size=3, hidden_size=4, num_layers=1, bidirectional=True, seed=35)]


@pytest.mark.points(1)
def test_plot_weights_notebook(learner, reference):
    """plot_weights shows every weight matrix as a titled heat map: nn.RNN(2, 5), then a bidirectional one."""
    for cfg in CONFIGS:
        judge_plot(learner.observe("ex01.plot_weights", cfg), reference.observe("ex01.plot_weights", cfg),
                   call=f"plot_weights({rnn_label(**cfg)})")
