"""Grading a class on a Dask cluster (``rnn-grade batch --scheduler``) gives the local pool's gradebook.

The cluster is started here exactly as README's "Grading on a cluster" does it (``dask scheduler``
and ``dask worker ... --nworkers 2 --nthreads 1``), on loopback; the tests then grade a few
learners of the sample class on two exercises, kill a worker process while it grades a learner,
add a worker that cannot grade, and compare every gradebook with the local pool's.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

distributed = pytest.importorskip(
    "distributed", reason="the optional extra is not installed (pip install -e '.[dask]'; .ci/run does)")

from autograder.batch import dask_pool  # noqa: E402
from autograder.batch.runner import BatchOptions, run_batch  # noqa: E402
from autograder.cli import main  # noqa: E402
from autograder.paths import SAMPLE_CLASS  # noqa: E402
from autograder.errors import MachineError  # noqa: E402
from autograder.runner.limits import Limits  # noqa: E402

LEARNERS = ("ada", "cleo", "dev")   # full marks, partial work, a classic mistake
EXERCISES = ["ex02_forward_pass", "ex06_training"]  # ex06 trains for a while: time to kill a worker
LIMITS = Limits(call_seconds=20.0, submission_seconds=120.0)
KIT = Path(__file__).resolve().parents[1]


def dask_command(*args):
    return [sys.executable, "-m", "dask", *args]


@pytest.fixture(scope="module")
def small_class(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    for name in LEARNERS:   # copies: the intake never follows a symbolic link, a learner folder's included
        shutil.copytree(SAMPLE_CLASS / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A scheduler and one `dask worker` with two worker processes, on loopback; yields the address."""
    work = tmp_path_factory.mktemp("cluster")
    scheduler_file = work / "scheduler.json"
    started = []

    def start(*args, env=None):
        log = open(work / f"log-{len(started)}.txt", "wb")
        started.append(subprocess.Popen(dask_command(*args), cwd=KIT, stdout=log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, env=env, start_new_session=True))
        return started[-1]

    start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
          "--scheduler-file", str(scheduler_file))
    deadline = time.monotonic() + 60
    while not scheduler_file.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    address = json.loads(scheduler_file.read_text())["address"]
    start("worker", address, "--nworkers", "2", "--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1")
    with distributed.Client(address, timeout=30) as client:
        client.wait_for_workers(2, timeout=90)
    try:
        yield {"address": address, "start": start, "work": work}
    finally:
        for process in reversed(started):  # only the processes this fixture started, by their own group
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for process in started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def options(submissions, out, **extra):
    return BatchOptions(submissions=submissions, out=out, exercises=EXERCISES, limits=LIMITS, **extra)


def outputs(out):
    """What a batch's outputs say about each learner: the gradebook and every learner's feedback."""
    gradebook = (out / "gradebook.csv").read_text()
    feedback = {name: (out / name / "feedback.txt").read_text() for name in LEARNERS}
    return gradebook, feedback


@pytest.fixture(scope="module")
def local(small_class, tmp_path_factory):
    out = tmp_path_factory.mktemp("local")
    outcome = run_batch(options(small_class, out, jobs=2))
    assert not outcome.grader_errors
    return outputs(out)


def test_the_cluster_grades_like_the_local_pool_even_when_a_worker_dies_mid_learner(cluster, small_class,
                                                                                     local, tmp_path):
    out = tmp_path / "dask"
    finished = {}
    batch = threading.Thread(target=lambda: finished.update(outcome=run_batch(
        options(small_class, out, scheduler=cluster["address"]))))
    batch.start()
    killed = None

    def executing_learners(dask_worker):  # nested: sent to the workers by value
        return [str(task.key) for task in dask_worker.state.executing]

    with distributed.Client(cluster["address"], timeout=30) as client:
        deadline = time.monotonic() + 120
        while killed is None and batch.is_alive() and time.monotonic() < deadline:
            busy = client.run(executing_learners)
            victim = next((worker for worker, keys in busy.items() if keys), None)
            if victim:
                killed = client.run(os.getpid, workers=[victim])[victim]
                os.kill(killed, signal.SIGKILL)  # one worker process, while it grades a learner
            time.sleep(0.1)
    batch.join(timeout=300)
    assert killed is not None, "no worker was seen grading"
    outcome = finished["outcome"]
    assert not outcome.grader_errors
    assert sorted(outcome.graded) == sorted(LEARNERS)  # each learner graded (and written) exactly once
    assert outputs(out) == local


def test_a_worker_that_cannot_grade_refuses_and_the_others_grade_everyone(cluster, small_class, local, tmp_path):
    # This worker's machine has no bubblewrap (nothing on its PATH), and the batch asks for bwrap.
    env = dict(os.environ, PATH="/nonexistent")
    refusing = cluster["start"]("worker", cluster["address"], "--nworkers", "1", "--nthreads", "1",
                                "--no-dashboard", "--host", "127.0.0.1", "--name", "no-bwrap", env=env)
    try:
        with distributed.Client(cluster["address"], timeout=30) as client:
            client.wait_for_workers(3, timeout=90)
        out = tmp_path / "dask"
        outcome = run_batch(options(small_class, out, scheduler=cluster["address"], isolation="bwrap"))
    finally:
        os.killpg(refusing.pid, signal.SIGTERM)
        refusing.wait(timeout=30)
    refusals = [note for note in outcome.class_notes if "refuses to grade" in note]
    assert len(refusals) == 1 and "bubblewrap" in refusals[0], outcome.class_notes
    assert not outcome.grader_errors
    assert outputs(out) == local


def test_when_every_worker_refuses_no_learner_is_graded(cluster, small_class, tmp_path, monkeypatch):
    # Workers whose torch differs from the one the batch's reference was computed with cannot grade.
    real = dask_pool.expected_environment
    monkeypatch.setattr(dask_pool, "expected_environment", lambda ex: dict(real(ex), torch="0.0.1"))
    with pytest.raises(MachineError, match="torch 0.0.1"):
        run_batch(options(small_class, tmp_path / "dask", scheduler=cluster["address"]))
    assert not (tmp_path / "dask" / "gradebook.csv").exists()


def test_the_command_line_reads_the_scheduler_from_a_config_file(cluster, tmp_path, capsys):
    config = tmp_path / "rnn-grade.toml"
    config.write_text(f'scheduler = "{cluster["address"]}"\nexercise = ["ex02_forward_pass"]\n'
                      f'call-seconds = 20\n')
    learner = SAMPLE_CLASS / "ada"
    code = main(["batch", str(learner), "--out", str(tmp_path / "out"), "--config", str(config)])
    assert code == 0
    assert "on the Dask cluster at " + cluster["address"] in capsys.readouterr().err
    assert (tmp_path / "out" / "gradebook.csv").read_text().splitlines()[1].startswith("ada,17,17,")

    def profiling(dask_worker):  # nested: sent to the workers by value
        return "profile" in dask_worker.periodic_callbacks

    # Every worker that graded stopped Dask's task profiler (it cost throughput; see dask_pool).
    with distributed.Client(cluster["address"], timeout=30) as client:
        assert not any(client.run(profiling).values())


def test_the_slurm_example_is_a_cluster_dask_jobqueue_accepts_with_one_thread_per_worker_process():
    pytest.importorskip("dask_jobqueue", reason="dask-jobqueue is not installed (.ci/run installs it)")
    import importlib.util

    spec = importlib.util.spec_from_file_location("slurm_cluster", KIT / "examples" / "cluster" / "slurm_cluster.py")
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    with example.slurm_cluster(scheduler_options={"host": "127.0.0.1"}) as cluster:  # nothing is submitted
        script = cluster.job_script()
    assert "#SBATCH -p cpu" in script and f"--cpus-per-task={example.PROCESSES}" in script
    assert "--nthreads 1" in script and f"--nworkers {example.PROCESSES}" in script
    assert "distributed.cli.dask_worker" in script
    assert "export DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False" in script


def test_readmes_jobqueue_yaml_gives_slurm_jobs_of_one_thread_per_worker_process():
    pytest.importorskip("dask_jobqueue", reason="dask-jobqueue is not installed (.ci/run installs it)")
    import dask.config
    import yaml
    from dask_jobqueue import SLURMCluster

    readme = (KIT / "README.md").read_text()
    block = readme.split("```yaml\n", 1)[1].split("```", 1)[0]
    settings = yaml.safe_load(block)["jobqueue"]["slurm"]  # on top of dask-jobqueue's defaults, as a file would be
    with dask.config.set({f"jobqueue.slurm.{key}": value for key, value in settings.items()}):
        with SLURMCluster(scheduler_options={"host": "127.0.0.1"}) as cluster:
            script = cluster.job_script()
    assert "#SBATCH -p cpu" in script and "--nthreads 1" in script and "--nworkers 8" in script
    assert "export DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False" in script


def test_when_every_worker_dies_the_batch_stops_loudly_and_resume_grades_the_rest(cluster, small_class, tmp_path,
                                                                                  monkeypatch):
    # A worker with no nanny (as on a machine that went away): once it dies mid-learner, nothing grades.
    monkeypatch.setattr(dask_pool, "WORKER_WAIT_SECONDS", 4.0)
    monkeypatch.setattr(dask_pool, "WORKER_CHECK_SECONDS", 0.5)
    work = tmp_path / "lone"
    work.mkdir()
    scheduler_file = work / "scheduler.json"
    scheduler = cluster["start"]("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                 "--scheduler-file", str(scheduler_file))
    deadline = time.monotonic() + 60
    while not scheduler_file.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    address = json.loads(scheduler_file.read_text())["address"]
    lone = cluster["start"]("worker", address, "--no-nanny", "--nthreads", "1", "--no-dashboard",
                            "--host", "127.0.0.1")
    out = tmp_path / "dask"
    try:
        with distributed.Client(address, timeout=30) as client:
            client.wait_for_workers(1, timeout=90)
        finished = {}

        def batch():
            try:
                run_batch(options(small_class, out, scheduler=address))
            except BaseException as error:  # noqa: BLE001 (what the batch raised is the test's subject)
                finished["error"] = error
        thread = threading.Thread(target=batch)
        thread.start()
        deadline = time.monotonic() + 120
        while not list(out.glob("*/results.json")) and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        os.killpg(lone.pid, signal.SIGKILL)  # after its first learner, while it grades the next
        thread.join(timeout=60)
        assert not thread.is_alive(), "the batch waited for ever for a worker"
    finally:
        for process in (lone, scheduler):
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    error = finished.get("error")
    assert isinstance(error, MachineError) and "not graded" in str(error), finished
    assert not (out / "gradebook.csv").exists()  # no zeros for the learners nobody graded
    written = {path.parent.name for path in out.glob("*/results.json")}
    assert written and written < set(LEARNERS)
    outcome = run_batch(options(small_class, out, jobs=2, resume=True))  # carries on, here with the local pool
    assert sorted(outcome.reused) == sorted(written) and sorted(outcome.reused + outcome.graded) == sorted(LEARNERS)


def kit_processes(roots):
    """(fork servers, learners' workers) below the processes ``roots``: the kit's own, as an outside
    program (an OOM killer, a crashed container's reaper) would find them."""
    from test_redteam import _below, _processes

    table = _processes()

    def is_zygote(pid):
        argv = table.get(pid, (0, 0, b""))[2].split(b"\0")
        return os.path.basename(argv[0]) != b"bwrap" and b"--zygote" in argv

    below = [pid for root in roots for pid in _below(table, root)]
    servers = [pid for pid in below if is_zygote(pid) and not is_zygote(table[pid][0])]
    workers = [pid for pid in below if is_zygote(pid) and is_zygote(table[pid][0])]
    return servers, workers


def test_outside_kills_under_dask_give_the_local_gradebook_or_a_machine_error_resume_completes(
        cluster, small_class, local, tmp_path):
    """Issue #28: while another program killed some of the kit's fork servers and workers, a Dask batch
    wrote a gradebook that differed from the local one. Now: the same gradebook, or a loud machine error
    (grader errors: exit 3) after which ``--resume`` grades those learners again, to the same gradebook."""
    with distributed.Client(cluster["address"], timeout=30) as client:
        dask_workers = list(client.run(os.getpid).values())
    stop, kills = threading.Event(), []

    def killer():
        # Now and then, three kills in all: a call is tried again up to three times (session.OUTSIDE_RETRIES),
        # so even a long call (ex06's training) that all of them hit is graded. More kills of one call would
        # be the learner's own crash: the kit cannot tell them from code that kills itself.
        # Looked for often (a quick machine grades the class in seconds), killed 2.5 s apart at the least.
        while not stop.wait(0.1 if not kills else 2.5) and len(kills) < 3:
            servers, workers = kit_processes(dask_workers)
            if not workers:
                continue  # nobody graded now: a kill between learners tests nothing more
            targets = servers[:1] if not any(kind == "server" for kind, _ in kills) else workers[:1]
            for pid in targets:
                try:
                    os.kill(pid, signal.SIGKILL)
                    kills.append(("server" if pid in servers else "worker", pid))
                except OSError:
                    pass

    out = tmp_path / "dask"
    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    try:
        try:
            outcome = run_batch(options(small_class, out, scheduler=cluster["address"]))
            stopped = None
        except MachineError as error:   # said loudly: exit 3, no gradebook
            outcome, stopped = None, error
    finally:
        stop.set()
        thread.join()
    assert kills, "nothing was killed: the test tested nothing"
    if stopped is None and not outcome.grader_errors:
        print(f"outside kills under Dask: {kills}; the local gradebook at once")
    else:
        # The machine's failure, said: the learners it hit are graded again by --resume, to the local gradebook.
        print(f"outside kills under Dask: {kills}; a machine error ({stopped or outcome.grader_errors}), then "
              f"--resume")
        again = run_batch(options(small_class, out, scheduler=cluster["address"], resume=True))
        assert not again.grader_errors
    assert outputs(out)[0] == local[0], kills
    for name in LEARNERS:   # line by line: a difference is shown where it is
        assert outputs(out)[1][name].splitlines() == local[1][name].splitlines(), (name, kills)
