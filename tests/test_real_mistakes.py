"""Real learners' mistakes (``tests/bank_real_mistakes.py``): each loses points in its exercise, and a
failing PUBLIC check (what ``rnn-grade check`` shows before the deadline) names it with the case's phrase."""
import pytest
from bank_real_mistakes import MUTANTS
from grading_cases import points_of


@pytest.fixture(scope="module")
def graders(reference):
    """One Grader per exercise (public and hidden checks), shared by the module's cases."""
    from autograder.runner.grade import Grader

    made = {}

    def grader_for(exercise):
        if exercise not in made:
            made[exercise] = Grader(reference, include_hidden=True, exercises=[exercise])
        return made[exercise]
    yield grader_for
    for grader in made.values():
        grader.close()


def test_the_bank_holds_at_least_thirty_distinct_mistakes():
    names = [m.name for m in MUTANTS]
    assert len(names) >= 30 and len(set(names)) == len(names)


@pytest.mark.parametrize("mutant", [pytest.param(m, id=m.name) for m in MUTANTS])
def test_real_mistake_is_caught_and_named_by_a_public_check(mutant, make_submission, graders):
    result = graders(mutant.exercise).grade(mutant.build(make_submission))
    assert not result.grader_errors(), [c.feedback for c in result.grader_errors()]
    points, max_points = points_of(result)[mutant.exercise]
    assert points < max_points, f"{mutant.exercise} kept all its points despite the mistake"
    failing = [c for c in result.checks if c.exercise == mutant.exercise and c.status != "passed"]
    assert any(mutant.phrase in c.feedback for c in failing if not c.hidden), (
        f"no failing public check of {mutant.exercise} names the mistake with {mutant.phrase!r}:\n"
        + "\n\n".join(f"{c.name} [{c.status}{', hidden' if c.hidden else ''}]\n{c.feedback}" for c in failing))
