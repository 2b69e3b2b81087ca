"""Shared helpers for the kit's own tests."""
from pathlib import Path

import pytest

from autograder.paths import SOLUTIONS
from autograder.runner.reference import LiveReference

ROOT = Path(__file__).resolve().parent.parent

# With pytest-xdist (`-n 2 --dist loadgroup`), each test file runs whole on one process, so its module
# and session fixtures (a graded bank, a Dask cluster) are built once; and the files that look at the whole
# machine (every process of a uid, "rg-redteam" traces in /tmp, a loaded or killed machine) run one after
# another in one group, never beside each other's traces.
MACHINE_WIDE = {"test_redteam.py", "test_redteam_answers.py", "test_redteam_bounds.py", "test_redteam_intake.py",
                "test_fair_limits.py", "test_fresh_worker.py", "test_environments.py", "test_worker_start.py"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        name = item.path.name
        item.add_marker(pytest.mark.xdist_group("machine-wide" if name in MACHINE_WIDE else name))


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
