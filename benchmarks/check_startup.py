"""How long a learner waits for `rnn-grade check`, against `python -c "import torch"`.

    python benchmarks/check_startup.py [--repeat 3] [--backends portable,auto]

Times, as wall clock of the whole command (after one unmeasured run of each that fills the reference
cache and the OS's file cache; then ``--repeat`` rounds that each run everything once, back to back, and
the median of each round's ratio to its own ``import torch``, so that a shared machine's drifting load
moves both sides of a ratio):

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


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3, help="rounds (each measures everything once)")
    parser.add_argument("--backends", default="portable,auto")
    args = parser.parse_args(argv)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT)] + [p for p in os.environ.get(
        "PYTHONPATH", "").split(os.pathsep) if p]))
    # As on a learner's machine: the kit's modules are compiled once (pip does it at install; an editable
    # install writes __pycache__ on the first run), not on every run as PYTHONDONTWRITEBYTECODE (set on
    # some machines, this one among them) would have it. torch's own were compiled when pip installed it.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory(prefix="rnn-grade-bench-") as tmp:
        skeleton, filled = Path(tmp) / "skeleton", Path(tmp) / "filled"
        shutil.copytree(ROOT / "exercises", skeleton, ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copytree(ROOT / "exercises", filled, ignore=shutil.ignore_patterns("__pycache__"))
        for module in FILLED:
            shutil.copyfile(ROOT / "solutions" / f"{module}.py", filled / f"{module}.py")
        floor_command = [sys.executable, "-c", "import torch"]
        runs = {}
        for backend in args.backends.split(","):
            for label, folder in (("skeleton", skeleton), ("filled ex01+ex02", filled)):
                runs[(backend, label)] = [sys.executable, "-m", "autograder.cli", "check", str(folder),
                                          "--isolation", backend]
        for command in [floor_command, *runs.values()]:
            timed(command, env)  # unmeasured: the reference cache and the file cache are warm afterwards
        # Rounds: the floor, then every configuration, back to back. Each ratio is taken within its round,
        # so a machine whose load drifts (a shared one) moves both sides of it.
        floors, seconds, ratios = [], {key: [] for key in runs}, {key: [] for key in runs}
        for _ in range(args.repeat):
            floor = timed(floor_command, env)
            floors.append(floor)
            for key, command in runs.items():
                seconds[key].append(timed(command, env))
                ratios[key].append(seconds[key][-1] / floor)
        print(f"python -c 'import torch'                               {statistics.median(floors):6.2f} s "
              f"(median of {args.repeat} rounds)")
        for (backend, label), measured in seconds.items():
            target = 1.5 if backend == "portable" else 1.3
            print(f"rnn-grade check {label:<17} --isolation {backend:<8} {statistics.median(measured):6.2f} s  "
                  f"{statistics.median(ratios[(backend, label)]):4.2f}x import torch, median of the rounds' ratios "
                  f"(target <= {target}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
