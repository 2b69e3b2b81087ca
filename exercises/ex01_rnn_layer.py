# Your exercise: replace each `raise NotImplementedError()` with your code, then run `rnn-grade check`
# to see what the public checks say about it.
"""Exercise 1 — the RNN layer and its weights (notebook §2).

An ``nn.RNN`` is nothing but a few weight matrices and bias vectors that are
reused at every time step. In this exercise you build the layer, then predict
the name and shape of every parameter it registers and count them, without
asking PyTorch. If you can predict the shapes, you understand which product
each matrix takes part in:

    h_t = tanh(x_t @ W_ih.T + b_ih + h_{t-1} @ W_hh.T + b_hh)

so ``W_ih`` maps ``input_size`` features to ``hidden_size`` features and
``W_hh`` maps ``hidden_size`` to ``hidden_size``.
"""
import torch
from torch import nn


def make_rnn(input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
             batch_first=False, bidirectional=False):
    """Build an ``nn.RNN`` with exactly these settings.

    Args:
        input_size: features per time step of the input ``x``.
        hidden_size: features of the hidden state ``h``.
        num_layers: number of stacked recurrent layers.
        nonlinearity: ``"tanh"`` or ``"relu"``.
        bias: whether the layer has ``bias_ih``/``bias_hh`` vectors.
        batch_first: if True the layer takes and returns ``(batch, seq, features)``
            instead of ``(seq, batch, features)``.
        bidirectional: if True every layer also reads the sequence backwards.

    Returns:
        The ``nn.RNN`` module.
    """
    # TODO: create the layer as in notebook §2 and pass EVERY argument on.
    # An argument you forget silently takes PyTorch's default, and the
    # layer then behaves differently from what the caller asked for.
    raise NotImplementedError()


def expected_weight_shapes(input_size, hidden_size, num_layers=1, bias=True, bidirectional=False):
    """Name and shape of every parameter ``nn.RNN`` would register.

    Computed from the arguments alone (no ``nn.RNN`` is built).

    Returns:
        A dict such as ``{"weight_ih_l0": (hidden_size, input_size),
        "weight_hh_l0": (hidden_size, hidden_size), "bias_ih_l0": (hidden_size,),
        "bias_hh_l0": (hidden_size,)}``, plus ``..._reverse`` entries for the
        backward direction and entries for every layer ``l1``, ``l2``, ...
    """
    # TODO: loop over layers and directions ("" and "_reverse").
    # - weight_ih maps the layer's input to the hidden state: (hidden, layer input size).
    #   Layer 0 reads x (input_size features); a layer k >= 1 reads the output of
    #   layer k-1, which has hidden_size * num_directions features.
    # - weight_hh maps hidden to hidden: (hidden, hidden).
    # - biases (only when bias=True) are vectors of hidden_size.
    raise NotImplementedError()


def count_parameters(input_size, hidden_size, num_layers=1, bias=True, bidirectional=False):
    """Closed-form number of trainable scalars in such an ``nn.RNN``.

    Returns:
        An ``int``, equal to ``sum(p.numel() for p in rnn.parameters())``.
    """
    # TODO: write the count as a formula, per direction of each layer:
    #   hidden * (layer input size) + hidden * hidden (+ 2 * hidden with bias:
    #   there are TWO bias vectors, b_ih and b_hh).
    # Remember that layers >= 1 read hidden * num_directions features.
    raise NotImplementedError()


def plot_weights(rnn):
    """Heat maps of every ``weight_ih_l*`` / ``weight_hh_l*`` matrix of ``rnn``.

    Returns:
        A ``matplotlib.figure.Figure`` with one axes per weight matrix, each
        showing the matrix as an image and titled with the parameter's name
        and shape, e.g. ``"weight_ih_l0 (5, 2)"``.

    The grader inspects the figure without a display: per axes it reads the
    title and the image's array (``imshow``/``matshow`` keep the matrix as
    given, so row i of the image is row i of the weight: do not transpose).
    Colour bars are allowed; they are not counted as heat maps.
    """
    # TODO: collect the weight matrices in the order rnn.named_parameters()
    # gives them, keeping only the names that start with "weight_" (biases are
    # vectors, not matrices). Make one axes per matrix, e.g. with
    # plt.subplots(1, n, squeeze=False), draw each matrix with ax.imshow(...)
    # (detach it and turn it into numpy first), and title each axes with the
    # name and the shape, e.g. "weight_ih_l0 (5, 2)". Return the Figure (not
    # the axes) and do not call plt.show(): the grader has no screen.
    raise NotImplementedError()
