"""How many of the kit's own mutants do the checks catch, and which checks catch them?

    python benchmarks/bug_bank_power.py [--json FILE] [-k EXPR] [--bank tests/test_plot_weights.py ...]

Runs the mutant banks of ``tests/test_ex0*_grading.py``, ``tests/test_plot_weights.py`` and the real learners'
mistakes of ``tests/test_real_mistakes.py`` (the ``*mistake*`` cases: each grades the solutions with one mistake
put in) through pytest,
recording for every mutant the checks that failed on it and the points it lost.
Prints, per exercise, mutants caught (lost points) / mutants, and per check how many
mutants it fails and how many ONLY it catches. A configuration or check can be cut
without loss of power when every mutant stays caught (and named: the bank's own
test asserts the hint). Compare two runs (``--json`` before and after a change).
Separate from ``bug_bank_catch.py`` (public checks): this one grades public+hidden.
"""
import argparse
import collections
import json
import sys
import time
from pathlib import Path

import pytest

KIT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(KIT))  # this kit, not whichever one is installed


class Recorder:
    """A pytest plugin: keeps what every grading done inside a mutant's test found."""

    def __init__(self):
        self.mutants = {}
        self.current = None

    def pytest_configure(self, config):
        from autograder.runner.grade import Grader

        original = Grader.grade
        recorder = self

        def recording(grader, submission, student=None):
            result = original(grader, submission, student=student)
            if recorder.current is not None:
                record = recorder.mutants.setdefault(recorder.current, {"lost": 0, "failing": []})
                record["lost"] += sum(c.max_points - c.points for c in result.checks)
                record["failing"] = sorted(set(record["failing"]) |
                                           {c.name for c in result.checks if c.status != "passed"})
                record["exercise"] = record.get("exercise") or _exercise_of(recorder.current)
            return result
        Grader.grade = recording

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item):
        # A mutant case only (its function is named for the mistake): -k also selects every test of
        # tests/test_real_mistakes.py by its file name, and its correct-style case is no mutant.
        self.current = item.nodeid if "mistake" in item.name.split("[", 1)[0] else None
        yield
        self.current = None

    def pytest_runtest_logreport(self, report):
        if report.when == "call" and report.nodeid in self.mutants:
            self.mutants[report.nodeid]["test_passed"] = report.passed


REAL_BANK = "test_real_mistakes.py"


def _exercise_of(nodeid):
    name = Path(nodeid.split("::")[0]).stem.removeprefix("test_").removesuffix("_grading")
    if name == "real_mistakes":   # the case's id is the mutant's name; the bank knows its exercise
        sys.path.insert(0, str(KIT / "tests"))
        from bank_real_mistakes import MUTANTS

        case = nodeid.split("[", 1)[-1][:-1]   # the id itself may hold brackets (h_n[0])
        return next((f"{m.exercise} (real)" for m in MUTANTS if m.name == case), "real mistakes")
    return "ex01_rnn_layer (plot_weights)" if name == "plot_weights" else name


def summarise(mutants):
    by_exercise = collections.defaultdict(lambda: [0, 0])
    fails, only = collections.Counter(), collections.Counter()
    for record in mutants.values():
        by_exercise[record["exercise"]][1] += 1
        by_exercise[record["exercise"]][0] += record["lost"] > 0
        fails.update(record["failing"])
        if len(record["failing"]) == 1:
            only.update(record["failing"])
    lines = ["mutants caught (lost points) per exercise:"]
    for exercise in sorted(by_exercise):
        caught, total = by_exercise[exercise]
        lines.append(f"  {exercise:20s} {caught}/{total}")
    caught = sum(c for c, _ in by_exercise.values())
    total = sum(t for _, t in by_exercise.values())
    named = sum(bool(r.get("test_passed")) for r in mutants.values())
    lines.append(f"  {'all':20s} {caught}/{total} caught, {named}/{total} caught AND named (the bank's test passed)")
    for label, chosen in (("kit banks", lambda nodeid: REAL_BANK not in nodeid),
                          ("real mistakes", lambda nodeid: REAL_BANK in nodeid)):
        records = [r for nodeid, r in mutants.items() if chosen(nodeid)]
        if records:
            lines.append(f"  {label:20s} {sum(r['lost'] > 0 for r in records)}/{len(records)} caught, "
                         f"{sum(bool(r.get('test_passed')) for r in records)}/{len(records)} caught AND named")
    missed = sorted(nodeid.split("::")[-1] for nodeid, r in mutants.items() if not r.get("test_passed"))
    if missed:
        lines.append("  not caught and named: " + "; ".join(missed))
    lines.append("checks: mutants failed / caught by this check alone")
    for name in sorted(fails):
        lines.append(f"  {name:55s} {fails[name]:3d} / {only[name]}")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="also write every mutant's record to this file")
    parser.add_argument("-k", default="mistake", help="pytest -k expression (default: the mutant cases)")
    parser.add_argument("--bank", action="append", metavar="FILE",
                        help="only this bank (e.g. tests/test_plot_weights.py); repeatable")
    args = parser.parse_args()
    recorder = Recorder()
    started = time.perf_counter()
    files = sorted(str(p) for p in (KIT / "tests").glob("test_ex0*_grading.py")) + [
        str(KIT / "tests" / "test_plot_weights.py"), str(KIT / "tests" / REAL_BANK)]
    if args.bank:
        files = [str(KIT / name) for name in args.bank]
    pytest.main(["-q", "-p", "no:cacheprovider", "-k", args.k, *files], plugins=[recorder])
    print(f"\n== bug banks: {len(recorder.mutants)} mutants, graded in {time.perf_counter() - started:.0f} s")
    for line in summarise(recorder.mutants):
        print(line)
    if args.json:
        Path(args.json).write_text(json.dumps(recorder.mutants, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
