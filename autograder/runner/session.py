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
import select
import signal
import threading
import time
from pathlib import Path

from ..worker import wire
from .errors import LearnerError


class _OutputTail(threading.Thread):
    """Drains the learner's stdout/stderr, keeping only the last ``limit`` bytes."""

    def __init__(self, stream, limit):
        super().__init__(daemon=True)
        self.stream, self.limit, self.data = stream, limit, bytearray()

    def run(self):
        while True:
            chunk = self.stream.read1(65536) if hasattr(self.stream, "read1") else self.stream.read(65536)
            if not chunk:
                return
            self.data += chunk
            if len(self.data) > 2 * self.limit:
                del self.data[:-self.limit]

    def text(self):
        return bytes(self.data[-self.limit:]).decode("utf-8", "replace")


class _Worker:
    """One running worker (forked by the launcher's server) and its pipes."""

    def __init__(self, launcher, staged, limits):
        self.launcher = launcher
        self.process = launcher.spawn(staged)
        self.tail = _OutputTail(os.fdopen(self.process.output, "rb", buffering=0), limits.output_bytes)
        self.tail.start()
        self.buffer = b""
        self.closed = False     # the worker closed its end: it exited or died
        self.status = None      # its exit status once ended, {"exit": n} or {"signal": n}
        self.progress = None    # the last progress line: what the worker was doing
        self.where = None       # the learner's line it was running just before a time limit, as it says

    def send(self, message):
        try:
            os.write(self.process.requests, (json.dumps(message) + "\n").encode())
        except OSError:
            self.closed = True  # it is gone; the read that follows reports it

    def read_message(self, deadline):
        """The next JSON line, or None when the deadline passes or the worker dies."""
        while b"\n" not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.closed:
                return None
            ready, _, _ = select.select([self.process.responses], [], [], remaining)
            if not ready:
                return None
            chunk = os.read(self.process.responses, 1 << 20)
            if not chunk:
                self.closed = True
                return None
            self.buffer += chunk
            if len(self.buffer) > wire.MAX_MESSAGE_BYTES:
                raise LearnerError("protocol", "the worker sent more data than any answer needs")
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode("utf-8", "replace")

    def kill(self):
        if self.status is None:
            self.status = self.launcher.end(self.process) or {}
        self.tail.join(timeout=2)

    def exit_description(self):
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
            return f"it exited with code {status['exit']} (did the code call sys.exit or os._exit?)"
        return "it stopped answering"


class LearnerSession:
    """Observations of one submission, made in disposable worker processes."""

    def __init__(self, submission_dir, limits, launcher, staged):
        self.submission_dir = submission_dir  # the learner's own folder (read by checks as text only)
        self.limits = limits
        self.launcher, self.staged = launcher, staged
        self.deadline = time.monotonic() + self.limits.submission_seconds
        self._worker = None
        self._next_id = 0
        self._fatal_imports = {}   # module -> message: importing it killed or hung a worker
        self._strikes = {}         # observer -> (count, message, kind): calls that killed or hung a worker
        self.incidents = []        # plain-text notes for the learner's report
        self.output = ""

    # -- public API ------------------------------------------------------------------------

    def observe(self, name, config, seconds=None):
        """The decoded value the observer ``name`` reports for the learner's code.

        ``seconds`` lets a check that does real work (training) allow more than the
        default per-call limit.
        """
        count, message, kind = self._strikes.get(name, (0, None, None))
        if count >= 2 or kind == "timeout":
            # A hang costs the whole call limit: once is enough. A crash may depend on
            # the input, so it gets a second chance.
            raise LearnerError(kind, message + " (not run again for this check)")
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise LearnerError("budget", f"not run: this submission used up its "
                                         f"{self.limits.submission_seconds:.0f} s of grading time")
        worker = self._ensure_worker()
        self._next_id += 1
        started = time.monotonic()
        deadline = started + min(seconds or self.limits.call_seconds, remaining)
        # Just before the limit, the worker says which line of the learner's it is running.
        limit = deadline - started
        request = {"id": self._next_id, "observer": name, "config": config,
                   "skip_imports": self._fatal_imports, "where_after": round(max(limit - 1.0, limit * 0.8), 3)}
        worker.where = None
        worker.send(request)
        while True:
            try:
                line = worker.read_message(deadline)
            except LearnerError:
                self._discard_worker()
                raise
            if line is None:
                return self._worker_lost(name, worker, started, deadline)
            try:
                message = wire.loads(line)
            except wire.WireError as exc:
                self._discard_worker()
                raise LearnerError("protocol", f"the worker answered with something that is not "
                                               f"plain data ({exc}); nothing it sent was used") from None
            if not isinstance(message, dict):
                continue
            if "progress" in message:
                if message["progress"] == "where":
                    worker.where = message
                else:
                    worker.progress = message
                continue
            if message.get("id") != self._next_id:
                continue  # a stale or forged line: only the answer to this request counts
            worker.progress = None
            return self._unwrap(name, message)

    def close(self):
        self._discard_worker()

    # -- internals -------------------------------------------------------------------------

    def _ensure_worker(self):
        if self._worker is not None and not self._worker.closed:
            return self._worker
        self._discard_worker()
        worker = _Worker(self.launcher, self.staged, self.limits)
        deadline = time.monotonic() + self.limits.startup_seconds
        line = worker.read_message(deadline)
        ready = False
        if line is not None:
            try:
                ready = wire.loads(line) == {"ready": True}
            except wire.WireError:
                ready = False
        if not ready:
            self.output += worker.tail.text()
            worker.kill()
            raise LearnerError("crash", "the grading worker could not start (" + worker.exit_description()
                               + "); this is usually a problem of the grading machine, not of your code")
        self._worker = worker
        return worker

    def _discard_worker(self):
        if self._worker is not None:
            self._worker.kill()
            self.output += self._worker.tail.text()
            self.output = self.output[-self.limits.output_bytes:]
            self._worker = None

    def _worker_lost(self, name, worker, started, deadline):
        """The worker hung or died while serving ``name``: kill it and say what happened."""
        timed_out = not worker.closed and time.monotonic() >= deadline
        progress = worker.progress or {}
        self._discard_worker()
        limit = deadline - started  # the limit, not the time measured: the same code gets the same words
        if timed_out:
            what = f"did not finish within {limit:.0f} s (an endless loop, or far too much work?)"
            what += running_line(worker.where, self.submission_dir)
            kind = "timeout"
        else:
            what = "stopped the grading process: " + worker.exit_description()
            kind = "crash"
        if progress.get("progress") == "import":
            module = progress.get("module", "?")
            message = f"importing {module}.py {what}. Module-level code runs on import: keep " \
                      f"demos under `if __name__ == \"__main__\":`"
            self._fatal_imports[module] = message
        else:
            call = progress.get("call") or name
            message = f"{call} {what}"
            count = self._strikes.get(name, (0,))[0]
            self._strikes[name] = (count + 1, message, kind)
        if time.monotonic() >= self.deadline:
            kind = "budget" if kind == "timeout" else kind
        self.incidents.append(message)
        raise LearnerError(kind, message)

    def _unwrap(self, name, message):
        if "value" in message:
            return answer(name, message["value"])
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
    """
    exc_type = str(error.get("type", "Exception"))
    message = str(error.get("message", ""))
    if folder:
        message = message.replace(folder.rstrip("/") + "/", "")
    call = error.get("call") or "your code"
    where = error.get("where") or []
    location = ""
    if isinstance(where, list) and where and isinstance(where[-1], dict):
        last = where[-1]
        location = f" at {last.get('file')} line {last.get('line')}: `{str(last.get('code', '')).strip()}`"
    if error.get("phase") == "skipped":
        return LearnerError("import", message)
    if error.get("phase") == "import":
        module = call.replace("import ", "")
        if exc_type == "ModuleNotFoundError" and f"'{module}'" in message:
            return LearnerError("missing", f"there is no {module}.py in the submission (files are matched "
                                           f"by module name)")
        if exc_type == "SyntaxError" and ("codec can't decode" in message or "Non-UTF-8" in message):
            location += f". {module}.py is not saved as UTF-8: save it with the UTF-8 encoding"
        top_level = _module_level_frame(where, module)
        if top_level is not None and top_level is not where[-1]:
            # The error is inside a function, called by code at the module's top level (a demo).
            return LearnerError("import", f"importing {module}.py raised {exc_type}: {message}{location}, called "
                                          f"from module-level code at {module}.py line {top_level.get('line')}: "
                                          f"`{str(top_level.get('code', '')).strip()}`. Code at the top level of "
                                          f"a module runs on import: keep demos under "
                                          f"`if __name__ == \"__main__\":`")
        return LearnerError("import", f"importing {module}.py raised {exc_type}: {message}{location}. "
                                      f"Fix it first: nothing in that file can be graded until it imports")
    if exc_type == "NotImplementedError":
        return LearnerError("not_implemented", f"{call}: not implemented yet (it still raises "
                                               f"NotImplementedError{location})")
    if exc_type == "AttributeError" and "has no attribute" in message and "module" in message:
        return LearnerError("missing", f"{call}: {message}. Keep the function names of the skeleton")
    return LearnerError("error", f"{call} raised {exc_type}: {message}{location}")


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
    except (OSError, SyntaxError, ValueError):
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
        name, _, reason = note.partition(": ")
        if name == wanted:
            return f"{wanted} was not graded: {reason}"
        if note.startswith("the submission folder"):
            return f"there is no {wanted} to grade: {note}"
    code = staged.host_dir / "code"
    found = sorted(str(p.relative_to(code)) for p in code.rglob("*") if p.is_file())
    listed = ", ".join(found[:shown]) + (f" and {len(found) - shown} more" if len(found) > shown else "")
    text = (f"there is no {wanted} in the submission (files are matched by module name, exactly, "
            f"upper/lower case included). Files found: {listed or 'none'}.")
    near = [f for f in found if Path(f).name.casefold().startswith(module.casefold()) or
            Path(f).name.casefold() == wanted.casefold()]
    if near:
        text += f" Rename {near[0]} to {wanted}" + (" (at the top of the folder)" if "/" in near[0] else "") + "."
    return text
