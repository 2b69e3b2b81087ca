"""plot_weights is inspected without being laid out: the same observation, for a third of the cost."""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from autograder.paths import SOLUTIONS  # noqa: E402
from autograder.worker.observers.common import build_rnn  # noqa: E402
from autograder.worker.observers.ex01_plots import describe_figure, no_layout  # noqa: E402


def _reference_plot_weights():
    sys.path.insert(0, str(SOLUTIONS))
    try:
        import ex01_rnn_layer
    finally:
        sys.path.remove(str(SOLUTIONS))
    return ex01_rnn_layer.plot_weights


def _plain(description):
    """A figure's description with its arrays as lists, comparable with ==."""
    return {"suptitle": description["suptitle"],
            "axes": [dict(ax, images=[image.tolist() for image in ax["images"]]) for ax in description["axes"]]}


def test_without_layout_the_figure_shows_the_same_titles_images_and_axes():
    plot_weights = _reference_plot_weights()
    rnn = build_rnn(input_size=2, hidden_size=6, num_layers=2, bidirectional=True, bias=False, seed=34)
    laid_out = _plain(describe_figure(plot_weights(rnn)))
    original = Figure.tight_layout
    with no_layout():
        assert Figure.tight_layout is not original  # the solution calls fig.tight_layout(): now a no-op
        not_laid_out = _plain(describe_figure(plot_weights(rnn)))
    assert Figure.tight_layout is original  # restored for everything after the call
    plt.close("all")
    assert not_laid_out == laid_out
    assert len([ax for ax in laid_out["axes"] if not ax["colorbar"]]) == 8
