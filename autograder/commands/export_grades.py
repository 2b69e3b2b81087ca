"""``rnn-grade export-grades GRADES --format canvas|moodle|blackboard|csv --roster roster.csv``."""
import sys
from pathlib import Path

from ..exercises import MODULES

EXIT_INSTRUCTOR_ERROR = 2


def add_parser(sub):
    from ..course import FORMATS

    parser = sub.add_parser(
        "export-grades", help="write a batch's grades in the CSV a learning management system imports",
        description="Read GRADES/gradebook.csv (the `final` column after a late penalty, else `total`) and a roster "
                    "CSV, and write the grades as Canvas, Moodle or Blackboard import them (or a plain CSV). "
                    "Learners are matched by the roster's --match column; who could not be matched is listed.")
    parser.add_argument("grades", help="the --out folder of rnn-grade batch")
    parser.add_argument("--format", required=True, choices=FORMATS)
    parser.add_argument("--roster", required=True, help="CSV with a column matching the gradebook's student "
                                                        "names and the LMS's ids (see the README)")
    parser.add_argument("--match", default="student", help="the roster column holding the gradebook's student "
                                                            "names (default: student)")
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument("--per-exercise", action="store_true", help="one grade column per exercise")
    kind.add_argument("--total", action="store_true", help="one grade column: the total (the default)")
    parser.add_argument("--title", default="rnn-grade", help="the total column's title (default: rnn-grade)")
    parser.add_argument("--column-id", action="append", default=[], metavar="COLUMN=ID",
                        help="the LMS's id of a grade column (COLUMN: total or an exercise module), e.g. "
                             "total=48213; repeatable. Without it the LMS creates a new column")
    parser.add_argument("--out", default=None, help="file to write (default: GRADES/<format>-grades.csv)")
    parser.set_defaults(run=run)


def run(args):
    from ..batch.intake import InstructorError
    from ..batch.store import write_atomically
    from ..course.lms import export, read_csv

    try:
        ids = {}
        for item in args.column_id:
            column, sep, ident = item.partition("=")
            if not sep or column not in ("total",) + MODULES:
                raise InstructorError(f"--column-id {item!r}: expected total=ID or <exercise module>=ID")
            ids[column] = ident
        gradebook = read_csv(Path(args.grades) / "gradebook.csv", "gradebook")
        roster = read_csv(args.roster, "roster")
        result = export(gradebook, roster, args.format, args.match, args.per_exercise, args.title, ids)
        out = Path(args.out) if args.out else Path(args.grades) / f"{args.format}-grades.csv"
        write_atomically(out, result.text)
    except InstructorError as error:
        print(f"rnn-grade export-grades: {error}", file=sys.stderr)
        return EXIT_INSTRUCTOR_ERROR
    from ..learner_text import name

    print(f"Wrote {out}: {len(roster) - len(result.no_submission)} learners with grades.")
    if result.unmatched:
        print(f"Not in the roster (no grade exported): {', '.join(map(name, result.unmatched))}", file=sys.stderr)
    if result.no_submission:
        print(f"In the roster without a submission (grade left empty): {', '.join(map(name, result.no_submission))}",
              file=sys.stderr)
    return 0
