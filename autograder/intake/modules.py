"""One learner's files -> the modules the grader stages: exercises, notebooks, helper modules.

* **Exercise modules** are matched by name at any depth (the shallowest copy wins). A
  name that differs only in case (``Ex01_rnn_layer.py``) or by a browser's copy suffix
  (``ex02_forward_pass (1).py``) is graded too, with a note saying to rename it; an exact
  name always wins over such a near one.
* **Notebooks** become modules by their tagged cells (``notebooks.py``); a ``.py`` wins.
* **Helper modules**: the regular ``.py`` files beside the graded exercises (in the same
  folder as an exercise module or notebook), so ``from rnn_helpers import ...`` works in
  every front end alike. Bounded: at most ``MAX_HELPERS`` files of ``MAX_MODULE_BYTES``
  each, named as a plain module (``rnn_helpers.py``), never a package, an extension or a
  name that would hide a module of Python or of the kit (``torch.py``, ``random.py``).
"""
import re
import sys

from ..exercises import MODULES
from .notebooks import add_notebook_modules, explained, is_notebook
from .reading import read_entry
from .submission import MAX_SEEN, MODULE_FILES, STAGEABLE

MAX_MODULE_BYTES = 1024 * 1024      # one module; real ones are a few kB
MAX_HELPERS = 20                    # helper modules per learner
# Modules a helper may not be named after: importing the helper would hide them (Python's own, the kit's).
SHADOWED = set(getattr(sys, "stdlib_module_names", ())) | {
    "torch", "numpy", "matplotlib", "pytest", "_pytest", "pluggy", "autograder", "conftest",
    "sitecustomize", "usercustomize", "rnn_grade_worker"}
_BY_LOWER_NAME = {name.lower(): name for name in MODULES}
_COPY_SUFFIX = re.compile(r"^(?P<stem>.*?)\s*\(\d{1,3}\)$")   # "ex02_forward_pass (1)", "ex02_forward_pass(2)"


def exercise_of(file_name):
    """``(module, exact)`` for a file named like an exercise module, else None."""
    if file_name in MODULE_FILES:
        return MODULE_FILES[file_name], True
    stem, dot, suffix = file_name.rpartition(".")
    if not dot or suffix.lower() != "py":
        return None
    copy = _COPY_SUFFIX.match(stem)
    module = _BY_LOWER_NAME.get((copy["stem"] if copy else stem).strip().lower())
    return (module, False) if module else None


def holds_exercises(entries):
    """Whether any entry is an exercise module (by the rules above) or a notebook."""
    return any(exercise_of(e.name) or is_notebook(e.name) for e in entries)


def collect_modules(submission, entries, exercises=None):
    """Fill ``submission.files`` from ``entries`` (any depth), with notes for what looks wrong."""
    submission.seen = sorted({e.display for e in entries})[:MAX_SEEN]
    found = {}
    for entry in entries:
        match = exercise_of(entry.name)
        if match:
            found.setdefault(match[0], []).append((not match[1], len(entry.parts), entry.parts, entry))
    chosen_entries = []
    for module, candidates in sorted(found.items()):
        candidates.sort(key=lambda c: c[:3])   # exact names first, then the shallowest, then by path
        chosen = candidates[0][3]
        wanted = f"{module}.py"
        if len(candidates) > 1:
            others = ", ".join(c[3].display for c in candidates[1:])
            what = f"are named {wanted}" if all(c[3].name == wanted for c in candidates) else f"hold {module}"
            submission.notes.append(f"{len(candidates)} files {what} ({chosen.display}, {others}); "
                                    f"graded {chosen.display}")
        if chosen.name != wanted:
            submission.notes.append(f"graded {chosen.display} as {wanted} (rename it to {wanted}: module files "
                                    f"are imported by their exact name)")
        data = read_module(submission, chosen)
        if data is not None:
            submission.files[wanted] = data
            chosen_entries.append(chosen)
    notebooks = [e for e in entries if is_notebook(e.name)]
    from_notebooks = add_notebook_modules(submission, entries)
    add_helpers(submission, entries, {e.folder for e in chosen_entries + notebooks})
    wanted = [m for m in MODULES if not exercises or m in exercises]
    if not found and not from_notebooks:
        submission.notes.append("no exercise modules (" + ", ".join(f"{m}.py" for m in wanted[:2]) +
                                " ...) or notebooks with their tagged cells were found in the submission")
    else:
        for module in wanted:
            if module not in found and module not in from_notebooks and not explained(module, submission.notes):
                submission.notes.append(f"no {module}.py in the submission: that exercise scores 0")
    # ``arrived`` holds what a platform says (Blackboard's attempt, Gradescope's created_at, nbgrader's
    # timestamp); file and zip entry dates stay on the entries (``Entry.date``): the course's arrival
    # (course/arrival.py) reads them from the origin with the instructor's zip time zone.


def add_helpers(submission, entries, folders):
    """Add the helper modules found in ``folders`` (see the module docstring)."""
    helpers = [e for e in entries if e.folder in folders and e.name.endswith(".py") and not exercise_of(e.name)]
    taken = 0
    for entry in sorted(helpers, key=lambda e: (len(e.parts), e.parts)):
        stem = entry.name[:-3]
        if not STAGEABLE.fullmatch(entry.name):
            continue  # no import statement can name it: it would change nothing
        if entry.name in submission.files:
            submission.notes.append(f"{entry.display}: another helper module of that name is graded; "
                                    f"this one was not used")
            continue
        if stem in SHADOWED:
            submission.notes.append(f"{entry.display} was not used: a helper module named {stem} would hide "
                                    f"Python's or the grader's own {stem} module; rename it")
            continue
        if taken >= MAX_HELPERS:
            submission.notes.append(f"{entry.display} was not used: at most {MAX_HELPERS} helper modules "
                                    f"are graded with the exercises")
            continue
        data = read_module(submission, entry)
        if data is not None:
            submission.files[entry.name] = data
            taken += 1


def read_module(submission, entry):
    """The module's bytes, or None (with a note) when it cannot be used."""
    data = read_entry(submission, entry, MAX_MODULE_BYTES, _too_big)
    if data is None:
        return None
    if not data.strip():
        submission.notes.append(f"{entry.display} is empty")
    else:
        problem = _text_problem(data)
        if problem:
            submission.notes.append(f"{entry.display} {problem}")
    return data


def _too_big(name, size):
    return (f"{name} is {size / 1024 ** 2:.1f} MB or more, larger than the {MAX_MODULE_BYTES // 1024} kB "
            f"allowed for one module; it was not used")


def _text_problem(data):
    """Why Python would not read ``data`` as source text, or None."""
    if b"\0" in data:
        return "holds NUL bytes: it is not a text file (a notebook or binary saved under a .py name?)"
    head = b"\n".join(data.splitlines()[:2])
    if re.search(rb"^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+", head, re.MULTILINE):
        return None  # declares its own encoding (PEP 263); Python decides
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        return (f"is not UTF-8 text (byte 0x{data[error.start]:02x} at position {error.start}): "
                f"Python cannot import it; save it as UTF-8")
    return None
