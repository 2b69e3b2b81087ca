"""Hidden checks for ex01_rnn_layer: many configurations drawn from a seed.

Each check asks the learner's code about every configuration in ONE observation
and reports the first configuration that fails (``autograder/verdicts/ex01.py``,
shared with the public checks, which use a fixed, published set instead).
"""
import pytest

from autograder.configs import draw_rnn_configs
from autograder.verdicts.ex01 import judge_count_parameters, judge_expected_weight_shapes, judge_make_rnn

MODULE = "ex01_rnn_layer"
MAKE_CONFIGS = draw_rnn_configs(16, salt="ex01.hidden.make_rnn_configs")
SHAPE_CONFIGS = draw_rnn_configs(24, salt="ex01.hidden.expected_weight_shapes_configs")
COUNT_CONFIGS = draw_rnn_configs(24, salt="ex01.hidden.count_parameters_configs")


@pytest.mark.points(1)
def test_make_rnn_configs(learner, reference):
    """make_rnn passes every argument on to nn.RNN, in 16 configurations."""
    judge_make_rnn(learner, reference, MAKE_CONFIGS)


@pytest.mark.points(2)
def test_expected_weight_shapes_configs(learner, reference, method_rules):
    """expected_weight_shapes names every parameter with its shape, in 24 configurations."""
    judge_expected_weight_shapes(learner, reference, SHAPE_CONFIGS,
                                 method_rules(MODULE, "expected_weight_shapes"))


@pytest.mark.points(2)
def test_count_parameters_configs(learner, reference, method_rules):
    """count_parameters equals what nn.RNN holds, in 24 configurations."""
    judge_count_parameters(learner, reference, COUNT_CONFIGS, method_rules(MODULE, "count_parameters"))
