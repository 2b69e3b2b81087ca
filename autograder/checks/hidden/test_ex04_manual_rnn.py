"""Hidden checks for ex04_manual_rnn: every configuration of nn.RNN, drawn from a fixed seed."""
import pytest

from autograder.configs import draw_rnn_configs
from autograder.verdicts.ex04 import MODULE, judge_cell, judge_manual, observe_manual

# Every combination of layers (1-3), bias, tanh/relu, batch_first and bidirectional, once.
CONFIGS = draw_rnn_configs(48, salt="ex04.manual_rnn")
for _index, _cfg in enumerate(CONFIGS):
    _cfg["h0"] = "given" if _index % 3 else "none"


def _run(learner, reference, violations, configs, grads):
    for cfg in configs:
        got, want = observe_manual(learner, reference, cfg, grads=grads)
        judge_manual(got, want, cfg, violations, check_grads=grads)


@pytest.mark.points(2)
def test_rnn_cell_configs(learner, reference, method_rules):
    """rnn_cell matches the formula for many sizes, with and without bias, tanh and relu, float32 and float64."""
    for cfg in draw_rnn_configs(8, salt="ex04.rnn_cell"):
        args = dict(input_size=cfg["input_size"], hidden_size=cfg["hidden_size"], batch_size=cfg["batch_size"],
                    bias=cfg["bias"], nonlinearity=cfg["nonlinearity"], dtype=cfg["dtype"], seed=cfg["seed"])
        want = reference.observe("ex04.rnn_cell", dict(args, variants=True))
        got = learner.observe("ex04.rnn_cell", args)
        rules = method_rules(MODULE, "rnn_cell")
        judge_cell(got, want, violations=rules, call=f"rnn_cell with input={args['input_size']}, hidden={args['hidden_size']}, "
                                   f"batch={args['batch_size']}, bias={args['bias']}, {args['nonlinearity']}, "
                                   f"{args['dtype']}")


@pytest.mark.points(3)
def test_manual_rnn_unidirectional_configs(learner, reference, method_rules):
    """manual_rnn equals nn.RNN for every unidirectional configuration (1-3 layers, bias, tanh/relu, layouts)."""
    _run(learner, reference, method_rules(MODULE, "manual_rnn"), [c for c in CONFIGS if not c["bidirectional"]],
         grads=False)


@pytest.mark.points(3)
def test_manual_rnn_bidirectional_configs(learner, reference, method_rules):
    """manual_rnn equals nn.RNN for every bidirectional configuration."""
    _run(learner, reference, method_rules(MODULE, "manual_rnn"), [c for c in CONFIGS if c["bidirectional"]], grads=False)


@pytest.mark.points(4)
def test_manual_rnn_gradient_configs(learner, reference, method_rules):
    """Gradients through manual_rnn equal nn.RNN's for x, h0 and every parameter, in many configurations."""
    # 16 configurations, half without h0 and half with one (the forward checks visit all 48): a gradient
    # broken by a detach or an in-place write shows in any of them, and each costs a backward pass.
    _run(learner, reference, method_rules(MODULE, "manual_rnn"), CONFIGS[::6] + CONFIGS[1::6], grads=True)
