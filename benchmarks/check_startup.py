"""How long a learner waits for `rnn-grade check`, against `python -c "import torch"`.

    python benchmarks/check_startup.py [--repeat 3] [--backends portable,auto]

Times, as wall clock of the whole command (median of ``--repeat`` runs, after one unmeasured run that
fills the reference cache and the OS's file cache):

* ``python -c "import torch"``: the floor (the grader must import torch, or a worker must);
* ``python -m autograder.cli check SKELETON --isolation B``: the exercises as handed out;
* ``python -m autograder.cli check FILLED --isolation B``: two exercises filled (ex01, ex02: the
  solutions), the rest skeleton: every check of a filled exercise runs learner code in a worker;

for each backend B: ``portable`` (spawned workers: Windows, macOS; target <= 1.5x import torch) and
``auto`` (the Linux fork server, bubblewrap when it works; target <= 1.3x). Prints one line per
measurement and the ratios. The machine's load counts: run it on a quiet machine, or compare
ratios measured back to back.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILLED = ("ex01_rnn_layer", "ex02_forward_pass")


def timed(command, env):
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):  # 1: some check did not pass (the skeleton's)
        raise SystemExit(f"{' '.join(map(str, command))} exited {done.returncode}: {done.stderr.decode()[-1500:]}")
    return seconds


def median_of(command, env, repeat):
    timed(command, env)  # unmeasured: the reference cache and the file cache are warm afterwards
    return statistics.median(timed(command, env) for _ in range(repeat))


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--backends", default="portable,auto")
    args = parser.parse_args(argv)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT)] + [p for p in os.environ.get(
        "PYTHONPATH", "").split(os.pathsep) if p]))
    with tempfile.TemporaryDirectory(prefix="rnn-grade-bench-") as tmp:
        skeleton, filled = Path(tmp) / "skeleton", Path(tmp) / "filled"
        shutil.copytree(ROOT / "exercises", skeleton, ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copytree(ROOT / "exercises", filled, ignore=shutil.ignore_patterns("__pycache__"))
        for module in FILLED:
            shutil.copyfile(ROOT / "solutions" / f"{module}.py", filled / f"{module}.py")
        floor = median_of([sys.executable, "-c", "import torch"], env, args.repeat)
        print(f"python -c 'import torch'                          {floor:6.2f} s")
        for backend in args.backends.split(","):
            target = 1.5 if backend == "portable" else 1.3
            for label, folder in (("skeleton", skeleton), ("filled ex01+ex02", filled)):
                command = [sys.executable, "-m", "autograder.cli", "check", str(folder), "--isolation", backend]
                seconds = median_of(command, env, args.repeat)
                print(f"rnn-grade check {label:<17} --isolation {backend:<8} {seconds:6.2f} s  "
                      f"{seconds / floor:4.2f}x import torch (target <= {target}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
