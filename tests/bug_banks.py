"""Every bank of single-bug mutants, in one list: the grading tests' buggy cases, importable.

The banks themselves stay beside the tests that assert them (``tests/test_ex0*_grading.py``,
``tests/test_plot_weights.py``); this module reads them from there, so the tests and
``benchmarks/bug_bank_catch.py`` use one source. A case is ``Mutant(exercise, name, phrase,
build)`` where ``build(make_submission)`` writes the mutant's folder and ``phrase`` is what the
feedback naming the mistake contains.
"""
import importlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from autograder.paths import EXERCISES, SOLUTIONS


@dataclass
class Mutant:
    exercise: str
    name: str
    phrase: str
    build: object   # build(make_submission) -> the folder of the mutant submission


def submission_builder(root):
    """``make_submission(base, replace, edit, drop, name)``: the solutions (or skeletons) copied under
    ``root``, with some files replaced or edited (see tests/conftest.py's fixture of that name)."""
    root = Path(root)

    def build(base="solutions", replace=None, edit=None, drop=(), name="learner"):
        folder = root / name
        source = SOLUTIONS if base == "solutions" else EXERCISES
        shutil.copytree(source, folder, ignore=shutil.ignore_patterns("__pycache__", "_*", "*.md"))
        for file, changes in (edit or {}).items():
            text = (folder / file).read_text()
            for old, new in changes:
                assert old in text, f"{old!r} not in {file}: the test's edit no longer applies"
                text = text.replace(old, new)
            (folder / file).write_text(text)
        for file, text in (replace or {}).items():
            (folder / file).write_text(text)
        for file in drop:
            (folder / file).unlink()
        return folder
    return build


def _edits_bank(module_name):
    """Banks written as [(id, [(old, new), ...], phrase)] edits of one solution file."""
    module = importlib.import_module(module_name)
    exercise = module.FILE[:-3]
    return [Mutant(exercise, name, phrase,
                   lambda make, edits=edits, file=module.FILE: make(edit={file: edits}))
            for name, edits, phrase in module.BUGS]


def _change_bank(module_name, exercise=None):
    """Banks written as {name: (change, phrase)} that the test module's own ``_build`` applies."""
    module = importlib.import_module(module_name)
    exercise = exercise or module.MODULE
    if module_name == "test_plot_weights":   # its _build takes the edits themselves
        def build_one(make, change):
            return module._build(make, edit=change["edit"])
    else:
        def build_one(make, change):
            return module._build(make, change)
    return [Mutant(exercise, name, phrase, lambda make, change=change: build_one(make, change))
            for name, (change, phrase) in module.BUGS.items()]


def kit_mutants():
    """The kit's own banks (written beside the grading tests), in curriculum order."""
    mutants = []
    for name in ("test_ex01_grading", "test_ex02_grading", "test_ex03_grading"):
        mutants += _edits_bank(name)
    mutants += _change_bank("test_plot_weights")
    for name in ("test_ex04_grading", "test_ex05_grading", "test_ex06_grading"):
        mutants += _change_bank(name)
    return mutants


def real_mutants():
    """Mistakes real learners asked about in public (``tests/bank_real_mistakes.py``, each with its source)."""
    return list(importlib.import_module("bank_real_mistakes").MUTANTS)


def all_mutants():
    """Every single-bug mutant: the kit's banks, then the real learners' mistakes."""
    return kit_mutants() + real_mutants()
