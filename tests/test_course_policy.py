"""Deadlines and late policy (the config's [course] table): penalties, grace, cap, cut-off, extensions, which
submission counts, and settings problems said clearly (exit 2)."""
from datetime import datetime, timedelta, timezone

import pytest

from autograder.batch.intake import InstructorError
from autograder.cli import main
from autograder.course.arrival import read_arrivals
from autograder.course.policy import policy_from_config

DEADLINE = datetime(2026, 3, 14, 23, 59, tzinfo=timezone.utc)


def late(days, hours=0):
    return DEADLINE + timedelta(days=days, hours=hours)


def test_penalty_per_started_day_after_grace_capped_and_zero_after_the_cutoff():
    policy = policy_from_config({"deadline": DEADLINE, "grace-days": 1, "penalty-per-day": 15, "penalty-cap": 40,
                                 "cutoff": "2026-03-24T23:59:00+00:00"})
    assert [policy.penalty_percent("x", late(d, 1)) for d in (-3, 0, 1, 2, 3, 9)] == [0, 0, 15, 30, 40, 40]
    assert policy.penalty_percent("x", late(10, 1)) == 100.0  # after the cut-off: counts 0
    assert policy.penalty_percent("x", None) == 0  # an unknown arrival never costs the learner


def test_extensions_move_the_deadline_and_the_cutoff():
    policy = policy_from_config({"deadline": "2026-03-14T23:59:00Z", "penalty-per-day": 10, "cutoff": late(2),
                                 "extensions": {"Zoë O'Brien": 3, "bob": "2026-03-16T23:59:00+00:00"}})
    assert policy.penalty_percent("Zoë O'Brien", late(3)) == 0 and policy.penalty_percent("Zoë O'Brien", late(4)) == 10
    assert policy.penalty_percent("Zoë O'Brien", late(5)) == 20  # her cut-off moved 3 days too
    assert policy.penalty_percent("Zoë O'Brien", late(5, 1)) == 100
    assert policy.penalty_percent("other", late(2, 1)) == 100
    assert policy.penalty_percent("bob", late(2)) == 0 and policy.penalty_percent("other", late(1, 1)) == 20


def test_best_keeps_the_highest_final_and_last_keeps_the_last_on_time():
    entries = [{"arrival": late(-5), "raw": 12, "recorded": "1"}, {"arrival": late(-1), "raw": 9, "recorded": "2"},
               {"arrival": late(1, 1), "raw": 17, "recorded": "3"}]
    best = policy_from_config({"deadline": DEADLINE, "penalty-per-day": 20, "keep": "best"})
    assert best.choose("x", entries)["raw"] == 12  # the late 17 is worth 17 - 40 % = 10.2 < 12
    generous = policy_from_config({"deadline": DEADLINE, "penalty-per-day": 10, "keep": "best"})
    assert generous.choose("x", entries)["raw"] == 17  # 17 - 20 % = 13.6 > 12
    last = policy_from_config({"deadline": DEADLINE, "penalty-per-day": 20, "keep": "last"})
    assert last.choose("x", entries)["raw"] == 9  # the last one on time, though an earlier one scored more
    assert last.choose("x", entries[2:])["raw"] == 17  # nothing on time: the late one with its penalty
    assert last.final("x", entries[2]) == (17, 6.8, 10.2)


@pytest.mark.parametrize("table, said", [
    ({"deadline": "2026-03-14T23:59:00"}, "has no time zone"),
    ({"deadline": "next friday"}, "not an ISO 8601 time"),
    ({"deadlne": DEADLINE}, "unknown setting 'deadlne'"),
    ({"keep": "first"}, "keep must be"),
    ({"penalty-per-day": 150}, "penalty-per-day must be a number from 0 to 100"),
    ({"extensions": {"bob": 2}}, "needs a deadline"),
    ({"deadline": DEADLINE, "cutoff": late(-1)}, "cutoff is before the deadline"),
    ({"zip-time-zone": "Mars/Olympus"}, "not a known time zone"),
])
def test_wrong_course_settings_are_instructor_errors(table, said):
    with pytest.raises(InstructorError, match=said):
        policy_from_config(table)


def test_a_wrong_course_table_or_arrivals_file_is_exit_2_before_grading(tmp_path, capsys):
    config = tmp_path / "course.toml"
    config.write_text('[course]\ndeadline = "2026-03-14"\n')
    assert main(["batch", "--out", str(tmp_path / "out"), "--config", str(config)]) == 2
    assert "has no time zone" in capsys.readouterr().err
    arrivals = tmp_path / "arrivals.csv"
    arrivals.write_text("learner,timestamp\nana,yesterday\n")
    assert main(["batch", "--out", str(tmp_path / "out"), "--arrivals", str(arrivals)]) == 2
    assert "row 1" in capsys.readouterr().err and not (tmp_path / "out").exists()


def test_arrivals_csv_with_or_without_header_and_a_bom(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("\ufeffZoë O'Brien,2026-03-01T10:00:00+01:00\n\"Smith, Jane\",2026-03-02T10:00:00Z\n",
                    encoding="utf-8")
    assert read_arrivals(path) == {"Zoë O'Brien": datetime(2026, 3, 1, 9, tzinfo=timezone.utc),
                                   "Smith, Jane": datetime(2026, 3, 2, 10, tzinfo=timezone.utc)}
