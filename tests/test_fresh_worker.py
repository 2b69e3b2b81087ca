"""observe_fresh: one worker of its own serves every fresh observation of a submission.

The checks that compare a result with one "in a fresh process" (ex06) must run in a process that
has served none of the ordinary observations, yet one new process per such call cost tens of ms of
CPU each. These tests pin both halves, and the case where the learner's ordinary worker holds so
many processes that a second worker of the same uid cannot start beside it.
"""
import pytest
from grading_cases import assert_full_points

from autograder.runner import sandbox
from autograder.runner import session as session_module
from autograder.runner.grade import Grader

MODULE = "ex06_training"

# Every ordinary call leaves sleeping child processes behind, up to the per-uid process limit: a
# worker started beside that one cannot even start its own thread. The answers stay correct.
CROWDING_TASK = '''

def _crowd():
    import os
    import time
    for _ in range(100):
        try:
            pid = os.fork()
        except OSError:
            return
        if pid == 0:
            time.sleep(600)
            os._exit(0)


_solution_task = make_delay_task


def make_delay_task(n_sequences, seq_len, delay, seed=0):
    _crowd()
    return _solution_task(n_sequences, seq_len, delay, seed)
'''


@pytest.fixture
def served(monkeypatch):
    """[(worker pid, fresh?, observer)] of every request the graded session sends."""
    log, fresh = [], []
    send, observe_fresh = session_module._Worker.send, session_module.LearnerSession.observe_fresh

    def recording_send(worker, message):
        log.append((worker.process.pid, bool(fresh), message.get("observer")))
        return send(worker, message)

    def flagged_observe_fresh(self, *args, **kwargs):
        fresh.append(True)
        try:
            return observe_fresh(self, *args, **kwargs)
        finally:
            fresh.pop()

    monkeypatch.setattr(session_module._Worker, "send", recording_send)
    monkeypatch.setattr(session_module.LearnerSession, "observe_fresh", flagged_observe_fresh)
    return log


def test_fresh_observations_share_one_worker_that_serves_nothing_else(reference, make_submission, served):
    with Grader(reference, include_hidden=True, exercises=[MODULE]) as grader:
        result = grader.grade(make_submission())
    assert_full_points(result, [MODULE])
    fresh_pids = {pid for pid, fresh, _ in served if fresh}
    ordinary_pids = {pid for pid, fresh, _ in served if not fresh}
    assert len(fresh_pids) == 1, served
    assert len(ordinary_pids) == 1, served
    assert not fresh_pids & ordinary_pids
    assert sum(fresh for _, fresh, _ in served) == 4  # ex06's four comparisons with a fresh process


def test_a_worker_crowded_out_by_the_other_starts_again_alone(reference, make_submission, served):
    submission = make_submission(edit={f"{MODULE}.py": [("\ndef train(", CROWDING_TASK + "\n\ndef train(")]})
    with Grader(reference, include_hidden=True, exercises=[MODULE]) as grader:
        if sandbox.unprivileged_uid() is None:
            pytest.skip("workers have a uid of their own (and a process limit of their own) only under root")
        result = grader.grade(submission)
    assert_full_points(result, [MODULE])
    assert not result.notes, result.notes
    # The crowded pair could not live side by side: workers were started more than once each way.
    assert len({pid for pid, fresh, _ in served if fresh}) > 1, served
