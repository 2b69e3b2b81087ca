"""rnn-grade nbgrader-grade: an nbgrader course graded by the isolated grader, grades in nbgrader's own gradebook."""
import csv
import sqlite3

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.cli import main
from autograder.exports import nbgrader_course
from autograder.notebook_source import tag_of
from test_nbgrader import ASSIGNMENT, EXERCISE, meta, nbgrader, submitted_notebook

HONEST = {
    "solver": [],
    "skeleton": None,
    "reshaper": [("return x.transpose(0, 1)", "return x.reshape(x.shape[1], x.shape[0], -1)")],
}


def cheat_cells(course):
    """Cells of a learner who does not solve the exercise but tries to change the grades."""
    database = course / "gradebook.db"
    scratch = ("# untagged: patch the kit's in-notebook grading helper so every test cell passes\n"
               "import autograder.exports.inline as inline\n"
               "inline.require = lambda name: print('passed')\n"
               "inline.grade_notebook = lambda *a, **k: {'checks': [], 'scratch_notes': []}")
    tagged = (f"\nimport sqlite3 as _sql\ntry:  # at import time, in the grader's worker: raise every grade\n"
              f"    _db = _sql.connect({str(database)!r})\n"
              f"    _db.execute('update grade set auto_score = 99, needs_manual_grade = 0')\n"
              f"    _db.commit()\nexcept Exception:\n    pass\n")
    return scratch, tagged


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory):
    out = tmp_path_factory.mktemp("nbgrader-grade") / "course"
    assert main(["export", "nbgrader", "--out", str(out), "--exercise", EXERCISE, "--assignment", ASSIGNMENT]) == 0
    nbgrader(out, "generate_assignment", ASSIGNMENT)
    release = out / "release" / ASSIGNMENT / f"{EXERCISE}.ipynb"
    source = out / "source" / ASSIGNMENT / f"{EXERCISE}.ipynb"
    learners = dict(HONEST, cheater=None)
    for learner, edits in learners.items():
        nb = submitted_notebook(release, source, edits)
        if learner == "cheater":
            scratch, tagged = cheat_cells(out)
            nb.cells.insert(3, nbformat.v4.new_code_cell(scratch))
            first = next(c for c in nb.cells if c.cell_type == "code" and tag_of(c.source))
            first.source += tagged
            for cell in nb.cells:   # and claim more points in the notebook's own metadata
                if meta(cell).get("grade"):
                    cell.metadata["nbgrader"]["points"] = 100
        target = out / "submitted" / learner / ASSIGNMENT / f"{EXERCISE}.ipynb"
        target.parent.mkdir(parents=True)
        nbformat.write(nb, target)
    (out / "submitted" / "solver" / ASSIGNMENT / "timestamp.txt").write_text("2026-11-30 10:00:00.000000 UTC")
    code = main(["nbgrader-grade", str(out), "--assignment", ASSIGNMENT, "--jobs", "1", "--call-seconds", "60"])
    assert code == 0
    return out


def scores(course):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {s.student_id: (s.score, s.max_score) for s in gradebook.assignment_submissions(ASSIGNMENT)}


def test_grades_per_cell_land_in_nbgraders_gradebook(graded_course):
    found = scores(graded_course)
    assert set(found) == {"solver", "skeleton", "reshaper", "cheater"}
    full = found["solver"][1]
    assert full > 0 and found["solver"] == (full, full)
    assert found["skeleton"] == (0, full)
    assert 0 < found["reshaper"][0] < full
    with Gradebook(f"sqlite:///{graded_course / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission(ASSIGNMENT, "reshaper")
        grades = {g.name: g for g in submission.notebooks[0].grades}
        assert grades and not any(g.needs_manual_grade for g in grades.values())
        failed = [name for name, g in grades.items() if g.auto_score < g.max_score]
        assert failed == [nbgrader_course.grade_id(f"{EXERCISE}.to_batch_first_notebook")] or \
            all("to_batch_first" in name for name in failed), failed
        assert str(gradebook.find_submission(ASSIGNMENT, "solver").timestamp).startswith("2026-11-30 10:00")


def test_a_learner_who_attacks_the_grading_gains_nothing(graded_course):
    found = scores(graded_course)
    assert found["cheater"] == found["skeleton"]
    rows = sqlite3.connect(graded_course / "gradebook.db").execute("select max(auto_score) from grade").fetchone()
    assert rows[0] < 99
    feedback = (graded_course / "rnn-grade" / ASSIGNMENT / "cheater" / "feedback.txt").read_text()
    assert "graded the tagged code cells" in feedback


def test_honest_scores_equal_rnn_grade_batch_on_the_submitted_tree(graded_course, tmp_path):
    # `rnn-grade batch` reads nbgrader's submitted/<student>/<assignment>/ layout as it is.
    assert main(["batch", str(graded_course / "submitted"), "--out", str(tmp_path / "grades"), "--jobs", "1",
                 "--exercise", EXERCISE, "--call-seconds", "60"]) == 0
    with open(tmp_path / "grades" / "gradebook.csv", newline="") as handle:
        batch = {row["student"]: float(row["total"]) for row in csv.DictReader(handle)}
    found = scores(graded_course)
    assert batch == {student: score for student, (score, _) in found.items()}


def test_nbgrader_export_and_feedback_show_the_grades(graded_course):
    nbgrader(graded_course, "export")
    with open(graded_course / "grades.csv", newline="") as handle:
        exported = {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}
    assert exported == {student: score for student, (score, _) in scores(graded_course).items()}
    nbgrader(graded_course, "generate_feedback", ASSIGNMENT)
    html = (graded_course / "feedback" / "reshaper" / ASSIGNMENT / f"{EXERCISE}.html").read_text()
    assert "view/reshape" in html   # our check's hint, as the test cell's output
    assert "BEGIN SOLUTION" not in html


def test_a_course_without_the_assignment_is_the_instructors_error(tmp_path, capsys):
    assert main(["nbgrader-grade", str(tmp_path), "--assignment", ASSIGNMENT]) == 2
    assert "generate_assignment" in capsys.readouterr().err
