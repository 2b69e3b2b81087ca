"""Exercise modules from Jupyter notebooks: the one converter every path uses.

A learner's notebook holds an exercise module cut into code cells, each starting
with a tag line such as ``# %% ex02_forward_pass.py, part 2 of 6 (keep this
line...)``. The module is those parts put back in order; untagged cells are
scratch work and are never graded. The same rules serve:

* the notebook's own grading cell (``exports/inline.py``: the cells are the
  kernel's input history, the latest run of each part counts);
* ``rnn-grade check`` and ``rnn-grade batch`` (the cells of a saved ``.ipynb``);
* the Gradescope autograder (``exports/gradescope_run.py``).

When a part is missing the learner is told which cell lost its tag line and
the exact line to restore; names the graded code uses but that only scratch
cells define are named with the cell they came from. Nothing here imports or
runs learner code: it reads text (``json``, ``ast``).
"""
import ast
import builtins
import json
import re
from pathlib import Path

from .exercises import MODULES
from .paths import EXERCISES, SOLUTIONS

TAG = re.compile(r"^# %% (?P<module>ex\d\d_\w+)\.py, part (?P<part>\d+) of (?P<count>\d+)\b")
# A first line that names a module's part but is not the exact tag: an edited tag line.
LOOSE_TAG = re.compile(r"^\W*(?P<module>ex\d\d_\w+?)(\.py)?\W.*?part\D{0,3}(?P<part>\d+)", re.IGNORECASE)
NOTEBOOK_FILES = {f"{module}.ipynb": module for module in MODULES}
# No exercise has nearly this many parts: a tag claiming more was edited (and must not cost time).
MAX_PARTS = 100
MAX_TOLD = 5   # missing parts explained one by one
MAX_CELLS = 5000  # cells of one notebook (each may be parsed to explain what is missing)
# Learner-made input is bounded before the grader spends time on it: a notebook's bytes, how deep its
# JSON nests (json's RecursionError, 40,000 levels say, is this learner's note, never a grader error
# that stops the batch), and the names explained one by one.
MAX_NOTEBOOK_BYTES = 32 * 1024 ** 2
MAX_NAME_NOTES = 10     # names taken from scratch cells, told one by one
# When one exercise comes both as a .py file and in a notebook, the .py file is graded.
PRECEDENCE_RULE = "when both are handed in, the .py file is graded"


class NotebookCodeMissing(Exception):
    """Some tagged cells of the exercise are missing (not in the notebook, or not run in this kernel)."""


class NotebookUnreadable(ValueError):
    """The file is not a notebook this kit can read (bad JSON, not nbformat 4)."""


def cell_tag(module, part, count):
    """The first line of a code cell that holds part ``part`` of ``count`` of ``module``."""
    return f"# %% {module}.py, part {part} of {count} (keep this line: the checks find your code by it)"


def code_cells(data):
    """The sources of a notebook's code cells, in order, from the file's bytes or text."""
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise NotebookUnreadable(f"it is larger than {MAX_NOTEBOOK_BYTES // 2 ** 20} MiB (a notebook of this "
                                 f"course is far smaller: clear its outputs and hand it in again)")
    try:
        document = json.loads(data)
    except RecursionError:  # json's own bound on nesting (a notebook nests 4 or 5 levels)
        raise NotebookUnreadable("its JSON nests far deeper than a notebook does (thousands of levels): it "
                                 "is not a notebook saved by Jupyter") from None
    except (ValueError, UnicodeDecodeError, MemoryError) as error:
        raise NotebookUnreadable(f"it is not valid notebook JSON ({error})") from None
    cells = document.get("cells") if isinstance(document, dict) else None
    if not isinstance(cells, list):
        raise NotebookUnreadable("it has no list of cells (not a Jupyter notebook of format 4)")
    if len(cells) > MAX_CELLS:
        raise NotebookUnreadable(f"it holds {len(cells)} cells, more than the {MAX_CELLS} a notebook may have here")
    sources = []
    for cell in cells:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            source = "".join(s for s in source if isinstance(s, str)) if isinstance(source, list) else source
            sources.append(source if isinstance(source, str) else "")
    return sources


def tag_of(source):
    """The tag match of a cell's source, or None."""
    return TAG.match(source.lstrip("\n")) if isinstance(source, str) else None


def tagged_modules(sources):
    """The exercise modules that tagged cells of ``sources`` belong to, in order of first appearance."""
    found = []
    for source in sources:
        match = tag_of(source)
        if match and match["module"] not in found:
            found.append(match["module"])
    return found


def assemble(module, sources, where="in this notebook", history=False):
    """(module text, first line of each part in it) from the latest copy of each tagged part.

    ``sources`` are cell sources in the order they count (notebook order, or the
    kernel's history ``In``, then ``history`` is true); ``where`` words the message
    when parts are missing.
    """
    parts, count = {}, 0
    for source in sources:
        match = tag_of(source)
        if match and match["module"] == module:
            parts[int(match["part"])] = source
            count = int(match["count"])
    if not parts:
        raise NotebookCodeMissing(f"no cell of {module}.py was found {where}" +
                                  _lost_tag_hint(module, sources, history))
    if count > MAX_PARTS or max(parts) > count:
        raise NotebookCodeMissing(f"the tag lines of {module}.py were edited: one says \"part {max(parts)} of "
                                  f"{count}\"; restore each cell's first line as the notebook had it")
    missing = [n for n in range(1, count + 1) if n not in parts]
    if missing:
        told = [missing_part_message(module, n, count, sources, where, history) for n in missing[:MAX_TOLD]]
        more = f"; and {len(missing) - MAX_TOLD} more parts" if len(missing) > MAX_TOLD else ""
        raise NotebookCodeMissing("; ".join(told) + more)
    texts = [plain_python(parts[n]) for n in range(1, count + 1)]
    starts, line = [], 1
    for text in texts:
        starts.append(line)
        line += text.count("\n") + 2  # the part's lines, then the blank line between parts
    return "\n\n".join(texts) + "\n", starts


def module_source(module, sources):
    """The text of ``module`` from the latest copy of each of its tagged cells in ``sources``."""
    return assemble(module, sources)[0]


def plain_python(source):
    """A cell as module text: IPython magics (%timeit, !ls, get_ipython()) cannot run in a module."""
    lines = []
    for line in source.strip("\n").split("\n"):
        stripped = line.lstrip()
        if stripped.startswith("get_ipython()") or stripped.startswith(("%", "!")):
            line = line[:len(line) - len(stripped)] + "pass  # notebook magic left out: " + stripped
        lines.append(line)
    return "\n".join(lines)


# -- telling the learner which cell lost its tag --------------------------------------------------

def expected_definitions(module, folders=(SOLUTIONS, EXERCISES)):
    """The names each part of ``module`` defines (part 1, the imports: None), from the kit's own copy.

    The generated notebooks cut a module at its top-level functions and classes, so part
    ``n + 1`` holds the ``n``-th definition. None when the kit holds no copy (an export).
    """
    for folder in folders:
        try:
            tree = ast.parse((Path(folder) / f"{module}.py").read_text(encoding="utf-8"))
        except (OSError, SyntaxError, ValueError):
            continue
        names = [node.name for node in tree.body
                 if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
        return [None] + names
    return None


def missing_part_message(module, part, count, sources, where="in this notebook", history=False):
    """Why part ``part`` of ``module`` is missing, naming the cell and the line to restore."""
    tag = cell_tag(module, part, count)
    expected = expected_definitions(module)
    name = expected[part - 1] if expected and len(expected) == count else None
    rerun = " and run the cell again" if history else ""
    for index, source in enumerate(sources):
        if tag_of(source) or not isinstance(source, str) or not source.strip():
            continue
        first = source.lstrip("\n").split("\n", 1)[0]
        loose = LOOSE_TAG.match(first)
        if loose and loose["module"] == module and int(loose["part"]) == part:
            return (f"part {part} of {module}.py: the first line of {_cell_name(index, source, history)} was "
                    f"edited to `{first.strip()}`; it must be exactly `{tag}`: restore it{rerun}")
        if name and name in top_level_definitions(source):
            return (f"part {part} of {module}.py: {_cell_name(index, source, history)} defines `{name}` but lost "
                    f"its first line `{tag}`; restore that line as the cell's first line{rerun}")
    holds = f" (the cell that defines `{name}`)" if name else ""
    return (f"part {part} of {module}.py was not found {where}: the first line of its cell{holds} must be "
            f"`{tag}`; if you deleted or changed it, restore it (and run the cell)")


def _lost_tag_hint(module, sources, history=False):
    expected = expected_definitions(module) or []
    names = [n for n in expected if n]
    for index, source in enumerate(sources):
        if isinstance(source, str) and not tag_of(source) and set(names) & top_level_definitions(source):
            return (f"; {_cell_name(index, source, history)} defines {module}'s code but has no tag line: every "
                    f"cell of the exercise must start with its line `# %% {module}.py, part N of M ...`: restore them")
    return ": every cell of the exercise starts with a line `# %% " + module + ".py, part N of M ...`; keep it"


def _cell_name(index, source, history=False):
    """How a learner finds the cell: its first code line, and its number (or In [n] in a kernel's history)."""
    first = next((line.strip() for line in source.split("\n") if line.strip() and not line.strip().startswith("#")),
                 source.strip().split("\n", 1)[0])
    return f"the code cell starting `{first[:60]}` ({f'In [{index}]' if history else f'code cell {index + 1}'})"


def top_level_definitions(source):
    """Names a cell binds at its top level (defs, classes, imports, assignments); empty if it does not parse."""
    try:
        tree = ast.parse(plain_python(source))
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # learner text: anything may fail to parse
        return set()
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names if a.name != "*")
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.For, ast.With)):
            targets = node.targets if isinstance(node, ast.Assign) else \
                [node.target] if not isinstance(node, ast.With) else [i.optional_vars for i in node.items if
                                                                       i.optional_vars is not None]
            for target in targets:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return names


# -- names the graded code takes from scratch cells ----------------------------------------------

def free_names(text):
    """Names ``text`` reads that it never binds anywhere and that are not builtins (conservative)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()
    bound, read = set(dir(builtins)) | {"__file__", "__name__", "__doc__"}, set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            if any(a.name == "*" for a in node.names):
                return set()  # a star import may bind anything
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            bound.update(node.names)
        elif hasattr(ast, "MatchAs") and isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            bound.add(node.name)
    return read - bound


def scratch_name_notes(module, text, sources, history=False):
    """A sentence per name the graded ``module`` uses that only an untagged (scratch) cell defines."""
    notes, wanted = [], free_names(text)
    if not wanted:
        return notes
    # The first scratch cell that defines each name, in one pass: a name-by-cell search cost the grader
    # minutes for a notebook of 200,000 free names and 4,900 scratch cells.
    first_definer = {}
    for index, source in enumerate(sources):
        if isinstance(source, str) and not tag_of(source):
            for name in top_level_definitions(source) & wanted:
                first_definer.setdefault(name, index)
    told = sorted(name for name in wanted if name in first_definer)
    for name in told[:MAX_NAME_NOTES]:
        index = first_definer[name]
        cell = _cell_name(index, sources[index], history)
        notes.append(f"{module}: the graded code uses `{name}`, which only {cell} "
                     f"defines; that cell has no tag line, so it is not part of {module}.py and the "
                     f"grader does not see `{name}` (NameError): move `{name}` into one of the "
                     f"exercise's tagged cells")
    if len(told) > MAX_NAME_NOTES:
        notes.append(f"{module}: {len(told) - MAX_NAME_NOTES} more names the graded code uses are defined only "
                     f"in scratch cells")
    return notes


# -- a submission's notebooks as modules -------------------------------------------------------

def notebook_modules(notebooks, handed_in_py=(), wanted=MODULES):
    """Exercise modules made from notebooks, with notes for the learner.

    ``notebooks``: ``[(shown name, bytes)]``, in order of preference (a notebook named after
    the exercise first, then the shallowest); ``handed_in_py``: modules that came as .py
    files (they win). Returns ``({module: text}, notes)``.
    """
    made, notes, seen = {}, [], {}
    for shown, data in notebooks:
        file_name = shown.replace("\\", "/").rsplit("/", 1)[-1]
        named_for = NOTEBOOK_FILES.get(file_name)
        try:
            sources = code_cells(data)
        except NotebookUnreadable as problem:
            if named_for:
                notes.append(f"{shown} could not be read as a notebook: {problem}; {named_for} was not graded "
                             f"from it")
            continue
        modules = tagged_modules(sources)
        if named_for and named_for not in modules:
            modules.append(named_for)  # so that its missing cells are explained
        for module in modules:
            if module not in wanted:
                continue
            if module in handed_in_py:
                notes.append(f"graded {module}.py; {shown} ignored ({PRECEDENCE_RULE})")
                continue
            if module in made:
                notes.append(f"{module} is in {seen[module]} and in {shown}; graded {seen[module]}")
                continue
            try:
                text, _ = assemble(module, sources, where=f"in {shown}")
            except NotebookCodeMissing as missing:
                notes.append(f"{module} was not graded from {shown}: {missing}")
                continue
            made[module], seen[module] = text, shown
            notes.append(f"{module}: graded the tagged code cells of {shown}")
            notes.extend(scratch_name_notes(module, text, sources))
    return made, notes


def folder_modules(folder, wanted=MODULES):
    """``({module: text}, notes)`` for the notebooks directly in ``folder`` (``rnn-grade check``)."""
    folder = Path(folder)
    handed_in = {m for m in wanted if (folder / f"{m}.py").is_file()}
    paths = sorted(folder.glob("*.ipynb"), key=lambda p: (p.name not in NOTEBOOK_FILES, p.name))
    notebooks = []
    for path in paths:
        try:
            notebooks.append((path.name, path.read_bytes()))
        except OSError as error:
            notebooks.append((path.name, f"unreadable: {error}".encode()))
    return notebook_modules(notebooks, handed_in, wanted)


# -- in a learner's own kernel: import another exercise from its notebook -------------------------

class _NotebookFinder:
    """Finds ``exNN_name`` as ``exNN_name.ipynb`` on the import path when no ``.py`` file is there.

    Installed last on ``sys.meta_path``, so a ``.py`` file always wins (as in a batch). For the
    learner's own kernel only: the grader never imports learner code this way.
    """

    def find_spec(self, fullname, path=None, target=None):
        import importlib.util
        import sys

        if path is not None or fullname not in MODULES:
            return None
        for entry in sys.path:
            folder = Path(entry or ".")
            if (folder / f"{fullname}.py").is_file():
                return None
            notebook = folder / f"{fullname}.ipynb"
            if notebook.is_file():
                return importlib.util.spec_from_loader(fullname, _NotebookLoader(notebook), origin=str(notebook))
        return None


class _NotebookLoader:
    def __init__(self, notebook):
        self.notebook = notebook

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        text = module_source(module.__name__, code_cells(self.notebook.read_bytes()))
        module.__file__ = str(self.notebook)
        exec(compile(text, str(self.notebook), "exec"), module.__dict__)


def install_notebook_imports():
    """Let ``from ex03_rnnnet import RNNnet`` load ``ex03_rnnnet.ipynb`` in this process (idempotent)."""
    import sys

    if not any(isinstance(finder, _NotebookFinder) for finder in sys.meta_path):
        sys.meta_path.append(_NotebookFinder())
