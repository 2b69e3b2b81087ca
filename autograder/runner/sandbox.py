"""How learner processes are isolated, and the command that starts their fork server.

Two modes (``--isolation``):

``bwrap``  bubblewrap gives the fork server, and so every learner worker forked
           from it, a read-only view of just the Python environment, the worker
           package and the one learner's staged copy; a private /tmp; no network;
           its own PID, IPC and UTS namespaces. Started as root, every worker
           switches to an unprivileged uid right after the fork, so process limits
           apply, no file of the grader's user is writable and the server (still
           root inside the sandbox, to clean up) cannot be signalled by learner code.
``plain``  the same fork server as an ordinary process: resource limits, time
           limits and process-group cleanup still hold; the file system and the
           network are not hidden. Chosen explicitly, or by ``auto`` when
           bubblewrap is missing or cannot create namespaces here (then every
           output carries ``reduced_isolation_warning``).
"""
import functools
import os
import re
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile

from ..paths import KIT_ROOT, PACKAGE, SOLUTIONS, WORKER_MAIN
from ..worker.tasks import tasks_of
from .errors import MachineError

MODES = ("auto", "bwrap", "plain")  # and "portable": runner/portable.py, chosen before this module is asked
SANDBOX_WORKER = "/opt/rnn-grade/worker"   # where the worker package appears inside bubblewrap
SANDBOX_STAGE = "/grading"                 # where the staged submissions appear inside bubblewrap
SANDBOX_FONT_LISTS = "/opt/rnn-grade/matplotlib"   # the grader's matplotlib font lists, read-only (font_lists)
SYSTEM_FOLDERS = ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin")  # bound whole, read-only


class SandboxUnavailable(MachineError):
    """``--isolation bwrap`` was asked for but bubblewrap cannot run here."""


def worker_environment():
    # Only what Python and torch need; nothing else of the grader's environment leaks in.
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/tmp",
           "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "PYTHONHASHSEED": "0",
           "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg", "TMPDIR": "/tmp"}
    library_path = loader_path()
    if library_path:
        env["LD_LIBRARY_PATH"] = library_path
    return env


def loader_path():
    """The grader's LD_LIBRARY_PATH, its absolute folders only ("" when it has none).

    A Python loaded from an environment module (Lmod or EasyBuild on a cluster) finds its
    libpython, and torch its libraries, only through the folders the module put there:
    without them a worker would load another Python's libpython (the system's, which then
    looks for its standard library and torch in the system's folders) or none at all.
    Dropped: an empty or relative entry (it would mean the worker's current folder, the
    learner's staged copy), and a folder that is missing or that other users can write (a
    learner's code could leave a library there that the next fork server, started as the
    grader's user, would load).
    """
    folders = [f for f in os.environ.get("LD_LIBRARY_PATH", "").split(":") if os.path.isabs(f) and _closed_folder(f)]
    return ":".join(dict.fromkeys(folders))


def _closed_folder(path):
    try:
        info = os.stat(path)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and not info.st_mode & 0o022


def worker_python():
    """The grader's own interpreter, by the path it was started with.

    Not its resolved path: a virtual environment's ``bin/python`` is a link to the
    base interpreter, and only started through the link does Python find the
    ``pyvenv.cfg`` beside it, and so the environment's site-packages (torch).
    """
    return os.path.abspath(sys.executable) if sys.executable else sys.executable


def python_command(worker_main, control_fd, worker_uid=None, wipe_tmp=False, warm_extras=True, warm_plots=False,
                   font_lists=None):
    # -s -P rather than -I: -I would also ignore PYTHONHASHSEED, and hash order
    # must not differ between two gradings of the same code. The environment is
    # replaced wholesale, so no PYTHONPATH or PYTHONSTARTUP of the grader applies.
    cmd = [worker_python(), "-s", "-P", str(worker_main), "--zygote", "--control", str(control_fd)]
    if worker_uid is not None:
        cmd += ["--worker-uid", str(worker_uid)]
    if wipe_tmp:
        cmd.append("--wipe-tmp")
    if not warm_extras:
        cmd.append("--no-warm-extras")
    if warm_plots:
        cmd.append("--warm-plots")
    if font_lists:   # the folder of the grader's matplotlib font lists, as the server sees it (``font_lists``)
        cmd += ["--font-lists", font_lists]
    return cmd


def unprivileged_uid():
    """A uid for learner code when the grader runs as root (None otherwise).

    Claimed by this grader process for its whole life (``claim_uid``): no two graders
    on the machine at once (the pool's jobs, Dask worker processes, another batch)
    give learners the same uid. One learner's code could otherwise signal another's
    processes, use up their process limit (the kernel counts it per uid) or see its
    /tmp files removed by the other grader's clean-up, which deletes that uid's files.
    """
    if os.geteuid() != 0:
        return None
    claim = _CLAIMED.get(os.getpid())  # keyed by pid: a forked pool process claims its own
    if claim is None:
        claim = _CLAIMED[os.getpid()] = claim_uid(os.getpid())
    return claim[0]


UID_FIRST, UID_COUNT = 61000, 4000    # the uids learner code may run as
UID_LOCK_FOLDERS = ("/run/rnn-grade-uids", os.path.join(tempfile.gettempdir(), "rnn-grade-uids"))
_CLAIMED = {}                         # pid -> (uid, the open lock file that holds it)


def claim_uid(start, folders=UID_LOCK_FOLDERS):
    """(uid, fd): the first uid from ``start`` on (modulo the range) that no one else holds or runs as.

    Held by an exclusive ``flock`` on a file named after the uid, in a folder only this
    user can write; the kernel drops the lock when the holder dies, so a killed grader
    frees its uid. A uid some process still runs as (left by a grader killed before
    its workers, or used by anything else) is passed over too.
    """
    import fcntl  # here, not at the top: Windows has none, and `rnn-grade check` imports this module there

    folder = _lock_folder(folders)
    for offset in range(UID_COUNT):
        uid = UID_FIRST + (start + offset) % UID_COUNT
        fd = os.open(os.path.join(folder, str(uid)), os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        if tasks_of(uid):
            os.close(fd)
            continue
        return uid, fd
    raise MachineError(f"no uid for learner code is free: all {UID_COUNT} of {UID_FIRST}-{UID_FIRST + UID_COUNT - 1} "
                       f"are held by other graders or run processes (lock files in {folder})")


def _lock_folder(folders):
    """The first of ``folders`` that is, or can be made, a real folder of this user's that no one else can write."""
    refused = []
    for folder in folders:
        try:
            os.makedirs(folder, mode=0o700, exist_ok=True)
            info = os.lstat(folder)
        except OSError as error:
            refused.append(f"{folder}: {error.strerror}")
            continue
        if stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid() and not info.st_mode & 0o022:
            return folder
        refused.append(f"{folder}: not a folder of uid {os.geteuid()} closed to others")
    raise MachineError("no folder to hold the claims on learners' uids: " + "; ".join(refused))


def python_roots():
    """Folders the worker's Python needs: its prefixes and the installation's import folders.

    Deliberately not every entry of the grader's ``sys.path``: that may hold the
    folder the grader was started from (a class's submissions), the tests or the
    solutions (the live reference puts them there), none of which a learner may see.
    Each folder is listed by the path Python knows it by and by its resolved path
    (a venv's ``bin/python`` links to the base interpreter, which must exist too).
    """
    import site

    paths = [sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(worker_python())]
    paths += [p for p in (sysconfig.get_paths().get(k) for k in ("stdlib", "platstdlib", "purelib", "platlib")) if p]
    paths += [p for p in site.getsitepackages() if os.path.isdir(p)]
    roots = set()
    for path in paths:
        roots.add(os.path.abspath(path))
        roots.add(os.path.realpath(path))
    # Keep only the outermost folders; system folders are bound as a whole anyway.
    system = SYSTEM_FOLDERS
    kit = os.path.realpath(KIT_ROOT)
    kept = []
    for root in sorted(roots):
        if root.startswith(tuple(s + "/" for s in system)) or root in system or root == "/":
            continue
        if any(root == k or root.startswith(k + "/") for k in kept):
            continue
        if root == kit:
            continue  # the kit itself (an odd installation may list it): never shown
        kept.append(root)
    return kept


def outside_libraries(roots):
    """Shared libraries the grader's own process runs on that lie outside ``roots`` and the system folders.

    Usually none. But an interpreter may load its libpython from elsewhere (a Python built with
    ``--enable-shared`` and an absolute RUNPATH, then copied or moved: a conda-style prefix made
    from another installation); hidden from the sandbox, the dynamic loader would quietly take
    another Python's libpython (the system's) and the workers would not run the grader's Python.
    Each such file is shown read-only at its own path, nothing else of its folder.
    """
    kit = os.path.realpath(KIT_ROOT)
    inside = tuple(r.rstrip("/") + "/" for r in roots) + tuple(s + "/" for s in SYSTEM_FOLDERS) + (kit + "/",)
    found = []
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                fields = line.split(None, 5)
                path = fields[5].strip() if len(fields) == 6 else ""
                if not path.startswith("/") or path.startswith(inside) or path in found:
                    continue
                name = os.path.basename(path)
                if (name.endswith(".so") or ".so." in name) and os.path.isfile(path):
                    found.append(path)
    except OSError:
        pass
    return found


def grader_copies():
    """Folders a learner must never see that may lie inside the Python installation: the grader's own
    package, the solutions, and any other installed copy of the grader (say, a Gradescope image's
    site-packages while the grader runs from its source folder), each with its hidden checks."""
    import site

    found = [os.path.realpath(PACKAGE), os.path.realpath(SOLUTIONS)]
    for folder in site.getsitepackages():
        copy = os.path.join(folder, PACKAGE.name)
        if os.path.isfile(os.path.join(copy, "worker", "main.py")):
            found.append(os.path.realpath(copy))
    return [path for path in dict.fromkeys(found) if os.path.isdir(path)]


def bwrap_command(stage_root, control_fd, worker_uid, warm_extras=True, scratch_bytes=None, warm_plots=False):
    """The bubblewrap command line that starts the fork server."""
    view = bwrap_view(stage_root, scratch_bytes)
    return view + python_command(os.path.join(SANDBOX_WORKER, "main.py"), control_fd, worker_uid, wipe_tmp=True,
                                 warm_extras=warm_extras, warm_plots=warm_plots,
                                 font_lists=SANDBOX_FONT_LISTS if SANDBOX_FONT_LISTS in view else None)


def font_lists():
    """(the folder, the names) of the grader's own matplotlib font lists (``fontlist-v<N>.json`` in
    matplotlib's cache folder): (None, []) when it has none.

    The sandbox's home is a fresh tmpfs, so matplotlib found no font list there and built one on every
    start, scanning the system's fonts: measured, pyplot's import took 0.7-1.1 s in the sandbox against
    0.6 s outside it. The fork server copies this one (bound read-only) into its own cache first
    (``zygote.seed_font_cache``). The grader's own file, written by the grader's matplotlib of the same
    installation (the workers' is the grader's); a file of another matplotlib version is not read (its
    name carries the version), and a font it names that is missing makes matplotlib build the list again.
    Found without importing matplotlib, as matplotlib looks for its cache on Linux."""
    folders = [os.environ.get("MPLCONFIGDIR"),
               os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "matplotlib")]
    for folder in folders:
        try:
            found = sorted(name for name in os.listdir(folder or "")
                           if FONT_LIST.fullmatch(name) and os.path.isfile(os.path.join(folder, name)))
        except OSError:
            continue
        if found:
            return folder, found
    return None, []


FONT_LIST = re.compile(r"fontlist-v[\w.]+\.json")


SHM_BYTES = 64 * 1024 ** 2   # /dev/shm in the sandbox: no exercise needs it


def bwrap_view(stage_root, scratch_bytes=None):
    """bubblewrap's arguments up to the command: what the sandbox shows and hides.

    ``/tmp`` and ``/dev/shm`` are tmpfs of a bounded size (``scratch_bytes``; 64 MiB): files there are
    memory, which the address-space limit does not count."""
    scratch_bytes = scratch_bytes or _default_scratch_bytes()
    args = [shutil.which("bwrap") or "bwrap", "--unshare-pid", "--unshare-net", "--unshare-ipc",
            "--unshare-uts", "--unshare-cgroup-try", "--die-with-parent", "--new-session"]
    if os.geteuid() != 0:
        args.append("--unshare-user")  # unprivileged: namespaces through a user namespace
    for top in SYSTEM_FOLDERS:
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    for name in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/localtime", "/etc/passwd", "/etc/group"):
        if os.path.exists(name):
            args += ["--ro-bind", name, name]
    # The private /tmp first: a Python installed under /tmp is bound over it below, not hidden by it.
    args += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--size", str(scratch_bytes), "--tmpfs", "/tmp",
             "--perms", "1777", "--size", str(SHM_BYTES), "--tmpfs", "/dev/shm"]
    made = {"/tmp"}
    roots = python_roots()

    def bind(source, target):
        # Parents are created world-traversable (bubblewrap's default is 0700,
        # which the unprivileged uid could not enter).
        parts = target.strip("/").split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            parent = "/" + "/".join(parts[:depth])
            if parent not in made and not parent.startswith(SYSTEM_FOLDERS):
                args.extend(["--perms", "0755", "--dir", parent])
                made.add(parent)
        args.extend(["--ro-bind", source, target])

    for root in roots:
        bind(os.path.realpath(root), root)
    for library in outside_libraries(roots):
        bind(library, library)
    for secret in grader_copies():
        # An installed kit lives inside site-packages: cover the grader's package (hidden
        # checks) and the solutions with an empty folder wherever a bound root shows them.
        if any(secret.startswith(root + "/") for root in roots):
            args += ["--tmpfs", secret]
    worker_dir = os.path.dirname(os.path.realpath(str(WORKER_MAIN)))
    for parent in ("/opt", "/opt/rnn-grade"):
        if parent not in made:
            args += ["--perms", "0755", "--dir", parent]
    args += ["--ro-bind", worker_dir, SANDBOX_WORKER,
             "--ro-bind", str(stage_root), SANDBOX_STAGE]
    folder, names = font_lists()
    if names:
        args += ["--perms", "0755", "--dir", SANDBOX_FONT_LISTS]
        for name in names:
            args += ["--ro-bind", os.path.join(folder, name), f"{SANDBOX_FONT_LISTS}/{name}"]
    args += ["--chdir", SANDBOX_STAGE, "--clearenv"]
    for key, value in worker_environment().items():
        args += ["--setenv", key, value]
    return args


def _default_scratch_bytes():
    from .limits import Limits

    return Limits().scratch_bytes


@functools.lru_cache(maxsize=None)
def bwrap_problem():
    """None when bubblewrap can start the grader's Python here, else a short reason.

    A success is remembered (``_probe_marker``) for this interpreter, bubblewrap binary and kit: the
    probe starts a Python in the sandbox, a fair share of a learner's `rnn-grade check`. Should
    bubblewrap stop working later, ``auto`` still falls back to plain when the server fails to start."""
    if not sys.platform.startswith("linux"):
        return "bubblewrap needs Linux"
    if shutil.which("bwrap") is None:
        return "bubblewrap (bwrap) is not installed"
    marker = _probe_marker()
    if marker is not None and os.path.isfile(marker):
        return None
    problem = _probe_bwrap()
    if problem is None and marker is not None:
        try:
            os.makedirs(os.path.dirname(marker), exist_ok=True)
            with open(marker, "w", encoding="utf-8") as handle:
                handle.write(f"bubblewrap started {worker_python()} ({sys.version}) here\n")
        except OSError:
            pass  # not remembered: probed again next time
    return problem


def _probe_marker():
    """The file that says bubblewrap worked for this interpreter, bwrap binary and kit (None: not cacheable)."""
    import hashlib

    from .. import __version__

    try:
        roots = python_roots()
        # What the probe's view is made of: the interpreter's folders and libraries, the loader path, the uid.
        parts = [worker_python(), sys.version, __version__, os.path.realpath(__file__), loader_path(),
                 str(os.geteuid()), *roots, *outside_libraries(roots)]
        for path in (shutil.which("bwrap"), worker_python()):
            info = os.stat(path)
            parts += [os.path.realpath(path), str(info.st_mtime_ns), str(info.st_size)]
    except (OSError, TypeError):
        return None
    root = os.environ.get("RNN_GRADE_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "rnn-grade")
    return os.path.join(root, "bwrap-ok-" + hashlib.sha256("\0".join(parts).encode()).hexdigest()[:20])


def _probe_bwrap():
    import tempfile

    with tempfile.TemporaryDirectory() as stage:
        os.chmod(stage, 0o755)
        # The same view must start the worker's interpreter, and it must be the grader's build of
        # Python (not another libpython that the dynamic loader found instead of a hidden one).
        cmd = bwrap_view(stage) + [worker_python(), "-s", "-P", "-c", IDENTITY]
        try:
            done = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"bubblewrap could not run ({exc})"
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        return "bubblewrap cannot create its sandbox here (" + (reason[-1] if reason else
                                                                f"exit {done.returncode}") + ")"
    theirs = done.stdout.decode("utf-8", "replace").strip()
    if theirs != repr(sys.version):
        return (f"inside the sandbox {worker_python()} runs another build of Python ({theirs[:200]}), not the "
                f"grader's ({sys.version!r})")
    return None


IDENTITY = "import sys; print(repr(sys.version))"


def world_readable(path):
    """Whether an unprivileged user can reach ``path`` (every parent traversable by others)."""
    path = os.path.realpath(path)
    while True:
        try:
            mode = os.stat(path).st_mode
        except OSError:
            return False
        if not mode & stat.S_IXOTH:
            return False
        parent = os.path.dirname(path)
        if parent == path:
            return True
        path = parent


def resolve(isolation):
    """(mode, warning or None) for the ``--isolation`` choice."""
    if isolation not in MODES:
        raise ValueError(f"isolation must be one of {MODES}, not {isolation!r}")
    if isolation == "plain":
        return "plain", reduced_isolation_warning("chosen with --isolation plain")
    problem = bwrap_problem()
    if problem is None:
        return "bwrap", None
    if isolation == "bwrap":
        raise SandboxUnavailable(f"--isolation bwrap: {problem}")
    return "plain", reduced_isolation_warning(problem)


def reduced_isolation_warning(reason):
    return (f"WARNING: isolation reduced ({reason}): learner code runs without bubblewrap, so it can "
            f"see the file system and the network; time, memory and process limits still apply.")


def plain_worker_uid():
    """In plain mode as root, an unprivileged uid when the Python environment is reachable by it."""
    uid = unprivileged_uid()
    if uid is None:
        return None
    needed = python_roots() + [os.path.dirname(os.path.realpath(str(WORKER_MAIN)))]
    return uid if all(world_readable(p) for p in needed) else None
