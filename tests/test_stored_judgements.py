"""A learner's own `rnn-grade check` judges names as its earlier runs did, without importing torch again.

``method_rules.allowlist.use_stored`` (used by ``grade_submission(own_check=True)`` only: never an
instructor's grading) reads judgements of earlier runs from the learner's cache; they must be exactly the
judgements the real objects give, refused and unknown ones included, and a damaged file counts as none.
"""
import pytest

from autograder.method_rules import allowlist

NAMES = ["torch", "torch.cat", "torch.nn.RNN", "torch.nn.functional.rnn_tanh", "torch._C", "torch.ops.aten",
         "os.system", "numpy.load", "scipy.special.expit", "torch.no_such_thing", "math.tanh",
         "matplotlib.pyplot.subplots"]


@pytest.fixture
def fresh_judgements():
    allowlist._RESOLVED.clear()
    yield
    allowlist._STORED.update(path=None, entries=None, added=False)
    allowlist._RESOLVED.clear()


def fields(resolution):
    return [getattr(resolution, field) for field in allowlist.STORED_FIELDS]


def test_stored_judgements_are_the_real_ones(tmp_path, fresh_judgements):
    assert allowlist.use_stored(tmp_path) is False            # nothing stored yet: judged on the real objects
    real = {name: fields(allowlist.resolve(name)) for name in NAMES}
    assert real["torch.nn.RNN"][3] is True and real["os.system"][1] and real["scipy.special.expit"][2]
    allowlist.save_stored()
    assert allowlist.use_stored(tmp_path) is True
    assert {name: fields(allowlist.resolve(name)) for name in NAMES} == real
    assert allowlist._STORED["added"] is False                 # every one came from the file
    # An instructor's allow list is never answered from the file.
    assert allowlist.resolve("scipy.special.expit", frozenset({"scipy.special.expit"})).unknown is None


def test_a_damaged_file_counts_as_none(tmp_path, fresh_judgements):
    allowlist.use_stored(tmp_path)
    allowlist.resolve("torch.cat")
    allowlist.save_stored()
    (stored,) = tmp_path.glob("method-rules-*.json")
    stored.write_text('{"torch.cat": ["value"]}')
    assert allowlist.use_stored(tmp_path) is False
    assert fields(allowlist.resolve("torch.cat")) == ["value", None, None, False, True]


def test_plot_feedback_does_not_depend_on_the_order_of_the_reference_answer():
    """Found by ``benchmarks/portable_banks.py``: a reference read from the cache lists its weights sorted, a
    live one in nn.RNN's order, and plot_weights' feedback named them in that order: the same mutant read
    different feedback on a first (cold) and a later run. Now always nn.RNN's order."""
    import numpy as np

    from autograder.feedback import Feedback
    from autograder.verdicts.ex01_plots import judge_plot

    live = ["weight_ih_l0", "weight_hh_l0", "weight_ih_l0_reverse", "weight_hh_l0_reverse"]
    got = {"figure": {"axes": [{"colorbar": False, "images": [object()], "title": "weight_ih_l0 (4, 3)"}] * 2},
           "type": "Figure"}
    texts = []
    for order in (live, sorted(live)):
        want = {"weights": {name: np.zeros((4, 3) if "ih" in name else (4, 4)) for name in order}}
        with pytest.raises(Feedback) as raised:
            judge_plot(got, want, "plot_weights(nn.RNN(3, 4, bidirectional=True))")
        texts.append(raised.value.text())
    assert texts[0] == texts[1] and ", ".join(live) in texts[0]
