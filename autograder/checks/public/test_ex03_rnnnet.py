"""Public checks for ex03_rnnnet: the notebook's sizes (§4-5: input 3, hidden 16, one layer, seq 5, batch 2), then
the published nets of ``autograder/configs.py`` (PUBLISHED_NET_CONFIGS: both layouts and dtypes, 1-3 layers,
several output sizes, three batch sizes in a row)."""
import pytest

from autograder.configs import PUBLISHED_LOSS_CONFIGS, PUBLISHED_NET_CONFIGS
from autograder.verdicts.ex03 import (judge_forward, judge_forward_given, judge_keeps_callers_hidden,
                                      judge_sequence_mse, judge_structure)

NET = dict(input_size=3, num_hidden=16, num_layers=1)


@pytest.mark.points(2)
def test_structure_notebook(learner, reference):
    """RNNnet(3, 16, 1) and the published nets hold an nn.RNN at .rnn and an nn.Linear head at .out."""
    judge_structure(learner, reference, [dict(NET, output_size=1, batch_first=False)]
                    + [net["net_args"] for net in PUBLISHED_NET_CONFIGS])


@pytest.mark.points(3)
def test_forward_notebook(learner, reference):
    """net(X) gives predictions and hidden state: the notebook's net and the published ones, 3 batch sizes in a row."""
    judge_forward(learner, reference, PUBLISHED_NET_CONFIGS)


@pytest.mark.points(1)
def test_forward_from_a_given_hidden_published(learner, reference):
    """net(x, hidden) starts from the given hidden state and leaves the caller's tensor unchanged (published nets)."""
    judge_forward_given(learner, reference, PUBLISHED_NET_CONFIGS)
    judge_keeps_callers_hidden(learner, reference, PUBLISHED_NET_CONFIGS)


@pytest.mark.points(2)
def test_sequence_mse_notebook(learner, reference):
    """sequence_mse is the notebook's MSELoss over every step's prediction (and in the published shapes)."""
    notebook = dict(seq=5, batch=2, features=3, outputs=1, dtype="float32", seed=5)
    judge_sequence_mse(learner, reference, [notebook] + PUBLISHED_LOSS_CONFIGS)
