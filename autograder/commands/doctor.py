"""``rnn-grade doctor``: what this machine can do for grading, one line each; exit 0 when it can grade.

Each line is ``ok``, ``warn`` (grading works, with less: no bubblewrap, no uid switch, no cache)
or ``FAIL`` (no learner can be graded here). The worker lines start real fork servers, exactly
as ``rnn-grade check`` would, so what they say is what grading will meet.
"""
import os
import sys
import time

from ..runner.limits import Limits

# resource's names, looked up when asked: Windows has no resource module, and every command module is
# imported to build the command line (a learner's `rnn-grade check` among them).
LIMIT_NAMES = {"memory_bytes": "RLIMIT_AS", "cpu_seconds": "RLIMIT_CPU", "processes": "RLIMIT_NPROC",
               "open_files": "RLIMIT_NOFILE", "file_bytes": "RLIMIT_FSIZE"}


def add_parser(sub):
    parser = sub.add_parser("doctor", help="check that this machine can grade (Python, workers, sandbox)",
                            description="One line per capability: ok, warn (grading works with less) or "
                                        "FAIL (nothing can be graded here). Exits 0 when grading can work.")
    parser.set_defaults(run=run)


def python_line():
    from ..runner.machine import grader_torch_version, installer

    kind = "virtual environment" if sys.prefix != sys.base_prefix else "base installation"
    if os.path.exists(os.path.join(sys.prefix, "conda-meta")):
        kind = "conda environment"
    torch = grader_torch_version()
    if torch is None:
        return "FAIL", "python", f"{sys.executable} ({kind}, {sys.prefix}) has no torch: " \
                                 f"`{installer()} torch==2.13.0`"
    return "ok", "python", f"{sys.executable} ({kind}, {sys.prefix}), torch {torch}"


def worker_line(isolation):
    """Start a fork server in ``isolation`` and one worker from it, as a grading would."""
    from ..errors import MachineError
    from ..runner.machine import preflight
    from ..runner.portable import new_launcher

    started = time.monotonic()
    launcher = None
    try:
        launcher = new_launcher(Limits(), isolation, warm_extras=False)
        preflight(launcher)
        info = launcher.server_info
        started_how = "spawned" if launcher.mode == "portable" else "forked"
        return "ok", f"worker ({isolation})", f"{started_how}, imported torch {info.get('torch')} in " \
                                              f"{time.monotonic() - started:.1f} s ({info.get('python')})"
    except MachineError as error:
        return "FAIL", f"worker ({isolation})", str(error)
    finally:
        if launcher is not None:
            launcher.close()


def bwrap_line():
    from ..runner.sandbox import bwrap_problem

    problem = bwrap_problem()
    if problem:
        return "warn", "bubblewrap", f"{problem}: learner code runs in plain isolation (sees files and network)"
    return "ok", "bubblewrap", "sandbox works (private file system view, no network, own PID namespace)"


def uid_line():
    from ..runner import sandbox

    if os.geteuid() != 0:
        return "warn", "uid switch", f"not root: learner code runs as this user ({os.geteuid()}); under " \
                                     f"bubblewrap it cannot reach your files, in plain mode it can"
    plain = sandbox.plain_worker_uid()
    text = f"workers run as uid {sandbox.unprivileged_uid()} under bubblewrap"
    if plain is None:
        return "warn", "uid switch", text + "; in plain mode as root (the Python installation is not readable " \
                                            "by other users)"
    return "ok", "uid switch", text + " and in plain mode"


def limits_line():
    import resource

    capped = []
    for name, which in LIMIT_NAMES.items():
        wanted = getattr(Limits(), name)
        _, hard = resource.getrlimit(getattr(resource, which))
        if hard != resource.RLIM_INFINITY and hard < wanted:
            capped.append(f"{name} {hard} < {wanted}")
    if capped:
        return "warn", "limits", "hard limits below the kit's (kept as they are): " + ", ".join(capped)
    return "ok", "limits", "address space, CPU, processes, open files and file size can be limited per worker"


def cache_line():
    from ..paths import SOLUTIONS
    from ..runner.reference import default_cache_file

    if not SOLUTIONS.exists():
        return "ok", "reference cache", "not needed (recorded reference answers)"
    folder = default_cache_file(SOLUTIONS).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".doctor-{os.getpid()}"
        probe.write_text("")
        probe.unlink()
    except OSError as error:
        return "warn", "reference cache", f"{folder} is not writable ({error.strerror or error}): answers are " \
                                          f"computed again each run (set RNN_GRADE_CACHE to a writable folder)"
    return "ok", "reference cache", f"{folder} is writable"


def scratch_line():
    from ..runner.machine import scratch_problem

    problem = scratch_problem()
    if problem:
        return "FAIL", "temporary folder", problem
    import tempfile

    return "ok", "temporary folder", f"{tempfile.gettempdir()} is writable"


def run(args):
    from ..runner.portable import linux_backends_problem

    lines = [python_line(), scratch_line()]
    problem = linux_backends_problem()
    if problem:
        # Windows, macOS, a Python without fork: grading runs in the portable backend's spawned workers.
        if lines[-1][0] == "ok":
            lines.append(worker_line("portable"))
        lines += [("warn", "isolation", f"{problem}: learner code runs in spawned worker processes (the portable "
                                        f"backend): time limits and clean-up, no sandbox, no memory limits"),
                  cache_line()]
        return _print(lines)
    if lines[-1][0] == "ok":
        lines.append(worker_line("plain"))
    bwrap = bwrap_line()
    lines.append(bwrap)
    if bwrap[0] == "ok" and lines[-2][0] == "ok":
        status, what, text = worker_line("bwrap")
        # auto isolation falls back to plain when the sandbox fails: grading still works, with less.
        lines.append(("warn" if status == "FAIL" else status, what, text))
    lines += [uid_line(), limits_line(), cache_line()]
    return _print(lines)


def _print(lines):
    for status, what, text in lines:
        print(f"{status:<4}  {what:<17} {text}")
    failed = [what for status, what, _ in lines if status == "FAIL"]
    if failed:
        print(f"\nThis machine cannot grade: fix the FAIL lines ({', '.join(failed)}).")
        return 1
    return 0
