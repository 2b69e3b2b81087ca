"""The Gradescope autograder zip that ``rnn-grade export gradescope --out DIR`` writes.

Gradescope unpacks the zip in ``/autograder/source``, runs ``setup.sh`` once to
build its image, then ``run_autograder`` for every submission (the learner's
files in ``/autograder/submission``; ``/autograder/results/results.json`` read
back). The zip holds:

* ``setup.sh``, ``run_autograder`` (templates in ``templates/``);
* ``kit/``: the grader with public AND hidden checks (``package_copy``) and a
  ``pyproject.toml`` to install it;
* ``reference.json``: reference answers for every check, recorded from the
  solutions, so that the solutions themselves never ship;
* ``gradescope.json``: the exercises graded and the hidden checks' visibility.

Entries are written in a fixed order with fixed dates: the same kit gives the same zip.
"""
import json
import zipfile
from pathlib import Path

from ..exercises import TITLES
from ..paths import PACKAGE
from ..reveal import validated
from .bundle import TORCH_VERSION, check_out, learner_pyproject, prepare_out
from .package_copy import EXPORT_RUNTIMES, shipped_files
from .record import available_exercises, record

TEMPLATES = Path(__file__).resolve().parent / "templates"
VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
ZIP_DATE = (2020, 1, 1, 0, 0, 0)
RUNTIMES = EXPORT_RUNTIMES | {"gradescope_run.py"}


def zip_entries(exercises, recording, hidden_visibility, reveal=None):
    """{path in the zip: (bytes, executable)} in the order they are written."""
    entries = {
        "setup.sh": (_template("gradescope_setup.sh").encode(), True),
        "run_autograder": (_template("gradescope_run_autograder").encode(), True),
        "gradescope.json": (json.dumps({"exercises": list(exercises), "hidden_visibility": hidden_visibility},
                                       indent=2).encode(), False),
        "reference.json": (json.dumps(recording.answers, sort_keys=True, separators=(",", ":")).encode(), False),
        "kit/pyproject.toml": (learner_pyproject().replace('"rnn-grade-exercises"', '"rnn-grade-autograder"')
                               .encode(), False),
        "kit/README.md": (b"The rnn-grade grader with public and hidden checks, for Gradescope.\n", False),
    }
    for rel in shipped_files(include_hidden=True, export_runtimes=RUNTIMES, exercises=exercises):
        entries[f"kit/autograder/{rel.as_posix()}"] = ((PACKAGE / rel).read_bytes(), False)
    if reveal:  # the feedback levels run_autograder's grader uses (autograder/reveal.py)
        entries["kit/autograder/checks/reveal.json"] = (json.dumps(validated(reveal), indent=2).encode(), False)
    return entries


def write_zip(path, entries):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, (data, executable) in entries.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o100755 if executable else 0o100644) << 16
            archive.writestr(info, data)


def build_gradescope(out, exercises=None, hidden_visibility="after_published", reveal=None):
    """Write ``out/autograder.zip`` and ``out/README.md``; returns the recording (checks and answers)."""
    if hidden_visibility not in VISIBILITIES:
        raise ValueError(f"hidden_visibility must be one of {VISIBILITIES}")
    exercises = list(exercises) if exercises else available_exercises()
    check_out(out)
    recording = record(include_hidden=True, exercises=exercises)
    out = prepare_out(out)
    write_zip(out / "autograder.zip", zip_entries(exercises, recording, hidden_visibility, reveal))
    points = f"{recording.result.max_total:g} ({sum(c.max_points for c in recording.result.checks if c.hidden):g} " \
             f"in hidden checks)"
    (out / "README.md").write_text(_template("gradescope_README.md").format(
        torch_version=TORCH_VERSION, hidden_visibility=hidden_visibility, points=points,
        exercises=", ".join(f"`{e}` ({TITLES[e]})" for e in exercises)), encoding="utf-8")
    return recording


def _template(name):
    return (TEMPLATES / name).read_text(encoding="utf-8").replace("{torch_version}", TORCH_VERSION)
