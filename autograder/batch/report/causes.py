"""Why checks failed, by root cause: what a class report (and the batch summary) counts.

A check's status says how it ended; its root cause says what the learner should fix.
A module that does not import fails every one of its checks with the same message, but
it is ONE problem ("could not be graded"), not N failed checks; the same classic mistake
named by a public and a hidden check is one misconception, not two. Everything here reads
the plain ``CheckResult`` data of the records (no learner code, no grading).

The messages read here are the grader's own (``runner/session.py``: "importing X.py raised
...", "there is no X.py ...", "X.py was not graded: ..."); tests grade the sample class
and assert that its syntax error and import-time crash are recognised.
"""
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from ... import learner_text
from ...exercises import MODULES

# Kinds of root cause that mean "the grader could not grade this part of the learner's code".
BLOCKING = ("import", "missing_module", "timeout", "crash", "budget", "grader")
BLOCKING_WORDS = {"import": "does not import", "missing_module": "not handed in or not usable",
                  "timeout": "timed out", "crash": "crashed the worker", "budget": "not run: out of grading time",
                  "grader": "failed: a grader error, the kit's fault"}
# Percent of the points: the bands that colour learners and cells.
BANDS = ((100, "full"), (80, "most"), (50, "partial"), (0, "low"))
# "importing X.py raised ...", "... did not finish within 10 s", "... stopped the grading process: ...".
_IMPORT = re.compile(r"^importing (?P<module>\w+)\.py (?:raised )?(?P<detail>.*?)"
                     r"(?:\. (?:Fix it first|Module-level code runs on import).*)?$", re.S)
_CALL = re.compile(r"^(?:Called:\s+)?(?P<name>[A-Za-z_]\w*)\s*\(")
_SIMILAR = 0.7  # two hints of the same function at least this alike name the same mistake


def band(points, most):
    """``full``, ``most``, ``partial`` or ``low`` for a share of the points (no points to get: ``full``)."""
    share = 100 * points / most if most else 100
    return next(name for floor, name in BANDS if share >= floor - 1e-9)


def percent(points, most):
    return 100 * points / most if most else 100.0


def first_line(text):
    return (text or "").strip().splitlines()[0] if (text or "").strip() else ""


def hint_of(check):
    """The hint a failed check's feedback gave (the named mistake), or None."""
    for line in (check.feedback or "").splitlines():
        if line.startswith("Hint:"):
            return line.removeprefix("Hint:").strip()
    return None


def called_function(check):
    """What the check is about: the function it called when the check is named after it
    (``count_parameters``, ``manual_rnn``), else the check's own name without ``_notebook`` or
    ``_configs`` (``forward`` for a check that called ``net(x)``), so a public check and its
    hidden twin share one subject."""
    tail = check.name.rsplit(".", 1)[-1]
    base = re.sub(r"_(notebook|configs?)$", "", tail) or tail
    match = _CALL.match(first_line(check.feedback))
    return match.group("name") if match and match.group("name") in base else base


@dataclass(frozen=True)
class Cause:
    """The root cause of one check that did not pass."""
    kind: str        # BLOCKING kinds, or "not_implemented", "mistake", "error", "wrong", "missing"
    exercise: str
    subject: str     # what it is about: the module for module-wide causes, else the function called
    detail: str      # one line: the exception, the hint, what came back


def cause_of(check):
    """The Cause of a check that did not pass (None for a passed check)."""
    status, text = check.status, check.feedback or ""
    line = first_line(text)
    exercise = check.exercise
    if status == "passed":
        return None
    if status == "grader_error" or (status == "crash" and "problem of the grading machine" in text):
        return Cause("grader", exercise, exercise, line or "the grader failed")
    # A module whose import raised, hung or killed the worker: every later check of it says so too.
    imported = _IMPORT.match(line) if status in ("error", "timeout", "crash") else None
    if imported:
        return Cause("import", exercise, imported.group("module"), _short_import_detail(imported.group("detail")))
    if status == "missing" and re.match(rf"^(there is no {exercise}\.py|{exercise}\.py was not graded)", line):
        return Cause("missing_module", exercise, exercise, line)
    if status == "error" and line.startswith("not run: this submission used up"):
        return Cause("budget", exercise, exercise, line)
    if status == "timeout" or (status == "error" and " did not finish within " in line):
        return Cause("timeout", exercise, called_function(check), line)
    if status == "crash":
        return Cause("crash", exercise, called_function(check), line)
    if status == "not_implemented":
        return Cause("not_implemented", exercise, called_function(check), "not implemented yet")
    hint = hint_of(check)
    if hint:
        return Cause("mistake", exercise, called_function(check), hint)
    if status == "missing":
        return Cause("missing", exercise, called_function(check), line)
    if status == "error":
        raised = re.search(r" raised (\w+)", line)
        return Cause("error", exercise, called_function(check), f"raised {raised.group(1)}" if raised else line)
    return Cause("wrong", exercise, check.name, check.title or line)


def _short_import_detail(detail):
    """``SyntaxError: expected ':' (line 60)`` out of the grader's longer sentence."""
    detail = re.sub(r" \((\w+\.py), line (\d+)\)", r" (line \2)", detail)
    detail = re.sub(r" at \w+\.py line (\d+): `", r" at line \1: `", detail)
    return detail.strip()


@dataclass
class Blocker:
    """A part of a learner's code that could not be graded, counted once however many checks it cost."""
    kind: str
    exercise: str
    subject: str
    detail: str
    checks: int = 0       # how many checks it failed

    @property
    def headline(self):
        return f"{subject_text(self.kind, self.subject)} {BLOCKING_WORDS[self.kind]}"


def subject_text(kind, subject):
    """How a blocked part is named: a module file, an exercise, or a function."""
    if kind == "grader":
        return f"grading {subject}" if subject in MODULES else "grading"
    return f"{subject}.py" if kind in ("import", "missing_module") else subject


@dataclass
class LearnerView:
    """One learner as the report shows them: score, band and every failure by root cause."""
    result: object
    folder: str
    blockers: list = field(default_factory=list)         # Blocker, in exercise order
    causes: list = field(default_factory=list)           # (check, Cause) of every non-blocking failure
    by_exercise: dict = field(default_factory=dict)      # exercise -> (points, max points)

    @property
    def name(self):
        return learner_text.name(self.result.student)  # shown as data: no control or bidi character

    @property
    def percent(self):
        return percent(self.result.total, self.result.max_total)

    @property
    def band(self):
        return band(self.result.total, self.result.max_total)

    @property
    def anchor(self):
        return "learner-" + self.folder

    def not_started(self):
        """{exercise: functions still raising NotImplementedError}."""
        found = {}
        for _, cause in self.causes:
            if cause.kind == "not_implemented" and cause.subject not in found.setdefault(cause.exercise, []):
                found[cause.exercise].append(cause.subject)
        return found

    def mistakes(self):
        return [cause for _, cause in self.causes if cause.kind == "mistake"]

    def reasons(self):
        """Short sentences saying why points were lost, most urgent first."""
        lines = [f"{b.headline}: {b.detail}" if b.kind != "timeout" else f"{b.headline} ({b.detail})"
                 for b in self.blockers]
        started = self.not_started()
        untouched = [m for m, fns in started.items() if len(fns) == self._functions_in(m)]
        if untouched:
            lines.append("not started: " + ", ".join(untouched))
        partly = {m: fns for m, fns in started.items() if m not in untouched}
        lines += [f"{m}: {', '.join(fns)} not implemented yet" for m, fns in partly.items()]
        seen = []
        for cause in self.mistakes():
            if not any(_same_mistake(cause, other) for other in seen):
                seen.append(cause)
        lines += [f"{c.subject}: {c.detail}" for c in seen]
        others = [c for _, c in self.causes if c.kind in ("error", "wrong", "missing")]
        if others:
            lines.append(f"{len(others)} other failed check{'s' * (len(others) != 1)}")
        return lines

    def _functions_in(self, module):
        return len({cause.subject for check, cause in self.causes if check.exercise == module} |
                   {called_function(check) for check in self.result.checks
                    if check.exercise == module and check.status == "passed"})


def learner_view(result, folder, exercises=MODULES):
    view = LearnerView(result=result, folder=folder)
    table = result.by_exercise()
    view.by_exercise = {m: table.get(m, (0, 0))[:2] for m in exercises}
    blockers = {}
    for check in result.checks:
        cause = cause_of(check)
        if cause is None:
            continue
        if cause.kind in BLOCKING:
            key = (cause.kind, cause.exercise, cause.subject)
            blocker = blockers.setdefault(key, Blocker(cause.kind, cause.exercise, cause.subject, cause.detail))
            blocker.checks += 1
        else:
            view.causes.append((check, cause))
    order = {m: i for i, m in enumerate(MODULES)}
    view.blockers = sorted(blockers.values(), key=lambda b: (order.get(b.exercise, 99), BLOCKING.index(b.kind)))
    return view


def crashed(result):
    """Whether the learner's code crashed: a worker died, or a module raised while being imported."""
    for check in result.checks:
        cause = cause_of(check) if check.status in ("crash", "error") else None
        if cause and (cause.kind == "crash" or (cause.kind == "import" and " did not finish " not in f" {cause.detail}")):
            return True
    return False


# -- the class ------------------------------------------------------------------------------------

@dataclass
class Group:
    """One root cause across the class: which learners it hit, with one example text."""
    kind: str
    exercise: str
    subject: str
    example: str                                       # the shortest text seen (a short hint)
    texts: list = field(default_factory=list)          # every distinct text, for the full view
    learners: list = field(default_factory=list)       # LearnerView, in class order
    checks: set = field(default_factory=set)           # names of the checks it failed

    def add(self, view, text, check_name=None):
        if view not in self.learners:
            self.learners.append(view)
        if text not in self.texts:
            self.texts.append(text)
            if len(text) < len(self.example):
                self.example = text
        if check_name:
            self.checks.add(check_name)


def _same_mistake(a, b):
    if (a.exercise, a.subject) != (b.exercise, b.subject):
        return False
    return _alike(a.detail, b.detail)


def _alike(one, two):
    if one == two:
        return True
    words = set(re.findall(r"\w+", one.lower())), set(re.findall(r"\w+", two.lower()))
    jaccard = len(words[0] & words[1]) / max(len(words[0] | words[1]), 1)
    return jaccard >= _SIMILAR or SequenceMatcher(None, one, two).ratio() >= _SIMILAR


def blocked_groups(views):
    """Parts the grader could not grade, one group per (kind, exercise, subject), most learners first."""
    groups = {}
    for view in views:
        for blocker in view.blockers:
            key = (blocker.kind, blocker.exercise, blocker.subject)
            group = groups.setdefault(key, Group(*key, example=blocker.detail))
            group.add(view, blocker.detail)
    return _ranked(groups.values())


def machine_suspects(groups, class_size):
    """Time-outs that hit most of the class at once: more likely a slow or overloaded grading
    machine (or a call limit too short for it) than the same endless loop in everyone's code."""
    return [g for g in groups if g.kind in ("timeout", "budget") and len(g.learners) >= max(3, class_size / 2)]


def mistake_groups(views):
    """Named mistakes (the checks' hints), merged across checks and wordings, most learners first."""
    groups = []
    for view in views:
        for check, cause in view.causes:
            if cause.kind != "mistake":
                continue
            group = next((g for g in groups if (g.exercise, g.subject) == (cause.exercise, cause.subject)
                          and any(_alike(cause.detail, text) for text in g.texts)), None)
            if group is None:
                group = Group("mistake", cause.exercise, cause.subject, example=cause.detail)
                groups.append(group)
            group.add(view, cause.detail, check.name)
    return _ranked(groups)


def other_groups(views):
    """Failures with no named mistake (an exception, a wrong answer) per subject, and unfinished work
    per exercise (its texts: the functions still raising NotImplementedError)."""
    groups = {}
    for view in views:
        for check, cause in view.causes:
            if cause.kind == "mistake":
                continue
            unfinished = cause.kind == "not_implemented"
            key = (cause.kind, cause.exercise, cause.exercise if unfinished else cause.subject)
            text = cause.subject if unfinished else cause.detail
            group = groups.setdefault(key, Group(*key, example=text))
            group.add(view, text, check.name)
    return _ranked(groups.values())


def _ranked(groups):
    order = {m: i for i, m in enumerate(MODULES)}
    return sorted(groups, key=lambda g: (-len(g.learners), order.get(g.exercise, 99), g.subject, g.example))


def check_rates(views):
    """Per check: how many of the learners it could grade failed it (blocked learners left out).

    Rows: dict(name, title, exercise, hidden, graded, failed, blocked, who: the LearnerViews that failed it).
    """
    table = {}
    for view in views:
        blocked = {(b.exercise, b.subject) for b in view.blockers}
        for check in view.result.checks:
            row = table.setdefault(check.name, {"name": check.name, "title": check.title, "exercise": check.exercise,
                                                "hidden": check.hidden, "graded": 0, "failed": 0, "blocked": 0,
                                                "who": []})
            cause = cause_of(check)
            if cause is not None and cause.kind in BLOCKING and (cause.exercise, cause.subject) in blocked:
                row["blocked"] += 1
                continue
            row["graded"] += 1
            if cause is not None:
                row["failed"] += 1
                row["who"].append(view)
    order = {m: i for i, m in enumerate(MODULES)}
    return sorted(table.values(), key=lambda r: (-r["failed"] / max(r["graded"], 1), order.get(r["exercise"], 99),
                                                 r["name"]))
