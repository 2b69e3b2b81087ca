"""Text the learner's code produced, made safe to show among the grader's own words.

Exception messages, printed output, type names and file names come from learner
code (or from a worker it may have rewritten). Shown as they are, they could forge
the grader's lines (``Hint:``, ``[ok] ...``, ``Total: 100``) or drive the terminal
with escape sequences. So every such text goes through one of these:

* ``inline(text)``: one line: escape sequences and control characters removed,
  line breaks shown as `` / ``; for short texts inside a grader's sentence.
* ``block(text)``: a clearly marked block: the same cleaning, every line prefixed
  with ``PREFIX``, so no line of it can pass for one of the grader's.
* ``scrub(text)``: escape sequences and control characters (but not line breaks)
  removed; the renderers' last line of defence over every text they print.
* ``name(text)``: a learner's name (a folder or zip they named) as one line of data:
  every control, format (bidi overrides, zero-width) and line or paragraph separator
  shown as ``<U+XXXX>``, so a name can neither start a line of its own (a forged
  ``Total:`` line) nor render as another learner's name.
"""
import re
import unicodedata

PREFIX = "  | "
# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \), and other two-character escapes.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]?|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?|\x9b[0-?]*[ -/]*[@-~]?")
# C0 and C1 controls except tab and line feed, DEL, and the invisible or reordering format characters.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064"
                       "\u2066-\u2069\ufeff]")
_BREAKS = re.compile(r"\r\n|\r|\n|\x0b|\x0c|\x85|\u2028|\u2029")


def scrub(text):
    """``text`` without escape sequences and control characters; line feeds and tabs kept."""
    text = _BREAKS.sub("\n", str(text))
    return _CONTROLS.sub("", _ESCAPES.sub("", text)).replace("\t", "    ")


def inline(text, limit=500):
    """``text`` as one clean line of at most ``limit`` characters."""
    lines = [line.strip() for line in scrub(text).split("\n")]
    line = " / ".join(line for line in lines if line)
    return line if len(line) <= limit else line[:limit] + "..."


def block(text, limit_lines=None):
    """``text`` as a marked block: clean lines, each prefixed with ``PREFIX`` (the last ``limit_lines``)."""
    lines = scrub(text).rstrip("\n").split("\n")
    if limit_lines:
        lines = lines[-limit_lines:]
    return "\n".join(PREFIX + line for line in lines)


def message(text, limit=500):
    """An exception message: inline when it is one line, else a block on the lines that follow."""
    clean = scrub(text).strip("\n")
    if "\n" not in clean:
        return inline(clean, limit)
    return "(a message of several lines, shown as your code wrote it)\n" + block(clean[:limit * 4])


# Categories shown as code points in names: controls (Cc), format characters such as the bidi
# overrides U+202E and zero-width joiners (Cf), line and paragraph separators (Zl, Zp), and
# surrogates and unassigned or private code points (Cs, Cn, Co), which no font draws the same way.
_HIDDEN_IN_NAMES = ("Cc", "Cf", "Zl", "Zp", "Cs", "Cn", "Co")
NAME_LIMIT = 200


def name(text, limit=NAME_LIMIT):
    """A learner's name as one visible line of at most ``limit`` characters (before marks are added).

    Every character that could break the line or change how the rest renders becomes ``<U+XXXX>``:
    the same name always shows the same way, two different names never show alike because of an
    invisible character, and nothing of a name can pass for one of the grader's lines. Used wherever
    a name is written for a person: feedback.txt, the gradebook, learners.csv, the report, progress.
    """
    text = str(text)
    shown = "".join(f"<U+{ord(c):04X}>" if unicodedata.category(c) in _HIDDEN_IN_NAMES else c
                    for c in text[:limit])
    return shown + ("..." if len(text) > limit else "")
