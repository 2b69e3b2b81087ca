"""The pytest plugin that turns check outcomes into points and feedback.

A check is an ordinary pytest test in ``autograder/checks/`` marked
``@pytest.mark.points(n)``; it gets the fixtures ``learner`` and
``reference`` (both have ``observe(name, config)``) from this plugin.
"""
import re
import sys
import traceback
from pathlib import Path

import pytest

from ..check_index import check_name
from ..exercises import MODULES, exercise_of
from ..feedback import Feedback, render_parts, with_exception_hint
from ..method_rules import SourceTree, violations
from ..paths import HIDDEN_CHECKS, KIT_ROOT
from .answer_form import answers_difference
from ..errors import GraderError, LearnerError, MachineError
from .results import CheckResult


class GradingPlugin:
    def __init__(self, learner, reference, exercises=None, reveal=None):
        self._learner, self._reference = learner, reference
        self.reveal = reveal  # {"public": level, "hidden": level} (autograder/reveal.py); None: full
        self.exercises = set(exercises) if exercises else None
        self.checks = []
        self._done = set()
        # The submission's text, read before any of its code runs (workers start at the first check),
        # from the very copy the worker imports: what the rules read is what runs.
        self._sources = SourceTree.read(getattr(learner, "source_folder", None))

    # -- fixtures available to every check -------------------------------------------------

    @pytest.fixture
    def learner(self):
        return self._learner

    @pytest.fixture
    def reference(self):
        return self._reference

    @pytest.fixture
    def method_rules(self):
        """``rules(module, entry) -> [Violation]``: where ``module.entry``'s code breaks the exercise's
        rules on HOW it is solved (``autograder/method_rules``), judged here from the text alone."""
        return lambda module, entry: violations(self._sources, module, entry)

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
        for item in kept:
            item.repr_failure = _exception_line
        items[:] = kept

    def pytest_collectreport(self, report):
        if report.failed:
            self.checks.append(CheckResult(name=str(report.nodeid), exercise=exercise_of(str(report.nodeid)) or "?",
                                           title="a check file could not be loaded", max_points=0, points=0,
                                           hidden=False, status="grader_error",
                                           feedback=str(report.longrepr)[-2000:]))

    # -- outcomes ----------------------------------------------------------------------------

    def pytest_runtest_setup(self, item):
        answers = getattr(self._learner, "answers", None)
        if answers is not None:
            answers.clear()  # the answers one check reads: what an unexpected error is judged by

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
        name = check_name(exercise, hidden, item.name)
        title = (item.function.__doc__ or "").strip().splitlines()[0] if item.function.__doc__ else ""
        if marker is None or not marker.args:
            return CheckResult(name, exercise, title, 0, 0, hidden, "grader_error",
                               "this check has no @pytest.mark.points(n) marker")
        max_points = float(marker.args[0])
        level = (self.reveal or {}).get("hidden" if hidden else "public", "full")
        status, text = classify(call.excinfo, level, self._learner, self._reference)
        points = max_points if status == "passed" else 0.0
        return CheckResult(name, exercise, title, max_points, points, hidden, status, text)


def _exception_line(excinfo):
    """A failed check's report text. The feedback is built from the exception itself (``classify``);
    pytest's own rendering parses every file of the traceback with ast (measured: ~0.2 s of the
    grader's CPU per failed check, seconds for a learner who fails many) for a terminal there is none of."""
    try:
        return excinfo.exconly()[:2000]
    except Exception:  # an exception whose str() fails must not stop the session; classify names it
        return excinfo.typename


def classify(excinfo, level="full", learner=None, reference=None):
    """(status, feedback text) for a check's exception, or its absence.

    ``level`` is how much the learner is shown (autograder/reveal.py): a Feedback is
    rendered from its parts at that level; "none" shows no words at all, only the
    status and points. An unexpected exception is the learner's failed check when the
    learner's answers in that check do not have the form of the reference's (see
    ``answer_form``); otherwise it is the grader's error, always named (it is not the
    learner's), without the grader's source lines or paths.
    """
    if excinfo is None:
        return "passed", ""
    exc = excinfo.value
    if isinstance(exc, Feedback):
        return "failed", render_parts(exc.parts(), level)
    if isinstance(exc, LearnerError):
        kind = exc.kind if exc.kind in ("not_implemented", "timeout", "crash", "missing") else "error"
        if level == "none":
            return kind, ""
        # An exception of the learner's code whose text points at one classic mistake gets that hint.
        return kind, with_exception_hint(exc.message, level) if exc.kind == "error" else exc.message
    if isinstance(exc, AssertionError) and not isinstance(exc, GraderError):
        return "failed", "" if level == "none" else (str(exc) or "a comparison failed")
    if learner is not None and reference is not None and not isinstance(exc, GraderError):
        found = answers_difference(getattr(learner, "answers", ()), reference)
        if found:
            observer, difference = found
            return "error", (f"the answer your code's worker sent for {observer} does not have the form the "
                             f"grader reads ({difference}); nothing it sent was used")
    if isinstance(exc, MachineError):
        # The machine's failure (no worker can start), said once by the front end: no traceback per check.
        return "grader_error", ("The grading machine could not run your code (not your fault; tell your "
                                f"instructor): {_without_paths(str(exc))[:600]}")
    # The full traceback is the instructor's (stderr); the feedback names the failure only.
    sys.stderr.write("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    return "grader_error", ("The grader itself failed on this check (not your fault; tell your instructor): "
                            f"{type(exc).__name__} in {_failing_function(excinfo)}: "
                            f"{_without_paths(str(exc))[:300]}")


def _failing_function(excinfo):
    """The innermost function of the traceback that belongs to the kit, by name only."""
    name = "the check"
    for entry in excinfo.traceback:
        if str(KIT_ROOT) in str(entry.path):
            name = f"{entry.name}()"
    return name


def _without_paths(text):
    return re.sub(r"(?:[A-Za-z]:)?(?:[\\/][^\s'\"\\/:]+){2,}", "<path>", text)


def _is_hidden(item):
    return HIDDEN_CHECKS in Path(str(item.path)).resolve().parents
