"""Verdicts for ex06_training: properties of the delay task, and a training loop judged by its behaviour."""
import numpy as np

from ..feedback import Feedback, Hint, describe, shape_text
from ..worker.wire import Array

TASK = ("the delay task is uniform noise X in [-1, 1] of shape (seq_len, n_sequences, 1) and targets Y with "
        "Y[t] = X[t - delay] along the TIME axis (axis 0), zero for t < delay; the seed alone decides the data")
LOOP = ("full-batch training (notebook §5): in EVERY epoch clear the gradients (optimizer.zero_grad()), compute the "
        "loss of the whole batch, loss.backward(), optimizer.step(), and record loss.item(); Adam with the lr given")
TRAJECTORY_TOLERANCE = (1e-3, 1e-6)
# 300 epochs let rounding differences of equivalent loops (another loss expression) grow; a train that
# does not train (weights set by hand, invented losses) is off by far more.
LEARN_TOLERANCE = (2e-2, 1e-5)
SEPARATE = ("seeded by its argument alone, the result must not depend on anything else the process did before: "
            "run again in a fresh process (one of the grader's that ran none of your other calls) it must be the same")


def judge_delay_task(got, cfg):
    """Checks the properties the contract states, on the learner's own random draw."""
    n, seq_len, delay = cfg["n_sequences"], cfg["seq_len"], cfg["delay"]
    call = f"make_delay_task({n}, {seq_len}, {delay}, seed={cfg.get('seed', 0)})"
    if got["returned"] != "pair":
        raise Feedback(call, "something other than a pair of tensors", "(X, Y), two tensors",
                       "make_delay_task returns the inputs and the targets")
    X, Y = got["X"], got["Y"]
    shape = (seq_len, n, 1)
    for name, value in (("X", X), ("Y", Y)):
        if not isinstance(value, Array) or tuple(value.shape) != shape:
            hint = None
            if isinstance(value, Array) and tuple(value.shape) == (n, seq_len, 1):
                hint = "time comes first: (seq_len, n_sequences, 1), the default layout of nn.RNN"
            raise Feedback(call, f"{name} as {describe(value)}", f"{name} of shape {shape_text(shape)}", TASK, hint)
    x, y = X.data.astype(np.float64), Y.data.astype(np.float64)
    if x.min() < -1 or x.max() > 1:
        raise Feedback(call, f"X with values from {x.min():.3g} to {x.max():.3g}", "values in [-1, 1]", TASK,
                       "torch.randn draws from a normal distribution; this task uses uniform noise: "
                       "torch.rand(...) * 2 - 1")
    if x.size >= 20 and (x.min() > -0.5 or x.max() < 0.5):
        hint = ("torch.rand draws from [0, 1): scale and shift it (torch.rand(...) * 2 - 1) to cover [-1, 1]"
                if x.min() >= 0 else None)
        raise Feedback(call, f"X with values from {x.min():.3g} to {x.max():.3g}", "noise spread over [-1, 1]",
                       TASK, hint)
    expected = np.zeros_like(x)
    if seq_len > delay:
        expected[delay:] = x[:seq_len - delay]
    if not np.array_equal(y, expected):
        raise Feedback(call, f"Y that differs from X delayed by {delay} steps", "Y[t] = X[t - delay], zero before",
                       TASK, _delay_hint(x, y, delay))
    if not got["same_seed_same"]:
        raise Feedback(call + " twice", "different data", "the same X and Y both times", TASK,
                       "draw from a torch.Generator seeded with the seed argument, or seed torch's global "
                       "generator with it first: the global random state changes between calls")
    if not got["other_seed_differs"]:
        raise Feedback(call + f" and with seed={cfg.get('seed', 0) + 1}", "the same X for both seeds",
                       "other data for another seed", TASK, "the seed argument must be used to draw X")


def _delay_hint(x, y, delay):
    seq_len = x.shape[0]
    if delay and np.array_equal(y[:seq_len - delay], x[delay:]):
        return "your Y is shifted the wrong way (Y[t] = X[t + delay]): the target repeats the PAST input"
    if delay and np.allclose(y, np.roll(x, delay, axis=0)):
        return "torch.roll wraps the last steps around to the front: the first delay targets must be zero"
    if delay and x.shape[1] > delay and np.array_equal(y[:, delay:], x[:, :-delay]):
        return "you shifted along the sequences (axis 1); shift along time, axis 0"
    if delay == 0 and not y.any():
        return "with delay = 0, Y is X itself: X[:-0] is empty, use X[:seq_len - delay]"
    return None


def _close(a, b, tolerance=TRAJECTORY_TOLERANCE):
    return a is not None and b is not None and len(a) == len(b) and \
        bool(np.allclose(a, b, rtol=tolerance[0], atol=tolerance[1]))


def _first_difference(losses, expected, tolerance):
    g, e = np.asarray(losses, dtype=float), np.asarray(expected, dtype=float)
    if g.shape != e.shape:
        return None, g, e
    return int(np.argmax(~np.isclose(g, e, rtol=tolerance[0], atol=tolerance[1]))), g, e


def judge_same_in_fresh_process(first, again, call, what):
    """The same answer from two separate worker processes (the second with its random state moved on)."""
    if what == "data":
        same = all(isinstance(first.get(k), Array) and isinstance(again.get(k), Array) and
                   first[k].shape == again[k].shape and np.array_equal(first[k].data, again[k].data)
                   for k in ("X", "Y"))
        hint = ("draw X from a torch.Generator seeded with the seed argument (torch.Generator().manual_seed(seed)); "
                "a cache or the global random state is not the seed")
    else:
        same = first.get("losses") is not None and first.get("losses") == again.get("losses")
        hint = "seed torch with the seed argument at the start of train; keep nothing from one call to the next"
    if not same:
        raise Feedback(call + ", then again in a fresh process", f"different {what} the second time",
                       f"the same {what}", SEPARATE, hint)


def describe_call(cfg):
    return (f"train(RNNnet(1, {cfg.get('hidden', 16)}, {cfg.get('layers', 1)}), X, Y, epochs={cfg.get('epochs')}, "
            f"lr={cfg.get('lr')}, seed={cfg.get('seed', 0)}) on a delay-{cfg.get('delay', 2)} task")


# Why an item of train's list that is not a float is wrong, by its type name.
NOT_FLOAT = {"Tensor": ": a loss tensor keeps its epoch's whole graph alive",
             "method": ": loss.item without () is the method itself, not the number",
             "builtin_function_or_method": ": loss.item without () is the method itself, not the number",
             "float32": ": numpy values are not the Python floats train returns",
             "ndarray": ": numpy values are not the Python floats train returns"}


# One step and one loss although more epochs were asked for: the loop ended after its first epoch, most often a
# `return` indented into the loop (a real learner's train.py: `return epoch+1, loss` inside `for epoch in ...`).
STOPPED_AFTER_ONE_EPOCH = ("train stopped after its first epoch: is `return losses` (or a `break`) inside the epoch "
                           "loop? Return the list after the loop has run every epoch")


def judge_loop(got, want, cfg):
    """The loop's mechanics (one step and one loss per epoch), then its losses against the reference's."""
    call = describe_call(cfg)
    epochs = cfg["epochs"]
    losses = got["losses"]
    if losses is None:
        raise Feedback(call, f"a {got['type']}", f"a list of {epochs} floats", LOOP,
                       "return a Python list with loss.item() of every epoch")
    kinds = got.get("item_kinds") or []
    if kinds:
        raise Feedback(call, f"a list of {len(losses)} {' and '.join(kinds)} values", f"a list of {epochs} Python floats",
                       LOOP, Hint(f"the list holds {' and '.join(kinds)} objects, not Python floats" +
                                  "".join(NOT_FLOAT.get(kind, "") for kind in kinds),
                                  "record loss.item() in every epoch"))
    if got["steps"] == 0:
        raise Feedback(call, f"{len(losses)} losses, but the weights never changed (no optimizer step)",
                       f"{epochs} optimizer steps", LOOP,
                       "optimizer.step() never ran: backward() only computes gradients, step() applies them")
    if not got["params_changed"]:
        # Steps were taken and changed nothing: each found the gradients cleared (zero_grad between backward
        # and step) or not yet computed (step before backward).
        raise Feedback(call, f"{len(losses)} losses, but the weights never changed although optimizer.step() ran "
                             f"{got['steps']} times", "weights changed by every step", LOOP,
                       Hint("every optimizer.step() found no gradients: they were cleared after backward() or not "
                            "computed yet, so each step had nothing to apply",
                            "in every epoch: optimizer.zero_grad(), loss.backward(), optimizer.step(), in that order"))
    if got["steps"] != epochs or len(losses) != epochs:
        hint = ("not every epoch is used: loop `for epoch in range(epochs)` with one step and one recorded loss "
                "in each")
        if got["steps"] == len(losses) == 300:
            hint = "the epochs argument must decide how many epochs run (you always ran 300)"
        elif got["steps"] == len(losses) == 1 < epochs:
            hint = STOPPED_AFTER_ONE_EPOCH
        raise Feedback(call, f"{got['steps']} optimizer steps and {len(losses)} losses",
                       f"{epochs} steps and {epochs} losses", LOOP, hint)
    post_step = want["losses"][1:] + [want["final"]]
    if _close(losses, want["losses"]) or _close(losses, post_step):
        if "repeatable" in got and not got["repeatable"]:
            raise Feedback(call + " twice", "different losses", "the same losses", LOOP,
                           "seed torch with the seed argument at the start of train, so runs repeat exactly")
        return
    hint = None
    variants = want.get("variants") or {}
    if _close(losses, variants.get("no_zero_grad")):
        hint = ("the gradients pile up from epoch to epoch: call optimizer.zero_grad() in every epoch before "
                "loss.backward()")
    elif _close(losses, variants.get("fresh_optimizer")):
        hint = Hint("these are the losses of an optimizer created again in every epoch: Adam's running averages "
                    "of the gradients start over at each step", "create the optimizer once, before the epoch loop")
    elif _close(losses, variants.get("lr_ignored")) or _close(losses, variants.get("adam_default_lr")):
        hint = "the lr argument must reach the optimizer: torch.optim.Adam(net.parameters(), lr=lr)"
    elif abs(losses[0] - want["untrained"]) > 1e-4 * max(1.0, abs(want["untrained"])):
        hint = "your first loss is not the untrained net's loss: compute the loss on the whole batch (X, Y)"
    g, e = np.asarray(losses), np.asarray(want["losses"])
    epoch = int(np.argmax(~np.isclose(g, e, rtol=TRAJECTORY_TOLERANCE[0], atol=TRAJECTORY_TOLERANCE[1])))
    raise Feedback(call, f"losses that first differ at epoch {epoch}: {g[epoch]:.6g}",
                   f"{e[epoch]:.6g} there (the reference loop's losses, from the same net and data)", LOOP, hint)


def judge_learns(got, want, cfg):
    """The net really learns: it follows the reference run's losses on the grader's net and data, ends where
    that run ends, and that is below a tenth of the untrained loss."""
    call = (f"train(RNNnet(1, 16, 1), X, Y) with the default epochs and lr on a delay-{cfg['delay']} task "
            f"({cfg['n_sequences']} sequences of {cfg['seq_len']} steps)")
    target = got["untrained"] / 10
    losses = got["losses"]
    if losses is not None and len(losses) == len(want["losses"]) and got["steps"] == len(losses):
        post_step = want["losses"][1:] + [want["final"]]
        followed = _close(losses, want["losses"], LEARN_TOLERANCE) or _close(losses, post_step, LEARN_TOLERANCE)
        ended = _close([got["final"]], [want["final"]], LEARN_TOLERANCE)
        if followed and ended and got["final"] < target:
            return
        if not followed:
            # No hint here: many loops differ from the reference's (the short-run check names the classic ones).
            epoch, g, e = _first_difference(losses, want["losses"], LEARN_TOLERANCE)
            raise Feedback(call, f"losses that first differ at epoch {epoch}: {g[epoch]:.6g}",
                           f"{e[epoch]:.6g} there (the reference loop's losses, from the same net and data)", LOOP)
        if not ended:
            raise Feedback(call, f"the net left with a loss of {got['final']:.4g}",
                           f"{want['final']:.4g}, where the reference loop's training of the same net ends", LOOP,
                           "train must leave the net with the weights its optimizer steps reached (no weights "
                           "set by hand, no copy trained in its place)")
    hint = None
    if got["steps"] == 0:
        hint = "optimizer.step() never ran: the weights never changed"
    elif losses is not None and len(losses) == 1 == got["steps"]:
        # One loss and one step whatever epochs says (the short-run check asks for 15 and names this too); a
        # default of epochs=1 would look the same, so both causes are named.
        hint = STOPPED_AFTER_ONE_EPOCH + " (or the default is not epochs=300)"
    elif losses is not None and len(losses) != 300:
        hint = f"the default must be epochs=300 (your loop recorded {len(losses)} losses)"
    elif losses is None or got["steps"] != len(losses):
        hint = f"one optimizer step per epoch and one recorded loss each ({got['steps']} steps were taken)"
    raise Feedback(call, f"a final loss of {got['final']:.4g} (untrained: {got['untrained']:.4g})",
                   f"below {target:.4g}, a tenth of the untrained loss, reached by the reference loop's own "
                   f"steps", LOOP, hint)
