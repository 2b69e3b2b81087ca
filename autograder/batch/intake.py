"""Find the learners in what a course platform delivers, and read their exercise modules.

Accepted layouts (``find_submissions``):

* a folder of learners: each sub-folder is one learner, each ``.zip`` in it is one learner;
* one learner's folder or ``.zip`` (it holds exercise modules itself);
* a ``.zip`` of the whole class, holding learner folders and/or learner ``.zip`` files,
  possibly inside a wrapper folder.

Files are matched by module name (``ex01_rnn_layer.py`` ...) however deep they are
nested; a learner is named after their folder or zip (its stem).

Nothing here ever unpacks an archive to disk: module files are read into memory
(with size limits) and later written, by ``write_copy``, under names the kit chooses
into a folder the kit creates. Entries with ``..`` or an absolute path and symbolic
links are refused with a message; oversized archives (zip bombs) and archives with
too many entries are refused as a whole.
"""
import hashlib
import io
import os
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..exercises import MODULES
from ..notebook_source import NOTEBOOK_FILES
from .notebooks import add_notebook_modules, explained
from .reading import read_entry

MAX_MODULE_BYTES = 1024 * 1024            # one exercise module; real ones are a few kB
MAX_ARCHIVE_ENTRIES = 20_000              # entries in one archive (the class zip included)
MAX_ARCHIVE_BYTES = 1024 ** 3             # declared uncompressed size of one archive
MAX_NESTED_ZIP_BYTES = 64 * 1024 ** 2     # one learner's zip inside the class zip
# Folders that platforms and operating systems add and that never hold a learner.
JUNK_DIRS = {"__MACOSX", "__pycache__", ".git", ".ipynb_checkpoints"}
# Names the batch's own outputs use in the output folder.
RESERVED_NAMES = {"gradebook.csv", "report.html", "learners.csv"}
MODULE_FILES = {f"{name}.py": name for name in MODULES}
# Files whose name alone says "an exercise is here" (notebooks anywhere are read too, by their cells).
EXERCISE_FILES = set(MODULE_FILES) | set(NOTEBOOK_FILES)


class InstructorError(Exception):
    """A problem with what the instructor asked for (a bad path), not with a learner."""


@dataclass
class Submission:
    """One learner as found: their module files (name -> bytes) and what intake noticed."""
    name: str                                     # the folder id: file-system safe, unique in the class
    origin: str                                   # where it came from, for messages
    files: dict = field(default_factory=dict)     # "ex01_rnn_layer.py" -> bytes
    notes: list = field(default_factory=list)     # plain sentences for the learner and instructor
    label: str = ""                               # the name as handed in ("Zoë O'Brien (2)"), what people read

    def content_hash(self):
        """A hash of exactly what the learner's code will be: file names, bytes and intake notes."""
        digest = hashlib.sha256()
        for name in sorted(self.files):
            digest.update(name.encode() + b"\0" + hashlib.sha256(self.files[name]).digest())
        for note in self.notes:
            digest.update(b"note\0" + note.encode())
        return digest.hexdigest()

    def write_copy(self, folder):
        """Write the module files into ``folder`` (created here, private to the grader)."""
        folder = Path(folder)
        folder.mkdir(mode=0o700, parents=True)
        for name, data in sorted(self.files.items()):
            assert name in MODULE_FILES, name  # only names the kit chose ever become paths
            (folder / name).write_bytes(data)
        return folder


# -- entries: one file inside a folder or an archive ---------------------------------------------

@dataclass
class _Entry:
    parts: tuple          # path components below the source's root
    size: int
    read: object          # callable(limit) -> bytes (at most limit + 1 bytes)
    symlink: bool = False
    regular: bool = True  # False: a named pipe, device or socket (never opened)

    @property
    def name(self):
        return self.parts[-1]

    @property
    def display(self):
        return "/".join(self.parts)


def _folder_entries(root, notes):
    """Every file below ``root`` (symbolic links are listed, never followed)."""
    entries = []

    def unreadable(error):
        where = Path(getattr(error, "filename", "") or root)
        shown = where.name if where == root else where.relative_to(root) if root in where.parents else where
        notes.append(f"could not read {shown}: {error.strerror or error}")

    for current, dirs, files in os.walk(root, onerror=unreadable, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d not in JUNK_DIRS and not d.startswith("."))
        base = Path(current)
        for file in sorted(files):
            path = base / file
            parts = path.relative_to(root).parts
            try:
                info = path.lstat()
            except OSError as error:
                notes.append(f"could not read {'/'.join(parts)}: {error.strerror or error}")
                continue
            entries.append(_Entry(parts, info.st_size, _file_reader(path), stat.S_ISLNK(info.st_mode),
                                  stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode)))
    return entries


def _file_reader(path):
    def read(limit):
        # Non-blocking and without following links, then checked on the open file itself: a named
        # pipe, a device or a socket called like a module can neither hang nor feed the batch.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
        with open(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise NotARegularFile()
            return handle.read(limit + 1)
    return read


class NotARegularFile(OSError):
    def __str__(self):
        return "it is not a regular file (a named pipe, a device or a socket)"


def _zip_entries(archive, label, notes):
    """The safe entries of an open ``zipfile.ZipFile``; refused ones become notes.

    Returns None (with a note) when the archive as a whole is refused.
    """
    infos = archive.infolist()
    if len(infos) > MAX_ARCHIVE_ENTRIES:
        notes.append(f"{label} holds {len(infos)} entries, more than the {MAX_ARCHIVE_ENTRIES} allowed; "
                     f"it was not read")
        return None
    declared = sum(info.file_size for info in infos)
    if declared > MAX_ARCHIVE_BYTES:
        notes.append(f"{label} would unpack to {declared / 1024 ** 2:.0f} MB, more than the "
                     f"{MAX_ARCHIVE_BYTES // 1024 ** 2} MB allowed; it was not read")
        return None
    entries = []
    for info in infos:
        name = info.filename
        if info.is_dir():
            continue
        problem = unsafe_entry_name(name)
        is_link = stat.S_ISLNK(info.external_attr >> 16)
        if problem or is_link:
            notes.append(f"refused the entry {name!r} of {label}: "
                         f"{problem or 'it is a symbolic link'}; nothing of it was used")
            continue
        parts = tuple(p for p in PurePosixPath(name.replace("\\", "/")).parts if p not in ("", "."))
        if any(p in JUNK_DIRS or p.startswith(".") for p in parts[:-1]):
            continue
        entries.append(_Entry(parts, info.file_size, _zip_reader(archive, info)))
    return entries


def unsafe_entry_name(name):
    """Why an archive entry's name is unsafe to use as a path, or None."""
    normal = name.replace("\\", "/")
    if normal.startswith("/") or re.match(r"^[A-Za-z]:", normal):
        return "it has an absolute path"
    if ".." in normal.split("/"):
        return "its path leads out of the archive's folder (..)"
    if "\0" in normal:
        return "its name holds a NUL character"
    return None


def _zip_reader(archive, info):
    def read(limit):
        # Read at most limit + 1 bytes whatever the header claims: a forged size cannot make us read more.
        with archive.open(info) as handle:
            return handle.read(limit + 1)
    return read


def _open_zip(data_or_path, label, notes):
    try:
        return zipfile.ZipFile(data_or_path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        notes.append(f"{label} could not be opened as a zip archive ({error})")
        return None


# -- one learner: pick their modules ------------------------------------------------------------

def _collect_modules(submission, entries, exercises):
    """Fill ``submission.files`` from ``entries`` (any depth), with notes for what looks wrong."""
    found = {}
    for entry in entries:
        if entry.name in MODULE_FILES:
            found.setdefault(entry.name, []).append(entry)
    for file_name, candidates in sorted(found.items()):
        candidates.sort(key=lambda e: (len(e.parts), e.parts))  # the shallowest copy wins, then by path
        chosen = candidates[0]
        if len(candidates) > 1:
            others = ", ".join(c.display for c in candidates[1:])
            submission.notes.append(f"{len(candidates)} files are named {file_name} ({chosen.display}, {others}); "
                                    f"graded {chosen.display}")
        data = _read_module(submission, chosen)
        if data is not None:
            submission.files[file_name] = data
    from_notebooks = add_notebook_modules(submission, entries)
    wanted = [m for m in MODULES if not exercises or m in exercises]
    if not found and not from_notebooks:
        submission.notes.append("no exercise modules (" + ", ".join(f"{m}.py" for m in wanted[:2]) +
                                " ...) or notebooks with their tagged cells were found in the submission")
    else:
        for module in wanted:
            if f"{module}.py" not in found and module not in from_notebooks \
                    and not explained(module, submission.notes):
                submission.notes.append(f"no {module}.py in the submission: that exercise scores 0")


def _read_module(submission, entry):
    """The module's bytes, or None (with a note) when it cannot be used."""
    data = read_entry(submission, entry, MAX_MODULE_BYTES, _too_big)
    if data is None:
        return None
    if not data.strip():
        submission.notes.append(f"{entry.display} is empty")
    else:
        problem = _text_problem(data)
        if problem:
            submission.notes.append(f"{entry.display} {problem}")
    return data


def _too_big(name, size):
    return (f"{name} is {size / 1024 ** 2:.1f} MB or more, larger than the {MAX_MODULE_BYTES // 1024} kB "
            f"allowed for one module; it was not used")


def _text_problem(data):
    """Why Python would not read ``data`` as source text, or None."""
    if b"\0" in data:
        return "holds NUL bytes: it is not a text file (a notebook or binary saved under a .py name?)"
    head = b"\n".join(data.splitlines()[:2])
    if re.search(rb"^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+", head, re.MULTILINE):
        return None  # declares its own encoding (PEP 263); Python decides
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        return (f"is not UTF-8 text (byte 0x{data[error.start]:02x} at position {error.start}): "
                f"Python cannot import it; save it as UTF-8")
    return None


# -- the class: which sources are learners ---------------------------------------------------------

@dataclass
class Intake:
    """What was found: the learners, and notes about the class archive that concern no single learner."""
    submissions: list
    notes: list = field(default_factory=list)


def find_submissions(path, exercises=None, exclude=()):
    """Every learner in ``path`` (a folder or a zip), with unique, stable, file-system-safe names.

    Folders in ``exclude`` (the batch's own output folder, when it sits inside the class) are skipped.
    """
    path = Path(path)
    if not path.exists():
        raise InstructorError(f"{path} does not exist")
    notes = []
    if path.is_dir():
        skip = {Path(p).resolve() for p in exclude}
        found = _from_class_folder(path, exercises, skip)
    elif path.is_file() and zipfile.is_zipfile(path):  # (a named pipe would block is_zipfile)
        found = _from_class_zip(path, exercises, notes)
    else:
        raise InstructorError(f"{path} is neither a folder nor a zip archive")
    return Intake(assign_names(found), notes)


def _from_class_folder(root, exercises, skip=frozenset()):
    try:
        children = sorted(root.iterdir())
    except OSError as error:
        raise InstructorError(f"cannot read the folder {root}: {error.strerror or error}") from None
    if any(child.name in EXERCISE_FILES for child in children):
        return [_learner_from_folder(root, exercises)]  # one learner's own folder
    learners = []
    for child in children:
        if child.name in JUNK_DIRS or child.name.startswith(".") or child.resolve() in skip:
            continue
        if child.is_dir():
            learners.append(_learner_from_folder(child, exercises))
        elif child.suffix.lower() == ".zip" and child.is_file():
            learners.append(_learner_from_zip_file(child, exercises))
    return learners


def _learner_from_folder(folder, exercises):
    submission = Submission(name=folder.name, origin=str(folder))
    entries = _folder_entries(folder, submission.notes)
    _collect_modules(submission, entries, exercises)
    return submission


def _learner_from_zip_file(path, exercises):
    submission = Submission(name=path.stem, origin=str(path))
    archive = _open_zip(path, path.name, submission.notes)
    if archive is not None:
        with archive:
            entries = _zip_entries(archive, path.name, submission.notes)
            if entries is not None:
                _collect_modules(submission, entries, exercises)
    return submission


def _from_class_zip(path, exercises, class_notes):
    notes = []
    archive = _open_zip(path, path.name, notes)
    if archive is None:
        raise InstructorError(notes[0])
    with archive:
        entries = _zip_entries(archive, path.name, notes)
        if entries is None:
            raise InstructorError(notes[-1])
        if not _holds_a_class(entries):
            learner = Submission(name=path.stem, origin=str(path), notes=notes)
            _collect_modules(learner, entries, exercises)
            return [learner]
        learners = _split_class(entries, path.name, exercises)
    # A refused entry of the class archive is reported to the class, and to the learner whose folder held it.
    class_notes.extend(notes)
    for learner in learners:
        inside = learner.origin.split(":", 1)[1]
        learner.notes[:0] = [n for n in notes if inside.endswith("/") and f"'{inside}" in n]
    return learners


def _holds_a_class(entries):
    """Several learners share an archive when it holds zips or the same module file twice."""
    seen = set()
    for entry in entries:
        if entry.name.lower().endswith(".zip"):
            return True
        if entry.name in EXERCISE_FILES:
            if entry.name in seen:
                return True
            seen.add(entry.name)
    return False


def _split_class(entries, label, exercises):
    """The learners of a class archive: each top-level folder or zip (below wrapper folders) is one.

    A learner is named after their own top-level entry only. Whatever lies inside a learner's
    folder belongs to that learner: a zip planted there is never another learner (it could
    otherwise take an honest learner's name and row).
    """
    prefix = _class_level(entries)
    depth = len(prefix)
    learners = []
    for entry in entries:
        if len(entry.parts) == depth + 1 and entry.name.lower().endswith(".zip"):
            learners.append(_learner_from_nested_zip(entry, label, exercises))
    for child in sorted({e.parts[depth] for e in entries if len(e.parts) > depth + 1}):
        below = [e for e in entries if e.parts[depth] == child and len(e.parts) > depth + 1]
        learner = Submission(name=child, origin=f"{label}:{'/'.join(prefix + (child,))}/")
        _collect_modules(learner, below, exercises)
        planted = [e.display for e in below if e.name.lower().endswith(".zip")]
        if planted:
            learner.notes.append(f"{', '.join(planted[:3])}{' ...' if len(planted) > 3 else ''}: a zip inside a "
                                 f"learner's folder is not read (each learner is one folder or zip of the class)")
        learners.append(learner)
    return learners


def _class_level(entries):
    """The path of the folder whose entries are the learners: down through wrapper folders that hold
    nothing but one folder."""
    prefix = ()
    while True:
        depth = len(prefix)
        tops = {e.parts[depth] for e in entries}
        if len(tops) != 1 or any(len(e.parts) == depth + 1 for e in entries):
            return prefix
        inner = prefix + (tops.pop(),)
        if any(len(e.parts) == depth + 2 and e.name in EXERCISE_FILES for e in entries):
            return prefix  # that one folder is a learner's own
        prefix = inner


def _learner_from_nested_zip(entry, label, exercises):
    shown = f"{label}:{entry.display}"
    submission = Submission(name=PurePosixPath(entry.name).stem, origin=shown)
    data = read_entry(submission, entry, MAX_NESTED_ZIP_BYTES,
                      lambda name, size: f"{name} is larger than {MAX_NESTED_ZIP_BYTES // 1024 ** 2} MB; "
                                         f"it was not read")
    if data is None:
        return submission
    archive = _open_zip(io.BytesIO(data), entry.display, submission.notes)
    if archive is not None:
        with archive:
            entries = _zip_entries(archive, entry.name, submission.notes)
            if entries is not None:
                _collect_modules(submission, entries, exercises)
    return submission


# -- names -----------------------------------------------------------------------------------------

def safe_name(raw):
    """A learner name usable as a folder name (no path separators, no spaces, no leading dots or dashes)."""
    name = re.sub(r"[^\w.-]+", "_", raw, flags=re.UNICODE).strip("._-")[:80]
    return name or "learner"


def assign_names(submissions):
    """Give every submission a distinct, stable folder id and keep its name as handed in (``label``).

    A name that is already safe is its own folder id and claims it before any name that
    had to be made safe: folders "Jose_Muller" and "Jose Muller" become ``Jose_Muller`` and
    ``Jose_Muller-2``, never the other way round. Ids are compared without case (outputs
    may land on a case-insensitive file system); the order is by name, then origin, so the
    same class gets the same ids. Two submissions with the very same name (a folder and a
    zip) keep the name on the first and the folder id on the other, so labels stay unique.
    """
    for submission in submissions:
        submission.label = submission.label or submission.name
    submissions.sort(key=lambda s: (s.label.lower(), s.label, s.origin))
    taken = {n.lower() for n in RESERVED_NAMES}
    labels = set()
    already_safe = [s for s in submissions if safe_name(s.label) == s.label]
    for submission in already_safe + [s for s in submissions if s not in already_safe]:
        base = safe_name(submission.label)
        name, number = base, 1
        while name.lower() in taken:
            number += 1
            name = f"{base}-{number}"
        if name != base:
            # The learner reads this in feedback.txt: it names their own origin, never another learner's.
            same = any(s is not submission and s.label.lower() == submission.label.lower() for s in submissions)
            why = (f"another submission is also named {submission.label}" if same else
                   "another submission's name gives the same folder name")
            submission.notes.insert(0, f"{why}; this one ({_shown_origin(submission.origin)}) is graded as {name}")
        taken.add(name.lower())
        submission.name = name
        if submission.label in labels:
            submission.label = name
        labels.add(submission.label)
    submissions.sort(key=lambda s: (s.label.lower(), s.label, s.origin))
    return submissions


def _shown_origin(origin):
    """Where a submission came from, without the instructor's folders: ``alice.zip``, ``class.zip:alice/``."""
    archive, inside = origin.split(":", 1) if ":" in origin and not re.match(r"^[A-Za-z]:[\\/]", origin) \
        else (origin, None)
    shown = Path(archive).name
    return f"{shown}:{inside}" if inside is not None else shown
