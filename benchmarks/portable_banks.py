"""The solutions, the skeleton, every bug-bank mutant and every public style graded on a Windows-like Python
and on Linux: the same JSON?

    python benchmarks/portable_banks.py [--exercise ex02_forward_pass ...] [--kind mutant --kind style]
                                        [--shard K/N] [--keep DIR]

``tests/test_portable.py`` compares the solutions, the skeleton and a fixed sample (every 10th mutant);
this runs them all (issue 29's "done when"). The entries, in a fixed order:

* ``solutions``: ``solutions/``, every exercise;
* ``skeleton``: ``exercises/``, every exercise;
* ``mutant``: each single-bug mutant of ``tests/bug_banks.py`` (the kit's banks and
  ``tests/bank_real_mistakes.py``), on its own exercise's public checks;
* ``style``: each correct style of ``tests/bank_public_styles.py``, on its own exercise's public checks.

Each entry is graded twice: under the Windows-like harness (``tests/windows_like/sitecustomize.py``: no
fcntl, resource, fork, AF_UNIX or /proc, so ``auto`` is the portable backend) and with ``--isolation
plain`` on Linux, each side by one grader (``tests/windows_like/grade_folders.py``). Prints the entries
whose documents differ (points, statuses, feedback, notes without the isolation warning; the first
check that differs and how), the count that agree, and exits 1 when any differ. ``--shard K/N`` grades
the K-th of N interleaved shards (1-based) of the fixed order, for a machine too slow for one run;
the shards together are the whole run. ``--keep DIR`` writes both sides' documents there.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HARNESS = ROOT / "tests" / "windows_like"
sys.path[:0] = [str(ROOT / "tests"), str(HARNESS), str(ROOT)]

from bank_public_styles import STYLES, write_submission  # noqa: E402
from bug_banks import all_mutants, submission_builder  # noqa: E402

KINDS = ("solutions", "skeleton", "mutant", "style")


def entries(exercises=None, kinds=KINDS):
    """[(kind, name, exercise or "", build(folder) -> the folder to grade)] in the fixed order."""
    listed = []
    if "solutions" in kinds:
        listed.append(("solutions", "solutions/", "", lambda tmp: ROOT / "solutions"))
    if "skeleton" in kinds:
        listed.append(("skeleton", "exercises/", "", lambda tmp: ROOT / "exercises"))
    if "mutant" in kinds:
        listed += [("mutant", m.name, m.exercise, lambda tmp, m=m: m.build(submission_builder(tmp)))
                   for m in all_mutants()]
    if "style" in kinds:
        listed += [("style", s.name, s.exercise, lambda tmp, s=s: write_submission(s, Path(tmp) / "learner"))
                   for s in STYLES]
    if exercises:
        listed = [e for e in listed if not e[2] or e[2] in exercises]
    return listed


def first_difference(mine, theirs):
    """A short phrase: where two documents first differ (a check's score, status or output; the output)."""
    tests_a, tests_b = mine.get("tests", []), theirs.get("tests", [])
    if [t.get("name") for t in tests_a] != [t.get("name") for t in tests_b]:
        return f"the checks differ: {len(tests_a)} against {len(tests_b)}"
    for a, b in zip(tests_a, tests_b):
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                return f"{a.get('name')}: {key} {str(a.get(key))[:300]!r} against {str(b.get(key))[:300]!r}"
    for key in sorted(set(mine) | set(theirs)):
        if mine.get(key) != theirs.get(key):
            return f"{key}: {str(mine.get(key))[:300]!r} against {str(theirs.get(key))[:300]!r}"
    return "?"


def grade_side(side, isolation, extra_env, jobs):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HARNESS), str(ROOT)]), **extra_env)
    started = time.monotonic()
    done = subprocess.run([sys.executable, str(HARNESS / "grade_folders.py"), "--isolation", isolation, *jobs],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{side}: {done.stderr[-3000:]}")
    print(f"{side}: {len(jobs)} entries graded in {time.monotonic() - started:.0f} s", flush=True)
    return json.loads(done.stdout)


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--exercise", action="append", help="only entries of this exercise (repeatable)")
    parser.add_argument("--kind", action="append", choices=KINDS, help="only entries of this kind (repeatable)")
    parser.add_argument("--shard", default="1/1", help="K/N: the K-th of N interleaved shards")
    parser.add_argument("--keep", help="write both sides' documents to this folder")
    args = parser.parse_args(argv)
    shard, shards = (int(part) for part in args.shard.split("/"))
    listed = entries(args.exercise, args.kind or KINDS)[shard - 1::shards]
    with tempfile.TemporaryDirectory(prefix="rnn-grade-banks-") as tmp:
        jobs = {}
        for number, (kind, name, exercise, build) in enumerate(listed):
            folder = build(Path(tmp) / f"e{number}")
            jobs[f"{folder}:{exercise}"] = (kind, name, exercise)
        windows_like = grade_side("windows-like", "auto", {"RNN_GRADE_WINDOWS_LIKE": "1"}, list(jobs))
        linux = grade_side("linux", "plain", {}, list(jobs))
    if args.keep:
        Path(args.keep).mkdir(parents=True, exist_ok=True)
        for side, documents in (("windows-like", windows_like), ("linux", linux)):
            named = {f"{kind} {name}": documents[job] for job, (kind, name, _) in jobs.items()}
            (Path(args.keep) / f"{side}-{shard}of{shards}.json").write_text(json.dumps(named, indent=1))
    backends = {windows_like[j].pop("isolation") for j in jobs}, {linux[j].pop("isolation") for j in jobs}
    differ = [job for job in jobs if windows_like[job] != linux[job]]
    for job in differ:
        kind, name, exercise = jobs[job]
        print(f"DIFFERS  {kind} {exercise} {name}: {first_difference(windows_like[job], linux[job])}")
    counts = {kind: sum(1 for k, _, _ in jobs.values() if k == kind) for kind in KINDS}
    print(f"shard {shard}/{shards}: {len(jobs) - len(differ)} of {len(jobs)} entries "
          f"({', '.join(f'{n} {k}' for k, n in counts.items() if n)}): the same JSON under the Windows-like "
          f"harness ({'/'.join(sorted(backends[0]))}) as on Linux ({'/'.join(sorted(backends[1]))}); "
          f"{len(differ)} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
