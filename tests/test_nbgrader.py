"""rnn-grade export nbgrader: a course directory that the real nbgrader grades with our checks and scores."""
import subprocess
import sys

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.nbgraderformat import MetadataValidator

from autograder.cli import main
from autograder.exports import inline, nbgrader_course
from autograder.exports.record import available_exercises
from autograder.runner.results import CheckResult
from export_helpers import ROOT, clean_env

EXERCISE = "ex02_forward_pass"   # one exercise: every autograded notebook starts a kernel and imports torch
ASSIGNMENT = "rnn"
LEARNERS = {
    "solver": [],
    "skeleton": None,
    "reshaper": [("return x.transpose(0, 1)", "return x.reshape(x.shape[1], x.shape[0], -1)")],
}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    out = tmp_path_factory.mktemp("nbgrader") / "course"
    assert main(["export", "nbgrader", "--out", str(out), "--exercise", EXERCISE, "--assignment", ASSIGNMENT]) == 0
    return out


def nbgrader(course, *args):
    # The kernels nbgrader starts import this worktree's `autograder` (the kit under test).
    env = clean_env(PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, f"nbgrader {' '.join(args)}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def meta(cell):
    return cell.metadata.get("nbgrader", {})


def test_source_notebooks_carry_nbgrader_metadata(course):
    nb = nbformat.read(course / "source" / ASSIGNMENT / f"{EXERCISE}.ipynb", as_version=4)
    MetadataValidator().validate_nb(nb)  # nbgrader's own schema check
    solution_cells = [c for c in nb.cells if meta(c).get("solution")]
    assert solution_cells and all("### BEGIN SOLUTION" in c.source for c in solution_cells)
    assert all(meta(c)["grade"] is False and meta(c)["schema_version"] == 3 for c in solution_cells)
    graded = [c for c in nb.cells if meta(c).get("grade")]
    assert graded and all(meta(c)["locked"] and not meta(c)["solution"] and meta(c)["points"] > 0 for c in graded)
    assert all("require(" in c.source for c in graded)
    assert len({meta(c)["grade_id"] for c in graded + solution_cells}) == len(graded + solution_cells)
    assert (course / "nbgrader_config.py").is_file()


def test_hidden_checks_become_hidden_test_regions():
    public = CheckResult("ex02_forward_pass.init_hidden_notebook", EXERCISE, "init_hidden", 2, 2, False, "passed")
    hidden = CheckResult("ex02_forward_pass.hidden.init_hidden_configs[3]", EXERCISE, "many", 3, 3, True, "passed")
    cell = nbgrader_course.test_cell(hidden)
    assert "### BEGIN HIDDEN TESTS\nrequire('ex02_forward_pass.hidden.init_hidden_configs[3]')\n" \
           "### END HIDDEN TESTS" in cell.source
    assert meta(cell)["points"] == 3 and meta(cell)["grade_id"] == "ex02_forward_pass-hidden-init_hidden_configs-3"
    assert "BEGIN HIDDEN" not in nbgrader_course.test_cell(public).source
    nb = nbgrader_course.source_notebook(EXERCISE, [public, hidden])
    MetadataValidator().validate_nb(nb)


@pytest.mark.parametrize("module", available_exercises())
def test_every_exercise_has_a_source_notebook_with_one_cell_per_check(module):
    checks = [CheckResult(f"{module}.check{n}", module, "t", n + 1, n + 1, n == 2, "passed") for n in range(3)]
    nb = nbgrader_course.source_notebook(module, checks)
    graded = [c for c in nb.cells if meta(c).get("grade")]
    assert [meta(c)["points"] for c in graded] == [1, 2, 3]
    assert [c for c in nb.cells if meta(c).get("solution")], "every exercise has code to write"


def submitted_notebook(release, source, edits):
    """The released notebook as a learner hands it in: solutions filled in (then ``edits``), or untouched."""
    nb = nbformat.read(release, as_version=4)
    if edits is None:
        return nb
    answers = {meta(c)["grade_id"]: c.source for c in nbformat.read(source, as_version=4).cells if meta(c)}
    for cell in nb.cells:
        if meta(cell).get("solution"):
            text = "\n".join(line for line in answers[meta(cell)["grade_id"]].split("\n") if "SOLUTION" not in line)
            for old, new in edits:
                text = text.replace(old, new)
            cell.source = text
    return nb


def test_real_nbgrader_scores_equal_ours(course, tmp_path, reference):
    from autograder.runner.grade import Grader

    nbgrader(course, "generate_assignment", ASSIGNMENT)
    release = course / "release" / ASSIGNMENT / f"{EXERCISE}.ipynb"
    assert "BEGIN SOLUTION" not in release.read_text() and "BEGIN HIDDEN TESTS" not in release.read_text()
    # Like `nbgrader db student add <id>` for each learner, in one call.
    (tmp_path / "students.csv").write_text("id\n" + "\n".join(LEARNERS) + "\n")
    nbgrader(course, "db", "student", "import", str(tmp_path / "students.csv"))
    ours = {}
    with Grader(reference, include_hidden=True, exercises=[EXERCISE]) as grader:
        for learner, edits in LEARNERS.items():
            nb = submitted_notebook(release, course / "source" / ASSIGNMENT / f"{EXERCISE}.ipynb", edits)
            target = course / "submitted" / learner / ASSIGNMENT / f"{EXERCISE}.ipynb"
            target.parent.mkdir(parents=True)
            nbformat.write(nb, target)
            # Our own grading of the same code: the module the notebook's tagged cells make.
            folder = tmp_path / learner
            folder.mkdir()
            code = [c.source for c in nb.cells if c.cell_type == "code"]
            (folder / f"{EXERCISE}.py").write_text(inline.module_source(EXERCISE, code))
            ours[learner] = grader.grade(folder, student=learner)
    nbgrader(course, "autograde", ASSIGNMENT)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for learner, result in ours.items():
            submission = gradebook.find_submission(ASSIGNMENT, learner)
            assert submission.score == pytest.approx(result.total), learner
            assert submission.max_score == pytest.approx(result.max_total)
            for check in result.checks:
                grade = gradebook.find_grade(nbgrader_course.grade_id(check.name), EXERCISE, ASSIGNMENT, learner)
                assert grade.auto_score == pytest.approx(check.points), (learner, check.name)
    assert ours["solver"].total == ours["solver"].max_total > 0
    assert ours["skeleton"].total == 0
    assert 0 < ours["reshaper"].total < ours["reshaper"].max_total
    # The learner sees our feedback in the autograded notebook.
    autograded = (course / "autograded" / "reshaper" / ASSIGNMENT / f"{EXERCISE}.ipynb").read_text()
    assert "view/reshape" in autograded


@pytest.mark.parametrize("module", available_exercises())
def test_nbgrader_code_cells_are_the_solution(module):
    # Never drifts from its source: the solution cells put together are the solution module.
    import ast

    from autograder.paths import SOLUTIONS
    from export_helpers import without_docstrings

    nb = nbgrader_course.source_notebook(module, [])
    rebuilt = inline.module_source(module, [c.source for c in nb.cells if c.cell_type == "code"])
    solution = (SOLUTIONS / f"{module}.py").read_text()
    assert without_docstrings(ast.parse(rebuilt)) == without_docstrings(ast.parse(solution))
