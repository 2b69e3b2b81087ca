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
TITLES = dict(EXERCISES)


def exercise_of(text):
    """The exercise module name that ``text`` (a file or check name) starts with or contains, else None."""
    for name in MODULES:
        if name in text:
            return name
    return None
