"""The ``rnn-grade`` command line. Each subcommand lives in ``autograder/commands/<name>.py``."""
import argparse
import importlib
import pkgutil
import sys

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


def main(argv=None):
    args = build_parser().parse_args(argv)
    return args.run(args) or 0


if __name__ == "__main__":
    sys.exit(main())
