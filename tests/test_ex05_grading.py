"""ex05_sequences is graded right: full points for the solution and other correct styles, zero for
the skeleton, and each classic mistake loses points with a hint that names it."""
import pytest

from autograder.exercises import POINTS
from grading_cases import assert_caught, assert_full_points, assert_not_implemented, points_of

MODULE = "ex05_sequences"
FILE = f"{MODULE}.py"

PADDING_ONLY = '''
def run_packed(rnn, sequences):
    lengths = torch.tensor([len(s) for s in sequences], dtype=torch.int64)
    padded = pad_sequence(sequences, batch_first=rnn.batch_first)
    output, h_n = rnn(padded)
    return output, lengths, h_n
'''
SORTED_NOT_RESTORED = '''
def run_packed(rnn, sequences):
    order = sorted(range(len(sequences)), key=lambda i: -len(sequences[i]))
    ordered = [sequences[i] for i in order]
    lengths = torch.tensor([len(s) for s in ordered], dtype=torch.int64)
    output, h_n = rnn(pack_sequence(ordered))
    padded, _ = pad_packed_sequence(output, batch_first=rnn.batch_first)
    return padded, lengths, h_n
'''
SORTED_AND_RESTORED = '''
def run_packed(rnn, sequences):
    """Sorting by hand, then undoing the sort with the inverse permutation."""
    lengths = torch.tensor([len(s) for s in sequences])
    order = torch.argsort(lengths, descending=True, stable=True)
    inverse = torch.empty_like(order)
    inverse[order] = torch.arange(len(order))
    packed = pack_sequence([sequences[i] for i in order.tolist()])
    output, h_n = rnn(packed)
    padded, _ = pad_packed_sequence(output, batch_first=rnn.batch_first)
    batch_axis = 0 if rnn.batch_first else 1
    return padded.index_select(batch_axis, inverse), lengths, h_n[:, inverse]
'''
PAD_THEN_PACK = '''
def run_packed(rnn, sequences):
    lengths = torch.as_tensor([s.shape[0] for s in sequences], dtype=torch.long)
    padded = pad_sequence(sequences, batch_first=True)
    packed = pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
    output, h_n = rnn(packed)
    output, _ = pad_packed_sequence(output, batch_first=rnn.batch_first)
    return output, lengths, h_n
'''
OTHER_CLASSIFIER = '''
class RNNClassifier(nn.Module):
    """Other attribute names, a time-first rnn and explicit concatenation."""

    def __init__(self, input_size, num_hidden, num_layers, num_classes, bidirectional=False):
        super().__init__()
        self.recurrent = nn.RNN(input_size, num_hidden, num_layers=num_layers, bidirectional=bidirectional)
        self.classify = nn.Linear(num_hidden * (2 if bidirectional else 1), num_classes)
        self.bidirectional = bidirectional

    def forward(self, x):
        _, h_n = self.recurrent(x.transpose(0, 1))
        if self.bidirectional:
            summary = torch.cat([h_n[-2], h_n[-1]], dim=1)
        else:
            summary = h_n[-1]
        return self.classify(summary)
'''
LAST_STEP = [("        _, h_n = self.rnn(x)\n", "        output, h_n = self.rnn(x)\n"),
             ("        return self.head(summary)\n", "        return self.head(output[:, -1])\n")]
DROPS_BACKWARD = [("nn.Linear(num_directions * num_hidden, num_classes)", "nn.Linear(num_hidden, num_classes)"),
                  ("        return self.head(summary)\n", "        return self.head(h_n[-1])\n")]
IMPORTS = ("from torch.nn.utils.rnn import pack_sequence, pad_packed_sequence\n",
           "from torch.nn.utils.rnn import pack_padded_sequence, pack_sequence, pad_packed_sequence, pad_sequence\n")

BUGS = {
    "packing without enforce_sorted handling": ({"edit": [("pack_sequence(sequences, enforce_sorted=False)",
                                                           "pack_sequence(sequences)")]}, "enforce_sorted=False"),
    "padding alone": ({"packed": PADDING_ONLY}, "padding alone runs the rnn over the padding"),
    "sorted by hand, order not restored": ({"packed": SORTED_NOT_RESTORED}, "order of decreasing length"),
    "classifier reading the padded last step": ({"edit": LAST_STEP}, "output[:, -1]"),
    "classifier dropping the backward direction": ({"edit": DROPS_BACKWARD}, "one direction is dropped"),
}
STYLES = {
    "pad_sequence + pack_padded_sequence(enforce_sorted=False)": {"packed": PAD_THEN_PACK},
    "sorting by hand and restoring the order": {"packed": SORTED_AND_RESTORED},
    "other names, time-first rnn, explicit torch.cat": {"classifier": OTHER_CLASSIFIER},
}


def _build(make_submission, change):
    from autograder.paths import SOLUTIONS

    text = (SOLUTIONS / FILE).read_text().replace(*IMPORTS)
    for old, new in change.get("edit", []):
        assert old in text, old
        text = text.replace(old, new)
    if "packed" in change:
        text = text[:text.index("def run_packed(")] + change["packed"].lstrip("\n")
    if "classifier" in change:
        start, end = text.index("class RNNClassifier("), text.index("def run_packed(")
        text = text[:start] + change["classifier"].lstrip("\n") + "\n\n" + text[end:]
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
