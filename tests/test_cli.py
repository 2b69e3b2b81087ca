"""The command line starts fast: a learner runs `rnn-grade check` dozens of times an evening."""
import json
import subprocess
import sys

from autograder.paths import KIT_ROOT

HEAVY = ("torch", "nbformat", "nbgrader", "matplotlib", "pandas", "jupyter_client")


def test_building_the_cli_imports_nothing_heavy():
    # Every subcommand module is imported to build the parser, so each must defer
    # its heavy imports to its run(); torch is imported by the fork server instead.
    code = ("import json, sys; from autograder.cli import build_parser; build_parser(); "
            f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=KIT_ROOT, check=True)
    assert json.loads(done.stdout) == [], f"building the parser imported {done.stdout.strip()}"


def test_version_and_exit_codes_and_wording(tmp_path):
    from autograder.cli import main
    from autograder.commands.check import exit_code, summary
    from autograder.runner.results import CheckResult, SubmissionResult

    done = subprocess.run([sys.executable, "-m", "autograder.cli", "--version"], capture_output=True, text=True,
                          cwd=KIT_ROOT)
    assert done.returncode == 0 and done.stdout.startswith("rnn-grade 0.")

    def result(*statuses):
        return SubmissionResult("me", [CheckResult(f"c{i}", "ex01_rnn_layer", "", 1, float(s == "passed"), False, s)
                                       for i, s in enumerate(statuses)])

    assert (exit_code(result("passed", "passed")), summary(result("passed", "passed"))) == (0, "All 2 checks passed.")
    assert (exit_code(result("passed", "failed")), summary(result("passed", "failed"))) == \
        (1, "1 check of 2 did not pass.")
    assert summary(result("timeout", "not_implemented", "passed")) == "2 checks of 3 did not pass."
    assert exit_code(result("failed", "grader_error")) == 2
    assert "1 of them is a grader error" in summary(result("failed", "grader_error"))
    assert main(["check", str(tmp_path / "absent")]) == 2


def test_the_graders_checks_and_verdicts_import_no_torch():
    # A learner's `rnn-grade check` imports torch in its worker; the grader needs it only to compute a
    # reference answer it has not cached. A check or verdict importing torch would add a second torch
    # import to every run (they once did, for a layer's label).
    code = ("import importlib, json, sys, pathlib; from autograder.paths import CHECKS, PACKAGE\n"
            "import autograder.runner.grade, autograder.commands.check\n"
            "for path in sorted((PACKAGE / 'verdicts').glob('*.py')):\n"
            "    importlib.import_module('autograder.verdicts.' + path.stem)\n"
            "for path in sorted((CHECKS / 'public').glob('test_*.py')):\n"
            "    spec = importlib.util.spec_from_file_location(path.stem, path)\n"
            "    spec.loader.exec_module(importlib.util.module_from_spec(spec))\n"
            f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=KIT_ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "torch" not in json.loads(done.stdout), done.stdout


def test_a_crash_of_the_grader_itself_exits_2_not_1(monkeypatch, capsys):
    """Exit 1 means "a check did not pass" (CI, GitHub Classroom): an exception the grader did not expect
    is its own failure, exit 2, with the traceback and words that do not blame the code graded."""
    from autograder import cli
    from autograder.commands import check

    def broken(args):
        raise KeyError("an internal table")

    monkeypatch.setattr(check, "run", broken)
    assert cli.main(["check", str(KIT_ROOT / "solutions")]) == 2
    err = capsys.readouterr().err
    assert "KeyError: 'an internal table'" in err and "the grader itself failed" in err
    assert "says nothing about the code" in err


def test_a_machine_or_grader_error_no_command_caught_keeps_its_exit_code(monkeypatch, capsys):
    from autograder import cli
    from autograder.commands import check
    from autograder.errors import GraderError, MachineError

    for error, code, words in ((MachineError("no torch here"), 3, "this machine cannot grade"),
                               (GraderError("no reference"), 2, "the grader failed: no reference")):
        def broken(args, error=error):
            raise error
        monkeypatch.setattr(check, "run", broken)
        assert cli.main(["check"]) == code
        assert words in capsys.readouterr().err


def test_check_json_keeps_stdout_for_the_document_alone(tmp_path):
    """Whatever is written while grading (a library's notice through print, a C library on fd 1) goes to
    stderr: a reader of `check --json` (Gradescope, CI, a script) parses stdout whole."""
    script = '''
import os, sys
from autograder import cli
from autograder.runner import grade, portable, reference
from autograder.runner.results import CheckResult, SubmissionResult

def noisy(submission, answers, **kwargs):
    print("a library's notice")
    os.write(1, b"written to fd 1\\n")
    return SubmissionResult("you", [CheckResult("ex01_rnn_layer.x", "ex01_rnn_layer", "", 1, 1, False, "passed",
                                                "")])
grade.grade_submission = noisy
reference.default_reference = lambda: None
portable.start_launcher = lambda limits, isolation, **options: None
sys.exit(cli.main(["check", sys.argv[1], "--json"]))
'''
    done = subprocess.run([sys.executable, "-c", script, str(KIT_ROOT / "solutions")], capture_output=True,
                          text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["score"] == 1
    assert "a library's notice" in done.stderr and "written to fd 1" in done.stderr


def test_a_worker_process_that_cannot_be_started_is_the_machines_failure(monkeypatch, tmp_path, capsys):
    """`rnn-grade check` starts its worker first; a process the OS cannot start (a vanished Python, no
    memory) is "this machine cannot grade" (exit 3), as it was when the preflight started it."""
    from autograder import cli
    from autograder.runner import launcher as launcher_module

    def cannot_start(self):
        raise OSError(12, "Cannot allocate memory")

    monkeypatch.setattr(launcher_module.WorkerLauncher, "start_server", cannot_start)
    monkeypatch.setattr("autograder.runner.portable.PortableLauncher._start_spare", cannot_start)
    (tmp_path / "ex02_forward_pass.py").write_text((KIT_ROOT / "solutions" / "ex02_forward_pass.py").read_text())
    assert cli.main(["check", str(tmp_path), "--exercise", "ex02_forward_pass"]) == 3
    err = capsys.readouterr().err
    assert "this machine cannot grade" in err and "Cannot allocate memory" in err
