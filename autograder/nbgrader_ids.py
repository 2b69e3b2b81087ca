"""The nbgrader ``grade_id`` of a check: written into test cells by the course export
(``exports/nbgrader_course.py``) and read back by ``rnn-grade nbgrader-grade``
(``batch/nbgrader_grades.py``), so both sides derive it from here."""
import re


def grade_id(name):
    """An nbgrader grade id for a check or cell name (letters, digits, ``_`` and ``-`` only)."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")
