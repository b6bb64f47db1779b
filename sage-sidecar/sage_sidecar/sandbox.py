"""Confines a worker at birth: no network, a private scratch directory, the state directory out
of sight, the server out of reach, and resource limits.

Runs once in each new worker, before it starts any thread (a user namespace requires a single
thread, and seccomp filters are inherited only by threads started after them). Each protection
the platform refuses is reported, and the server says so at start-up; nothing fails silently.
Counterpart: `worker`, which calls `confine` and then serves cells.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import os
import platform
import resource
import shutil
import stat
import struct
import sys
import sysconfig
import tempfile
from dataclasses import dataclass
from typing import Any

import psutil

from sage_sidecar import landlock, programs

_libc = ctypes.CDLL(None, use_errno=True)

_CLONE_NEWNS = 0x00020000
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000
_MS_NOSUID, _MS_NODEV, _MS_NOEXEC, _MS_BIND, _MS_REC, _MS_PRIVATE = (
    0x2,
    0x4,
    0x8,
    0x1000,
    0x4000,
    0x40000,
)
_MNT_DETACH = 2
_PR_SET_NO_NEW_PRIVS, _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 38, 22, 2
_PR_SET_DUMPABLE, _PR_SET_KEEPCAPS = 4, 8
_CAP_SETGID, _CAP_SETUID = 1 << 6, 1 << 7
# Workers' uids, when the sidecar runs as root: above any account on a normal system.
_WORKER_UIDS = 1_000_000_000
# A worker's scratch directory is `<parent>/sage-worker-<pid>-<random>/<pid>`: a family
# directory made by a worker fresh from the pool, which its clones' scratch shares.
SCRATCH_PREFIX = "sage-worker-"


@dataclass(frozen=True, slots=True)
class WorkerSpec:
    """How a worker is confined; built by the server, applied by the worker to itself."""

    memory_bytes: int
    max_processes: int
    max_file_bytes: int
    max_open_files: int
    scratch_bytes: int
    # Where scratch directories go (`scratch_parent`).
    scratch_parent: str
    isolate_network: bool
    hidden_paths: tuple[str, ...]
    # The sidecar's secrets (its token, its TLS key): files that workers read as empty, or
    # directories that hold nothing else, hidden whole.
    secrets: tuple[str, ...]
    # Processes the worker must not signal, trace or write into: the server and its group.
    protected_pids: tuple[int, ...]
    protected_groups: tuple[int, ...]
    # The files of the sidecar's user (its home, its runtime directory): unreadable to
    # workers that share its uid, but for the installation and `readable_paths`.
    personal_paths: tuple[str, ...] = ()
    readable_paths: tuple[str, ...] = ()
    # How far below the server's CPU priority the worker runs.
    nice: int = 0


@dataclass
class Confinement:
    scratch: str
    report: dict[str, str]

    @property
    def offline(self) -> bool:
        """Whether the worker has no network at all: not where only TCP is refused."""
        return self.report.get("network", "").startswith("none")


# The uid of its own this worker takes when the sidecar starts as root (unique among live
# processes); None when workers keep the sidecar's. Clones, forks of a worker, inherit it.
_worker_uid: int | None = None


def confine(spec: WorkerSpec) -> Confinement:
    global _worker_uid
    _worker_uid = _WORKER_UIDS + os.getpid() if os.geteuid() == 0 else None
    report: dict[str, str] = {}
    mounts = _enter_namespaces(spec, report)
    scratch = new_scratch(spec, mounts)
    # Sharing the sidecar's uid, workers could read each other's scratch where it is a plain
    # directory (a clone's, which may not mount a tmpfs of its own).
    covered = mounts and _worker_uid is None and _cover_other_scratch(scratch)
    mounted = os.path.ismount(scratch)
    report["scratch"] = "private tmpfs" if mounted else (
        "private directory (" + ("mount refused" if mounts else "no mount namespace") + ")"
    )  # fmt: skip
    # Secrets first: one inside a hidden directory could no longer be reached.
    if spec.secrets:
        report["secret files"] = _hide(spec.secrets, mounts)
    report["state directory"] = _hide(spec.hidden_paths, mounts)
    opened = _open_installation(spec.scratch_parent) if mounts and _worker_uid is not None else None
    # Before the worker takes a uid of its own, which may no longer list what it hides.
    report["other workers"] = _restrict(spec, report, scratch, namespaces=mounts)
    if mounts and _worker_uid is None and not covered:
        report["other workers"] += "; NOT covered: their scratch directories can be read"
    report["processes"] = _set_limits(spec, own_uid=os.geteuid() == 0)
    report["cpu priority"] = _lower_priority(spec.nice)
    report["user"], report["files"] = _become_own_user()
    if opened:
        report["files"] += (
            f"; the way to the installation or the scratch could not be opened to it ({opened})"
        )
    _install_filter(spec, report)
    return Confinement(scratch, report)


def _become_own_user() -> tuple[str, str]:
    """As root: real, effective and filesystem uid of its own, no capabilities. Says how the
    worker runs, and as whom it reads and writes files.

    Signals, ptrace and /proc go by the real and effective uids, so other workers and the
    server are out of reach, and RLIMIT_NPROC (which the kernel ignores for root) counts this
    worker's processes alone. Files go by the filesystem uid: the worker's own, so that the
    programs it starts (which run as that uid: execve resets the filesystem uid) can read
    what it writes. The installation was opened to that uid (`_open_installation`); only
    where that failed does the worker keep reading and writing files as root.
    """
    uid = _worker_uid
    if uid is None:
        # What a user namespace of its own gave it goes: with CAP_SYS_ADMIN there, Sage code
        # could unmount what hides the state directory.
        _capset(0)
        return (
            "the sidecar's own uid, no capabilities (a uid per worker needs the sidecar to "
            "start as root)",
            "the sidecar's uid, as the worker's",
        )
    paths = installation()  # as root: the bare uid may not even see what exists
    _libc.prctl(_PR_SET_KEEPCAPS, 1, 0, 0, 0)
    # Its own gid as a supplementary group too: the kernel checks a program's new gid against
    # the filesystem gid (0 in the fallback below) and the groups, and where neither matches
    # it runs the program in secure mode, whose loader ignores `$ORIGIN` rpaths. Sage's
    # bundled programs (tachyon for 3D plots) find their libraries through those.
    os.setgroups([uid])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)  # the filesystem uid follows
    _capset(_CAP_SETUID | _CAP_SETGID)
    unreachable = _out_of_reach(paths)
    if unreachable:
        _libc.setfsuid(0)
        _libc.setfsgid(0)
    _capset(0)
    _libc.prctl(_PR_SET_KEEPCAPS, 0, 0, 0, 0)
    user = "a uid of its own per worker, no capabilities"
    if unreachable:
        return user, (
            f"read and written as root, NOT as the worker's uid, which cannot read {unreachable}:"
            " Sage code can read and write every file root owns, and programs Sage starts"
            " cannot read what the worker writes (make the installation readable by all users)"
        )
    return user, "the worker's own uid, as are the programs it starts"


def _open_installation(scratch_parent: str) -> str | None:
    """In this mount namespace, as root: open to the worker's uid each directory on the way
    to the Python installation, and to the scratch, that other users may not enter (a home
    only root may enter, such as `/root/.pyenv`'s; a temporary directory of root's own),
    covered but for what of it leads there: the worker then reads its own installation and
    reaches its scratch by path (Sage's temporary files, its clones' scratch) as its own
    uid, and sees nothing else of that directory. Says what failed, if anything."""
    needed = {directory: set(names) for directory, names in closed_on_the_way()}
    for directory, names in _closed_on_the_way_to([scratch_parent]):
        needed.setdefault(directory, set()).update(names)
    for directory in sorted(needed):
        try:
            _cover_but(directory, sorted(needed[directory]), "mode=0755")
        except OSError as exc:
            return f"{directory}: {exc.strerror or exc}"
    return None


@functools.cache
def closed_on_the_way() -> list[tuple[str, list[str]]]:
    """The directories on the way to the installation that other users may not enter,
    outermost first, each with the names in it that lead there. Found once, in the
    forkserver, as `installation`."""
    return _closed_on_the_way_to(installation())


def _closed_on_the_way_to(paths: list[str]) -> list[tuple[str, list[str]]]:
    needed: dict[str, set[str]] = {}
    for path in paths:
        child = path
        while child != "/":
            directory = os.path.dirname(child)
            with contextlib.suppress(OSError):
                if os.stat(directory).st_mode & 0o005 != 0o005:
                    needed.setdefault(directory, set()).add(os.path.basename(child))
            child = directory
    return [(directory, sorted(names)) for directory, names in sorted(needed.items())]


def _out_of_reach(paths: list[str]) -> str | None:
    """The first of these paths this process's real uid cannot read, if any.

    Asked of the kernel (`access` goes by the real uid, with no capabilities), so every
    directory on the way counts, ACLs included."""
    for path in paths:
        if not os.access(path, os.R_OK | os.X_OK):
            return path
    return None


@functools.cache
def installation() -> list[str]:
    """What a worker reads after confinement: the interpreter, the standard library (imported
    lazily), the site packages, and the packages of Sage and of this project.

    Found once, in the forkserver (`preload`): `sysconfig` builds its tables on first use,
    which in each worker would cost private memory."""
    paths = [os.path.realpath(sys.executable)]
    paths += [sysconfig.get_path(name) for name in ("stdlib", "platstdlib", "purelib", "platlib")]
    for name in ("sage", "sage_sidecar", "sage_services"):
        module: Any = sys.modules.get(name)
        paths += list(getattr(module, "__path__", ()))
    return [path for path in dict.fromkeys(paths) if os.path.exists(path)]


def _capset(capabilities: int) -> None:
    """Set the effective and permitted capability sets (the first 32 capabilities) to these."""
    header = struct.pack("Ii", 0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this thread
    data = struct.pack("IIIIII", capabilities, capabilities, 0, 0, 0, 0)
    if _libc.capset(header, data) != 0:
        raise OSError(ctypes.get_errno(), "capset failed")


def _hide(paths: tuple[str, ...], mounts: bool) -> str:
    """Mount something empty over each path; says how that went. A refusal (an AppArmor
    profile that denies mount, a path gone since start-up) leaves it visible, never a dead
    worker."""
    if not mounts:
        return "VISIBLE to workers (no mount namespace)"
    for path in paths:
        try:
            _mount_over(path)
        except OSError as exc:
            return f"VISIBLE to workers ({exc.strerror or exc}: {path})"
    return "hidden"


def _restrict(spec: WorkerSpec, report: dict[str, str], scratch: str, *, namespaces: bool) -> str:
    """Landlock, for what the namespaces left in reach (all of it where they were refused)
    and for signals, which workers sharing the sidecar's uid could send one another. Updates
    the report's entries it changes; says how other workers are kept out."""
    visible = [
        key for key in ("secret files", "state directory") if "VISIBLE" in report.get(key, "")
    ]
    hide = [*spec.secrets, *spec.hidden_paths] if visible else []
    reveal = []
    if not namespaces:
        # No tmpfs of its own over each scratch: the directory of them all is hidden but for
        # this worker's family, with whatever later workers add to it.
        family = os.path.dirname(scratch)
        hide.append(os.path.dirname(family))
        reveal.append(family)
    # Sharing the sidecar's uid, a worker could write whatever that user may: on a desktop,
    # the user's home (~/.bashrc runs next time a shell starts). Writes go to its scratch and
    # the temporary directories only. A uid of its own keeps a root sidecar's workers out.
    writable = None if _worker_uid is not None else [os.path.dirname(scratch), *_WRITABLE]
    # Sharing that uid, it could read that user's files too: on a desktop, ~/.ssh and the
    # tokens of every tool, which Sage code could print for the agent that asked for it.
    personal = _personal(spec) if writable is not None else []
    readable = [*readable_installation(), *spec.readable_paths] if personal else []
    restrict = functools.partial(
        landlock.restrict,
        reveal=reveal,
        writable=writable,
        refuse_tcp=spec.isolate_network and not namespaces,
    )
    home_refused = ""
    try:
        try:
            done = restrict([*hide, *personal], readable=readable)
        except OSError as exc:
            if not personal:
                raise
            # The rest is worth having without it (a directory on the way that cannot be
            # listed refuses the home alone).
            home_refused = f"Landlock refused it: {exc.strerror or exc}"
            personal = []
            done = restrict(hide)
    except OSError as exc:
        done = landlock.Restricted(False, False, False)
        refused = f"Landlock refused: {exc.strerror or exc}"
        home_refused, personal = refused, []
    else:
        refused = f"this kernel's Landlock (ABI {landlock.abi_version()}) has no scopes"
    if writable is not None:
        report["home"] = _home_report(spec, personal, home_refused)
        report["writes"] = (
            "to its scratch and the temporary directories only (Landlock)"
            if done.writes_contained
            else f"NOT contained: wherever the sidecar's uid may write ({refused})"
        )
    for key in visible if done.paths_hidden else ():
        report[key] = "unreadable (Landlock; the names in it can be listed)"
    if done.tcp_refused:
        why = report["network"].removeprefix("NOT isolated: ")
        report["network"] = f"TCP refused (Landlock); UDP and other protocols NOT isolated: {why}"
    if _worker_uid is not None:
        return "out of reach (a uid of its own)"
    if not done.scoped:
        return (
            "NOT out of reach: workers share the sidecar's uid and may signal one another "
            f"({refused})"
        )
    if namespaces:
        return "out of reach (Landlock scopes, and no scratch in sight but its own)"
    return "out of reach (Landlock scopes, and each scratch hidden from the others)"


# Where a worker sharing the sidecar's uid may write besides its scratch: the temporary
# directories, and /dev for its null device and terminals (Sage's helpers run on ptys).
_WRITABLE = ("/tmp", "/var/tmp", "/dev")


def _personal(spec: WorkerSpec) -> list[str]:
    """The personal paths that exist and can be hidden: not one a temporary directory is in
    (a home of `/`) or that is in one (a home in /tmp, which could then no longer take files
    of its own), nor one the sidecar was told workers may read."""
    hidden = []
    for path in {os.path.realpath(p) for p in spec.personal_paths}:
        if not os.path.isdir(path) or any(
            landlock.within(path, other) or landlock.within(other, path) for other in _WRITABLE
        ):
            continue
        if any(landlock.within(path, os.path.realpath(other)) for other in spec.readable_paths):
            continue
        hidden.append(path)
    return sorted(hidden)


def _home_report(spec: WorkerSpec, hidden: list[str], refused: str) -> str:
    if hidden:
        granted = "; readable: " + ", ".join(spec.readable_paths) if spec.readable_paths else ""
        return f"unreadable but for the installation (Landlock): {', '.join(hidden)}{granted}"
    if refused:
        return f"NOT hidden: Sage code may read every file of the sidecar's user ({refused})"
    if not any(os.path.isdir(path) for path in spec.personal_paths):
        return "none to hide (the sidecar's user has no home directory)"
    return "readable: it is a temporary directory, or one workers were given to read"


@functools.cache
def readable_installation() -> list[str]:
    """What of the personal paths workers still read, where the sidecar's user installed
    Python and Sage there (pyenv, a venv or a Sage built in the home): `installation`, the
    import path (editable installs, the user's site packages) and Sage's own trees of data
    (GAP's, Maxima's). Found once, in the forkserver, as `installation`."""
    import sage.env

    paths = [*installation(), sys.prefix, sys.base_prefix, sys.exec_prefix]
    paths += [path for path in sys.path if path]
    for name in ("SAGE_ROOT", "SAGE_LOCAL", "SAGE_VENV", "SAGE_SHARE", "SAGE_LIB", "ECLDIR"):
        value = getattr(sage.env, name, None)
        if isinstance(value, str) and value:
            paths.append(value)
    paths += str(getattr(sage.env, "GAP_ROOT_PATHS", "") or "").split(";")
    return [path for path in dict.fromkeys(paths) if path and os.path.exists(path)]


def scratch_parent(base: str | None = None) -> str:
    """The directory workers' scratch goes in, made by the server: one per sidecar uid, in
    `base` or the temporary directory. Being theirs alone, Landlock can hide it but for a
    worker's own scratch, with whatever later workers add to it."""
    uid = os.geteuid()
    if base:
        os.makedirs(base, exist_ok=True)
    path = os.path.join(base or tempfile.gettempdir(), f"sage-workers-{uid}")
    with contextlib.suppress(FileExistsError):
        os.mkdir(path, 0o700)
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != uid:  # another's, or a link
        return tempfile.mkdtemp(prefix=f"sage-workers-{uid}-", dir=base)
    # As root, workers of their own uids pass through it to their scratch; none lists it.
    os.chmod(path, 0o711 if uid == 0 else 0o700)
    return path


def new_scratch(spec: WorkerSpec, mounts: bool, family: str | None = None) -> str:
    """A fresh scratch directory as cwd, HOME and TMPDIR, with Sage's temporary directory and
    `.sage` in it, and in `.sage/bin` the programs Sage runs by name that the installation
    has under other names; its own tmpfs when mounts are ours and the platform lets them be
    made. The worker's uid owns it, so the programs it starts can write there too.

    A clone's goes in its source's `family` directory, beside the source's: under Landlock
    a clone can reach only what its source could, and apart from it, the clone's scratch
    stays when the source's is removed."""
    # A forked clone shares its source's mount namespace until it takes its own, which it
    # may no longer be allowed to: then its scratch is a plain directory.
    mounts = mounts and _libc.unshare(_CLONE_NEWNS) == 0
    uid = _worker_uid
    if family is None:
        prefix = f"{SCRATCH_PREFIX}{os.getpid()}-"
        family = tempfile.mkdtemp(prefix=prefix, dir=spec.scratch_parent)
        if uid is not None:  # so that its clones, of the same uid, can add theirs
            _hand_over(family, uid)
    path = os.path.join(family, str(os.getpid()))
    os.mkdir(path, 0o700)
    # The worker's gid is its own alone; group access lets in a worker that still reads and
    # writes files as root (the fallback in `_become_own_user`).
    access = "mode=0700" if uid is None else f"mode=0770,uid={uid},gid={uid}"
    mounted = False
    if mounts:
        with contextlib.suppress(OSError):
            _mount_tmpfs(path, f"size={spec.scratch_bytes},{access}")
            mounted = True
    if uid is not None and not mounted:
        _hand_over(path, uid)
    os.chdir(path)
    os.environ.update(TMPDIR=path, HOME=path, MPLCONFIGDIR=path)
    tempfile.tempdir = path
    sage_temporary = _move_sage_temporary_directory(path)
    sage_own = _move_sage_user_directory(path)
    programs.put_on_path(os.path.join(sage_own, "bin"))
    if uid is not None:  # made before the worker gives up root
        _hand_over(sage_temporary, uid)
        _hand_over(sage_own, uid)
    return path


def sages_own_entries() -> frozenset[str]:
    """The names in the current scratch that Sage keeps for itself (its temporary directory,
    `.sage`), not the session's files. Call before `new_scratch` moves them."""
    from sage.misc import temporary_file

    return frozenset({os.path.basename(temporary_file.TMP_DIR_FILENAME_BASE.name), ".sage"})


def copy_files(source: str, target: str, skip: frozenset[str]) -> None:
    """The files a session made in its scratch (`source`), into a clone's (`target`), as they
    are: symbolic links stay links. What does not fit in the clone's scratch is left out
    whole, never cut short."""
    for entry in os.scandir(source):
        if entry.name in skip:
            continue
        destination = os.path.join(target, entry.name)
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.copytree(entry.path, destination, symlinks=True)
            else:
                shutil.copy2(entry.path, destination, follow_symlinks=False)
        except OSError:
            if os.path.isdir(destination) and not os.path.islink(destination):
                shutil.rmtree(destination, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    os.remove(destination)


def _hand_over(path: str, uid: int) -> None:
    """Give a directory to the worker's uid, as the scratch tmpfs options do."""
    # A clone no longer may give a file away: its own gid, which it may set, is enough.
    with contextlib.suppress(PermissionError):
        os.chown(path, uid, -1)
    os.chown(path, -1, uid)
    os.chmod(path, 0o770)


# Sage's temporary directories this worker inherited: kept referenced, since dropping the
# last reference to one deletes it, and its owner (the forkserver, a clone's source) still
# uses it.
_inherited_temporary_directories: list[tempfile.TemporaryDirectory[str]] = []


def _move_sage_temporary_directory(scratch: str) -> str:
    """Sage's temporary files (`tmp_filename`, `tmp_dir`: 3D plot scenes, interface input)
    go into the scratch too; returns their directory. The one Sage made at import is the
    forkserver's, which every worker would share."""
    from sage.misc import temporary_file

    _inherited_temporary_directories.append(temporary_file.TMP_DIR_FILENAME_BASE)
    own = tempfile.TemporaryDirectory(prefix="sage_", dir=scratch)
    temporary_file.TMP_DIR_FILENAME_BASE = own
    # Where `cython()` builds, which Sage made in the forkserver's on first use; made anew in
    # this one on the worker's.
    temporary_file._spyx_tmp = None
    return own.name


def _move_sage_user_directory(scratch: str) -> str:
    """Sage's own directory (`DOT_SAGE`, `~/.sage`), where its interfaces keep GAP's
    workspace and PARI's log, goes into the scratch too: the home is out of a worker's
    reach, or not its to write, and another session's besides. Returns it."""
    own = os.path.join(scratch, ".sage")
    os.mkdir(own, 0o700)
    os.environ["DOT_SAGE"] = own
    for module, name, rest in sage_user_paths():
        setattr(module, name, own + rest)
    return own


@functools.cache
def sage_user_paths() -> list[tuple[Any, str, str]]:
    """Every path in `DOT_SAGE` that Sage's modules worked out as they were imported, as
    (module, name, what follows `DOT_SAGE`); modules imported later read `sage.env`'s,
    which is among them. Found once, in the forkserver, as `installation`."""
    import sage.env

    base = sage.env.DOT_SAGE.rstrip("/")
    found = []
    for module_name, module in list(sys.modules.items()):
        if module is None or not (module_name == "sage" or module_name.startswith("sage.")):
            continue
        for name, value in list(vars(module).items()):
            if isinstance(value, str) and (value == base or value.startswith(base + "/")):
                found.append((module, name, value[len(base) :]))
    return found


def remove_scratch(path: str) -> None:
    """Remove a worker's scratch, and its family directory once no clone's is left there.
    Nothing but a directory in a family is removed: the path came from the worker."""
    family = os.path.dirname(path)
    if not os.path.basename(family).startswith(SCRATCH_PREFIX):
        return
    shutil.rmtree(path, ignore_errors=True)
    with contextlib.suppress(OSError):  # not empty: a clone's scratch is still there
        os.rmdir(family)


def remove_abandoned_scratch(*parents: str) -> list[str]:
    """Remove the scratch directories of workers that are gone; returns them.

    A sidecar removes its workers' scratch as they end, but one killed outright cannot, and
    where /tmp outlives it (a pod's emptyDir across container restarts) what sessions wrote
    there would pile up. A family directory with a live worker among its members (another
    sidecar's), or that is not this user's to remove, is left alone."""
    removed = []
    for parent in parents:
        with contextlib.suppress(FileNotFoundError):
            removed += [path for path in _families(parent) if _abandoned(path)]
    for path in removed:
        shutil.rmtree(path, ignore_errors=True)
    return removed


def _families(parent: str) -> list[str]:
    families = []
    for entry in os.scandir(parent):
        if not entry.name.startswith(SCRATCH_PREFIX):
            continue
        with contextlib.suppress(OSError):
            if not entry.is_dir(follow_symlinks=False):
                continue
            if os.geteuid() != 0 and entry.stat(follow_symlinks=False).st_uid != os.geteuid():
                continue
            families.append(entry.path)
    return families


def _abandoned(family: str) -> bool:
    creator = os.path.basename(family).removeprefix(SCRATCH_PREFIX).partition("-")[0]
    try:
        members = [name for name in os.listdir(family) if name.isdigit()]
    except OSError:
        return False
    pids = [int(pid) for pid in (creator, *members) if pid.isdigit()]
    return bool(pids) and not any(psutil.pid_exists(pid) for pid in pids)


def keep_out() -> None:
    """Make this process's /proc entries (memory, fds, environment) unreadable by processes of
    the same uid, such as workers when the sidecar does not run as root."""
    _libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)


def _enter_namespaces(spec: WorkerSpec, report: dict[str, str]) -> bool:
    flags = _CLONE_NEWNS | (_CLONE_NEWNET if spec.isolate_network else 0)
    entered = _libc.unshare(flags) == 0
    if not entered:
        # Unprivileged: a user namespace of our own lets us create the others.
        uid, gid = os.getuid(), os.getgid()
        entered = _libc.unshare(_CLONE_NEWUSER | flags) == 0
        if entered:
            # A process that is not dumpable (`keep_out`, inherited from the forkserver) may
            # not write its own maps: it is for these writes only, before any user code runs.
            _libc.prctl(_PR_SET_DUMPABLE, 1, 0, 0, 0)
            _write("/proc/self/setgroups", "deny")
            _write("/proc/self/uid_map", f"{uid} {uid} 1")
            _write("/proc/self/gid_map", f"{gid} {gid} 1")
            _libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)
    if not entered:
        reason = os.strerror(ctypes.get_errno())
        report["network"] = (
            f"NOT isolated: namespaces refused ({reason})" if spec.isolate_network else "host"
        )
        return False
    if entered:
        _libc.mount(None, b"/", None, _MS_REC | _MS_PRIVATE, None)
    report["network"] = "none (own network namespace)" if spec.isolate_network else "host"
    return True


def _cover_other_scratch(scratch: str) -> bool:
    """In this mount namespace: the directory of all workers' scratch covered but for this
    worker's family (its clones make their scratch there). Whether that held."""
    family = os.path.dirname(scratch)
    try:
        _cover_but(os.path.dirname(family), [os.path.basename(family)], "mode=0711")
    except OSError:
        return False
    return True


def _cover_but(directory: str, names: list[str], mode: str) -> None:
    """In this mount namespace: an empty tmpfs over `directory`, with the entries `names`
    of it bound back in place. If that fails, nothing is left covered."""
    held: dict[str, int] = {}
    covered = False
    try:
        for name in names:
            held[name] = os.open(os.path.join(directory, name), os.O_PATH | os.O_CLOEXEC)
        _mount_tmpfs(directory, f"size=64k,{mode}")
        covered = True
        for name, fd in held.items():
            target = os.path.join(directory, name)
            if stat.S_ISDIR(os.fstat(fd).st_mode):
                os.mkdir(target)
            else:
                os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o644))
            source = f"/proc/self/fd/{fd}".encode()
            if _libc.mount(source, target.encode(), None, _MS_BIND | _MS_REC, None) != 0:
                raise OSError(ctypes.get_errno(), f"cannot bind {target} back")
    except OSError:
        if covered:
            _libc.umount2(directory.encode(), _MNT_DETACH)
        raise
    finally:
        for fd in held.values():
            os.close(fd)


def _mount_tmpfs(path: str, options: str) -> None:
    flags = _MS_NOSUID | _MS_NODEV | _MS_NOEXEC
    if _libc.mount(b"tmpfs", path.encode(), b"tmpfs", flags, options.encode()) != 0:
        raise OSError(ctypes.get_errno(), f"cannot mount a tmpfs on {path}")


def _mount_over(path: str) -> None:
    """In this mount namespace: /dev/null over a file, which then reads as empty, or an
    empty tmpfs over a directory."""
    if os.path.isdir(path):
        _mount_tmpfs(path, "size=4k,mode=000")
    elif _libc.mount(b"/dev/null", path.encode(), None, _MS_BIND, None) != 0:
        raise OSError(ctypes.get_errno(), f"cannot mount over {path}")


def _write(path: str, text: str) -> None:
    with open(path, "w") as file:
        file.write(text)


def _set_limits(spec: WorkerSpec, *, own_uid: bool) -> str:
    """The resource limits; says how the number of processes is bounded.

    RLIMIT_NPROC counts every task of the real uid on the machine. With a uid of its own per
    worker, that is the worker's. Sharing the sidecar's uid, it would count the sidecar's own
    threads, every other worker's and those of anything else running as that uid: a limit
    that fails at random, so it is left to the container's pids limit."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if spec.memory_bytes:
        # Relative to the warm baseline: Sage maps about 2 GB of address space at import.
        cap = _address_space_bytes() + spec.memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    for limit, value in (
        (resource.RLIMIT_NPROC, spec.max_processes if own_uid else 0),
        (resource.RLIMIT_FSIZE, spec.max_file_bytes),
        (resource.RLIMIT_NOFILE, spec.max_open_files),
    ):
        if value:
            resource.setrlimit(limit, (value, value))
    if not spec.max_processes:
        return "no limit (--worker-max-processes 0)"
    if own_uid:
        return f"at most {spec.max_processes} per worker"
    return (
        "NOT limited by the sidecar: workers share its uid, which RLIMIT_NPROC would count "
        "as a whole; the container's pids limit applies"
    )


def _lower_priority(increment: int) -> str:
    """Below the server: a worker woken by the server's write then waits for the server to
    finish its turn, rather than take its CPU from it, and a busy worker leaves the server the
    CPU it needs. Without CAP_SYS_NICE, which no worker keeps, it cannot be raised again."""
    server = os.getpriority(os.PRIO_PROCESS, 0)
    own = os.nice(increment)
    if own == server:
        return f"the server's own (nice {own})"
    return f"below the server's (nice {own}, the server's {server})"


def _address_space_bytes() -> int:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[0])
    return pages * os.sysconf("SC_PAGE_SIZE")


# Syscall numbers by machine: (audit arch, {name: number}).
_SYSCALLS = {
    "x86_64": (0xC000003E, {
        "kill": 62, "tkill": 200, "tgkill": 234, "rt_sigqueueinfo": 129,
        "rt_tgsigqueueinfo": 297, "ptrace": 101, "process_vm_writev": 311,
        "process_vm_readv": 310, "pidfd_open": 434, "pidfd_send_signal": 424,
        "io_uring_setup": 425, "socket": 41, "unshare": 272, "setns": 308, "mount": 165,
        "umount2": 166, "pivot_root": 155, "bpf": 321, "perf_event_open": 298,
        "userfaultfd": 323, "keyctl": 250, "add_key": 248, "request_key": 249, "clone": 56,
        "clone3": 435, "connect": 42,
    }),
    "aarch64": (0xC00000B7, {
        "kill": 129, "tkill": 130, "tgkill": 131, "rt_sigqueueinfo": 138,
        "rt_tgsigqueueinfo": 240, "ptrace": 117, "process_vm_writev": 271,
        "process_vm_readv": 270, "pidfd_open": 434, "pidfd_send_signal": 424,
        "io_uring_setup": 425, "socket": 198, "unshare": 97, "setns": 268, "mount": 40,
        "umount2": 39, "pivot_root": 41, "bpf": 280, "perf_event_open": 241,
        "userfaultfd": 282, "keyctl": 219, "add_key": 217, "request_key": 218, "clone": 220,
        "clone3": 435, "connect": 203,
    }),
}  # fmt: skip
# Calls whose first argument names the target process; the others are refused outright.
_TARGETED = ("kill", "tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo",
             "process_vm_writev", "process_vm_readv", "pidfd_open")  # fmt: skip
# Kernel interfaces nothing in Sage uses, through which untrusted code reaches the kernel's
# most exploited code: namespaces of its own (a user namespace gives back every capability in
# it), mounts, BPF, perf events, userfaultfd, keyrings; and io_uring, which would also open
# sockets without the `socket` call this filter checks. The worker has made its own
# namespaces and mounts by the time the filter applies.
_REFUSED = ("ptrace", "pidfd_send_signal", "io_uring_setup", "unshare", "setns", "mount",
            "umount2", "pivot_root", "bpf", "perf_event_open", "userfaultfd", "keyctl",
            "add_key", "request_key")  # fmt: skip
# `clone` with any of these flags makes namespaces too (NEWNS, NEWCGROUP, NEWUTS, NEWIPC,
# NEWUSER, NEWPID, NEWNET). `clone3` passes its flags in memory a filter cannot read: it is
# refused as missing (ENOSYS), and the C library falls back to `clone`, as under Docker.
_NAMESPACE_FLAGS = 0x7E020000
# The socket families a worker without network keeps: Unix sockets (its channel, Sage's own
# helpers, `multiprocessing`) and netlink, which only talks to the kernel. Every other family
# (IPv4 and IPv6 with UDP and DNS, but also vsock to a VM's host, which no network namespace
# cuts off) is refused with EACCES, as Landlock refuses TCP.
_LOCAL_FAMILIES = (1, 16)  # AF_UNIX, AF_NETLINK
# Nor may it connect to anything: left, that is the Unix sockets of whoever the sidecar runs
# as (the forkserver's, and on a desktop the user's D-Bus, ssh-agent, Docker's...), which
# namespaces and Landlock leave in reach of workers sharing its uid. Its own sockets come
# made (`socketpair`, or passed to it), and a Unix socket's address is in memory a filter
# cannot read, so `connect` goes whole.


def _install_filter(spec: WorkerSpec, report: dict[str, str]) -> None:
    """A seccomp filter: EPERM for signalling, tracing or writing into protected processes
    and for the kernel interfaces in `_REFUSED`; and, unless the network is allowed, no
    sockets but local ones and no `connect`. Reports what it put in place."""
    machine = _SYSCALLS.get(platform.machine())
    if machine is None:
        report["server"] = f"NOT protected: no seccomp filter for {platform.machine()}"
        return
    arch, numbers = machine
    # The forkserver too: it is this worker's parent.
    forbidden = {pid & 0xFFFFFFFF for pid in (*spec.protected_pids, os.getppid())}
    forbidden |= {(-group) & 0xFFFFFFFF for group in spec.protected_groups}
    forbidden.add(0xFFFFFFFF)  # kill(-1): every process we may signal
    families = _LOCAL_FAMILIES if spec.isolate_network else None
    program = _filter(arch, numbers, sorted(forbidden), families)
    if _libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        report["server"] = f"NOT protected: {os.strerror(ctypes.get_errno())}"
        return
    code = b"".join(program)
    buffer = ctypes.create_string_buffer(code)
    fprog = struct.pack("HL", len(program), ctypes.addressof(buffer))
    fprog_buffer = ctypes.create_string_buffer(fprog)
    if _libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, fprog_buffer, 0, 0) != 0:
        report["server"] = f"NOT protected: seccomp refused ({os.strerror(ctypes.get_errno())})"
        return
    report["server"] = "out of reach (seccomp)"
    report["kernel"] = (
        "no namespaces, mounts, BPF, perf events, userfaultfd, keyrings or io_uring (seccomp)"
    )
    if families is not None:
        network = report["network"]
        refused = "no sockets but Unix and netlink ones, and no connect (seccomp)"
        if network.startswith("none"):  # its own namespace, which vsock would have crossed
            report["network"] = f"{network}; {refused}"
        else:
            why = network.split("NOT isolated: ", 1)[-1]
            report["network"] = f"none: {refused}; {why}"


def _filter(
    arch: int, numbers: dict[str, int], forbidden: list[int], families: tuple[int, ...] | None
) -> list[bytes]:
    ld_w_abs, jeq_k, ret_k = 0x20, 0x15, 0x06
    allow, ret_errno = 0x7FFF0000, 0x00050000
    deny, refuse, missing = (
        ret_errno | errno.EPERM,
        ret_errno | errno.EACCES,
        ret_errno | errno.ENOSYS,
    )
    offset_nr, offset_arch, offset_arg0 = 0, 4, 16

    def op(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
        return struct.pack("HBBI", code, jt, jf, k)

    jge_k, jset_k, x32_bit = 0x35, 0x45, 0x40000000
    # Blocks: each ends in a return, so jumps only ever go forward to the next block. Calls
    # through another ABI (i386 on x86_64, or x32) would dodge the numbers: refused.
    program = [op(ld_w_abs, offset_arch), op(jeq_k, arch, 1, 0), op(ret_k, deny)]
    program += [op(ld_w_abs, offset_nr), op(jge_k, x32_bit, 0, 1), op(ret_k, deny)]
    for name in _REFUSED:
        program += [op(jeq_k, numbers[name], 0, 1), op(ret_k, deny)]
    program += [op(jeq_k, numbers["clone3"], 0, 1), op(ret_k, missing)]
    # The flags are clone's first argument, in its low 32 bits.
    program += [op(jeq_k, numbers["clone"], 0, 4), op(ld_w_abs, offset_arg0),
                op(jset_k, _NAMESPACE_FLAGS, 0, 1), op(ret_k, deny), op(ret_k, allow)]  # fmt: skip
    if families is not None:
        # The family is an int: the kernel reads the argument's low 32 bits, as this does.
        check = [op(ld_w_abs, offset_arg0)]
        check += [op(jeq_k, family, len(families) - index, 0) for index, family in
                  enumerate(families)]  # fmt: skip
        check += [op(ret_k, refuse), op(ret_k, allow)]
        program += [op(jeq_k, numbers["socket"], 0, len(check)), *check]
        program += [op(jeq_k, numbers["connect"], 0, 1), op(ret_k, refuse)]
    for name in _TARGETED:
        check = [op(ld_w_abs, offset_arg0)]
        for index, value in enumerate(forbidden):
            remaining = len(forbidden) - index - 1
            check.append(op(jeq_k, value, remaining + 1, 0))
        check += [op(ret_k, allow), op(ret_k, deny)]
        program += [op(jeq_k, numbers[name], 0, len(check)), *check]
    program.append(op(ret_k, allow))
    return program
