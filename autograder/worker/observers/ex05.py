"""Observers for ex05_sequences: a many-to-one classifier and variable-length batches.

Weight sharing with the reference does not depend on attribute names: the
classifier's single ``nn.RNN`` is filled by parameter name (its names are
fixed by torch whatever its layout) and its single ``nn.Linear`` by type. A
model with other parameters is reported as such and not run.

With ``variants=True`` (asked of the reference only) the observers also return
what classic mistakes produce, so a check can name the one a learner made.
"""
import torch
from torch import nn
from torch.nn.utils.rnn import pad_sequence

from . import observer
from .common import DTYPES, build_rnn, fill_parameters, rnn_label, uniform
from .ex01 import describe_rnn

MODULE = "ex05_sequences"


def classifier_label(input_size, num_hidden, num_layers, num_classes, bidirectional=False, dtype="float32"):
    text = f"RNNClassifier({input_size}, {num_hidden}, {num_layers}, {num_classes}, bidirectional={bidirectional})"
    return text if dtype == "float32" else f"{text}.double()"


def _parts(net):
    """The classifier's nn.RNN modules, nn.Linear modules, and names of parameters in neither."""
    rnns = [m for m in net.modules() if isinstance(m, nn.RNN)]
    linears = [m for m in net.modules() if isinstance(m, nn.Linear)]
    known = {id(p) for m in rnns + linears for p in m.parameters()}
    others = [name for name, p in net.named_parameters() if id(p) not in known]
    return rnns, linears, others


@observer
def classifier(ctx, input_size, num_hidden, num_layers, num_classes, bidirectional=False, dtype="float32",
               batch=3, seq=4, seed=0, variants=False):
    mod = ctx.module(MODULE)
    label = classifier_label(input_size, num_hidden, num_layers, num_classes, bidirectional, dtype)
    net = ctx.call(label, mod.RNNClassifier, input_size, num_hidden, num_layers, num_classes,
                   bidirectional=bidirectional)
    if not isinstance(net, nn.Module):
        return {"is_module": False, "type": type(net).__name__}
    rnns, linears, others = _parts(net)
    record = {"is_module": True, "type": type(net).__name__, "rnn_count": len(rnns), "linear_count": len(linears),
              "other_parameters": others[:10],
              "rnn": describe_rnn(rnns[0]) if len(rnns) == 1 else None,
              "linear": ({"in_features": linears[0].in_features, "out_features": linears[0].out_features,
                          "bias": linears[0].bias is not None} if len(linears) == 1 else None),
              "logits": None}
    if len(rnns) != 1 or len(linears) != 1 or others:
        return record
    rnn, head = rnns[0], linears[0]
    fill_parameters(rnn, seed)
    fill_parameters(head, seed + 1)
    net.to(DTYPES[dtype])
    net.eval()  # a learner's dropout must not make the logits random
    x = uniform(seed + 2, (batch, seq, input_size), dtype)
    with torch.no_grad():
        record["logits"] = ctx.call(f"net(x of shape {tuple(x.shape)}) for net = {label}", net, x)
        if variants:
            record["variants"] = classifier_variants(rnn, head, x)
    return record


def classifier_variants(rnn, head, x):
    """Logits that classic many-to-one mistakes give with the same weights (trusted side only)."""
    directions = 2 if rnn.bidirectional else 1
    output, h_n = rnn(x if rnn.batch_first else x.transpose(0, 1))
    last_step = output[:, -1] if rnn.batch_first else output[-1]
    top = h_n[-directions:]
    found = {}
    if rnn.bidirectional:
        found["last_step"] = head(last_step)
        found["directions_swapped"] = head(torch.cat([top[1], top[0]], dim=-1))
        found["reshape_mixes"] = head(top.reshape(x.shape[0], -1))
    # The rnn reading a batch-first x as time-first: axis 0 (the samples) taken for time.
    _, misread_h_n = rnn(x.transpose(0, 1) if rnn.batch_first else x)
    found["batch_read_as_time"] = head(torch.cat(list(misread_h_n[-directions:]), dim=-1))
    if rnn.num_layers > 1:
        found["bottom_layer"] = head(torch.cat(list(h_n[:directions]), dim=-1))
    return found


def _sequences(input_size, lengths, seed, dtype):
    return [uniform(seed + 1 + i, (length, input_size), dtype) for i, length in enumerate(lengths)]


@observer
def run_packed(ctx, lengths, seed=0, variants=False, **cfg):
    mod = ctx.module(MODULE)
    dtype = cfg.get("dtype", "float32")
    rnn = build_rnn(**cfg, seed=seed)
    sequences = _sequences(cfg["input_size"], lengths, seed, dtype)
    originals = [s.clone() for s in sequences]
    label = f"run_packed({rnn_label(**cfg)}, sequences of lengths {list(lengths)})"
    result = ctx.call(label, mod.run_packed, rnn, sequences)
    record = {"returned": "triple", "unchanged": all(torch.equal(a, b) for a, b in zip(sequences, originals))}
    if isinstance(result, (tuple, list)) and len(result) == 3:
        record.update(padded=result[0], lengths=result[1], h_n=result[2])
    else:
        record["returned"] = type(result).__name__
    if variants:
        with torch.no_grad():
            record["variants"] = packing_variants(rnn, originals)
    return record


def packing_variants(rnn, sequences):
    """What padding alone, or a sort that is never undone, gives (trusted side only)."""
    padded = pad_sequence(sequences, batch_first=rnn.batch_first)
    output, h_n = rnn(padded)
    lengths = torch.tensor([len(s) for s in sequences], dtype=torch.int64)
    found = {"padding_only": {"padded": output, "lengths": lengths, "h_n": h_n}}
    order = sorted(range(len(sequences)), key=lambda i: -len(sequences[i]))
    if order != list(range(len(sequences))):
        from torch.nn.utils.rnn import pack_sequence, pad_packed_sequence
        packed_output, sorted_h_n = rnn(pack_sequence([sequences[i] for i in order]))
        sorted_padded, _ = pad_packed_sequence(packed_output, batch_first=rnn.batch_first)
        found["sorted_order"] = {"padded": sorted_padded, "lengths": lengths[order], "h_n": sorted_h_n}
    return found
