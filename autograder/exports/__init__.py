"""Exports: the kit repackaged for the places instructors grade.

* ``bundle``: the learner bundle (``rnn-grade release``): skeletons, notebooks,
  public checks, the grader and recorded reference answers, no solutions.
* ``notebooks``: one Jupyter notebook per exercise, built from the same sources.
* ``nbgrader_course``: an nbgrader course directory whose test cells run our checks.
* ``gradescope``: the Gradescope autograder zip (``gradescope_run`` runs inside it).
* ``classroom``: a GitHub Classroom template repository with its workflow.

``inline`` is the small runtime the notebooks call; it ships with the learner's grader.
"""
