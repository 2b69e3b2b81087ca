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


def similarity_page(out, options):
    """With ``--similarity``: write ``similarity.html`` beside the report from the history's latest submissions;
    returns a class note for the report (never a grade change)."""
    if not getattr(options, "similarity", False):
        return []
    from .similarity import class_report
    from .similarity_page import similarity_html

    learners = history.latest_files(out)
    reports = class_report(learners, options.exercises)
    store.write_atomically(out / "similarity.html", similarity_html(reports, learners))
    flagged = [f"{r.exercise}: " + ", ".join(f"{p.a} & {p.b} ({p.score:.0%})" for p in r.flagged[:3]) +
               (" ..." if len(r.flagged) > 3 else "") for r in reports if r.flagged]
    return ["Similar code (similarity.html, side by side; no grade changed): " +
            ("; ".join(flagged) if flagged else "no pair more alike than the class's norm")]


def course_gradebook(out, options):
    """The course gradebook's text when the batch has a late policy (``[course]``), else None."""
    if options.policy is None:
        return None
    from .gradebook import course_gradebook_text

    return course_gradebook_text(out, options.policy, options.exercises)
