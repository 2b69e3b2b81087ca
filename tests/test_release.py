"""rnn-grade release: the learner bundle grades like the kit and holds nothing of the instructor's."""
import json
import subprocess

import pytest

from autograder import generate
from autograder.cli import main
from autograder.exports import notebooks, package_copy
from autograder.exports.record import available_exercises
from autograder.paths import PACKAGE
from autograder.runner.reference import request_key
from export_helpers import (clean_env, copy_solutions, find_leaks, hidden_secrets, make_venv, run_json,
                            solution_secrets)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("release") / "bundle"
    assert main(["release", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def bundle_python(bundle, tmp_path_factory):
    return make_venv(tmp_path_factory.mktemp("venv") / "env", bundle)


def test_bundle_layout(bundle):
    exercises = sorted(p.name for p in (bundle / "exercises").glob("*.py"))
    assert exercises == sorted(generate.expected_skeletons())
    assert sorted(p.stem for p in (bundle / "notebooks").glob("*.ipynb")) == [e[:-3] for e in exercises]
    assert (bundle / "autograder" / "checks" / "public_reference.json").is_file()
    assert not (bundle / "solutions").exists()
    assert not (bundle / "autograder" / "checks" / "hidden").exists()
    commands = sorted(p.name for p in (bundle / "autograder" / "commands").glob("*.py"))
    assert commands == ["__init__.py", "check.py", "doctor.py"]  # no instructor commands
    pyproject = (bundle / "pyproject.toml").read_text()
    assert 'rnn-grade = "autograder.cli:main"' in pyproject and "nbgrader" not in pyproject
    for dependency in ("torch>=2.2", "numpy", "pytest", "matplotlib"):
        assert dependency in pyproject


def test_bundle_holds_no_solution_code_and_no_hidden_check(bundle):
    secrets = solution_secrets() | hidden_secrets()
    assert len(solution_secrets()) > 10, "the leak scan found almost no solution lines to look for"
    assert find_leaks(bundle, secrets) == {}


def test_leak_scan_catches_a_leak(bundle, tmp_path):
    # The scan must be able to fail: one solution line pasted into a notebook cell is found.
    line = sorted(solution_secrets())[0]
    planted = tmp_path / "planted"
    planted.mkdir()
    nb = json.loads((bundle / "notebooks" / "ex02_forward_pass.ipynb").read_text())
    nb["cells"][-1]["source"] = f'x = "{line}"'
    (planted / "nb.ipynb").write_text(json.dumps(nb))
    assert find_leaks(planted, {line}) == {"nb.ipynb": [line]}
    # ... and so is a hidden check's name, for a hidden folder that is not public.
    hidden = tmp_path / "hidden"
    hidden.mkdir()
    (hidden / "test_ex02_forward_pass.py").write_text("def test_top_layer_many_configs(learner):\n    pass\n")
    secrets = hidden_secrets(hidden)
    assert "test_top_layer_many_configs" in secrets
    (planted / "leak.py").write_text("# test_top_layer_many_configs\n")
    assert "leak.py" in find_leaks(planted, secrets)


def test_bundle_files_never_drift_from_their_sources(bundle, reference):
    # The grader: byte for byte the kit's own files (those that ship).
    expected = package_copy.shipped_files(exercises=available_exercises())
    for rel in expected:
        assert (bundle / "autograder" / rel).read_bytes() == (PACKAGE / rel).read_bytes(), rel
    shipped = {p.relative_to(bundle / "autograder") for p in (bundle / "autograder").rglob("*") if p.is_file()}
    assert shipped - set(expected) == {package_copy.Path("checks/public_reference.json")}
    # Skeletons and notebooks: what the solutions generate today.
    for name, text in generate.expected_skeletons().items():
        assert (bundle / "exercises" / name).read_text() == text, name
    for name, text in notebooks.expected_notebooks().items():
        assert (bundle / "notebooks" / name).read_text() == text, name
    # Recorded answers: what the solutions compute today.
    recorded = json.loads((bundle / "autograder" / "checks" / "public_reference.json").read_text())
    assert recorded
    for key, answer in recorded.items():
        name, config = json.loads(key)
        reference.observe(name, config)
        assert reference.recorded()[request_key(name, config)] == answer, key


def test_package_copy_ships_only_what_learners_need(tmp_path):
    kit = tmp_path / "autograder"
    for rel in ["__init__.py", "cli.py", "generate.py", "commands/check.py", "commands/batch.py",
                "commands/release.py", "exports/inline.py", "exports/bundle.py", "checks/public/test_ex01_rnn_layer_a.py",
                "checks/hidden/test_ex01_rnn_layer_a.py", "checks/public_reference.json", "runner/grade.py",
                "worker/main.py", "batch/report.py", "runner/__pycache__/grade.cpython-311.pyc",
                "verdicts/ex04.py"]:
        (kit / rel).parent.mkdir(parents=True, exist_ok=True)
        (kit / rel).write_text("x")
    shipped = {str(p) for p in package_copy.shipped_files(package=kit)}
    assert shipped == {"__init__.py", "cli.py", "commands/check.py", "exports/inline.py",
                       "checks/public/test_ex01_rnn_layer_a.py", "runner/grade.py", "worker/main.py",
                       "verdicts/ex04.py"}
    assert "checks/hidden/test_ex01_rnn_layer_a.py" in {str(p) for p in package_copy.shipped_files(True, package=kit)}
    only_ex02 = {str(p) for p in package_copy.shipped_files(package=kit, exercises=["ex02_forward_pass"])}
    assert "checks/public/test_ex01_rnn_layer_a.py" not in only_ex02 and "runner/grade.py" in only_ex02


def test_release_refuses_to_overwrite_a_foreign_folder(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["release", "--out", str(tmp_path)]) == 1
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_installed_bundle_grades_skeleton_zero_and_solutions_full(bundle, bundle_python, tmp_path):
    where = subprocess.run([str(bundle_python), "-c", "import autograder; print(autograder.__file__)"],
                           cwd=tmp_path, env=clean_env(), capture_output=True, text=True, check=True).stdout
    assert where.strip().startswith(str(bundle)), where
    rnn_grade = str(bundle_python.parent / "rnn-grade")
    skeleton = run_json([rnn_grade, "check", "--json"], cwd=tmp_path, code=1)  # its checks fail: exit 1
    assert skeleton["tests"] and skeleton["score"] == 0
    solutions = copy_solutions(tmp_path / "mine")
    full = run_json([rnn_grade, "check", str(solutions), "--json"], cwd=tmp_path)
    assert [t["name"] for t in full["tests"]] == [t["name"] for t in skeleton["tests"]]
    assert full["score"] == sum(t["max_score"] for t in full["tests"]) > 0
    assert all(t["score"] == t["max_score"] for t in full["tests"]), full


def wrong_answers(folder):
    """Every solution region replaced by ``return None``: wrong answers of every kind, for every exercise."""
    import nbformat
    from nbgrader.preprocessors import ClearSolutions

    folder.mkdir()
    clearer = ClearSolutions(code_stub={"python": "return None"}, enforce_metadata=False)
    for path in generate.solution_files():
        cell, _ = clearer.preprocess_cell(nbformat.v4.new_code_cell(path.read_text()), {"language": "python"}, 0)
        (folder / path.name).write_text(cell.source)
    return folder


def test_recorded_answers_suffice_for_wrong_code(bundle, tmp_path):
    # A check may ask the reference for more once the learner's answer is in (to name a mistake, say):
    # the recording must hold those answers too, or learners with the bundle would see grader errors.
    from autograder.runner.grade import grade_submission
    from autograder.runner.reference import RecordedReference

    recorded = RecordedReference(bundle / "autograder" / "checks" / "public_reference.json")
    result = grade_submission(wrong_answers(tmp_path / "wrong"), recorded, exercises=available_exercises())
    assert result.checks and not result.grader_errors(), [(c.name, c.feedback) for c in result.grader_errors()]
    assert result.total < result.max_total


def test_readme_release_and_workflow_agree_on_the_install(bundle, capsys):
    """What learners copy gives torch's CPU build at the recorded version, on every system, in every place."""
    from autograder.exports.bundle import CPU_INDEX, install_commands
    from autograder.exports.bundle import TORCH_VERSION

    readme = (bundle / "README.md").read_text(encoding="utf-8")
    for line in install_commands(bundle)[1:]:
        assert line in readme, line
    assert f"pip install torch=={TORCH_VERSION} --index-url {CPU_INDEX}" in install_commands(bundle)
    for where in ("**Windows** (PowerShell)", ".venv\\Scripts\\Activate.ps1", "**macOS**", "**Google Colab**"):
        assert where in readme, where
    workflow = (bundle / ".github" / "workflows" / "check.yml").read_text(encoding="utf-8")
    assert "os: [ubuntu-latest, windows-latest, macos-latest]" in workflow
    assert f"torch=={TORCH_VERSION} --index-url {CPU_INDEX}" in workflow and f"torch=={TORCH_VERSION}\n" in workflow
    assert "run: rnn-grade check exercises\n" in workflow and "python -m pip install -e ." in workflow
    try:
        import yaml
    except ImportError:
        return
    steps = yaml.safe_load(workflow)["jobs"]["check"]["steps"]
    assert [s.get("run", "").strip() for s in steps][-1] == "rnn-grade check exercises"
