"""What a batch keeps per learner, written so that an interruption never leaves half a file.

``DIR/<student>/results.json`` and ``DIR/<student>/feedback.txt`` are for the
learner. The full record (every check, hidden ones included, plus the hash of the
learner's files and the kit's fingerprint that ``--resume`` compares) lives apart,
in ``DIR/.rnn-grade/records/<student>.json``, so a learner's folder can be handed
out as it is. The record is written last: it marks the learner as done.

``<student>`` in these paths is the learner's folder id (``intake.assign_names``); the
name as handed in is the record's ``student`` and the results' ``student``.
"""
import hashlib
import json
import os
import tempfile
from pathlib import Path

from ..paths import PACKAGE, SOLUTIONS

RECORDS = Path(".rnn-grade") / "records"
RECORD_VERSION = 1
# The parts of the kit that decide a grade; the batch front end itself (``batch/``,
# ``commands/``, templates) and the course tools (``course/``) only present it and are left out of the fingerprint.
_PRESENTATION = ("batch", "commands", "templates", "course")
_UMASK = os.umask(0)
os.umask(_UMASK)


def write_atomically(path, text):
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.chmod(temporary, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs get the usual permissions
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def kit_fingerprint(settings):
    """A hash of the checks, observers, grading engine and solutions, plus the batch settings that change
    a grade or an output (the selected exercises, withheld hidden checks, limits)."""
    digest = hashlib.sha256()
    files = [p for p in sorted(PACKAGE.rglob("*")) if p.suffix in (".py", ".ini", ".json")
             and "__pycache__" not in p.parts and p.relative_to(PACKAGE).parts[0] not in _PRESENTATION]
    files += sorted(SOLUTIONS.glob("*.py"))
    for path in files:
        digest.update(str(path.relative_to(PACKAGE.parent)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    digest.update(json.dumps(settings, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def record_path(out_dir, student):
    return Path(out_dir) / RECORDS / f"{student}.json"


def learner_files(out_dir, student):
    folder = Path(out_dir) / student
    return folder / "results.json", folder / "feedback.txt"


def load_record(out_dir, student):
    """The stored record of ``student``, or None when absent or unreadable."""
    try:
        record = json.loads(record_path(out_dir, student).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and record.get("version") == RECORD_VERSION else None


def is_current(record, content_hash, fingerprint, out_dir, student, label=None):
    """Whether ``student`` (a folder id) was graded already from these very files by this very kit
    (``--resume``), under the same name as handed in (``label``): a folder id that passed to
    another learner since never hands them the earlier one's grade."""
    return (record is not None and record.get("content_hash") == content_hash
            and (label is None or record.get("student") == label)
            and record.get("fingerprint") == fingerprint
            # A grader error is the kit's failure, not a grade: such a learner is graded again.
            and not any(c.get("status") == "grader_error" for c in record.get("result", {}).get("checks", []))
            and all(path.is_file() for path in learner_files(out_dir, student)))


def save(out_dir, student, record, results_json, feedback_text):
    """Write the learner's outputs, then their record (the marker that they are done)."""
    results_path, feedback_path = learner_files(out_dir, student)
    write_atomically(results_path, json.dumps(results_json, indent=2) + "\n")
    write_atomically(feedback_path, feedback_text)
    record = dict(record, version=RECORD_VERSION)
    write_atomically(record_path(out_dir, student), json.dumps(record, indent=1, sort_keys=True) + "\n")
