"""One Jupyter notebook per exercise, built from the exercise's solution module.

The module is cut at its top-level functions and classes: its docstring becomes
the introduction, its imports the first code cell, and every function or class
a heading (its signature and summary) followed by one code cell. Each code
cell starts with the tag ``inline.cell_tag`` writes, by which the notebook's
last cell finds the code and grades it with the kit's public checks. The
learners' cells hold the skeleton (solutions cut out exactly as for
``exercises/``); the nbgrader source keeps the solution regions for nbgrader to cut.
"""
import ast
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..exercises import TITLES
from ..generate import strip_solutions
from ..paths import SOLUTIONS
from .inline import cell_tag
from .record import available_exercises

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
HOW_TO = ("**How this notebook works.** Write your code in the cells below, replacing each "
          "`raise NotImplementedError()`; read the docstrings and `TODO` comments first. Run the cells, then run "
          "the last cell: it grades the code of this notebook with the same public checks as `rnn-grade check` "
          "and tells you what to fix. Keep the first line of every code cell (`# %% {module}.py, part ...`): "
          "the checks find your code by it. You may add cells of your own to experiment; they are not graded.")

# An untagged (never graded) first code cell: importing the grader's notebook helper lets this
# notebook import the learner's other exercises, whether they are .py files or notebooks.
SETUP_CELL = ("# Not graded: lets this notebook import your other exercises by name, as .py files or notebooks\n"
              "# (`from ex03_rnnnet import sequence_mse`), from this notebook's folder.\n"
              "import autograder.exports.inline")


@dataclass
class CodePart:
    heading: str      # markdown shown above the cell ("" for the imports)
    source: str       # the cell's code, with solution regions still in it


def rst_to_markdown(text):
    """Docstring text (reStructuredText-ish) as Markdown: double backquotes become single ones."""
    return re.sub(r"``([^`]+)``", r"`\1`", text)


def split_module(text):
    """(docstring, [CodePart]) of a solution module: its imports, then one part per function or class."""
    tree = ast.parse(text)
    lines = text.split("\n")
    docstring = ast.get_docstring(tree, clean=True) or ""
    body = list(tree.body)
    header_start = 0
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
            and isinstance(body[0].value.value, str):
        header_start = body[0].end_lineno
        body = body[1:]
    definitions = [node for node in body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    starts = []
    for node in definitions:
        start = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
        while start > header_start and lines[start - 1].lstrip().startswith("#"):
            start -= 1  # comments right above a definition belong to it
        starts.append(start)
    parts = [CodePart("", "\n".join(lines[header_start:starts[0] if starts else len(lines)]).strip("\n"))]
    for index, node in enumerate(definitions):
        end = starts[index + 1] if index + 1 < len(definitions) else len(lines)
        parts.append(CodePart(_heading(node), "\n".join(lines[starts[index]:end]).strip("\n")))
    return docstring, parts


def _heading(node):
    summary = (ast.get_docstring(node) or "").strip().split("\n\n")[0].replace("\n", " ")
    if isinstance(node, ast.ClassDef):
        title = f"### `class {node.name}`"
    else:
        title = f"### `{node.name}({ast.unparse(node.args)})`"
    return title + ("\n\n" + rst_to_markdown(summary) if summary else "")


def exercise_parts(module, solutions_dir=SOLUTIONS):
    """(docstring, parts) of ``module``'s solution file."""
    return split_module((Path(solutions_dir) / f"{module}.py").read_text(encoding="utf-8"))


def intro_markdown(module, docstring):
    """The notebook's title and introduction, from the module docstring."""
    first, _, rest = docstring.partition("\n")
    title = first.strip().rstrip(".") or f"{module}: {TITLES.get(module, '')}"
    return f"# {title}\n\n{rst_to_markdown(rest.strip())}".rstrip() + "\n\n" + \
           f"*Module `{module}.py` of the rnn-grade kit: {TITLES.get(module, '')}.*"


def tagged_sources(module, parts, keep_solutions):
    """The code cells' sources: each part with its tag, solutions cut out unless ``keep_solutions``."""
    sources = []
    for number, part in enumerate(parts, start=1):
        code = part.source if keep_solutions else strip_solutions(part.source)
        sources.append(cell_tag(module, number, len(parts)) + "\n" + code)
    return sources


def new_notebook(cells, module):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    for index, cell in enumerate(cells):
        cell.id = f"{module.split('_')[0]}-{index:02d}"  # stable ids: regenerating changes nothing
    nb.cells = cells
    return nb


def learner_notebook(module, solutions_dir=SOLUTIONS):
    """The learner's notebook for ``module``: skeleton code cells and a last cell that grades them."""
    docstring, parts = exercise_parts(module, solutions_dir)
    cells = [nbformat.v4.new_markdown_cell(intro_markdown(module, docstring)),
             nbformat.v4.new_markdown_cell(HOW_TO.format(module=module)), nbformat.v4.new_code_cell(SETUP_CELL)]
    for part, source in zip(parts, tagged_sources(module, parts, keep_solutions=False)):
        if part.heading:
            cells.append(nbformat.v4.new_markdown_cell(part.heading))
        cells.append(nbformat.v4.new_code_cell(source))
    cells.append(nbformat.v4.new_markdown_cell(
        "## Check your work\n\nRun this cell after the cells above: it grades this notebook's code with the "
        "public checks and, for each check that fails, says what it called, what came back, what was expected "
        "and why."))
    cells.append(nbformat.v4.new_code_cell(f"from autograder.exports.inline import check\n\ncheck({module!r})"))
    return new_notebook(cells, module)


def notebook_text(nb):
    """A notebook as the exact text written to disk."""
    return nbformat.writes(nb) + "\n"


def expected_notebooks(exercises=None, solutions_dir=SOLUTIONS):
    """{file name: text} of every learner notebook."""
    modules = exercises or available_exercises(solutions_dir)
    return {f"{module}.ipynb": notebook_text(learner_notebook(module, solutions_dir)) for module in modules}


def write_notebooks(out_dir, exercises=None, solutions_dir=SOLUTIONS):
    """Write the learners' notebooks into ``out_dir``; returns the paths written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in expected_notebooks(exercises, solutions_dir).items():
        (out_dir / name).write_text(text, encoding="utf-8")
        written.append(out_dir / name)
    return written
