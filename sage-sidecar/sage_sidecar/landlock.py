"""Landlock, the Linux security module with which any process may restrict itself.

It needs neither privileges nor namespaces, and container runtimes' default seccomp profiles
allow it: where those profiles refuse the namespaces of the worker sandbox (a non-root
sidecar under Docker's or Kubernetes' RuntimeDefault), Landlock still keeps a worker's files
out of the state directory and off TCP. Whatever it takes away, no descendant gets back.
Counterpart: `sandbox`, which decides what to ask of it.

Landlock grants rather than denies: a restricted process may do what some rule allows. So a
path is hidden by granting everything beside it: its siblings, and those of every directory
on the way to it from `/`.
"""

from __future__ import annotations

import ctypes
import functools
import os
import stat
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

_libc = ctypes.CDLL(None, use_errno=True)

# The same numbers on every architecture (syscalls added since 5.1 share one table).
_CREATE_RULESET, _ADD_RULE, _RESTRICT_SELF = 444, 445, 446
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38

# Filesystem rights (`LANDLOCK_ACCESS_FS_*`).
_EXECUTE, _WRITE_FILE, _READ_FILE, _READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_ABI_1_FS = (1 << 13) - 1  # execute to make_sym
_REFER, _TRUNCATE, _IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15  # ABI 2, 3 and 5
# The rights a rule on a file (not a directory) may carry.
_FILE_RIGHTS = _EXECUTE | _WRITE_FILE | _READ_FILE | _TRUNCATE | _IOCTL_DEV
_BIND_TCP, _CONNECT_TCP = 1 << 0, 1 << 1  # ABI 4
_SCOPE_ABSTRACT_UNIX_SOCKET, _SCOPE_SIGNAL = 1 << 0, 1 << 1  # ABI 6


@dataclass(frozen=True)
class Restricted:
    """What `restrict` put in place."""

    paths_hidden: bool
    tcp_refused: bool
    # Signals and abstract unix sockets reach no process outside this one's descendants.
    scoped: bool
    # Writes go nowhere but the writable paths asked for.
    writes_contained: bool = False


@functools.cache  # the kernel's, for the life of the process
def abi_version() -> int:
    """The Landlock ABI this kernel offers; 0 where it has none or it is disabled."""
    return max(_syscall(_CREATE_RULESET, None, ctypes.c_size_t(0), _CREATE_RULESET_VERSION), 0)


def restrict(
    hide: Iterable[str],
    *,
    reveal: Iterable[str] = (),
    readable: Iterable[str] = (),
    writable: Iterable[str] | None = None,
    refuse_tcp: bool,
) -> Restricted:
    """Restrict this thread and its future children, for good: `hide` cannot be read,
    written or executed, except what of it is in `reveal` (a worker's own scratch in the
    directory of all workers' scratch, hidden with whatever is added to it later) or in
    `readable` (read and run only: the Python installation in a hidden home); given
    `writable`, nothing outside those paths (and `reveal`) can be written, made or removed;
    with `refuse_tcp` no TCP connection is made or bound; signals and
    abstract unix sockets stay among this process and its descendants. Asks only for what
    this kernel's ABI knows. Raises OSError where Landlock is refused.

    The innermost of these paths decides for what is in it: a hidden path inside a revealed
    or readable one stays hidden, and a path both hidden and revealed is hidden.

    Directory listings are left alone: a directory on the way to a hidden path would
    otherwise be unlistable, and `/` or the home directory unlistable breaks too much. So
    the names in a hidden directory can be listed, never opened. Nor can anything be
    created directly in a directory on the way, since it is granted nothing of its own.
    """
    abi = abi_version()
    if abi < 1:
        raise OSError(ctypes.get_errno(), "this kernel offers no Landlock")
    hidden = {os.path.realpath(path) for path in hide}
    contained = writable is not None
    fs = _fs_rights(abi) if hidden or contained else 0
    net = _BIND_TCP | _CONNECT_TCP if refuse_tcp and abi >= 4 else 0
    scoped = _SCOPE_ABSTRACT_UNIX_SOCKET | _SCOPE_SIGNAL if abi >= 6 else 0
    if not (fs or net or scoped):  # an empty ruleset is refused, and would change nothing
        return Restricted(paths_hidden=False, tcp_refused=False, scoped=False)
    size = 24 if abi >= 6 else 16 if abi >= 4 else 8
    attr = ctypes.create_string_buffer(struct.pack("QQQ", fs, net, scoped)[:size])
    ruleset = _syscall(_CREATE_RULESET, attr, ctypes.c_size_t(size), 0)
    if ruleset < 0:
        raise OSError(ctypes.get_errno(), "landlock_create_ruleset failed")
    read_only = fs & (_EXECUTE | _READ_FILE)
    marks = _Marks(hidden, base=read_only if contained else fs)
    for paths, rights in ((readable, read_only), (writable or (), fs), (reveal, fs)):
        for path in paths:
            marks.allow(os.path.realpath(path), rights)
    try:
        if fs:
            for path, rights in marks.grants():
                _grant(ruleset, path, rights)
        if _libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "no_new_privs refused")
        if _syscall(_RESTRICT_SELF, ruleset, 0) != 0:
            raise OSError(ctypes.get_errno(), "landlock_restrict_self failed")
    finally:
        os.close(ruleset)
    return Restricted(
        paths_hidden=bool(hidden) and bool(fs),
        tcp_refused=bool(net),
        scoped=bool(scoped),
        writes_contained=contained and bool(fs),
    )


class _Marks:
    """Paths marked hidden or granted rights, and what that makes of every other path: the
    rights of the marks it is in, up to the innermost hidden one; `base` where none is."""

    def __init__(self, hidden: set[str], base: int) -> None:
        self.hidden = hidden
        self.base = base
        self.allowed: dict[str, int] = {}

    def allow(self, path: str, rights: int) -> None:
        self.allowed[path] = self.allowed.get(path, 0) | rights

    def rights(self, path: str) -> int:
        rights = 0
        # The marks the path is in, innermost first; a hidden path wins a tie.
        for mark in sorted(self._marks_holding(path), key=len, reverse=True):
            if mark in self.hidden:
                return rights
            rights |= self.allowed[mark]
        return rights | self.base

    def _marks_holding(self, path: str) -> Iterator[str]:
        for mark in (*self.hidden, *self.allowed):
            if within(path, mark):
                yield mark

    def grants(self) -> Iterator[tuple[str, int]]:
        """Rules that grant each path exactly its rights. A directory on the way to a hidden
        path, or to a mark inside one, gets no rule: its entries do, each with its own."""
        inside_hidden = [m for m in self.allowed if any(within(m, h) for h in self.hidden)]
        on_the_way = {
            parent for path in (*self.hidden, *inside_hidden) for parent in _parents(path)
        }
        if not on_the_way:
            yield "/", self.base
        for directory in sorted(on_the_way):
            try:
                entries = list(os.scandir(directory))
            except OSError as exc:
                # Unlisted, its entries would all be out of reach: better refuse outright.
                raise OSError(
                    exc.errno, f"cannot list {directory}, on the way to a hidden path"
                ) from exc
            for entry in entries:
                path = entry.path
                if path in on_the_way:
                    continue
                rights = self.rights(path)
                if not rights:
                    continue
                # A link into a hidden path, or to a directory on the way, must not grant it.
                real = os.path.realpath(path)
                if real != path and any(within(real, h) or within(h, real) for h in self.hidden):
                    continue
                yield path, rights
        for mark in self.allowed:
            if mark not in on_the_way and os.path.dirname(mark) not in on_the_way:
                rights = self.rights(mark)
                if rights:
                    yield mark, rights


def _fs_rights(abi: int) -> int:
    rights = _ABI_1_FS & ~_READ_DIR
    for since, right in ((2, _REFER), (3, _TRUNCATE), (5, _IOCTL_DEV)):
        if abi >= since:
            rights |= right
    return rights


def _parents(path: str) -> list[str]:
    parents = []
    while path != "/":
        path = os.path.dirname(path)
        parents.append(path)
    return parents


def within(path: str, directory: str) -> bool:
    """Whether `path` is `directory` or in it (both absolute, normalised)."""
    return path == directory or path.startswith(directory.rstrip("/") + "/")


def _grant(ruleset: int, path: str, fs: int) -> None:
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:  # gone since listed, or a dangling link: nothing to grant
        return
    try:
        rights = fs if stat.S_ISDIR(os.fstat(fd).st_mode) else fs & _FILE_RIGHTS
        # struct landlock_path_beneath_attr is packed: u64 allowed_access, s32 parent_fd.
        attr = ctypes.create_string_buffer(struct.pack("=Qi", rights, fd))
        if _syscall(_ADD_RULE, ruleset, _RULE_PATH_BENEATH, attr, 0) != 0:
            raise OSError(ctypes.get_errno(), f"landlock_add_rule failed for {path}")
    finally:
        os.close(fd)


def _syscall(number: int, *args: object) -> int:
    return int(_libc.syscall(number, *args))
