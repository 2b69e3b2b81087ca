"""Grade a class on an existing Dask cluster (``rnn-grade batch --scheduler ADDRESS``).

The same job as the local pool of ``runner.py``, spread over any number of machines:

* Each Dask worker process owns ONE warm ``Grader`` (fork server, sandbox, limits
  exactly as locally), built by ``GraderPlugin`` when the worker joins and closed
  when the batch ends. It then runs a preflight: a worker whose machine cannot grade
  (the sandbox asked for is missing, torch is missing or another version, the kit's
  checks differ from the batch's) refuses, with a sentence in the batch's output, and
  is never given a learner. If every worker refuses, the batch stops (exit 3).
* A worker that is ready declares one unit of a resource named after the batch, and
  every learner needs that unit: one learner at a time per worker process, however
  many threads the worker was started with, and never on a worker that refused.
* Submissions travel as the intake read them (``Submission``: module files' bytes and notes;
  no shared file system), and the worker's grader stages them as any front end does; each
  result comes back as the ``SubmissionResult`` that ``grading.grade_files`` returns
  (Dask pickles it between processes of the same kit, which the preflight checks), and
  only the batch's own process writes files, so outputs, ``--resume``, the progress bar and exit codes are
  those of a local batch.
* The reference is computed once, by the batch's own process, and its answers are
  shipped to every worker with the plugin.
* A worker lost while grading a learner (killed, out of memory, its machine gone):
  the scheduler gives that learner to another worker, and its result arrives once.

``distributed`` is an optional dependency (``pip install rnn-grade[dask]``); nothing
here is imported by a local batch.
"""
import asyncio
import logging
import time
import uuid

try:
    from distributed import Client, as_completed
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # the command line says what to install before getting here
    Client = as_completed = None
    WorkerPlugin = object

from ..errors import GradingStopped, MachineError
from ..intake import InstructorError
from . import grading

logger = logging.getLogger("rnn-grade")

CONNECT_SECONDS = 30        # to reach the scheduler
WORKER_WAIT_SECONDS = 120   # for the first worker (a job queue may take a while to start one)
POLL_SECONDS = 0.05         # between looks at the results that arrived
WORKER_CHECK_SECONDS = 2.0  # between asking the scheduler whether any worker still grades
TASK_RETRIES = 1            # a task that raised (the grader's own code never should) is tried once more

# This worker process's grading state, per batch token: {"grader", "problem"}.
_WORKER_STATE = {}


def available():
    """True when ``distributed`` is installed (asked afresh: it may have been removed since)."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return Client is not None


def expected_environment(exercises):
    """What every worker must match to grade like this process: the kit's grading code and torch."""
    from ..runner.reference import checks_fingerprint

    return {"grading_code": checks_fingerprint(exercises), "torch": _torch_version()}


def _torch_version():
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("torch")
    except PackageNotFoundError:
        return None


class GraderPlugin(WorkerPlugin):
    """Builds, checks and finally closes the one Grader of each worker process (see module docstring)."""

    def __init__(self, token, settings, answers, expected):
        self.token, self.settings, self.answers, self.expected = token, settings, answers, expected
        self.name = f"rnn-grade-{token}"

    async def setup(self, worker):
        _stop_task_profiler(worker)
        # Building a Grader waits seconds for its fork server: not on the worker's event loop.
        loop = asyncio.get_running_loop()
        try:
            problem = await loop.run_in_executor(None, _prepare, self.token, self.settings, self.answers,
                                                 self.expected)
        except Exception as error:  # whatever broke, this worker must not grade: it says why instead
            problem = f"its grader could not be prepared ({type(error).__name__}: {error})"
            _WORKER_STATE[self.token] = {"grader": None, "problem": problem}
        if problem is None:
            await worker.set_resources(**{resource_name(self.token): 1})
        else:
            logger.error("rnn-grade: this worker refuses to grade: %s", problem)

    async def teardown(self, worker):
        state = _WORKER_STATE.pop(self.token, None)
        if state and state.get("grader") is not None:
            await asyncio.get_running_loop().run_in_executor(None, state["grader"].close)


def _stop_task_profiler(worker):
    """Stop the worker's statistical profiler of running tasks (``distributed.worker.profile``).

    Every 10 ms it walks the grading thread's stack (pytest's, some 80 frames deep) holding the
    GIL, while that thread mostly waits for the learner's worker process: the profile it builds says
    nothing the grader's own feedback does not, and cost grading throughput. Workers started with
    ``DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False`` never run it.
    """
    callbacks = getattr(worker, "periodic_callbacks", None) or {}
    for name in ("profile", "profile-cycle"):
        callback = callbacks.pop(name, None)
        if callback is not None:
            try:
                callback.stop()
            except Exception:  # a distributed of another shape: the profiler only costs time
                pass


def resource_name(token):
    return f"rnn-grade-{token}"


def _prepare(token, settings, answers, expected):
    """Build this process's Grader and say why it cannot grade (None when it can)."""
    from ..paths import SOLUTIONS
    from ..runner.reference import ShippedReference

    _one_thread()
    problem = _environment_problem(settings, expected)
    grader = None
    if problem is None:
        grader = grading.make_grader(settings, ShippedReference(answers, SOLUTIONS))
        problem = _grader_problem(grader)
    if problem is not None and grader is not None:
        grader.close()
        grader = None
    _WORKER_STATE[token] = {"grader": grader, "problem": problem}
    return problem


def _one_thread():
    """The worker process computes like the local grader: torch on one thread (learners' workers do too)."""
    try:
        import torch
    except ImportError:
        return  # the environment check says so
    torch.set_num_threads(1)


def _environment_problem(settings, expected):
    from ..runner.reference import checks_fingerprint

    ours = _torch_version()
    if ours is None:
        return "torch is not installed in this worker's Python (pip install torch==2.13.0)"
    if ours.split("+")[0] != (expected["torch"] or "").split("+")[0]:
        return (f"this worker has torch {ours} but the batch's reference was computed with torch "
                f"{expected['torch']}: answers would not compare alike")
    if checks_fingerprint(settings["exercises"]) != expected["grading_code"]:
        return ("this worker's rnn-grade checks differ from the batch's (install the same version of the kit "
                "on every worker)")
    return None


def _grader_problem(grader):
    reason = getattr(grader, "reason", None)  # a Grader that could not even be built
    if reason:
        return "the grader could not be started: " + reason.strip().splitlines()[-1]
    # The preflight proves that one learner's worker starts end to end and imports torch (machine.py).
    try:
        grader.preflight()
    except Exception as error:
        return f"{type(error).__name__}: {getattr(error, 'message', None) or error}"
    return None


def worker_status(token):
    """Run on each worker: None when it grades for this batch, a sentence when it refuses, "starting" before."""
    state = _WORKER_STATE.get(token)
    return "starting" if state is None else state["problem"]


def grade_on_worker(token, submission):
    """One learner (an ``intake.Submission``) on this worker's warm Grader: the SubmissionResult a local
    pool process returns."""
    state = _WORKER_STATE.get(token)
    if state is None or state["grader"] is None:
        # Not reachable through the batch's resource; raising lets the scheduler retry elsewhere.
        raise RuntimeError(f"this worker cannot grade: {state and state['problem']}")
    return grading.grade_files(state["grader"], submission)


def connect(address):
    """A Client of the scheduler at ``address``; an unreachable scheduler is the instructor's to fix."""
    try:
        return Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise InstructorError(f"cannot reach the Dask scheduler at {address}: {error}") from None


def ready_workers(client, token, refusals, seconds=WORKER_WAIT_SECONDS):
    """Addresses of workers that grade for this batch, once one is ready or every one has refused.

    Refusals found are added to ``refusals`` (address -> why). Workers that joined while the
    plugin was being set up may still be "starting": they are waited for, up to ``seconds``.
    """
    deadline = time.monotonic() + seconds
    while True:
        statuses = {address: status if status is None or isinstance(status, str) else
                    f"it cannot run the kit's code ({type(status).__name__}: {status}); is rnn-grade installed there?"
                    for address, status in client.run(worker_status, token, on_error="return").items()}
        ready = [address for address, status in statuses.items() if status is None]
        for address, status in statuses.items():
            if status not in (None, "starting"):
                refusals.setdefault(address, status)
        if ready or "starting" not in statuses.values() or time.monotonic() > deadline:
            return ready
        time.sleep(0.5)


def grade_on_cluster(address, job):
    """Grade ``job.pending`` (a ``grading.ClassGrading``) on the cluster at ``address``.

    ``job.start()`` prepares the reference in this process once a worker is there; its answers are
    shipped to the workers; ``job.finish`` takes each learner's result as it arrives (a learner whose
    grading failed for good gets ``grading.process_died``, as for a dead local pool process); sentences
    about refusing workers are added to ``job.notes``.
    """
    client = connect(address)
    token = uuid.uuid4().hex[:12]
    plugin = None
    try:
        try:
            client.wait_for_workers(1, timeout=WORKER_WAIT_SECONDS)
        except TimeoutError:
            raise MachineError(f"the Dask cluster at {address} has no worker (waited {WORKER_WAIT_SECONDS} s)") \
                from None
        job.start()
        plugin = GraderPlugin(token, job.settings, grading.reference_answers(job.exercises),
                              expected_environment(job.exercises))
        try:
            client.register_plugin(plugin, name=plugin.name)  # returns once every current worker is set up
        except Exception as error:  # a worker could not even load it (no kit there): its status says so
            logger.warning("rnn-grade: a worker could not set up the grader: %s", error)
        refusals = {}
        ready = ready_workers(client, token, refusals)
        job.notes += [f"GRADER NOTE: Dask worker {worker} refuses to grade: {why}" for worker, why in refusals.items()]
        if not ready:
            raise MachineError("no worker of the Dask cluster at {} can grade:\n".format(address) +
                               "\n".join(f"  {worker}: {why}" for worker, why in refusals.items()))
        futures = {}
        for submission, content_hash in job.pending:
            future = client.submit(grade_on_worker, token, submission,
                                   key=f"rnn-grade-{token}-{len(futures)}", pure=False, retries=TASK_RETRIES,
                                   resources={resource_name(token): 1})
            futures[future] = (submission, content_hash)
        collect(client, token, futures, job.finish, address)
    finally:
        if plugin is not None:
            _unregister(client, plugin.name)
        client.close()


def collect(client, token, futures, finish, address):
    """``finish`` each learner as its result arrives; stop if no worker grades for WORKER_WAIT_SECONDS.

    The scheduler keeps a learner whose worker died until another worker with the batch's resource
    can take it: when every such worker is gone (their machines or the job queue's jobs ended) it
    would wait for ever. A worker restarted by its nanny sets its grader up again and counts.
    Learners already finished are written, so ``--resume`` carries on once the cluster is back.
    """
    remaining = as_completed(list(futures), loop=client.loop)
    checked, alone_since = 0.0, None
    while not remaining.is_empty():
        if remaining.has_ready():
            for future in remaining.next_batch(block=False):
                submission, content_hash = futures.pop(future)
                try:
                    result = future.result()
                except Exception as error:  # lost on too many workers (KilledWorker) or failed twice
                    result = grading.process_died(submission.label, error)
                finish(submission, content_hash, result)
            continue
        time.sleep(POLL_SECONDS)
        if time.monotonic() - checked < WORKER_CHECK_SECONDS:
            continue
        checked = time.monotonic()
        if grading_workers(client, token):
            alone_since = None
        elif alone_since is None:
            alone_since = checked
        elif checked - alone_since > WORKER_WAIT_SECONDS:
            raise GradingStopped(f"no worker of the Dask cluster at {address} could grade for "
                                 f"{WORKER_WAIT_SECONDS:.0f} s (all of them left or died): {len(futures)} "
                                 "learner(s) not graded")


def grading_workers(client, token):
    """Addresses of the workers that hold this batch's resource now (set up, preflighted, alive)."""
    try:
        workers = client.scheduler_info(n_workers=-1).get("workers", {})
    except Exception:  # the scheduler itself is unreachable: no worker grades
        return []
    return [address for address, info in workers.items() if info.get("resources", {}).get(resource_name(token))]


def _unregister(client, name):
    try:
        client.unregister_worker_plugin(name)  # each worker closes its Grader (fork server, workers)
    except Exception:  # the cluster went away first: its workers' graders went with it
        pass
