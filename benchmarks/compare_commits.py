"""The same class graded by two versions of the kit, back to back: how much one costs of the other.

    python benchmarks/compare_commits.py OLD [NEW] [--learners 60] [--jobs 2] [--rounds 2]

A machine shared with others is faster in one hour than in the next (this kit's 2-core
development machine: the same checks' floor went from 0.82 to 1.21 s per learner within two
days), so a figure measured yesterday cannot be divided by one measured today. Here both
versions grade ONE class, built from the current checkout's sample class, in alternating
rounds (OLD, NEW, OLD, NEW, ...), so they share the machine's speed of the hour:

* each version runs from a ``git worktree`` of its commit (NEW defaults to the working tree
  itself), with a reference cache of its own, warmed on one learner before any timing;
* each round runs ``rnn-grade batch CLASS --jobs J`` of that version and records its wall
  time and the machine's busy CPU (``/proc/stat``, all cores: a sandboxed worker's CPU is
  not reported to its grandparent's rusage, so the machine's counters are the honest sum;
  run this on an otherwise idle machine);
* it prints both versions' seconds per learner and NEW / OLD of the wall time and the CPU.

Versions whose checks differ grade the learners with different checks: the ratio is then
the cost of grading a class then and now, not of the same work.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
KIT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(KIT))

from grade_class import build_class, well_behaved  # noqa: E402


def busy_core_seconds():
    """Seconds all cores have spent not idle since boot (user, nice, system, irq, softirq)."""
    with open("/proc/stat", encoding="ascii") as handle:
        fields = [int(value) for value in handle.readline().split()[1:8]]
    user, nice, system, _idle, _iowait, irq, softirq = fields
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def batch(kit, cache, cls, out, jobs):
    """One ``rnn-grade batch`` of the kit at ``kit``: (wall seconds, busy core-seconds of the machine)."""
    shutil.rmtree(out, ignore_errors=True)
    # ``python -m`` from the kit's folder imports that folder's autograder before any installed one.
    env = dict(os.environ, RNN_GRADE_CACHE=str(cache), PYTHONPATH=str(kit))
    cpu, started = busy_core_seconds(), time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "autograder.cli", "batch", str(cls), "--out", str(out),
                           "--jobs", str(jobs)], cwd=kit, env=env, capture_output=True, text=True)
    seconds, busy = time.perf_counter() - started, busy_core_seconds() - cpu
    if done.returncode != 0:
        raise SystemExit(f"the batch of {kit} exited {done.returncode}:\n{done.stderr[-3000:]}")
    return seconds, busy


def worktree(commit, work, name):
    path = work / name
    subprocess.run(["git", "worktree", "add", "--detach", str(path), commit], cwd=KIT, check=True,
                   capture_output=True)
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", help="a commit (or any git revision) of this repository")
    parser.add_argument("new", nargs="?", default=None, help="another revision (default: the working tree)")
    parser.add_argument("--learners", type=int, default=60)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="rnn-grade-compare-"))
    trees = []
    try:
        keep, _ = well_behaved(work)
        cls = build_class(work, args.learners, keep)
        versions = {}
        for label, revision in (("old", args.old), ("new", args.new)):
            if revision is None:
                versions[f"{label} (working tree)"] = KIT
            else:
                trees.append(worktree(revision, work, label))
                versions[f"{label} ({revision})"] = trees[-1]
        times = {label: [] for label in versions}
        for label, kit in versions.items():  # each version's reference cache filled, untimed
            batch(kit, work / f"cache-{label[:3]}", cls / sorted(os.listdir(cls))[0], work / "warm", 1)
        for round_number in range(args.rounds):
            for label, kit in versions.items():
                seconds, busy = batch(kit, work / f"cache-{label[:3]}", cls, work / "out", args.jobs)
                times[label].append((seconds, busy))
                print(f"round {round_number + 1}: {label:28s} {seconds:7.1f} s wall, {busy:7.1f} core-s busy",
                      flush=True)
        N = args.learners
        print(f"\n== {N} learners, --jobs {args.jobs}, {args.rounds} alternating rounds (medians)")
        medians = {label: (statistics.median(s for s, _ in runs), statistics.median(b for _, b in runs))
                   for label, runs in times.items()}
        for label, (seconds, busy) in medians.items():
            print(f"{label:28s} {seconds / N * 1000:6.0f} ms per learner (wall), "
                  f"{busy / N * 1000:6.0f} ms of CPU per learner")
        (old_s, old_b), (new_s, new_b) = medians.values()
        print(f"new / old: {new_s / old_s:.2f} of the wall time, {new_b / old_b:.2f} of the CPU")
    finally:
        for path in trees:
            subprocess.run(["git", "worktree", "remove", "--force", str(path)], cwd=KIT, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
