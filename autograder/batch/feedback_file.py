"""The learner's readable ``feedback.txt`` and their Gradescope ``results.json``.

Every check's outcome and message is shown (a hidden check's message says what was
called and what came back; its code is never shown). With ``withhold_hidden`` the
hidden checks are left out of both files entirely; the gradebook still counts them.
"""
from ..exercises import MODULES, TITLES
from .. import learner_text
from ..learner_text import block, inline, scrub
from ..runner.results import STATUS_WORDS, SubmissionResult, to_gradescope
from .gradebook import number as _number

OUTPUT_TAIL = 3000  # characters of what the learner's code printed, shown at the end


def shown_checks(result, withhold_hidden):
    return [c for c in result.checks if not (withhold_hidden and c.hidden)]


def feedback_text(result, withhold_hidden=False):
    checks = shown_checks(result, withhold_hidden)
    withheld = [c for c in result.checks if c not in checks]
    lines = [f"rnn-grade feedback for {learner_text.name(result.student)}", ""]
    if withheld:
        points = sum(c.points for c in checks)
        most = sum(c.max_points for c in checks)
        lines.append(f"Visible checks: {_number(points)} / {_number(most)} points. "
                     f"{len(withheld)} further checks worth {_number(sum(c.max_points for c in withheld))} "
                     f"points were graded too; their results are released later.")
    else:
        lines.append(f"Total: {_number(result.total)} / {_number(result.max_total)} points "
                     f"(public and hidden checks)")
    lines.append("")
    lines.extend(_exercise_table(checks))
    if result.notes:
        lines += ["", "Notes:"] + [f"- {inline(note, 2000)}" for note in result.notes]
    for module in MODULES + ("?",):
        mine = [c for c in checks if c.exercise == module]
        if not mine:
            continue
        lines += ["", f"== {module}: {TITLES.get(module, 'other checks')} " + "=" * 20]
        for check in mine:
            mark = "ok" if check.status == "passed" else "XX"
            kind = "hidden check" if check.hidden else "public check"
            lines.append("")
            lines.append(f"[{mark}] {check.name}  {_number(check.points)}/{_number(check.max_points)}  "
                         f"({STATUS_WORDS.get(check.status, check.status)}; {kind})")
            if check.title:
                lines.append(f"     {check.title}")
            for text in scrub(check.feedback or "").splitlines():
                lines.append(f"     {text}")
    if result.output.strip() and not withheld:
        tail = result.output[-OUTPUT_TAIL:]
        lines += ["", "== What your code printed (the last lines, each marked with \"|\") " + "=" * 20,
                  block(tail)]
    return "\n".join(lines) + "\n"


def _exercise_table(checks):
    table = SubmissionResult(student="", checks=checks).by_exercise()
    if not table:
        return ["(no checks ran)"]
    rows = [(f"{module}  {TITLES[module]}", f"{_number(points)}/{_number(most)}", f"{passed}/{count}")
            for module, (points, most, passed, count) in table.items()]
    width = max(len(r[0]) for r in rows)
    lines = [f"{'Exercise'.ljust(width)}  {'Points':>9}  Checks passed"]
    lines += [f"{label.ljust(width)}  {points:>9}  {passed}" for label, points, passed in rows]
    return lines


def results_document(result, withhold_hidden=False):
    """Gradescope ``results.json``: hidden checks shown after publication, or left out when withheld.

    The document's ``score`` is always the full total (the grade the platform records).
    """
    document = to_gradescope(result)
    if withhold_hidden:
        hidden_names = {c.name for c in result.checks if c.hidden}
        document["tests"] = [t for t in document["tests"] if t["name"] not in hidden_names]
        for number, test in enumerate(document["tests"], start=1):
            test["number"] = str(number)
        if hidden_names:
            document["output"] = (document["output"] + "\n" if document["output"] else "") + \
                f"{len(hidden_names)} further checks were graded; their results are released later."
    return document
