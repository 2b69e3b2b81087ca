"""Learners' notebooks: built from the same sources as exercises/, and they grade themselves."""
import ast

import nbformat
import pytest
from nbclient import NotebookClient

from autograder import generate
from autograder.exports import inline, notebooks
from autograder.exports.record import available_exercises
from autograder.paths import SOLUTIONS
from export_helpers import ROOT, solution_secrets, without_docstrings

EXERCISE = "ex02_forward_pass"


def code_cells(nb):
    return [c.source for c in nb.cells if c.cell_type == "code"]


@pytest.mark.parametrize("module", available_exercises())
def test_notebook_code_is_the_skeleton(module):
    nb = notebooks.learner_notebook(module)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# Exercise")
    cells = code_cells(nb)
    assert cells[-1] == f"from autograder.exports.inline import check\n\ncheck({module!r})"
    rebuilt = inline.module_source(module, cells[:-1])
    skeleton = generate.skeleton_text(SOLUTIONS / f"{module}.py")
    assert without_docstrings(ast.parse(rebuilt)) == without_docstrings(ast.parse(skeleton))
    assert not [line for line in solution_secrets() if any(line in c for c in cells)]


def test_notebooks_are_stable():
    # Same sources, same bytes: regenerating never shows up as a change.
    assert notebooks.expected_notebooks() == notebooks.expected_notebooks()
    for text in notebooks.expected_notebooks().values():
        nbformat.validate(nbformat.reads(text, as_version=4))


def test_module_source_takes_the_latest_run_of_every_part():
    tag = lambda n: inline.cell_tag("ex09_demo", n, 2)  # noqa: E731
    history = ["", tag(1) + "\nimport math", "print('scratch')", tag(2) + "\ndef f():\n    return 1",
               tag(2) + "\ndef f():\n    return 2", "%timeit f()"]
    text = inline.module_source("ex09_demo", history)
    assert "return 2" in text and "return 1" not in text and "scratch" not in text
    assert text.index("import math") < text.index("def f")
    with pytest.raises(inline.NotebookCodeMissing, match="part 2 of ex09_demo.py"):
        inline.module_source("ex09_demo", history[:3])
    with pytest.raises(inline.NotebookCodeMissing, match="no cell"):
        inline.module_source("ex08_other", history)


def test_magics_in_exercise_cells_do_not_break_the_module():
    cell = inline.cell_tag("ex09_demo", 1, 1) + "\nget_ipython().run_line_magic('matplotlib', 'inline')\nx = 1"
    namespace = {}
    exec(inline.module_source("ex09_demo", [cell]), namespace)
    assert namespace["x"] == 1


def test_the_check_cell_grades_what_the_kernel_ran(tmp_path, monkeypatch):
    # One real kernel: the skeleton's cells and the check (0 points), then the same cells with the
    # solutions run again and the check once more (every point): the latest run of each cell counts.
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    nb = notebooks.learner_notebook(EXERCISE)
    solved = notebooks.tagged_sources(EXERCISE, notebooks.exercise_parts(EXERCISE)[1], keep_solutions=True)
    check = nb.cells[-1].source.replace("check(", "print('RESULT', check(")[:-1] + "))"
    nb.cells[-1].source = check
    nb.cells += [nbformat.v4.new_code_cell(source) for source in solved] + [nbformat.v4.new_code_cell(check)]
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    results = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error", output
            text = output.get("text", "")
            results += [line for line in text.splitlines() if line.startswith("RESULT")]
    assert len(results) == 2, results
    first, second = (ast.literal_eval(line.removeprefix("RESULT ")) for line in results)  # (total, max)
    assert first[0] == 0 and first[1] > 0
    assert second == (second[1], second[1]) == (first[1], first[1])


def test_export_notebooks_writes_the_expected_files(tmp_path):
    from autograder.cli import main

    assert main(["export", "notebooks", "--out", str(tmp_path / "nb")]) == 0
    written = {p.name: p.read_text() for p in (tmp_path / "nb").glob("*.ipynb")}
    assert written == notebooks.expected_notebooks()


def test_feedback_points_at_the_notebook_cell():
    tag = lambda n: inline.cell_tag("ex09_demo", n, 2)  # noqa: E731
    text, starts = inline.assemble("ex09_demo", [tag(1) + "\nimport math", tag(2) + "\ndef f():\n    raise E()"])
    assert text.splitlines()[starts[1] + 2 - 1] == "    raise E()"   # line 3 of part 2
    located = inline.cell_locations(f"raised at ex09_demo.py line {starts[1] + 2}: `raise E()`", "ex09_demo", starts)
    assert located == 'raised at the cell "ex09_demo.py, part 2 of 2", line 3: `raise E()`'
