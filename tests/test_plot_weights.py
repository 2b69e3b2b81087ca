"""ex01_rnn_layer.plot_weights is graded without a display, by the figure's axes, titles and images."""
import pytest

from conftest import failed_checks

MODULE = "ex01_rnn_layer"
FILE = f"{MODULE}.py"
PLOT_POINTS = 3


def _plot_checks(result):
    return [c for c in result.checks if "plot_weights" in c.name]


MATSHOW_FIGURE = '''
def plot_weights(rnn):
    """No pyplot at all: a bare Figure, matshow, and another title format."""
    from matplotlib.figure import Figure

    fig = Figure()
    names = [n for n, _ in rnn.named_parameters() if "weight" in n]
    for i, name in enumerate(names):
        ax = fig.add_subplot(len(names), 1, i + 1)
        w = getattr(rnn, name).detach().numpy()
        ax.matshow(w)
        ax.set_title(f"{name}: torch.Size([{w.shape[0]}, {w.shape[1]}])")
    return fig
'''
PCOLORMESH_GRID = '''
def plot_weights(rnn):
    """A grid with spare axes switched off, pcolormesh, titles with an x."""
    import matplotlib.pyplot as plt

    names = [n for n, _ in rnn.named_parameters() if n.startswith("weight")]
    fig, axes = plt.subplots(2, (len(names) + 1) // 2 + 1)
    flat = list(axes.flat)
    for ax, name in zip(flat, names):
        w = getattr(rnn, name).detach()
        ax.pcolormesh(w.numpy())
        ax.set_title("%s %dx%d" % (name, *w.shape))
    for ax in flat[len(names):]:
        ax.axis("off")
    return fig
'''


def _replace_plot(text, new_function):
    return text[:text.index("def plot_weights(")] + new_function.lstrip("\n")


BUGS = {
    "image transposed": ({"edit": [("ax.imshow(matrix,", "ax.imshow(matrix.T,")]}, "transposed"),
    "returns the axes": ({"edit": [("    fig.tight_layout()\n    return fig", "    return axes")]},
                         "return the Figure"),
    "forward direction only": ({"edit": [('if name.startswith("weight_")]',
                                          'if name.startswith("weight_") and "reverse" not in name]')]},
                               "axes with one heat map each"),
    "titles without the shape": ({"edit": [('ax.set_title(f"{name} {tuple(matrix.shape)}")',
                                            'ax.set_title(name)')]}, "and its shape"),
    # Only a stacked layer shows this one (the hidden configuration; the public ones have one layer).
    "first layer only": ({"edit": [('if name.startswith("weight_")]',
                                    'if name.startswith("weight_") and "_l0" in name]')]},
                         "axes with one heat map each"),
}
STYLES = {"a bare Figure with matshow": MATSHOW_FIGURE, "a grid of pcolormesh with spare axes": PCOLORMESH_GRID}


def _build(make_submission, edit=None, plot=None):
    from autograder.paths import SOLUTIONS

    text = (SOLUTIONS / FILE).read_text()
    for old, new in edit or []:
        assert old in text, old
        text = text.replace(old, new)
    if plot:
        text = _replace_plot(text, plot)
    return make_submission(replace={FILE: text})


def test_solution_earns_the_plot_points(make_submission, grade):
    result = grade(make_submission(), exercises=[MODULE])
    checks = _plot_checks(result)
    assert {c.status for c in checks} == {"passed"}
    assert sum(c.points for c in checks) == PLOT_POINTS
    assert {c.hidden for c in checks} == {True, False}


def test_skeleton_earns_nothing(make_submission, grade):
    checks = _plot_checks(grade(make_submission(base="exercises"), exercises=[MODULE]))
    assert checks and {c.status for c in checks} == {"not_implemented"}


@pytest.mark.parametrize("name", list(BUGS))
def test_mistake_loses_points_with_a_hint(name, make_submission, grade):
    change, phrase = BUGS[name]
    result = grade(_build(make_submission, edit=change["edit"]), exercises=[MODULE])
    failed = {k: v for k, v in failed_checks(result, MODULE).items() if "plot_weights" in k}
    assert failed, f"{name}: earned every point"
    assert not result.grader_errors(), result.grader_errors()
    assert any(phrase in text for text in failed.values()), (name, failed)


@pytest.mark.parametrize("name", list(STYLES))
def test_other_correct_styles_earn_the_points(name, make_submission, grade):
    result = grade(_build(make_submission, plot=STYLES[name]), exercises=[MODULE])
    checks = _plot_checks(result)
    assert {c.status for c in checks} == {"passed"}, [c.feedback for c in checks]


def test_the_observer_closes_its_figures(reference):
    import matplotlib.pyplot as plt

    before = len(plt.get_fignums())
    reference.observe("ex01.plot_weights", dict(input_size=3, hidden_size=2, seed=5))
    assert len(plt.get_fignums()) == before
