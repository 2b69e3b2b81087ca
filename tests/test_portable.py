"""The portable backend (runner/portable.py) grades as the Linux fork server does, on a Windows-like Python.

``tests/windows_like/sitecustomize.py`` takes away what Windows lacks (fcntl, resource, termios,
pwd, grp, os.fork, AF_UNIX, /proc for the kit); under it ``auto`` must choose the portable backend
and give the same points, statuses and feedback as ``--isolation plain`` on Linux: the solutions,
the skeleton and a fixed sample of the bug banks (``benchmarks/portable_banks.py`` runs them all).
The rest runs ``--isolation portable`` on Linux: prints, endless loops, processes left behind.
"""
import json
import os
import subprocess
import sys

import pytest
from bug_banks import all_mutants, submission_builder

from autograder.paths import EXERCISES, SOLUTIONS
from autograder.runner.grade import Grader
from autograder.runner.limits import Limits

ROOT = SOLUTIONS.parent
HARNESS = ROOT / "tests" / "windows_like"
sys.path.insert(0, str(HARNESS))
from grade_folders import comparable, grade_all  # noqa: E402

pytestmark = pytest.mark.slow  # end to end: minutes (README, "Quick start")

SAMPLE_EVERY = 10   # every 10th mutant of the banks, in their fixed order: 8 of 79, every exercise but ex05
# Read now, at collection: the banks import the tests' conftest by name, which a grading in this
# process later shadows with the checks' own conftest.
SAMPLE = all_mutants()[::SAMPLE_EVERY]


def harness_env():
    return dict(os.environ, RNN_GRADE_WINDOWS_LIKE="1",
                PYTHONPATH=os.pathsep.join([str(HARNESS), str(ROOT)]))


def under_harness(args, timeout=900):
    return subprocess.run([sys.executable, *map(str, args)], cwd=ROOT, env=harness_env(), capture_output=True,
                          text=True, timeout=timeout)


HARNESS_PROBE = """
import json, os, socket, sys
found = {}
for name in ("fcntl", "resource", "termios", "pwd", "grp"):
    try:
        __import__(name)
        found[name] = True
    except ModuleNotFoundError:
        found[name] = False
found["fork"] = hasattr(os, "fork")
found["AF_UNIX"] = hasattr(socket, "AF_UNIX")
from autograder.cli import build_parser
build_parser()
import autograder.commands.check, autograder.exports.inline, autograder.runner.grade, autograder.runner.session
from autograder.runner import cputime, portable
found["kit reads /proc"] = cputime.cpu_seconds(os.getpid()) > 0
found["problem"] = portable.linux_backends_problem()
found["unix modules loaded"] = sorted(m for m in ("fcntl", "resource", "termios", "pwd", "grp") if m in sys.modules)
print(json.dumps(found))
"""


def test_the_harness_is_windows_like_and_check_imports_under_it():
    done = under_harness(["-c", HARNESS_PROBE])
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout)
    assert not any(found[name] for name in ("fcntl", "resource", "termios", "pwd", "grp", "fork", "AF_UNIX")), found
    assert found["kit reads /proc"] is False and found["problem"] == "this Python has no os.fork", found
    assert found["unix modules loaded"] == [], found


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """(jobs, mutants by job): the skeleton and the sampled mutants, each graded on its own exercise."""
    root = tmp_path_factory.mktemp("portable")
    jobs, mutants = [f"{EXERCISES}:"], {}
    for number, mutant in enumerate(SAMPLE):
        folder = mutant.build(submission_builder(root / f"m{number}"))
        job = f"{folder}:{mutant.exercise}"
        jobs.append(job)
        mutants[job] = mutant
    return jobs, mutants


def test_solutions_give_the_same_json_under_the_harness_as_plain_on_linux():
    done = under_harness(["-m", "autograder.cli", "check", SOLUTIONS, "--json"])
    assert done.returncode == 0, done.stderr[-3000:]
    windows_like = json.loads(done.stdout)
    assert "portable backend" in windows_like["output"]   # its protections are stated, as plain mode's are
    linux = grade_all([f"{SOLUTIONS}:"], "plain")[f"{SOLUTIONS}:"]
    assert linux.pop("isolation") == "plain"
    assert comparable(windows_like) == linux
    assert windows_like["score"] == sum(t["max_score"] for t in windows_like["tests"]) > 0


def test_skeleton_and_bug_bank_sample_give_the_same_json(sample):
    jobs, mutants = sample
    done = under_harness([HARNESS / "grade_folders.py", *jobs])
    assert done.returncode == 0, done.stderr[-3000:]
    windows_like = json.loads(done.stdout)
    linux = grade_all(jobs, "plain")
    assert {d.pop("isolation") for d in windows_like.values()} == {"portable"}
    assert {d.pop("isolation") for d in linux.values()} == {"plain"}
    assert windows_like[jobs[0]]["score"] == 0 and windows_like[jobs[0]]["tests"]
    for job, mutant in mutants.items():
        assert windows_like[job] == linux[job], mutant.name
        failing = [t["output"] for t in windows_like[job]["tests"] if t["score"] < t["max_score"]]
        assert any(mutant.phrase in text for text in failing), (mutant.name, failing)
    assert windows_like == linux


# -- the portable backend on this Linux machine ---------------------------------------------------

EX01, EX02 = "ex01_rnn_layer.py", "ex02_forward_pass.py"
# Module-level code in ex02 (ex01's method rules refuse any import but torch's): right after its imports.
LOUD = [("from torch import nn\n", "from torch import nn\n\nprint('{\"id\":1,\"value\":{}}')\nprint('{\"ready\":true}')\n")]
LEFT_BEHIND = [("from torch import nn\n",
                "from torch import nn\nimport subprocess as _subprocess\nimport sys as _sys\n\n"
                "_subprocess.Popen([_sys.executable, '-c', 'import time; time.sleep(600)'])\n")]
ENDLESS = [("    per_direction_bias = 2 * hidden_size if bias else 0",
            "    while True:\n        pass\n    per_direction_bias = 2 * hidden_size if bias else 0")]


@pytest.fixture(scope="module")
def portable_grader(reference):
    with Grader(reference, exercises=["ex02_forward_pass"], isolation="portable",
                limits=Limits(call_seconds=3, submission_seconds=120)) as grader:
        yield grader


def test_prints_that_look_like_answers_change_nothing(portable_grader, make_submission):
    portable_grader.exercises = ["ex02_forward_pass"]
    result = portable_grader.grade(make_submission(edit={EX02: LOUD}))
    assert portable_grader.isolation == "portable"
    assert result.total == result.max_total > 0, [(c.name, c.feedback) for c in result.checks if c.points < c.max_points]
    assert '{"ready":true}' in result.output   # what it printed is kept as its output, never read as an answer


def test_an_endless_loop_is_stopped_by_its_cpu_limit_and_named(portable_grader, make_submission):
    portable_grader.exercises = ["ex01_rnn_layer"]
    result = portable_grader.grade(make_submission(edit={EX01: ENDLESS}))
    lost = {c.name: c.feedback for c in result.checks if c.status != "passed"}
    assert lost and all("count_parameters" in name for name in lost), lost
    for text in lost.values():
        assert "did not finish within 3 s of CPU time" in text and "`while True:`" in text, text


def test_processes_a_learner_leaves_behind_are_killed(portable_grader, make_submission):
    psutil = pytest.importorskip("psutil")
    portable_grader.exercises = ["ex02_forward_pass"]
    result = portable_grader.grade(make_submission(edit={EX02: LEFT_BEHIND}))
    assert result.total == result.max_total, [c.feedback for c in result.checks if c.points < c.max_points]
    # The child wrote its pid into the staged copy's folder, now deleted: find it by its command line.
    lingering = [p for p in psutil.process_iter(["cmdline"]) if p.info["cmdline"] and
                 "import time; time.sleep(600)" in " ".join(p.info["cmdline"])]
    assert not lingering, lingering


def test_a_single_grading_starts_a_second_worker_only_when_it_needs_one(reference, make_submission, monkeypatch):
    """``rnn-grade check`` (``grade_submission``): one worker for ex02; ex06's fresh-process checks get a second
    one when they ask for it, and the same points as ever (no spare imports torch beside the first for nothing)."""
    from autograder.runner.grade import grade_submission
    from autograder.runner.portable import PortableLauncher

    started = []
    original = PortableLauncher._start_spare

    def counted(self):
        started.append(self)
        original(self)

    monkeypatch.setattr(PortableLauncher, "_start_spare", counted)
    for exercise, workers in (("ex02_forward_pass", 1), ("ex06_training", 2)):
        started.clear()
        result = grade_submission(make_submission(name=exercise), reference, exercises=[exercise],
                                  isolation="portable")
        assert result.total == result.max_total > 0, [c.feedback for c in result.checks if c.points < c.max_points]
        assert len(started) == workers, exercise
