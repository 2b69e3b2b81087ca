"""The course's part of ``rnn-grade batch``, installed into its BatchOptions by the command (the batch
engine sits in a lower layer and never imports the course): the result cache, the course gradebook,
the history log and the similarity page."""
from ..batch import store
from . import history
from .arrival import arrival_of


def install(options, policy=None, arrivals=None, incremental=False, similarity=False):
    """Fill ``options`` (a BatchOptions) with the course's hooks; returns it."""
    if incremental:
        from .cache import Plan

        options.result_cache = Plan(options.out, options.grader_settings())
    if policy is not None:
        from .gradebook import course_gradebook_text

        options.gradebook = lambda out: course_gradebook_text(out, policy, options.exercises)
    zone = policy.zip_zone if policy is not None else None

    def log(out, submissions, results, fingerprint):
        return record_history(out, submissions, results, fingerprint, arrivals, zone, options.submissions)
    hooks = [log]
    if similarity:
        hooks.append(lambda out, *_: similarity_page(out, options.exercises))
    options.after_grading = tuple(hooks)
    return options


def record_history(out, submissions, results, fingerprint, arrivals=None, zone=None, class_path=None):
    """Append every graded submission of this batch to the history (with its module bytes); returns class
    notes (a history that cannot be written is said in the report, and the gradebook is still written)."""
    try:
        entries = [history.entry_for(s, s.content_hash(), arrival_of(s, arrivals, zone, class_path), fingerprint,
                                     results[s.name], out) for s in submissions if s.name in results]
        history.append(out, entries)
    except OSError as error:
        return [f"GRADER ERROR: the submission history could not be written ({error}); grades are unaffected, "
                f"but this download is missing from {history.LOG}"]
    return []


def similarity_page(out, exercises=None):
    """Write ``similarity.html`` beside the report from the history's latest submissions; returns a class note
    for the report (never a grade change)."""
    from .similarity import class_report
    from .similarity_page import pair_names, similarity_html

    learners = history.latest_files(out)
    reports = class_report(learners, exercises)
    store.write_atomically(out / "similarity.html", similarity_html(reports, learners))
    flagged = [f"{r.exercise}: " + ", ".join(f"{pair_names(p)} ({p.score:.0%})" for p in r.flagged[:3]) +
               (" ..." if len(r.flagged) > 3 else "") for r in reports if r.flagged]
    return ["Similar code (similarity.html, side by side; no grade changed): " +
            ("; ".join(flagged) if flagged else "no pair more alike than the class's norm")]
