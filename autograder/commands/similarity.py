"""``rnn-grade similarity PATH``: pairs of learners whose code is more alike than the class's norm."""
import sys
from pathlib import Path

from ..exercises import MODULES

EXIT_INSTRUCTOR_ERROR = 2


def add_parser(sub):
    parser = sub.add_parser(
        "similarity", help="find learners whose code in an exercise is unusually alike (instructors; no grade "
                           "changes)",
        description="PATH: a batch's --out folder (the latest submission of each learner in its history) or a "
                    "class's submissions as rnn-grade batch reads them. Writes an HTML page with the flagged "
                    "pairs side by side (default: PATH/similarity.html for a --out folder).")
    parser.add_argument("path")
    parser.add_argument("--out", default=None, help="the HTML file to write")
    parser.add_argument("--exercise", action="append", choices=MODULES, metavar="NAME",
                        help="only this exercise; repeatable")
    parser.add_argument("--min-score", type=float, default=0.5,
                        help="least share of distinctive fingerprints a flagged pair shares (default 0.5)")
    parser.add_argument("--top", type=int, default=10, help="pairs shown per exercise (default 10)")
    parser.set_defaults(run=run)


def learners_of(path, exercises=None):
    """{learner: {file name: bytes}}: a grades folder's latest logged submissions, else the class at ``path``."""
    from ..batch.intake import find_submissions
    from ..course import history

    if Path(path).is_dir() and history.load(path):
        return history.latest_files(path)
    return {s.label: dict(s.files) for s in find_submissions(path, exercises).submissions}


def run(args):
    from ..batch.intake import InstructorError
    from ..batch.store import write_atomically
    from ..course.similarity import class_report
    from ..course.similarity_page import pair_names, similarity_html

    try:
        learners = learners_of(args.path, args.exercise)
    except (InstructorError, OSError) as error:
        print(f"rnn-grade similarity: {error}", file=sys.stderr)
        return EXIT_INSTRUCTOR_ERROR
    reports = class_report(learners, args.exercise, min_score=args.min_score)
    default = Path(args.path) / "similarity.html" if (Path(args.path) / "gradebook.csv").is_file() \
        else Path("similarity.html")
    out = Path(args.out) if args.out else default
    write_atomically(out, similarity_html(reports, learners, args.top))
    for report in reports:
        pairs = ", ".join(f"{pair_names(p)} ({p.score:.0%})" for p in report.flagged[:5])
        print(f"{report.exercise}: {report.learners} learners, {len(report.flagged)} pairs flagged"
              + (f": {pairs}" if pairs else ""))
    print(f"Wrote {out}")
    return 0
