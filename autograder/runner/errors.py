"""The grading exceptions moved down to ``autograder/errors.py`` (the verdicts, below the runner, raise
them too); this name stays so that code written against ``autograder.runner.errors`` still imports."""
from ..errors import GraderError, GradingStopped, LearnerError, MachineError  # noqa: F401
