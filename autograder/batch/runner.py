"""Grade a class: read each learner (``autograder/intake``), grade, store, summarise.

With ``jobs > 1`` learners are graded by a pool of "spawn" processes; each builds ONE
``Grader`` in its initializer and reuses it for all its learners (the grader keeps
what can be reused between learners warm). Results come back to this process as plain
dicts, never as pickled rich objects, and only this process writes files. With
``jobs == 1`` everything runs here, one learner after another. Both give the same
gradebook: a learner's grade depends only on their files and the kit.
"""
import concurrent.futures
import multiprocessing
import multiprocessing.util
import os
import signal
import tempfile
import threading
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..paths import SOLUTIONS
from ..runner.errors import MachineError
from ..runner.limits import Limits
from ..runner.results import CheckResult, SubmissionResult
from . import store
from .feedback_file import feedback_text, results_document
from .gradebook import gradebook_text, learners_text
from ..intake import InstructorError, find_submissions
from .progress import Progress, summary_lines


@dataclass
class BatchOptions:
    submissions: Path
    out: Path
    jobs: int = 0                     # 0: one per core
    resume: bool = False
    withhold_hidden: bool = False
    isolation: str = "auto"
    exercises: list = None
    limits: Limits = None
    intake: object = None             # learners found already (an nbgrader course); else read `submissions`
    scheduler: str = None             # a Dask scheduler's address: grade on that cluster (dask_pool.py)
    reveal: dict = None               # feedback levels, public and hidden (autograder/reveal.py); None: stored

    def grader_settings(self):
        """Plain data a pool process needs to build its Grader (and the fingerprint's inputs)."""
        limits = self.limits or Limits()
        return {"exercises": list(self.exercises) if self.exercises else None, "isolation": self.isolation,
                "limits": asdict(limits), "reveal": self.reveal}


@dataclass
class BatchOutcome:
    results: list = field(default_factory=list)      # SubmissionResult per learner, by name
    graded: list = field(default_factory=list)       # names graded in this run
    reused: list = field(default_factory=list)       # names kept from an earlier run (--resume)
    seconds: float = 0.0
    isolation_warning: str = None
    class_notes: list = field(default_factory=list)
    reference_problems: list = field(default_factory=list)  # checks the reference solutions fail
    folders: dict = field(default_factory=dict)      # learner's name as handed in -> their folder id in --out

    @property
    def grader_errors(self):
        return [r.student for r in self.results if r.grader_errors()] + \
            ["(reference solutions)"] * bool(self.reference_problems)

    def summary(self):
        return summary_lines(self.results, self.seconds, len(self.reused), self.isolation_warning,
                             self.class_notes)


def make_reference():
    """The reference every learner is compared with. The one place that decides it.

    A cache file keyed by the solutions, the observers and torch's version: the
    parent fills it once (``prepare_reference``) and every pool process reads it,
    so no answer is computed once per learner or once per job.
    """
    from ..runner.reference import CachedReference

    return CachedReference(SOLUTIONS)


def prepare_reference(exercises):
    """Compute and cache every reference answer before grading; problems found, as sentences.

    The solutions are graded with every check, in this process (they are the trusted
    reference): a check the reference itself fails is a broken kit, and every grade
    that depends on it would be wrong.
    """
    from ..runner.grade import warm_reference
    from ..runner.reference import checks_fingerprint

    try:
        reference = make_reference()
        key = checks_fingerprint(exercises) if hasattr(reference, "self_check") else None
        known = reference.self_check(key) if key else None
        if known is not None:
            return known  # the same solutions, checks and exercises were checked (and cached) before
        result = warm_reference(reference, exercises)
        problems = [f"the reference solutions fail the check {c.name} ({c.status}): grades of that check "
                    f"cannot be trusted; {c.feedback.splitlines()[0] if c.feedback else ''}"
                    for c in result.checks if c.status != "passed"]
        if hasattr(reference, "save"):
            reference.save()
        if key:
            reference.remember_self_check(key, problems)
    except Exception as error:  # reported like any grader error; the learners are still graded
        return [f"the reference answers could not be prepared ({type(error).__name__}: {error})"]
    return problems


def make_grader(settings, reference=None):
    """One Grader for all the learners a process grades; a grader that cannot start explains why per learner."""
    from ..runner.grade import Grader

    limits = Limits(**settings["limits"])
    try:
        return Grader(reference or make_reference(), include_hidden=True, exercises=settings["exercises"],
                      limits=limits, isolation=settings["isolation"], reveal=settings.get("reveal"))
    except Exception:  # e.g. the isolation asked for is not available on this machine
        return _UnavailableGrader(traceback.format_exc(limit=-3))


class _UnavailableGrader:
    """Stands in for a Grader that could not be built: its preflight says why, and no learner is graded."""

    isolation_warning = None

    def __init__(self, reason):
        self.reason = reason

    def preflight(self):
        raise MachineError("the grader could not be started:\n" + self.reason)

    def grade(self, folder, student=None):
        raise RuntimeError("the grader could not be started:\n" + self.reason)

    def close(self):
        pass


def machine_problem(grader):
    """None when ``grader`` can start a learner's worker on this machine, else what is wrong (see machine.py)."""
    try:
        grader.preflight()
    except MachineError as error:
        return str(error)
    return None


def reference_answers(exercises):
    """Every reference answer, as plain data to ship to a cluster's workers (after ``prepare_reference``)."""
    from ..runner.grade import warm_reference

    reference = make_reference()
    answers = reference.answers()
    if not answers:  # the cache could not be written: compute the answers here, once
        warm_reference(reference, exercises)
        answers = reference.answers()
    return answers


def grade_files(grader, submission):
    """Grade one learner (an ``intake.Submission``: what travels to pool processes and Dask workers), as
    plain data. The grader stages its files once, into a private copy only that learner's worker sees."""
    return grade_to_dict(grader, submission, submission.label or submission.name)


def grade_to_dict(grader, submission, student):
    """Grade one submission; a failure of the kit becomes a grader_error check, never an exception."""
    started = time.monotonic()
    try:
        data = store.result_to_dict(grader.grade(submission, student=student))
    except Exception:  # the grader itself broke: report it for this learner and go on
        text = traceback.format_exc()[-2000:]
        failed = SubmissionResult(student=student, seconds=time.monotonic() - started, checks=[CheckResult(
            name="grader", exercise="?", title="the grader failed on this submission", max_points=0, points=0,
            hidden=False, status="grader_error",
            feedback="The grader itself failed (not your fault; tell your instructor):\n" + text)])
        data = store.result_to_dict(failed)
    data["isolation_warning"] = _warning_of(grader)
    return data


def _warning_of(grader):
    try:
        return grader.isolation_warning
    except Exception:
        return None


# -- pool processes --------------------------------------------------------------------------------

_POOL_GRADER = None


def _start_pool_process(settings):
    global _POOL_GRADER
    # Ctrl-C reaches the whole terminal's process group: the batch's own process decides, and
    # stops this one with SIGTERM, which closes the grader (its fork server and workers) first.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_pool_process)
    _POOL_GRADER = make_grader(settings)
    # Pool processes end with os._exit, which skips atexit; multiprocessing's finalizers still run,
    # so whatever the grader keeps between learners (warm workers) is released.
    multiprocessing.util.Finalize(None, _POOL_GRADER.close, exitpriority=10)


def _stop_pool_process(signum, frame):
    if _POOL_GRADER is not None:
        _POOL_GRADER.close()
    os._exit(128 + signum)


def _pool_ready():
    """Run once per pool process before any learner: what keeps this machine from grading, or None."""
    return machine_problem(_POOL_GRADER)


def _grade_in_pool(submission):
    return grade_files(_POOL_GRADER, submission)


# -- the batch ------------------------------------------------------------------------------------

def prepare_out_dir(out):
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=out, prefix=".write-test-", delete=True)
        probe.close()
    except OSError as error:
        raise InstructorError(f"cannot write to the output folder {out}: {error.strerror or error}") from None
    return out


def run_batch(options, progress_stream=None, live=None):
    """Grade every learner of ``options.submissions`` and write all outputs; returns a BatchOutcome."""
    started = time.monotonic()
    out = prepare_out_dir(options.out)
    intake = options.intake or find_submissions(options.submissions, options.exercises, exclude=[out])
    if not intake.submissions:
        raise InstructorError(f"found no learners in {options.submissions}: expected a folder or a .zip per "
                              f"learner (or one learner's exercise modules)" +
                              "".join(f"; {note}" for note in intake.notes))
    settings = options.grader_settings()
    fingerprint = store.kit_fingerprint(dict(settings, withhold_hidden=options.withhold_hidden))
    outcome = BatchOutcome(class_notes=list(intake.notes))
    progress = Progress(len(intake.submissions), progress_stream, live)
    records = {}
    pending = []
    for submission in intake.submissions:
        content_hash = submission.content_hash()
        outcome.folders[submission.label] = submission.name
        record = store.load_record(out, submission.name) if options.resume else None
        if options.resume and store.is_current(record, content_hash, fingerprint, out, submission.name,
                                               submission.label):
            records[submission.name] = record
            outcome.reused.append(submission.name)
            progress.update(store.result_from_dict(record["result"]), reused=True)
            continue
        pending.append((submission, content_hash))

    def finish(submission, content_hash, data):
        warning = data.pop("isolation_warning", None)
        outcome.isolation_warning = outcome.isolation_warning or warning
        data["notes"] = list(submission.notes) + [n for n in data.get("notes", []) if n not in submission.notes]
        result = store.result_from_dict(data)
        record = {"student": submission.label, "folder": submission.name, "origin": submission.origin,
                  "platform": submission.platform, "platform_id": submission.platform_id,
                  "arrived": submission.arrived, "content_hash": content_hash,
                  "fingerprint": fingerprint, "result": data}
        store.save(out, submission.name, record, results_document(result, options.withhold_hidden),
                   feedback_text(result, options.withhold_hidden))
        records[submission.name] = record
        outcome.graded.append(submission.name)
        progress.update(result)

    jobs = min(options.jobs or os.cpu_count() or 1, len(pending))

    def before_grading():
        # Runs while the pool's processes start their fork servers: both take seconds.
        outcome.reference_problems = prepare_reference(settings["exercises"])
        outcome.class_notes += [f"GRADER ERROR: {problem}" for problem in outcome.reference_problems]
        progress.start(f"grading {len(pending)} learners, " +
                       (f"on the Dask cluster at {options.scheduler}" if options.scheduler else f"{jobs} at a time"))

    # The report's plotting library takes half a second to import: do it while this process
    # only waits for its pool, not after the last learner.
    threading.Thread(target=_preload_report_libraries, daemon=True).start()
    if options.scheduler and pending:
        from .dask_pool import grade_on_cluster

        grade_on_cluster(options.scheduler, pending, settings, finish, before_grading, _pool_failure,
                         lambda: reference_answers(settings["exercises"]), outcome.class_notes)
    else:
        _grade_all(pending, settings, jobs, finish, before_grading)
    progress.finish()

    outcome.results = [store.result_from_dict(records[s.name]["result"]) for s in intake.submissions
                       if s.name in records]
    if outcome.isolation_warning is None and outcome.reused and not outcome.graded:
        outcome.isolation_warning = _stored_warning(out)
    outcome.seconds = time.monotonic() - started
    _write_class_outputs(out, outcome, options)
    return outcome


def _grade_all(pending, settings, jobs, finish, before_grading):
    if not pending:
        return
    if jobs <= 1:
        grader = make_grader(settings)  # its fork server starts now, alongside the reference's preparation
        try:
            before_grading()
            problem = machine_problem(grader)
            if problem:
                raise MachineError(problem)
            for submission, content_hash in pending:
                finish(submission, content_hash, grade_files(grader, submission))
        finally:
            grader.close()
        return
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=jobs, mp_context=context,
                                                initializer=_start_pool_process,
                                                initargs=(settings,)) as pool:
        try:
            # Start every pool process (and so its fork server) now, prepare the reference meanwhile,
            # and grade nobody until each has shown that it can start a learner's worker.
            ready = [pool.submit(_pool_ready) for _ in range(jobs)]
            before_grading()
            problem = next((p for p in (future.result() for future in ready) if p), None)
            if problem:
                raise MachineError(problem)
            futures = {pool.submit(_grade_in_pool, submission): (submission, content_hash)
                       for submission, content_hash in pending}
            for future in concurrent.futures.as_completed(futures):
                submission, content_hash = futures[future]
                try:
                    data = future.result()
                except Exception as error:  # the pool process itself died (killed, out of memory...)
                    data = _pool_failure(submission.label, error)
                finish(submission, content_hash, data)
        except BaseException:  # a machine problem, Ctrl-C, SIGTERM: nothing of the pool may outlive the batch
            _stop_pool(pool)
            raise


def _stop_pool(pool, seconds=10.0):
    """Stop every pool process, each closing its grader (fork server, workers) on SIGTERM, then kill leftovers."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        try:
            process.terminate()
        except (OSError, ValueError):
            pass
    deadline = time.monotonic() + seconds
    for process in processes:
        try:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join(1.0)
        except (OSError, ValueError, AssertionError):
            pass


def _pool_failure(student, error):
    failed = SubmissionResult(student=student, checks=[CheckResult(
        name="grader", exercise="?", title="the grading process died", max_points=0, points=0, hidden=False,
        status="grader_error", feedback=f"The grading process for this submission died ({type(error).__name__}: "
                                        f"{error}); not your fault; tell your instructor")])
    return store.result_to_dict(failed)


def _stored_warning(out):
    try:
        return (Path(out) / store.RECORDS.parent / "isolation_warning.txt").read_text(encoding="utf-8") or None
    except OSError:
        return None


def _preload_report_libraries():
    try:
        import matplotlib.backends.backend_agg  # noqa: F401
        import matplotlib.figure  # noqa: F401
    except ImportError:
        pass  # report.py says what is missing when it runs


def _write_class_outputs(out, outcome, options):
    from .report import report_html

    store.write_atomically(out / "gradebook.csv", gradebook_text(outcome.results, options.exercises))
    store.write_atomically(out / "learners.csv", learners_text(outcome.folders))
    store.write_atomically(out / store.RECORDS.parent / "isolation_warning.txt", outcome.isolation_warning or "")
    store.write_atomically(out / "report.html", report_html(outcome, options))
