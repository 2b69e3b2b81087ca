"""Observers for ex04_manual_rnn: one step by hand, then the whole recurrence.

While learner code runs, torch's own RNN entry points (``nn.RNN.forward``,
``nn.RNNCell.forward``, the fused ``rnn_tanh``/``rnn_relu`` functions) are
wrapped so that every call is recorded: an answer that leans on them is
reported, whatever it returns. This is a second, advisory signal: the decisive one is the
trusted grader's allowlist analysis of the source (``autograder/method_rules``), which also
catches code that bypasses or undoes the wrappers.

With ``variants=True`` (asked of the reference only) the observers also
return what classic mistakes would produce, computed by ``mistaken_rnn``
below from torch's own layers, so that a check can name the mistake a
learner's numbers match.
"""
import contextlib

import torch
from torch import nn

from . import observer
from .common import DTYPES, build_rnn, rnn_label, uniform

MODULE = "ex04_manual_rnn"
FUSED = ("rnn_tanh", "rnn_relu", "rnn_tanh_cell", "rnn_relu_cell")


def _entry_points():
    """(owner, attribute, name for feedback) of every RNN entry point an answer must not use."""
    points = [(nn.RNN, "forward", "nn.RNN.forward (calling the rnn itself)"),
              (nn.RNNCell, "forward", "nn.RNNCell.forward")]
    for name in FUSED:
        points.append((torch._VF, name, f"torch._VF.{name}"))
        points.append((torch, name, f"torch.{name}"))
    return points


@contextlib.contextmanager
def watch_rnn_entry_points():
    """Record (by name) every call of torch's RNN machinery made inside the block."""
    calls = []
    undo = []

    def wrap(original, label):
        def recorder(*args, **kwargs):
            calls.append(label)
            return original(*args, **kwargs)
        return recorder

    for owner, attribute, label in _entry_points():
        own = attribute in vars(owner)
        original = getattr(owner, attribute)
        try:
            setattr(owner, attribute, wrap(original, label))
        except (AttributeError, TypeError):
            continue
        undo.append((owner, attribute, own, original))
    impls = getattr(nn.modules.rnn, "_rnn_impls", None)
    saved_impls = dict(impls) if isinstance(impls, dict) else None
    if saved_impls is not None:
        for key, fn in saved_impls.items():
            impls[key] = wrap(fn, f"torch.nn.modules.rnn._rnn_impls[{key!r}]")
    try:
        yield calls
    finally:
        for owner, attribute, own, original in reversed(undo):
            if own:
                setattr(owner, attribute, original)
            else:
                with contextlib.suppress(AttributeError):
                    delattr(owner, attribute)
        if saved_impls is not None:
            impls.clear()
            impls.update(saved_impls)


# ---------------------------------------------------------------- one step

@observer
def rnn_cell(ctx, input_size, hidden_size, batch_size, bias=True, nonlinearity="tanh", dtype="float32",
             seed=0, variants=False):
    mod = ctx.module(MODULE)
    x_t = uniform(seed, (batch_size, input_size), dtype)
    h_prev = uniform(seed + 1, (batch_size, hidden_size), dtype)
    w_ih = uniform(seed + 2, (hidden_size, input_size), dtype)
    w_hh = uniform(seed + 3, (hidden_size, hidden_size), dtype)
    b_ih = uniform(seed + 4, (hidden_size,), dtype) if bias else None
    b_hh = uniform(seed + 5, (hidden_size,), dtype) if bias else None
    label = (f"rnn_cell(x_t {tuple(x_t.shape)}, h_prev {tuple(h_prev.shape)}, w_ih {tuple(w_ih.shape)}, "
             f"w_hh {tuple(w_hh.shape)}, b_ih={'(%d,)' % hidden_size if bias else None}, "
             f"b_hh={'(%d,)' % hidden_size if bias else None}, nonlinearity={nonlinearity!r}) in {dtype}")
    with watch_rnn_entry_points() as calls:
        result = ctx.call(label, mod.rnn_cell, x_t, h_prev, w_ih, w_hh, b_ih=b_ih, b_hh=b_hh,
                          nonlinearity=nonlinearity)
    record = {"h": result, "forbidden": sorted(set(calls))}
    if variants:
        act = torch.relu if nonlinearity == "relu" else torch.tanh
        zero = torch.zeros((), dtype=DTYPES[dtype])
        b_i = b_ih if bias else zero
        b_h = b_hh if bias else zero
        record["variants"] = {
            "only_b_ih": act(x_t @ w_ih.T + h_prev @ w_hh.T + b_i) if bias else None,
            "only_b_hh": act(x_t @ w_ih.T + h_prev @ w_hh.T + b_h) if bias else None,
            "always_tanh": torch.tanh(x_t @ w_ih.T + h_prev @ w_hh.T + b_i + b_h) if nonlinearity == "relu" else None,
            "no_activation": x_t @ w_ih.T + h_prev @ w_hh.T + b_i + b_h,
            "h_prev_ignored": act(x_t @ w_ih.T + b_i + b_h),
        }
    return record


# ---------------------------------------------------------------- the whole recurrence

def _one_direction(rnn, layer, suffix, dtype, nonlinearity=None):
    """A single-layer, single-direction nn.RNN holding one layer-direction's weights of ``rnn``."""
    width = getattr(rnn, f"weight_ih_l{layer}{suffix}").shape[1]
    part = nn.RNN(width, rnn.hidden_size, nonlinearity=nonlinearity or rnn.nonlinearity, bias=rnn.bias).to(dtype)
    with torch.no_grad():
        for kind in ("weight_ih", "weight_hh") + (("bias_ih", "bias_hh") if rnn.bias else ()):
            getattr(part, f"{kind}_l0").copy_(getattr(rnn, f"{kind}_l{layer}{suffix}"))
    return part


def mistaken_rnn(rnn, x, h0, *, reverse_backward=True, restore_order=True, layers_read_x=False,
                 dropped_bias=None, nonlinearity=None, aliased_outputs=False):
    """What a manual RNN with one classic mistake returns (no switch set: the right answer).

    Built from torch's own single-direction layers (trusted side only): each
    layer and direction of ``rnn`` becomes its own one-layer nn.RNN, and the
    switches change how they are chained.
    """
    steps = x.transpose(0, 1) if rnn.batch_first else x   # time first from here on
    directions, layers = (2 if rnn.bidirectional else 1), rnn.num_layers
    layer_input, finals = steps, []
    for layer in range(layers):
        halves = []
        for direction, suffix in enumerate(["", "_reverse"][:directions]):
            part = _one_direction(rnn, layer, suffix, x.dtype, nonlinearity)
            if dropped_bias:
                getattr(part, f"{dropped_bias}_l0").zero_()
            source = steps if (layers_read_x and layer > 0) else layer_input
            backwards = direction == 1 and reverse_backward
            states, last = part(source.flip(0) if backwards else source, h0[layer * directions + direction][None])
            halves.append(states.flip(0) if backwards and restore_order else states)
            finals.append(last[0])
        if aliased_outputs:
            halves = [finals[-1].expand(steps.shape[0], *finals[-1].shape)]
        layer_input = torch.cat(halves, dim=-1)
    top = layer_input.transpose(0, 1) if rnn.batch_first else layer_input
    return top, torch.stack(finals)


def mistake_variants(rnn, x, h0, given_h0):
    """{mistake name: {"output", "h_n"}} for every mistake that makes a difference in this configuration."""
    directions = 2 if rnn.bidirectional else 1
    switches = {"aliased_outputs": dict(aliased_outputs=True)} if directions == 1 else {}
    if rnn.bidirectional:
        switches["backward_not_reversed"] = dict(reverse_backward=False)
        switches["backward_order_not_restored"] = dict(restore_order=False)
    if rnn.num_layers > 1 and rnn.input_size == rnn.hidden_size * directions:
        switches["layers_read_x"] = dict(layers_read_x=True)
    if rnn.bias:
        switches["only_b_ih"] = dict(dropped_bias="bias_hh")
        switches["only_b_hh"] = dict(dropped_bias="bias_ih")
    if rnn.nonlinearity == "relu":
        switches["always_tanh"] = dict(nonlinearity="tanh")
    found = {}
    with torch.no_grad():
        for name, options in switches.items():
            output, h_n = mistaken_rnn(rnn, x, h0, **options)
            found[name] = {"output": output, "h_n": h_n}
        if given_h0:
            output, h_n = mistaken_rnn(rnn, x, torch.zeros_like(h0))
            found["h0_ignored"] = {"output": output, "h_n": h_n}
            # Per-layer h0 mix-ups: which row of h0 each layer and direction starts from.
            rows, layers = h0.shape[0], rnn.num_layers
            mixed_rows = {}
            if rows > 1:
                mixed_rows["h0_first_row_only"] = [0] * rows
            if directions == 2 and layers > 1:
                mixed_rows["h0_rows_direction_major"] = [d * layers + l for l in range(layers) for d in range(2)]
            for name, order in mixed_rows.items():
                output, h_n = mistaken_rnn(rnn, x, h0[order])
                found[name] = {"output": output, "h_n": h_n}
    return found


def _input_shape(cfg, seq_len, batch_size):
    if cfg.get("batch_first", False):
        return (batch_size, seq_len, cfg["input_size"])
    return (seq_len, batch_size, cfg["input_size"])


@observer
def manual_rnn(ctx, seq_len, batch_size, seed=0, h0="given", grads=True, variants=False, **cfg):
    """The learner's (output, h_n), whether h0/x were left alone, forbidden calls, and gradients."""
    mod = ctx.module(MODULE)
    dtype = cfg.get("dtype", "float32")
    rnn = build_rnn(**cfg, seed=seed)
    directions = 2 if cfg.get("bidirectional", False) else 1
    h_shape = (cfg.get("num_layers", 1) * directions, batch_size, cfg["hidden_size"])
    x_leaf = uniform(seed + 1, _input_shape(cfg, seq_len, batch_size), dtype).requires_grad_()
    h0_leaf = uniform(seed + 2, h_shape, dtype).requires_grad_()
    # Non-leaf copies: writing into them in place is allowed by autograd, so a
    # learner who does it gets a verdict about it rather than an autograd error.
    x, given = x_leaf.clone(), h0_leaf.clone()
    x_before, h0_before = x.detach().clone(), given.detach().clone()
    label = f"manual_rnn({rnn_label(**cfg)}, x {tuple(x.shape)}" + \
            (f", h0 {h_shape})" if h0 == "given" else ")") + ("" if dtype == "float32" else f" in {dtype}")
    with watch_rnn_entry_points() as calls:
        if h0 == "given":
            result = ctx.call(label, mod.manual_rnn, rnn, x, given)
        else:
            result = ctx.call(label, mod.manual_rnn, rnn, x)
    record = {"forbidden": sorted(set(calls)), "x_unchanged": bool(torch.equal(x.detach(), x_before)),
              "h0_unchanged": bool(torch.equal(given.detach(), h0_before)) if h0 == "given" else True,
              "returned": "pair", "output": None, "h_n": None, "grads": None, "grad_problem": None}
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        record["returned"] = type(result).__name__
        return record
    output, h_n = result
    record["output"], record["h_n"] = output, h_n
    if grads:
        inputs = {"x": x_leaf, **({"h0": h0_leaf} if h0 == "given" else {}), **dict(rnn.named_parameters())}
        record["grads"], record["grad_problem"] = _gradients(output, h_n, inputs, seed, dtype)
    if variants:
        record["variants"] = mistake_variants(rnn, x_before, h0_before if h0 == "given"
                                              else torch.zeros(h_shape, dtype=DTYPES[dtype]), h0 == "given")
    return record


def _gradients(output, h_n, inputs, seed, dtype):
    """Gradients of a fixed random weighting of output and h_n, or (None, why not)."""
    if not (isinstance(output, torch.Tensor) and isinstance(h_n, torch.Tensor)):
        return None, "output and h_n must be tensors"
    if not (output.requires_grad or h_n.requires_grad):
        return None, "neither output nor h_n is connected to the autograd graph"
    try:
        weights_out = uniform(seed + 3, tuple(output.shape), dtype).to(output.dtype)
        weights_h = uniform(seed + 4, tuple(h_n.shape), dtype).to(h_n.dtype)
        loss = (output * weights_out).sum() + (h_n * weights_h).sum()
        names = list(inputs)
        found = torch.autograd.grad(loss, [inputs[n] for n in names], allow_unused=True)
    except Exception as exc:  # autograd refused the learner's graph (e.g. an in-place write)
        return None, f"{type(exc).__name__}: {str(exc)[:300]}"
    return {name: grad for name, grad in zip(names, found)}, None
