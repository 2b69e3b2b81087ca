"""Red team: hostile submissions earn nothing, change nobody else's result, and never stop grading.

Every attack of ``tests/redteam/attacks.py`` is a skeleton (worth 0 points)
plus hostile code. For each, in each isolation mode where it is expected to
hold, the test grades the attacker and asserts the exact outcome of every
check, that no file outside its scratch space changed and that none of its
processes survived; then it grades an honest learner with the SAME Grader and
asserts a full score with feedback identical to a clean run. The honest
learner also looks, from inside its own worker, for anything the attacker left
behind (files in its scratch folders, processes carrying the attack's mark).

``bwrap`` runs every attack; ``plain`` (no bubblewrap) runs those marked
``plain=True``: see the README, "How grading stays trustworthy".
"""
import os
import shutil
import socket
import sys
from pathlib import Path

import pytest

from autograder.exercises import MODULES
from autograder.paths import CHECKS, EXERCISES, HIDDEN_CHECKS, KIT_ROOT, SOLUTIONS
from autograder.runner import sandbox
from autograder.runner.grade import Grader
from autograder.runner.limits import Limits
from redteam.attacks import ATTACKS, MARK, build_source
from redteam.attacks_carryover import ATTACKS as CARRYOVER_ATTACKS
from redteam.attacks_limits import ATTACKS as LIMIT_ATTACKS
from redteam.attacks_limits import IPC_KEYS

EXERCISE = "ex02_forward_pass"
LIMITS = Limits(call_seconds=3, submission_seconds=40, wall_factor=2, memory_bytes=3 * 1024 ** 3,
                submission_idle_seconds=12)

# Put in front of the honest learner's module: it fails to import (and so loses
# every point) if anything of an earlier learner is still around.
PROBE = '''
def _rg_traces():
    import os, tempfile
    found = []
    for folder in {tempfile.gettempdir(), "/tmp", "/dev/shm"}:
        try:
            found += [os.path.join(folder, n) for n in os.listdir(folder) if "rg-redteam" in n]
        except OSError:
            pass
    for pid in os.listdir("/proc"):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                if b"rg-redteam" in handle.read():
                    found.append(f"process {pid}")
        except OSError:
            pass
    here = os.path.dirname(os.path.abspath(__file__))
    found += [n for n in os.listdir(here) if n not in _RG_EXERCISE_FILES]
    found += [f"SysV {kind} key {key:#x}" for kind, key in _rg_sysv_keys() if key in _RG_IPC_KEYS]
    try:
        with open("/proc/keys") as handle:
            found += [f"kernel key {line.split()[0]}" for line in handle if "rg-redteam" in line]
    except OSError:
        pass
    return found
if _rg_traces():
    raise RuntimeError(f"an earlier learner left traces: {_rg_traces()}")
'''
SYSV_KEYS = '''
def _rg_sysv_keys():
    """(kind, key) of every SysV shared memory segment, semaphore set and message queue in sight."""
    found = []
    for kind in ("shm", "sem", "msg"):
        try:
            with open(f"/proc/sysvipc/{kind}") as handle:
                header = handle.readline().split()
                found += [(kind, int(dict(zip(header, line.split()))["key"])) for line in handle]
        except (OSError, KeyError, ValueError):
            pass
    return found
'''
# The honest learner's folder holds every exercise module the solutions have, and nothing else.
PROBE = f"_RG_EXERCISE_FILES = {tuple(f'{module}.py' for module in MODULES)!r}\n_RG_IPC_KEYS = {IPC_KEYS!r}\n" \
    + SYSV_KEYS + PROBE
exec(SYSV_KEYS)  # _rg_sysv_keys, for this process's own view: nothing may outlive the grader either


# -- what is running -------------------------------------------------------------------------

def _processes():
    """{pid: (parent pid, real uid, command line)} of every process on the machine."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().decode("ascii", "replace").rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/status", "rb") as handle:
                uid = next(int(line.split()[1]) for line in handle if line.startswith(b"Uid:"))
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                cmdline = handle.read()
        except (OSError, StopIteration, IndexError):
            continue
        if fields[0] != "Z":
            table[int(entry)] = (int(fields[1]), uid, cmdline)
    return table


def _below(table, root):
    found, stack = [], [root]
    while stack:
        parent = stack.pop()
        for pid, (ppid, _, _) in table.items():
            if ppid == parent:
                found.append(pid)
                stack.append(pid)
    return found


def leftovers(grader):
    """Processes that must not exist between two learners, described for an assertion message."""
    table = _processes()
    bad = set()
    started = grader.launcher._server  # noqa: SLF001  (bwrap, or the fork server itself)
    if started is not None:
        def is_server(pid):
            argv = table.get(pid, (0, 0, b""))[2].split(b"\0")
            return os.path.basename(argv[0]) != b"bwrap" and b"--zygote" in argv
        servers = [pid for pid in [started.pid] + _below(table, started.pid)
                   if is_server(pid) and not is_server(table[pid][0])]
        assert servers, "the fork server is not running"
        bad |= {pid for server in servers for pid in _below(table, server)}   # its workers and their children
    bad |= {pid for pid, (_, _, cmd) in table.items() if MARK.encode() in cmd}
    worker_uid = sandbox.unprivileged_uid() if grader.isolation == "bwrap" else sandbox.plain_worker_uid()
    if worker_uid is not None:
        bad |= {pid for pid, (_, uid, _) in table.items() if uid == worker_uid}
    return sorted(f"{pid}: {table[pid][2][:120]!r}" for pid in bad if pid in table)


# -- fixtures ----------------------------------------------------------------------------------

def _isolation_params():
    reason = sandbox.bwrap_problem()
    return [pytest.param("bwrap", marks=pytest.mark.skipif(reason is not None, reason=f"no bubblewrap: {reason}")),
            "plain"]


@pytest.fixture(scope="module", params=_isolation_params())
def bench(request, reference, tmp_path_factory):
    """One Grader per isolation mode, an honest learner and its clean result."""
    root = tmp_path_factory.mktemp(f"redteam-{request.param}")
    honest = root / "honest"
    shutil.copytree(SOLUTIONS, honest, ignore=shutil.ignore_patterns("__pycache__", "_*", "*.md"))
    module = honest / f"{EXERCISE}.py"
    module.write_text(PROBE + module.read_text())
    # The grader may run from a folder holding a class's submissions, and the live reference
    # puts solutions/ on sys.path: neither may become visible to learners.
    saved = list(sys.path)
    sys.path[:0] = [str(root), str(SOLUTIONS), str(HIDDEN_CHECKS)]
    try:
        grader = Grader(reference, exercises=[EXERCISE], limits=LIMITS, isolation=request.param)
    finally:
        sys.path[:] = saved
    clean = grader.grade(honest, student="honest")
    assert clean.total == clean.max_total == 10, [(c.name, c.feedback) for c in clean.checks]
    yield {"mode": request.param, "grader": grader, "honest": honest, "clean": clean, "root": root}
    grader.close()
    assert not leftovers(grader)


def _view(result):
    return [(c.name, c.status, c.points, c.feedback) for c in result.checks], result.notes, result.output


def _canaries(root):
    """Files an attacker must not change: a gradebook in an output folder, another learner's work, the kit."""
    out = root / "grades"
    out.mkdir(exist_ok=True)
    files = {out / "gradebook.csv": "student,total\nhonest,10\n",
             root / "honest" / "ex01_rnn_layer.py": None,
             KIT_ROOT / f".{MARK}-canary": "the kit's own file\n"}
    for path, text in files.items():
        if text is not None:
            path.write_text(text)
    return {path: path.read_bytes() for path in files}


def _attacker(bench, attack, canaries, tmp_path, port=0):
    """The attack's submission folder, its module's text and the paths it was told about."""
    folder = tmp_path / attack.name
    shutil.copytree(EXERCISES, folder, ignore=shutil.ignore_patterns("__pycache__", "_*"))
    paths = {"kit_roots": [str(KIT_ROOT), "/work/main"],
             "secrets": [str(SOLUTIONS / f"{EXERCISE}.py"), f"/work/main/solutions/{EXERCISE}.py",
                         str(CHECKS / "public" / f"test_{EXERCISE}.py"), str(HIDDEN_CHECKS / f"test_{EXERCISE}.py"),
                         str(bench["honest"] / f"{EXERCISE}.py")],
             "secret_dirs": [str(SOLUTIONS), str(CHECKS / "public"), str(HIDDEN_CHECKS), str(bench["honest"])],
             "write": [str(p.parent / f"{MARK}-written") for p in canaries] + [str(folder / f"{MARK}-written")],
             "delete": [str(p) for p in canaries], "port": port}
    source = build_source((EXERCISES / f"{EXERCISE}.py").read_text(), attack, paths)
    (folder / f"{EXERCISE}.py").write_text(source)
    return folder, source, paths


def _remove_sysv(keys):
    """Remove SysV objects with these keys from this process's namespace (after a kit that leaks them)."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    for kind, key in _rg_sysv_keys():  # noqa: F821  (defined by exec above)
        if key not in keys:
            continue
        if kind == "shm":
            libc.shmctl(libc.shmget(key, 0, 0), 0, None)   # IPC_RMID
        elif kind == "sem":
            libc.semctl(libc.semget(key, 0, 0), 0, 0)
        else:
            libc.msgctl(libc.msgget(key, 0), 0, None)


EVERY_ATTACK = ATTACKS + LIMIT_ATTACKS + CARRYOVER_ATTACKS
# Attacks the fork server must outlive (a cleanup it cannot finish would otherwise end it, silently).
SERVER_SURVIVES = {"deep_folder_tree_in_scratch", "sysv_ipc_for_the_next_learner", "floods_the_answer_pipe"}


@pytest.mark.parametrize("attack", EVERY_ATTACK, ids=[a.name for a in EVERY_ATTACK])
def test_attack_earns_nothing_and_harms_nobody(bench, attack, tmp_path):
    mode, grader = bench["mode"], bench["grader"]
    if mode == "plain" and not attack.plain:
        pytest.skip("needs bubblewrap: without it learner code runs as the grader's user and sees its files")
    canaries = _canaries(bench["root"])
    listener = socket.create_server(("127.0.0.1", 0))  # the grader's side of the network
    listener.setblocking(False)
    folder, source, paths = _attacker(bench, attack, canaries, tmp_path, listener.getsockname()[1])
    server = grader.launcher._server.pid  # noqa: SLF001
    try:
        result = grader.grade(folder, student=attack.name)
        if attack.name in SERVER_SURVIVES:
            assert grader.launcher._server.pid == server, "the fork server had to be restarted"  # noqa: SLF001
        assert not [k for _, k in _rg_sysv_keys() if k in IPC_KEYS], "SysV objects outlived the learner"  # noqa: F821

        # It earned nothing, and every check says what happened.
        assert result.total == 0
        expected = attack.expected(mode)
        got = {c.name.split(".", 1)[1]: c for c in result.checks}
        assert set(got) == set(expected)
        for check, (status, words) in expected.items():
            assert (got[check].status, [w for w in words if w not in got[check].feedback]) == (status, []), \
                f"{check}: {got[check].status}\n{got[check].feedback}"
        for report in ("stole", "changed", "reached"):  # what the attack itself found it could do
            if f"{MARK} {report}" in attack.prelude:
                assert f"{MARK} {report} []" in result.output, result.output[-2000:]

        # Nothing outside its scratch space changed, nothing of it still runs.
        with pytest.raises(BlockingIOError):
            listener.accept()
        assert {p: p.read_bytes() if p.exists() else None for p in canaries} == canaries
        assert not [p for p in paths["write"] if Path(p).exists()]
        assert (folder / f"{EXERCISE}.py").read_text() == source
        assert leftovers(grader) == []

        # The next learner, graded by the same Grader, gets exactly a clean run's result.
        after = grader.grade(bench["honest"], student="honest")
        assert _view(after) == _view(bench["clean"])
        assert leftovers(grader) == []
    finally:
        listener.close()
        _remove_sysv(IPC_KEYS)
        for path in canaries:
            if path.name.startswith("."):
                path.unlink(missing_ok=True)


def test_without_bubblewrap_the_reading_attack_works(bench, tmp_path):
    """The control for ``reads_and_imports_...``: where nothing hides the files, it takes full marks.

    This is what bubblewrap prevents, and why ``plain`` mode carries a warning;
    it also shows the attack is potent, so its 0 under bubblewrap means something.
    """
    if bench["mode"] != "plain":
        pytest.skip("the control runs without bubblewrap")
    attack = next(a for a in ATTACKS if a.name.startswith("reads_and_imports"))
    folder, _, _ = _attacker(bench, attack, {}, tmp_path)
    result = bench["grader"].grade(folder, student=attack.name)
    assert result.total == result.max_total == 10
    assert f"{SOLUTIONS / EXERCISE}.py" in result.output


# -- bounds and learner text (issue #11 part B) ---------------------------------------------------

def _graded(bench, tmp_path, name):
    attack = next(a for a in EVERY_ATTACK if a.name == name)
    folder, _, _ = _attacker(bench, attack, {}, tmp_path)
    return bench["grader"].grade(folder, student=attack.name)


def _memory(field):
    with open("/proc/self/status") as handle:
        return next(int(line.split()[1]) * 1024 for line in handle if line.startswith(field + ":"))


def test_answer_floods_keep_the_grader_small(bench, tmp_path):
    """A gigabyte line, millions of values, deep nesting, huge lines for other ids: the grader's
    peak memory (reset just before) grows by far less than what the worker wrote."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")  # resets VmHWM, the peak resident size, to the current one
    except OSError:
        pytest.skip("this kernel cannot reset a process's peak memory")
    before = _memory("VmRSS")
    result = _graded(bench, tmp_path, "floods_the_answer_pipe")
    grown = _memory("VmHWM") - before
    assert result.total == 0
    assert grown < 300 * 2 ** 20, f"the grader's peak memory grew by {grown / 2 ** 20:.0f} MiB"


def test_learner_text_cannot_pass_for_the_graders(bench, tmp_path):
    """Printed and raised text, type names and returned strings show up cleaned and marked, in every view."""
    from autograder.batch.feedback_file import feedback_text
    from autograder.runner.results import render_table, to_gradescope

    result = _graded(bench, tmp_path, "forges_the_graders_lines")
    document = to_gradescope(result)
    views = {"rnn-grade check": render_table(result, show_passed=True), "feedback.txt": feedback_text(result),
             "results.json": "\n".join([document["output"]] + [t["output"] for t in document["tests"]])}
    for where, text in views.items():
        assert not [c for c in "\x1b\x07\r" if c in text], where
        forged = [line for line in text.splitlines() if line.lstrip().startswith(("[ok]", "Hint:", "Total: 100"))]
        assert forged == [], f"{where}: {forged}"
    # What the code printed is there, every line of it marked as the learner's.
    assert "  | [ok] ex02_forward_pass.init_hidden_notebook  (2/2, passed)" in views["feedback.txt"]
    assert "  | Total: 100/100" in views["feedback.txt"]
