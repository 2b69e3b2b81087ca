"""Hostile submissions that reach torch's RNN kernels (or skip the asked-for method) without writing it.

Each entry: name -> (files {name: text or bytes} added to or replacing the solutions, the exercise,
the entry point whose checks must fail, a fragment of the rule the feedback must name). Every one of
them earned the exercise's full points before the method rules became an allowlist (the old scan read
only ex04's file, looked for known spellings and gave up on files it could not decode; ex01 and
ex05's methods were not checked at all); tests/test_method_rules.py asserts what each one gets now.
"""
from autograder.paths import SOLUTIONS

EX04 = "ex04_manual_rnn.py"
_SOLUTION = (SOLUTIONS / EX04).read_text()
CELL = _SOLUTION[:_SOLUTION.index("def manual_rnn(")]

# The arguments torch's fused kernel takes, from the rnn's own settings: the kernel, not the learner,
# then computes the recurrence. KERNEL is whatever route a submission uses to reach rnn_tanh/rnn_relu.
CALL_KERNEL = '''
def manual_rnn(rnn, x, h0=None):
    if h0 is None:
        batch = x.shape[0] if rnn.batch_first else x.shape[1]
        h0 = x.new_zeros(rnn.num_layers * (2 if rnn.bidirectional else 1), batch, rnn.hidden_size)
    weights = [p for layer in rnn.all_weights for p in layer]
    kernel = KERNEL
    return kernel(x, h0, weights, rnn.bias, rnn.num_layers, 0.0, False, rnn.bidirectional, rnn.batch_first)
'''


def _ex04(kernel, header="", extra_files=None):
    text = header + CELL + CALL_KERNEL.replace("KERNEL", kernel)
    return dict({EX04: text}, **(extra_files or {}))


ATTACKS = {
    "getattr with a computed name on torch._C": (
        _ex04('getattr(torch._C._VariableFunctions, "rnn_" + rnn.nonlinearity)'),
        "ex04_manual_rnn", "manual_rnn", "torch._C"),
    "torch.ops.aten through __getattr__": (
        _ex04('torch.ops.aten.__getattr__("rnn_" + rnn.nonlinearity)'),
        "ex04_manual_rnn", "manual_rnn", "__getattr__"),
    "importlib.import_module of a built name": (
        _ex04('getattr(importlib.import_module("torch." + "_VF"), "rnn_" + rnn.nonlinearity)',
              header="import importlib\n"),
        "ex04_manual_rnn", "manual_rnn", "importlib"),
    "__import__ and getattr": (
        _ex04('getattr(getattr(__import__("torch"), "_" + "VF"), "rnn_" + rnn.nonlinearity)'),
        "ex04_manual_rnn", "manual_rnn", "__import__"),
    "vars(torch) lookup": (
        _ex04('vars(vars(torch)["_" + "C"]._VariableFunctions)["rnn_" + rnn.nonlinearity]'),
        "ex04_manual_rnn", "manual_rnn", "vars"),
    "kernels captured at import, before the grader's watch": (
        _ex04('_KERNELS[rnn.nonlinearity]',
              header='import torch\n_VF = getattr(torch, "_V" + "F")\n'
                     '_KERNELS = {k: getattr(_VF, "rnn_" + k) for k in ("tanh", "relu")}\n'),
        "ex04_manual_rnn", "manual_rnn", "computed name"),
    "a sibling module that captures the kernels": (
        _ex04("helpers.kernel(rnn.nonlinearity)", header="import helpers\n",
              extra_files={"helpers.py": 'import torch\n_T, _R = torch._VF.rnn_tanh, torch._VF.rnn_relu\n\n\n'
                                         'def kernel(name):\n    return _T if name == "tanh" else _R\n'}),
        "ex04_manual_rnn", "manual_rnn", "torch._VF"),
    "a sibling module that calls the rnn": (
        {EX04: "from helpers import run\n" + CELL + "\n\ndef manual_rnn(rnn, x, h0=None):\n"
                                                    "    return run(rnn, x, h0)\n",
         "helpers.py": "def run(layer, x, h0):\n    return layer(x, h0)\n"},
        "ex04_manual_rnn", "manual_rnn", "calls the rnn"),
    "a latin-1 coding cookie hiding the kernel": (
        {EX04: ("# -*- coding: latin-1 -*-\n# caf\xe9\ncaf\xe9 = 1\n").encode("latin-1")
               + (CELL + CALL_KERNEL.replace("KERNEL", "_K[rnn.nonlinearity]")).encode()
               + b"\n_K = {'tanh': torch._VF.rnn_tanh, 'relu': torch._VF.rnn_relu}\n"},
        "ex04_manual_rnn", "manual_rnn", "declares the encoding 'iso-8859-1'"),
    "exec of an encoded string at import": (
        _ex04("_K[rnn.nonlinearity]", header="import torch\nexec(bytes.fromhex('" +
              "_K = {'tanh': torch._VF.rnn_tanh, 'relu': torch._VF.rnn_relu}".encode().hex() + "').decode())\n"),
        "ex04_manual_rnn", "manual_rnn", "exec"),
    "functools.partial of the class's forward": (
        {EX04: "import functools\n" + CELL + "\n\ndef manual_rnn(rnn, x, h0=None):\n"
                                             "    return functools.partial(type(rnn).forward, rnn)(x, h0)\n"},
        "ex04_manual_rnn", "manual_rnn", "the builtin type"),
    "rnn.__class__.__call__": (
        {EX04: CELL + "\n\ndef manual_rnn(rnn, x, h0=None):\n    return rnn.__class__.__call__(rnn, x, h0)\n"},
        "ex04_manual_rnn", "manual_rnn", "__class__"),
    "torch.nn.modules.rnn internals": (
        _ex04('getattr(torch.nn.modules.rnn._VF, "rnn_" + rnn.nonlinearity)'),
        "ex04_manual_rnn", "manual_rnn", "torch.nn.modules"),
    "an rnn_cell that asks RNNCell's kernel": (
        {EX04: "import torch\n\n\ndef rnn_cell(x_t, h_prev, w_ih, w_hh, b_ih=None, b_hh=None, nonlinearity='tanh'):\n"
               "    return getattr(torch, 'rnn_' + nonlinearity + '_cell')(x_t, h_prev, w_ih, w_hh, b_ih, b_hh)\n"
               + _SOLUTION[_SOLUTION.index("def manual_rnn("):]},
        "ex04_manual_rnn", "rnn_cell", "computed name"),
    "functools.reduce over getattr": (
        _ex04('functools.reduce(getattr, ["_VF", "rnn_" + rnn.nonlinearity], torch)', header="import functools\n"),
        "ex04_manual_rnn", "manual_rnn", "getattr as a value"),
    "a lambda that hands out what a computed getattr found": (
        {EX04: CELL + "\n\ndef manual_rnn(rnn, x, h0=None):\n    get = lambda: getattr(rnn, 'for' + 'ward')\n"
                      "    return get()(x, h0)\n"},
        "ex04_manual_rnn", "manual_rnn", "read from the rnn by a name built at run time"),
    "torch patched at import with a function that runs the rnn": (
        {EX04: CELL + "\n\ndef _run(layer, x, h0):\n    return layer(x, h0)\n\n\ntorch.flip = _run\n\n\n"
                      "def manual_rnn(rnn, x, h0=None):\n    return torch.flip(rnn, x, h0)\n"},
        "ex04_manual_rnn", "manual_rnn", "changes torch.flip"),
    "a package folder shadowing the module the grader would read": (
        {"ex04_manual_rnn/__init__.py": CELL + CALL_KERNEL.replace("KERNEL", "torch._VF.rnn_tanh")},
        "ex04_manual_rnn", "manual_rnn", "torch._VF"),
    "count_parameters from a built nn.RNN": (
        {"ex01_rnn_layer.py": (SOLUTIONS / "ex01_rnn_layer.py").read_text().replace(
            "    num_directions = 2 if bidirectional else 1\n    per_direction_bias",
            "    layer = make_rnn(input_size, hidden_size, num_layers, bias=bias, bidirectional=bidirectional)\n"
            "    return sum(p.numel() for p in layer.parameters())\n"
            "    num_directions = 2 if bidirectional else 1\n    per_direction_bias")},
        "ex01_rnn_layer", "count_parameters", "torch.nn"),
    "expected_weight_shapes read from a built nn.RNN": (
        {"ex01_rnn_layer.py": (SOLUTIONS / "ex01_rnn_layer.py").read_text().replace(
            "    num_directions = 2 if bidirectional else 1\n    shapes = {}",
            "    layer = nn.RNN(input_size, hidden_size, num_layers, bias=bias, bidirectional=bidirectional)\n"
            "    return {name: tuple(p.shape) for name, p in layer.named_parameters()}\n"
            "    num_directions = 2 if bidirectional else 1\n    shapes = {}")},
        "ex01_rnn_layer", "expected_weight_shapes", "torch.nn"),
    "run_packed with one rnn call per sequence": (
        {"ex05_sequences.py": (SOLUTIONS / "ex05_sequences.py").read_text().split("def run_packed(")[0] + '''
def run_packed(rnn, sequences):
    outputs, states = [], []
    for sequence in sequences:
        x = sequence.unsqueeze(0 if rnn.batch_first else 1)
        output, h_n = rnn(x)
        outputs.append(output.squeeze(0 if rnn.batch_first else 1))
        states.append(h_n)
    padded = torch.nn.utils.rnn.pad_sequence(outputs, batch_first=rnn.batch_first)
    return padded, torch.tensor([len(s) for s in sequences]), torch.cat(states, dim=1)
'''},
        "ex05_sequences", "run_packed", "never packs"),
}
