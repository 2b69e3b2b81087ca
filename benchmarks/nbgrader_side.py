"""The same class graded by the real ``nbgrader autograde``, through the generated course.

Every learner's exercise modules become the notebooks they would have handed in
(the released notebook, its code cells filled with the learner's functions), so
nbgrader grades the same code with the same checks (its test cells run ours).
"""
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat

from autograder.exports import nbgrader_course
from autograder.exports.inline import TAG, cell_tag
from autograder.exports.notebooks import split_module

ASSIGNMENT = "rnn"


def _nbgrader(course, *args):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env, capture_output=True,
                          text=True)
    if done.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed: {done.stderr[-1500:]}")


def convertible(folder, exercises):
    """Whether every module of the learner splits into the parts its notebook has (it parses, same shape)."""
    for module in exercises:
        path = Path(folder) / f"{module}.py"
        try:
            split_module(path.read_text(encoding="utf-8"))
        except (OSError, SyntaxError, ValueError):
            return False
    return True


def submitted_notebook(release_path, module, learner_text):
    """The released notebook with its tagged code cells replaced by the learner's parts."""
    nb = nbformat.read(release_path, as_version=4)
    _, parts = split_module(learner_text)
    for cell in nb.cells:
        match = TAG.match(cell.source.lstrip("\n")) if cell.cell_type == "code" else None
        if match and match["module"] == module:
            number, count = int(match["part"]), int(match["count"])
            if count == len(parts):
                cell.source = cell_tag(module, number, count) + "\n" + parts[number - 1].source
    return nb


def autograde_seconds(learner_folders, work, exercises):
    """Wall time of ``nbgrader autograde`` for these learners (course set up beforehand, not timed)."""
    course = Path(work) / "nb-course"
    nbgrader_course.build_course(course, exercises=exercises, assignment=ASSIGNMENT)
    _nbgrader(course, "generate_assignment", ASSIGNMENT)
    names = [Path(folder).name for folder in learner_folders]
    (Path(work) / "students.csv").write_text("id\n" + "\n".join(names) + "\n")
    _nbgrader(course, "db", "student", "import", str(Path(work) / "students.csv"))
    for folder in learner_folders:
        for module in exercises:
            release = course / "release" / ASSIGNMENT / f"{module}.ipynb"
            text = (Path(folder) / f"{module}.py").read_text(encoding="utf-8")
            target = course / "submitted" / Path(folder).name / ASSIGNMENT / f"{module}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(submitted_notebook(release, module, text), target)
    started = time.perf_counter()
    _nbgrader(course, "autograde", ASSIGNMENT)
    return time.perf_counter() - started


def kit_path_seconds(work, jobs):
    """Wall time of ``rnn-grade nbgrader-grade`` on the course ``autograde_seconds`` built (same learners)."""
    course = Path(work) / "nb-course"
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "autograder.cli", "nbgrader-grade", str(course), "--assignment",
                           ASSIGNMENT, "--jobs", str(jobs)], cwd=Path(__file__).resolve().parent.parent,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"rnn-grade nbgrader-grade failed: {done.stderr[-1500:]}")
    return time.perf_counter() - started
