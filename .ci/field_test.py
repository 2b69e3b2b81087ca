"""Field test: the kit as users meet it, in fresh virtual environments (called by .ci/run).

  a. README's quick start in a fresh venv (`python3 -m venv`, `pip install torch==2.13.0 -e .`,
     `rnn-grade batch --out grades`): the gradebook equals the one this machine's Python writes;
  b. the learner bundle installed in a fresh venv: solutions full marks, skeleton 0;
  c. the Gradescope zip in an emulated /autograder (setup.sh, then run_autograder): solutions 100,
     skeleton 0, and a learner that tries to read the recorded answers and hidden checks reads
     nothing, under bubblewrap and without it;
  d. workers once as a non-root user (from a venv that user can read) and once without bubblewrap;
  e. a uv environment (`uv venv`, `uv pip install`: no pip inside, other links than `python -m venv`):
     README's batch gives the same gradebook, workers start with the venv's Python in both isolations,
     solutions full marks and skeleton 0 in auto and plain isolation;
  f. a conda-style environment: a standalone prefix (sys.prefix == sys.base_prefix) under /tmp, which
     bubblewrap's private /tmp must not hide, copied from this Python's own prefix; its interpreter finds
     libpython as conda's does ($ORIGIN/../lib), once as copied (libpython still in the original
     prefix), and once as an environment module's (Lmod, EasyBuild: found only through LD_LIBRARY_PATH,
     while the system has a libpython of its own that the loader would take instead): solutions full
     marks and skeleton 0 under bubblewrap.

Every step prints one line `field: <step>: ok (...)`; the first failure stops with exit 1.
Run from the kit's root: `python .ci/field_test.py [--keep]`.
"""
import argparse
import contextlib
import csv
import importlib.metadata
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))
TORCH = "torch==2.13.0"
USER = "rnngradefield"
STARTED = time.monotonic()


class Failed(Exception):
    pass


def run(command, timeout=900, check=True, env=None, attempts=1, **kwargs):
    """Run ``command``; on failure raise Failed with its output's tail.

    ``attempts=2`` for the exports: they grade the solutions with time limits, which a machine
    busy with other work can miss once."""
    for attempt in range(1, attempts + 1):
        try:
            return _run_once(command, timeout, check, env, **kwargs)
        except Failed as failure:
            if attempt == attempts or "did not finish within" not in str(failure):
                raise
            say("retry", f"time limits missed (is the machine busy?): {' '.join(map(str, command[:4]))}")


def _run_once(command, timeout, check, env, **kwargs):
    env = dict(os.environ if env is None else env)
    for key in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"):
        env.pop(key, None)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True, timeout=timeout, env=env,
                          **kwargs)
    if check and done.returncode != 0:
        raise Failed(f"{' '.join(map(str, command))} exited {done.returncode}:\n{done.stdout[-2500:]}\n"
                     f"{done.stderr[-2500:]}")
    return done


def say(step, text):
    print(f"field: {step}: {text} [{time.monotonic() - STARTED:.0f} s]", flush=True)


def fresh_venv(path, base="python3", packages=()):
    """A venv of its own (no system site-packages), with torch's CPU build first, then ``packages``."""
    run([base, "-m", "venv", path])
    python = Path(path) / "bin" / "python"
    run([python, "-m", "pip", "install", "--quiet", TORCH, *packages])
    return python


def gradebook(folder):
    with open(Path(folder) / "gradebook.csv", newline="") as handle:
        return list(csv.reader(handle))


def check_json(command, **kwargs):
    """`rnn-grade check --json`'s document; once more if time limits alone cost points (a busy machine)."""
    for attempt in (1, 2):
        done = run(command, check=False, **kwargs)
        if done.returncode not in (0, 1):  # 1: some check did not pass (the skeleton's); anything else: a failure
            raise Failed(f"{' '.join(map(str, command))} exited {done.returncode}:\n{done.stdout[-2500:]}\n"
                         f"{done.stderr[-2500:]}")
        try:
            document = json.loads(done.stdout)
        except ValueError:
            raise Failed(f"{' '.join(map(str, command))} exited {done.returncode} without a JSON document:\n"
                         f"stdout: {done.stdout[-2500:]}\nstderr: {done.stderr[-4000:]}") from None
        lost = [t["output"] for t in document["tests"] if t["score"] < t["max_score"]]
        if done.returncode != (1 if lost else 0):
            raise Failed(f"{' '.join(map(str, command[:4]))} exited {done.returncode} with {len(lost)} checks lost")
        if not lost or attempt == 2 or not all("did not finish within" in text for text in lost):
            return document
        say("retry", f"{len(lost)} checks ran out of time (is the machine busy?): {' '.join(map(str, command[:3]))}")


def assert_full_and_zero(step, full, zero):
    got, most = full["score"], sum(t["max_score"] for t in full["tests"])
    if not (most > 0 and got == most):
        raise Failed(f"{step}: the solutions got {got}/{most}: " +
                     "; ".join(t["output"][-200:] for t in full["tests"] if t["score"] < t["max_score"])[:2000])
    if zero["score"] != 0:
        raise Failed(f"{step}: the skeleton got {zero['score']}, not 0")
    return f"solutions {got:g}/{most:g}, skeleton 0"


def system_grades(work):
    """README's batch graded by this machine's Python (once; parts a and e compare their gradebooks with it)."""
    ours = work / "grades-system"
    if not (ours / "gradebook.csv").exists():
        run([sys.executable, "-m", "autograder.cli", "batch", "--out", ours], cwd=ROOT)
    return ours


def bwrap_problem():
    from autograder.runner import sandbox

    return sandbox.bwrap_problem()


def world_traversable(path):
    for parent in [Path(path)] + list(Path(path).parents):
        if not os.stat(parent).st_mode & 0o001:
            return False
    return True


# -- a. README's quick start in a fresh venv ----------------------------------------------------------

def readme_in_venv(work):
    venv = work / "readme-venv"
    run(["python3", "-m", "venv", venv])
    # The README's command, word for word, in the venv (activated by PATH, as `. .venv/bin/activate` does).
    env = dict(os.environ, PATH=f"{venv / 'bin'}:{os.environ['PATH']}", VIRTUAL_ENV=str(venv))
    grades = work / "grades-venv"
    run(["bash", "-c", f"pip install --quiet torch==2.13.0 -e . && rnn-grade batch --out {grades}"], cwd=ROOT,
        env=env)
    ours = system_grades(work)
    if gradebook(grades) != gradebook(ours):
        raise Failed(f"the venv's gradebook differs from this Python's:\n{gradebook(grades)}\n{gradebook(ours)}")
    rows = gradebook(grades)[1:]
    say("a. README in a fresh venv", f"{len(rows)} learners, gradebook identical to {sys.executable}'s")
    # d (without bubblewrap): the same venv, --isolation plain.
    rnn_grade = venv / "bin" / "rnn-grade"
    result = assert_full_and_zero("plain", check_json([rnn_grade, "check", ROOT / "solutions", "--json",
                                                       "--isolation", "plain"], cwd=work, env=env),
                                  check_json([rnn_grade, "check", ROOT / "exercises", "--json",
                                              "--isolation", "plain"], cwd=work, env=env))
    say("d. venv, --isolation plain, root", result)
    return venv


# -- b. the learner bundle in a fresh venv, d. as a non-root user ------------------------------------

def bundle_in_venv(work):
    bundle = work / "bundle"
    run([sys.executable, "-m", "autograder.cli", "release", "--out", bundle], cwd=ROOT, attempts=2)
    base = "/usr/bin/python3" if world_traversable("/usr/bin/python3") else "python3"
    python = fresh_venv(work / "bundle-venv", base=base, packages=["-e", bundle])
    rnn_grade = python.parent / "rnn-grade"
    mine = work / "mine"
    shutil.copytree(ROOT / "solutions", mine, ignore=shutil.ignore_patterns("__pycache__"))
    result = assert_full_and_zero("bundle", check_json([rnn_grade, "check", mine, "--json"], cwd=bundle),
                                  check_json([rnn_grade, "check", "--json"], cwd=bundle))
    say("b. learner bundle in a fresh venv (root, auto isolation)", result)
    if os.geteuid() != 0:
        say("d. non-root user", "skipped: this test runs as a non-root user already (see b)")
        return
    if not world_traversable(python.resolve()):
        raise Failed(f"{python.resolve()} is not readable by other users: no venv for a non-root user")
    try:
        pwd.getpwnam(USER)
    except KeyError:
        run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", USER])
    home = work / "user-home"
    home.mkdir()
    shutil.chown(home, USER)
    env = dict(os.environ, HOME=str(home), PATH=f"{python.parent}:/usr/bin:/bin")
    as_user = ["setpriv", f"--reuid={USER}", f"--regid={USER}", "--init-groups", "--"]
    # A desktop user runs hundreds of threads (browser, editor), and RLIMIT_NPROC counts them all:
    # the workers, which run as that same user, must still grade. With user namespaces a worker counts
    # only its own namespace's tasks; without them (Ubuntu 24.04 refuses them to unprivileged users by
    # default, and bubblewrap with them) it counts every thread of the user's.
    others = [subprocess.Popen(as_user + ["sleep", "900"]) for _ in range(100)]
    try:
        _grade_as_user(as_user, rnn_grade, mine, bundle, home, env, ("auto", "plain"), "")
        with user_namespaces_refused() as refused:
            if refused:
                _grade_as_user(as_user, rnn_grade, mine, bundle, home, env, ("auto",), ", no user namespaces")
            else:
                say("d. as a non-root user without user namespaces", "skipped: /proc/sys/user cannot be written")
    finally:
        for process in others:
            process.kill()
            process.wait()


def _grade_as_user(as_user, rnn_grade, mine, bundle, home, env, isolations, setting):
    for isolation in isolations:
        result = assert_full_and_zero(
            f"user {isolation}{setting}",
            check_json(as_user + [rnn_grade, "check", mine, "--json", "--isolation", isolation], cwd=home, env=env),
            check_json(as_user + [rnn_grade, "check", bundle / "exercises", "--json", "--isolation", isolation],
                       cwd=home, env=env))
        say(f"d. learner bundle as user {USER} (running 100 other processes{setting}), --isolation {isolation}",
            result)


@contextlib.contextmanager
def user_namespaces_refused():
    """No new user namespaces on this machine while inside (True), or unchanged when that cannot be set."""
    knob = Path("/proc/sys/user/max_user_namespaces")
    try:
        before = knob.read_text()
        knob.write_text("0\n")
    except OSError:
        yield False
        return
    try:
        yield True
    finally:
        knob.write_text(before)


# -- c. the Gradescope zip in an emulated /autograder ------------------------------------------------

def unpack(archive, source):
    with zipfile.ZipFile(archive) as handle:
        for info in handle.infolist():
            target = source / info.filename
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(handle.read(info))
            os.chmod(target, (info.external_attr >> 16) & 0o777)


def gradescope(work):
    from secret_reader import write_secret_reader

    export = work / "gradescope-export"
    run([sys.executable, "-m", "autograder.cli", "export", "gradescope", "--out", export], cwd=ROOT, attempts=2)
    root = work / "autograder"
    unpack(export / "autograder.zip", root / "source")
    base = "/usr/bin/python3" if world_traversable("/usr/bin/python3") else "python3"
    env = dict(os.environ, AUTOGRADER_ROOT=str(root), RNN_GRADE_BASE_PYTHON=base)
    setup = run(["bash", root / "source" / "setup.sh"], env=env, timeout=1500)
    say("c. Gradescope setup.sh", "ok; its doctor:\n" + setup.stdout.strip())
    no_bwrap = work / "no-bwrap-bin"   # a PATH with bash and env but no bwrap
    no_bwrap.mkdir()
    for tool in ("bash", "env"):
        os.symlink(shutil.which(tool), no_bwrap / tool)

    def submit(files_from, label, path=None):
        submission = root / "submission"
        shutil.rmtree(submission, ignore_errors=True)
        submission.mkdir()
        if callable(files_from):
            files_from(submission)
        else:
            for module in sorted(Path(files_from).glob("ex0*.py")):
                shutil.copyfile(module, submission / module.name)
        shutil.rmtree(root / "results", ignore_errors=True)
        run_env = dict(env, PATH=str(path) if path else os.environ["PATH"])
        done = run(["bash", root / "source" / "run_autograder"], env=run_env, check=False)
        results = json.loads((root / "results" / "results.json").read_text())
        if done.returncode != 0:
            raise Failed(f"run_autograder on {label} exited {done.returncode}: {results.get('output', '')[:2000]}")
        return results

    for label, path in (("auto isolation", None), ("no bubblewrap on PATH", no_bwrap)):
        full, zero = submit(ROOT / "solutions", "solutions", path), submit(ROOT / "exercises", "skeleton", path)
        result = assert_full_and_zero(f"gradescope {label}", full, zero)
        if full["score"] != 100:
            raise Failed(f"gradescope: the solutions scored {full['score']}, not 100")
        secrets = [root / "source" / "reference.json", root / "source" / "kit" / "autograder" / "checks" / "hidden"]
        secrets += list((root / "venv").glob("lib/python3*/site-packages/autograder/checks/hidden"))
        if not all(p.exists() for p in secrets):
            raise Failed(f"gradescope: a secret to probe is missing: {secrets}")
        probe = submit(lambda folder: write_secret_reader(folder, secrets), "secret reader", path)
        leaks = [t["output"][-400:] for t in probe["tests"] if "LEAKED" in t["output"]]
        ex02 = [t for t in probe["tests"] if t["name"].startswith("ex02_forward_pass")]
        if leaks or not ex02 or any(t["score"] != t["max_score"] for t in ex02):
            raise Failed(f"gradescope {label}: learner code read a secret or lost points: {leaks or ex02}")
        say(f"c. Gradescope run_autograder, {label}", result + "; a learner reading the recorded answers and "
                                                            "hidden checks found nothing")


# -- e. a uv environment -------------------------------------------------------------------------------

def uv_tool(work):
    """uv (installed with pip into a venv of its own), its cache inside ``work``, and torch's wheel as this
    machine's pip gets it: uv reads no pip configuration, and a bare `torch` from PyPI is the CUDA build."""
    tool = work / "uv-tool"
    if not (tool / "bin" / "uv").exists():
        run([sys.executable, "-m", "venv", tool])
        run([tool / "bin" / "python", "-m", "pip", "install", "--quiet", "uv"])
    wheels = work / "torch-wheel"
    if not list(wheels.glob("torch-*.whl")):
        version = importlib.metadata.version("torch")  # the build this machine grades with (2.13.0+cpu)
        run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:", "-d", wheels,
             f"torch=={version}"])
    wheel, = wheels.glob("torch-*.whl")
    scratch = work / "uv-tmp"   # uv's lock files, removed with the work folder
    scratch.mkdir(exist_ok=True)
    env = dict(os.environ, UV_CACHE_DIR=str(work / "uv-cache"), UV_NO_PROGRESS="1", TMPDIR=str(scratch))
    return tool / "bin" / "uv", wheel, env


def uv_env(work):
    uv, wheel, uv_env_vars = uv_tool(work)
    venv = work / "uv-venv"
    started = time.monotonic()
    run([uv, "venv", "--quiet", venv, "--python", sys.executable], env=uv_env_vars)
    # The wheel's path in the same command as the kit: torch is never resolved from PyPI.
    run([uv, "pip", "install", "--quiet", "--python", venv / "bin" / "python", wheel, "-e", ROOT], env=uv_env_vars)
    installed = time.monotonic() - started
    if (venv / "bin" / "pip").exists():
        raise Failed(f"{venv} has pip: not the uv environment this part means to test")
    # README's command in the activated environment, as in part a.
    env = dict(os.environ, PATH=f"{venv / 'bin'}:{os.environ['PATH']}", VIRTUAL_ENV=str(venv))
    grades = work / "grades-uv"
    run(["bash", "-c", f"rnn-grade batch --out {grades}"], cwd=ROOT, env=env)
    ours = system_grades(work)
    if gradebook(grades) != gradebook(ours):
        raise Failed(f"the uv venv's gradebook differs from this Python's:\n{gradebook(grades)}\n{gradebook(ours)}")
    say("e. README in a uv venv", f"installed in {installed:.0f} s, {len(gradebook(grades)) - 1} learners, "
                                  f"gradebook identical to {sys.executable}'s")
    rnn_grade = venv / "bin" / "rnn-grade"
    # The workers run the venv's own interpreter (not the base Python it links to, which may have torch too).
    doctor = run([rnn_grade, "doctor"], cwd=work, env=env).stdout
    workers = [line for line in doctor.splitlines() if line[6:].startswith("worker (")]
    expected = 1 if bwrap_problem() else 2  # worker (plain), and worker (bwrap) where bubblewrap works
    if len([line for line in workers if line.startswith("ok") and f"({venv / 'bin' / 'python'})" in line]) < expected:
        raise Failed(f"uv venv: the workers do not start with {venv / 'bin' / 'python'}:\n{doctor}")
    for isolation in ("auto", "plain"):
        result = assert_full_and_zero(
            f"uv {isolation}",
            check_json([rnn_grade, "check", ROOT / "solutions", "--json", "--isolation", isolation], cwd=work, env=env),
            check_json([rnn_grade, "check", ROOT / "exercises", "--json", "--isolation", isolation], cwd=work, env=env))
        say(f"e. uv venv, --isolation {isolation}, root", result)


# -- f. a conda-style environment: a standalone prefix under /tmp -----------------------------------------

def standalone_copy(target):
    """A copy of this Python's own prefix without its site-packages (a standalone prefix, as conda makes).

    Returns (interpreter, interpreter as copied or None, interpreter of a module or None): the first finds
    libpython through $ORIGIN/../lib like conda's; the second, when this Python was built with an absolute
    RUNPATH, still loads libpython from the original prefix (a prefix copied or moved elsewhere); the third
    has no usable RUNPATH and finds the prefix's libpython only through LD_LIBRARY_PATH."""
    base = Path(sys.base_prefix)
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    stdlib = Path("lib") / f"python{version}"

    def ignore(folder, names):
        where = Path(folder).relative_to(base)
        if where == stdlib:
            return {"site-packages", "test"}
        if where == Path("bin"):
            return {name for name in names if not name.startswith("python")}
        return set()

    shutil.copytree(base, target, symlinks=True, ignore=ignore)
    (target / stdlib / "site-packages").mkdir()
    (target / "conda-meta").mkdir(exist_ok=True)
    (target / "conda-meta" / "history").touch()
    python = target / "bin" / f"python{version}"
    data = python.read_bytes()
    original = str(base / "lib").encode() + b"\0"
    conda = b"$ORIGIN/../lib"
    if data.count(original) != 1 or len(original) <= len(conda):
        return python, None, None
    moved = target / "bin" / f"python{version}-moved"
    shutil.copy2(python, moved)
    module = target / "bin" / f"python{version}-module"
    shutil.copy2(python, module)
    nowhere = b"/nonexistent"
    module.write_bytes(data.replace(original, nowhere + b"\0" * (len(original) - len(nowhere))))
    python.write_bytes(data.replace(original, conda + b"\0" * (len(original) - len(conda))))
    return python, moved, module


def conda_style(work):
    if sys.base_prefix.startswith(("/usr", "/lib", "/bin")) or sys.base_prefix == "/":
        say("f. conda-style prefix", f"skipped: {sys.base_prefix} is a system installation, not a prefix to copy")
        return
    uv, wheel, uv_env_vars = uv_tool(work)
    prefix = work / "conda-env"
    assert str(prefix).startswith("/tmp/"), prefix
    started = time.monotonic()
    python, moved, module = standalone_copy(prefix)
    run([uv, "pip", "install", "--quiet", "--python", python, wheel, "-e", ROOT], env=uv_env_vars)
    installed = time.monotonic() - started
    where = run([python, "-c", "import sys, torch; print(sys.prefix, sys.base_prefix, torch.__file__)"]).stdout.split()
    if where[:2] != [str(prefix)] * 2 or not where[2].startswith(str(prefix) + "/"):
        raise Failed(f"the copied Python is not a standalone prefix at {prefix}: {where}")
    isolation = "plain" if bwrap_problem() else "bwrap"  # explicit: no quiet fall-back to plain
    env = dict(os.environ, PATH=f"{prefix / 'bin'}:{os.environ['PATH']}")
    rnn_grade = prefix / "bin" / "rnn-grade"
    result = assert_full_and_zero(
        "conda-style",
        check_json([rnn_grade, "check", ROOT / "solutions", "--json", "--isolation", isolation], cwd=work, env=env),
        check_json([rnn_grade, "check", ROOT / "exercises", "--json", "--isolation", isolation], cwd=work, env=env))
    say(f"f. conda-style prefix under /tmp, --isolation {isolation}, root", f"set up in {installed:.0f} s, {result}")
    exercise = ["--exercise", "ex02_forward_pass"]
    if moved is None or isolation != "bwrap":
        say("f. prefix copied as it is", "skipped: " + ("this Python finds its libpython without an absolute "
                                                        "RUNPATH" if moved is None else "no bubblewrap here"))
        if moved is not None:  # the module's Python needs no sandbox to be tested
            module_style(work, prefix, module, env, exercise, ("plain",))
        return
    result = assert_full_and_zero(
        "moved prefix",
        check_json([moved, "-m", "autograder.cli", "check", ROOT / "solutions", *exercise, "--json",
                    "--isolation", isolation], cwd=work, env=env),
        check_json([moved, "-m", "autograder.cli", "check", ROOT / "exercises", *exercise, "--json",
                    "--isolation", isolation], cwd=work, env=env))
    say(f"f. prefix copied as it is (libpython in {sys.base_prefix}), --isolation {isolation}", result)
    module_style(work, prefix, module, env, exercise, ("bwrap", "plain"))


def module_style(work, prefix, module, env, exercise, isolations):
    """An environment module's Python: its libpython is found through LD_LIBRARY_PATH alone."""
    probe = [module, "-c", "import sys; print(sys.version)"]
    bare = subprocess.run(probe, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    if bare.returncode == 0 and bare.stdout.strip() == sys.version:
        raise Failed(f"{module} finds its own libpython without LD_LIBRARY_PATH: nothing to test")
    env = dict(env, LD_LIBRARY_PATH=f"{prefix / 'lib'}::relative")  # an empty and a relative entry: dropped
    if run(probe, env=env).stdout.strip() != sys.version:
        raise Failed(f"{module} with LD_LIBRARY_PATH={env['LD_LIBRARY_PATH']} does not run this Python")
    without = ("another libpython (" + bare.stdout.split()[0] + ")" if bare.returncode == 0 else "no libpython")
    for isolation in isolations:
        result = assert_full_and_zero(
            f"module {isolation}",
            check_json([module, "-m", "autograder.cli", "check", ROOT / "solutions", *exercise, "--json",
                        "--isolation", isolation], cwd=work, env=env),
            check_json([module, "-m", "autograder.cli", "check", ROOT / "exercises", *exercise, "--json",
                        "--isolation", isolation], cwd=work, env=env))
        say(f"f. environment-module Python (libpython through LD_LIBRARY_PATH only; without it the loader finds "
            f"{without}), --isolation {isolation}", result)


# -- g. Colab's shape: the notebook's own check cell, root, no bubblewrap, the bundle installed from a zip ----

COLAB_KERNEL_RUN = """
import sys
import nbformat
from nbclient import NotebookClient
path = sys.argv[1]
nb = nbformat.read(path, as_version=4)
NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": sys.argv[2]}}).execute()
nbformat.write(nb, path)
"""


def colab_shape(work):
    """A Colab-like machine: root, no bwrap on PATH, torch preinstalled in the system's site-packages (a venv
    with --system-site-packages stands for it; Colab's torch is another version, which cannot be fetched
    here), the learner bundle uploaded as a zip and pip-installed from it (not editable, not from its folder),
    and one notebook opened alone in a folder of its own. Its last cell, the check cell, must grade it in a
    real Jupyter kernel: the skeleton 0 points, the notebook with the solutions' cells full points."""
    import nbformat

    from notebook_helpers import solved_notebook

    bundle = work / "colab-bundle"
    run([sys.executable, "-m", "autograder.cli", "release", "--out", bundle], cwd=ROOT, attempts=2)
    archive = shutil.make_archive(str(work / "rnn-exercises"), "zip", bundle)
    venv = work / "colab-venv"
    run([sys.executable, "-m", "venv", "--system-site-packages", venv])
    python = venv / "bin" / "python"
    run([python, "-m", "pip", "install", "--quiet", archive])
    empty_bin = work / "colab-bin"   # PATH holds the venv and the system's tools, but no bwrap
    empty_bin.mkdir()
    for tool in ("sh", "bash", "env", "uname", "ldconfig"):
        found = shutil.which(tool)
        if found:
            (empty_bin / tool).symlink_to(found)
    env = dict(os.environ, PATH=f"{venv / 'bin'}:{empty_bin}", HOME=str(work / "colab-home"))
    (work / "colab-home").mkdir()
    where = run([python, "-c", "import shutil, autograder; print(shutil.which('bwrap'), autograder.__file__)"],
                env=env, cwd=work).stdout.split()
    if where[0] != "None" or not where[1].startswith(str(venv)):
        raise Failed(f"not Colab's shape: bwrap {where[0]}, autograder from {where[1]}")
    module = "ex02_forward_pass"
    outcomes = {}
    for label, nb in (("skeleton", nbformat.read(bundle / "notebooks" / f"{module}.ipynb", as_version=4)),
                      ("solved", solved_notebook(module))):
        alone = work / f"colab-drive-{label}"
        alone.mkdir()
        path = alone / f"{module}.ipynb"
        nbformat.write(nb, path)
        run([python, "-c", COLAB_KERNEL_RUN, path, alone], env=env, cwd=alone)
        last = nbformat.read(path, as_version=4).cells[-1]
        text = "".join(o.get("text", "") or o.get("data", {}).get("text/plain", "") for o in last.get("outputs", []))
        if any(o.get("output_type") == "error" for o in last.get("outputs", [])) or "Total" not in text:
            raise Failed(f"the {label} notebook's check cell did not grade it: {text[-1500:]}")
        outcomes[label] = text.strip().splitlines()[-1]
    total, most = eval(outcomes["solved"])
    if not (total == most > 0 and eval(outcomes["skeleton"])[0] == 0):
        raise Failed(f"the check cell gave {outcomes}")
    say("g. Colab's shape: notebook alone, bundle from a zip, root, no bwrap", f"skeleton {outcomes['skeleton']}, "
        f"solved {outcomes['solved']}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--only", choices=("a", "b", "c", "e", "f", "g"), action="append",
                        help="run only these parts")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="rnn-grade-field-"))
    os.chmod(work, 0o755)  # a non-root user and the workers' unprivileged uid must reach the venvs
    parts = {"a": readme_in_venv, "b": bundle_in_venv, "c": gradescope, "e": uv_env, "f": conda_style,
             "g": colab_shape}
    try:
        for name in args.only or sorted(parts):
            # A folder of each part's own: part c makes an `autograder/` folder (Gradescope's /autograder),
            # and `python -m autograder.cli` run from a folder holding it imported that folder as a namespace
            # package ahead of an editable install's finder (a failure of this harness, not of the kit:
            # CI's part f failed so, and never when f ran alone).
            part = work / f"part-{name}"
            part.mkdir()
            os.chmod(part, 0o755)
            parts[name](part)
    except (Failed, subprocess.TimeoutExpired) as error:
        print(f"field: FAILED: {error}", flush=True)
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    say("all", "ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
