"""Hidden check for ex01_rnn_layer.plot_weights: stacked and bidirectional layers."""
import pytest

from autograder.worker.observers.common import rnn_label
from autograder.verdicts.ex01_plots import judge_plot

CONFIGS = [dict(input_size=3, hidden_size=4, num_layers=2, seed=32),
           dict(input_size=2, hidden_size=6, num_layers=1, bidirectional=True, seed=33),
           dict(input_size=7, hidden_size=3, num_layers=3, bidirectional=True, bias=False, seed=34)]


@pytest.mark.points(2)
def test_plot_weights_configs(learner, reference):
    """plot_weights draws every layer's and direction's weight matrices, each in its own titled axes."""
    for cfg in CONFIGS:
        judge_plot(learner.observe("ex01.plot_weights", cfg), reference.observe("ex01.plot_weights", cfg),
                   call=f"plot_weights({rnn_label(**cfg)})")
