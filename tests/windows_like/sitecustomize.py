"""A Python that looks like Windows' to the kit, on Linux: the test harness of the portable backend.

Active only when RNN_GRADE_WINDOWS_LIKE=1 and this folder is on PYTHONPATH (Python imports
``sitecustomize`` at start-up); the grader's workers inherit both, so they run under it too.

* ``fcntl``, ``resource``, ``termios``, ``pwd`` and ``grp`` cannot be imported (a meta-path finder
  raises ModuleNotFoundError, as on Windows; copies already imported are dropped from sys.modules);
* ``os.fork``, ``os.forkpty``, ``os.pread``, ``os.killpg``, ``os.setsid`` and
  ``socket.AF_UNIX`` are gone, ``os.register_at_fork`` does nothing, and ``os.open`` takes no
  directory fd (Windows has none of these);
* the kit cannot read ``/proc``: ``open``, ``os.open``, ``os.listdir`` and ``os.scandir`` raise
  FileNotFoundError for a path under /proc when the caller is the kit's code (``autograder.*``, the
  worker package ``rnn_grade_worker.*``) — as on Windows and macOS, where there is no /proc.

psutil is imported first, with the real modules: it stands for the platform's own interface, which
on Windows and macOS it reads without /proc or Unix-only modules; everything else loses them.
"""
import os
import sys

BLOCKED_MODULES = ("fcntl", "resource", "termios", "pwd", "grp")
REMOVED_OS = ("fork", "forkpty", "pread", "killpg", "setsid")
KIT_PREFIXES = ("autograder", "rnn_grade_worker")


def _install():
    import builtins
    import functools
    import importlib.abc
    import io
    import socket

    try:
        import psutil  # noqa: F401  (loaded with the real modules: see the docstring)
    except ImportError:
        pass
    for name in BLOCKED_MODULES:
        sys.modules.pop(name, None)

    class WindowsLikeFinder(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED_MODULES:
                raise ModuleNotFoundError(f"No module named {name!r} (the Windows-like harness)", name=name)
            return None

    sys.meta_path.insert(0, WindowsLikeFinder())
    for name in REMOVED_OS:
        if hasattr(os, name):
            delattr(os, name)
    # torch's Linux build calls os.register_at_fork at import without asking (on Windows it takes another
    # path): a no-op, since nothing forks here any more.
    os.register_at_fork = lambda **hooks: None
    if hasattr(socket, "AF_UNIX"):
        del socket.AF_UNIX
    os.supports_dir_fd.discard(os.open)

    def no_proc_for_the_kit(function):
        @functools.wraps(function)
        def guarded(path=".", *args, **kwargs):
            if isinstance(path, (str, bytes, os.PathLike)):
                text = os.fsdecode(path)
                caller = sys._getframe(1).f_globals.get("__name__") or ""  # noqa: SLF001
                if (text == "/proc" or text.startswith("/proc/")) and caller.startswith(KIT_PREFIXES):
                    raise FileNotFoundError(2, "No such file or directory (the Windows-like harness)", text)
            return function(path, *args, **kwargs)
        return guarded

    builtins.open = io.open = no_proc_for_the_kit(io.open)
    for name in ("open", "listdir", "scandir"):
        setattr(os, name, no_proc_for_the_kit(getattr(os, name)))


if os.environ.get("RNN_GRADE_WINDOWS_LIKE") == "1":
    _install()
