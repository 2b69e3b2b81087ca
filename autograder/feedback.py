"""Comparisons that explain themselves: the vocabulary checks are written in.

Every failing comparison raises ``Feedback`` whose text names the call that
was made, what came back, what was expected, the concept behind it, and —
when the answer matches a classic mistake a check lists — a hint that names
that mistake. Values are the plain data a worker sent (``wire.Array`` for
tensors), never objects from learner code.
"""
import re

import numpy as np

from .learner_text import inline
from .worker.wire import Array, Opaque

TOLERANCES = {"float64": (1e-7, 1e-9), "float32": (1e-4, 1e-5), "float16": (1e-2, 1e-3),
              "bfloat16": (1e-2, 1e-2)}


class Hint(str):
    """A hint in two parts: the mistake it names and the code that fixes it.

    It reads as one sentence (``str(hint)``); an instructor who wants learners to
    find the fix themselves (``--reveal-* concept``) shows the mistake alone.
    """

    def __new__(cls, mistake, fix, joiner=": "):
        text = super().__new__(cls, f"{mistake}{joiner}{fix}")
        text.mistake, text.fix = mistake, fix
        return text


def mistake_of(hint):
    """What a hint says is wrong, without the code that fixes it."""
    return hint.mistake if isinstance(hint, Hint) else hint


# How a None answer reads once described, whatever the check: the value itself, a record's type
# name, or the returned kind ex03/ex04/ex05 observers report.
_NONE_TEXTS = ("None", "an object of type NoneType", "a NoneType")


def returned_none_hint(got, expected):
    """The hint for a function that returned None (the body ends without ``return``), else None."""
    if isinstance(got, str) and (got in _NONE_TEXTS or got.startswith("None;")):
        return f"the function returned None, but it must return {expected}: did you forget `return`?"
    return None


class Feedback(AssertionError):
    """A check's verdict on a wrong answer, in words a learner can act on.

    Kept in parts (``parts()``), so that how much a learner is shown can be
    chosen per check (``autograder/reveal.py``) without rewording any message.
    """

    def __init__(self, call, got, expected, concept, hint=None):
        hint = hint or returned_none_hint(got, expected)
        self.call, self.got, self.expected, self.concept, self.hint = call, got, expected, concept, hint
        super().__init__(self.text())

    def parts(self):
        """{"call", "got", "expected", "why", "concept", "hint", "mistake"}: plain strings. "why" and
        "hint" are whole; "concept" and "mistake" leave out the code that fixes the mistake (a ``Hint``'s
        ``fix``); "hint" and "mistake" are None without a hint."""
        hint = self.hint
        return {"call": str(self.call), "got": str(self.got), "expected": str(self.expected),
                "why": str(self.concept), "concept": str(mistake_of(self.concept)),
                "hint": str(hint) if hint else None, "mistake": str(mistake_of(hint)) if hint else None}

    def text(self):
        return render_parts(self.parts())


def render_parts(parts, level="full"):
    """The feedback text of ``parts`` at a reveal level: "full" (everything), "concept" (the
    call, what came back and was expected, the mistake named and the concept, but not the code
    that fixes it) or "none" (nothing: points only)."""
    if level == "none":
        return ""
    lines = [f"Called:   {parts['call']}", f"Returned: {parts['got']}", f"Expected: {parts['expected']}"]
    hint = parts.get("mistake") if level == "concept" else parts.get("hint")
    if hint:
        lines.append(f"Hint:     {hint}")
    lines.append(f"Why:      {parts.get('concept') if level == 'concept' else parts['why']}")
    return "\n".join(lines)


def describe(value, limit=120):
    """A short human description of a decoded value."""
    if isinstance(value, Array):
        shape = "(" + ", ".join(str(n) for n in value.shape) + ("," if len(value.shape) == 1 else "") + ")"
        kind = "tensor" if value.kind == "Tensor" else "numpy array"
        text = f"a {kind} of shape {shape}, {value.dtype}"
        if value.data.size <= 6:
            text += f" = {np.array2string(value.data.reshape(-1), precision=4)}"
        return text
    if isinstance(value, Opaque):
        return f"an object of type {inline(value.type_name, limit)}"  # a name the learner's code chose
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def shape_text(shape):
    return "(" + ", ".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"


def _match(matcher, got):
    try:
        return matcher(got) if callable(matcher) else got == matcher
    except Exception:
        return False


def _hint_for(got, mistakes):
    """The hint of the first listed mistake that ``got`` matches, else None."""
    for matcher, hint in mistakes:
        if _match(matcher, got):
            return hint
    return None


def expect_equal(got, expected, *, call, concept, mistakes=(), show=None):
    """Plain data must be equal (shapes as lists, ints, dicts...).

    Two dicts that differ are shown by the entries that differ, never as a
    truncated whole (the difference could be cut off).
    """
    if got != expected:
        if show is None and isinstance(got, dict) and isinstance(expected, dict):
            got_text, want_text = dict_difference(got, expected)
        else:
            shown = show or describe
            got_text, want_text = shown(got), shown(expected)
        raise Feedback(call, got_text, want_text, concept, _hint_for(got, mistakes))


def dict_difference(got, expected):
    """(got text, expected text) naming only the entries where two dicts differ."""
    keys = [k for k in expected if got.get(k, _ABSENT) != expected[k]] + [k for k in got if k not in expected]

    def entries(side):
        return ", ".join(f"{k}={describe(side[k], 60)}" if k in side else f"no {k!r}" for k in keys)
    same = len(set(got) | set(expected)) - len(keys)
    rest = f" (the other {same} entries as expected)" if same else ""
    return entries(got) + rest, entries(expected)


_ABSENT = object()


def expect_tensor(got, expected, *, call, concept, what="the result", mistakes=(), check_dtype=True,
                  tolerance=None):
    """A tensor (``Array``) must have the expected shape, dtype and values.

    ``mistakes`` pairs a matcher (a value or a function of the learner's
    ``Array``) with the hint that names that mistake.
    """
    hint = lambda: _hint_for(got, mistakes)  # noqa: E731  (evaluated only on failure)
    if not isinstance(got, Array):
        raise Feedback(call, describe(got), f"{what} as {describe(expected)}", concept, hint())
    if got.shape != expected.shape:
        raise Feedback(call, describe(got), describe(expected), concept,
                       hint() or f"{what} has the wrong shape: {shape_text(got.shape)} instead of "
                                 f"{shape_text(expected.shape)}")
    if check_dtype and got.dtype != expected.dtype:
        raise Feedback(call, describe(got), describe(expected), concept,
                       hint() or f"{what} has dtype {got.dtype} but should match the inputs' "
                                 f"{expected.dtype}")
    rtol, atol = tolerance or TOLERANCES.get(expected.dtype, (1e-5, 1e-6))
    g, e = got.data.astype(np.float64), expected.data.astype(np.float64)
    close = close_values(g, e, rtol, atol)
    if not close.all():
        index = tuple(int(i) for i in np.argwhere(~close)[0])
        detail = (f"{describe(got)}; at index {list(index)} it holds {g[index]:.6g} where "
                  f"{e[index]:.6g} was expected ({int((~close).sum())} of {close.size} values differ)")
        raise Feedback(call, detail, f"{what} as {describe(expected)}", concept, hint())


def close_values(got, expected, rtol, atol):
    """``numpy.isclose(got, expected, rtol, atol, equal_nan=True)`` for float64 arrays of one shape.

    The same formula without isclose's argument handling, which costs several times the comparison
    itself on the small arrays checks compare (hundreds of times per learner).
    """
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf; opposite huge values
        close = np.less_equal(np.abs(got - expected), atol + rtol * np.abs(expected))
    close &= np.isfinite(expected)
    close |= got == expected
    close |= np.isnan(got) & np.isnan(expected)
    return close


def values_match(expected_values, tolerance=(1e-4, 1e-5)):
    """A matcher: the learner's array holds these values (numpy array), within tolerance."""
    def match(got):
        return (isinstance(got, Array) and got.data.shape == np.shape(expected_values)
                and bool(np.allclose(got.data, expected_values, rtol=tolerance[0], atol=tolerance[1])))
    return match


def shape_is(shape):
    """A matcher: the learner's array has this shape."""
    return lambda got: isinstance(got, Array) and tuple(got.shape) == tuple(shape)


def in_configuration(call, index, count, label):
    """``call`` plus which of a hidden check's configurations it was made in.

    Checks that loop over many configurations report the first one that fails;
    this line tells the learner which sizes and settings to try themselves.
    """
    return f"{call}\n          (configuration {index + 1} of {count}: {label})"


def first_difference(got, expected):
    """``(key, got value, expected value)`` of the first key (in ``expected``'s order, then
    extra keys of ``got``) where two dicts differ, or None when they are equal."""
    for key, want in expected.items():
        if key not in got:
            return key, "<missing>", want
        if got[key] != want:
            return key, got[key], want
    for key in got:
        if key not in expected:
            return key, got[key], "<no such entry>"
    return None


def _kind(value):
    # The learner's records arrive wrapped (session.Record, a dict; Records, a list): compare kinds, not classes.
    for kind in (dict, list):
        if isinstance(value, kind):
            return kind.__name__
    return type(value).__name__


def paired(got_all, expected_all, call):
    """``zip(got_all, expected_all)`` for a check that asked about many configurations at once.

    The learner's side must send one answer of the same kind per configuration;
    anything else (a worker sending too few answers would otherwise pass a
    plain ``zip``) fails the check instead of being compared partly.
    """
    if (not isinstance(got_all, list) or len(got_all) != len(expected_all)
            or any(_kind(got) != _kind(want) for got, want in zip(got_all, expected_all))):
        raise Feedback(call, f"{describe(got_all)}", f"one answer for each of the {len(expected_all)} configurations",
                       "the grader could not match your code's answers with the configurations it asked about")
    return list(zip(got_all, expected_all))


# ---------------------------------------------------------------- exceptions with a known cause
# A PyTorch exception raised inside the learner's code names the symptom, not the mistake. These
# are the classic mistakes whose exception text (and the call or line that raised it) leaves one
# explanation; each rule is tried on the text of the learner's error and gives a hint only when
# that text says so. Anything else keeps PyTorch's own words alone.

MATMUL_SHAPES = re.compile(r"mat1 and mat2 shapes cannot be multiplied \((\d+)x(\d+) and (\d+)x(\d+)\)")
_HIDDEN_SIZE = re.compile(r"Expected hidden size \((\d+), (\d+), (\d+)\), got \[(\d+), (\d+), (\d+)\]")
_INPUT_SIZE = re.compile(r"input\.size\(-1\) must be equal to input_size\. Expected (\d+), got (\d+)")
_CLASSIFIER = re.compile(r"RNNClassifier\((\d+), (\d+), (\d+), (\d+), bidirectional=True\)")
_CODE = re.compile(r"line \d+: `([^`]*)`")
_BROADCAST = re.compile(r"The size of tensor a \((\d+)\) must match the size of tensor b \((\d+)\) at non-singleton "
                        r"dimension 1")
_ADDS_A_BIAS = re.compile(r"\+\s*(?:b_ih|b_hh|b_xh|b_h|\w*bias\w*)\b")
# (hidden, batch) of the call, as the feedback describes it: rnn_cell(... h_prev (B, H), w_ih (H, I) ...) or
# manual_rnn(nn.RNN(I, H, ...), x (...), h0 (L, B, H))
_CELL_SIZES = re.compile(r"rnn_cell\(.*?h_prev \((\d+), (\d+)\)")
_LAYER_SIZES = re.compile(r"manual_rnn\(nn\.RNN\(\d+, (\d+).*?h0 \(\d+, (\d+), \d+\)")
_WEIGHT = r"(?:w_ih|w_hh|w_xh|W_\w+|W\w*|weight\w*)"
_WEIGHTS_STACKED_ROWS = re.compile(r"cat\(\s*[\(\[]\s*" + _WEIGHT + r"\s*,\s*" + _WEIGHT +
                                   r"\s*[\)\]]\s*(?:,\s*(?:dim\s*=\s*)?0\s*)?\)")


def _learner_line(text):
    """The learner's line that raised, as the error message quotes it (the last one), else ""."""
    found = _CODE.findall(text)
    return found[-1] if found else ""


def exception_hint(text):
    """A ``Hint`` naming the classic mistake behind a learner's exception, or None.

    ``text`` is the error as the feedback shows it: the call, the exception's type and message, and
    the learner's line that raised it (``runner/session.learner_error_from``).
    """
    line = _learner_line(text)
    if "'tuple' object has no attribute" in text and re.search(r"loss|mse|criterion", line, re.I):
        return Hint("the loss was given a tuple: a model (and nn.RNN) returns a pair (predictions, hidden), "
                    "and a loss needs the predictions alone",
                    "unpack the pair first (out, hidden = model(inputs)) and give the loss only out and the targets")
    if "backward through the graph a second time" in text:
        return Hint("backward() went through a graph an earlier backward() had already freed: a tensor from an "
                    "earlier epoch was used again (usually the hidden state carried over from the previous epoch), "
                    "or backward() ran twice on one loss",
                    "start every epoch from a fresh hidden state (None, or zeros), or carry it over as "
                    "hidden.detach(); call loss.backward() once per epoch")
    matmul = MATMUL_SHAPES.search(text)
    classifier = _CLASSIFIER.search(text)
    if matmul:
        rows1, cols1, rows2, cols2 = (int(n) for n in matmul.groups())
        if classifier and cols1 == 2 * int(classifier[2]) and rows2 == int(classifier[2]):
            return Hint(f"the head reads {rows2} features but the bidirectional summary has {cols1}: both "
                        f"directions concatenated give 2 * num_hidden features",
                        "size the head nn.Linear(2 * num_hidden, num_classes) when bidirectional=True")
        if cols1 == cols2 and rows2 != cols1 and re.search(r"@|matmul|\bmm\(", line):
            return Hint(f"a weight stored (out_features, in_features) = ({rows2}, {cols2}) was multiplied without "
                        f"its transpose: x_t ({rows1}x{cols1}) needs W.T ({cols2}x{rows2})",
                        "x_t @ w_ih.T and h_prev @ w_hh.T")
    broadcast = _BROADCAST.search(text)
    if broadcast and _ADDS_A_BIAS.search(line):
        got, bias = int(broadcast[1]), int(broadcast[2])
        cell, layer = _CELL_SIZES.search(text), _LAYER_SIZES.search(text)
        batch, hidden = ((int(cell[1]), int(cell[2])) if cell else (int(layer[2]), int(layer[1])) if layer
                         else (None, None))
        if bias == hidden and got == batch != hidden:
            # The step came out (hidden, batch): the products written for column vectors, w_ih @ x_t.T.
            return Hint(f"the bias has {hidden} entries (the hidden units) but the pre-activation's last axis has "
                        f"{got}, the batch size: the step came out (hidden, batch), as products written for column "
                        f"vectors (w_ih @ x_t.T, the textbook's W x) give",
                        "rows are samples here: x_t @ w_ih.T + h_prev @ w_hh.T is (batch, hidden)")
    if "Sizes of tensors must match except in dimension 0" in text and _WEIGHTS_STACKED_ROWS.search(line):
        return Hint("w_ih (hidden, in_features) and w_hh (hidden, hidden) were stacked along dim 0: nn.RNN stores a "
                    "weight (out_features, in_features), so the two only line up side by side (d2l's W_xh and W_hh "
                    "are (in, out) and stack along dim 0)",
                    "torch.cat((w_ih, w_hh), dim=1), then torch.cat((x_t, h_prev), 1) @ W.T")
    sizes = _HIDDEN_SIZE.search(text)
    if sizes:
        want, got = sizes.groups()[:3], sizes.groups()[3:]
        if got == (want[1], want[0], want[2]) and want[0] != want[1]:
            return Hint("the initial hidden state is laid out batch first, (batch, num_layers, hidden): h0 keeps "
                        "(num_layers * num_directions, batch, hidden) whatever batch_first says",
                        f"create it as zeros of shape ({want[0]}, batch, {want[2]})")
    size = _INPUT_SIZE.search(text)
    if size:
        return Hint(f"the rnn was built for input_size={size[1]} features per step but x has {size[2]} (its last "
                    f"axis): nn.RNN's first argument is the number of features of x",
                    "nn.RNN(input_size, hidden_size, ...) with the input_size you were given")
    if re.search(r"Unknown nonlinearity '(True|False)'", text):
        return Hint("a True/False reached nn.RNN's nonlinearity: its fourth positional parameter is nonlinearity "
                    "(input_size, hidden_size, num_layers, nonlinearity, bias, batch_first, dropout, bidirectional)",
                    "pass batch_first=batch_first by keyword")
    if "dropout should be a number" in text and "nn.RNN(" in line and "dropout" not in line:
        return Hint("nn.RNN's seventh positional parameter is dropout, not bidirectional (input_size, hidden_size, "
                    "num_layers, nonlinearity, bias, batch_first, dropout, bidirectional)",
                    "pass the settings by keyword: bidirectional=bidirectional")
    if "Boolean value of Tensor with more than one value is ambiguous" in text and re.search(r"Loss\(\s*\w", line):
        return Hint("the tensors were passed to the loss's constructor (nn.MSELoss(predictions, y) sets its "
                    "options): a loss module is created first, then called",
                    "nn.MSELoss()(predictions, y), or nn.functional.mse_loss(predictions, y)")
    if "expected m1 and m2 to have the same dtype" in text:
        return Hint("two tensors of different dtypes were multiplied: a tensor you created (the zeros h0, say) "
                    "did not take x's dtype",
                    "x.new_zeros(...) or torch.zeros(..., dtype=x.dtype)")
    if "'method' object is not iterable" in text and "parameters" in line:
        return Hint("net.parameters is a method: the optimizer needs what it returns", "net.parameters()")
    if re.search(r"Invalid shape \(\d+,\) for image data", text):
        return Hint("imshow was given a vector: the bias vectors are 1-D, only the weight_* matrices are "
                    "drawn as heat maps", 'keep the parameters whose name starts with "weight_"')
    return None


def with_exception_hint(text, level="full"):
    """A learner's error text followed by the hint naming its classic cause, when there is one
    (``level``: "full" shows the fix too, "concept" the mistake only, "none" nothing)."""
    hint = exception_hint(text)
    if hint is None or level == "none":
        return text
    return f"{text}\nHint:     {mistake_of(hint) if level == 'concept' else hint}"
