"""Keeping a learner away from the kernel's key store.

The kernel's keys (``add_key``, ``keyctl``, ``request_key``) are not files, not processes
and not SysV IPC: nothing the fork server sweeps after a learner removes them, and a uid's
user keyring lives as long as the machine. A learner could leave its source there as a key
that other users may read, and a later learner (of another uid, in another batch) could read
it from ``/proc/keys`` and run it. No exercise needs keys, so a worker gets none:

1. it joins a new anonymous session keyring (so it holds none of the fork server's keys);
2. a seccomp filter then makes ``add_key``, ``keyctl`` and ``request_key`` fail with EPERM,
   for the worker and every process it starts (a filter is inherited and cannot be removed),
   whichever system call convention is used (x86-64, its x32 numbers, i386 through
   ``int 0x80``; aarch64).

Linux only; elsewhere (a learner's own machine) ``forbid_kernel_keys`` does nothing and says so.
Standard library only: it runs in the fork server's child before the learner's code.
"""
import ctypes
import platform
import struct

PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
KEYCTL_JOIN_SESSION_KEYRING = 1
EPERM = 1
# (AUDIT_ARCH of the calling convention, its numbers of add_key, request_key, keyctl)
_CONVENTIONS = {
    "x86_64": [(0xC000003E, (248, 249, 250)), (0x40000003, (286, 287, 288))],
    "aarch64": [(0xC00000B7, (217, 218, 219)), (0x40000028, (309, 310, 311))],
}
_KEYCTL = {"x86_64": 250, "aarch64": 219}
X32_BIT = 0x40000000  # x86-64's x32 calls: the same numbers with this bit set

# Classic BPF, as seccomp reads it (struct sock_filter: u16 code, u8 jt, u8 jf, u32 k).
_LD_W_ABS, _JEQ_K, _AND_K, _RET_K = 0x20, 0x15, 0x54, 0x06
_ALLOW, _ERRNO = 0x7FFF0000, 0x00050000
_NR, _ARCH = 0, 4  # offsets in struct seccomp_data


def _instruction(code, k, jt=0, jf=0):
    return struct.pack("HBBI", code, jt, jf, k)


def filter_program(machine=None):
    """The filter's instructions (bytes) for ``machine`` (platform.machine()), or None when unknown.

    For each calling convention: if the call's architecture is that one, and its number (x32's bit
    cleared) is one of the three key calls, the call fails with EPERM; everything else is allowed."""
    conventions = _CONVENTIONS.get(machine or platform.machine())
    if conventions is None:
        return None
    program = []
    deny = []   # indexes of jumps to the final "deny", patched once its place is known
    for arch, numbers in conventions:
        block = [("ld", _ARCH), ("jne_arch", arch), ("ld", _NR)]
        if arch == 0xC000003E:
            block.append(("and", 0xFFFFFFFF ^ X32_BIT))
        block += [("jeq_deny", number) for number in numbers]
        start = len(program)
        skip_to = start + len(block)   # past this block: the next convention
        for op, value in block:
            here = len(program)
            if op == "ld":
                program.append(_instruction(_LD_W_ABS, value))
            elif op == "and":
                program.append(_instruction(_AND_K, value))
            elif op == "jne_arch":
                program.append(_instruction(_JEQ_K, value, 0, skip_to - here - 1))
            else:
                deny.append(here)
                program.append(value)  # a number, patched below
    allow_at = len(program)
    deny_at = allow_at + 1
    for index in deny:
        program[index] = _instruction(_JEQ_K, program[index], deny_at - index - 1, 0)
    program.append(_instruction(_RET_K, _ALLOW))
    program.append(_instruction(_RET_K, _ERRNO | EPERM))
    return b"".join(program)


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def forbid_kernel_keys():
    """Give this process an empty session keyring, then forbid the key calls to it and its children.

    Returns None when done, else why not (not Linux, an unknown architecture, a kernel without
    seccomp): the caller decides what that means. Sets no_new_privs, which a worker never needs
    (it gains no privilege through a set-uid program either)."""
    program = filter_program()
    if program is None:
        return f"no seccomp filter for {platform.machine()}"
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError as error:
        return f"no C library ({error})"
    # A new, empty, unnamed session keyring: whatever the fork server's session held is out of reach.
    libc.syscall(ctypes.c_long(_KEYCTL[platform.machine()]), ctypes.c_long(KEYCTL_JOIN_SESSION_KEYRING),
                 ctypes.c_void_p(None))
    buffer = ctypes.create_string_buffer(program, len(program))
    fprog = _SockFprog(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return f"prctl(PR_SET_NO_NEW_PRIVS) failed (errno {ctypes.get_errno()})"
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        return f"prctl(PR_SET_SECCOMP) failed (errno {ctypes.get_errno()})"
    return None
