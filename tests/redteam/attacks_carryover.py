"""Hostile submissions of the third red team's classes (issue #28), used by tests/test_redteam.py.

The same format as ``attacks.py`` (the ex02 skeleton plus hostile code, each with its exact
expected outcome). Each attack prints ``rg-redteam reached [...]``: what it managed that it
must not; the test requires that list to be empty.

* state that outlives a learner: a kernel key (keys are no file, no process and no SysV
  object: nothing swept them; a uid's user keyring lives as long as the machine), left for
  any later process of any uid to read from ``/proc/keys`` (the honest learner's probe looks);
* memory outside the limits: files in a tmpfs are RAM that no address-space limit counts;
* a learner that stretches the grader's time by answering slowly: each call sleeps just under
  its wall-clock backstop (the submission's idle budget stops it), or that makes the grader parse
  4 MB of empty lines before every answer (a microsecond of the grader's CPU each).
"""
from redteam.attacks import SKELETON, Attack
from redteam.attacks_limits import _PIPES

# An add_key that everyone may view and read, in the worker's user keyring (it outlives the worker's
# session) and its session keyring; then every key in /proc/keys that is not its own is read.
_KEYS = '''
import ctypes, platform
_libc = ctypes.CDLL(None, use_errno=True)
_NR = {"x86_64": (248, 250), "aarch64": (217, 219)}.get(platform.machine(), (248, 250))
_reached = []
for _ring, _where in ((-4, "user keyring"), (-3, "session keyring")):
    _id = _libc.syscall(_NR[0], b"user", b"rg-redteam-key", b"rg-redteam source", 17, ctypes.c_int(_ring))
    if _id > 0:
        _libc.syscall(_NR[1], 5, _id, ctypes.c_uint(0x3f3f3f3f))  # KEYCTL_SETPERM: all rights to all
        _reached.append("a key in the " + _where)
_buffer = ctypes.create_string_buffer(4096)
try:
    for _line in open("/proc/keys"):
        _serial = int(_line.split()[0], 16)
        if "rg-redteam" not in _line and _libc.syscall(_NR[1], 11, _serial, _buffer, 4096) > 0:  # KEYCTL_READ
            _reached.append("read key %x" % _serial)
except OSError:
    pass
print("rg-redteam reached", _reached)
'''

# Files in the scratch folder and /dev/shm, allocated (not written: fast) up to ~1 GiB and 256 MiB; each
# file under the 64 MiB file-size limit. Then taken back, so a failure of the kit costs the machine nothing.
_FILL = '''
import os
_reached = []
def _fill(folder, most, label):
    made, paths = 0, []
    try:
        while made < most:
            path = os.path.join(folder, "rg-redteam-fill-%d" % len(paths))
            fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
            paths.append(path)
            try:
                os.posix_fallocate(fd, 0, 60 << 20)
                made += 60 << 20
            finally:
                os.close(fd)
    except OSError:
        pass
    for path in paths:
        try:
            os.unlink(path)
        except OSError:
            pass
    return made
_tmp = _fill(os.environ.get("TMPDIR") or "/tmp", 1 << 30, "scratch")
if _tmp > 768 << 20:
    _reached.append("%d MiB of files in the scratch folder" % (_tmp >> 20))
_shm = _fill("/dev/shm", 256 << 20, "/dev/shm")
if _shm > 128 << 20:
    _reached.append("%d MiB of files in /dev/shm" % (_shm >> 20))
print("rg-redteam reached", _reached)
'''

# The test's Limits: 3 s of CPU per call, a 6 s wall backstop, SLEEP_LIMIT s of idle time in all.
SLEEP_SECONDS = 5

ATTACKS = [
    Attack("empty_lines_before_every_answer", prelude=_PIPES, bodies={
        name: "_flood(b'\\n' * (4 << 20))\nraise NotImplementedError()"
        for name in ("init_hidden", "output_shapes", "last_output", "top_layer_hidden", "to_batch_first")},
        expect={"*": ("error", ("lines that answer nothing", "nothing it sent was used"))}),
    Attack("kernel_key_for_the_next_learner", prelude=_KEYS),
    Attack("scratch_files_beyond_the_memory_limit", bodies={"init_hidden": _FILL + "raise NotImplementedError()"}),
    # Every call sleeps 5 s, under its 6 s backstop: before the idle budget, 5 checks x 5 s and more
    # (720 s for one learner with the default limits). Now the third call meets the 12 s budget.
    Attack("answers_slowly_under_the_backstop", bodies={
        name: f"import time\ntime.sleep({SLEEP_SECONDS})\nraise NotImplementedError()"
        for name in ("init_hidden", "output_shapes", "last_output", "top_layer_hidden", "to_batch_first")},
        expect={"init_hidden_notebook": SKELETON, "output_shapes_notebook": SKELETON,
                "*": ("error", ("s of waiting",))}),
]
