"""``rnn-grade batch --incremental``: an unchanged learner is not graded again, a resubmission regrades only the
exercises it changed, a changed check regrades that exercise for every learner, and the results are those of
a full grading."""
import json

import pytest

from autograder.batch import grading
from autograder.batch.intake import find_submissions
from autograder.batch.runner import BatchOptions, run_batch
from autograder.course import cache
from autograder.course.batch_hooks import install
from autograder.paths import EXERCISES, SOLUTIONS

pytestmark = pytest.mark.slow  # end to end: minutes (README, "Quick start")

GRADED = ["ex01_rnn_layer", "ex02_forward_pass"]


def learner(root, name, **files):
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    for module in GRADED:
        source = files.get(module, SOLUTIONS)
        (folder / f"{module}.py").write_bytes((source / f"{module}.py").read_bytes())


def results(out):
    records = {}
    for path in sorted((out / ".rnn-grade" / "records").glob("*.json")):
        data = json.loads(path.read_text())["result"]
        records[data["student"]] = ([{k: c[k] for k in ("name", "points", "status", "feedback", "hidden")}
                                     for c in data["checks"]], data["total"])
    return records


@pytest.fixture
def spy(monkeypatch):
    calls = []
    grade = grading.grade_files

    def watched(grader, submission, exercises=None):   # the intake's Submission (issue 27's one intake)
        calls.append((submission.label, tuple(exercises or grader.exercises or ())))
        return grade(grader, submission, exercises)
    monkeypatch.setattr(grading, "grade_files", watched)
    return calls


def test_only_what_changed_is_graded_and_results_match_a_full_grading(tmp_path, spy, monkeypatch):
    cls, out = tmp_path / "class", tmp_path / "grades"
    learner(cls, "ana")
    learner(cls, "ben")
    options = dict(out=out, jobs=1, isolation="plain", exercises=GRADED)

    def incremental():
        return install(BatchOptions(submissions=cls, **options), incremental=True)
    run_batch(incremental())
    assert sorted(spy) == [("ana", tuple(GRADED)), ("ben", tuple(GRADED))]

    spy.clear()  # ben resubmits ex02 (the skeleton this time); ana hands in the same files again
    learner(cls, "ben", ex02_forward_pass=EXERCISES)
    outcome = run_batch(incremental())
    assert spy == [("ben", ("ex02_forward_pass",))] and outcome.reused == ["ana"]
    full = tmp_path / "full"
    run_batch(BatchOptions(submissions=cls, out=full, jobs=1, isolation="plain", exercises=GRADED))
    assert results(out) == results(full)
    assert results(out)["ben"][1] < results(out)["ana"][1]

    # A check of ex01 changes: ex01 is to be graded again for everyone, ex02 for no one.
    fingerprints = dict(cache.exercise_fingerprints(), ex01_rnn_layer="a changed check")
    monkeypatch.setattr(cache, "exercise_fingerprints", lambda: fingerprints)
    intake = find_submissions(cls, GRADED)
    plan = cache.Plan(out, BatchOptions(submissions=cls, **options).grader_settings())
    done, todo = plan.split([(s, s.content_hash()) for s in intake.submissions])
    assert done == [] and {s.label: plan.subset(s) for s, _ in todo} == {"ana": ["ex01_rnn_layer"],
                                                                         "ben": ["ex01_rnn_layer"]}


def test_keys_follow_the_module_its_imports_and_the_exercise_checks(monkeypatch):
    settings = {"limits": {"call_seconds": 10}, "isolation": "auto", "reveal": None}
    files = {"ex03_rnnnet.py": b"def f(): pass\n", "ex06_training.py": b"from ex03_rnnnet import f\n"}
    keys = cache.keys_for(files, settings, ["ex03_rnnnet", "ex06_training", "ex02_forward_pass"])
    changed = cache.keys_for(dict(files, **{"ex03_rnnnet.py": b"def f(): return 1\n"}), settings,
                             ["ex03_rnnnet", "ex06_training", "ex02_forward_pass"])
    assert changed["ex03_rnnnet"] != keys["ex03_rnnnet"]
    assert changed["ex06_training"] != keys["ex06_training"]  # ex06 imports the learner's ex03
    assert changed["ex02_forward_pass"] == keys["ex02_forward_pass"]
    other_limits = cache.keys_for(files, dict(settings, limits={"call_seconds": 20}), ["ex03_rnnnet"])
    assert other_limits["ex03_rnnnet"] != keys["ex03_rnnnet"]
    # Each exercise's grading files count for its own key only; the engine's for all.
    own = cache.exercise_fingerprints()
    assert len(set(own.values())) == len(own)
