"""The one exception exports raise when they refuse to write something wrong."""


class ExportError(Exception):
    """An export could not be built (e.g. the solutions do not earn every point)."""


class ExportMachineError(ExportError):
    """The grading machine failed while the solutions were graded (a fork server killed from outside, a
    worker that could not start): nothing is wrong with the solutions; the command exits 3, as ``batch``
    and ``check`` do when the machine cannot grade, and may simply be run again."""
