"""Read a learner's source text (never run it) for calls an exercise forbids.

Runs in the trusted grader: the text is parsed with ``ast`` and only looked
at. It complements the worker's run-time watch of torch's RNN entry points
(``observers/ex04.py``): code that restores or bypasses those wrappers (a
reference to ``torch._VF.rnn_tanh`` saved at import time, say) still names
the function somewhere in its source.
"""
import ast

# Attributes and names whose mere use means "PyTorch computed the recurrence".
FUSED_NAMES = {"_VF": "torch's private _VF functions", "rnn_tanh": "the fused rnn_tanh function",
               "rnn_relu": "the fused rnn_relu function", "rnn_tanh_cell": "the fused rnn_tanh_cell function",
               "rnn_relu_cell": "the fused rnn_relu_cell function", "RNNCell": "nn.RNNCell",
               "_rnn_impls": "torch's internal table of RNN implementations",
               "_call_impl": "Module._call_impl (calling the module)"}
PACKING = {"pack_padded_sequence", "pack_sequence", "PackedSequence"}
CALL_WORDS = {"forward", "__call__", "_call_impl"}
# Functions that turn a string into an attribute or module: getattr(torch, "rnn_tanh") and the like.
LOOKUPS = {"getattr", "attrgetter", "__getattribute__", "getattr_static", "import_module", "__import__",
           "eval", "exec"}


def _forbidden_text(text):
    return text in CALL_WORDS or text == "RNNCell" or any(name in text for name in FUSED_NAMES)


def _snippet(source, node):
    text = ast.get_source_segment(source, node) or ""
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."


def _rnn_parameter(tree, function="manual_rnn"):
    """The name the learner gave manual_rnn's first parameter (``rnn`` in the skeleton)."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == function:
            if node.args.args:
                return node.args.args[0].arg
    return "rnn"


DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
ENTRY_POINTS = ("manual_rnn", "rnn_cell")


def _is_main_guard(statement):
    """``if __name__ == "__main__":`` — a learner's own demo or test, never run by the grader."""
    test = getattr(statement, "test", None)
    return isinstance(statement, ast.If) and isinstance(test, ast.Compare) and \
        isinstance(test.left, ast.Name) and test.left.id == "__name__"


def _reachable_definitions(tree):
    """The module-level functions and classes that manual_rnn and rnn_cell use, directly or not."""
    definitions = {node.name: node for node in tree.body if isinstance(node, DEFINITIONS)}
    reachable, pending = {}, [name for name in ENTRY_POINTS if name in definitions]
    while pending:
        name = pending.pop()
        if name in reachable:
            continue
        reachable[name] = definitions[name]
        pending.extend(node.id for node in ast.walk(definitions[name])
                       if isinstance(node, ast.Name) and node.id in definitions)
    return list(reachable.values())


def manual_rnn_shortcuts(source):
    """``[(line, what, why)]`` for every place ``source`` lets PyTorch run the RNN for it.

    Scanned: manual_rnn, rnn_cell and every module-level function or class they
    use (every rule), and the module's other top-level statements (only
    references to torch's private RNN functions, the way to capture them before
    the grader watches). A learner's demo under ``if __name__ == "__main__":``
    or in a function manual_rnn never uses may compare with ``rnn(x)`` freely.
    Returns [] when nothing is found or the text does not parse (the import
    then fails anyway and that is reported on its own).
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    rnn_name = _rnn_parameter(tree)
    defined = {n.name for n in ast.walk(tree) if isinstance(n, DEFINITIONS)}
    top_level = [s for s in tree.body if not isinstance(s, DEFINITIONS) and not _is_main_guard(s)]
    found = []

    def flag(node, why):
        found.append((getattr(node, "lineno", 0), _snippet(source, node), why))

    def scan(node, calls_too):
        if isinstance(node, ast.Attribute) and node.attr in FUSED_NAMES:
            flag(node, f"uses {FUSED_NAMES[node.attr]}")
        elif isinstance(node, ast.Name) and node.id in FUSED_NAMES and node.id not in defined:
            flag(node, f"uses {FUSED_NAMES[node.id]}")
        elif isinstance(node, ast.Import):
            if any("_VF" in alias.name.split(".") for alias in node.names):
                flag(node, "imports torch's private _VF functions")
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if "_VF" in module.split("."):
                flag(node, "imports torch's private _VF functions")
            for alias in node.names:
                if alias.name in FUSED_NAMES:
                    flag(node, f"imports {FUSED_NAMES[alias.name]}")
        elif isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
            if calls_too:  # inside the code manual_rnn runs: calls that hand the work to PyTorch
                if isinstance(func, ast.Name) and func.id == rnn_name and rnn_name not in defined:
                    flag(node, "calls the rnn itself, which runs PyTorch's own implementation")
                elif isinstance(func, ast.Attribute) and func.attr in CALL_WORDS:
                    flag(node, "calls a module's forward, which runs PyTorch's own implementation")
                elif called == "RNN" and called not in defined:
                    flag(node, "builds an nn.RNN, whose forward is PyTorch's own implementation")
                elif called in PACKING and called not in defined:
                    flag(node, "packs the input for PyTorch's own RNN (torch.nn.utils.rnn)")
            if called in LOOKUPS:
                for arg in list(node.args) + [k.value for k in node.keywords]:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and _forbidden_text(arg.value):
                        flag(node, f"looks up {arg.value!r} by name")

    for definition in _reachable_definitions(tree):
        for node in ast.walk(definition):
            scan(node, calls_too=True)
    for statement in top_level:
        for node in ast.walk(statement):
            scan(node, calls_too=False)
    found.sort()
    return found
