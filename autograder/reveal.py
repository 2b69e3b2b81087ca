"""How much a check's feedback reveals, chosen by the instructor for public and hidden checks apart.

* ``full``: the call, what came back, what was expected, the hint with the code that fixes
  the mistake, and the concept (the kit's default);
* ``concept``: the same without the code that fixes it: the mistake is named, the learner
  writes the fix (``Hint.mistake`` and the concept's own part, see ``feedback.py``);
* ``none``: points only (and the status: passed, failed, crashed, ...).

The levels come from the command line (``--reveal-public``, ``--reveal-hidden`` on ``check``,
``batch`` and every export) or, by default, from ``checks/reveal.json`` in the package, which
each export writes into the grader it ships, so a learner bundle, a Gradescope zip or a
Classroom template grades with the levels the instructor exported it with.
"""
import json

from .paths import CHECKS

LEVELS = ("full", "concept", "none")
SETTINGS_FILE = CHECKS / "reveal.json"
DEFAULT = {"public": "full", "hidden": "full"}


def load(path=SETTINGS_FILE):
    """The levels stored beside the checks, or the default (full) when there is no such file."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return dict(DEFAULT)
    return validated(stored)


def validated(levels):
    """``{"public": level, "hidden": level}`` from a dict that may leave either out; refuses unknown levels."""
    result = dict(DEFAULT)
    for side in DEFAULT:
        level = (levels or {}).get(side) or result[side]
        if level not in LEVELS:
            raise ValueError(f"reveal level {level!r} for {side} checks is not one of {', '.join(LEVELS)}")
        result[side] = level
    return result


def add_arguments(parser):
    """``--reveal-public`` and ``--reveal-hidden`` on a command's parser."""
    for side in ("public", "hidden"):
        parser.add_argument(f"--reveal-{side}", choices=LEVELS, default=None,
                            help=f"how much the feedback of {side} checks reveals: full (the hint with the code "
                                 f"that fixes it), concept (the mistake and the concept, not the code), none "
                                 f"(points only); default: {load()[side]}")


def from_args(args):
    """The levels a command was given, each falling back on the stored setting."""
    stored = load()
    return validated({side: getattr(args, f"reveal_{side}", None) or stored[side] for side in DEFAULT})


def write(package_dir, levels):
    """Store ``levels`` beside the checks of a copied grader (an export), unless they are the default."""
    levels = validated(levels)
    target = package_dir / "checks" / "reveal.json"
    if levels != DEFAULT:
        target.write_text(json.dumps(levels, indent=2) + "\n", encoding="utf-8")
    elif target.exists():
        target.unlink()
    return levels


def level_for(levels, hidden):
    return validated(levels)["hidden" if hidden else "public"]
