"""``rnn-grade batch [SUBMISSIONS] --out DIR``: an instructor grades a whole class."""
import os
import signal
import sys
from pathlib import Path

from ..exercises import MODULES
from ..paths import SAMPLE_CLASS
from ..reveal import add_arguments as add_reveal_arguments
from ..reveal import from_args as reveal_from_args

EXIT_INSTRUCTOR_ERROR = 2   # a bad path, an unwritable output folder
EXIT_GRADER_ERROR = 3       # the kit failed on some learner, or this machine cannot grade (never the learner's fault)


def add_parser(sub):
    parser = sub.add_parser(
        "batch", help="grade every submission of a class with public and hidden checks (instructors)",
        description="Grade a folder of learners (a sub-folder or .zip each) or a .zip of the class. Writes "
                    "DIR/gradebook.csv, DIR/learners.csv (each name's folder id), DIR/report.html and "
                    "DIR/<folder id>/{results.json,feedback.txt}. "
                    "Exits 0 whatever the learners' code did.")
    parser.add_argument("submissions", nargs="?", default=None,
                        help="folder or .zip of the class, or one learner's (default: the sample class "
                             "in examples/class)")
    parser.add_argument("--out", required=True, help="output folder (created if needed)")
    parser.add_argument("--jobs", type=int, default=0,
                        help=f"learners graded in parallel (default: the number of cores, {os.cpu_count()})")
    parser.add_argument("--resume", action="store_true",
                        help="keep learners already graded in --out whose files and the kit are unchanged")
    parser.add_argument("--withhold-hidden", action="store_true",
                        help="leave hidden checks out of the learners' feedback.txt and results.json "
                             "(the gradebook still counts them)")
    parser.add_argument("--isolation", choices=("auto", "bwrap", "plain"), default="auto",
                        help="how learner code is isolated (default: auto, the strongest available)")
    parser.add_argument("--exercise", action="append", choices=MODULES, metavar="NAME",
                        help="only this exercise (module name, e.g. ex02_forward_pass); repeatable")
    parser.add_argument("--call-seconds", type=float, default=None,
                        help="time limit of one call into a learner's code (default: the kit's)")
    add_reveal_arguments(parser)
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="grade on the Dask cluster whose scheduler is at ADDRESS (e.g. tcp://host:8786); "
                             "needs the optional extra: pip install rnn-grade[dask]")
    parser.add_argument("--reviewed", default=None, metavar="FILE",
                        help="checks an instructor reviewed and accepted (TOML [[accept]] learner/check/hash "
                             "entries, as report.html lists them under Needs review): their points are granted")
    parser.add_argument("--allow", action="append", default=None, metavar="NAME",
                        help="a dotted name the method rules allow for everyone (e.g. scipy.special.expit); "
                             "repeatable")
    parser.add_argument("--config", default=None, metavar="FILE",
                        help="read settings from a TOML file (keys: the long options, e.g. scheduler = "
                             "\"tcp://host:8786\"); the command line wins")
    parser.add_argument("--arrivals", default=None, metavar="CSV",
                        help="arrival times of the submissions: a CSV of learner,timestamp (ISO 8601 with a zone); "
                             "default: the zip entry dates or the files' modification times")
    parser.add_argument("--incremental", action="store_true",
                        help="reuse each exercise's results cached in DIR for unchanged modules, kit and checks; "
                             "grade only what changed")
    parser.add_argument("--similarity", action="store_true",
                        help="also write DIR/similarity.html: learners whose code is more alike than the class's "
                             "norm, side by side (never a grade change)")
    parser.set_defaults(course=None)  # the config file's [course] table (deadline, late policy)
    defaults = {action.dest: action.default for action in parser._actions}  # noqa: SLF001
    parser.set_defaults(run=run, batch_defaults=defaults)


def run(args):
    from ..runner.limits import Limits
    from ..intake import InstructorError
    from ..batch.config_file import apply_config
    from ..batch.runner import BatchOptions, run_batch
    from ..errors import GradingStopped, MachineError

    try:
        apply_config(args, getattr(args, "batch_defaults", {}))
    except InstructorError as error:
        print(f"rnn-grade batch: {error}", file=sys.stderr)
        return EXIT_INSTRUCTOR_ERROR
    problem = _setting_problem(args)
    if problem:
        print(f"rnn-grade batch: {problem}", file=sys.stderr)
        return EXIT_INSTRUCTOR_ERROR
    if args.jobs < 0:
        print("rnn-grade batch: --jobs must be 0 (one per core) or more", file=sys.stderr)
        return EXIT_INSTRUCTOR_ERROR
    try:
        from ..course.options import course_options

        course = course_options(args)
    except InstructorError as error:
        print(f"rnn-grade batch: {error}", file=sys.stderr)
        return EXIT_INSTRUCTOR_ERROR
    limits = Limits(call_seconds=args.call_seconds) if args.call_seconds else None
    submissions = Path(args.submissions) if args.submissions else SAMPLE_CLASS
    options = BatchOptions(submissions=submissions, out=Path(args.out), jobs=args.jobs, resume=args.resume,
                           withhold_hidden=args.withhold_hidden, isolation=args.isolation,
                           exercises=args.exercise, limits=limits, scheduler=args.scheduler,
                           reveal=reveal_from_args(args), reviewed=args.reviewed, allow=args.allow)
    from ..course.batch_hooks import install

    install(options, **course)
    from ..runner.machine import scratch_problem

    if not args.submissions:
        print(f"rnn-grade batch: no SUBMISSIONS given; grading the sample class {submissions}", file=sys.stderr)
    stopped = []

    def on_signal(signum, frame):
        # SIGTERM (a job scheduler) and SIGHUP (a closed terminal) stop the batch like Ctrl-C does:
        # run_batch then stops its pool, fork servers and workers before this command returns.
        stopped.append(signum)
        raise KeyboardInterrupt
    previous = {signum: signal.signal(signum, on_signal) for signum in (signal.SIGTERM, signal.SIGHUP)}
    try:
        problem = scratch_problem()
        if problem:
            raise MachineError(problem)
        outcome = run_batch(options)
    except InstructorError as error:
        print(f"rnn-grade batch: {error}", file=sys.stderr)
        return EXIT_INSTRUCTOR_ERROR
    except GradingStopped as error:
        print(f"rnn-grade batch: grading stopped part-way. {error}. The learners finished so far are written "
              "(no gradebook yet): run the same command with --resume once it can grade again.", file=sys.stderr)
        return EXIT_GRADER_ERROR
    except MachineError as error:
        where = "the Dask cluster cannot grade" if options.scheduler else "this machine cannot grade"
        print(f"rnn-grade batch: {where}, so no learner was graded and no gradebook was "
              f"written (the learners' code was never run).\n{error}", file=sys.stderr)
        return EXIT_GRADER_ERROR
    except KeyboardInterrupt:
        print("\nrnn-grade batch: interrupted; learners finished so far are kept (use --resume)", file=sys.stderr)
        return 128 + (stopped[0] if stopped else signal.SIGINT)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    for line in outcome.summary():
        print(line)
    print(f"Wrote {options.out / 'gradebook.csv'}, {options.out / 'report.html'} and a folder per learner.")
    return EXIT_GRADER_ERROR if outcome.grader_errors else 0


def _setting_problem(args):
    """What is wrong with the settings (from the command line or a config file), or None."""
    if args.isolation not in ("auto", "bwrap", "plain"):
        return f"isolation must be auto, bwrap or plain, not {args.isolation!r}"
    unknown = [name for name in args.exercise or [] if name not in MODULES]
    if unknown:
        return f"unknown exercise {unknown[0]!r}; the exercises are {', '.join(MODULES)}"
    if args.scheduler:
        from ..batch import dask_pool

        if not dask_pool.available():
            return ("--scheduler grades on a Dask cluster, which needs the `distributed` package: "
                    "pip install 'rnn-grade[dask]' (or pip install distributed)")
        if args.jobs:
            print("rnn-grade batch: --jobs is ignored with --scheduler (the cluster's worker processes grade "
                  "one learner each at a time)", file=sys.stderr)
    return None
