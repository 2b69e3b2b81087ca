"""Public checks for ex04_manual_rnn, at the notebook's sizes (§3: seq 5, batch 2, input 2, hidden 5)."""
import pytest

from autograder.verdicts.ex04 import MODULE, judge_cell, judge_manual, observe_manual

NOTEBOOK = dict(input_size=2, hidden_size=5, num_layers=1, nonlinearity="tanh", bias=True, batch_first=False,
                bidirectional=False, dtype="float32", seq_len=5, batch_size=2)


@pytest.mark.points(2)
def test_rnn_cell_notebook(learner, reference, method_rules):
    """rnn_cell computes one step: tanh or relu, with both biases or none."""
    for bias, nonlinearity in [(True, "tanh"), (True, "relu"), (False, "tanh")]:
        cfg = dict(input_size=2, hidden_size=5, batch_size=2, bias=bias, nonlinearity=nonlinearity, seed=41)
        want = reference.observe("ex04.rnn_cell", dict(cfg, variants=True))
        got = learner.observe("ex04.rnn_cell", cfg)
        rules = method_rules(MODULE, "rnn_cell")
        judge_cell(got, want, violations=rules, call=f"rnn_cell(x_t (2, 2), h_prev (2, 5), w_ih (5, 2), w_hh (5, 5), "
                                   f"{'b_ih (5,), b_hh (5,)' if bias else 'b_ih=None, b_hh=None'}, "
                                   f"nonlinearity={nonlinearity!r})")


@pytest.mark.points(3)
def test_manual_rnn_notebook(learner, reference, method_rules):
    """manual_rnn reproduces the notebook's nn.RNN(2, 5) with and without h0, and in float64 (its zeros h0 too)."""
    violations = method_rules(MODULE, "manual_rnn")
    for h0, seed, dtype in [("given", 7, "float32"), ("none", 8, "float32"), ("none", 11, "float64")]:
        cfg = dict(NOTEBOOK, h0=h0, seed=seed, dtype=dtype)
        got, want = observe_manual(learner, reference, cfg, grads=False)
        judge_manual(got, want, cfg, violations, check_grads=False)


@pytest.mark.points(1)
def test_manual_rnn_gradients_notebook(learner, reference, method_rules):
    """Gradients flow through manual_rnn to x, h0 and every weight, as through nn.RNN."""
    cfg = dict(NOTEBOOK, h0="given", seed=9)
    got, want = observe_manual(learner, reference, cfg, grads=True)
    judge_manual(got, want, cfg, method_rules(MODULE, "manual_rnn"), check_grads=True)


@pytest.mark.points(2)
def test_manual_rnn_stacked_bidirectional(learner, reference, method_rules):
    """manual_rnn handles two stacked layers, both directions and batch_first."""
    violations = method_rules(MODULE, "manual_rnn")
    for extra in [dict(num_layers=2), dict(bidirectional=True, batch_first=True),
                  dict(num_layers=2, bidirectional=True, nonlinearity="relu")]:
        cfg = dict(NOTEBOOK, h0="given", seed=10, **extra)
        got, want = observe_manual(learner, reference, cfg, grads=False)
        judge_manual(got, want, cfg, violations, check_grads=False)
