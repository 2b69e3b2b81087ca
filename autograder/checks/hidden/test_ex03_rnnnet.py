"""Hidden checks for ex03_rnnnet: many nets drawn from a seed, called several times in a row.

The verdicts (``autograder/verdicts/ex03.py``) are shared with the public checks, which use the
notebook's net and a fixed, published set of nets instead.
"""
import pytest

from autograder.configs import draw_net_configs, draw_rnn_configs
from autograder.verdicts.ex03 import (judge_forward, judge_forward_given, judge_keeps_callers_hidden,
                                      judge_sequence_mse, judge_structure)

NETS = draw_net_configs(10, salt="ex03.hidden.forward_configs")
GIVEN_NETS = draw_net_configs(8, calls=2, salt="ex03.hidden.forward_given_hidden")
STRUCTURE_NETS = draw_net_configs(12, calls=1, salt="ex03.hidden.structure_configs")
LOSS_CONFIGS = [dict(seq=cfg["seq_len"], batch=cfg["batch_size"], features=cfg["input_size"],
                     outputs=1 + index % 3, dtype=cfg["dtype"], seed=cfg["seed"] % 100_000)
                for index, cfg in enumerate(draw_rnn_configs(8, salt="ex03.hidden.sequence_mse_configs"))]


@pytest.mark.points(1)
def test_structure_configs(learner, reference):
    """RNNnet builds its layer and head from the constructor's arguments, in 12 configurations."""
    judge_structure(learner, reference, [net["net_args"] for net in STRUCTURE_NETS])


@pytest.mark.points(4)
def test_forward_configs(learner, reference):
    """net(x) matches the reference for 10 nets, 3 batch sizes in a row each, both dtypes and layouts."""
    judge_forward(learner, reference, NETS)


@pytest.mark.points(1)
def test_forward_given_hidden(learner, reference):
    """net(x, hidden) starts from the given hidden state, for 8 nets and both dtypes and layouts."""
    judge_forward_given(learner, reference, GIVEN_NETS)


@pytest.mark.points(1)
def test_forward_keeps_callers_hidden(learner, reference):
    """net(x, hidden) leaves the caller's hidden tensor unchanged."""
    judge_keeps_callers_hidden(learner, reference, GIVEN_NETS)


@pytest.mark.points(2)
def test_sequence_mse_configs(learner, reference):
    """sequence_mse gives the mean squared error and its gradients, in 8 shapes and both dtypes."""
    judge_sequence_mse(learner, reference, LOSS_CONFIGS)
