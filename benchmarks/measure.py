"""Measuring a command: wall time and the peak memory of its whole process tree.

Memory is the sum of PSS (proportional set size, from /proc/<pid>/smaps_rollup)
over the command and all its descendants, sampled every 50 ms: forked workers
share the pages they inherited from the fork server, and PSS counts a shared
page once in all rather than once per process, as RSS would.
"""
import os
import subprocess
import threading
import time


def _children_map():
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().decode("ascii", "replace").rsplit(")", 1)[-1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    return children


def tree(root):
    """``root`` and every process below it."""
    children, found, stack = _children_map(), [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def pss_bytes(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


class PeakMemory(threading.Thread):
    """Samples the PSS of a process tree until stopped; ``peak`` and ``peak_single`` in bytes."""

    def __init__(self, root, interval=0.05):
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.peak = self.peak_single = 0
        self._halt = threading.Event()

    def run(self):
        while not self._halt.is_set():
            sizes = [pss_bytes(pid) for pid in tree(self.root)]
            self.peak = max(self.peak, sum(sizes))
            self.peak_single = max([self.peak_single] + sizes)
            self._halt.wait(self.interval)

    def stop(self):
        self._halt.set()
        self.join()


def run_measured(cmd, interval=0.05, **kwargs):
    """(seconds, peak tree PSS, peak single-process PSS, CompletedProcess-like) of one command run.

    Each sample reads every process's smaps: on 2 cores, sampling a long run every 50 ms takes a
    third of a core from what is measured; ``interval`` 0.5 s costs a tenth of that."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)
    sampler = PeakMemory(proc.pid, interval)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - started
    sampler.stop()
    return seconds, sampler.peak, sampler.peak_single, subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def median_seconds(cmd, repeats=5, **kwargs):
    """The median wall time of ``repeats`` runs of ``cmd`` (output discarded)."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, **kwargs)
        times.append(time.perf_counter() - started)
    times.sort()
    return times[len(times) // 2]
