"""A worker of the portable backend (``runner/portable.py``): a spawned process, no fork server.

The grader starts ``python main.py --spawned`` (``main.py`` loads this package, the one loader of
both backends, and calls ``serve_one``) with three pipes as its stdin, stdout and stderr.
Before any learner code can run, the protocol's two pipes move away from fds 0-2: requests
are read from a duplicate of fd 0 (then fd 0 reads nothing), answers are written to a
duplicate of fd 1, and fds 1 and 2 (``sys.stdout``, ``sys.stderr``, and what C code and
child processes print) both go to the third pipe, the learner's output. A print can then
never be taken for an answer, which the grader reads on its own pipe only.

Then, as a forked worker would have before its fork: torch and the observers are imported
(``zygote.warm_up``) and the worker says hello on the answer pipe (``{"hello": true, "torch":
..., "version": ...}``: what the grader's preflight compares with its own environment). The
grader's first line names the learner's staged folder, its scratch folder and the progress
board's file; from there on the worker is ``zygote.serve``, unchanged: the same observers, the
same wire format, the same board. Nothing here imports a Unix-only module.
"""
import json
import os
import sys


def _protocol_fds():
    """(requests fd, responses fd): the protocol's pipes, moved off fds 0-2, which now carry no protocol."""
    requests, responses = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)  # the learner's prints, Python's and C's alike, go where its errors go: the output pipe
    for stream in (sys.stdout, sys.stderr):
        # Unbuffered: the worker may be killed at any moment, and what the learner printed up to then
        # is the best clue to what went wrong.
        stream.reconfigure(line_buffering=True, write_through=True)
    return requests, responses


def _read_line(fd):
    """One line from ``fd``, read a byte at a time: what follows it stays in the pipe for ``serve``."""
    data = bytearray()
    while not data.endswith(b"\n"):
        byte = os.read(fd, 1)
        if not byte:
            return None
        data += byte
    return bytes(data)


def _exit_with_the_grader(seconds=1.0):
    """A thread that ends this worker (and so what it runs) once the grader that started it is gone.

    The Linux fork server has the kernel do this (PR_SET_PDEATHSIG); here a thread watches. On POSIX an
    orphan is given a new parent; on Windows a parent's pid is not taken back, so psutil asks whether
    the grader's process still runs."""
    import threading
    import time

    grader = os.getppid()
    try:
        import psutil

        created = psutil.Process(grader).create_time()
    except Exception:  # noqa: BLE001  (no psutil, or the grader already gone: the POSIX test alone)
        psutil, created = None, None

    def gone():
        if os.name != "nt" and os.getppid() != grader:
            return True
        if psutil is not None and created is not None:
            try:
                return psutil.Process(grader).create_time() != created
            except psutil.Error:
                return True
        return False

    def watch():
        while not gone():
            time.sleep(seconds)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def serve_one(warm_plots=False):
    """Be one learner's worker: move the protocol's pipes, import torch, say hello, serve (``main.py --spawned``)."""
    requests, responses = _protocol_fds()
    _exit_with_the_grader()
    import gc

    from . import zygote  # (only now: importing it imports torch, whose prints must not reach the answers)

    zygote.warm_up(plots=warm_plots)
    import torch

    # As the fork server does after its warm-up: torch's objects leave the collector's reach, so a full
    # collection in the learner's code does not walk them all again (not collected first: zygote.py says why).
    gc.freeze()

    hello = {"hello": True, "torch": torch.__version__, "python": sys.executable, "version": sys.version}
    os.write(responses, (json.dumps(hello) + "\n").encode())
    line = _read_line(requests)
    if line is None:
        return  # the grader closed: this spare worker was never needed
    setup = json.loads(line)  # the grader's own message
    folder = setup["dir"]
    if setup.get("tmp"):
        for name in ("TMPDIR", "TMP", "TEMP", "HOME"):
            os.environ[name] = setup["tmp"]
    import tempfile

    tempfile.tempdir = None
    os.chdir(folder)
    sys.path.insert(0, folder)  # exercise modules import each other by name (CURRICULUM.md)
    board_fd = os.open(setup["board"], os.O_RDWR | getattr(os, "O_BINARY", 0))
    zygote.serve(requests, responses, folder, board_fd)

