"""``rnn-grade batch [SUBMISSIONS] --out DIR``: an instructor grades a whole class."""
import os
import sys
from pathlib import Path

from ..exercises import MODULES
from ..paths import SAMPLE_CLASS
from ..reveal import add_arguments as add_reveal_arguments
from ..reveal import from_args as reveal_from_args

EXIT_INSTRUCTOR_ERROR = 2   # a bad path, an unwritable output folder
EXIT_GRADER_ERROR = 3       # the kit failed on some learner (never the learner's fault)


def add_parser(sub):
    parser = sub.add_parser(
        "batch", help="grade every submission of a class with public and hidden checks (instructors)",
        description="Grade a folder of learners (a sub-folder or .zip each) or a .zip of the class. Writes "
                    "DIR/gradebook.csv, DIR/report.html and DIR/<student>/{results.json,feedback.txt}. "
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
    parser.set_defaults(run=run)


def run(args):
    from ..runner.limits import Limits
    from ..batch.intake import InstructorError
    from ..batch.runner import BatchOptions, run_batch

    if args.jobs < 0:
        print("rnn-grade batch: --jobs must be 0 (one per core) or more", file=sys.stderr)
        return EXIT_INSTRUCTOR_ERROR
    limits = Limits(call_seconds=args.call_seconds) if args.call_seconds else None
    submissions = Path(args.submissions) if args.submissions else SAMPLE_CLASS
    options = BatchOptions(submissions=submissions, out=Path(args.out), jobs=args.jobs, resume=args.resume,
                           withhold_hidden=args.withhold_hidden, isolation=args.isolation,
                           exercises=args.exercise, limits=limits, reveal=reveal_from_args(args))
    if not args.submissions:
        print(f"rnn-grade batch: no SUBMISSIONS given; grading the sample class {submissions}", file=sys.stderr)
    try:
        outcome = run_batch(options)
    except InstructorError as error:
        print(f"rnn-grade batch: {error}", file=sys.stderr)
        return EXIT_INSTRUCTOR_ERROR
    except KeyboardInterrupt:
        print("\nrnn-grade batch: interrupted; learners finished so far are kept (use --resume)", file=sys.stderr)
        return 130
    for line in outcome.summary():
        print(line)
    print(f"Wrote {options.out / 'gradebook.csv'}, {options.out / 'report.html'} and a folder per learner.")
    return EXIT_GRADER_ERROR if outcome.grader_errors else 0
