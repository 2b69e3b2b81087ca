"""Generate the learners' skeletons in ``exercises/`` from ``solutions/``.

``solutions/`` is the single source of truth. Each answer sits between
``### BEGIN SOLUTION`` / ``### END SOLUTION`` lines (nbgrader's syntax) and is
cut out by nbgrader's own ``ClearSolutions`` preprocessor, which leaves
``raise NotImplementedError()`` at the region's indentation. The teaching
TODO comments written just above each region stay for the learner.
"""
from pathlib import Path

import nbformat
from nbgrader.preprocessors import ClearSolutions

from .exercises import MODULES
from .paths import EXERCISES, SOLUTIONS

CODE_STUB = "raise NotImplementedError()"
# What a learner reads first. The note for instructors ("generated from solutions/, edit the solution")
# lives in solutions/README.md only: learners never have solutions/, so it must not reach them.
HEADER = ("# Your exercise: replace each `raise NotImplementedError()` with your code, then run `rnn-grade check`\n"
          "# to see what the public checks say about it.\n")


def strip_solutions(source):
    """``source`` with every solution region replaced by the stub (nbgrader's ClearSolutions)."""
    cell = nbformat.v4.new_code_cell(source)
    clearer = ClearSolutions(code_stub={"python": CODE_STUB}, enforce_metadata=False)
    cell, _ = clearer.preprocess_cell(cell, {"language": "python"}, 0)
    return cell.source


def skeleton_text(solution_path):
    """The skeleton a learner gets for one solution file."""
    solution_path = Path(solution_path)
    body = strip_solutions(solution_path.read_text(encoding="utf-8"))
    return HEADER.format(name=solution_path.name) + body


def solution_files(solutions_dir=SOLUTIONS):
    """The exercise modules in ``solutions_dir``, in curriculum order."""
    return [Path(solutions_dir) / f"{name}.py" for name in MODULES if (Path(solutions_dir) / f"{name}.py").exists()]


def expected_skeletons(solutions_dir=SOLUTIONS):
    """{file name: text} of every skeleton the solutions generate."""
    return {path.name: skeleton_text(path) for path in solution_files(solutions_dir)}


def write_skeletons(out_dir=EXERCISES, solutions_dir=SOLUTIONS):
    """Write (or rewrite) the skeletons; returns the paths written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in expected_skeletons(solutions_dir).items():
        target = out_dir / name
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


def drifted(out_dir=EXERCISES, solutions_dir=SOLUTIONS):
    """Names of skeletons that are missing or differ from what the solutions generate."""
    out_dir = Path(out_dir)
    return [name for name, text in expected_skeletons(solutions_dir).items()
            if not (out_dir / name).exists() or (out_dir / name).read_text(encoding="utf-8") != text]
