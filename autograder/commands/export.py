"""``rnn-grade export {nbgrader,gradescope,classroom,notebooks} --out DIR``: the kit for a grading platform."""
import sys

from ..exercises import MODULES
from ..reveal import add_arguments as add_reveal_arguments
from ..reveal import from_args as reveal_from_args

TARGETS = {
    "nbgrader": "an nbgrader course directory: source notebooks with solution regions and graded test cells "
                "that run the kit's checks",
    "gradescope": "a Gradescope autograder zip (setup.sh, run_autograder, grader, hidden checks, recorded "
                  "reference answers)",
    "classroom": "a GitHub Classroom template repository: the learner bundle plus a workflow that reports points",
    "notebooks": "the learners' notebooks alone, one per exercise",
}


def add_parser(sub):
    parser = sub.add_parser("export", help="write the kit for a grading platform (instructors)")
    targets = parser.add_subparsers(dest="target", required=True)
    for name, text in TARGETS.items():
        target = targets.add_parser(name, help=text, description=text)
        target.add_argument("--out", required=True, help="folder to write (created; replaced if an earlier "
                                                         "export wrote it)")
        target.add_argument("--exercise", action="append", choices=MODULES, metavar="NAME",
                            help="only this exercise (default: every exercise with a solution); repeatable")
        if name == "gradescope":
            target.add_argument("--hidden-visibility", default="after_published",
                                choices=("hidden", "after_due_date", "after_published", "visible"),
                                help="when learners see the hidden checks' results (default: after_published)")
        if name == "nbgrader":
            target.add_argument("--assignment", default="rnn", help="the assignment's name (default: rnn)")
        if name != "notebooks":
            add_reveal_arguments(target)
    parser.set_defaults(run=run)


def run(args):
    from ..exports.errors import ExportError, ExportMachineError

    try:
        message = EXPORTERS[args.target](args)
    except ExportError as error:
        print(f"rnn-grade export {args.target}: {error}", file=sys.stderr)
        return 3 if isinstance(error, ExportMachineError) else 1   # 3: the machine's failure, as batch's
    print(message)
    return 0


def _nbgrader(args):
    from ..exports.nbgrader_course import build_course

    recording = build_course(args.out, args.exercise, assignment=args.assignment, reveal=reveal_from_args(args))
    return (f"wrote the nbgrader course to {args.out}: assignment {args.assignment!r}, "
            f"{len(recording.result.checks)} graded test cells worth {recording.result.max_total:g} points.\n"
            f"next: cd {args.out} && nbgrader generate_assignment {args.assignment}")


def _gradescope(args):
    from ..exports.gradescope import build_gradescope

    recording = build_gradescope(args.out, args.exercise, hidden_visibility=args.hidden_visibility,
                                 reveal=reveal_from_args(args))
    return (f"wrote {args.out}/autograder.zip: {len(recording.result.checks)} checks worth "
            f"{recording.result.max_total:g} points; upload it as the assignment's autograder")


def _classroom(args):
    from ..exports.classroom import build_classroom

    recording = build_classroom(args.out, args.exercise, reveal=reveal_from_args(args))
    return (f"wrote the template repository to {args.out}: {len(recording.result.checks)} public checks worth "
            f"{recording.result.max_total:g} points, reported on every push by .github/workflows/classroom.yml")


def _notebooks(args):
    from ..exports.bundle import check_out, prepare_out
    from ..exports.notebooks import write_notebooks

    check_out(args.out)
    written = write_notebooks(prepare_out(args.out), args.exercise)
    return f"wrote {len(written)} notebooks to {args.out}"


EXPORTERS = {"nbgrader": _nbgrader, "gradescope": _gradescope, "classroom": _classroom, "notebooks": _notebooks}
