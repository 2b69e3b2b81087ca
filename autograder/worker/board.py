"""The progress board: what a worker is doing, kept where the grader can read it after the worker died.

Before each call into learner code (and each import of a learner's module) a worker names it, so
that a hang or a crash can be told as "train(...) did not finish" rather than by the observer's name.
That is hundreds of labels per learner, and the grader needs one only when a worker is lost. Sent
down the response pipe, each cost a system call in the worker, a wake-up of the grader and a parse.
Instead the grader gives every worker a small shared memory file; the worker overwrites one record
there with plain memory writes, and the grader reads it only when it has to say what was running.

Layout: byte 0 is 1 while a record is being written (a worker killed half-way leaves it so); bytes
4-8 hold the record's length, little-endian; the record follows from byte 8: JSON written by the
worker, which the grader parses like any other message from the learner's side (``wire.loads``) and
uses only if it names the request being answered.
"""
import json
import mmap
import os
import tempfile

SIZE = 4096
HEADER = 8
LABEL_CHARS = 500  # a label longer than this is cut (feedback shows at most 300 characters of it)


def create():
    """The grader's side: a file descriptor of ``SIZE`` zero bytes, to be shared with one worker."""
    try:
        fd = os.memfd_create("rnn-grade-progress", os.MFD_CLOEXEC)
    except (AttributeError, OSError):  # not Linux: an unlinked temporary file serves the same way
        with tempfile.TemporaryFile() as handle:
            fd = os.dup(handle.fileno())
        os.set_inheritable(fd, False)
    os.ftruncate(fd, SIZE)
    return fd


def create_file(path):
    """``create`` as a named file (the portable backend's workers open it by name: no fd passing there)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    os.ftruncate(fd, SIZE)
    return fd


def read(fd):
    """The grader's side: the record on the board as bytes, or None (none yet, or one left half-written)."""
    try:
        if hasattr(os, "pread"):
            raw = os.pread(fd, SIZE, 0)
        else:  # Windows: no pread; only the grader's thread reads this fd
            os.lseek(fd, 0, os.SEEK_SET)
            raw = os.read(fd, SIZE)
    except OSError:
        return None
    if len(raw) < HEADER or raw[0] != 0:
        return None
    length = int.from_bytes(raw[4:8], "little")
    if not 0 < length <= SIZE - HEADER:
        return None
    return raw[HEADER:HEADER + length]


class Writer:
    """The worker's side: overwrites the one record of the board it was given."""

    def __init__(self, fd):
        self.memory = mmap.mmap(fd, SIZE)
        os.close(fd)

    def write(self, message):
        for key in ("call", "module"):
            if isinstance(message.get(key), str) and len(message[key]) > LABEL_CHARS:
                message = dict(message, **{key: message[key][:LABEL_CHARS] + "..."})
        data = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
        memory = self.memory
        if len(data) > SIZE - HEADER:
            # Labels of escaped characters can outgrow the board even cut. No record then: the previous
            # one may carry this same request's id and name another call; never show a cut one either.
            memory[0] = 1
            return
        memory[0] = 1
        memory[HEADER:HEADER + len(data)] = data
        memory[4:8] = len(data).to_bytes(4, "little")
        memory[0] = 0
