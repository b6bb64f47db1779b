"""matplotlib's names for plot options that Sage's plots call otherwise, and Sage's way.

Models write Sage's plots as they write matplotlib's: `plot(f, (x, 0, 1), xlabel='x')`,
`lw=2`, `xlim=(0, 1)`. Sage refuses each with "error in line(): option 'xlabel' not valid",
which says nothing of the option it does have. `hints` gives the entry here under such an
error. Each way is a keyword argument that a test passes to a real plot, so that no hint is
advice that fails. And `label='sin'` Sage takes and drops: the plot has no legend, and no
error says why (`note`, for `notes`).
"""

from __future__ import annotations

import ast
import re
from typing import Any

from sage_sidecar import cell_calls

# Sage's words for an option a graphics primitive does not take: the primitive, the option.
REFUSED = re.compile(r"error in (\w+)\(\): option '(\w+)' not valid")

# matplotlib's option (or a near miss of Sage's): Sage's way, as keyword arguments of plot.
WAYS: dict[str, str] = {
    "xlabel": "axes_labels=['x', 'y']",
    "ylabel": "axes_labels=['x', 'y']",
    "xlim": "xmin=0, xmax=1",
    "ylim": "ymin=-1, ymax=1",
    "lw": "thickness=2",
    "linewidth": "thickness=2",
    "width": "thickness=2",
    "ls": "linestyle='--'",
    "style": "linestyle='--'",
    "c": "color='red'",
    "colour": "color='red'",
    "grid": "gridlines=True",
    "legend": "legend_label='sin(x)'",
    "label": "legend_label='sin(x)'",
    "facecolor": "fill=True, fillcolor='red'",
}

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"\blabel\s*=")
_LABEL = (
    "Note: Sage's plots drop label= and draw no legend for it: the legend entry is "
    "legend_label={label}, as in plot(sin(x), (x, 0, 1), legend_label={label})."
)


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for the first plot the cell made with matplotlib's `label=` and no
    `legend_label=`."""
    for call in cell_calls.own_calls(tree):
        if not cell_calls.called(call).endswith("plot"):
            continue
        keywords = {keyword.arg: keyword.value for keyword in call.keywords}
        if "label" in keywords and "legend_label" not in keywords:
            label = keywords["label"]
            shown = ast.unparse(label) if isinstance(label, ast.Constant) else "'...'"
            return _LABEL.format(label=shown)
    return None
