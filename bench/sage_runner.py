"""Runs Sage code with no server in between: the in-process floor and the per-call process.

Two modes, both importing `sage.all` themselves:

- `serve`: the in-process floor. One long-lived process reads JSON requests on stdin, runs
  the preparsed code in its own namespace with plain `exec`, and times it there, so its
  numbers hold no transport at all. Preparsing happens before the clock starts.
- `once`: what a naive MCP server does per call: a fresh `python` that imports Sage, runs
  one cell, prints the value and exits.

Counterpart: `systems.InProcessSystem` and `systems.FreshProcessSystem`, which start these.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import json
import os
import sys
import tempfile
import time
from typing import Any, TextIO


def _run_cell(preparsed: str, namespace: dict[str, Any]) -> Any:
    """Execute a preparsed cell as the console does; the value of a trailing expression."""
    tree = ast.parse(preparsed, filename="<cell>", mode="exec")
    last: ast.Expression | None = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body[-1].value)
        tree.body.pop()
    exec(compile(tree, "<cell>", "exec"), namespace)
    if last is None:
        return None
    return eval(compile(last, "<cell>", "eval"), namespace)


def _png_bytes(value: Any) -> bytes:
    """A Sage graphics object rendered to PNG, as the display manager would return it."""
    with tempfile.TemporaryDirectory() as scratch:
        path = os.path.join(scratch, "plot.png")
        value.save(path)
        with open(path, "rb") as png:
            return png.read()


class _FirstWrite:
    """A stand-in for sys.stdout that remembers when the first text arrived."""

    def __init__(self) -> None:
        self.first: float | None = None
        self.chunks: list[str] = []

    def write(self, text: str) -> int:
        if text and self.first is None:
            self.first = time.perf_counter()
        self.chunks.append(text)
        return len(text)

    def flush(self) -> None:
        pass


class Floor:
    """The in-process floor: one Sage namespace, code run with `exec`."""

    def __init__(self) -> None:
        from sage.all import preparse

        self._preparse = preparse
        namespace: dict[str, Any] = {"__name__": "__main__"}
        exec("from sage.all_cmdline import *", namespace)
        self._console = namespace
        self.namespace = dict(namespace)

    def time_code(self, code: str, reps: int, png: bool) -> dict[str, Any]:
        preparsed = self._preparse(code)
        seconds: list[float] = []
        first_output: list[float] = []
        png_size = 0
        text = ""
        for _ in range(reps):
            sink = _FirstWrite()
            with contextlib.redirect_stdout(sink):
                began = time.perf_counter()
                value = _run_cell(preparsed, self.namespace)
                if png:
                    png_size = len(_png_bytes(value))
                else:
                    text = repr(value) if value is not None else ""
                ended = time.perf_counter()
            seconds.append(ended - began)
            if sink.first is not None:
                first_output.append(sink.first - began)
        return {
            "seconds": seconds,
            "first_output": first_output,
            "png_bytes": png_size,
            "text": text,
        }

    def time_namespace(self, reps: int) -> dict[str, Any]:
        seconds = []
        for _ in range(reps):
            began = time.perf_counter()
            fresh = dict(self._console)
            seconds.append(time.perf_counter() - began)
            del fresh
        return {"seconds": seconds}

    def run_until_interrupted(self, code: str, replies: TextIO) -> dict[str, Any]:
        """Say "running", run `code` until a SIGINT arrives, and say when it was caught.

        The signal comes from the bench process: a thread here could not send it while PARI
        holds the GIL. `perf_counter` is the system-wide monotonic clock on Linux, so the
        two processes' readings compare.
        """
        preparsed = self._preparse(code)
        replies.write(json.dumps({"running": True}) + "\n")
        replies.flush()
        try:
            _run_cell(preparsed, self.namespace)
        except KeyboardInterrupt:
            return {"caught": time.perf_counter()}
        return {"error": "the code ended without being interrupted"}


def serve(requests: TextIO, replies: TextIO) -> None:
    floor = Floor()
    replies.write(json.dumps({"ready": os.getpid()}) + "\n")
    replies.flush()
    for line in requests:
        request = json.loads(line)
        op = request["op"]
        reply: dict[str, Any]
        if op == "time":
            reply = floor.time_code(request["code"], request["reps"], request.get("png", False))
        elif op == "namespace":
            reply = floor.time_namespace(request["reps"])
        elif op == "interrupt":
            reply = floor.run_until_interrupted(request["code"], replies)
        else:
            reply = {"error": f"unknown op {op!r}"}
        replies.write(json.dumps(reply) + "\n")
        replies.flush()


def once(code: str, png_path: str | None) -> None:
    from sage.all import preparse

    namespace: dict[str, Any] = {"__name__": "__main__"}
    exec("from sage.all_cmdline import *", namespace)
    value = _run_cell(preparse(code), namespace)
    if png_path is not None:
        value.save(png_path)
    elif value is not None:
        print(repr(value), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    modes = parser.add_subparsers(dest="mode", required=True)
    modes.add_parser("serve", help="the in-process floor: JSON requests on stdin")
    one = modes.add_parser("once", help="run one cell in this fresh process and exit")
    one.add_argument("--code", required=True)
    one.add_argument("--png", default=None, help="save the cell's plot to this file")
    args = parser.parse_args()
    if args.mode == "serve":
        # The replies keep the real stdout; code that prints from C cannot corrupt them.
        replies = os.fdopen(os.dup(1), "w")
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
        serve(sys.stdin, replies)
    else:
        once(args.code, args.png)


if __name__ == "__main__":
    main()
