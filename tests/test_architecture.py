"""The kit's layers, read off its imports: no import cycles and no upward imports.

Every module under ``autograder/`` is parsed (never imported) with ``ast``; every ``import`` and
``from ... import`` of the kit, at module level or inside a function, is an edge of the graph. A lazy
import inside a function is still a dependency, so it counts like any other.
"""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "autograder"

# Lowest first. A module may import its own component and anything of a LOWER layer; the components of
# one layer are independent of each other (a "component" is a module or a package, given by its dotted
# name below ``autograder``; "" is the package's own ``__init__``).
LAYERS = [
    # The untrusted side: imported into the fork server and the learner's worker, which must never load
    # the kit, its checks or the solutions (README, "How grading stays trustworthy").
    ("worker", ["worker"]),
    # Facts every layer reads and that read nothing of the kit: names, paths, configurations, the
    # grading exceptions, how learner text is shown, nbgrader's ids of the checks.
    ("foundations", ["", "errors", "paths", "exercises", "configs", "learner_text", "nbgrader_ids"]),
    # Reading what instructors and learners write, without running it: feedback levels, notebooks'
    # tagged cells, exercise generation from solutions/, the method rules' static analysis, the checks
    # as declared (names, points; read with ast).
    ("sources", ["reveal", "notebook_source", "generate", "method_rules", "check_index"]),
    # The intake of hand-ins (autograder/intake/, issue 27): anything a learner hands in becomes one
    # Submission; every front end and the runner may use it.
    ("intake", ["intake"]),
    # How a check talks to a learner: Feedback, hints and the expect_* helpers.
    ("feedback", ["feedback"]),
    # Two independent halves of a check: verdicts judge plain answers against the reference's; the
    # runner gets those answers (workers, sandbox, the pytest plugin, results).
    ("judging", ["verdicts", "runner"]),
    # The checks: pytest tests joining an observer's answers (runner) to a verdict.
    ("checks", ["checks"]),
    # Front ends' engines, independent of each other: grading a class (batch) and building what ships
    # to a platform (exports).
    ("engines", ["batch", "exports"]),
    # A course across assignments and time (autograder/course/: history, policies, similarity), built on
    # the batch's records; the batch itself does not know about it.
    ("course", ["course"]),
    # The subcommands of ``rnn-grade``, each a thin front end over the engines.
    ("commands", ["commands"]),
    # ``rnn-grade`` itself: finds the subcommands.
    ("cli", ["cli"]),
]

# The cycles and upward imports this test was written to end (issue 27), kept as a record; the test
# asserts that none of them is back.
REMOVED = [
    ("batch.dask_pool", "batch.runner"),             # cycle runner <-> dask_pool
    ("exports.bundle", "exports.gradescope"),        # cycle bundle <-> gradescope
    ("checks.conftest", "commands.check"),           # the checks reached up to the CLI
    ("exports.inline", "commands.check"),            # so did the notebooks' runtime
    ("verdicts.ex04", "runner.errors"), ("verdicts.ex05", "runner.errors"),
    ("batch.nbgrader_grades", "exports.nbgrader_course"),
]


def _modules():
    """{dotted name below the package (``""`` for its __init__): (path, is_package)}."""
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        modules[".".join(parts)] = (path, is_package)
    return modules


def _known(name, modules):
    """The kit module ``name`` refers to: itself, else its nearest enclosing package or module."""
    while name not in modules:
        if not name:
            return None
        name = name.rpartition(".")[0]
    return name


def _imports(name, path, is_package, modules):
    found = set()
    for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if name else []
                base = base if is_package else base[:-1]
                base = base[:len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            elif node.module == "autograder" or (node.module or "").startswith("autograder."):
                source = node.module[len("autograder."):] if "." in node.module else ""
            else:
                continue
            # ``from . import x`` names a module when x is one, else something of ``source`` itself.
            targets = [f"{source}.{alias.name}".lstrip(".") if f"{source}.{alias.name}".lstrip(".") in modules
                       else source for alias in node.names]
        else:
            continue
        for target in targets:
            if isinstance(node, ast.Import):
                if target != "autograder" and not target.startswith("autograder."):
                    continue
                target = target[len("autograder."):] if "." in target else ""
            known = _known(target, modules)
            if known is not None and known != name:
                found.add(known)
    return found


@pytest.fixture(scope="module")
def graph():
    modules = _modules()
    return {name: _imports(name, path, is_package, modules) for name, (path, is_package) in modules.items()}


def _component(name):
    """(layer index, component) of a module: the longest component that is the module or holds it."""
    best = None
    for index, (_, components) in enumerate(LAYERS):
        for component in components:
            if name == component or (component and name.startswith(component + ".")) or \
                    (not component and not name):
                if best is None or len(component) > len(best[1]):
                    best = (index, component)
    return best


def _cycles(graph):
    """Strongly connected components of more than one module (Tarjan's algorithm, iteratively)."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                members = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.append(member)
                    if member == node:
                        break
                if len(members) > 1:
                    found.append(sorted(members))
    return found


def test_the_graph_sees_imports_at_every_level(graph):
    # Function-level imports count: dask_pool imports the runner's reference inside functions.
    assert "runner.reference" in graph["batch.dask_pool"]
    assert "batch.grading" in graph["batch.dask_pool"]
    assert "commands" in graph["cli"] and "worker.wire" in graph["feedback"]


def test_no_import_cycles(graph):
    assert _cycles(graph) == []


def test_every_module_has_a_layer(graph):
    assert [name for name in graph if _component(name) is None] == []


def test_no_module_imports_upward_or_sideways(graph):
    wrong = []
    for name, targets in sorted(graph.items()):
        layer, component = _component(name)
        for target in sorted(targets):
            other_layer, other = _component(target)
            if other_layer > layer or (other_layer == layer and other != component):
                wrong.append(f"{name} ({LAYERS[layer][0]}) imports {target} ({LAYERS[other_layer][0]})")
    assert wrong == []


def test_the_worker_imports_nothing_of_the_kit_outside_itself(graph):
    outside = {f"{name} -> {target}" for name, targets in graph.items() if name.startswith("worker")
               for target in targets if not target.startswith("worker")}
    assert outside == set()


def test_the_removed_cycles_and_upward_imports_stay_removed(graph):
    assert [edge for edge in REMOVED if edge[1] in graph.get(edge[0], set())] == []
