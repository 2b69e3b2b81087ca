"""Running a course with the batch grader: a submission history with arrival times (``history.py``),
deadlines and late penalties (``policy.py``), per-exercise result caching (``cache.py``), the
course gradebook (``gradebook.py``), LMS grade exports (``lms.py``) and code similarity
(``similarity.py``). None of it changes how a submission is graded; it decides which graded
submission counts, what it is worth after the deadline, and what the instructor gets to see.
"""

# Here, not in lms.py: the command line builds every subcommand's parser, and importing the exporter
# for its --format choices would slow down every command (rnn-grade check among them).
FORMATS = ("canvas", "moodle", "blackboard", "csv")
