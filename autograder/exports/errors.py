"""The one exception exports raise when they refuse to write something wrong."""


class ExportError(Exception):
    """An export could not be built (e.g. the solutions do not earn every point)."""
