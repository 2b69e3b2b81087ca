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
the time the worker spent runnable but waiting for a CPU (``/proc/<pid>/schedstat``)
is taken off it, so a busy machine does not use it up either.
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


def tree_cpu_seconds(root):
    """CPU seconds used by ``root``, everything below it and every child they reaped."""
    ticks = 0
    for pid in tree(root):
        fields = _stat_fields(pid)
        if fields and len(fields) > 14:
            ticks += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
    return ticks / TICK


def run_delay_seconds(pid):
    """Seconds ``pid`` was runnable but waiting for a CPU (0 when the kernel does not say)."""
    try:
        with open(f"/proc/{pid}/schedstat", "rb") as handle:
            return int(handle.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def host_pid(root, inner_pid):
    """The pid, as this process sees it, of the process below ``root`` that calls itself ``inner_pid``
    in its own PID namespace (bubblewrap's); ``inner_pid`` itself when there is no other namespace."""
    for pid in tree(root):
        try:
            with open(f"/proc/{pid}/status", "rb") as handle:
                line = next((l for l in handle if l.startswith(b"NSpid:")), b"")
        except OSError:
            continue
        ids = line.split()[1:]
        if ids and int(ids[-1]) == inner_pid and pid != root:
            return pid
    return inner_pid


class TreeClock:
    """A call's use of its limits: CPU of the tree below ``root`` since now, and the wall clock minus
    the worker's wait for a CPU."""

    def __init__(self, root, worker_pid):
        self.root, self.worker = root, worker_pid
        self.started = time.monotonic()
        self.cpu_start = tree_cpu_seconds(root) if root else 0.0
        self.delay_start = run_delay_seconds(worker_pid) if worker_pid else 0.0

    def cpu(self):
        return max(0.0, tree_cpu_seconds(self.root) - self.cpu_start) if self.root else 0.0

    def waited(self):
        """Wall seconds since the start, less the time the worker was kept from running."""
        wall = time.monotonic() - self.started
        if not self.worker:
            return wall
        return wall - max(0.0, run_delay_seconds(self.worker) - self.delay_start)
