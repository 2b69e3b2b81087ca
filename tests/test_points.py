"""Every check has points, a title and a home exercise, and the points add up to the budget.

The checks are read with ``ast`` (not imported), exactly as written in
``autograder/checks/public`` and ``autograder/checks/hidden``, by ``autograder/check_index.py``.
"""
from autograder.check_index import declared_checks
from autograder.exercises import MODULES, POINTS

# ex01's plot_weights checks come from another part of the work; until they exist,
# exactly their share may be missing from ex01's total.
PLOT_WEIGHTS_SHARE = 3


def collect_checks():
    """[(exercise module, file name, check name, points or None, docstring title)] of every check."""
    return [(c.exercise, c.file, c.function, c.points, c.title) for c in declared_checks()]


def test_every_check_has_points_a_title_and_one_exercise():
    checks = collect_checks()
    assert checks
    for exercise, file, name, points, title in checks:
        assert exercise is not None, f"{file}: its name must contain exactly one exercise module name"
        assert isinstance(points, (int, float)) and points > 0, f"{file}::{name} has no @pytest.mark.points(n)"
        assert title, f"{file}::{name} has no docstring (its first line is the check's title)"


def test_points_add_up_to_each_exercise_budget():
    totals, names = {}, {}
    for exercise, _, name, points, _ in collect_checks():
        totals[exercise] = totals.get(exercise, 0) + (points or 0)
        names.setdefault(exercise, []).append(name)
    for exercise, total in totals.items():
        budget = POINTS[exercise]
        if exercise == "ex01_rnn_layer" and not any("plot_weights" in name for name in names[exercise]):
            budget -= PLOT_WEIGHTS_SHARE
        assert total == budget, f"{exercise}: checks give {total} points, the budget is {budget}"
    if set(totals) == set(MODULES):
        assert sum(totals.values()) == 100
    assert sum(POINTS.values()) == 100


def test_every_observer_the_checks_ask_for_is_registered_under_its_derived_name():
    """A check names its observer by a string ("ex02.init_hidden"); the observer's own name is derived from
    its module and function (``@observer``), so a string that matches no function is caught here, not as a
    grader error in every learner's results."""
    import ast
    import re

    from autograder.paths import PACKAGE
    from autograder.worker.observers import REGISTRY, _load_all, observer_name

    _load_all()
    asked = set()
    for path in sorted((PACKAGE / "checks").rglob("*.py")) + sorted((PACKAGE / "verdicts").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                    re.fullmatch(r"ex0\d\.\w+", node.value):
                asked.add(node.value)
    assert asked and sorted(asked - set(REGISTRY)) == []
    for name, function in REGISTRY.items():
        if not name.endswith(".each"):
            assert name == observer_name(function) == function.observer_name, name
