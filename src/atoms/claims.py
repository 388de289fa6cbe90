"""Claims: the sentences a chapter concludes, each judged by a statistic across seeds.

A chapter's conclusion is only as good as the evidence behind it, and one seed
is an anecdote. So every claim is judged across a handful of seeds (typically
5 to 10) by a small, explicit statistic, and the page shows the statistic next
to the verdict so a reader can disagree with the judgement without rerunning
anything.

Three verdicts are possible when judging: *supported*, *not supported* (the
evidence points the other way) and *inconclusive* (too few seeds or too much
noise to tell). The cheap ``smoke`` profile runs too few steps for its numbers
to mean anything, so there the statistic is still computed and shown (that
exercises the whole pipeline) but the verdict is *not judged*.

Everything here is deterministic: every bootstrap draws from
``np.random.default_rng(BOOTSTRAP_SEED)`` (seed 0), created afresh on each
call, so the same data give the same verdict bit for bit, whatever ran before.

Intervals are two-sided at ``confidence`` and a directional claim is supported
only if the *whole* interval lies on the claimed side. That is deliberately
conservative (a two-sided 95% interval makes a one-sided test at 2.5%): with
so few seeds we would rather say "inconclusive" than overclaim.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

__all__ = [
    "BOOTSTRAP_RESAMPLES",
    "BOOTSTRAP_SEED",
    "Claim",
    "Judgement",
    "Verdict",
    "claims_markdown",
    "equivalence",
    "holds_in",
    "judge_all",
    "monotone_trend",
    "paired_difference",
    "threshold",
]

BOOTSTRAP_RESAMPLES = 10_000
"""Enough resamples that the percentile interval's own Monte Carlo error is
negligible next to seed-to-seed noise, yet cheap for 5-10 seeds."""

BOOTSTRAP_SEED = 0
"""Fixed so that a verdict is a function of the data alone."""

_DIRECTIONS = ("increasing", "decreasing")
_METHODS = ("bootstrap", "sign")
_ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]*")


class Verdict(str, enum.Enum):
    """A str enum so that verdicts serialize to JSON and compare to plain strings."""

    SUPPORTED = "supported"
    NOT_SUPPORTED = "not supported"
    INCONCLUSIVE = "inconclusive"
    NOT_JUDGED = "not judged"


# Plain symbols rather than emoji: they render in any text font, emoji need an emoji font.
_BADGES = {
    Verdict.SUPPORTED: "✓ supported",
    Verdict.NOT_SUPPORTED: "✗ not supported",
    Verdict.INCONCLUSIVE: "? inconclusive",
    Verdict.NOT_JUDGED: "· not judged",
}


@dataclass(frozen=True)
class Judgement:
    """A verdict together with the evidence for it.

    ``statistic`` is what the page prints; ``values`` are the same numbers in
    machine-readable form, so that later chapters, summaries and regression
    checks never have to parse the sentence.
    """

    verdict: Verdict
    statistic: str
    values: dict[str, float]

    def __post_init__(self) -> None:
        # Checked here, not at serialization time, so that a numpy scalar sneaking
        # into ``values`` fails where it was produced rather than when the book is
        # written out.
        if not isinstance(self.verdict, Verdict):
            raise ValueError(f"verdict must be a Verdict; got {self.verdict!r}")
        for key, value in self.values.items():
            if not isinstance(key, str) or type(value) not in (int, float):
                raise ValueError(
                    "values must map str to Python int or float (JSON-serializable); "
                    f"got {key!r}: {type(value).__name__}"
                )


@dataclass(frozen=True)
class Claim:
    """One sentence of a chapter's conclusion and the judgement backing it.

    ``id`` is a slug (lowercase letters, digits, ``_`` or ``-``) so that it can
    serve as a stable anchor and dictionary key across runs.
    """

    id: str
    statement: str
    judgement: Judgement

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not _ID_PATTERN.fullmatch(self.id):
            raise ValueError(
                f"id must be a slug of lowercase letters, digits, '_' or '-'; got {self.id!r}"
            )
        if not isinstance(self.statement, str) or not self.statement.strip():
            raise ValueError("statement must be a non-empty string")

    @property
    def verdict(self) -> Verdict:
        return self.judgement.verdict

    def to_dict(self) -> dict[str, Any]:
        """Flat and JSON-ready, so that a chapter's claims file is easy to read and diff."""
        return {
            "id": self.id,
            "statement": self.statement,
            "verdict": self.judgement.verdict.value,
            "statistic": self.judgement.statistic,
            "values": dict(self.judgement.values),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Claim:
        """Inverse of :meth:`to_dict`; strict, so a corrupted claims file fails loudly."""
        missing = [k for k in ("id", "statement", "verdict", "statistic", "values") if k not in d]
        if missing:
            raise ValueError(f"d is missing key(s) {missing}")
        try:
            verdict = Verdict(d["verdict"])
        except ValueError:
            allowed = [v.value for v in Verdict]
            raise ValueError(f"verdict must be one of {allowed}; got {d['verdict']!r}") from None
        judgement = Judgement(verdict, d["statistic"], dict(d["values"]))
        return cls(id=d["id"], statement=d["statement"], judgement=judgement)


# --------------------------------------------------------------------------- statistics


def monotone_trend(
    values: Any,
    direction: str,
    *,
    levels: Any = None,
    alpha: float = 0.05,
    judged: bool = True,
) -> Judgement:
    """Judge "the metric rises (or falls) as the swept setting grows".

    ``values`` has shape ``[n_seeds, n_levels]``. Each seed is reduced to one
    Kendall tau between the setting and the metric: rank-based, so it asks only
    whether the curve goes the claimed way, not whether it is straight, and a
    single outlying level cannot dominate. A seed whose metric is constant has
    no trend (tau 0).

    The seeds are then combined by an exact one-sided sign test on the taus
    (zero taus dropped), the weakest assumption available for so few samples.
    SUPPORTED if the test in the claimed direction gives p < ``alpha``;
    NOT_SUPPORTED if the test in the opposite direction does; else INCONCLUSIVE.

    Note the granularity of the sign test: with 5 seeds the smallest one-sided
    p is 1/32 = 0.031 < 0.05, so 5 of 5 agreeing seeds can support a claim,
    but 4 of 5 (p = 0.19) cannot, and no outcome with 4 or fewer seeds can.

    ``levels`` gives the setting's value for each column (default: column
    order). Only their order matters, so columns need not be sorted.
    ``alpha`` is capped at 0.5 so that the two directions can never both be
    significant.
    """
    matrix = _as_array(values, "values")
    if matrix.ndim != 2:
        raise ValueError(f"values must be 2-D [n_seeds, n_levels]; got shape {matrix.shape}")
    n_seeds, n_levels = matrix.shape
    _check_seeds(n_seeds, "values")
    if n_levels < 2:
        raise ValueError(f"values must have at least 2 levels (columns); got {n_levels}")
    if direction not in _DIRECTIONS:
        raise ValueError(f"direction must be one of {list(_DIRECTIONS)}; got {direction!r}")
    if not 0.0 < alpha <= 0.5:
        raise ValueError(f"alpha must be in (0, 0.5]; got {alpha!r}")
    x = np.arange(n_levels, dtype=float) if levels is None else _as_levels(levels, n_levels)

    taus = np.array([_kendall_tau(x, row) for row in matrix])
    sign = 1.0 if direction == "increasing" else -1.0
    n_agree = int(np.sum(np.sign(taus) == sign))
    n_opposite = int(np.sum(np.sign(taus) == -sign))
    p_value = _sign_test_p(n_agree, n_agree + n_opposite)
    p_opposite = _sign_test_p(n_opposite, n_agree + n_opposite)

    if p_value < alpha:
        verdict = Verdict.SUPPORTED
    elif p_opposite < alpha:
        verdict = Verdict.NOT_SUPPORTED
    else:
        verdict = Verdict.INCONCLUSIVE
    mean_tau = float(np.mean(taus))
    opposite = _DIRECTIONS[1 - _DIRECTIONS.index(direction)]
    statistic = (
        f"mean Kendall tau = {_fmt(mean_tau)} over {n_seeds} seeds "
        f"({n_agree} {direction}, {n_opposite} {opposite}); "
        f"one-sided sign test p = {_fmt_p(p_value)} (opposite direction p = {_fmt_p(p_opposite)})"
    )
    result = {
        "mean_tau": mean_tau,
        "n_seeds": n_seeds,
        "n_agree": n_agree,
        "n_opposite": n_opposite,
        "p_value": p_value,
        "p_value_opposite": p_opposite,
    }
    return _judgement(verdict, statistic, result, judged)


def paired_difference(
    a: Any,
    b: Any,
    *,
    greater: bool = True,
    margin: float = 0.0,
    confidence: float = 0.95,
    method: str = "bootstrap",
    judged: bool = True,
) -> Judgement:
    """Judge "a exceeds b by more than ``margin``" (or "falls short of b by more
    than ``margin``") for measurements paired by seed.

    Pairing by seed removes the seed-to-seed variation both arms share, which
    is usually most of the noise. ``greater=True`` claims a - b > margin;
    ``greater=False`` claims a - b < -margin.

    ``method="bootstrap"``: percentile bootstrap interval of the mean
    difference. ``method="sign"``: exact, distribution-free interval for the
    *median* difference from order statistics, for when one wild seed should
    not decide the verdict. Its attainable confidences are discrete; when the
    seeds are too few for ``confidence`` (e.g. 95% needs at least 6), the
    widest interval [min, max] is used and its actual confidence (93.75% for
    5 seeds) is reported instead.

    SUPPORTED if the whole interval is on the claimed side of the margin,
    NOT_SUPPORTED if it is wholly on the other side, INCONCLUSIVE otherwise.
    """
    x, y = _as_paired(a, b)
    _check_margin(margin)
    _check_confidence(confidence)
    if method not in _METHODS:
        raise ValueError(f"method must be one of {list(_METHODS)}; got {method!r}")
    diff = x - y
    n = diff.size

    if method == "bootstrap":
        centre_label, centre_name, centre = "mean", "mean_diff", float(np.mean(diff))
        interval_label = "bootstrap"
        low, high = _bootstrap_interval(_bootstrap_means(diff), confidence)
        actual_confidence = confidence
    else:
        centre_label, centre_name, centre = "median", "median_diff", float(np.median(diff))
        interval_label = "sign-test"
        low, high, actual_confidence = _sign_interval(diff, confidence)

    bound = margin if greater else -margin
    verdict = _interval_verdict(low, high, bound, greater)
    n_positive = int(np.sum(diff > 0))
    statistic = (
        f"{centre_label} difference (a - b) = {_fmt(centre)} over {n} seeds, "
        f"{_fmt(100 * actual_confidence)}% {interval_label} CI [{_fmt(low)}, {_fmt(high)}] "
        f"(claimed {'>' if greater else '<'} {_fmt(bound)}); {n_positive} of {n} positive"
    )
    result = {
        centre_name: centre,
        "low": low,
        "high": high,
        "confidence": float(actual_confidence),
        "n_seeds": n,
        "n_positive": n_positive,
    }
    return _judgement(verdict, statistic, result, judged)


def equivalence(
    a: Any,
    b: Any,
    *,
    margin: float,
    confidence: float = 0.95,
    paired: bool = True,
    judged: bool = True,
) -> Judgement:
    """Judge "a and b are indistinguishable within ±``margin``".

    Failing to find a difference is not evidence of no difference; what is
    evidence is an interval for the difference that is too narrow to contain
    any difference that matters. So: SUPPORTED if the bootstrap interval of
    mean(a) - mean(b) lies within [-margin, margin], NOT_SUPPORTED if it lies
    entirely outside (the difference is known to exceed the margin), and
    INCONCLUSIVE otherwise, typically because the seeds are too noisy.

    ``paired=True`` resamples seeds jointly (a and b must share the seeds);
    ``paired=False`` resamples each arm independently, so the arms may have
    different lengths. ``margin`` must be positive: equivalence within zero is
    never demonstrable.
    """
    if paired:
        x, y = _as_paired(a, b)
    else:
        x, y = _as_seeds(a, "a"), _as_seeds(b, "b")
    if not (math.isfinite(margin) and margin > 0):
        raise ValueError(f"margin must be a positive finite number; got {margin!r}")
    _check_confidence(confidence)

    if paired:
        boot = _bootstrap_means(x - y)
    else:
        rng = np.random.default_rng(BOOTSTRAP_SEED)
        boot = _bootstrap_means(x, rng) - _bootstrap_means(y, rng)
    low, high = _bootstrap_interval(boot, confidence)
    mean_diff = float(np.mean(x) - np.mean(y))

    if -margin <= low and high <= margin:
        verdict = Verdict.SUPPORTED
    elif low > margin or high < -margin:
        verdict = Verdict.NOT_SUPPORTED
    else:
        verdict = Verdict.INCONCLUSIVE
    if paired:
        seeds = f"over {x.size} seeds (paired)"
        counts: dict[str, float] = {"n_seeds": x.size}
    else:
        seeds = f"over {x.size} vs {y.size} seeds (unpaired)"
        counts = {"n_a": x.size, "n_b": y.size}
    statistic = (
        f"mean difference (a - b) = {_fmt(mean_diff)} {seeds}, "
        f"{_fmt(100 * confidence)}% bootstrap CI [{_fmt(low)}, {_fmt(high)}] "
        f"(claimed within ±{_fmt(margin)})"
    )
    result = {"mean_diff": mean_diff, "low": low, "high": high, "margin": float(margin), **counts}
    return _judgement(verdict, statistic, result, judged)


def holds_in(flags: Any, *, required: int, judged: bool = True) -> Judgement:
    """Judge "this happens in at least ``required`` of the seeds".

    For qualitative events (a run diverged, a feature emerged) a count is the
    honest statistic; there is nothing to estimate, so there is no
    inconclusive verdict. ``flags`` must be booleans so that a metric passed
    by mistake is not silently read as truthiness.
    """
    array = np.asarray(flags)
    if array.dtype != np.bool_:
        raise ValueError(f"flags must be booleans (one per seed); got dtype {array.dtype}")
    if array.ndim != 1:
        raise ValueError(f"flags must be 1-D (one per seed); got shape {array.shape}")
    n = array.size
    _check_seeds(n, "flags")
    if isinstance(required, bool) or not isinstance(required, (int, np.integer)):
        raise ValueError(f"required must be an integer; got {required!r}")
    if not 1 <= required <= n:
        raise ValueError(
            f"required must be between 1 and the number of seeds ({n}); got {required}"
        )
    k = int(np.sum(array))
    verdict = Verdict.SUPPORTED if k >= required else Verdict.NOT_SUPPORTED
    statistic = f"holds in {k} of {n} seeds (required: at least {int(required)})"
    return _judgement(verdict, statistic, {"k": k, "n": n, "required": int(required)}, judged)


def threshold(
    values: Any,
    *,
    above: bool,
    level: float,
    confidence: float = 0.95,
    judged: bool = True,
) -> Judgement:
    """Judge "the metric's mean over seeds is above (or below) ``level``".

    The mean is the quantity a reader would reproduce on average, and its
    bootstrap interval says whether the seeds pin it down on one side of the
    level. SUPPORTED / NOT_SUPPORTED / INCONCLUSIVE by the interval's position,
    exactly as in :func:`paired_difference`.
    """
    x = _as_seeds(values, "values")
    if not math.isfinite(level):
        raise ValueError(f"level must be a finite number; got {level!r}")
    _check_confidence(confidence)
    low, high = _bootstrap_interval(_bootstrap_means(x), confidence)
    mean = float(np.mean(x))
    verdict = _interval_verdict(low, high, level, above)
    statistic = (
        f"mean = {_fmt(mean)} over {x.size} seeds, "
        f"{_fmt(100 * confidence)}% bootstrap CI [{_fmt(low)}, {_fmt(high)}] "
        f"(claimed {'>' if above else '<'} {_fmt(level)})"
    )
    result = {"mean": mean, "low": low, "high": high, "level": float(level), "n_seeds": x.size}
    return _judgement(verdict, statistic, result, judged)


# --------------------------------------------------------------------------- summaries


def judge_all(claims: Sequence[Claim]) -> dict[str, int]:
    """Count claims per verdict for a chapter's summary line.

    Every verdict appears, in a fixed order, even with count 0, so summary
    lines from different chapters and runs line up.
    """
    counts = {v.value: 0 for v in Verdict}
    for claim in claims:
        counts[claim.verdict.value] += 1
    return counts


def claims_markdown(claims: Sequence[Claim]) -> str:
    """Render the claims as the Markdown table that closes a chapter."""
    lines = ["| Claim | Verdict | Statistic |", "|---|---|---|"]
    for claim in claims:
        cells = (claim.statement, _BADGES[claim.verdict], claim.judgement.statistic)
        lines.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- helpers


def _judgement(
    verdict: Verdict, statistic: str, values: dict[str, float], judged: bool
) -> Judgement:
    """Apply ``judged`` in one place, so an unjudged result differs only in its verdict."""
    return Judgement(verdict if judged else Verdict.NOT_JUDGED, statistic, values)


def _interval_verdict(low: float, high: float, bound: float, greater: bool) -> Verdict:
    """Claim "> bound" (greater) or "< bound"; the interval must clear the bound entirely."""
    if greater:
        if low > bound:
            return Verdict.SUPPORTED
        if high <= bound:
            return Verdict.NOT_SUPPORTED
    else:
        if high < bound:
            return Verdict.SUPPORTED
        if low >= bound:
            return Verdict.NOT_SUPPORTED
    return Verdict.INCONCLUSIVE


def _kendall_tau(x: np.ndarray, y: np.ndarray) -> float:
    """A constant metric has no trend: scipy returns NaN there, which we read as 0."""
    tau = float(stats.kendalltau(x, y).statistic)
    return 0.0 if math.isnan(tau) else tau


def _sign_test_p(k: int, n: int) -> float:
    """P(at least k of n fair coin flips agree); 1 when no seed shows a trend at all."""
    if n == 0:
        return 1.0
    return float(stats.binomtest(k, n, 0.5, alternative="greater").pvalue)


def _bootstrap_means(x: np.ndarray, rng: np.random.Generator | None = None) -> np.ndarray:
    """Means of resampled seeds; a fresh fixed-seed generator unless one is shared."""
    rng = np.random.default_rng(BOOTSTRAP_SEED) if rng is None else rng
    idx = rng.integers(0, x.size, size=(BOOTSTRAP_RESAMPLES, x.size))
    return x[idx].mean(axis=1)


def _bootstrap_interval(boot: np.ndarray, confidence: float) -> tuple[float, float]:
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(boot, [tail, 1.0 - tail])
    return float(low), float(high)


def _sign_interval(diff: np.ndarray, confidence: float) -> tuple[float, float, float]:
    """Order-statistic interval [d_(k), d_(n+1-k)] for the median.

    Its coverage, 1 - 2 P(Binomial(n, 1/2) <= k - 1), holds for any
    distribution (at least that much with ties), which is why it is used when
    one cannot trust a mean. The narrowest interval reaching ``confidence`` is
    chosen, falling back to [min, max] when none does.
    """
    n = diff.size
    ordered = np.sort(diff)
    k = 1
    while k + 1 <= (n + 1) // 2 and _sign_coverage(k + 1, n) >= confidence:
        k += 1
    return float(ordered[k - 1]), float(ordered[n - k]), _sign_coverage(k, n)


def _sign_coverage(k: int, n: int) -> float:
    """Computed from integer binomial counts over 2**n, which floats hold exactly for
    any realistic seed count, so the chosen interval does not hinge on rounding."""
    return 1.0 - 2.0 * sum(math.comb(n, i) for i in range(k)) / 2**n


def _as_array(x: Any, name: str) -> np.ndarray:
    try:
        array = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numeric") from None
    if not np.all(np.isfinite(array)):
        raise ValueError(
            f"{name} must be finite (no NaN or inf); decide upstream what a diverged seed means"
        )
    return array


def _as_seeds(x: Any, name: str) -> np.ndarray:
    array = _as_array(x, name)
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one value per seed); got shape {array.shape}")
    _check_seeds(array.size, name)
    return array


def _as_paired(a: Any, b: Any) -> tuple[np.ndarray, np.ndarray]:
    x, y = _as_seeds(a, "a"), _as_seeds(b, "b")
    if x.shape != y.shape:
        raise ValueError(
            f"b must have the same shape as a (paired by seed); got a {x.shape} and b {y.shape}"
        )
    return x, y


def _as_levels(levels: Any, n_levels: int) -> np.ndarray:
    array = _as_array(levels, "levels")
    if array.shape != (n_levels,):
        raise ValueError(
            f"levels must have shape ({n_levels},), one per column of values; got {array.shape}"
        )
    if np.unique(array).size != n_levels:
        raise ValueError("levels must be distinct")
    return array


def _check_seeds(n: int, name: str) -> None:
    if n < 2:
        raise ValueError(f"{name} must hold at least 2 seeds; got {n}")


def _check_margin(margin: float) -> None:
    if not (math.isfinite(margin) and margin >= 0):
        raise ValueError(f"margin must be a finite number >= 0; got {margin!r}")


def _check_confidence(confidence: float) -> None:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1); got {confidence!r}")


def _fmt(x: float, digits: int = 3) -> str:
    """``digits`` significant digits, without scientific notation for everyday
    magnitudes: a reader should see "1234 steps", not "1.23e+03 steps"."""
    x = float(x) + 0.0  # turns -0.0 into 0.0
    if not math.isfinite(x):
        return str(x)
    rounded = float(f"{x:.{digits}g}")
    if 10**digits <= abs(rounded) < 1e12:
        return f"{x:.0f}"
    return f"{x:.{digits}g}"


def _fmt_p(p: float) -> str:
    """Two significant digits (0.031, 0.19): a p-value's third digit is noise to a reader."""
    return _fmt(p, digits=2)


def _md_cell(text: str) -> str:
    """Pipes would end the cell and newlines the row."""
    return " ".join(text.split()).replace("|", "\\|")
