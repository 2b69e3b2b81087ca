"""Copy the grader (the ``autograder`` package) into an export, leaving out what must not ship.

The grader's code ships whole (a module the checks import must never be
missing), except:

* instructor tools: ``generate.py`` (needs nbgrader and the solutions) and
  the ``batch`` and ``course`` packages (a class's gradebook, a course's history and exports);
* of ``commands``, all but the learner's ``check`` and ``doctor``; of ``exports``, all but the
  runtimes that run inside an export (``inline`` for notebooks, plus
  ``gradescope_run`` in the Gradescope zip);
* hidden checks, unless asked for (the Gradescope zip), never in a learner's copy;
* when some exercises are chosen, the checks of the others: their reference
  answers are not recorded, so they could not run.

Secrets live only in ``solutions/`` (outside the package) and ``checks/hidden``;
the export tests scan every shipped file for both.
"""
import shutil
from pathlib import Path

from ..exercises import exercise_of
from ..paths import PACKAGE

INSTRUCTOR_MODULES = {"generate.py"}
INSTRUCTOR_PACKAGES = {"batch", "course"}
LEARNER_COMMANDS = {"__init__.py", "check.py", "doctor.py"}
EXPORT_RUNTIMES = {"__init__.py", "inline.py"}
# Reference recordings are written by each export for its own checks, never copied.
RECORDINGS = ("public_reference.json",)


def shipped_files(include_hidden=False, export_runtimes=EXPORT_RUNTIMES, package=PACKAGE, exercises=None):
    """Paths (relative to the package) of every file a copy holds, sorted.

    ``exercises``: only the checks of these exercise modules (default: every check).
    """
    package = Path(package)
    files = []
    for path in sorted(package.rglob("*")):
        rel = path.relative_to(package)
        if path.is_file() and _ships(rel, include_hidden, export_runtimes) and _selected(rel, exercises):
            files.append(rel)
    return files


def _selected(rel, exercises):
    if exercises is None or rel.parts[0] != "checks":
        return True
    exercise = exercise_of(rel.name)
    return exercise is None or exercise in exercises


def _ships(rel, include_hidden, export_runtimes):
    parts = rel.parts
    if "__pycache__" in parts or rel.suffix in (".pyc", ".pyo"):
        return False
    if len(parts) == 1:
        return rel.name not in INSTRUCTOR_MODULES
    top = parts[0]
    if top in INSTRUCTOR_PACKAGES:
        return False
    if top == "commands":
        return len(parts) == 2 and rel.name in LEARNER_COMMANDS
    if top == "exports":
        return len(parts) == 2 and rel.name in export_runtimes
    if top == "checks":
        if len(parts) > 1 and parts[1] == "hidden":
            return include_hidden
        return rel.name not in RECORDINGS
    return True


def copy_package(dest, include_hidden=False, export_runtimes=EXPORT_RUNTIMES, package=PACKAGE, exercises=None):
    """Copy the grader into ``dest`` (the new ``autograder`` folder); returns the files written."""
    dest = Path(dest)
    written = []
    for rel in shipped_files(include_hidden, export_runtimes, package, exercises):
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(Path(package) / rel, target)
        written.append(target)
    return written
