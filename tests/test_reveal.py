"""How much feedback reveals (autograder/reveal.py): full, concept, none, for public and hidden checks apart,
honoured by check, batch and every export."""
import json

import pytest

from autograder import reveal
from autograder.feedback import Feedback, Hint, render_parts
from autograder.runner.results import CheckResult, SubmissionResult

BATCH_FIRST_BUG = {"ex02_forward_pass.py": [("return output[:, -1] if batch_first else output[-1]",
                                             "return output[-1]")]}
MISTAKE = "output[-1] is the last SAMPLE when batch_first=True"
FIX = "so take output[:, -1]"


def test_levels_filter_the_parts_of_one_message():
    feedback = Feedback("f(x)", "a tensor of shape (2, 3)", "a tensor of shape (3, 2)",
                        Hint("time comes first", "x.transpose(0, 1) swaps the axes"),
                        Hint("the axes are swapped", "call x.transpose(0, 1)"))
    full = render_parts(feedback.parts(), "full")
    assert full == feedback.text()
    assert "Hint:     the axes are swapped: call x.transpose(0, 1)" in full and "x.transpose(0, 1) swaps" in full
    concept = render_parts(feedback.parts(), "concept")
    assert "Called:   f(x)" in concept and "Returned: a tensor of shape (2, 3)" in concept
    assert "Hint:     the axes are swapped\n" in concept and "Why:      time comes first" in concept
    assert "transpose" not in concept
    assert render_parts(feedback.parts(), "none") == ""


def _check(result, name):
    return next(c for c in result.checks if c.name == name)


def test_grading_honours_the_levels_of_public_and_hidden_checks_apart(make_submission, reference):
    from autograder.runner.grade import grade_submission

    folder = make_submission(edit=BATCH_FIRST_BUG)
    graded = {levels: grade_submission(folder, reference, include_hidden=True, exercises=["ex02_forward_pass"],
                                       reveal=dict(zip(("public", "hidden"), levels)))
              for levels in [("full", "full"), ("concept", "none"), ("none", "concept")]}
    public, hidden = "ex02_forward_pass.last_output_notebook", "ex02_forward_pass.hidden.last_output_configs"
    full = graded[("full", "full")]
    assert MISTAKE in _check(full, public).feedback and FIX in _check(full, public).feedback
    assert MISTAKE in _check(full, hidden).feedback and FIX in _check(full, hidden).feedback
    mixed = graded[("concept", "none")]
    assert MISTAKE in _check(mixed, public).feedback and FIX not in _check(mixed, public).feedback
    assert _check(mixed, hidden).feedback == "" and _check(mixed, hidden).status == "failed"
    other = graded[("none", "concept")]
    assert _check(other, public).feedback == ""
    assert MISTAKE in _check(other, hidden).feedback and FIX not in _check(other, hidden).feedback
    # The level changes the words only: the same points and statuses at every level.
    scores = {levels: [(c.name, c.status, c.points) for c in result.checks] for levels, result in graded.items()}
    assert len(set(map(tuple, scores.values()))) == 1


def test_check_command_takes_the_levels(make_submission, capsys):
    from autograder.cli import main

    folder = make_submission(edit=BATCH_FIRST_BUG)
    assert main(["check", str(folder), "--exercise", "ex02_forward_pass", "--json", "--reveal-public", "concept",
                 "--isolation", "plain"]) == 1  # a check failed
    document = json.loads(capsys.readouterr().out)
    text = next(t["output"] for t in document["tests"] if t["name"] == "ex02_forward_pass.last_output_notebook")
    assert MISTAKE in text and FIX not in text


def test_stored_levels_are_the_default_and_exports_store_them(tmp_path):
    assert reveal.load(tmp_path / "absent.json") == {"public": "full", "hidden": "full"}
    (tmp_path / "checks").mkdir()
    reveal.write(tmp_path, {"hidden": "concept"})
    assert reveal.load(tmp_path / "checks" / "reveal.json") == {"public": "full", "hidden": "concept"}
    reveal.write(tmp_path, {"hidden": "full"})   # the default again: no file, the kit's behaviour
    assert not (tmp_path / "checks" / "reveal.json").exists()
    with pytest.raises(ValueError):
        reveal.validated({"public": "hints"})


def test_every_export_carries_the_levels(tmp_path):
    from autograder.exports.bundle import write_learner_files
    from autograder.exports.gradescope import zip_entries
    from autograder.exports.nbgrader_course import test_cell
    from autograder.exports.record import Recording

    levels = {"public": "concept", "hidden": "none"}
    recording = Recording(result=SubmissionResult(student="solutions"), answers={})
    # release and classroom: the bundle's grader reads checks/reveal.json
    out = tmp_path / "bundle"
    out.mkdir()
    write_learner_files(out, ["ex02_forward_pass"], recording, levels)
    assert reveal.load(out / "autograder" / "checks" / "reveal.json") == levels
    # gradescope: the zip's grader
    entries = zip_entries(["ex02_forward_pass"], recording, "after_published", levels)
    assert json.loads(entries["kit/autograder/checks/reveal.json"][0]) == levels
    # nbgrader: every test cell passes the levels to the kit's grader
    check = CheckResult("ex02_forward_pass.last_output_notebook", "ex02_forward_pass", "title", 2, 2, False, "passed")
    assert "reveal={'public': 'concept', 'hidden': 'none'}" in test_cell(check, levels).source
    assert "reveal" not in test_cell(check).source


def test_batch_builds_its_graders_with_the_levels(tmp_path):
    from autograder.batch.grading import make_grader
    from autograder.batch.runner import BatchOptions
    from autograder.cli import build_parser

    args = build_parser().parse_args(["batch", "--out", str(tmp_path), "--reveal-hidden", "concept"])
    assert reveal.from_args(args) == {"public": "full", "hidden": "concept"}
    settings = BatchOptions(submissions=tmp_path, out=tmp_path, isolation="plain",
                            reveal=reveal.from_args(args)).grader_settings()
    grader = make_grader(settings)
    try:
        assert grader.reveal == {"public": "full", "hidden": "concept"}
    finally:
        grader.close()
