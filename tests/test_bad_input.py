"""Bad submissions at the engine level: a clear message, and nothing else lost.

The intake (``autograder/intake``) and ``Grader.grade`` must turn broken
files, misnamed files, links and missing or unreadable folders into feedback
that says what is wrong, while the learner's other exercises are still graded
in full and the learner's folder is left exactly as it was.
"""
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from autograder import check_index
from autograder.paths import SOLUTIONS
from autograder.runner.grade import Grader
from autograder.intake import MAX_HELPERS, MAX_MODULE_BYTES, read_learner
from autograder.runner.limits import Limits

EX01, EX02 = "ex01_rnn_layer", "ex02_forward_pass"


@pytest.fixture(scope="module")
def grader(reference):
    with Grader(reference, exercises=[EX01, EX02], limits=Limits(call_seconds=5, submission_seconds=60)) as grader:
        yield grader


def _snapshot(folder):
    return {str(p.relative_to(folder)): (p.is_symlink(), os.readlink(p) if p.is_symlink() else p.read_bytes())
            for p in sorted(folder.rglob("*")) if p.is_symlink() or p.is_file()}


def _grade(grader, folder):
    """Grade; the folder must be untouched and ex01 (well-formed) must keep its full points."""
    before = _snapshot(folder) if folder.is_dir() else None
    result = grader.grade(folder)
    if before is not None:
        assert _snapshot(folder) == before
    return result


def _ex02(result):
    checks = [c for c in result.checks if c.exercise == EX02]
    assert len(checks) == check_index.count(EX02, hidden=False)  # the public checks of ex02, as declared
    return checks


def _full_ex01(result):
    points, max_points, _, _ = result.by_exercise()[EX01]
    assert points == max_points > 0


def _learner(tmp_path, name="learner"):
    folder = tmp_path / name
    shutil.copytree(SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__", "_*", "*.md"))
    return folder


def test_syntax_error_names_file_and_line(grader, tmp_path):
    folder = _learner(tmp_path)
    (folder / f"{EX02}.py").write_text("import torch\n\ndef init_hidden(rnn, batch_size)\n    return None\n")
    result = _grade(grader, folder)
    _full_ex01(result)
    for check in _ex02(result):
        assert check.status == "error" and check.points == 0
        assert "importing ex02_forward_pass.py raised SyntaxError" in check.feedback
        assert "ex02_forward_pass.py line 3" in check.feedback
        assert "/grading/" not in check.feedback and str(tmp_path) not in check.feedback


def test_non_utf8_file_is_reported_as_such(grader, tmp_path):
    folder = _learner(tmp_path)
    text = (SOLUTIONS / f"{EX02}.py").read_text().replace("# TODO", "# caf\u00e9 TODO", 1)
    (folder / f"{EX02}.py").write_bytes(text.encode("cp1252"))
    result = _grade(grader, folder)
    _full_ex01(result)
    for check in _ex02(result):
        assert check.status == "error"
        assert "importing ex02_forward_pass.py raised SyntaxError" in check.feedback
        assert "ex02_forward_pass.py is not saved as UTF-8: save it with the UTF-8 encoding" in check.feedback
        assert "/grading/" not in check.feedback and str(tmp_path) not in check.feedback


@pytest.mark.parametrize("content", ["", "\n\n   \n"], ids=["empty", "blank"])
def test_empty_file_says_which_function_is_missing(grader, tmp_path, content):
    folder = _learner(tmp_path)
    (folder / f"{EX02}.py").write_text(content)
    result = _grade(grader, folder)
    _full_ex01(result)
    for check in _ex02(result):
        function = check.name.split(".")[1].removesuffix("_notebook")
        assert check.status == "missing"
        assert f"has no attribute '{function}'" in check.feedback
        assert "Keep the function names of the skeleton" in check.feedback


def test_huge_file_is_left_out_with_a_note(grader, tmp_path):
    folder = _learner(tmp_path)
    text = (SOLUTIONS / f"{EX02}.py").read_text()
    (folder / f"{EX02}.py").write_text(text + "#" * (MAX_MODULE_BYTES + 1) + "\n")
    result = _grade(grader, folder)
    _full_ex01(result)
    note = "ex02_forward_pass.py is 1.0 MB or more, larger than the 1024 kB allowed for one module; it was not used"
    for check in _ex02(result):
        assert check.status == "missing"
        assert check.feedback == f"ex02_forward_pass.py was not graded: {note}"
    assert note in result.notes


def test_helper_modules_are_capped_with_a_note_each(tmp_path):
    folder = _learner(tmp_path)
    for n in range(MAX_HELPERS + 3):
        (folder / f"helper_{n:02d}.py").write_text("x = 1\n")
    (folder / "notes.txt").write_text("not a module")
    (folder / "my helpers.py").write_text("no import can name me")
    (folder / "random.py").write_text("shadows the standard library")
    submission = read_learner(folder)
    assert sorted(submission.helpers) == [f"helper_{n:02d}.py" for n in range(MAX_HELPERS)]
    assert [n for n in submission.notes if "at most" in n] == [
        f"helper_{n:02d}.py was not used: at most {MAX_HELPERS} helper modules are graded with the exercises"
        for n in range(MAX_HELPERS, MAX_HELPERS + 3)]
    assert "random.py was not used: a helper module named random would hide Python's or the grader's own " \
           "random module; rename it" in submission.notes


@pytest.mark.parametrize("near", ["Ex02_Forward_Pass.py", "ex02_forward_pass (1).py", "ex02_forward_pass(2).py"])
def test_a_name_that_differs_in_case_or_by_a_browser_copy_suffix_is_graded_with_a_note(grader, tmp_path, near):
    folder = _learner(tmp_path)
    (folder / f"{EX02}.py").rename(folder / near)
    result = _grade(grader, folder)
    assert all(check.status == "passed" for check in _ex02(result))
    assert f"graded {near} as ex02_forward_pass.py (rename it to ex02_forward_pass.py: module files are " \
           f"imported by their exact name)" in result.notes


def test_wrong_file_name_lists_the_files_found(grader, tmp_path):
    wrong = "ex02_forward_pass.py.txt"
    folder = _learner(tmp_path)
    (folder / f"{EX02}.py").rename(folder / wrong)
    result = _grade(grader, folder)
    _full_ex01(result)
    found = ", ".join(sorted(p.name for p in folder.iterdir() if p.is_file()))  # whatever solutions/ holds
    for check in _ex02(result):
        assert check.status == "missing"
        assert check.feedback == (
            "there is no ex02_forward_pass.py in the submission (files are matched by module name, exactly, "
            f"upper/lower case included). Files found: {found}. Rename {wrong} to ex02_forward_pass.py.")


def test_a_module_in_a_subfolder_is_graded_as_in_every_front_end(grader, tmp_path):
    folder = _learner(tmp_path)
    (folder / "work").mkdir()
    (folder / f"{EX02}.py").rename(folder / "work" / f"{EX02}.py")
    result = _grade(grader, folder)
    assert all(check.status == "passed" for check in _ex02(result))


def test_links_are_not_followed_and_are_noted(grader, tmp_path):
    folder = _learner(tmp_path)
    (folder / f"{EX02}.py").unlink()
    (folder / f"{EX02}.py").symlink_to(SOLUTIONS / f"{EX02}.py")   # would be full marks if followed
    (folder / "etc").symlink_to("/etc", target_is_directory=True)
    (folder / "dangling.py").symlink_to(tmp_path / "nowhere.py")
    (folder / "answers.py").symlink_to(SOLUTIONS / f"{EX01}.py")   # a helper module's target is not read either
    result = _grade(grader, folder)
    _full_ex01(result)
    for check in _ex02(result):
        assert check.status == "missing"
        assert check.feedback == ("ex02_forward_pass.py was not graded: ex02_forward_pass.py is a symbolic link; "
                                  "it was not used")
    assert result.notes == ["ex02_forward_pass.py is a symbolic link; it was not used",
                            "answers.py is a symbolic link; it was not used",
                            "dangling.py is a symbolic link; it was not used"]


@pytest.mark.parametrize("make", ["missing", "file"])
def test_missing_folder_is_a_clear_zero_and_grading_goes_on(grader, tmp_path, make):
    folder = tmp_path / "nope"
    if make == "file":
        folder.write_text("not a folder")
    result = grader.grade(folder)
    what = "does not exist" if make == "missing" else "is not a folder, a zip, a .py file or a notebook"
    assert result.total == 0 and result.checks
    for check in result.checks:
        assert check.status == "missing"
        assert check.feedback.endswith(f": the submission folder nope {what}")
    assert result.notes == [f"the submission folder nope {what}"]
    after = grader.grade(_learner(tmp_path))   # the next learner is graded as if nothing happened
    assert after.total == after.max_total


def _read_unprivileged(source):
    """The intake of ``source`` as an unprivileged user (in a forked child when we are root): (notes, files).

    Root reads files whatever their permission bits say, so an unreadable
    submission can only be read honestly by a user the bits apply to.
    """
    def read():
        submission = read_learner(source)
        return submission.notes, sorted(submission.files)

    if os.geteuid() != 0:
        return read()
    read_end, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            answer = read()
        except BaseException as exc:  # reported to the parent, which fails the test with it
            answer = {"error": repr(exc)}
        os.write(write, json.dumps(answer).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read_end, "rb") as handle:
        data = handle.read()
    os.waitpid(pid, 0)
    answer = json.loads(data)
    assert isinstance(answer, list), answer
    return answer


@pytest.fixture
def open_space():
    """A folder every user can enter and write (pytest's tmp_path is private to its owner)."""
    base = Path(tempfile.mkdtemp(prefix="rnn-grade-unreadable-"))
    os.chmod(base, 0o777)
    yield base
    for root, dirs, _ in os.walk(base):
        for name in dirs:
            os.chmod(Path(root) / name, 0o755)
    shutil.rmtree(base)


def test_unreadable_files_and_folders_are_noted(open_space):
    source = open_space / "learner"
    shutil.copytree(SOLUTIONS, source, ignore=shutil.ignore_patterns("__pycache__", "_*", "*.md"))
    (source / "private").mkdir()
    (source / "private" / "notes.py").write_text("x = 1\n")
    for path in source.rglob("*"):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    os.chmod(source, 0o755)
    os.chmod(source / f"{EX02}.py", 0o000)
    os.chmod(source / "private", 0o000)
    notes, files = _read_unprivileged(source)
    assert notes == ["could not read private: Permission denied",
                     "ex02_forward_pass.py could not be read (Permission denied); it was not used"]
    assert files == sorted(p.name for p in SOLUTIONS.glob("*.py") if p.name != f"{EX02}.py")


def test_unreadable_submission_folder_is_noted(open_space):
    source = open_space / "learner"
    shutil.copytree(SOLUTIONS, source, ignore=shutil.ignore_patterns("__pycache__", "_*", "*.md"))
    os.chmod(source, 0o000)
    notes, files = _read_unprivileged(source)
    assert notes[0] == "could not read learner: Permission denied"
    assert files == []
