"""The same submission always gets the same points, statuses and feedback text."""
from grading_cases import SCOPE

# A few mistakes of different kinds: wrong values, a raised error, a not-implemented function.
MISTAKES = {
    "ex01_rnn_layer.py": [("per_direction_bias = 2 * hidden_size if bias else 0",
                           "per_direction_bias = hidden_size if bias else 0")],
    "ex02_forward_pass.py": [("    return x.transpose(0, 1)", "    return x.reshape(x.shape[1], x.shape[0], -1)"),
                             ("    top = per_layer[-1]\n    return torch.cat(list(top), dim=-1)",
                              "    raise NotImplementedError()")],
    "ex03_rnnnet.py": [("from torch import nn\n", "from torch import nn\n\nbatchsize = 2\n"),
                       ("            batch = x.shape[0] if self.batch_first else x.shape[1]\n",
                        "            batch = batchsize\n")],
}


def _verdicts(result):
    return [(c.name, c.status, c.points, c.max_points, c.feedback) for c in result.checks], list(result.notes)


def test_two_gradings_of_one_submission_agree(make_submission, scope_grader, grade):
    folder = make_submission(edit=MISTAKES)
    # Once by a grader that has graded other submissions before, once by a fresh one.
    first, second = scope_grader.grade(folder), grade(folder, exercises=SCOPE)
    assert _verdicts(first) == _verdicts(second)
    assert first.total == second.total
    # The submission really is partly wrong in every exercise, and partly right.
    statuses = {c.status for c in first.checks}
    assert {"passed", "failed", "not_implemented"} <= statuses
    assert all(0 < points < max_points for points, max_points, _, _ in first.by_exercise().values())
