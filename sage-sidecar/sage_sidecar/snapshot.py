"""Snapshots of a worker's namespace: what the user bound, pickled the way Sage does.

As `save_session` does, only names the session bound are saved, with `sage.misc.persist`.
Functions and classes defined in the session, which Sage's pickling refuses, go through
cloudpickle, which pickles code by value. Anything else that cannot be pickled is named in the
result, never silently dropped. Runs in the worker; counterpart: `store`, where the server keeps
the bytes.
"""

from __future__ import annotations

import ast
import pickle
from dataclasses import dataclass, field
from typing import Any

import cloudpickle
from sage.misc.persist import dumps, loads

# Names the worker itself manages; never part of a snapshot.
_UNSAVED = frozenset({"__builtins__", "__name__", "_"})
_FORMAT = 1


@dataclass
class SnapshotReport:
    saved: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


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

    def user_bindings(self, namespace: dict[str, Any]) -> dict[str, Any]:
        return {
            name: value
            for name, value in namespace.items()
            if name not in _UNSAVED and self._initial.get(name) != id(value)
        }

    def removed(self, namespace: dict[str, Any]) -> list[str]:
        return [name for name in self._initial if name not in namespace]


def dump(namespace: dict[str, Any], tracker: NamespaceTracker) -> tuple[bytes, SnapshotReport]:
    """The session's bindings as bytes; the server stores them (workers cannot see the disk)."""
    bindings = tracker.user_bindings(namespace)
    report = SnapshotReport()
    sage_part: dict[str, Any] = {}
    code_part: dict[str, bytes] = {}
    try:
        # One pickle for all, so objects shared between variables stay shared.
        sage_blob = dumps(bindings, compress=True)
        report.saved = sorted(bindings)
    except Exception:
        for name, value in bindings.items():
            try:
                dumps(value, compress=False)
                sage_part[name] = value
            except Exception:
                try:
                    code_part[name] = cloudpickle.dumps(value)
                except Exception as exc:
                    report.failed[name] = f"{type(exc).__name__}: {exc}"
                    continue
            report.saved.append(name)
        sage_blob = dumps(sage_part, compress=True)
    payload = pickle.dumps(
        {
            "format": _FORMAT,
            "sage": sage_blob,
            "code": code_part,
            "removed": tracker.removed(namespace),
            "unsaved": report.failed,
        }
    )
    return payload, report


def load(data: bytes, namespace: dict[str, Any]) -> SnapshotReport:
    """Load a snapshot into `namespace`. Raises if it is unreadable as a whole."""
    payload = pickle.loads(data)
    if payload.get("format") != _FORMAT:
        raise ValueError(f"unknown snapshot format {payload.get('format')!r}")
    report = SnapshotReport()
    bindings = loads(payload["sage"], compress=True)
    namespace.update(bindings)
    report.saved.extend(bindings)
    for name, blob in payload["code"].items():
        try:
            namespace[name] = cloudpickle.loads(blob)
            report.saved.append(name)
        except Exception as exc:
            report.failed[name] = f"{type(exc).__name__}: {exc}"
    for name in payload["removed"]:
        namespace.pop(name, None)
    for name, reason in payload["unsaved"].items():
        report.failed[name] = f"could not be saved: {reason}"
    return report
