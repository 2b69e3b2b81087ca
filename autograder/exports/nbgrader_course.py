"""The nbgrader course directory that ``rnn-grade export nbgrader --out DIR`` writes.

``DIR/source/<assignment>/<exercise>.ipynb`` is the learners' notebook (see
``notebooks``) with the solution regions kept in its code cells, which are
nbgrader solution cells, and one graded, locked test cell per check of the
kit, worth the check's points. A test cell calls ``inline.require(check)``,
which grades the notebook's code with the kit's checks and raises the check's
feedback unless it passed, so nbgrader's score is the kit's score. Hidden
checks go in ``### BEGIN HIDDEN TESTS`` regions: nbgrader removes them from the
learners' copy and puts them back when it autogrades.

The checks, their points and visibility come from grading the solutions
(``record``), which also proves the solutions earn every point.
"""
from pathlib import Path

import nbformat

from ..nbgrader_ids import grade_id
from ..reveal import DEFAULT, validated
from .bundle import check_out, prepare_out
from .notebooks import SETUP_CELL, exercise_parts, intro_markdown, new_notebook, notebook_text, tagged_sources
from .record import available_exercises, record

TEMPLATES = Path(__file__).resolve().parent / "templates"
HOW_TO = ("**How this notebook works.** Write your code in the cells below, replacing each "
          "`raise NotImplementedError()`; read the docstrings and `TODO` comments first. Keep the first line of "
          "every code cell (`# %% {module}.py, part ...`): the tests find your code by it. Then run the test "
          "cells at the end: each runs one check of the grader and, when it fails, says what it called, what "
          "came back, what was expected and why. Hidden tests run when your instructor grades.")


def _points(value):
    return int(value) if float(value).is_integer() else float(value)


def _metadata(**fields):
    return {"nbgrader": dict(fields, schema_version=3)}


def test_cell(check, reveal=None):
    """The graded cell that runs our check ``check`` (a ``CheckResult`` of the solutions).

    ``reveal``: the feedback levels (autograder/reveal.py) written into the cell when not the default.
    """
    levels = validated(reveal) if reveal else DEFAULT
    call = f"require({check.name!r})" if levels == DEFAULT else f"require({check.name!r}, reveal={levels!r})"
    if check.hidden:
        source = (f"# A hidden test worth {_number(check.max_points)} points runs here when your instructor "
                  f"grades.\nfrom autograder.exports.inline import require\n\n"
                  f"### BEGIN HIDDEN TESTS\n{call}\n### END HIDDEN TESTS")
    else:
        source = f"# {check.title}\nfrom autograder.exports.inline import require\n\n{call}"
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata.update(_metadata(grade=True, grade_id=grade_id(check.name), points=_points(check.max_points),
                                   solution=False, locked=True))
    return cell


def source_notebook(module, checks, reveal=None):
    """The nbgrader source notebook of ``module``, with a graded test cell per check in ``checks``."""
    docstring, parts = exercise_parts(module)
    cells = [nbformat.v4.new_markdown_cell(intro_markdown(module, docstring)),
             nbformat.v4.new_markdown_cell(HOW_TO.format(module=module)), nbformat.v4.new_code_cell(SETUP_CELL)]
    for number, (part, source) in enumerate(zip(parts, tagged_sources(module, parts, keep_solutions=True)), 1):
        if part.heading:
            cells.append(nbformat.v4.new_markdown_cell(part.heading))
        cell = nbformat.v4.new_code_cell(source)
        if "BEGIN SOLUTION" in source:
            cell.metadata.update(_metadata(grade=False, grade_id=grade_id(f"{module}-part{number}"),
                                           solution=True, locked=False))
        cells.append(cell)
    cells.append(nbformat.v4.new_markdown_cell(
        "## Tests\n\nEach cell below runs one check of the grader on the code above; its points are "
        "awarded when it runs without an error."))
    cells.extend(test_cell(check, reveal) for check in checks)
    return new_notebook(cells, module)


def build_course(out, exercises=None, assignment="rnn", reveal=None):
    """Write the course directory; returns the recording whose checks the test cells run."""
    exercises = list(exercises) if exercises else available_exercises()
    check_out(out)
    recording = record(include_hidden=True, exercises=exercises)
    out = prepare_out(out)
    folder = out / "source" / assignment
    folder.mkdir(parents=True)
    for module in exercises:
        text = notebook_text(source_notebook(module, recording.checks_of(module), reveal))
        (folder / f"{module}.ipynb").write_text(text, encoding="utf-8")
    (out / "nbgrader_config.py").write_text((TEMPLATES / "nbgrader_config.py").read_text(encoding="utf-8"),
                                            encoding="utf-8")
    (out / "README.md").write_text((TEMPLATES / "nbgrader_README.md").read_text(encoding="utf-8").format(
        assignment=assignment, notebooks=", ".join(f"`{m}.ipynb`" for m in exercises)), encoding="utf-8")
    return recording


def _number(value):
    return int(value) if float(value).is_integer() else value
