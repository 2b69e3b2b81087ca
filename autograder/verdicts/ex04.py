"""Verdicts for ex04_manual_rnn: the recurrence by hand must be nn.RNN's, computed by the learner."""
from ..configs import config_label
from ..feedback import MATMUL_SHAPES
from ..feedback import TOLERANCES, Feedback, expect_tensor, values_match
from ..errors import LearnerError
from .method import refuse_method

MODULE = "ex04_manual_rnn"
RECURRENCE = ("nn.RNN computes, for every layer and direction, h_t = act(x_t @ W_ih.T + b_ih + h_(t-1) @ W_hh.T "
              "+ b_hh); layer k >= 1 reads layer k-1's output (both directions concatenated), the backward "
              "direction runs from the last step to the first, and h_n stacks every layer's and direction's "
              "last state")
DOC_LOOP = ("PyTorch's own nn.RNN documentation shows an 'equivalent' loop with two bugs (pytorch/pytorch#136926): "
            "(1) it writes the new states into h0 in place (h_t = h_0; h_t[layer] = ...), which changes the "
            "caller's tensor, turns every output you appended into a view of that one tensor, and breaks "
            "autograd; (2) it feeds x[t] to every layer, while every layer after the first must read the "
            "previous layer's output")
HINTS = {
    "backward_not_reversed": "the backward direction (the _reverse parameters) must read the sequence from the last "
                             "step to the first; yours reads it forwards",
    "backward_order_not_restored": "the backward direction's state after reading step t belongs at output[t]; you "
                                   "kept its states in the order you computed them (last step first): reverse "
                                   "them back (torch.flip or indexing) before concatenating",
    "layers_read_x": "every layer after the first must read the previous layer's output (hidden_size * "
                     "num_directions features), not x (the bug of PyTorch's documentation loop, "
                     "pytorch/pytorch#136926)",
    "only_b_ih": "nn.RNN adds TWO bias vectors, b_ih and b_hh; you added only b_ih",
    "only_b_hh": "nn.RNN adds TWO bias vectors, b_ih and b_hh; you added only b_hh",
    "always_tanh": "this rnn uses relu (rnn.nonlinearity == 'relu') but you applied tanh",
    "h0_ignored": "you ignored the h0 you were given and started from zeros",
    "h0_first_row_only": "every layer and direction started from h0[0]: h0 holds one row per layer and direction, "
                         "and layer l, direction d starts from h0[l * num_directions + d]",
    "h0_rows_direction_major": "your layers and directions start from the wrong rows of h0: its rows go layer by "
                               "layer, each layer's forward row then its backward row, so layer l, direction d "
                               "starts from h0[l * num_directions + d], not h0[d * num_layers + l]",
    "aliased_outputs": "every step of your output equals the final state: the states you collected are views of one "
                       "tensor that you kept overwriting in place (PyTorch's documentation loop, "
                       "pytorch/pytorch#136926); collect new tensors in a list and torch.stack them",
    "no_activation": "you returned the pre-activation: apply tanh or relu as nonlinearity says",
    "h_prev_ignored": "h_prev @ w_hh.T is missing: the previous state is what makes the layer recurrent",
}
MISSING_REVERSE = ("the reverse direction is missing: with bidirectional=True every layer also runs a backward "
                   "direction (the _reverse parameters) from the last step to the first; output concatenates both "
                   "directions (2 * hidden_size features) and h_n holds num_layers * 2 rows")
GRAD_TOLERANCES = {"float32": (1e-3, 1e-4), "float64": (1e-6, 1e-8)}


def one_direction_shape(shape, part):
    """A matcher: the shape of ``part`` (output or h_n) had only the forward direction been computed."""
    half = list(shape)
    if part == "output":
        half[-1] //= 2
    else:
        half[0] //= 2
    return lambda got: hasattr(got, "shape") and list(got.shape) == half


STEPS_CAT = ("your output has two axes, the steps' states joined end to end along the batch axis: torch.cat joins "
             "tensors along an axis they already have, torch.stack(states) adds a new one, the time axis")


def steps_joined_by_cat(cfg):
    """A matcher: a 2-D output with seq * batch rows (or columns), what torch.cat of the steps' states gives."""
    rows = cfg["seq_len"] * cfg["batch_size"]
    return lambda got: hasattr(got, "shape") and len(got.shape) == 2 and rows in tuple(got.shape)


def describe_config(cfg):
    return config_label(cfg) + (", h0 given" if cfg.get("h0", "given") == "given" else ", no h0")


OWN_LOOP = ("the point of this exercise is to write the recurrence yourself: calling the rnn, nn.RNN's forward, "
            "nn.RNNCell, torch's fused RNN functions or packing earns no points, even when the numbers are right")


def refuse_shortcuts(got, violations, call, expected="a result computed by your own loop over rnn_cell"):
    """Feedback when the code let PyTorch compute the recurrence: its text breaks the allowlist (trusted,
    decisive), or the worker saw a forbidden call while it ran (a second signal, from the untrusted side)."""
    refuse_method(violations, call, expected, OWN_LOOP)
    runtime = list(got.get("forbidden") or [])
    if runtime:
        raise Feedback(call, "while it ran, your code called " + ", ".join(runtime), expected, OWN_LOOP,
                       "use only the rnn's parameters (getattr(rnn, 'weight_ih_l0') ...) and your rnn_cell")


def observe_manual(learner, reference, cfg, grads=True):
    """(learner's, reference's) observation of manual_rnn for one configuration.

    A shape error in a stacked rnn is turned into feedback naming the likely
    cause (every layer fed x) rather than a bare traceback.
    """
    want = reference.observe("ex04.manual_rnn", dict(cfg, grads=grads, variants=True))
    try:
        got = learner.observe("ex04.manual_rnn", dict(cfg, grads=grads))
    except LearnerError as error:
        if error.kind == "error" and _layer_fed_x(error.message, cfg):
            raise Feedback(error.message.split(" raised ")[0], "an error: " + error.message.split(" raised ", 1)[-1],
                           "the output and h_n of the stacked rnn", RECURRENCE, HINTS["layers_read_x"]) from None
        raise
    return got, want


def _layer_fed_x(message, cfg):
    """The shape error a layer >= 1 fed x gives: x_t (batch x input_size) times the transpose of that layer's
    weight_ih, (hidden * num_directions x hidden). Other shape errors (an untransposed weight) are not this."""
    found = MATMUL_SHAPES.search(message)
    if not found or cfg.get("num_layers", 1) < 2:
        return False
    directions = 2 if cfg.get("bidirectional") else 1
    _, cols1, rows2, _ = (int(n) for n in found.groups())
    return cols1 == cfg["input_size"] and rows2 == cfg["hidden_size"] * directions


def judge_manual(got, want, cfg, violations, *, check_grads=True):
    """Every verdict on one manual_rnn observation (raises Feedback at the first problem)."""
    call = f"manual_rnn for {describe_config(cfg)}"
    if got["returned"] != "pair":
        raise Feedback(call, f"a {got['returned']}", "a pair (output, h_n)",
                       "manual_rnn returns what rnn(x, h0) returns: the output and the final hidden state")
    refuse_shortcuts(got, violations, call)
    if not got["h0_unchanged"]:
        raise Feedback(call, "the h0 passed in was modified in place", "h0 left exactly as it was given",
                       DOC_LOOP, "build each new state as a new tensor (keep them in a list, torch.stack at the "
                                 "end) instead of writing into h0")
    if not got["x_unchanged"]:
        raise Feedback(call, "the input x was modified in place", "x left exactly as it was given",
                       "a forward pass only reads its input; the caller still needs x (and autograd may too)")
    variants = want.get("variants") or {}
    tolerance = TOLERANCES.get(cfg.get("dtype", "float32"))
    for part in ("output", "h_n"):
        mistakes = [(values_match(v[part].data, tolerance), HINTS[name]) for name, v in variants.items()]
        if cfg.get("bidirectional"):
            mistakes.append((one_direction_shape(want[part].shape, part), MISSING_REVERSE))
        if part == "output":
            mistakes.append((steps_joined_by_cat(cfg), STEPS_CAT))
        expect_tensor(got[part], want[part], call=call, what=part, concept=RECURRENCE, mistakes=mistakes)
    if check_grads:
        judge_gradients(got, want, cfg, call)


def judge_gradients(got, want, cfg, call):
    call = f"{call}, then autograd.grad of a weighted sum of output and h_n"
    concept = ("built from differentiable torch operations on the rnn's own parameters, manual_rnn passes "
               "gradients to x, h0 and every weight exactly like nn.RNN; .data, .detach(), .item(), numpy or "
               "in-place writes break that")
    if got["grads"] is None:
        raise Feedback(call, got["grad_problem"] or "no gradients", "gradients for x, h0 and every parameter",
                       concept)
    tolerance = GRAD_TOLERANCES.get(cfg.get("dtype", "float32"))
    for name, expected in want["grads"].items():
        value = got["grads"].get(name)
        if expected is not None and value is None:
            raise Feedback(call, f"no gradient reaches {name}", f"a gradient for {name}", concept,
                           f"{name} is not used in a differentiable way (is it read through .data, detached, "
                           f"or ignored?)")
        expect_tensor(value, expected, call=call, what=f"the gradient for {name}", concept=concept,
                      tolerance=tolerance)


def judge_cell(got, want, call, violations=()):
    """Verdict on one rnn_cell observation."""
    refuse_shortcuts(got, list(violations), call, "one step computed from the weights you were given: two "
                                                  "matrix products, two biases, one nonlinearity")
    mistakes = [(values_match(v.data), HINTS[name]) for name, v in (want.get("variants") or {}).items()
                if v is not None]
    expect_tensor(got["h"], want["h"], call=call, what="h_t", mistakes=mistakes,
                  concept="one step is act(x_t @ w_ih.T + b_ih + h_prev @ w_hh.T + b_hh): weights are stored "
                          "(out_features, in_features), biases are skipped when None, act is tanh or relu")
