"""The learner bundle that ``rnn-grade release --out DIR`` writes.

DIR holds what a learner works with and nothing of the instructor's:

* ``exercises/``: the skeletons, generated from ``solutions/`` as in the kit;
* ``notebooks/``: the same exercises as notebooks that grade themselves;
* ``autograder/``: the grader with the public checks only (see ``package_copy``)
  and ``checks/public_reference.json``, the reference answers recorded by
  grading the solutions with those checks, replayed by ``RecordedReference``;
* ``pyproject.toml`` (package ``autograder``, script ``rnn-grade``), a README that says how to install
  on Linux, macOS, Windows and Colab, and ``.github/workflows/check.yml`` running those commands and
  ``rnn-grade check`` on Ubuntu, Windows and macOS runners.

No file of ``solutions/`` and no hidden check is copied; tests scan the bundle for them.
"""
import shutil
from pathlib import Path

from .. import __version__, generate
from .. import reveal as reveal_levels
from ..exercises import TITLES
from ..paths import SOLUTIONS
from ..runner.reference import save_recording
from . import notebooks
from .errors import ExportError
from .package_copy import copy_package
from .record import available_exercises, record

# The torch every exported environment installs (the bundle's README, Gradescope's setup.sh, the
# Classroom workflow): the version the reference answers are recorded with.
TORCH_VERSION = "2.13.0"

TEMPLATES = Path(__file__).resolve().parent / "templates"
MARKER = ".rnn-grade-export"   # an export folder we may clear and rewrite
CHECK_WORKFLOW = Path(".github/workflows/check.yml")   # `rnn-grade check` on Ubuntu, Windows and macOS runners
CPU_INDEX = "https://download.pytorch.org/whl/cpu"     # torch's CPU-only wheels (Linux and Windows)
GITIGNORE = "__pycache__/\n*.egg-info/\nbuild/\ndist/\n.ipynb_checkpoints/\nrnn-grade-results.json\n"


def check_out(out):
    """Refuse an ``out`` that is a file, or a non-empty folder an earlier export did not write."""
    out = Path(out)
    if out.exists():
        if not out.is_dir():
            raise ExportError(f"{out} exists and is not a folder")
        if any(out.iterdir()) and not (out / MARKER).exists():
            raise ExportError(f"{out} is not empty and was not written by rnn-grade: choose another --out")
    return out


def prepare_out(out):
    """An empty folder at ``out``: created, or cleared if an earlier export wrote it; never someone else's."""
    out = check_out(out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("written by rnn-grade; the next export to this folder replaces it\n")
    return out


def learner_readme(exercises, public_points):
    listing = "\n".join(f"- `{name}`: {TITLES[name]}" for name in exercises)
    return (TEMPLATES / "learner_README.md").read_text(encoding="utf-8").format(
        count=len(exercises), exercise_list=listing, public_points=_number(public_points),
        torch_version=TORCH_VERSION)


def learner_pyproject():
    return (TEMPLATES / "learner_pyproject.toml").read_text(encoding="utf-8").format(version=__version__)


def write_learner_files(out, exercises, recording, reveal=None):
    """Everything of the bundle into the (empty) folder ``out``; ``reveal``: the feedback levels its
    ``rnn-grade check`` uses (autograder/reveal.py; None keeps the kit's own setting)."""
    out = Path(out)
    copy_package(out / "autograder", exercises=exercises)
    if reveal:
        reveal_levels.write(out / "autograder", reveal)
    save_recording(recording.answers, out / "autograder" / "checks" / "public_reference.json")
    skeletons = generate.expected_skeletons(SOLUTIONS)
    (out / "exercises").mkdir()
    for module in exercises:
        (out / "exercises" / f"{module}.py").write_text(skeletons[f"{module}.py"], encoding="utf-8")
    notebooks.write_notebooks(out / "notebooks", exercises)
    public_points = sum(c.max_points for c in recording.result.checks if not c.hidden)
    (out / "README.md").write_text(learner_readme(exercises, public_points), encoding="utf-8")
    (out / "pyproject.toml").write_text(learner_pyproject(), encoding="utf-8")
    (out / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    (out / CHECK_WORKFLOW).parent.mkdir(parents=True, exist_ok=True)
    (out / CHECK_WORKFLOW).write_text(check_workflow(), encoding="utf-8")


def check_workflow():
    """GitHub Actions: the README's install commands and `rnn-grade check` on Ubuntu, Windows and macOS."""
    return (TEMPLATES / "learner_check.yml").read_text(encoding="utf-8").format(torch_version=TORCH_VERSION)


def install_commands(out):
    """The lines ``rnn-grade release`` prints for learners: the README's Linux commands (CPU torch, pinned)."""
    return [f"cd {out}", "python3 -m venv .venv && . .venv/bin/activate",
            f"pip install torch=={TORCH_VERSION} --index-url {CPU_INDEX}", "pip install -e .", "rnn-grade check"]


def build_bundle(out, exercises=None, reveal=None):
    """Write the learner bundle into ``out``; returns the recording (checks and answers) it used."""
    exercises = list(exercises) if exercises else available_exercises()
    check_out(out)
    recording = record(include_hidden=False, exercises=exercises)
    out = prepare_out(out)
    write_learner_files(out, exercises, recording, reveal)
    return recording


def _number(value):
    return int(value) if float(value).is_integer() else value
