"""Grading classes end to end: outputs, determinism, --jobs, --resume, broken learners, exit codes.

Most tests grade small classes on one exercise with a short time limit per call, to stay fast.
"""
import base64
import csv
import dataclasses
import io
import json
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from autograder.batch import grading, sample_class, store
from autograder.batch.runner import BatchOptions, run_batch
from autograder.batch.sample_class import SampleLearner
from autograder.cli import main
from autograder.exercises import MODULES
from autograder.paths import HIDDEN_CHECKS
from autograder.errors import GraderError
from autograder.runner.limits import Limits

EX01 = "ex01_rnn_layer"
QUICK = Limits(call_seconds=3.0, submission_seconds=60.0)


def build_class(folder, learners):
    """Write sample-style learners (SampleLearner specs) into ``folder``."""
    for learner in learners:
        files = sample_class.learner_files(learner)
        if learner.zipped:
            (folder / f"{learner.name}.zip").write_bytes(sample_class.zip_bytes(learner.name, files))
        else:
            for relative, text in files.items():
                (folder / learner.name / relative).parent.mkdir(parents=True, exist_ok=True)
                (folder / learner.name / relative).write_text(text)
    return folder


def read_gradebook(out):
    with open(out / "gradebook.csv", newline="") as handle:
        return list(csv.reader(handle))


def rows_by_student(out):
    header, *rows = read_gradebook(out)
    return {row[0]: dict(zip(header, row)) for row in rows}


class _Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.sources, self.tags = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "img":
            self.sources.append(dict(attrs)["src"])


# -- the sample class, all exercises ---------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_grades(tmp_path_factory):
    out = tmp_path_factory.mktemp("grades")
    code = main(["batch", "--out", str(out), "--call-seconds", "3"])  # no SUBMISSIONS: the sample class
    return code, out


def test_sample_class_gradebook(sample_grades):
    code, out = sample_grades
    assert code == 0
    header, *rows = read_gradebook(out)
    assert header == ["student", "total", "max_total"] + list(MODULES)
    assert [row[0] for row in rows] == sorted(learner.name for learner in sample_class.LEARNERS)
    grades = rows_by_student(out)
    full = grades["ada"]
    for row in grades.values():
        assert float(row["total"]) == pytest.approx(sum(float(row[m]) for m in MODULES))
        assert row["max_total"] == full["max_total"]
    assert full["total"] == full["max_total"] and grades["ben"] == dict(full, student="ben")
    maximum = {m: full[m] for m in MODULES}
    assert float(grades["cleo"]["ex02_forward_pass"]) < float(maximum["ex02_forward_pass"])
    assert grades["cleo"]["ex03_rnnnet"] == "0" and grades["cleo"][EX01] == maximum[EX01]
    assert float(grades["dev"]["ex02_forward_pass"]) < float(maximum["ex02_forward_pass"])
    assert grades["dev"][EX01] == maximum[EX01]
    assert grades["gus"]["ex02_forward_pass"] == "0" and grades["gus"][EX01] == maximum[EX01]
    assert grades["hana"]["ex03_rnnnet"] == "0"
    for name in ("ivan", "jade", "lena"):
        assert float(grades[name][EX01]) < float(maximum[EX01]), name
    assert grades["kai"]["ex03_rnnnet"] == "0" and grades["kai"][EX01] == maximum[EX01]
    if HIDDEN_CHECKS.exists():
        # These mistakes only show with other layouts and batch sizes than the notebook's: hidden checks.
        for name in ("eve", "finn"):
            assert float(grades[name]["total"]) < float(full["total"]), \
                f"sample learner {name} shows a classic mistake the hidden checks should catch"


def test_sample_class_learner_files(sample_grades):
    _, out = sample_grades
    for learner in sample_class.LEARNERS:
        document = json.loads((out / learner.name / "results.json").read_text())
        assert set(document) >= {"score", "tests", "output", "visibility"}
        assert all({"name", "score", "max_score", "status", "output"} <= set(t) for t in document["tests"])
        feedback = (out / learner.name / "feedback.txt").read_text()
        for test in document["tests"]:
            assert test["name"] in feedback
    assert "no ex03_rnnnet.py in the submission" in (out / "kai" / "feedback.txt").read_text()
    assert "did not finish within 3 s" in (out / "ivan" / "feedback.txt").read_text()
    assert "SyntaxError" in (out / "gus" / "feedback.txt").read_text()


def test_sample_class_report_is_valid_html_with_images(sample_grades):
    _, out = sample_grades
    text = (out / "report.html").read_text()
    parser = _Images()
    parser.feed(text)
    parser.close()
    assert parser.tags[0] == "html" and "table" in parser.tags
    assert len(parser.sources) == 2
    for source in parser.sources:
        assert source.startswith("data:image/png;base64,")
        assert base64.b64decode(source.split(",", 1)[1]).startswith(b"\x89PNG\r\n\x1a\n")
    assert "ex01_rnn_layer.count_parameters_notebook" in text       # per-check failure rates
    assert "you counted one bias vector" in text                    # with the most common hint
    assert 'href="ivan/feedback.txt"' in text and "timed out" in text
    # Who needs help names the learners whose code could not be graded, with the reason, before anyone else.
    help_table = text.split('id="help"', 1)[1].split("</section>", 1)[0]
    for name, reason in (("gus", "SyntaxError"), ("hana", "ex03_rnnnet.py does not import"),
                         ("kai", "ex03_rnnnet.py not handed in"), ("ivan", "count_parameters timed out"),
                         ("cleo", "not started")):
        assert f'href="#learner-{name}">{name}</a>' in help_table and reason in help_table, name
    assert 'href="#learner-ada"' not in help_table
    # A module that did not import is one root cause, not a failure of each of its checks.
    missed = text.split('id="missed"', 1)[1].split("</section>", 1)[0]
    assert missed.count("ex02_forward_pass.py</code>") == 1 and "you counted one bias vector" in missed
    assert "Learners whose code crashed: 2; timed out: 1" in text
    assert text.count('id="learner-') == len(sample_class.LEARNERS)


def test_sample_class_report_in_a_real_browser(sample_grades):
    """The report rendered by headless Chromium at a laptop's and a phone's width."""
    from browser import find_browser, measure

    if find_browser() is None:
        pytest.skip("no Chromium here (Debian package chromium; .ci/run installs it as root)")
    _, out = sample_grades
    for width, height in ((1280, 900), (390, 844)):
        page = measure(out / "report.html", width, height)
        assert page["innerWidth"] == width
        assert page["scrollWidth"] <= width and page["overflowing"] == [], (width, page["overflowing"])
        assert all(right <= width for right in page["scrollBoxes"])  # wide tables scroll inside their box
        assert len(page["images"]) == 2 and all(i["complete"] and i["naturalWidth"] > 0 for i in page["images"])
        assert all(0 < i["width"] <= width for i in page["images"])
        helped = [row["name"] for row in page["help"]]
        assert {"gus", "hana", "kai", "ivan", "cleo"} <= set(helped) and "ada" not in helped
        why = {row["name"]: row["why"] for row in page["help"]}
        assert "SyntaxError" in why["gus"] and "ex03_rnnnet.py does not import" in why["hana"]
        # Learners whose code could not be graded come first, then the lowest totals (cleo).
        assert helped.index("cleo") > max(helped.index(name) for name in ("gus", "hana", "kai", "ivan"))
        assert page["brokenAnchors"] == []
        for column in ("Total", "ex03"):
            sort = page["sorts"][column]
            first, second = [float(v) for v in sort["first"]], [float(v) for v in sort["second"]]
            assert first == sorted(first) and second == sorted(first, reverse=True) and first != second
            assert sort["aria"] == "descending"
        if width == 1280:
            # The first screen: who needs help and what the class missed, side by side.
            assert all(row["top"] < height for row in page["help"])
            mistakes = [row for row in page["missed"] if "you counted one bias vector" in row["text"]]
            assert mistakes and mistakes[0]["top"] < height and page["missedTop"] < 200


# -- determinism, --jobs, --resume --------------------------------------------------------------

SMALL_CLASS = (
    SampleLearner("ada", "full marks"),
    next(l for l in sample_class.LEARNERS if l.name == "lena"),
    SampleLearner("omar", "no ex01, handed in as a zip", drop=(EX01,), zipped=True),
)


def options(submissions, out, **changes):
    settings = dict(submissions=submissions, out=out, jobs=1, exercises=[EX01], limits=QUICK)
    settings.update(changes)
    return BatchOptions(**settings)


def zip_class(folder, archive):
    """The class folder as one zip of the whole class, inside a wrapper folder."""
    with zipfile.ZipFile(archive, "w") as handle:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            handle.write(path, Path("export") / path.relative_to(folder))
    return archive


def test_runs_agree_across_jobs_and_inputs_and_resume_completes_an_interrupted_run(tmp_path):
    cls = build_class(tmp_path / "class", SMALL_CLASS)
    archive = zip_class(cls, tmp_path / "class.zip")
    one = run_batch(options(cls, tmp_path / "one", jobs=1), progress_stream=io.StringIO())
    two = run_batch(options(archive, tmp_path / "two", jobs=2), progress_stream=io.StringIO())
    gradebook = (tmp_path / "one" / "gradebook.csv").read_text()
    assert gradebook == (tmp_path / "two" / "gradebook.csv").read_text()
    assert read_gradebook(tmp_path / "one")[0] == ["student", "total", "max_total", EX01]
    assert sorted(one.graded) == sorted(two.graded) == ["ada", "lena", "omar"]
    grades = rows_by_student(tmp_path / "one")
    assert grades["ada"]["total"] == grades["ada"]["max_total"] and grades["omar"]["total"] == "0"
    assert float(grades["lena"]["total"]) < float(grades["ada"]["total"])

    # Interrupted run: one learner's outputs are gone. --resume grades only that learner.
    out = tmp_path / "two"
    kept = {name: (out / name / "results.json").stat().st_mtime_ns for name in ("ada", "omar")}
    for path in (out / "lena").iterdir():
        path.unlink()
    (out / "lena").rmdir()
    resumed = run_batch(options(archive, out, jobs=2, resume=True), progress_stream=io.StringIO())
    assert resumed.graded == ["lena"] and sorted(resumed.reused) == ["ada", "omar"]
    assert {name: (out / name / "results.json").stat().st_mtime_ns for name in kept} == kept
    assert (out / "gradebook.csv").read_text() == gradebook
    assert (out / "lena" / "feedback.txt").exists()

    # A learner whose files changed is graded again; the others are kept.
    edited = cls / "ada" / f"{EX01}.py"
    edited.write_text(edited.read_text().replace("    return shapes\n", "    return {}\n"))
    again = run_batch(options(zip_class(cls, tmp_path / "class.zip"), out, jobs=1, resume=True),
                      progress_stream=io.StringIO())
    assert again.graded == ["ada"] and len(again.reused) == 2
    assert float(rows_by_student(out)["ada"]["total"]) < float(grades["ada"]["total"])


def test_learners_keep_their_names_and_get_folders_that_never_collide(tmp_path):
    lena = next(l for l in sample_class.LEARNERS if l.name == "lena")
    learners = (SampleLearner("Jose Muller", "full marks"), dataclasses.replace(lena, name="Jose_Muller"),
                SampleLearner("Zoë O'Brien (2)", "full marks, handed in as a zip", zipped=True))
    cls = build_class(tmp_path / "class", learners)
    out = tmp_path / "out"
    run_batch(options(cls, out), progress_stream=io.StringIO())
    grades = rows_by_student(out)
    assert sorted(grades) == ["Jose Muller", "Jose_Muller", "Zoë O'Brien (2)"]
    with open(out / "learners.csv", newline="", encoding="utf-8") as handle:
        folders = {row["student"]: row["folder"] for row in csv.DictReader(handle)}
    # A name that is already safe keeps it as its folder; a name that had to be made safe never takes it.
    assert folders == {"Jose Muller": "Jose_Muller-2", "Jose_Muller": "Jose_Muller", "Zoë O'Brien (2)": "Zoë_O_Brien_2"}
    assert float(grades["Jose_Muller"]["total"]) < float(grades["Jose Muller"]["total"])
    mine = (out / "Jose_Muller" / "feedback.txt").read_text(encoding="utf-8")
    assert mine.startswith("rnn-grade feedback for Jose_Muller\n") and "transposed" in mine
    other = (out / "Jose_Muller-2" / "feedback.txt").read_text(encoding="utf-8")
    assert other.startswith("rnn-grade feedback for Jose Muller\n") and "transposed" not in other
    for student, folder in folders.items():
        text = (out / folder / "feedback.txt").read_text(encoding="utf-8")
        assert str(tmp_path) not in text and "Jose_Muller/" not in text, student  # no one's paths, not even their own
        assert json.loads((out / folder / "results.json").read_text())["score"] == float(grades[student]["total"])
        assert store.load_record(out, folder)["student"] == student
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Zoë O&#39;Brien (2)" in page and 'id="learner-Zoë_O_Brien_2"' in page
    assert 'href="Jose_Muller-2/feedback.txt"' in page
    # --resume finds every learner again under the same folder ids.
    gradebook = (out / "gradebook.csv").read_text(encoding="utf-8")
    again = run_batch(options(cls, out, resume=True), progress_stream=io.StringIO())
    assert again.graded == [] and sorted(again.reused) == sorted(folders.values())
    assert (out / "gradebook.csv").read_text(encoding="utf-8") == gradebook


# -- learners whose code crashes, hangs, exhausts memory -------------------------------------------

BROKEN = (
    SampleLearner("crash", "kills its own process", edits={EX01: [
        ("    num_directions = 2 if bidirectional else 1\n    per_direction_bias",
         "    import os, signal\n    os.kill(os.getpid(), signal.SIGKILL)\n"
         "    num_directions = 2 if bidirectional else 1\n    per_direction_bias")]}),
    SampleLearner("hang", "an endless loop", edits={EX01: [
        ("    return nn.RNN(input_size", "    while True:\n        pass\n    return nn.RNN(input_size")]}),
    SampleLearner("peek", "looks at the folder it runs in", edits={EX01: [
        ("    return nn.RNN(input_size", "    import os\n"
         "    raise RuntimeError(f'I see {sorted(os.listdir())} in <{os.getcwd()}>')\n    return nn.RNN(input_size")]}),
    SampleLearner("hog", "asks for far more memory than the machine has", edits={EX01: [
        ("    num_directions = 2 if bidirectional else 1\n    shapes = {}",
         "    buffer = bytearray(10 ** 13)\n    num_directions = 2 if bidirectional else 1\n    shapes = {}")]}),
)


def test_crashing_hanging_and_memory_hungry_learners_get_rows_and_feedback(tmp_path, capsys):
    cls = build_class(tmp_path / "class", BROKEN)
    (cls / "empty").mkdir()
    (cls / "peek" / "notes.txt").write_text("my notes")
    (cls / "peek" / "helper.py").write_text("X = 1")
    out = tmp_path / "out"
    code = main(["batch", str(cls), "--out", str(out), "--exercise", EX01, "--call-seconds", "3", "--jobs", "2"])
    assert code == 0
    grades = rows_by_student(out)
    assert sorted(grades) == ["crash", "empty", "hang", "hog", "peek"]
    assert all(float(row["total"]) < float(row["max_total"]) for row in grades.values())
    assert "crashed" in (out / "crash" / "feedback.txt").read_text()
    assert "killed by SIGKILL" in (out / "crash" / "feedback.txt").read_text()
    assert "did not finish within 3 s" in (out / "hang" / "feedback.txt").read_text()
    assert "MemoryError" in (out / "hog" / "feedback.txt").read_text()
    assert "no exercise modules" in (out / "empty" / "feedback.txt").read_text()
    # The worker ran in a private copy holding only the matched modules and the helper modules beside them
    # (every front end grades helpers: README "What it reads"), never other files; removed after grading.
    peek = (out / "peek" / "feedback.txt").read_text()
    seen = peek.split("I see ", 1)[1].split(" in <", 1)[0]
    assert "ex01_rnn_layer.py" in seen and "helper.py" in seen and "notes.txt" not in seen
    workdir = Path(peek.split(" in <", 1)[1].split(">", 1)[0])
    assert workdir.is_absolute() and cls not in workdir.parents and not workdir.exists()
    summary = capsys.readouterr().out
    assert "Graded 5 learners" in summary and "crashed: 1; timed out: 1; grader errors: 0" in summary


# -- exit codes: the instructor's errors and the grader's ------------------------------------------

def test_bad_paths_and_unwritable_out_dir_exit_non_zero(tmp_path, capsys):
    assert main(["batch", str(tmp_path / "missing"), "--out", str(tmp_path / "out")]) == 2
    assert "does not exist" in capsys.readouterr().err
    (tmp_path / "a-file").write_text("")
    assert main(["batch", str(tmp_path), "--out", str(tmp_path / "a-file" / "out")]) == 2
    assert "cannot write to the output folder" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["batch", str(tmp_path / "empty"), "--out", str(tmp_path / "out")]) == 2
    assert "was found for any learner in" in capsys.readouterr().err


class _BrokenReference:
    def observe(self, name, config):
        raise GraderError("the reference is broken")


def test_grader_errors_are_reported_and_exit_non_zero(tmp_path, monkeypatch, capsys):
    cls = build_class(tmp_path / "class", SMALL_CLASS[:1])
    monkeypatch.setattr(grading, "make_reference", _BrokenReference)
    code = main(["batch", str(cls), "--out", str(tmp_path / "out"), "--exercise", EX01, "--jobs", "1"])
    assert code == 3
    printed = capsys.readouterr().out
    assert "grader errors: 1" in printed and "GRADER ERRORS (the kit failed, not the learners) for: ada" in printed
    assert "Grader errors" in (tmp_path / "out" / "report.html").read_text()


def test_a_grader_that_cannot_start_stops_the_batch_before_anyone_is_graded(tmp_path, monkeypatch, capsys):
    def refuse(*args, **kwargs):
        raise RuntimeError("bubblewrap is not installed")

    monkeypatch.setattr(grading, "make_reference", refuse)
    cls = build_class(tmp_path / "class", SMALL_CLASS[:1])
    assert main(["batch", str(cls), "--out", str(tmp_path / "out"), "--jobs", "1"]) == 3
    err = capsys.readouterr().err
    assert "this machine cannot grade" in err and "bubblewrap is not installed" in err
    assert not (tmp_path / "out" / "ada").exists() and not (tmp_path / "out" / "gradebook.csv").exists()
