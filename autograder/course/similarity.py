"""Which learners' code in an exercise is more alike than the class's norm (evidence to look at, never a grade).

Per exercise module:

1. Each file becomes a stream of normalised Python tokens (``tokenize``): every name -> ``N``, every
   literal -> ``L``, comments and blank lines dropped, keywords, operators and indentation kept. Renamed
   variables and changed comments leave the stream as it was.
2. Winnowing (Schleimer, Wilkerson, Aiken, SIGMOD 2003): hashes of every k tokens in a row, and the
   smallest hash of each window of w hashes is the file's fingerprint. Fingerprints are a set, so
   reordered functions keep theirs. Hashes are SHA-1 based, so the same files give the same report
   on every run and machine (Python's ``hash`` of a string changes between runs).
3. What is not evidence is removed: every k-gram of the skeleton (``exercises/``: the code every
   learner starts from) and of the reference solution (code that many will write alike), and
   fingerprints more than ``max(4, 10 %)`` of the class share (what most learners converge on).
4. A pair's score is the share of the smaller file's remaining fingerprints that the other holds.
   A pair is flagged when its score is at least ``min_score`` and above the class's norm (the
   median pair score plus four robust standard deviations), and they share at least
   ``min_shared`` fingerprints (short files match by chance). K, WINDOW and min_shared were chosen on
   the planted pairs of ``benchmarks/similarity.py``: a copy of at least ~50 tokens (4 lines) of a
   learner's own code is found; a copy of less, e.g. a one-token classic mistake, is not, and should
   not be: two learners making the same classic mistake is no evidence.

Why not copydetect (the maintained library the issue suggests): it hashes k-grams with Python's
salted ``hash()``, so which fingerprints winnowing keeps, and the scores, change from run to run
unless PYTHONHASHSEED is fixed; it works on characters of pygments-filtered text rather than
Python tokens; and a course tool should give the same report twice.
"""
import hashlib
import io
import keyword
import statistics
import tokenize
from collections import defaultdict
from dataclasses import dataclass, field

K = 12               # tokens per k-gram: about one line of code
WINDOW = 4           # winnowing window: any shared run of K + WINDOW - 1 tokens is caught
_SKIP = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER}


def tokens(source):
    """[(normalised token, line number)] of Python source (text or bytes); unreadable code gives what was read."""
    if isinstance(source, bytes):
        source = source.decode("utf-8", "replace")
    found = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type in _SKIP:
                continue
            if tok.type == tokenize.NAME:
                text = tok.string if keyword.iskeyword(tok.string) else "N"
            elif tok.type in (tokenize.NUMBER, tokenize.STRING) or tok.type == getattr(tokenize, "FSTRING_START", -1):
                text = "L"
            elif tok.type in (getattr(tokenize, "FSTRING_MIDDLE", -1), getattr(tokenize, "FSTRING_END", -1)):
                continue
            elif tok.type == tokenize.NEWLINE:
                text = ";"
            elif tok.type == tokenize.INDENT:
                text = "{"
            elif tok.type == tokenize.DEDENT:
                text = "}"
            else:
                text = tok.string
            found.append((text, tok.start[0]))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return found


def _hash(gram):
    return int.from_bytes(hashlib.sha1(" ".join(gram).encode()).digest()[:8], "big")


def kgram_hashes(toks, k=K):
    """[(hash, first line, last line)] of every k tokens in a row."""
    texts = [t for t, _ in toks]
    return [(_hash(texts[i:i + k]), toks[i][1], toks[i + k - 1][1]) for i in range(len(toks) - k + 1)]


def winnow(hashes, window=WINDOW):
    """{hash: [(first line, last line)]}: the rightmost smallest hash of each window (robust winnowing)."""
    chosen = {}
    if len(hashes) < window:
        picks = range(len(hashes))
    else:
        picks = set()
        for start in range(len(hashes) - window + 1):
            block = hashes[start:start + window]
            low = min(h for h, _, _ in block)
            picks.add(start + max(i for i, (h, _, _) in enumerate(block) if h == low))
    for index in sorted(picks):
        value, first, last = hashes[index]
        chosen.setdefault(value, []).append((first, last))
    return chosen


@dataclass
class Pair:
    exercise: str
    a: str
    b: str
    score: float
    shared: int
    lines_a: set = field(default_factory=set)
    lines_b: set = field(default_factory=set)


@dataclass
class ExerciseReport:
    exercise: str
    learners: int
    norm: float          # median pair score
    threshold: float
    flagged: list        # Pairs, best first
    excluded: int        # fingerprints left out as skeleton, reference or common


def compare(exercise, sources, given=(), min_score=0.5, min_shared=6, common_share=0.10):
    """An ExerciseReport for ``sources`` ({learner: code}) with ``given`` code (skeleton, reference) excluded."""
    boring = set()
    for text in given:
        boring.update(h for h, _, _ in kgram_hashes(tokens(text)))
    prints = {learner: winnow(kgram_hashes(tokens(code))) for learner, code in sources.items()}
    holders = defaultdict(set)
    for learner, table in prints.items():
        for value in table:
            holders[value].add(learner)
    common = {v for v, who in holders.items() if len(who) > max(4, common_share * len(prints))}
    excluded = boring | common
    kept = {learner: {v: spans for v, spans in table.items() if v not in excluded} for learner, table in prints.items()}
    shared = defaultdict(int)
    for value, who in holders.items():
        if value in excluded or len(who) < 2:
            continue
        who = sorted(who)
        for i, a in enumerate(who):
            for b in who[i + 1:]:
                shared[(a, b)] += 1
    scores = {}
    for (a, b), count in shared.items():
        smaller = min(len(kept[a]), len(kept[b]))
        scores[(a, b)] = count / smaller if smaller else 0.0
    total_pairs = len(prints) * (len(prints) - 1) // 2
    values = sorted(scores.values()) + [0.0] * (total_pairs - len(scores))
    norm = statistics.median(values) if values else 0.0
    spread = 1.4826 * statistics.median([abs(v - norm) for v in values]) if values else 0.0
    threshold = max(min_score, norm + 4 * spread)
    flagged = []
    for (a, b), score in scores.items():
        if score >= threshold and shared[(a, b)] >= min_shared:
            common_values = set(kept[a]) & set(kept[b])
            flagged.append(Pair(exercise, a, b, round(score, 3), shared[(a, b)],
                                _lines(kept[a], common_values), _lines(kept[b], common_values)))
    flagged.sort(key=lambda p: (-p.score, -p.shared, p.a, p.b))
    return ExerciseReport(exercise, len(prints), round(norm, 3), round(threshold, 3), flagged, len(excluded))


def _lines(table, values):
    lines = set()
    for value in values:
        for first, last in table[value]:
            lines.update(range(first, last + 1))
    return lines


def given_code(module):
    """The skeleton's and the reference solution's text of an exercise module (what no learner should be
    flagged for)."""
    from ..paths import EXERCISES, SOLUTIONS

    texts = []
    for folder in (EXERCISES, SOLUTIONS):
        path = folder / f"{module}.py"
        if path.is_file():
            texts.append(path.read_text(encoding="utf-8"))
    return texts


def class_report(learners, exercises=None, **options):
    """[ExerciseReport] for ``learners`` ({learner: {file name: bytes}}), one per exercise handed in."""
    from ..exercises import MODULES

    reports = []
    for module in exercises or MODULES:
        sources = {who: files[f"{module}.py"] for who, files in learners.items() if f"{module}.py" in files}
        if len(sources) >= 2:
            reports.append(compare(module, sources, given_code(module), **options))
    return reports
