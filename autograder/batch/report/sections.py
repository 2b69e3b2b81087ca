"""The report's sections as plain data: one function per section, each returning a dict.

A section's template (``autograder/templates/report/<name>.html``) turns its dict into markup; Jinja2
escapes every value it prints, so learner text (names, notes, feedback, hints) reaches the page as
data only and nothing here writes HTML. Long texts are cut to one line by the templates' ``clip``
and ``folded`` macros, so no table row grows to ten lines. Learners are linked by the anchor
``#learner-<folder id>``.

Every builder takes the ``ClassReport`` (``report/__init__.py``): the outcome, the exercises and
the root causes worked out once for the whole page.
"""
from urllib.parse import quote

from ...exercises import TITLES
from ..feedback_file import feedback_text
from ..gradebook import number
from .causes import BLOCKING_WORDS, band, subject_text

NEEDS_HELP_BELOW = 80        # percent: a total under this is listed as needing help
FIRST_SCREEN_ROWS = 10       # rows of the first screen's lists before the rest is folded away
KIND_WORDS = {"not_implemented": "not implemented yet", "error": "raised an exception", "missing": "missing function",
              "wrong": "wrong answer (no named mistake)"}


def learner_link(view):
    return {"name": view.name, "href": "#" + quote(view.anchor)}


def learner_links(views, shown=6):
    """The first ``shown`` learners' links and how many more there are."""
    return {"links": [learner_link(v) for v in views[:shown]], "more": max(0, len(views) - shown)}


def score_pill(view):
    return {"band": view.band, "title": f"{view.percent:.0f}% of the points",
            "text": f"{number(view.result.total)}/{number(view.result.max_total)}"}


def short_module(module):
    return module.split("_", 1)[0]


# -- first screen -----------------------------------------------------------------------------------

def needs_help(report):
    """Learners whose code could not be graded (with the reason), then the lowest totals."""
    views = report.views
    blocked = sorted((v for v in views if v.blockers), key=lambda v: (v.result.total, v.name))
    low = sorted((v for v in views if not v.blockers and v.percent < NEEDS_HELP_BELOW),
                 key=lambda v: (v.result.total, v.name))
    rows = []
    for view in blocked + low:
        reasons = view.reasons()
        tag, kind = (("grader", "grader error") if any(b.kind == "grader" for b in view.blockers) else
                     ("blocked", "could not be graded") if view.blockers else ("low", "low total"))
        rows.append({"learner": learner_link(view), "pill": score_pill(view), "tag": tag, "kind": kind,
                     "reasons": reasons[:2], "more_reasons": max(0, len(reasons) - 2)})
    return {"rows": rows, "below": NEEDS_HELP_BELOW, "shown": FIRST_SCREEN_ROWS}


def class_missed(report):
    """Root causes across the class, each counted once per learner, most learners first."""
    total = len(report.views)
    items = []
    for group in report.blocked:
        items.append({"kind": "blocked", "count": len(group.learners), "what": subject_text(group.kind, group.subject),
                      "example": group.example, "words": BLOCKING_WORDS[group.kind], "who": group.learners})
    for group in report.mistakes:
        items.append({"kind": "mistake", "count": len(group.learners), "exercise": short_module(group.exercise),
                      "subject": group.subject, "example": group.example, "who": group.learners})
    unfinished = [g for g in report.others if g.kind == "not_implemented"]
    if unfinished:
        learners = []
        for group in unfinished:
            learners += [v for v in group.learners if v not in learners]
        items.append({"kind": "unfinished", "count": len(learners), "functions": sum(len(g.texts) for g in unfinished),
                      "exercises": len(unfinished), "who": learners})
    for item in items:
        item["share"] = f"{100 * item['count'] / max(total, 1):.0f}%"
        item["who"] = learner_links(item["who"], 3)
    return {"rows": items, "total": total, "shown": FIRST_SCREEN_ROWS}


# -- heat map -------------------------------------------------------------------------------------

def heat_map(report):
    columns = [{"title": TITLES.get(m, m), "short": short_module(m), "rest": m.split("_", 1)[-1]}
               for m in report.exercises]
    rows = []
    for view in sorted(report.views, key=lambda v: v.name.lower()):
        cells = []
        for module in report.exercises:
            points, most = view.by_exercise.get(module, (0, 0))
            blocked = [b for b in view.blockers if b.exercise == module]
            cells.append({"band": band(points, most), "share": f"{100 * points / most if most else 0:.2f}",
                          "text": f"{number(points)}/{number(most)}", "flag": blocked[0].headline if blocked else None})
        rows.append({"key": view.name.lower(), "learner": learner_link(view), "percent": f"{view.percent:.2f}",
                     "pill": score_pill(view), "cells": cells})
    return {"columns": columns, "rows": rows}


# -- the full tables ----------------------------------------------------------------------------

def mistakes(report):
    total = len(report.views)
    return {"rows": [{"count": len(g.learners), "total": total, "exercise": g.exercise, "subject": g.subject,
                      "example": g.example, "other_wordings": [t for t in g.texts if t != g.example],
                      "who": learner_links(g.learners), "checks": len(g.checks)} for g in report.mistakes]}


def other_failures(report):
    total = len(report.views)
    rows = []
    for group in report.others:
        unfinished = group.kind == "not_implemented"   # one row per exercise: the functions still to write
        rows.append({"count": len(group.learners), "total": total, "exercise": group.exercise,
                     "subject": None if unfinished else group.subject,
                     "kind": KIND_WORDS.get(group.kind, group.kind),
                     "example": ", ".join(group.texts) if unfinished else group.example,
                     "who": learner_links(group.learners)})
    return {"rows": rows}


def every_check(report):
    """Every check's failure rate among the learners it could grade; checks nobody failed folded away."""
    rows = [{"name": r["name"], "title": r["title"], "kind": "hidden" if r["hidden"] else "public",
             "share": f"{100 * r['failed'] / max(r['graded'], 1):.0f}%", "failed": r["failed"],
             "graded": r["graded"], "blocked": r["blocked"], "who": learner_links(r["who"], 4)}
            for r in report.check_rates]
    return {"any": bool(rows), "failing": [r for r in rows if r["failed"]],
            "passing": [r for r in rows if not r["failed"]]}


# -- one section per learner ---------------------------------------------------------------------

def each_learner(report):
    """One entry per learner; notes already shown at the top of the page (the isolation warning) left out."""
    shown_above = [report.outcome.isolation_warning]
    learners = []
    for view in sorted(report.views, key=lambda v: v.name.lower()):
        folder = quote(view.folder)
        learners.append({
            "anchor": view.anchor, "name": view.name, "pill": score_pill(view), "folder": view.folder,
            "feedback_href": f"{folder}/feedback.txt", "results_href": f"{folder}/results.json",
            "exercises": [{"short": short_module(m), "band": band(p, x), "text": f"{number(p)}/{number(x)}"}
                          for m, (p, x) in view.by_exercise.items()],
            "reasons": view.reasons(), "full_marks": view.result.total >= view.result.max_total,
            "notes": [n for n in view.result.notes if n not in shown_above],
            "feedback": feedback_text(view.result)})
    return {"learners": learners}
