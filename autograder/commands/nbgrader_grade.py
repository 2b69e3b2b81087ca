"""``rnn-grade nbgrader-grade COURSE``: grade an nbgrader course's submissions without trusting the kernel."""
import sys
from pathlib import Path

from .batch import EXIT_GRADER_ERROR, EXIT_INSTRUCTOR_ERROR


def add_parser(sub):
    parser = sub.add_parser(
        "nbgrader-grade", help="grade an nbgrader course's submitted notebooks with the isolated grader and "
                               "write the grades into its gradebook.db (instructors)",
        description="Reads COURSE/submitted/<student>/<assignment>/ (the notebooks are read, never run), grades "
                    "them like `rnn-grade batch` (public and hidden checks, each learner in an isolated worker), "
                    "then writes every graded cell's points into COURSE/gradebook.db through nbgrader's API and "
                    "the autograded notebooks that `nbgrader generate_feedback` reads. Use it instead of "
                    "`nbgrader autograde`: learner code cannot change these grades.")
    parser.add_argument("course", help="the nbgrader course folder (holding nbgrader_config.py, gradebook.db, "
                                       "submitted/)")
    parser.add_argument("--assignment", default="rnn", help="the assignment to grade (default: rnn)")
    parser.add_argument("--out", default=None, help="where the batch's gradebook.csv, report.html and feedback "
                                                    "go (default: COURSE/rnn-grade/<assignment>)")
    parser.add_argument("--jobs", type=int, default=0, help="learners graded in parallel (default: one per core)")
    parser.add_argument("--isolation", choices=("auto", "bwrap", "plain"), default="auto",
                        help="how learner code is isolated (default: auto; use bwrap so that learner code "
                             "cannot even see the gradebook)")
    parser.add_argument("--call-seconds", type=float, default=None,
                        help="time limit of one call into a learner's code (default: the kit's)")
    parser.set_defaults(run=run)


def run(args):
    from ..intake import InstructorError
    from ..batch.nbgrader_grades import course_assignment, course_intake, write_autograded, write_grades
    from ..batch.runner import BatchOptions, run_batch
    from ..runner.limits import Limits

    course = Path(args.course)
    out = Path(args.out) if args.out else course / "rnn-grade" / args.assignment
    try:
        url, exercises = course_assignment(course, args.assignment)
        intake, ids = course_intake(course, args.assignment, exercises)
        if not intake.submissions:
            raise InstructorError(f"no learner has handed in {args.assignment!r} in {course / 'submitted'}")
        options = BatchOptions(submissions=course / "submitted", out=out, jobs=args.jobs,
                               isolation=args.isolation, exercises=exercises, intake=intake,
                               limits=Limits(call_seconds=args.call_seconds) if args.call_seconds else None)
        outcome = run_batch(options)
    except InstructorError as error:
        print(f"rnn-grade nbgrader-grade: {error}", file=sys.stderr)
        return EXIT_INSTRUCTOR_ERROR
    for line in outcome.summary():
        print(line)
    for line in write_grades(url, args.assignment, outcome.results, ids, course) + \
            write_autograded(course, args.assignment, outcome.results, ids):
        print(line)
    print(f"Wrote {out / 'gradebook.csv'} and feedback per learner; `nbgrader export` and "
          f"`nbgrader generate_feedback {args.assignment}` now show these grades.")
    return EXIT_GRADER_ERROR if outcome.grader_errors else 0
