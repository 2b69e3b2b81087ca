"""Exceptions that carry a verdict about the learner's code or the grader itself.

They sit below every layer that raises or catches them: verdicts (a learner's answer of the wrong
form), the runner, the batch and the command line (see tests/test_architecture.py).
"""


class LearnerError(Exception):
    """The learner's code could not produce an observation.

    ``kind`` is one of: ``not_implemented``, ``error`` (it raised), ``import``
    (the module failed to import), ``missing`` (no such module or function),
    ``timeout``, ``crash`` (the worker died), ``budget`` (the submission's
    time ran out), ``protocol`` (the worker sent something that is not plain data).
    """

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind, self.message = kind, message


class GraderError(Exception):
    """The kit itself failed (a broken check or reference): never the learner's fault."""


class MachineError(GraderError):
    """This machine cannot grade anyone (the worker's Python cannot start or import torch, the
    sandbox asked for is missing): said before any learner is graded, never a learner's zero."""


class GradingStopped(MachineError):
    """The machines stopped grading part-way (every Dask worker gone): the learners finished so far
    are written, the others are not graded (never zeros), and ``--resume`` carries on."""
