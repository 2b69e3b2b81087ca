# Your exercise: replace each `raise NotImplementedError()` with your code, then run `rnn-grade check`
# to see what the public checks say about it.
"""Exercise 5 — many-to-one models and batches of sequences of different lengths.

Many-to-one: a classifier reads a whole sequence and predicts one label. Its
summary of the sequence is the top layer's FINAL hidden state, taken from
``h_n``. For a bidirectional rnn that is the forward direction's state after
the last step AND the backward direction's state after the first step (its
own last one), concatenated. ``output[:, -1]`` is not the same thing: its
backward half is the backward direction's state after reading one step only.

Variable lengths: real batches mix sequences of different lengths. Padding
them to one length and running the rnn over the padding gives wrong final
states; *packing* (``torch.nn.utils.rnn``) makes the rnn stop every sequence
at its own last step.

How the grader shares weights with the reference: it finds the single
``nn.RNN`` inside your classifier (any attribute name) and fills its
parameters by name, then finds the single ``nn.Linear`` (any attribute name)
and fills its weight and bias. So keep exactly one ``nn.RNN`` and one
``nn.Linear`` head, and no other parameters; the rnn may be batch first or not.
"""
import torch
from torch import nn
from torch.nn.utils.rnn import pack_sequence, pad_packed_sequence


class RNNClassifier(nn.Module):
    """Many-to-one: logits ``(batch, num_classes)`` from the top layer's final hidden state."""

    def __init__(self, input_size, num_hidden, num_layers, num_classes, bidirectional=False):
        """One ``nn.RNN`` and one ``nn.Linear`` head, sized for one or both directions."""
        # TODO: call the parent constructor, create the nn.RNN (batch_first=True
        # fits forward's input; pass num_layers and bidirectional on) and a
        # single nn.Linear head. How many features does the head read when the
        # rnn is bidirectional?
        raise NotImplementedError()

    def forward(self, x):
        """Logits for a batch of sequences.

        Args:
            x: ``(batch, seq, input_size)`` (batch first).

        Returns:
            ``(batch, num_classes)``, computed by the head from the top layer's final
            hidden state (forward then backward direction, concatenated, when bidirectional).
        """
        # TODO: run the rnn and keep h_n, shape (num_layers * num_directions, batch, hidden).
        # Take the top layer's rows (the last one, or the last two when
        # bidirectional: forward then backward), concatenate them along the
        # features into (batch, num_directions * hidden) (ex02's top_layer_hidden),
        # and apply the head. Do not use output[:, -1] (see the module docstring).
        raise NotImplementedError()


def run_packed(rnn, sequences):
    """Run ``rnn`` over sequences of different lengths, each up to its own last step.

    Args:
        rnn: an ``nn.RNN`` (any settings; its ``batch_first`` decides the layout of the output).
        sequences: a list of tensors ``(length_i, input_size)``, in any order of lengths.

    Returns:
        ``(padded_output, lengths, h_n)``, all in the order the sequences were given:
        ``padded_output`` ``(max_len, batch, num_directions * hidden)`` (batch first
        if ``rnn.batch_first``) with zeros after each sequence's end; ``lengths`` a
        1-D int64 tensor; ``h_n`` ``(num_layers * num_directions, batch, hidden)``
        holding each sequence's state at its own last valid step.
    """
    # TODO: record the lengths (torch.tensor(..., dtype=torch.int64)), pack the
    # list with torch.nn.utils.rnn.pack_sequence (lengths need not be sorted:
    # look at enforce_sorted), run the rnn on the packed batch, and unpack the
    # output with pad_packed_sequence in the rnn's layout (batch_first).
    # Check that the results come back in the order the sequences were given.
    raise NotImplementedError()
