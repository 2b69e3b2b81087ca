"""Hidden checks for ex02_forward_pass: many configurations drawn from a seed.

One observation per check covers every configuration; the first configuration
that fails is reported (``autograder/verdicts/ex02.py``, shared with the public
checks, which use the notebook's sizes and a fixed, published set instead).
"""
import pytest

from autograder.configs import draw_rnn_configs
from autograder.verdicts.ex02 import (judge_init_hidden, judge_last_output, judge_output_shapes, judge_to_batch_first,
                                      judge_top_layer_hidden)

INIT_CONFIGS = draw_rnn_configs(16, salt="ex02.hidden.init_hidden_configs")
SHAPES_CONFIGS = draw_rnn_configs(24, salt="ex02.hidden.output_shapes_configs")
LAST_CONFIGS = draw_rnn_configs(16, salt="ex02.hidden.last_output_configs")
TOP_CONFIGS = draw_rnn_configs(24, salt="ex02.hidden.top_layer_hidden_configs")
BATCH_FIRST_CONFIGS = draw_rnn_configs(12, salt="ex02.hidden.to_batch_first_configs")


@pytest.mark.points(2)
def test_init_hidden_configs(learner, reference):
    """init_hidden gives zeros of the right shape and dtype, in 16 configurations."""
    judge_init_hidden(learner, reference, INIT_CONFIGS)


@pytest.mark.points(1)
def test_output_shapes_configs(learner, reference):
    """output_shapes honours batch_first and bidirectional, in 24 configurations."""
    judge_output_shapes(learner, reference, SHAPES_CONFIGS)


@pytest.mark.points(1)
def test_last_output_configs(learner, reference):
    """last_output takes the last time step in both layouts, in 16 configurations."""
    judge_last_output(learner, reference, LAST_CONFIGS)


@pytest.mark.points(2)
def test_top_layer_hidden_configs(learner, reference):
    """top_layer_hidden takes the top layer, both directions, in 24 configurations."""
    judge_top_layer_hidden(learner, reference, TOP_CONFIGS)


@pytest.mark.points(1)
def test_to_batch_first_configs(learner, reference):
    """to_batch_first swaps the seq and batch axes without scrambling, in 12 shapes and both dtypes."""
    judge_to_batch_first(learner, reference, BATCH_FIRST_CONFIGS)
