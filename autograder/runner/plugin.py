"""The pytest plugin that turns check outcomes into points and feedback.

A check is an ordinary pytest test in ``autograder/checks/`` marked
``@pytest.mark.points(n)``; it gets the fixtures ``learner`` and
``reference`` (both have ``observe(name, config)``) from this plugin.
"""
import traceback
from pathlib import Path

import pytest

from ..exercises import MODULES, exercise_of
from ..feedback import Feedback, render_parts
from ..paths import HIDDEN_CHECKS
from .errors import GraderError, LearnerError
from .results import CheckResult


class GradingPlugin:
    def __init__(self, learner, reference, exercises=None, reveal=None):
        self._learner, self._reference = learner, reference
        self.reveal = reveal  # {"public": level, "hidden": level} (autograder/reveal.py); None: full
        self.exercises = set(exercises) if exercises else None
        self.checks = []
        self._done = set()

    # -- fixtures available to every check -------------------------------------------------

    @pytest.fixture
    def learner(self):
        return self._learner

    @pytest.fixture
    def reference(self):
        return self._reference

    @pytest.fixture
    def learner_source(self):
        """``read(module) -> str | None``: the text of the submission's ``<module>.py``.

        Read here, in the trusted process, as text only (checks parse it with
        ``ast``; nothing is imported or run). Symlinks, non-regular files and
        anything over 1 MB are refused, so a hostile file cannot block the grader.
        """
        folder = getattr(self._learner, "submission_dir", None)

        def read(module):
            if folder is None:
                return None
            path = Path(folder) / f"{module}.py"
            try:
                if path.is_symlink() or not path.is_file() or path.stat().st_size > 1_000_000:
                    return None
                return path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                return None
        return read

    # -- selection and order ---------------------------------------------------------------

    def pytest_collection_modifyitems(self, session, config, items):
        kept, dropped = [], []
        for item in items:
            exercise = exercise_of(Path(str(item.path)).name)
            if self.exercises is not None and exercise not in self.exercises:
                dropped.append(item)
            else:
                kept.append(item)
        # Curriculum order, public before hidden, then file order: stable feedback.
        kept.sort(key=lambda it: (MODULES.index(exercise_of(Path(str(it.path)).name) or MODULES[0]),
                                  _is_hidden(it)))
        if dropped:
            config.hook.pytest_deselected(items=dropped)
        items[:] = kept

    def pytest_collectreport(self, report):
        if report.failed:
            self.checks.append(CheckResult(name=str(report.nodeid), exercise=exercise_of(str(report.nodeid)) or "?",
                                           title="a check file could not be loaded", max_points=0, points=0,
                                           hidden=False, status="grader_error",
                                           feedback=str(report.longrepr)[-2000:]))

    # -- outcomes ----------------------------------------------------------------------------

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        if item.nodeid in self._done:
            return
        if call.when == "call" or (call.when == "setup" and report.failed):
            self._done.add(item.nodeid)
            self.checks.append(self._result(item, call))

    def _result(self, item, call):
        exercise = exercise_of(Path(str(item.path)).name) or "?"
        marker = item.get_closest_marker("points")
        hidden = _is_hidden(item)
        name = f"{exercise}.{'hidden.' if hidden else ''}{item.name.removeprefix('test_')}"
        title = (item.function.__doc__ or "").strip().splitlines()[0] if item.function.__doc__ else ""
        if marker is None or not marker.args:
            return CheckResult(name, exercise, title, 0, 0, hidden, "grader_error",
                               "this check has no @pytest.mark.points(n) marker")
        max_points = float(marker.args[0])
        status, text = classify(call.excinfo, (self.reveal or {}).get("hidden" if hidden else "public", "full"))
        points = max_points if status == "passed" else 0.0
        return CheckResult(name, exercise, title, max_points, points, hidden, status, text)


def classify(excinfo, level="full"):
    """(status, feedback text) for a check's exception, or its absence.

    ``level`` is how much the learner is shown (autograder/reveal.py): a Feedback is
    rendered from its parts at that level; "none" shows no words at all, only the
    status and points. A grader error is always shown whole: it is not the learner's.
    """
    if excinfo is None:
        return "passed", ""
    exc = excinfo.value
    if isinstance(exc, Feedback):
        return "failed", render_parts(exc.parts(), level)
    if isinstance(exc, LearnerError):
        kind = exc.kind if exc.kind in ("not_implemented", "timeout", "crash", "missing") else "error"
        return kind, "" if level == "none" else exc.message
    if isinstance(exc, AssertionError) and not isinstance(exc, GraderError):
        return "failed", "" if level == "none" else (str(exc) or "a comparison failed")
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__, limit=-3))
    return "grader_error", "The grader itself failed on this check (not your fault; tell your instructor):\n" + text[-1500:]


def _is_hidden(item):
    return HIDDEN_CHECKS in Path(str(item.path)).resolve().parents
