"""IPython's escapes the Sage console has, in a cell: `%time`, `%timeit` (and their `%%` cell
forms), `%run`, `%runfile`, `%attach`, `%who`, `%whos`, `name?` and `name??`, `!command` and
`x = !command`; `%display`, by Sage's own magic (ascii_art, unicode_art, plain); and
`%matplotlib`, `%display latex` and `!pip install` of packages installed already, which
notebook code starts with, and which do nothing here (but say so, for an install), where
figures come back as images, and values with their LaTeX, in any case.

IPython's own input transformer turns them into calls on a shell, as in the console; the
shell here is `SidecarShell`, which runs those and refuses every other magic with a word on
what to do instead. What `%time` and `%timeit` run is preparsed, as the console
preparses it, and runs in the session's namespace; `%time` of an expression gives back its
value, so that a cell ending in `%time factor(n)` shows the factorization. Counterpart:
`executor`, which hands a cell here only when it has one of these escapes.
"""

from __future__ import annotations

import builtins
import contextlib
import importlib.metadata
import math
import re
import resource
import shlex
import subprocess
import sys
import time
import timeit
from collections.abc import Callable
from typing import Any

from IPython.core.error import UsageError
from IPython.core.inputtransformer2 import TransformerManager
from IPython.core.magics.execution import TimeitResult
from IPython.utils.text import SList
from sage.misc.sageinspect import sage_getdoc, sage_getfile, sage_getsource, sage_signature
from sage.repl.load import load
from sage.repl.preparse import preparse

from sage_sidecar.console_input import preparsing

# A line that starts with an escape (`%time`, `%%timeit`, `!ls`, `?factor`), assigns one
# (`files = !ls`), or ends in `?`. Cells without one, nearly all, skip the transformer.
_ESCAPES = re.compile(r"^[ \t]*(?:[%!?]|[\w.]+[ \t]*=[ \t]*[%!])|\?[ \t]*$", re.MULTILINE)
_TIMEIT_OPTIONS = re.compile(r"\s*-(?:([nrp])\s*(\d+)|([oq]))(?=\s|$)")
# `%pip install x`, `!pip install x`, `pip install x`, `!sage -pip install x`, `%conda ...`.
INSTALL = re.compile(r"[%!]?\s*(sage\s+-+)?(uv\s+)?(pip3?|conda|mamba)\s+install\b")
CANNOT_INSTALL = (
    "Installing packages from a cell is not supported here: Sage code runs in sandboxed "
    "workers of a fixed installation. Sage and its usual companions (numpy, scipy, sympy, "
    "networkx, matplotlib...) are there to import; anything else has to be installed in the "
    "sidecar's environment by whoever runs it."
)
# What follows `install`: a package, with extras and a version that do not change its name.
_REQUIREMENT = re.compile(r"[\w.-]+")
# pip's and conda's options whose value is the next word, not a package: `-r requirements.txt`.
_OPTIONS_WITH_VALUES = frozenset({
    "-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url",
    "--extra-index-url", "-f", "--find-links", "-t", "--target", "--channel", "-n", "--name",
    "-p", "--prefix",
})  # fmt: skip
_NO_RESET_MAGIC = (
    "IPython's %reset is not supported here: reset() clears the session's variables, as in "
    "the Sage console, and reset('x') gives one of Sage's names its value back."
)
_LATEX_ALREADY = (
    "Note: %display {mode} changes nothing here: each value comes back as text and, where Sage "
    "has it, as LaTeX beside it already. %display ascii_art and unicode_art change the text."
)
_SUPPORTED = (
    "The magics here are %time, %timeit, %%time, %%timeit, %run, %runfile, %attach, %who, "
    "%whos, %display and %matplotlib; `name?` and `name??` show documentation and source, and "
    "`!command` runs a shell command."
)
_MATPLOTLIB = (
    "Note: %matplotlib {backend} does nothing here: figures come back as PNG images, as with "
    "%matplotlib inline."
)
_transformer = TransformerManager()  # type: ignore[no-untyped-call]
# The name the transformed cell reaches the shell by, a builtin. Not `get_ipython`: code that
# finds that name (Sage's attach(), SymPy's init_printing()) takes it for a whole IPython.
SHELL = "__sage_sidecar_shell__"
# The calls IPython's transformer makes, at the start of what it puts in place of an escape:
# `get_ipython().run_line_magic(`, `.run_cell_magic(`, `.system(`, `.getoutput(`.
_CALLS = re.compile(
    r"\bget_ipython\(\)\.(?=(?:run_line_magic|run_cell_magic|system|getoutput)\(['\"])"
)


def install(shell: SidecarShell) -> None:
    """Make `shell` the one the calls `as_calls` makes reach."""
    setattr(builtins, SHELL, shell)


def has_escapes(source: str) -> bool:
    return _ESCAPES.search(source) is not None


def as_calls(source: str) -> str:
    """`source` with its escapes turned into calls on the shell, as IPython turns them into
    calls on `get_ipython()`. Lines keep their numbers, but for a `%%` magic's, whose body
    becomes one string."""
    try:
        transformed = str(_transformer.transform_cell(source))
    except Exception:  # what IPython cannot read, the compiler reports
        return source
    return _CALLS.sub(SHELL + ".", transformed)


class SidecarShell:
    """What a cell's escapes call, as they call `get_ipython()` in the console: the magics
    the console's users reach for."""

    def __init__(
        self,
        namespace: dict[str, Any],
        run_cell: Callable[[str, str], Any],
        variables: Callable[[], dict[str, Any]],
    ) -> None:
        self._namespace = namespace
        self._run_cell = run_cell  # (source, cell name) -> the value of its last expression
        self._variables = variables  # what the session bound, as ListVariables lists it
        self.cell_name = "<magic>"  # the cell running now, and where its `%%` body starts
        self.cell_body_line = 1

    def __repr__(self) -> str:
        return "<sage-sidecar shell: %time, %timeit, %run, %attach, ?, ?? and ! only>"

    def run_line_magic(self, magic_name: str, line: str, _stack_depth: int = 1) -> Any:
        if magic_name == "time":
            return self._time(line, _caller())
        if magic_name == "timeit":
            return self._timeit(line, "")
        if magic_name in ("pinfo", "pinfo2"):
            self._help(line.strip(), source=magic_name == "pinfo2")
            return None
        if magic_name in ("run", "runfile", "attach"):
            self._load(magic_name, line)
            return None
        if magic_name in ("who", "whos"):
            self._who(table=magic_name == "whos")
            return None
        if magic_name == "display":
            _display(line)
            return None
        if magic_name == "matplotlib":
            # Notebook code starts so; figures come back as PNG images here in any case.
            if (backend := line.strip()) not in ("", "inline"):
                print(_MATPLOTLIB.format(backend=backend), file=sys.stderr)
            return None
        if _installs(f"{magic_name} {line}"):  # `%pip install x` reads as `!pip install x`
            return None
        raise _unsupported("Line", magic_name, line)

    def run_cell_magic(self, magic_name: str, line: str, cell: str) -> Any:
        where = (self.cell_name, self.cell_body_line)
        if magic_name == "time":
            if line.strip():  # as IPython says it
                raise UsageError("Can't use statement directly after '%%time'!")
            return self._time(cell, where, whole_cell=True)
        if magic_name == "timeit":
            return self._timeit(line, cell)
        raise _unsupported("Cell", magic_name, line)

    def system(self, cmd: str) -> None:
        """`!command`: run by the shell; its output is the cell's."""
        if _installs(cmd):
            return
        sys.stdout.flush()
        sys.stderr.flush()
        self._namespace["_exit_code"] = subprocess.run(cmd, shell=True, check=False).returncode

    def getoutput(self, cmd: str, split: bool = True, depth: int = 0) -> SList | str:
        """`x = !command`: its output as a list of lines."""
        if _installs(cmd):
            return SList()
        done = subprocess.run(
            cmd, shell=True, check=False, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        text = done.stdout.decode("utf-8", "replace")
        return SList(text.splitlines()) if split else text

    def _load(self, magic_name: str, line: str) -> None:
        """`%run file [arguments]` and Sage's `%runfile file`: the file runs in the session,
        a `.sage` one preparsed, as `load()` runs it; `%attach file` also reads it again
        when it changes."""
        words = shlex.split(line)
        if words[:1] == ["-i"]:  # IPython's: in the session's namespace, as here anyway
            words = words[1:]
        if not words:
            raise UsageError(f"%{magic_name} needs a file name, as in `%{magic_name} prog.sage`.")
        argv = sys.argv
        sys.argv = words if magic_name == "run" else words[:1]
        try:
            load(words[0], self._namespace, attach=magic_name == "attach")
        finally:
            sys.argv = argv

    def _who(self, *, table: bool) -> None:
        """`%who`: the names the session bound; `%whos`: with their types and values."""
        bindings = self._variables()
        if not bindings:
            print("Interactive namespace is empty.")
            return
        names = sorted(bindings)
        if not table:
            print("\t".join(names))
            return
        rows = [(name, type(bindings[name]).__name__, _shown(bindings[name])) for name in names]
        widths = [max(len(row[i]) for row in [("Variable", "Type", ""), *rows]) for i in (0, 1)]
        header = f"{'Variable':<{widths[0]}}   {'Type':<{widths[1]}}   Data/Info"
        print(header)
        print("-" * len(header))
        for name, kind, shown in rows:
            print(f"{name:<{widths[0]}}   {kind:<{widths[1]}}   {shown}")

    def _time(self, code: str, where: tuple[str, int], whole_cell: bool = False) -> Any:
        name, line = where
        source = "\n" * (line - 1) + code
        wall, (user, system) = time.perf_counter(), _cpu()
        try:
            if whole_cell:
                return self._run_cell(source, name)
            if preparsing():
                source = preparse(source)
            try:
                expression = compile(source, name, "eval", dont_inherit=True)
            except SyntaxError:
                exec(compile(source, name, "exec", dont_inherit=True), self._namespace)
                return None
            return eval(expression, self._namespace)
        finally:
            wall = time.perf_counter() - wall
            user_after, system_after = _cpu()
            user, system = user_after - user, system_after - system
            print(
                f"CPU times: user {_format(user)}, sys: {_format(system)}, "
                f"total: {_format(user + system)}\nWall time: {_format(wall)}"
            )

    def _timeit(self, line: str, cell: str) -> Any:
        """IPython's `%timeit`, as the console has it: runs of as many loops as take 0.2 s
        (from 1, tenfold), seven runs unless -r says, and their mean and spread per loop."""
        options: dict[str, str] = {}
        position = 0
        while match := _TIMEIT_OPTIONS.match(line, position):
            options[match[1] or match[3]] = match[2] or ""
            position = match.end()
        rest = line[position:].strip()
        if rest.startswith("-"):
            raise UsageError(
                f"%timeit takes only the options -n, -r, -p, -o and -q here, not {rest!r}."
            )
        # `%%timeit [options] [setup]`: the setup runs before each run, the body is timed.
        setup, statement = (rest, cell) if cell else ("", rest)
        statement = statement.strip("\n")
        if not statement.strip():
            raise UsageError("%timeit needs a statement to time, as in `%timeit factor(2^64 + 1)`.")
        if preparsing():
            setup, statement = preparse(setup), preparse(statement)
        timer = timeit.Timer(statement, setup or "pass", globals=self._namespace)
        number = int(options.get("n", 0))
        if number <= 0:
            for power in range(10):
                number = 10**power
                if timer.timeit(number) >= 0.2:
                    break
        repeat = max(int(options.get("r", 7)), 1)
        runs = timer.repeat(repeat, number)
        result = TimeitResult(  # type: ignore[no-untyped-call]
            number, repeat, min(runs) / number, max(runs) / number, runs, 0.0,
            int(options.get("p", 3)),
        )  # fmt: skip
        if "q" not in options:
            print(result)
        return result if "o" in options else None

    def _help(self, name: str, *, source: bool) -> None:
        """`name?`: signature, type, file and documentation; `name??`: its source too."""
        try:
            target = eval(
                compile(preparse(name) if preparsing() else name, "<help>", "eval"),
                self._namespace,
            )
        except Exception:
            print(f"Object `{name}` not found.")
            return
        lines = []
        if callable(target):
            with contextlib.suppress(Exception):  # not every callable has a signature
                lines.append(f"Signature: {name}{sage_signature(target)}")
        lines.append(f"Type:      {type(target).__name__}")
        with contextlib.suppress(Exception):  # an object may have no file, or no source
            lines.append(f"File:      {sage_getfile(target)}")
        text = None
        if source:
            with contextlib.suppress(Exception):  # an object may have no file, or no source
                text = sage_getsource(target)
        if text:
            lines.append(f"Source:\n{text}")
        else:
            lines.append(f"Docstring:\n{sage_getdoc(target) or '<no docstring>'}")
        # One write: print() writes the text and its newline apart, and the pump may send
        # the two as separate events.
        sys.stdout.write("\n".join(lines).rstrip("\n") + "\n")


def _shown(value: Any, limit: int = 60) -> str:
    """A value's repr on one line, cut; a repr is user code, and may fail."""
    try:
        text = " ".join(repr(value).split())
    except Exception as exc:
        return f"<repr failed: {type(exc).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _caller() -> tuple[str, int]:
    """The cell and line that called the magic, so that its tracebacks quote the line."""
    frame = sys._getframe(2)
    return frame.f_code.co_filename, frame.f_lineno or 1


def _cpu() -> tuple[float, float]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime, usage.ru_stime


def _format(seconds: float) -> str:
    """As IPython's `%time` gives a time: three significant digits, in s, ms, µs or ns."""
    if seconds >= 60:
        minutes, rest = divmod(seconds, 60)
        return f"{int(minutes)}min {rest:.0f}s"
    order = min(-(math.floor(math.log10(seconds)) // 3), 3) if seconds > 0 else 3
    return f"{seconds * 1000**order:.3g} {('s', 'ms', 'µs', 'ns')[order]}"


def _display(line: str) -> None:
    """The console's `%display`, by Sage's own magic: plain text, ASCII or Unicode art for
    each value's text. LaTeX, asked for, is each value's already, beside its text."""
    from sage.repl.ipython_extension import SageMagics

    mode = line.split()[-1] if line.split() else ""
    if mode in ("latex", "typeset"):  # the display manager's LaTeX would take the text's place
        print(_LATEX_ALREADY.format(mode=mode), file=sys.stderr)
        return
    SageMagics.display(None, line)


def _installs(cmd: str) -> bool:
    """Takes the place of `cmd` if it is an install (False if not): as pip does, an install
    of what is installed already does nothing but say so, so that notebook code that starts
    with one runs on; an install of anything else fails."""
    if not INSTALL.match(cmd):
        return False
    names, there = _requested(cmd)
    if not names or len(there) < len(names):
        raise UsageError(install_refusal(cmd))
    print(f"Note: {_listed(there)} installed here already: nothing to install.", file=sys.stderr)
    return True


def install_refusal(cmd: str) -> str:
    """Why `cmd`, an install, cannot run, and which of its packages are here already: an agent
    told only that it cannot install may give up on a package it could have imported."""
    names, there = _requested(cmd)
    if not there:
        return CANNOT_INSTALL
    if len(there) == len(names):
        pronoun = "it" if len(there) == 1 else "them"
        return f"{_listed(there)} installed here already: import {pronoun}, no install needed."
    missing = ", ".join(name for name in names if name not in there)
    return f"{_listed(there)} installed here already, {missing} not. {CANNOT_INSTALL}"


def _requested(cmd: str) -> tuple[list[str], dict[str, str]]:
    """The packages the install `cmd` names, and the version of each installed already."""
    match = INSTALL.match(cmd)
    names = _packages(cmd[match.end() :]) if match else []
    return names, _versions(names)


def _listed(versions: dict[str, str]) -> str:
    """`networkx 3.6.1 is`, `numpy 2.4.6, sympy 1.14.0 are`."""
    verb = "is" if len(versions) == 1 else "are"
    return ", ".join(f"{name} {version}" for name, version in versions.items()) + f" {verb}"


def _packages(arguments: str) -> list[str]:
    """The packages an install's `arguments` name, without their extras or versions: up to
    the end of the command, `pip install x && echo done`, as the shell reads it."""
    lexer = shlex.shlex(arguments, posix=True, punctuation_chars=True)
    lexer.wordchars += "=[],*~!^@:/+"  # a requirement's own characters, `sympy>=1.12` quoted
    names: list[str] = []
    skip = False
    try:
        words = list(lexer)
    except ValueError:  # an unclosed quote
        return names
    for word in words:
        if word and all(character in lexer.punctuation_chars for character in word):
            break  # `&&`, `;`, `|`, `>`: another command, or a redirection
        if skip or word.startswith("-"):
            skip = word in _OPTIONS_WITH_VALUES
            continue
        if match := _REQUIREMENT.match(word):
            names.append(match.group())
    return names


def _versions(distributions: list[str]) -> dict[str, str]:
    """The version of each of `distributions` installed in the workers' environment."""
    versions = {}
    for name in distributions:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError, ValueError):
            versions[name] = importlib.metadata.version(name)
    return versions


def _unsupported(kind: str, magic_name: str, line: str) -> UsageError:
    if magic_name == "reset":
        return UsageError(_NO_RESET_MAGIC)
    prefix = "%" if kind == "Line" else "%%"
    return UsageError(f"{kind} magic `{prefix}{magic_name}` is not supported here. {_SUPPORTED}")
