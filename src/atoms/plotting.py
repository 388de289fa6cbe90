"""The house style and the plots several chapters share.

One style for every figure keeps the book readable: opaque white backgrounds (figures stay
legible in a dark-mode browser), large enough fonts, and the same colours for the same roles.
"""

from __future__ import annotations

import matplotlib
import numpy as np
from matplotlib.figure import Figure

STYLE = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "figure.dpi": 110,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.frameon": False,
}
COLORS = ("#1b6ca8", "#d1495b", "#2e933c", "#edae49", "#6a4c93", "#00798c", "#8d6a9f", "#4a4a4a")

matplotlib.rcParams.update(STYLE)


def figure(rows: int = 1, cols: int = 1, *, width: float = 9.0, height: float = 3.2, **kwargs):
    """A figure outside pyplot's registry, so notebooks show only the figures a chapter displays."""
    fig = Figure(figsize=(width, height * rows))
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
            ax.text(i, 1.22, f"{size} units", ha="center", va="bottom", fontsize=8)
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
    ax.set_xticks(x, labels, fontsize=7)
