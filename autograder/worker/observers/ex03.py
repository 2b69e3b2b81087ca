"""Observers for ex03_rnnnet: the model class and its loss."""
import torch
from torch import nn

from . import observer
from .common import DTYPES, fill_parameters, uniform
from .ex01 import describe_rnn

MODULE = "ex03_rnnnet"


def _net_label(input_size, num_hidden, num_layers, output_size=1, batch_first=False):
    return f"RNNnet({input_size}, {num_hidden}, {num_layers}, output_size={output_size}, " \
           f"batch_first={batch_first})"


@observer(each=True)
def structure(ctx, **net_args):
    mod = ctx.module(MODULE)
    net = ctx.call(_net_label(**net_args), mod.RNNnet, **net_args)
    rnn, out = getattr(net, "rnn", None), getattr(net, "out", None)
    return {"is_module": isinstance(net, nn.Module), "rnn": describe_rnn(rnn) if rnn is not None else None,
            "out": {"is_linear": isinstance(out, nn.Linear),
                    "in_features": getattr(out, "in_features", None),
                    "out_features": getattr(out, "out_features", None),
                    "bias": getattr(out, "bias", None) is not None} if out is not None else None}


def build_net(ctx, mod, net_args, dtype, seed):
    """The learner's (or reference's) RNNnet with weights drawn from ``seed``.

    Only ``net.rnn`` and ``net.out`` are filled (the contract names them), so
    extra attributes or helpers a learner adds do not change the weights.
    """
    net = ctx.call(_net_label(**net_args), mod.RNNnet, **net_args)
    fill_parameters(net.rnn, seed)
    fill_parameters(net.out, seed + 1)
    return net.to(DTYPES[dtype])


@observer(each=True)
def forward(ctx, net_args, calls, dtype="float32", seed=0, catch_errors=False):
    """Predictions and hidden state for a series of calls (several batch sizes in a row).

    Each call is ``{"seq": S, "batch": B, "hidden": "none" | "given", "seed": n}``.
    With ``catch_errors`` an exception raised by one call (other than
    NotImplementedError) is recorded as ``{"returned": "raised", "raised": text}``
    and the series goes on, so a check can tell "the first batch size worked,
    the second did not" (a batch size kept from a global or an earlier call).
    """
    mod = ctx.module(MODULE)
    net = build_net(ctx, mod, net_args, dtype, seed)
    batch_first = net_args.get("batch_first", False)
    results = []
    for call in calls:
        S, B = call["seq"], call["batch"]
        shape = (B, S, net_args["input_size"]) if batch_first else (S, B, net_args["input_size"])
        x = uniform(call["seed"], shape, dtype)
        record = {}
        try:
            with torch.no_grad():
                if call["hidden"] == "given":
                    h0 = uniform(call["seed"] + 1, (net_args["num_layers"], B, net_args["num_hidden"]), dtype)
                    h0_copy = h0.clone()
                    result = ctx.call(f"net(x with shape {tuple(shape)}, hidden with shape {tuple(h0.shape)}) "
                                      f"for net = {_net_label(**net_args)}" + _dtype_note(dtype), net, x, h0)
                    record["h0_unchanged"] = tuple(h0.shape) == tuple(h0_copy.shape) and bool(torch.equal(h0, h0_copy))
                else:
                    result = ctx.call(f"net(x with shape {tuple(shape)}) for net = {_net_label(**net_args)}"
                                      + _dtype_note(dtype), net, x)
        except NotImplementedError:
            raise
        except Exception as exc:  # noqa: BLE001  (only when asked; SystemExit and the like still escape)
            if not catch_errors:
                raise
            results.append({"returned": "raised", "raised": _exception_text(exc), "predictions": None,
                            "hidden": None})
            continue
        record.update(_pair(result))
        results.append(record)
    return results


def _exception_text(exc):
    """``"RuntimeError: message"``, shortened: how a check names an exception a call raised."""
    try:
        message = str(exc)
    except Exception:  # noqa: BLE001  (a learner's exception may fail to print)
        message = "(no readable message)"
    return f"{type(exc).__name__}: {message}"[:400]


def _dtype_note(dtype):
    return "" if dtype == "float32" else f" in {dtype}"


def _pair(result):
    if isinstance(result, (tuple, list)) and len(result) == 2:
        return {"predictions": result[0], "hidden": result[1], "returned": "pair"}
    return {"predictions": None, "hidden": None, "returned": type(result).__name__}


class _StandInNet(nn.Module):
    """A tiny known model, so the sequence_mse check does not depend on the learner's RNNnet."""

    def __init__(self, features, outputs):
        super().__init__()
        self.head = nn.Linear(features, outputs)

    def forward(self, x, hidden=None):
        return torch.tanh(self.head(x)), x.new_zeros(1, x.shape[1], 1)


@observer(each=True)
def sequence_mse(ctx, seq, batch, features, outputs, dtype="float32", seed=0):
    mod = ctx.module(MODULE)
    net = fill_parameters(_StandInNet(features, outputs), seed).to(DTYPES[dtype])
    X = uniform(seed + 1, (seq, batch, features), dtype)
    y = uniform(seed + 2, (seq, batch, outputs), dtype)
    loss = ctx.call(f"sequence_mse(net, X with shape {tuple(X.shape)}, y with shape {tuple(y.shape)})",
                    mod.sequence_mse, net, X, y)
    grads = None
    if isinstance(loss, torch.Tensor) and loss.numel() == 1 and loss.requires_grad:
        grads = [g for g in torch.autograd.grad(loss.reshape(()), [net.head.weight, net.head.bias],
                                                allow_unused=True)]
    return {"loss": loss, "grads": grads}
