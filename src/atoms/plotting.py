"""The house style and the plots several chapters share.

One style for every figure keeps the book readable: opaque white backgrounds (figures stay
legible in a dark-mode browser), one width and one text size chosen for the page's column, and
the same colours for the same roles.
"""

from __future__ import annotations

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

COLUMN_PX = 730  # CSS width of the book's content column on a desktop screen
NARROW_PX = 352  # a figure's width on a 400 px phone screen (measured in Chromium), where every figure shrinks
MIN_TEXT_PX = 7  # the smallest text a reader can still make out, in CSS px
WIDTH = 5.8  # inches: every figure is this wide, so its text shrinks by the same factor on every page
DPI = 150  # twice the column's CSS px per inch, so figures stay sharp on high-density screens
TEXT_PT = 9  # every tick label, axis label, legend and annotation: MIN_TEXT_PX or more at NARROW_PX
TITLE_PT = 10

STYLE = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.transparent": False,
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "font.size": TEXT_PT,
    "axes.titlesize": TITLE_PT,
    "figure.titlesize": TITLE_PT,
    "axes.labelsize": TEXT_PT,
    "xtick.labelsize": TEXT_PT,
    "ytick.labelsize": TEXT_PT,
    "legend.fontsize": TEXT_PT,
    "legend.title_fontsize": TEXT_PT,
    "figure.labelsize": TEXT_PT,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.frameon": False,
}
COLORS = ("#1b6ca8", "#d1495b", "#2e933c", "#edae49", "#6a4c93", "#00798c", "#8d6a9f", "#4a4a4a")

matplotlib.rcParams.update(STYLE)


def narrow_text_px(natural_px: float, pt: float = TEXT_PT) -> float:
    """CSS px of `pt`-point text in a figure `natural_px` wide once the page shrinks it to NARROW_PX."""
    return pt * DPI / 72 * min(1.0, NARROW_PX / natural_px)


def figure(rows: int = 1, cols: int = 1, *, height: float = 3.2, **kwargs):
    """A figure WIDTH wide, `height` inches per row of panels, outside pyplot's registry (so notebooks show
    only the figures a chapter displays). No chapter picks its own width: the text size is set for this one."""
    fig = Figure(figsize=(WIDTH, height * rows))
    return fig, fig.subplots(rows, cols, squeeze=False, **kwargs)


def mean_band(ax, x, values, *, label: str | None = None, color=None, linestyle="-"):
    """Mean over seeds (axis 0) with a band from the lowest to the highest seed.

    The min-max band shows every seed's outcome at once, which with 5 to 10 seeds is more honest
    than a standard-error band that assumes normal noise.
    """
    values = np.asarray(values, dtype=float)
    mean = np.nanmean(values, axis=0)
    line, = ax.plot(x, mean, label=label, color=color, linestyle=linestyle, marker="o", markersize=3)
    ax.fill_between(x, np.nanmin(values, axis=0), np.nanmax(values, axis=0), color=line.get_color(), alpha=0.2,
                    linewidth=0)
    return line


def network_diagram(ax, layer_sizes, *, max_drawn: int = 10, title: str | None = None):
    """Draws a fully connected network; layers wider than `max_drawn` show their count instead."""
    ax.set_axis_off()
    ax.set_aspect("auto")
    positions = []
    for i, size in enumerate(layer_sizes):
        drawn = min(size, max_drawn)
        ys = np.linspace(-1, 1, drawn) if drawn > 1 else np.zeros(1)
        positions.append([(i, y) for y in ys])
        if size > max_drawn:
            ax.text(i, 1.22, f"{size} units", ha="center", va="bottom")
    for left, right in zip(positions[:-1], positions[1:]):
        for x0, y0 in left:
            for x1, y1 in right:
                ax.plot([x0, x1], [y0, y1], color="#9aa5b1", linewidth=0.5, zorder=1)
    for i, layer in enumerate(positions):
        xs, ys = zip(*layer)
        color = COLORS[0] if 0 < i < len(positions) - 1 else COLORS[7]
        ax.scatter(xs, ys, s=60, color=color, zorder=2, edgecolors="white")
    ax.set_xlim(-0.5, len(layer_sizes) - 0.5)
    ax.set_ylim(-1.4, 1.5)
    if title:
        ax.set_title(title)


def paired_dots(ax, labels, per_seed, colors):
    """One dot per seed for each arm (rows of `per_seed`), a grey line joining the arms of one seed and a
    black bar at each arm's mean: paired comparisons show the pairing, not just two clouds."""
    per_seed = np.asarray(per_seed, dtype=float)
    x = np.arange(len(labels))
    ax.plot(x, per_seed, color="#c5ccd3", linewidth=0.8, zorder=1)
    for i, color in enumerate(colors):
        ax.scatter(np.full(per_seed.shape[1], i), per_seed[i], color=color, s=18, zorder=2)
        ax.plot([i - 0.25, i + 0.25], [per_seed[i].mean()] * 2, color="black", linewidth=1.5, zorder=3)
    ax.set_xticks(x, labels)


def log_ticks(ax, axis: str = "y"):
    """Labels a log axis at 1, 2 and 5 times each power of ten in plain numbers, so a range under a decade
    still shows several labelled ticks, and hides minor labels (they crowd). A linear axis is left alone."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    if target.get_scale() != "log":
        return
    target.set_major_locator(LogLocator(subs=(1, 2, 5)))
    target.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    target.set_minor_formatter(NullFormatter())
