"""The same class on the local pool and on a local Dask cluster of 1 and 2 worker processes.

    python benchmarks/dask_scaling.py [--learners 40] [--jobs 2] [--workers 1,2]

Builds a class of N learners from the sample class (``grade_class.build_class``,
leaving out the learner whose endless loop only measures the time limit), then, in
ONE run so that the machine's load is shared alike:

1. ``rnn-grade batch CLASS --jobs J`` (the local pool), and with ``--jobs 1``: how much a
   second process gains on this machine when nothing but the pool runs, the ceiling for
   Dask's own gain from a second worker process;
2. for each K of ``--workers``: ``dask scheduler`` and ``dask worker --nworkers K
   --nthreads 1`` on loopback, then ``rnn-grade batch CLASS --scheduler ADDRESS``.

Each batch is timed from its command's start to its end (so the pool's process
start and the Dask workers' Grader start are both counted; the cluster itself is
started before). Prints learners per second, the ratio to the local pool, the
gain from 1 to K processes on both sides, and whether every gradebook is the local one. Needs ``distributed`` (pip install -e '.[dask]').
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
KIT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(KIT))

from grade_class import build_class  # noqa: E402

from autograder.intake import find_submissions  # noqa: E402
from autograder.paths import SAMPLE_CLASS  # noqa: E402

CLI = [sys.executable, "-m", "autograder.cli"]
SLOW_BY_DESIGN = {"ivan"}  # an endless loop: it measures the time limit, the same in any design


def timed(cmd):
    """(seconds from the command's start to its end, seconds from its first learner's result to its end)."""
    started = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=KIT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    first, tail = None, []
    for line in process.stderr:  # the progress lines, "[k/N] learner: points (seconds)"
        if first is None and line.startswith("[1/"):
            first = time.perf_counter()
        tail = (tail + [line])[-60:]
    if process.wait() != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {process.returncode}:\n{''.join(tail)[-3000:]}")
    ended = time.perf_counter()
    return ended - started, ended - (first or started)


class LocalCluster:
    """``dask scheduler`` + ``dask worker --nworkers K --nthreads 1`` as subprocesses, on loopback."""

    def __init__(self, work, workers):
        self.work, self.workers, self.processes = work, workers, []

    def __enter__(self):
        scheduler_file = self.work / f"scheduler-{self.workers}.json"
        self._start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                    "--scheduler-file", str(scheduler_file))
        while not scheduler_file.exists():
            time.sleep(0.2)
        self.address = json.loads(scheduler_file.read_text())["address"]
        self._start("worker", self.address, "--nworkers", str(self.workers), "--nthreads", "1",
                    "--no-dashboard", "--host", "127.0.0.1")
        from distributed import Client

        with Client(self.address, timeout=30) as client:
            client.wait_for_workers(self.workers, timeout=120)
        return self

    def _start(self, *args):
        log = open(self.work / f"dask-{self.workers}-{len(self.processes)}.log", "wb")
        # As the README advises for grading workers: Dask's monitors sample rarely, no task profiler.
        env = dict(os.environ, DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED="False",
                   DASK_DISTRIBUTED__ADMIN__SYSTEM_MONITOR__INTERVAL="5s")
        self.processes.append(subprocess.Popen([sys.executable, "-m", "dask", *args], cwd=KIT, stdout=log,
                                               stderr=subprocess.STDOUT, start_new_session=True, env=env))

    def __exit__(self, *exc):
        for process in reversed(self.processes):
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--workers", default="1,2", help="worker process counts to try, comma-separated")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="rnn-grade-dask-bench-"))
    try:
        names = [s.name for s in find_submissions(SAMPLE_CLASS).submissions if s.name not in SLOW_BY_DESIGN]
        cls = build_class(work, args.learners, names)
        N = args.learners
        # The reference cache and self-check are filled first, so no run pays for them.
        timed(CLI + ["batch", str(cls / sorted(os.listdir(cls))[0]), "--out", str(work / "warm"), "--jobs", "1"])
        runs = {}
        runs[f"local pool, --jobs {args.jobs}"] = timed(
            CLI + ["batch", str(cls), "--out", str(work / "local"), "--jobs", str(args.jobs)])
        if args.jobs > 1:
            runs["local pool, --jobs 1"] = timed(
                CLI + ["batch", str(cls), "--out", str(work / "local-1"), "--jobs", "1"])
        gradebooks = {}
        for count in [int(k) for k in args.workers.split(",")]:
            with LocalCluster(work, count) as cluster:
                out = work / f"dask-{count}"
                runs[f"Dask, {count} worker process{'es' if count > 1 else ''}"] = timed(
                    CLI + ["batch", str(cls), "--out", str(out), "--scheduler", cluster.address])
                gradebooks[count] = (out / "gradebook.csv").read_text()
        local, local_steady = runs[f"local pool, --jobs {args.jobs}"]
        print(f"\n== {N} learners, all six exercises, public + hidden checks, on {os.cpu_count()} cores")
        print("whole run: from the command's start (pool or Dask workers' graders starting, reference shipped);")
        print("steady: from the first learner's result on, learners 2..N (start-up left out)")
        print(f"{'run':32s} {'seconds':>8s} {'learners/s':>11s} {'vs local':>9s} {'steady l/s':>11s} {'vs local':>9s}")
        for name, (seconds, steady) in runs.items():
            print(f"{name:32s} {seconds:8.1f} {N / seconds:11.3f} {local / seconds:9.2f} "
                  f"{(N - 1) / steady:11.3f} {local_steady / steady:9.2f}")
        if args.jobs > 1 and "Dask, 1 worker process" in runs:
            # Near-linear is judged against what the machine itself allows: the local pool's own gain.
            one, one_steady = runs["local pool, --jobs 1"]
            dask_one, dask_one_steady = runs["Dask, 1 worker process"]
            print(f"\ngain from 1 process:  local pool --jobs {args.jobs}: {one / local:.2f} x "
                  f"(steady {one_steady / local_steady:.2f} x)")
            for name, (seconds, steady) in runs.items():
                if name.startswith("Dask") and name != "Dask, 1 worker process":
                    print(f"{'':22s}{name}: {dask_one / seconds:.2f} x (steady {dask_one_steady / steady:.2f} x)")
        others = list(gradebooks.values())
        if (work / "local-1").exists():
            others.append((work / "local-1" / "gradebook.csv").read_text())
        same = all(text == (work / "local" / "gradebook.csv").read_text() for text in others)
        print(f"every other gradebook (Dask, --jobs 1) is the local pool's: {'yes' if same else 'NO'}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"\n(benchmark took {time.perf_counter() - started:.0f} s)")
