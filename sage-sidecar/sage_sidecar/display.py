"""Sage's rich-output backend for the sidecar: turns displayed objects into events.

Sage's display manager decides how an object looks (plain text as the console prints it, a
PNG for a plot); this backend only forwards that. Counterpart: `executor`, which calls the
display manager with a cell's value and sends the `result` event.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from IPython.utils.dir2 import get_real_method
from sage.repl.rich_output import get_display_manager
from sage.repl.rich_output.backend_base import BackendBase
from sage.repl.rich_output.output_catalog import (
    OutputAsciiArt,
    OutputHtml,
    OutputImageGif,
    OutputImageJpg,
    OutputImagePng,
    OutputImageSvg,
    OutputLatex,
    OutputPlainText,
    OutputUnicodeArt,
    OutputVideoAvi,
    OutputVideoFlash,
    OutputVideoMatroska,
    OutputVideoMp4,
    OutputVideoOgg,
    OutputVideoQuicktime,
    OutputVideoWebM,
    OutputVideoWmv,
)
from sage.rings.complex_mpfr import ComplexNumber
from sage.rings.integer import Integer
from sage.rings.rational import Rational
from sage.rings.real_mpfr import RealLiteral, RealNumber
from sage.structure.sage_object import SageObject
from sage.symbolic.expression import Expression

from sage_sidecar.messages import Display, Event, wire_text

# The plain-text stand-in sent with a display; the whole display must fit one gRPC message.
_MAX_ALT_TEXT = 4096
# Text output container type -> name of the attribute holding its text.
_TEXT_BUFFERS: dict[type, str] = {
    OutputPlainText: "text",
    OutputAsciiArt: "ascii_art",
    OutputUnicodeArt: "unicode_art",
    OutputLatex: "latex",
}
# Output container type -> (MIME type, name of the attribute holding the bytes).
# Exact types the console prints as their one-line repr: the display manager's pretty printer
# adds nothing for them, and skipping it saves more than the whole cell `1+1` costs.
# Subclasses may print otherwise, so the match is on the exact type.
_REPR_TYPES = frozenset(
    {int, float, complex, bool, str, Integer, Rational, RealNumber, RealLiteral, ComplexNumber,
     Expression}
)  # fmt: skip
_RICH_OUTPUTS: dict[type, tuple[str, str]] = {
    OutputImagePng: ("image/png", "png"),
    OutputImageSvg: ("image/svg+xml", "svg"),
    OutputImageJpg: ("image/jpeg", "jpg"),
    OutputImageGif: ("image/gif", "gif"),
    OutputHtml: ("text/html", "html"),
    # An animation shown in a video format: `a.show(format="mp4")`.
    **{
        video: (video.mimetype, "video")
        for video in (
            OutputVideoWebM,
            OutputVideoMp4,
            OutputVideoOgg,
            OutputVideoMatroska,
            OutputVideoQuicktime,
            OutputVideoAvi,
            OutputVideoWmv,
            OutputVideoFlash,
        )
    },
}

# The rich forms Jupyter shows for objects Sage's display manager knows nothing of (a PIL
# image, IPython's `HTML`), in Jupyter's order of preference: (method, MIME type).
_IPYTHON_REPRS = (
    ("_repr_png_", "image/png"),
    ("_repr_jpeg_", "image/jpeg"),
    ("_repr_svg_", "image/svg+xml"),
    ("_repr_html_", "text/html"),
)


class SidecarBackend(BackendBase):  # type: ignore[misc]
    """Sends rich output as `display` events and remembers the plain text of a result."""

    def __init__(self, emit: Callable[..., None], display_budget: Callable[[int], bool]) -> None:
        self._emit = emit
        self._display_budget = display_budget
        self.last_plain_text: str | None = None
        self.last_was_rich = False

    def _repr_(self) -> str:
        return "sage-sidecar"

    def supported_output(self) -> set[type]:
        return {*_TEXT_BUFFERS, *_RICH_OUTPUTS}

    def install(self, **kwds: Any) -> None:
        pass

    def uninstall(self) -> None:
        pass

    def displayhook(self, plain_text: Any, rich_output: Any) -> None:
        # As the console does: `%display ascii_art` (or unicode_art) makes a result's text.
        art = isinstance(rich_output, OutputAsciiArt | OutputUnicodeArt)
        self.last_plain_text = _text_of(rich_output if art else plain_text)
        self.last_was_rich = self._send_rich(plain_text, rich_output)

    def display_immediately(self, plain_text: Any, rich_output: Any) -> None:
        if not self._send_rich(plain_text, rich_output):
            # As the console does: `show(x)` of something textual prints it.
            print(_text_of(rich_output))

    def _show_ipython_rich(self, value: Any, text: str) -> bool:
        """Send the rich form Jupyter would show for `value`, if it is no Sage object and has
        one; whether it did."""
        rich = ipython_rich(value)
        if rich is None:
            return False
        mime_type, data = rich
        if mime_type == "text/html":  # its source says more than `<...HTML object>`
            text = data.decode("utf-8", "replace")
        self.show_data(mime_type, data, text)
        return True

    def show(self, value: Any) -> tuple[str, bool]:
        """Show `value` as the console shows a cell's value: its rich output (a plot, an
        image) is sent now. Its plain text, and whether it had rich output."""
        text = console_text(value)
        if text is not None:
            return text, False
        self.last_plain_text = None
        get_display_manager().displayhook(value)
        text = self.last_plain_text if self.last_plain_text is not None else repr(value)
        return text, self.last_was_rich or self._show_ipython_rich(value, text)

    def _send_rich(self, plain_text: Any, rich_output: Any) -> bool:
        kind = _RICH_OUTPUTS.get(type(rich_output))
        if kind is None:
            return False
        mime_type, attribute = kind
        data = getattr(rich_output, attribute).get()
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.show_data(mime_type, data, plain_text.text.get_unicode())
        return True

    def show_data(self, mime_type: str, data: bytes, text: str) -> None:
        """Send `data` as a display, if it fits this evaluation's display budget."""
        text = wire_text(text)
        if type(data) is not bytes:  # a subclass would not unpickle in the server
            data = bytes(data)
        if len(text) > _MAX_ALT_TEXT:  # HTML's plain text is its whole source again
            text = text[:_MAX_ALT_TEXT] + " [...]"
        events: list[Event] = []
        # The budget counts the data; the capped alt text keeps one display under 4 MiB.
        if self._display_budget(len(data)):
            events.append(Display(mime_type, data, text))
        else:
            print(
                f"[{mime_type} output of {len(data)} bytes dropped: over this evaluation's "
                f"display limit; a plot fits with a smaller figsize or dpi] {text}"
            )
        self._emit(*events)


def display(*values: Any, **options: Any) -> None:
    """Show each value now, as it would be shown as a cell's value: its text printed, or a
    plot or image sent.

    IPython's `display`, which the Sage console and Jupyter make a builtin; its options are
    accepted and ignored."""
    backend = get_display_manager()._backend
    for value in values:
        if not isinstance(backend, SidecarBackend):
            print(value)
            continue
        text, rich = backend.show(value)
        if not rich:
            print(ipython_source(value) or text)


def _ipython_repr(value: Any, method_name: str) -> Any:
    """What `value`'s IPython method `method_name` (`_repr_png_`...) gives, or None: for a
    Sage object, which Sage's display manager shows, and for a method that fails, since it
    is the object's own code."""
    if isinstance(value, SageObject | type):
        return None
    method = get_real_method(value, method_name)
    if method is None:
        return None
    try:
        return method()
    except Exception:
        return None


def ipython_rich(value: Any) -> tuple[str, bytes] | None:
    """The first rich form of `_IPYTHON_REPRS` that `value`, no Sage object, gives: MIME type
    and data."""
    for method_name, mime_type in _IPYTHON_REPRS:
        data = _ipython_repr(value, method_name)
        if isinstance(data, tuple) and len(data) == 2:  # (data, metadata), as IPython allows
            data = data[0]
        if isinstance(data, str):
            data = data.encode("utf-8", "replace")
        if isinstance(data, bytes | bytearray) and data:
            return mime_type, bytes(data)
    return None


def ipython_source(value: Any) -> str | None:
    """The Markdown or LaTeX source of an IPython object that has no other form than those
    (`Markdown(...)`, `Math(...)`), which says more than its `<...Math object>`; None for
    any other value."""
    for method_name in ("_repr_markdown_", "_repr_latex_"):
        source = _ipython_repr(value, method_name)
        if isinstance(source, tuple) and len(source) == 2:  # (data, metadata)
            source = source[0]
        if isinstance(source, str) and source.strip():
            return source.strip()
    return None


def ipython_latex(value: Any) -> str:
    """The mathematics `value`, no Sage object, typesets as in Jupyter (`_repr_latex_`),
    without its `$` delimiters; '' for none, or for LaTeX that is not mathematics."""
    text = _ipython_repr(value, "_repr_latex_")
    if not isinstance(text, str):
        return ""
    text = text.strip()
    for delimiter in ("$$", "$"):
        if (
            len(text) > 2 * len(delimiter)
            and text.startswith(delimiter)
            and text.endswith(delimiter)
        ):
            text = text[len(delimiter) : -len(delimiter)].strip()
            return text.removeprefix("\\displaystyle").strip()
    return ""


def console_text(value: Any) -> str | None:
    """The console's text for `value` when that is its repr; None means: ask the display
    manager. A text preference (`%display ascii_art`, say) always goes to the manager."""
    if type(value) not in _REPR_TYPES or get_display_manager().preferences.text is not None:
        return None
    text = repr(value)
    return None if "\n" in text else text


def _text_of(output: Any) -> str:
    buffer = getattr(output, _TEXT_BUFFERS[type(output)])
    return str(buffer.get_unicode())
