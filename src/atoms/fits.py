"""Per-seed fits of measured curves, kept in one place so chapters estimate exponents alike."""

from __future__ import annotations

import numpy as np


def loglog_slope(x, y: np.ndarray) -> np.ndarray:
    """Least-squares slope of log y on log x, per row of `y` `[..., len(x)]`: a power law's exponent."""
    logx = np.log(np.asarray(x, np.float64))
    logy = np.log(np.asarray(y, np.float64))
    centred = logx - logx.mean()
    return (logy - logy.mean(axis=-1, keepdims=True)) @ centred / (centred @ centred)
