"""``report.html``: how the class did, for the instructor, in one self-contained file.

The first screen answers two questions: who needs help (learners whose code could not be
graded, with the reason, then the lowest totals) and which concepts the class missed
(failures grouped by root cause, named mistakes ranked by how many learners made them).
Below: the score plots, a sortable learners x exercises heat map, the full tables, and one
section per learner with their feedback, linked from every table.

``causes`` works out the root causes, ``charts`` draws the PNGs, ``sections`` turns both into
one plain dict per section, and Jinja2 renders the templates of ``autograder/templates/report/``
with autoescaping on: learner text is only ever data, escaped where it is printed.

To add a section: write ``sections.my_section(report) -> dict`` and the template
``templates/report/my_section.html`` (it reads its dict as ``data``; the macros of ``macros.html``
draw links, score pills and cut texts), then add one ``Section`` to ``FIRST_SCREEN`` (a card beside
"Who needs help") or ``SECTIONS`` (a titled part below, linked from the page's menu).
"""
import statistics
from dataclasses import dataclass
from functools import cached_property

from ...exercises import MODULES
from ...paths import PACKAGE
from ..gradebook import number
from . import causes, charts, sections
from .causes import learner_view

TEMPLATES = PACKAGE / "templates" / "report"


@dataclass(frozen=True)
class Section:
    id: str          # the anchor of the section
    title: str       # its heading (and, for SECTIONS, its entry in the page's menu)
    template: str    # a file of TEMPLATES, which reads the builder's dict as ``data``
    build: object    # build(ClassReport) -> dict: the section's plain data
    intro: str = ""  # one paragraph under the heading


FIRST_SCREEN = [
    Section("help", "Who needs help", "needs_help.html", sections.needs_help),
    Section("missed", "What the class missed", "class_missed.html", sections.class_missed,
            "Root causes, each counted once per learner: parts that could not be graded, then the named mistakes, "
            "most learners first."),
]
SECTIONS = [
    Section("scores", "Scores", "scores.html", lambda report: {"figures": report.figures}),
    Section("heatmap", "Learners × exercises", "heat_map.html", sections.heat_map),
    Section("mistakes", "Named mistakes", "mistakes.html", sections.mistakes,
            "The classic mistakes the checks recognised, merged across public and hidden checks, ranked by how "
            "many learners made them."),
    Section("other", "Other failures", "other_failures.html", sections.other_failures,
            "Failures no check named: code that raised, answers that were wrong in another way, work not done yet. "
            "Parts that could not be graded are in \"Who needs help\", not here."),
    Section("checks", "Every check", "every_check.html", sections.every_check,
            "How many of the learners a check could grade failed it. A module that did not import or was not "
            "handed in is counted once, as \"could not be graded\", not as a failure of each of its checks."),
    Section("learners", "Each learner", "each_learner.html", sections.each_learner),
]


class ClassReport:
    """What every section reads: the batch's outcome and the class's root causes, worked out once."""

    def __init__(self, outcome, options):
        self.outcome, self.options = outcome, options
        self.exercises = [m for m in MODULES if not options.exercises or m in options.exercises]
        self.views = learner_views(outcome, self.exercises)
        self.blocked = causes.blocked_groups(self.views)
        self.mistakes = causes.mistake_groups(self.views)
        self.others = causes.other_groups(self.views)

    @cached_property
    def check_rates(self):
        return causes.check_rates(self.views)

    @cached_property
    def figures(self):
        if not self.outcome.results:
            return []
        return [{"alt": "score distribution: learners per tenth of the points, with the median",
                 "src": charts.score_histogram(self.outcome.results)},
                {"alt": "mean share of each exercise's points, with the class median",
                 "src": charts.exercise_bars(self.views, self.exercises)}]


def learner_views(outcome, exercises):
    """A LearnerView per result, with the learner's folder id (their name when the outcome has no map)."""
    folders = getattr(outcome, "folders", None) or {}
    return [learner_view(result, folders.get(result.student, result.student), exercises) for result in outcome.results]


def page_data(report):
    """The page's own data: its title, headline, warnings and summary (the sections come on their own)."""
    outcome, views = report.outcome, report.views
    totals = [v.result.total for v in views]
    headline = (f"{len(views)} learners · median {number(statistics.median(totals))} of "
                f"{number(max(v.result.max_total for v in views))} points" if views else "no learners")
    grader_errors = [v for v in views if v.result.grader_errors()]
    return {
        "title": f"rnn-grade: class report ({len(outcome.results)} learners)", "headline": headline,
        "isolation_warning": outcome.isolation_warning, "class_notes": list(outcome.class_notes),
        "grader_errors": sections.learner_links(grader_errors) if grader_errors else None,
        "grader_error_count": len(grader_errors),
        "machine_suspects": [{"what": causes.subject_text(g.kind, g.subject), "words": causes.BLOCKING_WORDS[g.kind],
                              "count": len(g.learners), "total": len(views)}
                             for g in causes.machine_suspects(report.blocked, len(views))],
        # The warnings and notes are shown above; the summary keeps the figures.
        "summary": [line for line in outcome.summary() if not line.startswith(("Warning:", "Note:"))],
    }


def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    environment = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    environment.filters["oneline"] = lambda text: " ".join(str(text).split())
    return environment


def report_html(outcome, options):
    report = ClassReport(outcome, options)

    def built(section):
        return {"id": section.id, "title": section.title, "intro": section.intro, "template": section.template,
                "data": section.build(report)}

    return _environment().get_template("page.html").render(
        page=page_data(report), first_screen=[built(s) for s in FIRST_SCREEN], sections=[built(s) for s in SECTIONS])
