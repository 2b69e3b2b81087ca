"""The reference is computed once and cached on disk, keyed by everything its answers depend on."""
import shutil

from autograder.paths import SOLUTIONS
from autograder.runner.grade import warm_reference
from autograder.runner.reference import CachedReference, fingerprint

EXERCISE = "ex02_forward_pass"


def test_a_warmed_cache_answers_without_computing(tmp_path):
    cache = tmp_path / "reference.json"
    first = CachedReference(SOLUTIONS, cache)
    result = warm_reference(first, [EXERCISE])
    assert result.total == result.max_total > 0, "the solutions must earn every point of their own checks"
    first.save()
    assert cache.is_file()

    second = CachedReference(SOLUTIONS, cache)
    again = warm_reference(second, [EXERCISE])
    assert second._live is None, "an answer was computed again although the cache held it"
    assert [(c.name, c.points, c.feedback) for c in again.checks] == \
           [(c.name, c.points, c.feedback) for c in result.checks]


def test_a_damaged_cache_is_recomputed(tmp_path):
    cache = tmp_path / "reference.json"
    cache.write_text("{not json")
    reference = CachedReference(SOLUTIONS, cache)
    result = warm_reference(reference, [EXERCISE])
    assert result.total == result.max_total
    reference.save()
    assert cache.read_text().startswith("{\"")


def test_the_fingerprint_follows_the_solutions(tmp_path):
    copy = tmp_path / "solutions"
    shutil.copytree(SOLUTIONS, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert fingerprint(copy) == fingerprint(SOLUTIONS)
    path = copy / f"{EXERCISE}.py"
    path.write_text(path.read_text() + "\n# changed\n")
    assert fingerprint(copy) != fingerprint(SOLUTIONS)


def test_an_unwritable_cache_costs_time_not_the_grading(tmp_path, capsys):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    reference = CachedReference(SOLUTIONS, blocker / "reference.json")
    result = warm_reference(reference, [EXERCISE])
    assert result.total == result.max_total > 0
    reference.save()
    reference.remember_self_check("key", [])
    assert "could not be written" in capsys.readouterr().err
    assert reference.self_check("key") is None


# Learner code that can write the cache (plain mode without a uid to switch to: a non-root instructor's
# laptop, where workers run as the grader's own user) rotates every recorded ex02 answer among the requests
# of the same observer, at import, so that honest learners graded after it would be compared with wrong
# answers. Before the fix, a batch's grader read the file at its first reference answer, which a check asks
# for after the learner's: the rewriter's own code ran first.
REWRITER = '''
import glob as _glob, json as _json
for _path in _glob.glob(CACHE_FOLDER + "/reference-*.json"):
    if _path.endswith(".self-check.json"):
        continue
    with open(_path) as _handle:
        _answers = _json.load(_handle)
    _groups = {}
    for _key in sorted(_answers):
        if _key.startswith('["ex02.'):
            _groups.setdefault(_json.loads(_key)[0], []).append(_key)
    for _keys in _groups.values():
        _values = [_answers[_k] for _k in _keys]
        for _k, _v in zip(_keys, _values[1:] + _values[:1]):
            _answers[_k] = _v
    with open(_path, "w") as _handle:
        _json.dump(_answers, _handle)
'''


def test_learner_code_that_rewrites_the_cache_mid_batch_changes_no_grade(tmp_path, monkeypatch, capsys):
    import csv

    from autograder.cli import main
    from autograder.runner import sandbox

    cache = tmp_path / "cache"
    monkeypatch.setenv("RNN_GRADE_CACHE", str(cache))
    monkeypatch.setattr(sandbox, "plain_worker_uid", lambda: None)  # workers run as the grader's own user
    solution = (SOLUTIONS / f"{EXERCISE}.py").read_text()
    for name, text in (("a-rewriter", REWRITER.replace("CACHE_FOLDER", repr(str(cache))) + solution),
                       ("b-honest", solution), ("c-honest", solution)):
        (tmp_path / "class" / name).mkdir(parents=True)
        (tmp_path / "class" / name / f"{EXERCISE}.py").write_text(text)

    def batch(out):
        code = main(["batch", str(tmp_path / "class"), "--out", str(tmp_path / out), "--exercise", EXERCISE,
                     "--jobs", "1", "--isolation", "plain"])
        with open(tmp_path / out / "gradebook.csv", newline="") as handle:
            rows = list(csv.DictReader(handle))
        return code, {row["student"]: f"{row['total']}/{row['max_total']}" for row in rows}, capsys.readouterr().err

    code, grades, _ = batch("first")
    full = grades["a-rewriter"].split("/")[1] * 2
    assert code == 0 and {total.replace("/", "") for total in grades.values()} == {full}, grades  # all full marks
    (recorded,) = cache.glob("reference-*[0-9a-f].json")
    fresh = CachedReference(SOLUTIONS, tmp_path / "fresh.json")
    warm_reference(fresh, [EXERCISE])
    assert fresh.answers() != CachedReference(SOLUTIONS, recorded).answers()  # the rewriter did rewrite it

    # The next batch trusts no record of the last one (learner code could have written them too): it says so,
    # computes and checks every answer again, and grades alike.
    code, again, err = batch("second")
    assert code == 0 and again == grades
    assert "checked again" in err and "learner code ran as the grader's own user" in err
    assert CachedReference(SOLUTIONS, recorded).answers() != fresh.answers()  # (rewritten once more by a-rewriter)


def test_a_graders_reference_is_read_once_and_verified(tmp_path, capsys):
    """``freeze``: the answers a batch's process prepared, by digest; a file changed before a grader read it
    is not used at all (its answers are computed from the solutions), and after it no change is read."""
    import json

    cache = tmp_path / "reference.json"
    prepared = CachedReference(SOLUTIONS, cache)
    warm_reference(prepared, [EXERCISE])
    prepared.save()
    digest = prepared.digest()

    held = CachedReference(SOLUTIONS, cache)
    held.freeze(digest)
    cache.write_text("{}")  # changed after the grader read it: never read again
    assert held.answers() == prepared.answers() and warm_reference(held, [EXERCISE]).total > 0

    cache.write_text(json.dumps({key: prepared.answers()[key] for key in sorted(prepared.answers())[1:]}))
    capsys.readouterr()
    late = CachedReference(SOLUTIONS, cache)
    late.freeze(digest)  # changed before it read it: loudly not used
    assert "is not what this batch prepared" in capsys.readouterr().err and late.answers() == {}
    result = warm_reference(late, [EXERCISE])
    assert result.total == result.max_total and late._live is not None  # noqa: SLF001 (computed from the solutions)


def test_a_live_answer_has_the_key_order_a_saved_one_has():
    """A cache or recording is saved with sorted keys; a live answer is given the same order, so a verdict
    walking a reference dict names the same first mismatch from a cold or a warm cache."""
    from autograder.runner.reference import LiveReference, request_key

    live = LiveReference(SOLUTIONS)
    args = dict(input_size=3, hidden_size=4, num_layers=2, bias=True, bidirectional=True)
    live.observe("ex01.expected_weight_shapes", args)
    answer = live.recorded()[request_key("ex01.expected_weight_shapes", args)]

    def orders(value):
        if isinstance(value, dict):
            yield list(value)
            for item in value.values():
                yield from orders(item)
        elif isinstance(value, list):
            for item in value:
                yield from orders(item)

    found = list(orders(answer))
    assert len(found) > 1 and all(keys == sorted(keys) for keys in found), found
