"""How fast is grading? Prints figures; asserts nothing (timings here are noisy).

    python benchmarks/grade_class.py [--learners 100] [--jobs 2] [--nbgrader 20] [--check-repeats 5]

1. Builds a class of N learners by repeating the sample class (``examples/class``),
   leaving out learners whose grading hits a time limit or kills a worker: a
   limit costs the same in any design, and the floor below runs learner code
   in-process, where a hang would never end.
2. ``rnn-grade batch`` on it (isolated workers, warm fork servers, cached reference):
   wall time and the peak memory (PSS) of its whole process tree.
3. The floor: the same checks for every learner in ONE warm process with no
   isolation at all (``Grader(isolation="none")``), timed over the learners only.
4. Figures against the targets of the issue: batch / (floor / jobs), per-learner
   overhead above the floor, peak memory above one worker's.
5. The learner side: ``rnn-grade check`` on the skeleton against a bare
   ``python -c "import torch"`` (medians).
6. With ``--nbgrader K`` (K > 0): K learners graded on one exercise by the real
   ``nbgrader autograde`` through the generated nbgrader course (each learner's module
   turned into the notebook they would hand in), against ``rnn-grade batch`` on the
   same learners and exercise and ``rnn-grade nbgrader-grade`` on the same course's
   submitted notebooks (grades written into its gradebook.db), in the same run.
"""
import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from measure import median_seconds, run_measured  # noqa: E402

from autograder.intake import find_submissions  # noqa: E402
from autograder.paths import EXERCISES, SAMPLE_CLASS  # noqa: E402

CLI = [sys.executable, "-m", "autograder.cli"]
MIB = 1024 ** 2


def well_behaved(work):
    """Names of sample learners whose grading hits no limit (one isolated batch tells)."""
    out = work / "probe"
    subprocess.run(CLI + ["batch", str(SAMPLE_CLASS), "--out", str(out)], cwd=HERE.parent,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    keep, left_out = [], []
    for record in sorted((out / ".rnn-grade" / "records").glob("*.json")):
        data = json.loads(record.read_text())
        result = data["result"]
        statuses = {c["status"] for c in result["checks"]}
        (left_out if statuses & {"timeout", "crash"} else keep).append(data["student"])
    return keep, left_out


def build_class(work, count, names):
    """``count`` learner folders, cycling through the sample learners ``names``."""
    learners = {s.name: s for s in find_submissions(SAMPLE_CLASS).submissions if s.name in names}
    cls = work / "class"
    cls.mkdir()
    order = sorted(learners)
    for index in range(count):
        source = learners[order[index % len(order)]]
        source.write_copy(cls / f"learner-{index:03d}-{source.name}")
    return cls


ISOLATION_SCRIPT = """
import sys, time, json
from pathlib import Path
from autograder.runner.grade import Grader
from autograder.runner.reference import CachedReference
from autograder.paths import SOLUTIONS
folders = sorted(p for p in Path(sys.argv[1]).iterdir() if p.is_dir())[:int(sys.argv[2])]
seconds = {}
for mode in ("none", "auto"):
    with Grader(CachedReference(SOLUTIONS), include_hidden=True, isolation=mode) as grader:
        grader.grade(folders[0])  # warm
        started = time.perf_counter()
        for folder in folders:
            grader.grade(folder)
        seconds[mode] = time.perf_counter() - started
print(json.dumps(seconds))
"""


def isolation_overhead(cls, count):
    """Seconds per learner that isolation adds, graded one after another in one warm process."""
    done = subprocess.run([sys.executable, "-c", ISOLATION_SCRIPT, str(cls), str(count)], cwd=HERE.parent,
                          capture_output=True, text=True, check=True)
    seconds = json.loads(done.stdout.strip().splitlines()[-1])
    return seconds["none"] / count, seconds["auto"] / count


FLOOR_SCRIPT = """
import sys, time, json
from pathlib import Path
from autograder.runner.grade import Grader
from autograder.runner.reference import CachedReference
from autograder.paths import SOLUTIONS
folders = sorted(p for p in Path(sys.argv[1]).iterdir() if p.is_dir())[:int(sys.argv[2])]
with Grader(CachedReference(SOLUTIONS), include_hidden=True, isolation="none") as grader:
    grader.grade(folders[0])  # warm: imports, first-call costs
    started = time.perf_counter()
    totals = [grader.grade(folder).total for folder in folders]
    print(json.dumps({"seconds": time.perf_counter() - started, "totals": totals}))
"""


def floor(cls, count):
    """The floor over the class's first ``count`` learners (in name order, as the gradebook lists them)."""
    done = subprocess.run([sys.executable, "-c", FLOOR_SCRIPT, str(cls), str(count)], cwd=HERE.parent,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def gradebook_totals(out):
    lines = (out / "gradebook.csv").read_text().splitlines()[1:]
    return [float(line.split(",")[1]) for line in lines]


def nbgrader_side_by_side(work, cls, count, jobs, exercise):
    """(nbgrader seconds, our seconds, learners) for up to ``count`` learners of ``cls`` on one exercise."""
    import nbgrader_side

    folders = [p for p in sorted(cls.iterdir()) if p.is_dir() and nbgrader_side.convertible(p, [exercise])]
    small = work / "nb-class"
    small.mkdir()
    for folder in folders[:count]:
        shutil.copytree(folder, small / folder.name)
    learners = sorted(small.iterdir())
    nb = nbgrader_side.autograde_seconds(learners, work, [exercise])
    ours, _, _, done = run_measured(CLI + ["batch", str(small), "--out", str(work / "nb-ours"), "--jobs", str(jobs),
                                           "--exercise", exercise], cwd=HERE.parent)
    # The same submitted notebooks graded into nbgrader's gradebook without running the kernel.
    path = nbgrader_side.kit_path_seconds(work, jobs)
    return nb, ours, path, len(learners)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--nbgrader", type=int, default=0, metavar="K",
                        help="also grade K learners with the real nbgrader autograde (0: skip)")
    parser.add_argument("--nbgrader-exercise", default="ex02_forward_pass",
                        help="the exercise both sides grade in the nbgrader comparison")
    parser.add_argument("--check-repeats", type=int, default=5)
    parser.add_argument("--floor-learners", type=int, default=0, metavar="K",
                        help="time the floor on the first K learners only, scaled to the class (0: all); "
                             "a class cycles through the sample learners, so a multiple of their number is fair")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="rnn-grade-bench-"))
    try:
        keep, left_out = well_behaved(work)
        print(f"sample learners used: {', '.join(keep)}; left out (they hit a limit): {', '.join(left_out) or '-'}")
        cls = build_class(work, args.learners, keep)
        N, J = args.learners, args.jobs

        seconds, peak, peak_single, done = run_measured(
            CLI + ["batch", str(cls), "--out", str(work / "out"), "--jobs", str(J)], cwd=HERE.parent,
            interval=0.5 if N >= 200 else 0.05)  # a pool's memory is steady; the sampler's CPU is not free
        if done.returncode != 0:
            print(done.stdout[-2000:], done.stderr[-2000:])
            raise SystemExit(f"rnn-grade batch exited with {done.returncode}")
        sampled = min(args.floor_learners or N, N)
        floor_run = floor(cls, sampled)
        same = gradebook_totals(work / "out")[:sampled] == floor_run["totals"]
        floor_seconds = floor_run["seconds"] * N / sampled

        print(f"\n== Batch of {N} learners, --jobs {J}, on {J} cores")
        print(f"rnn-grade batch wall time      {seconds:8.1f} s   ({seconds / N * 1000:.0f} ms per learner)")
        print(f"floor (one process, no isolation) {floor_seconds:5.1f} s   ({floor_seconds / N * 1000:.0f} ms "
              f"per learner, serial" + (f"; timed on {sampled} learners" if sampled < N else "") + ")")
        print(f"floor / jobs                   {floor_seconds / J:8.1f} s")
        print(f"batch / (floor / jobs)         {seconds / (floor_seconds / J):8.2f}     (target <= 1.3)")
        overhead = (seconds * J - floor_seconds) / N
        print(f"batch time x jobs - floor, / N {overhead * 1000:8.0f} ms  (everything above a perfect {J}-way "
              f"split of the floor: start-up, parallel losses, isolation)")
        print(f"peak memory, whole tree        {peak / MIB:8.0f} MiB (PSS)")
        print(f"peak memory, largest process   {peak_single / MIB:8.0f} MiB")
        print(f"tree above one process         {(peak - peak_single) / MIB:8.0f} MiB (target < 2048)")
        print(f"same totals as the floor       {'yes' if same else 'NO'}")
        count = min(N, 20)
        bare_each, isolated_each = isolation_overhead(cls, count)
        print(f"isolation cost per learner     {(isolated_each - bare_each) * 1000:8.0f} ms  (target <= 100 ms; "
              f"{count} learners one after another in one warm process: {isolated_each * 1000:.0f} ms isolated "
              f"vs {bare_each * 1000:.0f} ms in-process)")

        bare = median_seconds([sys.executable, "-c", "import torch"], args.check_repeats)
        check = median_seconds(CLI + ["check", str(EXERCISES)], args.check_repeats, cwd=HERE.parent)
        print(f"\n== Learner side (median of {args.check_repeats})")
        print(f"python -c 'import torch'       {bare:8.2f} s")
        print(f"rnn-grade check (skeleton)     {check:8.2f} s")
        print(f"ratio                          {check / bare:8.2f}     (target <= 1.3)")

        if args.nbgrader:
            nb, ours, path, count = nbgrader_side_by_side(work, cls, args.nbgrader, J, args.nbgrader_exercise)
            print(f"\n== Side by side with nbgrader autograde: {count} learners, {args.nbgrader_exercise} "
                  f"(one notebook each), public and hidden checks")
            print(f"nbgrader autograde             {nb:8.1f} s   ({nb / count:.2f} s per learner)")
            print(f"rnn-grade batch --jobs {J}        {ours:8.1f} s   ({ours / count:.2f} s per learner)")
            print(f"rnn-grade nbgrader-grade       {path:8.1f} s   ({path / count:.2f} s per learner: reads the "
                  f"submitted notebooks, grades, writes gradebook.db)")
            print(f"speed-up                       {nb / ours:8.1f} x   (target >= 30)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"\n(benchmark took {time.perf_counter() - started:.0f} s)")
