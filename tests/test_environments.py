"""The grader works in the Python environment it is installed in, and says so loudly when it cannot.

- workers run with the grader's own interpreter (a venv's, not the base one it links to), under
  bubblewrap and without it, from a venv under /tmp (which bubblewrap's private /tmp must not hide);
- a prefix copied under /tmp whose interpreter loads libpython from the original prefix runs that very
  libpython under bubblewrap, not the system's (another build); one that finds it only through
  LD_LIBRARY_PATH (an environment module's) runs it in the workers too;
- a machine whose workers cannot import torch is a grader error: `rnn-grade batch` exits 3 and writes
  no grades, `rnn-grade check` exits 3 saying it is the machine; so does a TMPDIR that points nowhere;
- `rnn-grade doctor` says what this machine can do, one line each;
- SIGTERM to `rnn-grade batch` leaves no process behind and keeps what was graded for --resume.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from autograder.cli import main
from autograder.paths import SOLUTIONS
from autograder.runner import sandbox
from conftest import ROOT
from export_helpers import clean_env

EX02 = "ex02_forward_pass"


def write_class(folder, names, base=SOLUTIONS):
    for name in names:
        (folder / name).mkdir(parents=True)
        shutil.copyfile(base / f"{EX02}.py", folder / name / f"{EX02}.py")
    return folder


# -- the worker's interpreter and what the sandbox shows of it -------------------------------------------

def test_workers_start_with_the_graders_interpreter_and_see_its_prefixes(tmp_path):
    command = sandbox.python_command("main.py", 3)
    assert command[0] == os.path.abspath(sys.executable)  # not its resolved path: that leaves a venv behind
    view = sandbox.bwrap_view(tmp_path)
    binds = {view[i + 2]: view[i + 1] for i, arg in enumerate(view) if arg == "--ro-bind"}
    for prefix in {sys.prefix, sys.base_prefix}:
        shown = [dest for dest in binds if prefix == dest or prefix.startswith(dest.rstrip("/") + "/")
                 or dest.startswith(sandbox.SYSTEM_FOLDERS)]
        assert shown, f"{prefix} is not shown inside the sandbox"
    # Everything bound below /tmp comes after the private /tmp, or the tmpfs would hide it.
    tmpfs = view.index("/tmp", view.index("--tmpfs"))
    assert all(i > tmpfs for i, arg in enumerate(view) if arg == "--ro-bind" and view[i + 2].startswith("/tmp/"))


@pytest.fixture(scope="module")
def marked_venv(tmp_path_factory):
    """A venv under /tmp holding a module that only it has (its base Python does not)."""
    path = tmp_path_factory.mktemp("venv-under-tmp") / "env"
    assert str(path).startswith("/tmp/")
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(path)
    python = path / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "only_in_this_venv.py").write_text("ANSWER = 42\n")
    return python


@pytest.mark.parametrize("isolation", ["bwrap", "plain"])
def test_a_venv_under_tmp_is_the_workers_environment(isolation, marked_venv, tmp_path):
    if isolation == "bwrap" and sandbox.bwrap_problem():
        pytest.skip(sandbox.bwrap_problem())
    learner = tmp_path / "learner"
    learner.mkdir()
    text = (SOLUTIONS / f"{EX02}.py").read_text()
    (learner / f"{EX02}.py").write_text("import only_in_this_venv\n" + text)
    done = subprocess.run([str(marked_venv), "-m", "autograder.cli", "check", str(learner), "--exercise", EX02,
                           "--json", "--isolation", isolation], cwd=ROOT, env=clean_env(), capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(done.stdout)
    assert results["tests"] and all(t["score"] == t["max_score"] for t in results["tests"]), \
        [t["output"][-300:] for t in results["tests"] if t["score"] < t["max_score"]]


MOVED_PREFIX_PROBE = """
import sys
from autograder.runner import sandbox
libraries = sandbox.outside_libraries(sandbox.python_roots())
print(sandbox.bwrap_problem() or "ok", *libraries)
"""


def test_a_prefix_copied_elsewhere_runs_the_graders_own_libpython_under_bubblewrap(tmp_path):
    # A standalone prefix under /tmp (conda-style) copied from this Python: built with an absolute RUNPATH,
    # its interpreter still loads libpython from the original prefix. Hidden from the sandbox, the loader
    # would take the system's libpython (another build); the sandbox must show the grader's own.
    if sandbox.bwrap_problem():
        pytest.skip(sandbox.bwrap_problem())
    python = copied_prefix(tmp_path / "moved")
    done = subprocess.run([str(python), "-c", MOVED_PREFIX_PROBE], cwd=ROOT, env=clean_env(),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    verdict, *libraries = done.stdout.split()
    assert verdict == "ok", done.stdout
    base = Path(sys.base_prefix)
    assert any(library.startswith(str(base) + "/") and "libpython" in library for library in libraries), libraries


MODULE_PYTHON_PROBE = """
import sys
from autograder.runner import machine, sandbox
print(machine.workers_python_problem() is None, sandbox.bwrap_problem() or "ok")
"""


def test_a_python_that_finds_its_libpython_only_through_ld_library_path_runs_the_workers_too(tmp_path):
    # An environment module's Python (Lmod, EasyBuild on a cluster): no usable RUNPATH, its lib folder in
    # LD_LIBRARY_PATH. Workers whose environment lacked it would load another libpython (the system's,
    # which then looks for its standard library and torch in the system's folders) or none.
    nowhere = b"/nonexistent"
    prefix = tmp_path / "module"
    python = copied_prefix(prefix)
    python.write_bytes(python.read_bytes().replace(str(Path(sys.base_prefix) / "lib").encode() + b"\0",
                                                   nowhere + b"\0" * (len(str(Path(sys.base_prefix) / "lib")) + 1
                                                                      - len(nowhere))))
    env = dict(clean_env(), LD_LIBRARY_PATH=f"{prefix / 'lib'}::relative")  # an empty and a relative entry too
    done = subprocess.run([str(python), "-c", MODULE_PYTHON_PROBE], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    same, bwrap = done.stdout.split(maxsplit=1)
    assert same == "True", done.stdout
    assert bwrap.strip() == "ok" or not bwrap.startswith("inside the sandbox"), bwrap


def copied_prefix(prefix):
    """This Python's prefix copied to ``prefix`` (no site-packages), its interpreter still loading libpython
    through the absolute RUNPATH of the original; skips where this Python is not built that way."""
    base = Path(sys.base_prefix)
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    original = str(base / "lib").encode() + b"\0"
    if str(base).startswith(sandbox.SYSTEM_FOLDERS) or original not in (base / "bin" / version).read_bytes():
        pytest.skip(f"{base}/bin/{version} does not load its libpython through an absolute RUNPATH")
    assert str(prefix).startswith("/tmp/")
    shutil.copytree(base, prefix, symlinks=True, ignore=lambda folder, names: {"site-packages", "test"} & set(
        names) if Path(folder) == base / "lib" / version else set())
    return prefix / "bin" / version


# -- a machine that cannot grade ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def python_without_torch(tmp_path_factory):
    path = tmp_path_factory.mktemp("bare-venv") / "env"
    venv.EnvBuilder(system_site_packages=False, with_pip=False).create(path)
    return str(path / "bin" / "python")


@pytest.fixture
def workers_without_torch(monkeypatch, python_without_torch):
    """Workers start with a Python that cannot import torch (the grader itself still can)."""
    monkeypatch.setattr(sandbox, "worker_python", lambda: python_without_torch)


def test_a_batch_on_a_machine_without_torch_for_workers_exits_3_and_writes_no_grades(
        workers_without_torch, tmp_path, capsys):
    cls = write_class(tmp_path / "class", ["ada", "ben"])
    out = tmp_path / "out"
    assert main(["batch", str(cls), "--out", str(out), "--jobs", "1", "--isolation", "plain",
                 "--exercise", EX02]) == 3
    err = capsys.readouterr().err
    assert "this machine cannot grade" in err and "No module named" in err
    assert "pip install torch==2.13.0" in err  # the fix
    assert not (out / "gradebook.csv").exists() and not (out / "ada").exists() and not (out / "ben").exists()


def test_check_on_a_machine_without_torch_for_workers_blames_the_machine(workers_without_torch, capsys):
    assert main(["check", str(SOLUTIONS), "--exercise", EX02, "--isolation", "plain"]) == 3
    captured = capsys.readouterr()
    assert "this machine cannot grade; nothing was wrong with your code" in captured.err
    assert "No module named" in captured.err and "0/" not in captured.out


def test_doctor_fails_when_workers_cannot_import_torch(workers_without_torch, capsys):
    assert main(["doctor"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("FAIL") and "worker (plain)" in line and "torch" in line for line in lines)


def test_workers_get_the_absolute_folders_of_the_graders_loader_path_only(monkeypatch, tmp_path):
    python_lib, gcc_lib, open_lib = tmp_path / "python-lib", tmp_path / "gcc-lib64", tmp_path / "open"
    for folder in (python_lib, gcc_lib, open_lib):
        folder.mkdir()
        folder.chmod(0o755)
    open_lib.chmod(0o777)  # anyone could put a library there: never the workers' loader path
    monkeypatch.setenv("LD_LIBRARY_PATH", f"{python_lib}::relative/lib:{gcc_lib}:{open_lib}:{tmp_path}/gone:"
                                          f"{python_lib}")
    assert sandbox.worker_environment()["LD_LIBRARY_PATH"] == f"{python_lib}:{gcc_lib}"
    monkeypatch.setenv("LD_LIBRARY_PATH", ":relative")
    assert "LD_LIBRARY_PATH" not in sandbox.worker_environment()
    monkeypatch.delenv("LD_LIBRARY_PATH")
    assert "LD_LIBRARY_PATH" not in sandbox.worker_environment()


def test_workers_that_run_another_python_build_are_the_machines_problem_named_as_such(monkeypatch):
    from autograder.runner import machine
    from autograder.runner.limits import Limits

    other = "3.11.2 (main, Apr 28 2025, 14:11:48) [GCC 12.2.0]"

    class ReadyServer:  # a fork server that started, from the loader's other libpython
        limits = Limits()
        server_info = {"torch": machine.grader_torch_version(), "version": other}

        def _ensure_ready(self):
            pass

    with pytest.raises(machine.MachineError, match="another libpython") as raised:
        machine.preflight(ReadyServer())
    assert other in str(raised.value) and sys.version in str(raised.value)
    # A fork server that died at start-up (say, of a missing module): the advice names the cause, not pip.
    monkeypatch.setattr(sandbox, "worker_python", lambda: "/bin/sh")  # starts, but is not this Python
    assert "LD_LIBRARY_PATH" in machine.advice("No module named 'numpy'")
    monkeypatch.setattr(sandbox, "worker_python", lambda: "/nonexistent/python")  # cannot be told: pip's advice
    assert "pip install" in machine.advice("No module named 'numpy'")
    monkeypatch.undo()
    assert machine.workers_python_problem() is None  # this machine's workers: the grader's Python
    assert "pip install" in machine.advice("No module named 'numpy'")


def test_a_tmpdir_that_points_nowhere_is_named(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("TMPDIR", str(tmp_path / "nowhere"))
    assert main(["check", str(SOLUTIONS), "--exercise", EX02]) == 3
    assert f"TMPDIR={tmp_path / 'nowhere'} is not a writable folder" in capsys.readouterr().err
    cls = write_class(tmp_path / "class", ["ada"])
    assert main(["batch", str(cls), "--out", str(tmp_path / "out"), "--exercise", EX02]) == 3
    assert "TMPDIR" in capsys.readouterr().err and not (tmp_path / "out" / "gradebook.csv").exists()


def test_doctor_reports_each_capability_on_one_line(capsys):
    assert main(["doctor"]) == 0
    lines = capsys.readouterr().out.splitlines()
    for what in ("python", "temporary folder", "worker (plain)", "bubblewrap", "uid switch", "limits",
                 "reference cache"):
        line = next((line for line in lines if line[6:].startswith(what)), None)
        assert line and line.split()[0] in ("ok", "warn"), (what, lines)
    assert next(line for line in lines if "worker (plain)" in line).startswith("ok")


# -- stopping a batch -----------------------------------------------------------------------------------

# Runs the batch as a child of a subreaper, so that anything the batch leaves behind (pool processes,
# fork servers in their own sessions, workers) is re-parented to it and found by walking /proc.
WATCHER = r"""
import ctypes, json, os, signal, subprocess, sys, time
from pathlib import Path
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)
out = Path(sys.argv[1])
batch = subprocess.Popen([sys.executable, "-m", "autograder.cli", "batch"] + sys.argv[2:],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
deadline = time.monotonic() + 240
while not list(out.glob(".rnn-grade/records/*.json")) and batch.poll() is None and time.monotonic() < deadline:
    time.sleep(0.05)
written = sorted(p.stem for p in out.glob(".rnn-grade/records/*.json"))
batch.send_signal(signal.SIGTERM)
code = batch.wait(60)
err = batch.stderr.read().decode()

def descendants():
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append((int(entry), fields[0]))
    found, stack = [], [os.getpid()]
    while stack:
        for pid, state in children.get(stack.pop(), []):
            stack.append(pid)
            if state != "Z":
                found.append(pid)
    return found

left = descendants()
for _ in range(100):  # a leftover that is still on its way out gets two seconds
    if not left:
        break
    time.sleep(0.02)
    left = descendants()
names = [open(f"/proc/{p}/cmdline").read().replace("\0", " ")[:200] for p in left if os.path.exists(f"/proc/{p}")]
print(json.dumps({"code": code, "written": written, "left": names, "err": err[-2000:]}))
"""


def test_sigterm_stops_the_whole_batch_and_resume_completes_it(tmp_path):
    names = [f"learner{i}" for i in range(6)]
    cls = write_class(tmp_path / "class", names)
    out = tmp_path / "out"
    args = [str(cls), "--out", str(out), "--jobs", "2", "--exercise", EX02]
    done = subprocess.run([sys.executable, "-c", WATCHER, str(out)] + args, cwd=ROOT, env=clean_env(),
                          capture_output=True, text=True, timeout=400)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert report["written"], report
    assert report["left"] == [], f"processes outlived the batch: {report['left']}"
    assert report["code"] == 128 + signal.SIGTERM and "use --resume" in report["err"], report
    assert not (out / "gradebook.csv").exists()
    kept = {name: (out / name / "results.json").stat().st_mtime_ns for name in report["written"]}

    resumed = subprocess.run([sys.executable, "-m", "autograder.cli", "batch", "--resume"] + args, cwd=ROOT,
                             env=clean_env(), capture_output=True, text=True, timeout=400)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    rows = (out / "gradebook.csv").read_text().splitlines()[1:]
    assert sorted(row.split(",")[0] for row in rows) == names
    assert all(row.split(",")[1] == row.split(",")[2] for row in rows), rows  # all full marks
    assert {name: (out / name / "results.json").stat().st_mtime_ns for name in kept} == kept
