"""Keeps what an evaluation returns within a model's context budget.

Text over the budget is cut to a head and a tail with a note; images over the size cap are
scaled down, in a worker thread so that the server goes on serving meanwhile. The full text or
image is kept in an `OutputStore`, which the MCP server serves as resources
(`sage://outputs/{id}`, `sage://images/{id}.png`).
"""

from __future__ import annotations

import asyncio
import io
import struct
import uuid
import warnings
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

OUTPUT_URI = "sage://outputs/{output_id}"
IMAGE_URI = "sage://images/{image_id}.png"

# Share of the budget given to the head of a cut text; the tail gets the rest. The tail is
# where errors and final values usually are, so it is not starved.
_HEAD_SHARE = 0.6
# The image formats models take inline (Anthropic's, OpenAI's and Google's APIs take these
# and refuse others, SVG included), which are also those scaled down here.
_INLINE = {"image/png", "image/jpeg", "image/gif", "image/webp"}
_SVG = "image/svg+xml"
# The least one text keeps of a shared budget, and of itself when cut.
MIN_SHARE = 400
_MIN_KEPT = 120


class OutputStore:
    """The most recent full outputs, by id, bounded in count and in bytes (oldest go first)."""

    def __init__(self, max_items: int = 64, max_bytes: int = 256 << 20) -> None:
        self._max_items = max_items
        self._max_bytes = max_bytes
        self._items: OrderedDict[str, str | bytes] = OrderedDict()
        self._size = 0

    def put(self, content: str | bytes) -> str:
        item_id = uuid.uuid4().hex[:16]
        self._items[item_id] = content
        self._size += len(content)
        while len(self._items) > self._max_items or (
            self._size > self._max_bytes and len(self._items) > 1
        ):
            _, dropped = self._items.popitem(last=False)
            self._size -= len(dropped)
        return item_id

    def get(self, item_id: str) -> str | bytes | None:
        content = self._items.get(item_id)
        if content is not None:
            self._items.move_to_end(item_id)
        return content

    def __len__(self) -> int:
        return len(self._items)


@dataclass(frozen=True)
class FittedText:
    text: str
    truncated: bool = False
    uri: str | None = None


def fit_text(text: str, limit: int, store: OutputStore, what: str = "output") -> FittedText:
    """`text` if it fits in `limit` characters, else its head and tail around a note, about
    `limit` characters in all (never less than `_MIN_KEPT` of the text itself)."""
    if len(text) <= limit:
        return FittedText(text)
    uri = OUTPUT_URI.format(output_id=store.put(text))

    def note(omitted: int, lines: int) -> str:
        return (
            f"\n[... {omitted:,} characters ({lines:,} lines) of the {what} cut here to save "
            f"context. The full {what} ({len(text):,} characters) is the MCP resource {uri}; "
            "the read_output tool reads it ...]\n"
        )

    # The note's own length, with the widest figures it can show, comes out of the limit.
    kept = max(limit - len(note(len(text), len(text))), _MIN_KEPT)
    head_size = int(kept * _HEAD_SHARE)
    tail_size = kept - head_size
    head = _cut_at_line(text[:head_size], keep="start")
    tail = _cut_at_line(text[-tail_size:], keep="end")
    omitted = len(text) - len(head) - len(tail)
    omitted_lines = text.count("\n", len(head), len(text) - len(tail))
    return FittedText(head + note(omitted, omitted_lines) + tail, truncated=True, uri=uri)


def shares(sizes: Sequence[int], budget: int) -> list[int]:
    """How many characters each of several texts may keep so that together they fit `budget`.

    Texts within an equal share keep all they have, and what they leave goes to the longer
    ones, shared equally (water-filling): a short result is never cut because the printed
    output was long. No share is below `MIN_SHARE`, so many texts may go over the budget
    rather than each being cut to its note."""
    if sum(sizes) <= budget:
        return list(sizes)
    limits = list(sizes)
    remaining = budget
    by_size = sorted(range(len(sizes)), key=sizes.__getitem__)
    for position, index in enumerate(by_size):
        share = remaining // (len(by_size) - position)
        if sizes[index] > share:
            for longer in by_size[position:]:
                limits[longer] = max(share, MIN_SHARE)
            break
        remaining -= sizes[index]
    return limits


def _cut_at_line(piece: str, keep: str) -> str:
    """Trims a head (or tail) to whole lines when a line break is near the cut."""
    if keep == "start":
        cut = piece.rfind("\n")
        return piece[: cut + 1] if cut >= len(piece) * 0.8 else piece
    cut = piece.find("\n")
    return piece[cut + 1 :] if 0 <= cut <= len(piece) * 0.2 else piece


@dataclass(frozen=True)
class FittedImage:
    # None when the image could not be made small enough to show inline.
    data: bytes | None
    mime_type: str
    note: str = ""
    uri: str | None = None


async def fit_image(data: bytes, mime_type: str, max_bytes: int, store: OutputStore) -> FittedImage:
    """The image if it is within `max_bytes`, else a scaled-down PNG, the original stored; an
    image in a format models do not take (SVG) is offered as a resource instead.

    Decoding and scaling run in a worker thread: that takes up to a second for a large plot,
    which on the event loop would stall every other call to the server."""
    if mime_type not in _INLINE:
        return _not_inline(data, mime_type, store)
    if len(data) <= max_bytes:
        return FittedImage(data, mime_type)
    # Only the pure work moves to the thread; the store is touched from the loop alone.
    scaled = await asyncio.to_thread(_scale, data, max_bytes)
    return _scaled(data, mime_type, store, scaled)


def _not_inline(data: bytes, mime_type: str, store: OutputStore) -> FittedImage:
    """An image models cannot take: a client would fail the whole tool result over it. An
    SVG's source is text, which the agent can read."""
    what = (
        f"[{mime_type} image of {len(data):,} bytes, not shown inline: models take PNG, JPEG, "
        "GIF and WebP images only"
    )
    if mime_type != _SVG:
        return FittedImage(None, mime_type, f"{what}]")
    uri = OUTPUT_URI.format(output_id=store.put(data.decode("utf-8", errors="replace")))
    note = f"{what}; its source is the MCP resource {uri}, which the read_output tool reads]"
    return FittedImage(None, mime_type, note, uri)


_Scaled = tuple[bytes, bytes | None, tuple[tuple[int, int], tuple[int, int]]]


def _scale(data: bytes, max_bytes: int) -> _Scaled | Exception:
    """`_downscale`'s answer, or what it raised, for `_scaled` to turn into a note."""
    try:
        return _downscale(data, max_bytes)
    except Exception as exc:  # an undecodable image must not fail the whole evaluation
        return exc


def _scaled(
    data: bytes, mime_type: str, store: OutputStore, scaled: _Scaled | Exception
) -> FittedImage:
    if isinstance(scaled, _TooManyPixels):
        return _unscaled(data, mime_type, store)
    if isinstance(scaled, Exception):
        return FittedImage(None, mime_type, f"[image of {len(data):,} bytes not shown: {scaled}]")
    original, smaller, sizes = scaled
    uri = IMAGE_URI.format(image_id=store.put(original))
    (w0, h0), (w1, h1) = sizes
    if smaller is None:
        note = (
            f"[{w0}x{h0} image of {len(data):,} bytes, too large to show inline; the full "
            f"image is the MCP resource {uri}, which the read_output tool returns]"
        )
        return FittedImage(None, mime_type, note, uri)
    note = (
        f"[image scaled down from {w0}x{h0} to {w1}x{h1}; the full image is the MCP resource "
        f"{uri}, which the read_output tool returns]"
    )
    return FittedImage(smaller, "image/png", note, uri)


class _TooManyPixels(Exception):
    pass


_ADVICE = "a smaller figsize or dpi gives an image that can be shown inline"


def _unscaled(data: bytes, mime_type: str, store: OutputStore) -> FittedImage:
    """An image with more pixels than is safe to decode here (a decompression bomb, or a
    very large figure): offered as it is, never decoded."""
    size = _png_size(data)
    what = f"{size[0]}x{size[1]} image" if size else "image"
    if size is None:  # only a PNG can be served as the .png resource
        return FittedImage(None, mime_type, f"[{what} of {len(data):,} bytes, too many pixels "
                                            f"to show or scale; {_ADVICE}]")  # fmt: skip
    uri = IMAGE_URI.format(image_id=store.put(data))
    note = (
        f"[{what} of {len(data):,} bytes, too many pixels to scale down; the full image is "
        f"the MCP resource {uri} (read_output), and {_ADVICE}]"
    )
    return FittedImage(None, mime_type, note, uri)


def _png_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _downscale(data: bytes, max_bytes: int) -> _Scaled:
    """(original as PNG, scaled PNG within max_bytes or None, (original size, new size))."""
    from PIL import Image  # imported here: only large images pay for it

    with warnings.catch_warnings():
        # Past PIL's pixel limit decoding could take gigabytes: such an image is not decoded
        # (and PIL's warning is not printed, as plain text, among the JSON log lines).
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            opened = Image.open(io.BytesIO(data))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _TooManyPixels from None
    with opened as image:
        image.load()
        original_size = image.size
        if image.format == "PNG":
            original = data
        else:
            buffer = io.BytesIO()
            image.save(buffer, format="PNG")
            original = buffer.getvalue()
        width, height = original_size
        # Area, and so roughly bytes, scales with the square of the factor.
        factor = min(1.0, (max_bytes / len(original)) ** 0.5)
        for _ in range(6):
            size = (max(1, int(width * factor)), max(1, int(height * factor)))
            buffer = io.BytesIO()
            image.resize(size, Image.Resampling.LANCZOS).save(buffer, format="PNG", optimize=True)
            if buffer.tell() <= max_bytes:
                return original, buffer.getvalue(), (original_size, size)
            factor *= 0.7
    return original, None, (original_size, original_size)
