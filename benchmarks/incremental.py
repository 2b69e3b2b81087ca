"""Incremental grading against a full run: prints wall times; asserts nothing (timings are noisy).

    python benchmarks/incremental.py [--learners 200] [--jobs 2] [--resubmit 0.05]

1. Builds a class of N learners the way ``grade_class.py`` does (the sample class repeated, without
   the learners whose grading hits a time limit).
2. Full run: ``rnn-grade batch CLASS --out OUT --incremental`` on an empty OUT (every exercise of
   every learner graded; the cache filled).
3. A new download: a fraction of the learners (default 5 %) resubmit ONE changed module each (another
   sample learner's version of that exercise, the exercise cycling through the six).
4. Re-run with ``--incremental`` into the same OUT: only the resubmitted exercises are graded.
   The two gradebooks are compared with a full regrade's (``--resume`` off, no cache) of the new
   download for the resubmitted learners: incremental must give the same points.
"""
import argparse
import csv
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from grade_class import CLI, build_class, well_behaved  # noqa: E402

from autograder.exercises import MODULES  # noqa: E402


def timed_batch(cls, out, *extra):
    started = time.monotonic()
    subprocess.run(CLI + ["batch", str(cls), "--out", str(out)] + list(extra), cwd=HERE.parent,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.monotonic() - started


def gradebook(out):
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as handle:
        return {row["student"]: row for row in csv.DictReader(handle)}


def resubmit(cls, fraction):
    """Change one module of every 1/fraction-th learner; returns the changed learners' folder names."""
    learners = sorted(p for p in cls.iterdir() if p.is_dir())
    step = max(1, round(1 / fraction))
    changed = []
    for number, folder in enumerate(learners[::step]):
        module = f"{MODULES[number % len(MODULES)]}.py"
        donors = [p for p in learners if (p / module).is_file() and
                  (p / module).read_bytes() != (folder / module).read_bytes()] if (folder / module).exists() else []
        if donors:
            shutil.copy(donors[number % len(donors)] / module, folder / module)
        else:
            with open(folder / module, "a", encoding="utf-8") as handle:
                handle.write("\n# resubmitted\n")
        changed.append(folder.name)
    return changed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--resubmit", type=float, default=0.05, help="fraction of learners who resubmit")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="rnn-grade-incremental-"))
    try:
        keep, left_out = well_behaved(work)
        cls = build_class(work, args.learners, keep)
        jobs = ["--jobs", str(args.jobs)]
        full = timed_batch(cls, work / "out", "--incremental", *jobs)
        changed = resubmit(cls, args.resubmit)
        again = timed_batch(cls, work / "out", "--incremental", *jobs)
        fresh = timed_batch(cls, work / "fresh", *jobs)
        incremental_book, fresh_book = gradebook(work / "out"), gradebook(work / "fresh")
        differ = [name for name in fresh_book if fresh_book[name] != incremental_book.get(name)]
        print(f"class: {args.learners} learners (sample learners {', '.join(keep)}; left out {', '.join(left_out)}), "
              f"--jobs {args.jobs}")
        print(f"full run (empty cache):                {full:7.1f} s")
        print(f"re-run, {len(changed)} learners resubmitted one module ({len(changed) / args.learners:.0%}): "
              f"{again:7.1f} s  ({full / again:.1f}x faster)")
        print(f"full regrade of the new download:      {fresh:7.1f} s")
        print(f"gradebook rows differing between the incremental re-run and the full regrade: {len(differ)}"
              + (f" ({', '.join(differ[:5])})" if differ else ""))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
