"""Grading a whole class: ``rnn-grade batch``.

One job per module:

* ``intake``: finds the learners in a folder or zip (safely) and reads their exercise modules;
* ``runner``: the batch: which learners to grade (skipping those already graded on ``--resume``),
  grading them in a local pool of processes, writing every output;
* ``grading``: what runs in each grading process (the batch's own, a pool process, a Dask worker):
  one Grader, the reference, one learner's files in, one ``SubmissionResult`` out;
* ``dask_pool``: the same pool on a Dask cluster;
* ``store``: each learner's stored record and outputs, written atomically;
* ``feedback_file``: the learner's readable ``feedback.txt``;
* ``gradebook``: ``gradebook.csv``;
* ``report``: the instructor's ``report.html`` with its plots (Jinja2, ``templates/report/``);
* ``progress``: the progress bar and the final summary;
* ``sample_class``: builds the sample class in ``examples/class/`` from ``solutions/``.
"""
