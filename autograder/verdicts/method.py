"""The verdict shared by the rules on HOW an exercise is solved (``autograder/method_rules``)."""
from ..feedback import Feedback

SHOWN = 3


def where(violation):
    """``file line N: `code` why`` for one violation (no line or code when the whole file is refused)."""
    place = violation.file + (f" line {violation.line}" if violation.line else "")
    code = f" `{violation.snippet}`" if violation.snippet else ""
    return f"{place}:{code} {violation.why}"


def refuse_method(violations, call, expected, concept, hint=None):
    """Fail the check, naming file, line and rule, when the code broke the exercise's method rules.

    Only rules broken fail it; what the grader could not decide (``undecided``) is not the learner's
    fault: the plugin holds such a check for an instructor's review once its answers are right."""
    violations = [v for v in violations if not getattr(v, "undecided", False)]
    if not violations:
        return
    shown = "; ".join(where(v) for v in violations[:SHOWN])
    if len(violations) > SHOWN:
        shown += f" (and {len(violations) - SHOWN} more)"
    raise Feedback(call, shown, expected, concept, hint or
                   "the grader reads your code (and every module beside it) without running it: what the "
                   "exercise rules out is refused wherever it is reached, even when the numbers are right — "
                   "the rnn called or handed on, nn.RNN/RNNCell and torch's fused RNN functions under any name, "
                   "code changing modules or functions at run time, and the doors to code it cannot read "
                   "(eval/exec, importlib, names built at run time on modules or classes, private names, "
                   "pickle/torch.load, files not saved as UTF-8)")


FROM_ARGUMENTS = ("expected_weight_shapes and count_parameters show that you can predict what nn.RNN registers: "
                  "they are computed from the arguments alone (arithmetic, loops, math), without building a "
                  "layer or using anything of torch.nn")
PACKING = ("run_packed is the packing exercise: pack the sequences (torch.nn.utils.rnn.pack_sequence or "
           "pack_padded_sequence), run the rnn on the PackedSequence and unpack its output with "
           "pad_packed_sequence; padding alone, or one rnn call per sequence, is not what is asked")
