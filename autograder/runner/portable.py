"""The portable worker backend: learner workers as ordinary spawned processes (Windows, macOS, Colab).

The Linux backends (``launcher.py``: a fork server, ``AF_UNIX`` sockets carrying file
descriptors, ``/proc`` for CPU time, rlimits, a subreaper) run on Linux only. Here every
worker is ``subprocess.Popen`` of the grader's Python running ``worker/main.py --spawned``
(``worker/spawned.py``): it imports torch and the observers, says hello (its torch and Python), is told its staged
folder on its stdin, and from then on speaks the same wire protocol as a forked worker:
requests on its stdin, answers on its stdout, the learner's prints on its stderr (the
worker moves the protocol's pipes away from fds 0-2 before any learner code runs), and
what it is doing on a progress board (a small file both sides map).

What holds here: a separate process per learner (and per fresh observation), time limits
(CPU time of the worker's process tree through psutil where it is installed, else the wall
clock), the worker's whole process tree killed after each learner (psutil), and only plain
data compared (``wire``). What does not: no sandbox, no memory, process or file limits, no
other uid: the learner's code can read and write what the learner's account can (it is the
learner's own machine). ``portable_warning`` says so in every output.

One worker is started ahead of need (torch takes seconds to import): the next one starts
while the grader works with the current one, so a learner's second worker (``observe_fresh``,
or one replacing a worker that crashed) is usually ready when asked for. Not so in a single
grading (``warm_extras=False``: ``rnn-grade check``, a notebook's check cell) until it asks for a
second worker: most such runs need none, and another torch import beside the first worker's and
the grader's own (the method rules judge names on the real torch) took the CPU both wait for.
"""
import json
import os
import queue
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

from pathlib import Path

from ..paths import WORKER_MAIN
from ..worker import board
from ..errors import LearnerError, MachineError
from .launcher import WorkerLauncher
from .startup_wait import StartupWait, tree_progress

KILL_SECONDS = 5.0


def linux_backends_problem():
    """None when the fork server and its sandbox can run here, else why not (a short phrase)."""
    if not sys.platform.startswith("linux"):
        return f"the fork server needs Linux, this is {sys.platform}"
    if not hasattr(os, "fork"):
        return "this Python has no os.fork"
    if not hasattr(socket, "AF_UNIX") or not hasattr(socket, "send_fds"):
        return "this Python has no Unix sockets"
    for module in ("fcntl", "resource"):
        try:
            __import__(module)
        except ImportError:
            return f"this Python has no {module} module"
    try:
        with open("/proc/self/stat", "rb") as handle:
            handle.read(1)
    except OSError:
        return "/proc cannot be read"
    return None


def chosen(isolation):
    """Whether ``isolation`` ("auto", "bwrap", "plain", "portable") means the portable backend here."""
    return isolation == "portable" or (isolation == "auto" and linux_backends_problem() is not None)


def new_launcher(limits, isolation="auto", warm_extras=True, warm_plots=False):
    """The launcher for ``isolation``: the Linux fork server's (``WorkerLauncher``), or this backend's where
    that cannot run (Windows, macOS, a Python without fork or AF_UNIX) or when ``portable`` is asked for."""
    if chosen(isolation):
        return PortableLauncher(limits, isolation, warm_extras, warm_plots)
    return WorkerLauncher(limits, isolation, warm_extras, warm_plots)


def start_launcher(limits, isolation="auto", warm_extras=False, warm_plots=False):
    """A launcher whose worker process is already importing torch, for a single grading (``rnn-grade check``):
    started before the grader imports pytest and reads the submission, so both happen at once (two
    processes: on a learner's laptop with two cores or more, the grader's own start-up costs no wall time).
    Give it to ``grade_submission(launcher=..., limits=...)`` with the same ``limits``; it closes it."""
    launcher = None
    try:
        launcher = new_launcher(limits, isolation, warm_extras, warm_plots)   # (the Linux launcher starts its server here)
        launcher.begin()
    except BaseException as error:
        if launcher is not None:
            launcher.close()
        if isinstance(error, Exception) and not isinstance(error, MachineError):
            # A process the OS cannot start (a vanished Python, no memory): the machine's failure, exit 3.
            raise MachineError(f"the grading worker could not be started ({type(error).__name__}: {error})") \
                from None
        raise
    return launcher


def portable_warning(reason):
    return (f"WARNING: isolation reduced ({reason}): learner code runs in a separate ordinary process of this "
            f"user's (the portable backend), without a sandbox and without memory or process limits, so it can "
            f"see the file system and the network; time limits, clean-up of its processes and the comparison "
            f"of plain data only still apply.")


def _psutil():
    try:
        import psutil
    except ImportError:
        return None
    return psutil


class _Reader(threading.Thread):
    """Reads a pipe into a queue: Windows cannot wait on a pipe with ``select``, so a thread waits instead."""

    def __init__(self, fd):
        super().__init__(daemon=True)
        self.fd, self.chunks = fd, queue.Queue()
        self.ended = False   # the worker closed its end: it is exiting, or has
        self.start()

    def run(self):
        while True:
            try:
                chunk = os.read(self.fd, 1 << 20)
            except OSError:
                chunk = b""
            if not chunk:
                self.ended = True
            self.chunks.put(chunk)
            if not chunk:
                os.close(self.fd)  # the worker is gone; the pipe is this thread's alone
                return

    def receive(self, seconds):
        """The next bytes read (b"" at the end of the pipe), or None when none came within ``seconds``."""
        try:
            return self.chunks.get(timeout=max(0.0, seconds))
        except queue.Empty:
            return None


class PortableWorker:
    """One spawned worker, as ``WorkerLauncher.spawn`` returns it (``session._Worker`` reads it)."""

    def __init__(self, process, requests, responses, output, reader):
        self.process = process
        self.pid = process.pid
        self.requests, self.responses, self.output = requests, responses, output
        self.reader = reader
        self.board = None         # fd of its progress board, once it serves a learner
        self.board_path = None
        self.hello = None         # its first message: torch and Python versions

    def receive(self, seconds):
        return self.reader.receive(seconds)


class PortableLauncher(WorkerLauncher):
    """``WorkerLauncher`` (its staged copies: ``stage``, ``unstage``) with spawned workers instead of a fork
    server. ``new_launcher(limits, isolation)`` makes one of these when ``chosen(isolation)``."""

    def __init__(self, limits, isolation="portable", warm_extras=True, warm_plots=False):
        self.limits = limits
        self.warm_plots = warm_plots
        reason = "chosen with --isolation portable" if isolation == "portable" else linux_backends_problem()
        self.mode, self.warning = "portable", portable_warning(reason)
        self.stage_root = Path(tempfile.mkdtemp(prefix="rnn-grade-stage-"))
        self._count = 0
        # Workers are started ahead of need from the first one on, or (a single grading) from the second.
        self._spare_ahead = warm_extras
        self._spare = None        # a worker started ahead of need, not yet given a learner
        self._live = {}           # pid -> PortableWorker given to a learner and not yet ended
        self.server_info = {}
        self._start_spare()

    def worker_paths(self, staged):
        return str(staged.host_dir / "code"), str(staged.host_dir / "tmp")

    # -- workers ---------------------------------------------------------------------------------

    def _start_spare(self):
        requests_read, requests_write = os.pipe()
        responses_read, responses_write = os.pipe()
        output_read, output_write = os.pipe()
        try:
            process = subprocess.Popen(worker_command(self.warm_plots), stdin=requests_read, stdout=responses_write,
                                       stderr=output_write, env=worker_environment(), cwd=str(self.stage_root),
                                       **_new_group())
        except OSError as error:
            for fd in (requests_read, requests_write, responses_read, responses_write, output_read, output_write):
                os.close(fd)
            raise MachineError(f"the grading worker could not start ({sys.executable}: {error})") from None
        for fd in (requests_read, responses_write, output_write):
            os.close(fd)
        self._spare = PortableWorker(process, requests_write, responses_read, output_read, _Reader(responses_read))

    def _ensure_ready(self):
        """Wait for the spare worker's hello (torch imported); ``MachineError`` if it never comes."""
        if self._spare is None:
            self._start_spare()
        worker = self._spare
        if worker.hello is not None:
            return
        # Importing torch may take minutes on a busy laptop: waited for while the worker makes progress.
        wait = StartupWait(self.limits, "the grading worker (it imports torch)", lambda: tree_progress(worker.pid))
        line = _first_line(worker, wait)
        try:
            hello = json.loads(line) if line else None
        except ValueError:
            hello = None
        if not (isinstance(hello, dict) and hello.get("hello") is True):
            self._spare = None
            status = self._stop(worker)
            output = _drain(worker.output)
            from .machine import advice

            problem = wait.reason or (output.strip().splitlines() or [f"it exited with {status}"])[-1][-300:]
            raise MachineError(f"the grading worker could not start ({problem}). {advice(problem)}")
        worker.hello = hello
        self.server_info = {"ready": True, "torch": hello.get("torch"), "python": hello.get("python"),
                            "version": hello.get("version")}

    def spawn(self, staged, scratch=None):
        """The spare worker, given ``staged``'s folder; the next spare starts at once (``scratch``: its own
        scratch folder and home instead of the staged copy's, as the Linux launcher's)."""
        self.await_preflight()
        try:
            self._ensure_ready()
        except MachineError as error:
            raise LearnerError("crash", f"the grading worker could not start ({error})") from None
        worker, self._spare = self._spare, None
        folder, tmp = self.worker_paths(staged)
        tmp = scratch or tmp
        worker.board_path = str(self.stage_root / f"board-{worker.pid}")
        worker.board = board.create_file(worker.board_path)
        setup = {"dir": folder, "tmp": tmp, "board": worker.board_path}
        try:
            os.write(worker.requests, (json.dumps(setup) + "\n").encode())
        except OSError:
            pass  # it died: the session reads the end of its pipe and starts another
        self._live[worker.pid] = worker
        first = not self._spare_ahead
        self._spare_ahead = True   # (a single grading that asks for a second worker may ask for a third)
        if len(self._live) < 2 and not first:
            # A spare for what comes next: this learner's second worker (observe_fresh, or one replacing a
            # worker that crashed) or the next learner's. With two live, a learner holds all it ever uses at
            # once: another spare would take a CPU from them to import torch, most often for nothing.
            try:
                self._start_spare()
            except MachineError:
                self._spare = None  # tried again at the next spawn, where it can be reported
        return worker

    def end(self, worker):
        """Kill ``worker`` and every process it started; its exit status as ``{"exit"|"signal": n}`` or None."""
        self._live.pop(worker.pid, None)
        for fd in (worker.requests, worker.board):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        worker.requests = worker.board = None
        status = self._stop(worker)
        if worker.board_path:
            try:
                os.unlink(worker.board_path)
            except OSError:
                pass
        return status

    def _stop(self, worker):
        process = worker.process
        already = process.poll()
        if already is None and worker.reader.ended:
            # Its pipe closed before the process was gone: it is exiting on its own (os._exit, a crash).
            # Its own status, not our kill's, says what happened.
            try:
                already = process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                pass
        kill_tree(process.pid)
        try:
            code = process.wait(timeout=KILL_SECONDS) if already is None else already
        except subprocess.TimeoutExpired:
            return None
        if already is None:
            return None  # killed by us: the session already knows why (a time limit, the end of a learner)
        return {"signal": -code} if code < 0 else {"exit": code}

    def server_pid(self):
        return None  # no fork server: ``tree_clock`` measures the workers themselves

    def tree_clock(self, since=None):
        """The clock of one call (``session._CallClock``): CPU time of every live worker's process tree."""
        return ProcessTreeClock(tuple(sorted(self._live)), since)

    def close(self):
        for worker in list(self._live.values()):
            self.end(worker)   # (its output pipe belongs to the session's reader of it)
        if self._spare is not None:
            spare, self._spare = self._spare, None
            self.end(spare)
            os.close(spare.output)
        shutil.rmtree(self.stage_root, ignore_errors=True)

    def start_server(self):
        self._ensure_ready()

    def begin(self):
        """Start the first worker if none is starting, and return at once (``start_launcher``)."""
        if self._spare is None:
            self._start_spare()

    def stop_server(self):
        self.close()


def worker_command(warm_plots=False):
    # No -s and no -I: on a learner's machine torch may be in the user's site folder (pip install --user),
    # and nothing here is hidden from the learner's code anyway. The worker drops its own folder and the
    # kit's root from sys.path itself.
    return [os.path.abspath(sys.executable), str(WORKER_MAIN), "--spawned"] + (["--warm-plots"] if warm_plots else [])


def worker_environment():
    """The grader's environment, plus what makes every grading compute alike."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONSTARTUP", "PYTHONINSPECT")}
    env.update({"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg",
                "PYTHONIOENCODING": "utf-8", "PYTHONUTF8": "1"})
    return env


def _new_group():
    """Popen arguments that keep Ctrl-C in the learner's terminal from reaching the worker mid-answer."""
    if os.name == "nt":
        return {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}
    return {"start_new_session": True}


def kill_tree(pid):
    """Kill ``pid`` and every process below it (psutil; without it, ``pid`` alone)."""
    psutil = _psutil()
    if psutil is None:
        try:
            os.kill(pid, 9 if os.name != "nt" else 1)  # Windows: os.kill with any other number terminates
        except OSError:
            pass
        return
    try:
        root = psutil.Process(pid)
        family = root.children(recursive=True) + [root]
    except psutil.Error:
        return
    for rounds in range(50):  # a fork storm keeps making new ones: kill until none is left
        for process in family:
            try:
                process.kill()
            except psutil.Error:
                pass
        psutil.wait_procs(family, timeout=0.5)
        try:
            family = [p for p in root.children(recursive=True) if p.is_running()] if root.is_running() else []
        except psutil.Error:
            family = []
        if not family:
            return


def _first_line(worker, wait):
    """The worker's first line on its response pipe (bytes, without the newline), or b"" (``wait``, a
    ``StartupWait``, says how long to wait)."""
    data = b""
    while b"\n" not in data:
        chunk = worker.receive(wait.timeout())
        if chunk is None and wait.going_on():
            continue
        if not chunk:
            return b""
        data += chunk
    line, _, rest = data.partition(b"\n")
    if rest:
        worker.reader.chunks.queue.appendleft(rest)  # (nothing more is sent before the next request)
    return line


def _drain(fd, limit=65536):
    """What a dead worker printed (its stderr), at most ``limit`` bytes."""
    chunks, size = [], 0
    while size < limit:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    try:
        os.close(fd)
    except OSError:
        pass
    return b"".join(chunks).decode("utf-8", "replace")


class ProcessTreeClock:
    """``cputime.TreeClock``'s interface over psutil: CPU seconds of the workers' process trees.

    psutil reads the same numbers from each system's own interface (Windows, macOS, /proc).
    Processes that ended during the call take their time with them unless a parent reaped them
    (``children_user``/``children_system``, not on Windows): the CPU limit then binds later, and
    the wall-clock backstop, ``Limits.wall_factor`` times longer, still holds. Without psutil
    the CPU time reads 0 and the backstop alone limits a call.

    The backstop is for code that waits without computing (a sleep). No system but Linux says how
    long a process waited for a CPU, so it counts the wall time of the polls in which the tree used
    less than ``IDLE_SHARE`` of one CPU: code that computes, however slowly a busy machine lets it,
    meets its CPU limit (the same words as on Linux), and code that sleeps meets the backstop.
    """

    IDLE_SHARE = 0.05

    def __init__(self, roots, since=None):
        self.roots = roots
        self.started = time.monotonic()
        if since is not None and since[0] == roots:
            self.cpu_start, self.read_at = since[1], since[2]
        else:
            self.cpu_start, self.read_at = self._total(), self.started
        self.cpu_now = self.cpu_start
        self.polled = (self.started, self.cpu_now)   # (when, CPU total) at the last poll
        self.idle = 0.0                              # wall seconds of polls in which the tree did not compute
        self.measured = _psutil() is not None

    def _total(self):
        from .cputime import psutil_tree_seconds

        return sum(psutil_tree_seconds(pid) or 0.0 for pid in self.roots)

    def poll(self):
        self.cpu_now = max(self.cpu_now, self._total())
        self.read_at = now = time.monotonic()
        then, cpu_then = self.polled
        if not self.measured or self.cpu_now - cpu_then < self.IDLE_SHARE * (now - then):
            self.idle += now - then
        self.polled = (now, self.cpu_now)

    def read_cpu(self):
        now = time.monotonic()
        if now - self.read_at >= 0.02:  # as cputime.UNREAD_SECONDS: a very short call is read with the next
            self.cpu_now = max(self.cpu_now, self._total())
            self.read_at = now
        return self.cpu_now

    @property
    def mark(self):
        return self.roots, self.cpu_now, self.read_at

    def cpu(self):
        return max(0.0, self.cpu_now - self.cpu_start)

    def waited(self):
        return self.idle

    def idle_seconds(self):
        """The polls' wall time in which the tree did not compute (``waited`` is that already here)."""
        return self.idle
