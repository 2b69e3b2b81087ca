"""Issue #28: learner input the grader reads is bounded, names are shown as data, and a fresh process
shares nothing with the learner's ordinary worker.

The hostile submissions graded by the shared bench are in ``tests/redteam/attacks_carryover.py``;
here are the attacks on what the grader itself parses (notebooks, "where" reports, names) and the
memo that defeated ex06's "same seed in a fresh process" check.
"""
import html
import json
import os
import shutil

import pytest

from autograder import learner_text, notebook_source
from autograder.paths import SOLUTIONS
from autograder.runner.grade import Grader
from autograder.runner.limits import Limits
from autograder.runner.results import CheckResult, SubmissionResult
from autograder.runner.session import running_line

FORGED_NAMES = ["mallory\nTotal: 100 / 100 points (all checks passed)", "\u202eyllom", "eve\r[ok] ex01",
                "zoe\u2028Total: 100 / 100", "bob\x1b[2J", "ann\u200b"]


# -- notebooks and reports the grader parses ----------------------------------------------------

@pytest.mark.parametrize("data", [b"[" * 40000 + b"]" * 40000, b'{"cells": ' + b'{"a":' * 40000,
                                  b"{" + b" " * (notebook_source.MAX_NOTEBOOK_BYTES + 1) + b"}"],
                         ids=["nested-40000", "objects-40000", "over-the-size-cap"])
def test_a_hostile_notebook_is_the_learners_note(data):
    """JSON nested 40,000 deep was a RecursionError in intake (no gradebook for anyone)."""
    made, notes = notebook_source.notebook_modules([("ex02_forward_pass.ipynb", data)])
    assert made == {}
    assert len(notes) == 1 and "could not be read as a notebook" in notes[0], notes


def test_names_from_scratch_cells_are_found_in_one_pass_and_told_a_few_times():
    """200,000 free names x 4,900 scratch cells cost minutes name by name; the notes are capped too."""
    names = [f"free_{i}" for i in range(20000)]
    graded = notebook_source.cell_tag("ex02_forward_pass", 1, 1) + "\nvalue = [" + ", ".join(names) + "]\n"
    scratch = ["\n".join(f"{n} = 1" for n in names[i::490]) for i in range(490)]
    cells = [{"cell_type": "code", "source": s} for s in [graded] + scratch]
    made, notes = notebook_source.notebook_modules([("ex02_forward_pass.ipynb", json.dumps({"cells": cells}))])
    assert "ex02_forward_pass" in made
    told = [n for n in notes if "which only the code cell" in n]
    assert len(told) == notebook_source.MAX_NAME_NOTES
    assert told[0].startswith("ex02_forward_pass: the graded code uses `free_0`, which only the code cell starting "
                              "`free_0 = 1` (code cell 2)")
    assert notes[-1] == f"ex02_forward_pass: {len(names) - notebook_source.MAX_NAME_NOTES} more names the graded " \
                        f"code uses are defined only in scratch cells"


def test_a_where_report_on_a_module_the_parser_cannot_nest(tmp_path):
    """A forged "where" report naming a module of 5,000 chained attributes: no RecursionError (a grader error)."""
    (tmp_path / "ex02_forward_pass.py").write_text("x = a" + ".b" * 5000 + "\nwhile True:\n    pass\n")
    # Whether the chain parses depends on the stack depth left at the call: either way, no exception, and
    # at most the loop's own line is named.
    assert running_line({"file": "ex02_forward_pass.py", "line": 3}, tmp_path) in (
        "", "; it was in the loop at ex02_forward_pass.py line 2: `while True:`")
    (tmp_path / "ex02_forward_pass.py").write_text("x = 1\nwhile True:\n    x += 1\n")
    assert running_line({"file": "ex02_forward_pass.py", "line": 3}, tmp_path) == \
        "; it was in the loop at ex02_forward_pass.py line 2: `while True:`"


# -- names -----------------------------------------------------------------------------------------

def test_names_are_shown_as_data():
    for name in FORGED_NAMES:
        shown = learner_text.name(name)
        assert shown.isprintable() and "\n" not in shown, shown
        assert "<U+" in shown
    assert learner_text.name("\u202eyllom") == "<U+202E>yllom"
    assert learner_text.name("Zoë O'Brien (2)") == "Zoë O'Brien (2)"


def test_a_forged_name_cannot_forge_a_line_in_any_file():
    """A folder named ``mallory\\nTotal: 100 / 100 points`` put a Total line in its own feedback.txt and
    13 in the report; U+202E made a name render as another learner's."""
    from autograder.batch.feedback_file import feedback_text
    from autograder.batch.gradebook import gradebook_text, learners_text

    results = [SubmissionResult(student=name, checks=[CheckResult(
        "ex02_forward_pass.init_hidden_notebook", "ex02_forward_pass", "init_hidden", 2.0, 0.0, False, "failed",
        "wrong")]) for name in FORGED_NAMES]
    for result in results:
        text = feedback_text(result)
        assert [line for line in text.splitlines() if line.lstrip().startswith(("Total:", "[ok]"))] == \
            [line for line in text.splitlines() if line.startswith("Total: 0 / 2")], text
        assert not [c for c in text if c in "\x1b\r\u202e\u2028\u200b"]
    for text in (gradebook_text(results), learners_text({r.student: f"f{i}" for i, r in enumerate(results)})):
        rows = text.splitlines()
        assert len(rows) == len(FORGED_NAMES) + 1, rows
        assert not [c for c in text if c in "\x1b\r\u202e\u2028\u200b"]


def test_the_report_shows_names_as_data():
    from autograder.batch.report.causes import learner_view

    for name in FORGED_NAMES:
        view = learner_view(SubmissionResult(student=name, checks=[]), "folder")
        assert view.name == learner_text.name(name)


# Course pages (autograder/course/): a copied pair under forged names, and the LMS exports of their grades.
COURSE_NAMES = ["\u202eyllom", "mallory\nTotal: 100 \u2215 100 points (all checks passed)"]  # (no "/" in a folder name)


def test_the_similarity_page_and_its_summary_show_names_as_data(tmp_path, capsys):
    from similarity_cases import disguise, style_bank

    from autograder.cli import main

    text = next(iter(style_bank("ex05_sequences").values()))
    for name, code in ((COURSE_NAMES[0], text), (COURSE_NAMES[1], disguise(text)),
                       ("cat", (SOLUTIONS / "ex05_sequences.py").read_text())):
        (tmp_path / "class" / name).mkdir(parents=True)
        (tmp_path / "class" / name / "ex05_sequences.py").write_text(code)
    out = tmp_path / "similarity.html"
    assert main(["similarity", str(tmp_path / "class"), "--out", str(out)]) == 0
    said, page = capsys.readouterr().out, out.read_text(encoding="utf-8")
    for shown in map(learner_text.name, COURSE_NAMES):
        assert shown in said and html.escape(shown) in page  # "&lt;U+202E&gt;yllom" on the page: it shows <U+202E>
    for text in (said, page):
        assert "\u202e" not in text and "\nTotal:" not in text



def test_lms_exports_show_names_as_data_and_keep_the_ids_the_lms_matches(tmp_path, capsys):
    import csv
    import io

    from autograder.batch.gradebook import gradebook_text
    from autograder.cli import main

    results = [SubmissionResult(student=name, checks=[CheckResult(
        "ex02_forward_pass.init_hidden_notebook", "ex02_forward_pass", "init_hidden", 2.0, 2.0 - i, True, "passed",
        "")]) for i, name in enumerate(COURSE_NAMES)]
    grades = tmp_path / "grades"
    grades.mkdir()
    (grades / "gradebook.csv").write_text(gradebook_text(results), encoding="utf-8")
    roster = tmp_path / "roster.csv"
    with open(roster, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["student", "name", "id", "sis_user_id", "username", "email", "first_name",
                                       "last_name"]] +
                                     [[name, name, f"100{i}", f"00{i}", f"user{i}", f"u{i}@uni.example", name, "X"]
                                      for i, name in enumerate(COURSE_NAMES)])
    for fmt in ("canvas", "moodle", "blackboard", "csv"):
        out = tmp_path / f"{fmt}.csv"
        assert main(["export-grades", str(grades), "--format", fmt, "--roster", str(roster), "--out", str(out)]) == 0
        said = capsys.readouterr()
        assert "Not in the roster" not in said.err and "without a submission" not in said.err, said.err  # all matched
        text = out.read_text(encoding="utf-8")
        assert "\u202e" not in text and "\nTotal:" not in text, text
        rows = list(csv.reader(io.StringIO(text)))
        # The ids the LMS matches its learners by, as the roster gave them, each with that learner's grade.
        for i, name in enumerate(COURSE_NAMES):
            row = next(r for r in rows if (f"100{i}" if fmt == "canvas" else f"u{i}@uni.example" if fmt == "moodle"
                                           else f"user{i}" if fmt == "blackboard" else learner_text.name(name)) in r)
            assert str(2 - i) in row, (fmt, row)
            if fmt in ("canvas", "csv"):
                assert learner_text.name(name) in row, (fmt, row)


# -- a fresh process shares nothing with the ordinary worker ------------------------------------------

# ex06's make_delay_task with no seeded generator: a memo in HOME made the fresh process answer the same
# (fails on main in bubblewrap; in plain mode as root each worker's scratch tmpfs already separates them).
MEMO = '''
def make_delay_task(n_sequences, seq_len, delay, seed=0):
    import os
    memo = os.path.join(os.path.expanduser("~"), f"rg-redteam-memo-{n_sequences}-{seq_len}-{delay}-{seed}.pt")
    if os.path.exists(memo):
        return tuple(torch.load(memo))
    X = torch.rand(seq_len, n_sequences, 1) * 2 - 1
    Y = torch.zeros_like(X)
    if delay < seq_len:
        Y[delay:] = X[:seq_len - delay]
    torch.save([X, Y], memo)
    return X, Y
'''


def _modes():
    """bwrap (skipped where it cannot run) and plain: test_redteam's modes."""
    from test_redteam import _isolation_params

    return _isolation_params()


@pytest.mark.parametrize("mode", _modes())
def test_a_memo_in_home_does_not_reach_the_fresh_process(mode, reference, tmp_path):
    _fresh_check_fails(reference, _memo_submission(tmp_path, MEMO), mode)


# The same memo at fixed paths every worker of the learner can write (issue #28's third red team, after the
# HOME memo was closed): the sandbox's one /tmp (shared by a learner's two workers under bubblewrap), the
# machine's /tmp and /var/tmp in plain mode (the worker's uid may write there), /dev/shm. Written to each that
# takes it, read from any that has it. Without the fresh worker's own folders (zygote.cover_shared_folders)
# the fresh process found it: under bubblewrap in /tmp and /dev/shm, in plain mode as root in /tmp and /var/tmp.
FIXED_MEMO = '''
def make_delay_task(n_sequences, seq_len, delay, seed=0):
    import os
    name = f"rg-redteam-memo-{n_sequences}-{seq_len}-{delay}-{seed}.pt"
    for folder in MEMO_FOLDERS:
        if os.path.exists(os.path.join(folder, name)):
            return tuple(torch.load(os.path.join(folder, name)))
    X = torch.rand(seq_len, n_sequences, 1) * 2 - 1
    Y = torch.zeros_like(X)
    if delay < seq_len:
        Y[delay:] = X[:seq_len - delay]
    for folder in MEMO_FOLDERS:
        try:
            torch.save([X, Y], os.path.join(folder, name))
            os.chmod(os.path.join(folder, name), 0o666)
        except Exception:  # (torch.save raises RuntimeError for a missing folder: /var/tmp in the sandbox)
            pass
    return X, Y
'''
MEMO_FOLDERS = ("/tmp", "/var/tmp", "/dev/shm")


def _memo_submission(tmp_path, definition):
    source = (SOLUTIONS / "ex06_training.py").read_text()
    start = source.index("def make_delay_task(")
    end = source.index("\ndef train(", start)
    folder = tmp_path / "memo"
    shutil.copytree(SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__", "_*", "*.md"))
    (folder / "ex06_training.py").write_text(source[:start] + definition.lstrip() + "\n" + source[end:])
    return folder


def _fresh_check_fails(reference, folder, mode):
    with Grader(reference, exercises=["ex06_training"], limits=Limits(), isolation=mode) as grader:
        result = grader.grade(folder, student="memo")
    check = next(c for c in result.checks if c.name.endswith("make_delay_task_notebook"))
    assert check.status == "failed", check.feedback
    assert "fresh process" in check.feedback and "different data the second time" in check.feedback


@pytest.mark.parametrize("mode", _modes())
def test_a_memo_at_a_fixed_path_does_not_reach_the_fresh_process(mode, reference, tmp_path):
    memo = FIXED_MEMO.replace("MEMO_FOLDERS", repr(MEMO_FOLDERS))
    try:
        _fresh_check_fails(reference, _memo_submission(tmp_path, memo), mode)
    finally:
        for folder in MEMO_FOLDERS:  # what a failure of the kit left on the machine
            for name in os.listdir(folder) if os.path.isdir(folder) else []:
                if name.startswith("rg-redteam-memo-"):
                    os.unlink(os.path.join(folder, name))


# -- the reference cache ------------------------------------------------------------------------------

def test_a_changed_reference_cache_is_recomputed_loudly(tmp_path, capsys):
    """A learner that could write the cache changed recorded answers: the next batch, trusting the self-check
    record, gave an honest learner 96. The record now holds the digest of the answers it checked."""
    from autograder.runner.grade import warm_reference
    from autograder.runner.reference import CachedReference, checks_fingerprint, untrusted_file

    cache, key = tmp_path / "reference.json", checks_fingerprint(["ex02_forward_pass"])
    first = CachedReference(SOLUTIONS, cache)
    assert first.self_check(key) is None
    warm_reference(first, ["ex02_forward_pass"])
    first.save()
    first.remember_self_check(key, [])
    assert untrusted_file(cache) is None
    assert CachedReference(SOLUTIONS, cache).self_check(key) == []

    answers = json.loads(cache.read_text())
    one, other = sorted(answers)[:2]
    answers[one], answers[other] = answers[other], answers[one]   # two recorded answers swapped
    cache.write_text(json.dumps(answers))
    capsys.readouterr()
    tampered = CachedReference(SOLUTIONS, cache)
    assert tampered.self_check(key) is None
    assert "changed since the solutions were checked" in capsys.readouterr().err
    result = warm_reference(tampered, ["ex02_forward_pass"])
    assert result.total == result.max_total and tampered._live is not None  # noqa: SLF001 (recomputed)

    cache.chmod(0o666)  # a file another user could have written is not trusted at all
    assert "written by other users" in untrusted_file(cache)


# -- the machine's faults are not grades -----------------------------------------------------------------

def _kit_processes(grader):
    """(fork servers, their workers): pids below the grader's fork server."""
    from test_redteam import _below, _processes

    table = _processes()
    started = grader.launcher._server  # noqa: SLF001
    if started is None:
        return [], []

    def is_zygote(pid):
        argv = table.get(pid, (0, 0, b""))[2].split(b"\0")
        return os.path.basename(argv[0]) != b"bwrap" and b"--zygote" in argv

    below = [started.pid] + _below(table, started.pid)
    servers = [pid for pid in below if is_zygote(pid) and not is_zygote(table[pid][0])]
    workers = [pid for pid in below if is_zygote(pid) and is_zygote(table[pid][0])]
    return servers, workers


@pytest.mark.parametrize("mode", _modes())
def test_outside_kills_and_a_loaded_machine_change_no_grade(mode, reference, tmp_path):
    """While every core is busy with another program and something outside kills the kit's fork server once
    and its workers now and then, an honest learner gets the same result as on a quiet machine, or a loud
    machine error (a grader error: the batch exits 3 and ``--resume`` grades again), never a crash."""
    import signal
    import subprocess
    import sys
    import threading
    import time

    honest = tmp_path / "honest"
    shutil.copytree(SOLUTIONS, honest, ignore=shutil.ignore_patterns("__pycache__", "_*", "*.md"))
    exercises = ["ex01_rnn_layer", "ex02_forward_pass"]
    with Grader(reference, exercises=exercises, limits=Limits(), isolation=mode) as grader:
        clean = grader.grade(honest, student="honest")
        assert clean.total == clean.max_total
        stop, kills = threading.Event(), []

        def killer():
            server_killed = False
            # Now and then: a call lasts well under the pause, so one call is rarely hit twice (then it
            # would be the learner's crash: the kit cannot tell that from code that kills itself).
            while not stop.wait(2.5) and len(kills) < 4:
                servers, workers = _kit_processes(grader)
                targets = servers if not server_killed and servers and workers else workers[:1]
                for pid in targets:
                    try:
                        os.kill(pid, signal.SIGKILL)
                        kills.append(("server" if pid in servers else "worker", pid))
                        server_killed = server_killed or pid in servers
                    except OSError:
                        pass

        load = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(os.cpu_count() or 2)]
        thread = threading.Thread(target=killer, daemon=True)
        try:
            thread.start()
            deadline = time.monotonic() + 600
            results = []
            while time.monotonic() < deadline and len({k for k, _ in kills}) < 2 or len(results) < 2:
                results.append(grader.grade(honest, student="honest"))
        finally:
            stop.set()
            thread.join()
            for process in load:
                process.kill()
                process.wait()
    assert {k for k, _ in kills} == {"server", "worker"}, kills
    view = [(c.name, c.status, c.points, c.feedback) for c in clean.checks]
    for result in results:
        if any(c.status == "grader_error" for c in result.checks):
            continue  # the machine's failure, said loudly
        assert [(c.name, c.status, c.points, c.feedback) for c in result.checks] == view
