# Your exercise: replace each `raise NotImplementedError()` with your code, then run `rnn-grade check`
# to see what the public checks say about it.
"""Exercise 4 — the recurrence by hand.

``nn.RNN`` hides a loop over time steps. Here you write that loop yourself,
from the layer's own parameters, and check that you get exactly what the
layer gives: the same ``output`` and ``h_n`` for every configuration
(layers, bias, tanh or relu, batch_first, bidirectional), and the same
gradients.

One step of one direction of one layer is

    h_t = act(x_t @ W_ih.T + b_ih + h_{t-1} @ W_hh.T + b_hh)

* Layer 0 reads the input ``x``; a layer ``k >= 1`` reads the OUTPUT of layer
  ``k - 1`` (both directions concatenated when bidirectional), never ``x``.
* The backward direction (parameters ending in ``_reverse``) runs from the
  last time step to the first; its output at step ``t`` is stored at ``t``.
* ``h_n`` stacks the last state of every layer and direction:
  ``[layer0 forward, layer0 backward, layer1 forward, ...]``.

The grader refuses answers that call the rnn itself, ``nn.RNN``'s forward,
``nn.RNNCell`` or torch's fused RNN functions (``torch._VF.rnn_tanh`` ...):
it watches those while your code runs and also reads your source.

Beware of the "equivalent" loop in PyTorch's own ``nn.RNN`` documentation
(pytorch/pytorch#136926): it feeds ``x[t]`` to every layer and writes the new
states into ``h0`` in place. Do neither.
"""
import torch


def rnn_cell(x_t, h_prev, w_ih, w_hh, b_ih=None, b_hh=None, nonlinearity="tanh"):
    """One time step of one direction of one layer.

    Args:
        x_t: ``(batch, in_features)``, the layer's input at this step.
        h_prev: ``(batch, hidden)``, the state after the previous step.
        w_ih: ``(hidden, in_features)``; w_hh: ``(hidden, hidden)``.
        b_ih, b_hh: ``(hidden,)`` each, or None when the layer has no bias.
        nonlinearity: ``"tanh"`` or ``"relu"``.

    Returns:
        ``(batch, hidden)``: ``act(x_t @ w_ih.T + b_ih + h_prev @ w_hh.T + b_hh)``.
    """
    # TODO: compute the pre-activation from BOTH products and BOTH biases
    # (add a bias only when it is not None), then apply tanh or relu as
    # `nonlinearity` says. Weights are stored (out_features, in_features),
    # which is why the products use the transpose (notebook §2).
    raise NotImplementedError()


def manual_rnn(rnn, x, h0=None):
    """What ``rnn(x, h0)`` returns, computed with ``rnn_cell`` from the rnn's parameters.

    Args:
        rnn: an ``nn.RNN`` (any layers, bias, nonlinearity, batch_first, bidirectional).
        x: ``(seq, batch, input_size)``, or ``(batch, seq, input_size)`` if ``rnn.batch_first``.
        h0: ``(num_layers * num_directions, batch, hidden)`` or None for zeros.
            It is only read, never modified.

    Returns:
        ``(output, h_n)``: output ``(seq, batch, num_directions * hidden)`` (batch
        first if ``rnn.batch_first``) and h_n ``(num_layers * num_directions, batch, hidden)``.
        Gradients flow through both, to ``x``, ``h0`` and the rnn's parameters.
    """
    # TODO:
    # 1. Work in (seq, batch, features): transpose x if rnn.batch_first.
    # 2. If h0 is None, start from zeros (dtype/device of x). Never write into h0.
    # 3. For each layer, for each direction ("" and, if bidirectional, "_reverse"):
    #    read weight_ih_l{k}{suffix}, weight_hh_l{k}{suffix} (and the biases if
    #    rnn.bias) with getattr, start from h0[k * num_directions + direction],
    #    and call rnn_cell over the steps in time order (reversed for "_reverse"),
    #    collecting the state of every step in a Python list (no in-place writes).
    # 4. The next layer's input is this layer's outputs: the directions
    #    concatenated along features (torch.cat(..., dim=-1)).
    # 5. output is the top layer's outputs (transpose back if batch_first);
    #    h_n is torch.stack of every layer's and direction's last state.
    raise NotImplementedError()
