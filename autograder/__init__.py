"""rnn-grade: exercises and an autograder for PyTorch's nn.RNN.

Trust boundary (see README "How grading stays trustworthy"):

* ``autograder.worker`` is the only code that runs in the learner's process. It
  imports the learner's modules, calls them through small *observers* and sends
  back plain data (JSON: numbers, strings, lists, dicts, arrays as flat lists).
* Everything else runs in the trusted grader process: it runs the pytest checks,
  computes the same observations with the reference solutions and compares.
  Nothing that comes from a worker is unpickled or evaluated; it is parsed as
  JSON and validated by ``autograder.worker.wire.decode``.
"""
__version__ = "0.1.0"
