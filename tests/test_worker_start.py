"""A learner's worker that cannot start is the machine's failure, never the learner's crash and zero.

No learner code runs before a worker says it is ready, so a worker that cannot start, tried
again alone, says nothing about the learner: its checks are the grader's errors (the batch
exits 3 and ``--resume`` grades the learner again). A start that fails once and then works
costs the learner nothing.
"""
from grading_cases import assert_full_points

from autograder.runner import session as session_module
from autograder.errors import LearnerError
from autograder.runner.grade import Grader

MODULE = "ex02_forward_pass"


def failing_starts(monkeypatch, failures):
    """Make the first ``failures`` worker starts fail as a machine out of processes would; count all."""
    started = []
    start = session_module.LearnerSession._start_worker

    def start_or_fail(self, *args):  # (args: whether it is the fresh-process worker)
        started.append(True)
        if len(started) <= failures:
            raise LearnerError("crash", "the grading worker could not start (exit status 1)")
        return start(self, *args)

    monkeypatch.setattr(session_module.LearnerSession, "_start_worker", start_or_fail)
    return started


def test_a_worker_that_never_starts_makes_grader_errors_not_zeros_and_is_tried_twice_only(
        reference, make_submission, monkeypatch):
    with Grader(reference, exercises=[MODULE]) as grader:
        started = failing_starts(monkeypatch, failures=10 ** 6)
        result = grader.grade(make_submission())
    assert result.checks and {c.status for c in result.checks} == {"grader_error"}, \
        {c.name: c.status for c in result.checks}
    assert all("not your fault" in c.feedback and "twice" in c.feedback for c in result.checks)
    assert len(started) == 2  # the rest of the learner's checks do not each wait for the same failure


def test_a_worker_that_starts_on_the_second_try_costs_nothing(reference, make_submission, monkeypatch):
    with Grader(reference, exercises=[MODULE]) as grader:
        started = failing_starts(monkeypatch, failures=1)
        result = grader.grade(make_submission())
    assert_full_points(result, [MODULE])
    assert not result.notes, result.notes
    assert len(started) == 2
