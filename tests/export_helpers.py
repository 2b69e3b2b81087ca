"""Helpers for the export tests: what must never leave the instructor's kit, and how to find it."""
import ast
import json
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

from autograder import generate
from autograder.paths import HIDDEN_CHECKS, PACKAGE, SOLUTIONS

ROOT = Path(__file__).resolve().parent.parent


# A line made only of these says nothing about an answer (e.g. ``super().__init__()``).
GENERIC_WORDS = {"super", "__init__", "self", "return", "pass", "None", "True", "False", "else", "elif", "if",
                 "for", "in", "not", "and", "or", "is", "raise", "try", "except"}


def solution_secrets(solutions_dir=SOLUTIONS):
    """Distinctive code lines between the solution markers: what only the solutions hold."""
    secrets = set()
    skeletons = generate.expected_skeletons(solutions_dir)
    for path in generate.solution_files(solutions_dir):
        skeleton = skeletons[path.name]
        inside = False
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if "BEGIN SOLUTION" in stripped:
                inside = True
            elif "END SOLUTION" in stripped:
                inside = False
            elif inside and len(stripped) >= 16 and not stripped.startswith("#") and stripped not in skeleton \
                    and not set(re.findall(r"[A-Za-z_]\w*", stripped)) <= GENERIC_WORDS:
                secrets.add(stripped)
    return secrets


def hidden_secrets(hidden_dir=HIDDEN_CHECKS, package=PACKAGE):
    """Names of hidden checks and distinctive lines of their files that no other file of the grader shares."""
    hidden_dir, package = Path(hidden_dir), Path(package)
    if not hidden_dir.is_dir():
        return set()
    public_text = "\n".join(p.read_text(encoding="utf-8") for p in package.rglob("*.py")
                            if hidden_dir.resolve() not in p.resolve().parents)
    secrets = set()
    for path in hidden_dir.rglob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            name = re.match(r"def (test_\w+)", stripped)
            if name and f"def {name[1]}(" not in public_text:
                secrets.add(name[1])
            elif len(stripped) >= 30 and not stripped.startswith("#") and stripped not in public_text:
                secrets.add(stripped)
    return secrets


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def file_texts(path):
    """The texts a file shows: its bytes decoded, plus every string inside when it is JSON (notebooks)."""
    data = Path(path).read_bytes()
    texts = [data.decode("utf-8", "ignore")]
    if Path(path).suffix in (".json", ".ipynb"):
        try:
            texts.extend(_strings(json.loads(data)))
        except ValueError:
            pass
    return texts


def find_leaks(folder, secrets):
    """{relative file: [secrets it contains]} for every file under ``folder``."""
    folder = Path(folder)
    leaks = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            texts = file_texts(path)
            found = sorted(s for s in secrets if any(s in text for text in texts))
            if found:
                leaks[str(path.relative_to(folder))] = found
    return leaks


def without_docstrings(tree):
    """The module's AST dump with docstrings removed (the notebook shows them as text, not only as code)."""
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(getattr(body[0], "value", None), ast.Constant) and isinstance(body[0].value.value, str):
            node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree)


def copy_solutions(dest):
    shutil.copytree(SOLUTIONS, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return Path(dest)


def make_venv(path, package):
    """A virtual environment that reuses this machine's packages (torch) with ``package`` installed editable.

    The venv has no pip of its own: the machine's pip and setuptools (seen through
    --system-site-packages) install the package, quickly and offline.
    """
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(path)
    python = Path(path) / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--disable-pip-version-check", "-e", str(package)], check=True, capture_output=True)
    return python


def clean_env(**extra):
    """An environment for child processes without this worktree on the import path."""
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(extra)
    return env


def run_json(command, cwd, env=None, timeout=300, code=0):
    """The JSON a command prints; ``code``: its exit status (`rnn-grade check` exits 1 when a check failed)."""
    done = subprocess.run(command, cwd=cwd, env=env or clean_env(), capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == code, f"{command} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return json.loads(done.stdout)


PYTHON = sys.executable
