"""``similarity.html``: the flagged pairs of each exercise, side by side, shared lines marked.

``similarity_section`` returns an escaped HTML fragment (for a section of the batch report);
``similarity_html`` a whole self-contained page. Nothing here changes a grade.
"""
from html import escape

from .. import learner_text
from ..exercises import TITLES

STYLE = """
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222;max-width:110rem}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem}h3{font-size:1rem}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:.8rem;margin-bottom:1.5rem}
@media (max-width:50rem){.pair{grid-template-columns:1fr}}
pre{background:#f6f6f6;padding:.5rem;overflow-x:auto;font-size:.8rem;margin:0;border:1px solid #ddd}
.same{background:#ffe08a}.note{color:#555}.ln{color:#999;user-select:none}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}
"""


def _code(text, marked):
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        body = f'<span class="ln">{number:4d} </span>{escape(line)}'
        rows.append(f'<span class="same">{body}</span>' if number in marked else body)
    return "<pre>" + "\n".join(rows) + "</pre>"


def similarity_section(reports, learners, top=10):
    """An HTML fragment (every learner-written text escaped): per exercise, the top flagged pairs side by side.

    ``learners``: {learner: {file name: bytes}} (the code shown).
    """
    parts = ['<section id="similarity"><h2>Similar code</h2><p class="note">Pairs whose code in an exercise is '
             'more alike than the class\'s norm, after leaving out the skeleton, the reference solution and '
             'what most of the class wrote alike; renamed variables, reordered functions and changed comments '
             'do not hide a copy. This is something to look at, not a verdict, and it never changes a grade.'
             '</p><table><tr><th>exercise</th><th>learners</th><th>median pair score</th><th>flagged at</th>'
             '<th>pairs flagged</th></tr>']
    for report in reports:
        parts.append(f"<tr><td>{escape(report.exercise)}</td><td>{report.learners}</td><td>{report.norm:.2f}</td>"
                     f"<td>{report.threshold:.2f}</td><td>{len(report.flagged)}</td></tr>")
    parts.append("</table>")
    for report in reports:
        if not report.flagged:
            continue
        parts.append(f"<h2>{escape(report.exercise)}: {escape(TITLES.get(report.exercise, ''))}</h2>")
        for pair in report.flagged[:top]:
            name = f"{report.exercise}.py"
            # Names as data (learner_text.name): U+202E cannot make one render as another learner's.
            a, b = escape(learner_text.name(pair.a)), escape(learner_text.name(pair.b))
            parts.append(f"<h3>{a} and {b}: {pair.score:.0%} of the smaller file's "
                         f"distinctive fingerprints shared ({pair.shared})</h3><div class=\"pair\">"
                         f"<div>{a}{_code(learners[pair.a].get(name, b''), pair.lines_a)}</div>"
                         f"<div>{b}{_code(learners[pair.b].get(name, b''), pair.lines_b)}</div></div>")
        if len(report.flagged) > top:
            parts.append(f"<p class=\"note\">{len(report.flagged) - top} more pairs flagged in this exercise.</p>")
    parts.append("</section>")
    return "".join(parts)


def pair_names(pair):
    """"a & b" of a flagged pair, each name shown as data: for the notes and the terminal."""
    return f"{learner_text.name(pair.a)} & {learner_text.name(pair.b)}"


def similarity_html(reports, learners, top=10):
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width,initial-scale=1">'
            f"<title>Similar code</title><style>{STYLE}</style></head><body><h1>Similar code</h1>"
            f"{similarity_section(reports, learners, top)}</body></html>\n")
