"""Verdicts for ex01_rnn_layer.plot_weights: a figure judged by what it holds, never by how it looks."""
import re

import numpy as np

from ..feedback import Feedback, shape_text

CONCEPT = ("plot_weights shows every weight matrix (weight_ih_l*, weight_hh_l*, with _reverse ones) as a heat map "
           "in its own axes, titled with the parameter's name and shape; the image is the matrix itself, row i "
           "of the image being row i of the weight (hidden unit i)")


def _shape_in_title(title, name):
    """The integers written after the parameter's name in a title ("weight_ih_l0 (5, 2)" -> [5, 2])."""
    rest = title.split(name, 1)[1]
    return [int(n) for n in re.findall(r"\d+", rest)]


def _title_names(title, names):
    """Parameter names in a title, whole names only: weight_ih_l0 is not read inside weight_ih_l0_reverse."""
    return [n for n in names if re.search(re.escape(n) + r"(?![A-Za-z0-9_])", title)]


def _parameter_order(name):
    """nn.RNN's own order of its weights (layer by layer, forward before reverse, ih before hh), whatever
    order the reference's answer lists them in: a cached reference has its keys sorted, a live one not, and
    the same learner must read the same feedback either way."""
    found = re.fullmatch(r"weight_(ih|hh)_l(\d+)(_reverse)?", name)
    if found is None:
        return (1, 0, 0, 0, name)
    return (0, int(found[2]), bool(found[3]), found[1] == "hh", name)


def judge_plot(got, want, call):
    if got["figure"] is None:
        raise Feedback(call, f"a {got['type']}", "a matplotlib.figure.Figure", CONCEPT,
                       "return the Figure (fig of fig, axes = plt.subplots(...)), not the axes or None")
    weights = want["weights"]          # the true matrices, from the trusted side
    names = sorted(weights, key=_parameter_order)
    heat_maps = [ax for ax in got["figure"]["axes"] if not ax["colorbar"] and ax["images"]]
    if len(heat_maps) != len(names):
        raise Feedback(call, f"a figure with {len(heat_maps)} axes showing an image",
                       f"{len(names)} axes with one heat map each ({', '.join(names)})", CONCEPT,
                       "biases are vectors and are not drawn; every weight matrix gets its own axes"
                       if len(heat_maps) > len(names) else None)
    # Non-square matrices first: a transposed image is plain to see there (its shape is swapped),
    # while on a square one only the values tell, and the learner would look for a shape mistake.
    for name in sorted(names, key=lambda n: len(set(weights[n].shape)) == 1):
        matrix = weights[name].data
        holders = [ax for ax in heat_maps if name in _title_names(ax["title"], names)]
        if len(holders) != 1:
            titles = [ax["title"] for ax in heat_maps]
            raise Feedback(call, f"axes titled {titles}", f"one axes titled like \"{name} {tuple(matrix.shape)}\"",
                           CONCEPT, "set each axes' title with ax.set_title(f\"{name} {tuple(param.shape)}\")")
        ax = holders[0]
        if _shape_in_title(ax["title"], name) != list(matrix.shape):
            raise Feedback(call, f"the title {ax['title']!r}", f"a title naming {name} and its shape "
                                                               f"{shape_text(matrix.shape)}", CONCEPT)
        image = ax["images"][0].data
        if image.shape == matrix.shape[::-1] and np.allclose(image, matrix.T, rtol=1e-5, atol=1e-6):
            raise Feedback(call, f"the image of {name} has shape {shape_text(image.shape)}",
                           f"the matrix as stored, {shape_text(matrix.shape)}", CONCEPT,
                           "the image is transposed: draw the weight as it is (ax.imshow(w)), rows = hidden units")
        if image.shape != matrix.shape or not np.allclose(image, matrix, rtol=1e-5, atol=1e-6):
            raise Feedback(call, f"the image in the axes titled {ax['title']!r} ({shape_text(image.shape)})",
                           f"the values of {name} ({shape_text(matrix.shape)})", CONCEPT,
                           "draw the parameter's own values (param.detach().numpy()), not a copy of another one")
