"""Grade folders one after another with one Grader and print each one's `rnn-grade check --json` document.

    python tests/windows_like/grade_folders.py [--isolation auto] FOLDER:EXERCISE ...

Run under the Windows-like harness (RNN_GRADE_WINDOWS_LIKE=1, this folder on PYTHONPATH) it grades
as a learner's Windows machine would (auto chooses the portable backend); run without it, with
``--isolation plain``, as the Linux fork server does. ``tests/test_portable.py`` and
``benchmarks/portable_banks.py`` compare the two. One Grader for all folders: a batch's reuse, so
many bug-bank mutants cost one grader start-up. Prints one JSON object: {FOLDER: document}; the
documents leave out ``execution_time`` (a time) and the isolation warning, which differ by backend.
"""
import argparse
import json
import sys
from pathlib import Path


WARNING = "WARNING: isolation reduced ("


def comparable(document):
    """``document`` without what differs between backends by design: the time taken and the isolation warning."""
    document = dict(document)
    document.pop("execution_time", None)
    lines = document.get("output", "").split("\n")
    document["output"] = "\n".join(line for line in lines if not line.startswith(WARNING))
    return document


def grade_all(jobs, isolation):
    """{job: comparable document} for jobs "FOLDER:EXERCISE", graded one after another by one Grader."""
    from autograder.runner.reference import default_reference
    from autograder.runner.grade import Grader
    from autograder.runner.results import to_gradescope

    reference = default_reference()
    documents = {}
    with Grader(reference, isolation=isolation, warm_extras=False) as grader:
        grader.preflight()
        for job in jobs:
            folder, _, exercise = job.rpartition(":")
            grader.exercises = [exercise] if exercise else None
            result = grader.grade(Path(folder))
            documents[job] = dict(comparable(to_gradescope(result)), isolation=grader.isolation)
    if hasattr(reference, "save"):
        reference.save()
    return documents


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--isolation", default="auto")
    parser.add_argument("jobs", nargs="+", help="FOLDER:EXERCISE (EXERCISE empty: every exercise)")
    args = parser.parse_args(argv)
    json.dump(grade_all(args.jobs, args.isolation), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
