"""What ``run_autograder`` runs on Gradescope for every submission.

It reads the learner's ``ROOT/submission`` with the intake every front end uses
(``autograder/intake``: exercise modules by name anywhere in it, notebooks by
their tagged cells, helper modules beside them; regular files only),
grades them with public and hidden checks against the recorded reference, and
writes ``ROOT/results/results.json``. If the grader itself fails, the learner still gets a results file that says so, with 0 points.
"""
import argparse
import json
import os
import sys
import traceback
from pathlib import Path

from ..intake import read_learner
from ..paths import PACKAGE
from ..runner import sandbox
from ..errors import MachineError
from ..runner.grade import grade_submission
from ..runner.reference import RecordedReference
from ..runner.results import to_gradescope


def collect_submission(submitted, exercises):
    """The learner's ``Submission`` from Gradescope's ``submission`` folder, read by the intake every front
    end uses: exercise modules by name anywhere in it, notebooks by their tagged cells (a ``.py`` file wins),
    helper modules beside them; regular files only, never a link or its target (a learner's link to
    ``/autograder/source/reference.json`` is a note, not a copy of the recorded answers)."""
    return read_learner(submitted, exercises, name="submission")


def grade(root):
    """The results.json document for the submission under ``root``."""
    return graded(root)[0]


def graded(root):
    """(the results.json document, the names of checks the grader itself failed) for ``root``."""
    source = root / "source"
    settings = json.loads((source / "gradescope.json").read_text(encoding="utf-8"))
    submission = collect_submission(root / "submission", settings["exercises"])
    result = grade_submission(submission, RecordedReference(source / "reference.json"), include_hidden=True,
                              exercises=settings["exercises"], student="submission")
    document = to_gradescope(result, hidden_visibility=settings["hidden_visibility"])
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
