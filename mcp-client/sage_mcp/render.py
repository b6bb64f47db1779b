"""Renders an evaluation's `Outcome` as the MCP tool result an agent reads.

Text comes first (what was printed, what `show()` displayed as text, then the value, then
its LaTeX when that says more), then images as `ImageContent`; the same facts go into
structured content (`EvaluateOutput`).
Printed text is what a terminal would show of it: a progress bar's carriage returns overwrite
its line, and colours are dropped. Everything passes through the output budget
(`output_budget`). Counterpart: `evaluation`.
"""

from __future__ import annotations

import base64
import re

from mcp.types import CallToolResult, ContentBlock, ImageContent, TextContent
from pydantic import Field

from sage_mcp.evaluation import Outcome, Status
from sage_mcp.output_budget import OutputStore, fit_image, fit_text, shares
from sage_mcp.tool_output import ToolOutput

# A terminal's control sequence (colours, cursor moves): ECMA-48's CSI, ESC [ ... final byte.
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
_FRAME = re.compile(r'^\s*File "([^"]*)", line \d+')
# Python's lines between the tracebacks of a chained exception.
_CHAIN_SEPARATORS = {
    "During handling of the above exception, another exception occurred:",
    "The above exception was the direct cause of the following exception:",
}
# Tracebacks at most this long are returned whole.
_TRACEBACK_LINES = 40


class SageErrorInfo(ToolOutput):
    ename: str = Field(description="The exception's type, e.g. ZeroDivisionError.")
    evalue: str = Field(description="The exception's message.")
    traceback: str = Field(description="The traceback, trimmed to the frames that help.")


class EvaluateOutput(ToolOutput):
    """What an evaluation did. Long texts are cut; `full_output_uris` has the full ones."""

    status: Status = Field(
        description="ok, error (Sage raised an exception), interrupted, timed_out, or "
        "worker_died (the Sage worker process died, often from running out of memory; a "
        "session is restored to where it was before this evaluation)."
    )
    result: str | None = Field(
        description="The value of the last line, as the Sage console prints it; null when the "
        "last line is not an expression or its value is None."
    )
    latex: str | None = Field(description="LaTeX of the result, when Sage has one.")
    stdout: str = Field(description="What the code printed.")
    stderr: str = Field(description="What the code wrote to standard error (warnings).")
    error: SageErrorInfo | None = Field(description="The exception, when status is error.")
    execution_count: int = Field(description="The session's counter for this evaluation.")
    session_id: str | None = Field(description="The session it ran in; null for a one-off.")
    displayed: list[str] = Field(
        description="Text of what the code displayed other than as images, in order: show() "
        "of a matrix, a table or HTML, as the Sage console prints it. The value of the last "
        "line is in result, not here."
    )
    images: int = Field(description="How many images (plots) the result has as image content.")
    duration_seconds: float = Field(description="Time the code ran.")
    state_preserved: bool = Field(
        description="True when the session's variables are as the evaluation left them or, "
        "when its worker died or was killed, as they were before it (the session is restored); "
        "false for a one-off evaluation whose worker was lost."
    )
    replayed: bool = Field(
        description="True when the sidecar replayed an earlier run of this very request "
        "instead of running the code again."
    )
    full_output_uris: list[str] = Field(
        description="URIs of the full text of outputs that were cut to save context (and of "
        "full-size plots): read them with the read_output tool, or as MCP resources."
    )


async def render_outcome(
    outcome: Outcome,
    *,
    session_id: str | None,
    timeout: float,
    max_chars: int,
    max_image_bytes: int,
    store: OutputStore,
    note: str | None = None,
) -> CallToolResult:
    """What the agent reads of `outcome`, in text and images and as structured output, within
    the budgets; `note` is a line of the caller's own, said last."""
    uris: list[str] = []
    shown = [
        display.text_plain
        for index, display in enumerate(outcome.displays)
        if not display.mime_type.startswith("image/")
        and display.text_plain
        and not _shows_result(outcome, index)
    ]
    sage_error = outcome.error
    # Everything the agent reads shares one budget, so that no part, however long, can make
    # the whole larger than a model's context can spare: (what it is, its text or None).
    parts = [
        ("printed output", as_a_terminal_shows(outcome.stdout)),
        ("standard error output", as_a_terminal_shows(outcome.stderr)),
        *(("displayed output", text) for text in shown),
        ("result", outcome.result_text),
        ("LaTeX", _useful_latex(outcome.result_text, outcome.result_latex)),
        ("error message", sage_error.evalue if sage_error else None),
        ("traceback", trim_traceback(sage_error.traceback) if sage_error else None),
    ]
    fitted: list[str | None] = []
    for (what, text), limit in zip(
        parts, shares([len(text or "") for _, text in parts], max_chars), strict=True
    ):
        if text is None:
            fitted.append(None)
            continue
        piece = fit_text(text, limit, store, what)
        if piece.uri:
            uris.append(piece.uri)
        fitted.append(piece.text)
    stdout, stderr = fitted[0] or "", fitted[1] or ""
    displayed = [text or "" for text in fitted[2 : 2 + len(shown)]]
    result, latex, evalue, traceback = fitted[2 + len(shown) :]
    error = None
    if sage_error is not None:
        error = SageErrorInfo(
            ename=sage_error.ename, evalue=evalue or "", traceback=traceback or ""
        )

    images: list[ContentBlock] = []
    notes: list[str] = []
    for display in outcome.displays:
        if display.mime_type.startswith("image/"):
            image = await fit_image(display.data, display.mime_type, max_image_bytes, store)
            if image.uri:
                uris.append(image.uri)
            if image.note:
                notes.append(image.note)
            if image.data is not None:
                data = base64.b64encode(image.data).decode()
                images.append(ImageContent(data=data, mime_type=image.mime_type))

    lines: list[str] = []
    headline = _headline(outcome, timeout, error, one_off=session_id is None)
    if headline:
        lines.append(headline)
    if stdout:
        lines.append(stdout.rstrip("\n"))
    if stderr:
        lines.append("stderr:\n" + stderr.rstrip("\n"))
    lines.extend(text.rstrip("\n") for text in displayed)
    if result is not None:
        label = ""
        if stdout or stderr or displayed:  # labelled after output, so that it reads as the value
            label = "Result:\n" if "\n" in result else "Result: "
        lines.append(label + result)
    if latex is not None:
        lines.append(f"LaTeX: {latex}")
    if error is not None and error.traceback:
        lines.append(error.traceback.rstrip("\n"))
    lines.extend(notes)
    if outcome.output_truncated:
        lines.append("[The Sage runtime cut this evaluation's output at its own size limit.]")
    if not lines and not images:
        lines.append("(no output: nothing was printed and the last line shows no value)")
    if note:
        lines.append(note)

    content: list[ContentBlock] = []
    if lines:
        content.append(TextContent(text="\n".join(lines)))
    content.extend(images)
    structured = EvaluateOutput(
        status=outcome.status,
        result=result,
        latex=latex,
        stdout=stdout,
        stderr=stderr,
        error=error,
        execution_count=outcome.execution_count,
        session_id=session_id,
        displayed=displayed,
        images=len(images),
        duration_seconds=round(outcome.duration_seconds, 6),
        state_preserved=outcome.state_preserved,
        replayed=outcome.replayed,
        full_output_uris=uris,
    )
    return CallToolResult(
        content=content,
        structured_content=structured.model_dump(mode="json"),
        is_error=outcome.status != "ok",
    )


def _shows_result(outcome: Outcome, index: int) -> bool:
    """Whether display `index` is the rich form (HTML, say) of the last line's value, which
    Sage displays just before the result: its text is the result's, said once already."""
    display = outcome.displays[index]
    last = index == len(outcome.displays) - 1
    return last and outcome.result_text is not None and display.text_plain == outcome.result_text


def _headline(
    outcome: Outcome, timeout: float, error: SageErrorInfo | None, *, one_off: bool
) -> str:
    """A first line for anything but success, saying what happened and what to do; `error`
    is the outcome's, its message fitted to the budget."""
    if outcome.status == "error" and error is not None:
        return f"Sage raised {error.ename}: {error.evalue}"
    # An error without a traceback is the sidecar's own account (say, a worker it had to kill),
    # which knows better than we do what became of the variables.
    if error is not None and not error.traceback:
        state = f" {error.evalue}"
    elif one_off:
        state = ""
    elif outcome.state_preserved:
        state = " The session's variables are kept."
    else:
        state = " The session's variables were lost; re-run the definitions you need."
    if outcome.status == "interrupted":
        return "The evaluation was interrupted." + state
    if outcome.status == "timed_out":
        return (
            f"The evaluation ran past its timeout of {timeout:g} s and was interrupted.{state} "
            "Pass a larger timeout_seconds, or make the computation cheaper."
        )
    if outcome.status == "worker_died":
        if error is not None and not error.traceback:
            return state.strip()
        if outcome.state_preserved and not one_off:  # restored, not kept: the cell is undone
            state = " The session is restored to where it was before this evaluation."
        return (
            "The Sage worker process died while running this code (often from running out of "
            "memory)." + state
        )
    if outcome.status == "unknown":
        return "The evaluation ended without a known status."
    return ""


def _useful_latex(text: str | None, latex: str) -> str | None:
    """The LaTeX, unless it says nothing more than the plain text (`x^{2} + 1`, `2 \\cdot 3`,
    `2 \\, x \\sin\\left(x\\right)` for `2*x*sin(x)`, a matrix's array of its rows), or the
    value holds strings, which LaTeX sets as typewriter text: a model reads the plain text's
    `('a', x)` better than `\\left(\\text{\\texttt{a}}, x\\right)`. Nor where it spells out at
    length what the plain text says in a line: `[3; 7, 15, 1, ...]` is what a model reads, not
    a continued fraction's nested fractions."""
    if not latex or text is None or "\\texttt{" in latex:
        return None
    if len(latex) > max(_LONG_LATEX, _LONGER_THAN_TEXT * len(text)):
        return None
    if _bare(latex, is_latex=True) == _bare(text) or _same_matrix(text, latex):
        return None
    return latex


def _same_matrix(text: str, latex: str) -> bool:
    """Whether `latex` is the array of a matrix whose plain text has the same rows, entry for
    entry, as the comparison above reads them."""
    array = _LATEX_MATRIX.fullmatch(latex.strip())
    if array is None:
        return False
    rows = [line for line in text.splitlines() if not _MATRIX_SEPARATOR.fullmatch(line)]
    latex_rows = array[1].replace("\\hline", "").split("\\\\")
    if len(rows) != len(latex_rows) or not all(r.startswith("[") and r.endswith("]") for r in rows):
        return False
    return all(
        _bare(latex_row.replace("&", " "), is_latex=True) == _bare(row[1:-1].replace("|", " "))
        for row, latex_row in zip(rows, latex_rows, strict=True)
    )


# LaTeX this much longer than the plain text, and long, lays out what the text says in brief.
_LONGER_THAN_TEXT = 4
_LONG_LATEX = 200
_LATEX_NOISE = re.compile(r"\\(?:left|right|mathrm|mathbf|mathit|text|Bold|verb)\b|\\[,;! ]|[\s{}]")
_COMMAND = re.compile(r"\\(?=[A-Za-z])")
# A matrix as LaTeX sets it, an array in parentheses, and the line plain text shows between
# the blocks of a subdivided one, `[-+-]`.
_LATEX_MATRIX = re.compile(
    r"\\left\(\\begin\{array\}\{[lcr|]*\}(.*)\\end\{array\}\\right\)", re.DOTALL
)
_MATRIX_SEPARATOR = re.compile(r"\[[-+]+\]")


def _bare(s: str, is_latex: bool = False) -> str:
    """`s` with what LaTeX and plain text write differently for the same thing taken out:
    spacing, grouping, a product's sign (LaTeX's is juxtaposition), the backslash of a
    command named as the plain text names it (`\\sin`, `\\pi`), and `\\sqrt{-1}` for I in an
    algebraic number."""
    if is_latex:
        s = s.replace("\\cdot", "*").replace("\\times", "*").replace("\\sqrt{-1}", "I")
        s = _LATEX_NOISE.sub("", s)
        s = _COMMAND.sub("", s)
    return re.sub(r"[\s*]", "", s)


def as_a_terminal_shows(text: str) -> str:
    """`text` as a terminal, or a notebook, shows it: each carriage return goes back to the
    start of its line, which what follows overwrites (a progress bar's updates leave the last
    one, not hundreds), and colours and other control sequences are dropped."""
    if "\r" not in text and "\x1b" not in text:
        return text
    lines = []
    for line in _ANSI.sub("", text).replace("\r\n", "\n").split("\n"):
        shown = ""
        for written in line.split("\r"):
            shown = written + shown[len(written) :]
        lines.append(shown)
    return "\n".join(lines)


def trim_traceback(traceback: str, max_lines: int = _TRACEBACK_LINES) -> str:
    """Keeps the frames of the submitted code and the innermost ones; drops Sage's middle.

    A chained exception ("During handling of the above exception...") is several tracebacks
    in a row: each is trimmed on its own, so that every frame stays in the one it belongs to.
    """
    lines = _ANSI.sub("", traceback).splitlines()
    if len(lines) <= max_lines:
        return "\n".join(lines)
    kept: list[str] = []
    part: list[str] = []
    for line in lines:
        if line.strip() in _CHAIN_SEPARATORS:
            kept.extend(_trim_one(part, max_lines))
            kept.append(line)
            part = []
        else:
            part.append(line)
    kept.extend(_trim_one(part, max_lines))
    return "\n".join(kept)


def _trim_one(lines: list[str], max_lines: int) -> list[str]:
    """One traceback of a chain: its header, the frames kept, and its exception line(s)."""
    frames: list[tuple[str, list[str]]] = []
    head: list[str] = []
    tail: list[str] = []
    for line in lines:
        match = _FRAME.match(line)
        if match:
            frames.append((match.group(1), [line]))
        elif frames and line.startswith("    ") and not tail:
            frames[-1][1].append(line)
        elif frames:
            tail.append(line)
        else:
            head.append(line)
    if not frames:
        if len(lines) <= max_lines:
            return lines
        return [*lines[: max_lines // 2], "  ...", *lines[-max_lines // 2 :]]
    keep_last = 2
    kept: list[str] = list(head)
    omitted = 0
    for index, (filename, frame_lines) in enumerate(frames):
        if filename.startswith("<cell") or index >= len(frames) - keep_last:
            if omitted:
                kept.append(_omitted(omitted))
                omitted = 0
            kept.extend(frame_lines)
        else:
            omitted += 1
    if omitted:
        kept.append(_omitted(omitted))
    kept.extend(tail)
    return kept


def _omitted(frames: int) -> str:
    return f"  ... {frames} frame{'' if frames == 1 else 's'} inside Sage omitted ..."
