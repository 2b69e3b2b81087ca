"""Removing what a learner left behind: folder trees of any depth, and SysV IPC objects.

Used by the fork server (its private /tmp, /dev/shm) and by the grader (staged copies),
so it imports nothing but the standard library.

``remove_tree`` is iterative and works through directory file descriptors, one open
at a time: no recursion limit, no path-length limit (a tree 10,000 folders deep has
paths far longer than PATH_MAX), and folders whose permission bits forbid reading or
writing are opened up first. Whatever cannot be removed is skipped, so it always ends.
"""
import ctypes
import os
import stat

# getattr: Windows has no O_DIRECTORY nor O_NOFOLLOW, and the learner's `rnn-grade check` imports this module there.
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def remove_tree(path):
    """Delete ``path`` and everything below it, however deep; a file or link is simply unlinked."""
    if os.open not in os.supports_dir_fd:  # Windows: no directory fds; shutil's walk, opening up what resists
        _remove_tree_by_paths(path)
        return
    try:
        info = os.lstat(path)
    except OSError:
        return
    if not stat.S_ISDIR(info.st_mode):
        _unlink(None, path)
        return
    _open_up(None, path)
    try:
        fd = os.open(path, _DIR_FLAGS)
    except OSError:
        return
    names, stuck = [], set()   # names from the top down to the folder ``fd`` is; folders that resist
    while True:
        child = _empty_files(fd, stuck)
        if child is not None:
            _open_up(fd, child)
            try:
                inner = os.open(child, _DIR_FLAGS, dir_fd=fd)
            except OSError:
                stuck.add(_identity(fd, child))
                continue
            os.close(fd)
            fd = inner
            names.append(child)
            continue
        if not names:
            os.close(fd)
            try:
                os.rmdir(path)
            except OSError:
                pass
            return
        try:
            parent = os.open("..", _DIR_FLAGS, dir_fd=fd)
        except OSError:
            os.close(fd)
            return
        os.close(fd)
        fd = parent
        name = names.pop()
        try:
            os.rmdir(name, dir_fd=fd)
        except OSError:
            stuck.add(_identity(fd, name))


def _remove_tree_by_paths(path):
    import shutil

    def open_up(function, name, _):
        try:
            os.chmod(name, 0o700)
            function(name)
        except OSError:
            pass

    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path, onerror=open_up)
    else:
        _unlink(None, path)


def _empty_files(fd, stuck):
    """Unlink every non-folder in the folder ``fd``; the name of a sub-folder still to empty, or None."""
    with os.scandir(fd) as entries:
        for entry in entries:
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                if _identity(fd, entry.name) not in stuck:
                    return entry.name
                continue
            _unlink(fd, entry.name)
    return None


def _identity(fd, name):
    try:
        info = os.stat(name, dir_fd=fd, follow_symlinks=False)
        return info.st_dev, info.st_ino
    except OSError:
        return name


def _open_up(fd, name):
    # Only folders reach here and every process of the learner has been killed: nobody can
    # swap the folder for a link between this check and the chmod.
    try:
        os.chmod(name, 0o700, dir_fd=fd) if fd is not None else os.chmod(name, 0o700)
    except (OSError, NotImplementedError):
        pass


def _unlink(fd, name):
    try:
        os.unlink(name, dir_fd=fd) if fd is not None else os.unlink(name)
    except OSError:
        pass


def mount_points():
    """Every mount point this process sees (a Python bound under the private /tmp is one)."""
    points = set()
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                fields = line.split()
                if len(fields) > 4:
                    # Spaces and the like are written as octal escapes (\040).
                    points.add(fields[4].encode().decode("unicode_escape"))
    except OSError:
        pass
    return points


def empty_folder(folder, owner=None, keep=None):
    """Remove every entry of ``folder`` (only those owned by uid ``owner``, when given), except the
    mount points ``keep`` (default: all below it) and the folders leading to them: a Python
    installed under /tmp and bound into the sandbox stays, a learner's files go."""
    if keep is None:
        keep = {p for p in mount_points() if p.startswith(folder.rstrip("/") + "/")}
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        path = os.path.join(folder, name)
        if path in keep:
            continue
        try:
            if owner is not None and os.lstat(path).st_uid != owner:
                continue
        except OSError:
            continue
        if any(k.startswith(path + "/") for k in keep):
            empty_folder(path, owner, keep)
        else:
            remove_tree(path)


# -- scratch space that counts as memory ---------------------------------------------------------

CLONE_NEWNS, MS_NOSUID, MS_NODEV, MS_REC, MS_PRIVATE = 0x00020000, 2, 4, 0x4000, 1 << 18


def private_scratch(folders):
    """Mount a tmpfs of a bounded size on each ``(folder, bytes)``, in a mount namespace of the caller's own.

    Without bubblewrap, a worker's scratch folder is wherever the grader's temporary folder is, and
    ``/dev/shm`` is the machine's: tmpfs files there are memory that no address-space limit counts.
    Each folder then gets a tmpfs of its own, seen by this worker and its children only (and gone with
    them). Needs CAP_SYS_ADMIN (a root grader): True when done, False when it cannot be (the folders
    stay as they are, bounded per file by RLIMIT_FSIZE only)."""
    try:
        libc = _libc()
    except OSError:
        return False
    if libc.unshare(CLONE_NEWNS) != 0:
        return False
    # Mounts made here must not propagate back to the machine's namespace.
    if libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None) != 0:
        return False
    done = True
    for folder, size in folders:
        options = f"size={int(size)},mode=1777".encode()
        if not os.path.isdir(folder) or libc.mount(b"tmpfs", os.fsencode(folder), b"tmpfs", MS_NOSUID | MS_NODEV,
                                                   options) != 0:
            done = False
    return done


def private_folders(folders, keep=()):
    """Cover each ``(folder, bytes)`` with an empty tmpfs of that size, in a mount namespace of the caller's
    own, keeping visible at their own paths the mount points below it and the paths ``keep`` (each as it
    was: a bind of the same files, so a read-only one stays read-only).

    A learner's fresh-process worker gets a /tmp (and /var/tmp, /dev/shm) that none of its other worker's
    files are in: a memo written at a fixed path by the one is not found by the other. What must stay
    reachable below such a folder (a Python installed under /tmp, the staged copy of a plain-mode grader
    under /tmp) is held open before the folder is covered and bound back after. Needs CAP_SYS_ADMIN (a
    root grader, or bubblewrap started as root); without it a user namespace of the caller's own uid gives
    it, when the kernel allows one. True when every folder is covered, False otherwise (then nothing is)."""
    try:
        libc = _libc()
    except OSError:
        return False
    if not _own_mount_namespace(libc):
        return False
    wanted = [(folder.rstrip("/") or "/", size) for folder, size in folders if os.path.isdir(folder)]
    points = mount_points()
    for folder, size in wanted:
        below = folder + "/"
        kept = sorted({os.path.normpath(p) for p in list(keep) + list(points) if p.startswith(below)})
        outermost = [p for i, p in enumerate(kept) if not any(p.startswith(q + "/") for q in kept[:i])]
        held = []
        try:
            for path in outermost:
                try:
                    held.append((path, os.open(path, os.O_PATH | os.O_CLOEXEC), os.path.isdir(path)))
                except OSError:
                    pass  # gone, or not reachable anyway: nothing to keep
            options = f"size={int(size)},mode=1777".encode()
            if libc.mount(b"tmpfs", os.fsencode(folder), b"tmpfs", MS_NOSUID | MS_NODEV, options) != 0:
                return False
            for path, fd, is_folder in held:
                try:
                    _make_mount_target(path, is_folder)
                    bound = libc.mount(os.fsencode(f"/proc/self/fd/{fd}"), os.fsencode(path), None,
                                       MS_BIND | MS_REC, None) == 0
                except OSError:
                    bound = False
                if not bound:
                    # Half a view would hide the Python or the learner's copy: the folder is uncovered again.
                    libc.umount2(os.fsencode(folder), MNT_DETACH)
                    return False
        finally:
            for _, fd, _ in held:
                os.close(fd)
    return len(wanted) == len(folders)


MS_BIND, MNT_DETACH = 4096, 2


def _own_mount_namespace(libc):
    """Enter a mount namespace of this process's own, whose mounts do not reach the machine's: True when done."""
    if libc.unshare(CLONE_NEWNS) != 0:
        uid, gid = os.getuid(), os.getgid()
        if uid == 0 or libc.unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0:
            return False  # (root without the capability: a user namespace would lose the uid switch that follows)
        try:
            for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
                with open(f"/proc/self/{name}", "w") as handle:
                    handle.write(text)
        except OSError:
            pass  # unmapped, the process is "nobody" in its namespace: fewer rights still
    return libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None) == 0


def _make_mount_target(path, is_folder):
    """The folder (or empty file) a kept path is bound onto, in the new tmpfs, with its parents (0755)."""
    parent = os.path.dirname(path)
    os.makedirs(parent, mode=0o755, exist_ok=True)
    try:
        if is_folder:
            os.mkdir(path, 0o755)
        else:
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_CLOEXEC, 0o644))
    except FileExistsError:
        pass


# -- SysV IPC ------------------------------------------------------------------------------------

CLONE_NEWUSER, CLONE_NEWIPC = 0x10000000, 0x08000000
IPC_RMID = 0
_IPC_KINDS = ("shm", "sem", "msg")


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def private_ipc_namespace():
    """Give the calling process a SysV IPC namespace of its own: True on success.

    A forked worker shares its fork server's namespace (and, without bubblewrap, the
    machine's). Its own is destroyed with its last process, shared memory included.
    Needs CAP_SYS_ADMIN; without it, a user namespace mapping only the caller's own
    uid and gid gives one (the process keeps exactly its rights outside).
    """
    try:
        libc = _libc()
    except OSError:
        return False
    if libc.unshare(CLONE_NEWIPC) == 0:
        return True
    uid, gid = os.getuid(), os.getgid()
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWIPC) != 0:
        return False
    try:
        for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
            with open(f"/proc/self/{name}", "w") as handle:
                handle.write(text)
    except OSError:
        pass  # without a map the process is "nobody" in its namespace: fewer rights, still isolated
    return True


def ipc_objects():
    """{(kind, id): creator uid} of the SysV objects this process can see."""
    found = {}
    for kind in _IPC_KINDS:
        try:
            with open(f"/proc/sysvipc/{kind}") as handle:
                header = handle.readline().split()
                for line in handle:
                    fields = dict(zip(header, line.split()))
                    if "id" in fields and "cuid" in fields:
                        found[(kind, int(fields["id"]))] = int(fields["cuid"])
        except (OSError, ValueError):
            continue
    return found


def remove_ipc_objects(before, uid):
    """Remove the SysV objects created by ``uid`` that were not there in ``before`` (``ipc_objects()``)."""
    try:
        libc = _libc()
    except OSError:
        return
    for (kind, ident), creator in ipc_objects().items():
        if (kind, ident) in before or creator != uid:
            continue
        if kind == "shm":
            libc.shmctl(ident, IPC_RMID, None)
        elif kind == "sem":
            libc.semctl(ident, 0, IPC_RMID)
        else:
            libc.msgctl(ident, IPC_RMID, None)
