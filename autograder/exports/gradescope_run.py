"""What ``run_autograder`` runs on Gradescope for every submission.

It gathers the learner's exercise modules from ``ROOT/submission`` (files
named like the modules, anywhere in it; or, when a module's ``.py`` is absent,
a notebook whose tagged code cells make the module, see ``notebook_source``),
grades them with public and hidden checks against the recorded reference, and
writes ``ROOT/results/results.json``. If the grader itself fails, the learner still gets a results file that says so, with 0 points.
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import traceback
from pathlib import Path

from ..paths import PACKAGE
from ..runner import sandbox
from ..errors import MachineError
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
    return graded(root)[0]


def graded(root):
    """(the results.json document, the names of checks the grader itself failed) for ``root``."""
    source = root / "source"
    settings = json.loads((source / "gradescope.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="rnn-grade-") as tmp:
        folder = Path(tmp) / "submission"
        notes = collect_submission(root / "submission", folder, settings["exercises"])
        result = grade_submission(folder, RecordedReference(source / "reference.json"), include_hidden=True,
                                  exercises=settings["exercises"], student="submission")
    document = to_gradescope(result, hidden_visibility=settings["hidden_visibility"])
    document["output"] = "\n".join(notes + ([document["output"]] if document["output"] else []))
    return document, [check.name for check in result.grader_errors()]


def secret_paths(root):
    """What learner code must never read: the recorded answers (hidden checks' included) and the
    hidden checks, in the grader that runs and in any installed copy of it (site-packages)."""
    paths = [Path(root) / "source" / "reference.json"]
    for package in [Path(root) / "source" / "kit" / "autograder", PACKAGE] + [Path(p) for p in sandbox.grader_copies()]:
        hidden = package / "checks" / "hidden"
        if hidden.is_dir():
            paths.append(hidden)
    return list(dict.fromkeys(paths))


def protect(root):
    """Make the secrets readable by their owner only (root on Gradescope). Learner code runs as an
    unprivileged uid, so in plain isolation too it cannot open them; bubblewrap does not show them."""
    for path in secret_paths(root):
        if path.exists():
            os.chmod(path, 0o700 if path.is_dir() else 0o600)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="run_autograder")
    parser.add_argument("--root", default="/autograder")
    parser.add_argument("--protect", action="store_true", help="only lock the secrets away (setup.sh)")
    args = parser.parse_args(argv)
    root = Path(args.root)
    protect(root)
    if args.protect:
        return 0
    failed = None
    try:
        document, errors = graded(root)
        if errors:
            failed = f"grader errors in {', '.join(errors)}"
    except MachineError as error:
        failed = str(error)
        document = {"score": 0, "output": "The autograder cannot grade on this machine (nothing was wrong with "
                                          "your code, none of it was run; tell your instructor):\n" + failed,
                    "visibility": "visible", "tests": []}
    except Exception:  # the learner must get a result file whatever happened
        failed = traceback.format_exc()[-3000:]
        document = {"score": 0, "output": "The autograder itself failed (not your code's fault; tell your "
                                          "instructor):\n" + failed, "visibility": "visible", "tests": []}
    (root / "results").mkdir(parents=True, exist_ok=True)
    (root / "results" / "results.json").write_text(json.dumps(document, indent=2), encoding="utf-8")
    if failed:
        print(f"run_autograder: the grader could not grade: {failed}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
