"""Fair limits: a neighbour's load never costs an honest learner a point (issue #11, part B).

Limits are CPU seconds of a learner's whole process tree, the wall clock only a backstop
that leaves out the time the tree waited for a CPU. Graded with ``--jobs 2`` beside a
learner whose busy processes (each in its own session) load every core, an honest
learner whose calls take real CPU time gets exactly what it gets alone. The hostile
learner's processes are stopped by its own tree's CPU budget (see also the
``busy_children_each_under_the_process_limit`` attack in tests/redteam/).
"""
import shutil

from autograder.batch.runner import BatchOptions, run_batch
from autograder.paths import EXERCISES, SOLUTIONS
from autograder.runner.grade import Grader
from autograder.runner.limits import Limits

EXERCISE = "ex02_forward_pass"
LIMITS = Limits(call_seconds=3, submission_seconds=40, wall_factor=3)

# Correct, but its first init_hidden in a worker costs 1.5 s of CPU: half its call's limit.
SLOW_BUT_HONEST = '''

import time as _time

_warm = []
_init_hidden = init_hidden


def init_hidden(rnn, batch_size):
    if not _warm:
        _warm.append(True)
        stop = _time.process_time() + 1.5
        while _time.process_time() < stop:
            pass
    return _init_hidden(rnn, batch_size)
'''

# Eight processes that compute forever, each in a session of its own, then calls that wait.
LOADS_EVERY_CORE = '''
import os as _os, time as _time
for _ in range(8):
    if _os.fork() == 0:
        _os.setsid()
        while True:
            pass
'''
WAITS = "    _time.sleep(5)\n    raise NotImplementedError()\n"


def _class(root):
    honest = root / "class" / "honest"
    shutil.copytree(SOLUTIONS, honest, ignore=shutil.ignore_patterns("__pycache__", "_*"))
    module = honest / f"{EXERCISE}.py"
    module.write_text(module.read_text() + SLOW_BUT_HONEST)
    hostile = root / "class" / "hostile"
    shutil.copytree(EXERCISES, hostile, ignore=shutil.ignore_patterns("__pycache__", "_*"))
    module = hostile / f"{EXERCISE}.py"
    text = module.read_text().replace("from torch import nn\n", "from torch import nn\n" + LOADS_EVERY_CORE, 1)
    for function in ("init_hidden", "output_shapes"):
        start = text.index(f"\ndef {function}(")
        hole = text.index("    raise NotImplementedError()\n", start)
        text = text[:hole] + WAITS + text[hole + len("    raise NotImplementedError()\n"):]
    module.write_text(text)
    return root / "class", honest


def _view(result):
    return [(c.name, c.status, c.points) for c in result.checks]


def test_a_busy_neighbour_costs_an_honest_learner_nothing(reference, tmp_path):
    submissions, honest = _class(tmp_path)
    with Grader(reference, include_hidden=True, exercises=[EXERCISE], limits=LIMITS, warm_extras=False) as grader:
        alone = grader.grade(honest, student="honest")
    assert alone.total == alone.max_total, [(c.name, c.feedback) for c in alone.checks if c.status != "passed"]

    outcome = run_batch(BatchOptions(submissions=submissions, out=tmp_path / "grades", jobs=2,
                                     exercises=[EXERCISE], limits=LIMITS))
    results = {r.student: r for r in outcome.results}
    side_by_side = results["honest"]
    assert _view(side_by_side) == _view(alone), \
        [(c.name, c.feedback) for c in side_by_side.checks if c.status != "passed"]
    hostile = results["hostile"]
    assert hostile.total == 0 and not outcome.grader_errors
    stopped = next(c for c in hostile.checks if c.name == f"{EXERCISE}.init_hidden_notebook")
    assert stopped.status == "timeout" and "did not finish within 3 s of CPU time" in stopped.feedback


def test_process_limit_headroom_counts_every_thread_of_the_user():
    # RLIMIT_NPROC counts the threads of all the user's processes: a worker running as the grader's own
    # user gets its limit above what that user already runs, and tasks_of must see at least our threads.
    import os
    import threading

    from autograder.worker.zygote import tasks_of

    ready, stop = threading.Event(), threading.Event()
    extra = [threading.Thread(target=lambda: (ready.set(), stop.wait())) for _ in range(5)]
    for thread in extra:
        thread.start()
    try:
        ready.wait(5)
        assert tasks_of(os.getuid()) >= threading.active_count()
        assert tasks_of(4_000_000_000) == 0  # a uid nobody runs as: only that uid's threads count
    finally:
        stop.set()
        for thread in extra:
            thread.join()
