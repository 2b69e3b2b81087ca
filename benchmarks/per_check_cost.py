"""Where a learner's grading time goes: seconds per check, in one warm process, no isolation.

    python benchmarks/per_check_cost.py [--learner ada] [--repeats 3] [--isolation none|auto]

Grades one learner of the sample class (default ``ada``: full marks, so every check
runs to its end) with the public and hidden checks, once to warm up (imports, first
calls, the reference cache), then ``--repeats`` times, timing each check's own
call (its observations in the learner's code, the reference's answers and the
comparisons). Prints the checks by cost, the total per exercise, and the per-learner
floor: the sum over all checks, which a batch on J cores divides by J at best.
"""
import argparse
import collections
import statistics
import sys
import time
from pathlib import Path

import pytest

KIT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(KIT))

from autograder.paths import SAMPLE_CLASS, SOLUTIONS  # noqa: E402
from autograder.runner import grade as grading  # noqa: E402
from autograder.runner.grade import Grader  # noqa: E402
from autograder.runner.reference import CachedReference  # noqa: E402


class CheckTimer:
    """A pytest plugin: seconds of every check's call, by node id."""

    def __init__(self):
        self.seconds = collections.defaultdict(list)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item):
        started = time.perf_counter()
        yield
        self.seconds[item.nodeid].append(time.perf_counter() - started)


def timed_run_pytest(timer):
    def run(args, plugin):
        return pytest.main(args, plugins=[plugin, timer])
    return run


def short_name(nodeid):
    path, _, test = nodeid.partition("::")
    part = "hidden" if path.startswith("hidden/") or "/hidden/" in path else "public"
    return f"{Path(path).stem.removeprefix('test_')}.{part}.{test.removeprefix('test_')}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learner", default="ada", help="a learner of the sample class")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--isolation", default="none", choices=("none", "auto"),
                        help="none: the checks' own cost; auto: with each learner's isolated worker")
    args = parser.parse_args()
    folder = SAMPLE_CLASS / args.learner
    timer = CheckTimer()
    grading.run_pytest = timed_run_pytest(timer)
    with Grader(CachedReference(SOLUTIONS), include_hidden=True, isolation=args.isolation) as grader:
        warm = grader.grade(folder)
        timer.seconds.clear()
        started = time.perf_counter()
        for _ in range(args.repeats):
            result = grader.grade(folder)
        per_learner = (time.perf_counter() - started) / args.repeats
    assert result.total == warm.total, "the same learner graded twice got two totals"
    medians = {short_name(node): statistics.median(times) for node, times in timer.seconds.items()}
    by_exercise = collections.Counter()
    for name, seconds in medians.items():
        by_exercise[name.split(".")[0]] += seconds
    checks_total = sum(medians.values())
    print(f"== {args.learner}: {result.total:g}/{result.max_total:g} points, {len(medians)} checks, isolation "
          f"{args.isolation}, median of {args.repeats}")
    print(f"{'check':60s} {'ms':>8s} {'share':>6s}")
    for name, seconds in sorted(medians.items(), key=lambda kv: -kv[1]):
        print(f"{name:60s} {seconds * 1000:8.1f} {seconds / checks_total:6.1%}")
    print("\nper exercise:")
    for exercise, seconds in sorted(by_exercise.items()):
        print(f"  {exercise:20s} {seconds * 1000:8.1f} ms")
    print(f"\nsum of the checks' calls   {checks_total * 1000:8.0f} ms")
    print(f"whole grading per learner  {per_learner * 1000:8.0f} ms  (pytest collection, fixtures, session)")


if __name__ == "__main__":
    main()
