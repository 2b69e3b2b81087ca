"""Starting learner workers fast: staged copies, a warm fork server, cleanup after each learner.

``WorkerLauncher`` is owned by one ``Grader`` and reused for all its learners:

1. ``stage(submission)`` writes the learner's modules, as the intake read them
   (``autograder/intake``: regular files only, size-capped, names it chose), into a
   fresh folder under a private staging root; workers only ever see that copy.
2. ``spawn(staged)`` asks the fork server (started once, ``runner/sandbox.py`` says
   how) for a fresh worker on three new pipes (requests, responses, output) and a
   progress board (``worker/board.py``).
3. ``end(pid)`` has the server kill the worker's process group and everything else
   below the server, and returns the worker's exit status.
4. ``unstage(staged)`` deletes the copy before the next learner is staged.

Everything the server sends is parsed as JSON and type-checked; a server that
dies, hangs or talks nonsense is killed and started again.
"""
import json
import os
import signal
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..worker import board
from ..worker.cleanup import remove_tree
from . import sandbox
from .errors import LearnerError, MachineError
from .startup_wait import StartupWait, tree_progress

SERVER_REPLY_SECONDS = 10.0
# How a fork server killed by SIGKILL ends: the server itself (plain), or bubblewrap reporting its child's death.
KILLED_CODES = (-signal.SIGKILL, 128 + signal.SIGKILL)
START_KILL_RETRIES = 3
_TIMED_OUT = object()   # what ``_receive`` returns when nothing came in time (a starting server is waited for)


@dataclass
class Staged:
    host_dir: Path     # holds code/ (the copy) and tmp/ (scratch space in plain mode)
    skipped: list      # the intake's notes on the submission (what was left out, and why)
    found: list = field(default_factory=list)   # every file the learner handed in, for "Files found" messages


@dataclass
class WorkerProcess:
    pid: int
    requests: int      # fd the grader writes requests to
    responses: int     # fd the grader reads answers from
    output: int        # fd carrying the learner's stdout and stderr
    board: int         # fd of its progress board (worker/board.py): read only when the worker is lost


class WorkerLauncher:
    def __init__(self, limits, isolation="auto", warm_extras=True, warm_plots=False):
        self.limits = limits
        self.warm_extras = warm_extras  # False: the first fork need not wait for what a batch amortises
        self.warm_plots = warm_plots    # pyplot imported before the first fork (the learner's code imports it)
        self.mode, self.warning = sandbox.resolve(isolation)
        self._may_fall_back = isolation == "auto"   # to plain, if bubblewrap fails after its probe
        self.stage_root = Path(tempfile.mkdtemp(prefix="rnn-grade-stage-"))
        os.chmod(self.stage_root, 0o755)  # the worker's unprivileged uid must read the copies
        self._server = None
        self._sock = None
        self._ready = False
        self._start_kills = 0   # starts in a row lost to SIGKILL (an outside fault): tried again, not fallen back
        self._answered = False
        self._count = 0
        self.server_info = {}  # the fork server's ready message: its torch version and interpreter
        self.start_server()

    # -- staging ---------------------------------------------------------------------------

    def stage(self, submission=None):
        """A private, world-readable copy of ``submission``'s files (an ``intake.Submission``; None: an
        empty one) for one grading. The intake already read them: they are written here once."""
        self._count += 1
        # A fresh, unpredictable name: a learner who can write here (plain mode) cannot
        # prepare the next learner's folder, nor make its creation fail.
        self.stage_root.mkdir(mode=0o755, exist_ok=True)  # (plain mode: a learner may have removed it)
        host = Path(tempfile.mkdtemp(prefix=f"s{self._count}-", dir=self.stage_root))
        code = host / "code"
        code.mkdir()
        if submission is not None:
            submission.write_into(code)
        tmp = host / "tmp"   # scratch space in plain mode (bubblewrap gives a private /tmp instead)
        tmp.mkdir()
        os.chmod(tmp, 0o1777)
        os.chmod(code, 0o755)
        os.chmod(host, 0o755)
        if submission is None:
            return Staged(host, [])
        return Staged(host, list(submission.notes), list(submission.seen))

    def worker_paths(self, staged):
        """(the copy's folder, the scratch folder or "") as the worker will see them."""
        if self.mode == "plain":
            return str(staged.host_dir / "code"), str(staged.host_dir / "tmp")
        return f"{sandbox.SANDBOX_STAGE}/{staged.host_dir.name}/code", ""

    def unstage(self, staged):
        remove_tree(staged.host_dir)  # iterative: no tree a learner builds in tmp/ can stop it

    # -- the fork server -------------------------------------------------------------------

    def begin(self):
        """Start the fork server if it is not started, and return at once (``portable.start_launcher``)."""
        if self._sock is None:
            self.start_server()

    def start_server(self):
        """Start the fork server now; it imports torch while the grader gets on with its own work."""
        self.stop_server()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        if self.mode == "bwrap":
            cmd = sandbox.bwrap_command(self.stage_root, theirs.fileno(), sandbox.unprivileged_uid(),
                                        warm_extras=self.warm_extras, scratch_bytes=self.limits.scratch_bytes,
                                        warm_plots=self.warm_plots)
            env = None
        else:
            cmd = sandbox.python_command(sandbox.WORKER_MAIN, theirs.fileno(), sandbox.plain_worker_uid(),
                                         warm_extras=self.warm_extras, warm_plots=self.warm_plots,
                                         font_lists=sandbox.font_lists()[0])
            env = sandbox.worker_environment()
        self._ready = False
        self._answered = False  # it has replied to a request (after its warm-up)
        self._server = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, pass_fds=(theirs.fileno(),),
                                        start_new_session=True, env=env, cwd=str(self.stage_root))
        theirs.close()
        self._sock = ours
        self._ready = False
        # Its start and its warm-up until the first reply are waited for while it makes progress.
        pid = self._server.pid
        self._starting = StartupWait(self.limits, "the grading workers' fork server (it imports torch)",
                                     lambda: tree_progress(pid))

    def stop_server(self):
        if self._server is not None:
            # SIGTERM first: the server then kills every process a learner left behind (it is their
            # subreaper); bubblewrap's sandbox dies with its PID namespace. SIGKILL if it does not go.
            for signum, seconds in ((signal.SIGTERM, 2), (signal.SIGKILL, 5)):
                try:
                    os.killpg(self._server.pid, signum)
                except (ProcessLookupError, PermissionError):
                    pass
                try:
                    self._server.wait(timeout=seconds)
                    break
                except subprocess.TimeoutExpired:
                    pass
            if self._server.stderr:
                self._server.stderr.close()
        if self._sock is not None:
            self._sock.close()
        self._server, self._sock, self._ready = None, None, False

    def server_pid(self):
        """The pid (as the grader sees it) at the top of every learner process: their CPU is summed below it."""
        return self._server.pid if self._server is not None else None

    def _ensure_ready(self):
        if self._sock is None:
            self.start_server()
        self._await_ready()

    def _await_ready(self):
        if self._ready:
            return
        wait = self._starting
        reply = self._receive_starting(wait)
        if not (isinstance(reply, dict) and reply.get("ready") is True):
            problem = wait.reason or self._server_problem()
            killed = self._server is not None and self._server.returncode in KILLED_CODES
            self.stop_server()
            if killed and self._start_kills < START_KILL_RETRIES:
                # SIGKILL from outside (an OOM killer, another program) while it imported torch: started again
                # as it was. Falling back to plain would have let an outside fault lower the isolation.
                self._start_kills += 1
                self.start_server()
                return self._await_ready()
            if self.mode == "bwrap" and self._may_fall_back and wait.reason is None and not killed:
                self.mode, self.warning = "plain", sandbox.reduced_isolation_warning(
                    f"the bubblewrap sandbox failed to start: {problem}")
                self._may_fall_back = False
                self.start_server()
                return self._await_ready()
            from .machine import advice

            if wait.reason:  # slow is waited for; stuck is said as such
                raise MachineError(f"the grading worker could not start: {wait.reason}. {advice('')}")
            raise MachineError(f"the grading worker could not start ({problem}). {advice(problem)}")
        self.server_info = reply
        self._ready = True
        self._start_kills = 0
        self._may_fall_back = False  # it worked once: a later failure is a fault, not a missing feature

    def _server_problem(self):
        if self._server is None:
            return "no fork server"
        try:
            code = self._server.wait(timeout=2)  # it closed the socket: let it finish dying, for its message
        except subprocess.TimeoutExpired:
            code = None
        text = ""
        if code is not None and self._server.stderr:
            text = self._server.stderr.read(65536).decode("utf-8", "replace").strip().splitlines()
            text = text[-1] if text else ""
        return f"fork server exited with {code}: {text}" if code is not None else "fork server did not answer"

    def _receive_starting(self, wait):
        """One message from a server that is starting (``_receive``'s), waiting as long as ``wait`` allows:
        None when it died, sent garbage, or ``wait`` judged it stuck (then ``wait.reason`` says so)."""
        while True:
            reply = self._receive(wait.timeout(), timed_out=_TIMED_OUT)
            if reply is not _TIMED_OUT:
                return reply
            if not wait.going_on():
                return None

    def _receive(self, seconds, timed_out=None):
        """One message from the server as plain data, or None (death, garbage), or ``timed_out``."""
        self._sock.settimeout(seconds)
        try:
            data = self._sock.recv(65536)
        except socket.timeout:
            return timed_out
        except OSError:
            return None
        if not data:
            return None
        try:
            message = json.loads(data)
        except ValueError:
            return None
        return message if isinstance(message, dict) else None

    def _request(self, message, fds=()):
        """Send one request and return its reply; restarts the server once if it is gone."""
        for attempt in (1, 2):
            try:
                self._ensure_ready()
                socket.send_fds(self._sock, [json.dumps(message).encode()], list(fds))
                # A new server first pays its warm-up (seconds of CPU, far more wall time on a busy
                # machine) before it answers: its first reply is waited for as a start-up is.
                if self._answered:
                    reply = self._receive(SERVER_REPLY_SECONDS)
                else:
                    wait = self._starting = self._starting.again()  # (its clock from now; told once)
                    reply = self._receive_starting(wait)
                    if wait.reason:  # it is stuck, with none of a learner's code run: the machine's failure
                        self.stop_server()
                        raise MachineError(f"the grading worker could not start: {wait.reason}. "
                                           f"This is the grading machine's problem, not a learner's.")
                if reply is not None:
                    self._answered = True
                    return reply
            except OSError:
                pass
            # Dead or hung (a learner's process may have killed it): start afresh.
            self.start_server()
        raise LearnerError("crash", "the grading worker could not start (the fork server stopped "
                                    "answering twice)")

    # -- workers ---------------------------------------------------------------------------

    preflight_pending = None   # a machine.BackgroundPreflight the first learner's worker waits for
    worker_proven = False      # a worker has said it was ready (set by the session)
    unproven_failure = None    # why no worker could start before any ever did (the session's words)

    def await_preflight(self):
        if self.preflight_pending is not None:
            self.preflight_pending.wait()  # raises its MachineError: no learner code before the machine is proven

    def spawn(self, staged, scratch=None):
        """A fresh worker for ``staged``, forked from the warm server (``scratch``: its own scratch folder
        and home, instead of the staged copy's; the fresh-process checks' worker gets one)."""
        self.await_preflight()
        req_read, req_write = os.pipe()
        resp_read, resp_write = os.pipe()
        out_read, out_write = os.pipe()
        try:
            progress = board.create()
        except OSError as exc:
            for fd in (req_read, req_write, resp_read, resp_write, out_read, out_write):
                os.close(fd)
            raise MachineError(f"no progress board for a grading worker could be made ({exc})") from None
        limits = {"memory_bytes": self.limits.memory_bytes, "cpu_seconds": self.limits.cpu_seconds,
                  "processes": self.limits.processes, "open_files": self.limits.open_files,
                  "file_bytes": self.limits.file_bytes, "scratch_bytes": self.limits.scratch_bytes}
        try:
            self._ensure_ready()  # first, since bubblewrap may fall back to plain and change the paths
            folder, tmp = self.worker_paths(staged)
            tmp = scratch or tmp
            # A worker with a scratch folder of its own (observe_fresh's) gets its own /tmp too (zygote.py).
            reply = self._request({"op": "spawn", "dir": folder, "tmp": tmp, "limits": limits,
                                   "own_tmp": bool(scratch)},
                                  fds=(req_read, resp_write, out_write, progress))
        except (LearnerError, MachineError):
            for fd in (req_write, resp_read, out_read, progress):
                os.close(fd)
            raise
        finally:
            for fd in (req_read, resp_write, out_write):
                os.close(fd)
        pid = reply.get("pid")
        if type(pid) is not int or pid <= 0:
            for fd in (req_write, resp_read, out_read, progress):
                os.close(fd)
            raise LearnerError("crash", f"the grading worker could not start ({reply.get('error', reply)})")
        return WorkerProcess(pid, req_write, resp_read, out_read, progress)

    def end(self, worker):
        """Kill ``worker`` and everything it started; its exit status as ``{"exit"|"signal": n}`` or None.

        The server then kills every process left below it, so any other worker it forked ends too."""
        for fd in (worker.requests, worker.responses, worker.board):
            try:
                os.close(fd)
            except OSError:
                pass
        if self._sock is None:
            return None
        try:
            socket.send_fds(self._sock, [json.dumps({"op": "end", "pid": worker.pid}).encode()], [])
            reply = self._receive(SERVER_REPLY_SECONDS)
        except OSError:
            reply = None
        if reply is None:
            self.start_server()  # it could not clean up: nothing of it may survive into the next learner
            return None
        status = reply.get("status")
        if isinstance(status, dict) and len(status) == 1:
            (key, value), = status.items()
            if key in ("exit", "signal") and type(value) is int:
                return {key: value}
        return None

    def close(self):
        self.stop_server()
        remove_tree(self.stage_root)
