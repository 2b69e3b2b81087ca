"""Grade submissions: start their workers, run the checks through pytest, collect results.

``Grader`` is what every front end uses (``rnn-grade check``, ``rnn-grade batch``,
the exports): it grades one submission after another with the same reference,
checks, limits and isolation, and owns whatever is reused between learners
(the warm worker launcher). ``grade_submission`` grades a single one.
"""
import os
import time
from pathlib import Path

import pytest

from ..errors import MachineError
from ..intake import Submission, read_learner
from ..paths import CHECKS, HIDDEN_CHECKS, PUBLIC_CHECKS, SOLUTIONS
from ..reveal import load as load_reveal
from ..reveal import validated
from .inprocess import InProcessSession
from .limits import Limits
from .plugin import GradingPlugin
from .portable import new_launcher
from .results import CheckResult, SubmissionResult
from .session import LearnerSession

PYTEST_ARGS = ["-p", "no:terminal", "-p", "no:cacheprovider", "-p", "no:randomly", "-p", "no:unraisableexception",
               "-p", "no:threadexception", "--import-mode=importlib",
               "--capture=no", "-c", str(CHECKS / "pytest.ini"), "--rootdir", str(CHECKS)]


def run_pytest(args, plugin):
    """pytest.main without third-party plugins: the checks need none, and loading the
    ones installed on a machine (some run subprocesses at start) costs time per learner."""
    previous = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        return pytest.main(args, plugins=[plugin])
    finally:
        if previous is None:
            os.environ.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
        else:
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = previous


class Grader:
    """Grades submissions one after another with one reference, set of checks, limits and isolation."""

    def __init__(self, reference, *, include_hidden=False, exercises=None, limits=None, isolation="auto",
                 warm_extras=True, reveal=None, method_allow=(), launcher=None, warm_plots=False):
        self.reference = reference
        self.method_allow = tuple(method_allow or ())   # dotted names the method rules allow (batch config)
        # How much feedback reveals, public and hidden checks apart (autograder/reveal.py): the levels
        # given, else those stored beside the checks (an export writes them), else full.
        self.reveal = validated(reveal) if reveal else load_reveal()
        self.include_hidden = include_hidden
        self.exercises = list(exercises) if exercises else None
        self.limits = limits or Limits()
        # "none" runs observers in this very process: only for trusted code (see inprocess.py);
        # the command line never offers it.
        # Otherwise the fork server starts now and imports torch while pytest and the reference load here.
        # warm_extras=False: one learner grading once should not wait for what only many learners amortise.
        # ``warm_plots``: pyplot imported before the first worker too (see ``Submission.imports_plotting``).
        # ``launcher``: one a front end started earlier (``start_launcher``), now the grader's to close.
        self.launcher = launcher or (None if isolation == "none" else
                                     new_launcher(self.limits, isolation, warm_extras, warm_plots))

    @property
    def isolation(self):
        """The mode learner code runs in: "bwrap", "plain" or "none"."""
        return self.launcher.mode if self.launcher else "none"

    @property
    def isolation_warning(self):
        """One line for outputs and reports when learner code runs less isolated than it should, else None."""
        return self.launcher.warning if self.launcher else None

    def preflight(self, background=False):
        """Raise ``MachineError`` unless this machine can start a learner's worker (see ``machine.py``).

        ``background``: prove it while the grading starts; the first worker waits for the proof, and
        ``end_preflight`` raises its error after grading (see ``machine.BackgroundPreflight``)."""
        if self.launcher is not None:
            from .machine import BackgroundPreflight, preflight

            if background:
                self.launcher.preflight_pending = BackgroundPreflight(self.launcher)
            else:
                preflight(self.launcher)

    def end_preflight(self):
        """Raise the background preflight's ``MachineError``, if it had one (its checks were not the learner's),
        or the first worker's: not one could start, so the machine cannot grade, as a preflight that forks
        a worker of its own would have said before any check (the learner's checks say "grader error")."""
        if self.launcher is not None:
            self.launcher.await_preflight()
            failure = getattr(self.launcher, "unproven_failure", None)
            if failure:
                raise MachineError(failure)

    def check_paths(self):
        paths = [str(PUBLIC_CHECKS)]
        if self.include_hidden and HIDDEN_CHECKS.exists():
            paths.append(str(HIDDEN_CHECKS))
        return paths

    def grade(self, submission, student=None):
        """Run the checks on ``submission`` and return its result.

        ``submission``: an ``intake.Submission`` (what every front end makes), or a path that the
        intake reads first (a learner's folder, zip, module or notebook). Its files are staged
        once, into the worker's private copy. With isolation "none" (trusted code only: the
        reference solutions) a path is imported where it is.
        """
        started = time.monotonic()
        intake_notes = []
        if self.launcher is None:
            staged, session = None, InProcessSession(Path(submission).resolve())
            student = student or Path(submission).name
        else:
            if not isinstance(submission, Submission):
                submission = read_learner(submission, self.exercises)
            student = student or submission.label or submission.name
            intake_notes = list(submission.notes)
            staged = self.launcher.stage(submission)
            session = LearnerSession(staged.host_dir / "code", self.limits, self.launcher, staged)
        plugin = GradingPlugin(session, self.reference, self.exercises, reveal=self.reveal,
                               method_allow=self.method_allow)
        try:
            code = run_pytest(PYTEST_ARGS + self.check_paths(), plugin)
        finally:
            session.close()
            if staged is not None:
                self.launcher.unstage(staged)
        if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) or not plugin.checks:
            plugin.checks.append(CheckResult(
                name="grader", exercise="?", title="the checks could not run", max_points=0, points=0,
                hidden=False, status="grader_error",
                feedback=f"pytest ended with {code!r} after {len(plugin.checks)} checks"))
        # An incident a check's feedback already tells (a time-out, a crash) is not told twice.
        told = [c.feedback for c in plugin.checks]
        notes = intake_notes + [
            incident for incident in dict.fromkeys(session.incidents) if not any(incident in text for text in told)]
        if self.isolation_warning:
            notes.insert(0, self.isolation_warning)
        return SubmissionResult(student=student, checks=plugin.checks, notes=notes,
                                output=session.output, seconds=time.monotonic() - started)

    def close(self):
        """Stop the fork server and delete the staged copies."""
        if self.launcher is not None:
            self.launcher.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def grade_submission(submission, reference, *, include_hidden=False, exercises=None, limits=None,
                     student=None, isolation="auto", warm_extras=False, reveal=None, own_check=False,
                     launcher=None):
    """Grade one submission folder (see ``Grader``).

    ``own_check``: a learner checking their own work on their own machine (``rnn-grade check``, a notebook's
    check cell), never an instructor's grading: the method rules may judge names as earlier checks here did
    (``method_rules.allowlist.use_stored``) instead of importing torch in the grader every time."""
    if isolation != "none" and launcher is None and not isinstance(submission, Submission):
        # Read here, as ``Grader.grade`` would: whether the learner's code imports matplotlib decides
        # how the worker starts (``warm_plots``), and the worker starts with the Grader.
        submission = read_learner(submission, exercises)
    stored = False
    if own_check:
        from ..method_rules import allowlist
        from .reference import cache_root

        stored = allowlist.use_stored(cache_root())
    with Grader(reference, include_hidden=include_hidden, exercises=exercises, limits=limits,
                isolation=isolation, warm_extras=warm_extras, reveal=reveal, launcher=launcher,
                warm_plots=_imports_plotting(submission)) as grader:
        # A machine that cannot grade says so, instead of failing every check: proven while pytest starts
        # (the first worker waits for it), its failure raised after the checks, which then ran no learner code.
        grader.preflight(background=True)
        # (With stored judgements, a name not judged before imports torch when the rules meet it.)
        rules_imports = None if grader.launcher is None or stored else _import_rules_modules(exercises, submission)
        result = grader.grade(submission, student=student)
        grader.end_preflight()
        if rules_imports is not None:
            rules_imports.join()
        if own_check:
            allowlist.save_stored()
        return result


def _imports_plotting(submission):
    """``Submission.imports_plotting``, for a submission read by the intake (False for a bare folder)."""
    return isinstance(submission, Submission) and submission.imports_plotting()


def _import_rules_modules(exercises, submission):
    """A thread importing torch (and pyplot, when the submission's text names matplotlib), started now,
    when an exercise graded has method rules (None otherwise).

    The method rules judge the names a learner's code uses on the real torch, imported in the grader
    (``method_rules/allowlist.py``): a whole torch import that the first rule-bound check used to pay
    after the worker was ready (measured: 12 s of a 26 s check on a loaded machine). Imported here while
    pytest starts and the worker imports its own torch, it is mostly done by then. Nothing of a
    learner's is imported: the same import the rules make, only sooner."""
    import importlib
    import threading

    from ..method_rules import RULES

    if exercises and not set(exercises) & set(RULES):
        return None
    modules = ["torch"]
    if _imports_plotting(submission):
        modules.append("matplotlib.pyplot")   # (plot_weights' own import: the rules resolve it too)

    def run():
        for module in modules:
            try:
                importlib.import_module(module)
            except Exception:  # noqa: BLE001  (the rules say so themselves when they need it)
                pass

    thread = threading.Thread(target=run, name="import torch for the method rules", daemon=True)
    thread.start()
    return thread


def warm_reference(reference, exercises=None):
    """Fill ``reference`` with every answer the checks ask for, by grading the solutions in-process.

    Returns the result, whose total must be the full mark: a reference that fails
    its own checks means a broken check or solution, and no learner should be
    graded against it.
    """
    with Grader(reference, include_hidden=True, exercises=exercises, isolation="none") as grader:
        return grader.grade(getattr(reference, "solutions_dir", SOLUTIONS), student="(reference solutions)")
