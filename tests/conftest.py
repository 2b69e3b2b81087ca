"""Shared helpers for the kit's own tests."""
from pathlib import Path

import pytest

from autograder.paths import SOLUTIONS
from autograder.runner.reference import LiveReference

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def reference():
    """One live reference for the whole test run: its cache makes repeated gradings cheap."""
    return LiveReference(SOLUTIONS)


@pytest.fixture
def make_submission(tmp_path):
    """Build a submission folder: the solutions, with some files replaced or edited.

    ``make_submission(base="solutions", replace={"ex02_forward_pass.py": text},
    edit={"ex02_forward_pass.py": [(old, new), ...]}, drop=[...])``
    """
    from bug_banks import submission_builder

    return submission_builder(tmp_path)


@pytest.fixture
def grade(reference):
    """Grade a folder with public and hidden checks: ``grade(folder, exercises=["ex02_forward_pass"])``."""
    from autograder.runner.grade import grade_submission

    def run(folder, exercises=None, hidden=True):
        return grade_submission(folder, reference, include_hidden=hidden, exercises=exercises)
    return run


def failed_checks(result, exercise=None):
    """{check name: feedback} of every check that did not pass (optionally of one exercise)."""
    return {c.name: c.feedback for c in result.checks
            if c.status != "passed" and (exercise is None or c.exercise == exercise)}


@pytest.fixture(scope="session")
def scope_grader(reference):
    """One Grader (public and hidden checks of ex01-ex03) for every submission of the session.

    Reusing it is what a batch does, and it keeps the bug banks fast: the worker
    launcher starts once instead of once per submission.
    """
    from autograder.runner.grade import Grader

    grader = Grader(reference, include_hidden=True,
                    exercises=["ex01_rnn_layer", "ex02_forward_pass", "ex03_rnnnet"])
    yield grader
    grader.close()


@pytest.fixture(scope="session")
def public_scope_grader(reference):
    """Like ``scope_grader`` but with the public checks alone: what a learner's ``rnn-grade check`` runs."""
    from autograder.runner.grade import Grader

    grader = Grader(reference, include_hidden=False,
                    exercises=["ex01_rnn_layer", "ex02_forward_pass", "ex03_rnnnet"])
    yield grader
    grader.close()
