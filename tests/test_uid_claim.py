"""Graders running at the same time give their learners different uids (runner/sandbox.py, claim_uid).

A shared uid would let one learner's code signal another's processes, use up their process
limit or lose files to the other grader's clean-up; uids chosen from the pid alone collide
whenever two graders' pids agree modulo the range.
"""
import os
import subprocess
import sys
import textwrap

import pytest

from autograder.paths import KIT_ROOT
from autograder.runner import sandbox
from autograder.errors import MachineError

root_only = pytest.mark.skipif(os.geteuid() != 0, reason="learner uids are switched to only by a root grader")


def test_a_held_uid_is_passed_over_and_free_again_once_its_holder_lets_go(tmp_path):
    folders = (str(tmp_path / "claims"),)
    first, first_lock = sandbox.claim_uid(7, folders)
    second, second_lock = sandbox.claim_uid(7, folders)
    assert first != second and sandbox.UID_FIRST <= min(first, second)
    os.close(first_lock)
    again, again_lock = sandbox.claim_uid(7, folders)
    assert again == first
    os.close(second_lock), os.close(again_lock)


def test_two_graders_whose_pids_agree_modulo_the_range_still_get_two_uids(tmp_path):
    # Both start from the same candidate, as two pids 4,000 apart did under the old formula.
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(KIT_ROOT)!r})
        from autograder.runner import sandbox
        uid, _ = sandbox.claim_uid(123, ({str(tmp_path / "claims")!r},))
        print(uid, flush=True)
        sys.stdin.read()  # hold the claim until the test has seen both
    """)
    graders = [subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                text=True) for _ in range(3)]
    try:
        uids = [int(grader.stdout.readline()) for grader in graders]
    finally:
        for grader in graders:
            grader.communicate("", timeout=30)
    assert len(set(uids)) == 3, uids


def test_a_claims_folder_others_can_write_is_refused_for_the_next_one(tmp_path):
    shared, private = tmp_path / "shared", tmp_path / "private"
    shared.mkdir()
    shared.chmod(0o777)
    with pytest.raises(MachineError, match="closed to others"):
        sandbox.claim_uid(0, (str(shared),))
    uid, lock = sandbox.claim_uid(0, (str(shared), str(private)))
    assert os.path.exists(private / str(uid)) and not any(shared.iterdir())
    os.close(lock)


@root_only
def test_a_uid_some_process_still_runs_as_is_not_given_to_learners(tmp_path):
    uid = sandbox.UID_FIRST + 300
    leftover = subprocess.Popen(["sleep", "60"], user=uid, group=uid)
    try:
        got, lock = sandbox.claim_uid(300, (str(tmp_path / "claims"),))
        assert got != uid
        os.close(lock)
    finally:
        leftover.kill()
        leftover.wait()


@root_only
def test_a_forked_grader_claims_a_uid_of_its_own():
    ours = sandbox.unprivileged_uid()
    assert sandbox.unprivileged_uid() == ours  # the claim is kept for the process's life
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the pool's jobs are forked from the batch's process, which may have claimed one first
        try:
            os.write(write, str(sandbox.unprivileged_uid()).encode())
        finally:
            os._exit(0)
    os.close(write)
    child = int(os.read(read, 64))
    os.waitpid(pid, 0)
    os.close(read)
    assert child != ours
