"""Grades as the learning management systems import them, from ``gradebook.csv`` and a roster.

The roster (a CSV the instructor exports from the LMS or the registry) holds one row per enrolled
learner; its ``--match`` column (default ``student``) holds what the gradebook's ``student`` column
holds (the name the learner handed in under), and its other columns the LMS's own identifiers:

=========== ==================================================================================
column      used by
=========== ==================================================================================
name        Canvas ``Student`` (else the gradebook name)
id          Canvas ``ID`` (the Canvas user id)
sis_user_id Canvas ``SIS User ID``; Blackboard ``Student ID``
sis_login_id Canvas ``SIS Login ID``
section     Canvas ``Section``
first_name, last_name  Moodle, Blackboard
username    Blackboard ``Username`` (Blackboard matches learners by it); Moodle
email       Moodle ``Email address``
idnumber    Moodle ``ID number``
=========== ==================================================================================

Formats, from each system's documentation:

* ``canvas`` (Canvas Instructor Guide, "How do I import grades in the Gradebook?",
  https://community.canvaslms.com/t5/Instructor-Guide/How-do-I-import-grades-in-the-Gradebook/ta-p/807):
  ``Student, ID, SIS User ID, SIS Login ID, Section`` then one column per assignment, named
  ``Name (assignment id)`` when the id is known (else a new assignment is created), and a second
  row ``Points Possible`` with each assignment's maximum.
* ``moodle`` (Moodle Docs, "Grade import", https://docs.moodle.org/en/Grade_import): a CSV whose
  user-identifying column (``Email address``, ``ID number`` or ``Username``) is mapped at import,
  then one column per grade item.
* ``blackboard`` (Blackboard Learn Grade Center, "Uploading External Grade Center Items",
  http://library.blackboard.com/ref/36ba3329-e441-488a-93ce-7a55543cc999/Content/Grade%20Center/Uploading%20External%20Grade%20Center%20Items.htm):
  ``Last Name, First Name, Username, Student ID`` then ``Name [Total Pts: N Score] |column id|``
  columns (without ``|id|`` a new column is made); in a comma-delimited file every value is quoted.
* ``csv``: the plain table ``student`` + the roster's columns + grades.

Ids are written as the text they are (``00123`` keeps its zeros). Grades are the gradebook's
``final`` (after the late penalty) when it has one, else ``total``; with ``per-exercise`` each
exercise's points are scaled by the same penalty.
"""
import csv
import io
from dataclasses import dataclass, field

from ..batch.gradebook import cell_text, number
from ..batch.intake import InstructorError
from ..exercises import MODULES, POINTS
from . import FORMATS

NAME_COLUMNS = ("name", "first_name", "last_name")   # shown to people: as data (cell_text); the others are ids
ROSTER_COLUMNS = ("name", "id", "sis_user_id", "sis_login_id", "section", "first_name", "last_name",
                  "username", "email", "idnumber")


@dataclass
class Export:
    text: str
    unmatched: list = field(default_factory=list)     # gradebook learners the roster does not hold
    no_submission: list = field(default_factory=list)  # roster learners without a gradebook row


def read_csv(path, what):
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            return list(csv.DictReader(handle))
    except OSError as error:
        raise InstructorError(f"cannot read the {what} {path}: {error.strerror or error}") from None


def grade_columns(gradebook_rows, per_exercise, total_title, ids):
    """[(title, points possible, {student: grade text})]."""
    if not gradebook_rows:
        return []
    modules = [m for m in MODULES if m in gradebook_rows[0]]
    grades = {}
    for row in gradebook_rows:
        raw = float(row["total"])
        final = float(row["final"]) if row.get("final") not in (None, "") else raw
        grades[row["student"]] = (raw, final)
    if not per_exercise:
        possible = float(gradebook_rows[0]["max_total"]) if gradebook_rows else 0.0
        return [(total_title, possible, {s: number(f) for s, (_, f) in grades.items()}, ids.get("total"))]
    columns = []
    for module in modules:
        cells = {}
        for row in gradebook_rows:
            raw, final = grades[row["student"]]
            factor = final / raw if raw else 1.0
            cells[row["student"]] = number(float(row[module]) * factor)
        columns.append((module, float(POINTS[module]), cells, ids.get(module)))
    return columns


def export(gradebook_rows, roster_rows, fmt, match="student", per_exercise=False, total_title="rnn-grade",
           ids=None):
    """The export's text and who could not be matched, either way."""
    if fmt not in FORMATS:
        raise InstructorError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    if roster_rows and match not in roster_rows[0]:
        raise InstructorError(f"the roster has no {match!r} column (it has {', '.join(roster_rows[0])}); "
                              f"name the column that holds the gradebook's student names with --match")
    columns = grade_columns(gradebook_rows, per_exercise, total_title, ids or {})
    # gradebook.csv holds each name as shown (``cell_text``: control and bidi characters as <U+XXXX>, a
    # leading = quoted); the roster holds it as the LMS gave it. Both are matched in the shown form (the same
    # for a plain name); the LMS's own id columns are copied as they are, so the LMS matches its learners.
    roster = {cell_text(row[match].strip()): row for row in roster_rows}
    in_book = {row["student"] for row in gradebook_rows}
    result = Export("", unmatched=sorted(in_book - set(roster)), no_submission=sorted(set(roster) - in_book))
    people = [(key, roster[key]) for key in roster]  # roster order: the order the LMS gave
    writer = {"canvas": _canvas, "moodle": _moodle, "blackboard": _blackboard, "csv": _plain}[fmt]
    result.text = writer(people, columns)
    return result


def _get(row, name):
    return (row.get(name) or "").strip()


def _grade(cells, key):
    return cells.get(key, "")


def _canvas(people, columns):
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\r\n")
    out.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section"] +
                 [f"{title} ({ident})" if ident else title for title, _, _, ident in columns])
    out.writerow(["    Points Possible", "", "", "", ""] + [number(possible) for _, possible, _, _ in columns])
    for key, row in people:
        out.writerow([cell_text(_get(row, "name") or key), _get(row, "id"), _get(row, "sis_user_id"),
                      _get(row, "sis_login_id"), _get(row, "section")] +
                     [_grade(cells, key) for _, _, cells, _ in columns])
    return buffer.getvalue()


def _moodle(people, columns):
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow(["First name", "Last name", "ID number", "Username", "Email address"] +
                 [title for title, _, _, _ in columns])
    for key, row in people:
        out.writerow([cell_text(_get(row, "first_name")), cell_text(_get(row, "last_name")), _get(row, "idnumber"),
                      _get(row, "username"), _get(row, "email")] + [_grade(cells, key) for _, _, cells, _ in columns])
    return buffer.getvalue()


def _blackboard(people, columns):
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    out.writerow(["Last Name", "First Name", "Username", "Student ID"] +
                 [f"{title} [Total Pts: {number(possible)} Score]" + (f" |{ident}|" if ident else "")
                  for title, possible, _, ident in columns])
    for key, row in people:
        out.writerow([cell_text(_get(row, "last_name")), cell_text(_get(row, "first_name")), _get(row, "username"),
                      _get(row, "sis_user_id")] + [_grade(cells, key) for _, _, cells, _ in columns])
    return buffer.getvalue()


def _plain(people, columns):
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    extra = [c for c in ROSTER_COLUMNS if any(_get(row, c) for _, row in people)]
    out.writerow(["student"] + extra + [title for title, _, _, _ in columns])
    for key, row in people:
        shown = [cell_text(_get(row, c)) if c in NAME_COLUMNS else _get(row, c) for c in extra]
        out.writerow([cell_text(key)] + shown +
                     [_grade(cells, key) for _, _, cells, _ in columns])
    return buffer.getvalue()
