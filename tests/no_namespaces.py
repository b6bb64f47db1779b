"""Run a command as a container runtime's default seccomp profile would: `unshare`, `setns`
and `mount` fail with EPERM, so a sidecar started this way gets no namespaces for its
workers, as a non-root sidecar under Docker or Kubernetes' RuntimeDefault.

    python tests/no_namespaces.py COMMAND [ARG...]
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import struct
import sys

# (audit arch, syscall numbers of unshare, setns, mount)
_MACHINES = {
    "x86_64": (0xC000003E, (272, 308, 165)),
    "aarch64": (0xC00000B7, (97, 268, 40)),
}
_PR_SET_NO_NEW_PRIVS, _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 38, 22, 2


def _refuse_namespaces() -> None:
    arch, numbers = _MACHINES[platform.machine()]
    ld_w_abs, jeq_k, ret_k = 0x20, 0x15, 0x06
    allow, refuse = 0x7FFF0000, 0x00050000 | errno.EPERM

    def op(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
        return struct.pack("HBBI", code, jt, jf, k)

    program = [op(ld_w_abs, 4), op(jeq_k, arch, 1, 0), op(ret_k, allow), op(ld_w_abs, 0)]
    for number in numbers:
        program += [op(jeq_k, number, 0, 1), op(ret_k, refuse)]
    program.append(op(ret_k, allow))
    libc = ctypes.CDLL(None, use_errno=True)
    code = ctypes.create_string_buffer(b"".join(program))
    fprog = ctypes.create_string_buffer(struct.pack("HL", len(program), ctypes.addressof(code)))
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "no_new_privs")
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, fprog, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "seccomp")


if __name__ == "__main__":
    _refuse_namespaces()
    os.execvp(sys.argv[1], sys.argv[1:])
