"""Observers for ex01_rnn_layer: the layer and its weights."""
import operator

from torch import nn

from . import observer
from .common import build_rnn, shape_of

MODULE = "ex01_rnn_layer"
SETTINGS = ("input_size", "hidden_size", "num_layers", "nonlinearity", "bias", "batch_first", "bidirectional")


def describe_rnn(value):
    """What a check needs to know about an object that should be an nn.RNN."""
    if not isinstance(value, nn.RNN):
        return {"type": type(value).__name__, "is_rnn": False}
    return {"type": type(value).__name__, "is_rnn": True,
            "settings": {k: getattr(value, k, None) for k in SETTINGS},
            "parameters": {name: list(p.shape) for name, p in value.named_parameters()}}


@observer(each=True)
def make_rnn(ctx, **args):
    mod = ctx.module(MODULE)
    return describe_rnn(ctx.call(f"make_rnn({_kwargs(args)})", mod.make_rnn, **args))


def normalize_shapes(value):
    """A learner's {name: shape} mapping with shapes as lists of ints (tuple, list or torch.Size)."""
    if not isinstance(value, dict):
        return {"type": type(value).__name__, "shapes": None}
    shapes = {}
    for key, shape in value.items():
        try:
            shapes[str(key)] = [operator.index(n) for n in shape]
        except TypeError:
            shapes[str(key)] = {"unreadable": type(shape).__name__}
    return {"type": type(value).__name__, "shapes": shapes}


@observer(each=True)
def expected_weight_shapes(ctx, **args):
    mod = ctx.module(MODULE)
    result = ctx.call(f"expected_weight_shapes({_kwargs(args)})", mod.expected_weight_shapes, **args)
    return normalize_shapes(result)


@observer(each=True)
def count_parameters(ctx, **args):
    mod = ctx.module(MODULE)
    result = ctx.call(f"count_parameters({_kwargs(args)})", mod.count_parameters, **args)
    return {"type": type(result).__name__, "value": integral(result)}


def integral(value):
    """An int for any integral number (int, numpy or 0-d tensor integer, 40.0), else None."""
    try:
        return operator.index(value)
    except TypeError:
        pass
    try:
        as_float = float(value)
    except (TypeError, ValueError):
        return None
    return int(as_float) if as_float.is_integer() else None


@observer
def actual_parameters(ctx, **args):
    """What torch itself registers: the ground truth the reference is also checked against."""
    rnn = build_rnn(**args)
    return {"shapes": {n: list(p.shape) for n, p in rnn.named_parameters()},
            "count": sum(p.numel() for p in rnn.parameters()), "shape_of": shape_of(rnn.weight_ih_l0)}


def _kwargs(args):
    return ", ".join(f"{k}={v!r}" for k, v in args.items())
