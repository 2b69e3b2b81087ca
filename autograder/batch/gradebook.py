"""``gradebook.csv``: one row per learner, points as numbers, columns fixed by CURRICULUM.md.

The ``student`` column holds the learner's name as handed in; ``learners.csv`` beside it maps
each name to the learner's folder id in the output folder (``student``, ``folder``).
"""
import csv
import io

from .. import learner_text
from ..exercises import MODULES
from .reviews import held


def columns(exercises=None):
    """``student``, ``total``, ``max_total``, then the graded exercise modules in curriculum order."""
    return ["student", "total", "max_total"] + [m for m in MODULES if not exercises or m in exercises]


# gradebook.csv keeps CURRICULUM.md's columns exactly (scripts read every column after max_total as an
# exercise's points); the checks held for an instructor's review go to reviews.csv beside it.
REVIEW_COLUMNS = ["student", "check", "points_held", "where", "hash"]


def cell_text(text):
    """A name as a CSV cell no spreadsheet runs as a formula (a leading = + - @ gets an apostrophe),
    its control and bidi characters shown as ``<U+XXXX>`` (``learner_text.name``)."""
    text = learner_text.name(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def number(value):
    """Points as a number a spreadsheet reads: ``17``, ``8.5``."""
    value = round(float(value), 4)
    return str(int(value)) if value.is_integer() else repr(value)


def row(result, exercises=None):
    """An exercise without any check result (not graded, or no checks yet) scores 0."""
    table = result.by_exercise()
    cells = [cell_text(result.student), number(result.total), number(result.max_total)]
    return cells + [number(table.get(m, (0,))[0]) for m in columns(exercises)[3:]]


def gradebook_text(results, exercises=None):
    """The CSV text for ``results`` (sorted by student, so the same class gives the same file)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns(exercises))
    for result in sorted(results, key=lambda r: r.student):
        writer.writerow(row(result, exercises))
    return buffer.getvalue()


def reviews_text(results):
    """``reviews.csv``: one row per check held for review (``reviews.py``): the learner, the check, the
    points it holds, the lines to read and the source hash an ``[[accept]]`` entry names; header only
    when nothing waits."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(REVIEW_COLUMNS)
    for result in sorted(results, key=lambda r: r.student):
        for check in held(result):
            review = check.review or {}
            writer.writerow([cell_text(result.student), check.name, number(check.max_points),
                             cell_text(review.get("where", "")), review.get("hash", "")])
    return buffer.getvalue()


def learners_text(folders):
    """``learners.csv``: each learner's name as handed in and their folder id, by name."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", "folder"])
    for student in sorted(folders):
        writer.writerow([cell_text(student), folders[student]])
    return buffer.getvalue()
