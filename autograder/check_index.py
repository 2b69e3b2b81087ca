"""The checks as declared: read from ``autograder/checks/public`` and ``.../hidden`` with ``ast``, never
imported, so anything may ask how many checks an exercise has, what they are called and what they are
worth without running pytest or loading torch.

A check's name is made in one place, ``check_name``: the grader's plugin names its results with it
(``runner/plugin.py``), so the names here are the names in every gradebook, feedback file and export.
"""
import ast
from dataclasses import dataclass

from .exercises import MODULES
from .paths import HIDDEN_CHECKS, PUBLIC_CHECKS


def check_name(exercise, hidden, function):
    """``ex02_forward_pass.init_hidden_notebook``, ``ex02_forward_pass.hidden.init_hidden_configs``."""
    return f"{exercise}.{'hidden.' if hidden else ''}{function.removeprefix('test_')}"


@dataclass(frozen=True)
class DeclaredCheck:
    name: str            # check_name(...): what results, gradebooks and exports call it
    exercise: str        # the exercise module its file names (None when the file names none or several)
    hidden: bool
    file: str            # the check file's name
    function: str        # the test function, ``test_...``
    points: object       # the argument of @pytest.mark.points(n), None when it has no such marker
    title: str           # the first line of its docstring


def declared_checks(include_hidden=True, folders=None):
    """Every check, public ones first, in file and then definition order."""
    folders = folders or ([(PUBLIC_CHECKS, False)] + ([(HIDDEN_CHECKS, True)] if include_hidden else []))
    found = []
    for folder, hidden in folders:
        for path in sorted(folder.glob("test_*.py")) if folder.exists() else []:
            tree = ast.parse(path.read_text(encoding="utf-8"))
            named = [module for module in MODULES if module in path.name]
            exercise = named[0] if len(named) == 1 else None
            for node in tree.body:
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test_"):
                    doc = (ast.get_docstring(node) or "").strip()
                    found.append(DeclaredCheck(check_name(exercise or "?", hidden, node.name), exercise, hidden,
                                               path.name, node.name, points_of(node),
                                               doc.splitlines()[0] if doc else ""))
    return found


def points_of(function):
    """The ``n`` of ``@pytest.mark.points(n)`` on a test function's node, None without one."""
    for decorator in function.decorator_list:
        if (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
                and decorator.func.attr == "points" and ast.unparse(decorator.func) == "pytest.mark.points"):
            try:
                return ast.literal_eval(decorator.args[0]) if len(decorator.args) == 1 and not decorator.keywords \
                    else None
            except ValueError:
                return None
    return None


def count(exercise, hidden=None):
    """How many checks ``exercise`` has: public (hidden=False), hidden (True) or both (None)."""
    return sum(1 for check in declared_checks() if check.exercise == exercise
               and (hidden is None or check.hidden == hidden))
