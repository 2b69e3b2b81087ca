"""The report's HTML: who needs help, what the class missed, a heat map, one section per learner.

Every piece of text that comes from learners (names, notes, feedback) is HTML-escaped; long
texts are cut to one line with the full text in a ``title`` or a ``<details>``, so no table
row grows to ten lines. Learners are linked by the anchor ``#learner-<folder id>``.
"""
from html import escape
from urllib.parse import quote

from ...exercises import TITLES
from ..feedback_file import feedback_text
from ..gradebook import number
from .causes import BLOCKING_WORDS, band, subject_text

NEEDS_HELP_BELOW = 80        # percent: a total under this is listed as needing help
FIRST_SCREEN_ROWS = 10       # rows of the first screen's lists before the rest is folded away
KIND_WORDS = {"not_implemented": "not implemented yet", "error": "raised an exception", "missing": "missing function",
              "wrong": "wrong answer (no named mistake)"}


def clip(text, limit=90):
    """``text`` escaped, cut to ``limit`` characters with the full text as a tooltip."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return escape(text)
    return f'<span title="{escape(text)}">{escape(text[:limit - 1].rstrip())}…</span>'


def folded(text, limit=90):
    """``text`` cut to one line, the full text one click away (and printed)."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return escape(text)
    return (f'<details class="more"><summary>{escape(text[:limit - 1].rstrip())}…</summary>'
            f'{escape(text)}</details>')


def learner_link(view):
    return f'<a href="#{quote(view.anchor)}">{escape(view.name)}</a>'


def learner_links(views, shown=6):
    links = ", ".join(learner_link(v) for v in views[:shown])
    return links + (f" and {len(views) - shown} more" if len(views) > shown else "")


def score_pill(view):
    return (f'<span class="pill b-{view.band}" title="{view.percent:.0f}% of the points">'
            f'{number(view.result.total)}/{number(view.result.max_total)}</span>')


def short_module(module):
    return module.split("_", 1)[0]


def table(head, rows, classes="", sortable=False):
    """A table inside its own scrolling box (wide tables never widen the page)."""
    attributes = f' class="{classes}"' if classes else ""
    sort = ' data-sortable' if sortable else ""
    return (f'<div class="scroll"><table{attributes}{sort}>\n<thead><tr>{head}</tr></thead>\n<tbody>\n'
            + "\n".join(rows) + "\n</tbody></table></div>")


# -- first screen -----------------------------------------------------------------------------------

def needs_help(views):
    """Learners whose code could not be graded (with the reason), then the lowest totals."""
    blocked = sorted((v for v in views if v.blockers), key=lambda v: (v.result.total, v.name))
    low = sorted((v for v in views if not v.blockers and v.percent < NEEDS_HELP_BELOW),
                 key=lambda v: (v.result.total, v.name))
    if not blocked and not low:
        return f'<p class="ok">Every learner was graded and scored at least {NEEDS_HELP_BELOW}% of the points.</p>'
    rows = []
    for view in blocked + low:
        reasons = view.reasons()
        tag, kind = (("grader", "grader error") if any(b.kind == "grader" for b in view.blockers) else
                     ("blocked", "could not be graded") if view.blockers else ("low", "low total"))
        why = "<br>".join(clip(r, 80) for r in reasons[:2])
        if len(reasons) > 2:
            why += f' <small>(+{len(reasons) - 2} more)</small>'
        rows.append(f'<tr><td>{learner_link(view)}</td><td class="num">{score_pill(view)}</td>'
                    f'<td><span class="tag t-{tag}">{kind}</span></td><td class="why">{why}</td></tr>')
    head = "<th>Learner</th><th>Total</th><th>Problem</th><th>Why</th>"
    shown, rest = rows[:FIRST_SCREEN_ROWS], rows[FIRST_SCREEN_ROWS:]
    html = table(head, shown, "help")
    if rest:
        html += f"<details><summary>{len(rest)} more learners</summary>{table(head, rest, 'help')}</details>"
    return html


def class_missed(views, blocked_groups, mistake_groups, other_groups):
    """Root causes across the class, each counted once per learner, most learners first."""
    total = len(views)
    items = []
    for group in blocked_groups:
        what = subject_text(group.kind, group.subject)
        items.append((len(group.learners), f'<span class="tag t-blocked">could not be graded</span> '
                      f'<code>{escape(what)}</code> <span title="{escape(group.example)}">'
                      f'{escape(BLOCKING_WORDS[group.kind])}</span>', group.learners))
    for group in mistake_groups:
        items.append((len(group.learners), f'<span class="tag t-mistake">{escape(short_module(group.exercise))}</span> '
                      f'<code>{escape(group.subject)}</code>: {clip(group.example, 90)}', group.learners))
    unfinished = [g for g in other_groups if g.kind == "not_implemented"]
    if unfinished:
        learners = []
        for group in unfinished:
            learners += [v for v in group.learners if v not in learners]
        functions = sum(len(g.texts) for g in unfinished)
        items.append((len(learners), f'<span class="tag t-todo">unfinished</span> {functions} functions in '
                      f'{len(unfinished)} exercises still raise NotImplementedError', learners))
    if not items:
        return '<p class="ok">No check failed.</p>'
    rows = [f'<tr><td class="num share"><span class="meter" style="--share:{100 * count / max(total, 1):.0f}%">'
            f'</span>{count} of {total}</td><td>{text}</td><td class="who">{learner_links(who, 3)}</td></tr>'
            for count, text, who in items]
    head = "<th>Learners</th><th>Root cause (one example)</th><th>Who</th>"
    html = table(head, rows[:FIRST_SCREEN_ROWS], "missed")
    if rows[FIRST_SCREEN_ROWS:]:
        html += (f"<details><summary>{len(rows) - FIRST_SCREEN_ROWS} more causes</summary>"
                 f"{table(head, rows[FIRST_SCREEN_ROWS:], 'missed')}</details>")
    return html


# -- heat map -------------------------------------------------------------------------------------

def heat_map(views, exercises):
    head = ('<th data-type="text" aria-sort="ascending"><button type="button">Learner</button></th>'
            '<th data-type="num"><button type="button">Total</button></th>'
            + "".join(f'<th data-type="num" title="{escape(TITLES.get(m, m))}"><button type="button">'
                      f'{escape(short_module(m))}<small>{escape(m.split("_", 1)[-1])}</small></button></th>'
                      for m in exercises))
    rows = []
    for view in sorted(views, key=lambda v: v.name.lower()):
        cells = []
        for module in exercises:
            points, most = view.by_exercise.get(module, (0, 0))
            share = 100 * points / most if most else 0
            blocked = [b for b in view.blockers if b.exercise == module]
            mark = ' <span class="flag" title="' + escape(blocked[0].headline) + '">!</span>' if blocked else ""
            cells.append(f'<td class="cell b-{band(points, most)}" data-v="{share:.2f}">'
                         f'{number(points)}/{number(most)}{mark}</td>')
        rows.append(f'<tr><td data-v="{escape(view.name.lower())}">{learner_link(view)}</td>'
                    f'<td class="num" data-v="{view.percent:.2f}">{score_pill(view)}</td>{"".join(cells)}</tr>')
    return table(head, rows, "heat", sortable=True)


# -- the full tables ----------------------------------------------------------------------------

def mistakes_table(groups, total):
    if not groups:
        return "<p>No check named a classic mistake.</p>"
    rows = []
    for group in groups:
        others = [t for t in group.texts if t != group.example]
        wordings = (f'<details class="more"><summary>{len(others)} other wording{"s" * (len(others) != 1)}'
                    f'</summary><ul>' + "".join(f"<li>{escape(t)}</li>" for t in others) + "</ul></details>"
                    if others else "")
        rows.append(f'<tr><td class="num">{len(group.learners)} of {total}</td>'
                    f'<td><code>{escape(group.exercise)}</code></td><td><code>{escape(group.subject)}</code></td>'
                    f'<td class="hint">{folded(group.example)}{wordings}</td>'
                    f'<td class="who">{learner_links(group.learners)}</td>'
                    f'<td class="checks">{len(group.checks)}</td></tr>')
    head = "<th>Learners</th><th>Exercise</th><th>Function</th><th>Mistake (the hint learners got)</th>" \
           "<th>Who</th><th>Checks</th>"
    return table(head, rows, "mistakes")


def other_table(groups, total):
    if not groups:
        return "<p>No other failures.</p>"
    def what(group):
        if group.kind == "not_implemented":  # one row per exercise: the functions still to write
            return "", folded(", ".join(group.texts))
        return f"<code>{escape(group.subject)}</code>", folded(group.example)

    rows = []
    for group in groups:
        subject, example = what(group)
        rows.append(f'<tr><td class="num">{len(group.learners)} of {total}</td><td><code>{escape(group.exercise)}'
                    f'</code></td><td>{subject}</td><td>{escape(KIND_WORDS.get(group.kind, group.kind))}</td>'
                    f'<td class="hint">{example}</td><td class="who">{learner_links(group.learners)}</td></tr>')
    head = "<th>Learners</th><th>Exercise</th><th>Function</th><th>Kind</th><th>Example</th><th>Who</th>"
    return table(head, rows, "others")


def checks_table(rates):
    """Every check's failure rate among the learners it could grade; checks nobody failed folded away."""
    def row(r):
        share = 100 * r["failed"] / max(r["graded"], 1)
        blocked = f' <small title="learners whose module could not be graded are not counted">' \
                  f'(+{r["blocked"]} not graded)</small>' if r["blocked"] else ""
        return (f'<tr><td><code>{escape(r["name"])}</code></td><td class="title">{clip(r["title"], 70)}</td>'
                f'<td>{"hidden" if r["hidden"] else "public"}</td>'
                f'<td class="num share"><span class="meter" style="--share:{share:.0f}%"></span>{share:.0f}% '
                f'({r["failed"]}/{r["graded"]}){blocked}</td><td class="who">{learner_links(r["who"], 4)}</td></tr>')

    if not rates:
        return "<p>No checks ran.</p>"
    head = "<th>Check</th><th>What it checks</th><th>Kind</th><th>Failed</th><th>Who</th>"
    failing = [row(r) for r in rates if r["failed"]]
    passing = [row(r) for r in rates if not r["failed"]]
    html = table(head, failing, "checks") if failing else "<p>Every check passed for every learner it graded.</p>"
    if passing:
        html += (f'<details><summary>{len(passing)} checks that every graded learner passed (0 %)</summary>'
                 f'{table(head, passing, "checks")}</details>')
    return html


# -- one section per learner ---------------------------------------------------------------------

def learner_sections(views, shown_above=()):
    """One section per learner; notes already shown at the top of the page (the isolation warning) left out."""
    sections = []
    for view in sorted(views, key=lambda v: v.name.lower()):
        folder = quote(view.folder)
        reasons = view.reasons()
        why = ("<ul>" + "".join(f"<li>{escape(r)}</li>" for r in reasons) + "</ul>") if reasons else \
            '<p class="ok">Full marks.</p>' if view.result.total >= view.result.max_total else ""
        own = [n for n in view.result.notes if n not in shown_above]
        notes = ("<p><strong>Notes:</strong></p><ul>" + "".join(f"<li>{escape(n)}</li>" for n in own)
                 + "</ul>") if own else ""
        cells = " · ".join(f'{escape(short_module(m))} <span class="pill b-{band(p, x)}">{number(p)}/{number(x)}</span>'
                           for m, (p, x) in view.by_exercise.items())
        sections.append(
            f'<section class="learner" id="{escape(view.anchor)}"><h3>{escape(view.name)} {score_pill(view)}</h3>'
            f'<p class="files">Folder <code>{escape(view.folder)}/</code>: '
            f'<a href="{escape(folder)}/feedback.txt">feedback.txt</a> · '
            f'<a href="{escape(folder)}/results.json">results.json</a> · <a href="#top">back to the top</a></p>'
            f'<p class="exercises">{cells}</p>{why}{notes}'
            f'<details><summary>Feedback, every check (hidden checks included)</summary>'
            f'<pre>{escape(feedback_text(view.result))}</pre></details></section>')
    return "\n".join(sections)
