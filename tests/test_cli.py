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
