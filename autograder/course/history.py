"""The submission history: every graded submission, kept as evidence, in an append-only log.

Beside the gradebook, in ``DIR/.rnn-grade/``:

* ``history.jsonl``: one JSON object a line, appended, never rewritten: the learner (name as
  handed in), their folder id, where it came from, the hash of what was graded (``content_hash``,
  as ``--resume`` computes it), each module's own SHA-256, the arrival time and its source, when it
  was recorded, the kit fingerprint it was graded with, and its points per exercise.
* ``submissions/<sha256[:2]>/<sha256>``: each module's bytes, stored once by their SHA-256 (a
  resubmission that changes one module adds one file).

The same submission (learner, content, arrival) graded by the same kit with the same result is not
logged twice; graded by another kit, or again after a grader error, it is logged again and its latest
grading counts.
"""
import hashlib
import json
import os
from datetime import datetime, timezone
from pathlib import Path

from ..exercises import MODULES

FOLDER = Path(".rnn-grade")
LOG = FOLDER / "history.jsonl"
BLOBS = FOLDER / "submissions"


def blob_path(out, digest):
    return Path(out) / BLOBS / digest[:2] / digest


def store_files(out, files):
    """Keep each module's bytes by their SHA-256; returns {file name: sha256}."""
    hashes = {}
    for name, data in sorted(files.items()):
        digest = hashlib.sha256(data).hexdigest()
        path = blob_path(out, digest)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f".{digest}.{os.getpid()}.tmp")
            temporary.write_bytes(data)
            os.replace(temporary, path)
        hashes[name] = digest
    return hashes


def read_files(out, hashes):
    """The module bytes of a logged submission ({file name: bytes})."""
    return {name: blob_path(out, digest).read_bytes() for name, digest in hashes.items()}


def entry_for(submission, content_hash, arrival, fingerprint, result, out):
    """One log line for a graded ``submission`` (intake's) with its ``result`` (a SubmissionResult)."""
    table = result.by_exercise()
    return {
        "learner": submission.label, "folder": submission.name, "origin": submission.origin,
        "content_hash": content_hash, "files": store_files(out, submission.files),
        "arrival": arrival.time.astimezone(timezone.utc).isoformat() if arrival.time else None,
        "arrival_source": arrival.source,
        "recorded": datetime.now(timezone.utc).isoformat(timespec="seconds"), "fingerprint": fingerprint,
        "exercises": {m: [table[m][0], table[m][1]] for m in MODULES if m in table},
        "grader_error": bool(result.grader_errors()),
    }


def load(out):
    """Every logged entry, oldest first (a torn last line, from a crash while appending, is skipped)."""
    try:
        lines = (Path(out) / LOG).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    entries = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and "learner" in entry:
            entries.append(entry)
    return entries


def append(out, entries):
    """Add ``entries`` not already logged (same learner, content, arrival, kit and result)."""
    known = {_identity(e) for e in load(out)}
    fresh = [e for e in entries if _identity(e) not in known]
    if not fresh:
        return 0
    path = Path(out) / LOG
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(e, sort_keys=True, ensure_ascii=False) + "\n" for e in fresh)
    if path.exists() and path.stat().st_size:
        with open(path, "rb") as handle:
            handle.seek(-1, os.SEEK_END)
            if handle.read(1) != b"\n":
                text = "\n" + text  # after a torn last line: start on a line of our own
    # One write of whole lines in append mode: an interruption leaves at most one torn last line.
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    return len(fresh)


def _identity(entry):
    # The result is part of it: a regrade after a grader error (same files, same kit) is logged.
    return (entry["learner"], entry["content_hash"], entry.get("arrival"), entry.get("fingerprint"),
            entry.get("grader_error"), json.dumps(entry.get("exercises"), sort_keys=True))


def latest_gradings(entries):
    """One entry per (learner, content): its latest grading (a regrade by a newer kit, or by ``--resume``
    after a grader error, wins), dated by the EARLIEST known arrival of those bytes (a later download
    holding the same files does not make them late). A grading that failed stays visible until
    regraded: the batch said so (exit 3), and a learner never drops out of the gradebook for it."""
    chosen = {}
    for entry in entries:
        key = (entry["learner"], entry["content_hash"])
        earlier = chosen.get(key)
        known = [a for a in (earlier and earlier.get("arrival"), entry.get("arrival")) if a]
        chosen[key] = dict(entry, arrival=min(known, key=datetime.fromisoformat) if known else None)
    return list(chosen.values())


def latest_files(out):
    """{learner: {file name: bytes}} of each learner's latest logged submission (by arrival, then recording)."""
    latest = {}
    for entry in load(out):
        key = (entry.get("arrival") or "", entry.get("recorded", ""))
        if entry["learner"] not in latest or key >= latest[entry["learner"]][0]:
            latest[entry["learner"]] = (key, entry)
    return {who: read_files(out, entry["files"]) for who, (_, entry) in latest.items()}
