"""What the sample class's learners use of their grading budgets: CPU and idle seconds (README, "Grader budgets").

    python benchmarks/learner_budgets.py [bwrap|plain|auto]

Grades every learner of ``examples/class`` (hidden checks included) with one Grader and prints, per
learner, the CPU seconds and the idle seconds (wall time neither computing nor waiting for a CPU) of
all its calls, as ``LearnerSession`` counts them against ``submission_seconds`` and
``submission_idle_seconds``. A zip is unpacked as it is; the batch's intake is not used.
"""
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from autograder.paths import KIT_ROOT, SOLUTIONS
from autograder.runner import session as session_module
from autograder.runner.grade import Grader
from autograder.runner.reference import CachedReference


def main(isolation="auto"):
    spent = []
    close = session_module.LearnerSession.close

    def recording_close(session):
        spent.append((session.cpu_spent, session.idle_spent))
        return close(session)

    session_module.LearnerSession.close = recording_close
    with Grader(CachedReference(SOLUTIONS), include_hidden=True, isolation=isolation) as grader, \
            tempfile.TemporaryDirectory() as unpacked:
        for entry in sorted((KIT_ROOT / "examples" / "class").iterdir()):
            folder = entry
            if entry.suffix == ".zip":
                folder = Path(unpacked) / entry.stem
                zipfile.ZipFile(entry).extractall(folder)
            start, began = len(spent), time.monotonic()
            result = grader.grade(folder, student=entry.name)
            cpu = sum(c for c, _ in spent[start:])
            idle = sum(i for _, i in spent[start:])
            print(f"{entry.name:10s} {result.total:6.1f}/{result.max_total:.0f}  cpu {cpu:6.1f} s  "
                  f"idle {idle:5.1f} s  wall {time.monotonic() - began:6.1f} s", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
