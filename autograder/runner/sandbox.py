"""How a learner's worker process is started: the command line and its limits.

Mode ``plain`` runs the worker as an ordinary child process with resource
limits (address space, CPU seconds, processes, open files, file size) and its
own session/process group, so the whole group can be killed at the end.
"""
import os
import resource
import sys

from ..paths import WORKER_MAIN

MODES = ("plain",)


def worker_command(submission_dir, requests_fd, responses_fd):
    return [sys.executable, "-I", str(WORKER_MAIN), "--submission", str(submission_dir),
            "--requests", str(requests_fd), "--responses", str(responses_fd)]


def resource_limiter(limits):
    """A ``preexec_fn`` that applies ``limits`` in the child before it runs Python."""
    def apply():
        for which, value in ((resource.RLIMIT_AS, limits.memory_bytes),
                             (resource.RLIMIT_CPU, limits.cpu_seconds),
                             (resource.RLIMIT_NPROC, limits.processes),
                             (resource.RLIMIT_NOFILE, limits.open_files),
                             (resource.RLIMIT_FSIZE, limits.file_bytes),
                             (resource.RLIMIT_CORE, 0)):
            try:
                resource.setrlimit(which, (value, value))
            except (ValueError, OSError):
                pass  # a hard limit already lower than ours stays as it is
    return apply


def worker_environment():
    # Only what Python and torch need; nothing of the grader's environment leaks in.
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "HOME": "/tmp",
           "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONHASHSEED": "0",
           "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg"}
    return env
