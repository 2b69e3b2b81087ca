"""What code a rule-bound function reaches may use: judged by capability, on the objects names denote.

``resolve(dotted)`` looks a dotted name up on the real torch/numpy/matplotlib/standard-library
modules in the trusted grader (never importing learner code) and judges the object it finds: refused
when it is (or is reached through) torch's RNN machinery or a door through which unread code could
run; allowed when it is a public member of an allowed package; "unknown" (the grader cannot tell,
so a person reviews it) when it cannot be found. Builtins and the rnn's attributes are listed.
"""
import re

from .names import OBJECT_ATTRIBUTES  # noqa: F401  (re-exported)
from .names import MODULE_ATTRIBUTES, OBJECT_ATTRIBUTES

# Where code may reach, judged by the OBJECT a dotted name denotes (``resolve``), not by its spelling:
# the public members of these packages, minus what defeats the exercises (``DENIED``, ``RNN_MACHINERY``)
# and the doors through which unread code could run (``DOOR_MODULES``, ``DOOR_BUILTINS``).
ALLOWED_ROOTS = frozenset("""torch numpy matplotlib math cmath typing collections dataclasses functools itertools
    operator copy warnings statistics numbers fractions decimal enum abc string textwrap heapq bisect random re
    time contextlib pprint __future__""".split())
FUSED = "is one of PyTorch's own RNN implementations, which compute the recurrence for you"
DOOR = "opens a door through which code the grader cannot read could run"
DENIED = {
    "torch.ops": f"is the operator registry (every kernel by name, torch's fused RNN among them): it {DOOR}",
    "torch.library": f"registers and looks up operators by name: it {DOOR}",
    "torch.classes": f"looks up registered classes by name: it {DOOR}",
    "torch.overrides": "lists torch's functions (the fused RNN among them) to be looked up by name",
    "torch.jit": f"loads or compiles code: it {DOOR}", "torch.load": f"unpickles objects: it {DOOR}",
    "torch.serialization": f"unpickles objects: it {DOOR}", "torch.hub": f"loads code: it {DOOR}",
    "torch.package": f"loads code: it {DOOR}", "torch.compile": f"compiles code: it {DOOR}",
    "torch.fx": f"rewrites code: it {DOOR}", "torch.export": f"exports and loads code: it {DOOR}",
    "torch.onnx": f"exports code: it {DOOR}", "torch.utils.cpp_extension": f"compiles native code: it {DOOR}",
    "torch.utils.model_zoo": f"loads files: it {DOOR}", "torch.multiprocessing": f"runs code elsewhere: it {DOOR}",
    "torch.distributed": f"runs code elsewhere: it {DOOR}",
    "torch.func.functional_call": "runs a module's forward (it would run nn.RNN's)",
    "torch.nn.utils.stateless": "runs a module's forward (it would run nn.RNN's)",
    "torch.nn.modules.rnn": f"is the module of nn.RNN's implementation: it {FUSED}",
    "torch.backends.cudnn.rnn": FUSED,
    "numpy.load": f"unpickles objects: it {DOOR}", "numpy.lib.format": f"unpickles objects: it {DOOR}",
    "numpy.lib.npyio": f"unpickles objects: it {DOOR}", "numpy.ctypeslib": f"loads native code: it {DOOR}",
    "numpy.f2py": f"compiles native code: it {DOOR}",
    "typing.get_type_hints": f"evaluates text as code: it {DOOR}",
    "operator.attrgetter": "reads attributes by a name built at run time",
    "operator.methodcaller": "calls methods by a name built at run time",
}
# Refused on a method's path, but only read elsewhere: reading them changes nothing (calling is judged apart).
READS_ONLY = frozenset({"torch.ops", "torch.classes", "torch.overrides", "operator.attrgetter",
                        "operator.methodcaller"})
MACHINERY = frozenset({"torch.func.functional_call", "torch.nn.utils.stateless", "torch.nn.modules.rnn",
                       "torch.backends.cudnn.rnn"})
MACHINERY_REASONS = frozenset({FUSED} | {DENIED[m] for m in MACHINERY})
# torch's recurrent machinery, by the name of the function or of any class in a class's ancestry:
# rnn_tanh, rnn_relu_cell, lstm, quantized_gru ..., nn.RNN, RNNBase, RNNCell, LSTM, GRUCell ...
RNN_MACHINERY = re.compile(r"(?:^|_)(?:rnn|lstm|gru)(?:_|$)|RNN|LSTM|GRU")
# Modules that open Python's internals (loading, importing, patching, native code), reached however.
DOOR_MODULES = frozenset("""builtins os sys subprocess importlib pickle marshal ctypes types inspect gc runpy code
    codeop shutil socket pickletools copyreg dill cloudpickle joblib imp pkgutil zipimport multiprocessing
    threading ast dis""".split())
DOOR_BUILTINS = frozenset("""eval exec compile __import__ vars globals locals getattr setattr delattr open
    breakpoint input memoryview""".split())


class Resolution:
    """What a dotted name denotes in the trusted grader: ``kind`` module | class | value, or why it is refused
    (``refused``) or cannot be told (``unknown``)."""

    def __init__(self, kind=None, refused=None, unknown=None, obj=None, machinery=False, runs_code=True):
        self.kind, self.refused, self.unknown, self.obj = kind, refused, unknown, obj
        # refused as a door that loads, compiles or runs code (or opens Python's internals): refused wherever it
        # is; the other refusals (private names, the operator registry) are refused on a method's path only
        self.runs_code = runs_code
        self.machinery = machinery   # refused as RNN machinery (allowed outside the method rules: ex05, ex06)


_RESOLVED = {}
# Judgements of earlier runs on this very machine, for a learner's own `rnn-grade check` only (``use_stored``).
_STORED = {"path": None, "entries": None, "added": False}
STORED_FIELDS = ("kind", "refused", "unknown", "machinery", "runs_code")


def resolve(dotted, allowed=frozenset()):
    """Resolve ``dotted`` on the REAL modules (imported here, in the grader; never learner code) and judge it."""
    key = (dotted, allowed)
    if key not in _RESOLVED:
        if len(_RESOLVED) > 20_000:
            _RESOLVED.clear()
        stored = _STORED["entries"] if not allowed else None
        if stored is not None and dotted in stored:
            _RESOLVED[key] = Resolution(**dict(zip(STORED_FIELDS, stored[dotted])))
        else:
            _RESOLVED[key] = found = _resolve(dotted, allowed)
            if stored is not None and len(stored) < 20_000:
                stored[dotted] = [getattr(found, field) for field in STORED_FIELDS]
                _STORED["added"] = True
    return _RESOLVED[key]


def stored_stamp():
    """What a stored judgement depends on: these rules' text, Python's and the judged libraries' versions
    (read from their metadata: nothing is imported)."""
    import hashlib
    import importlib.metadata
    import sys
    from pathlib import Path

    digest = hashlib.sha256(sys.version.encode())
    for name in ("torch", "numpy", "matplotlib"):
        try:
            digest.update(f"{name} {importlib.metadata.version(name)}".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{name} absent".encode())
    for module in ("allowlist.py", "names.py"):
        digest.update((Path(__file__).parent / module).read_bytes())
    return digest.hexdigest()[:24]


def use_stored(folder):
    """Judge names as earlier runs here did, from a file in ``folder``, before importing torch to judge them.

    For a learner's own ``rnn-grade check`` and a notebook's check cell, never an instructor's grading: the
    grader imports the whole of torch to judge names on the real objects, a second torch import beside the
    worker's, on every run, for the same few names. The file is keyed by ``stored_stamp`` (another torch, or
    other rules, use another file) and holds plain judgements; it lives in the learner's own cache, which
    changes only the feedback of that learner's own machine. Returns whether such a file was found."""
    import json
    from pathlib import Path

    path = Path(folder) / f"method-rules-{stored_stamp()}.json"
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
        if not (isinstance(entries, dict) and all(isinstance(v, list) and len(v) == len(STORED_FIELDS)
                                                  for v in entries.values())):
            entries = None
    except (OSError, ValueError):
        entries = None
    _STORED.update(path=path, entries=entries if entries is not None else {}, added=False)
    _RESOLVED.clear()
    return entries is not None


def save_stored():
    """Write the judgements ``use_stored`` read, with those added since (if any); errors change nothing."""
    import json
    import os

    path, entries = _STORED["path"], _STORED["entries"]
    if path is None or not _STORED["added"]:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(entries, sort_keys=True), encoding="utf-8")
        os.replace(temporary, path)
        _STORED["added"] = False
    except OSError:
        pass


def _is_allowed_by_config(dotted, allowed):
    return any(dotted == a or dotted.startswith(a + ".") for a in allowed)


def _resolve(dotted, allowed):
    import importlib
    import inspect

    parts = dotted.split(".")
    by_config = _is_allowed_by_config(dotted, allowed)
    if by_config:   # the instructor's word (batch config ``allow``): trusted as given, nothing imported
        return Resolution("value")
    if parts[0] in DOOR_MODULES and not by_config:
        return Resolution(refused=f"uses {dotted}: the module {parts[0]} {DOOR}")
    if parts[0] not in ALLOWED_ROOTS and not by_config:
        return Resolution(unknown=f"uses {dotted}, from a library the grader does not judge")
    private = next((p for p in parts[1:] if p.startswith("_")), None) or \
        (parts[0] if parts[0].startswith("_") and parts[0] != "__future__" else None)
    if private and not by_config:
        return Resolution(refused=f"uses {dotted}: {private} is private (not part of the library's public API)",
                          runs_code=False)
    for end in range(1, len(parts) + 1):
        prefix = ".".join(parts[:end])
        if prefix in DENIED and not by_config:
            return Resolution(refused=f"uses {dotted}, which {DENIED[prefix]}", machinery=prefix in MACHINERY,
                              runs_code=prefix not in READS_ONLY)
    try:
        obj = importlib.import_module(parts[0])
    except Exception:
        return Resolution(unknown=f"uses {dotted}, but {parts[0]} is not installed where the grader runs")
    for end in range(1, len(parts)):
        name = ".".join(parts[:end + 1])
        parent = obj
        try:
            obj = getattr(parent, parts[end])
        except Exception:
            obj = None
            if inspect.ismodule(parent):   # a submodule not imported yet (matplotlib.ticker)
                try:
                    obj = importlib.import_module(name)
                except Exception:
                    obj = None
            if obj is None:
                return Resolution(unknown=f"uses {dotted}, which the installed {parts[0]} does not have")
        if by_config:
            continue
        reason = _judge(obj, name)
        if reason:
            return Resolution(refused=f"uses {dotted}, which {reason}", machinery=reason in MACHINERY_REASONS)
    kind = "module" if inspect.ismodule(obj) else "class" if isinstance(obj, type) else "value"
    return Resolution(kind, obj=obj)


def _judge(obj, name):
    """Why the object reached as ``name`` is refused, or None."""
    import inspect

    if inspect.ismodule(obj):
        root = obj.__name__.split(".")[0]
        if root not in ALLOWED_ROOTS:
            return f"is the module {obj.__name__}, which {DOOR}" if root in DOOR_MODULES else \
                f"is the module {obj.__name__}, which is not among those these exercises use"
        for prefix, why in DENIED.items():
            if obj.__name__ == prefix or obj.__name__.startswith(prefix + "."):
                return why
        return None
    if isinstance(obj, type):
        if any(RNN_MACHINERY.search(getattr(c, "__name__", "")) for c in obj.__mro__):
            return FUSED
    elif callable(obj) and RNN_MACHINERY.search(str(getattr(obj, "__name__", "") or "")):
        return FUSED
    module = getattr(obj, "__module__", None)
    root = module.split(".")[0] if isinstance(module, str) else None
    if root == "builtins" and getattr(obj, "__name__", None) in DOOR_BUILTINS:
        return f"is {obj.__name__}, which {DOOR}"
    if root in DOOR_MODULES - {"builtins"}:
        return f"comes from {module}, which {DOOR}"
    return None


# Builtins code may call or name. Not here, so refused: getattr/setattr/delattr with a computed name
# (handled apart), vars, globals, locals, dir, eval, exec, compile, __import__, open, input, breakpoint,
# help, memoryview, type, object.__subclasses__ and the like: the doors out of what a reader can follow.
BUILTINS = frozenset("""abs all any bool dict divmod enumerate filter float format frozenset hash hex int
    isinstance issubclass iter len list map max min next object oct ord chr pow print property range repr
    reversed round set slice sorted staticmethod classmethod str sum super tuple zip callable id bin complex
    hasattr getattr setattr delattr NotImplemented Ellipsis None True False
    Exception ValueError TypeError RuntimeError KeyError IndexError AssertionError NotImplementedError
    AttributeError ArithmeticError ZeroDivisionError StopIteration LookupError Warning UserWarning""".split())
# Builtins that may be handed the rnn itself: they only look at it.
LOOKS_ONLY = frozenset({"isinstance", "hasattr", "print", "repr", "str", "id", "callable", "len"})
# Builtins that only carry what they are given (a list, a zip...): handed the rnn, they give back a holder of it.
# (Not sorted, max, min, map, filter: they call what they are given a key or a function for.)
CARRIERS = frozenset({"list", "tuple", "dict", "set", "frozenset", "enumerate", "zip", "reversed", "iter",
                      "next"})
# Methods of lists and dicts: on a container holding the rnn they give back what it holds (never run it).
CONTAINER_METHODS = frozenset("""get pop popitem items values keys copy index count append extend insert
    setdefault remove clear update sort reverse add appendleft""".split())
FILLERS = frozenset({"append", "extend", "insert", "setdefault", "update", "add", "appendleft"})

# What manual_rnn may read from the rnn it is given (ex04): its parameters by name, its settings, and the
# documented ways to list parameters. Not its forward, __call__, private state or conversions.
RNN_PARAMETER = re.compile(r"(weight|bias)_(ih|hh|hr)_l\d+(_reverse)?$")
RNN_ATTRIBUTES = frozenset("""input_size hidden_size num_layers nonlinearity bias batch_first dropout bidirectional
    proj_size mode training all_weights parameters named_parameters state_dict get_parameter""".split())


def rnn_attribute(name):
    return bool(RNN_PARAMETER.match(name)) or name in RNN_ATTRIBUTES


def object_attribute(name, own_names):
    """An attribute of a plain value (tensor, list, a learner's own object...)."""
    if name.startswith("__"):
        return False
    return name in OBJECT_ATTRIBUTES or name in MODULE_ATTRIBUTES or name in own_names

