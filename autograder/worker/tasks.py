"""How many tasks (threads) a uid runs: what the kernel's per-user process limit counts.

Its own module so that the trusted grader (choosing a uid for learner code, see
``runner/sandbox.py``) reads it without importing the worker's observers.
"""
import os


def tasks_of(uid):
    """Threads of every process of ``uid`` in sight (what RLIMIT_NPROC counts); 0 without /proc."""
    total = 0
    try:
        entries = os.listdir("/proc")
    except OSError:
        return 0
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", "rb") as handle:
                status = handle.read()
        except OSError:
            continue
        fields = dict(line.split(b":", 1) for line in status.splitlines() if b":" in line)
        try:
            if int(fields[b"Uid"].split()[0]) == uid:
                total += int(fields[b"Threads"])
        except (KeyError, ValueError, IndexError):
            continue
    return total
