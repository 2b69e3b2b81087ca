"""``rnn-grade release --out DIR``: write the learner bundle (instructors)."""
import sys

from ..exercises import MODULES
from ..reveal import add_arguments as add_reveal_arguments
from ..reveal import from_args as reveal_from_args


def add_parser(sub):
    parser = sub.add_parser("release", help="write the learner bundle: skeletons, notebooks, public checks and "
                                            "the local grader, without solutions or hidden checks (instructors)")
    parser.add_argument("--out", required=True, help="folder to write (created; replaced if an earlier "
                                                     "export wrote it)")
    parser.add_argument("--exercise", action="append", choices=MODULES, metavar="NAME",
                        help="only this exercise (default: every exercise with a solution); repeatable")
    add_reveal_arguments(parser)
    parser.set_defaults(run=run)


def run(args):
    from ..exports.bundle import build_bundle
    from ..exports.errors import ExportError, ExportMachineError

    try:
        recording = build_bundle(args.out, args.exercise, reveal=reveal_from_args(args))
    except ExportError as error:
        print(f"rnn-grade release: {error}", file=sys.stderr)
        return 3 if isinstance(error, ExportMachineError) else 1   # 3: the machine's failure, as batch's
    public = recording.result
    print(f"wrote the learner bundle to {args.out}: {len(public.by_exercise())} exercises, "
          f"{len(public.checks)} public checks worth {public.max_total:g} points, reference answers recorded")
    from ..exports.bundle import install_commands

    # The README's commands (Linux; its other sections give macOS, Windows and Colab's): torch pinned to the
    # version the answers were recorded with, its CPU build (PyPI's default on Linux brings CUDA's gigabytes).
    print("learners (see its README for macOS, Windows and Colab):\n  " + "\n  ".join(install_commands(args.out)))
    return 0
