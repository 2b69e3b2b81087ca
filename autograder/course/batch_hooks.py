"""What ``rnn-grade batch`` (batch/runner.py) calls at its end: log the history, write the course gradebook."""
from ..batch import store
from . import history
from .arrival import arrival_of


def record_history(out, submissions, records, options):
    """Append every graded submission of this batch to the history (with its module bytes); returns class
    notes (a history that cannot be written is said in the report, and the gradebook is still written)."""
    try:
        _record(out, submissions, records, options)
    except OSError as error:
        return [f"GRADER ERROR: the submission history could not be written ({error}); grades are unaffected, "
                f"but this download is missing from {history.LOG}"]
    return []


def _record(out, submissions, records, options):
    zone = getattr(options.policy, "zip_zone", None) if options.policy else None
    entries = []
    for submission in submissions:
        record = records.get(submission.name)
        if record is None:
            continue
        arrival = arrival_of(submission, options.arrivals, zone, options.submissions)
        entries.append(history.entry_for(submission, record["content_hash"], arrival, record["fingerprint"],
                                         store.result_from_dict(record["result"]), out))
    return history.append(out, entries)


def course_gradebook(out, options):
    """The course gradebook's text when the batch has a late policy (``[course]``), else None."""
    if options.policy is None:
        return None
    from .gradebook import course_gradebook_text

    return course_gradebook_text(out, options.policy, options.exercises)
