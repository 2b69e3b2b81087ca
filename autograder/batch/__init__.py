"""Grading a whole class: ``rnn-grade batch``.

One job per module:

* ``intake``: finds the learners in a folder or zip (safely) and reads their exercise modules;
* ``runner``: copies each learner's files to a private folder and grades them, in parallel,
  skipping learners already graded on ``--resume``;
* ``store``: each learner's stored record and outputs, written atomically;
* ``feedback_file``: the learner's readable ``feedback.txt``;
* ``gradebook``: ``gradebook.csv``;
* ``report``: the instructor's ``report.html`` with its plots;
* ``progress``: the progress bar and the final summary;
* ``sample_class``: builds the sample class in ``examples/class/`` from ``solutions/``.
"""
