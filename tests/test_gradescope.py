"""rnn-grade export gradescope: the autograder zip grades like the kit and writes a valid results.json."""
import json
import os
import shutil
import subprocess
import sys
import venv
import zipfile

import pytest

from autograder.cli import main
from autograder.exports import gradescope, gradescope_run, notebooks
from autograder.paths import HIDDEN_CHECKS, PACKAGE, SOLUTIONS
from autograder.runner import sandbox
from autograder.runner.reference import request_key
from conftest import failed_checks
from export_helpers import clean_env, find_leaks, solution_secrets
from secret_reader import write_secret_reader

EXERCISE = "ex02_forward_pass"   # one exercise keeps the recording and every run short
VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    out = tmp_path_factory.mktemp("gradescope") / "out"
    assert main(["export", "gradescope", "--out", str(out), "--exercise", EXERCISE]) == 0
    return out


def unpack(zip_path, root):
    """Unpack like Gradescope does into ROOT/source, keeping the files' modes."""
    source = root / "source"
    with zipfile.ZipFile(zip_path) as archive:
        for info in archive.infolist():
            target = source / info.filename
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(info))
            os.chmod(target, (info.external_attr >> 16) & 0o777)
    return source


@pytest.fixture
def autograder_root(export, tmp_path):
    root = tmp_path / "autograder"
    unpack(export / "autograder.zip", root)
    (root / "submission").mkdir()
    return root


def run_autograder(root, files, expect=0, **env):
    """Submit ``files`` ({relative path: text}) and run run_autograder; returns results.json."""
    for name, text in files.items():
        (root / "submission" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "submission" / name).write_text(text)
    env = clean_env(AUTOGRADER_ROOT=str(root), RNN_GRADE_PYTHON=sys.executable, **env)
    done = subprocess.run([str(root / "source" / "run_autograder")], cwd=root, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == expect, done.stderr
    return json.loads((root / "results" / "results.json").read_text())


def assert_schema(results):
    assert isinstance(results["score"], (int, float))
    assert results["tests"]
    for test in results["tests"]:
        assert isinstance(test["name"], str) and test["name"]
        assert isinstance(test["score"], (int, float)) and isinstance(test["max_score"], (int, float))
        assert 0 <= test["score"] <= test["max_score"]
        assert test["visibility"] in VISIBILITIES
        assert isinstance(test["output"], str) and test["output"]
    assert results["score"] == pytest.approx(sum(t["score"] for t in results["tests"]))


def test_zip_layout(export):
    with zipfile.ZipFile(export / "autograder.zip") as archive:
        infos = {info.filename: info for info in archive.infolist()}
        setup = archive.read("setup.sh").decode()
    for script in ("setup.sh", "run_autograder"):
        assert (infos[script].external_attr >> 16) & 0o111, f"{script} must be executable"
    assert "torch==2.13.0" in setup and "$ROOT/source/kit" in setup
    assert not any(name.startswith("solutions/") or "/solutions/" in name for name in infos)
    hidden = {name for name in infos if name.startswith("kit/autograder/checks/hidden/")}
    assert bool(hidden) == any(HIDDEN_CHECKS.glob(f"*{EXERCISE}*.py"))  # only the exported exercise's
    assert "kit/autograder/exports/gradescope_run.py" in infos and "kit/autograder/generate.py" not in infos
    checks = {name.rsplit("/", 1)[1] for name in infos if name.startswith("kit/autograder/checks/") and "/test_" in name}
    assert checks and all(EXERCISE in name for name in checks)  # only the exported exercise's checks


def test_zip_holds_no_solution_code(export, tmp_path):
    source = unpack(export / "autograder.zip", tmp_path)
    assert find_leaks(source, solution_secrets()) == {}


def test_zip_never_drifts_from_its_sources(export, reference, tmp_path):
    source = unpack(export / "autograder.zip", tmp_path)
    for rel in gradescope.shipped_files(include_hidden=True, export_runtimes=gradescope.RUNTIMES,
                                        exercises=[EXERCISE]):
        assert (source / "kit" / "autograder" / rel).read_bytes() == (PACKAGE / rel).read_bytes(), rel
    recorded = json.loads((source / "reference.json").read_text())
    for key, answer in recorded.items():
        name, config = json.loads(key)
        reference.observe(name, config)
        assert reference.recorded()[request_key(name, config)] == answer, key


SUBMISSIONS = {
    "solutions": dict(base="solutions"),
    "skeleton": dict(base="exercises"),
    "view_instead_of_transpose": dict(edit={f"{EXERCISE}.py": [("return x.transpose(0, 1)",
                                                                 "return x.reshape(x.shape[1], x.shape[0], -1)")]}),
}


@pytest.mark.parametrize("kind", SUBMISSIONS)
def test_scores_match_ours(kind, autograder_root, make_submission, grade):
    folder = make_submission(**SUBMISSIONS[kind])
    results = run_autograder(autograder_root, {f"work/{EXERCISE}.py": (folder / f"{EXERCISE}.py").read_text()})
    assert_schema(results)
    ours = grade(folder, exercises=[EXERCISE], hidden=True)
    assert [(t["name"], t["score"], t["max_score"]) for t in results["tests"]] == \
           [(c.name, c.points, c.max_points) for c in ours.checks]
    assert results["score"] == ours.total
    for test, check in zip(results["tests"], ours.checks):
        assert test["visibility"] == ("after_published" if check.hidden else "visible")
    if kind == "solutions":
        assert results["score"] == ours.max_total > 0
    elif kind == "skeleton":
        assert results["score"] == 0
    else:
        assert 0 < results["score"] < ours.max_total and failed_checks(ours, EXERCISE)


def test_hidden_checks_follow_the_configured_visibility(autograder_root, make_submission):
    # A hidden check added to the unpacked zip (it reuses an answer the zip recorded): it counts, and
    # learners see it only when the instructor publishes the grades.
    hidden = autograder_root / "source" / "kit" / "autograder" / "checks" / "hidden"
    hidden.mkdir(exist_ok=True)
    (hidden / f"test_{EXERCISE}_added_by_the_test.py").write_text(
        "import pytest\nfrom autograder.configs import PUBLISHED_RNN_CONFIGS\n"
        "from autograder.verdicts.ex02 import judge_init_hidden\n\n"
        "NOTEBOOK = dict(input_size=2, hidden_size=5, num_layers=1, nonlinearity='tanh', bias=True, "
        "batch_first=False, bidirectional=False, dtype='float32', seq_len=5, batch_size=2, seed=1)\n\n\n"
        "@pytest.mark.points(1)\n"
        "def test_init_hidden_again(learner, reference):\n    \"\"\"init_hidden, once more.\"\"\"\n"
        "    judge_init_hidden(learner, reference, [NOTEBOOK] + PUBLISHED_RNN_CONFIGS)\n")
    folder = make_submission()
    results = run_autograder(autograder_root, {f"{EXERCISE}.py": (folder / f"{EXERCISE}.py").read_text()})
    assert_schema(results)
    added = [t for t in results["tests"] if t["name"] == f"{EXERCISE}.hidden.init_hidden_again"]
    assert added and added[0]["visibility"] == "after_published" and added[0]["score"] == 1
    assert all(t["visibility"] == "visible" for t in results["tests"] if ".hidden." not in t["name"])


def test_a_notebook_submission_is_graded_from_its_cells(autograder_root):
    # A learner who worked in the notebook of `rnn-grade release` may upload it instead of the .py file.
    nb = notebooks.learner_notebook(EXERCISE)
    sources = iter(notebooks.tagged_sources(EXERCISE, notebooks.exercise_parts(EXERCISE)[1], keep_solutions=True))
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.startswith("# %%"):
            cell.source = next(sources)
    results = run_autograder(autograder_root, {f"{EXERCISE}.ipynb": notebooks.notebook_text(nb)})
    assert_schema(results)
    assert results["score"] == sum(t["max_score"] for t in results["tests"]) > 0
    assert f"{EXERCISE}: graded the tagged code cells of {EXERCISE}.ipynb" in results["output"]


def test_a_broken_autograder_still_writes_results_and_fails_loudly(autograder_root):
    (autograder_root / "source" / "reference.json").write_text("not json")
    results = run_autograder(autograder_root, {"anything.txt": "hello"}, expect=1)
    assert results["score"] == 0 and results["tests"] == []
    assert "autograder itself failed" in results["output"]


def path_without_bwrap(root):
    """A PATH folder with what run_autograder needs but no bubblewrap: plain isolation."""
    folder = root / "bin"
    if not folder.exists():
        folder.mkdir()
        for tool in ("bash", "env"):
            os.symlink(shutil.which(tool), folder / tool)
    return folder


def test_a_machine_that_cannot_grade_fails_loudly_without_grading(autograder_root, tmp_path):
    # The grader's Python cannot start workers with torch: no learner's zero, a message and exit 1.
    bare = tmp_path / "bare"
    venv.EnvBuilder(with_pip=False).create(bare)
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "from autograder.runner import sandbox\n"
        f"sandbox.worker_python = lambda: {str(bare / 'bin' / 'python')!r}\n")
    folder_text = (SOLUTIONS / f"{EXERCISE}.py").read_text()
    results = run_autograder(autograder_root, {f"{EXERCISE}.py": folder_text}, expect=1,
                             PYTHONPATH=str(hook), PATH=str(path_without_bwrap(autograder_root)))
    assert results["score"] == 0 and results["tests"] == []
    assert "cannot grade on this machine" in results["output"] and "No module named" in results["output"]


@pytest.mark.parametrize("isolation", ["bwrap", "plain"])
def test_learner_code_reads_neither_recorded_answers_nor_hidden_checks(isolation, autograder_root):
    if isolation == "bwrap" and sandbox.bwrap_problem():
        pytest.skip(sandbox.bwrap_problem())
    if isolation == "plain" and sandbox.plain_worker_uid() is None:
        pytest.skip("plain isolation switches to an unprivileged uid only as root with a Python every user "
                    "can read (Gradescope's); here learner code would run as the grader (.ci/field_test.py "
                    "tests it with such a Python)")
    source = autograder_root / "source"
    secrets = [source / "reference.json", source / "kit" / "autograder" / "checks" / "hidden"]
    assert all(p.exists() for p in secrets)
    env = {"PATH": str(path_without_bwrap(autograder_root))} if isolation == "plain" else {}
    submission = autograder_root / "submission"
    write_secret_reader(submission, secrets)
    results = run_autograder(autograder_root, {}, **env)
    ex02 = [t for t in results["tests"] if t["name"].startswith(EXERCISE)]
    assert ex02 and not [t["output"] for t in ex02 if "LEAKED" in t["output"]]
    assert all(t["score"] == t["max_score"] for t in ex02), [t["output"][-300:] for t in ex02]
    # The probe can find a secret: one left readable by the learner's uid (bubblewrap: shown) is read.
    if isolation == "plain":
        planted = autograder_root / "readable.json"
        planted.write_text("{}")
        os.chmod(autograder_root, 0o755)
        write_secret_reader(submission, [planted])
        leaked = run_autograder(autograder_root, {}, **env)
        assert any("LEAKED" in t["output"] for t in leaked["tests"])


def test_submissions_are_collected_by_module_name(tmp_path):
    submitted = tmp_path / "submitted"
    (submitted / "deep" / "deeper").mkdir(parents=True)
    (submitted / "deep" / f"{EXERCISE}.py").write_text("x = 1\n")
    (submitted / "deep" / "deeper" / f"{EXERCISE}.py").write_text("x = 2\n")
    (submitted / "ex01_rnn_layer.ipynb").write_text("not a notebook")
    submission = gradescope_run.collect_submission(submitted, [EXERCISE, "ex01_rnn_layer", "ex03_rnnnet"])
    assert submission.files == {f"{EXERCISE}.py": b"x = 1\n"}  # the shallowest copy wins
    assert any("ex01_rnn_layer.ipynb could not be read" in note for note in submission.notes)
    assert any("no ex03_rnnnet.py in the submission" in note for note in submission.notes)


def test_a_link_to_the_recorded_answers_is_never_staged(autograder_root):
    """Issue 28: run_autograder (root) once copied a submitted link's target, the recorded answers, into
    the learner's copy. The intake reads regular files only: the link is a note, its target never read."""
    submission = autograder_root / "submission"
    (submission / "answers.json").symlink_to(autograder_root / "source" / "reference.json")
    (submission / "rnn_helpers.py").symlink_to(autograder_root / "source" / "reference.json")
    (submission / f"{EXERCISE}.py").write_text((SOLUTIONS / f"{EXERCISE}.py").read_text())
    collected = gradescope_run.collect_submission(submission, [EXERCISE])
    assert sorted(collected.files) == [f"{EXERCISE}.py"]
    assert "rnn_helpers.py is a symbolic link; it was not used" in collected.notes
