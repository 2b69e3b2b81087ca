"""The downloads learning platforms produce: who each learner is, from names and metadata.

Each recogniser turns part of a class (its loose files, its folders) into ``Unit``s: one
learner with their files, the name people read, the platform's id for them and, where
the platform says, when they handed in. Recognised:

* **Canvas** "Download Submissions": one flat folder of ``login[_LATE]_userid_submissionid_file``
  (``doejohn_12345_678_ex01_rnn_layer.py``); a resubmitted file is suffixed ``-1``, ``-2``
  before its extension and the highest number is graded (with a note).
* **Blackboard** "Download Assignment": ``Assignment_username_attempt_YYYY-MM-DD-HH-MM-SS_file``
  plus a ``.txt`` receipt per attempt (``Name: Jane Doe (jdoe)``); the latest attempt is graded.
* **Moodle** "Download all submissions": a folder per learner and plugin,
  ``Full Name_1234_assignsubmission_file_`` (and ``_onlinetext_``); one learner per id.
* **GitHub Classroom**: repository folders ``assignment-username`` sharing the assignment prefix.
* **Gradescope** "Export Submissions": ``submission_metadata.yml`` and ``submission_NNN/`` folders.

Nothing here reads a learner's code: only names, receipts and the metadata file (size-capped).
"""
import re
from dataclasses import dataclass, field

from .entries import Entry
from .reading import read_entry
from .submission import Submission

MAX_METADATA_BYTES = 4 * 1024 * 1024   # a platform's metadata file or receipt

CANVAS = re.compile(r"^(?P<login>[^_]+)(?P<late>_LATE)?_(?P<uid>\d+)_(?P<sid>\d+)_(?P<file>.+)$")
BLACKBOARD = re.compile(r"^(?P<assignment>.+)_(?P<user>[^_]+)_attempt_"
                        r"(?P<stamp>\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d)(?:_(?P<file>.+)|(?P<receipt>\.txt))$")
MOODLE = re.compile(r"^(?P<name>.+)_(?P<id>\d+)_assign(?:submission|feedback)_(?P<plugin>[a-z]+)_?$")
GRADESCOPE_FOLDER = re.compile(r"^submission_(?P<id>\d+)$")
_RESUBMITTED = re.compile(r"^(?P<stem>.+)-(?P<number>\d{1,3})(?P<suffix>\.[^.]+)$")


@dataclass
class Unit:
    """One learner before intake reads their modules."""
    label: str                           # the name people read
    origin: str                          # where the files are, for messages (kept as the learner's origin)
    entries: list                        # the learner's files (Entry), parts relative to their own root
    platform: str = ""
    platform_id: str = ""
    arrived: str = ""
    notes: list = field(default_factory=list)


def _renamed(entry, name):
    """``entry`` as a file named ``name`` at the top of the learner's own folder."""
    return Entry((name,), entry.size, entry.read, entry.symlink, entry.regular, entry.date)


# -- loose files: Canvas and Blackboard ------------------------------------------------------------

def flat_units(files, origin_of, read_zip):
    """``(units, leftovers)`` for the loose files of a class named the Canvas or the Blackboard way.

    ``files``: the class folder's own files (entries); ``origin_of(entry)``: its origin text;
    ``read_zip(entry, notes)``: the entries of a learner's zip. Returns ``([], files)`` when the
    names are neither platform's.
    """
    canvas = [f for f in files if CANVAS.match(f.name)]
    blackboard = [f for f in files if BLACKBOARD.match(f.name)]
    if not canvas and not blackboard:
        return [], files
    if len(blackboard) >= len(canvas):
        return _blackboard(blackboard, origin_of, read_zip), [f for f in files if f not in blackboard]
    return _canvas(canvas, origin_of, read_zip), [f for f in files if f not in canvas]


def _canvas(files, origin_of, read_zip):
    by_user = {}
    for entry in files:
        match = CANVAS.match(entry.name)
        by_user.setdefault(match["uid"], []).append((match, entry))
    units = []
    for uid, found in sorted(by_user.items()):
        login = found[0][0]["login"]
        unit = Unit(label=login, origin=_beside(found[0][1], origin_of, f"{login}_{uid}_*"),
                    entries=[], platform="canvas", platform_id=uid)
        if any(match["late"] for match, _ in found):
            unit.notes.append("Canvas marks this submission LATE")
        uploads = {}
        for match, entry in found:
            name, number = match["file"], 0
            again = _RESUBMITTED.match(name)
            if again:
                name, number = again["stem"] + again["suffix"], int(again["number"])
            uploads.setdefault(name, []).append((number, entry))
        for name, versions in sorted(uploads.items()):
            versions.sort(key=lambda v: v[0])
            number, entry = versions[-1]
            if len(versions) > 1:
                unit.notes.append(f"{name}: graded the latest of {len(versions)} uploads ({entry.name})")
            unit.entries += _learner_files(entry, name, unit, read_zip)
        units.append(unit)
    return units


def _blackboard(files, origin_of, read_zip):
    by_user = {}
    for entry in files:
        match = BLACKBOARD.match(entry.name)
        by_user.setdefault(match["user"], []).append((match, entry))
    units = []
    for user, found in sorted(by_user.items()):
        attempts = sorted({match["stamp"] for match, _ in found})
        latest = attempts[-1]
        unit = Unit(label=user, origin=_beside(found[0][1], origin_of, f"*_{user}_attempt_{latest}*"),
                    entries=[], platform="blackboard", platform_id=user, arrived=_stamp(latest))
        if len(attempts) > 1:
            unit.notes.append(f"graded the latest of {len(attempts)} attempts ({_stamp(latest).replace('T', ' ')}; "
                              f"earlier: {', '.join(_stamp(a).replace('T', ' ') for a in attempts[:-1])})")
        for match, entry in found:
            if match["stamp"] != latest:
                continue
            if match["receipt"]:
                name = _receipt_name(entry, unit)
                unit.label = name or unit.label
            else:
                unit.entries += _learner_files(entry, match["file"], unit, read_zip)
        units.append(unit)
    return units


def _beside(entry, origin_of, pattern):
    """The origin of a learner's files: where ``entry`` lies, with the learner's file-name pattern."""
    where = origin_of(entry)
    return where[:len(where) - len(entry.name)] + pattern


def _stamp(text):
    date, hours = text[:10], text[11:].replace("-", ":")
    return f"{date}T{hours}"


def _receipt_name(entry, unit):
    """The learner's full name in a Blackboard receipt (``Name: Jane Doe (jdoe)``), or None."""
    holder = Submission("", "")
    data = read_entry(holder, entry, MAX_METADATA_BYTES, lambda name, size: f"{name} is too large to read")
    if data is None:
        return None
    match = re.search(r"^Name:\s*(?P<name>.+?)\s*(?:\((?P<user>[^()]*)\))?\s*$",
                      data.decode("utf-8", "replace"), re.MULTILINE)
    return match["name"] if match and match["name"] else None


def _learner_files(entry, name, unit, read_zip):
    """A learner's file (as ``name``, the name they gave it), or the files of their zip."""
    if name.lower().endswith(".zip"):
        return read_zip(entry, unit.notes) or []
    return [_renamed(entry, name)]


# -- folders: Moodle, GitHub Classroom, Gradescope ------------------------------------------------

def relabel_folders(names):
    """``{folder name: (label, platform, platform id)}`` for learner folders named by a platform, or {}."""
    moodle = {name: MOODLE.match(name) for name in names}
    if names and all(moodle.values()):
        return {name: (match["name"].strip(), "moodle", match["id"]) for name, match in moodle.items()}
    prefix = _classroom_prefix(names)
    if prefix:
        return {name: (name[len(prefix):], "github-classroom", name[len(prefix):]) for name in names}
    return {}


def moodle_groups(names):
    """Moodle folders of the same learner (their file and online-text submissions) grouped by id."""
    groups = {}
    for name in names:
        match = MOODLE.match(name)
        groups.setdefault(match["id"] if match else name, []).append(name)
    return groups


def _classroom_prefix(names):
    """The assignment prefix all folders share (``rnn-hw1-``), when they are GitHub Classroom repositories."""
    if len(names) < 2:
        return None
    first, last = min(names), max(names)
    common = first[:next((i for i, (a, b) in enumerate(zip(first, last)) if a != b), min(len(first), len(last)))]
    prefix = common[:common.rfind("-") + 1]
    if len(prefix) < 4 or any(len(name) <= len(prefix) for name in names):
        return None
    # "anna-lee" and "anna-smith" are two learners' own names, not repositories of assignment "anna":
    # an assignment prefix has two words at least ("rnn-hw1-"), or is shared by many folders.
    if prefix.count("-") < 2 and len(names) < 5:
        return None
    return prefix


def gradescope_metadata(data):
    """``{folder: (label, id, created_at)}`` from the bytes of a Gradescope ``submission_metadata.yml``.

    Read with PyYAML's safe loader when it is installed, else by a reader of the few lines that
    matter (folder keys, ``:name:``, ``:sid:``, ``:created_at:``).
    """
    text = data.decode("utf-8", "replace")
    try:
        import yaml
    except ImportError:
        yaml = None
    if yaml is not None:
        try:
            loaded = yaml.safe_load(text)
        except yaml.YAMLError:
            loaded = None
        if isinstance(loaded, dict):
            return {str(folder): _gradescope_entry(str(folder), meta) for folder, meta in loaded.items()
                    if isinstance(meta, dict)}
    return _gradescope_lines(text)


def _gradescope_entry(folder, meta):
    submitters = meta.get(":submitters") or meta.get("submitters") or []
    people = [s for s in submitters if isinstance(s, dict)] if isinstance(submitters, list) else []
    names = [str(p.get(":name") or p.get("name") or "").strip() for p in people]
    ids = [str(p.get(":sid") or p.get("sid") or p.get(":email") or "").strip() for p in people]
    created = meta.get(":created_at") or meta.get("created_at") or ""
    return (" & ".join(n for n in names if n) or folder, " & ".join(i for i in ids if i) or folder,
            _iso(created.isoformat() if hasattr(created, "isoformat") else str(created)) if created else "")


def _iso(text):
    """Gradescope's ``2026-12-01 10:30:00.123456000 -08:00`` as ISO 8601 (``2026-12-01T10:30:00-08:00``)."""
    match = re.match(r"^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(?:\.\d+)?\s*(Z|[+-]\d\d:?\d\d)?", text.strip())
    if not match:
        return ""
    zone = match[3] or ""
    if zone and zone != "Z" and ":" not in zone:
        zone = zone[:3] + ":" + zone[3:]
    return f"{match[1]}T{match[2]}{zone}"


def _gradescope_lines(text):
    found, folder, people, created = {}, None, [], ""

    def close():
        if folder is not None:
            found[folder] = _gradescope_entry(folder, {":submitters": people, ":created_at": created})

    for line in text.splitlines():
        top = re.match(r"^(\S[^:]*):\s*$", line)
        if top:
            close()
            folder, people, created = top[1].strip("'\""), [], ""
            continue
        field_ = re.match(r"^\s*(-\s*)?:(?P<key>\w+):\s*(?P<value>.*?)\s*$", line)
        if not field_ or folder is None:
            continue
        key, value = field_["key"], field_["value"].strip("'\"")
        if key == "name":
            people.append({":name": value})
        elif key in ("sid", "email") and people and not people[-1].get(":sid"):
            people[-1][":sid"] = value
        elif key == "created_at" and not created:
            created = value
    close()
    return found


def is_gradescope_export(file_names, folder_names):
    return "submission_metadata.yml" in file_names and folder_names and \
        all(GRADESCOPE_FOLDER.match(name) for name in folder_names)
