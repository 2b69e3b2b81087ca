"""``report.html``: how the class did, for the instructor, in one self-contained file.

The first screen answers two questions: who needs help (learners whose code could not be
graded, with the reason, then the lowest totals) and which concepts the class missed
(failures grouped by root cause, named mistakes ranked by how many learners made them).
Below: the score plots, a sortable learners x exercises heat map, the full tables, and one
section per learner with their feedback, linked from every table.

``causes`` prepares the data, ``charts`` draws the PNGs, ``html`` writes the markup; the
page's CSS and its small sorting script are in ``templates/batch_report.html``.
"""
import statistics
from html import escape
from string import Template

from ...exercises import MODULES
from ...paths import PACKAGE
from ..gradebook import number
from .. import reviews
from . import causes, charts, html
from .causes import learner_view

TEMPLATE = PACKAGE / "templates" / "batch_report.html"


def learner_views(outcome, exercises):
    """A LearnerView per result, with the learner's folder id (their name when the outcome has no map)."""
    folders = getattr(outcome, "folders", None) or {}
    return [learner_view(result, folders.get(result.student, result.student), exercises) for result in outcome.results]


def report_html(outcome, options):
    results = outcome.results
    exercises = [m for m in MODULES if not options.exercises or m in options.exercises]
    views = learner_views(outcome, exercises)
    warnings = ""
    if outcome.isolation_warning:
        warnings += f"<p class=warning><strong>Isolation:</strong> {escape(outcome.isolation_warning)}</p>\n"
    for note in outcome.class_notes:
        warnings += f"<p class=warning>{escape(note)}</p>\n"
    grader_errors = [v for v in views if v.result.grader_errors()]
    if grader_errors:
        warnings += (f"<p class=warning><strong>Grader errors</strong> for {len(grader_errors)} learners "
                     f"({html.learner_links(grader_errors)}): the kit failed, not them.</p>\n")
    # The warnings and notes are shown above; the summary keeps the figures.
    blocked = causes.blocked_groups(views)
    for group in causes.machine_suspects(blocked, len(views)):
        warnings += (f"<p class=warning><strong>Check the grading machine:</strong> "
                     f"{escape(causes.subject_text(group.kind, group.subject))} "
                     f"{escape(causes.BLOCKING_WORDS[group.kind])} for {len(group.learners)} of {len(views)} "
                     f"learners. So many at once suggests a slow or busy machine rather than their code: "
                     f"grade them again with a longer <code>--call-seconds</code> or fewer <code>--jobs</code>."
                     f"</p>\n")
    warnings += reviews.review_fragment(results, lambda r: next((v.anchor for v in views if v.result is r), ""))
    summary = "\n".join(f"<li>{escape(line)}</li>" for line in outcome.summary()
                        if not line.startswith(("Warning:", "Note:")))
    figures = "<p>No learners were graded.</p>"
    if results:
        figures = "".join(f'<figure><img alt="{alt}" src="{src}"></figure>' for alt, src in (
            ("score distribution: learners per tenth of the points, with the median",
             charts.score_histogram(results)),
            ("mean share of each exercise's points, with the class median", charts.exercise_bars(views, exercises))))
    mistakes, others = causes.mistake_groups(views), causes.other_groups(views)
    totals = [v.result.total for v in views]
    headline = (f"{len(views)} learners · median {number(statistics.median(totals))} of "
                f"{number(max(v.result.max_total for v in views))} points" if views else "no learners")
    page = Template(TEMPLATE.read_text(encoding="utf-8"))
    return page.substitute(
        title=escape(f"rnn-grade: class report ({len(results)} learners)"), headline=escape(headline),
        warnings=warnings, summary=summary, needs_help=html.needs_help(views),
        class_missed=html.class_missed(views, blocked, mistakes, others), figures=figures,
        heat_map=html.heat_map(views, exercises) if views else "", mistakes=html.mistakes_table(mistakes, len(views)),
        others=html.other_table(others, len(views)), checks=html.checks_table(causes.check_rates(views)),
        learners=html.learner_sections(views, [outcome.isolation_warning]))
