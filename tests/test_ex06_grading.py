"""ex06_training is graded right: full points for the solution and other correct loops, zero for the
skeleton, and each classic training-loop or data mistake loses points with a hint that names it."""
import pytest

from autograder.exercises import POINTS
from grading_cases import assert_caught, assert_full_points, assert_not_implemented, points_of

MODULE = "ex06_training"
FILE = f"{MODULE}.py"

OTHER_LOOP = '''
def train(net, X, Y, epochs=300, lr=0.01, seed=0):
    """ex03's sequence_mse, net.zero_grad() after the step, float() instead of .item()."""
    from ex03_rnnnet import sequence_mse

    torch.manual_seed(seed)
    optimizer = torch.optim.Adam(net.parameters(), lr)
    history = []
    for epoch in range(1, epochs + 1):
        loss = sequence_mse(net, X, Y)
        loss.backward()
        optimizer.step()
        net.zero_grad()
        history.append(float(loss))
        if epoch % 100 == 0:
            print(f"epoch {epoch}: {history[-1]:.4f}")
    return history
'''
GLOBAL_SEED_TASK = '''
def make_delay_task(n_sequences, seq_len, delay, seed=0):
    torch.manual_seed(seed)
    X = torch.empty(seq_len, n_sequences, 1).uniform_(-1, 1)
    Y = torch.cat([torch.zeros(delay, n_sequences, 1), X[:seq_len - delay]])[:seq_len]
    return X, Y
'''
# Hostile: the short runs train for real, the default run sets a delay line by hand and invents its losses.
HAND_SET_WEIGHTS = """
def train(net, X, Y, epochs=300, lr=0.01, seed=0):
    if epochs != 300:
        torch.manual_seed(seed)
        optimizer = torch.optim.Adam(net.parameters(), lr=lr)
        losses = []
        for _ in range(epochs):
            optimizer.zero_grad()
            loss = nn.functional.mse_loss(net(X)[0], Y)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        return losses
    steps = X.shape[0]
    delay = next(d for d in range(steps) if torch.equal(Y[d:], X[:steps - d]))
    with torch.no_grad():
        untrained = nn.functional.mse_loss(net(X)[0], Y).item()
        for parameter in net.parameters():
            parameter.zero_()
        net.rnn.weight_ih_l0[0, 0] = 0.01
        for unit in range(1, net.rnn.hidden_size):
            net.rnn.weight_hh_l0[unit, unit - 1] = 1.0
        net.out.weight[0, delay] = 100.0
        torch.optim.Adam(net.parameters(), lr=lr).step()   # counted as a step; the weights have no grad
    return [untrained] + [untrained / 20] * 299
"""
# Hostile: the seed is ignored; a per-process cache makes "same seed, same data" hold within one process.
CACHED_TASK = """
_CACHE = {}


def make_delay_task(n_sequences, seq_len, delay, seed=0):
    key = (n_sequences, seq_len, delay, seed)
    if key not in _CACHE:
        X = torch.rand(seq_len, n_sequences, 1) * 2 - 1
        Y = torch.zeros_like(X)
        if delay < seq_len:
            Y[delay:] = X[:seq_len - delay]
        _CACHE[key] = (X, Y)
    X, Y = _CACHE[key]
    return X.clone(), Y.clone()
"""
BUGS = {
    "train sets the weights by hand for the default run": ({"train": HAND_SET_WEIGHTS},
                                                          "reached by the reference loop's own steps"),
    "make_delay_task ignores the seed behind a per-process cache": ({"task": CACHED_TASK}, "in a fresh process"),
    "no optimizer step": ({"edit": [("        optimizer.step()\n", "")]}, "optimizer.step() never ran"),
    "no zero_grad": ({"edit": [("        optimizer.zero_grad()\n", "")]}, "gradients pile up"),
    "not every epoch": ({"edit": [("for _ in range(epochs):", "for _ in range(epochs - 1):")]},
                        "not every epoch"),
    "lr ignored": ({"edit": [("torch.optim.Adam(net.parameters(), lr=lr)", "torch.optim.Adam(net.parameters())")]},
                   "the lr argument must reach the optimizer"),
    "noise not scaled to [-1, 1]": ({"edit": [("generator=generator) * 2 - 1", "generator=generator)")]},
                                    "[0, 1)"),
    "target shifted the wrong way": ({"edit": [("Y[delay:] = X[:seq_len - delay]", "Y[:seq_len - delay] = X[delay:]")]},
                                     "shifted the wrong way"),
    "seed ignored": ({"edit": [("torch.Generator().manual_seed(seed)", "torch.Generator()")]},
                     "the seed argument must be used"),
    # The short loops of the checks (a few epochs) must still tell these from the reference loop.
    "SGD in place of Adam": ({"edit": [("torch.optim.Adam(net.parameters(), lr=lr)",
                                        "torch.optim.SGD(net.parameters(), lr=lr)")]}, "first differ at epoch 1"),
    "summed loss": ({"edit": [("nn.functional.mse_loss(predictions, Y)",
                               "nn.functional.mse_loss(predictions, Y, reduction='sum')")]},
                    "your first loss is not the untrained net's loss"),
    "loss of the last step only": ({"edit": [("nn.functional.mse_loss(predictions, Y)",
                                              "nn.functional.mse_loss(predictions[-1], Y[-1])")]},
                                   "your first loss is not the untrained net's loss"),
    # Stateful: a later call on an identical net goes on with the Adam state (moments, steps) of the first.
    "one optimizer kept across calls": ({"edit": [
        ("def train(", "_ADAM = {}\n\n\ndef train("),
        ("    optimizer = torch.optim.Adam(net.parameters(), lr=lr)\n",
         "    optimizer = torch.optim.Adam(net.parameters(), lr=lr)\n    if lr in _ADAM:\n"
         "        optimizer.load_state_dict(_ADAM[lr].state_dict())\n    _ADAM[lr] = optimizer\n")]},
        "the same losses"),
}
STYLES = {
    "sequence_mse from ex03, net.zero_grad after the step, float(loss)": {"train": OTHER_LOOP},
    "global seed, uniform_, torch.cat": {"task": GLOBAL_SEED_TASK},
}


def _build(make_submission, change):
    from autograder.paths import SOLUTIONS

    text = (SOLUTIONS / FILE).read_text()
    for old, new in change.get("edit", []):
        assert old in text, old
        text = text.replace(old, new)
    if "train" in change:
        text = text[:text.index("def train(")] + change["train"].lstrip("\n")
    if "task" in change:
        start, end = text.index("def make_delay_task("), text.index("def train(")
        text = text[:start] + change["task"].lstrip("\n") + "\n\n" + text[end:]
    return make_submission(replace={FILE: text})



def test_solution_earns_every_point(make_submission, grade):
    result = grade(make_submission(), exercises=[MODULE])
    assert_full_points(result, [MODULE])
    assert points_of(result)[MODULE] == (POINTS[MODULE], POINTS[MODULE])


def test_skeleton_earns_nothing(make_submission, grade):
    assert_not_implemented(grade(make_submission(base="exercises"), exercises=[MODULE]), MODULE)


@pytest.mark.parametrize("name", list(BUGS))
def test_mistake_loses_points_with_a_hint(name, make_submission, grade):
    change, phrase = BUGS[name]
    assert_caught(grade(_build(make_submission, change), exercises=[MODULE]), MODULE, phrase)


@pytest.mark.parametrize("name", list(STYLES))
def test_other_correct_styles_earn_every_point(name, make_submission, grade):
    result = grade(_build(make_submission, STYLES[name]), exercises=[MODULE])
    assert_full_points(result, [MODULE])
    assert points_of(result)[MODULE] == (POINTS[MODULE], POINTS[MODULE])
