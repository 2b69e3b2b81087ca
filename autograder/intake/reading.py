"""Reading one file of a submission (a folder's or a zip's entry) within a size limit, with a note for
the learner when it cannot be used: shared by the module and the notebook intake."""
import zipfile


def read_entry(submission, entry, limit, too_big):
    """An entry's bytes, at most ``limit`` of them, or None with a note saying why it was not used
    (a symbolic link, not a regular file, larger than ``limit``: ``too_big(name, size)`` says so)."""
    if entry.symlink:
        submission.notes.append(f"{entry.display} is a symbolic link; it was not used")
        return None
    if not entry.regular:
        submission.notes.append(f"{entry.display} is not a regular file (a named pipe, a device or a socket); "
                                f"it was not used")
        return None
    if entry.size > limit:
        submission.notes.append(too_big(entry.display, entry.size))
        return None
    try:
        data = entry.read(limit)
    except (OSError, zipfile.BadZipFile, RuntimeError, ValueError, EOFError, NotImplementedError) as error:
        # strerror alone: the message must not show the grading machine's paths
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        submission.notes.append(f"{entry.display} could not be read ({reason}); it was not used")
        return None
    if len(data) > limit:
        submission.notes.append(too_big(entry.display, len(data)))
        return None
    return data
