"""Grade one submission: start its worker, run the checks through pytest, collect results."""
import time
from pathlib import Path

import pytest

from ..paths import CHECKS, HIDDEN_CHECKS, PUBLIC_CHECKS
from .limits import Limits
from .plugin import GradingPlugin
from .results import CheckResult, SubmissionResult
from .session import LearnerSession

PYTEST_ARGS = ["-p", "no:terminal", "-p", "no:cacheprovider", "-p", "no:randomly", "--import-mode=importlib",
               "--capture=no", "-c", str(CHECKS / "pytest.ini"), "--rootdir", str(CHECKS)]


def grade_submission(submission, reference, *, include_hidden=False, exercises=None, limits=None,
                     student=None):
    """Run the checks on ``submission`` (a folder of exercise modules) and return its result."""
    submission = Path(submission).resolve()
    started = time.monotonic()
    session = LearnerSession(submission, limits or Limits())
    plugin = GradingPlugin(session, reference, exercises)
    paths = [str(PUBLIC_CHECKS)] + ([str(HIDDEN_CHECKS)] if include_hidden and HIDDEN_CHECKS.exists() else [])
    try:
        code = pytest.main(PYTEST_ARGS + paths, plugins=[plugin])
    finally:
        session.close()
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) or not plugin.checks:
        plugin.checks.append(CheckResult(
            name="grader", exercise="?", title="the checks could not run", max_points=0, points=0, hidden=False,
            status="grader_error", feedback=f"pytest ended with {code!r} after {len(plugin.checks)} checks"))
    result = SubmissionResult(student=student or submission.name, checks=plugin.checks,
                              notes=list(dict.fromkeys(session.incidents)), output=session.output,
                              seconds=time.monotonic() - started)
    return result
