"""Hidden check for ex01_rnn_layer.plot_weights: stacked and bidirectional layers."""
import pytest

from autograder.worker.observers.labels import rnn_label
from autograder.verdicts.ex01_plots import judge_plot

# Stacked AND bidirectional without biases: every name (_l1, _reverse), the second layer's input of
# 2 * hidden and no bias vectors drawn, in 8 axes (it was 20, in three configurations, then 12 in two:
# the mutant banks of tests/test_plot_weights.py lose nothing; each axes a learner's code makes costs
# milliseconds, and plotting is this exercise's largest cost per learner). The public checks draw
# one layer with biases, one way and both ways.
CONFIGS = [dict(input_size=2, hidden_size=6, num_layers=2, bidirectional=True, bias=False, seed=34)]


@pytest.mark.points(2)
def test_plot_weights_configs(learner, reference):
    """plot_weights draws every layer's and direction's weight matrices, each in its own titled axes."""
    for cfg in CONFIGS:
        judge_plot(learner.observe("ex01.plot_weights", cfg), reference.observe("ex01.plot_weights", cfg),
                   call=f"plot_weights({rnn_label(**cfg)})")
