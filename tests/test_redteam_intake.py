"""Red team against intake and staging (issue #11, part B): file types, planted learners, shadowing modules.

* Only regular files are read: a named pipe called like a module must not hang the batch,
  a device or a socket must not be read; each is a note on the learner.
* A class zip's learners are its top-level entries: a zip planted inside one learner's folder
  is not another learner, and cannot take an honest learner's name or row.
* ``rnn-grade check`` (and a batch's staging) grades the exercise's own ``.py`` file: a package
  folder, an extension or bytecode named like the module cannot be imported in its place.
"""
import io
import os
import shutil
import socket
import stat
import threading
import zipfile

from autograder.intake import find_submissions, read_learner
from autograder.paths import EXERCISES, SOLUTIONS

EX01, EX02, EX03, EX05 = "ex01_rnn_layer.py", "ex02_forward_pass.py", "ex03_rnnnet.py", "ex05_sequences.py"


def _zip(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _find_within(path, seconds=20):
    """find_submissions(path), failing (not hanging) when it does not return within ``seconds``."""
    found = {}
    worker = threading.Thread(target=lambda: found.setdefault("intake", find_submissions(path)), daemon=True)
    worker.start()
    worker.join(seconds)
    return found.get("intake")


def test_pipes_devices_and_sockets_named_like_modules_are_not_read(tmp_path):
    learner = tmp_path / "class" / "mallory"
    learner.mkdir(parents=True)
    (learner / EX01).write_bytes((SOLUTIONS / EX01).read_bytes())
    os.mkfifo(learner / EX02)                                    # opening it for reading blocks forever
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(learner / EX05))
    devices = []
    if os.geteuid() == 0:
        os.mknod(learner / EX03, 0o644 | stat.S_IFCHR, os.makedev(1, 5))   # /dev/zero: endless bytes
        devices.append(EX03)
    try:
        intake = _find_within(tmp_path / "class")
        assert intake is not None, "intake hung on a named pipe"
        mallory, = intake.submissions
        assert sorted(mallory.files) == [EX01]
        for name in [EX02, EX05] + devices:
            assert f"{name} is not a regular file (a named pipe, a device or a socket); it was not used" \
                in mallory.notes, mallory.notes
    finally:
        server.close()
        try:  # release a reader still blocked on the pipe (a kit that opened it)
            os.close(os.open(learner / EX02, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass


def test_a_named_pipe_given_as_the_class_is_the_instructors_error(tmp_path):
    from autograder.intake import InstructorError

    os.mkfifo(tmp_path / "class.zip")
    result = {}

    def find():
        try:
            find_submissions(tmp_path / "class.zip")
        except InstructorError as error:
            result["error"] = str(error)
    worker = threading.Thread(target=find, daemon=True)
    worker.start()
    worker.join(20)
    try:
        assert "neither a folder nor a zip archive" in result.get("error", "(hung)")
    finally:
        try:
            os.close(os.open(tmp_path / "class.zip", os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass


def test_a_zip_planted_in_a_learners_folder_is_not_another_learner(tmp_path):
    mallory_code = b"# mallory's code, pretending to be bob's\n" + (EXERCISES / EX01).read_bytes()
    planted = _zip({f"bob/{EX01}": mallory_code})
    honest_bob = (SOLUTIONS / EX01).read_bytes()
    entries = {f"course/alice/work/{EX01}": (SOLUTIONS / EX01).read_bytes(),
               f"course/alice/work/{EX02}": (SOLUTIONS / EX02).read_bytes(),
               "course/alice/bob.zip": planted,
               "course/alice/extra/carol.zip": planted,
               f"course/bob/{EX01}": honest_bob}
    (tmp_path / "class.zip").write_bytes(_zip(entries))
    learners = {s.name: s for s in find_submissions(tmp_path / "class.zip").submissions}
    assert sorted(learners) == ["alice", "bob"]
    assert learners["bob"].files == {EX01: honest_bob}
    assert sorted(learners["alice"].files) == [EX01, EX02]
    assert any("alice/bob.zip" in note and "not read" in note for note in learners["alice"].notes)


def test_a_package_named_like_a_module_does_not_shadow_it(scope_grader, tmp_path):
    """The file that is read and scanned is the file that is imported: the skeleton here, worth 0."""
    folder = tmp_path / "shadow"
    shutil.copytree(EXERCISES, folder, ignore=shutil.ignore_patterns("__pycache__", "_*"))
    package = folder / "ex02_forward_pass"
    package.mkdir()
    (package / "__init__.py").write_text((SOLUTIONS / EX02).read_text())   # full marks, if imported
    (folder / "ex01_rnn_layer.cpython-311-x86_64-linux-gnu.so").write_bytes(b"\x7fELF not really")
    result = scope_grader.grade(folder)
    ex02 = [c for c in result.checks if c.exercise == "ex02_forward_pass"]
    assert ex02 and all(c.status == "not_implemented" for c in ex02), [(c.name, c.status) for c in ex02]
    # The intake stages module files only (never a package or an extension), under the names it chose.
    assert sorted(read_learner(folder).files) == sorted(p.name for p in EXERCISES.glob("ex*.py"))


def test_a_notebook_nested_deeper_than_json_readers_go_is_that_learners_note(tmp_path):
    """Issue 28: JSON nested 40,000 deep raised RecursionError in intake and stopped the batch for everyone."""
    cls = tmp_path / "class"
    (cls / "mallory").mkdir(parents=True)
    (cls / "mallory" / "ex02_forward_pass.ipynb").write_text("[" * 40_000 + "]" * 40_000)
    (cls / "honest").mkdir()
    (cls / "honest" / EX01).write_bytes((SOLUTIONS / EX01).read_bytes())
    learners = {s.name: s for s in _find_within(cls).submissions}
    assert learners["honest"].files == {EX01: (SOLUTIONS / EX01).read_bytes()}
    assert any("nests far deeper than a notebook does" in note for note in learners["mallory"].notes)


def test_a_folder_of_very_many_files_is_read_up_to_the_cap(tmp_path, monkeypatch):
    from autograder.intake import entries

    monkeypatch.setattr(entries, "MAX_ARCHIVE_ENTRIES", 50)
    learner = tmp_path / "flood"
    (learner / "junk").mkdir(parents=True)
    (learner / EX01).write_bytes((SOLUTIONS / EX01).read_bytes())
    for number in range(200):
        (learner / "junk" / f"{number}.txt").write_text("x")
    submission = read_learner(learner)
    assert sorted(submission.files) == [EX01]
    assert any("holds more than 50 files" in note for note in submission.notes)
