"""A course over three weeks through ``rnn-grade batch`` (ex02 only, six learners): three downloads with
resubmissions, arrival times from file times, zip entry dates and a CSV, a deadline with a grace day, an
extension, a late penalty and a cut-off -> the expected gradebook; the history keeps every submission."""
import csv
import json
import os
import zipfile
from datetime import datetime, timezone

from autograder.cli import main
from autograder.paths import EXERCISES, SOLUTIONS

FILE = "ex02_forward_pass.py"
RIGHT = (SOLUTIONS / FILE).read_bytes()
SKELETON = (EXERCISES / FILE).read_bytes()
CONFIG = """
[batch]
exercise = ["ex02_forward_pass"]
incremental = true

[course]
deadline = 2026-03-14T23:59:00+00:00
grace-days = 1
penalty-per-day = 10
penalty-cap = 50
cutoff = 2026-03-21T23:59:00+00:00
keep = "best"
zip-time-zone = "UTC"

[course.extensions]
eve = 2026-03-18T23:59:00+00:00
"""


def at(text):
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def folder_download(root, learners):
    """A platform's folder download: one folder per learner, file times = arrival times."""
    for name, (data, arrived) in learners.items():
        (root / name).mkdir(parents=True)
        path = root / name / FILE
        path.write_bytes(data)
        os.utime(path, (at(arrived).timestamp(),) * 2)
    return root


def zip_download(path, learners):
    """A class zip: entry dates (UTC, as zip-time-zone says) = arrival times."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, (data, arrived) in learners.items():
            info = zipfile.ZipInfo(f"week2/{name}/{FILE}", date_time=at(arrived).timetuple()[:6])
            archive.writestr(info, data)
    return path


def batch(download, out, config, *extra):
    assert main(["batch", str(download), "--out", str(out), "--config", str(config), "--jobs", "1",
                 "--isolation", "plain"] + list(extra)) == 0


def test_three_weeks_of_a_course(tmp_path, capsys):
    config = tmp_path / "course.toml"
    config.write_text(CONFIG)
    out = tmp_path / "grades"
    week1 = {"ana": (RIGHT, "2026-03-05T12:00"), "ben": (SKELETON, "2026-03-06T09:00"),
             "cleo": (RIGHT, "2026-03-04T08:00")}
    batch(folder_download(tmp_path / "week1", week1), out, config)
    # Week 2: the platform's zip holds every learner's latest submission: ben resubmitted, on time.
    week2 = dict(week1, ben=(RIGHT, "2026-03-13T10:00"))
    batch(zip_download(tmp_path / "week2.zip", week2), out, config)
    # Week 3 (after the deadline): cleo resubmits broken code late, dev is late, eve has an extension,
    # fay comes after the cut-off. Arrival times from the platform's CSV this time.
    week3 = dict(week2, cleo=(SKELETON, "2026-03-18T08:00"), dev=(RIGHT, "2026-03-17T12:00"),
                 eve=(RIGHT, "2026-03-17T12:00"), fay=(RIGHT, "2026-03-22T08:00"))
    arrivals = tmp_path / "arrivals.csv"
    arrivals.write_text("learner,timestamp\n" + "".join(f"{name},{when}:00+00:00\n"
                                                       for name, (_, when) in week3.items()))
    folder_download(tmp_path / "week3", {name: (data, "2026-03-25T00:00") for name, (data, _) in week3.items()})
    batch(tmp_path / "week3", out, config, "--arrivals", str(arrivals), "--similarity")
    assert "Similar code (similarity.html" in capsys.readouterr().out
    assert "<h1>Similar code</h1>" in (out / "similarity.html").read_text(encoding="utf-8")

    with open(out / "gradebook.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["student", "total", "max_total", "ex02_forward_pass", "arrival", "days_late", "raw",
                       "penalty", "final", "submissions"]
    book = {row[0]: row[1:] for row in rows[1:]}
    assert book == {
        "ana": ["17", "17", "17", "2026-03-05T12:00:00+00:00", "0", "17", "0", "17", "1"],
        "ben": ["17", "17", "17", "2026-03-13T10:00:00+00:00", "0", "17", "0", "17", "2"],  # the better one
        # the late broken resubmission does not replace the on-time one (nbgrader#1171)
        "cleo": ["17", "17", "17", "2026-03-04T08:00:00+00:00", "0", "17", "0", "17", "2"],
        # 2 days 12 h after the deadline, 1 grace day: 2 started days late, 10 % each
        "dev": ["17", "17", "17", "2026-03-17T12:00:00+00:00", "2", "17", "3.4", "13.6", "1"],
        "eve": ["17", "17", "17", "2026-03-17T12:00:00+00:00", "0", "17", "0", "17", "1"],  # extension
        "fay": ["17", "17", "17", "2026-03-22T08:00:00+00:00", "7", "17", "17", "0", "1"],  # after the cut-off
    }
    history = [json.loads(line) for line in (out / ".rnn-grade" / "history.jsonl").read_text().splitlines()]
    assert sorted((e["learner"], e["arrival_source"]) for e in history) == sorted(
        [("ana", "file time"), ("ben", "file time"), ("cleo", "file time"), ("ben", "zip entry"),
         ("cleo", "arrivals csv"), ("dev", "arrivals csv"), ("eve", "arrivals csv"), ("fay", "arrivals csv")])
    # Every submitted version is kept as evidence, once, by its hash.
    stored = {p.name for p in (out / ".rnn-grade" / "submissions").rglob("*") if p.is_file()}
    assert len(stored) == 2 and {e["files"][FILE] for e in history} == stored
