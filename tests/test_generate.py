"""One source of truth: the skeletons are generated from the solutions and never drift."""
from autograder import generate
from autograder.exercises import MODULES
from autograder.paths import EXERCISES, SOLUTIONS


def test_skeletons_match_solutions():
    stale = generate.drifted()
    assert not stale, f"exercises/ drifted from solutions/: {stale}; run `rnn-grade generate`"


def test_every_exercise_has_a_solution_and_a_skeleton():
    for module in MODULES:
        assert (SOLUTIONS / f"{module}.py").exists(), module
        assert (EXERCISES / f"{module}.py").exists(), module


def test_skeletons_hold_no_answers():
    for path in EXERCISES.glob("ex*.py"):
        text = path.read_text()
        assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text, path
        assert "raise NotImplementedError()" in text, path


def test_generation_uses_nbgrader_regions(tmp_path):
    source = "def f(x):\n    # TODO: double x\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\n"
    (tmp_path / "ex01_rnn_layer.py").write_text(source)
    text = generate.expected_skeletons(tmp_path)["ex01_rnn_layer.py"]
    assert "    # TODO: double x\n    raise NotImplementedError()\n" in text
    assert "return 2 * x" not in text


def test_skeleton_header_speaks_to_the_learner():
    """Learners have no solutions/: their skeleton must not tell them to edit one."""
    for text in generate.expected_skeletons().values():
        header = text.split('"""', 1)[0]
        assert "replace each `raise NotImplementedError()` with your code" in header
        assert "solution" not in header.lower() and "rnn-grade generate" not in header
    assert "rnn-grade generate" in (SOLUTIONS / "README.md").read_text()
