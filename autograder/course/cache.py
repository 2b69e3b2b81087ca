"""Incremental grading: each exercise's results cached by what decides them.

An exercise's key is a SHA-256 of

* the exercise's module bytes (and those of any other exercise module its text names, since a
  learner may import their own earlier module), or "absent";
* the kit's version and torch's;
* the exercise's own checks, verdicts and reference solution, plus the shared grading engine
  (every grading file whose name names no exercise): a changed ex02 check changes ex02's key
  only, a changed engine every key;
* the settings that change a result (limits, isolation, feedback levels).

So an unchanged learner is not graded again, a resubmission regrades only the exercises whose
modules changed, and a changed check regrades that exercise for every learner. Entries live in
``DIR/.rnn-grade/cache/<key[:2]>/<key>.json``; an entry with a grader error is never stored.
"""
import hashlib
import json
import os
import re
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from ..exercises import MODULES
from ..paths import PACKAGE, SOLUTIONS
from ..runner.results import SubmissionResult

FOLDER = Path(".rnn-grade") / "cache"
# Parts of the kit that only present grades (and this package): outside every key.
_PRESENTATION = ("batch", "commands", "templates", "course", "exports")
_NUMBER = re.compile(r"ex0(\d)")


def _version(package):
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


@lru_cache(maxsize=1)
def exercise_fingerprints():
    """{exercise module: digest of its own grading files + the shared engine + versions}."""
    shared = hashlib.sha256(f"rnn-grade {_version('rnn-grade')} torch {_version('torch')}".encode())
    own = {m: hashlib.sha256() for m in MODULES}
    files = [p for p in sorted(PACKAGE.rglob("*")) if p.suffix in (".py", ".ini", ".json") and p.is_file()
             and "__pycache__" not in p.parts and p.relative_to(PACKAGE).parts[0] not in _PRESENTATION]
    files += sorted(SOLUTIONS.glob("*.py"))
    for path in files:
        line = str(path.relative_to(PACKAGE.parent)).encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest()
        match = _NUMBER.search(path.name)
        owner = next((m for m in MODULES if match and m.startswith(f"ex0{match.group(1)}")), None)
        (own[owner] if owner else shared).update(line)
    shared = shared.hexdigest()
    return {m: hashlib.sha256((shared + own[m].hexdigest()).encode()).hexdigest() for m in MODULES}


def keys_for(files, settings, exercises):
    """{exercise: cache key} for a learner's module files ({file name: bytes})."""
    fingerprints = exercise_fingerprints()
    setting_text = json.dumps({k: settings.get(k) for k in ("limits", "isolation", "reveal")},
                              sort_keys=True, default=str)
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    keys = {}
    for module in exercises:
        name = f"{module}.py"
        text = files.get(name, b"")
        used = [name] + [f"{m}.py" for m in MODULES if m != module and m.encode() in text]
        parts = [f"{n}={digests.get(n, 'absent')}" for n in used]
        keys[module] = hashlib.sha256("\0".join([module, fingerprints[module], setting_text] + parts)
                                      .encode()).hexdigest()
    return keys


def _path(out, key):
    return Path(out) / FOLDER / key[:2] / f"{key}.json"


def load(out, keys):
    """{exercise: cached entry} for the keys found."""
    found = {}
    for module, key in keys.items():
        try:
            entry = json.loads(_path(out, key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(entry, dict) and entry.get("key") == key:
            found[module] = entry
    return found


def save(out, keys, data):
    """Store each graded exercise of ``data`` (a result dict) under its key, unless the run failed."""
    checks = data.get("checks", [])
    if any(c.get("exercise") not in MODULES or c.get("status") == "grader_error" for c in checks):
        return
    for module, key in keys.items():
        mine = [c for c in checks if c["exercise"] == module]
        # A note that names one exercise belongs to it; others (an isolation warning) to every exercise.
        notes = [n for n in data.get("notes", []) if module in n or not any(m in n for m in MODULES)]
        entry = {"key": key, "exercise": module, "checks": mine, "notes": notes}
        path = _path(out, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{key}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(entry), encoding="utf-8")
        os.replace(temporary, path)


def merge(student, cached, graded=None, exercises=()):
    """One result dict from cached entries and a fresh partial grading (``graded``, a result dict or None).

    Checks are put in the order a full grading gives (exercise by exercise, each in its graded order).
    """
    checks, notes, output, seconds = [], [], "", 0.0
    if graded:
        checks += graded.get("checks", [])
        notes += graded.get("notes", [])
        output, seconds = graded.get("output", ""), graded.get("seconds", 0.0)
    for module in exercises:
        if module in cached:
            checks += cached[module]["checks"]
            notes += cached[module]["notes"]
    order = {m: i for i, m in enumerate(MODULES)}
    position = {id(c): i for i, c in enumerate(checks)}
    checks.sort(key=lambda c: (order.get(c.get("exercise"), 99), position[id(c)]))
    data = dict(graded or {}, student=student, checks=checks, notes=list(dict.fromkeys(notes)),
                output=output, seconds=seconds)
    return data


class Plan:
    """What an incremental batch grades: per learner, the exercises whose cached results are missing."""

    def __init__(self, out, settings):
        self.out, self.settings = out, settings
        self.exercises = list(settings.get("exercises") or MODULES)
        self.keys, self.cached, self.subsets = {}, {}, {}
        self.reused_exercises = self.graded_exercises = 0

    def split(self, pending):
        """(fully cached [(submission, content_hash, SubmissionResult)], still to grade [(submission, content_hash)])."""
        done, todo = [], []
        for submission, content_hash in pending:
            keys = keys_for(submission.files, self.settings, self.exercises)
            cached = load(self.out, keys)
            self.keys[submission.name], self.cached[submission.name] = keys, cached
            missing = [m for m in self.exercises if m not in cached]
            self.reused_exercises += len(self.exercises) - len(missing)
            if not missing:
                merged = merge(submission.label, cached, None, self.exercises)
                done.append((submission, content_hash, SubmissionResult.from_dict(merged)))
            else:
                self.graded_exercises += len(missing)
                self.subsets[submission.name] = missing if len(missing) < len(self.exercises) else None
                todo.append((submission, content_hash))
        return done, todo

    def subset(self, submission):
        """The exercises to grade for ``submission`` (None: all the batch's)."""
        return self.subsets.get(submission.name)

    def complete(self, submission, result):
        """Cache what was just graded and add what was cached: the learner's whole SubmissionResult."""
        data = result.to_dict()
        keys = self.keys.get(submission.name, {})
        # What this grading covered: its subset, or every exercise (a cluster grades a learner whole).
        covered = {c.get("exercise") for c in data.get("checks", [])}
        graded = [m for m in self.exercises if m in covered] or (self.subsets.get(submission.name) or self.exercises)
        save(self.out, {m: keys[m] for m in graded if m in keys}, data)
        cached = {m: e for m, e in self.cached.get(submission.name, {}).items() if m not in graded}
        if not cached:
            return result
        whole = SubmissionResult.from_dict(merge(submission.label, cached, data, self.exercises))
        whole.isolation_warning = result.isolation_warning
        return whole
