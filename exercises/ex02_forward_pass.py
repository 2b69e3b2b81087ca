# Your exercise: replace each `raise NotImplementedError()` with your code, then run `rnn-grade check`
# to see what the public checks say about it.
"""Exercise 2 — inputs, outputs and hidden states (notebook §3).

An ``nn.RNN`` called as ``output, h_n = rnn(x, h0)`` returns two things:

* ``output``: the top layer's hidden state at EVERY time step,
  ``(seq, batch, num_directions * hidden)`` (batch first if ``batch_first``);
* ``h_n``: EVERY layer's hidden state at the LAST time step,
  ``(num_layers * num_directions, batch, hidden)``, whatever ``batch_first`` says.

These functions make you predict and use those shapes.
"""
import torch
from torch import nn


def init_hidden(rnn, batch_size):
    """Initial hidden state of zeros for ``rnn``.

    Returns:
        Zeros of shape ``(num_layers * num_directions, batch_size, hidden_size)``
        with the device and dtype of the rnn's parameters. The shape does NOT
        change with ``batch_first``.
    """
    # TODO: read num_layers, bidirectional and hidden_size from the rnn
    # (they are attributes of nn.RNN), and take dtype/device from one of its
    # parameters so a float64 or GPU model gets a matching h0.
    # batch_first only changes the layout of x and output, never of h0.
    raise NotImplementedError()


def output_shapes(rnn, seq_len, batch_size):
    """Shapes that ``rnn(x)`` returns for an input of ``seq_len`` steps and ``batch_size`` samples.

    Returns:
        ``(output_shape, h_n_shape)`` as tuples of ints, e.g. ``((5, 2, 5), (1, 2, 5))``
        for the notebook's layer. ``output_shape`` is ``(seq_len, batch, D * hidden)``,
        or ``(batch, seq_len, D * hidden)`` with ``batch_first``, where D is 2 for a
        bidirectional rnn and 1 otherwise; ``h_n_shape`` is
        ``(num_layers * D, batch, hidden)`` in both layouts.
    """
    # TODO: work the shapes out from the rnn's attributes (no need to run it).
    # The output concatenates both directions along the feature axis;
    # h_n stacks them along the first axis.
    raise NotImplementedError()


def last_output(output, batch_first=False):
    """Output at the last time step.

    Args:
        output: ``(seq, batch, features)``, or ``(batch, seq, features)`` if ``batch_first``.

    Returns:
        ``(batch, features)``, where features is ``num_directions * hidden``.
    """
    # TODO: pick the last index of the TIME axis. Which axis that is depends
    # on batch_first: output[-1] is the last time step only in the default layout.
    raise NotImplementedError()


def top_layer_hidden(h_n, rnn):
    """Final hidden state of the top layer.

    Args:
        h_n: ``(num_layers * num_directions, batch, hidden)`` as returned by ``rnn``.
        rnn: the ``nn.RNN`` that produced it.

    Returns:
        ``(batch, num_directions * hidden)``: the forward direction's state, then
        (bidirectional only) the backward direction's, concatenated. For a
        unidirectional rnn this equals ``last_output(output)`` (notebook §3:
        "output[-1] is identical to hidden"), for any number of layers.
    """
    # TODO: h_n holds layer 0 first and the top layer last; with two
    # directions each layer has two rows (forward, then backward).
    # Take the top layer's rows and put them side by side along features.
    raise NotImplementedError()


def to_batch_first(x):
    """Reorder a sequence batch from ``(seq, batch, features)`` to ``(batch, seq, features)``.

    Time steps and samples must not be mixed: ``result[b, t] == x[t, b]``.
    """
    # TODO: swap the first two axes. Beware: x.view(batch, seq, features) or
    # reshape gives the right SHAPE but scrambles which sample each step belongs to.
    raise NotImplementedError()
