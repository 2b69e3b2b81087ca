"""The ``rnn-grade`` command line. Each subcommand lives in ``autograder/commands/<name>.py``."""
import argparse
import importlib
import pkgutil
import sys
import traceback

from . import __version__, commands


def build_parser():
    parser = argparse.ArgumentParser(prog="rnn-grade", description="Exercises and an autograder for nn.RNN.")
    parser.add_argument("--version", action="version", version=f"rnn-grade {__version__} (Python "
                                                               f"{sys.version.split()[0]}, {sys.platform})")
    sub = parser.add_subparsers(dest="command", required=True)
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.add_parser(sub)
    return parser


# An uncaught exception would leave Python's exit status 1, which `check` uses for "a check did not pass":
# CI and GitHub Classroom would read the grader's own failure as the learner's. It is the grader's (2).
EXIT_GRADER_FAILED = 2
EXIT_MACHINE = 3


def main(argv=None):
    args = build_parser().parse_args(argv)
    from .errors import GraderError, MachineError

    try:
        return args.run(args) or 0
    except MachineError as error:  # a command that did not catch its own: the machine's, as CURRICULUM says
        print(f"rnn-grade {args.command}: this machine cannot grade; nothing was wrong with the code graded.\n"
              f"{error}", file=sys.stderr)
        return EXIT_MACHINE
    except GraderError as error:
        print(f"rnn-grade {args.command}: the grader failed: {error}", file=sys.stderr)
        return EXIT_GRADER_FAILED
    except Exception:  # noqa: BLE001 - anything left is the grader's failure, reported whole
        traceback.print_exc()
        print(f"rnn-grade {args.command}: the grader itself failed (see above); this says nothing about "
              f"the code it was grading. Please report it with the lines above.", file=sys.stderr)
        return EXIT_GRADER_FAILED


if __name__ == "__main__":
    sys.exit(main())
