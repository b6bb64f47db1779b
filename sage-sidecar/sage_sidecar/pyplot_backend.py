"""A matplotlib backend for Sage workers: figures made with pyplot come back as PNG displays.

In the Sage console `plt.show()` opens a window. A worker has none, and with matplotlib's
Agg backend a pyplot figure would be lost without a word. As Jupyter's inline backend does,
`show()` sends every open figure as a PNG `display` event and closes it, and the executor
sends the figures still open when a cell ends. Sage's own plots do not go through pyplot.
Counterpart: `executor`, which selects this backend and gives it the display backend to send
through.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg

NAME = f"module://{__name__}"
FigureCanvas = FigureCanvasAgg

# Where figures go: (MIME type, data, plain-text stand-in). Set in each worker.
sink: Callable[[str, bytes, str], None] | None = None


def show(*args: Any, **kwargs: Any) -> None:
    send_open_figures()


def send_open_figures() -> None:
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None or sink is None or not pyplot.get_fignums():
        return
    try:
        for number in pyplot.get_fignums():
            figure = pyplot.figure(number)
            image = io.BytesIO()
            figure.savefig(image, format="png", bbox_inches="tight")
            sink("image/png", image.getvalue(), repr(figure))
    finally:
        close_open_figures()


def send_open_figures_after_failure() -> None:
    """After a cell failed: send what it drew, as far as the figures can be drawn; a figure
    that cannot be is dropped, so that the cell's own error is what the caller reads."""
    try:
        send_open_figures()
    except BaseException:  # an interrupt meanwhile too: the cell has failed already
        close_open_figures()


def close_open_figures() -> None:
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")
