"""``rnn-grade generate``: rewrite the learners' skeletons from the solutions."""


def add_parser(sub):
    parser = sub.add_parser("generate", help="regenerate exercises/ from solutions/ (instructors)")
    parser.add_argument("--check", action="store_true", help="only report skeletons that drifted; exit 1 if any")
    parser.set_defaults(run=run)


def run(args):
    from .. import generate  # nbgrader and nbformat take seconds to import: only when asked for

    if args.check:
        stale = generate.drifted()
        for name in stale:
            print(f"drifted: exercises/{name}")
        return 1 if stale else 0
    for path in generate.write_skeletons():
        print(f"wrote {path}")
    return 0
