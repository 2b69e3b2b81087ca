"""Build learners' notebooks from exercise modules: the same code handed in as a notebook."""
import nbformat

from autograder.exports import notebooks
from autograder.notebook_source import cell_tag, tag_of


def notebook_of(module, text):
    """The learner notebook of ``module`` with its tagged cells holding ``text``'s parts (same split)."""
    nb = notebooks.learner_notebook(module)
    _, parts = notebooks.split_module(text)
    for cell in nb.cells:
        match = tag_of(cell.source) if cell.cell_type == "code" else None
        if match:
            number, count = int(match["part"]), int(match["count"])
            assert count == len(parts), f"{module}: the learner's module splits into {len(parts)} parts, not {count}"
            cell.source = cell_tag(module, number, count) + "\n" + parts[number - 1].source
    return nb


def write_notebook(path, module, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook_of(module, text), path)
    return path


def solved_notebook(module):
    """The learner notebook with the reference solutions in its cells."""
    nb = notebooks.learner_notebook(module)
    solved = iter(notebooks.tagged_sources(module, notebooks.exercise_parts(module)[1], keep_solutions=True))
    for cell in nb.cells:
        if cell.cell_type == "code" and tag_of(cell.source):
            cell.source = next(solved)
    return nb


def code_cell_index(nb, part):
    """Index in ``nb.cells`` of the tagged cell holding ``part``."""
    for index, cell in enumerate(nb.cells):
        match = tag_of(cell.source) if cell.cell_type == "code" else None
        if match and int(match["part"]) == part:
            return index
    raise KeyError(part)
