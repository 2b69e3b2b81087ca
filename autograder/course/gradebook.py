"""The course gradebook: each learner's counting submission from the whole history, with its late penalty.

The columns of ``batch/gradebook.py`` come first and mean what they always meant (``total`` is the
points the counting submission's code earned, the exercise columns add up to it); after them:
``arrival`` (ISO time, or ``unknown``), ``days_late``, ``raw`` (= total), ``penalty`` (points taken
for lateness), ``final`` (the grade: raw - penalty) and ``submissions`` (how many the learner made).
"""
import csv
import io
from collections import defaultdict
from datetime import datetime

from ..batch.gradebook import cell_text, columns, number
from . import history

COURSE_COLUMNS = ["arrival", "days_late", "raw", "penalty", "final", "submissions"]


def course_rows(out, policy, exercises=None):
    """One dict per learner of the history (by name): the counting entry and its figures."""
    modules = columns(exercises)[3:]
    by_learner = defaultdict(list)
    for entry in history.latest_gradings(history.load(out)):
        points = {m: entry["exercises"].get(m, [0, 0]) for m in modules}
        by_learner[entry["learner"]].append(dict(
            entry, points={m: p[0] for m, p in points.items()}, max_total=sum(p[1] for p in points.values()),
            raw=round(sum(p[0] for p in points.values()), 4),
            arrival=datetime.fromisoformat(entry["arrival"]) if entry.get("arrival") else None))
    rows = []
    for learner in sorted(by_learner):
        entries = by_learner[learner]
        chosen = policy.choose(learner, entries)
        raw, penalty, final = policy.final(learner, chosen)
        rows.append({"student": learner, "points": chosen["points"], "max_total": chosen["max_total"],
                     "raw": raw, "penalty": penalty, "final": final, "arrival": chosen["arrival"],
                     "days_late": policy.days_late(learner, chosen["arrival"]),
                     "penalty_percent": policy.penalty_percent(learner, chosen["arrival"]),
                     "submissions": len({e["content_hash"] for e in entries}), "entry": chosen})
    return rows


def course_gradebook_text(out, policy, exercises=None):
    modules = columns(exercises)[3:]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns(exercises) + COURSE_COLUMNS)
    for row in course_rows(out, policy, exercises):
        writer.writerow([cell_text(row["student"]), number(row["raw"]), number(row["max_total"])] +
                        [number(row["points"][m]) for m in modules] +
                        [row["arrival"].isoformat() if row["arrival"] else "unknown", row["days_late"],
                         number(row["raw"]), number(row["penalty"]), number(row["final"]), row["submissions"]])
    return buffer.getvalue()
