"""The analysis: follow every name a rule-bound function can reach and judge what it denotes.

Runs in the trusted grader on the snapshot of the submission's text (nothing of it is imported).
Two layers are read:

* the **method layer**: the exercise's entry points (``manual_rnn``...) and everything they reach:
  learner functions and classes called, module globals read (with every top-level statement that binds
  or changes them, and every function that rebinds them with ``global``), sibling modules imported, in
  any file of the submission. Outside names are resolved on the real modules (``allowlist.resolve``):
  RNN machinery, private names and doors are refused, unknown libraries are undecided.
* the **module layer**: every module staged beside the exercises, top level and every function (they
  run in the learner's worker): what could change what the methods run is refused there (writes into
  modules or classes, ``global`` rebinding of functions, doors that load or run code, calls of private
  functions); reads are judged where a method reaches them.

Values are tracked as modules, outside objects, the learner's own definitions, or data. Data may carry
a taint: ``rnn`` (the rnn whose recurrence the learner must write, or a container or attribute that may
hold it: it may only be read through its parameters and settings, never called or handed on) or
``attr`` (something read from the rnn by a computed name: usable as data, never called); callables
carry what calling them gives (``returns``, ``calls``). What the walker cannot decide is a
``Violation`` marked ``undecided``: the check is then held for a person's review, never called wrong.
"""
import ast
import builtins
from dataclasses import dataclass

from . import allowlist

BUILTIN_NAMES = frozenset(dir(builtins))
GETATTR_FAMILY = frozenset({"builtins.getattr", "builtins.setattr", "builtins.delattr"})


COMPUTED_NAME = "<a name built at run time>"
UNKNOWN_NAME = "<a name only known at run time>"


def _name_cannot_be_told(name):
    """True when a computed attribute name has no known part that points at what the rules refuse.

    ``getattr(torch, nonlinearity)`` is how some correct code picks tanh or relu: the grader cannot tell what it
    reaches, so it is held for review. A name whose written parts point at torch's RNN kernels or private
    machinery (``"rnn_" + nonlinearity``, ``"_V" + "F"``, a dunder) is refused as before: those parts say
    where it goes."""
    fragments = [node.value for node in ast.walk(name)
                 if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    for text in fragments + ["".join(fragments)]:   # each written part, and the parts read together
        if allowlist.RNN_MACHINERY.search(text) or allowlist.RNN_MACHINERY.search(text.lower()) or \
                text.startswith("_") or text.endswith("_") or "__" in text:
            return False
    return True


def _folded_string(node):
    """The text of a name written only with string constants (``"rnn_" + "tanh"``, ``f"rnn_{'tanh'}"``), or None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _folded_string(node.left), _folded_string(node.right)
        return left + right if left is not None and right is not None else None
    if isinstance(node, ast.JoinedStr):
        parts = [_folded_string(v.value if isinstance(v, ast.FormattedValue) and not v.format_spec
                                and v.conversion == -1 else v) for v in node.values]
        return "".join(parts) if all(p is not None for p in parts) else None
    return None


def _imported_prefixes(node):
    """Every module an absolute import statement names, with each of its parents (``a``, ``a.b``, ``a.b.c``);
    nothing for another node or a relative import."""
    names = []
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
        names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
    for dotted in names:
        parts = dotted.split(".")
        yield from (".".join(parts[:end]) for end in range(1, len(parts) + 1))


@dataclass(frozen=True)
class Value:
    kind: str            # module | external | def | submodule | data
    name: str = ""       # dotted name (module, external), module name (submodule)
    taint: str = None    # data only: None, "rnn" or "attr"
    node: object = None  # def: (module name, definition node)
    returns: str = None  # data that can be called (a lambda, a nested def): the taint of what it returns
    calls: str = None    # ... and of what calling THAT gives (a closure handed out), deeper levels joined in


DATA = Value("data")
ATTR = Value("data", taint="attr")
RNN = Value("data", taint="rnn")


@dataclass(frozen=True, order=True)
class Violation:
    file: str
    line: int
    snippet: str
    why: str
    undecided: bool = False   # the grader could not tell (needs a person's review), not a rule broken


def _join_taint(*values):
    taints = {v.taint for v in values if v is not None}
    return "rnn" if "rnn" in taints else "attr" if "attr" in taints else None


def is_main_guard(statement):
    test = getattr(statement, "test", None)
    return isinstance(statement, ast.If) and isinstance(test, ast.Compare) and \
        isinstance(test.left, ast.Name) and test.left.id == "__name__"


# The syntax the walker knows, by node type: every other statement or expression (newer Python syntax such
# as 3.12's ``type X = ...``) is not guessed at: it is reported as undecided (issue 27: an allowlist refuses
# what it does not know).
STATEMENTS = frozenset("""FunctionDef AsyncFunctionDef ClassDef Assign AugAssign AnnAssign For AsyncFor While If
    With AsyncWith Try TryStar Return Expr Raise Assert Delete Import ImportFrom Match Pass Break Continue Global
    Nonlocal""".split())
EXPRESSIONS = frozenset("""Name Attribute Call Constant Lambda ListComp SetComp GeneratorExp DictComp List Tuple
    Set Dict IfExp NamedExpr Subscript Starred Yield YieldFrom Await JoinedStr FormattedValue BinOp UnaryOp BoolOp
    Compare Slice""".split())
# Dunder attributes that are plain data (a version, a name): reading them opens nothing.
HARMLESS_DUNDERS = frozenset({"__name__", "__qualname__", "__doc__", "__version__", "__module__", "__file__"})
# Statements that evaluate nothing. Every other statement type is handled by name in Walker.statement;
# one it does not know (newer Python syntax) is not guessed at: the grader says it could not verify it.
NO_OPS = (ast.Pass, ast.Break, ast.Continue, ast.Global, ast.Nonlocal)
SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
# Expressions evaluated from their parts by the generic rule of Walker.expr (the others have their own).
OPERATIONS = (ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.Slice)


def _holder(values):
    """A list, tuple, set or dict of ``values``: holds what they hold, and what calling them gives."""
    return Value("data", taint=_join_taint(*values),
                 returns=_join_taint(*[Value("data", taint=v.returns) for v in values]),
                 calls=_join_taint(*[Value("data", taint=v.calls) for v in values]))


def _parameters(arguments):
    return [a.arg for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs +
            [x for x in (arguments.vararg, arguments.kwarg) if x is not None]]


def _walk_same_scope(node):
    """Nodes of ``node`` that run in its own scope (not inside nested functions, classes or lambdas)."""
    pending = list(ast.iter_child_nodes(node))
    while pending:
        child = pending.pop()
        yield child
        if not isinstance(child, SCOPES):
            pending.extend(ast.iter_child_nodes(child))


def _target_names(target):
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from _target_names(element)
    elif isinstance(target, ast.Starred):
        yield from _target_names(target.value)


class ModuleInfo:
    """A parsed module's top level: which statements bind which global names."""

    def __init__(self, module):
        self.module = module
        self.statements = [s for s in (module.tree.body if module.tree else []) if not is_main_guard(s)]
        self.bindings = {}    # name -> [(top-level statement, node that binds it)]
        self.writers = {}     # name -> [top-level definitions holding `global name`]
        self.mentions = {}    # name -> [top-level statements (not definitions) that mention it]
        self.mentioned = {}   # id(statement) -> names it mentions
        for statement in self.statements:
            if not isinstance(statement, DEFS):
                names = {n.id for n in ast.walk(statement) if isinstance(n, ast.Name)}
                self.mentioned[id(statement)] = names
                for name in names:
                    self.mentions.setdefault(name, []).append(statement)
            nodes = [statement] if isinstance(statement, DEFS) else [statement, *_walk_same_scope(statement)]
            for node in nodes:
                for name in self._bound_by(node):
                    self.bindings.setdefault(name, []).append((statement, node))
            for node in ast.walk(statement):
                if isinstance(node, ast.Global):
                    for name in node.names:
                        self.writers.setdefault(name, []).append(statement)

    @staticmethod
    def _bound_by(node):
        if isinstance(node, DEFS):
            return [node.name]
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            return [(a.asname or a.name.split(".")[0]) for a in node.names if a.name != "*"]
        if isinstance(node, ast.Assign):
            return [n for t in node.targets for n in _target_names(t)]
        if isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            return list(_target_names(node.target))
        if isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            return list(_target_names(node.target))
        if isinstance(node, ast.withitem) and node.optional_vars is not None:
            return list(_target_names(node.optional_vars))
        if isinstance(node, ast.NamedExpr):
            return [node.target.id]
        if isinstance(node, ast.ExceptHandler) and node.name:
            return [node.name]
        return []


class Policy:
    """What one layer adds to the shared allowlist: externals it refuses, and whether an rnn is tainted."""

    def __init__(self, name, refuse=None, tainted_parameter=None):
        self.name = name
        self.refuse = refuse or (lambda dotted: None)
        self.tainted_parameter = tainted_parameter   # index of the entry point's parameter that is the rnn


MODULE_LAYER = Policy("module")


class Analysis:
    """One submission's rule check for one exercise module."""

    def __init__(self, sources, module_name, allowed=frozenset()):
        self.sources = sources
        self.module_name = module_name
        self.allowed = frozenset(allowed)   # dotted names the instructor allows (batch config ``allow``)
        self.infos = {}
        self.violations = {}      # layer name -> set of Violation
        self.called = {}          # layer name -> set of external dotted names called
        self.own_names = set()    # attribute names the submission defines itself
        self._done = {}           # unit key -> return taint
        self._module_layer_done = set()
        self.rnn_fields = set()           # attribute names some code stores the rnn in (self.rnn = rnn)
        self.reached_variables = set()   # (layer, module, name) whose statements were reached
        self.global_values = {}          # (layer, module, name) -> the Value a global holds
        self._discover(module_name)
        for name in sources.module_names():   # every module staged beside it can run in the same worker
            self._discover(name)

    # -- modules -----------------------------------------------------------------------------

    def info(self, name):
        if name not in self.infos:
            module = self.sources.resolve(name)
            self.infos[name] = ModuleInfo(module) if module is not None else None
        return self.infos[name]

    def _discover(self, start):
        """Load every submission module the exercise could import (by its text), and the names they define."""
        pending = [start]
        while pending:
            info = self.info(pending.pop())
            if info is None or info.module.tree is None:
                continue
            for node in ast.walk(info.module.tree):
                if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                    self.own_names.add(node.attr)
                elif isinstance(node, ast.ClassDef):
                    self.own_names.update(n.name for n in node.body if isinstance(n, DEFS))
                    self.own_names.update(t for n in node.body if isinstance(n, (ast.Assign, ast.AnnAssign))
                                          for t in ModuleInfo._bound_by(n))
                for sub in _imported_prefixes(node):
                    if sub not in self.infos and self.sources.resolve(sub) is not None:
                        pending.append(sub)
        # A learner's own attribute names never open Python's internals.
        self.own_names = {n for n in self.own_names if not n.startswith("__")}

    def imports_of(self, name):
        """The submission's modules that ``name``'s code imports (anywhere in it: imports in functions too)."""
        info = self.info(name)
        found = set()
        if info is None or info.module.tree is None:
            return found
        for node in ast.walk(info.module.tree):
            found.update(sub for sub in _imported_prefixes(node) if self.info(sub) is not None)
        return found

    def may_have_run(self, starts):
        """Every submission module that importing ``starts`` can run (their import closure)."""
        seen, pending = set(), [s for s in starts if self.info(s) is not None]
        while pending:
            name = pending.pop()
            if name not in seen:
                seen.add(name)
                pending.extend(self.imports_of(name) - seen)
        return seen

    def flag(self, layer, module, node, why, undecided=False):
        text = ast.get_source_segment(module.text, node) if module.text and hasattr(node, "lineno") else ""
        snippet = " ".join((text or "").split())
        snippet = snippet if len(snippet) <= 60 else snippet[:57] + "..."
        self.violations.setdefault(layer.name, set()).add(
            Violation(module.file, getattr(node, "lineno", 0), snippet, why, undecided))

    def module_problem(self, layer, module):
        self.violations.setdefault(layer.name, set()).add(Violation(module.file, 0, "", module.problem))

    # -- layers ------------------------------------------------------------------------------

    def run_module_layer(self, name):
        """The code of ``name`` that runs in the worker however the checks call it: its top level and every
        function and class in it, read for what could change what the methods run (doors, writes into
        modules, rebinding of functions), without the exercises' method-specific refusals."""
        if name in self._module_layer_done:
            return
        self._module_layer_done.add(name)
        info = self.info(name)
        if info is None:
            return
        if info.module.problem:
            if not info.module.inert:   # a module Python cannot import runs nothing: its own checks say so
                self.module_problem(MODULE_LAYER, info.module)
            return
        for statement in info.statements:
            Walker(self, info, MODULE_LAYER, statement, import_time=True).run()
            for node in [statement] + (statement.body if isinstance(statement, ast.ClassDef) else []):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    self.reach_def(MODULE_LAYER, info, node, {})
        for name, writers in info.writers.items():
            if any(isinstance(b, DEFS) for _, b in info.bindings.get(name, [])):
                for writer in writers:
                    self.flag(MODULE_LAYER, info.module, writer, f"rebinds the function {name} at run time "
                              f"(`global {name}`): what runs is then not the function written")

    def run_entry(self, policy, entry):
        """The method layer from ``entry``, again while it finds new attributes the rnn is kept in (code read
        before ``self.rnn = rnn`` was seen must be read again knowing that ``.rnn`` may be the rnn)."""
        for _ in range(8):
            known = set(self.rnn_fields)
            self._run_entry(policy, entry)
            if self.rnn_fields == known:
                return
            self._done = {k: v for k, v in self._done.items() if k[0] != policy.name}
            self.global_values = {k: v for k, v in self.global_values.items() if k[0] != policy.name}
            self.reached_variables = {k for k in self.reached_variables if k[0] != policy.name}
            self.violations.pop(policy.name, None)
            self.called.pop(policy.name, None)
        self.flag(policy, self.info(self.module_name).module, None, "keeps the rnn in too many attributes for "
                  "the grader to verify", undecided=True)

    def _run_entry(self, policy, entry):
        info = self.info(self.module_name)
        if info is None or info.module.problem:
            return
        for statement, node in info.bindings.get(entry, []):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or statement is not node:
                self.flag(policy, info.module, node, f"binds {entry} to something else than the function "
                                                     f"written (what is graded would not be that function)")
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                taints = {}
                if policy.tainted_parameter is not None:
                    params = node.args.posonlyargs + node.args.args
                    if len(params) > policy.tainted_parameter:
                        taints[params[policy.tainted_parameter].arg] = "rnn"
                self.reach_def(policy, info, node, taints)

    def reach_def(self, policy, info, node, taints):
        key = (policy.name, info.module.name, id(node), tuple(sorted(taints.items())))
        if key in self._done:
            return self._done[key]
        self._done[key] = DATA   # recursion: assume no taint returned until known
        walker = Walker(self, info, policy, node, taints=taints)
        walker.run()
        self._done[key] = Value("data", taint=walker.returned, returns=walker.returned_calls)
        return self._done[key]

    def reach_statement(self, policy, info, statement):
        key = (policy.name, info.module.name, id(statement), ())
        if key in self._done:
            return
        self._done[key] = None
        if isinstance(statement, DEFS):
            self.reach_def(policy, info, statement, {})
        else:
            Walker(self, info, policy, statement, import_time=True).run()


class Walker:
    """Evaluates one unit (a function with its nested scopes, or a top-level statement) abstractly."""

    def __init__(self, analysis, info, policy, unit, taints=None, import_time=False):
        self.analysis, self.info, self.policy, self.unit = analysis, info, policy, unit
        self.module = info.module
        self.import_time = import_time      # a top-level statement: names are globals
        self.taints = dict(taints or {})
        self.binds = {}                     # local name -> set of Values bound to it (this pass)
        self.previous = {}
        self.returned = None                # taint of what the unit returns
        self.returned_calls = None          # taint of what calling what it returns gives (a closure)
        self.isinstance_depth = 0
        self.callee_node = None             # the expression being called right now (getattr may be called)
        self.returns = {}                   # local name -> taint of what calling it returns
        self.calls = {}                     # local name -> taint of what calling what it returns gives
        self.locals, self.declared_global = self._locals()

    # -- bookkeeping ---------------------------------------------------------------------

    def _locals(self):
        if self.import_time:
            return set(), set()
        names, declared = set(self.taints), set()
        for node in ast.walk(self.unit):
            if isinstance(node, ast.Global):
                declared.update(node.names)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                names.add(node.id)
            elif isinstance(node, DEFS) and node is not self.unit:
                names.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update(ModuleInfo._bound_by(node))
            elif isinstance(node, ast.ExceptHandler) and node.name:
                names.add(node.name)
            elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
                names.add(node.name)
            elif isinstance(node, ast.MatchMapping) and node.rest:
                names.add(node.rest)
        return names - declared, declared

    def flag(self, node, why, undecided=False):
        self.analysis.flag(self.policy, self.module, node, why, undecided)

    @property
    def module_layer(self):
        return self.policy is MODULE_LAYER

    def run(self):
        for _ in range(6):   # flow-insensitive: repeat until what names hold stops changing
            before = (dict(self.taints), {k: set(v) for k, v in self.binds.items()})
            self.previous, self.binds = self.binds, {}
            if isinstance(self.unit, DEFS):
                self.definition(self.unit)
            else:
                self.statement(self.unit)
            if (self.taints, self.binds) == before:
                break

    def bind(self, name, value):
        if name not in self.locals:
            return   # a global: a rnn kept there is refused where it is assigned (bind_target)
        self.binds.setdefault(name, set()).add(value)
        if value.kind == "data" and value.taint:
            self.taints[name] = _join_taint(Value("data", taint=self.taints.get(name)), value)
        if value.returns:
            self.returns[name] = _join_taint(Value("data", taint=self.returns.get(name)),
                                             Value("data", taint=value.returns))
        if value.calls:
            self.calls[name] = _join_taint(Value("data", taint=self.calls.get(name)),
                                           Value("data", taint=value.calls))

    def bind_target(self, target, value, node):
        if isinstance(target, ast.Name):
            if value.taint == "rnn" and target.id not in self.locals:
                self.flag(node, "keeps the rnn in a module-level name; the grader could not verify where it "
                                "goes from there", undecided=True)
            self.bind(target.id, value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            element = Value("data", taint=value.taint, returns=value.returns, calls=value.calls) \
                if value.kind == "data" else DATA
            for item in target.elts:
                self.bind_target(item, element, node)
        elif isinstance(target, ast.Starred):
            self.bind_target(target.value, Value("data", taint=value.taint), node)
        elif isinstance(target, ast.Attribute):
            self.store_into(target.value, target, value, f".{target.attr}")
        elif isinstance(target, ast.Subscript):
            self.store_into(target.value, target, value, "[...]")
            self.expr(target.slice)

    def store_into(self, base_node, target, value, what):
        base = self.expr(base_node)
        local = isinstance(base_node, ast.Name) and base_node.id in self.locals
        if base.kind in ("module", "submodule", "refused", "opaque", "private") or \
                (base.kind in ("external", "def") and (isinstance(target, ast.Attribute) or base.kind == "def")):
            if base.kind != "def" or isinstance(base.node[1], ast.ClassDef) or what.startswith(".__"):
                self.flag(target, f"changes {base.name or 'one of your definitions'}{what}: code that changes "
                                  f"modules, classes or functions at run time changes what the methods run")
        elif base.taint == "rnn" and value.taint != "rnn":
            self.flag(target, "changes the rnn it was given")
        elif value.taint == "rnn" and not local and not isinstance(target, ast.Attribute):
            self.flag(target, "keeps the rnn inside a module-level container; the grader could not verify where "
                              "it goes from there", undecided=True)
        elif isinstance(target, ast.Attribute) and target.attr.startswith("__"):
            self.flag(target, f"sets {target.attr}, which opens Python's internals")
        if value.taint == "rnn" and isinstance(target, ast.Attribute) and base.kind == "data" and \
                base.taint != "rnn":
            self.analysis.rnn_fields.add(target.attr)   # self.rnn = rnn: every read of .rnn may be the rnn
        elif value.taint in ("attr", "rnn") and local:
            self.bind(base_node.id, Value("data", taint=value.taint))   # the container now holds it

    # -- statements ------------------------------------------------------------------------

    def body(self, statements):
        for statement in statements:
            self.statement(statement)

    def statement(self, node):
        if isinstance(node, DEFS):
            return self.definition(node)
        if isinstance(node, ast.Assign):
            value = self.expr(node.value)
            for target in node.targets:
                self.bind_target(target, value, node)
        elif isinstance(node, ast.AugAssign):
            value = self.expr(node.value)
            current = self.expr(ast.Name(id=node.target.id, ctx=ast.Load())) if isinstance(node.target, ast.Name) \
                else DATA
            self.bind_target(node.target, Value("data", taint=_join_taint(value, current)), node)
        elif isinstance(node, ast.AnnAssign):
            if node.value is not None:
                self.bind_target(node.target, self.expr(node.value), node)
            elif not isinstance(node.target, ast.Name):
                self.expr(node.target)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            iterated = self.expr(node.iter)
            self.bind_target(node.target, Value("data", taint=iterated.taint if iterated.kind == "data" else None),
                             node)
            self.body(node.body)
            self.body(node.orelse)
        elif isinstance(node, (ast.While, ast.If)):
            self.expr(node.test)
            self.body(node.body)
            self.body(node.orelse)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                value = self.expr(item.context_expr)
                if value.taint == "rnn":
                    self.flag(item.context_expr, "enters the rnn as a context manager")
                if item.optional_vars is not None:
                    self.bind_target(item.optional_vars, Value("data", taint=value.taint), node)
            self.body(node.body)
        elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            self.body(node.body)
            for handler in node.handlers:
                if handler.type is not None:
                    self.expr(handler.type)
                if handler.name:
                    self.bind(handler.name, DATA)
                self.body(handler.body)
            self.body(node.orelse)
            self.body(node.finalbody)
        elif isinstance(node, ast.Return):
            if node.value is not None:
                value = self.expr(node.value)
                self.returned = _join_taint(Value("data", taint=self.returned), value)
                self.returned_calls = _join_taint(Value("data", taint=self.returned_calls),
                                                  Value("data", taint=value.returns),
                                                  Value("data", taint=value.calls))
        elif isinstance(node, ast.Expr):
            self.expr(node.value)
        elif isinstance(node, (ast.Raise,)):
            for part in (node.exc, node.cause):
                if part is not None:
                    self.expr(part)
        elif isinstance(node, ast.Assert):
            self.expr(node.test)
            if node.msg is not None:
                self.expr(node.msg)
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                if isinstance(target, (ast.Attribute, ast.Subscript)):
                    self.store_into(target.value, target, DATA, "")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            self.import_statement(node)
        elif isinstance(node, ast.Match):
            subject = self.expr(node.subject)
            for case in node.cases:
                self.pattern(case.pattern, subject)
                if case.guard is not None:
                    self.expr(case.guard)
                self.body(case.body)
        elif not isinstance(node, NO_OPS):
            self.flag(node, f"uses Python syntax the grader does not know ({type(node).__name__}), so it could "
                            f"not verify what it does", undecided=True)

    def pattern(self, node, subject):
        """A ``case`` pattern: names it captures hold (a part of) the subject."""
        part = Value("data", taint=subject.taint if subject.kind == "data" else None)
        if isinstance(node, ast.MatchAs):
            if node.pattern is not None:
                self.pattern(node.pattern, subject)
            if node.name:
                self.bind_target(ast.Name(id=node.name, ctx=ast.Store()), subject if node.pattern is None
                                 else part, node)
        elif isinstance(node, ast.MatchOr):
            for option in node.patterns:
                self.pattern(option, subject)
        elif isinstance(node, ast.MatchSequence):
            for element in node.patterns:
                self.pattern(element, part)
        elif isinstance(node, ast.MatchStar):
            if node.name:
                self.bind_target(ast.Name(id=node.name, ctx=ast.Store()), part, node)
        elif isinstance(node, ast.MatchMapping):
            for key in node.keys:
                self.expr(key)
            for value in node.patterns:
                self.pattern(value, part)
            if node.rest:
                self.bind_target(ast.Name(id=node.rest, ctx=ast.Store()), part, node)
        elif isinstance(node, ast.MatchClass):
            self.isinstance_depth += 1
            try:
                self.expr(node.cls)
            finally:
                self.isinstance_depth -= 1
            if subject.taint == "rnn" and node.patterns:
                self.flag(node, "matches the rnn by position, which reads attributes the grader cannot name")
            for attr in node.kwd_attrs:
                if subject.taint == "rnn" and not allowlist.rnn_attribute(attr):
                    self.flag(node, f"reads rnn.{attr}: only the rnn's parameters and settings may be read")
            for inner in node.patterns + node.kwd_patterns:
                self.pattern(inner, DATA if subject.taint == "rnn" else part)
        elif isinstance(node, ast.MatchValue):
            self.expr(node.value)
        elif not isinstance(node, ast.MatchSingleton):
            self.flag(node, f"uses a pattern the grader does not know ({type(node).__name__})", undecided=True)

    def definition(self, node):
        """A def or class: what runs when it is defined, and (unless only import time is read) its body."""
        self.definition_header(node)
        if isinstance(node, ast.ClassDef):
            for part in node.bases + [k.value for k in node.keywords]:
                self.expr(part)
            self.body(node.body)     # a class body runs when the class is defined; its methods below
        elif not self.import_time:
            if node is self.unit:
                self.body(node.body)
                return
            # A nested def: what its own returns hold is what calling it gives (not what the unit returns).
            saved, self.returned, self.returned_calls = (self.returned, self.returned_calls), None, None
            try:
                self.body(node.body)
                returns, calls = self.returned, self.returned_calls
            finally:
                self.returned, self.returned_calls = saved
            self.bind(node.name, Value("data", returns=returns, calls=calls, node=node))

    def definition_header(self, node):
        """Decorators, defaults and annotations: evaluated when the definition runs."""
        for decorator in node.decorator_list:
            called = decorator.func if isinstance(decorator, ast.Call) else decorator
            value = self.expr(decorator)
            maker = self.expr(called, quiet=True)
            if maker.kind not in ("external", "module") and not self.module_layer:
                self.flag(decorator, "is replaced by what this decorator returns, which the grader could not "
                                     "verify", undecided=True)
            elif value.taint == "rnn":
                self.flag(decorator, "hands the rnn to a decorator")
        if isinstance(node, ast.ClassDef):
            return
        self.defaults(node.args)
        arguments = node.args
        every = arguments.posonlyargs + arguments.args + arguments.kwonlyargs + \
            [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
        self.isinstance_depth += 1   # an annotation only names a type
        try:
            for annotation in [a.annotation for a in every] + [node.returns]:
                if annotation is not None:
                    self.expr(annotation)
        finally:
            self.isinstance_depth -= 1

    def defaults(self, arguments):
        """Default values: a parameter holds its default when the caller passes nothing (``layer=rnn``)."""
        positional = arguments.posonlyargs + arguments.args
        pairs = list(zip(positional[len(positional) - len(arguments.defaults):], arguments.defaults)) + \
            [(a, d) for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults) if d is not None]
        for parameter, default in pairs:
            value = self.expr(default)
            if parameter.arg in self.locals:
                self.bind(parameter.arg, value if value.kind == "data" else Value("data"))

    def import_statement(self, node):
        if isinstance(node, ast.ImportFrom) and (node.level or any(a.name == "*" for a in node.names)):
            self.flag(node, "imports in a way the rules cannot follow (relative or `*` import)")
            return
        for alias in node.names:
            value = self.imported(node, alias)
            name = alias.asname or alias.name.split(".")[0]
            if value is not None and name in self.locals:
                self.bind(name, value)

    def imported(self, node, alias):
        """The value an import binds (checking that the module may be imported), or None."""
        analysis = self.analysis
        if isinstance(node, ast.Import):
            target = alias.name if alias.asname else alias.name.split(".")[0]
            if analysis.sources.resolve(alias.name.split(".")[0]) is not None:
                return Value("submodule", target) if self.submodule(alias.name, node) else None
            found = self.external(alias.name, node)
            return found if found.kind in ("refused", "opaque") else Value("module", target)
        module = node.module
        if analysis.sources.resolve(module.split(".")[0]) is not None:
            if not self.submodule(module, node):
                return None
            package = analysis.sources.resolve(module)
            if package.is_package and analysis.sources.resolve(f"{module}.{alias.name}") is not None:
                sub = f"{module}.{alias.name}"
                return Value("submodule", sub) if self.submodule(sub, node) else None
            return self.global_value(module, alias.name, node)
        found = self.external(module, node)
        if found.kind in ("refused", "opaque"):
            return Value(found.kind, f"{module}.{alias.name}")
        return self.member(Value("module", module), alias.name, node)

    def submodule(self, name, node):
        """Follow an import of the submission's own module ``name``; False if it cannot be read."""
        analysis = self.analysis
        for end in range(1, len(name.split(".")) + 1):
            part = ".".join(name.split(".")[:end])
            info = analysis.info(part)
            if info is None:
                return False
            if info.module.problem:
                self.flag(node, f"imports {part}, and {info.module.problem}")
                return False
            analysis.run_module_layer(part)
        return True

    # -- names -------------------------------------------------------------------------------

    def name(self, node):
        name = node.id
        if name in self.locals:
            values = self.previous.get(name, set()) | self.binds.get(name, set())
            modules = {v for v in values if v.kind in ("module", "submodule", "private")}
            if modules and len(values) == 1:
                return next(iter(modules))
            if modules:
                self.flag(node, f"`{name}` holds a module only some of the time", undecided=True)
            nodes = {v.node for v in values if v.kind == "data" and v.node is not None}
            return Value("data", taint=self.taints.get(name), returns=self.returns.get(name),
                         calls=self.calls.get(name), node=nodes.pop() if len(nodes) == 1 else None)
        value = self.global_value(self.module.name, name, node)
        if value.kind == "external" and value.name in GETATTR_FAMILY and node is not self.callee_node:
            self.flag(node, f"uses {name} as a value: the rules follow it only when it is called directly")
        return value

    def global_value(self, module_name, name, node):
        info = self.analysis.info(module_name)
        if info is not None and name in info.bindings:
            key = (self.policy.name, module_name, name)
            memo = self.analysis.global_values
            if key not in memo:   # what a global holds, worked out once per layer (DATA while it is)
                memo[key] = DATA
                values = set()
                for statement, binder in info.bindings[name]:
                    values.add(self.global_binding(info, name, statement, binder, node))
                values.discard(None)
                memo[key] = next(iter(values)) if len(values) == 1 else DATA
            value = memo[key]
            if value.kind in ("module", "external") and not self.isinstance_depth:
                found = allowlist.resolve(value.name, self.analysis.allowed)
                reason = self.policy.refuse(value.name) or (found.refused if found.machinery and
                                                             not self.module_layer else None)
                if reason:
                    self.flag(node, reason)
            return value
        if info is not None and module_name != self.module.name:
            if self.analysis.sources.resolve(f"{module_name}.{name}") is not None:
                return Value("submodule", f"{module_name}.{name}")
            return DATA
        if name in allowlist.BUILTINS:
            return Value("external", f"builtins.{name}")
        if name == "__name__":
            return DATA
        if name in BUILTIN_NAMES or name.startswith("__"):
            self.flag(node, f"uses {name}, which opens Python's internals (where code the grader cannot read "
                            f"could be reached)" if name in allowlist.DOOR_BUILTINS or name.startswith("__") else
                      f"uses the builtin {name}, which gives access to classes and Python's internals")
        return DATA

    def global_binding(self, info, name, statement, binder, node):
        analysis, policy = self.analysis, self.policy
        if isinstance(binder, (ast.Import, ast.ImportFrom)):
            if isinstance(binder, ast.ImportFrom) and (binder.level or binder.module is None):
                return None
            alias = next(a for a in binder.names if (a.asname or a.name.split(".")[0]) == name)
            sub = Walker(analysis, info, policy, statement, import_time=True)
            sub.isinstance_depth = 1   # the exercise's own refusals apply where the name is used
            return sub.imported(binder, alias)
        if isinstance(binder, DEFS):
            analysis.reach_def(policy, info, binder, {})
            if statement is not binder:
                analysis.reach_statement(policy, info, statement)
            for writer in info.writers.get(name, []):
                analysis.reach_statement(policy, info, writer)
            return Value("def", node=(info.module.name, binder))
        # A variable: every statement that binds or mentions it runs before (or while) the methods read it.
        self.reach_variable(info, name)
        if isinstance(binder, ast.Assign) and len(binder.targets) == 1 and isinstance(binder.targets[0], ast.Name):
            value = Walker(analysis, info, policy, statement, import_time=True).expr(binder.value, quiet=True)
            if value.kind in ("module", "external", "submodule", "private"):
                return value
        return DATA

    def reach_variable(self, info, name):
        """Every top-level statement that mentions ``name`` (and, transitively, the variables those mention)
        runs before or while the methods read it. A worklist, each (layer, module, name) once per analysis:
        a module of thousands of globals costs one pass over them, not one per use."""
        done = self.analysis.reached_variables
        pending = [name]
        while pending:
            current = pending.pop()
            key = (self.policy.name, info.module.name, current)
            if key in done:
                continue
            done.add(key)
            for statement in info.mentions.get(current, []):
                self.analysis.reach_statement(self.policy, info, statement)
                for other in info.mentioned[id(statement)]:
                    bound = info.bindings.get(other, [])
                    if bound and all(not isinstance(b, (DEFS, ast.Import, ast.ImportFrom)) for _, b in bound):
                        pending.append(other)
            for writer in info.writers.get(current, []):
                self.analysis.reach_statement(self.policy, info, writer)

    # -- expressions -------------------------------------------------------------------------

    def external(self, dotted, node):
        """The value of the outside name ``dotted`` (torch.nn.functional.linear ...), judged by what it denotes."""
        reason = self.policy.refuse(dotted) if not self.isinstance_depth else None
        if reason:   # the exercise's own words first (ex01: no torch.nn at all)
            self.flag(node, reason)
            return Value("refused", dotted)
        found = allowlist.resolve(dotted, self.analysis.allowed)
        if found.refused:
            if found.machinery:
                if not self.module_layer and not self.isinstance_depth:
                    self.flag(node, found.refused)
            elif self.module_layer and not found.runs_code:
                # Off the methods' path a read of a private name changes nothing; calling one may (a kernel
                # registered over torch.tanh): judged where it is called.
                return Value("private", dotted)
            else:
                self.flag(node, found.refused)
                return Value("refused", dotted)
        elif found.unknown:
            if not self.module_layer and not self.isinstance_depth:
                self.flag(node, f"{found.unknown}, so it could not verify what it does", undecided=True)
            return Value("opaque", dotted)
        return Value("module" if found.kind == "module" else "external", dotted)

    def member(self, base, attr, node):
        return self.external(f"{base.name}.{attr}", node)

    def attribute(self, node):
        attr = node.attr
        if attr in HARMLESS_DUNDERS:
            self.expr(node.value)
            return DATA
        if attr.startswith("__") and attr.endswith("__"):
            if attr == "__init__" and isinstance(node.value, ast.Call) and \
                    isinstance(node.value.func, ast.Name) and node.value.func.id == "super":
                self.expr(node.value)
                return DATA
            self.expr(node.value)
            self.flag(node, f"reads {attr}, which opens Python's internals (where code the grader cannot read "
                            f"could be reached)")
            return DATA
        base = self.expr(node.value)
        if base.kind in ("refused", "opaque", "private"):
            return Value(base.kind, f"{base.name}.{attr}")   # already judged where it was named
        if base.kind == "module":
            return self.member(base, attr, node)
        if base.kind == "submodule":
            return self.global_value(base.name, attr, node)
        if base.kind == "external":
            if base.name.startswith("builtins."):
                if not allowlist.object_attribute(attr, ()):
                    self.flag(node, f"reads {base.name[len('builtins.'):]}.{attr}, which opens Python's internals")
                return DATA
            return self.external(f"{base.name}.{attr}", node)
        if base.kind == "def":
            if not allowlist.object_attribute(attr, self.analysis.own_names):
                self.flag(node, f"reads .{attr} of one of your own definitions, which the grader could not "
                                f"verify", undecided=True)
            return DATA
        if base.taint == "rnn":
            if allowlist.rnn_attribute(attr):
                return DATA
            if attr in allowlist.CONTAINER_METHODS:
                return RNN   # a list or dict holding the rnn: what its methods give back may be the rnn
            self.flag(node, f"reads rnn.{attr}: only the rnn's parameters (weight_ih_l0 ...) and settings "
                            f"(num_layers, hidden_size ...) may be read, never what runs its forward")
            return DATA
        if attr in self.analysis.rnn_fields:   # an attribute some code stored the rnn in (self.rnn = rnn)
            return RNN
        if base.taint == "attr":   # read from the rnn by a computed name: only what a tensor offers
            if attr not in allowlist.OBJECT_ATTRIBUTES:
                self.flag(node, f"reads .{attr} of something read from the rnn by a name built at run time")
        elif not allowlist.object_attribute(attr, self.analysis.own_names) and not self.module_layer:
            self.flag(node, f"reads .{attr}, which the grader does not know on the values these exercises use, "
                            f"so it could not verify what it does", undecided=True)
        return Value("data", taint=base.taint)

    def expr(self, node, quiet=False):
        if quiet:
            saved, self.flag = self.flag, (lambda *args, **kwargs: None)
            try:
                return self.expr(node)
            finally:
                self.flag = saved
        if node is None:
            return DATA
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.Attribute):
            return self.attribute(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Constant):
            return DATA
        if isinstance(node, ast.Lambda):
            self.defaults(node.args)
            body = self.expr(node.body)
            return Value("data", returns=body.taint,
                         calls=_join_taint(Value("data", taint=body.returns), Value("data", taint=body.calls)),
                         node=node)
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            for generator in node.generators:
                iterated = self.expr(generator.iter)
                self.bind_target(generator.target, Value("data", taint=iterated.taint), generator)
                for condition in generator.ifs:
                    self.expr(condition)
            parts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            return _holder([self.contained(p) for p in parts])
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            return _holder([self.contained(e) for e in node.elts])
        if isinstance(node, ast.Dict):
            return _holder([self.contained(e) for e in node.keys + node.values if e])
        if isinstance(node, ast.IfExp):
            self.expr(node.test)
            a, b = self.expr(node.body), self.expr(node.orelse)
            if a == b:
                return a
            if {a.kind, b.kind} & {"module", "submodule"}:
                self.flag(node, "chooses between modules, which the rules cannot follow")
            return Value("data", taint=_join_taint(a, b))
        if isinstance(node, ast.NamedExpr):
            value = self.expr(node.value)
            self.bind_target(node.target, value, node)
            return value
        if isinstance(node, ast.Subscript):
            base = self.expr(node.value)
            self.expr(node.slice)
            if base.kind in ("module", "submodule"):
                self.flag(node, f"indexes the module {base.name}")
            return Value("data", taint=base.taint, returns=base.returns, calls=base.calls) \
                if base.kind == "data" else DATA
        if isinstance(node, ast.Starred):
            return self.expr(node.value)
        if isinstance(node, (ast.Yield, ast.YieldFrom, ast.Await)):
            value = self.expr(node.value)
            if value.taint == "rnn":
                self.flag(node, "hands the rnn out of a generator; the grader could not verify where it goes",
                          undecided=True)
            return DATA
        if isinstance(node, ast.JoinedStr):
            for part in node.values:
                self.expr(part)
            return DATA
        if isinstance(node, ast.FormattedValue):
            self.expr(node.value)
            if node.format_spec is not None:
                self.expr(node.format_spec)
            return DATA
        if not isinstance(node, OPERATIONS):
            self.flag(node, f"uses Python syntax the grader does not know ({type(node).__name__}), so it could "
                            f"not verify what it does", undecided=True)
        if isinstance(node, ast.Compare):
            self.isinstance_depth += 1   # `type(x) is nn.RNN`, `x == torch.float32`: only compared
        try:
            values = [self.expr(child) for child in ast.iter_child_nodes(node) if isinstance(child, ast.expr)]
        finally:
            self.isinstance_depth -= isinstance(node, ast.Compare)
        if isinstance(node, (ast.BinOp, ast.UnaryOp)) and any(v.taint == "rnn" for v in values):
            self.flag(node, "computes with the rnn itself (an operator could run it)")
        if any(v.kind in ("module", "submodule") for v in values) and not isinstance(node, (ast.Compare, ast.BoolOp)):
            self.flag(node, "uses a module as a value in an operation")
        return Value("data", taint=_join_taint(*[v for v in values if v.taint != "rnn"]))

    def contained(self, node):
        value = self.expr(node)
        if value.taint == "rnn":
            return RNN   # a container holding the rnn: what comes out of it may be the rnn
        if value.kind in ("module", "submodule", "opaque", "refused"):
            self.flag(node, "puts a module inside a container, from where code could change it")
        return Value("data", taint=value.taint, returns=value.returns, calls=value.calls) \
            if value.kind == "data" else DATA

    # -- calls -------------------------------------------------------------------------------

    def call(self, node):
        func = node.func
        saved, self.callee_node = self.callee_node, func
        try:
            callee = self.expr(func)
        finally:
            self.callee_node = saved
        special = callee.name[len("builtins."):] if callee.kind == "external" and \
            callee.name.startswith("builtins.") else None
        if special in ("getattr", "setattr", "delattr"):
            return self.attribute_function(special, node)
        if special in ("isinstance", "issubclass") and len(node.args) == 2:
            self.expr(node.args[0])
            self.isinstance_depth += 1
            try:
                self.expr(node.args[1])
            finally:
                self.isinstance_depth -= 1
            return DATA
        arguments = [(a, self.expr(a)) for a in node.args] + [(k.value, self.expr(k.value)) for k in node.keywords]
        receiver = self.expr(func.value, quiet=True) if isinstance(func, ast.Attribute) else None
        if callee.kind == "external":
            self.analysis.called.setdefault(self.policy.name, set()).add(callee.name)
        if callee.kind == "module":
            self.flag(node, f"calls the module {callee.name}")
        if callee.kind == "def":
            return self.call_definition(callee, node)
        if callee.kind == "private" and callee.name.endswith(UNKNOWN_NAME):
            self.flag(node, f"calls {callee.name}: the grader cannot tell which function that is (it could be one "
                            f"of torch's RNN implementations)", undecided=True)
            return DATA
        if callee.kind == "private":
            self.flag(node, f"calls {callee.name}, which is private (or the operator registry): it can change "
                            f"what torch's public functions do")
            return DATA
        if callee.kind in ("refused", "opaque"):
            return DATA   # judged where it was named
        if callee.taint == "rnn":
            self.flag(node, "calls the rnn itself (or what holds it), which runs PyTorch's own implementation "
                            "of the recurrence")
        elif callee.taint == "attr" and not isinstance(func, ast.Attribute):
            self.flag(node, "calls something read from the rnn by a name built at run time (it could be its "
                            "forward)")
        local_callable = callee.kind == "data" and isinstance(callee.node, (ast.Lambda, ast.FunctionDef))
        fills = isinstance(func, ast.Attribute) and func.attr in allowlist.FILLERS and \
            isinstance(func.value, ast.Name) and func.value.id in self.locals
        carried = []
        for argument, value in arguments:
            if value.taint == "rnn":
                if local_callable:   # a lambda or nested function of this unit: its parameters may be the rnn
                    for parameter in _parameters(callee.node.args):
                        if parameter in self.locals:
                            self.taints[parameter] = "rnn"
                elif fills or special in allowlist.CARRIERS:
                    carried.append(value)
                elif special not in allowlist.LOOKS_ONLY:
                    self.flag(argument, "hands the rnn to a function that could run it")
            if value.kind in ("module", "submodule", "opaque", "private") and special not in allowlist.LOOKS_ONLY:
                self.flag(argument, f"hands the module {value.name} to a function, which could change it")
        taint = _join_taint(receiver, *[v for _, v in arguments if v.taint != "rnn"], *carried,
                            Value("data", taint=callee.returns))
        handed_out = _join_taint(Value("data", taint=callee.calls), Value("data", taint=callee.returns)) \
            if callee.kind == "data" else None   # a closure's closure: every deeper level joined in
        if fills and taint in ("attr", "rnn"):
            self.bind(func.value.id, Value("data", taint=taint))   # list.append(w): the container now holds it
        if receiver is not None and receiver.taint == "rnn":
            # rnn.parameters(), rnn.named_parameters() ...: its data; a holder's .get()/.pop(): maybe the rnn
            return DATA if allowlist.rnn_attribute(func.attr) else RNN
        return Value("data", taint=taint, returns=handed_out)

    def attribute_function(self, which, node):
        args = node.args
        if len(args) < 2 or node.keywords:
            self.flag(node, f"calls {which} in a way the rules cannot follow")
            return DATA
        name = args[1]
        for extra in args[2:]:
            self.expr(extra)
        folded = _folded_string(name)
        if folded is not None and folded.isidentifier():
            target = ast.copy_location(ast.Attribute(value=args[0], attr=folded, ctx=ast.Load()), node)
            if which == "getattr":
                return self.attribute(target)
            value = self.expr(args[2]) if which == "setattr" and len(args) > 2 else DATA
            self.store_into(args[0], target, value, f".{folded}")
            return DATA
        base = self.expr(args[0])
        self.expr(name)
        unknowable = which == "getattr" and base.kind == "module" and _name_cannot_be_told(name)
        if base.kind != "data" and self.module_layer and which == "getattr":
            # a read: judged where used
            return Value("private", f"{base.name}.{UNKNOWN_NAME if unknowable else COMPUTED_NAME}")
        if unknowable:
            # getattr(torch, nonlinearity): correct code picks torch.tanh or torch.relu, an attack could pick a
            # fused RNN kernel; nothing in the text tells which, so a person decides (never "wrong").
            self.flag(node, f"picks a function of {base.name} by a name known only at run time: the grader cannot "
                            f"tell which one it is (it could be one of torch's RNN implementations)", undecided=True)
            return DATA
        if base.kind != "data":
            # Outside the methods (ex06's getattr(torch.optim, name)) a read is not itself a rewrite: a person
            # decides; on a method's path it is the door to anything in the module, the RNN kernels included.
            self.flag(node, f"{which} with a name built at run time on {base.name or 'a function or class'}: "
                            f"a computed name on a module or class can reach anything in it, including "
                            f"torch's RNN implementations", undecided=self.module_layer and which == "getattr")
            return DATA
        if which == "getattr":
            return ATTR   # getattr(rnn, f"weight_ih_l{layer}"): usable as data, never called
        if base.taint == "rnn":
            self.flag(node, "changes the rnn it was given")
        return DATA

    def call_definition(self, callee, node):
        module_name, definition = callee.node
        info = self.analysis.info(module_name)
        if isinstance(definition, ast.ClassDef):
            init = next((n for n in definition.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
            function, skip = init, 1
        else:
            function, skip = definition, 0
        taints = {}
        values = [(a, self.expr(a, quiet=True)) for a in node.args]
        keywords = [(k.arg, k.value, self.expr(k.value, quiet=True)) for k in node.keywords]
        for argument, value in values + [(v, val) for _, v, val in keywords]:
            if value.kind in ("module", "submodule", "opaque", "refused", "private"):
                self.flag(argument, f"hands the module {value.name} to one of your functions, which could change "
                                    f"it; the grader could not verify that", undecided=True)
        if function is None:
            for argument, value in values + [(v, val) for _, v, val in keywords]:
                if value.taint == "rnn":
                    self.flag(argument, "hands the rnn to a class without its own __init__; the grader could not "
                                        "verify where it goes from there", undecided=True)
            return DATA
        params = [p.arg for p in function.args.posonlyargs + function.args.args][skip:]
        every = params + [p.arg for p in function.args.kwonlyargs]
        for extra in (function.args.vararg, function.args.kwarg):
            if extra is not None:
                every.append(extra.arg)
        for index, (argument, value) in enumerate(values):
            if value.taint:
                names = every if isinstance(argument, ast.Starred) or index >= len(params) else [params[index]]
                for param in names:
                    taints[param] = _join_taint(Value("data", taint=taints.get(param)), value)
        for keyword, argument, value in keywords:
            if value.taint:
                names = [keyword] if keyword in every else every
                for param in names:
                    taints[param] = _join_taint(Value("data", taint=taints.get(param)), value)
        if isinstance(definition, ast.ClassDef):
            self.analysis.reach_statement(self.policy, info, definition)
            if taints:
                self.analysis.reach_def(self.policy, info, function, taints)
            return DATA
        return self.analysis.reach_def(self.policy, info, function, taints)
