"""Resource and time limits for one learner's worker."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    # Time limits are CPU seconds of the learner's whole process tree (runner/cputime.py), so that
    # a neighbour's load never costs an honest learner a point; the wall clock is only a backstop,
    # ``wall_factor`` times longer, for code that waits without computing.
    call_seconds: float = 10.0         # one observation (one check's calls into learner code)
    submission_seconds: float = 180.0  # everything one learner's grading may take
    wall_factor: float = 4.0
    # Wall seconds one learner's calls may spend neither computing nor waiting for a CPU (sleeping,
    # blocked), in all: without it, answers that sleep just under each call's backstop kept the grader
    # on one learner for 720 s. With the CPU budget it bounds a learner's wall time (a busy machine's
    # waits aside). Honest learners of the sample class idle a few seconds (README, "grader budgets").
    submission_idle_seconds: float = 60.0
    # Starting a worker or the fork server (importing torch) before it is ready: this long in any case,
    # then on while its process tree keeps working (CPU used, or waiting for a CPU), up to the cap; no
    # progress for the stall window is a stuck machine (runner/startup_wait.py). Never changes a grade.
    startup_seconds: float = 60.0
    startup_stall_seconds: float = 30.0
    startup_cap_seconds: float = 600.0
    memory_bytes: int = 6 * 1024 ** 3  # address space; torch alone reserves ~1-2 GiB of it
    cpu_seconds: int = 240
    processes: int = 64                # processes and threads per worker uid; a fork storm stops here (sandbox.py)
    open_files: int = 256
    file_bytes: int = 64 * 1024 ** 2
    # Files in a tmpfs are memory: the scratch folder (bubblewrap's /tmp, plain mode's scratch folder
    # when the grader is root) and /dev/shm are tmpfs of this size, so the address-space limit above
    # plus this bounds what a learner holds (6.5 GiB of posix_fallocate passed a 6 GiB limit before).
    scratch_bytes: int = 512 * 1024 ** 2
    output_bytes: int = 20_000         # how much of the learner's printing is kept for feedback
