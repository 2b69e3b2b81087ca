"""``report.html``: how the class did, for the instructor, viewable offline.

Plots are PNG images drawn with matplotlib's Agg canvas and embedded as base64
data URIs, so the report is one self-contained file. Every piece of text that
comes from learners (names, notes, feedback) is HTML-escaped.
"""
import base64
import io
from collections import Counter
from html import escape
from string import Template
from urllib.parse import quote

from ..exercises import MODULES
from ..paths import PACKAGE
from ..runner.results import STATUS_WORDS
from .gradebook import number
from .progress import problem_counts

TEMPLATE = PACKAGE / "templates" / "batch_report.html"
PROBLEM_WORDS = {"crash": "crashed", "timeout": "timed out", "grader_error": "GRADER ERROR"}


def _png(figure):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def score_histogram(results):
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(5.5, 3.2))
    axes = figure.add_subplot()
    most = max([r.max_total for r in results] + [1])
    bins = [most * i / 10 for i in range(11)]
    axes.hist([min(r.total, most) for r in results], bins=bins, color="#4a7ab5", edgecolor="white")
    axes.set_xlabel(f"total points (of {number(most)})")
    axes.set_ylabel("learners")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title("Score distribution")
    figure.tight_layout()
    return _png(figure)


def exercise_means(results, exercises):
    """{exercise: mean percentage of its points} over the class."""
    tables = [result.by_exercise() for result in results]
    means = {}
    for module in exercises:
        shares = [100 * table[module][0] / table[module][1] for table in tables
                  if module in table and table[module][1]]
        if shares:
            means[module] = sum(shares) / len(shares)
    return means


def exercise_chart(results, exercises):
    from matplotlib.figure import Figure

    means = exercise_means(results, exercises)
    figure = Figure(figsize=(5.5, 3.2))
    axes = figure.add_subplot()
    labels = list(means)
    axes.barh(range(len(labels)), [means[m] for m in labels], color="#5cb85c")
    axes.set_yticks(range(len(labels)), labels)
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.set_xlabel("mean % of the exercise's points")
    axes.set_title("Per exercise")
    figure.tight_layout()
    return _png(figure)


def hint_of(check):
    """(text, named) for a failed check: the hint its feedback gave (named=True), else the kind of failure."""
    for line in (check.feedback or "").splitlines():
        if line.startswith("Hint:"):
            return line.removeprefix("Hint:").strip(), True
    return STATUS_WORDS.get(check.status, check.status), False


def most_common_hint(hints):
    """(text, count) of the most frequent hint; among equals a named mistake beats a kind of failure."""
    if not hints:
        return "", 0
    (text, _), count = max(hints.items(), key=lambda item: (item[1], item[0][1], item[0][0]))
    return text, count


def check_failures(results):
    """Per check: name, title, exercise, hidden, failed count, learners, most common hint (count)."""
    table = {}
    for result in results:
        for check in result.checks:
            row = table.setdefault(check.name, {"name": check.name, "title": check.title,
                                                "exercise": check.exercise, "hidden": check.hidden,
                                                "failed": 0, "learners": 0, "hints": Counter()})
            row["learners"] += 1
            if check.status != "passed":
                row["failed"] += 1
                row["hints"][hint_of(check)] += 1
    rows = list(table.values())
    order = {name: i for i, name in enumerate(MODULES)}
    rows.sort(key=lambda r: (-r["failed"] / max(r["learners"], 1), order.get(r["exercise"], 99), r["name"]))
    return rows


def _checks_table(results):
    rows = []
    for row in check_failures(results):
        share = 100 * row["failed"] / max(row["learners"], 1)
        hint, count = most_common_hint(row["hints"])
        hint_cell = f"{escape(hint)} <small>({count} of {row['failed']})</small>" if count else ""
        rows.append(
            f"<tr><td><code>{escape(row['name'])}</code></td><td>{escape(row['title'])}</td>"
            f"<td>{escape(row['exercise'])}</td><td>{'hidden' if row['hidden'] else 'public'}</td>"
            f"<td class=num><span class=bar style=\"width:{share / 2:.0f}px\"></span> {share:.0f}% "
            f"({row['failed']}/{row['learners']})</td><td>{hint_cell}</td></tr>")
    head = ("<tr><th>Check</th><th>Title</th><th>Exercise</th><th>Kind</th><th>Failed</th>"
            "<th>Most common hint</th></tr>")
    return f"<table>\n{head}\n" + "\n".join(rows) + "\n</table>" if rows else "<p>No checks ran.</p>"


def _learners_table(results, exercises):
    head = "<tr><th>Student</th><th>Total</th>" + "".join(f"<th>{escape(m)}</th>" for m in exercises) + \
           "<th>Problems</th><th>Notes</th></tr>"
    rows = []
    for result in sorted(results, key=lambda r: r.student):
        table = result.by_exercise()
        per = {m: table.get(m, (0, 0))[:2] for m in exercises}
        statuses = {c.status for c in result.checks}
        problems = ", ".join(word for status, word in PROBLEM_WORDS.items() if status in statuses)
        notes = "<br>".join(escape(n) for n in result.notes)
        link = quote(result.student) + "/feedback.txt"
        cells = "".join(f"<td class=num>{number(p)}/{number(m)}</td>" for p, m in per.values())
        rows.append(f"<tr><td><a href=\"{escape(link)}\">{escape(result.student)}</a></td>"
                    f"<td class=num>{number(result.total)}/{number(result.max_total)}</td>{cells}"
                    f"<td class=problem>{escape(problems)}</td><td><small>{notes}</small></td></tr>")
    return f"<table>\n{head}\n" + "\n".join(rows) + "\n</table>"


def report_html(outcome, options):
    results = outcome.results
    exercises = [m for m in MODULES if not options.exercises or m in options.exercises]
    warnings = ""
    if outcome.isolation_warning:
        warnings += f"<p class=warning><strong>Isolation:</strong> {escape(outcome.isolation_warning)}</p>\n"
    for note in outcome.class_notes:
        warnings += f"<p class=warning>{escape(note)}</p>\n"
    counts = problem_counts(results)
    if counts["grader_error"]:
        warnings += (f"<p class=warning><strong>Grader errors</strong> for {counts['grader_error']} learners: the "
                     f"kit failed, not them; see the Problems column.</p>\n")
    summary = "\n".join(f"<li>{escape(line)}</li>" for line in outcome.summary())
    figures = ""
    if results:
        figures = "".join(f"<figure><img alt=\"{alt}\" src=\"{src}\"></figure>" for alt, src in (
            ("score distribution", score_histogram(results)), ("mean score per exercise",
                                                               exercise_chart(results, exercises))))
    page = Template(TEMPLATE.read_text(encoding="utf-8"))
    return page.substitute(title=escape(f"rnn-grade: class report ({len(results)} learners)"), warnings=warnings,
                           summary=summary, figures=figures or "<p>No learners were graded.</p>",
                           checks=_checks_table(results), learners=_learners_table(results, exercises))
