"""Verdicts for ex02_forward_pass, shared by the public checks (the notebook's sizes and a fixed,
published set of configurations) and the hidden ones (configurations drawn from a seed).

One observation per check covers every configuration; the first configuration
that fails is reported. What a classic mistake would return is computed here
from the configuration or from torch's own output and h_n, which the reference
side's observation carries.
"""
import numpy as np

from ..configs import config_label
from ..feedback import (Feedback, Hint, expect_equal, expect_tensor, in_configuration, paired, shape_is, shape_text,
                        values_match)
from ..worker.observers.labels import rnn_config, rnn_label
from . import observe_each


def to_batch_first_config(cfg):
    """A to_batch_first request from an rnn configuration: x (seq, batch, input) in its dtype."""
    if "shape" in cfg:
        return cfg
    return dict(shape=[cfg["seq_len"], cfg["batch_size"], cfg["input_size"]], seed=cfg["seed"], dtype=cfg["dtype"])


def _layer(cfg):
    """The nn.RNN part of a configuration, with the seed of its weights."""
    return dict(rnn_config(cfg), seed=cfg["seed"])


def _directions(cfg):
    return 2 if cfg["bidirectional"] else 1


# -- init_hidden ---------------------------------------------------------------------------

H0_CONCEPT = ("h0 keeps (num_layers * num_directions, batch, hidden_size) even when batch_first=True "
              "(batch_first changes only the layout of x and output), and it is zeros with the dtype and "
              "device of the rnn's parameters")


def init_hidden_mistakes(cfg):
    layers, batch, hidden = cfg["num_layers"] * _directions(cfg), cfg["batch_size"], cfg["hidden_size"]
    right_shape = (layers, batch, hidden)
    mistakes = []
    if cfg["batch_first"]:
        mistakes.append((shape_is((batch, layers, hidden)),
                         "you put batch first because batch_first=True, but h0 keeps (num_layers * "
                         "num_directions, batch, hidden_size) whatever batch_first says"))
    else:
        mistakes.append((shape_is((batch, layers, hidden)), "batch and layers are swapped: layers come first in h0"))
    if cfg["bidirectional"]:
        mistakes.append((shape_is((cfg["num_layers"], batch, hidden)),
                         "bidirectional was ignored: with two directions h0 has num_layers * 2 rows"))
    if cfg["dtype"] != "float32":
        mistakes.append((lambda got: tuple(got.shape) == right_shape and got.dtype == "float32",
                         Hint(f"h0 is float32 but this rnn is {cfg['dtype']}", "take dtype (and device) from one "
                              "of its parameters, e.g. next(rnn.parameters()).dtype")))
    mistakes.append((shape_is((layers, hidden)),
                     Hint("h0 has three axes, (num_layers * num_directions, batch, hidden_size): yours has no batch "
                          "axis, one initial state per layer and direction is needed for EVERY sample",
                          "torch.zeros(num_layers * num_directions, batch_size, hidden_size, ...)")))
    mistakes.append((lambda got: tuple(got.shape) == right_shape and bool(np.any(got.data != 0)),
                     "h0 must be zeros: torch.zeros, not torch.empty or random values"))
    return mistakes


def judge_init_hidden(learner, reference, configs):
    """init_hidden gives zeros of the right shape and dtype, in each configuration."""
    requests = [dict(_layer(cfg), batch_size=cfg["batch_size"]) for cfg in configs]
    got_all = observe_each(learner, "ex02.init_hidden", requests)
    want_all = observe_each(reference, "ex02.init_hidden", requests)
    for index, (cfg, (got, want)) in enumerate(zip(configs, paired(got_all, want_all, "ex02.init_hidden"))):
        call = in_configuration(f"init_hidden({rnn_label(**cfg)}, batch_size={cfg['batch_size']})",
                                index, len(configs), config_label(cfg))
        expect_tensor(got["h0"], want["h0"], call=call, what="h0", concept=H0_CONCEPT,
                      mistakes=init_hidden_mistakes(cfg))


# -- output_shapes -------------------------------------------------------------------------



def output_shapes_mistakes(cfg):
    seq, batch, hidden = cfg["seq_len"], cfg["batch_size"], cfg["hidden_size"]
    directions, layers = _directions(cfg), cfg["num_layers"]

    def shapes(batch_first, features, rows, hidden_batch_first=False):
        output = [batch, seq, features] if batch_first else [seq, batch, features]
        h_n = [batch, rows, hidden] if hidden_batch_first else [rows, batch, hidden]
        return [output, h_n]

    right = dict(batch_first=cfg["batch_first"], features=directions * hidden, rows=layers * directions)
    mistakes = []
    if cfg["batch_first"]:
        mistakes += [
            (shapes(**dict(right, hidden_batch_first=True)),
             "h_n keeps (num_layers * num_directions, batch, hidden) even when batch_first=True; only output "
             "puts batch first"),
            (shapes(**dict(right, batch_first=False)),
             "batch_first was ignored: with batch_first=True the output is (batch, seq, features)")]
    if layers > 1:
        mistakes.append((shapes(**dict(right, features=layers * directions * hidden)),
                         "output holds only the TOP layer's state at every step (num_directions * hidden features); "
                         "the states of every layer are in h_n, at the last step only"))
    if cfg["bidirectional"]:
        mistakes += [
            (shapes(**dict(right, features=hidden, rows=layers)),
             "bidirectional was ignored: output holds both directions side by side (2 * hidden features) "
             "and h_n has num_layers * 2 rows"),
            (shapes(**dict(right, features=hidden)),
             "output concatenates both directions' states along the features: 2 * hidden features"),
            (shapes(**dict(right, rows=layers)),
             "h_n stacks both directions of every layer: num_layers * 2 rows")]
    return mistakes


def judge_output_shapes(learner, reference, configs):
    """output_shapes honours batch_first and bidirectional, in each configuration."""
    requests = [dict(_layer(cfg), seq_len=cfg["seq_len"], batch_size=cfg["batch_size"]) for cfg in configs]
    got_all = observe_each(learner, "ex02.output_shapes", requests)
    want_all = observe_each(reference, "ex02.output_shapes", requests)
    for index, (cfg, (got, want)) in enumerate(zip(configs, paired(got_all, want_all, "ex02.output_shapes"))):
        call = in_configuration(f"output_shapes({rnn_label(**cfg)}, seq_len={cfg['seq_len']}, "
                                f"batch_size={cfg['batch_size']})", index, len(configs), config_label(cfg))
        expect_equal(got["shapes"], want["shapes"], call=call,
                     show=lambda pair: (f"({shape_text(pair[0])}, {shape_text(pair[1])})" if pair
                                        else "not a pair of shapes"),
                     concept="output is (seq, batch, num_directions * hidden), or (batch, seq, ...) with "
                             "batch_first; h_n is (num_layers * num_directions, batch, hidden) in both layouts",
                     mistakes=output_shapes_mistakes(cfg))


# -- last_output ---------------------------------------------------------------------------



def last_output_mistakes(cfg, output):
    """Hints for last_output, given torch's own output (numpy) for this configuration."""
    if cfg["batch_first"]:
        return [(values_match(output[-1]),
                 Hint("output[-1] is the last SAMPLE when batch_first=True: the time axis is axis 1 there",
                      "so take output[:, -1]", joiner=", ")),
                (values_match(output[:, 0]), Hint("that is the first time step", "the last one is output[:, -1]",
                                                  joiner="; "))]
    return [(values_match(output[:, -1]),
             Hint("output[:, -1] is the last sample; in the default layout time is axis 0", "so take output[-1]",
                  joiner=", ")),
            (values_match(output[0]), Hint("that is the first time step", "the last one is output[-1]", joiner="; "))]


def judge_last_output(learner, reference, configs):
    """last_output takes the last time step in both layouts, in each configuration."""
    requests = [dict(_layer(cfg), seq_len=cfg["seq_len"], batch_size=cfg["batch_size"]) for cfg in configs]
    got_all = observe_each(learner, "ex02.last_output", requests)
    want_all = observe_each(reference, "ex02.last_output", requests)
    for index, (cfg, (got, want)) in enumerate(zip(configs, paired(got_all, want_all, "ex02.last_output"))):
        output = want["output"]
        call = in_configuration(f"last_output(output with shape {shape_text(output.shape)}, "
                                f"batch_first={cfg['batch_first']})", index, len(configs), config_label(cfg))
        expect_tensor(got["last"], want["last"], call=call, what="the last step",
                      concept="the last time step is output[-1] in the default layout (seq, batch, features) and "
                              "output[:, -1] with batch_first=True (batch, seq, features): (batch, features)",
                      mistakes=last_output_mistakes(cfg, output.data))


# -- top_layer_hidden ----------------------------------------------------------------------



def top_layer_mistakes(cfg, h_n):
    """Hints for top_layer_hidden, given torch's own h_n (numpy) for this configuration."""
    mistakes = [(shape_is(h_n.shape), "you returned h_n itself; keep only the top layer's rows")]
    if cfg["bidirectional"]:
        batch, hidden = h_n.shape[1], h_n.shape[2]
        mistakes += [
            (values_match(h_n[-1]),
             Hint("h_n[-1] is only the top layer's BACKWARD direction; with bidirectional=True the top layer has "
                  "two rows", "concatenate the forward state h_n[-2] and the backward state h_n[-1] along the "
                  "features")),
            (values_match(h_n[-2]),
             Hint("h_n[-2] is only the top layer's forward direction",
                  "concatenate the backward state h_n[-1] after it", joiner="; ")),
            (values_match(np.concatenate([h_n[-1], h_n[-2]], axis=1)),
             "the two directions are in the wrong order: forward (h_n[-2]) first, then backward (h_n[-1])"),
            (values_match(h_n[-2:].reshape(batch, 2 * hidden)),
             Hint("reshape/view of h_n[-2:] mixes samples with directions",
                  "concatenate h_n[-2] and h_n[-1] along dim=1 instead", joiner="; ")),
            (values_match(np.concatenate([h_n[0], h_n[1]], axis=1)) if cfg["num_layers"] > 1 else None,
             "those are the rows of the bottom layer (layer 0); the top layer's rows come last in h_n")]
    elif cfg["num_layers"] > 1:
        mistakes.append((values_match(h_n[0]),
                         "h_n[0] is the bottom layer (layer 0); the top layer is the last row, h_n[-1]"))
    return [(matcher, hint) for matcher, hint in mistakes if matcher is not None]


def judge_top_layer_hidden(learner, reference, configs):
    """top_layer_hidden takes the top layer, both directions, in each configuration."""
    requests = [dict(_layer(cfg), seq_len=cfg["seq_len"], batch_size=cfg["batch_size"]) for cfg in configs]
    got_all = observe_each(learner, "ex02.top_layer_hidden", requests)
    want_all = observe_each(reference, "ex02.top_layer_hidden", requests)
    for index, (cfg, (got, want)) in enumerate(zip(configs, paired(got_all, want_all, "ex02.top_layer_hidden"))):
        h_n = want["h_n"]
        call = in_configuration(f"top_layer_hidden(h_n with shape {shape_text(h_n.shape)}, {rnn_label(**cfg)})",
                                index, len(configs), config_label(cfg))
        expect_tensor(got["top"], want["top"], call=call, what="the top layer's state",
                      concept="h_n holds layer 0 first and the top layer last, each layer as its forward row then "
                              "(bidirectional) its backward row; the answer is the top layer's rows side by side: "
                              "(batch, num_directions * hidden), forward first",
                      mistakes=top_layer_mistakes(cfg, h_n.data))


# -- to_batch_first ------------------------------------------------------------------------



def judge_to_batch_first(learner, reference, configs):
    """to_batch_first swaps the seq and batch axes without scrambling, in each configuration."""
    configs = [to_batch_first_config(cfg) for cfg in configs]
    got_all = observe_each(learner, "ex02.to_batch_first", configs)
    want_all = observe_each(reference, "ex02.to_batch_first", configs)
    answers = paired(got_all, want_all, "ex02.to_batch_first")
    for index, (cfg, (got, want)) in enumerate(zip(configs, answers)):
        seq, batch, features = cfg["shape"]
        call = in_configuration(f"to_batch_first(x of shape {shape_text(cfg['shape'])}, {cfg['dtype']})",
                                index, len(configs), f"seq={seq}, batch={batch}, features={features}")
        result = want["result"].data
        x = result.transpose(1, 0, 2)          # the input, rebuilt from the right answer
        as_viewed = x.reshape(batch, seq, features)  # what view/reshape would give
        expect_tensor(got["result"], want["result"], call=call, what="the reordered batch",
                      concept=Hint("result[b, t] must be x[t, b]: swap the axes; view or reshape keeps the memory "
                                   "order and mixes samples with time steps",
                                   "transpose(0, 1) or permute(1, 0, 2) swaps them", joiner="; "),
                      mistakes=[(values_match(as_viewed),
                                 Hint("the shape is right but the values are scrambled: view/reshape does not swap "
                                      "axes", "transpose(0, 1) or permute(1, 0, 2) does", joiner=", ")),
                                (values_match(x.transpose(2, 1, 0)),
                                 Hint(".T (or permute(2, 1, 0)) reverses ALL three axes, giving (features, batch, seq)",
                                      "swap only the first two: transpose(0, 1)", joiner="; ")),
                                (shape_is(cfg["shape"]), "that is still (seq, batch, features): swap the first "
                                                         "two axes")])
        if not got["input_unchanged"]:
            raise Feedback(call, "the right answer, but x itself was changed", "x left as it was",
                           "a function should not modify its caller's tensor: use transpose (a new view), "
                           "not the in-place transpose_")
