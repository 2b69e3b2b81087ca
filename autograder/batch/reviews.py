"""Checks held for an instructor's review, and the reviewed-submissions file that grants them.

A check whose answers are right but whose method the rules could not decide has the status
``needs_review`` (no points yet) and carries ``review = {"where": "file:lines", "hash": ...}``, the
hash of every file the rules read. The instructor reads those lines and, to accept them, lists the
learner, the check and that hash in a TOML file given to the next batch (``--reviewed FILE`` or
``reviewed = "FILE"`` in the batch config)::

    [[accept]]
    learner = "alice"
    check = "ex04_manual_rnn.manual_rnn_notebook"
    hash = "3f1c0a9b5e2d7788"

The learner then gets the check's points. A changed submission has another hash, so it is reviewed
again. ``review_rows`` is the report's list of what waits for review (plain data; the page's template
``templates/report/review.html`` draws it at the top, escaped by Jinja2).
"""
import json

from ..intake import InstructorError

ACCEPTED_TEXT = "Your instructor reviewed how this function computes its answers and accepted it."


def read_reviewed(path):
    """{(learner, check, hash)} from a reviewed-submissions file; a wrong file is an InstructorError."""
    if not path:
        return frozenset()
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as error:
        raise InstructorError(f"cannot read the reviewed-submissions file {path}: {error.strerror or error}") \
            from None
    except tomllib.TOMLDecodeError as error:
        raise InstructorError(f"the reviewed-submissions file {path} is not valid TOML: {error}") from None
    accepted = set()
    for number, entry in enumerate(data.get("accept", []), 1):
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("learner", "check", "hash")):
            raise InstructorError(f"the reviewed-submissions file {path}: [[accept]] number {number} needs "
                                  f"learner, check and hash (text), as the report lists them")
        accepted.add((entry["learner"], entry["check"], entry["hash"]))
    return frozenset(accepted)


def apply_reviews(result, accepted):
    """Grant the checks of ``result`` an instructor accepted (same learner, check and source hash);
    True when any changed."""
    changed = False
    for check in result.checks:
        review = check.review or {}
        if check.status == "needs_review" and (result.student, check.name, review.get("hash")) in accepted:
            check.status, check.points, check.feedback = "passed", check.max_points, ACCEPTED_TEXT
            changed = True
    return changed


def _toml(text):
    """``text`` as a TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(str(text), ensure_ascii=False)


def held(result):
    return [c for c in result.checks if c.status == "needs_review"]


def review_rows(results, link_of=None):
    """The report's list of checks held for review, as plain data (the template ``review.html`` draws it):
    learner (``link_of(result)``: {"name", "href"}, else the name), check, lines, the ``[[accept]]`` entry."""
    rows = []
    for result in sorted(results, key=lambda r: r.student):
        for check in held(result):
            review = check.review or {}
            rows.append({"learner": link_of(result) if link_of else {"name": result.student, "href": ""},
                         "check": check.name, "where": review.get("where", ""),
                         "entry": f'[[accept]]\nlearner = {_toml(result.student)}\ncheck = {_toml(check.name)}\n'
                                  f'hash = {_toml(review.get("hash", ""))}'})
    return rows
