"""Observers for ex06_training: the delay task and the training loop.

``train`` is judged on a model and data the grader owns: ``KnownRNNnet`` below
is a small trusted copy of the contract's ``RNNnet`` (the worker cannot see
``solutions/``, and a learner's own RNNnet must not decide whether their loop
is graded right), and ``delay_task`` draws the data. While ``train`` runs, a
global optimizer hook counts the optimizer steps.
"""
import contextlib

import torch
from torch import nn

from . import observer
from .common import fill_parameters, generator

MODULE = "ex06_training"


class KnownRNNnet(nn.Module):
    """The contract's RNNnet: nn.RNN at .rnn, nn.Linear head at .out applied at every step."""

    def __init__(self, input_size, num_hidden, num_layers):
        super().__init__()
        self.rnn = nn.RNN(input_size, num_hidden, num_layers)
        self.out = nn.Linear(num_hidden, 1)

    def forward(self, x, hidden=None):
        states, last = self.rnn(x, hidden)
        return self.out(states), last


def delay_task(n_sequences, seq_len, delay, seed):
    """The task's data, drawn here so that a learner's make_delay_task cannot change how train is judged."""
    X = 2 * torch.rand(seq_len, n_sequences, 1, generator=generator(seed)) - 1
    Y = torch.cat([torch.zeros(delay, n_sequences, 1), X])[:seq_len]
    return X, Y


def known_net(hidden, layers, seed):
    net = KnownRNNnet(1, hidden, layers)
    fill_parameters(net.rnn, seed)
    fill_parameters(net.out, seed + 1)
    return net


def loss_of(net, X, Y):
    with torch.no_grad():
        return nn.functional.mse_loss(net(X)[0], Y).item()


@contextlib.contextmanager
def count_optimizer_steps():
    """Count every optimizer step taken inside the block (any optimizer, however it is called)."""
    from torch.optim.optimizer import register_optimizer_step_post_hook

    counter = {"steps": 0}

    def hook(optimizer, args, kwargs):
        counter["steps"] += 1
    handle = register_optimizer_step_post_hook(hook)
    try:
        yield counter
    finally:
        handle.remove()


def move_random_state(steps):
    """Draw ``steps``-dependent amounts from every global generator (torch, random, numpy).

    A fresh worker starts from the fork server's random state, the same each time; moved on
    differently, code whose results depend on anything but its seed argument gives other results.
    """
    import random

    import numpy

    if steps:
        torch.rand(13 * steps + 5)
        random.random() if steps % 2 else [random.random() for _ in range(steps + 2)]
        numpy.random.rand(7 * steps + 3)


def item_kinds(value):
    """The type names of the items of a list/tuple that are not Python floats (numpy's float64 is one),
    at most three, so a check can tell "loss tensors" from "floats" although both convert with float()."""
    if not isinstance(value, (list, tuple)):
        return []
    return sorted({type(item).__name__ for item in value if not isinstance(item, float)})[:3]


def as_floats(value):
    """A list of floats from a list/tuple of numbers or 0-d tensors, else None."""
    if not isinstance(value, (list, tuple)):
        return None
    floats = []
    for item in value:
        try:
            floats.append(float(item))
        except (TypeError, ValueError, RuntimeError):
            return None
    return floats


# ---------------------------------------------------------------- the data

@observer
def make_delay_task(ctx, n_sequences, seq_len, delay, seed=0, perturb=0):
    mod = ctx.module(MODULE)
    move_random_state(perturb)
    label = f"make_delay_task({n_sequences}, {seq_len}, {delay}, seed={seed})"
    first = ctx.call(label, mod.make_delay_task, n_sequences, seq_len, delay, seed=seed)
    torch.rand(7)  # move the global generator on: only the seed may decide the data
    again = ctx.call(label + " a second time", mod.make_delay_task, n_sequences, seq_len, delay, seed=seed)
    other = ctx.call(label.replace(f"seed={seed}", f"seed={seed + 1}"), mod.make_delay_task,
                     n_sequences, seq_len, delay, seed=seed + 1)

    def pair(value):
        if isinstance(value, (tuple, list)) and len(value) == 2 and all(isinstance(v, torch.Tensor) for v in value):
            return value[0].detach(), value[1].detach()
        return None

    first, again, other = pair(first), pair(again), pair(other)
    if first is None:
        return {"returned": "not a pair of tensors"}

    def same(a, b):
        return b is not None and a.shape == b.shape and bool(torch.equal(a, b))
    return {"returned": "pair", "X": first[0], "Y": first[1],
            "same_seed_same": bool(again is not None and same(first[0], again[0]) and same(first[1], again[1])),
            "other_seed_differs": bool(other is not None and not same(first[0], other[0]))}


# ---------------------------------------------------------------- the loop

@observer
def train(ctx, hidden=16, layers=1, n_sequences=16, seq_len=20, delay=2, epochs=40, lr=0.01, seed=0,
          init_seed=1, data_seed=2, defaults=False, repeat=False, variants=False, perturb=0):
    """The learner's train on a known RNNnet and known data: losses, steps taken, and the loss reached."""
    mod = ctx.module(MODULE)
    move_random_state(perturb)
    X, Y = delay_task(n_sequences, seq_len, delay, data_seed)
    net = known_net(hidden, layers, init_seed)
    untrained = loss_of(net, X, Y)
    before = [p.detach().clone() for p in net.parameters()]
    net_text = f"RNNnet(1, {hidden}, {layers})"
    data_text = f"X, Y of shape {tuple(X.shape)} (delay {delay})"
    if defaults:
        label = f"train({net_text}, {data_text}) with the default epochs and lr"
    else:
        label = f"train({net_text}, {data_text}, epochs={epochs}, lr={lr}, seed={seed})"
    with count_optimizer_steps() as counter:
        if defaults:
            losses = ctx.call(label, mod.train, net, X, Y)
        else:
            losses = ctx.call(label, mod.train, net, X, Y, epochs=epochs, lr=lr, seed=seed)
    record = {"losses": as_floats(losses), "type": type(losses).__name__, "item_kinds": item_kinds(losses),
              "untrained": untrained,
              "final": loss_of(net, X, Y), "steps": counter["steps"],
              "params_changed": any(not torch.equal(a, p.detach()) for a, p in zip(before, net.parameters()))}
    if repeat:
        twin = known_net(hidden, layers, init_seed)
        again = ctx.call(label + " a second time, on an identical net", mod.train, twin, X, Y,
                         epochs=epochs, lr=lr, seed=seed)
        record["repeatable"] = as_floats(again) == record["losses"]
    if variants:
        record["variants"] = mistake_trajectories(mod.train, hidden, layers, init_seed, X, Y, epochs, lr, seed)
    return record


@contextlib.contextmanager
def gradients_never_cleared():
    """Inside the block, zero_grad (of optimizers and modules) does nothing: the classic forgotten call."""
    saved = torch.optim.Optimizer.zero_grad, nn.Module.zero_grad
    torch.optim.Optimizer.zero_grad = nn.Module.zero_grad = lambda self, *args, **kwargs: None
    try:
        yield
    finally:
        torch.optim.Optimizer.zero_grad, nn.Module.zero_grad = saved


@contextlib.contextmanager
def optimizer_state_forgotten():
    """Inside the block every optimizer step starts from an empty state (Adam's moments and step count
    gone): what an optimizer created again in every epoch does."""
    saved = torch.optim.Adam.step

    def step(self, *args, **kwargs):
        self.state.clear()
        return saved(self, *args, **kwargs)
    torch.optim.Adam.step = step
    try:
        yield
    finally:
        torch.optim.Adam.step = saved


def mistake_trajectories(train_fn, hidden, layers, init_seed, X, Y, epochs, lr, seed):
    """Losses of classic loop mistakes, made by running the REFERENCE train in a doctored setting.

    Only ever asked of the reference (``train_fn`` is then the solutions' own
    train), so no training loop needs to live in the observers.
    """
    found = {}
    with gradients_never_cleared():
        found["no_zero_grad"] = train_fn(known_net(hidden, layers, init_seed), X, Y, epochs=epochs, lr=lr, seed=seed)
    with optimizer_state_forgotten():
        found["fresh_optimizer"] = train_fn(known_net(hidden, layers, init_seed), X, Y, epochs=epochs, lr=lr,
                                            seed=seed)
    # lr never reaching Adam: hard-coded to train's default, or Adam's own default 0.001.
    for name, wrong_lr in (("lr_ignored", 0.01), ("adam_default_lr", 0.001)):
        if lr != wrong_lr:
            found[name] = train_fn(known_net(hidden, layers, init_seed), X, Y, epochs=epochs, lr=wrong_lr, seed=seed)
    return found
