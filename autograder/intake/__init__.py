"""One intake for every front end: whatever a learner or a platform hands in -> ``Submission`` values.

``read_learner(path)`` reads one learner (``rnn-grade check``, Gradescope's ``run_autograder``,
``Grader.grade`` given a path); ``find_submissions(path)`` finds the learners of a class
(``rnn-grade batch``; ``nbgrader-grade`` reads each learner with ``read_learner``). Both go
through the same rules (``modules.py``), so the same files get the same grade whichever front
end reads them, and ``Grader.grade(submission)`` stages exactly ``submission.files``, once.

Modules: ``entries`` (files of folders and zips, names decoded), ``reading`` (one file within a
limit), ``modules`` (exercises, notebooks, helper modules), ``notebooks``, ``platforms`` (the
downloads of Canvas, Moodle, Blackboard, GitHub Classroom, Gradescope), ``classes`` (the class),
``submission`` (the value).
"""
from .classes import (RESERVED_NAMES, Intake, assign_names, find_submissions, helper_modules, read_learner,
                      safe_name)
from .modules import MAX_HELPERS, MAX_MODULE_BYTES
from .submission import MODULE_FILES, InstructorError, Submission

__all__ = ["Intake", "InstructorError", "MAX_HELPERS", "MAX_MODULE_BYTES", "MODULE_FILES", "RESERVED_NAMES",
           "Submission", "assign_names", "find_submissions", "helper_modules", "read_learner", "safe_name"]
