"""Verdicts for ex06_training: properties of the delay task, and a training loop judged by its behaviour."""
import numpy as np

from ..feedback import Feedback, describe, shape_text
from ..worker.wire import Array

TASK = ("the delay task is uniform noise X in [-1, 1] of shape (seq_len, n_sequences, 1) and targets Y with "
        "Y[t] = X[t - delay] along the TIME axis (axis 0), zero for t < delay; the seed alone decides the data")
LOOP = ("full-batch training (notebook §5): in EVERY epoch clear the gradients (optimizer.zero_grad()), compute the "
        "loss of the whole batch, loss.backward(), optimizer.step(), and record loss.item(); Adam with the lr given")
TRAJECTORY_TOLERANCE = (1e-3, 1e-6)


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


def _close(a, b):
    return a is not None and b is not None and len(a) == len(b) and \
        bool(np.allclose(a, b, rtol=TRAJECTORY_TOLERANCE[0], atol=TRAJECTORY_TOLERANCE[1]))


def describe_call(cfg):
    return (f"train(RNNnet(1, {cfg.get('hidden', 16)}, {cfg.get('layers', 1)}), X, Y, epochs={cfg.get('epochs')}, "
            f"lr={cfg.get('lr')}, seed={cfg.get('seed', 0)}) on a delay-{cfg.get('delay', 2)} task")


def judge_loop(got, want, cfg):
    """The loop's mechanics (one step and one loss per epoch), then its losses against the reference's."""
    call = describe_call(cfg)
    epochs = cfg["epochs"]
    losses = got["losses"]
    if losses is None:
        raise Feedback(call, f"a {got['type']}", f"a list of {epochs} floats", LOOP,
                       "return a Python list with loss.item() of every epoch")
    if got["steps"] == 0 or not got["params_changed"]:
        raise Feedback(call, f"{len(losses)} losses, but the weights never changed "
                             f"({got['steps']} optimizer steps)", f"{epochs} optimizer steps", LOOP,
                       "optimizer.step() never ran: backward() only computes gradients, step() applies them")
    if got["steps"] != epochs or len(losses) != epochs:
        hint = ("not every epoch is used: loop `for epoch in range(epochs)` with one step and one recorded loss "
                "in each")
        if got["steps"] == len(losses) == 300:
            hint = "the epochs argument must decide how many epochs run (you always ran 300)"
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
    elif _close(losses, variants.get("lr_ignored")) or _close(losses, variants.get("adam_default_lr")):
        hint = "the lr argument must reach the optimizer: torch.optim.Adam(net.parameters(), lr=lr)"
    elif abs(losses[0] - want["untrained"]) > 1e-4 * max(1.0, abs(want["untrained"])):
        hint = "your first loss is not the untrained net's loss: compute the loss on the whole batch (X, Y)"
    g, e = np.asarray(losses), np.asarray(want["losses"])
    epoch = int(np.argmax(~np.isclose(g, e, rtol=TRAJECTORY_TOLERANCE[0], atol=TRAJECTORY_TOLERANCE[1])))
    raise Feedback(call, f"losses that first differ at epoch {epoch}: {g[epoch]:.6g}",
                   f"{e[epoch]:.6g} there (the reference loop's losses, from the same net and data)", LOOP, hint)


def judge_learns(got, cfg):
    """The net really learns: the loss reached is below a tenth of the untrained one."""
    call = (f"train(RNNnet(1, 16, 1), X, Y) with the default epochs and lr on a delay-{cfg['delay']} task "
            f"({cfg['n_sequences']} sequences of {cfg['seq_len']} steps)")
    target = got["untrained"] / 10
    if got["final"] < target:
        return
    hint = None
    if got["steps"] == 0:
        hint = "optimizer.step() never ran: the weights never changed"
    elif got["losses"] is not None and len(got["losses"]) != 300:
        hint = f"the default must be epochs=300 (your loop recorded {len(got['losses'])} losses)"
    raise Feedback(call, f"a final loss of {got['final']:.4g} (untrained: {got['untrained']:.4g})",
                   f"below {target:.4g}, a tenth of the untrained loss", LOOP, hint)
