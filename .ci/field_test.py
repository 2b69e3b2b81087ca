"""Field test: the kit as users meet it, in fresh virtual environments (called by .ci/run).

  a. README's quick start in a fresh venv (`python3 -m venv`, `pip install torch==2.13.0 -e .`,
     `rnn-grade batch --out grades`): the gradebook equals the one this machine's Python writes;
  b. the learner bundle installed in a fresh venv: solutions full marks, skeleton 0;
  c. the Gradescope zip in an emulated /autograder (setup.sh, then run_autograder): solutions 100,
     skeleton 0, and a learner that tries to read the recorded answers and hidden checks reads
     nothing, under bubblewrap and without it;
  d. workers once as a non-root user (from a venv that user can read) and once without bubblewrap.

Every step prints one line `field: <step>: ok (...)`; the first failure stops with exit 1.
Run from the kit's root: `python .ci/field_test.py [--keep]`.
"""
import argparse
import csv
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
        document = json.loads(run(command, **kwargs).stdout)
        lost = [t["output"] for t in document["tests"] if t["score"] < t["max_score"]]
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
    ours = work / "grades-system"
    run([sys.executable, "-m", "autograder.cli", "batch", "--out", ours], cwd=ROOT)
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
    for isolation in ("auto", "plain"):
        result = assert_full_and_zero(
            f"user {isolation}",
            check_json(as_user + [rnn_grade, "check", mine, "--json", "--isolation", isolation], cwd=home, env=env),
            check_json(as_user + [rnn_grade, "check", bundle / "exercises", "--json", "--isolation", isolation],
                       cwd=home, env=env))
        say(f"d. learner bundle as user {USER}, --isolation {isolation}", result)


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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--only", choices=("a", "b", "c"), action="append", help="run only these parts")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="rnn-grade-field-"))
    os.chmod(work, 0o755)  # a non-root user and the workers' unprivileged uid must reach the venvs
    parts = {"a": readme_in_venv, "b": bundle_in_venv, "c": gradescope}
    try:
        for name in args.only or sorted(parts):
            parts[name](work)
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
