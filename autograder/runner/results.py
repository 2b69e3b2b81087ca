"""Grading results: per check, per exercise, per submission, and their renderings."""
from dataclasses import asdict, dataclass, field

from ..exercises import MODULES, TITLES
from ..learner_text import inline, scrub

# What each check status means to a learner.
STATUS_WORDS = {"passed": "passed", "failed": "failed", "not_implemented": "not implemented yet",
                "error": "your code raised an error", "timeout": "took too long", "crash": "crashed",
                "missing": "missing", "grader_error": "GRADER ERROR"}


@dataclass
class CheckResult:
    name: str            # "<exercise module>.<check>", e.g. "ex02_forward_pass.init_hidden_notebook"
    exercise: str
    title: str           # one line saying what the check is about
    max_points: float
    points: float
    hidden: bool
    status: str          # a key of STATUS_WORDS
    feedback: str = ""


@dataclass
class SubmissionResult:
    student: str
    checks: list = field(default_factory=list)
    notes: list = field(default_factory=list)   # incidents and warnings, plain sentences
    output: str = ""                            # the tail of what the learner's code printed
    seconds: float = 0.0
    # The grading process's warning about reduced isolation, if any: the batch says it once for the
    # class, so it is neither part of the learner's result nor of its plain data.
    isolation_warning: str = None

    @property
    def total(self):
        return round(sum(c.points for c in self.checks), 4)

    @property
    def max_total(self):
        return round(sum(c.max_points for c in self.checks), 4)

    def by_exercise(self):
        """{exercise: (points, max_points, passed, count)} in curriculum order."""
        table = {}
        for module in MODULES:
            mine = [c for c in self.checks if c.exercise == module]
            if mine:
                table[module] = (round(sum(c.points for c in mine), 4), round(sum(c.max_points for c in mine), 4),
                                 sum(c.status == "passed" for c in mine), len(mine))
        return table

    def grader_errors(self):
        return [c for c in self.checks if c.status == "grader_error"]

    def to_dict(self):
        """Plain JSON data (a batch's record, the notebook runtime's answer); ``from_dict`` reads it back."""
        return {"student": self.student, "total": self.total, "max_total": self.max_total,
                "checks": [asdict(c) for c in self.checks], "notes": list(self.notes),
                "seconds": round(self.seconds, 3), "output": self.output}

    @classmethod
    def from_dict(cls, data):
        return cls(student=data["student"], checks=[CheckResult(**check) for check in data.get("checks", [])],
                   notes=list(data.get("notes", [])), output=data.get("output", ""),
                   seconds=float(data.get("seconds", 0.0)))


def _number(value):
    return int(value) if float(value).is_integer() else value


def render_table(result, show_passed=False):
    """The learner's terminal view: a per-exercise table, then what to fix."""
    lines = []
    table = result.by_exercise()
    width = max([len(m) + len(TITLES[m]) + 3 for m in table] + [20])
    lines.append(f"{'Exercise'.ljust(width)}  {'Points':>9}  Checks passed")
    lines.append("-" * (width + 26))
    for module, (points, max_points, passed, count) in table.items():
        label = f"{module}  {TITLES[module]}"
        lines.append(f"{label.ljust(width)}  {_number(points):>4}/{_number(max_points):<4}  {passed}/{count}")
    lines.append("-" * (width + 26))
    lines.append(f"{'Total'.ljust(width)}  {_number(result.total):>4}/{_number(result.max_total):<4}")
    for check in result.checks:
        if check.status == "passed" and not show_passed:
            continue
        mark = "ok" if check.status == "passed" else "XX"
        lines.append("")
        lines.append(f"[{mark}] {check.name}  ({_number(check.points)}/{_number(check.max_points)}, "
                     f"{STATUS_WORDS.get(check.status, check.status)})")
        if check.title:
            lines.append(f"     {check.title}")
        for text in scrub(check.feedback).splitlines():
            lines.append(f"     {text}")
    for note in result.notes:
        lines.append("")
        lines.append(f"Note: {inline(note, 2000)}")
    return "\n".join(lines)


def to_gradescope(result, hidden_visibility="after_published"):
    """A Gradescope ``results.json`` document (the autograder specification's schema)."""
    tests = []
    for number, check in enumerate(result.checks, start=1):
        text = (check.title + "\n\n" if check.title else "") + (scrub(check.feedback) or "Passed.")
        tests.append({"name": check.name, "number": str(number), "score": check.points,
                      "max_score": check.max_points,
                      "status": "passed" if check.status == "passed" else "failed",
                      "output": text, "output_format": "text",
                      "tags": [check.exercise] + (["hidden"] if check.hidden else []),
                      "visibility": hidden_visibility if check.hidden else "visible"})
    output = "\n".join(inline(note, 2000) for note in result.notes)
    return {"score": result.total, "execution_time": round(result.seconds, 3), "output": output,
            "output_format": "text", "visibility": "visible", "stdout_visibility": "hidden",
            "tests": tests}
