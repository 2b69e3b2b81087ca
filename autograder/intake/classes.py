"""Find the learners in what an instructor or a course platform hands over.

Accepted (``find_submissions``):

* a folder of learners: each sub-folder is one learner, each ``.zip`` in it is one learner;
* one learner's folder or ``.zip`` (it holds exercise modules or notebooks itself), or a single
  ``.py`` file or notebook;
* a ``.zip`` of the whole class, holding learner folders and/or learner ``.zip`` files,
  possibly inside a wrapper folder;
* the downloads of learning platforms (``platforms.py``): Canvas's and Blackboard's flat
  folders of prefixed file names, Moodle's and GitHub Classroom's learner folders,
  Gradescope's export; each learner keeps the platform's id and, where known, when they
  handed in.

A learner's files are read by ``modules.py`` (exercise modules at any depth, notebooks,
helper modules beside them). A class in which no learner holds a single exercise module or
notebook is a layout the intake does not know: ``InstructorError`` says what was found,
never a class of learners at 0.

Nothing here ever unpacks an archive to disk: files are read into memory (with size limits)
and later written by ``Submission.write_into`` under names intake chose, into a folder the
grader creates. Entries with ``..`` or an absolute path and symbolic links are refused with
a note; oversized archives (zip bombs) and archives with too many entries are refused whole.
"""
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..notebook_source import NOTEBOOK_FILES
from . import platforms
from .entries import JUNK_DIRS, file_entry, folder_entries, open_zip, zip_entries
from .modules import add_helpers, collect_modules, exercise_of, holds_exercises
from .notebooks import is_notebook
from .reading import read_entry
from .submission import InstructorError, Submission

MAX_NESTED_ZIP_BYTES = 64 * 1024 ** 2     # one learner's zip inside the class zip
# Names the batch's own outputs use in the output folder.
RESERVED_NAMES = {"gradebook.csv", "report.html", "learners.csv"}
SHOWN_IN_ERRORS = 12                      # names listed when a layout is not recognised


@dataclass
class Intake:
    """What was found: the learners, and notes about the class archive that concern no single learner."""
    submissions: list
    notes: list = field(default_factory=list)


# -- one learner ------------------------------------------------------------------------------------

def read_learner(path, exercises=None, name=None):
    """One learner's ``Submission`` from a folder, a zip, a ``.py`` file or a notebook (``rnn-grade check``,
    Gradescope's ``run_autograder``, ``Grader.grade`` given a path). Never raises for a bad submission:
    a missing or unreadable path is a note, and the checks then say which module they could not find."""
    path = Path(path)
    submission = Submission(name=name or (path.name if path.is_dir() else path.stem) or "learner", origin=str(path))
    submission.label = submission.name
    if path.is_dir():
        entries = folder_entries(path, submission.notes)
    elif path.is_file() and path.suffix.lower() == ".zip":
        entries = _zip_file_entries(path, submission.notes) or []
    elif path.is_file() and (path.suffix.lower() == ".py" or is_notebook(path.name)):
        entries = [file_entry(path, (path.name,))]
    else:
        exists = path.exists() or path.is_symlink()
        submission.notes.append(f"the submission folder {_printable(path.name)} "
                                f"{'is not a folder, a zip, a .py file or a notebook' if exists else 'does not exist'}")
        return submission
    collect_modules(submission, entries, exercises)
    return submission


def helper_modules(folder):
    """``{file name: bytes}`` of the helper modules directly in ``folder`` (a notebook's own check cell,
    which gathers the exercises itself), by the rules every front end follows; the folder is not walked."""
    holder = Submission("", str(folder))
    found = []
    for path in sorted(Path(folder).glob("*.py")):
        try:
            found.append(file_entry(path, (path.name,)))
        except OSError:
            continue
    add_helpers(holder, found, {()})
    return {name: holder.files[name] for name in holder.helpers}


def _zip_file_entries(path, notes):
    archive = open_zip(path, path.name, notes)
    return None if archive is None else zip_entries(archive, path.name, notes)


def _printable(text):
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


# -- the class --------------------------------------------------------------------------------------

def find_submissions(path, exercises=None, exclude=()):
    """Every learner in ``path``, with unique, stable, file-system-safe names.

    Folders in ``exclude`` (the batch's own output folder, when it sits inside the class) are skipped.
    """
    path = Path(path)
    if not path.exists():
        raise InstructorError(f"{path} does not exist")
    notes = []
    if path.is_dir():
        units = _class_folder_units(path, {Path(p).resolve() for p in exclude}, notes)
    elif path.is_file() and zipfile.is_zipfile(path):  # (a named pipe would block is_zipfile)
        units = _class_zip_units(path, notes)
    elif path.is_file() and (path.suffix.lower() == ".py" or is_notebook(path.name)):
        units = [platforms.Unit(path.stem, str(path), [file_entry(path, (path.name,))])]
    else:
        raise InstructorError(f"{path} is neither a folder nor a zip archive")
    learners, recognised = [], False
    for unit in units:
        # A learner whose files could not be read at all (a refused archive) is a learner all the same.
        recognised = recognised or holds_exercises(unit.entries) or bool(unit.notes)
        learners.append(_learner(unit, unit.entries, exercises))
    if not recognised:
        raise InstructorError(_unrecognised(path, units, notes))
    return Intake(assign_names(learners), notes)


def _learner(unit, entries, exercises):
    submission = Submission(name=unit.label, origin=unit.origin, notes=list(unit.notes), label=unit.label,
                            platform=unit.platform, platform_id=unit.platform_id, arrived=unit.arrived)
    collect_modules(submission, entries, exercises)
    return submission


def _unrecognised(path, units, notes):
    names = sorted({e.display if u.origin == str(path) or ":" in u.origin else f"{u.label}/{e.display}"
                    for u in units for e in u.entries})
    shown = [u.label for u in units] if not names else names
    listed = ", ".join(shown[:SHOWN_IN_ERRORS]) + (f" and {len(shown) - SHOWN_IN_ERRORS} more"
                                                   if len(shown) > SHOWN_IN_ERRORS else "")
    return (f"no exercise module (ex01_rnn_layer.py ...) or notebook was found for any learner in {path}, so "
            f"its layout is not one rnn-grade knows (a folder or zip per learner, a class zip, or a download of "
            f"Canvas, Moodle, Blackboard, GitHub Classroom or Gradescope). Found: {listed or 'nothing'}" +
            "".join(f"; {note}" for note in notes))


def _class_folder_units(root, skip, notes):
    try:
        children = sorted(child for child in root.iterdir() if child.name not in JUNK_DIRS
                          and not child.name.startswith(".") and child.resolve() not in skip)
    except OSError as error:
        raise InstructorError(f"cannot read the folder {root}: {error.strerror or error}") from None
    files = []
    for child in children:
        if not child.is_dir():
            try:
                files.append(file_entry(child, (child.name,)))
            except OSError as error:
                notes.append(f"could not read {child.name}: {error.strerror or error}")
    folders = [child.name for child in children if child.is_dir() and not child.is_symlink()]
    loose = [f for f in files if not f.name.lower().endswith(".zip")]
    if (any(names_an_exercise(f.name) for f in loose) or (not folders and len(loose) == len(files)
                                                           and holds_exercises(loose))) \
            and not platforms.flat_units(files, str, _nested_zip)[0]:
        return [_folder_unit(root, skip)]  # one learner's own folder
    return _split(files, folders, lambda name: _folder_unit(root / name, skip),
                  lambda entry: str(root / entry.name),
                  lambda entry, unit_notes: _zip_file_entries(root / entry.name, unit_notes), notes)


def _folder_unit(folder, skip):
    unit = platforms.Unit(folder.name, str(folder), [])
    unit.entries = folder_entries(folder, unit.notes, skip)
    return unit


def names_an_exercise(name):
    """Whether a file's name alone says "an exercise is here" (other notebooks are read too, by their cells)."""
    return bool(exercise_of(name)) or name in NOTEBOOK_FILES


def _class_zip_units(path, class_notes):
    notes = []
    archive = open_zip(path, path.name, notes)
    if archive is None:
        raise InstructorError(notes[0])
    # The archive stays open while its learners' files are read (their entries read from it).
    entries = zip_entries(archive, path.name, notes)
    if entries is None:
        raise InstructorError(notes[-1])
    if not _holds_a_class(entries):
        return [platforms.Unit(path.stem, str(path), entries, notes=notes)]
    prefix = _class_level(entries)
    depth = len(prefix)
    files = [_top(e, depth) for e in entries if len(e.parts) == depth + 1]
    folders = sorted({e.parts[depth] for e in entries if len(e.parts) > depth + 1})
    where = "/".join(prefix)

    def folder_unit(name):
        below = [e for e in entries if e.parts[depth] == name and len(e.parts) > depth + 1]
        inside = "/".join(prefix + (name,)) + "/"
        unit = platforms.Unit(name, f"{path.name}:{inside}", below)
        # A refused entry of the class archive is reported to the learner whose folder held it too.
        unit.notes += [n for n in notes if f"'{inside}" in n]
        planted = [e.display for e in below if e.name.lower().endswith(".zip")]
        if planted:
            unit.notes.append(f"{', '.join(planted[:3])}{' ...' if len(planted) > 3 else ''}: a zip inside a "
                              f"learner's folder is not read (each learner is one folder or zip of the class)")
        return unit

    units = _split(files, folders, folder_unit,
                   lambda entry: f"{path.name}:{where + '/' if where else ''}{entry.name}", _nested_zip, notes)
    class_notes.extend(notes)
    return units


def _top(entry, depth):
    """``entry`` with its path relative to the folder ``depth`` levels down."""
    from .entries import Entry

    return Entry(entry.parts[depth:], entry.size, entry.read, entry.symlink, entry.regular, entry.date)


def _split(files, folders, folder_unit, origin_of, read_zip, notes):
    """The learners of a class: platform layouts first, then one per folder and one per zip."""
    file_names = {f.name for f in files}
    if platforms.is_gradescope_export(file_names, folders):
        return _gradescope_units(files, folders, folder_unit, notes)
    units, leftovers = platforms.flat_units(files, origin_of, read_zip)
    for entry in leftovers:
        if entry.name.lower().endswith(".zip"):
            unit = platforms.Unit(PurePosixPath(entry.name).stem, origin_of(entry), [])
            unit.entries = read_zip(entry, unit.notes) or []
            units.append(unit)
        elif units and (exercise_of(entry.name) or is_notebook(entry.name)):
            notes.append(f"{entry.name} is not named like the other learners' files, so it belongs to no "
                         f"learner; it was not graded")
    relabels = platforms.relabel_folders(folders)
    if relabels and relabels[folders[0]][1] == "moodle":
        for _, group in sorted(platforms.moodle_groups(folders).items()):
            parts = [folder_unit(name) for name in group]
            label, platform, platform_id = relabels[group[0]]
            unit = platforms.Unit(label, parts[0].origin, [], platform, platform_id)
            for part in parts:
                unit.notes += part.notes
                unit.entries += part.entries
            units.append(unit)
        notes.append(f"recognised Moodle's download: learners named as Moodle shows them, with their Moodle id")
        return units
    for name in folders:
        unit = folder_unit(name)
        if name in relabels:
            unit.label, unit.platform, unit.platform_id = relabels[name]
        units.append(unit)
    if relabels:
        prefix = folders[0][:len(folders[0]) - len(relabels[folders[0]][0])]
        notes.append(f"recognised GitHub Classroom repositories of {prefix.rstrip('-')}: learners named after "
                     f"their GitHub user")
    return units


def _gradescope_units(files, folders, folder_unit, notes):
    [metadata] = [f for f in files if f.name == "submission_metadata.yml"]
    holder = Submission("", "")
    data = read_entry(holder, metadata, platforms.MAX_METADATA_BYTES,
                      lambda name, size: f"{name} is larger than {platforms.MAX_METADATA_BYTES // 1024 ** 2} MB")
    notes += holder.notes
    known = platforms.gradescope_metadata(data) if data is not None else {}
    units = []
    for name in folders:
        unit = folder_unit(name)
        label, platform_id, created = known.get(name, (name, name, ""))
        unit.label, unit.platform, unit.platform_id, unit.arrived = label, "gradescope", platform_id, created
        if name not in known:
            unit.notes.append(f"{name} is not in submission_metadata.yml: named after its folder")
        units.append(unit)
    notes.append("recognised Gradescope's export: learners named as in submission_metadata.yml")
    return units


def _nested_zip(entry, notes):
    """The entries of a learner's zip inside the class (read into memory, size-capped), or None."""
    holder = Submission("", "")
    data = read_entry(holder, entry, MAX_NESTED_ZIP_BYTES,
                      lambda name, size: f"{name} is larger than {MAX_NESTED_ZIP_BYTES // 1024 ** 2} MB; "
                                         f"it was not read")
    notes += holder.notes
    if data is None:
        return None
    archive = open_zip(io.BytesIO(data), entry.display, notes)
    return None if archive is None else zip_entries(archive, entry.name, notes)


def _holds_a_class(entries):
    """Several learners share an archive when it holds zips, a platform's files, or the same exercise
    (module file or named notebook) in two folders."""
    seen = {}
    for entry in entries:
        if entry.name.lower().endswith(".zip") or entry.name == "submission_metadata.yml":
            return True
        if platforms.CANVAS.match(entry.name) or platforms.BLACKBOARD.match(entry.name):
            return True
        match = exercise_of(entry.name)
        key = match[0] if match else entry.name if entry.name in NOTEBOOK_FILES else None
        if key is not None:
            if seen.setdefault(key, entry.folder) != entry.folder:
                return True
    return False


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
        if any(len(e.parts) == depth + 2 and names_an_exercise(e.name) for e in entries):
            return prefix  # that one folder is a learner's own
        prefix = inner


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
