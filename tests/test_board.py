"""The progress board (autograder/worker/board.py): the grader reads what a lost worker was doing.

The worker is untrusted and may die half-way through a write, or scribble over the board: the
grader must then get no label (and fall back on the observer's name), never a wrong or a cut one.
"""
import os

import pytest

from autograder.worker import board


@pytest.fixture
def shared():
    """(the grader's fd, the worker's writer) of one new board."""
    fd = board.create()
    yield fd, board.Writer(os.dup(fd))
    os.close(fd)


def test_the_last_record_written_is_read(shared):
    fd, writer = shared
    assert board.read(fd) is None  # nothing written yet
    writer.write({"progress": "call", "call": "train(net, X, Y)", "id": 3})
    writer.write({"progress": "call", "call": "f()", "id": 4})
    assert board.read(fd) == b'{"progress":"call","call":"f()","id":4}'


def test_a_record_left_half_written_or_scribbled_over_is_not_read(shared):
    fd, writer = shared
    writer.write({"progress": "call", "call": "f()", "id": 1})
    writer.memory[0] = 1  # killed while writing the next one
    assert board.read(fd) is None
    writer.memory[0] = 0
    writer.memory[4:8] = board.SIZE.to_bytes(4, "little")  # a length past the board's end
    assert board.read(fd) is None


def test_a_record_too_large_for_the_board_leaves_none(shared):
    fd, writer = shared
    writer.write({"progress": "call", "call": "f()", "id": 5})
    escaped = "\x01" * board.LABEL_CHARS  # 6 bytes each in JSON: two such labels outgrow the board
    writer.write({"progress": "call", "call": escaped, "module": escaped, "id": 5})
    assert board.read(fd) is None  # not f()'s record, which names another call of request 5


def test_long_and_non_ascii_labels_fit_whole(shared):
    fd, writer = shared
    writer.write({"progress": "call", "call": "\U0001f600" * 5000, "id": 2})
    record = board.read(fd).decode()
    assert record.startswith('{"progress":"call","call":"\U0001f600') and record.endswith('...","id":2}')
