"""Hidden checks for ex05_sequences: many sizes and settings, drawn from a fixed seed."""
import random

import pytest

from autograder.configs import draw_rnn_configs
from autograder.verdicts.ex05 import judge_classifier, judge_packed, observe_packed
from autograder.verdicts.method import PACKING, refuse_method


def _lengths(cfg, index):
    """Unsorted lengths with a length-1 sequence and a full-length one; every fourth batch of equal lengths."""
    seq, batch = cfg["seq_len"], cfg["batch_size"]
    if index % 4 == 3:
        return [seq] * batch
    rng = random.Random(cfg["seed"])
    lengths = [rng.randint(1, seq) for _ in range(batch)]
    lengths[0], lengths[-1] = seq, 1
    while lengths == sorted(lengths, reverse=True):
        rng.shuffle(lengths)
    return lengths


@pytest.mark.points(4)
def test_classifier_configs(learner, reference):
    """RNNClassifier gives the reference's logits for many sizes, layers, directions and dtypes."""
    for cfg in draw_rnn_configs(12, salt="ex05.classifier"):
        args = dict(input_size=cfg["input_size"], num_hidden=cfg["hidden_size"], num_layers=cfg["num_layers"],
                    num_classes=2 + cfg["seed"] % 5, bidirectional=cfg["bidirectional"], dtype=cfg["dtype"],
                    batch=cfg["batch_size"], seq=cfg["seq_len"], seed=cfg["seed"] % 100_000)
        want = reference.observe("ex05.classifier", dict(args, variants=True))
        got = learner.observe("ex05.classifier", args)
        judge_classifier(got, want, args)


@pytest.mark.points(5)
def test_run_packed_configs(learner, reference, method_rules):
    """run_packed matches the reference for every rnn setting, unsorted and equal lengths."""
    for index, cfg in enumerate(draw_rnn_configs(24, salt="ex05.run_packed")):
        args = {k: v for k, v in cfg.items() if k not in ("seq_len", "batch_size")}
        args.update(lengths=_lengths(cfg, index), seed=cfg["seed"] % 100_000)
        got, want = observe_packed(learner, reference, args)
        judge_packed(got, want, args)
        refuse_method(method_rules("ex05_sequences", "run_packed"), f"run_packed(rnn, sequences of lengths "
                      f"{args['lengths']})", "the sequences packed, run and unpacked", PACKING)
