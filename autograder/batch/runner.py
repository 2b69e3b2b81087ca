"""Grade a class: copy each learner's files to a private folder, grade, store, summarise.

With ``jobs > 1`` learners are graded by a pool of "spawn" processes; each builds ONE
``Grader`` in its initializer and reuses it for all its learners (the grader keeps
what can be reused between learners warm); ``grading.py`` is what runs in each of them.
Each learner's ``SubmissionResult`` comes back to this process, and only this process writes
files. With
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
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import MachineError
from ..runner.limits import Limits
from ..runner.results import SubmissionResult
from . import grading, store
from .feedback_file import feedback_text, results_document
from .gradebook import gradebook_text, learners_text, reviews_text
from ..intake import InstructorError, find_submissions
from .reviews import apply_reviews, read_reviewed
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
    reviewed: str = None              # reviewed-submissions file: held checks an instructor accepted (reviews.py)
    allow: list = None                # dotted names the method rules allow for everyone
    # Hooks a course (autograder/course/, a layer above: the batch never imports it) fills in:
    result_cache: object = None       # reuses results of unchanged work (``--incremental``): .split(pending) ->
                                      # (done [(Submission, hash, SubmissionResult)], still pending),
                                      # .subset(submission) -> exercises to grade (None: all), .complete(submission,
                                      # result) -> the whole result
    gradebook: object = None          # gradebook(out) -> gradebook.csv's text when a course decides it, else None
    after_grading: tuple = ()         # each(out, submissions, results by folder id, fingerprint) -> class notes

    def grader_settings(self):
        """Plain data a pool process needs to build its Grader (and the fingerprint's inputs)."""
        limits = self.limits or Limits()
        settings = {"exercises": list(self.exercises) if self.exercises else None, "isolation": self.isolation,
                    "limits": asdict(limits), "reveal": self.reveal}
        if self.allow:
            settings["allow"] = sorted(self.allow)
        return settings


@dataclass
class BatchOutcome:
    results: list = field(default_factory=list)      # SubmissionResult per learner, by name
    graded: list = field(default_factory=list)       # names graded in this run
    reused: list = field(default_factory=list)       # names kept from an earlier run (--resume, or all cached)
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


# -- pool processes --------------------------------------------------------------------------------

_POOL_GRADER = None


def _start_pool_process(settings):
    global _POOL_GRADER
    # Ctrl-C reaches the whole terminal's process group: the batch's own process decides, and
    # stops this one with SIGTERM, which closes the grader (its fork server and workers) first.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_pool_process)
    _POOL_GRADER = grading.make_grader(settings)
    # Pool processes end with os._exit, which skips atexit; multiprocessing's finalizers still run,
    # so whatever the grader keeps between learners (warm workers) is released.
    multiprocessing.util.Finalize(None, _POOL_GRADER.close, exitpriority=10)


def _stop_pool_process(signum, frame):
    if _POOL_GRADER is not None:
        _POOL_GRADER.close()
    os._exit(128 + signum)


def _pool_ready():
    """Run once per pool process before any learner: what keeps this machine from grading, or None."""
    return grading.machine_problem(_POOL_GRADER)


def _grade_in_pool(submission, exercises=None):
    return grading.grade_files(_POOL_GRADER, submission, exercises)


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
    accepted = read_reviewed(options.reviewed)
    fingerprint = store.kit_fingerprint(dict(settings, withhold_hidden=options.withhold_hidden))
    outcome = BatchOutcome(class_notes=list(intake.notes))
    progress = Progress(len(intake.submissions), progress_stream, live)
    results = {}   # folder id -> SubmissionResult, graded now or kept from an earlier run
    pending = []
    for submission in intake.submissions:
        content_hash = submission.content_hash()
        outcome.folders[submission.label] = submission.name
        record = store.load_record(out, submission.name) if options.resume else None
        if options.resume and store.is_current(record, content_hash, fingerprint, out, submission.name,
                                               submission.label):
            results[submission.name] = result = SubmissionResult.from_dict(record["result"])
            if apply_reviews(result, accepted):   # accepted since it was graded: its own files say so too
                record["result"] = result.to_dict()
                store.save(out, submission.name, record, results_document(result, options.withhold_hidden),
                           feedback_text(result, options.withhold_hidden))
            outcome.reused.append(submission.name)
            progress.update(results[submission.name], reused=True)
            continue
        pending.append((submission, content_hash))
    cache = options.result_cache
    done, pending = cache.split(pending) if cache is not None else ([], pending)

    def finish(submission, content_hash, result):
        if cache is not None:
            result = cache.complete(submission, result)
        outcome.isolation_warning = outcome.isolation_warning or result.isolation_warning
        result.isolation_warning = None
        result.notes = list(submission.notes) + [n for n in result.notes if n not in submission.notes]
        apply_reviews(result, accepted)
        record = {"student": submission.label, "folder": submission.name, "origin": submission.origin,
                  "platform": submission.platform, "platform_id": submission.platform_id,
                  "arrived": submission.arrived, "content_hash": content_hash, "fingerprint": fingerprint,
                  "result": result.to_dict()}
        store.save(out, submission.name, record, results_document(result, options.withhold_hidden),
                   feedback_text(result, options.withhold_hidden))
        results[submission.name] = result
        outcome.graded.append(submission.name)
        progress.update(result)

    for submission, content_hash, result in done:
        finish(submission, content_hash, result)
        outcome.graded.remove(submission.name)  # nothing of it ran again: counted with the reused
        outcome.reused.append(submission.name)
    jobs = min(options.jobs or os.cpu_count() or 1, len(pending))

    def start():
        # Runs while the pool's processes start their fork servers: both take seconds.
        outcome.reference_problems = grading.prepare_reference(settings["exercises"])
        outcome.class_notes += [f"GRADER ERROR: {problem}" for problem in outcome.reference_problems]
        progress.start(f"grading {len(pending)} learners, " +
                       (f"on the Dask cluster at {options.scheduler}" if options.scheduler else f"{jobs} at a time"))

    job = grading.ClassGrading(pending, settings, start, finish, outcome.class_notes,
                               subset=cache.subset if cache is not None else None)
    # The report's plotting library takes half a second to import: do it while this process
    # only waits for its pool, not after the last learner.
    threading.Thread(target=_preload_report_libraries, daemon=True).start()
    if options.scheduler and pending:
        from .dask_pool import grade_on_cluster  # imports distributed (a second): only for a cluster

        grade_on_cluster(options.scheduler, job)
    else:
        _grade_all(job, jobs)
    progress.finish()

    outcome.results = [results[s.name] for s in intake.submissions if s.name in results]
    if outcome.isolation_warning is None and outcome.reused and not outcome.graded:
        outcome.isolation_warning = _stored_warning(out)
    for hook in options.after_grading:  # a course's history, similarity page
        outcome.class_notes += hook(out, intake.submissions, results, fingerprint)
    outcome.seconds = time.monotonic() - started
    _write_class_outputs(out, outcome, options)
    return outcome


def _grade_all(job, jobs):
    """Grade ``job.pending`` in this process (``jobs`` 1) or in a pool of ``jobs`` processes."""
    if not job.pending:
        return
    if jobs <= 1:
        grader = grading.make_grader(job.settings)  # its fork server starts now, alongside the reference's
        try:
            job.start()
            problem = grading.machine_problem(grader)
            if problem:
                raise MachineError(problem)
            for submission, content_hash in job.pending:
                job.finish(submission, content_hash, grading.grade_files(grader, submission,
                                                                         job.exercises_of(submission)))
        finally:
            grader.close()
        return
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=jobs, mp_context=context,
                                                initializer=_start_pool_process,
                                                initargs=(job.settings,)) as pool:
        try:
            # Start every pool process (and so its fork server) now, prepare the reference meanwhile,
            # and grade nobody until each has shown that it can start a learner's worker.
            ready = [pool.submit(_pool_ready) for _ in range(jobs)]
            job.start()
            problem = next((p for p in (future.result() for future in ready) if p), None)
            if problem:
                raise MachineError(problem)
            futures = {pool.submit(_grade_in_pool, submission, job.exercises_of(submission)):
                       (submission, content_hash) for submission, content_hash in job.pending}
            for future in concurrent.futures.as_completed(futures):
                submission, content_hash = futures[future]
                try:
                    result = future.result()
                except Exception as error:  # the pool process itself died (killed, out of memory...)
                    result = grading.process_died(submission.label, error)
                job.finish(submission, content_hash, result)
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

    course_book = options.gradebook(out) if options.gradebook else None
    store.write_atomically(out / "gradebook.csv", course_book or gradebook_text(outcome.results, options.exercises))
    store.write_atomically(out / "learners.csv", learners_text(outcome.folders))
    store.write_atomically(out / "reviews.csv", reviews_text(outcome.results))
    store.write_atomically(out / store.RECORDS.parent / "isolation_warning.txt", outcome.isolation_warning or "")
    store.write_atomically(out / "report.html", report_html(outcome, options))
