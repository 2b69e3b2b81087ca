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
        "ex04_manual_rnn", "manual_rnn", "torch._VF"),   # a name written with constants only is read as written
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
        "ex04_manual_rnn", "manual_rnn", "reads rnn.forward"),   # a name of constants only is read as written
    "a lambda that hands out what a getattr of a joined name found": (
        {EX04: CELL + "\n\ndef manual_rnn(rnn, x, h0=None):\n    get = lambda: getattr(rnn, ''.join(['for', 'ward']))\n"
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

# -- issue 26: code the rules never read, dead code, calls by other routes, aliases, doors --------------
_EX01 = (SOLUTIONS / "ex01_rnn_layer.py").read_text()
_EX05 = (SOLUTIONS / "ex05_sequences.py").read_text()
_EX05_HEAD = _EX05.split("def run_packed(")[0]
_LOOP_ANSWER = '''
    outputs, states = [], []
    for sequence in sequences:
        output, h_n = rnn(sequence.unsqueeze(0 if rnn.batch_first else 1))
        outputs.append(output.squeeze(0 if rnn.batch_first else 1))
        states.append(h_n)
    padded = torch.nn.utils.rnn.pad_sequence(outputs, batch_first=rnn.batch_first)
'''
_BY_RNN = "def manual_rnn(rnn, x, h0=None):\n    return rnn(x, h0)\n"
ATTACKS.update({
    "a sibling's top level replaces manual_rnn (ex02 runs in the same worker)": (
        {"ex02_forward_pass.py": (SOLUTIONS / "ex02_forward_pass.py").read_text()
         + "\nimport ex04_manual_rnn\nex04_manual_rnn.manual_rnn = lambda rnn, x, h0=None: rnn(x, h0)\n"},
        "ex04_manual_rnn", "manual_rnn", "changes ex04_manual_rnn.manual_rnn"),
    "a sibling's top level sets manual_rnn with setattr": (
        {"ex03_rnnnet.py": (SOLUTIONS / "ex03_rnnnet.py").read_text()
         + "\nimport ex04_manual_rnn as _m\nsetattr(_m, 'manual_rnn', lambda rnn, x, h0=None: rnn(x, h0))\n"},
        "ex04_manual_rnn", "manual_rnn", "changes ex04_manual_rnn.manual_rnn"),
    "make_rnn rebinds the shape functions through globals().update": (
        {"ex01_rnn_layer.py": _EX01.replace(
            "def make_rnn(input_size, hidden_size, num_layers=1,",
            "def _shapes(*a, **k):\n    return {n: tuple(p.shape) for n, p in nn.RNN(*a[:3]).named_parameters()}\n\n\n"
            "def make_rnn(input_size, hidden_size, num_layers=1,", 1).replace(
            '    ### BEGIN SOLUTION\n',
            '    ### BEGIN SOLUTION\n    globals().update(expected_weight_shapes=_shapes)\n', 1)},
        "ex01_rnn_layer", "expected_weight_shapes", "globals"),
    "a function rebinds manual_rnn with `global`": (
        {EX04: CELL + "\n\ndef manual_rnn(rnn, x, h0=None):\n    return x, h0\n\n\n"
                      "def _install():\n    global manual_rnn\n    manual_rnn = _run\n\n\n" + _BY_RNN.replace(
                          "manual_rnn", "_run") + "\n\n_install()\n"},
        "ex04_manual_rnn", "manual_rnn", "rebinds the function manual_rnn"),
    "packing in dead code (if len(sequences) < 0)": (
        {"ex05_sequences.py": _EX05_HEAD + "def run_packed(rnn, sequences):" + _LOOP_ANSWER + '''
    if len(sequences) < 0:
        padded, _ = pad_packed_sequence(rnn(pack_sequence(sequences))[0], batch_first=rnn.batch_first)
    return padded, torch.tensor([len(s) for s in sequences]), torch.cat(states, dim=1)
'''}, "ex05_sequences", "run_packed", "could not verify that the answer"),
    "packing under if False, its result dropped": (
        {"ex05_sequences.py": _EX05_HEAD + "def run_packed(rnn, sequences):" + _LOOP_ANSWER + '''
    if False:
        pad_packed_sequence(rnn(pack_sequence(sequences))[0])
    return padded, torch.tensor([len(s) for s in sequences]), torch.cat(states, dim=1)
'''}, "ex05_sequences", "run_packed", "could not verify that the answer"),
    "a default argument holding the rnn": (
        {EX04: CELL + "\n\ndef manual_rnn(rnn, x, h0=None):\n    def run(layer=rnn):\n        return layer(x, h0)\n"
                      "    return run()\n"},
        "ex04_manual_rnn", "manual_rnn", "calls the rnn"),
    "a match capture of the rnn": (
        {EX04: CELL + "\n\ndef manual_rnn(rnn, x, h0=None):\n    match rnn:\n        case layer:\n"
                      "            return layer(x, h0)\n"},
        "ex04_manual_rnn", "manual_rnn", "calls the rnn"),
    "a decorator that returns another function": (
        {EX04: CELL + "\n\ndef _swap(function):\n    def run(rnn, x, h0=None):\n        return rnn(x, h0)\n"
                      "    return run\n\n\n@_swap\n" + _SOLUTION[_SOLUTION.index("def manual_rnn("):]},
        "ex04_manual_rnn", "manual_rnn", "decorator"),
    "an alias of the fused kernel, imported by another name": (
        _ex04("step", header="from torch import rnn_tanh as step\n"),
        "ex04_manual_rnn", "manual_rnn", "PyTorch's own RNN implementations"),
    "the fused kernel kept in a dict at import": (
        _ex04("STEPS[rnn.nonlinearity]",
              header="import torch\nSTEPS = {'tanh': torch.rnn_tanh, 'relu': torch.rnn_relu}\n"),
        "ex04_manual_rnn", "manual_rnn", "PyTorch's own RNN implementations"),
    "the operator registry under an alias": (
        _ex04("aten.rnn_tanh", header="import torch\naten = torch.ops.aten\n"),
        "ex04_manual_rnn", "manual_rnn", "operator registry"),
    "operator.attrgetter of a private module": (
        _ex04('operator.attrgetter("_VF.rnn_" + rnn.nonlinearity)(torch)', header="import operator\n"),
        "ex04_manual_rnn", "manual_rnn", "attrgetter"),
    "torch.overrides lists the kernels": (
        _ex04('[f for f in torch.overrides.get_ignored_functions() if "rnn_tanh" in str(f)][0]'),
        "ex04_manual_rnn", "manual_rnn", "torch.overrides"),
    "os reached through torch": (
        _ex04('torch.os.environ and torch.rnn_tanh'),
        "ex04_manual_rnn", "manual_rnn", "the module os"),
    "the rnn handed to a helper through a tuple": (
        {EX04: CELL + "\n\ndef _go(pair, x, h0):\n    layer, _ = pair\n    return layer(x, h0)\n\n\n"
                      "def manual_rnn(rnn, x, h0=None):\n    return _go((rnn, 0), x, h0)\n"},
        "ex04_manual_rnn", "manual_rnn", "calls the rnn"),
    "nn.RNN built in count_parameters under another name": (
        {"ex01_rnn_layer.py": "from torch.nn import RNN as Layer\n" + _EX01.replace(
            "    num_directions = 2 if bidirectional else 1\n    per_direction_bias",
            "    return sum(p.numel() for p in Layer(input_size, hidden_size, num_layers).parameters())\n"
            "    num_directions = 2 if bidirectional else 1\n    per_direction_bias")},
        "ex01_rnn_layer", "count_parameters", "RNN"),
})
ATTACKS.update({
    "a class keeps the rnn and a method calls it": (
        {EX04: CELL + "\n\nclass Runner:\n    def __init__(self, rnn):\n        self.layer = rnn\n\n"
                      "    def run(self, x, h0):\n        return self.layer(x, h0)\n\n\n"
                      "def manual_rnn(rnn, x, h0=None):\n    return Runner(rnn).run(x, h0)\n"},
        "ex04_manual_rnn", "manual_rnn", "calls the rnn"),
    "a closure three levels deep hands out what a computed getattr found": (
        {EX04: CELL + "\n\ndef manual_rnn(rnn, x, h0=None):\n    def outer():\n        def inner():\n"
                      "            return getattr(rnn, 'for' + 'ward')\n        return inner\n"
                      "    return outer()()(x, h0)\n"},
        "ex04_manual_rnn", "manual_rnn", "reads rnn.forward"),
    "a closure three levels deep hands out what a getattr of a joined name found": (
        {EX04: CELL + "\n\ndef manual_rnn(rnn, x, h0=None):\n    def outer():\n        def inner():\n"
                      "            return getattr(rnn, ''.join(['for', 'ward']))\n        return inner\n"
                      "    return outer()()(x, h0)\n"},
        "ex04_manual_rnn", "manual_rnn", "read from the rnn by a name built at run time"),
})
ATTACKS.update({
    "a sort key that calls what it sorts": (
        {EX04: CELL + "\n\ndef manual_rnn(rnn, x, h0=None):\n    found = []\n"
                      "    sorted([rnn], key=lambda layer: found.append(layer(x, h0)) or 0)\n    return found[0]\n"},
        "ex04_manual_rnn", "manual_rnn", "hands the rnn to a function that could run it"),
    "the rnn's call through next(iter([...]))": (
        {EX04: CELL + "\n\ndef manual_rnn(rnn, x, h0=None):\n    return next(iter([rnn]))(x, h0)\n"},
        "ex04_manual_rnn", "manual_rnn", "calls the rnn"),
})
