"""Does a function's answer come from packing? A must-analysis of ``run_packed`` along its statements.

"Uses packing" counts only where packing is on the path that produces the answer: every value the
function can return must depend, by data flow, on an unpacking function applied to what the rnn
returned for a packed sequence. A call in dead code (``if False:``), in a branch that does not reach
the returned value (``if len(sequences) < 0: pack_sequence(...)``) or whose result is dropped does
not. Branches meet by intersection (what holds on every path), loops may run zero times, learner
helpers are followed (a few calls deep) with what their arguments carry.
"""
import ast

PACKED, RAN, UNPACKED, RNN = "packed", "ran", "unpacked", "rnn"
NOTHING = frozenset()
FILLERS = frozenset({"append", "extend", "insert", "setdefault", "update", "add", "appendleft"})
MAX_DEPTH = 4


def _meet(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return {k: a.get(k, NOTHING) & b.get(k, NOTHING) for k in set(a) | set(b)}


class PackingFlow:
    """``marks(function, {parameter: marks})``: the marks every value the function returns carries."""

    def __init__(self, analysis, policy, packers, unpackers):
        self.analysis, self.policy = analysis, policy
        self.packers, self.unpackers = packers, unpackers
        self._active = set()

    def returned(self, info, function, parameter_marks, depth=0):
        from .analysis import Walker

        key = (id(function), tuple(sorted(parameter_marks.items())))
        if key in self._active or depth > MAX_DEPTH:
            return NOTHING
        self._active.add(key)
        try:
            names = Walker(self.analysis, info, self.policy, function, taints={})
            reader = _Reader(self, info, names, depth)
            reader.block(function.body, dict(parameter_marks))
            if not reader.returns:
                return NOTHING
            found = reader.returns[0]
            for marks in reader.returns[1:]:
                found &= marks
            return found
        finally:
            self._active.discard(key)


class _Reader:
    def __init__(self, flow, info, names, depth):
        self.flow, self.info, self.names, self.depth = flow, info, names, depth
        self.returns = []

    # -- statements: each returns the environment after it, or None when no path goes on --------

    def block(self, statements, env):
        for statement in statements:
            if env is None:
                return None
            env = self.statement(statement, env)
        return env

    def statement(self, node, env):
        if isinstance(node, ast.Return):
            self.returns.append(self.expr(node.value, env) if node.value is not None else NOTHING)
            return None
        if isinstance(node, ast.Raise):
            return None
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            if node.value is None:
                return env
            marks = self.expr(node.value, env)
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target]):
                self.assign(target, marks, env, augmented=isinstance(node, ast.AugAssign))
            return env
        if isinstance(node, ast.Expr):
            self.expr(node.value, env)
            return env
        if isinstance(node, ast.If):
            test = node.test
            if isinstance(test, ast.Constant):
                return self.block(node.body if test.value else node.orelse, env)
            return _meet(self.block(node.body, dict(env)), self.block(node.orelse, dict(env)))
        if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            after = env
            for _ in range(2):   # twice: what one iteration hands the next
                inner = dict(after)
                if not isinstance(node, ast.While):
                    self.assign(node.target, self.expr(node.iter, inner), inner)
                else:
                    self.expr(node.test, inner)
                after = _meet(after, self.block(node.body, inner))
            return self.block(node.orelse, after) if after is not None else None
        if isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                marks = self.expr(item.context_expr, env)
                if item.optional_vars is not None:
                    self.assign(item.optional_vars, marks, env)
            return self.block(node.body, env)
        if isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            before = dict(env)
            after = self.block(node.body, env)
            after = self.block(node.orelse, after) if after is not None else None
            for handler in node.handlers:
                after = _meet(after, self.block(handler.body, dict(before)))
            return self.block(node.finalbody, after) if after is not None else None
        if isinstance(node, ast.Match):
            subject = self.expr(node.subject, env)
            after = None
            for case in node.cases:
                inner = dict(env)
                for name in {n.name for n in ast.walk(case.pattern) if getattr(n, "name", None)}:
                    inner[name] = subject
                after = _meet(after, self.block(case.body, inner))
            return _meet(after, env)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            env[node.name] = NOTHING
        return env

    def assign(self, target, marks, env, augmented=False):
        if isinstance(target, ast.Name):
            env[target.id] = (env.get(target.id, NOTHING) | marks) if augmented else marks
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self.assign(element, marks, env)
        elif isinstance(target, ast.Starred):
            self.assign(target.value, marks, env)
        elif isinstance(target, (ast.Subscript, ast.Attribute)):
            base = target.value
            while isinstance(base, (ast.Subscript, ast.Attribute)):
                base = base.value
            if isinstance(base, ast.Name):   # out[t] = h: the container now holds it too
                env[base.id] = env.get(base.id, NOTHING) | marks

    # -- expressions ---------------------------------------------------------------------------

    def expr(self, node, env):
        if node is None:
            return NOTHING
        if isinstance(node, ast.Name):
            return env.get(node.id, NOTHING)
        if isinstance(node, ast.Call):
            return self.call(node, env)
        if isinstance(node, ast.Attribute):
            return self.expr(node.value, env) - {RNN}   # rnn.batch_first is a setting, not the rnn
        if isinstance(node, ast.Lambda):
            return NOTHING
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            inner = dict(env)
            for generator in node.generators:
                self.assign(generator.target, self.expr(generator.iter, inner), inner)
            parts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            return frozenset().union(*[self.expr(p, inner) for p in parts])
        if isinstance(node, ast.NamedExpr):
            marks = self.expr(node.value, env)
            env[node.target.id] = marks
            return marks
        if isinstance(node, ast.IfExp):
            if isinstance(node.test, ast.Constant):
                return self.expr(node.body if node.test.value else node.orelse, env)
            self.expr(node.test, env)
            return self.expr(node.body, env) & self.expr(node.orelse, env)
        return frozenset().union(NOTHING, *[self.expr(c, env) for c in ast.iter_child_nodes(node)
                                            if isinstance(c, ast.expr)])

    def call(self, node, env):
        callee = self.names.expr(node.func, quiet=True)
        arguments = [self.expr(a, env) for a in node.args] + [self.expr(k.value, env) for k in node.keywords]
        every = frozenset().union(NOTHING, *arguments)
        if callee.kind == "external" and callee.name in self.flow.packers:
            return frozenset({PACKED})
        if callee.kind == "external" and callee.name in self.flow.unpackers:
            return frozenset({UNPACKED}) if RAN in every else NOTHING
        func = node.func
        receiver = self.expr(func.value, env) if isinstance(func, ast.Attribute) else NOTHING
        if RNN in (env.get(func.id, NOTHING) if isinstance(func, ast.Name) else NOTHING) or \
                (isinstance(func, ast.Attribute) and func.attr == "forward" and RNN in receiver) or \
                (isinstance(func, ast.Subscript) and RNN in self.expr(func, env)):
            return frozenset({RAN}) if PACKED in every else NOTHING
        if callee.kind == "def" and isinstance(callee.node[1], (ast.FunctionDef, ast.AsyncFunctionDef)):
            function = callee.node[1]
            params = [a.arg for a in function.args.posonlyargs + function.args.args]
            marks = {p: NOTHING for p in params}
            for param, value in zip(params, arguments[:len(node.args)]):
                marks[param] = value
            for keyword, value in zip(node.keywords, arguments[len(node.args):]):
                if keyword.arg in marks:
                    marks[keyword.arg] = value
            info = self.flow.analysis.info(callee.node[0])
            return self.flow.returned(info, function, marks, self.depth + 1)
        if isinstance(func, ast.Attribute) and func.attr in FILLERS and isinstance(func.value, ast.Name):
            env[func.value.id] = env.get(func.value.id, NOTHING) | every   # outputs.append(out)
        return (every | receiver) - {RNN}
