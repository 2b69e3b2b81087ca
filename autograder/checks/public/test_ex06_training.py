"""Public checks for ex06_training: the delay task and a training loop on RNNnet(1, 16, 1)."""
import pytest

from autograder.errors import GraderError
from autograder.verdicts.ex06 import judge_delay_task, judge_learns, judge_loop, judge_same_in_fresh_process

# The one run with the defaults (300 epochs): short sequences, since its cost is per epoch and per time step
# (6 steps: 0.21 s per learner against 0.26 s for 10, and the net still ends below 1/1000 of its untrained loss).
LEARNS = dict(hidden=16, layers=1, n_sequences=16, seq_len=6, delay=2, init_seed=3, data_seed=4, defaults=True)


@pytest.mark.points(2)
def test_make_delay_task_notebook(learner):
    """make_delay_task(8, 20, 2) gives noise in [-1, 1] and its copy delayed by 2 steps, fixed by the seed."""
    cfg = dict(n_sequences=8, seq_len=20, delay=2, seed=0)
    first = learner.observe("ex06.make_delay_task", cfg)
    judge_delay_task(first, cfg)
    judge_same_in_fresh_process(first, learner.observe_fresh("ex06.make_delay_task", dict(cfg, perturb=1)),
                                "make_delay_task(8, 20, 2, seed=0)", "data")


@pytest.mark.points(3)
def test_train_short_run(learner, reference):
    """train takes one Adam step and records one loss per epoch, like the reference loop, repeatably."""
    cfg = dict(hidden=16, layers=1, n_sequences=8, seq_len=10, delay=2, epochs=15, lr=0.01, seed=0, repeat=True)
    want = reference.observe("ex06.train", dict(cfg, variants=True))
    got = learner.observe("ex06.train", cfg)
    judge_loop(got, want, cfg)
    judge_same_in_fresh_process(got, learner.observe_fresh("ex06.train", dict(cfg, repeat=False, perturb=2)),
                                "train(RNNnet(1, 16, 1), X, Y, epochs=15, lr=0.01, seed=0)", "losses")


@pytest.mark.points(3)
def test_train_learns_to_remember(learner, reference):
    """With the defaults (300 epochs, lr 0.01) RNNnet(1, 16, 1) reaches a tenth of its untrained loss on delay 2."""
    reference_run = reference.observe("ex06.train", LEARNS)
    if not reference_run["final"] < reference_run["untrained"] / 10:
        raise GraderError("the reference train does not reach a tenth of the untrained loss: fix the kit")
    judge_learns(learner.observe("ex06.train", LEARNS), reference_run, LEARNS)
