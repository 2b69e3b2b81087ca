"""Observer for ex01_rnn_layer.plot_weights: what the returned figure shows, as plain data.

No display is needed: the figure is only inspected (axes, titles, the arrays
behind the images), never drawn on a screen, and closed afterwards. Nor is it
laid out: while the learner's plot_weights runs, ``Figure.tight_layout`` does
nothing. Laying out renders every text to measure it (two thirds of a plot's
cost, measured), and moves axes without changing a title, an image or an axes
count, which is all the checks read.
"""
import contextlib
import importlib.abc
import os
import sys

import numpy as np
import torch

from . import observer
from .common import build_rnn, rnn_label

MODULE = "ex01_rnn_layer"


def _matrices_of(ax):
    """The 2-D arrays an axes shows as images (imshow/matshow) or meshes (pcolormesh, seaborn)."""
    from matplotlib.collections import QuadMesh

    arrays = []
    for artist in list(ax.images) + [c for c in ax.collections if isinstance(c, QuadMesh)]:
        data = np.asarray(np.ma.getdata(artist.get_array()), dtype=np.float64)
        arrays.append(data)
    return arrays


def describe_figure(fig):
    """Axes count, titles and image arrays of a figure (colour bars are reported but marked)."""
    # matplotlib labels the axes it makes for a colour bar "<colorbar>"; an axes the learner made for it
    # (fig.colorbar(im, cax=cax), e.g. make_axes_locatable(ax).append_axes(...)) keeps its own label, so
    # colour bars are also found from the images they show (ScalarMappable.colorbar, public API).
    bar_axes = {id(artist.colorbar.ax) for ax in fig.get_axes() for artist in list(ax.images) + list(ax.collections)
                if getattr(artist, "colorbar", None) is not None}
    axes = []
    for ax in fig.get_axes():
        titles = [ax.get_title(loc) for loc in ("center", "left", "right")]
        axes.append({"title": " ".join(t for t in titles if t).strip(),
                     "colorbar": ax.get_label() == "<colorbar>" or id(ax) in bar_axes,
                     "images": _matrices_of(ax)})
    suptitle = getattr(fig, "_suptitle", None)
    return {"axes": axes, "suptitle": suptitle.get_text() if suptitle is not None else ""}


def _no_tight_layout(figure_module):
    """Make ``Figure.tight_layout`` a no-op; returns what undoes it."""
    saved = figure_module.Figure.tight_layout
    figure_module.Figure.tight_layout = lambda self, *args, **kwargs: None

    def undo():
        figure_module.Figure.tight_layout = saved
    return undo


class _ThenRun(importlib.abc.Loader):
    """A module's own loader, and then ``after(module)`` once the module has run."""

    def __init__(self, loader, after):
        self.loader, self.after = loader, after

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        self.loader.exec_module(module)
        self.after(module)

    def __getattr__(self, name):   # get_source, get_filename, ...: the module's own loader answers
        return getattr(self.loader, name)


class _OnImport(importlib.abc.MetaPathFinder):
    """Finds nothing itself: hands ``name``'s spec from the finders after it, with ``after`` run once the
    module is executed."""

    def __init__(self, name, after):
        self.name, self.after = name, after

    def find_spec(self, fullname, path, target=None):
        if fullname != self.name:
            return None
        for finder in sys.meta_path[sys.meta_path.index(self) + 1:]:
            spec = finder.find_spec(fullname, path, target) if hasattr(finder, "find_spec") else None
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _ThenRun(spec.loader, self.after)
                return spec
        return None


@contextlib.contextmanager
def no_layout():
    """``Figure.tight_layout`` (and so ``pyplot.tight_layout``) is a no-op inside the block.

    matplotlib is not imported for it (that would cost a skeleton that never plots half a second):
    when the learner's code imports it inside the block, the no-op is put in place as soon as
    ``matplotlib.figure`` has been executed (the batch's fork server imports it before any learner's).
    """
    undo = []
    figure_module = sys.modules.get("matplotlib.figure")
    if figure_module is not None:
        undo.append(_no_tight_layout(figure_module))
        hook = None
    else:
        hook = _OnImport("matplotlib.figure", lambda module: undo.append(_no_tight_layout(module)))
        sys.meta_path.insert(0, hook)
    try:
        yield
    finally:
        if hook is not None and hook in sys.meta_path:
            sys.meta_path.remove(hook)
        for step in undo:
            step()


@observer
def plot_weights(ctx, **cfg):
    os.environ.setdefault("MPLBACKEND", "Agg")
    mod = ctx.module(MODULE)
    rnn = build_rnn(**cfg)
    # The true matrices, so a check can compare every image with its weight
    # (the grader reads these from the reference side's identical rnn).
    weights = {name: param.detach().to(dtype=torch.float64)
               for name, param in rnn.named_parameters() if name.startswith("weight_")}
    # matplotlib is imported by the learner's code, not here: importing pyplot costs
    # a third of a second, which a skeleton that raises NotImplementedError should not pay.
    pyplot = sys.modules.get("matplotlib.pyplot")
    before = pyplot.get_fignums() if pyplot is not None else []
    try:
        with no_layout():
            result = ctx.call(f"plot_weights({rnn_label(**cfg)})", mod.plot_weights, rnn)
        figure_module = sys.modules.get("matplotlib.figure")  # a Figure exists only if this was imported
        if figure_module is None or not isinstance(result, figure_module.Figure):
            return {"type": type(result).__name__, "figure": None, "weights": weights}
        return {"type": "Figure", "figure": describe_figure(result), "weights": weights}
    finally:
        # Close what the call opened, so figures never pile up across checks.
        pyplot = sys.modules.get("matplotlib.pyplot")
        if pyplot is not None:
            for number in pyplot.get_fignums():
                if number not in before:
                    pyplot.close(number)
