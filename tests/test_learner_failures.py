"""Learner code that breaks things costs only what it breaks, with a clear message,
and the grading itself always finishes (no grader_error)."""
import pytest
from grading_cases import SCOPE, assert_full_points

from autograder.runner.grade import Grader
from autograder.runner.limits import Limits

# A short call limit keeps this file fast (an endless loop costs call_seconds per attempt);
# the submission limit leaves room for the worker restarts on a loaded machine.
LIMITS = Limits(call_seconds=3, submission_seconds=120)


@pytest.fixture(scope="module")
def grade_with_limits(reference):
    with Grader(reference, include_hidden=True, exercises=SCOPE, limits=LIMITS) as grader:
        yield grader.grade


# A file that cannot be imported costs its whole exercise; the others keep every point.
IMPORT_FAILURES = [
    ("raises_at_import", "ex02_forward_pass.py", [("import torch\n", "import torch\nraise RuntimeError('oops')\n")],
     ["importing ex02_forward_pass.py raised RuntimeError"]),
    ("sys_exit_at_import", "ex01_rnn_layer.py", [("import torch\n", "import sys\nimport torch\nsys.exit(0)\n")],
     ["importing ex01_rnn_layer.py raised SystemExit"]),
    ("syntax_error", "ex03_rnnnet.py", [("class RNNnet(nn.Module):", "class RNNnet(nn.Module)")],
     ["SyntaxError", "importing ex03_rnnnet.py"]),
]


@pytest.mark.parametrize("file, edits, phrases", [pytest.param(f, e, p, id=i) for i, f, e, p in IMPORT_FAILURES])
def test_a_module_that_cannot_be_imported_costs_its_exercise_only(make_submission, grade_with_limits, file, edits,
                                                                  phrases):
    result = grade_with_limits(make_submission(edit={file: edits}))
    assert not result.grader_errors(), [c.feedback for c in result.grader_errors()]
    broken = file.removesuffix(".py")
    mine = [c for c in result.checks if c.exercise == broken]
    assert mine and all(c.points == 0 and c.status != "passed" for c in mine)
    for check in mine:
        for phrase in phrases:
            assert phrase in check.feedback, (check.name, check.feedback)
    assert_full_points(result, [module for module in SCOPE if module != broken])


# Functions that hang, exit or exhaust memory: exactly their own checks fail, with words that say why.
FUNCTION_FAILURES = {
    # Two functions that hang: the checks of the functions after them must still run.
    "ex01_rnn_layer.py": [("    per_direction_bias = 2 * hidden_size if bias else 0",
                           "    while True:\n        pass\n    per_direction_bias = 2 * hidden_size if bias else 0"),
                          ("    return nn.RNN(input_size, hidden_size, num_layers=num_layers,",
                           "    while True:\n        pass\n    return nn.RNN(input_size, hidden_size, num_layers=num_layers,")],
    "ex02_forward_pass.py": [
        ("    return x.transpose(0, 1)", "    import sys\n    sys.exit(0)"),
        ("    return output[:, -1] if batch_first else output[-1]", "    return torch.empty(10**12)"),
        ("    num_directions = 2 if rnn.bidirectional else 1\n    features",
         # Uninitialised 1 GiB tensors: address space runs out without touching real memory.
         "    blocks = []\n    while True:\n        blocks.append(torch.empty(2**28))\n    features")],
    "ex03_rnnnet.py": [("    predictions, _ = net(X)\n", "    import os\n    os._exit(0)\n")],
}
# check name (without the exercise) -> words its feedback must contain, lower-cased
EXPECTED_FAILURES = {
    # The endless loop is named by its own line, read from the learner's file.
    "ex01_rnn_layer": {"count_parameters": ["not finish", "it was in the loop at ex01_rnn_layer.py line",
                                            "`while true:`"],
                       "make_rnn": ["not finish", "`while true:`"]},
    "ex02_forward_pass": {"to_batch_first": ["exit"], "last_output": ["memory"], "output_shapes": ["memory"]},
    # A process that dies cannot answer: the call is named from the worker's progress board.
    "ex03_rnnnet": {"sequence_mse": ["sequence_mse(net, x with shape", "exited"]},
}


def test_hanging_exiting_and_memory_hungry_functions_cost_only_their_checks(make_submission, grade_with_limits):
    result = grade_with_limits(make_submission(edit=FUNCTION_FAILURES))
    assert not result.grader_errors(), [c.feedback for c in result.grader_errors()]
    assert result.checks, "no check ran"
    for check in result.checks:
        expected = EXPECTED_FAILURES.get(check.exercise, {})
        broken = [function for function in expected if function in check.name]
        if not broken:
            assert check.status == "passed", (check.name, check.status, check.feedback)
            continue
        assert check.points == 0 and check.status != "passed", (check.name, check.status)
        for words in expected[broken[0]]:
            assert words in check.feedback.lower(), (check.name, check.feedback)
