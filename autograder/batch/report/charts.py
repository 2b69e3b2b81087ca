"""The report's plots: PNG images drawn with matplotlib's Agg canvas, embedded as data URIs.

No display and no pyplot state: each figure is its own object, so drawing is the same in a
pool process, a test or a headless server.
"""
import base64
import io
import statistics

from ..gradebook import number
from .causes import band, percent

# One colour per band (causes.BANDS), shared with the page's CSS.
BAND_COLOURS = {"full": "#2e7d32", "most": "#9ccc65", "partial": "#ffb300", "low": "#d84315"}


def png_uri(figure, dpi=110):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def score_histogram(results):
    """How many learners reached each tenth of the points, with the class median marked."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(5.6, 3.0))
    axes = figure.add_subplot()
    most = max([r.max_total for r in results] + [1])
    bins = [most * i / 10 for i in range(11)]
    totals = [min(r.total, most) for r in results]
    _, edges, patches = axes.hist(totals, bins=bins, edgecolor="white")
    for left, patch in zip(edges, patches):
        patch.set_facecolor(BAND_COLOURS[band(left + most / 20, most)])
    median = statistics.median(totals)
    axes.axvline(median, color="#222", linestyle="--", linewidth=1.2)
    axes.annotate(f"median {number(median)}", (median, 1), xycoords=("data", "axes fraction"),
                  xytext=(-4, -12), textcoords="offset points", ha="right", fontsize=8)
    axes.set_xlim(0, most)
    axes.set_xlabel(f"total points (of {number(most)})")
    axes.set_ylabel("learners")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title("Score distribution")
    figure.tight_layout()
    return png_uri(figure)


def exercise_shares(views, exercises):
    """{exercise: [percent of its points, per learner who has checks in it]}."""
    shares = {}
    for module in exercises:
        values = [percent(*view.by_exercise[module]) for view in views if view.by_exercise.get(module, (0, 0))[1]]
        if values:
            shares[module] = values
    return shares


def exercise_bars(views, exercises):
    """Mean share of each exercise's points, the value written on each bar, the class median as a mark."""
    from matplotlib.figure import Figure

    shares = exercise_shares(views, exercises)
    labels = list(shares)
    means = [statistics.mean(shares[m]) for m in labels]
    medians = [statistics.median(shares[m]) for m in labels]
    figure = Figure(figsize=(5.6, 0.9 + 0.42 * max(len(labels), 1)))
    axes = figure.add_subplot()
    rows = range(len(labels))
    axes.barh(rows, means, color=[BAND_COLOURS[band(m, 100)] for m in means], height=0.6)
    axes.scatter(medians, rows, marker="|", s=260, color="#222", zorder=3)
    for row, mean in zip(rows, means):
        inside = mean > 22
        axes.text(mean - 1.5 if inside else mean + 1.5, row, f"{mean:.0f}%", va="center",
                  ha="right" if inside else "left", fontsize=8, color="white" if inside else "#222")
    axes.set_yticks(list(rows), labels, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(0, 104)  # room for a median mark at 100 %
    axes.set_xticks([0, 20, 40, 60, 80, 100])
    axes.set_xlabel("mean % of the exercise's points (bar); class median (|)")
    axes.set_ylabel("exercise")
    axes.set_title("Per exercise (| = class median)")
    figure.tight_layout()
    return png_uri(figure)
