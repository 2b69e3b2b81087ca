"""Subcommands of ``rnn-grade``: one module each, with ``add_parser(subparsers)`` and ``run(args)``."""
