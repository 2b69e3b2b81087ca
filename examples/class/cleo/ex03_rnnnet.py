# Your exercise: replace each `raise NotImplementedError()` with your code, then run `rnn-grade check`
# to see what the public checks say about it.
"""Exercise 3 — a model class around nn.RNN (notebook §4–5).

A typical recurrent model is an ``nn.RNN`` followed by a linear "head" that
turns each hidden state into a prediction. Applied to the output of every time
step it predicts at every point of the sequence (many-to-many).

Unlike the notebook's version, this ``forward`` must size its initial hidden
state from ``x`` itself: the notebook reads a global ``batchsize`` and breaks
as soon as a batch of another size arrives.
"""
import torch
from torch import nn


class RNNnet(nn.Module):
    """``nn.RNN`` plus a linear head applied at every time step."""

    def __init__(self, input_size, num_hidden, num_layers, output_size=1, batch_first=False):
        """Create ``self.rnn`` (an ``nn.RNN``) and ``self.out`` (``nn.Linear(num_hidden, output_size)``)."""
        # TODO: call the parent constructor first, then create the two layers
        # (notebook §4). Keep batch_first: forward's layout depends on it.
        # You may store the sizes as attributes too.
        raise NotImplementedError()

    def forward(self, x, hidden=None):
        """Run the sequence through the rnn and the head.

        Args:
            x: ``(seq, batch, input_size)``, or ``(batch, seq, input_size)`` if batch_first.
            hidden: optional initial state ``(num_layers, batch, num_hidden)``.

        Returns:
            ``(predictions, hidden)``: predictions ``(seq, batch, output_size)``
            (``(batch, seq, output_size)`` if batch_first) and the final hidden
            state ``(num_layers, batch, num_hidden)``.
        """
        # TODO: when hidden is None, start from zeros of shape
        # (num_layers, batch, num_hidden), where batch comes from x (which axis
        # depends on batch_first) and dtype/device match x — never a global.
        # Then run self.rnn and apply self.out to every time step's output.
        raise NotImplementedError()


def sequence_mse(net, X, y):
    """Mean squared error of ``net``'s predictions at every time step.

    Args:
        net: a model whose ``net(X)`` returns ``(predictions, hidden)``.
        X: input sequences in the net's layout.
        y: targets with the same shape as the predictions.

    Returns:
        A scalar tensor (0-dimensional) that gradients can flow through (notebook §5).
    """
    # TODO: run the net, keep only the predictions, and compare them with y
    # using a mean squared error (notebook §5 uses nn.MSELoss).
    raise NotImplementedError()
