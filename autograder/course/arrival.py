"""When a learner's submission arrived: the ONE place that decides it.

Sources, strongest first:

1. a CSV the instructor gives (``--arrivals file.csv``: ``learner,timestamp``, ISO 8601 with a zone);
2. the platform's own time, when intake read one (``Submission.arrived``: a Blackboard attempt's
   stamp, ...), in ``zip_zone`` when it carries no zone;
3. the submission's own files: the newest ``.py``/``.ipynb`` entry date of the learner's zip, or the
   newest modification time of those files in the learner's folder (a platform's download keeps them).

Zip entry dates carry no time zone (the format stores local wall-clock time); they are read in
``zip_zone`` (the course's ``zip-time-zone``, default the grading machine's zone).

"""
import csv
import functools
import os
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from ..batch.intake import InstructorError

# Files whose times tell when the learner's work arrived: their modules and notebooks (not a readme).
_WORK_SUFFIXES = (".py", ".ipynb")


@dataclass(frozen=True)
class Arrival:
    time: datetime      # aware; None when nothing told it
    source: str         # "arrivals csv", "zip entry", "file time", "intake", "unknown"


def parse_time(text, where="a timestamp"):
    """An ISO 8601 time WITH a zone (``2026-03-01T23:59:00+01:00``, ``...Z``); else an InstructorError."""
    if isinstance(text, datetime):
        value = text
    else:
        try:
            value = datetime.fromisoformat(str(text).strip().replace("Z", "+00:00"))
        except ValueError:
            raise InstructorError(f"{where}: {text!r} is not an ISO 8601 time such as 2026-03-01T23:59:00+01:00") \
                from None
    if value.tzinfo is None:
        raise InstructorError(f"{where}: {text!r} has no time zone; write it like 2026-03-01T23:59:00+01:00")
    return value


def read_arrivals(path):
    """``{learner: aware datetime}`` from a CSV with columns ``learner,timestamp`` (a header row is optional)."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = [row for row in csv.reader(handle) if row and any(cell.strip() for cell in row)]
    except OSError as error:
        raise InstructorError(f"cannot read the arrivals file {path}: {error.strerror or error}") from None
    if rows and [c.strip().lower() for c in rows[0][:2]] == ["learner", "timestamp"]:
        rows = rows[1:]
    arrivals = {}
    for number, row in enumerate(rows, 1):
        if len(row) < 2:
            raise InstructorError(f"{path} row {number}: expected learner,timestamp; got {row!r}")
        arrivals[row[0].strip()] = parse_time(row[1], f"{path} row {number}")
    return arrivals


def arrival_of(submission, arrivals=None, zip_zone=None, class_path=None):
    """The ``Arrival`` of one intake ``Submission`` (its ``label`` names the learner).

    ``class_path``: the SUBMISSIONS path of the batch (a class zip's learners name it only by file name).
    """
    if arrivals and submission.label in arrivals:
        return Arrival(arrivals[submission.label], "arrivals csv")
    given = _intake_time(getattr(submission, "arrived", None), zip_zone)  # the platform's own, when intake read one
    if given is not None:
        return Arrival(given, "intake")
    try:
        found = _from_origin(submission.origin, zip_zone, class_path)
    except (OSError, zipfile.BadZipFile, ValueError, EOFError):
        found = None
    return found or Arrival(None, "unknown")


def _intake_time(value, zone):
    """Intake's arrival (a datetime or ISO text; a time without zone is in ``zone``), or None."""
    if isinstance(value, str) and value.strip():
        try:
            value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=zone or datetime.now().astimezone().tzinfo)


def _from_origin(origin, zip_zone, class_path=None):
    archive, inside = _split_origin(origin)
    path = Path(archive)
    if inside is not None and class_path is not None and Path(class_path).name == archive:
        path = Path(class_path)
    if inside is None and path.is_dir():
        times = [os.lstat(os.path.join(folder, name)).st_mtime
                 for folder, _, names in os.walk(path) for name in names if name.endswith(_WORK_SUFFIXES)]
        return Arrival(datetime.fromtimestamp(max(times)).astimezone(), "file time") if times else None
    stamps = [stamp for name, stamp in _zip_dates(str(path))
              if _inside(name, inside) and PurePosixPath(name).name.endswith(_WORK_SUFFIXES)]
    if inside is not None and inside.lower().endswith(".zip"):  # a learner's zip in the class zip: its own date
        stamps = [stamp for name, stamp in _zip_dates(str(path)) if name.replace("\\", "/") == inside]
    if not stamps:
        return None
    zone = zip_zone or datetime.now().astimezone().tzinfo
    return Arrival(max(stamps).replace(tzinfo=zone), "zip entry")


def _split_origin(origin):
    """``class.zip:alice/`` -> ("class.zip", "alice/"); a plain path -> (path, None) (Windows drives kept)."""
    if len(origin) > 2 and origin[1] == ":" and origin[2] in "\\/":
        head, sep, rest = origin[2:].partition(":")
        return origin[:2] + head, (rest if sep else None)
    head, sep, rest = origin.partition(":")
    return head, (rest if sep else None)


def _inside(name, inside):
    name = name.replace("\\", "/")
    return inside is None or name.startswith(inside) or ("/" + name).endswith("/" + inside)


@functools.lru_cache(maxsize=8)
def _zip_dates(path):
    """(entry name, naive datetime) of every file entry of a zip, read once per archive per run."""
    with zipfile.ZipFile(path) as archive:
        return tuple((info.filename, datetime(*info.date_time)) for info in archive.infolist() if not info.is_dir())
