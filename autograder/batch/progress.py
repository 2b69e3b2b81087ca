"""Progress while a class is graded, and the summary at the end.

On a terminal one line is redrawn in place (a bar, the count, the last learner);
anywhere else (a log file, CI) each learner gets one plain line.
"""
import statistics
import sys
import time

from .. import learner_text
from .gradebook import number
from .report.causes import crashed, learner_view

BAR_WIDTH = 24


class Progress:
    def __init__(self, total, stream=None, live=None):
        self.total, self.done = total, 0
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self.started = time.monotonic()

    def start(self, what):
        """Say what is about to happen (on a terminal: an empty bar that the first result fills)."""
        if self.live:
            self.stream.write(f"\r[{'-' * BAR_WIDTH}] 0/{self.total}  {what}".ljust(90)[:120])
        else:
            self.stream.write(what + "\n")
        self.stream.flush()

    def update(self, result, reused=False):
        self.done += 1
        score = f"{number(result.total)}/{number(result.max_total)}"
        how = "already graded, kept" if reused else f"{result.seconds:.1f} s"
        if self.live:
            filled = BAR_WIDTH * self.done // max(self.total, 1)
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            text = f"\r[{bar}] {self.done}/{self.total}  {learner_text.name(result.student, 30)} {score} ({how})"
            self.stream.write(text.ljust(90)[:120])
        else:
            self.stream.write(f"[{self.done}/{self.total}] {learner_text.name(result.student)}: {score} ({how})\n")
        self.stream.flush()

    def finish(self):
        if self.live and self.done:
            self.stream.write("\n")
            self.stream.flush()


def problem_counts(results):
    """How many learners had a crash, a timeout, a grader error (each learner counted once per kind).

    A module that raised while being imported (a syntax error, a crash at import time) is a crash
    of the learner's code, whatever status its checks got.
    """
    kinds = {"crash": 0, "timeout": 0, "grader_error": 0}
    for result in results:
        statuses = {c.status for c in result.checks}
        for kind in kinds:
            if kind in statuses or (kind == "crash" and crashed(result)):
                kinds[kind] += 1
    return kinds


def could_not_grade(results, shown=8):
    """One line naming the learners some of whose code could not be graded, and why, or None."""
    parts = []
    for result in results:
        blockers = learner_view(result, "").blockers
        if blockers:
            parts.append(f"{learner_text.name(result.student)} (" + "; ".join(b.headline for b in blockers) + ")")
    if not parts:
        return None
    more = f" and {len(parts) - shown} more" if len(parts) > shown else ""
    return f"Could not be graded in part: {', '.join(parts[:shown])}{more}."


def summary_lines(results, seconds, reused=0, isolation_warning=None, class_notes=()):
    totals = [r.total for r in results]
    lines = []
    kept = f" ({reused} kept from an earlier run)" if reused else ""
    lines.append(f"Graded {len(results)} learners{kept} in {seconds:.0f} s.")
    if totals:
        most = max(r.max_total for r in results)
        lines.append(f"Total: mean {statistics.mean(totals):.1f}, median {number(statistics.median(totals))} "
                     f"(of {number(most)} points).")
    counts = problem_counts(results)
    lines.append(f"Learners whose code crashed: {counts['crash']}; timed out: {counts['timeout']}; "
                 f"grader errors: {counts['grader_error']}.")
    blocked = could_not_grade(results)
    if blocked:
        lines.append(blocked)
    if counts["grader_error"]:
        names = ", ".join(learner_text.name(r.student) for r in results if any(c.status == "grader_error" for c in r.checks))
        lines.append(f"GRADER ERRORS (the kit failed, not the learners) for: {names}. "
                     f"See their feedback.txt for the details.")
    for note in class_notes:
        lines.append(f"Note: {note}")
    if isolation_warning:
        lines.append(f"Warning: {isolation_warning}")
    return lines
