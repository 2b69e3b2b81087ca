"""Public checks for ex02_forward_pass: the notebook's sizes (§3: seq 5, batch 2, input 2, hidden 5), then the
published configurations of ``autograder/configs.py`` (PUBLISHED_RNN_CONFIGS), which exercise every argument."""
import pytest

from autograder.configs import PUBLISHED_RNN_CONFIGS
from autograder.verdicts.ex02 import (judge_init_hidden, judge_last_output, judge_output_shapes, judge_to_batch_first,
                                      judge_top_layer_hidden)

NOTEBOOK = dict(input_size=2, hidden_size=5, num_layers=1, nonlinearity="tanh", bias=True, batch_first=False,
                bidirectional=False, dtype="float32", seq_len=5, batch_size=2, seed=1)
CONFIGS = [NOTEBOOK] + PUBLISHED_RNN_CONFIGS


@pytest.mark.points(2)
def test_init_hidden_notebook(learner, reference):
    """init_hidden gives zeros of the right shape and dtype: the notebook's (1, 2, 5), then the published layers."""
    judge_init_hidden(learner, reference, CONFIGS)


@pytest.mark.points(2)
def test_output_shapes_notebook(learner, reference):
    """output_shapes predicts what rnn(x) returns, for the notebook's layer and the published ones."""
    judge_output_shapes(learner, reference, CONFIGS)


@pytest.mark.points(2)
def test_last_output_notebook(learner, reference):
    """last_output picks the last time step, in the notebook's layout and with batch_first."""
    judge_last_output(learner, reference, CONFIGS)


@pytest.mark.points(2)
def test_top_layer_hidden_notebook(learner, reference):
    """top_layer_hidden gives the top layer's final state, for the notebook's layer and the published ones."""
    judge_top_layer_hidden(learner, reference, CONFIGS)


@pytest.mark.points(2)
def test_to_batch_first_notebook(learner, reference):
    """to_batch_first turns (seq, batch, features) into (batch, seq, features) without scrambling it."""
    judge_to_batch_first(learner, reference, CONFIGS)
