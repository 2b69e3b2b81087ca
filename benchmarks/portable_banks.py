"""Every bug-bank mutant graded on a Windows-like Python and on Linux: the same JSON?

    python benchmarks/portable_banks.py [--exercise ex02_forward_pass ...]

``tests/test_portable.py`` compares a fixed sample (every 10th mutant); this runs them all. Each
mutant of ``tests/bug_banks.py`` is graded on its own exercise's public checks twice: under the
Windows-like harness (``tests/windows_like/sitecustomize.py``: no fcntl, resource, fork, AF_UNIX or
/proc, so ``auto`` is the portable backend) and with ``--isolation plain`` on Linux, each side by
one grader (``tests/windows_like/grade_folders.py``). Prints the mutants whose documents differ
(points, statuses, feedback, notes without the isolation warning) and the count that agree; exits 1
when any differ.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HARNESS = ROOT / "tests" / "windows_like"
sys.path[:0] = [str(ROOT / "tests"), str(HARNESS), str(ROOT)]

from bug_banks import all_mutants, submission_builder  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--exercise", action="append")
    args = parser.parse_args(argv)
    mutants = [m for m in all_mutants() if not args.exercise or m.exercise in args.exercise]
    with tempfile.TemporaryDirectory(prefix="rnn-grade-banks-") as tmp:
        jobs = {}
        for number, mutant in enumerate(mutants):
            folder = mutant.build(submission_builder(Path(tmp) / f"m{number}"))
            jobs[f"{folder}:{mutant.exercise}"] = mutant
        sides = {}
        for side, isolation, extra in (("windows-like", "auto", {"RNN_GRADE_WINDOWS_LIKE": "1"}),
                                       ("linux", "plain", {})):
            env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HARNESS), str(ROOT)]), **extra)
            done = subprocess.run([sys.executable, str(HARNESS / "grade_folders.py"), "--isolation", isolation,
                                   *jobs], cwd=ROOT, env=env, capture_output=True, text=True)
            if done.returncode != 0:
                raise SystemExit(f"{side}: {done.stderr[-3000:]}")
            sides[side] = json.loads(done.stdout)
    windows_like, linux = sides["windows-like"], sides["linux"]
    backends = {windows_like[j].pop("isolation") for j in jobs}, {linux[j].pop("isolation") for j in jobs}
    differ = [mutant for job, mutant in jobs.items() if windows_like[job] != linux[job]]
    for mutant in differ:
        print(f"DIFFERS  {mutant.exercise} {mutant.name}")
    print(f"{len(jobs) - len(differ)} of {len(jobs)} mutants: the same JSON under the Windows-like harness "
          f"({'/'.join(sorted(backends[0]))}) as on Linux ({'/'.join(sorted(backends[1]))})")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
