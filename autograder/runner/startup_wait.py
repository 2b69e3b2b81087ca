"""Waiting for a grading process to start, judged by its progress rather than the wall clock alone.

Starting the fork server (or the portable backend's worker) imports torch: a second or two of CPU on
a quiet laptop, but minutes of wall time on a loaded one, a busy cluster node or a cold disk. A wall
limit turned that slowness into "this machine cannot grade" (or worse, a learner's crash). So a start
is given ``Limits.startup_seconds`` of wall time, and after that more time for as long as the starting
process tree keeps making progress, up to ``Limits.startup_cap_seconds``. Progress is what the kernel
says the tree did: CPU time used, or time spent runnable but waiting for a CPU (a starved process is
slow, not stuck). A tree that did neither for ``Limits.startup_stall_seconds`` is stuck (a hung file
system, a stopped process): a ``MachineError`` that names what was waited for and for how long.

Start-up time never changes a grade: no learner code runs before a worker says it is ready, and the
learner's own limits start counting only then.
"""
import sys
import time

LOOK_SECONDS = 1.0   # how often the starting tree's progress is read (reading /proc costs a little)


def tree_progress(root):
    """A reading of the tree below ``root`` that changes while any of it works or waits for a CPU, for
    ``StartupWait`` (Linux: ``cputime``; elsewhere psutil's CPU times); None when it cannot be read."""
    if root is None:
        return None
    from . import cputime

    if cputime._stat_fields(root) is not None:  # noqa: SLF001  (/proc is readable here: Linux)
        cpu, waits = cputime.sample(root)
        return cpu + sum(waits.values())
    return cputime.psutil_tree_seconds(root)   # no psutil, or the process is gone: None, nothing told


class StartupWait:
    """One start-up being waited for. Call ``timeout()`` for how long the next wait for a message may
    block, and ``going_on()`` after each wait that got nothing: False once the start is judged stuck or
    over the cap, with ``reason`` saying so in one sentence."""

    def __init__(self, limits, what, read_progress, stream=None):
        self._limits = limits
        self.what = what                      # e.g. "the grading workers' fork server (it imports torch)"
        self.read_progress = read_progress    # () -> a number that changes while the tree works, or None
        self.patient = limits.startup_seconds
        self.stall = limits.startup_stall_seconds
        self.cap = max(limits.startup_cap_seconds, self.patient)
        self.stream = stream
        self.started = self.looked = self.progressed = time.monotonic()
        self.last = read_progress()
        self.told = False
        self.reason = None

    def again(self):
        """A wait for the next stage of the same start (the fork server's warm-up, after it said ready and
        perhaps idled a long while): its own clock, but the machine's slowness is told once."""
        wait = StartupWait(self._limits, self.what, self.read_progress, self.stream)
        wait.told = self.told
        return wait

    def timeout(self):
        return LOOK_SECONDS

    def going_on(self):
        now = time.monotonic()
        if now - self.looked >= LOOK_SECONDS or now - self.started >= self.patient:
            self.looked = now
            reading = self.read_progress()
            if reading is None or reading != self.last:
                self.progressed = now   # (no reading at all: it cannot be told stuck, only over the cap)
            self.last = reading
        elapsed = now - self.started
        if elapsed < self.patient:
            return True
        if elapsed >= self.cap:
            self.reason = (f"{self.what} was still not ready after {elapsed:.0f} s, the most rnn-grade waits for a "
                           f"start, though it was still working: this machine is far too slow or too loaded to "
                           f"grade now")
            return False
        if now - self.progressed >= self.stall:
            self.reason = (f"{self.what} was not ready after {elapsed:.0f} s and has used no CPU for the last "
                           f"{now - self.progressed:.0f} s: it is stuck (a hung file system or a stopped "
                           f"process?), not slow")
            return False
        if not self.told:
            self.told = True
            print(f"rnn-grade: {self.what} is still starting after {self.patient:.0f} s: is the machine busy? "
                  f"Waiting up to {self.cap:.0f} s while it makes progress.", file=self.stream or sys.stderr,
                  flush=True)
        return True
