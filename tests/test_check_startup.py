"""Issue #29's start-up time of `rnn-grade check`: what makes it quicker must change no result.

``benchmarks/check_startup.py`` measures the time; these tests hold the mechanisms to what they promise:
pyplot imported ahead of the learner's code only when that code imports matplotlib, the same results
either way, ``tight_layout`` a no-op in the plot check however matplotlib arrives, the grader's font list
seeding the sandbox's matplotlib cache."""
import json
import os
import subprocess
import sys

import pytest

from autograder.intake.submission import PLOTTING_IMPORT, Submission
from autograder.paths import EXERCISES, KIT_ROOT, SOLUTIONS


@pytest.mark.parametrize("line, imports", [
    (b"import matplotlib.pyplot as plt", True),
    (b"    from matplotlib import pyplot", True),           # inside plot_weights, as the skeleton suggests
    (b"import numpy as np, seaborn as sns", True),
    (b"\tfrom pylab import *", True),
    (b"# e.g. with plt.subplots(1, n, squeeze=False)", False),  # the skeleton's comment
    (b"    A ``matplotlib.figure.Figure`` with one axes", False),  # its docstring
    (b"x = 1  # import matplotlib later", False),
    (b"important = matplotlib_free = 1", False),
])
def test_a_plotting_import_is_a_line_that_imports_matplotlib(line, imports):
    assert bool(PLOTTING_IMPORT.search(b"import torch\n" + line + b"\n")) is imports


def test_the_skeleton_does_not_import_plotting_and_the_solution_does():
    def submission(folder):
        return Submission("x", str(folder), files={p.name: p.read_bytes() for p in folder.glob("ex0*.py")})

    assert not submission(EXERCISES).imports_plotting()
    assert submission(SOLUTIONS).imports_plotting()


def test_tight_layout_is_a_no_op_when_the_learners_call_imports_matplotlib_and_restored_after(tmp_path):
    """The plot observer's ``no_layout`` (laying out renders every text: most of a plot's cost) acts
    whether matplotlib was imported before the call (a batch's server) or by the learner's call itself
    (``rnn-grade check``, a skeleton-fast server), and leaves matplotlib as it was."""
    script = """
import sys
from autograder.worker.observers.ex01_plots import no_layout
assert "matplotlib" not in sys.modules
calls = []
with no_layout():
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import pyplot
    figure = pyplot.figure()
    figure.tight_layout()
    inside = pyplot.tight_layout.__module__, type(figure).tight_layout.__qualname__
import matplotlib.figure
after = matplotlib.figure.Figure.tight_layout.__qualname__
print(inside[1] != "Figure.tight_layout", after == "Figure.tight_layout",
      not any(type(f).__name__ == "_OnImport" for f in sys.meta_path))
with no_layout():   # now imported: patched directly
    print(matplotlib.figure.Figure.tight_layout.__qualname__ != "Figure.tight_layout")
print(matplotlib.figure.Figure.tight_layout.__qualname__ == "Figure.tight_layout")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path,
                          env=dict(os.environ, PYTHONPATH=str(KIT_ROOT), MPLBACKEND="Agg"), timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "True", "True", "True"], done.stdout


def test_the_grader_s_font_lists_are_found_where_matplotlib_keeps_them_and_seed_a_fresh_cache(tmp_path,
                                                                                              monkeypatch):
    from autograder.runner import sandbox
    from autograder.worker import zygote

    grader_cache = tmp_path / "grader" / "matplotlib"
    grader_cache.mkdir(parents=True)
    (grader_cache / "fontlist-v390.json").write_text('{"old": 1}')
    (grader_cache / "fontlist-v3.11.0.json").write_text('{"new": 1}')
    (grader_cache / "tex.cache").mkdir()   # not a font list: not shown to the sandbox
    monkeypatch.delenv("MPLCONFIGDIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "grader"))
    folder, names = sandbox.font_lists()
    assert (folder, names) == (str(grader_cache), ["fontlist-v3.11.0.json", "fontlist-v390.json"])
    view = sandbox.bwrap_view(tmp_path / "stage")
    for name in names:   # every version: the sandbox's matplotlib reads the one that is its own
        assert view[view.index(str(grader_cache / name)) + 1] == f"{sandbox.SANDBOX_FONT_LISTS}/{name}"

    home = tmp_path / "server-home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CACHE_HOME")
    zygote.seed_font_cache(str(grader_cache))
    seeded = home / ".cache" / "matplotlib"
    assert sorted(p.name for p in seeded.iterdir()) == names
    (seeded / "fontlist-v390.json").write_text('{"its own": 1}')
    zygote.seed_font_cache(str(grader_cache))   # a list already there is matplotlib's own: kept
    assert (seeded / "fontlist-v390.json").read_text() == '{"its own": 1}'
    zygote.seed_font_cache(str(tmp_path / "missing"))   # nothing to seed: nothing happens

    monkeypatch.setenv("MPLCONFIGDIR", str(tmp_path / "none-here"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "nor-here"))
    assert sandbox.font_lists() == (None, [])


@pytest.mark.slow
@pytest.mark.parametrize("isolation", ["auto", "portable"])
def test_check_gives_the_same_json_with_pyplot_imported_ahead_or_not(isolation, tmp_path):
    """``warm_plots`` (pyplot imported by the server or the portable worker before the learner's code)
    is a matter of time only: the filled ex01 gets the same document either way."""
    from autograder.runner import limits, portable
    from autograder.runner.grade import grade_submission
    from autograder.runner.reference import default_reference
    from autograder.runner.results import to_gradescope
    from autograder.intake import read_learner

    submission = read_learner(SOLUTIONS, ["ex01_rnn_layer"])
    assert submission.imports_plotting()
    documents = []
    for warm in (True, False):
        launcher = portable.start_launcher(limits.Limits(), isolation, warm_plots=warm)
        result = grade_submission(submission, default_reference(), exercises=["ex01_rnn_layer"],
                                  limits=limits.Limits(), isolation=isolation, launcher=launcher)
        document = to_gradescope(result)
        document.pop("execution_time", None)
        documents.append(json.dumps(document, sort_keys=True))
    assert documents[0] == documents[1]
    tests = json.loads(documents[0])["tests"]
    assert tests and all(test["score"] == test["max_score"] for test in tests), tests


def test_a_folder_graded_by_path_is_read_first_so_its_plotting_import_is_seen(monkeypatch):
    """The notebook check cell grades a folder by its path: it too gets pyplot ahead (``warm_plots``)."""
    from autograder.runner import grade

    seen = []

    class Recorder:
        def __init__(self, reference, **options):
            seen.append(options["warm_plots"])
            self.launcher = None

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def preflight(self, background=False):
            pass

        def end_preflight(self):
            pass

        def grade(self, submission, student=None):
            seen.append(type(submission).__name__)
            return "graded"

    monkeypatch.setattr(grade, "Grader", Recorder)
    for folder in (SOLUTIONS, EXERCISES):
        assert grade.grade_submission(str(folder), None, exercises=["ex01_rnn_layer"]) == "graded"
    assert seen == [True, "Submission", False, "Submission"]


@pytest.mark.parametrize("isolation", ["plain", "portable"])
def test_check_whose_first_worker_cannot_start_says_the_machine_cannot_grade(isolation, tmp_path):
    """A single grading's preflight forks no worker of its own (``machine.preflight(fork_one=False)``): when
    the learner's own first worker cannot start (here: its folder is missing), ``rnn-grade check`` still
    says "this machine cannot grade" and exits 3, as the preflight's empty worker made it, and does not ask
    whether the learner's code called sys.exit (none of it ran)."""
    script = """
import sys
from autograder.runner import launcher, portable
from autograder import cli
missing = lambda self, staged: ("/nonexistent-rnn-grade-folder", "")
launcher.WorkerLauncher.worker_paths = missing
portable.PortableLauncher.worker_paths = missing
sys.exit(cli.main(["check", sys.argv[1], "--isolation", sys.argv[2], "--exercise", "ex02_forward_pass"]))
"""
    done = subprocess.run([sys.executable, "-c", script, str(SOLUTIONS), isolation], capture_output=True,
                          text=True, cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(KIT_ROOT)), timeout=600)
    assert done.returncode == 3, (done.stdout[-2000:], done.stderr[-2000:])
    assert "this machine cannot grade; nothing was wrong with your code" in done.stderr
    assert "could not start" in done.stderr and "sys.exit" not in done.stderr
