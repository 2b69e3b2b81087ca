"""Public checks for ex05_sequences, at the notebook's sizes (input 2, hidden 5)."""
import pytest

from autograder.verdicts.ex05 import judge_classifier, judge_packed, observe_packed
from autograder.verdicts.method import PACKING, refuse_method

RNN = dict(input_size=2, hidden_size=5, num_layers=1, nonlinearity="tanh", bias=True, batch_first=False,
           bidirectional=False, dtype="float32")


def _classify(learner, reference, cfg):
    want = reference.observe("ex05.classifier", dict(cfg, variants=True))
    got = learner.observe("ex05.classifier", cfg)
    judge_classifier(got, want, cfg)


@pytest.mark.points(2)
def test_classifier_notebook(learner, reference):
    """RNNClassifier(2, 5, num_layers, 3) turns the top layer's final state into 3 logits."""
    for layers in (1, 2):
        _classify(learner, reference, dict(input_size=2, num_hidden=5, num_layers=layers, num_classes=3,
                                           batch=4, seq=6, seed=21))


@pytest.mark.points(2)
def test_classifier_bidirectional(learner, reference):
    """A bidirectional RNNClassifier reads both directions' final states, forward first."""
    for layers in (1, 2):
        _classify(learner, reference, dict(input_size=2, num_hidden=5, num_layers=layers, num_classes=3,
                                           bidirectional=True, batch=4, seq=6, seed=22))


@pytest.mark.points(3)
def test_run_packed_notebook(learner, reference, method_rules):
    """run_packed stops every sequence at its own end and keeps the order the sequences were given."""
    cases = [(RNN, [3, 5, 1, 4]),
             (dict(RNN, batch_first=True, bidirectional=True), [2, 4, 1, 4]),
             (dict(RNN, num_layers=2), [3, 3, 3])]
    for rnn, lengths in cases:
        cfg = dict(rnn, lengths=lengths, seed=23)
        got, want = observe_packed(learner, reference, cfg)
        judge_packed(got, want, cfg)
        refuse_method(method_rules("ex05_sequences", "run_packed"), f"run_packed(rnn, sequences of lengths {lengths})",
                      "the sequences packed, run and unpacked", PACKING)
