"""The GitHub Classroom template repository that ``rnn-grade export classroom --out DIR`` writes.

It is the learner bundle (``bundle``: skeletons, notebooks, the grader with the
public checks and their recorded answers) plus what makes every push show the
learner's points:

* ``.github/workflows/classroom.yml``: installs the grader, runs
  ``rnn-grade check exercises --json`` and hands the results to GitHub
  Classroom's grading reporter;
* ``.github/classroom/report_points.py``: turns our results into the
  reporter's format (standard library only).

Hidden checks cannot run here (the repository is the learner's), so the
points are the public checks'; grade the hidden ones with ``rnn-grade batch``.
"""
from pathlib import Path

from .bundle import TORCH_VERSION, check_out, prepare_out, write_learner_files
from .record import available_exercises, record

TEMPLATES = Path(__file__).resolve().parent / "templates"
WORKFLOW = Path(".github/workflows/classroom.yml")
REPORTER = Path(".github/classroom/report_points.py")


def workflow_text():
    return (TEMPLATES / "classroom.yml").read_text(encoding="utf-8").format(torch_version=TORCH_VERSION)


def build_classroom(out, exercises=None, reveal=None):
    """Write the template repository into ``out``; returns the recording of the public checks."""
    exercises = list(exercises) if exercises else available_exercises()
    check_out(out)
    recording = record(include_hidden=False, exercises=exercises)
    out = prepare_out(out)
    write_learner_files(out, exercises, recording, reveal)
    for path, text in ((WORKFLOW, workflow_text()),
                       (REPORTER, (TEMPLATES / "report_points.py").read_text(encoding="utf-8"))):
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_text(text, encoding="utf-8")
    return recording
