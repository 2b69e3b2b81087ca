"""Can this machine grade at all? Asked once, before any learner is graded.

A machine that cannot run the learners' workers (their Python lacks torch, the
sandbox asked for is missing, the unprivileged uid cannot start) would otherwise
give every learner a crash and a zero. ``preflight`` proves the whole path one
learner takes: the fork server imports torch and the observers, one worker is
forked into a staged (empty) copy, drops to its uid, applies its limits and says
it is ready. Any failure is a ``MachineError`` whose text says what is wrong and
how to fix it; front ends stop there (``rnn-grade batch`` exits 3, writing no grades).
"""
import importlib.metadata
import json
import os
import re
import select
import subprocess
import sys
import tempfile

from ..errors import LearnerError, MachineError
from .startup_wait import StartupWait, tree_progress



def installer(python=None):
    """How to install into the grader's environment: its pip, or uv's for an environment without pip
    (`uv venv` makes none)."""
    python = python or sys.executable
    import importlib.util

    if importlib.util.find_spec("pip") is None:
        return f"uv pip install --python {python}"
    return f"{python} -m pip install"


def advice(problem):
    """The fix for a machine problem, as one sentence for an instructor."""
    other = workers_python_problem()
    if other:  # then no fix of the installation helps: the workers run another Python
        return other
    python = sys.executable
    missing = re.search(r"No module named '?([\w.]+)'?", problem)
    if missing:
        return (f"The module {missing[1]} cannot be imported by {python}, the Python the grader runs in (workers "
                f"see only that installation: not PYTHONPATH, not user site-packages). Fix: `{installer(python)} "
                f"torch==2.13.0` (the CPU build), then the kit into the same environment "
                f"(`{installer(python)} -e .` in the kit), then `rnn-grade doctor`.")
    if "bubblewrap" in problem or "bwrap" in problem:
        return "Fix: install bubblewrap (`apt-get install bubblewrap`), or grade with `--isolation plain`; " \
               "`rnn-grade doctor` shows what works here."
    return "This is the grading machine's problem, not a learner's; `rnn-grade doctor` shows what works here."


def workers_python_problem():
    """Why the grader's interpreter, started the way workers are (their environment, no user site
    folder), is not the grader's Python; None when it is, or when that cannot be told (the probe
    could not even be started: a machine out of processes has other causes). Asked only when
    something already went wrong."""
    from . import sandbox

    try:
        done = subprocess.run([sandbox.worker_python(), "-s", "-P", "-c", "import sys; print(sys.version)"],
                              env=sandbox.worker_environment(), capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode == 0:
        found = done.stdout.strip()
        return None if found == sys.version else another_libpython(f"runs Python {found}")
    last = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
    return another_libpython(f"does not start ({last[:200]})")


def another_libpython(found):
    """Why the workers do not run the grader's Python, and the fix; ``found`` says what they run."""
    return (f"{sys.executable}, started the way workers are, {found}, not the grader's Python "
            f"{sys.version}: the dynamic loader gives it another libpython than the grader's (or none). The "
            f"workers get only the absolute folders of the grader's LD_LIBRARY_PATH that no other user can "
            f"write. Fix: put the folder of the grader's libpython in LD_LIBRARY_PATH (load its environment "
            f"module), or grade from a Python that finds its own libpython (a venv, conda, uv); then "
            f"`rnn-grade doctor`.")


def grader_torch_version():
    """torch's version as the grader's own environment has it installed (None if it has none)."""
    try:
        return importlib.metadata.version("torch")
    except importlib.metadata.PackageNotFoundError:
        return None


def preflight(launcher, fork_one=True):
    """Raise ``MachineError`` unless one worker can be started end to end through ``launcher``.

    A slow machine is waited for as long as the starting processes make progress (``startup_wait``).
    ``fork_one=False`` proves only the server (it started, its torch and Python are the grader's): for
    one grading, where the learner's own first worker proves the rest as well as an empty one would,
    a tenth of a second sooner. None of the learner's code runs before a worker says it is ready, and
    one that cannot start twice, alone, is a ``MachineError`` there too (``session._ensure_worker``)."""
    launcher._ensure_ready()  # noqa: SLF001  (raises MachineError with the server's own last words)
    theirs, ours = launcher.server_info.get("torch"), grader_torch_version()
    if theirs and ours and theirs.split("+")[0] != ours.split("+")[0]:
        raise MachineError(f"the workers import torch {theirs} but the grader's environment has torch {ours} "
                           f"installed: the reference and the learners would not compute alike. Fix: run the "
                           f"grader with the Python that has the torch you mean ({installer()} "
                           f"torch=={ours.split('+')[0]}).")
    version = launcher.server_info.get("version")
    if version and version != sys.version:
        raise MachineError(f"the workers' Python is not the grader's: {another_libpython(f'runs Python {version}')}")
    if launcher.mode == "portable" or not fork_one:
        # Portable: its worker said hello after importing torch and the observers (``_ensure_ready``); the
        # rest of the path is an ordinary process start, and a worker of an empty copy would cost another import.
        return
    staged = launcher.stage()  # an empty submission
    try:
        worker = launcher.spawn(staged)
    except LearnerError as error:
        launcher.unstage(staged)
        raise MachineError(f"the fork server could not fork a worker ({error.message}). {advice('')}") from None
    wait = StartupWait(launcher.limits, "a grading worker forked for an empty submission",
                       lambda: tree_progress(launcher.server_pid()))
    try:
        ready, output = _first_line(worker, wait)
    finally:
        status = launcher.end(worker)
        os.close(worker.output)
        launcher.unstage(staged)
    if wait.reason:
        raise MachineError(f"{wait.reason}. {advice('')}")
    if not _is_ready(ready):
        raise MachineError(f"a worker forked for an empty submission did not start (exit status {status}; it "
                           f"printed {output[-300:]!r}): with a worker uid of {_uid_text(launcher)}, in "
                           f"{launcher.mode} isolation. {advice(output)}")


class BackgroundPreflight:
    """``preflight`` in a thread, for a single grading (``rnn-grade check``, a notebook's check cell): the
    fork server imports torch while the grader starts pytest and collects the checks, instead of before.

    It proves the server (``fork_one=False``: the learner's first worker proves itself before any of
    their code runs). The launcher's first ``spawn`` for a learner waits for it (``wait``), so no learner
    code runs before the machine was proven able to grade; its ``MachineError`` is raised there, and again by
    ``wait`` once grading ends, where the front end turns it into "this machine cannot grade"."""

    def __init__(self, launcher):
        import threading

        self.error = None
        self.thread = threading.Thread(target=self._run, args=(launcher,), daemon=True)
        self.thread.start()

    def _run(self, launcher):
        try:
            preflight(launcher, fork_one=False)
        except MachineError as error:
            self.error = error
        except Exception as error:  # noqa: BLE001  (the machine's fault, whatever it is: said, not lost)
            self.error = MachineError(f"the machine check failed ({type(error).__name__}: {error})")

    def wait(self):
        import threading

        if threading.current_thread() is not self.thread:
            self.thread.join()
            if self.error is not None:
                raise self.error


def _first_line(worker, wait):
    """(the worker's first response line, what it printed), waiting as long as ``wait`` (a ``StartupWait``)
    allows."""
    line, output, open_fds = b"", b"", [worker.responses, worker.output]
    while b"\n" not in line and worker.responses in open_fds:
        ready, _, _ = select.select(open_fds, [], [], wait.timeout())
        if not ready:
            if wait.going_on():
                continue
            break
        for fd in ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                open_fds.remove(fd)
            elif fd == worker.responses:
                line += chunk
            else:
                output += chunk
    return line.split(b"\n", 1)[0], output.decode("utf-8", "replace")


def _is_ready(line):
    try:
        return json.loads(line) == {"ready": True}
    except ValueError:
        return False


def _uid_text(launcher):
    from . import sandbox

    uid = sandbox.unprivileged_uid() if launcher.mode == "bwrap" else sandbox.plain_worker_uid()
    return "none (the grader's own)" if uid is None else str(uid)


def scratch_problem():
    """None when temporary folders can be made (staged copies live there), else what to fix."""
    chosen = os.environ.get("TMPDIR")
    if chosen and not (os.path.isdir(chosen) and os.access(chosen, os.W_OK | os.X_OK)):
        return (f"TMPDIR={chosen} is not a writable folder, and the grader keeps each learner's staged copy in "
                f"the temporary folder. Fix: point TMPDIR at a writable folder, or unset it to use /tmp.")
    try:
        tempfile.TemporaryDirectory(prefix="rnn-grade-probe-").cleanup()
    except OSError as error:
        return (f"no temporary folder can be made ({error}); the grader keeps each learner's staged copy "
                f"there. Fix: make /tmp writable, or point TMPDIR at a writable folder.")
    return None
