"""A learner's worker process, seen from the trusted grader.

``LearnerSession.observe(name, config)`` sends one request over the worker's
request pipe and waits, with a time limit, for one JSON line on its response
pipe. The answer is parsed by ``wire.loads`` (JSON, validated) and nothing
else: no pickle, no eval. A worker that hangs, dies or talks nonsense is
killed with its whole process group and replaced by a fresh one for the next
call, so one broken function costs only the checks that use it.
"""
import ast
import json
import os
import re
import secrets
import select
import signal
import threading
import time
from pathlib import Path

from .. import learner_text
from ..worker import board, wire
from . import cputime
from .startup_wait import StartupWait, tree_progress
from ..errors import LearnerError, MachineError


class _OutputTail(threading.Thread):
    """Drains the learner's stdout/stderr, keeping only the last ``limit`` bytes."""

    def __init__(self, stream, limit):
        super().__init__(daemon=True)
        self.stream, self.limit, self.data = stream, limit, bytearray()
        self.received = 0   # bytes ever read: where a call's output starts (``forget_since``)

    def run(self):
        while True:
            chunk = self.stream.read1(65536) if hasattr(self.stream, "read1") else self.stream.read(65536)
            if not chunk:
                return
            self.data += chunk
            self.received += len(chunk)
            if len(self.data) > 4 * self.limit:
                # Twice what is shown is kept: ``forget_since`` may take a call's last ``limit`` bytes away.
                del self.data[:-2 * self.limit]

    def text(self):
        return bytes(self.data[-self.limit:]).decode("utf-8", "replace")

    def forget_since(self, mark):
        """Drop what was read after ``received`` was ``mark``: a call killed from outside is run again, and
        its output must not appear twice (the same learner's feedback, whatever the machine did)."""
        extra = self.received - mark
        if extra > 0:
            del self.data[max(0, len(self.data) - extra):]


class _Worker:
    """One running worker (forked by the launcher's server) and its pipes."""

    def __init__(self, launcher, staged, limits, scratch=None):
        self.launcher = launcher
        self.process = launcher.spawn(staged, scratch=scratch) if scratch else launcher.spawn(staged)
        self.tail = _OutputTail(os.fdopen(self.process.output, "rb", buffering=0), limits.output_bytes)
        self.tail.start()
        self.buffer = bytearray()
        self.closed = False     # the worker closed its end: it exited or died
        self.status = None      # its exit status once ended, {"exit": n} or {"signal": n}
        self.where = None       # the learner's line it was running just before a time limit, as it says

    def send(self, message):
        try:
            os.write(self.process.requests, (json.dumps(message) + "\n").encode())
        except OSError:
            self.closed = True  # it is gone; the read that follows reports it

    def read_line(self, clock):
        """The next line the worker wrote (bytes), or None when the call's limits run out or the worker dies.

        Lines are bounded while they are read: one longer than ``wire.MAX_LINE_BYTES``
        ends the worker (no answer needs that much), so the grader never holds more.
        """
        while True:
            end = self.buffer.find(b"\n")
            if end >= 0:
                line = bytes(self.buffer[:end])
                del self.buffer[:end + 1]
                return line
            if len(self.buffer) > wire.MAX_LINE_BYTES:
                raise LearnerError("protocol", f"the worker sent a line of more than "
                                               f"{wire.MAX_LINE_BYTES // 2 ** 20} MiB (no answer needs that much); "
                                               f"nothing it sent was used")
            if self.closed or clock.out_of_time():
                return None
            chunk = self._receive(clock.POLL_SECONDS)
            if chunk is None:
                continue
            if not chunk:
                self.closed = True
                return None
            self.buffer += chunk

    def _receive(self, seconds):
        """The next bytes of the response pipe (b"" at its end), or None when none came within ``seconds``."""
        receive = getattr(self.process, "receive", None)
        if receive is not None:  # the portable backend's workers: a thread reads (no select on Windows pipes)
            return receive(seconds)
        ready, _, _ = select.select([self.process.responses], [], [], seconds)
        return os.read(self.process.responses, 1 << 20) if ready else None

    def progress(self, request_id):
        """What the worker said it was doing for request ``request_id`` (its board), or {}."""
        record = board.read(self.process.board)
        try:
            progress = wire.loads(record) if record else None
        except wire.WireError:
            return {}
        if not isinstance(progress, dict) or progress.get("id") != request_id:
            return {}  # nothing yet for this request, or a record left from an earlier one
        return progress

    def kill(self):
        if self.status is None:
            self.status = self.launcher.end(self.process) or {}
        self.tail.join(timeout=2)

    def exit_description(self, ran_learner_code=True):
        """How the worker ended; the sys.exit question only when learner code could have called it."""
        status = self.status or {}
        if "signal" in status:
            try:
                name = signal.Signals(status["signal"]).name
            except ValueError:
                name = f"signal {status['signal']}"
            hints = {"SIGKILL": " (often: memory or CPU limit exceeded)", "SIGXCPU": " (CPU time limit)",
                     "SIGSEGV": " (a segmentation fault)", "SIGXFSZ": " (file size limit)"}
            return f"it was killed by {name}{hints.get(name, '')}"
        if "exit" in status:
            question = " (did the code call sys.exit or os._exit?)" if ran_learner_code else ""
            return f"it exited with code {status['exit']}{question}"
        return "it stopped answering"



OUTSIDE_RETRIES = 3   # times a call whose worker was killed from outside (maybe) is tried again


class _KilledFromOutside(Exception):
    """A worker died the way an outside process kills it; the call is tried once more (``_observe``)."""

    def __init__(self, server_died):
        super().__init__()
        self.server_died = server_died


# Lines of a learner's worker discarded unparsed (stale ids, forged or empty lines), in all: an honest
# worker writes none; each costs the grader about a microsecond.
MAX_DISCARDED_LINES = 10_000


class _CallClock:
    """One call's limits: CPU seconds of the worker's process tree, and a wall-clock backstop that
    leaves out the time the worker waited for a CPU (``cputime``), within the submission's deadline."""

    POLL_SECONDS = 0.2   # how often the tree's CPU time is read while the worker computes

    def __init__(self, launcher, cpu_limit, wall_limit, submission_deadline, since=None):
        self.cpu_limit, self.wall_limit, self.deadline = cpu_limit, wall_limit, submission_deadline
        if hasattr(launcher, "tree_clock"):  # the portable backend: psutil, no fork server to sum below
            self.tree = launcher.tree_clock(since)
        else:
            self.tree = cputime.TreeClock(launcher.server_pid() if hasattr(launcher, "server_pid") else None, since)
        self.polled = time.monotonic()
        self.over = None
        self.idle_limit = None  # wall seconds the call may spend neither computing nor waiting for a CPU

    @property
    def cpu_used(self):
        return self.tree.cpu()

    def out_of_time(self):
        """None while the call may go on, else which limit it reached: "cpu", "wall", "idle" (what is left
        of the submission's idle time) or "submission"."""
        now = time.monotonic()
        if self.over is None and now - self.polled >= self.POLL_SECONDS:
            self.polled = now
            self.tree.poll()
            if self.tree.cpu() > self.cpu_limit:
                self.over = "cpu"
            elif self.tree.waited() > self.wall_limit:
                self.over = "wall"
            elif self.idle_limit is not None and self.tree.idle_seconds() > self.idle_limit:
                self.over = "idle"
        if self.over is None and now >= self.deadline:
            self.over = "submission"
        return self.over

    def idle(self):
        """Wall seconds the call spent neither computing nor waiting for a CPU. Only a call that lasted
        a poll interval has its waits measured; a shorter one counts as none (a busy machine stretches
        short calls most, and a learner idles at most a poll interval per call that way)."""
        return self.tree.idle_seconds()

    def finish(self):
        """The CPU seconds the call used, read once more at its end."""
        self.tree.read_cpu()
        return self.tree.cpu()

    @property
    def mark(self):
        """The tree's root, its CPU total at the last reading, and when: where the next call's clock starts."""
        return self.tree.mark


class _StartingClock:
    """``read_line``'s clock while a worker starts: out of time only when its ``StartupWait`` gives up."""

    POLL_SECONDS = 0.2

    def __init__(self, wait):
        self.wait = wait

    def out_of_time(self):
        return None if self.wait.going_on() else "startup"


class LearnerSession:
    """Observations of one submission, made in disposable worker processes."""

    def __init__(self, submission_dir, limits, launcher, staged):
        self.submission_dir = submission_dir  # the learner's own folder (read by checks as text only)
        self.source_folder = staged.host_dir / "code"   # the copy the worker imports (method rules read it)
        self.limits = limits
        self.launcher, self.staged = launcher, staged
        # CPU seconds are the budget; the wall clock is a backstop several times longer.
        self.deadline = time.monotonic() + self.limits.submission_seconds * self.limits.wall_factor
        self.cpu_spent = 0.0       # CPU seconds of the learner's process trees, all calls so far
        self.idle_spent = 0.0      # wall seconds of all calls so far neither computing nor waiting for a CPU
        self.discarded = 0         # lines of the worker's that answered nothing (stale, forged, empty)
        self._cpu_mark = None      # (root, CPU total, when read) as the last call ended: the next one starts there
        self._worker = None        # the worker of the ordinary observations
        self._fresh = None         # the worker of observe_fresh's observations only (see there)
        self._machine_failure = None  # why no worker could start for this learner (the machine's fault)
        self._next_id = 0
        self._exposed_the_grader = False  # a worker of this learner ran with the grader's own rights
        self._fatal_imports = {}   # module -> message: importing it killed or hung a worker
        self._strikes = {}         # observer -> (count, message, kind): calls that killed or hung a worker
        self.incidents = []        # plain-text notes for the learner's report
        self.answers = []          # (observer, config, value) of the current check (the plugin clears it)
        self.output = ""

    # -- public API ------------------------------------------------------------------------

    def observe(self, name, config, seconds=None):
        """The decoded value the observer ``name`` reports for the learner's code.

        ``seconds`` lets a check that does real work (training) allow more than the
        default per-call limit. Limits are CPU seconds of the worker's whole process
        tree; the wall clock is only a generous backstop (see ``cputime``).
        """
        return self._observe(name, config, seconds, fresh=False)

    def observe_fresh(self, name, config, seconds=None):
        """``observe`` in a worker process that has run none of the ordinary observations, so nothing
        the learner's code kept in memory during them (a cache, a generator's state) carries over.

        That worker serves every ``observe_fresh`` of the submission and nothing else: one process
        started for them all, not one per call (each new process costs tens of ms of CPU as it
        first touches torch's memory). A check comparing with a fresh process moves the random state
        by a different amount each time (``perturb``), so what an earlier fresh call left there
        cannot make wrong code look right. A new process pays torch's first-use costs again: the
        call gets twice the limit."""
        return self._observe(name, config, seconds or 2 * self.limits.call_seconds, fresh=True)

    def close(self):
        self._discard_workers()
        if self._exposed_the_grader:
            # Learner code ran as the grader's own user (plain mode, no uid to switch to): it could have
            # rewritten the reference cache and its self-check record. With all its processes gone, the
            # records go too, so the next batch computes and checks every reference answer again.
            from .reference import forget_self_checks

            forget_self_checks()

    # -- internals -------------------------------------------------------------------------

    def _observe(self, name, config, seconds, fresh):
        # Killed by SIGKILL, or its fork server died: what an outside process (an OOM killer, a crashed
        # container, another program) does as often as learner code. Tried again in a new worker, up to
        # OUTSIDE_RETRIES times: code that kills itself does so every time and gets the same crash (after a
        # few fast deaths); an outside fault that strikes now and then rarely hits one call four times (a
        # long call, such as ex06's training, was hit twice by kills seconds apart, once was not enough).
        kills = []
        while True:
            try:
                return self._observe_once(name, config, seconds, fresh, kills=kills)
            except _KilledFromOutside as killed:
                kills.append(killed)

    def _observe_once(self, name, config, seconds, fresh, kills=()):
        count, message, kind = self._strikes.get(name, (0, None, None))
        if count >= 2 or kind == "timeout":
            # A hang costs the whole call limit: once is enough. A crash may depend on
            # the input, so it gets a second chance.
            raise LearnerError(kind, message + " (not run again for this check)")
        remaining = self.limits.submission_seconds - self.cpu_spent
        if remaining <= 0 or time.monotonic() >= self.deadline:
            raise LearnerError("budget", f"not run: this submission used up its "
                                         f"{self.limits.submission_seconds:.0f} s of grading time")
        idle_left = self.limits.submission_idle_seconds - self.idle_spent
        if idle_left <= 0:
            raise LearnerError("budget", self._wall_budget_message())
        worker = self._ensure_worker(fresh)
        self._next_id += 1
        limit = min(seconds or self.limits.call_seconds, remaining)
        # Just before the limit, the worker says which line of the learner's it is running.
        request = {"id": self._next_id, "observer": name, "config": config,
                   "skip_imports": self._fatal_imports, "where_after": round(max(limit - 1.0, limit * 0.8), 3)}
        worker.where = None
        # The fork server reaps every worker and orphan, so the tree's total carries on across workers:
        # what a new worker's start costs counts towards the call it serves.
        clock = _CallClock(self.launcher, limit, limit * self.limits.wall_factor, self.deadline, self._cpu_mark)
        clock.idle_limit = idle_left  # waiting without computing: never more than the submission has left
        server_before = self.launcher.server_pid() if hasattr(self.launcher, "server_pid") else None
        output_mark = worker.tail.received
        worker.send(request)
        # Only the answer to this request is parsed; what else the worker writes is discarded unread.
        answer_prefix = b'{"id":%d,' % self._next_id
        try:
            while True:
                try:
                    line = worker.read_line(clock)
                except LearnerError:
                    self._discard_workers()
                    raise
                if line is None:
                    progress = worker.progress(self._next_id)  # read before the worker ends (its board goes)
                    if worker.closed:
                        self._outside_fault(worker, server_before, kills, output_mark)
                    return self._worker_lost(name, worker, clock, progress)
                if not line.startswith(answer_prefix):
                    self._count_discarded()
                if line.startswith(b'{"progress":'):
                    # What the worker is doing is on its board; the one report the pipe carries is the
                    # learner's line just before the time limit.
                    if line.startswith(b'{"progress":"where",') and len(line) <= 4096:
                        try:
                            where = wire.loads(line)
                        except wire.WireError:
                            continue
                        if isinstance(where, dict) and where.get("id") == self._next_id:  # else stale
                            worker.where = where  # checked against the grader's own copy (running_line)
                    continue
                if not line.startswith(answer_prefix):
                    continue  # a stale or forged line: only the answer to this request counts
                try:
                    message = wire.loads(line)
                except wire.WireError as exc:
                    self._discard_workers()
                    raise LearnerError("protocol", f"the worker answered with something that is not "
                                                   f"plain data ({exc}); nothing it sent was used") from None
                if not isinstance(message, dict) or message.get("id") != self._next_id:
                    continue
                return self._unwrap(name, message, config)
        finally:
            self.cpu_spent += clock.finish()
            self.idle_spent += clock.idle()
            self._cpu_mark = clock.mark

    def _outside_fault(self, worker, server_before, kills, output_mark):
        """The worker died while answering: raise ``_KilledFromOutside`` when that may be the machine's doing
        and this call has been tried fewer than ``OUTSIDE_RETRIES`` times again; ``MachineError`` when its
        fork server died every time and no learner code could have killed it. Otherwise return: the
        learner's crash (``_worker_lost``)."""
        worker.kill()  # its exit status, from the fork server (a dead server is started again)
        server_died = server_before is not None and self.launcher.server_pid() != server_before
        killed = (worker.status or {}).get("signal") == signal.SIGKILL
        if not (server_died or killed):
            return
        if len(kills) < OUTSIDE_RETRIES:
            worker.tail.forget_since(output_mark)   # the call runs again: its output would be told twice
            self._discard_workers()
            raise _KilledFromOutside(server_died)
        if server_died and all(kill.server_died for kill in kills) and not self._exposed_the_grader:
            raise MachineError(f"the fork server of the grading workers died {len(kills) + 1} times while one call "
                               "was answered; "
                               "learner code cannot signal it in this mode, so something outside the grader "
                               "killed it (an OOM killer, another program): the machine's failure, not the "
                               "learner's")

    def _count_discarded(self):
        """One more line that is not the answer awaited. Each costs the grader a little (4 MB of empty lines
        before every answer cost it minutes): a learner gets ``MAX_DISCARDED_LINES`` in all, far more than
        an honest worker writes (a report of where it was, once per call that nearly timed out)."""
        self.discarded += 1
        if self.discarded > MAX_DISCARDED_LINES:
            self._discard_workers()
            raise LearnerError("protocol", f"the worker wrote more than {MAX_DISCARDED_LINES} lines that answer "
                                           f"nothing into the answer pipe; nothing it sent was used")

    def _wall_budget_message(self):
        return (f"not run: this submission's calls used up their {self.limits.submission_idle_seconds:.0f} s of "
                f"waiting (wall-clock time spent neither computing nor waiting for a CPU: a sleep, or waiting for "
                f"something that never comes?)")

    def _ensure_worker(self, fresh=False):
        current = self._fresh if fresh else self._worker
        if current is not None and not current.closed:
            return current
        if current is not None:
            self._discard_workers()  # (ending a worker ends every process of the fork server: launcher.end)
        if self._machine_failure:  # the rest of this learner's checks would each wait for the same failure
            raise MachineError(self._machine_failure)
        try:
            worker = self._start_worker(fresh)
        except LearnerError:
            # What the learner left running in the other worker (its processes count towards the same
            # per-uid limits) may be what stopped this one, or a busy machine's moment: once more, alone.
            self._discard_workers()
            try:
                worker = self._start_worker(fresh)
            except LearnerError as again:
                # Alone, with none of the learner's code running anywhere, a worker that cannot start is
                # the grading machine's failure: the grader's error (``--resume`` grades the learner
                # again), never the learner's crash and zero.
                from .machine import advice

                self._machine_failed(f"{again.message}, twice, with none of the learner's code running. "
                                     f"{advice(self.output)}")
                raise MachineError(self._machine_failure) from None
        if fresh:
            self._fresh = worker
        else:
            self._worker = worker
        return worker

    def _fresh_scratch(self):
        """A scratch folder and home of the fresh worker's own, not the ordinary worker's: a memo the
        learner's code left in its home or ``tempfile``'s folder is not found by the fresh process. A new,
        unguessable name each time; made here in plain mode, by the worker itself (as its uid) in the /tmp
        of its own that the fork server gives a worker with a scratch folder of its own (the launcher asks
        for it: ``own_tmp``; ``zygote.cover_shared_folders``), so a memo at a fixed /tmp path is not found
        either."""
        name = f"fresh-{secrets.token_hex(8)}"
        scratch = self.launcher.worker_paths(self.staged)[1]
        if not scratch:
            return f"/tmp/{name}"
        folder = Path(scratch).parent / name
        folder.mkdir()
        os.chmod(folder, 0o1777)
        return str(folder)

    def _start_worker(self, fresh=False):
        if not self._exposed_the_grader and getattr(self.launcher, "mode", None) == "plain":
            from . import sandbox

            self._exposed_the_grader = sandbox.plain_worker_uid() is None
        worker = _Worker(self.launcher, self.staged, self.limits, self._fresh_scratch() if fresh else None)
        # None of the learner's code runs before "ready": a slow machine is waited for while the worker
        # makes progress (startup_wait); one that is stuck is the machine's failure, not the learner's.
        root = (self.launcher.server_pid() if hasattr(self.launcher, "server_pid") else None) or worker.process.pid
        wait = StartupWait(self.limits, "a learner's grading worker (none of the learner's code had run)",
                           lambda: tree_progress(root))
        line = worker.read_line(_StartingClock(wait))
        if line != b'{"ready":true}':
            self.output += worker.tail.text()
            worker.kill()
            if wait.reason:
                self._machine_failed(wait.reason)
                raise MachineError(wait.reason)
            raise LearnerError("crash", "the grading worker could not start (" +
                               worker.exit_description(ran_learner_code=False) + ")")
        self.launcher.worker_proven = True
        return worker

    def _machine_failed(self, message):
        """No worker can start for this learner: the machine's failure. Before the launcher's first worker
        ever started, it is also what a preflight would have found (``Grader.end_preflight`` raises it:
        a single grading's preflight forks no worker of its own, ``machine.preflight(fork_one=False)``)."""
        self._machine_failure = message
        if not getattr(self.launcher, "worker_proven", True):
            self.launcher.unproven_failure = message

    def _discard_workers(self):
        for worker in (self._worker, self._fresh):
            if worker is not None:
                worker.kill()
                self.output += worker.tail.text()
        self.output = self.output[-self.limits.output_bytes:]
        self._worker = self._fresh = None

    def _worker_lost(self, name, worker, clock, progress):
        """The worker hung or died while serving ``name``: kill it and say what happened."""
        over = None if worker.closed else clock.out_of_time()
        self._discard_workers()
        # The limits, not the times measured: the same code gets the same words.
        if over == "cpu":
            what = (f"did not finish within {clock.cpu_limit:.0f} s of CPU time (an endless loop, or far "
                    f"too much work?)") + running_line(worker.where, self.submission_dir)
            kind = "timeout"
        elif over == "idle":
            what = "did not finish: " + self._wall_budget_message().replace("not run: ", "")
            kind = "budget"
        elif over == "wall":
            what = (f"did not finish: it waited {clock.wall_limit:.0f} s without using its "
                    f"{clock.cpu_limit:.0f} s of CPU time (a sleep, or waiting for something that never comes?)")
            kind = "timeout"
        else:
            what = "stopped the grading process: " + worker.exit_description()
            kind = "crash"
        if progress.get("progress") == "import":
            module = learner_text.inline(progress.get("module", "?"), 100)
            message = f"importing {module}.py {what}. Module-level code runs on import: keep " \
                      f"demos under `if __name__ == \"__main__\":`"
            self._fatal_imports[module] = message
        else:
            call = learner_text.inline(progress.get("call") or name, 300)
            message = f"{call} {what}"
            count = self._strikes.get(name, (0,))[0]
            self._strikes[name] = (count + 1, message, kind)
        if over == "submission" or self.cpu_spent + clock.cpu_used >= self.limits.submission_seconds:
            kind = "budget" if kind == "timeout" or over == "submission" else kind
        self.incidents.append(message)
        raise LearnerError(kind, message)

    def _unwrap(self, name, message, config=None):
        if "value" in message:
            value = answer(name, message["value"])
            self.answers.append((name, config, value))
            return value
        error = message.get("error")
        if not isinstance(error, dict):
            raise LearnerError("protocol", "the worker's answer had neither a value nor an error")
        folder = self.launcher.worker_paths(self.staged)[0]
        verdict = learner_error_from(error, folder)
        if verdict.kind == "missing" and error.get("phase") == "import":
            verdict = LearnerError("missing", missing_module_message(
                str(error.get("call") or "").replace("import ", ""), self.staged))
        raise verdict


class Record(dict):
    """A record an observer reported. A field the worker left out (it can send
    anything) fails the learner's check with a clear message instead of
    breaking the check itself."""

    def __init__(self, observer, fields):
        super().__init__(fields)
        self.observer = observer

    def __missing__(self, key):
        raise LearnerError("protocol", f"the worker's answer to {self.observer} lacks the field {key!r} "
                                       f"(was the grader's code in the worker tampered with?); nothing it "
                                       f"sent was used")


class Records(list):
    """A list in an answer (records of several calls, or the learner's own items): indexing past
    its end fails the learner's check, not the check itself."""

    def __init__(self, observer, items):
        super().__init__(items)
        self.observer = observer

    def __getitem__(self, index):
        try:
            return super().__getitem__(index)
        except (IndexError, TypeError):
            raise LearnerError("protocol", f"the answer to {self.observer} has no item {index!r} (did the "
                                           f"code return fewer items than expected?)") from None


def answer(observer, value, _top=True):
    """The decoded answer of ``observer``, its records wrapped in ``Record``/``Records``.

    Observers return a record (dict) or a list of them; a worker that answers
    with anything else has been tampered with.
    """
    if type(value) is dict:
        return Record(observer, {k: answer(observer, v, False) for k, v in value.items()})
    if type(value) is list:
        return Records(observer, [answer(observer, v, False) for v in value])
    if _top:
        raise LearnerError("protocol", f"the worker's answer to {observer} is not the record that observer "
                                       f"returns (it sent {str(value)[:60]!r}); nothing it sent was used")
    return value


def learner_error_from(error, folder=None):
    """A LearnerError with teaching text for an exception reported by a worker.

    ``folder`` is where the worker saw the learner's files: it is cut out of
    messages (a SyntaxError names the full path), leaving the learner's own names.
    Everything in ``error`` is the learner's text (or a tampered worker's): it is
    shown cleaned, a message of several lines as a marked block (``learner_text``).
    """
    exc_type = learner_text.inline(error.get("type", "Exception"), 100)
    raw = str(error.get("message", ""))
    if folder:
        raw = raw.replace(folder.rstrip("/") + "/", "")
    message = learner_text.message(raw)
    call = learner_text.inline(error.get("call") or "your code", 300)
    where = error.get("where") or []
    location = ""
    if isinstance(where, list) and where and isinstance(where[-1], dict):
        last = where[-1]
        location = (f" at {learner_text.inline(last.get('file'), 200)} line {learner_text.inline(last.get('line'), 20)}"
                    f": `{learner_text.inline(last.get('code', ''), 200)}`")

    def raised(head, tail=""):
        # A block of the learner's lines comes last, so nothing of the grader's follows it on its last line.
        if "\n" in message:
            return f"{head}{location}{tail}: {message}"
        return f"{head}: {message}{location}{tail}"

    if error.get("phase") == "skipped":
        return LearnerError("import", message)
    if error.get("phase") == "import":
        module = call.replace("import ", "")
        if exc_type == "ModuleNotFoundError" and f"'{module}'" in raw:
            return LearnerError("missing", f"there is no {module}.py in the submission (files are matched "
                                           f"by module name)")
        if exc_type == "SyntaxError" and ("codec can't decode" in raw or "Non-UTF-8" in raw):
            location += f". {module}.py is not saved as UTF-8: save it with the UTF-8 encoding"
        top_level = _module_level_frame(where, module)
        if top_level is not None and top_level is not where[-1]:
            # The error is inside a function, called by code at the module's top level (a demo).
            return LearnerError("import", raised(
                f"importing {module}.py raised {exc_type}",
                f", called from module-level code at {module}.py line "
                f"{learner_text.inline(top_level.get('line'), 20)}: "
                f"`{learner_text.inline(top_level.get('code', ''), 200)}`. Code at the top level of a module "
                f"runs on import: keep demos under `if __name__ == \"__main__\":`"))
        return LearnerError("import", raised(f"importing {module}.py raised {exc_type}",
                                             ". Fix it first: nothing in that file can be graded until it imports"))
    if exc_type == "NotImplementedError":
        return LearnerError("not_implemented", f"{call}: not implemented yet (it still raises "
                                               f"NotImplementedError{location})")
    if exc_type == "AttributeError" and "has no attribute" in raw and "module" in raw:
        return LearnerError("missing", f"{call}: {learner_text.inline(raw)}. Keep the function names of the skeleton")
    return LearnerError("error", raised(f"{call} raised {exc_type}"))


def running_line(where, submission_dir):
    """", it was running <file> line N: `code`" for the worker's report of where it hung, else "".

    The worker's report is only a file name and a number: the text shown is read
    here from the submission itself. Inside a loop the loop's own first line is
    named, so the same endless loop is reported with the same words every time,
    whichever line of its body the time limit caught.
    """
    if not isinstance(where, dict) or not isinstance(where.get("line"), int) or not isinstance(where.get("file"), str):
        return ""
    name, line = where["file"], where["line"]
    if "/" in name or "\\" in name or not name.endswith(".py") or submission_dir is None:
        return ""
    try:
        path = Path(submission_dir) / name
        if path.is_symlink() or not path.is_file() or path.stat().st_size > 1_000_000:
            return ""
        text = path.read_text(encoding="utf-8", errors="replace")
        loops = [node for node in ast.walk(ast.parse(text))
                 if isinstance(node, (ast.For, ast.While, ast.AsyncFor))
                 and node.lineno <= line <= (node.end_lineno or node.lineno)]
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        # Learner text: a module too deeply nested for the parser (5,000 chained attributes) is no
        # grader error; the report just names no line.
        return ""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return ""
    if loops:
        innermost = max(loops, key=lambda node: node.lineno)
        return f"; it was in the loop at {name} line {innermost.lineno}: `{lines[innermost.lineno - 1].strip()}`"
    return f"; it was running {name} line {line}: `{lines[line - 1].strip()}`"


def _module_level_frame(where, module):
    """The frame of ``module``'s own top-level code among a traceback's learner frames, else None."""
    for frame in where if isinstance(where, list) else []:
        if isinstance(frame, dict) and frame.get("function") == "<module>" and frame.get("file") == f"{module}.py":
            return frame
    return None


def missing_module_message(module, staged, shown=12):
    """Why ``module``.py could not be imported: left out when staging, misnamed, or not there at all."""
    wanted = f"{module}.py"
    for note in staged.skipped:
        if re.match(rf"([^ ]*/)?{re.escape(wanted)} ", note):
            return f"{wanted} was not graded: {learner_text.inline(note)}"  # the intake said why
        if note.startswith("the submission folder"):
            return f"there is no {wanted} to grade: {learner_text.inline(note)}"
    found = sorted(learner_text.inline(name, 100) for name in getattr(staged, "found", []))
    listed = ", ".join(found[:shown]) + (f" and {len(found) - shown} more" if len(found) > shown else "")
    text = (f"there is no {wanted} in the submission (files are matched by module name, exactly, "
            f"upper/lower case included). Files found: {listed or 'none'}.")
    near = [f for f in found if Path(f).name.casefold().startswith(module.casefold()) or
            Path(f).name.casefold() == wanted.casefold()]
    if near:
        text += f" Rename {near[0]} to {wanted}" + (" (at the top of the folder)" if "/" in near[0] else "") + "."
    return text
