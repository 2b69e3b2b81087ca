"""Record the reference answers that a package without ``solutions/`` grades with.

The solutions are graded like any learner's submission, through the same
``Grader`` and checks, against a ``LiveReference``. Every answer the reference
computed on the way is what a ``RecordedReference`` needs to replay those
checks later. Grading the solutions also lists every check with its points,
and proves the solutions earn all of them: an export refuses to ship otherwise.
"""
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..exercises import MODULES
from ..paths import SOLUTIONS
from ..runner.grade import grade_submission
from ..runner.reference import LiveReference
from ..runner.results import SubmissionResult
from ..errors import MachineError
from .errors import ExportError, ExportMachineError


def available_exercises(solutions_dir=SOLUTIONS):
    """The exercise modules that have a solution, in curriculum order."""
    return [name for name in MODULES if (Path(solutions_dir) / f"{name}.py").exists()]


@dataclass
class Recording:
    result: SubmissionResult   # the solutions' grading: every check, its points and visibility
    answers: dict              # request key -> plain-data response, for RecordedReference

    def checks_of(self, exercise):
        return [c for c in self.result.checks if c.exercise == exercise]


def record(include_hidden, exercises=None, solutions_dir=SOLUTIONS):
    """Grade the solutions with the public (and hidden) checks; return the checks and the answers."""
    exercises = list(exercises) if exercises else available_exercises(solutions_dir)
    reference = LiveReference(solutions_dir)
    with tempfile.TemporaryDirectory(prefix="rnn-grade-record-") as tmp:
        # A copy: the worker runs in the submission's folder and must not touch the kit.
        submission = Path(tmp) / "solutions"
        shutil.copytree(solutions_dir, submission, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        try:
            result = grade_submission(submission, reference, include_hidden=include_hidden,
                                      exercises=exercises, student="solutions")
        except MachineError as error:
            raise ExportMachineError(f"this machine cannot grade, so no reference was recorded (nothing is "
                                     f"wrong with the solutions): {error}") from None
    failed = [c for c in result.checks if c.status != "passed"]
    broken = [c for c in failed if c.status == "grader_error"]
    if broken:
        # The grader could not grade (a worker or fork server lost to the machine, say): that says nothing
        # about the solutions, and the recording may simply be made again.
        lines = [f"  {c.name}: {c.feedback.splitlines()[0] if c.feedback else ''}" for c in broken]
        raise ExportMachineError("the grader failed while grading the solutions (the grading machine's problem, not "
                          "the solutions'), so no reference was recorded; run the command again:\n"
                          + "\n".join(lines))
    if failed:
        lines = [f"  {c.name}: {c.status}: {c.feedback.splitlines()[0] if c.feedback else ''}" for c in failed]
        raise ExportError("the solutions do not pass every check, so no reference can be recorded:\n"
                          + "\n".join(lines))
    return Recording(result=result, answers=reference.recorded())
