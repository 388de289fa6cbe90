"""Claims: the sentences a chapter concludes, each judged by an exact test across seeds.

A chapter declares each claim once (``Claim``): its sentence, the evidence a statistic
computed from the run (``Evidence``: the numbers shown on the page and two p-values), whether
it is one of the chapter's one to three *primary* claims (the answer to its question) and
whether its threshold was *registered* before the first full run or chosen after looking
(post hoc, marked on the page). ``judge`` then turns evidence into verdicts for the whole
chapter at once, because a verdict depends on the other claims: secondary claims are
Holm-corrected within the chapter, primary claims are each tested at ``ALPHA``.

Every test here holds its level at 5 to 20 seeds without asymptotics, which
``tests/test_claims_calibration.py`` checks by simulation:

- paired differences: the exact sign-flip (randomization) test of the mean difference, valid
  whenever the two arms are exchangeable within a seed; or the exact sign test of the median;
- one arm against a level: the exact sign test of the median;
- a trend over a swept setting: one Kendall tau per seed, combined by the exact sign test;
- a rate of events: the exact binomial test;
- equivalence: two one-sided tests (TOST) combined with a positive control, by the
  intersection-union principle (the claim's p-value is the largest of its parts), so that
  "no difference" can only be claimed where the same run shows a difference of that size
  would have been detected.

A verdict is *supported* when the claim's p-value (adjusted, for secondary claims) is below
``ALPHA``, *not supported* when the p-value of the opposite claim is, and *inconclusive*
otherwise. The ``smoke`` profile runs too little to judge: its claims are computed and shown
but marked *not judged*. Everything is deterministic: exact enumeration up to
``EXACT_MAX_SEEDS`` seeds, beyond that a fixed set of random sign flips from a fixed seed.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

ALPHA = 0.05
"""One-sided level of every claim; secondary claims reach it after Holm's correction."""

EXACT_MAX_SEEDS = 16
"""Up to this many seeds the sign-flip test enumerates all 2**n flips (65,536 at 16)."""

RANDOM_FLIPS = 65_536
"""Beyond EXACT_MAX_SEEDS, this many random flips (p = (1 + count) / (1 + flips))."""

FLIP_SEED = 0

_ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]*")


class Verdict(str, enum.Enum):
    """A str enum so that verdicts serialize to JSON and compare to plain strings."""

    SUPPORTED = "supported"
    NOT_SUPPORTED = "not supported"
    INCONCLUSIVE = "inconclusive"
    NOT_JUDGED = "not judged"


VERDICTS = (Verdict.SUPPORTED, Verdict.NOT_SUPPORTED, Verdict.INCONCLUSIVE)
"""The verdicts a judged claim can receive."""

# Plain symbols rather than emoji: they render in any text font, emoji need an emoji font.
BADGES = {
    Verdict.SUPPORTED: "✓ supported",
    Verdict.NOT_SUPPORTED: "✗ not supported",
    Verdict.INCONCLUSIVE: "? inconclusive",
    Verdict.NOT_JUDGED: "· not judged",
}


@dataclass(frozen=True)
class Evidence:
    """What a statistic found: the sentence the page prints and the numbers behind it.

    ``p_value`` tests the claim (small: the claim holds); ``p_opposite`` tests its opposite
    (small: the run shows the reverse). ``values`` carries the same numbers as plain floats,
    so that pages and comparisons never parse the sentence.
    """

    statistic: str
    p_value: float
    p_opposite: float
    values: dict[str, float]

    def __post_init__(self) -> None:
        for name in ("p_value", "p_opposite"):
            p = getattr(self, name)
            if type(p) is not float or not 0.0 <= p <= 1.0:
                raise ValueError(f"{name} must be a float in [0, 1]; got {p!r}")
        for key, value in self.values.items():
            if not isinstance(key, str) or type(value) not in (int, float):
                raise ValueError(
                    "values must map str to Python int or float (JSON-serializable); "
                    f"got {key!r}: {type(value).__name__}"
                )


@dataclass(frozen=True)
class Claim:
    """One sentence of a chapter's conclusion, its evidence and, once judged, its verdict.

    ``id`` is a slug (lowercase letters, digits, ``_`` or ``-``): a stable key across runs.
    """

    id: str
    statement: str
    evidence: Evidence
    primary: bool = False
    registered: bool = True
    verdict: Verdict = Verdict.NOT_JUDGED
    p_adjusted: float | None = None
    p_opposite_adjusted: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not _ID_PATTERN.fullmatch(self.id):
            raise ValueError(f"id must be a slug of lowercase letters, digits, '_' or '-'; got {self.id!r}")
        if not isinstance(self.statement, str) or not self.statement.strip():
            raise ValueError("statement must be a non-empty string")
        if not isinstance(self.evidence, Evidence):
            raise ValueError(f"evidence must be an Evidence; got {type(self.evidence).__name__}")
        if not isinstance(self.verdict, Verdict):
            raise ValueError(f"verdict must be a Verdict; got {self.verdict!r}")

    @property
    def statistic(self) -> str:
        return self.evidence.statistic

    def to_dict(self) -> dict[str, Any]:
        """Flat and JSON-ready, so that a chapter's results file is easy to read and diff."""
        return {
            "id": self.id,
            "statement": self.statement,
            "primary": self.primary,
            "registered": self.registered,
            "verdict": self.verdict.value,
            "statistic": self.evidence.statistic,
            "p_value": self.evidence.p_value,
            "p_adjusted": self.p_adjusted,
            "p_opposite": self.evidence.p_opposite,
            "p_opposite_adjusted": self.p_opposite_adjusted,
            "values": dict(self.evidence.values),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Claim:
        """Inverse of :meth:`to_dict`; strict, so a corrupted results file fails loudly."""
        keys = ("id", "statement", "primary", "registered", "verdict", "statistic", "p_value", "p_adjusted",
                "p_opposite", "p_opposite_adjusted", "values")
        missing = [k for k in keys if k not in d]
        if missing:
            raise ValueError(f"claim is missing key(s) {missing}")
        try:
            verdict = Verdict(d["verdict"])
        except ValueError:
            raise ValueError(f"verdict must be one of {[v.value for v in Verdict]}; got {d['verdict']!r}") from None
        evidence = Evidence(d["statistic"], float(d["p_value"]), float(d["p_opposite"]), dict(d["values"]))
        return cls(d["id"], d["statement"], evidence, bool(d["primary"]), bool(d["registered"]), verdict,
                   d["p_adjusted"], d["p_opposite_adjusted"])


# --------------------------------------------------------------------------- judging a chapter


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjustment: controls the chance of any false claim in the family at
    the nominal level, for any dependence between the claims."""
    p = np.asarray(p_values, dtype=float)
    order = np.argsort(p, kind="stable")
    m = p.size
    adjusted = np.empty(m)
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[index]))
        adjusted[index] = running
    return [float(a) for a in adjusted]


def judge(claims: Sequence[Claim], *, judged: bool = True, alpha: float = ALPHA) -> list[Claim]:
    """Verdicts for a chapter's declared claims, in declaration order.

    Primary claims are each tested at ``alpha``; secondary claims form one Holm family (their
    opposite p-values another). Unjudged claims still carry their adjusted p-values, so a
    smoke run exercises the same path.
    """
    ids = [claim.id for claim in claims]
    if len(set(ids)) != len(ids):
        raise ValueError(f"claim ids must be unique; repeated: {sorted({i for i in ids if ids.count(i) > 1})}")
    secondary = [i for i, claim in enumerate(claims) if not claim.primary]
    adjusted = dict(zip(secondary, holm([claims[i].evidence.p_value for i in secondary])))
    opposite = dict(zip(secondary, holm([claims[i].evidence.p_opposite for i in secondary])))
    found = []
    for i, claim in enumerate(claims):
        p = adjusted.get(i, claim.evidence.p_value)
        q = opposite.get(i, claim.evidence.p_opposite)
        if not judged:
            verdict = Verdict.NOT_JUDGED
        elif p < alpha:
            verdict = Verdict.SUPPORTED
        elif q < alpha:
            verdict = Verdict.NOT_SUPPORTED
        else:
            verdict = Verdict.INCONCLUSIVE
        found.append(dataclasses.replace(claim, verdict=verdict, p_adjusted=p, p_opposite_adjusted=q))
    return found


def counts(claims: Sequence[Claim]) -> dict[str, int]:
    """Claims per verdict, every verdict present in a fixed order, so summaries line up."""
    found = {v.value: 0 for v in Verdict}
    for claim in claims:
        found[claim.verdict.value] += 1
    return found


def claims_markdown(claims: Sequence[Claim]) -> str:
    """The table that closes a chapter: primary claims first, post hoc ones marked."""
    lines = ["| | Claim | Verdict | Statistic | p (adjusted) |", "|---|---|---|---|---|"]
    for claim in sorted(claims, key=lambda c: not c.primary):
        kind = "primary" if claim.primary else "secondary"
        if not claim.registered:
            kind += ", post hoc"
        p = fmt_p(claim.evidence.p_value)
        if claim.p_adjusted is not None and not claim.primary:
            p += f" ({fmt_p(claim.p_adjusted)})"
        cells = (kind, claim.statement, BADGES[claim.verdict], claim.statistic, p)
        lines.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- statistics


def trend(values: Any, direction: str, *, levels: Any = None) -> Evidence:
    """"The metric rises (or falls) as the swept setting grows", over ``values[seed, level]``.

    Each seed is reduced to one Kendall tau between setting and metric (rank-based: it asks
    only whether the curve goes the claimed way), and the taus are combined by an exact sign
    test, dropping seeds without a trend. Under no trend a tau is as likely positive as
    negative whatever the metric's distribution, so the test is exact.
    """
    matrix = _as_array(values, "values")
    if matrix.ndim != 2:
        raise ValueError(f"values must be 2-D [n_seeds, n_levels]; got shape {matrix.shape}")
    n_seeds, n_levels = matrix.shape
    _check_seeds(n_seeds, "values")
    if n_levels < 2:
        raise ValueError(f"values must have at least 2 levels (columns); got {n_levels}")
    if direction not in ("increasing", "decreasing"):
        raise ValueError(f"direction must be 'increasing' or 'decreasing'; got {direction!r}")
    x = np.arange(n_levels, dtype=float) if levels is None else _as_levels(levels, n_levels)
    taus = np.array([_kendall_tau(x, row) for row in matrix])
    sign = 1.0 if direction == "increasing" else -1.0
    agree, against = int(np.sum(np.sign(taus) == sign)), int(np.sum(np.sign(taus) == -sign))
    p, q = _binomial_tail(agree, agree + against), _binomial_tail(against, agree + against)
    opposite = "decreasing" if direction == "increasing" else "increasing"
    statistic = (f"mean Kendall tau = {fmt(float(np.mean(taus)))} over {n_seeds} seeds "
                 f"({agree} {direction}, {against} {opposite}); exact sign test")
    return Evidence(statistic, p, q, {"mean_tau": float(np.mean(taus)), "n_seeds": n_seeds,
                                      "n_agree": agree, "n_opposite": against})


def paired(a: Any, b: Any, *, greater: bool = True, margin: float = 0.0, test: str = "permutation") -> Evidence:
    """"a exceeds b by more than ``margin``" (``greater=False``: "a falls short of b by more
    than ``margin``"), for measurements paired by seed.

    ``test="permutation"``: the exact sign-flip test of the mean difference, valid whenever the
    arms are exchangeable within a seed once the margin is removed. ``test="sign"``: the exact
    sign test of the median difference, for metrics where one wild seed must not decide.
    """
    x, y = _as_paired(a, b)
    _check_margin(margin)
    if test not in ("permutation", "sign"):
        raise ValueError(f"test must be 'permutation' or 'sign'; got {test!r}")
    diff = x - y
    shifted = diff - margin if greater else -(diff + margin)
    p, q = _signflip_p(shifted) if test == "permutation" else _sign_p(shifted)
    n, above = diff.size, int(np.sum(shifted > 0))
    centre = "mean" if test == "permutation" else "median"
    value = float(np.mean(diff) if test == "permutation" else np.median(diff))
    bound = margin if greater else -margin
    statistic = (f"{centre} difference (a - b) = {fmt(value)} over {n} seeds, claimed {'>' if greater else '<'} "
                 f"{fmt(bound)} ({above} of {n} seeds on the claimed side); exact "
                 f"{'paired permutation' if test == 'permutation' else 'sign'} test")
    return Evidence(statistic, p, q, {f"{centre}_diff": value, "min_diff": float(diff.min()),
                                      "max_diff": float(diff.max()), "n_seeds": n, "n_claimed_side": above})


def compare(values: Any, *, level: float, above: bool = True) -> Evidence:
    """"The metric's median over seeds is above (or below) ``level``": the exact sign test."""
    x = _as_seeds(values, "values")
    if not math.isfinite(level):
        raise ValueError(f"level must be a finite number; got {level!r}")
    shifted = x - level if above else level - x
    p, q = _sign_p(shifted)
    k = int(np.sum(shifted > 0))
    statistic = (f"median = {fmt(float(np.median(x)))} over {x.size} seeds, claimed {'>' if above else '<'} "
                 f"{fmt(level)} ({k} of {x.size} seeds on the claimed side); exact sign test")
    return Evidence(statistic, p, q, {"median": float(np.median(x)), "mean": float(np.mean(x)),
                                      "level": float(level), "n_seeds": x.size, "n_claimed_side": k})


def rate(flags: Any, *, share: float = 0.5) -> Evidence:
    """"The event happens in more than ``share`` of runs": the exact binomial test.

    For qualitative events (a run spiked, units stayed identical) the count is the honest
    statistic; the test says whether it shows the event is more common than ``share``.
    """
    array = np.asarray(flags)
    if array.dtype != np.bool_ or array.ndim != 1:
        raise ValueError(f"flags must be a 1-D array of booleans (one per seed); got {array.dtype} {array.shape}")
    _check_seeds(array.size, "flags")
    if not 0.0 < share < 1.0:
        raise ValueError(f"share must be in (0, 1); got {share!r}")
    k, n = int(array.sum()), int(array.size)
    from scipy import stats  # imported on use: checking a run's parameters should not pay for scipy.stats

    p = float(stats.binom.sf(k - 1, n, share))
    q = float(stats.binom.cdf(k, n, share))
    statistic = f"holds in {k} of {n} seeds, claimed in more than {fmt(100 * share)}% of runs; exact binomial test"
    return Evidence(statistic, p, q, {"k": k, "n": n, "share": float(share)})


def within(values: Any, *, centre: float, margin: float) -> Evidence:
    """"The metric's median lies within ``centre`` ± ``margin``": two one-sided sign tests.

    For a measured quantity against a value theory predicts; the claim's p-value is the larger
    of the two one-sided tests, the opposite's is the smaller one doubled (either side).
    """
    x = _as_seeds(values, "values")
    if not (math.isfinite(centre) and math.isfinite(margin) and margin > 0):
        raise ValueError(f"centre must be finite and margin positive; got {centre!r}, {margin!r}")
    p_low, q_low = _sign_p(x - (centre - margin))
    p_high, q_high = _sign_p((centre + margin) - x)
    statistic = (f"median = {fmt(float(np.median(x)))} over {x.size} seeds, claimed within "
                 f"{fmt(centre)} ± {fmt(margin)}; two one-sided exact sign tests")
    return Evidence(statistic, max(p_low, p_high), min(1.0, 2 * min(q_low, q_high)),
                    {"median": float(np.median(x)), "centre": float(centre), "margin": float(margin),
                     "n_seeds": x.size})


def equivalent(a: Any, b: Any, *, margin: float, control: Evidence) -> Evidence:
    """"a and b agree within ±``margin``" (paired by seed), backed by a positive control.

    Two one-sided sign-flip tests show the mean difference inside the margin; ``control`` is
    the same run's evidence that a difference of ``margin`` is detectable (for example
    ``paired(c, d, margin=margin)`` on two arms known to differ). The claim's p-value is the
    largest of the three, so it is supported only if all three hold.
    """
    x, y = _as_paired(a, b)
    if not (math.isfinite(margin) and margin > 0):
        raise ValueError(f"margin must be a positive finite number; got {margin!r}")
    if not isinstance(control, Evidence):
        raise ValueError("control must be the Evidence of a positive control from the same run")
    diff = x - y
    p_low, q_low = _signflip_p(diff + margin)
    p_high, q_high = _signflip_p(margin - diff)
    mean = float(np.mean(diff))
    statistic = (f"mean difference (a - b) = {fmt(mean)} over {diff.size} seeds, claimed within ±{fmt(margin)}; "
                 f"two one-sided exact permutation tests, positive control p = {fmt_p(control.p_value)}")
    return Evidence(statistic, max(p_low, p_high, control.p_value), min(1.0, 2 * min(q_low, q_high)),
                    {"mean_diff": mean, "margin": float(margin), "n_seeds": diff.size,
                     "control_p": control.p_value})


def all_of(parts: Mapping[str, Evidence]) -> Evidence:
    """"The claim holds in every one of ``parts``" (one per curve, width, layer...).

    The intersection-union test: the combined p-value is the largest part's, which is exact
    without any correction. Its opposite ("it reverses in at least one part") takes the
    smallest opposite p-value, Bonferroni-corrected over the parts.
    """
    if not parts:
        raise ValueError("parts must name at least one Evidence")
    p = max(e.p_value for e in parts.values())
    q = min(1.0, len(parts) * min(e.p_opposite for e in parts.values()))
    statistic = "; ".join(f"{name}: {e.statistic}, p = {fmt_p(e.p_value)}" for name, e in parts.items())
    values = {f"{name}.{key}": value for name, e in parts.items() for key, value in
              {"p_value": e.p_value, **e.values}.items()}
    return Evidence(f"every part must hold (largest p counts). {statistic}", p, q, values)


def untested(reason: str) -> Evidence:
    """The evidence of a claim this run cannot test (an arm or a size it needs was not part of the run):
    the claim stays declared, so its page still reads, and it can only be inconclusive."""
    return Evidence(reason, 1.0, 1.0, {})


# --------------------------------------------------------------------------- exact tests


def _signflip_p(d: np.ndarray) -> tuple[float, float]:
    """P-values of "mean of d > 0" and "mean of d < 0" under random signs of each seed's d."""
    signs = _flips(d.size)
    observed = float(np.sum(d))
    tolerance = 1e-9 * max(1.0, float(np.sum(np.abs(d))))
    sums = signs @ d
    upper = np.sum(sums >= observed - tolerance) / signs.shape[0]
    lower = np.sum(sums <= observed + tolerance) / signs.shape[0]
    return float(upper), float(lower)


@functools.lru_cache(maxsize=None)
def _flips(n: int) -> np.ndarray:
    """Every sign pattern of n seeds, or beyond EXACT_MAX_SEEDS the observed signs plus a fixed random set
    (counting the observed signs as one flip keeps the test's level at most alpha, up to the Monte Carlo
    error of one fixed set, about 0.001). Cached: built once per seed count."""
    if n <= EXACT_MAX_SEEDS:
        signs = 1.0 - 2.0 * ((np.arange(2**n)[:, None] >> np.arange(n)[None, :]) & 1)
    else:
        rng = np.random.default_rng(FLIP_SEED)
        signs = np.vstack([np.ones(n), rng.choice((1.0, -1.0), size=(RANDOM_FLIPS, n))])
    signs.flags.writeable = False
    return signs


def _sign_p(d: np.ndarray) -> tuple[float, float]:
    """Exact sign test of "median of d > 0" and "< 0"; zeros carry no direction and are dropped."""
    up, down = int(np.sum(d > 0)), int(np.sum(d < 0))
    return _binomial_tail(up, up + down), _binomial_tail(down, up + down)


def _binomial_tail(k: int, n: int) -> float:
    """P(at least k of n fair coin flips agree), from integer counts; 1 when n is 0."""
    if n == 0:
        return 1.0
    return sum(math.comb(n, i) for i in range(k, n + 1)) / 2**n


def _kendall_tau(x: np.ndarray, y: np.ndarray) -> float:
    """A constant metric has no trend: scipy returns NaN there, which we read as 0."""
    from scipy import stats

    tau = float(stats.kendalltau(x, y).statistic)
    return 0.0 if math.isnan(tau) else tau


# --------------------------------------------------------------------------- argument checks


def _as_array(x: Any, name: str) -> np.ndarray:
    try:
        array = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numeric") from None
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite (no NaN or inf); decide upstream what a diverged seed means")
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
        raise ValueError(f"b must have the same shape as a (paired by seed); got a {x.shape} and b {y.shape}")
    return x, y


def _as_levels(levels: Any, n_levels: int) -> np.ndarray:
    array = _as_array(levels, "levels")
    if array.shape != (n_levels,):
        raise ValueError(f"levels must have shape ({n_levels},), one per column of values; got {array.shape}")
    if np.unique(array).size != n_levels:
        raise ValueError("levels must be distinct")
    return array


def _check_seeds(n: int, name: str) -> None:
    if n < 2:
        raise ValueError(f"{name} must hold at least 2 seeds; got {n}")


def _check_margin(margin: float) -> None:
    if not (math.isfinite(margin) and margin >= 0):
        raise ValueError(f"margin must be a finite number >= 0; got {margin!r}")


def fmt(x: float, digits: int = 3) -> str:
    """``digits`` significant digits, without scientific notation for everyday magnitudes:
    a reader should see "1234 steps", not "1.23e+03 steps"."""
    x = float(x) + 0.0  # turns -0.0 into 0.0
    if not math.isfinite(x):
        return str(x)
    rounded = float(f"{x:.{digits}g}")
    if 10**digits <= abs(rounded) < 1e12:
        return f"{x:.0f}"
    return f"{x:.{digits}g}"



def fmt_p(p: float) -> str:
    """Two significant digits (0.031, 0.19): a p-value's third digit is noise to a reader."""
    return fmt(p, digits=2)


def _md_cell(text: str) -> str:
    """Pipes would end the cell and newlines the row."""
    return " ".join(text.split()).replace("|", "\\|")
