"""rnn-grade export classroom: a template repository whose workflow reports the learner's points."""
import base64
import json
import os
import shlex
import shutil
import subprocess
import sys

import pytest

from autograder.cli import main
from autograder.exports import classroom
from export_helpers import clean_env, copy_solutions, find_leaks, hidden_secrets, solution_secrets

EXERCISE = "ex02_forward_pass"

try:
    import yaml
except ImportError:  # the structural checks below still run
    yaml = None


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    out = tmp_path_factory.mktemp("classroom") / "template"
    assert main(["export", "classroom", "--out", str(out), "--exercise", EXERCISE]) == 0
    return out


def workflow(template):
    text = (template / classroom.WORKFLOW).read_text()
    if yaml is not None:
        return yaml.safe_load(text)
    pytest.skip("PyYAML is not installed: only the structural checks of test_workflow_text run")


def grading_step(doc):
    steps = doc["jobs"]["run-autograding-tests"]["steps"]
    return next(step for step in steps if "rnn-grade" in step.get("run", ""))


def test_workflow_text(template):
    text = (template / classroom.WORKFLOW).read_text()
    assert "python -m pip install" in text and "rnn-grade check exercises --json" in text
    assert "${{ steps.rnngrade.outputs.result }}" in text and "runners: rnngrade" in text
    assert "\t" not in text and "{torch_version}" not in text and "torch==2.13.0" in text


def test_workflow_parses_and_wires_the_reporter(template):
    doc = workflow(template)
    assert "push" in doc["on"]
    steps = doc["jobs"]["run-autograding-tests"]["steps"]
    step = grading_step(doc)
    reporter = next(s for s in steps if "autograding-grading-reporter" in s.get("uses", ""))
    runner = reporter["with"]["runners"]
    # The reporter reads the base64 results from the environment variable <RUNNER>_RESULTS.
    assert runner == step["id"]
    assert reporter["env"][f"{runner.upper()}_RESULTS"] == f"${{{{ steps.{step['id']}.outputs.result }}}}"
    assert steps.index(reporter) > steps.index(step)
    assert any("pip install" in s.get("run", "") and "-e ." in s["run"] for s in steps[:steps.index(step)])


def test_commands_the_workflow_names_exist(template):
    doc = workflow(template)
    for line in grading_step(doc)["run"].splitlines():
        words = shlex.split(line)
        if words and words[0] == "rnn-grade":
            done = subprocess.run([sys.executable, "-m", "autograder.cli", words[1], "--help"], cwd=template,
                                  env=clean_env(), capture_output=True, text=True)
            assert done.returncode == 0, done.stderr
        elif words and words[0] == "python":
            assert (template / words[1]).is_file(), words[1]


def test_template_holds_no_solution_code_and_no_hidden_check(template):
    assert find_leaks(template, solution_secrets() | hidden_secrets()) == {}


@pytest.mark.parametrize("learner", ["skeleton", "solutions"])
def test_grading_step_reports_zero_and_full_points(learner, template, tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(template, repo)
    if learner == "solutions":
        shutil.rmtree(repo / "exercises")
        copy_solutions(repo / "exercises")
    # `rnn-grade` as `pip install -e .` would provide it: this repository's own grader.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "rnn-grade").write_text(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} -m autograder.cli \"$@\"\n")
    (bin_dir / "rnn-grade").chmod(0o755)
    (bin_dir / "python").symlink_to(sys.executable)
    output = tmp_path / "github_output"
    env = clean_env(PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}", GITHUB_OUTPUT=str(output))
    script = grading_step(workflow(template))["run"]
    done = subprocess.run(["bash", "-e", "-c", script], cwd=repo, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    encoded = output.read_text().strip().removeprefix("result=")
    results = json.loads(base64.b64decode(encoded))
    total = sum(test["score"] for test in results["tests"])
    assert results["tests"] and results["max_score"] > 0
    assert total == (results["max_score"] if learner == "solutions" else 0)
    assert f"Points {total:g}/{results['max_score']:g}" in done.stdout
    assert {t["status"] for t in results["tests"]} == ({"pass"} if learner == "solutions" else {"fail"})
