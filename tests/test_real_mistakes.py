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


# The hint of an exception is given only when its text (and the learner's line quoted with it) leaves one cause.
HINTED = [
    ("sequence_mse(net, X) raised AttributeError: 'tuple' object has no attribute 'size' at ex03_rnnnet.py line 72: "
     "`return nn.functional.mse_loss(net(X), y)`", "returns a pair (predictions, hidden)"),
    ("train(...) raised RuntimeError: Trying to backward through the graph a second time (or directly access saved "
     "tensors after they have already been freed) at ex06_training.py line 80: `loss.backward()`", "detach()"),
    ("net(x of shape (4, 6, 2)) for net = RNNClassifier(2, 5, 1, 3, bidirectional=True) raised RuntimeError: mat1 "
     "and mat2 shapes cannot be multiplied (4x10 and 5x3) at ex05_sequences.py line 62: `return self.head(summary)`",
     "nn.Linear(2 * num_hidden, num_classes)"),
    ("rnn_cell(...) raised RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x2 and 5x2) at "
     "ex04_manual_rnn.py line 49: `pre_activation = x_t @ w_ih + h_prev @ w_hh`", "without its transpose"),
    ("net(x) raised RuntimeError: Expected hidden size (1, 2, 16), got [2, 1, 16] at ex03_rnnnet.py line 40: "
     "`y, hidden = self.rnn(x, hidden)`", "laid out batch first"),
    ("make_rnn(...) raised ValueError: dropout should be a number in range [0, 1] representing the probability of an "
     "element being zeroed at ex01_rnn_layer.py line 39: `return nn.RNN(input_size, hidden_size, num_layers, "
     "nonlinearity, bias, batch_first,`", "seventh positional parameter is dropout"),
    ("rnn_cell(x_t (3, 2), h_prev (3, 5), w_ih (5, 2), w_hh (5, 5), b_ih=(5,), b_hh=(5,), nonlinearity='tanh') in "
     "float32 raised RuntimeError: The size of tensor a (3) must match the size of tensor b (5) at non-singleton "
     "dimension 1 at ex04_manual_rnn.py line 51: `pre_activation = pre_activation + b_ih`", "(hidden, batch)"),
    ("manual_rnn(nn.RNN(2, 5, num_layers=1), x (5, 3, 2), h0 (1, 3, 5)) raised RuntimeError: The size of tensor a (3) "
     "must match the size of tensor b (5) at non-singleton dimension 1 at ex04_manual_rnn.py line 50: "
     "`z = w_ih @ x_t.T + w_hh @ h_prev.T + b_ih`", "column vectors"),
    ("rnn_cell(...) raised RuntimeError: Sizes of tensors must match except in dimension 0. Expected size 2 but got "
     "size 5 for tensor number 1 in the list. at ex04_manual_rnn.py line 49: "
     "`pre_activation = torch.cat((x_t, h_prev), 1) @ torch.cat((w_ih, w_hh), 0)`", "side by side"),
]
NOT_HINTED = [
    # A shape error of another cause (x fed to a layer >= 1: mat2 is a transposed weight of another layer).
    "manual_rnn(...) raised RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x2 and 10x5) at "
    "ex04_manual_rnn.py line 49: `pre_activation = x_t @ w_ih.T + h_prev @ w_hh.T`",
    # A one-direction classifier: a head mismatch there is not the bidirectional mistake.
    "net(x) for net = RNNClassifier(2, 5, 1, 3, bidirectional=False) raised RuntimeError: mat1 and mat2 shapes cannot "
    "be multiplied (4x7 and 5x3) at ex05_sequences.py line 62: `return self.head(summary)`",
    # A hidden size that is wrong in another way than batch-first (a batch from a global).
    "net(x) raised RuntimeError: Expected hidden size (1, 3, 16), got [1, 2, 16] at ex03_rnnnet.py line 40: "
    "`y, hidden = self.rnn(x, hidden)`",
    # A tuple error away from any loss; a dropout error where the learner passed dropout itself.
    "f() raised AttributeError: 'tuple' object has no attribute 'size' at ex02_forward_pass.py line 9: `n = x.size(0)`",
    "make_rnn() raised ValueError: dropout should be a number in range [0, 1] at ex01_rnn_layer.py line 39: "
    "`return nn.RNN(input_size, hidden_size, dropout=bidirectional)`",
    "f() raised ZeroDivisionError: division by zero",
    # A bias added to something whose last axis is neither the batch nor the hidden units (x_t + b_ih, say).
    "rnn_cell(x_t (3, 2), h_prev (3, 5), w_ih (5, 2), w_hh (5, 5), b_ih=(5,), b_hh=(5,), nonlinearity='tanh') raised "
    "RuntimeError: The size of tensor a (2) must match the size of tensor b (5) at non-singleton dimension 1 at "
    "ex04_manual_rnn.py line 51: `pre_activation = x_t + b_ih`",
    # x_t and h_prev stacked along dim 0: not the weights.
    "rnn_cell(...) raised RuntimeError: Sizes of tensors must match except in dimension 0. Expected size 2 but got "
    "size 5 for tensor number 1 in the list. at ex04_manual_rnn.py line 49: `xh = torch.cat((x_t, h_prev), 0)`",
]


@pytest.mark.parametrize("text, phrase", HINTED)
def test_an_exception_with_one_classic_cause_gets_its_hint(text, phrase):
    from autograder.feedback import exception_hint, with_exception_hint

    assert phrase in str(exception_hint(text))
    shown = with_exception_hint(text, "concept")
    assert shown.startswith(text) and "\nHint:     " in shown
    assert with_exception_hint(text, "none") == text


@pytest.mark.parametrize("text", NOT_HINTED)
def test_an_exception_of_another_cause_gets_no_hint(text):
    from autograder.feedback import exception_hint, with_exception_hint

    assert exception_hint(text) is None and with_exception_hint(text) == text


NUMPY_FLOATS = ("        losses.append(loss.item())\n", "        losses.append(np.float64(loss.item()))\n")


def test_train_returning_numpy_float64_losses_earns_every_point(make_submission, graders):
    """CURRICULUM promises list[float]: numpy's float64 is a float, so it is accepted (float32 is not)."""
    folder = make_submission(edit={"ex06_training.py": [("import torch\n", "import numpy as np\nimport torch\n"),
                                                        NUMPY_FLOATS]})
    result = graders("ex06_training").grade(folder)
    assert not [c.feedback for c in result.checks if c.status != "passed"]
