"""What ``run_autograder`` runs on Gradescope for every submission.

It gathers the learner's exercise modules from ``ROOT/submission`` (files
named like the modules, anywhere in it; or, when a module's ``.py`` is absent,
a notebook whose tagged code cells make the module, see ``notebook_source``),
grades them with public and hidden checks against the recorded reference, and
writes ``ROOT/results/results.json``. If the grader itself fails, the learner still gets a results file that says so, with 0 points.
"""
import argparse
import json
import shutil
import sys
import tempfile
import traceback
from pathlib import Path

from ..runner.grade import grade_submission
from ..runner.reference import RecordedReference
from ..runner.results import to_gradescope
from ..notebook_source import NOTEBOOK_FILES, notebook_modules


def collect_submission(submitted, folder, exercises):
    """Copy the exercise modules found in ``submitted`` into ``folder``; returns notes for the learner.

    Notebooks become modules by ``notebook_source``'s rules, as in ``rnn-grade batch``: a
    ``.py`` file wins over a notebook holding the same exercise.
    """
    submitted, folder = Path(submitted), Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    notes, handed_in = [], set()
    for module in exercises:
        found = _shallowest(submitted, f"{module}.py")
        if found is not None:
            shutil.copyfile(found, folder / f"{module}.py")
            handed_in.add(module)
    paths = sorted((p for p in submitted.rglob("*.ipynb") if p.is_file() and "__MACOSX" not in p.parts
                    and ".ipynb_checkpoints" not in p.parts),
                   key=lambda p: (p.name not in NOTEBOOK_FILES, len(p.parts), str(p)))
    notebooks = [(str(p.relative_to(submitted)), p.read_bytes()) for p in paths]
    made, notebook_notes = notebook_modules(notebooks, handed_in, exercises)
    for module, text in made.items():
        (folder / f"{module}.py").write_text(text, encoding="utf-8")
    notes += notebook_notes
    notes += [f"{module}.py was not found in the submission (files are matched by name, notebooks by the tag "
              f"lines of their cells)" for module in exercises if module not in handed_in and module not in made
              and not any(note.startswith(f"{module} was not graded") for note in notebook_notes)]
    return notes


def _shallowest(root, name):
    matches = sorted((p for p in root.rglob(name) if p.is_file() and "__MACOSX" not in p.parts),
                     key=lambda p: (len(p.parts), str(p)))
    return matches[0] if matches else None


def grade(root):
    """The results.json document for the submission under ``root``."""
    source = root / "source"
    settings = json.loads((source / "gradescope.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="rnn-grade-") as tmp:
        folder = Path(tmp) / "submission"
        notes = collect_submission(root / "submission", folder, settings["exercises"])
        result = grade_submission(folder, RecordedReference(source / "reference.json"), include_hidden=True,
                                  exercises=settings["exercises"], student="submission")
    document = to_gradescope(result, hidden_visibility=settings["hidden_visibility"])
    document["output"] = "\n".join(notes + ([document["output"]] if document["output"] else []))
    return document


def main(argv=None):
    parser = argparse.ArgumentParser(prog="run_autograder")
    parser.add_argument("--root", default="/autograder")
    args = parser.parse_args(argv)
    root = Path(args.root)
    try:
        document = grade(root)
    except Exception:  # the learner must get a result file whatever happened
        document = {"score": 0, "output": "The autograder itself failed (not your code's fault; tell your "
                                          "instructor):\n" + traceback.format_exc()[-3000:],
                    "visibility": "visible", "tests": []}
    (root / "results").mkdir(parents=True, exist_ok=True)
    (root / "results" / "results.json").write_text(json.dumps(document, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
