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
UNREAD_SECONDS = 0.02   # a call shorter than this is read with the next one (see TreeClock.read_cpu)


def psutil_tree_seconds(pid):
    """CPU seconds of ``pid`` and every process below it (their own and their reaped children's), through
    psutil where /proc cannot be read (macOS, Windows); None when psutil is missing or ``pid`` is gone."""
    try:
        import psutil
    except ImportError:
        return None
    try:
        root = psutil.Process(pid)
        family = [root] + root.children(recursive=True)
    except psutil.Error:
        return None
    total = 0.0
    for process in family:
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system + getattr(times, "children_user", 0.0) + \
            getattr(times, "children_system", 0.0)
    return total


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
    return _read_tree(root, with_waits=True)


def cpu_seconds(root):
    """The CPU part of ``sample`` alone: what every call's start and end need, at half the reads."""
    return _read_tree(root, with_waits=False)[0]


def _read_tree(root, with_waits):
    ticks, waits = 0, {}
    for pid in tree(root):
        fields = _stat_fields(pid)
        if fields and len(fields) > 14:
            ticks += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
            if with_waits:
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
    either runs, which costs CPU time, or waits, which the backstop does not count).

    Most calls last a few milliseconds, and a grader makes hundreds per learner: reading /proc costs
    more than many of them. So ``since`` may carry the tree's CPU total read at the end of the call
    before (in the same tree nothing runs between two calls but the worker waiting for the next
    request), and the waits for a CPU are first read at the first ``poll``, which only a call that
    lasts ``POLL_SECONDS`` reaches (the backstop, many times the CPU limit, may then count up to
    that first interval's waits too).
    """

    def __init__(self, root, since=None):
        self.root = root
        self.started = time.monotonic()
        # (root, the tree's CPU total, when it was read): the ``mark`` of the call before, used only
        # if it was read from the same root. A fork server started afresh (a learner's process may
        # kill it) has a total of its own: an old server's larger total would make every call free.
        if since is not None and since[0] == root:
            self.cpu_start, self.read_at = since[1], since[2]
        else:
            self.cpu_start, self.read_at = (cpu_seconds(root) if root else 0.0), self.started
        self.wait_start = None    # pid -> its wait for a CPU at the first poll
        self.waits = {}           # pid -> the latest wait seen (kept when the process ends)
        self.cpu_now = self.cpu_start

    def poll(self):
        if self.root:
            self.cpu_now, waits = sample(self.root)
            self.read_at = time.monotonic()
            if self.wait_start is None:
                self.wait_start = dict(waits)
            self.waits.update(waits)

    def read_cpu(self):
        """Read the tree's CPU total now (no waits); returns it.

        When the total was last read less than ``UNREAD_SECONDS`` ago (by this call or the ones just
        before), it is not read again: the next call's clock then starts from that older reading and
        counts this call's CPU with its own (at most that many milliseconds, late rather than lost).
        Most calls are this short, and reading /proc costs a fair share of them.
        """
        now = time.monotonic()
        if self.root and (self.wait_start is not None or now - self.read_at >= UNREAD_SECONDS):
            self.cpu_now = max(self.cpu_now, cpu_seconds(self.root))
            self.read_at = now
        return self.cpu_now

    @property
    def mark(self):
        """Where the next call's clock starts: ``since`` for it."""
        return self.root, self.cpu_now, self.read_at

    def cpu(self):
        return max(0.0, self.cpu_now - self.cpu_start)

    def idle_seconds(self):
        """Wall seconds neither computing nor waiting for a CPU; none before the first poll."""
        if self.wait_start is None:
            return 0.0
        return max(0.0, self.waited() - self.cpu())

    def waited(self):
        """Wall seconds since the start, less the time the tree was kept from running."""
        start = self.wait_start or {}
        kept = sum(max(0.0, wait - start.get(pid, 0.0)) for pid, wait in self.waits.items())
        return time.monotonic() - self.started - kept
