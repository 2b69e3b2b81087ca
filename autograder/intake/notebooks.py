"""A learner's notebooks as exercise modules, for intake.

Every ``.ipynb`` a learner hands in is read (never run) and its tagged code cells
become modules by ``notebook_source``'s rules, the same as the notebook's own
grading cell and the Gradescope autograder. A ``.py`` file of the same exercise
wins (``notebook_source.PRECEDENCE_RULE``); notebooks named after an exercise
come first, then the shallowest. What cannot be read is a note, never a crash.
"""

from ..notebook_source import NOTEBOOK_FILES, notebook_modules
from .reading import read_entry

# A saved notebook carries its outputs (plots as base64): allow more than for a module.
MAX_NOTEBOOK_BYTES = 16 * 1024 * 1024


def is_notebook(name):
    return name.lower().endswith(".ipynb")


def add_notebook_modules(submission, entries):
    """Add the modules made from ``entries``' notebooks to ``submission.files``; returns their names."""
    candidates = sorted((e for e in entries if is_notebook(e.name)),
                        key=lambda e: (e.name not in NOTEBOOK_FILES, len(e.parts), e.parts))
    notebooks = []
    for entry in candidates:
        data = _read(submission, entry)
        if data is not None:
            notebooks.append((entry.display, data))
    handed_in = {name[:-3] for name in submission.files}
    made, notes = notebook_modules(notebooks, handed_in)
    submission.notes.extend(notes)
    for module, text in made.items():
        submission.files[f"{module}.py"] = text.encode("utf-8")
    return set(made)


def explained(module, notes):
    """Whether a note already says why ``module`` was not graded from a notebook."""
    return any(note.startswith(f"{module} was not graded") or f"{module} was not graded from" in note
               for note in notes)


def _read(submission, entry):
    return read_entry(submission, entry, MAX_NOTEBOOK_BYTES, _too_big)


def _too_big(name, size):
    return (f"{name} is {size / 1024 ** 2:.1f} MB or more, larger than the {MAX_NOTEBOOK_BYTES // 1024 ** 2} MB "
            f"allowed for one notebook (clear its outputs: Edit > Clear All Outputs); it was not used")
