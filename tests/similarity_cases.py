"""Independent solutions and planted copies for measuring the similarity report (tests and benchmarks).

Independent: the correct styles of the grading tests' banks (``STYLES`` of tests/test_ex0*_grading.py, each
applied to the reference solution as those tests apply it) and the sample class's modules (examples/class).
Planted: a copy of one of them, disguised the way a copier would: every variable and parameter renamed,
the top-level functions and classes in reverse order, comments removed and others written, the code
re-laid out (``ast.unparse``).
"""
import ast
import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from autograder.exercises import MODULES  # noqa: E402
from autograder.paths import SAMPLE_CLASS, SOLUTIONS  # noqa: E402


def _solution(module):
    return (SOLUTIONS / f"{module}.py").read_text(encoding="utf-8")


def style_bank(module):
    """{style id: module text} of the correct styles in ``tests/test_<exNN>_grading.py``."""
    number = module[:4]
    bank = importlib.import_module(f"test_{number}_grading")
    file_name = f"{module}.py"
    styles = {}
    if isinstance(bank.STYLES, dict):  # ex04-ex06: a change that the module's _build applies
        for name, change in bank.STYLES.items():
            built = bank._build(lambda replace=None, **_: replace, change)
            styles[name] = built[file_name]
    else:  # ex01-ex03: [(id, [(old, new)])] applied to the solution
        for name, edits in bank.STYLES:
            text = _solution(module)
            for old, new in edits:
                assert old in text, old
                text = text.replace(old, new)
            styles[name] = text
    return styles


def sample_class(module):
    """{learner: module text} of the sample class (folders only; the zip learner is read by intake)."""
    from autograder.batch.intake import find_submissions

    found = {}
    for submission in find_submissions(SAMPLE_CLASS).submissions:
        data = submission.files.get(f"{module}.py")
        if data is not None:
            found[submission.label] = data.decode("utf-8", "replace")
    return found


class _Renamer(ast.NodeTransformer):
    def __init__(self, names):
        self.names = names

    def visit_Name(self, node):
        node.id = self.names.get(node.id, node.id)
        return node

    def visit_arg(self, node):
        node.arg = self.names.get(node.arg, node.arg)
        return node

    def visit_keyword(self, node):  # a call's keyword names the callee's parameter: kept
        self.generic_visit(node)
        return node


def disguise(text):
    """The copier's version of ``text``: renamed variables, reordered definitions, other comments and layout."""
    tree = ast.parse(text)
    defined = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
    defined |= {node.arg for node in ast.walk(tree) if isinstance(node, ast.arg)} - {"self", "cls"}
    top_level = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    names = {name: f"my_{name[::-1].strip('_')}_{index}" for index, name in enumerate(sorted(defined - top_level))}
    tree = _Renamer(names).visit(tree)
    head = [n for n in tree.body if not isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    defs = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    tree.body = head + defs[::-1]
    lines = []
    for line in ast.unparse(tree).splitlines():
        stripped = line.lstrip()
        if stripped.startswith(("def ", "class ")):
            lines.append(line[:len(line) - len(stripped)] + "# worked this out myself")
        lines.append(line)
    return "\n".join(lines) + "\n"


def planted_class(module):
    """({learner: text}, {(a, b) planted pairs}): the independent solutions plus one disguised copy of each
    that is not the reference solution itself (copying the reference cannot be told from writing it)."""
    reference = ast.dump(ast.parse(_solution(module)))
    sources = {f"style: {name}": text for name, text in style_bank(module).items()}
    sources.update({f"class: {name}": text for name, text in sample_class(module).items()})
    planted = set()
    for name, text in list(sources.items()):
        try:
            same_as_reference = ast.dump(ast.parse(text)) == reference
        except SyntaxError:
            continue  # a module that does not parse is not worth copying
        if not same_as_reference:
            sources[f"copy of {name}"] = disguise(text)
            planted.add(tuple(sorted((name, f"copy of {name}"))))
    return sources, planted


# Pairs of the banks that share code by construction (one author wrote both from the same lines): flagging
# them is right, not a false alarm.
RELATED = {
    ("class: ben", "style: shapes_as_lists_and_torch_size_count_from_shapes"):
        "ex01: both count parameters with sum(math.prod(shape) for shape in shapes.values()) "
        "(sample_class.py's ben and test_ex01_grading.py's style)",
    ("style: a self-test against nn.RNN under __main__", "style: vectorised input projection, torch.flip, F.linear"):
        "ex04: test_ex04_grading.py builds SELF_TEST as VECTORISED + a __main__ block",
}
SUBSTANTIAL = 50  # tokens of a learner's own code (not in the skeleton or the reference) worth copying


def _origin(name):
    return name[len("copy of "):] if name.startswith("copy of ") else name


def related(a, b):
    """Whether two sources are one code by construction: a plant and its original, or a RELATED pair (or copies)."""
    a, b = sorted((_origin(a), _origin(b)))
    return a == b or (a, b) in RELATED


def own_tokens(text, given):
    """How many tokens of ``text`` lie outside every k-gram of the ``given`` code (skeleton, reference)."""
    from autograder.course import similarity

    boring = set()
    for other in given:
        boring.update(h for h, _, _ in similarity.kgram_hashes(similarity.tokens(other)))
    own = set()
    for index, (value, _, _) in enumerate(similarity.kgram_hashes(similarity.tokens(text))):
        if value not in boring:
            own.update(range(index, index + similarity.K))
    return len(own)


def measure(modules=MODULES):
    """{module: figures}: independent sources, planted pairs, those with a substantial original, found ones,
    related-by-construction pairs flagged, and false alarms (flagged pairs neither planted nor related)."""
    from autograder.course.similarity import compare, given_code

    figures = {}
    for module in modules:
        sources, planted = planted_class(module)
        given = given_code(module)
        report = compare(module, sources, given)
        flagged = {tuple(sorted((p.a, p.b))) for p in report.flagged}
        substantial = {pair for pair in planted if own_tokens(sources[_origin(pair[0])], given) >= SUBSTANTIAL}
        figures[module] = {
            "independent": len(sources) - len(planted), "planted": planted, "substantial": substantial,
            "found": flagged & planted, "related": sorted(p for p in flagged - planted if related(*p)),
            "false_alarms": sorted(p for p in flagged - planted if not related(*p)),
            "missed": sorted(planted - flagged)}
    return figures
