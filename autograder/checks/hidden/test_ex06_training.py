"""Hidden checks for ex06_training: other sizes, delays, seeds and learning rates, drawn from a fixed seed."""
import random

import pytest

from autograder.configs import CHECK_SEED
from autograder.verdicts.ex06 import describe_call, judge_delay_task, judge_loop, judge_same_in_fresh_process

_rng = random.Random(f"{CHECK_SEED}:ex06")
TASKS = [dict(n_sequences=_rng.randint(2, 12), seq_len=seq_len, delay=delay, seed=_rng.randint(0, 10_000))
         for seq_len, delay in [(9, 0), (12, 1), (7, 3), (15, 5), (6, 5), (10, 2)]]
# A loop's mistakes show from its second epoch on (the first loss is the untrained one), so a few
# epochs on short sequences judge it as sharply as many, at a fraction of the cost per learner.
LOOPS = [dict(hidden=_rng.randint(3, 12), layers=1 + index % 2, n_sequences=_rng.randint(3, 10),
              seq_len=_rng.randint(5, 10), delay=1 + index % 3, epochs=_rng.randint(6, 14),
              lr=[0.01, 0.005, 0.02][index % 3], seed=_rng.randint(0, 1000), init_seed=_rng.randint(0, 1000),
              data_seed=_rng.randint(0, 1000), repeat=index % 2 == 0)
         for index in range(5)]


@pytest.mark.points(3)
def test_make_delay_task_configs(learner):
    """make_delay_task keeps its promises for other sizes and delays, including delay 0 and delay seq_len - 1."""
    for cfg in TASKS:
        judge_delay_task(learner.observe("ex06.make_delay_task", cfg), cfg)
    cfg = TASKS[-1]
    judge_same_in_fresh_process(learner.observe("ex06.make_delay_task", cfg),
                                learner.observe_fresh("ex06.make_delay_task", dict(cfg, perturb=3)),
                                f"make_delay_task({cfg['n_sequences']}, {cfg['seq_len']}, {cfg['delay']}, "
                                f"seed={cfg['seed']})", "data")


@pytest.mark.points(4)
def test_train_configs(learner, reference):
    """train matches the reference loop's losses for other sizes, layers, learning rates and seeds."""
    for cfg in LOOPS:
        want = reference.observe("ex06.train", dict(cfg, variants=True))
        got = learner.observe("ex06.train", cfg)
        judge_loop(got, want, cfg)
    judge_same_in_fresh_process(got, learner.observe_fresh("ex06.train", dict(cfg, repeat=False, perturb=4)),
                                describe_call(cfg), "losses")
