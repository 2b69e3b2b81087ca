"""Finding learners in folders and zips, safely (no grading here: these tests are fast)."""
import io
import os
import stat
import zipfile

import pytest

from autograder import intake
from autograder.batch import sample_class
from autograder.intake import InstructorError, entries, find_submissions
from autograder.paths import SOLUTIONS

EX01, EX02 = "ex01_rnn_layer.py", "ex02_forward_pass.py"
SOURCE = {name: (SOLUTIONS / name).read_bytes() for name in (EX01, EX02)}


def make_zip(entries, symlinks=()):
    """Bytes of a zip holding {name: bytes}; names in ``symlinks`` become symbolic-link entries."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = ((stat.S_IFLNK | 0o777) if name in symlinks else (stat.S_IFREG | 0o644)) << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def learner_entries(prefix=""):
    return {f"{prefix}{name}": data for name, data in SOURCE.items()}


def names_and_files(found):
    return {s.name: sorted(s.files) for s in found.submissions}


def test_folder_of_learner_folders_and_zips(tmp_path):
    cls = tmp_path / "class"
    (cls / "alice" / "deep" / "er").mkdir(parents=True)
    for name, data in SOURCE.items():
        (cls / "alice" / "deep" / "er" / name).write_bytes(data)
    (cls / "bob.zip").parent.mkdir(exist_ok=True)
    (cls / "bob.zip").write_bytes(make_zip(learner_entries()))                    # no top folder
    (cls / "carol.zip").write_bytes(make_zip(learner_entries("carol-upload/")))  # with a top folder
    (cls / "notes.csv").write_text("not a learner")
    (cls / "__MACOSX").mkdir()
    (cls / "grades" / "alice").mkdir(parents=True)   # the batch's own output folder, inside the class
    found = find_submissions(cls, exclude=[cls / "grades"])
    assert names_and_files(found) == {n: [EX01, EX02] for n in ("alice", "bob", "carol")}
    assert found.submissions[0].files[EX01] == SOURCE[EX01]
    alice = found.submissions[0]
    assert any("no ex03_rnnnet.py in the submission" in note for note in alice.notes)


@pytest.mark.parametrize("layout", ["folders", "wrapped folders", "zips", "wrapped zips", "mixed"])
def test_zip_of_the_whole_class(tmp_path, layout):
    entries = {}
    for student in ("alice", "bob"):
        wrapper = "class-export/" if "wrapped" in layout else ""
        if layout.endswith("zips") or (layout == "mixed" and student == "bob"):
            entries[f"{wrapper}{student}.zip"] = make_zip(learner_entries(f"{student}/"))
        else:
            entries.update(learner_entries(f"{wrapper}{student}/src/"))
    entries["__MACOSX/alice/._ex01_rnn_layer.py"] = b"junk"
    path = tmp_path / "class.zip"
    path.write_bytes(make_zip(entries))
    found = find_submissions(path)
    assert names_and_files(found) == {"alice": [EX01, EX02], "bob": [EX01, EX02]}


def test_one_learner_folder_or_zip_is_one_learner(tmp_path):
    (tmp_path / "dana").mkdir()
    (tmp_path / "dana" / EX01).write_bytes(SOURCE[EX01])
    assert names_and_files(find_submissions(tmp_path / "dana")) == {"dana": [EX01]}
    (tmp_path / "erin.zip").write_bytes(make_zip(learner_entries("erin/nested/")))
    assert names_and_files(find_submissions(tmp_path / "erin.zip")) == {"erin": [EX01, EX02]}


def test_unsafe_entries_are_refused_and_nothing_is_written_outside(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    evil = {
        "../ex01_rnn_layer.py": b"print('escaped')",
        f"{outside}/ex02_forward_pass.py": b"print('absolute')",
        "alice/../../ex03_rnnnet.py": b"print('escaped')",
        "alice/ex03_rnnnet.py": b"print('a link')",
        "C:\\temp\\ex01_rnn_layer.py": b"print('drive')",
    }
    evil.update(learner_entries("alice/"))
    evil.update(learner_entries("bob/"))
    path = tmp_path / "class.zip"
    path.write_bytes(make_zip(evil, symlinks={"alice/ex03_rnnnet.py"}))
    before = sorted(p for p in tmp_path.rglob("*"))
    found = find_submissions(path)
    notes = "\n".join(found.notes)
    assert "refused the entry '../ex01_rnn_layer.py'" in notes and "(..)" in notes
    assert f"refused the entry '{outside}/ex02_forward_pass.py'" in notes and "absolute path" in notes
    assert "refused the entry 'C:\\\\temp\\\\ex01_rnn_layer.py'" in notes
    assert "refused the entry 'alice/ex03_rnnnet.py'" in notes and "symbolic link" in notes
    alice = next(s for s in found.submissions if s.name == "alice")
    assert sorted(alice.files) == [EX01, EX02]            # the link and the escapes were not used
    assert any("refused the entry 'alice/../../ex03_rnnnet.py'" in n for n in alice.notes)
    work = tmp_path / "work"
    for submission in found.submissions:
        submission.write_copy(work / submission.name)
    after = sorted(p for p in tmp_path.rglob("*") if work not in p.parents and p != work)
    assert after == before                                 # nothing appeared outside the working folder
    assert sorted(p.name for p in (work / "alice").iterdir()) == [EX01, EX02]


def test_zip_bombs_and_huge_archives_are_refused(tmp_path, monkeypatch):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb/ex01_rnn_layer.py", b"#" * 3_000_000)   # compresses to a few kB
    found = find_submissions(path)
    assert not found.submissions[0].files
    assert any("larger than the 1024 kB allowed" in n for n in found.submissions[0].notes)

    monkeypatch.setattr(entries, "MAX_ARCHIVE_BYTES", 1_000_000)
    (tmp_path / "cls").mkdir()
    (tmp_path / "cls" / "bomb.zip").write_bytes(path.read_bytes())
    found = find_submissions(tmp_path / "cls")
    assert any("would unpack to" in n for n in found.submissions[0].notes)
    with pytest.raises(InstructorError, match="would unpack to"):
        find_submissions(path)

    monkeypatch.setattr(entries, "MAX_ARCHIVE_ENTRIES", 3)
    many = tmp_path / "many.zip"
    many.write_bytes(make_zip({f"f{i}.txt": b"x" for i in range(5)}))
    with pytest.raises(InstructorError, match="more than the 3 allowed"):
        find_submissions(many)


def test_duplicate_names_get_distinct_stable_names(tmp_path):
    cls = tmp_path / "class"
    for folder in ("alice", "Alice", "gradebook.csv"):
        (cls / folder).mkdir(parents=True)
        (cls / folder / EX01).write_bytes(SOURCE[EX01])
    (cls / "alice.zip").write_bytes(make_zip(learner_entries()))
    (cls / "a b<script>").mkdir()
    first = find_submissions(cls)
    names = sorted(s.name for s in first.submissions)
    assert names == ["Alice", "a_b_script", "alice-2", "alice-3", "gradebook.csv-2"]
    renamed = [s for s in first.submissions if s.name in ("alice-2", "alice-3")]
    assert all("another submission is also named" in s.notes[0] for s in renamed)
    assert [(s.name, s.origin) for s in find_submissions(cls).submissions] == \
           [(s.name, s.origin) for s in first.submissions]


def test_bad_module_files_are_reported_and_the_learner_kept(tmp_path):
    cls = tmp_path / "class"
    (cls / "zoe").mkdir(parents=True)
    (cls / "zoe" / EX01).write_bytes("x = 'caf\u00e9'\n".encode("latin-1"))
    (cls / "zoe" / EX02).write_bytes(b"")
    (cls / "zoe" / "ex03_rnnnet.py").write_bytes(b"#" * (intake.MAX_MODULE_BYTES + 10))
    (cls / "yan").mkdir()
    (cls / "yan" / EX01).write_bytes("# -*- coding: latin-1 -*-\nx = 'caf\u00e9'\n".encode("latin-1"))
    (cls / "empty").mkdir()
    found = {s.name: s for s in find_submissions(cls).submissions}
    zoe = "\n".join(found["zoe"].notes)
    assert "ex01_rnn_layer.py is not UTF-8 text (byte 0xe9" in zoe
    assert "ex02_forward_pass.py is empty" in zoe
    assert "ex03_rnnnet.py is 1.0 MB or more" in zoe and "ex03_rnnnet.py" not in found["zoe"].files
    assert sorted(found["zoe"].files) == [EX01, EX02]       # still graded: the import error teaches
    assert not any("UTF-8" in n for n in found["yan"].notes)  # a declared encoding is Python's business
    assert any("no exercise modules" in n for n in found["empty"].notes) and not found["empty"].files


def test_unreadable_folder_gives_a_learner_with_a_message(tmp_path, monkeypatch):
    cls = tmp_path / "class"
    (cls / "locked").mkdir(parents=True)
    (cls / "open").mkdir()
    (cls / "open" / EX01).write_bytes(SOURCE[EX01])
    real_walk = os.walk

    def walk(top, onerror=None, followlinks=False):
        if str(top).endswith("locked"):
            onerror(PermissionError(13, "Permission denied", str(top)))
            return iter(())
        return real_walk(top, onerror=onerror, followlinks=followlinks)

    monkeypatch.setattr(entries.os, "walk", walk)
    found = {s.name: s for s in find_submissions(cls).submissions}
    assert "could not read locked: Permission denied" in found["locked"].notes
    assert sorted(found["open"].files) == [EX01]


def test_symlinked_module_in_a_folder_is_not_followed(tmp_path):
    (tmp_path / "secret.py").write_text("SECRET = 1\n")
    learner = tmp_path / "class" / "mallory"
    learner.mkdir(parents=True)
    (learner / EX01).symlink_to(tmp_path / "secret.py")
    found = find_submissions(tmp_path / "class").submissions[0]
    assert not found.files and any("symbolic link" in n for n in found.notes)


def test_bad_paths_are_the_instructors_error(tmp_path):
    with pytest.raises(InstructorError, match="does not exist"):
        find_submissions(tmp_path / "nowhere")
    (tmp_path / "file.txt").write_text("hello")
    with pytest.raises(InstructorError, match="neither a folder nor a zip"):
        find_submissions(tmp_path / "file.txt")


def test_content_hash_follows_the_files():
    a = intake.Submission("a", "x", files={EX01: b"1"})
    assert a.content_hash() == intake.Submission("b", "y", files={EX01: b"1"}).content_hash()
    assert a.content_hash() != intake.Submission("a", "x", files={EX01: b"2"}).content_hash()


def test_sample_class_matches_its_builder():
    stale = sample_class.drift()
    assert not stale, f"examples/ drifted from solutions/: {stale}; run `python -m autograder.batch.sample_class`"


def test_sample_class_builder_fails_loudly_when_an_edit_no_longer_applies(tmp_path):
    for path in SOLUTIONS.glob("ex*.py"):
        (tmp_path / path.name).write_text(path.read_text().replace("return x.transpose(0, 1)", "return x.mT"))
    with pytest.raises(ValueError, match="no longer in ex02_forward_pass.py"):
        sample_class.build(tmp_path / "class", solutions_dir=tmp_path)


def test_sample_class_builder_takes_the_modules_solutions_hold(tmp_path):
    (tmp_path / EX01).write_bytes(SOURCE[EX01])
    files = sample_class.learner_files(sample_class.LEARNERS[0], solutions_dir=tmp_path)
    assert list(files) == [EX01]


def test_names_are_kept_and_folder_ids_never_take_another_learners_name(tmp_path):
    cls = tmp_path / "class"
    for folder in ("Jose Muller", "Jose_Muller", "Zoë O'Brien (2)", "=cmd"):
        (cls / folder).mkdir(parents=True)
        (cls / folder / EX01).write_bytes(SOURCE[EX01])
    found = {s.label: s for s in find_submissions(cls).submissions}
    assert {label: s.name for label, s in found.items()} == {
        "Jose Muller": "Jose_Muller-2", "Jose_Muller": "Jose_Muller", "Zoë O'Brien (2)": "Zoë_O_Brien_2", "=cmd": "cmd"}
    assert not any("graded as" in note for note in found["Jose_Muller"].notes)
    assert found["Jose Muller"].notes[0] == ("another submission's name gives the same folder name; "
                                             "this one (Jose Muller) is graded as Jose_Muller-2")
    assert not any(str(tmp_path) in note for s in found.values() for note in s.notes)


# -- the downloads of learning platforms ----------------------------------------------------------

def test_canvas_flat_download_one_learner_per_user_id_latest_upload_wins(tmp_path):
    old, new = b"# first try\n" + SOURCE[EX02], b"# resubmitted\n" + SOURCE[EX02]
    (tmp_path / "submissions.zip").write_bytes(make_zip({
        "doejohn_12345_678_ex01_rnn_layer.py": SOURCE[EX01],
        "doejohn_12345_678_ex02_forward_pass.py": old,
        "doejohn_LATE_12345_679_ex02_forward_pass-1.py": new,
        "nguyễnthảo_23456_680_ex01_rnn_layer.py": SOURCE[EX01],
        "nguyễnthảo_23456_680_Ex02_Forward_Pass (1).py": SOURCE[EX02]}))
    found = {s.platform_id: s for s in find_submissions(tmp_path / "submissions.zip").submissions}
    assert sorted(found) == ["12345", "23456"]
    john, thao = found["12345"], found["23456"]
    assert (john.label, john.platform, john.files) == ("doejohn", "canvas", {EX01: SOURCE[EX01], EX02: new})
    assert "Canvas marks this submission LATE" in john.notes
    assert "ex02_forward_pass.py: graded the latest of 2 uploads (doejohn_LATE_12345_679_ex02_forward_pass-1.py)" \
        in john.notes
    assert thao.label == "nguyễnthảo" and sorted(thao.files) == [EX01, EX02]
    assert any(n.startswith("graded Ex02_Forward_Pass (1).py as ex02_forward_pass.py") for n in thao.notes)


def test_canvas_download_unpacked_into_a_folder_is_read_alike(tmp_path):
    cls = tmp_path / "submissions"
    cls.mkdir()
    (cls / "doejohn_12345_678_ex01_rnn_layer.py").write_bytes(SOURCE[EX01])
    (cls / "smithanna_34567_681_work.zip").write_bytes(make_zip({f"work/{EX02}": SOURCE[EX02]}))
    found = {s.label: s for s in find_submissions(cls).submissions}
    assert {label: (s.platform_id, sorted(s.files)) for label, s in found.items()} == {
        "doejohn": ("12345", [EX01]), "smithanna": ("34567", [EX02])}


def test_moodle_folders_name_the_learner_and_keep_their_id(tmp_path):
    cls = tmp_path / "moodle"
    for folder, files in {"Zoë Müller_1234_assignsubmission_file_": {EX01: SOURCE[EX01]},
                          "Zoë Müller_1234_assignsubmission_onlinetext_": {"onlinetext.html": b"<p>done</p>"},
                          "Jean-Luc Picard_5678_assignsubmission_file_": {f"work/{EX02}": SOURCE[EX02]}}.items():
        for name, data in files.items():
            (cls / folder / name).parent.mkdir(parents=True, exist_ok=True)
            (cls / folder / name).write_bytes(data)
    intake_found = find_submissions(cls)
    found = {s.label: s for s in intake_found.submissions}
    assert {label: (s.platform, s.platform_id, sorted(s.files)) for label, s in found.items()} == {
        "Zoë Müller": ("moodle", "1234", [EX01]), "Jean-Luc Picard": ("moodle", "5678", [EX02])}
    assert found["Zoë Müller"].name == "Zoë_Müller"   # the folder id, safe for file names


def test_blackboard_download_latest_attempt_and_the_receipts_name(tmp_path):
    receipt = (b"Name: Jane Doe (jdoe)\nAssignment: Homework 3\nDate Submitted: Tuesday, December 1, 2026 "
               b"10:30:00 AM UTC\n\nFiles:\n\tOriginal filename: ex01_rnn_layer.py\n")
    (tmp_path / "gradebook.zip").write_bytes(make_zip({
        "Homework 3_jdoe_attempt_2026-11-30-09-00-00_ex01_rnn_layer.py": b"# older\n",
        "Homework 3_jdoe_attempt_2026-12-01-10-30-00_ex01_rnn_layer.py": SOURCE[EX01],
        "Homework 3_jdoe_attempt_2026-12-01-10-30-00.txt": receipt,
        "Homework 3_mgarcia_attempt_2026-12-01-11-00-00_ex02_forward_pass.py": SOURCE[EX02]}))
    found = {s.platform_id: s for s in find_submissions(tmp_path / "gradebook.zip").submissions}
    jane, maria = found["jdoe"], found["mgarcia"]
    assert (jane.label, jane.files, jane.arrived) == ("Jane Doe", {EX01: SOURCE[EX01]}, "2026-12-01T10:30:00")
    assert any(n.startswith("graded the latest of 2 attempts (2026-12-01 10:30:00") for n in jane.notes)
    assert (maria.label, sorted(maria.files), maria.platform) == ("mgarcia", [EX02], "blackboard")


def test_github_classroom_repositories_are_named_after_the_github_user(tmp_path):
    cls = tmp_path / "rnn-homework-submissions"
    for user in ("octocat", "zoe-m"):
        (cls / f"rnn-homework-{user}").mkdir(parents=True)
        (cls / f"rnn-homework-{user}" / EX01).write_bytes(SOURCE[EX01])
    found = {s.label: (s.platform, s.platform_id) for s in find_submissions(cls).submissions}
    assert found == {"octocat": ("github-classroom", "octocat"), "zoe-m": ("github-classroom", "zoe-m")}
    people = tmp_path / "people"
    for name in ("anna-lee", "anna-smith"):   # two learners' own names are not an assignment's repositories
        (people / name).mkdir(parents=True)
        (people / name / EX01).write_bytes(SOURCE[EX01])
    assert sorted(s.label for s in find_submissions(people).submissions) == ["anna-lee", "anna-smith"]


GRADESCOPE_METADATA = """\
submission_101:
  :submitters:
  - :name: Zoë O'Brien
    :sid: '20261234'
    :email: zoe@example.edu
  :created_at: 2026-12-01 10:30:00.123456000 -08:00
  :score: 10.0
submission_102:
  :submitters:
  - :name: Kwame Mensah
    :sid: '20265678'
    :email: kwame@example.edu
  :created_at: 2026-12-02 08:00:00.000000000 -08:00
"""


@pytest.mark.parametrize("reader", ["pyyaml", "fallback"])
def test_gradescope_export_names_learners_from_its_metadata(tmp_path, monkeypatch, reader):
    if reader == "fallback":
        monkeypatch.setitem(__import__("sys").modules, "yaml", None)   # as where PyYAML is not installed
    entries = {"assignment_export/submission_metadata.yml": GRADESCOPE_METADATA.encode(),
               f"assignment_export/submission_101/{EX01}": SOURCE[EX01],
               f"assignment_export/submission_102/sub/{EX02}": SOURCE[EX02]}
    (tmp_path / "export.zip").write_bytes(make_zip(entries))
    found = {s.label: s for s in find_submissions(tmp_path / "export.zip").submissions}
    assert {label: (s.platform_id, sorted(s.files)) for label, s in found.items()} == {
        "Zoë O'Brien": ("20261234", [EX01]), "Kwame Mensah": ("20265678", [EX02])}
    assert found["Kwame Mensah"].arrived == "2026-12-02T08:00:00-08:00"
    assert found["Zoë O'Brien"].arrived == "2026-12-01T10:30:00-08:00"


def _zip_with_raw_names(names):
    """A zip whose entry names are stored as the given raw bytes, without the UTF-8 flag (as Info-ZIP
    and Windows tools write them); ``names``: {raw name: (extra field bytes, data)}."""
    class RawInfo(zipfile.ZipInfo):
        def _encodeFilenameFlags(self):
            return self.raw_name, self.flag_bits & ~0x800

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for raw, (extra, data) in names.items():
            info = RawInfo(raw.decode("cp437"))
            info.raw_name, info.extra = raw, extra
            archive.writestr(info, data)
    return buffer.getvalue()


def _unicode_path_field(raw, name, crc=None):
    import struct
    import zlib

    data = b"\x01" + struct.pack("<I", zlib.crc32(raw) if crc is None else crc) + name.encode("utf-8")
    return struct.pack("<HH", 0x7075, len(data)) + data


def test_zip_names_are_decoded_as_their_flag_and_extra_field_say(tmp_path):
    soren_raw = "Søren/ex01_rnn_layer.py".encode("cp850")     # Windows Info-ZIP: OEM bytes, UTF-8 in 0x7075
    stale_raw = "Bjørk/ex01_rnn_layer.py".encode("cp850")
    (tmp_path / "class.zip").write_bytes(_zip_with_raw_names({
        "Zoë/ex01_rnn_layer.py".encode("utf-8"): (b"", SOURCE[EX01]),    # Linux Info-ZIP, macOS: UTF-8 bytes
        soren_raw: (_unicode_path_field(soren_raw, "Søren/ex01_rnn_layer.py"), SOURCE[EX01]),
        stale_raw: (_unicode_path_field(stale_raw, "Other/ex01_rnn_layer.py", crc=1), SOURCE[EX01])}))
    labels = sorted(s.label for s in find_submissions(tmp_path / "class.zip").submissions)
    assert labels == ["Bj¢rk", "Søren", "Zoë"]   # a stale field (wrong CRC) is ignored: cp437, the zip default


def test_a_layout_that_is_not_recognised_is_the_instructors_error(tmp_path):
    (tmp_path / "download.zip").write_bytes(make_zip({"grades_export/report.pdf": b"%PDF",
                                                      "grades_export/notes.txt": b"hello"}))
    with pytest.raises(InstructorError, match=r"layout is not one rnn-grade knows.*Found: .*notes\.txt"):
        find_submissions(tmp_path / "download.zip")
    cls = tmp_path / "cls"
    for learner in ("ana", "ben"):
        (cls / learner).mkdir(parents=True)
        (cls / learner / "answers.txt").write_text("x")
    with pytest.raises(InstructorError, match="Found: ana/answers.txt|Found: ana, ben"):
        find_submissions(cls)


def test_batch_stops_with_exit_2_on_a_layout_it_does_not_know(tmp_path, capsys):
    from autograder.cli import main

    (tmp_path / "submissions.zip").write_bytes(make_zip({"smithanna_34567_681_essay.pdf": b"%PDF"}))
    assert main(["batch", str(tmp_path / "submissions.zip"), "--out", str(tmp_path / "grades")]) == 2
    error = capsys.readouterr().err
    assert "layout is not one rnn-grade knows" in error and "essay.pdf" in error
    assert not (tmp_path / "grades" / "gradebook.csv").exists()
