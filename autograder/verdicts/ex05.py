"""Verdicts for ex05_sequences: the many-to-one classifier and run_packed."""
from ..configs import config_label
from ..errors import LearnerError
from ..feedback import TOLERANCES, Feedback, Hint, expect_equal, expect_tensor, values_match
from ..worker.wire import Array

SUMMARY = ("a many-to-one model summarises the sequence by the top layer's FINAL hidden state, read from h_n: "
           "h_n[-1] for one direction; h_n[-2] (forward) and h_n[-1] (backward) concatenated along the features "
           "when bidirectional; the head maps those features to one logit per class")
CLASSIFIER_HINTS = {
    "last_step": "you used output[:, -1]: for the backward direction the last time step is the FIRST state it "
                 "computed (it has read one step only); its final state is in h_n",
    "directions_swapped": "the two directions are concatenated backward first: put the forward direction "
                          "(h_n[-2]) first, then the backward one (h_n[-1])",
    "reshape_mixes": "h_n[-2:] has shape (2, batch, hidden): reshape(batch, -1) mixes samples; concatenate the two "
                     "rows along the features (torch.cat([h_n[-2], h_n[-1]], dim=-1)) instead",
    "bottom_layer": "you used the FIRST layer's state; the top layer's rows are the last ones of h_n",
    "batch_read_as_time": Hint("your rnn read x as (seq, batch, features): it took the samples for time steps "
                               "(forward receives x batch first)", "build the nn.RNN with batch_first=True"),
}
PACKING = ("packing (torch.nn.utils.rnn.pack_sequence or pack_padded_sequence) lets the rnn stop every sequence at "
           "its own last step: the output is zero after each sequence's end and h_n holds each sequence's own "
           "last state, in the order the sequences were given")
PACKING_HINTS = {
    "padding_only": "padding alone runs the rnn over the padding zeros too, so h_n is the state after the padded "
                    "steps, not at each sequence's own end: pack the sequences before running the rnn",
    "sorted_order": "your results come in order of decreasing length, not in the order the sequences were given: "
                    "undo the sort (pack_sequence(..., enforce_sorted=False) with pad_packed_sequence does it for you)",
}


def judge_classifier(got, want, cfg):
    """Structure first (one nn.RNN with the right settings, one nn.Linear head of the right size), then logits."""
    label = (f"RNNClassifier({cfg['input_size']}, {cfg['num_hidden']}, {cfg['num_layers']}, {cfg['num_classes']}, "
             f"bidirectional={cfg.get('bidirectional', False)})")
    if not got["is_module"]:
        raise Feedback(label, f"an object of type {got['type']}", "an nn.Module",
                       "RNNClassifier subclasses nn.Module and calls super().__init__() first")
    if got["rnn_count"] != 1 or got["linear_count"] != 1 or got["other_parameters"]:
        extra = f" and other parameters {got['other_parameters']}" if got["other_parameters"] else ""
        raise Feedback(label, f"a model with {got['rnn_count']} nn.RNN and {got['linear_count']} nn.Linear{extra}",
                       "exactly one nn.RNN and one nn.Linear head (any attribute names), and no other parameters",
                       "the check gives your model the reference's weights by filling its nn.RNN (by parameter "
                       "name) and its nn.Linear, so it needs exactly those two")
    settings = {k: v for k, v in got["rnn"]["settings"].items() if k != "batch_first"}
    expected = {k: v for k, v in want["rnn"]["settings"].items() if k != "batch_first"}
    mistakes = []
    if cfg.get("bidirectional"):
        mistakes.append((dict(expected, bidirectional=False), "bidirectional=True must reach the nn.RNN"))
    expect_equal(settings, expected, call=f"{label}: its nn.RNN", mistakes=mistakes,
                 concept="the classifier's rnn gets input_size, num_hidden, num_layers and bidirectional from the "
                         "constructor (batch_first is your choice, as long as forward reads x batch first)")
    head_hint = []
    if cfg.get("bidirectional"):
        head_hint.append((dict(want["linear"], in_features=cfg["num_hidden"]),
                          "the head reads num_hidden features, so one direction is dropped: a bidirectional "
                          "rnn's summary has 2 * num_hidden features (forward and backward concatenated)"))
    expect_equal(got["linear"], want["linear"], call=f"{label}: its nn.Linear head", mistakes=head_hint,
                 concept="the head maps num_directions * num_hidden features to num_classes logits")
    variants = want.get("variants") or {}
    tolerance = TOLERANCES.get(cfg.get("dtype", "float32"))
    mistakes = [(values_match(v.data, tolerance), CLASSIFIER_HINTS[name]) for name, v in variants.items()]
    expect_tensor(got["logits"], want["logits"], call=f"net(x of shape ({cfg.get('batch', 3)}, {cfg.get('seq', 4)}, "
                                                      f"{cfg['input_size']})) for net = {label}",
                  what="the logits", concept=SUMMARY, mistakes=mistakes)


def observe_packed(learner, reference, cfg):
    """(learner's, reference's) observation of run_packed; the classic sorting error becomes feedback."""
    want = reference.observe("ex05.run_packed", dict(cfg, variants=True))
    try:
        got = learner.observe("ex05.run_packed", cfg)
    except LearnerError as error:
        if error.kind == "error" and "enforce_sorted" in error.message:
            raise Feedback(error.message.split(" raised ")[0], "an error: " + error.message.split(" raised ", 1)[-1],
                           "results for sequences given in any order of lengths", PACKING,
                           "pack_sequence and pack_padded_sequence expect decreasing lengths unless you pass "
                           "enforce_sorted=False (or sort them yourself and undo the sort afterwards)") from None
        raise
    return got, want


def unpacking_mistakes(part, want, cfg, tolerance):
    """Hints computed from the right answer: the output unpacked in the other layout, and h_n read from the
    padded output's last step (zeros for every sequence shorter than the longest)."""
    padded = want["padded"].data
    if part == "padded" and cfg.get("batch_first"):
        return [(values_match(padded.transpose(1, 0, 2), tolerance),
                 Hint("this is the output time first: pad_packed_sequence returns (max_len, batch, features) unless "
                      "told otherwise, while this rnn is batch first",
                      "pad_packed_sequence(packed_output, batch_first=rnn.batch_first)"))]
    if part == "h_n":
        last_step = padded[:, -1] if cfg.get("batch_first") else padded[-1]
        return [(values_match(last_step[None], tolerance),
                 "you took the padded output's last step: it is zero for every sequence shorter than the longest "
                 "(and holds the top layer only); h_n, as the rnn returns it for the packed batch, holds each "
                 "sequence's own last state")]
    return []


def judge_packed(got, want, cfg):
    call = f"run_packed(nn.RNN with {config_label(cfg)}, sequences of lengths {cfg['lengths']})"
    if got["returned"] != "triple":
        raise Feedback(call, f"a {got['returned']}", "a triple (padded_output, lengths, h_n)",
                       "run_packed returns the padded output, the lengths and the final hidden states")
    if not got["unchanged"]:
        raise Feedback(call, "the input sequences were modified", "the sequences left as they were given",
                       "run_packed only reads its inputs")
    variants = want.get("variants") or {}
    tolerance = TOLERANCES.get(cfg.get("dtype", "float32"))
    for part, what in (("padded", "the padded output"), ("lengths", "lengths"), ("h_n", "h_n")):
        mistakes = [(values_match(v[part].data, tolerance), PACKING_HINTS[name]) for name, v in variants.items()
                    if part != "lengths"] + unpacking_mistakes(part, want, cfg, tolerance)
        if part == "lengths":
            mistakes = [(lambda g: not isinstance(g, Array), "return the lengths as a 1-D tensor "
                                                            "(torch.tensor(..., dtype=torch.int64)), not a list"),
                        (lambda g: isinstance(g, Array) and g.dtype != "int64",
                         "lengths must be int64 (torch.tensor(lengths, dtype=torch.int64)), the dtype "
                         "pack_padded_sequence itself uses")]
            if "sorted_order" in variants:
                mistakes.append((values_match(variants["sorted_order"]["lengths"].data),
                                 PACKING_HINTS["sorted_order"]))
        expect_tensor(got[part], want[part], call=call, what=what, concept=PACKING, mistakes=mistakes)
