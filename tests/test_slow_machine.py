"""Issue #28: a grade is independent of the machine's speed; a start-up that is truly stuck is said loudly.

A slow machine (a loaded laptop, a busy cluster node, a cold disk importing torch) once turned the
fork server's wall-clock start-up limit into "this machine cannot grade". Start-ups are now waited for
while they make progress (``runner/startup_wait.py``). Here the fork server is made slow on purpose: its
command is wrapped in a Python that burns CPU (slow, working) or sleeps (stuck) before it execs the
real server, with ``Limits`` whose start-up times are seconds instead of minutes.
"""
import sys

import pytest
from grading_cases import assert_full_points

from autograder.runner import limits as limits_module
from autograder.runner import sandbox, startup_wait
from autograder.runner.grade import Grader
from autograder.runner.limits import Limits

MODULE = "ex02_forward_pass"
QUICK = Limits(startup_seconds=1.0, startup_stall_seconds=3.0, startup_cap_seconds=300.0)

# Burns CPU (or sleeps) for a while, then becomes the real fork server (its socket fd is inherited).
DELAY = """import os, sys, time
kind, seconds = sys.argv[1], float(sys.argv[2])
if kind == "cpu":
    start = time.process_time()
    while time.process_time() - start < seconds:
        pass
else:
    time.sleep(seconds)
os.execv(sys.argv[3], sys.argv[3:])
"""


def slow_fork_server(monkeypatch, kind, seconds):
    real = sandbox.python_command

    def delayed(*args, **kwargs):
        return [sys.executable, "-c", DELAY, kind, str(seconds)] + real(*args, **kwargs)

    monkeypatch.setattr(sandbox, "python_command", delayed)


def test_a_fork_server_that_starts_slowly_but_works_is_waited_for(reference, make_submission, monkeypatch, capsys):
    """Before: a server not ready within ``startup_seconds`` of wall time was "the machine cannot grade"."""
    slow_fork_server(monkeypatch, "cpu", 6)
    with Grader(reference, exercises=[MODULE], limits=QUICK, isolation="plain") as grader:
        grader.preflight()
        result = grader.grade(make_submission())
    assert_full_points(result, [MODULE])
    said = [line for line in capsys.readouterr().err.splitlines() if "still starting" in line]
    assert said == ["rnn-grade: the grading workers' fork server (it imports torch) is still starting after 1 s: "
                    "is the machine busy? Waiting up to 300 s while it makes progress."], said


def test_a_fork_server_that_is_stuck_stops_check_as_the_machines_failure(tmp_path, monkeypatch, capsys):
    """No CPU used for the stall window: exit 3, "this machine cannot grade", never a learner's zero."""
    from autograder.cli import main
    from autograder.paths import SOLUTIONS

    slow_fork_server(monkeypatch, "sleep", 600)   # (the server's process group is killed when the check ends)
    monkeypatch.setattr(limits_module, "Limits", lambda: QUICK)   # the limits `rnn-grade check` grades with
    (tmp_path / f"{MODULE}.py").write_text((SOLUTIONS / f"{MODULE}.py").read_text())
    code = main(["check", str(tmp_path), "--exercise", MODULE, "--isolation", "plain"])
    err = capsys.readouterr().err
    assert code == 3, err
    assert "this machine cannot grade" in err and "none of it was run" in err
    assert "the grading workers' fork server (it imports torch) was not ready after" in err
    assert "has used no CPU for the last 3 s: it is stuck" in err


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(startup_wait.time, "monotonic", fake)
    return fake


def run(wait, clock, readings, step=1.0):
    """Advance the clock by ``step`` per reading until the wait gives up or the readings end; elapsed s."""
    for reading in readings:
        clock.now += step
        wait.read_progress = lambda value=reading: value
        if not wait.going_on():
            break
    return clock.now - wait.started


def test_progress_keeps_a_start_waiting_up_to_the_cap_and_a_stall_ends_it(clock):
    limits = Limits(startup_seconds=60, startup_stall_seconds=30, startup_cap_seconds=600)
    working = startup_wait.StartupWait(limits, "the thing", lambda: 0.0, stream=sys.stdout)
    assert run(working, clock, [0.01 * i for i in range(1, 2000)]) == 600
    assert "still not ready after 600 s" in working.reason and "too slow or too loaded" in working.reason

    stuck = startup_wait.StartupWait(limits, "the thing", lambda: 0.0, stream=sys.stdout)
    # Its one progress was at the first look (1 s): stalled since, it is given up when the 60 s are over.
    assert run(stuck, clock, [5.0] * 2000) == 60
    assert "was not ready after 60 s and has used no CPU for the last 59 s: it is stuck" in stuck.reason

    late = startup_wait.StartupWait(limits, "the thing", lambda: 0.0, stream=sys.stdout)
    assert run(late, clock, [float(min(i, 100)) for i in range(1, 2000)]) == 100 + 30  # stalled at 100 s

    unknown = startup_wait.StartupWait(limits, "the thing", lambda: None, stream=sys.stdout)
    assert run(unknown, clock, [None] * 2000) == 600  # nothing can be read: only the cap ends it


def test_the_progress_of_a_process_tree_is_read():
    import subprocess
    import time

    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        first = startup_wait.tree_progress(busy.pid)
        deadline = time.monotonic() + 60
        while startup_wait.tree_progress(busy.pid) == first and time.monotonic() < deadline:
            time.sleep(0.2)
        assert startup_wait.tree_progress(busy.pid) != first
    finally:
        busy.kill()
        busy.wait()
    assert startup_wait.tree_progress(None) is None


def test_an_export_whose_fork_server_is_killed_from_outside_says_the_machine_failed(tmp_path, capsys):
    """Issue #28: after "fork server did not answer", `rnn-grade export nbgrader` blamed the solutions ("the
    solutions do not pass every check"). While something outside keeps killing the kit's fork servers, the
    export now says the machine failed and exits 3, as `batch` does."""
    import os
    import signal
    import threading

    from test_redteam import _below, _processes

    from autograder.cli import main

    stop, kills = threading.Event(), []

    def killer():   # every fork server below this process, as soon as it appears
        while not stop.wait(0.3):
            table = _processes()
            for pid in _below(table, os.getpid()):
                argv = table[pid][2].split(b"\0")
                if b"--zygote" in argv and os.path.basename(argv[0]) != b"bwrap":
                    try:
                        os.kill(pid, signal.SIGKILL)
                        kills.append(pid)
                    except OSError:
                        pass

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    try:
        code = main(["export", "nbgrader", "--out", str(tmp_path / "course"), "--exercise", MODULE])
    finally:
        stop.set()
        thread.join()
    err = capsys.readouterr().err
    assert kills
    assert code == 3, err
    assert "do not pass every check" not in err
    assert "not the solutions" in err or "nothing is wrong with the solutions" in err, err


@pytest.mark.slow  # two small batches, one of them on a machine whose every core is busy (a minute or two)
def test_a_class_graded_while_every_core_is_busy_gets_the_same_gradebook(tmp_path):
    """Issue #28: whether CPU load alone changes a grade was not established. Three learners of the sample
    class (full marks, a classic mistake, an endless loop that meets the CPU limit) are graded on a quiet
    machine, then again while one busy process per core (as nice as the grader) runs for the whole batch:
    the gradebook and every learner's feedback are the same, byte for byte."""
    import os
    import shutil
    import subprocess

    from autograder.batch.runner import BatchOptions, run_batch
    from autograder.paths import SAMPLE_CLASS

    learners = ("ada", "dev", "ivan")
    folder = tmp_path / "class"
    for name in learners:
        shutil.copytree(SAMPLE_CLASS / name, folder / name)
    limits = Limits(call_seconds=3.0)   # ivan's loop costs 3 s of CPU, not 10: same rule, smaller bill

    def graded(out):
        outcome = run_batch(BatchOptions(submissions=folder, out=out, exercises=["ex01_rnn_layer", "ex02_forward_pass"],
                                         limits=limits, jobs=2))
        assert not outcome.grader_errors
        return (out / "gradebook.csv").read_text(), {n: (out / n / "feedback.txt").read_text() for n in learners}

    quiet = graded(tmp_path / "quiet")
    assert "count_parameters" in quiet[1]["ivan"] and "CPU time" in quiet[1]["ivan"]  # the loop met its limit
    load = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(os.cpu_count() or 2)]
    try:
        busy = graded(tmp_path / "busy")
        assert all(process.poll() is None for process in load)  # loaded until the very end
    finally:
        for process in load:
            process.kill()
            process.wait()
    assert busy == quiet


def test_the_output_of_a_call_killed_from_outside_is_not_told_twice():
    """A call killed from outside runs again in a new worker: what it printed the first time is dropped, so a
    learner who prints gets the same feedback whatever the machine did (``_OutputTail.forget_since``)."""
    import io

    from autograder.runner.session import _OutputTail

    tail = _OutputTail(io.BytesIO(b"earlier call\n"), 100)
    tail.run()
    mark = tail.received
    tail.stream = io.BytesIO(b"x" * 300)   # the killed call printed more than the tail keeps
    tail.run()
    tail.forget_since(mark)
    assert tail.text() == "earlier call\n"
    tail.stream = io.BytesIO(b"the call, run again\n")
    tail.run()
    assert tail.text() == "earlier call\nthe call, run again\n"


@pytest.mark.slow  # two small batches of the local pool (a minute or two)
def test_a_local_batch_whose_workers_are_killed_from_outside_gets_the_same_gradebook_or_a_machine_error(tmp_path):
    """Issue #28, the local pool's half (test_dask_batch.py has Dask's): while an outside program kills one of the
    pool's fork servers and then learners' workers now and then, the batch gives the quiet run's gradebook and
    feedback, or grader errors (exit 3) that ``--resume`` completes to them."""
    import os
    import shutil
    import signal
    import threading

    from test_redteam import _below, _processes

    from autograder.batch.runner import BatchOptions, run_batch
    from autograder.paths import SAMPLE_CLASS

    learners = ("ada", "cleo", "dev")
    folder = tmp_path / "class"
    for name in learners:
        shutil.copytree(SAMPLE_CLASS / name, folder / name)

    def batch(out, resume=False):
        outcome = run_batch(BatchOptions(submissions=folder, out=out, exercises=["ex02_forward_pass", "ex06_training"],
                                         limits=Limits(call_seconds=20.0), jobs=2, resume=resume))
        return outcome, ((out / "gradebook.csv").read_text(),
                         {n: (out / n / "feedback.txt").read_text().splitlines() for n in learners})

    quiet = batch(tmp_path / "quiet")[1]
    stop, kills = threading.Event(), []

    def killer():   # one fork server, then workers; three kills at most (session.OUTSIDE_RETRIES)
        # Looked for often until the first kill (a quick machine grades three learners between two 2.5 s looks,
        # as CI's did), then killed 2.5 s apart at the least.
        while not stop.wait(0.1 if not kills else 2.5) and len(kills) < 3:
            table = _processes()

            def is_zygote(pid):
                argv = table.get(pid, (0, 0, b""))[2].split(b"\0")
                return os.path.basename(argv[0]) != b"bwrap" and b"--zygote" in argv

            below = [pid for pid in _below(table, os.getpid()) if is_zygote(pid)]
            servers = [pid for pid in below if not is_zygote(table[pid][0])]
            workers = [pid for pid in below if is_zygote(table[pid][0])]
            if not workers:
                continue
            pid = servers[0] if not kills else workers[0]
            try:
                os.kill(pid, signal.SIGKILL)
                kills.append(("server" if pid in servers else "worker", pid))
            except OSError:
                pass

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    try:
        outcome, killed = batch(tmp_path / "killed")
    finally:
        stop.set()
        thread.join()
    assert kills, "nothing was killed: the test tested nothing"
    if outcome.grader_errors:   # the machine's failure, said: --resume grades those learners again
        outcome, killed = batch(tmp_path / "killed", resume=True)
        assert not outcome.grader_errors
    assert killed == quiet, kills


def _modes():
    reason = sandbox.bwrap_problem()
    return [pytest.param("auto", marks=pytest.mark.skipif(reason is not None, reason=f"no bubblewrap: {reason}")),
            "plain"]


@pytest.mark.parametrize("mode", _modes())
def test_a_fork_server_killed_from_outside_while_it_starts_is_started_again_as_it_was(mode, reference):
    """A fork server SIGKILLed while it imported torch made `auto` fall back to plain mode (less isolation,
    and a note in every learner's feedback: under Dask, feedback that differed from the local pool's), or
    in plain mode stopped the grading as a machine that cannot grade."""
    import os
    import signal
    import time

    from test_redteam import _below, _processes

    with Grader(reference, exercises=[MODULE], isolation=mode) as grader:
        wanted, killed = (grader.isolation, grader.isolation_warning), None
        deadline = time.monotonic() + 60
        while killed is None and time.monotonic() < deadline:
            table = _processes()
            for pid in _below(table, os.getpid()):
                argv = table[pid][2].split(b"\0")
                if b"--zygote" in argv and os.path.basename(argv[0]) != b"bwrap":
                    os.kill(pid, signal.SIGKILL)
                    killed = pid
            time.sleep(0.05)
        assert killed, "no fork server was seen starting"
        grader.preflight()
        assert (grader.isolation, grader.isolation_warning) == wanted
