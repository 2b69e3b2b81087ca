"""Whether the answers a check got from the learner's worker have the form of the reference's.

The worker is untrusted: its answers may hold the right field names with values of
the wrong kind (a string where a shape list belongs, a dict for an array). Checks
read answers as the reference's are shaped, so such an answer can make a check
itself raise (a TypeError, KeyError, AttributeError...). That must be the learner's
failed check, never a grader error: when a check raises unexpectedly, the plugin
asks ``first_difference`` about the answers of that check, compared with the
reference's answers to the same requests. Only when they all have the reference's
form is the failure the grader's own.
"""
from ..worker.wire import Array, Opaque


def kind_of(value):
    """The kind of a decoded value, in words a learner can read."""
    if isinstance(value, Array):
        return "an array"
    if isinstance(value, Opaque):
        return "an object"
    if value is None:
        return "null"
    if isinstance(value, bool) or isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dict):
        return "a record"
    if isinstance(value, list):
        return "a list"
    return "something else"


def first_difference(got, expected, where="the answer"):
    """A sentence naming the first place where ``got`` does not have ``expected``'s form, or None."""
    stack = [(got, expected, where)]
    while stack:
        got, expected, where = stack.pop()
        if kind_of(got) != kind_of(expected):
            return f"{where} is {kind_of(got)} where {kind_of(expected)} was expected"
        if isinstance(expected, dict):
            missing = next((key for key in expected if key not in got), None)
            if missing is not None:
                return f"{where} has no field {missing!r}"
            stack += [(got[key], expected[key], f"{where}[{key!r}]") for key in reversed(list(expected))]
        elif isinstance(expected, list):
            stack += [(g, e, f"{where}[{i}]") for i, (g, e) in reversed(list(enumerate(zip(got, expected))))]
    return None


def answers_difference(answers, reference):
    """The first difference of form between a check's answers ``[(observer, config, value)]`` and the
    reference's answers to the same requests, as ``(observer, sentence)``, or None."""
    for name, config, value in answers:
        try:
            expected = reference.observe(name, config)
        except Exception:  # noqa: BLE001  (a learner-only observation: nothing to compare with)
            continue
        difference = first_difference(value, expected)
        if difference:
            return name, difference
    return None
