"""Observers for ex02_forward_pass: inputs, outputs and hidden states."""
import operator

import torch

from . import observer
from .common import build_rnn, rnn_config, rnn_label, uniform

MODULE = "ex02_forward_pass"


@observer(each=True)
def init_hidden(ctx, batch_size, **cfg):
    mod = ctx.module(MODULE)
    rnn = build_rnn(**cfg)
    return {"h0": ctx.call(f"init_hidden({rnn_label(**cfg)}, batch_size={batch_size})",
                           mod.init_hidden, rnn, batch_size)}


@observer(each=True)
def output_shapes(ctx, seq_len, batch_size, **cfg):
    mod = ctx.module(MODULE)
    rnn = build_rnn(**cfg)
    result = ctx.call(f"output_shapes({rnn_label(**cfg)}, seq_len={seq_len}, batch_size={batch_size})",
                      mod.output_shapes, rnn, seq_len, batch_size)
    return {"type": type(result).__name__, "shapes": normalize_pair(result)}


def normalize_pair(value):
    """((ints...), (ints...)) as lists, or None when it is not a pair of shapes."""
    try:
        output_shape, hidden_shape = value
        return [[operator.index(n) for n in output_shape], [operator.index(n) for n in hidden_shape]]
    except (TypeError, ValueError):
        return None


@observer(each=True)
def last_output(ctx, seq_len, batch_size, seed=1, **cfg):
    mod = ctx.module(MODULE)
    rnn = build_rnn(**cfg)
    x = uniform(seed, _input_shape(cfg, seq_len, batch_size), cfg.get("dtype", "float32"))
    output, _ = rnn(x)
    output = output.detach()
    label = f"last_output(output of {rnn_label(**cfg)} with shape {tuple(output.shape)}, " \
            f"batch_first={cfg.get('batch_first', False)})"
    last = ctx.call(label, mod.last_output, output.clone(), cfg.get("batch_first", False))
    # torch's own output travels too: on the reference side it is the ground truth
    # from which a check computes what classic mistakes (output[-1] with batch_first) return.
    return {"last": last, "output": output}


@observer(each=True)
def top_layer_hidden(ctx, seq_len, batch_size, seed=1, **cfg):
    mod = ctx.module(MODULE)
    rnn = build_rnn(**cfg)
    x = uniform(seed, _input_shape(cfg, seq_len, batch_size), cfg.get("dtype", "float32"))
    output, h_n = rnn(x)
    h_n = h_n.detach()
    label = f"top_layer_hidden(h_n with shape {tuple(h_n.shape)}, {rnn_label(**cfg)})"
    top = ctx.call(label, mod.top_layer_hidden, h_n.clone(), rnn)
    # torch's own h_n, the ground truth for recognising mistakes such as h_n[-1] alone.
    return {"top": top, "h_n": h_n}


@observer(each=True)
def to_batch_first(ctx, shape, seed=1, dtype="float32"):
    mod = ctx.module(MODULE)
    x = uniform(seed, shape, dtype)
    original = x.clone()
    result = ctx.call(f"to_batch_first(x with shape {tuple(shape)})", mod.to_batch_first, x)
    # An in-place transpose_ changes x's shape; compare shapes first so that is reported, not raised.
    unchanged = tuple(x.shape) == tuple(original.shape) and bool(torch.equal(x, original))
    return {"result": result, "input_unchanged": unchanged}


def _input_shape(cfg, seq_len, batch_size):
    if cfg.get("batch_first", False):
        return (batch_size, seq_len, cfg["input_size"])
    return (seq_len, batch_size, cfg["input_size"])


__all__ = ["rnn_config"]
