"""``rnn-grade export-grades``: each LMS format read back by a parser written from that format's documentation
(see autograder/course/lms.py for the sources), with a roster of accents, commas, quotes and number-like ids."""
import csv
import io
import re

from autograder.cli import main
from autograder.exercises import POINTS

GRADEBOOK = ("student,total,max_total,ex01_rnn_layer,ex02_forward_pass,ex03_rnnnet,ex04_manual_rnn,ex05_sequences,"
             "ex06_training,arrival,days_late,raw,penalty,final,submissions\n"
             "Zoë O'Brien,100,100,15,17,17,20,16,15,2026-03-01T10:00:00+01:00,0,100,0,100,1\n"
             "\"Smith, Jane \"\"JJ\"\"\",50,100,15,17,0,18,0,0,2026-03-03T10:00:00+01:00,2,50,10,40,2\n"
             "José Müller,0,100,0,0,0,0,0,0,unknown,0,0,0,0,1\n"
             "walk-in,80,100,15,17,17,20,11,0,unknown,0,80,0,80,1\n")
ROSTER = [  # student, name, id, sis_user_id, sis_login_id, section, first, last, username, email, idnumber
    ["Zoë O'Brien", "O'Brien, Zoë", "1001", "00123", "zob", "Sec 1", "Zoë", "O'Brien", "zob", "zoe@uni.example",
     "007"],
    ["Smith, Jane \"JJ\"", "Smith, Jane \"JJ\"", "1002", "0042", "jsmith", "Sec, 2", "Jane \"JJ\"", "Smith", "jsmith",
     "jane@uni.example", "0100"],
    ["José Müller", "Müller, José", "1003", "1e5", "jmuller", "Sec 1", "José", "Müller", "jmüller", "jm@uni.example",
     "000"],
    ["Ana Absent", "Absent, Ana", "1004", "00999", "aabsent", "Sec 1", "Ana", "Absent", "aabsent", "ana@uni.example",
     "0999"],
]
HEADER = ["student", "name", "id", "sis_user_id", "sis_login_id", "section", "first_name", "last_name", "username",
          "email", "idnumber"]


def write_inputs(tmp_path):
    grades = tmp_path / "grades"
    grades.mkdir()
    (grades / "gradebook.csv").write_text(GRADEBOOK, encoding="utf-8")
    roster = tmp_path / "roster.csv"
    with open(roster, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([HEADER] + ROSTER)
    return grades, roster


def run_export(tmp_path, capsys, fmt, *extra):
    grades, roster = write_inputs(tmp_path)
    out = tmp_path / f"{fmt}.csv"
    assert main(["export-grades", str(grades), "--format", fmt, "--roster", str(roster), "--out", str(out)]
                + list(extra)) == 0
    said = capsys.readouterr()
    assert "walk-in" in said.err and "Ana Absent" in said.err  # reported both ways
    return out.read_bytes().decode("utf-8")


# -- parsers, from each system's documentation ----------------------------------------------------

def parse_canvas(text):
    """Canvas gradebook import: Student, ID, SIS User ID, SIS Login ID, Section, then assignments
    "Name (id)"; an optional "Points Possible" row right after the header."""
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    assert header[:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assignments = []
    for title in header[5:]:
        match = re.fullmatch(r"(.*?)(?: \((\d+)\))?", title)
        assignments.append((match.group(1), match.group(2)))
    possible = {}
    if body and body[0][0].strip() == "Points Possible":
        possible = {a[0]: float(v) for a, v in zip(assignments, body[0][5:])}
        body = body[1:]
    students = {row[1]: {"name": row[0], "sis_user_id": row[2], "sis_login_id": row[3], "section": row[4],
                         "grades": {a[0]: row[5 + i] for i, a in enumerate(assignments)}} for row in body}
    return assignments, possible, students


def parse_moodle(text):
    """Moodle grade import: a header row, one user-identifying column mapped at import, grade columns."""
    rows = list(csv.DictReader(io.StringIO(text)))
    identifiers = [c for c in ("Email address", "ID number", "Username") if c in rows[0]]
    assert identifiers, "Moodle needs a column to identify users by"
    return {row["Email address"]: row for row in rows}


def parse_blackboard(text):
    """Blackboard Grade Center upload: every value quoted in a .csv; Last Name, First Name, Username, Student ID,
    then "Name [Total Pts: N Score] |id|" columns; users matched by Username."""
    for line in text.splitlines():
        assert re.fullmatch(r'"(?:[^"]|"")*"(?:,"(?:[^"]|"")*")*', line), line  # every value quoted
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    assert header[:4] == ["Last Name", "First Name", "Username", "Student ID"]
    columns = []
    for title in header[4:]:
        match = re.fullmatch(r"(.*) \[Total Pts: ([\d.]+) Score\](?: \|(\d+)\|)?", title)
        assert match, title
        columns.append((match.group(1), float(match.group(2)), match.group(3)))
    users = {row[2]: dict(zip(["last", "first", "username", "student_id"], row[:4]),
                          grades={c[0]: row[4 + i] for i, c in enumerate(columns)}) for row in rows[1:]}
    return columns, users


# -- tests -----------------------------------------------------------------------------------------

def test_canvas_total_with_points_possible_and_ids_kept_as_text(tmp_path, capsys):
    text = run_export(tmp_path, capsys, "canvas", "--column-id", "total=48213", "--title", "RNN, part 1")
    assignments, possible, students = parse_canvas(text)
    assert assignments == [("RNN, part 1", "48213")] and possible == {"RNN, part 1": 100.0}
    assert students["1001"] == {"name": "O'Brien, Zoë", "sis_user_id": "00123", "sis_login_id": "zob",
                                "section": "Sec 1", "grades": {"RNN, part 1": "100"}}
    assert students["1002"]["name"] == 'Smith, Jane "JJ"' and students["1002"]["section"] == "Sec, 2"
    assert students["1002"]["grades"] == {"RNN, part 1": "40"}  # the final grade, after the late penalty
    assert students["1003"]["sis_user_id"] == "1e5" and students["1003"]["grades"] == {"RNN, part 1": "0"}
    assert students["1004"]["grades"] == {"RNN, part 1": ""}  # no submission: left empty, reported
    assert all(row["name"] != "walk-in" for row in students.values())


def test_canvas_per_exercise_scales_each_exercise_by_the_penalty(tmp_path, capsys):
    _, possible, students = parse_canvas(run_export(tmp_path, capsys, "canvas", "--per-exercise"))
    assert possible == {m: float(p) for m, p in POINTS.items()}
    jane = students["1002"]["grades"]
    assert jane["ex01_rnn_layer"] == "12" and jane["ex04_manual_rnn"] == "14.4"  # 40/50 of 15 and of 18
    assert sum(float(v) for v in jane.values()) == 40


def test_moodle_has_an_identifier_column_and_keeps_leading_zeros(tmp_path, capsys):
    rows = parse_moodle(run_export(tmp_path, capsys, "moodle"))
    assert rows["zoe@uni.example"]["ID number"] == "007" and rows["zoe@uni.example"]["First name"] == "Zoë"
    assert rows["jane@uni.example"]["First name"] == 'Jane "JJ"' and rows["jane@uni.example"]["rnn-grade"] == "40"
    assert rows["jm@uni.example"]["ID number"] == "000" and rows["jm@uni.example"]["Username"] == "jmüller"
    assert rows["ana@uni.example"]["rnn-grade"] == ""


def test_blackboard_quotes_every_value_and_names_columns_with_points(tmp_path, capsys):
    columns, users = parse_blackboard(run_export(tmp_path, capsys, "blackboard", "--per-exercise",
                                                 "--column-id", "ex02_forward_pass=5512"))
    assert ("ex02_forward_pass", 17.0, "5512") in columns and ("ex01_rnn_layer", 15.0, None) in columns
    assert users["zob"]["student_id"] == "00123" and users["zob"]["last"] == "O'Brien"
    assert users["jsmith"]["first"] == 'Jane "JJ"' and users["jsmith"]["grades"]["ex02_forward_pass"] == "13.6"


def test_plain_csv_keeps_roster_columns(tmp_path, capsys):
    rows = list(csv.DictReader(io.StringIO(run_export(tmp_path, capsys, "csv"))))
    by_name = {row["student"]: row for row in rows}
    assert by_name["José Müller"]["sis_user_id"] == "1e5" and by_name["Zoë O'Brien"]["idnumber"] == "007"
    assert by_name['Smith, Jane "JJ"']["rnn-grade"] == "40"


def test_a_roster_without_the_match_column_is_a_clear_exit_2(tmp_path, capsys):
    grades, roster = write_inputs(tmp_path)
    assert main(["export-grades", str(grades), "--format", "canvas", "--roster", str(roster),
                 "--match", "login"]) == 2
    assert "no 'login' column" in capsys.readouterr().err
