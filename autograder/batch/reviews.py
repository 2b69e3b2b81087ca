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
again. ``review_fragment`` is the report's list of what waits for review (escaped HTML).
"""
import json
from html import escape

from .intake import InstructorError

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


def review_cell(result):
    """The gradebook's ``review`` cell: each held check with the lines to read, or empty."""
    return "; ".join(f"{c.name} ({(c.review or {}).get('where', '')})" for c in held(result))


def review_fragment(results, anchor_of=None):
    """The report's list of checks held for review (escaped HTML, empty when there are none)."""
    rows = []
    for result in sorted(results, key=lambda r: r.student):
        for check in held(result):
            review = check.review or {}
            name = escape(result.student)
            if anchor_of is not None:
                name = f'<a href="#{escape(anchor_of(result))}">{name}</a>'
            entry = (f'[[accept]]\nlearner = {_toml(result.student)}\ncheck = {_toml(check.name)}\n'
                     f'hash = {_toml(review.get("hash", ""))}')
            rows.append(f"<tr><td>{name}</td><td><code>{escape(check.name)}</code></td>"
                        f"<td><code>{escape(review.get('where', ''))}</code></td>"
                        f"<td><pre>{escape(entry)}</pre></td></tr>")
    if not rows:
        return ""
    return ('<section class="review"><h2>Needs review</h2><p>These checks got right answers, but the grader '
            'could not verify the method automatically: read the lines named, then either accept them (copy the '
            'entry into a file given to the next batch with <code>--reviewed FILE</code>) or allow a name for '
            'everyone (<code>allow = ["package.name"]</code> in the batch config). Their points are held until '
            'then.</p><div class="scroll"><table><thead><tr><th>Learner</th><th>Check</th><th>Lines</th>'
            '<th>To accept</th></tr></thead><tbody>' + "\n".join(rows) + "</tbody></table></div></section>")
