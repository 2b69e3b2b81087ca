"""The files inside a folder or a zip archive, as entries that can be read within a limit.

Nothing here unpacks an archive to disk or follows a link: an entry is a path below
its source's root, a size, a date and a reader. Zip entry names are decoded as the
archive says: UTF-8 when the entry's flag 0x800 is set, else the UTF-8 name of
Info-ZIP's Unicode Path extra field (0x7075, checked against its CRC), else UTF-8
when the raw bytes are valid UTF-8 (macOS and most Linux tools write UTF-8 without
setting the flag), else cp437 (the zip format's default). So ``Zoë`` stays ``Zoë``.
"""
import datetime
import os
import re
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MAX_ARCHIVE_ENTRIES = 20_000              # entries in one archive (the class zip included)
MAX_ARCHIVE_BYTES = 1024 ** 3             # declared uncompressed size of one archive
# Folders that platforms and operating systems add and that never hold a learner.
JUNK_DIRS = {"__MACOSX", "__pycache__", ".git", ".ipynb_checkpoints"}

_UTF8_FLAG = 0x800
_UNICODE_PATH_EXTRA = 0x7075


@dataclass
class Entry:
    parts: tuple          # path components below the source's root
    size: int
    read: object          # callable(limit) -> bytes (at most limit + 1 bytes)
    symlink: bool = False
    regular: bool = True  # False: a named pipe, device or socket (never opened)
    date: str = ""        # ISO 8601: a zip entry's date, a file's modification time (UTC)

    @property
    def name(self):
        return self.parts[-1]

    @property
    def folder(self):
        return self.parts[:-1]

    @property
    def display(self):
        return "/".join(self.parts)


class NotARegularFile(OSError):
    def __str__(self):
        return "it is not a regular file (a named pipe, a device or a socket)"


# -- folders ---------------------------------------------------------------------------------------

def folder_entries(root, notes, skip=frozenset()):
    """Every file below ``root`` (symbolic links are listed, never followed); folders in ``skip`` are left out."""
    root = Path(root)
    entries = []

    def unreadable(error):
        where = Path(getattr(error, "filename", "") or root)
        shown = where.name if where == root else where.relative_to(root) if root in where.parents else where
        notes.append(f"could not read {shown}: {error.strerror or error}")

    for current, dirs, files in os.walk(root, onerror=unreadable, followlinks=False):
        base = Path(current)
        dirs[:] = sorted(d for d in dirs if d not in JUNK_DIRS and not d.startswith(".")
                         and (not skip or (base / d).resolve() not in skip))
        if len(entries) + len(files) > MAX_ARCHIVE_ENTRIES:
            # As for an archive: a folder of a million files costs the grader time and memory, never a stop.
            notes.append(f"{root.name} holds more than {MAX_ARCHIVE_ENTRIES} files; only the first "
                         f"{len(entries)} were read")
            break
        for file in sorted(files):
            path = base / file
            parts = path.relative_to(root).parts
            try:
                info = path.lstat()
            except OSError as error:
                notes.append(f"could not read {'/'.join(parts)}: {error.strerror or error}")
                continue
            entries.append(file_entry(path, parts, info))
    return entries


def file_entry(path, parts, info=None):
    """The entry of one file (``info``: its lstat)."""
    info = info or os.lstat(path)
    date = datetime.datetime.fromtimestamp(info.st_mtime, datetime.timezone.utc).isoformat(timespec="seconds")
    return Entry(tuple(parts), info.st_size, _file_reader(path), stat.S_ISLNK(info.st_mode),
                 stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode), date)


def _file_reader(path):
    def read(limit):
        # Non-blocking and without following links, then checked on the open file itself: a named
        # pipe, a device or a socket called like a module can neither hang nor feed the batch.
        # (Windows has neither flag: there the lstat above already said whether it is a link.)
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | \
            getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(path, flags)
        with open(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise NotARegularFile()
            return handle.read(limit + 1)
    return read


# -- zip archives ----------------------------------------------------------------------------------

def open_zip(data_or_path, label, notes):
    try:
        return zipfile.ZipFile(data_or_path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as error:
        notes.append(f"{label} could not be opened as a zip archive ({error})")
        return None


def entry_name(info):
    """The name of a zip entry as its writer meant it (see the module docstring)."""
    if info.flag_bits & _UTF8_FLAG:
        return info.filename
    raw = info.orig_filename.encode("cp437")  # zipfile decoded the raw bytes as cp437: undo it
    unicode_path = _unicode_path(info.extra, raw)
    if unicode_path is not None:
        return unicode_path
    if not raw.isascii():
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return info.filename


def _unicode_path(extra, raw):
    """The UTF-8 name of Info-ZIP's Unicode Path extra field, when it belongs to ``raw``."""
    at = 0
    while at + 4 <= len(extra):
        kind, size = struct.unpack_from("<HH", extra, at)
        data = extra[at + 4:at + 4 + size]
        at += 4 + size
        if kind == _UNICODE_PATH_EXTRA and len(data) > 5 and data[0] == 1:
            (crc,) = struct.unpack_from("<I", data, 1)
            if crc == zlib.crc32(raw):  # a stale field (the name was changed since) is ignored
                try:
                    return data[5:].decode("utf-8")
                except UnicodeDecodeError:
                    return None
    return None


def zip_entries(archive, label, notes):
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
        if info.is_dir():
            continue
        name = entry_name(info)
        problem = unsafe_entry_name(name)
        mode = info.external_attr >> 16
        if problem or stat.S_ISLNK(mode):
            notes.append(f"refused the entry {name!r} of {label}: "
                         f"{problem or 'it is a symbolic link'}; nothing of it was used")
            continue
        parts = tuple(p for p in PurePosixPath(name.replace("\\", "/")).parts if p not in ("", "."))
        if not parts or any(p in JUNK_DIRS or p.startswith(".") for p in parts[:-1]):
            continue
        entries.append(Entry(parts, info.file_size, _zip_reader(archive, info), date=_zip_date(info)))
    return entries


def _zip_date(info):
    try:
        return datetime.datetime(*info.date_time).isoformat(timespec="seconds")
    except ValueError:
        return ""


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
