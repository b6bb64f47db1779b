"""matplotlib's names for plot options that Sage's plots call otherwise, and Sage's way.

Models write Sage's plots as they write matplotlib's: `plot(f, (x, 0, 1), xlabel='x')`,
`lw=2`, `xlim=(0, 1)`. Sage refuses each with "error in line(): option 'xlabel' not valid",
which says nothing of the option it does have. `hints` gives the entry here under such an
error. Each way is a keyword argument that a test passes to a real plot, so that no hint is
advice that fails.
"""

from __future__ import annotations

import re

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
    "facecolor": "fill=True, fillcolor='red'",
}
