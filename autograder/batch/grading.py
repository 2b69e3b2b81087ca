"""Grading learners inside one process of a batch: the same code for the batch's own process, each
local pool process (``runner.py``) and each Dask worker process (``dask_pool.py``).

One ``Grader`` per process (``make_grader``), compared with one reference (``make_reference``), takes
one learner (an ``intake.Submission``) and gives back one ``SubmissionResult``: the object that travels to the
batch's process (pickled by the pool or by Dask, both processes of the same kit) and into the
gradebook; it becomes plain JSON data only in the learner's record (``store.py``).
"""
import time
import traceback
from dataclasses import dataclass, field

from ..errors import MachineError
from ..paths import SOLUTIONS
from ..runner.limits import Limits
from ..runner.results import CheckResult, SubmissionResult


@dataclass
class ClassGrading:
    """What a batch hands to whatever grades its pending learners (the local pool or a Dask cluster)."""

    pending: list                 # [(Submission, content hash)] to grade
    settings: dict                # BatchOptions.grader_settings(): what each process builds its Grader from
    start: object                 # start(where): prepare the reference; runs while the graders start up
    finish: object                # finish(submission, content hash, SubmissionResult), in the batch's process
    notes: list = field(default_factory=list)   # the class's notes, to which the grading adds its own
    subset: object = None         # subset(submission) -> the exercises to grade (an incremental batch), None: all
    reference_digest: str = None  # the digest of the reference answers ``start`` prepared (``freeze_reference``)

    def exercises_of(self, submission):
        return self.subset(submission) if self.subset else None

    @property
    def exercises(self):
        return self.settings["exercises"]


def make_reference():
    """The reference every learner is compared with. The one place that decides it.

    A cache file keyed by the solutions, the observers and torch's version: the
    parent fills it once (``prepare_reference``) and every pool process reads it,
    so no answer is computed once per learner or once per job.
    """
    from ..runner.reference import CachedReference

    return CachedReference(SOLUTIONS)


def prepare_reference(exercises):
    """Compute and cache every reference answer before grading: (problems found, as sentences; the digest of
    the answers, or None when they could not be prepared).

    The solutions are graded with every check, in this process (they are the trusted
    reference): a check the reference itself fails is a broken kit, and every grade
    that depends on it would be wrong. The digest is taken before any learner code of the batch runs;
    each grader holds the answers that match it for the whole batch (``freeze_reference``).
    """
    from ..runner.grade import warm_reference
    from ..runner.reference import checks_fingerprint

    try:
        reference = make_reference()
        key = checks_fingerprint(exercises) if hasattr(reference, "self_check") else None
        known = reference.self_check(key) if key else None
        if known is not None:
            return known, _digest(reference)  # the same solutions, checks and exercises were checked before
        result = warm_reference(reference, exercises)
        problems = [f"the reference solutions fail the check {c.name} ({c.status}): grades of that check "
                    f"cannot be trusted; {c.feedback.splitlines()[0] if c.feedback else ''}"
                    for c in result.checks if c.status != "passed"]
        if hasattr(reference, "save"):
            reference.save()
        if key:
            reference.remember_self_check(key, problems)
    except Exception as error:  # reported like any grader error; the learners are still graded
        return [f"the reference answers could not be prepared ({type(error).__name__}: {error})"], None
    return problems, _digest(reference)


def _digest(reference):
    return reference.digest() if hasattr(reference, "digest") else None


def freeze_reference(grader, digest):
    """Before a process grades its first learner of the batch: its grader's reference answers are read once,
    compared with ``digest`` (what the batch prepared before any learner code ran) and held in memory; the
    cache file is never read again during the batch, whatever learner code does to it."""
    freeze = getattr(getattr(grader, "reference", None), "freeze", None)
    if freeze is not None and digest is not None:
        freeze(digest)


def reference_answers(exercises):
    """Every reference answer, as plain data to ship to a cluster's workers (after ``prepare_reference``)."""
    from ..runner.grade import warm_reference

    reference = make_reference()
    answers = reference.answers()
    if not answers:  # the cache could not be written: compute the answers here, once
        warm_reference(reference, exercises)
        answers = reference.answers()
    return answers


def make_grader(settings, reference=None):
    """One Grader for all the learners a process grades; a grader that cannot start explains why per learner."""
    from ..runner.grade import Grader

    limits = Limits(**settings["limits"])
    try:
        return Grader(reference or make_reference(), include_hidden=True, exercises=settings["exercises"],
                      limits=limits, isolation=settings["isolation"], reveal=settings.get("reveal"),
                      method_allow=settings.get("allow") or ())
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


def grade_files(grader, submission, exercises=None):
    """Grade one learner (an ``intake.Submission``, what travels to pool processes and Dask workers): a
    SubmissionResult. The grader stages its files once, into a private copy only that learner's worker
    sees, removed before the next learner. A failure of the kit becomes a grader_error check, never an
    exception.

    ``exercises``: grade only these (what an incremental batch has no cached results for) instead of
    the grader's own.
    """
    student = submission.label or submission.name
    started = time.monotonic()
    own = getattr(grader, "exercises", None)
    try:
        if exercises:
            grader.exercises = list(exercises)
        result = grader.grade(submission, student=student)
    except Exception:  # the grader itself broke: report it for this learner and go on
        result = grader_failure(student, "the grader failed on this submission",
                                "The grader itself failed (not your fault; tell your instructor):\n" +
                                traceback.format_exc()[-2000:], seconds=time.monotonic() - started)
    finally:
        if exercises:
            grader.exercises = own
    result.isolation_warning = _warning_of(grader)
    return result


def grader_failure(student, title, feedback, seconds=0.0):
    """The result of a learner the kit could not grade: one grader_error check (the batch exits 3)."""
    return SubmissionResult(student=student, seconds=seconds, checks=[CheckResult(
        name="grader", exercise="?", title=title, max_points=0, points=0, hidden=False, status="grader_error",
        feedback=feedback)])


def process_died(student, error):
    """The result of a learner whose grading process died (a local pool's process, or Dask's workers in turn)."""
    return grader_failure(student, "the grading process died",
                          f"The grading process for this submission died ({type(error).__name__}: {error}); "
                          "not your fault; tell your instructor")


def _warning_of(grader):
    try:
        return grader.isolation_warning
    except Exception:
        return None
