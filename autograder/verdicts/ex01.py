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

from ..configs import config_label
from ..feedback import Feedback, first_difference, in_configuration, paired
from . import observe_each

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


def weight_shapes(input_size, hidden_size, num_layers=1, bias=True, bidirectional=False, *,
                  later_input="directions", transposed=False, biases=2):
    """{name: shape} that nn.RNN registers, or — with the keyword options — what a mistake gives.

    ``later_input``: what layers >= 1 read: "directions" (right: hidden * num_directions),
    "input" (input_size, as if they read x) or "hidden" (hidden, directions ignored).
    ``transposed`` swaps every matrix; ``biases=1`` keeps only bias_ih.
    """
    directions = 2 if bidirectional else 1
    widths = {"directions": hidden_size * directions, "input": input_size, "hidden": hidden_size}
    shapes = {}
    for layer in range(num_layers):
        width = input_size if layer == 0 else widths[later_input]
        for suffix in ["", "_reverse"][:directions]:
            matrices = {"weight_ih": [hidden_size, width], "weight_hh": [hidden_size, hidden_size]}
            for name, shape in matrices.items():
                shapes[f"{name}_l{layer}{suffix}"] = shape[::-1] if transposed else shape
            if bias:
                shapes[f"bias_ih_l{layer}{suffix}"] = [hidden_size]
                if biases == 2:
                    shapes[f"bias_hh_l{layer}{suffix}"] = [hidden_size]
    return shapes


def parameter_count(shapes):
    return sum(math.prod(shape) for shape in shapes.values())


def classic_mistakes(args):
    """[(what the mistake gives as {name: shape}, hint)] for one configuration."""
    wrong_bias = dict(args, bias=not args["bias"])
    return [
        (weight_shapes(**args, transposed=True),
         "your matrices are transposed: PyTorch stores (out_features, in_features), so weight_ih is "
         "(hidden_size, layer input size) and it computes x @ W_ih.T"),
        (weight_shapes(**args, later_input="input"),
         "layers >= 1 do not read x: they read the output of the layer below, so their weight_ih is "
         "(hidden_size, hidden_size * num_directions), not (hidden_size, input_size)"),
        (weight_shapes(**args, later_input="hidden"),
         "with bidirectional=True the layer below outputs both directions side by side, so layers >= 1 "
         "read hidden_size * num_directions = 2 * hidden_size features"),
        (weight_shapes(**dict(args, bidirectional=False)),
         "bidirectional was ignored: every layer gets a second set of parameters for the backward "
         "direction, named with the suffix _reverse, and layers >= 1 read 2 * hidden_size features"),
        (weight_shapes(**args, biases=1),
         "you counted one bias vector per direction; nn.RNN has two (b_ih and b_hh)"),
        (weight_shapes(**wrong_bias),
         "bias was not honoured: bias=True gives bias_ih and bias_hh vectors of hidden_size per layer "
         "and direction, bias=False gives none"),
    ]


SHAPES_CONCEPT = ("per layer and direction nn.RNN registers weight_ih (hidden, layer input), weight_hh (hidden, "
                  "hidden) and, with bias, bias_ih and bias_hh (hidden,); layer 0 reads input_size features, "
                  "layers >= 1 read hidden_size * num_directions; the backward direction's names end in _reverse")


def _shape_text(shape):
    if isinstance(shape, list):
        return "(" + ", ".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"
    return str(shape)


def judge_expected_weight_shapes(learner, reference, configs):
    """expected_weight_shapes names every parameter with its shape, in each of ``configs``."""
    configs = [_args(cfg, SHAPE_KEYS) for cfg in configs]
    got_all = observe_each(learner, "ex01.expected_weight_shapes", configs)
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
        hint = next((text for variant, text in classic_mistakes(args) if variant == shapes), None)
        if got_shape == "<missing>":
            got_text, want_text = f"a dict without {key!r}", f"{key!r}: {_shape_text(want_shape)}"
        elif want_shape == "<no such entry>":
            got_text, want_text = f"a dict with {key!r}: {_shape_text(got_shape)}", f"no parameter named {key!r}"
        else:
            got_text, want_text = f"{key!r}: {_shape_text(got_shape)}", f"{key!r}: {_shape_text(want_shape)}"
        raise Feedback(call, got_text + f" ({len(shapes)} entries in all)",
                       want_text + f" ({len(want['shapes'])} entries in all)", SHAPES_CONCEPT, hint)


def judge_count_parameters(learner, reference, configs):
    """count_parameters equals what nn.RNN holds, in each of ``configs``."""
    configs = [_args(cfg, SHAPE_KEYS) for cfg in configs]
    got_all = observe_each(learner, "ex01.count_parameters", configs)
    want_all = observe_each(reference, "ex01.count_parameters", configs)
    answers = paired(got_all, want_all, "ex01.count_parameters")
    for index, (args, (got, want)) in enumerate(zip(configs, answers)):
        if got.get("value") == want["value"]:
            continue
        call = in_configuration(_call("count_parameters", args), index, len(configs), config_label(args))
        if got.get("value") is None:
            raise Feedback(call, f"an object of type {got.get('type')}", f"the integer {want['value']}",
                           "count_parameters returns the number of trainable scalars as an int")
        hint = next((text for variant, text in classic_mistakes(args)
                     if parameter_count(variant) == got["value"]), None)
        raise Feedback(call, str(got["value"]), str(want["value"]),
                       "sum over layers and directions of hidden * (layer input) + hidden * hidden "
                       "(+ 2 * hidden with bias); layers >= 1 read hidden * num_directions features", hint)
