"""The warm fork server: torch is imported once, every learner gets a fresh fork.

Importing torch costs seconds; forking a process that already has it costs
milliseconds. The grader talks to this process over a Unix socket (datagram-like
SOCK_SEQPACKET, one JSON message each, pipe ends attached as SCM_RIGHTS):

* ``{"op": "spawn", "dir": D, "tmp": T, "limits": {...}}`` + fds [requests, responses, output,
  progress board (``board.py``)]:
  fork a worker that runs the learner's code in folder ``D``; answers ``{"pid": n}``.
* ``{"op": "end", "pid": n}``: kill that worker's process group and every other
  process below this one (what it left behind, of which this process is the
  subreaper, and the learner's other worker if one is alive), empty the private
  /tmp when it owns one, and answer ``{"status": {"exit": code} | {"signal": n} | null}``.

A worker never returns into this loop: it runs the learner's requests, then
``os._exit``. This process never imports learner code, so every fork starts
from the same clean state; nothing one learner did can reach the next one.
"""
import ctypes
import gc
import json
import os
import signal
import socket
import sys
import threading
import time

from . import cleanup, keys, observers
from .tasks import tasks_of

SHM_BYTES = 64 * 1024 ** 2   # /dev/shm of a worker without bubblewrap (as sandbox.SHM_BYTES)
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_CHILD_SUBREAPER = 1, 4, 36
# resource's names, looked up in the forked worker: the portable backend's workers (worker/spawned.py)
# import this module's ``serve`` where there is no ``resource`` module (Windows).
LIMITS = {"memory_bytes": "RLIMIT_AS", "cpu_seconds": "RLIMIT_CPU", "processes": "RLIMIT_NPROC",
          "open_files": "RLIMIT_NOFILE", "file_bytes": "RLIMIT_FSIZE"}


def _prctl(option, value):
    try:
        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # not Linux: fewer guarantees, same protocol


def warm_up(plots=False):
    """Import torch and the observers: the minimum before the first worker can be forked; and pyplot with
    ``plots`` (the grader saw the learner's code import matplotlib: each of their workers would import it).

    With the cyclic collector off: importing torch makes some 300k objects, and the collector, run
    every 700 new ones, walks them again and again while finding next to no garbage. Measured on
    a quiet machine (`python -c "import gc; gc.disable(); import torch"` against the plain import,
    12 runs each): 0.17 s of a 2.2 s import, and 0.34 s when pyplot follows. A learner waits for it.
    Whatever garbage it leaves is collected once, at the end (the callers freeze what is left)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        import torch

        torch.set_num_threads(1)  # deterministic, one core per learner, and no thread pool to fork
        try:
            torch.set_num_interop_threads(1)
        except RuntimeError:
            pass  # already fixed by earlier parallel work
        observers._load_all()  # noqa: SLF001  (the registry fills itself on first use)
        if plots:
            try:
                import matplotlib

                matplotlib.use("Agg")   # no screen: the checks only read the figure
                from matplotlib import pyplot  # noqa: F401
            except ImportError:
                pass  # the learner's own import says so, in their check
    finally:
        if enabled:
            gc.enable()


def warm_up_extras():
    """First-use costs that every fork would otherwise pay again, paid once here.

    Measured: the first ``Adam.step`` of a process imports torch._dynamo (~0.85 s),
    pyplot ~0.3 s, the first figure and the first backward pass tens of ms. Skipped
    for a single grading (``--no-warm-extras``), where nothing amortises them.
    """
    import torch

    try:
        import matplotlib
        matplotlib.use("Agg")
        from matplotlib import pyplot

        figure = pyplot.figure()
        image = figure.add_subplot().imshow([[0.0, 1.0], [1.0, 0.0]])
        figure.colorbar(image)
        figure.axes[0].set_title("weight_hh_l0 (2, 2)")
        pyplot.close(figure)
    except ImportError:
        pass
    rnn = torch.nn.RNN(1, 3, num_layers=2, bidirectional=True)
    head = torch.nn.Linear(6, 1)
    optimizer = torch.optim.Adam(list(rnn.parameters()) + list(head.parameters()), lr=0.01)
    for _ in range(2):
        optimizer.zero_grad()
        output, _ = rnn(torch.zeros(3, 2, 1))
        torch.nn.functional.mse_loss(head(output), torch.zeros(3, 2, 1)).backward()
        optimizer.step()
    packed = torch.nn.utils.rnn.pack_sequence([torch.zeros(3, 1), torch.zeros(2, 1)], enforce_sorted=False)
    torch.nn.utils.rnn.pad_packed_sequence(rnn(packed)[0])


class ForkServer:
    def __init__(self, control_fd, wipe_tmp, worker_uid=None, warm_extras=True):
        self.sock = socket.socket(fileno=control_fd)
        self.warm_extras = warm_extras
        self.wipe_tmp = wipe_tmp
        self.worker_uid = worker_uid
        self.statuses = {}  # pid -> exit status of workers reaped so far
        self.live = set()     # workers forked and not yet ended (a learner's session may hold two)
        self.ipc_before = {}  # the SysV IPC objects there were when the first of them was forked

    def send(self, message):
        self.sock.send(json.dumps(message).encode())

    def run(self):
        _prctl(PR_SET_CHILD_SUBREAPER, 1)  # orphans of learner processes come back to us to be killed
        _prctl(PR_SET_DUMPABLE, 0)         # a worker running as our uid cannot ptrace or read our memory
        import torch

        # What the grader's preflight compares with its own environment.
        self.send({"ready": True, "torch": torch.__version__, "python": sys.executable, "version": sys.version})
        if self.warm_extras:
            gc.disable()   # as in warm_up: imports (pyplot), not garbage
            try:
                warm_up_extras()
            finally:
                gc.enable()
            # A batch's server lives long: its warm-up's garbage (a figure, an optimiser) goes first. For
            # one grading it is not worth the wait: one full collection after torch's import takes 0.14 s,
            # and finds some 7,000 objects (measured), left frozen below.
            gc.collect()
        # Every object alive now (torch, matplotlib: ~330k) moves out of the collector's reach. Without
        # this, each full collection in a worker walks them all and writes to each one's header, so the
        # fork copies their pages: measured, half the CPU of a plot-and-train workload in a fresh fork.
        gc.freeze()
        while True:
            try:
                data, fds, _, _ = socket.recv_fds(self.sock, 65536, 4)
            except OSError:
                return
            if not data:
                return  # the grader is gone
            self.reap()
            request = json.loads(data)
            op = request.get("op")
            if op == "spawn":
                self.spawn(request, fds)
            elif op == "end":
                self.send({"status": self.end(int(request["pid"]))})
            else:
                for fd in fds:
                    os.close(fd)
                self.send({"error": f"unknown op {op!r}"})

    def spawn(self, request, fds):
        if len(fds) != 4:
            for fd in fds:
                os.close(fd)
            self.send({"error": "spawn needs three pipe ends and a progress board"})
            return
        sys.stdout.flush()
        sys.stderr.flush()
        if not self.live:  # with a worker alive, objects its learner made since are not "before"
            self.ipc_before = cleanup.ipc_objects()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                self.become_worker(request, fds)
                code = 0
            finally:
                os._exit(code)
        for fd in fds:
            os.close(fd)
        self.live.add(pid)
        self.send({"pid": pid})

    def become_worker(self, request, fds):
        """In the forked child: detach, limit, then serve the learner's requests."""
        os.setsid()  # its own process group, killed as a whole at the end
        self.sock.close()
        # Its own SysV IPC namespace (while still privileged enough to make one): shared memory,
        # semaphores and queues then die with its last process and never reach the next learner.
        cleanup.private_ipc_namespace()
        limits = dict(request.get("limits", {}))
        scratch_bytes = limits.get("scratch_bytes")
        if not self.wipe_tmp and request.get("tmp") and type(scratch_bytes) is int and scratch_bytes > 0 \
                and os.geteuid() == 0:
            # Without bubblewrap (whose /tmp and /dev/shm are sized tmpfs already), a root server gives the
            # worker a sized tmpfs as its scratch folder and /dev/shm: files there count as memory.
            cleanup.private_scratch([(request["tmp"], scratch_bytes), ("/dev/shm", SHM_BYTES)])
        if request.get("own_tmp"):
            self.cover_shared_folders(request, scratch_bytes)
        if self.worker_uid is not None:
            # Learner code never runs as root: process limits then apply, and it can
            # neither signal nor trace this server, nor touch any file of the grader's.
            os.setgroups([])
            os.setgid(self.worker_uid)
            os.setuid(self.worker_uid)
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # after setuid, which clears it
        for signum in (signal.SIGCHLD, signal.SIGPIPE, signal.SIGTERM):
            signal.signal(signum, signal.SIG_DFL)
        requests_fd, responses_fd, output_fd, board_fd = fds
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(output_fd, 1)
        os.dup2(output_fd, 2)
        for fd in (devnull, output_fd):
            os.close(fd)
        for stream in (sys.stdout, sys.stderr):
            # Unbuffered: the worker may be killed at any moment, and what the learner
            # printed up to then is the best clue to what went wrong.
            stream.reconfigure(line_buffering=True, write_through=True)
        if self.worker_uid is None and type(limits.get("processes")) is int and limits["processes"] > 0:
            # The worker runs as the grader's own user, and RLIMIT_NPROC counts every thread of that
            # user: on a desktop the browser and editor alone hold hundreds, and a limit of 64 would
            # leave the worker unable to start even its own thread. The limit is headroom above them
            # (a private user namespace counts only its own tasks on recent kernels, not on older ones).
            limits["processes"] += tasks_of(os.getuid())
        import resource

        for name, value in limits.items():
            if name in LIMITS and type(value) is int and value > 0:
                try:
                    resource.setrlimit(getattr(resource, LIMITS[name]), (value, value))
                except (ValueError, OSError):
                    pass  # a hard limit already lower than ours stays
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        # No kernel keys: they would outlive the learner (keys.py). Where seccomp is missing, the
        # worker goes on (the README's protection table says which protections need what).
        keys.forbid_kernel_keys()
        folder = request["dir"]
        if request.get("tmp") and not os.path.isdir(request["tmp"]):
            os.makedirs(request["tmp"], mode=0o700)  # a scratch folder of its own, made as its uid
        if request.get("tmp"):
            for name in ("TMPDIR", "TMP", "TEMP", "HOME"):
                os.environ[name] = request["tmp"]
        import tempfile
        tempfile.tempdir = None  # this process may have cached the shared /tmp before the fork
        os.chdir(folder)
        sys.path.insert(0, folder)  # exercise modules import each other by name (CURRICULUM.md)
        serve(requests_fd, responses_fd, folder, board_fd)

    def cover_shared_folders(self, request, scratch_bytes):
        """A fresh-process worker (``observe_fresh``) gets an empty /tmp, /var/tmp and /dev/shm of its own:
        the learner's other worker, alive at the same time as the same uid, may have left a memo at a fixed
        path in any of them (the sandbox's one /tmp; in plain mode the machine's shared folders). What the
        worker needs below them (the Python, its staged copy and scratch folder) stays visible."""
        size = scratch_bytes if type(scratch_bytes) is int and scratch_bytes > 0 else SHM_BYTES
        folders = [("/tmp", size), ("/dev/shm", SHM_BYTES)]
        keep = [request.get("dir"), request.get("tmp")]
        if not self.wipe_tmp:  # plain mode: the machine's own folders, and whatever of the Python lies below them
            folders.append(("/var/tmp", size))
            keep += python_folders()
        cleanup.private_folders([(f, s) for f, s in folders if os.path.isdir(f)], [k for k in keep if k])

    def reap(self):
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self.statuses[pid] = status

    def wait_for(self, pid, seconds=5.0):
        """Reap the worker itself. Its pipes close while it exits, before it is a zombie, so the
        grader can ask for its end before ``reap`` could see it; its status must not be lost."""
        deadline = time.monotonic() + seconds
        while pid not in self.statuses and time.monotonic() < deadline:
            try:
                done, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                return  # not a child of ours (any more)
            if done == pid:
                self.statuses[pid] = status
                return
            time.sleep(0.002)

    def end(self, pid):
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.wait_for(pid)
        sweep(self.reap)  # every process below this one: the other live worker, if any, too
        self.live.clear()
        # Every process of the learner is gone: remove what it left where the next one could find it.
        uid = self.worker_uid if self.worker_uid is not None else os.getuid()
        cleanup.remove_ipc_objects(self.ipc_before, uid)
        if self.wipe_tmp or self.worker_uid is not None:
            # The private /tmp of bubblewrap entirely; the machine's own only of the learner's uid.
            owner = None if self.wipe_tmp else self.worker_uid
            for folder in ("/tmp", "/dev/shm"):
                cleanup.empty_folder(folder, owner)
        status = self.statuses.pop(pid, None)
        self.statuses.clear()  # statuses of a learner's own children are of no use later
        if status is None:
            return None
        if os.WIFSIGNALED(status):
            return {"signal": os.WTERMSIG(status)}
        return {"exit": os.waitstatus_to_exitcode(status)}


def python_folders():
    """Every folder this interpreter may still import or load from (the worker's are the same): its prefixes,
    import path and loader path, by the names it uses and resolved."""
    import sysconfig

    paths = [sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(sys.executable),
             os.path.dirname(os.path.abspath(__file__)), *sys.path,
             *(sysconfig.get_paths().get(k) for k in ("stdlib", "platstdlib", "purelib", "platlib")),
             *os.environ.get("LD_LIBRARY_PATH", "").split(":")]
    found = []
    for path in paths:
        if path and os.path.isabs(path):
            found += [os.path.abspath(path), os.path.realpath(path)]
    return list(dict.fromkeys(found))


def descendants(root):
    """Pids of every live (non-zombie) process below ``root`` in the process tree."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read().decode("ascii", "replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()  # the command name may hold spaces and ')'
        if len(fields) < 2:
            continue
        children.setdefault(int(fields[1]), []).append((int(entry), fields[0]))
    found, stack = [], [root]
    while stack:
        for pid, state in children.get(stack.pop(), []):
            stack.append(pid)
            if state != "Z":
                found.append(pid)
    return found


def sweep(reap, rounds=200):
    """Kill everything this process has below it, until nothing is left (a fork storm included)."""
    for _ in range(rounds):
        reap()
        pids = descendants(os.getpid())
        if not pids:
            return True
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.002)
    reap()
    return not descendants(os.getpid())


def serve(requests_fd, responses_fd, folder, board_fd):
    """Answer the grader's observation requests until it closes the pipe."""
    from . import board, wire

    requests = os.fdopen(requests_fd, "r", encoding="utf-8")
    responses = os.fdopen(responses_fd, "w", encoding="utf-8", newline="\n")  # "\n" on Windows too: lines end there

    sending = threading.Lock()  # the where-reporting timer thread sends too: one whole line at a time

    def send(message):
        with sending:
            responses.write(wire.dumps(message) + "\n")
            responses.flush()

    import importlib

    # Ready only once its own thread runs: a worker that cannot start one (the learner's other worker
    # holding every process the uid may have) fails to start, and the grader starts it again alone.
    reporter = WhereReporter(folder, send)
    progress = board.Writer(board_fd)
    send({"ready": True})
    for line in requests:
        request = json.loads(line)  # the grader's own message
        reporter.arm(request["id"], request.get("where_after"))
        request_id = request["id"]
        try:
            # What the learner's code is about to do goes on the board, with the request it serves.
            response = observers.run(request["observer"], request["config"], importlib.import_module, folder,
                                     notify=lambda message: progress.write(dict(message, id=request_id)),
                                     skip_imports=request.get("skip_imports"))
        finally:
            reporter.disarm()
        send({"id": request["id"], **response})  # the id first: the grader reads it before parsing the rest


def stop(signum, frame):
    """SIGTERM (the grader closing, or dying: see ``serve_forever``): nothing of a learner may outlive us."""
    sweep(_reap_any)
    os._exit(0)


def _reap_any():
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                return
        except ChildProcessError:
            return


class WhereReporter(threading.Thread):
    """Just before the grader's time limit, report the learner's line the main thread is running.

    An endless loop is then named by its line (``{"progress": "where", "id", "file", "line"}``,
    plain data that the grader checks against its own copy of the files). This thread reads the
    main thread's frame, rather than a signal handler: a handler could run in the middle of
    ``send`` and garble the line it was writing. One thread serves every request of the worker
    (a timer thread per request cost more than many of the requests themselves); the request's
    id goes with the report, so a report that races with the answer is not taken for the next one.
    """

    def __init__(self, folder, send):
        super().__init__(daemon=True)
        self.prefix = folder.rstrip("/" + os.sep) + os.sep  # as the learner's files' code objects name them
        self.send = send
        self.main = threading.main_thread().ident
        self.armed = threading.Condition()
        self.request = None     # (id, monotonic deadline) of the request being answered, if it wants a report
        self.start()

    def arm(self, request_id, seconds):
        with self.armed:
            self.request = (request_id, time.monotonic() + float(seconds)) if seconds else None
            self.armed.notify()

    def disarm(self):
        with self.armed:
            self.request = None  # no wake-up needed: at the old deadline the thread finds nothing to do

    def run(self):
        while True:
            with self.armed:
                while self.request is None or time.monotonic() < self.request[1]:
                    self.armed.wait(None if self.request is None else self.request[1] - time.monotonic())
                request_id, self.request = self.request[0], None
            self.report(request_id)

    def report(self, request_id):
        frame = sys._current_frames().get(self.main)  # noqa: SLF001
        while frame is not None and not frame.f_code.co_filename.startswith(self.prefix):
            frame = frame.f_back
        if frame is not None:
            self.send({"progress": "where", "id": request_id, "file": frame.f_code.co_filename[len(self.prefix):],
                       "line": frame.f_lineno})


def seed_font_cache(font_lists):
    """Copy the grader's matplotlib font lists (``font_lists``: a read-only folder, ``sandbox.font_list``)
    into matplotlib's cache folder here, where there is none yet: then importing pyplot reads the list
    instead of scanning the system's fonts. Before any learner's code runs; best effort."""
    if not font_lists or not os.path.isdir(font_lists):
        return
    cache = os.environ.get("MPLCONFIGDIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "matplotlib")
    try:
        os.makedirs(cache, exist_ok=True)
        for name in os.listdir(font_lists):
            target = os.path.join(cache, name)
            if name.startswith("fontlist-") and not os.path.exists(target):
                with open(os.path.join(font_lists, name), "rb") as source, open(target, "wb") as copy:
                    copy.write(source.read())
    except OSError:
        pass  # matplotlib builds its own list, as it would without


def serve_forever(control_fd, wipe_tmp=False, worker_uid=None, warm_extras=True, warm_plots=False, font_lists=None):
    _prctl(PR_SET_CHILD_SUBREAPER, 1)  # from the start: a worker's orphans are ours to kill
    signal.signal(signal.SIGTERM, stop)
    _prctl(PR_SET_PDEATHSIG, signal.SIGTERM)  # the grader's process died (killed, interrupted): stop too
    if warm_plots or warm_extras:
        # Only when this process imports pyplot itself: its workers then never look for the cache. A
        # worker importing matplotlib on its own (as its uid) would find the folder made here not
        # writable, and matplotlib would say so on the learner's output.
        seed_font_cache(font_lists)
    warm_up(plots=warm_plots)
    ForkServer(control_fd, wipe_tmp, worker_uid, warm_extras).run()
