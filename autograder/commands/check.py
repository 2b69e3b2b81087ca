"""``rnn-grade check [PATH]``: a learner grades their own folder with the public checks."""
import json
import os
import sys
from pathlib import Path

from ..exercises import MODULES
from ..paths import EXERCISES
from ..reveal import add_arguments as add_reveal_arguments
from ..reveal import from_args as reveal_from_args

EXIT_FAILED = 1   # a check did not pass: CI and GitHub Classroom read it as a failed step
EXIT_GRADER = 2   # a bad path, an unavailable sandbox, or the grader failed on some check
EXIT_MACHINE = 3  # the machine cannot grade (its Python lacks torch, ...): not the learner's code


def add_parser(sub):
    parser = sub.add_parser("check", help="grade a folder of exercises with the public checks (learners)")
    parser.add_argument("path", nargs="?", default=None, help="folder (or .zip) with your exercise modules or "
                                                               "notebooks (default: exercises/)")
    parser.add_argument("--exercise", action="append", choices=MODULES, metavar="NAME",
                        help="only this exercise (module name, e.g. ex02_forward_pass); repeatable")
    parser.add_argument("--json", action="store_true", help="print a Gradescope results.json document")
    parser.add_argument("--verbose", action="store_true", help="also list the checks that passed")
    parser.add_argument("--isolation", choices=("auto", "bwrap", "plain", "portable"), default="auto",
                        help="how your code is isolated while it is graded: bubblewrap when it works here, "
                             "else a plain fork server on Linux, else spawned worker processes (auto); "
                             "required (bwrap); the fork server without bubblewrap (plain); or spawned "
                             "worker processes as on Windows and macOS (portable)")
    add_reveal_arguments(parser)
    parser.set_defaults(run=run)




def run(args):
    if not args.json:
        return _run(args)
    # The JSON document is all a reader of stdout gets (Gradescope, CI, a script): whatever else is written
    # while grading (a library's notice, a warning, a C library writing to fd 1) goes to stderr.
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    document = []
    try:
        code = _run(args, document)
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
    for text in document:
        print(text)
    return code


def _run(args, document=None):
    path = Path(args.path) if args.path else EXERCISES
    if not (path.is_dir() or path.is_file() and path.suffix.lower() in (".zip", ".py", ".ipynb")):
        print(f"rnn-grade: {path} is not a folder, a .zip, a .py module or a notebook", file=sys.stderr)
        return EXIT_GRADER
    from ..errors import MachineError
    from ..runner import limits as limits_module
    from ..runner.machine import scratch_problem
    from ..runner.portable import start_launcher
    from ..runner.sandbox import SandboxUnavailable

    launcher = None
    try:
        problem = scratch_problem()
        if problem:
            raise MachineError(problem)
        # The same intake as every other front end: exercise modules, notebooks and helper modules. Read
        # first (a few hundredths of a second): whether the learner's code imports matplotlib decides
        # whether the worker imports pyplot ahead of it (``warm_plots``).
        from ..intake import read_learner

        submission = read_learner(path, args.exercise)
        # The worker imports torch from now on, while this process imports pytest (below) and reads the
        # reference: a learner waits for the slower of the two, not for both.
        limits = limits_module.Limits()
        launcher = start_launcher(limits, args.isolation, warm_plots=submission.imports_plotting())
        from ..runner.grade import grade_submission
        from ..runner.reference import default_reference

        reference = default_reference()
        result = grade_submission(submission, reference, include_hidden=False, exercises=args.exercise,
                                  limits=limits, isolation=args.isolation, reveal=reveal_from_args(args),
                                  own_check=True, launcher=launcher)
    except SandboxUnavailable as error:
        print(f"rnn-grade: {error}; use --isolation auto or plain", file=sys.stderr)
        return EXIT_GRADER
    except MachineError as error:
        print(f"rnn-grade check: this machine cannot grade; nothing was wrong with your code, none of it "
              f"was run.\n{error}", file=sys.stderr)
        return EXIT_MACHINE
    finally:
        if launcher is not None:
            launcher.close()   # grade_submission closed it already, unless something failed before
    from ..runner.results import render_table, to_gradescope

    if hasattr(reference, "save"):
        reference.save()
    if args.json:
        document.append(json.dumps(to_gradescope(result), indent=2))
    else:
        print(f"rnn-grade check {path} (public checks)\n")
        print(render_table(result, show_passed=args.verbose))
        print("\n" + summary(result))
    return exit_code(result)


def exit_code(result):
    """0 when every check passed, 1 when some did not, 2 when the grader failed on one (not the learner)."""
    if result.grader_errors():
        return EXIT_GRADER
    return EXIT_FAILED if any(c.status != "passed" for c in result.checks) else 0


def counted(count, noun):
    return f"{count} {noun}" + ("" if count == 1 else "s")


def summary(result):
    """The last line a learner reads: how many checks did not pass, in words that agree with the number."""
    total = len(result.checks)
    failed = sum(c.status != "passed" for c in result.checks)
    errors = len(result.grader_errors())
    if not failed:
        return f"All {counted(total, 'check')} passed." if total != 1 else "The one check passed."
    text = f"{counted(failed, 'check')} of {total} did not pass"
    if errors:
        text += f" ({errors} of them {'is a grader error' if errors == 1 else 'are grader errors'}: not your code)"
    return text + "."
