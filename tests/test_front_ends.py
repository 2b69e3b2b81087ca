"""One set of submissions through every front end: the same points, statuses, hints and notes.

The set (ex02 alone, to stay short): the solutions with ``to_batch_first`` importing a helper
module from the same folder (the case of issue 27: full marks from ``check``, a
ModuleNotFoundError in ``batch``), a notebook with a classic mistake and a helper beside it,
and a zip whose module carries a browser's copy suffix in a sub-folder. Front ends:
``rnn-grade check`` (its command), ``rnn-grade batch`` (``run_batch``), Gradescope's
``run_autograder`` (``gradescope_run.graded`` on an emulated ``/autograder``), the Dask
worker's task (``grade_on_worker``) and ``nbgrader-grade``'s intake (``course_intake``;
``tests/test_nbgrader_grade.py`` shows its grades equal a batch's).
"""
import dataclasses
import json
import pickle
import shutil
import zipfile

import pytest

from autograder.batch import dask_pool
from autograder.batch.nbgrader_grades import course_intake
from autograder.batch.grading import make_grader
from autograder.batch.runner import BatchOptions, run_batch
from autograder.cli import main
from autograder.exports import gradescope_run
from autograder.intake import find_submissions, read_learner
from autograder.paths import SOLUTIONS
from autograder.runner.limits import Limits
from autograder.runner.results import to_gradescope
from notebook_helpers import write_notebook
from test_gradescope import unpack

EX02 = "ex02_forward_pass"
HELPER = "def swap_first_axes(x):\n    return x.transpose(0, 1)\n"
SOLVED = (SOLUTIONS / f"{EX02}.py").read_text()
WITH_HELPER = SOLVED.replace("    return x.transpose(0, 1)\n",
                             "    from rnn_helpers import swap_first_axes\n    return swap_first_axes(x)\n", 1)
RESHAPER = SOLVED.replace("return x.transpose(0, 1)", "return x.reshape(x.shape[1], x.shape[0], -1)", 1)
LIMITS = Limits(call_seconds=60, submission_seconds=600)   # a busy test machine must not time anyone out


def _learners(root):
    """{name: path} of the shared set, written under ``root`` (a class folder)."""
    assert WITH_HELPER != SOLVED and RESHAPER != SOLVED
    helpers, notebook = root / "helpers", root / "notebook"
    helpers.mkdir(parents=True)
    (helpers / f"{EX02}.py").write_text(WITH_HELPER)
    (helpers / "rnn_helpers.py").write_text(HELPER)
    (helpers / "notes.txt").write_text("not a module: never staged")
    write_notebook(notebook / f"{EX02}.ipynb", EX02, RESHAPER)
    (notebook / "rnn_helpers.py").write_text(HELPER)
    with zipfile.ZipFile(root / "zipped.zip", "w") as archive:
        archive.writestr(f"work/{EX02[0].upper()}{EX02[1:]} (1).py", WITH_HELPER)
        archive.writestr("work/rnn_helpers.py", HELPER)
    return {"helpers": helpers, "notebook": notebook, "zipped": root / "zipped.zip"}


def _unpacked(path, target):
    """A learner's files as a folder (what Gradescope and nbgrader are given): a zip is unpacked."""
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            archive.extractall(target)
    else:
        shutil.copytree(path, target)
    return target


def _public(document):
    """What a learner reads of a results.json: public checks (name, points, status, message) and notes."""
    tests = [(t["name"], t["score"], t["max_score"], t["status"], t["output"]) for t in document["tests"]
             if "hidden" not in t["tags"]]
    return tests, document["output"]


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    base = tmp_path_factory.mktemp("front-ends")
    return base, _learners(base / "class")


@pytest.fixture(scope="module")
def documents(shared):
    """{front end: {learner: results.json document}} for every front end that grades."""
    base, learners = shared
    found = {}
    # rnn-grade batch: the class folder as it is.
    outcome = run_batch(BatchOptions(submissions=base / "class", out=base / "grades", jobs=1, exercises=[EX02],
                                     limits=LIMITS))
    assert not outcome.grader_errors
    found["batch"] = {name: json.loads((base / "grades" / name / "results.json").read_text()) for name in learners}
    # the Dask worker's task, on a worker's grader, with the Submission as it travels (pickled).
    token = "front-ends"
    grader = make_grader({"exercises": [EX02], "isolation": "auto", "limits": dataclasses.asdict(LIMITS), "reveal": None})
    dask_pool._WORKER_STATE[token] = {"grader": grader, "problem": None}
    try:
        intake = {s.name: s for s in find_submissions(base / "class", [EX02]).submissions}
        found["dask"] = {name: to_gradescope(dask_pool.grade_on_worker(token, pickle.loads(pickle.dumps(intake[name]))))
                         for name in learners}
    finally:
        dask_pool._WORKER_STATE.pop(token)
        grader.close()
    # Gradescope's run_autograder: an emulated /autograder with the export of ex02.
    export = base / "export"
    assert main(["export", "gradescope", "--out", str(export), "--exercise", EX02]) == 0
    found["gradescope"] = {}
    for name, path in learners.items():
        root = base / f"autograder-{name}"
        unpack(export / "autograder.zip", root)
        _unpacked(path, root / "submission")
        document, errors = gradescope_run.graded(root)
        assert not errors
        found["gradescope"][name] = document
    return found


@pytest.fixture(scope="module")
def checked(shared):
    """{learner: the results.json of `rnn-grade check PATH --json`} (public checks, as a learner runs it)."""
    import contextlib
    import io

    _, learners = shared
    found = {}
    for name, path in learners.items():
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            # exit 1: a check did not pass (the notebook's mistake); 0: every check passed
            assert main(["check", str(path), "--exercise", EX02, "--json"]) == (1 if name == "notebook" else 0)
        found[name] = json.loads(out.getvalue())
    return found


def test_every_front_end_reads_the_same_submission(shared, tmp_path):
    base, learners = shared
    batch = {s.name: s for s in find_submissions(base / "class", [EX02]).submissions}
    course = tmp_path / "course"
    for name, path in learners.items():
        _unpacked(path, course / "submitted" / name / "ps1")
    nbgrader, ids = course_intake(course, "ps1", [EX02])
    nbgrader = {s.name: s for s in nbgrader.submissions}
    assert ids == {name: name for name in learners}
    for name, path in learners.items():
        check = read_learner(path, [EX02])          # rnn-grade check, Grader.grade(path)
        gradescope = gradescope_run.collect_submission(_unpacked(path, tmp_path / f"gs-{name}"), [EX02])
        for other in (batch[name], nbgrader[name], gradescope, pickle.loads(pickle.dumps(batch[name]))):
            assert (other.files, other.notes) == (check.files, check.notes), name
    assert sorted(batch["helpers"].files) == [f"{EX02}.py", "rnn_helpers.py"]
    assert sorted(batch["zipped"].files) == [f"{EX02}.py", "rnn_helpers.py"]
    assert any("graded work/Ex02_forward_pass (1).py as ex02_forward_pass.py" in n for n in batch["zipped"].notes)


def test_every_front_end_gives_the_same_points_statuses_hints_and_notes(documents, checked):
    for name, document in checked.items():
        expected = _public(document)
        for front_end, by_learner in documents.items():
            assert _public(by_learner[name]) == expected, (front_end, name)
    # The case: a helper module beside the exercise earns full marks everywhere.
    for front_end, by_learner in dict(documents, check=checked).items():
        for name in ("helpers", "zipped"):
            tests, _ = _public(by_learner[name])
            assert tests and all(t[3] == "passed" for t in tests), (front_end, name, tests)
        tests, _ = _public(by_learner["notebook"])
        assert any(t[3] == "failed" for t in tests), (front_end, tests)
    # Hidden checks count alike where they are graded (batch, Dask, Gradescope).
    totals = {front_end: {name: d["score"] for name, d in by_learner.items()} for front_end, by_learner in
              documents.items()}
    assert totals["batch"] == totals["dask"] == totals["gradescope"]
    # The table of the closing note (shown with pytest -s): public points and checks passed per front end.
    for front_end, by_learner in dict(check=checked, **documents).items():
        print(front_end.ljust(11), "  ".join(
            f"{name}: {sum(t[1] for t in _public(d)[0]):g}/{sum(t[2] for t in _public(d)[0]):g} public "
            f"({sum(t[3] == 'passed' for t in _public(d)[0])}/{len(_public(d)[0])} passed), "
            f"total {d['score']:g}" for name, d in sorted(by_learner.items())))


def test_the_notebooks_own_check_cell_takes_the_helper_modules_beside_it(shared, monkeypatch):
    """The check cell of a learner's notebook gathers the other modules itself; helpers by the same rules."""
    from autograder.exports import inline

    _, learners = shared
    monkeypatch.chdir(learners["notebook"])
    files = inline._sibling_modules(EX02)
    assert files["rnn_helpers.py"] == HELPER
    assert read_learner(learners["notebook"], [EX02]).files["rnn_helpers.py"] == HELPER.encode()
