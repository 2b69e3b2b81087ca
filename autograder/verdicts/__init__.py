"""Verdicts shared by an exercise's public and hidden checks.

A check file gathers observations and states what it checks; the module here
for its exercise turns a learner's observation and the reference's into
feedback (``Feedback`` with the call, what came back, what was expected, the
concept and, when the numbers match a known mistake, a hint naming it).
Trusted code: it runs in the grader, on plain data only.
"""


def observe_each(side, observer, configs):
    """``side``'s answers for every configuration from ONE observation.

    The observer's ``.each`` twin runs them all in order (one worker round trip
    for the whole check, however many configurations it asks about).
    """
    return side.observe(observer + ".each", {"configs": list(configs)})
