"""nbgrader settings of the rnn-grade course (written by `rnn-grade export nbgrader`).

Run nbgrader from this folder, in a Python environment where the rnn-grade kit
(with solutions/ and the hidden checks) is installed: the graded test cells
import `autograder` and run the kit's own checks.
"""
import os

c = get_config()  # noqa: F821  (provided by nbgrader when it reads this file)

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "rnn-grade"
# The first graded cell of a notebook grades all of its code (a worker process, torch): allow it time.
c.Execute.timeout = 600
# The same stub as the kit's exercises/ files.
c.ClearSolutions.code_stub = {"python": "raise NotImplementedError()"}
