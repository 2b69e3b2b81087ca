"""Verdicts for ex01_rnn_layer's make_rnn, expected_weight_shapes and count_parameters.

Shared by the public checks (a fixed, published set of configurations) and the
hidden ones (configurations drawn from a seed): each ``judge_*`` asks the
learner's code about every configuration in ONE observation and reports the
first configuration that fails, with the call, the answer, the expected answer,
the concept and, when the answer is what a classic mistake gives, a hint naming
it. What a mistake gives is computed here, in the trusted grader, from the
configuration alone.
"""
import math
import re

from ..configs import config_label
from ..feedback import Feedback, first_difference, in_configuration, paired
from . import observe_each
from .method import FROM_ARGUMENTS, refuse_method

LAYER_KEYS = ("input_size", "hidden_size", "num_layers", "nonlinearity", "bias", "batch_first", "bidirectional")
SHAPE_KEYS = ("input_size", "hidden_size", "num_layers", "bias", "bidirectional")
# What nn.RNN uses for an argument it is not given.
TORCH_DEFAULTS = {"num_layers": 1, "nonlinearity": "tanh", "bias": True, "batch_first": False,
                  "bidirectional": False}


def _call(function, args):
    return f"{function}(" + ", ".join(f"{k}={v!r}" for k, v in args.items()) + ")"


def _args(cfg, keys):
    return {k: cfg[k] for k in keys}


def judge_make_rnn(learner, reference, configs):
    """make_rnn passes every argument on to nn.RNN, in each of ``configs`` (dicts of LAYER_KEYS)."""
    configs = [_args(cfg, LAYER_KEYS) for cfg in configs]
    got_all = observe_each(learner, "ex01.make_rnn", configs)
    want_all = observe_each(reference, "ex01.make_rnn", configs)
    answers = paired(got_all, want_all, "ex01.make_rnn")
    for index, (args, (got, want)) in enumerate(zip(configs, answers)):
        call = in_configuration(_call("make_rnn", args), index, len(configs), config_label(args))
        if not got.get("is_rnn"):
            raise Feedback(call, f"an object of type {got.get('type')}", "an nn.RNN",
                           "make_rnn must return the nn.RNN layer itself (notebook §2)")
        difference = first_difference(got["settings"], want["settings"])
        if difference is None:
            continue
        key, got_value, want_value = difference
        hint = None
        if key in TORCH_DEFAULTS and got_value == TORCH_DEFAULTS[key]:
            hint = f"{key} was not passed on: the layer kept PyTorch's default {key}={got_value!r}"
        raise Feedback(call, f"an nn.RNN with {key}={got_value!r}", f"an nn.RNN with {key}={want_value!r}",
                       "every argument of make_rnn must reach nn.RNN, or the layer silently uses a default "
                       "and behaves differently from what the caller asked for", hint)


def _layer_of(name):
    return int(re.search(r"_l(\d+)", name)[1])


def _later_layers_read(shapes, width):
    """``shapes`` with the weight_ih of every layer >= 1 reading ``width`` features."""
    return {name: [shape[0], width] if name.startswith("weight_ih") and _layer_of(name) > 0 else shape
            for name, shape in shapes.items()}


def parameter_count(shapes):
    return sum(math.prod(shape) for shape in shapes.values())


def classic_mistakes(args, shapes):
    """[(what the mistake gives as {name: shape}, hint)] for one configuration.

    Each is the reference's answer ``shapes`` changed the way the mistake changes it
    (so this grader, shipped to learners, holds no way of computing the answer itself).
    """
    hidden = args["hidden_size"]
    if args["bias"]:
        wrong_bias = {name: shape for name, shape in shapes.items() if not name.startswith("bias_")}
    else:
        wrong_bias = dict(shapes)
        for name in shapes:
            if name.startswith("weight_ih"):
                for kind in ("bias_ih", "bias_hh"):
                    wrong_bias[name.replace("weight_ih", kind)] = [hidden]
    return [
        ({name: list(shape)[::-1] for name, shape in shapes.items()},
         "your matrices are transposed: PyTorch stores (out_features, in_features), so weight_ih is "
         "(hidden_size, layer input size) and it computes x @ W_ih.T"),
        (_later_layers_read(shapes, args["input_size"]),
         "layers >= 1 do not read x: they read the output of the layer below, so their weight_ih is "
         "(hidden_size, hidden_size * num_directions), not (hidden_size, input_size)"),
        (_later_layers_read(shapes, hidden) if args["bidirectional"] else None,
         "with bidirectional=True the layer below outputs both directions side by side, so layers >= 1 "
         "read hidden_size * num_directions = 2 * hidden_size features"),
        ({name: shape for name, shape in _later_layers_read(shapes, hidden).items() if not name.endswith("_reverse")}
         if args["bidirectional"] else None,
         "bidirectional was ignored: every layer gets a second set of parameters for the backward "
         "direction, named with the suffix _reverse, and layers >= 1 read 2 * hidden_size features"),
        ({name: shape for name, shape in shapes.items() if not name.startswith("bias_hh")} if args["bias"] else None,
         "you counted one bias vector per direction; nn.RNN has two (b_ih and b_hh)"),
        (wrong_bias,
         "bias was not honoured: bias=True gives bias_ih and bias_hh vectors of hidden_size per layer "
         "and direction, bias=False gives none"),
        # Last: a count that coincides with an earlier mistake's keeps that mistake's hint.
        ({name: shape for name, shape in shapes.items() if not name.startswith("weight_hh")},
         "weight_hh is missing: besides weight_ih every layer and direction has its own hidden-to-hidden matrix "
         "weight_hh of (hidden_size, hidden_size), the recurrence h_(t-1) @ W_hh.T"),
    ]


SHAPES_CONCEPT = ("per layer and direction nn.RNN registers weight_ih (hidden, layer input), weight_hh (hidden, "
                  "hidden) and, with bias, bias_ih and bias_hh (hidden,); layer 0 reads input_size features, "
                  "layers >= 1 read hidden_size * num_directions; the backward direction's names end in _reverse")


def _shape_text(shape):
    if isinstance(shape, list):
        return "(" + ", ".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"
    return str(shape)


def judge_expected_weight_shapes(learner, reference, configs, violations=()):
    """expected_weight_shapes names every parameter with its shape, in each of ``configs``; ``violations``:
    the method rules its source breaks (``method_rules``), refused whatever the answers."""
    configs = [_args(cfg, SHAPE_KEYS) for cfg in configs]
    got_all = observe_each(learner, "ex01.expected_weight_shapes", configs)
    refuse_method(violations, _call("expected_weight_shapes", configs[0]), "shapes computed from the arguments "
                  "alone", FROM_ARGUMENTS)
    want_all = observe_each(reference, "ex01.expected_weight_shapes", configs)
    answers = paired(got_all, want_all, "ex01.expected_weight_shapes")
    for index, (args, (got, want)) in enumerate(zip(configs, answers)):
        call = in_configuration(_call("expected_weight_shapes", args), index, len(configs),
                                config_label(args))
        shapes = got.get("shapes")
        if not isinstance(shapes, dict):
            raise Feedback(call, f"an object of type {got.get('type')}", "a dict {parameter name: shape}",
                           SHAPES_CONCEPT)
        difference = first_difference(shapes, want["shapes"])
        if difference is None:
            continue
        key, got_shape, want_shape = difference
        hint = next((text for variant, text in classic_mistakes(args, want["shapes"]) if variant == shapes), None)
        if got_shape == "<missing>":
            got_text, want_text = f"a dict without {key!r}", f"{key!r}: {_shape_text(want_shape)}"
        elif want_shape == "<no such entry>":
            got_text, want_text = f"a dict with {key!r}: {_shape_text(got_shape)}", f"no parameter named {key!r}"
        else:
            got_text, want_text = f"{key!r}: {_shape_text(got_shape)}", f"{key!r}: {_shape_text(want_shape)}"
        raise Feedback(call, got_text + f" ({len(shapes)} entries in all)",
                       want_text + f" ({len(want['shapes'])} entries in all)", SHAPES_CONCEPT, hint)


def judge_count_parameters(learner, reference, configs, violations=()):
    """count_parameters equals what nn.RNN holds, in each of ``configs``; ``violations`` as above."""
    configs = [_args(cfg, SHAPE_KEYS) for cfg in configs]
    got_all = observe_each(learner, "ex01.count_parameters", configs)
    refuse_method(violations, _call("count_parameters", configs[0]), "a count computed from the arguments alone",
                  FROM_ARGUMENTS)
    want_all = observe_each(reference, "ex01.count_parameters", configs)
    # The reference's shapes, from which a mistake's count is computed (asked for whatever the answers,
    # so a learner bundle's recorded reference holds them).
    shapes_all = observe_each(reference, "ex01.expected_weight_shapes", configs)
    answers = paired(got_all, want_all, "ex01.count_parameters")
    for index, (args, (got, want)) in enumerate(zip(configs, answers)):
        if got.get("value") == want["value"]:
            continue
        call = in_configuration(_call("count_parameters", args), index, len(configs), config_label(args))
        if got.get("value") is None:
            raise Feedback(call, f"an object of type {got.get('type')}", f"the integer {want['value']}",
                           "count_parameters returns the number of trainable scalars as an int")
        hint = next((text for variant, text in classic_mistakes(args, shapes_all[index]["shapes"])
                     if variant is not None and parameter_count(variant) == got["value"]), None)
        raise Feedback(call, str(got["value"]), str(want["value"]),
                       "sum over layers and directions of hidden * (layer input) + hidden * hidden "
                       "(+ 2 * hidden with bias); layers >= 1 read hidden * num_directions features", hint)
