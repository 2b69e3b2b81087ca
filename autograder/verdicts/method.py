"""The verdict shared by the rules on HOW an exercise is solved (``autograder/method_rules``)."""
from ..feedback import Feedback

SHOWN = 3


def where(violation):
    """``file line N: `code` why`` for one violation (no line or code when the whole file is refused)."""
    place = violation.file + (f" line {violation.line}" if violation.line else "")
    code = f" `{violation.snippet}`" if violation.snippet else ""
    return f"{place}:{code} {violation.why}"


def refuse_method(violations, call, expected, concept, hint=None):
    """Fail the check, naming file, line and rule, when the code broke the exercise's method rules."""
    if not violations:
        return
    shown = "; ".join(where(v) for v in violations[:SHOWN])
    if len(violations) > SHOWN:
        shown += f" (and {len(violations) - SHOWN} more)"
    raise Feedback(call, shown, expected, concept, hint or
                   "the grader reads your code without running it and follows every name it uses; what it "
                   "cannot follow (names built at run time, getattr with a computed name on anything but "
                   "the rnn, exec/eval, importlib, private torch modules, files not saved as UTF-8) is "
                   "refused, even when the numbers are right")


FROM_ARGUMENTS = ("expected_weight_shapes and count_parameters show that you can predict what nn.RNN registers: "
                  "they are computed from the arguments alone (arithmetic, loops, math), without building a "
                  "layer or using anything of torch.nn")
PACKING = ("run_packed is the packing exercise: pack the sequences (torch.nn.utils.rnn.pack_sequence or "
           "pack_padded_sequence), run the rnn on the PackedSequence and unpack its output with "
           "pad_packed_sequence; padding alone, or one rnn call per sequence, is not what is asked")
