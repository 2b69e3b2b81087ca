"""Resource and time limits for one learner's worker."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    call_seconds: float = 10.0         # one observation (one check's calls into learner code)
    submission_seconds: float = 180.0  # everything one learner's grading may take
    startup_seconds: float = 60.0      # starting a worker (importing torch) before it is ready
    memory_bytes: int = 6 * 1024 ** 3  # address space; torch alone reserves ~1-2 GiB of it
    cpu_seconds: int = 240
    processes: int = 64                # per worker uid; a fork storm stops here (see sandbox.py)
    open_files: int = 256
    file_bytes: int = 64 * 1024 ** 2
    output_bytes: int = 20_000         # how much of the learner's printing is kept for feedback
