# Your exercise: replace each `raise NotImplementedError()` with your code, then run `rnn-grade check`
# to see what the public checks say about it.
"""Exercise 6 — teach a recurrent network to remember.

The task: the target at time ``t`` is the input from ``delay`` steps earlier,
``Y[t] = X[t - delay]``. A network that predicts it must carry each input in
its hidden state for ``delay`` steps: exactly what the recurrence is for.

You write the data generator and the training loop (notebook §5): full-batch
Adam on the mean squared error over every time step (ex03's ``sequence_mse``).
A correct loop makes ``RNNnet(1, 16, 1)`` reach a loss below a tenth of the
untrained one on ``delay=2`` within the default 300 epochs, in seconds.
"""
import torch
from torch import nn


def make_delay_task(n_sequences, seq_len, delay, seed=0):
    """Sequences of noise and their delayed copies.

    Returns:
        ``(X, Y)``, both ``(seq_len, n_sequences, 1)``: ``X`` uniform noise in
        [-1, 1], ``Y[t] = X[t - delay]`` for ``t >= delay`` and zero before.
        The same ``seed`` gives the same data; another seed, other data.
    """
    # TODO: draw X from a torch.Generator seeded with `seed` (torch.rand gives
    # [0, 1): scale and shift it to [-1, 1]). Y starts as zeros of the same
    # shape; copy X shifted by `delay` steps along the TIME axis (axis 0).
    # Careful with delay = 0: X[:-0] is empty, X[:seq_len - delay] is not.
    raise NotImplementedError()


def train(net, X, Y, epochs=300, lr=0.01, seed=0):
    """Full-batch Adam on the sequence MSE; returns the loss of every epoch.

    Args:
        net: a model whose ``net(X)`` returns ``(predictions, hidden)`` (ex03's RNNnet).
        X, Y: inputs and targets, ``(seq_len, n_sequences, features)``.
        epochs: how many updates (one per epoch, on the whole batch).
        lr: Adam's learning rate.
        seed: seeds torch's random generator first, so runs repeat exactly.

    Returns:
        A list of ``epochs`` floats: the loss computed in each epoch, before its update.
    """
    # TODO (notebook §5): seed torch, create torch.optim.Adam(net.parameters(), lr=lr),
    # then in EVERY epoch: clear the old gradients (optimizer.zero_grad()), compute
    # the loss of the whole batch (ex03's sequence_mse, or nn.functional.mse_loss
    # on net(X)'s predictions), backpropagate (loss.backward()), update the
    # weights (optimizer.step()) and record loss.item().
    # Without zero_grad the gradients of all earlier epochs pile up; without
    # step nothing ever learns.
    raise NotImplementedError()
