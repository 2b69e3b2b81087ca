"""Red team: answers with the right field names and the wrong types (issue #11, part B).

A worker can send anything. When a check cannot read an answer because its values
have the wrong kinds (a string where a number or list belongs), that is the learner's
failed check with a neutral message, never a grader error (which would make the batch
exit 3 and ``--resume`` grade the learner again), and no feedback ever shows the
grader's source lines or paths.
"""
import shutil

import pytest

from autograder.batch import store
from autograder.paths import KIT_ROOT, SOLUTIONS
from autograder.runner import sandbox
from autograder.runner.grade import Grader
from autograder.runner.limits import Limits
from autograder.runner.plugin import classify
from redteam.attacks_limits import WRONG_TYPES_PRELUDE

EXERCISE = "ex06_training"


def _isolations():
    reason = sandbox.bwrap_problem()
    return [pytest.param("bwrap", marks=pytest.mark.skipif(reason is not None, reason=f"no bubblewrap: {reason}")),
            "plain"]


@pytest.mark.parametrize("isolation", _isolations())
def test_wrong_types_are_the_learners_failed_check(reference, tmp_path, isolation):
    folder = tmp_path / "wrong-types"
    shutil.copytree(SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__", "_*"))
    module = folder / f"{EXERCISE}.py"
    module.write_text(WRONG_TYPES_PRELUDE + module.read_text())
    with Grader(reference, exercises=[EXERCISE], limits=Limits(call_seconds=30), isolation=isolation,
                warm_extras=False) as grader:
        result = grader.grade(folder, student="wrong-types")
    checks = {c.name.split(".", 1)[1]: c for c in result.checks}
    assert result.grader_errors() == [], [(c.name, c.feedback) for c in result.grader_errors()]
    assert result.total < result.max_total
    learns = checks["train_learns_to_remember"]
    assert learns.status == "error" and learns.points == 0
    assert learns.feedback == ("the answer your code's worker sent for ex06.train does not have the form the "
                               "grader reads (the answer has no field 'item_kinds'); "
                               "nothing it sent was used")
    for check in result.checks:
        assert str(KIT_ROOT) not in check.feedback and "Traceback" not in check.feedback, check.feedback
    # --resume keeps such a learner: its record is current (only a grader error is graded again).
    out = tmp_path / "out"
    record = {"content_hash": "h", "fingerprint": "f", "result": result.to_dict()}
    store.save(out, "wrong-types", record, {}, "")
    assert store.is_current(store.load_record(out, "wrong-types"), "h", "f", out, "wrong-types")


def test_a_grader_error_names_the_failure_without_source_or_paths():
    """A real bug of a check (no learner answer involved) stays the grader's error, told without its code."""
    def broken_check():
        secret_line = {"hidden": "check"}["missing key"]  # noqa: F841
    try:
        broken_check()
    except KeyError as error:
        info = pytest.ExceptionInfo.from_exception(error)
    status, text = classify(info)
    assert status == "grader_error"
    assert text == ("The grader itself failed on this check (not your fault; tell your instructor): KeyError in "
                    "broken_check(): 'missing key'")
