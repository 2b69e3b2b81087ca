"""What the grading tests share: the verdicts they assert about a SubmissionResult."""
from autograder.exercises import MODULES

SCOPE = ["ex01_rnn_layer", "ex02_forward_pass", "ex03_rnnnet"]


def points_of(result):
    """{exercise: (points, max points)} of a SubmissionResult."""
    return {module: (points, max_points) for module, (points, max_points, _, _) in result.by_exercise().items()}


def assert_full_points(result, exercises=SCOPE):
    assert not result.grader_errors(), [c.feedback for c in result.grader_errors()]
    table = points_of(result)
    for exercise in exercises:
        points, max_points = table[exercise]
        lost = {c.name: c.feedback for c in result.checks if c.exercise == exercise and c.status != "passed"}
        assert points == max_points and not lost, f"{exercise} lost points:\n" + "\n\n".join(
            f"{name}\n{text}" for name, text in lost.items())


def assert_caught(result, exercise, phrase):
    """The mistake in ``exercise`` costs points there only, and a failing check's feedback names it."""
    assert not result.grader_errors(), [c.feedback for c in result.grader_errors()]
    table = points_of(result)
    points, max_points = table[exercise]
    assert points < max_points, f"{exercise} kept all its points despite the mistake"
    assert_full_points(result, [other for other in MODULES if other != exercise and other in table])
    failing = [c for c in result.checks if c.exercise == exercise and c.status != "passed"]
    assert any(phrase in c.feedback for c in failing), (
        f"no failing check of {exercise} names the mistake with {phrase!r}:\n"
        + "\n\n".join(f"{c.name} [{c.status}]\n{c.feedback}" for c in failing))


def assert_not_implemented(result, exercise):
    """A skeleton: nothing earned in ``exercise``, every check of it reported as not implemented."""
    assert not result.grader_errors(), [c.feedback for c in result.grader_errors()]
    mine = [c for c in result.checks if c.exercise == exercise]
    assert mine and sum(c.points for c in mine) == 0
    assert {c.status for c in mine} == {"not_implemented"}, {c.name: c.status for c in mine}
