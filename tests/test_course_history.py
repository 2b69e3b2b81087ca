"""The submission history and arrival times, without grading: what is logged, read back and dated."""
import io
import json
import zipfile
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from autograder.batch.intake import find_submissions
from autograder.course import history
from autograder.course.arrival import arrival_of


def entry(learner, content, arrival, points, error=False, recorded="r"):
    return {"learner": learner, "content_hash": content, "arrival": arrival, "fingerprint": "k",
            "exercises": {"ex02_forward_pass": [points, 17]}, "grader_error": error, "recorded": recorded,
            "files": {}}


def test_the_log_is_appended_once_per_result_and_survives_a_torn_line(tmp_path):
    assert history.append(tmp_path, [entry("ana", "h1", "2026-03-01T00:00:00+00:00", 17)]) == 1
    # The same download graded again:
    assert history.append(tmp_path, [entry("ana", "h1", "2026-03-01T00:00:00+00:00", 17)]) == 0
    with open(tmp_path / history.LOG, "a") as handle:
        handle.write('{"learner": "torn')  # a crash while appending
    assert [e["learner"] for e in history.load(tmp_path)] == ["ana"]
    # A grader error, then its regrade: both logged, the latest counts; the learner never drops out.
    history.append(tmp_path, [entry("ben", "h2", "2026-03-02T00:00:00+00:00", 0, error=True)])
    assert {e["learner"] for e in history.latest_gradings(history.load(tmp_path))} == {"ana", "ben"}
    history.append(tmp_path, [entry("ben", "h2", "2026-03-02T00:00:00+00:00", 12)])
    latest = {e["learner"]: e for e in history.latest_gradings(history.load(tmp_path))}
    assert latest["ben"]["exercises"]["ex02_forward_pass"] == [12, 17] and not latest["ben"]["grader_error"]


def test_module_bytes_are_stored_once_by_hash(tmp_path):
    first = history.store_files(tmp_path, {"ex02_forward_pass.py": b"x = 1\n", "ex01_rnn_layer.py": b"y\n"})
    again = history.store_files(tmp_path, {"ex02_forward_pass.py": b"x = 1\n"})
    assert again["ex02_forward_pass.py"] == first["ex02_forward_pass.py"]
    assert history.read_files(tmp_path, first) == {"ex02_forward_pass.py": b"x = 1\n", "ex01_rnn_layer.py": b"y\n"}
    assert len([p for p in (tmp_path / history.BLOBS).rglob("*") if p.is_file()]) == 2


def test_arrival_from_a_class_zip_its_learner_zips_and_a_csv(tmp_path):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr(zipfile.ZipInfo("ex02_forward_pass.py", (2026, 3, 2, 9, 0, 0)), "x = 1\n")
    path = tmp_path / "class.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("download/ana/ex02_forward_pass.py", (2026, 3, 1, 10, 0, 0)), "x = 1\n")
        archive.writestr(zipfile.ZipInfo("download/ana/notes.txt", (2026, 3, 9, 10, 0, 0)), "not a module\n")
        archive.writestr(zipfile.ZipInfo("download/ben.zip", (2026, 3, 3, 11, 0, 0)), inner.getvalue())
    learners = {s.label: s for s in find_submissions(path).submissions}
    paris = ZoneInfo("Europe/Paris")
    ana = arrival_of(learners["ana"], zip_zone=paris, class_path=path)
    assert (ana.time, ana.source) == (datetime(2026, 3, 1, 10, tzinfo=paris), "zip entry")  # the module's date
    assert arrival_of(learners["ben"], zip_zone=paris, class_path=path).time == datetime(2026, 3, 3, 11, tzinfo=paris)
    given = datetime(2026, 3, 5, tzinfo=timezone.utc)
    assert arrival_of(learners["ana"], {"ana": given}, paris, path).source == "arrivals csv"
    assert arrival_of(learners["ana"], zip_zone=paris).source == "unknown"  # the class zip was not named


def test_history_lines_are_plain_json(tmp_path):
    history.append(tmp_path, [entry("Zoë O'Brien", "h", None, 3)])
    line = (tmp_path / history.LOG).read_text(encoding="utf-8").splitlines()[0]
    assert json.loads(line)["learner"] == "Zoë O'Brien" and "Zoë" in line


def test_the_same_bytes_seen_again_keep_their_first_arrival(tmp_path):
    history.append(tmp_path, [entry("ana", "h1", "2026-03-05T12:00:00+00:00", 17, recorded="1"),
                              entry("ana", "h1", "2026-03-20T12:00:00+00:00", 17, recorded="2"),
                              entry("ana", "h2", None, 3, recorded="3")])
    latest = sorted(history.latest_gradings(history.load(tmp_path)), key=lambda e: e["content_hash"])
    assert [(e["content_hash"], e["arrival"]) for e in latest] == [("h1", "2026-03-05T12:00:00+00:00"), ("h2", None)]


def test_an_arrival_read_by_intake_is_used_in_the_courses_zone():
    from types import SimpleNamespace

    learner = SimpleNamespace(label="ana", origin="nowhere", arrived="2026-03-05T23:10:00")
    paris = ZoneInfo("Europe/Paris")
    found = arrival_of(learner, zip_zone=paris)
    assert (found.time, found.source) == (datetime(2026, 3, 5, 23, 10, tzinfo=paris), "intake")
