"""The CPU clock of a learner's calls: one /proc reading per call, carried from call to call,
and never carried from a fork server that was replaced (its total is not the new one's)."""
import os
import time

from autograder.runner import cputime


def burn(seconds):
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_a_call_starts_where_the_one_before_ended():
    root = os.getpid()
    first = cputime.TreeClock(root)
    burn(0.1)
    first.read_cpu()
    assert first.cpu() >= 0.05
    second = cputime.TreeClock(root, since=first.mark)
    assert second.cpu_start == first.cpu_now  # no reading of its own at the start
    burn(0.1)
    second.read_cpu()
    assert second.cpu() >= 0.05


def test_a_call_just_after_a_reading_is_counted_with_the_next_one_not_lost():
    root = os.getpid()
    base = cputime.TreeClock(root)
    short = cputime.TreeClock(root, since=base.mark)
    short.read_cpu()  # within UNREAD_SECONDS of the last reading: not read
    assert short.cpu_now == base.cpu_now
    nxt = cputime.TreeClock(root, since=short.mark)
    burn(0.1)
    nxt.read_cpu()
    assert nxt.cpu() >= 0.05


def test_a_mark_from_another_root_is_not_used():
    # A replaced fork server: the old one's total (here absurdly large) would make every call cost nothing.
    stale = (os.getppid(), 1e9, time.monotonic())
    clock = cputime.TreeClock(os.getpid(), since=stale)
    assert clock.cpu_start < 1e9
    burn(0.1)
    clock.read_cpu()
    assert clock.cpu() >= 0.05
