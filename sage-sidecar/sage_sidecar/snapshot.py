"""Snapshots of a worker's namespace: what the user bound, pickled the way Sage does.

As `save_session` does, only names the session bound are saved, with `sage.misc.persist`.
Functions and classes defined in the session, which Sage's pickling refuses, go through
cloudpickle, which pickles code by value; their globals, the session's namespace, go as a
reference to the namespace the snapshot is loaded into. Anything else that cannot be pickled
is named in the result, never silently dropped. The files the session made in its working
directory go along, within a size limit. Runs in the worker; counterpart: `store`, where the
server keeps the bytes.

Pickling runs user code (`__reduce__`), so a snapshot can be slow, never end, or raise anything.
The server interrupts one that runs past its budget: the variable being pickled then is left
out of later snapshots (while it holds the same value), so it does not cost a whole budget at
every rest. Any other exception, SystemExit included, leaves out only the variable that raised.
"""

from __future__ import annotations

import ast
import contextlib
import copyreg
import functools
import io
import os
import pickle
import re
import stat
import sys
import time
import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import cloudpickle
from sage.interfaces.maxima import MaximaElement
from sage.misc.cachefunc import CachedFunction, CachedMethod, cached_function, cached_method
from sage.misc.persist import dumps, loads
from sage.symbolic.assumptions import assume, assumptions, forget
from sage.symbolic.callable import CallableSymbolicExpressionRing_class as CallableExpressions
from sage.symbolic.expression import Expression
from sage.symbolic.ring import SR

from sage_sidecar import sandbox
from sage_sidecar.console_input import preparsing

# Names the worker itself manages; never part of a snapshot.
_UNSAVED = frozenset({"__builtins__", "__name__", "_"})
_FORMAT = 1
# What a snapshot keeps of the files a session made, in all: beyond it, every snapshot would
# grow with them.
MAX_FILES_BYTES = 8 << 20
# An interrupt this far into the budget is the server saying the time is up (the worker's clock
# starts a little after the server's); an earlier one means an evaluation wants the worker.
_OUT_OF_TIME = 0.9
# How the session's assumptions (`assume()`) are named in a snapshot's report.
_ASSUMPTIONS = "assumptions()"
# Where a snapshot's code refers to the session's namespace (a function's globals): whichever
# namespace the snapshot is loaded into.
_SESSION_GLOBALS = "session globals"
# The `__main__` pickle sees while a snapshot is taken: one where the session's own functions
# and classes are not found by name.
_ELSEWHERE = types.ModuleType("__main__")


@dataclass
class SnapshotReport:
    saved: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    # On load: the session's files not brought back, each with why.
    files_failed: dict[str, str] = field(default_factory=dict)


# A file the session made in its working directory: its path there, its permission bits,
# and its bytes, a symbolic link's target, or None for a directory.
SessionFile = tuple[str, int, bytes | str | None]


# Statements that can bind a name. A cell with none of them can still change a value in place
# (`L.append(1)`); replaying the journal rebuilds those, and a snapshot comes every few cells.
_BINDING = (
    ast.Assign, ast.AugAssign, ast.AnnAssign, ast.NamedExpr, ast.FunctionDef,
    ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom, ast.Delete, ast.For,
    ast.AsyncFor, ast.With, ast.AsyncWith, ast.Global, ast.Try, ast.Match,
)  # fmt: skip


def binds_names(tree: ast.AST) -> bool:
    """Whether a cell may rebind names: then a snapshot after it saves replaying it."""
    return any(isinstance(node, _BINDING) for node in ast.walk(tree))


class NamespaceTracker:
    """Knows which names the session bound, compared with a fresh console namespace."""

    def __init__(self, initial: dict[str, Any]) -> None:
        self._initial = {name: id(value) for name, value in initial.items()}
        # Names a snapshot gave up on, with the value they held then and why.
        self._given_up: dict[str, tuple[Any, str]] = {}

    def give_up(self, name: str, value: Any, reason: str) -> None:
        """Leave `name` out of snapshots while it is bound to `value`."""
        self._given_up[name] = (value, reason)

    def given_up(self, bindings: dict[str, Any]) -> dict[str, str]:
        """The names of `bindings` to leave out, with why; rebinding a name tries it again."""
        for name, (value, _) in list(self._given_up.items()):
            if bindings.get(name, self) is not value:
                del self._given_up[name]
        return {name: reason for name, (_, reason) in self._given_up.items()}

    def user_bindings(self, namespace: dict[str, Any]) -> dict[str, Any]:
        return {
            name: value
            for name, value in namespace.items()
            if name not in _UNSAVED and self._initial.get(name) != id(value)
        }

    def variables(self, namespace: dict[str, Any]) -> dict[str, Any]:
        """The bindings a listing shows (ListVariables, `%who`): those with a name, neither
        private nor a module."""
        return {
            name: value
            for name, value in self.user_bindings(namespace).items()
            if isinstance(name, str)  # `globals()[1] = 2` binds a name that is not one
            and not name.startswith("_")
            and not isinstance(value, types.ModuleType)
        }

    def removed(self, namespace: dict[str, Any]) -> list[str]:
        return [name for name in self._initial if name not in namespace]


class Interrupted(Exception):
    """The snapshot was interrupted; `given_up` is the variable it left out from now on, if
    it ran out of time, with why."""

    def __init__(self, message: str, given_up: dict[str, str]) -> None:
        super().__init__(message)
        self.given_up = given_up


class _Progress:
    """Which variable is being pickled, so that an interrupt can say which one was slow."""

    def __init__(self, budget: float) -> None:
        self.budget = budget
        self.began = time.monotonic()
        self.name = ""

    def interrupted(self, bindings: dict[str, Any], tracker: NamespaceTracker) -> Interrupted:
        out_of_time = time.monotonic() - self.began >= self.budget * _OUT_OF_TIME
        if not (self.budget and out_of_time and self.name in bindings):
            return Interrupted("it was interrupted", {})
        reason = f"pickling it did not finish within {self.budget:g} s, the snapshot budget"
        tracker.give_up(self.name, bindings[self.name], reason)
        return Interrupted(
            f"it did not finish within its {self.budget:g} s budget; variable {self.name!r}, "
            "which it was pickling then, is left out of snapshots from now on",
            {self.name: reason},
        )


class _Named:
    """A variable's value in the one pickle for all, which notes the variable's name as the
    pickler reaches it and unpickles as the value itself."""

    __slots__ = ("name", "progress", "value")

    def __init__(self, name: str, value: Any, progress: _Progress) -> None:
        self.name, self.value, self.progress = name, value, progress

    def __reduce__(self) -> tuple[Any, tuple[Any]]:
        self.progress.name = self.name
        return _value, (self.value,)


def _value(value: Any) -> Any:
    return value


def dump(
    namespace: dict[str, Any], tracker: NamespaceTracker, budget: float = 0.0
) -> tuple[bytes, SnapshotReport]:
    """The session's bindings as bytes; the server stores them (workers cannot see the disk).

    Raises `Interrupted` on KeyboardInterrupt, which is the server's SIGINT: an evaluation
    wants the worker, or the `budget` (seconds) ran out.
    """
    bindings = tracker.user_bindings(namespace)
    report = SnapshotReport()
    for name, reason in tracker.given_up(bindings).items():
        del bindings[name]
        report.failed[name] = reason
    progress = _Progress(budget)
    try:
        with _snapshot_pickling():
            sage_blob, code_part = _pickled(bindings, namespace, progress, report)
            assumed = _assumed(report)
        files, files_left_out = session_files(sandbox.sages_own_entries())
    except KeyboardInterrupt:
        raise progress.interrupted(bindings, tracker) from None
    payload = pickle.dumps(
        {
            "format": _FORMAT,
            "sage": sage_blob,
            "code": code_part,
            "removed": tracker.removed(namespace),
            "unsaved": report.failed,
            "assumptions": assumed,
            "preparse": preparsing(),
            "files": files,
            "files_unsaved": files_left_out,
        }
    )
    return payload, report


def session_files(skip: frozenset[str]) -> tuple[list[SessionFile], dict[str, str]]:
    """The files the session made in its working directory (but the top-level entries in
    `skip`, Sage's own), smallest first up to `MAX_FILES_BYTES` in all; and those left out,
    with why. A snapshot keeps them, so that a restored session finds its files again."""
    files: list[SessionFile] = []  # directories and links, then the regular files read
    regular: list[tuple[int, str, int]] = []  # size, path, permission bits
    left_out: dict[str, str] = {}
    for directory, subdirectories, names in os.walk("."):
        if directory == ".":
            subdirectories[:] = [name for name in subdirectories if name not in skip]
            names = [name for name in names if name not in skip]
        # os.walk lists a link to a directory with the directories, and does not enter it.
        for name in sorted([*subdirectories, *names]):
            path = os.path.join(directory, name)[2:]
            try:
                status = os.lstat(path)
                if stat.S_ISLNK(status.st_mode):
                    files.append((path, 0, os.readlink(path)))
                elif stat.S_ISDIR(status.st_mode):
                    files.append((path, stat.S_IMODE(status.st_mode), None))
                elif stat.S_ISREG(status.st_mode):
                    regular.append((status.st_size, path, stat.S_IMODE(status.st_mode)))
                else:
                    left_out[path] = "not a regular file"
            except OSError as exc:
                left_out[path] = describe(exc)
    total = 0
    for size, path, mode in sorted(regular):
        if total + size > MAX_FILES_BYTES:
            left_out[path] = (
                f"{size} bytes, past the {MAX_FILES_BYTES >> 20} MiB of files a snapshot keeps"
            )
            continue
        try:
            with open(path, "rb") as file:
                contents = file.read(MAX_FILES_BYTES + 1)
        except OSError as exc:
            left_out[path] = describe(exc)
            continue
        total += len(contents)
        files.append((path, mode, contents))
    return files, left_out


def _write_files(files: list[SessionFile], report: SnapshotReport) -> None:
    """Put back the session's files, in the working directory and nowhere else."""
    for path, mode, contents in sorted(files, key=lambda file: file[0].count("/")):
        parts = path.split("/")
        if not path or os.path.isabs(path) or ".." in parts or "" in parts:
            report.files_failed[path] = "its path leads out of the working directory"
            continue
        try:
            if contents is None:
                os.makedirs(path, mode=mode or 0o700, exist_ok=True)
            elif isinstance(contents, str):
                os.symlink(contents, path)
            else:
                with open(path, "wb") as file:
                    file.write(contents)
                os.chmod(path, mode)
        except OSError as exc:
            report.files_failed[path] = describe(exc)


def _assumed(report: SnapshotReport) -> bytes | None:
    """What `assume()` declared, which Sage keeps outside the namespace: without it, a restored
    session would simplify `sqrt(y^2)` no more."""
    facts = assumptions()
    if not facts:
        return None
    try:
        return bytes(dumps(facts, compress=False))
    except KeyboardInterrupt:
        raise
    except BaseException as exc:
        report.failed[_ASSUMPTIONS] = describe(exc)
        return None


def _pickled(
    bindings: dict[str, Any],
    namespace: dict[str, Any],
    progress: _Progress,
    report: SnapshotReport,
) -> tuple[bytes, dict[str, bytes]]:
    """Sage's pickle of what it can pickle, and cloudpickle's of each of the rest."""
    try:
        # One pickle for all, so objects shared between variables stay shared.
        named = {name: _Named(name, value, progress) for name, value in bindings.items()}
        sage_blob = dumps(named, compress=True)
        report.saved = sorted(bindings)
        return sage_blob, {}
    except KeyboardInterrupt:
        raise
    except BaseException:  # a user's `__reduce__` may raise anything, SystemExit too
        pass
    sage_part: dict[str, Any] = {}
    code_part: dict[str, bytes] = {}
    for name, value in bindings.items():
        progress.name = name
        try:
            dumps(value, compress=False)
            sage_part[name] = _Named(name, value, progress)
        except KeyboardInterrupt:
            raise
        except BaseException:
            try:
                code_part[name] = _code_dumps(value, namespace)
            except KeyboardInterrupt:
                raise
            except BaseException as exc:
                report.failed[name] = describe(exc)
                continue
        report.saved.append(name)
    progress.name = ""
    return dumps(sage_part, compress=True), code_part


@contextlib.contextmanager
def _snapshot_pickling() -> Iterator[None]:
    """How a snapshot pickles what Sage would pickle otherwise.

    The functions and classes the session defined are not found by name in `__main__` (the
    session itself): Sage's pickling then refuses them, and they go to cloudpickle, by value.
    By name, a restore would look for them in the namespace it is still rebuilding. Sage's
    cached functions name their module in a string, which pickle does not check: those of
    the session are refused by hand. And `g(x) = x^2`, which Sage pickles as the bare
    expression (it comes back uncallable), is pickled with its arguments.
    """
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = _ELSEWHERE
    previous = {kind: copyreg.dispatch_table.get(kind) for kind in _REDUCERS}
    copyreg.dispatch_table.update(_REDUCERS)
    try:
        yield
    finally:
        for kind, reducer in previous.items():
            if reducer is None:
                copyreg.dispatch_table.pop(kind, None)
            else:
                copyreg.dispatch_table[kind] = reducer
        if main is not None:
            sys.modules["__main__"] = main


def _reduce_cached_function(function: CachedFunction) -> Any:
    if _defined_in_session(function):
        raise pickle.PicklingError(f"{function.__name__} is a cached function of the session's")
    return function.__reduce__()


def _reduce_expression(expression: Expression) -> Any:
    if isinstance(expression.parent(), CallableExpressions):
        return _callable_again, (SR(expression), expression.arguments())
    return expression.__reduce_ex__(2)


def _callable_again(expression: Expression, arguments: tuple[Any, ...]) -> Expression:
    return expression.function(*arguments)


def _reduce_maxima(element: MaximaElement) -> Any:
    # Sage pickles it as its Sage value, which Maxima takes back with its variables renamed
    # (`_SAGE_VAR_x`); as Maxima's own input text, it comes back as it was.
    text = element.parent().eval(f"string({element.name()})")
    return element.parent(), (_unquoted(text),)


def _unquoted(text: str) -> str:
    """The text that Maxima's `string()` returned, which Maxima shows between quotes and with
    quotes and backslashes escaped."""
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    return text


_REDUCERS: dict[type, Any] = {
    CachedFunction: _reduce_cached_function,
    Expression: _reduce_expression,
    MaximaElement: _reduce_maxima,
}


def _defined_in_session(cached: CachedFunction | CachedMethod) -> bool:
    return bool(cached.__cached_module__ == "__main__")


class _CodePickler(cloudpickle.Pickler):  # type: ignore[misc]
    """cloudpickle, but a function of the session's keeps the session's namespace as its
    globals once restored, rather than a copy of the variables it read when pickled: it then
    sees what later cells bind, as the original did."""

    def __init__(self, file: IO[bytes], namespace: dict[str, Any]) -> None:
        super().__init__(file)
        self._namespace = namespace
        # cloudpickle pickles, as a function's globals, the dict it finds here for them:
        # the namespace itself, which `persistent_id` turns into a reference.
        self.globals_ref[id(namespace)] = namespace

    def persistent_id(self, obj: Any) -> str | None:
        return _SESSION_GLOBALS if obj is self._namespace else None

    def reducer_override(self, obj: Any) -> Any:
        # Sage pickles a cached function, or a class's cached method, by its name; one the
        # session defined is wrapped anew around its function, which goes by value.
        if type(obj) is CachedFunction and _defined_in_session(obj):
            cache = obj.cache if obj.is_pickled_with_cache() else None
            return _cached_function_again, (obj.f, cache)
        if type(obj) is CachedMethod and _defined_in_session(obj):
            return _cached_method_again, (obj.__get__(None, object).f, obj.__name__)
        # As Sage's: `functools.lru_cache` (and `cache`) wrappers go by name.
        if type(obj) is functools._lru_cache_wrapper and obj.__module__ == "__main__":
            parameters = obj.cache_parameters()
            return _lru_cache_again, (obj.__wrapped__, parameters["maxsize"], parameters["typed"])
        return super().reducer_override(obj)


class _CodeUnpickler(pickle.Unpickler):
    def __init__(self, file: IO[bytes], namespace: dict[str, Any]) -> None:
        super().__init__(file)
        self._namespace = namespace

    def persistent_load(self, pid: Any) -> Any:
        if pid == _SESSION_GLOBALS:
            return self._namespace
        raise pickle.UnpicklingError(f"unknown reference {pid!r} in a snapshot")


def _cached_function_again(function: Any, cache: dict[Any, Any] | None) -> CachedFunction:
    cached = cached_function(function, do_pickle=cache is not None)
    if cache:
        cached.cache.update(cache)
    return cached


def _cached_method_again(function: Any, name: str) -> CachedMethod:
    return cached_method(function, name=name)


def _lru_cache_again(function: Any, maxsize: int | None, typed: bool) -> Any:
    return functools.lru_cache(maxsize=maxsize, typed=typed)(function)


def _code_dumps(value: Any, namespace: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    _CodePickler(buffer, namespace).dump(value)
    return buffer.getvalue()


def _code_loads(blob: bytes, namespace: dict[str, Any]) -> Any:
    return _CodeUnpickler(io.BytesIO(blob), namespace).load()


def load(data: bytes, namespace: dict[str, Any]) -> SnapshotReport:
    """Load a snapshot into `namespace`. Raises if it is unreadable as a whole."""
    payload = pickle.loads(data)
    if payload.get("format") != _FORMAT:
        raise ValueError(f"unknown snapshot format {payload.get('format')!r}")
    report = SnapshotReport()
    _write_files(payload.get("files", []), report)
    for path, reason in payload.get("files_unsaved", {}).items():
        report.files_failed[path] = f"could not be saved: {reason}"
    bindings = loads(payload["sage"], compress=True)
    namespace.update(bindings)
    report.saved.extend(bindings)
    before = dict(namespace)
    loaded: dict[str, Any] = {}
    for name, blob in payload["code"].items():
        try:
            loaded[name] = namespace[name] = _code_loads(blob, namespace)
            report.saved.append(name)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # SystemExit from user code leaves out only this name
            report.failed[name] = describe(exc)
    # Loading a function writes into its globals, the namespace, copies of the variables it
    # read when pickled: the values loaded above, which other variables may share, stay.
    for name, value in before.items():
        if namespace.get(name, _ABSENT) is not value and name not in loaded:
            namespace[name] = value
    for name in payload["removed"]:
        namespace.pop(name, None)
    if payload.get("preparse") is False:  # `preparser(False)`, which Sage keeps outside too
        from sage.repl.interpreter import preparser

        preparser(False)
    if payload.get("assumptions") is not None:
        try:
            facts = loads(payload["assumptions"], compress=False)
            forget()
            assume(*facts)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:
            report.failed[_ASSUMPTIONS] = describe(exc)
    for name, reason in payload["unsaved"].items():
        report.failed[name] = f"could not be saved: {reason}"
    return report


_ABSENT = object()


def describe(exc: BaseException) -> str:
    """`Type: message` of an exception from user code, whose `__str__` may fail too."""
    try:
        return f"{type(exc).__name__}: {exc}"
    except BaseException:
        return f"{type(exc).__name__} (its message could not be read)"
