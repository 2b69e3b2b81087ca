"""How feedback names an rnn and which keys of a check's configuration build it: no torch here.

The trusted grader's checks and verdicts name layers with these too; importing them from ``common``
(which imports torch) made every ``rnn-grade check`` import torch in the grader as well as in the
workers: a second torch import on a learner's critical path, for a string.
"""


def rnn_label(input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True, batch_first=False,
              bidirectional=False, dtype="float32", **_):
    """How feedback names an rnn: the constructor call that would build it."""
    extras = [f"num_layers={num_layers}"]
    if nonlinearity != "tanh":
        extras.append(f"nonlinearity={nonlinearity!r}")
    if not bias:
        extras.append("bias=False")
    if batch_first:
        extras.append("batch_first=True")
    if bidirectional:
        extras.append("bidirectional=True")
    text = f"nn.RNN({input_size}, {hidden_size}, {', '.join(extras)})"
    return text if dtype == "float32" else f"{text}.double()"


RNN_KEYS = ("input_size", "hidden_size", "num_layers", "nonlinearity", "bias", "batch_first",
            "bidirectional", "dtype")


def rnn_config(cfg):
    """The nn.RNN arguments of a check configuration (other keys dropped)."""
    return {k: cfg[k] for k in RNN_KEYS if k in cfg}
