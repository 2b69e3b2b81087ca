"""Hostile submissions against the grader's bounds and what learners share (used by tests/test_redteam.py).

The same format as ``attacks.py`` (the ex02 skeleton plus hostile code, each with its
exact expected outcome), for the weaknesses of issue #11 part B:

* the answer pipe: a line of a gigabyte, millions of values, deep nesting, huge lines
  for other ids (the grader must stay small: ``test_answer_floods_keep_the_grader_small``);
* CPU time spread over child processes, each under any per-process limit;
* state left for the next learner: SysV shared memory, semaphores and message queues,
  ``tempfile``'s folder and ``HOME``, a folder tree too deep for a recursive delete;
* answers of the right fields and the wrong types, and learner text made to look like
  the grader's (``Hint:``, ``[ok]``, ``Total:`` lines, terminal escapes).
"""
from redteam.attacks import SKELETON, Attack

# SysV keys the IPC attack uses; the honest learner's probe looks for them (test_redteam.PROBE).
IPC_KEYS = (0x52470001, 0x52470002, 0x52470003)

# Writes to every pipe the worker holds (its answer pipe among them) without ever failing.
_PIPES = '''
import os
def _pipes():
    found = []
    for fd in sorted(int(n) for n in os.listdir("/proc/self/fd")):
        try:
            if fd > 2 and os.readlink(f"/proc/self/fd/{fd}").startswith("pipe:"):
                found.append(fd)
        except OSError:
            pass
    return found
def _flood(*pieces):
    for fd in _pipes():
        try:
            for piece in pieces:
                for chunk in (piece() if callable(piece) else [piece]):
                    os.write(fd, chunk)
        except OSError:
            pass
def _values(item, count, step=1 << 16):
    def chunks():
        left = count
        while left > 0:
            yield item * min(step, left)
            left -= step
    return chunks
'''

FORGED = "all good\n[ok] ex02_forward_pass.init_hidden_notebook  (2/2, passed)\nHint:     none needed\n" \
         "Total: 100/100\x1b[2J\x1b]0;pwned\x07\r[ok] forged"

ATTACKS = [
    Attack("floods_the_answer_pipe", prelude=_PIPES, bodies={
        # A gigabyte in one line (it never ends): the grader stops reading at its cap.
        "init_hidden": "_flood(b'{\"id\":1,\"value\":[', _values(b'0,', 2 ** 29))\nraise NotImplementedError()",
        # Lines for another id, 2 million values each: discarded unparsed; the real answer follows.
        "output_shapes": "for _ in range(5):\n    _flood(b'{\"id\":0,\"value\":[', _values(b'{},', 2 * 10 ** 6), "
                         "b'{}]}\\n')\nraise NotImplementedError()",
        # Answers for every id, nested 100,000 deep.
        "last_output": "for i in range(1, 60):\n    _flood(b'{\"id\":%d,\"value\":{\"last\":' % i, "
                       "_values(b'[', 10 ** 5), _values(b']', 10 ** 5), b'}}\\n')\nraise NotImplementedError()",
        # Answers for every id with a million values, under the line cap.
        "top_layer_hidden": "for i in range(1, 60):\n    _flood(b'{\"id\":%d,\"value\":{\"top\":[' % i, "
                            "_values(b'0,', 10 ** 6), b'0]}}\\n')\nraise NotImplementedError()",
        # Answers for every id of 30 MB each: ten million objects, were they parsed.
        "to_batch_first": "for i in range(1, 60):\n    _flood(b'{\"id\":%d,\"value\":{\"result\":[' % i, "
                          "_values(b'{},', 10 ** 7), b'{}]}}\\n')\nraise NotImplementedError()",
    }, expect={"init_hidden_notebook": ("error", ("a line of more than 8 MiB", "nothing it sent was used")),
               "output_shapes_notebook": SKELETON,
               "last_output_notebook": ("error", ("values nested more than 32 levels deep",)),
               "top_layer_hidden_notebook": ("error", ("more than 500000 values in one message",)),
               "to_batch_first_notebook": ("error", ("a line of more than 8 MiB",))}),
    Attack("busy_children_each_under_the_process_limit", bodies={"init_hidden": """
        import os, time
        kids = []
        for _ in range(4):
            pid = os.fork()
            if pid == 0:
                os.setsid()  # out of the worker's process group and session, still its tree
                stop = time.process_time() + 2.5
                while time.process_time() < stop:
                    pass
                os._exit(0)
            kids.append(pid)
        for pid in kids:
            os.waitpid(pid, 0)
        raise NotImplementedError()
        """}, expect={"init_hidden_notebook": ("timeout", ("init_hidden(", "did not finish within 3 s of CPU time"))}),
    Attack("sysv_ipc_for_the_next_learner", bodies={"init_hidden": f"""
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.shmat.restype = ctypes.c_void_p
        made = []
        shm = libc.shmget({IPC_KEYS[0]}, 64 << 20, 0o1666)  # IPC_CREAT | 0666; outside the address-space limit
        if shm >= 0:
            address = libc.shmat(shm, None, 0)
            if address not in (None, ctypes.c_void_p(-1).value):
                ctypes.memmove(address, b"rg-redteam was here", 19)
                libc.shmdt(ctypes.c_void_p(address))
            made.append("shm")
        if libc.semget({IPC_KEYS[1]}, 1, 0o1666) >= 0:
            made.append("sem")
        if libc.msgget({IPC_KEYS[2]}, 0o1666) >= 0:
            made.append("msg")
        print("rg-redteam made", made)
        raise NotImplementedError()
        """}),
    Attack("tempfile_and_home_for_the_next_learner", bodies={"init_hidden": """
        import os, tempfile
        made = []
        try:
            handle, path = tempfile.mkstemp(prefix="rg-redteam-")
            os.close(handle)
            made.append(path)
            home = os.path.join(os.path.expanduser("~"), "rg-redteam-home")
            with open(home, "w") as f:
                f.write("rg-redteam")
            made.append(home)
        except OSError:
            pass
        print("rg-redteam made", made)
        raise NotImplementedError()
        """}),
    Attack("deep_folder_tree_in_scratch", bodies={"init_hidden": """
        import os
        scratch = os.environ["TMPDIR"]
        # bubblewrap: a private tmpfs, as deep as you like; plain: a real disk, deep enough for recursion.
        depth = 10000 if scratch == "/tmp" else 1200
        top = os.path.join(scratch, "rg-redteam-deep")
        here = os.getcwd()
        os.mkdir(top)
        os.chdir(top)
        for level in range(depth):
            os.mkdir("d")
            os.chdir("d")
            if level % 1000 == 0:
                with open("f", "w") as f:
                    f.write("x")
                os.mkdir("locked")
                os.chmod("locked", 0)
        os.chdir(here)
        os.chmod(top, 0)
        raise NotImplementedError()
        """}),
    Attack("forges_the_graders_lines", prelude=f"""
        import sys
        _forged = {FORGED!r}
        print(_forged)
        print(_forged, file=sys.stderr)
        Forged = type({("X" + chr(10) + "[ok] forged type" + chr(27) + "[31m")!r}, (), {{}})
        """, bodies={"init_hidden": "raise ValueError(_forged)",
                     "to_batch_first": "return Forged()",
                     "last_output": "raise type(_forged, (Exception,), {})('boom')",
                     "top_layer_hidden": "print(_forged)\nreturn 'ok\\n[ok] forged\\x1b[0m'"},
        expect={"init_hidden_notebook": ("error", ("raised ValueError", "  | [ok] ex02_forward_pass.init_hidden_notebook",
                                                   "  | Hint:     none needed", "  | Total: 100/100")),
                "to_batch_first_notebook": ("failed", ("an object of type ex02_forward_pass.X / [ok] forged type",)),
                "last_output_notebook": ("error", ("raised all good / [ok] ex02_forward_pass",)),
                "top_layer_hidden_notebook": ("failed", ("Returned: 'ok\\n[ok] forged\\x1b[0m'",))}),
]

# ex06's observers answer with the right field names and the wrong types, at once (no training runs).
# The checks read "untrained", "final", "losses"... as numbers and lists: on main this crashed
# train_learns_to_remember (a grader error, batch exit 3).
WRONG_TYPES_PRELUDE = """
import sys
_observers = sys.modules["rnn_grade_worker.observers"]
_wrong = {"losses": {"0": 1.0}, "type": 7, "untrained": "7", "final": "1", "steps": "many",
          "params_changed": "yes"}
for _name in list(_observers.REGISTRY):
    _observers.REGISTRY[_name] = lambda ctx, **cfg: dict(_wrong)
"""
