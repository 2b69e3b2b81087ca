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
