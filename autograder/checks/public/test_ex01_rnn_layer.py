"""Public checks for ex01_rnn_layer: the notebook's sizes (§2: input 2, hidden 5, one layer), then the
published configurations of ``autograder/configs.py`` (PUBLISHED_RNN_CONFIGS), which exercise every argument."""
import pytest

from autograder.configs import PUBLISHED_RNN_CONFIGS
from autograder.verdicts.ex01 import judge_count_parameters, judge_expected_weight_shapes, judge_make_rnn

NOTEBOOK = dict(input_size=2, hidden_size=5, num_layers=1, nonlinearity="tanh", bias=True, batch_first=False,
                bidirectional=False)
CONFIGS = [NOTEBOOK] + PUBLISHED_RNN_CONFIGS
MODULE = "ex01_rnn_layer"


@pytest.mark.points(2)
def test_make_rnn_notebook(learner, reference):
    """make_rnn builds the notebook's layer and the published ones with every argument passed on."""
    judge_make_rnn(learner, reference, CONFIGS)


@pytest.mark.points(3)
def test_expected_weight_shapes_notebook(learner, reference, method_rules):
    """expected_weight_shapes names every parameter with its shape: the notebook's layer, then the published ones."""
    judge_expected_weight_shapes(learner, reference, CONFIGS, method_rules(MODULE, "expected_weight_shapes"))


@pytest.mark.points(2)
def test_count_parameters_notebook(learner, reference, method_rules):
    """count_parameters matches what the notebook's layer and the published ones really hold."""
    judge_count_parameters(learner, reference, CONFIGS, method_rules(MODULE, "count_parameters"))
