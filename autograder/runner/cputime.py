"""What a learner's processes cost, read from /proc in the grader: CPU of the whole tree, waiting for a CPU.

Time limits are CPU time so that learners graded side by side stay independent:
a neighbour's load slows an honest learner's clock, never its CPU time. RLIMIT_CPU
binds one process only (a learner's children each get their own), so the tree is
summed here: every process below the fork server, its own time (``utime + stime``)
and that of children it has reaped (``cutime + cstime``). The fork server itself
reaps orphans and the worker, so its children's times count too; its own time is
constant while a worker runs (it waits for the grader's next request), and
``TreeClock`` counts differences from the worker's start.

The wall clock stays a backstop for code that waits without computing (a sleep);
the time the tree's processes spent runnable but waiting for a CPU
(``/proc/<pid>/schedstat``) is taken off it, so a busy machine does not use it up either.
"""
import os
import time

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat_fields(pid):
    """The fields of /proc/<pid>/stat after the command name, or None."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            text = handle.read().decode("ascii", "replace")
    except OSError:
        return None
    return text.rsplit(")", 1)[-1].split()


def _children(pid):
    """Direct children of ``pid`` (every thread's list), or None when the kernel does not list them."""
    found = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", "rb") as handle:
                found += [int(p) for p in handle.read().split()]
        except FileNotFoundError:
            return None
        except OSError:
            continue
    return found


def _children_by_scan():
    table = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat_fields(entry)
            if fields and len(fields) > 1:
                table.setdefault(int(fields[1]), []).append(int(entry))
    return table


def tree(root):
    """``root`` and the pids of every process below it."""
    found, stack, table = [root], [root], None
    while stack:
        pid = stack.pop()
        kids = _children(pid) if table is None else None
        if kids is None:
            table = table if table is not None else _children_by_scan()
            kids = table.get(pid, [])
        found += kids
        stack += kids
    return found


def sample(root):
    """(CPU seconds used by ``root``, everything below it and every child they reaped,
    {pid: seconds it was runnable but waiting for a CPU}) of the tree below ``root``."""
    ticks, waits = 0, {}
    for pid in tree(root):
        fields = _stat_fields(pid)
        if fields and len(fields) > 14:
            ticks += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
            waits[pid] = run_delay_seconds(pid)
    return ticks / TICK, waits


def run_delay_seconds(pid):
    """Seconds ``pid`` was runnable but waiting for a CPU (0 when the kernel does not say)."""
    try:
        with open(f"/proc/{pid}/schedstat", "rb") as handle:
            return int(handle.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


class TreeClock:
    """A call's use of its limits, from now: CPU seconds of the tree below ``root``, and the wall clock
    less the time the tree's processes were kept waiting for a CPU (any process that wants to run
    either runs, which costs CPU time, or waits, which the backstop does not count)."""

    def __init__(self, root):
        self.root = root
        self.started = time.monotonic()
        self.cpu_start, self.wait_start = sample(root) if root else (0.0, {})
        self.waits = dict(self.wait_start)  # pid -> the latest wait seen (kept when the process ends)
        self.cpu_now = self.cpu_start

    def poll(self):
        if self.root:
            self.cpu_now, waits = sample(self.root)
            self.waits.update(waits)

    def cpu(self):
        return max(0.0, self.cpu_now - self.cpu_start)

    def waited(self):
        """Wall seconds since the start, less the time the tree was kept from running."""
        kept = sum(max(0.0, wait - self.wait_start.get(pid, 0.0)) for pid, wait in self.waits.items())
        return time.monotonic() - self.started - kept
