"""Observers: small functions that call an exercise's code and report plain data.

Each check asks for an observation by name and configuration; the grader runs
the same observer on the learner's modules (inside the worker) and on the
reference solutions (in the trusted process) and compares the two results.
An observer receives a ``Context`` (to import exercise modules and to label
the calls it makes) plus the configuration as keyword arguments, and returns
values that ``wire.encode`` accepts (tensors are fine).

To add one: write a function named after the learner's function it calls and decorate it with
``@observer`` in the exercise's module here (which names the exercise module in ``MODULE``): its name,
the one checks ask for, is derived, e.g. ``ex02.init_hidden``; ``@observer(each=True)`` also registers
its ``.each`` twin (``register_each``).
"""
import importlib
import sys
import traceback

from .. import wire

REGISTRY = {}
_LOADED = False


def observer(name=None, *, each=False):
    """Register the decorated function as an observer: ``@observer``, ``@observer(each=True)``.

    Its name is derived, never typed: the exercise of its module's ``MODULE`` (``ex02_forward_pass``
    gives ``ex02``) and the function's own name, ``ex02.init_hidden``. An explicit ``name`` is still
    accepted. ``each``: also register the ``.each`` twin that runs it once per configuration.
    """
    if callable(name):  # @observer without parentheses
        return observer()(name)

    def register(fn):
        full = name or observer_name(fn)
        if full in REGISTRY:
            raise ValueError(f"observer {full!r} registered twice")
        REGISTRY[full] = fn
        fn.observer_name = full
        if each:
            register_each(full)
        return fn
    return register


def observer_name(fn):
    """``exNN.<function name>``: the name of the observer ``fn``, from its module's ``MODULE``."""
    module = fn.__globals__.get("MODULE")
    if not module:
        raise ValueError(f"{fn.__module__} names no exercise MODULE: give observer {fn.__name__} a name")
    return f"{module.split('_', 1)[0]}.{fn.__name__}"


def _load_all():
    global _LOADED
    if not _LOADED:
        for part in ("ex01", "ex01_plots", "ex02", "ex03", "ex04", "ex05", "ex06"):
            try:
                importlib.import_module(f"{__name__}.{part}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{__name__}.{part}":
                    raise
        _LOADED = True


class ModuleLoadFailed(Exception):
    """Importing an exercise module failed; carries the original exception."""

    def __init__(self, module, exc):
        super().__init__(module)
        self.module, self.exc = module, exc


class SkippedImport(Exception):
    """A module the grader said not to import again (it hung or killed a worker before)."""


class Context:
    """What an observer may use: exercise modules and call labels for feedback."""

    def __init__(self, import_module, notify=None, skip_imports=None):
        self._import_module = import_module
        self._notify = notify or (lambda message: None)
        self._skip_imports = skip_imports or {}
        self.label = None

    def module(self, name):
        self.label = f"import {name}"
        if name in self._skip_imports:
            raise SkippedImport(self._skip_imports[name])
        if name not in sys.modules:
            # Tell the grader first: if the import hangs or kills the process,
            # it knows which file did it and stops importing that file again.
            self._notify({"progress": "import", "module": name})
        try:
            return self._import_module(name)
        except BaseException as exc:  # SyntaxError, SystemExit, anything at import time
            raise ModuleLoadFailed(name, exc) from exc

    def call(self, label, fn, *args, **kwargs):
        """Call learner code, remembering ``label`` (e.g. "init_hidden(rnn, 3)") for feedback."""
        self.label = label
        self._notify({"progress": "call", "call": label})
        return fn(*args, **kwargs)


def run(name, config, import_module, source_dir, notify=None, skip_imports=None):
    """Run one observer and return the plain-data response (never raises)."""
    _load_all()
    ctx = Context(import_module, notify, skip_imports)
    try:
        fn = REGISTRY[name]
    except KeyError:
        return {"error": {"type": "UnknownObserver", "message": name, "phase": "grader", "call": None,
                          "where": []}}
    try:
        value = fn(ctx, **config)
        return {"value": wire.encode(value)}
    except SkippedImport as skipped:
        return {"error": {"type": "SkippedImport", "message": str(skipped), "phase": "skipped",
                          "call": ctx.label, "where": []}}
    except ModuleLoadFailed as failure:
        return {"error": describe_exception(failure.exc, "import", f"import {failure.module}", source_dir)}
    except BaseException as exc:  # the learner's code may raise SystemExit, KeyboardInterrupt, ...
        return {"error": describe_exception(exc, "call", ctx.label, source_dir)}


def describe_exception(exc, phase, label, source_dir):
    """Type, message and the learner's own frames of an exception, as plain data."""
    frames = []
    for frame in traceback.extract_tb(exc.__traceback__):
        if source_dir and frame.filename.startswith(source_dir):
            frames.append({"file": frame.filename[len(source_dir):].lstrip("/\\"),
                           "line": frame.lineno, "code": (frame.line or "")[:200], "function": frame.name[:100]})
    if isinstance(exc, SyntaxError) and exc.filename and source_dir and exc.filename.startswith(source_dir):
        frames.append({"file": exc.filename[len(source_dir):].lstrip("/\\"), "line": exc.lineno or 0,
                       "code": (exc.text or "").strip()[:200]})
    try:
        message = str(exc)[:1000]
    except BaseException:
        message = "(the exception's message could not be read)"
    # The module-level line an import ran (a demo calling forward, say) stays even when the
    # innermost frames are many: it is the line the learner has to move.
    top_level = [f for f in frames[:-5] if f["function"] == "<module>"][-1:] if phase == "import" else []
    return {"type": type(exc).__name__[:100], "message": message, "phase": phase,
            "call": label, "where": top_level + frames[-5:]}



def register_each(name):
    """Register ``<name>.each``: the observer ``name`` run once per configuration, in order.

    Hidden checks loop over many configurations; asking for all of them in one
    request costs one worker round trip per check instead of one per configuration.
    An exception stops the loop, so the error names the first configuration that
    raised. Each observer has its own twin (rather than one generic "each") so the
    grader's bookkeeping of calls that hang or crash stays per function.
    """
    single = REGISTRY[name]

    @observer(f"{name}.each")
    def run_each(ctx, configs):
        return [single(ctx, **config) for config in configs]
    return run_each
