"""The exercises of the kit, in order. Module names are fixed by CURRICULUM.md."""

EXERCISES = (
    ("ex01_rnn_layer", "The RNN layer and its weights"),
    ("ex02_forward_pass", "Inputs, outputs and hidden states"),
    ("ex03_rnnnet", "A model class"),
    ("ex04_manual_rnn", "The recurrence by hand"),
    ("ex05_sequences", "Many-to-one and variable-length batches"),
    ("ex06_training", "Teach it to remember"),
)
MODULES = tuple(name for name, _ in EXERCISES)
# Points per exercise (public + hidden checks together): 100 in all, as CURRICULUM.md promises.
# A test sums the checks' @pytest.mark.points per exercise and compares with this table.
POINTS = {"ex01_rnn_layer": 15, "ex02_forward_pass": 17, "ex03_rnnnet": 17,
          "ex04_manual_rnn": 20, "ex05_sequences": 16, "ex06_training": 15}
TITLES = dict(EXERCISES)


def exercise_of(text):
    """The exercise module name that ``text`` (a file or check name) starts with or contains, else None."""
    for name in MODULES:
        if name in text:
            return name
    return None
