"""Grade a notebook's code with the kit's checks, from inside the notebook.

The generated notebooks (learners' and nbgrader's) hold an exercise module cut
into code cells; the first line of each is a tag such as
``# %% ex02_forward_pass.py, part 2 of 6``. The cells the kernel has run are in
IPython's input history, so the latest run of every tagged part, put back in
order, is the module exactly as the kernel knows it, whatever scratch cells
the learner ran in between. That module is written to a fresh folder and
graded by the ordinary grader, in a separate process so that the grader's
reference imports and caches never mix with the learner's kernel.

* ``check(module)`` (learners' notebooks) prints the per-exercise table.
* ``require(check_name)`` (nbgrader's graded test cells) raises
  ``AssertionError`` with the check's feedback unless that check passed, so
  nbgrader awards exactly the points our grader does. One grading per version
  of the code serves every test cell of the notebook.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from .. import notebook_source
from ..intake import helper_modules
from ..notebook_source import TAG, NotebookCodeMissing, cell_tag  # noqa: F401  (this module's API)

GRADING_SECONDS = 600
# Importing this module (the notebooks' first cell does) lets exercises import each other's notebooks.
notebook_source.install_notebook_imports()
_RESULTS = {}  # (module, hidden, sources) -> grading result: test cells share one grading


def module_source(module, history):
    """The text of ``module`` from the latest run of each of its tagged cells in ``history``."""
    return assemble(module, history)[0]


def assemble(module, history):
    """(module text, first line of each part in it) from the latest run of each tagged cell."""
    return notebook_source.assemble(module, history, where="among the cells run in this kernel (run every "
                                                            "cell above this one: Run > Run All Cells)", history=True)


def cell_locations(text, module, starts, count=None):
    """``text`` with "<module>.py line N" turned into the notebook cell and line it points at."""
    count = count or len(starts)

    def where(match):
        line = int(match["line"])
        part = max([n for n, start in enumerate(starts, 1) if start <= line] or [1])
        return f"the cell \"{module}.py, part {part} of {count}\", line {line - starts[part - 1] + 1}"
    return re.sub(rf"{re.escape(module)}\.py line (?P<line>\d+)", where, text)


def _history():
    try:
        from IPython import get_ipython
    except ImportError:
        get_ipython = None
    shell = get_ipython() if get_ipython else None
    if shell is None:
        raise NotebookCodeMissing("this helper grades the cells of a running notebook; outside a notebook "
                                  "use `rnn-grade check`")
    return list(shell.user_ns.get("In", []))


def _sibling_modules(module):
    """{file name: text} of the other exercise modules, as the grader would see them next to this one.

    ex06 may import ex03 (``from ex03_rnnnet import sequence_mse``). What the kernel imported
    counts first (a .py file, or a notebook through ``notebook_source.install_notebook_imports``),
    then the exercise files in the notebook's folder, a .py file before a notebook as in a batch.
    """
    files = {}
    for name, loaded in list(sys.modules.items()):
        path = getattr(loaded, "__file__", None)
        if name == module or not re.fullmatch(r"ex\d\d_\w+", name) or not path:
            continue
        try:
            if path.endswith(".py"):
                files[f"{name}.py"] = Path(path).read_text(encoding="utf-8")
            elif path.endswith(".ipynb"):
                files[f"{name}.py"] = notebook_source.module_source(
                    name, notebook_source.code_cells(Path(path).read_bytes()))
        except (OSError, ValueError, NotebookCodeMissing):
            pass
    folder = Path.cwd()
    for name in notebook_source.MODULES:
        path = folder / f"{name}.py"
        if name != module and f"{name}.py" not in files and path.is_file():
            try:
                files[f"{name}.py"] = path.read_text(encoding="utf-8")
            except (OSError, ValueError):
                pass
    others = [m for m in notebook_source.MODULES if m != module and f"{m}.py" not in files]
    made, _ = notebook_source.folder_modules(folder, others)
    files.update({f"{name}.py": text for name, text in made.items()})
    # Helper modules beside the notebook (rnn_helpers.py), by the intake's rules: every front end grades them.
    for name, data in helper_modules(folder).items():
        files.setdefault(name, data.decode("utf-8", "replace"))
    return files


def grade_notebook(module, include_hidden=False, history=None, reveal=None):
    """The grading result (``SubmissionResult.to_dict()`` plus ``table``) of the notebook's ``module``.

    ``reveal``: the feedback levels (autograder/reveal.py), e.g. {"public": "full", "hidden": "concept"}.
    """
    history = _history() if history is None else history
    files = _sibling_modules(module)
    files[f"{module}.py"], starts = assemble(module, history)
    key = (module, include_hidden, tuple(sorted((reveal or {}).items())), tuple(sorted(files.items())))
    if key not in _RESULTS:
        graded = _grade_files(files, module, include_hidden, reveal)
        # Feedback points at lines of the module put together; a notebook's learner needs the cell.
        graded["table"] = cell_locations(graded["table"], module, starts)
        for found in graded["checks"]:
            found["feedback"] = cell_locations(found["feedback"], module, starts)
        _RESULTS[key] = graded
    # Names the graded code takes from scratch cells: the kernel has them, the grader does not.
    return dict(_RESULTS[key], scratch_notes=notebook_source.scratch_name_notes(module, files[f"{module}.py"],
                                                                                 history, history=True))


def _grade_files(files, module, include_hidden, reveal=None):
    kit_root = Path(__file__).resolve().parents[2]   # the folder holding this `autograder` package
    with tempfile.TemporaryDirectory(prefix="rnn-grade-notebook-") as tmp:
        folder = Path(tmp) / "submission"
        folder.mkdir()
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
        out = Path(tmp) / "result.json"
        command = [sys.executable, "-m", "autograder.exports.inline", str(folder), "--exercise", module,
                   "--out", str(out)] + (["--hidden"] if include_hidden else [])
        for side, level in sorted((reveal or {}).items()):
            command += [f"--reveal-{side}", level]
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(kit_root)] + [p for p in os.environ.get(
            "PYTHONPATH", "").split(os.pathsep) if p]))
        done = subprocess.run(command, cwd=str(kit_root), env=env, capture_output=True, text=True,
                              timeout=GRADING_SECONDS)
        if done.returncode != 0 or not out.exists():
            raise RuntimeError("the grader could not run (not your code's fault; tell your instructor):\n"
                               + (done.stderr or done.stdout)[-2000:])
        return json.loads(out.read_text(encoding="utf-8"))


def check(module):
    """Print the public checks' table for the notebook's ``module`` (learners' notebooks)."""
    try:
        graded = grade_notebook(module)
    except NotebookCodeMissing as missing:
        print(f"Not graded: {missing}")
        return None
    for note in graded["scratch_notes"]:
        print(f"Note: {note}\n")
    print(graded["table"])
    return graded["total"], graded["max_total"]


def require(check_name, reveal=None):
    """Pass silently when the check ``check_name`` passes on this notebook's code, else raise its feedback.

    ``check_name`` is our check's name (``ex02_forward_pass.init_hidden_notebook``,
    ``ex02_forward_pass.hidden....``); hidden checks are run where they exist.
    """
    module = check_name.split(".", 1)[0]
    graded = grade_notebook(module, include_hidden=True, reveal=reveal)
    for found in graded["checks"]:
        if found["name"] == check_name:
            break
    else:
        raise AssertionError(f"the grader has no check named {check_name}: this notebook and the installed "
                             f"rnn-grade kit do not match (tell your instructor)")
    points = found["max_points"]
    if found["status"] != "passed":
        notes = "".join(f"\nNote: {note}" for note in graded["scratch_notes"])
        raise AssertionError(f"{check_name} ({_number(points)} points): {found['title']}\n{found['feedback']}{notes}")
    print(f"passed: {found['title']} ({_number(points)} points)")


def _number(value):
    return int(value) if float(value).is_integer() else value


def main(argv=None):
    """Grade a folder for ``_grade_files`` (run in a child process, never in the notebook's kernel)."""
    from ..reveal import add_arguments as add_reveal_arguments
    parser = argparse.ArgumentParser(prog="python -m autograder.exports.inline")
    parser.add_argument("folder")
    parser.add_argument("--exercise", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--hidden", action="store_true")
    add_reveal_arguments(parser)
    args = parser.parse_args(argv)

    from ..runner.reference import default_reference
    from ..reveal import from_args as reveal_from_args
    from ..paths import HIDDEN_CHECKS
    from ..runner.grade import grade_submission
    from ..runner.results import render_table

    include_hidden = args.hidden and HIDDEN_CHECKS.is_dir()
    result = grade_submission(args.folder, default_reference(), include_hidden=include_hidden,
                              exercises=[args.exercise], student="notebook", reveal=reveal_from_args(args),
                              own_check=True)
    document = dict(result.to_dict(), table=render_table(result))
    Path(args.out).write_text(json.dumps(document), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
