"""Deterministic inputs and models shared by the observers.

Everything random here comes from a local ``torch.Generator`` seeded by the
check's configuration, never from the global RNG: learner code may reseed or
consume the global RNG, and both sides must still see identical inputs.
"""
import math

import torch
from torch import nn

from .labels import RNN_KEYS, rnn_config, rnn_label  # noqa: F401  (the observers' names for them)

DTYPES = {"float32": torch.float32, "float64": torch.float64}


def generator(seed):
    return torch.Generator().manual_seed(int(seed))


def uniform(seed, shape, dtype="float32", low=-1.0, high=1.0):
    """A tensor of uniform values in [low, high) drawn from ``seed``."""
    t = torch.rand(*shape, generator=generator(seed), dtype=torch.float64)
    return (low + (high - low) * t).to(DTYPES[dtype])


def fill_parameters(module, seed):
    """Overwrite every parameter of ``module`` with values drawn from ``seed``.

    Parameters are filled in sorted-name order, so two modules with the same
    parameter names and shapes get identical weights whatever order or style
    their classes registered them in.
    """
    gen = generator(seed)
    with torch.no_grad():
        for name, param in sorted(module.named_parameters(), key=lambda item: item[0]):
            bound = 1.0 / math.sqrt(max(param.shape[0], 1))
            values = torch.rand(param.shape, generator=gen, dtype=torch.float64) * 2 * bound - bound
            param.copy_(values.to(param.dtype))
    return module


def build_rnn(input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True, batch_first=False,
              bidirectional=False, dtype="float32", seed=0):
    """A torch ``nn.RNN`` (not the learner's) with weights drawn from ``seed``."""
    rnn = nn.RNN(input_size, hidden_size, num_layers=num_layers, nonlinearity=nonlinearity, bias=bias,
                 batch_first=batch_first, bidirectional=bidirectional)
    rnn = rnn.to(DTYPES[dtype])
    return fill_parameters(rnn, seed)


def shape_of(value):
    """The shape of a tensor-like value as a list, or None."""
    shape = getattr(value, "shape", None)
    try:
        return [int(n) for n in shape] if shape is not None else None
    except (TypeError, ValueError):
        return None
