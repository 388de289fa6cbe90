"""Calibration of atoms.claims by simulation: every statistic holds its level at 5 to 20 seeds.

Each case draws data on the *boundary* of its claim's null hypothesis (the least favourable
point, where a valid test rejects at most ``ALPHA`` of the time) and counts how often the claim
would be judged supported (p < ALPHA). The case fails if that false-positive rate exceeds
ALPHA by more than three Monte Carlo standard errors, sqrt(ALPHA (1 - ALPHA) / R).

The nulls:

- ``trend``: each seed's metric is iid across the swept levels (no trend), plus a seed offset;
- ``paired``: the two arms are exchangeable within a seed (a shared seed effect plus iid noise
  per arm), so their difference is symmetric, and one arm is shifted by exactly the margin:
  the permutation test claims "a exceeds b by more than 0.5" with a = b + 0.5, the sign test
  "a falls short of b by more than 0.5" with a = b - 0.5 (margin 0 takes the same path);
- ``compare`` / ``within``: the median of the seeds' values is exactly the level (for
  ``within`` the lower edge of the interval, the upper edge far away), all the sign test assumes;
- ``rate``: the event is a fair coin (share 0.5);
- ``equivalent``: the mean difference is exactly +margin (normal noise) or -margin (skewed
  noise), a location shift of exchangeable arms, with a positive control that always
  succeeds, so the two one-sided permutation tests are what is calibrated;
- ``all_of``: one part exactly at its null, the other certainly true (the worst case);
- ``holm-family``: five independent secondary claims at their nulls (paired permutation,
  paired sign, compare, within, rate) judged together by ``judge``; the rate counted is the
  family-wise one (any of the five supported).

"skewed" is lognormal(0, 1) noise (median 1, mean 1.65), re-centred on its median where the
claim is about a median. Permutation tests at 20 seeds use 65,536 random flips per call, so
those cases run fewer repetitions (with a correspondingly wider allowance).

Power of ``paired`` (rate of supported verdicts, primary claim at ALPHA = 0.05) when the
per-seed difference is normal with mean ``effect`` standard deviations, as measured by
``test_power`` (500 repetitions, only 20 for the permutation test at 20 seeds):

    test          effect   n=5    n=8    n=10   n=20
    permutation   0.5 sd   0.16   0.28   0.41   0.80
    permutation   1.0 sd   0.42   0.77   0.91   1.00
    permutation   1.5 sd   0.69   0.98   1.00   1.00
    sign          0.5 sd   0.13   0.22   0.11   0.39
    sign          1.0 sd   0.40   0.63   0.51   0.89
    sign          1.5 sd   0.70   0.90   0.82   1.00

The sign test is not monotone in n: at 5 seeds it needs all five on the claimed side
(p = 1/32), at 8 seeds 7 of 8 (p = 0.035), but at 10 seeds 9 of 10 (p = 0.011), because
8 of 10 gives p = 0.055. At 5 seeds no test here can reach Holm's first threshold
(ALPHA / 5 = 0.01 < 1/32), so a secondary claim in a family of five is never supported there.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable

import numpy as np
import pytest

from atoms.claims import ALPHA, Claim, Evidence, Verdict, all_of, compare, equivalent, judge, paired, rate, trend, within

NS = (5, 8, 10, 20)
DISTS = ("normal", "skewed")
LEVELS = np.array([8.0, 16.0, 32.0, 64.0, 128.0])
MARGIN = 0.5
"""Margin of the paired claims (in units of the per-arm noise)."""
WIDE = 10.0
"""Margin of `within` and `equivalent`: far beyond the noise, so the far side always holds and
the near side alone decides (the least favourable case for the max of two p-values)."""
ALWAYS = Evidence("a part or control that certainly holds", 0.0, 1.0, {})

R_DEFAULT = 2000
R_FEWER = {  # (statistic, n) -> repetitions where a call costs milliseconds (Kendall tau, flips)
    ("trend", 5): 300, ("trend", 8): 250, ("trend", 10): 200, ("trend", 20): 80,
    ("paired-permutation", 10): 1000, ("paired-permutation", 20): 40,
    ("equivalent", 5): 1000, ("equivalent", 8): 1000, ("equivalent", 10): 500, ("equivalent", 20): 20,
    ("holm-family", 5): 200, ("holm-family", 8): 800, ("holm-family", 10): 600, ("holm-family", 20): 30,
}


def noise(rng: np.random.Generator, dist: str, size) -> np.ndarray:
    """iid noise; the skewed one is lognormal(0, 1)."""
    return rng.standard_normal(size) if dist == "normal" else rng.lognormal(0.0, 1.0, size)


def median_zero(rng: np.random.Generator, dist: str, size) -> np.ndarray:
    """iid noise whose median is exactly 0 (the skewed one is right-skewed, mean 0.65)."""
    return rng.standard_normal(size) if dist == "normal" else rng.lognormal(0.0, 1.0, size) - 1.0


def arms(rng: np.random.Generator, dist: str, n: int, shift: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Two arms exchangeable within a seed (shared seed effect, iid noise), a shifted by ``shift``."""
    seed = rng.normal(0.0, 3.0, n)
    return seed + noise(rng, dist, n) + shift, seed + noise(rng, dist, n)


# Each simulator draws one data set at its null's boundary and returns the p-value that decides
# whether `judge` would call the claim supported.

def sim_trend(rng, dist, n):
    """No trend: each seed's metric iid across the levels, plus a seed offset."""
    values = rng.normal(0.0, 3.0, (n, 1)) + noise(rng, dist, (n, LEVELS.size))
    return trend(values, "increasing", levels=LEVELS).p_value


def sim_paired_permutation(rng, dist, n):
    """"a exceeds b by more than MARGIN", with a exactly MARGIN above b (margin 0 is the same path)."""
    return paired(*arms(rng, dist, n, shift=MARGIN), margin=MARGIN).p_value


def sim_paired_sign(rng, dist, n):
    """"a falls short of b by more than MARGIN", with a exactly MARGIN below b."""
    return paired(*arms(rng, dist, n, shift=-MARGIN), greater=False, margin=MARGIN, test="sign").p_value


def sim_compare(rng, dist, n):
    return compare(3.0 + median_zero(rng, dist, n), level=3.0).p_value


def sim_rate(rng, dist, n):
    return rate(rng.random(n) < 0.5, share=0.5).p_value


def sim_within(rng, dist, n):
    """Median exactly at the lower edge; the upper edge 2 * WIDE away."""
    return within(-WIDE + median_zero(rng, dist, n), centre=0.0, margin=WIDE).p_value


def sim_equivalent(rng, dist, n):
    """Mean difference exactly at +WIDE for normal noise, at -WIDE for skewed noise (both edges tested)."""
    shift = WIDE if dist == "normal" else -WIDE
    return equivalent(*arms(rng, dist, n, shift=shift), margin=WIDE, control=ALWAYS).p_value


def sim_all_of(rng, dist, n):
    """One part exactly at its null, the other certainly true: the intersection-union worst case."""
    return all_of({"at-null": compare(3.0 + median_zero(rng, dist, n), level=3.0), "holds": ALWAYS}).p_value


def sim_holm_family(rng, dist, n):
    """Five independent secondary claims at their nulls, judged together: 0 if any is supported."""
    evidence = [paired(*arms(rng, dist, n)),
                paired(*arms(rng, dist, n), greater=False, test="sign"),
                compare(median_zero(rng, dist, n), level=0.0),
                within(-WIDE + median_zero(rng, dist, n), centre=0.0, margin=WIDE),
                rate(rng.random(n) < 0.5)]
    claims = [Claim(f"c{i}", "a null claim", e) for i, e in enumerate(evidence)]
    return 0.0 if any(c.verdict is Verdict.SUPPORTED for c in judge(claims)) else 1.0


SIMULATORS: dict[str, Callable[[np.random.Generator, str, int], float]] = {
    "trend": sim_trend,
    "paired-permutation": sim_paired_permutation,
    "paired-sign": sim_paired_sign,
    "compare": sim_compare,
    "rate": sim_rate,
    "within": sim_within,
    "equivalent": sim_equivalent,
    "all_of": sim_all_of,
    "holm-family": sim_holm_family,
}

CASES = [(name, dist, n) for name in SIMULATORS for dist in (("bernoulli",) if name == "rate" else DISTS)
         for n in NS]


def repetitions(name: str, n: int) -> int:
    return R_FEWER.get((name, n), R_DEFAULT)


def allowance(r: int) -> float:
    return ALPHA + 3.0 * math.sqrt(ALPHA * (1.0 - ALPHA) / r)


def generator(*key: object) -> np.random.Generator:
    """A fixed generator per case, independent of which other cases run."""
    return np.random.default_rng([20240601, zlib.crc32(repr(key).encode())])


def case_id(name: str, dist: str, n: int) -> str:
    if name == "equivalent":
        name += "-at+margin" if dist == "normal" else "-at-margin"
    return f"{name}-{dist}-n{n}"


@pytest.mark.parametrize(("name", "dist", "n"), CASES, ids=[case_id(*case) for case in CASES])
def test_false_positive_rate_at_most_alpha(name: str, dist: str, n: int) -> None:
    rng, r = generator(name, dist, n), repetitions(name, n)
    simulate = SIMULATORS[name]
    rejected = sum(simulate(rng, dist, n) < ALPHA for _ in range(r))
    fpr = rejected / r
    print(f"\nFPR {name:19s} {dist:9s} n={n:2d}  R={r:4d}  {fpr:.4f}  (allowed {allowance(r):.4f})")
    assert fpr <= allowance(r), f"{name} ({dist}, n={n}): false-positive rate {fpr:.4f} over {r} simulations"


def test_judge_of_a_primary_claim_matches_p_below_alpha() -> None:
    """The simulations count p < ALPHA; that is exactly when `judge` calls a primary claim supported."""
    for p in (0.0, 0.049, ALPHA, 0.051, 1.0):
        e = Evidence("s", p, 1.0, {})
        (c,) = judge([Claim("x", "x", e, primary=True)])
        assert (c.verdict is Verdict.SUPPORTED) == (p < ALPHA)


POWER_R = 500
POWER_R_PERMUTATION_20 = 20


def power(test: str, n: int, effect: float, r: int, rng: np.random.Generator) -> float:
    """Rate of supported verdicts when each seed's difference is N(effect, 1)."""
    hits = 0
    for _ in range(r):
        b = rng.normal(0.0, 3.0, n)
        a = b + rng.normal(effect, 1.0, n)
        hits += paired(a, b, test=test).p_value < ALPHA
    return hits / r


def test_power() -> None:
    table = {}
    for test in ("permutation", "sign"):
        for effect in (0.5, 1.0, 1.5):
            for n in NS:
                r = POWER_R_PERMUTATION_20 if (test == "permutation" and n == 20) else POWER_R
                table[test, effect, n] = power(test, n, effect, r, generator("power", test, effect, n))
    print("\npower of paired (rate of supported verdicts at ALPHA = 0.05)")
    print("    test          effect   " + "   ".join(f"n={n:<3d}" for n in NS))
    for test in ("permutation", "sign"):
        for effect in (0.5, 1.0, 1.5):
            cells = "   ".join(f"{table[test, effect, n]:.2f} " for n in NS)
            print(f"    {test:12s}  {effect:.1f} sd   {cells}")
    assert table["permutation", 1.5, 10] > 0.5, "the permutation test is trivially conservative"
    assert table["sign", 1.5, 10] > 0.5, "the sign test is trivially conservative"
    assert all(table[t, e, 5] <= table[t, e, 20] for t in ("permutation", "sign") for e in (0.5, 1.0, 1.5))
