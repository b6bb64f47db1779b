"""Runs one cell of Sage code in a worker's namespace, as the Sage console would.

The cell is preparsed (`2^10`, `R.<x> = QQ[]`), its statements run, and the value of a
trailing expression goes through Sage's display manager. Interrupts arrive as SIGINT; the
handler raises KeyboardInterrupt only while a cell runs, so a late interrupt cannot break the
worker's own bookkeeping. Counterpart: `worker`, which owns the process and its pipe.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import ctypes
import functools
import io
import linecache
import os
import re
import resource
import signal
import sys
import sysconfig
import time
import traceback
import types
import warnings
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

import IPython.core.display_functions
import IPython.display
import matplotlib
import sage.misc.reset
import sage.misc.session
from cysignals.signals import AlarmInterrupt
from IPython.core.error import UsageError
from opentelemetry import trace
from opentelemetry.trace import Span, StatusCode
from sage.misc.latex import latex
from sage.repl import attach as attached_files
from sage.repl.attach import attach as sage_attach
from sage.repl.load import load
from sage.repl.preparse import preparse
from sage.repl.rich_output import get_display_manager
from sage.repl.user_globals import set_globals

from sage_sidecar import hints, magics, notes, pyplot_backend, shadowing, snapshot, unbound_names
from sage_sidecar.console_input import as_the_console_takes_it, preparsing, silenced
from sage_sidecar.display import SidecarBackend, display, ipython_latex
from sage_sidecar.messages import (
    CellState,
    Error,
    EvaluateCell,
    EvaluationStatus,
    Event,
    Finished,
    ListVariables,
    Restore,
    Restored,
    Result,
    SnapshotWritten,
    TakeSnapshot,
    VariablesListed,
    wire_text,
)
from sage_sidecar.output_capture import OutputCapture
from sage_sidecar.tracing import WorkerTracer

# LaTeX is skipped for values whose plain text is longer: it would double a huge output.
_MAX_LATEX_SOURCE = 64 * 1024
# And dropped when it comes out longer than this: a matrix's LaTeX can be a hundred times its
# plain text, and a model gains nothing from megabytes of it.
_MAX_LATEX_TEXT = 64 * 1024
# The source of recent cells kept for tracebacks, and what one cell's entry costs beyond its
# text (the line list and the tuple holding it).
_MAX_SOURCE_BYTES = 8 * 1024 * 1024
_SOURCE_ENTRY_BYTES = 512
# What `latex()` gives an object with no LaTeX form (a string, a matplotlib figure, a numpy
# array over several lines): its repr in typewriter type, which says nothing the plain text
# does not.
_NO_LATEX = ("\\text{\\texttt{", "\\verb", "\\begin{array}{l}\n\\text{\\texttt{")
# LaTeX that draws: a graph's or a tree's TikZ, a tableau's or a partition's boxes. No use as
# mathematics, no use to MathJax, and often kilobytes long.
_PICTURE = re.compile(
    r"\\begin\{tikzpicture\}|\\def\\|\\newcommand|\\raisebox|\\multicolumn|\\vcenter|\\hbox"
)
# An exception's message and traceback are cut beyond this, each: `raise ValueError(s)` of a
# huge `s` must not make a message larger than any client accepts.
_MAX_ERROR_TEXT = 64 * 1024
# What one variables listing may carry in all, in UTF-8: far below gRPC's 4 MiB message.
_MAX_LISTING_BYTES = 1 << 20
# An exception type's name is cut beyond this (`type("E" * 10**6, (Exception,), {})`).
_MAX_ERROR_NAME = 256
_PARI_STACK_TAKEN_BACK = r"cypari2 leaked \d+ bytes on the PARI stack"


class _Discarded(io.TextIOBase):
    def write(self, text: str) -> int:
        return len(text)


_DISCARDED = _Discarded()


def _console_main() -> types.ModuleType:
    """The module a worker's cells run in, as the console's run in `__main__`."""
    main = types.ModuleType("__main__")
    exec("from sage.all_cmdline import *", main.__dict__)
    return main


# Built once, in the forkserver. Each worker runs its cells in this very dict, its own by
# copy-on-write: copying it, or walking its values to build a tracker, would bump the
# reference count of every console value and copy the pages holding them into each worker.
_CONSOLE_MAIN = _console_main()
_CONSOLE_GLOBALS = _CONSOLE_MAIN.__dict__
# The namespace Sage's functions that define names for the user (`cython()`, `fortran()`)
# put them in, as the console makes its own.
set_globals(_CONSOLE_GLOBALS)
# As in the Sage console and Jupyter, where IPython makes it a builtin. And as IPython's own
# `from IPython.display import display`, which, with no IPython shell running, would print
# `<IPython.core.display.Math object>`.
builtins.display = display  # type: ignore[attr-defined]
IPython.display.display = display
IPython.core.display_functions.display = display


@functools.wraps(sage_attach)
def _attach(*files: Any) -> None:
    # Sage's own loads into its module's namespace where there is no IPython. The files
    # attached are read again when they change, before a cell (`Executor`).
    for filename in files:
        load(filename, _CONSOLE_GLOBALS, attach=True)


@functools.wraps(sage.misc.reset.reset)
def _reset(vars: Any = None, attached: bool = False) -> None:
    # Sage's restores the predefined names from sage.all's module dict, which is not the
    # console's namespace: the worker's own attach and reset would go, and __name__ would
    # become "sage.all". This gives the session back the namespace it started with.
    if vars is not None:
        _restore(vars)
        return
    for name in list(_CONSOLE_GLOBALS):
        if isinstance(name, str) and (name.startswith("_") or name in sage.misc.reset.EXCLUDE):
            continue
        del _CONSOLE_GLOBALS[name]
    _restore()
    from sage.symbolic.assumptions import forget

    forget()
    sage.misc.reset.reset_interfaces()
    if attached:
        attached_files.reset()


@functools.wraps(sage.misc.reset.restore)
def _restore(vars: Any = None) -> None:
    import sage.calculus.calculus

    sage.misc.reset._restore(_CONSOLE_GLOBALS, _CONSOLE_DEFAULTS, vars)
    calculus = sage.calculus.calculus
    sage.misc.reset._restore(calculus.syms_cur, calculus.syms_default, vars)


# The worker's own versions of Sage's functions that work on the user's namespace, and what
# each stands in for: the console's binding (a lazy import for attach) and the function.
_OWN_VERSIONS = {
    "attach": (_attach, (_CONSOLE_GLOBALS["attach"], sage_attach)),
    "reset": (_reset, (_CONSOLE_GLOBALS["reset"], sage.misc.reset.reset)),
    "restore": (_restore, (_CONSOLE_GLOBALS["restore"], sage.misc.reset.restore)),
}
# Before the tracker: part of the console's namespace.
_CONSOLE_GLOBALS.update({name: own for name, (own, _) in _OWN_VERSIONS.items()})
# What reset() and restore() give back, and what show_identifiers() counts as not the user's.
_CONSOLE_DEFAULTS = dict(_CONSOLE_GLOBALS)
sage.misc.session.init(_CONSOLE_GLOBALS)
# Chosen in the forkserver too: selecting a backend imports modules, and in each worker those
# would cost private memory.
matplotlib.use(pyplot_backend.NAME)
_TRACKER = snapshot.NamespaceTracker(_CONSOLE_GLOBALS)


def _own_versions_back() -> None:
    """After a cell that brought Sage's own attach or reset back (`from sage.all import *`):
    the worker's again. One the user defined stays theirs."""
    for name, (own, originals) in _OWN_VERSIONS.items():
        current = _CONSOLE_GLOBALS.get(name)
        if current is not own and any(current is original for original in originals):
            _CONSOLE_GLOBALS[name] = own


def fresh_namespace() -> dict[str, Any]:
    """A namespace like the Sage console's: `sage.all_cmdline` (which includes `x`)."""
    return dict(_CONSOLE_GLOBALS)


def warm_up() -> None:
    """Run a cell's whole path once, output discarded, in the process that will fork workers."""
    backend = SidecarBackend(lambda *events: None, lambda size: True)
    manager = get_display_manager()
    previous = manager._backend
    manager.switch_backend(backend)
    try:
        for code in ("1+1", "x^2 - 1"):
            value = eval(compile(preparse(code), "<warm-up>", "eval"), fresh_namespace())
            manager.displayhook(value)
            latex(value)
    finally:
        manager.switch_backend(previous)


class Executor:
    def __init__(self, capture: OutputCapture, *, offline: bool, memory_limit: int) -> None:
        self._capture = capture
        self._offline = offline  # the worker was confined without network
        self._memory_limit = memory_limit  # bytes it may add to its warm baseline; 0: none
        self._namespace = _CONSOLE_GLOBALS
        self._tracker = _TRACKER
        self._rebound = False
        self._running = False
        self._display_budget = 0
        self._backend = SidecarBackend(capture.emit, self._charge_display)
        self._tracer: WorkerTracer | None = None
        self._cpu_mark = 0.0
        self._sources: OrderedDict[str, int] = OrderedDict()  # cells in linecache, oldest first
        self._source_bytes = 0
        self._cysignals_check: Any = None
        self._signalled = False  # the server's SIGINT landed since the listing began
        get_display_manager().switch_backend(self._backend)
        self._shell = magics.SidecarShell(
            self._namespace, self._run, lambda: self._tracker.variables(self._namespace)
        )
        magics.install(self._shell)
        pyplot_backend.sink = self._backend.show_data
        warnings.formatwarning = _warning_text
        # A deprecation is shown where the cell's own code meets it. Where Sage calls its own
        # deprecated functions (std() calls variance() and mean()) no cell can change a thing:
        # those, which the console shows too, are noise here.
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"sage\.")
        # The worker's `__main__` is the session, as the console's is: pickle then finds what
        # a cell defined by its name (a process pool's tasks, `dumps` of an instance).
        sys.modules["__main__"] = _CONSOLE_MAIN

    @property
    def namespace(self) -> dict[str, Any]:
        """The session's variables: the console's globals, where cells run."""
        return self._namespace

    def install_interrupt_handler(self) -> None:
        """Route SIGINT to KeyboardInterrupt in cells, including inside PARI or FLINT, and
        nowhere else: an interrupt that lands as a cell ends must not break the worker.

        The forkserver ignores SIGINT and its children do not get cysignals' C handler back,
        so cysignals is set up again here. Its C handler longjmps out of PARI and FLINT;
        anywhere else it hands the signal to the Python handler, which would be cysignals'
        own and raise wherever the worker happens to be. Ours takes its place at the Python
        level only: `signal.signal` also replaces the C handler, so that one is put back.
        """
        from cysignals.signals import init_cysignals

        init_cysignals()
        # An interrupt inside PARI leaves its stack where the computation stopped; cypari2
        # takes it back at the next object freed, and warns of a "leak" the cell's code
        # neither made nor can act on.
        warnings.filterwarnings("ignore", _PARI_STACK_TAKEN_BACK, RuntimeWarning)
        self._cysignals_check = signal.getsignal(signal.SIGINT)
        with _c_handler_kept(signal.SIGINT):
            signal.signal(signal.SIGINT, self._on_interrupt)

    def rest(self) -> None:
        """Between requests: start the next cell's peak-memory and CPU accounts. Done after a
        reply has gone out, so the call that asked for it does not wait for these syscalls."""
        _reset_peak_memory()
        self._cpu_mark, _ = _usage()

    def run(self, cell: EvaluateCell) -> None:
        started = time.monotonic()
        self._rebound = True  # unless the cell parses and binds nothing
        cpu_before = self._cpu_mark  # since the last rest: this cell and its message
        self._capture.begin(cell.max_output_bytes)
        self._display_budget = cell.max_display_bytes
        if cell.traceparent:
            with self._span(cell) as span:
                status, events = self._run_cell(cell)
                span.set_attribute("sage.outcome", status.name)
            spans = self._tracer.take() if self._tracer is not None else None
        else:
            status, events = self._run_cell(cell)
            spans = None
        state = CellState(self._rebound)

        def finished(truncated: bool) -> Finished:
            cpu_after, peak = _usage()
            return Finished(
                status=status,
                duration=time.monotonic() - started,
                execution_count=cell.execution_count,
                output_truncated=truncated,
                cpu_time=cpu_after - cpu_before,
                peak_memory_bytes=peak,
            )

        self._capture.emit_last(finished, *events, *([spans] if spans else []), state)
        # What threads the cell left running print from now on has a budget of its own.
        self._capture.begin(cell.max_output_bytes)

    def snapshot(self, request: TakeSnapshot) -> SnapshotWritten:
        """The namespace, pickled. That runs user code (`__reduce__`): the server's SIGINT (an
        evaluation wants the worker, or the budget ran out) and whatever the code raises make
        a failed snapshot, never a dead worker; what it prints is dropped."""
        self._running = True  # so that SIGINT lands in the pickling as KeyboardInterrupt
        try:
            try:
                with self._capture.discarded():
                    data, report = snapshot.dump(self._namespace, self._tracker, request.budget)
            finally:
                self._running = False
        except snapshot.Interrupted as exc:
            return SnapshotWritten(b"", (), _wire_names(exc.given_up), error=str(exc))
        except KeyboardInterrupt:  # landed as the pickling ended
            return SnapshotWritten(b"", (), {}, error="it was interrupted")
        except BaseException as exc:
            return SnapshotWritten(b"", (), {}, error=snapshot.describe(exc))
        saved = tuple(_wire_name(name) for name in report.saved)
        return SnapshotWritten(data, saved, _wire_names(report.failed))

    def restore(self, request: Restore) -> Restored:
        """Rebuild a session: its snapshot, then its committed cells, output discarded."""
        saved: tuple[str, ...] = ()
        failed: dict[str, str] = {}
        problems: list[str] = []
        with self._capture.discarded():
            if request.snapshot:
                # Loading runs user code too: one that hangs is interrupted like a cell, and
                # one that raises anything (SystemExit) makes the snapshot unreadable, not the
                # worker dead.
                self._running = True
                try:
                    try:
                        report = snapshot.load(request.snapshot, self._namespace)
                    finally:
                        self._running = False
                except BaseException as exc:
                    return Restored((), {}, 0, (), error=snapshot.describe(exc))
                saved = tuple(_wire_name(name) for name in report.saved)
                failed = _wire_names(report.failed)
                problems.extend(
                    wire_text(f"file {path!r} is not restored ({reason})")
                    for path, reason in sorted(report.files_failed.items())
                )
            replayed = 0
            for count, code in request.cells:
                try:
                    self._running = True
                    self._execute(code, f"<cell {count}>")
                except KeyboardInterrupt:
                    self._running = False  # before any call: see `_run_cell`
                    problems.append(f"replaying cell {count} was interrupted")
                    break
                except BaseException:  # cells that failed the first time fail again
                    pass
                finally:
                    self._running = False
                replayed += 1
        return Restored(saved, failed, replayed, tuple(problems))

    def list_variables(self, request: ListVariables) -> VariablesListed:
        """The names the session bound (as snapshots see them), in order, with their types
        and reprs, within a size budget. A repr is user code: one that raises (even
        KeyboardInterrupt) shows as failing, what it prints is dropped, and the server's
        SIGINT (its time limit) ends the listing."""
        self._signalled = False
        self._running = True
        try:
            try:
                with self._capture.discarded():
                    listed, omitted = self._listing(request)
            finally:
                self._running = False
        except KeyboardInterrupt:
            return VariablesListed((), 0, error="it was interrupted")
        except BaseException as exc:  # the namespace itself misbehaves (a key's __eq__...)
            return VariablesListed((), 0, error=snapshot.describe(exc))
        return VariablesListed(listed, omitted)

    def _listing(self, request: ListVariables) -> tuple[tuple[tuple[str, str, str], ...], int]:
        bindings = self._tracker.variables(self._namespace)
        names = sorted(bindings)
        listed: list[tuple[str, str, str]] = []
        size = 0
        for name in names[: request.max_variables]:
            value = bindings[name]
            entry = (
                _cut_end(wire_text(name), _MAX_ERROR_NAME),
                _type_name(value),
                self._shown(value, request.max_value_chars),
            )
            size += sum(len(part.encode()) for part in entry)
            if size > _MAX_LISTING_BYTES:  # the rest is counted, not sent
                break
            listed.append(entry)
        return tuple(listed), len(names) - len(listed)

    def _shown(self, value: Any, limit: int) -> str:
        try:
            text = repr(value)
        except KeyboardInterrupt:
            if self._signalled:  # the server's time limit, not the repr's own raise
                raise
            return "<repr failed: KeyboardInterrupt>"
        except BaseException as exc:  # SystemExit from a repr is the repr failing too
            return f"<repr failed: {_type_name(exc)}>"
        return _cut_end(wire_text(text), limit)

    def _run_cell(self, cell: EvaluateCell) -> tuple[EvaluationStatus, list[Event]]:
        name = f"<cell {cell.execution_count}>"
        # Still interruptible while the error is described: that runs the exception's own
        # `__str__`, which is user code too.
        self._running = True
        try:
            try:
                reloaded = bool(attached_files.attached) and self._reload_attached_files()
                value = self._execute(cell.code, name)
                self._rebound = self._rebound or reloaded
                pyplot_backend.send_open_figures()  # displays come before the result
                result = self._result(value) if value is not None else None
            except KeyboardInterrupt as exc:
                # Stopped: a second interrupt (sent again, or by another caller) must not land
                # in the clean-up, where nothing would catch it and the worker would die. So
                # before any call, where the interpreter runs a signal's handler.
                self._running = False
                if isinstance(exc, AlarmInterrupt):  # Sage's `alarm()`: the cell's own limit
                    return self._failed(exc, name)
                pyplot_backend.close_open_figures()  # not this cell's business any more
                hints.add_to_interrupted(exc)
                return EvaluationStatus.INTERRUPTED, [_described(exc, name)]
            except BaseException as exc:  # a cell's SystemExit must not end the worker
                try:
                    return self._failed(exc, name)
                except KeyboardInterrupt:
                    # It landed between the steps that describe the failure, each of which
                    # catches its own: the failure is told as one interrupted inside them is.
                    self._running = False
                    return EvaluationStatus.ERROR, [_undescribed(exc, "KeyboardInterrupt")]
        finally:
            self._running = False
        return EvaluationStatus.OK, [result] if result is not None else []

    def _reload_attached_files(self) -> bool:
        """As the console does before each input: `attach`ed files that changed are read
        again. Whether any was."""
        reloaded = False
        for filename, mtime in attached_files.modified_file_iterator():
            when = time.strftime("%T", mtime)
            print(f"### reloading attached file {filename.name} modified at {when} ###")
            load(filename, self._namespace, attach=True)
            reloaded = True
        return reloaded

    def _failed(self, exc: BaseException, name: str) -> tuple[EvaluationStatus, list[Event]]:
        """The cell failed: its error, described while the cell is still interruptible."""
        hints.add_to(exc, offline=self._offline, memory_limit=self._memory_limit)
        error = _described(exc, name)
        self._running = False  # nothing would catch an interrupt in the clean-up below
        pyplot_backend.send_open_figures_after_failure()  # what it drew before failing
        return EvaluationStatus.ERROR, [error]

    @contextlib.contextmanager
    def _span(self, cell: EvaluateCell) -> Iterator[Span]:
        if self._tracer is None:
            self._tracer = WorkerTracer()
        with self._tracer.tracer.start_as_current_span(
            "sage.execute",
            context=WorkerTracer.parent_context(cell.traceparent),
            attributes=dict(cell.span_attributes),
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            yield span

    def _execute(self, code: str, name: str) -> Any:
        """Run the cell; the value of its last expression, which the console would show, or
        None when there is none or a trailing `;` silences it."""
        self._remember_source(name, code)  # as written: tracebacks quote the user's lines
        source = as_the_console_takes_it(code)
        if not magics.has_escapes(source):
            return self._run(source, name)
        self._shell.cell_name = name
        self._shell.cell_body_line = _first_line_after_blank_ones(source) + 1
        value = self._run(magics.as_calls(source), name)
        self._rebound = True  # what a magic runs may bind names
        return value

    def _run(self, source: str, name: str) -> Any:
        """Preparse and run `source` as a cell: the value `_execute` says."""
        if preparsing():
            source = preparse(source)
        try:
            value = self._run_preparsed(source, name)
        except BaseException as exc:
            unbound_names.record(source, self._namespace, name, exc)
            raise
        notes.after_run(source, value, self._namespace)
        return value

    def _run_preparsed(self, source: str, name: str) -> Any:
        if ":=" not in source:
            # Most cells are one expression: compiled straight from source, with no AST
            # round trip, they cost a fraction of the general path below.
            try:
                expression = compile(source, name, "eval", dont_inherit=True)
            except SyntaxError:
                pass
            else:
                self._rebound = False
                return eval(expression, self._namespace)
        tree = ast.parse(source, filename=name, mode="exec")
        self._rebound = snapshot.binds_names(tree)
        last: ast.Expression | None = None
        quiet = False
        final = tree.body[-1] if tree.body else None
        if isinstance(final, ast.Expr):
            tree.body.pop()
            last = ast.Expression(final.value)
            quiet = silenced(source, final.lineno, final.col_offset)
        code = compile(tree, name, "exec", dont_inherit=True)
        star = shadowing.star_imports(tree) if "import" in source and "*" in source else []
        sages = shadowing.sages_names(self._namespace) if star else {}
        try:
            exec(code, self._namespace)
        finally:
            _own_versions_back()
            if star:
                shadowing.warn(star, sages, self._namespace)
        if last is None:
            return None
        value = eval(compile(last, name, "eval", dont_inherit=True), self._namespace)
        return None if quiet else value

    def _remember_source(self, name: str, code: str) -> None:
        """Keep a cell's source for tracebacks; `linecache` would keep every cell's forever,
        so the oldest are forgotten past a budget (their frames then show no source line)."""
        lines = code.splitlines(keepends=True)
        linecache.cache[name] = (len(code), None, lines, name)
        size = len(code) + _SOURCE_ENTRY_BYTES + 64 * len(lines)
        self._sources[name] = size
        self._source_bytes += size
        while self._source_bytes > _MAX_SOURCE_BYTES and len(self._sources) > 1:
            old, old_size = self._sources.popitem(last=False)
            linecache.cache.pop(old, None)
            self._source_bytes -= old_size

    def _result(self, value: Any) -> Result:
        text, rich = self._backend.show(value)
        self._namespace["_"] = value
        notes.after_display(value, text)
        text_latex = ""
        if not rich and len(text) <= _MAX_LATEX_SOURCE and not isinstance(value, (str, bytes)):
            try:
                with _Quietly():
                    text_latex = str(latex(value))
            except Exception:
                text_latex = ""
            if (
                len(text_latex) > _MAX_LATEX_TEXT
                or text_latex.startswith(_NO_LATEX)
                or _PICTURE.search(text_latex)
            ):  # fmt: skip
                text_latex = ""
            if not text_latex:  # what Jupyter would typeset (a SymPy expression)
                with _Quietly():
                    text_latex = ipython_latex(value)
                if len(text_latex) > _MAX_LATEX_TEXT:
                    text_latex = ""
        return Result(self._capture.take(wire_text(text)), wire_text(text_latex))

    def _charge_display(self, size: int) -> bool:
        if size > self._display_budget:
            return False
        self._display_budget -= size
        return True

    def _on_interrupt(self, signum: int, frame: types.FrameType | None) -> None:
        # cysignals recorded the interrupt too; left there, the next sig_on() would raise it
        # in some later cell. Its check clears it, and raises what it was: AlarmInterrupt for
        # Sage's `alarm()` (cysignals passes SIGALRM on as SIGINT), the cell's own time limit.
        try:
            self._cysignals_check(signum, frame)
        except AlarmInterrupt as alarm:
            if self._running:
                raise alarm from None
            return
        except KeyboardInterrupt:
            pass
        if self._running:
            self._signalled = True
            raise KeyboardInterrupt


class _Quietly:
    """What making a value's LaTeX prints or warns (a graph's warning that tikz.sty is
    missing; Sage's parser on a GAP object's text) is not the cell's output: the console
    makes no LaTeX.

    Warnings are ignored by a filter list of its own for the while, which is what
    `warnings.catch_warnings` with an "ignore" filter does at a sixth of the cost: this runs
    for every value shown. An ignored warning is not recorded as shown, so one the code warns
    later is still shown then."""

    __slots__ = ("_saved",)

    def __enter__(self) -> None:
        self._saved = sys.stdout, sys.stderr, warnings.filters
        sys.stdout = sys.stderr = _DISCARDED
        # A list of its own each time: code inside may add filters to it.
        warnings.filters = [_IGNORE_WARNINGS]

    def __exit__(self, *exc_info: object) -> None:
        sys.stdout, sys.stderr, warnings.filters = self._saved


_IGNORE_WARNINGS = ("ignore", None, Warning, None, 0)


def _usage() -> tuple[float, int]:
    """CPU seconds so far, and peak resident memory in bytes since the last reset.

    The kernel's `ru_maxrss` is the same high-water mark as VmHWM in /proc/self/status, which
    `_reset_peak_memory` resets; it comes free with the CPU times."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024


class _ProcSelf:
    """/proc/self/clear_refs kept open: reopening it each cell costs more than the cell `1+1`."""

    def __init__(self) -> None:
        # Per process: a clone must not write its parent's file.
        self.pid = os.getpid()
        self.clear_refs = _open_or_none("/proc/self/clear_refs", os.O_WRONLY)


def _open_or_none(path: str, flags: int) -> int | None:
    try:
        return os.open(path, flags)
    except OSError:
        return None


_proc: _ProcSelf | None = None


def open_proc_files() -> None:
    _proc_self()


def _proc_self() -> _ProcSelf:
    global _proc
    if _proc is None or _proc.pid != os.getpid():
        _proc = _ProcSelf()
    return _proc


def _reset_peak_memory() -> None:
    """Reset the resident high-water mark, so the peak read after the cell is its own."""
    fd = _proc_self().clear_refs
    if fd is not None:
        with contextlib.suppress(OSError):
            os.write(fd, b"5")


def _described(exc: BaseException, cell_name: str) -> Error:
    """The cell's exception as an `error` event, whatever the exception does when described
    (a `__str__` that raises, a traceback too deep to format, an interrupt meanwhile)."""
    try:
        error = _error(exc, cell_name)
    except BaseException as failure:
        error = _undescribed(exc, type(failure).__name__)
    with contextlib.suppress(Exception):  # the span's own str(exc) may raise again
        _record_exception(exc, error)
    return error


def _undescribed(exc: BaseException, why: str) -> Error:
    """The `error` event for an exception whose describing failed with `why`."""
    return Error(
        wire_text(_cut(type(exc).__name__, _MAX_ERROR_NAME)),
        f"<the exception could not be described: {why}>",
        "",
    )


def _first_line_after_blank_ones(source: str) -> int:
    """The number of the first line that is not blank, counted from 1."""
    for number, line in enumerate(source.splitlines(), start=1):
        if line.strip():
            return number
    return 1


def _record_exception(exc: BaseException, error: Error) -> None:
    span = trace.get_current_span()
    if span.is_recording():
        span.record_exception(exc)
        span.set_status(StatusCode.ERROR, f"{error.ename}: {error.evalue}")


_OWN_FILES = frozenset({__file__, magics.__file__})


def _error(exc: BaseException, cell_name: str) -> Error:
    """The exception as the console shows it, without the worker's own frames."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != cell_name:
        tb = tb.tb_next
    if isinstance(exc, SyntaxError):
        text = _syntax_error(exc, cell_name)
    elif isinstance(exc, UsageError):  # a magic used wrongly: as IPython, no traceback
        text = f"UsageError: {exc}\n"
    else:
        described = traceback.TracebackException(type(exc), exc, tb)
        # The interrupt handler's own frame, where KeyboardInterrupt is raised, and those of
        # the magics that ran the cell's code are not the user's business.
        described.stack = traceback.StackSummary.from_list(
            [frame for frame in described.stack if frame.filename not in _OWN_FILES]
        )
        _frames_as_read(described)
        text = "".join(described.format())
    return Error(
        wire_text(_cut(type(exc).__name__, _MAX_ERROR_NAME)),
        wire_text(_cut(str(exc))),
        wire_text(_cut(text)),
    )


def _syntax_error(exc: SyntaxError, cell_name: str) -> str:
    """As the console shows it, with the line as written: the compiler saw the preparsed code
    (`2^10` is `Integer(2)**Integer(10)` there), whose text and column would mislead."""
    if exc.filename == cell_name and exc.lineno:
        written = linecache.getline(cell_name, exc.lineno)
        if written.strip():
            exc.text, exc.offset, exc.end_offset = written, None, None
            hints.add_to_syntax_error(exc, as_the_console_takes_it(written).strip())
    return "".join(traceback.format_exception_only(type(exc), exc))


# Where Python and the packages are installed: a frame there is named as its module's path,
# `sage/misc/functional.py`, as Cython's frames already are (`sage/libs/ecl.pyx`).
_INSTALLATION_DIRS = tuple(
    sorted(
        {os.path.join(sysconfig.get_paths()[key], "") for key in ("purelib", "platlib", "stdlib")},
        key=len,
        reverse=True,  # the most specific first
    )
)


def _frames_as_read(described: traceback.TracebackException) -> None:
    """The frames (chained exceptions' too) as the reader needs them. A cell's show the line
    as written, but their columns are the preparsed code's: carets under them would point at
    the wrong place, so they go. Others lose the installation's directory from their file
    name: it says nothing to the reader and costs a line's width in every frame."""
    for current in hints.chain(described):
        for frame in current.stack:
            if frame.filename.startswith("<cell "):
                frame.colno = frame.end_colno = None
            else:
                frame.filename = _module_path(frame.filename)


def _module_path(filename: str) -> str:
    """`filename` without the installation's directory it is in, if any."""
    for directory in _INSTALLATION_DIRS:
        if filename.startswith(directory):
            return filename[len(directory) :]
    return filename


_python_warning_text = warnings.formatwarning


def _warning_text(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    line: str | None = None,
) -> str:
    """A warning as Python writes it, with an installed module named as tracebacks name it:
    `sage/arith/misc.py:571: UserWarning: ...`."""
    if line is None:  # read from where the file is, before its name is cut
        line = linecache.getline(filename, lineno)
    return _python_warning_text(message, category, _module_path(filename), lineno, line)


def _wire_name(name: Any) -> str:
    """A namespace key for a message: a `str` subclass as plain text; another key
    (`globals()[1]`, an Integer once preparsed) by its type, since only plain values cross
    to the server and its repr would be user code."""
    if isinstance(name, str):
        return wire_text(name)
    return f"<a {_type_name(name)} key>"


def _wire_names(reasons: dict[Any, str]) -> dict[str, str]:
    return {_wire_name(name): wire_text(reason) for name, reason in reasons.items()}


def _type_name(value: Any) -> str:
    """`type(value).__name__` for a message, which a class may have made any length."""
    return _cut_end(wire_text(type(value).__name__), _MAX_ERROR_NAME)


def _cut_end(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def _cut(text: str, limit: int = _MAX_ERROR_TEXT) -> str:
    if len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]}\n[... {len(text) - 2 * half} characters cut ...]\n{text[-half:]}"


@contextlib.contextmanager
def _c_handler_kept(signum: int) -> Iterator[None]:
    """Whatever `signal.signal` does inside, the signal's C-level handler stays as it was."""
    libc = ctypes.CDLL(None, use_errno=True)
    saved = ctypes.create_string_buffer(512)  # larger than any libc's struct sigaction
    if libc.sigaction(signum, None, saved) != 0:
        raise OSError(ctypes.get_errno(), "sigaction")
    try:
        yield
    finally:
        if libc.sigaction(signum, saved, None) != 0:
            raise OSError(ctypes.get_errno(), "sigaction")
