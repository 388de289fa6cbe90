"""Unit tests for atoms.claims: every statistic reaches every verdict it can give through
`judge`, exact p-values on cases small enough to check by hand, margins in both directions,
determinism, argument checking, Holm's correction and the serialized and rendered forms.

The calibration of each test (its false-positive rate at the null) is simulated in
``tests/test_claims_calibration.py``.
"""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest

from atoms.claims import (
    ALPHA,
    EXACT_MAX_SEEDS,
    RANDOM_FLIPS,
    Claim,
    Evidence,
    Verdict,
    all_of,
    claims_markdown,
    compare,
    counts,
    equivalent,
    fmt,
    fmt_p,
    holm,
    judge,
    paired,
    rate,
    trend,
    within,
)

LEVELS = np.array([8.0, 16.0, 32.0, 64.0, 128.0])
BASE = np.array([1.0, 0.6, 0.4, 0.3, 0.25])  # falls with the level
SEEDS = np.arange(5.0)[:, None]


def evidence(p: float, q: float = 1.0) -> Evidence:
    return Evidence("a statistic", p, q, {})


def verdict_of(e: Evidence) -> Verdict:
    """The verdict `judge` gives a primary claim backed by ``e``."""
    (claim,) = judge([Claim("x", "a claim", e, primary=True)])
    return claim.verdict


def falling_rows(n_up: int, n_down: int) -> np.ndarray:
    """``n_up`` seeds whose metric rises with the level, ``n_down`` whose metric falls."""
    rows = [BASE[::-1] + 0.1 * i for i in range(n_up)] + [BASE + 0.1 * i for i in range(n_down)]
    return np.array(rows)


B = np.array([3.0, 1.0, 4.0, 1.0, 5.0])
STEPS = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
MIXED = np.array([1.0, -1.5, 2.0, -2.5, 0.5])
TIGHT = np.array([0.1, -0.1, 0.05, -0.05, 0.02, 0.0])
SIX = np.arange(6.0)
CONTROL = evidence(0.001)

S, N, I = Verdict.SUPPORTED, Verdict.NOT_SUPPORTED, Verdict.INCONCLUSIVE
VERDICT_CASES = {  # statistic -> the evidence that earns it each verdict
    "trend": {S: lambda: trend(falling_rows(5, 0), "increasing", levels=LEVELS),
              N: lambda: trend(falling_rows(0, 5), "increasing", levels=LEVELS),
              I: lambda: trend(falling_rows(3, 2), "increasing", levels=LEVELS)},
    "paired-permutation": {S: lambda: paired(B + STEPS, B), N: lambda: paired(B - STEPS, B),
                           I: lambda: paired(B + MIXED, B)},
    "paired-sign": {S: lambda: paired(B + STEPS, B, test="sign"), N: lambda: paired(B - STEPS, B, test="sign"),
                    I: lambda: paired(B + MIXED, B, test="sign")},
    "compare": {S: lambda: compare(SIX, level=-1.0), N: lambda: compare(SIX, level=10.0),
                I: lambda: compare(SIX, level=2.5)},
    "rate": {S: lambda: rate(np.ones(10, dtype=bool)), N: lambda: rate(np.zeros(10, dtype=bool)),
             I: lambda: rate(np.arange(10) < 5)},
    "within": {S: lambda: within(TIGHT, centre=0.0, margin=1.0),
               N: lambda: within(TIGHT + 5.0, centre=0.0, margin=1.0),
               I: lambda: within(np.array([0.0, 0.1, 0.2, 5.0, 5.1, 5.2]), centre=0.0, margin=1.0)},
    "equivalent": {S: lambda: equivalent(TIGHT, np.zeros(6), margin=1.0, control=CONTROL),
                   N: lambda: equivalent(TIGHT + 2.0, np.zeros(6), margin=1.0, control=CONTROL),
                   I: lambda: equivalent(TIGHT, np.zeros(6), margin=1.0, control=evidence(0.5))},
    "all_of": {S: lambda: all_of({"a": evidence(0.01), "b": evidence(0.02)}),
               N: lambda: all_of({"a": evidence(0.01), "b": evidence(0.9, 0.01)}),
               I: lambda: all_of({"a": evidence(0.01), "b": evidence(0.2, 0.3)})},
}


@pytest.mark.parametrize("statistic", list(VERDICT_CASES))
def test_each_statistic_reaches_each_verdict(statistic: str) -> None:
    for expected, make in VERDICT_CASES[statistic].items():
        e = make()
        assert verdict_of(e) is expected, f"{statistic} should be {expected.value}: {e}"
        json.dumps(e.values, allow_nan=False)  # the results file must stay plain JSON


# --------------------------------------------------------------------------- exact p-values


def test_signflip_five_seeds_all_positive_is_one_in_32() -> None:
    e = paired(B + STEPS, B)
    assert (e.p_value, e.p_opposite) == (1 / 32, 1.0)
    assert e.values["mean_diff"] == pytest.approx(3.0) and e.values["n_claimed_side"] == 5


@pytest.mark.parametrize(("d", "p", "q"), [
    # the 8 flips of (1, 2, 3) sum to 6, 4, 2, 0, 0, -2, -4, -6
    ((1.0, 2.0, 3.0), 1 / 8, 8 / 8),
    ((-1.0, 2.0, 3.0), 2 / 8, 7 / 8),  # 4: reached by 6 and 4
    ((1.0, 2.0, -3.0), 5 / 8, 5 / 8),  # 0: both tails count the tie at 0 twice
])
def test_signflip_three_seeds_by_hand(d, p, q) -> None:
    e = paired(np.array(d), np.zeros(3))
    assert (e.p_value, e.p_opposite) == (p, q)
    sums = [sum(s * x for s, x in zip(signs, d)) for signs in itertools.product((1, -1), repeat=3)]
    assert e.p_value == sum(s >= sum(d) for s in sums) / 8


def test_sign_test_p_values_by_hand() -> None:
    diff = np.array([1.0, 2.0, 0.5, 3.0, 1.5, 0.1, 2.5, -4.0])  # 7 of 8 positive
    e = paired(diff, np.zeros(8), test="sign")
    assert e.p_value == (math.comb(8, 7) + 1) / 256 == 9 / 256
    assert e.p_opposite == 255 / 256
    assert e.values["median_diff"] == pytest.approx(1.25)


def test_sign_test_ignores_the_size_of_a_wild_seed() -> None:
    a, b = np.array([1.0, 1.0, 1.0, 1.0, -100.0]), np.zeros(5)
    assert paired(a, b, test="sign").p_value == 6 / 32  # 4 of 5
    assert paired(a, b).p_value == 17 / 32  # the mean is dominated by the wild seed


def test_sign_test_drops_zeros_and_ties_with_the_level() -> None:
    assert paired(np.array([1.0, 1, 1, 1, 0, 0]), np.zeros(6), test="sign").p_value == 1 / 16
    e = compare(np.array([1.0, 1.0, 2.0, 3.0]), level=1.0)
    assert (e.p_value, e.p_opposite) == (1 / 4, 1.0)
    assert compare(np.ones(4), level=1.0).p_value == 1.0  # no seed has a direction


def test_binomial_tail_by_hand() -> None:
    e = rate(np.arange(10) < 9)  # 9 of 10
    assert e.p_value == pytest.approx(11 / 1024) and e.p_opposite == pytest.approx(1023 / 1024)
    e = rate(np.arange(10) < 5, share=0.2)
    tail = sum(math.comb(10, i) * 0.2**i * 0.8 ** (10 - i) for i in range(5, 11))
    assert e.p_value == pytest.approx(tail) and e.values == {"k": 5, "n": 10, "share": 0.2}


def test_trend_drops_flat_seeds_and_follows_the_levels() -> None:
    values = np.vstack([falling_rows(0, 4), np.ones((1, 5))])
    e = trend(values, "decreasing", levels=LEVELS)
    assert e.p_value == 1 / 16 and e.values["n_agree"] == 4 and e.values["n_opposite"] == 0
    assert trend(values, "increasing", levels=LEVELS[::-1]).p_value == 1 / 16  # levels, not column order
    assert trend(falling_rows(0, 5), "decreasing").values["mean_tau"] == pytest.approx(-1.0)


# --------------------------------------------------------------------------- margins


def test_paired_margin_greater() -> None:
    b = B
    assert paired(b + 1.0 + 0.1 * STEPS, b, margin=1.0).p_value == 1 / 32  # exceeds by > 1 on all seeds
    e = paired(b + 1.0 + 0.1 * STEPS, b, margin=2.0)
    assert (e.p_value, e.p_opposite) == (1.0, 1 / 32)  # but by less than 2
    assert "claimed > 2" in e.statistic


def test_paired_margin_less() -> None:
    b = B
    a = b - 1.0 - 0.1 * STEPS
    assert paired(a, b, greater=False).p_value == 1 / 32
    assert paired(a, b, greater=False, margin=1.0).p_value == 1 / 32  # falls short by more than 1
    e = paired(a, b, greater=False, margin=2.0)
    assert (e.p_value, e.p_opposite) == (1.0, 1 / 32)
    assert "claimed < -2" in e.statistic
    assert paired(a, b, greater=False, margin=2.0, test="sign").p_opposite == 1 / 32


def test_compare_below_and_within_edges() -> None:
    assert compare(SIX, level=10.0, above=False).p_value == 1 / 64
    assert compare(SIX, level=-1.0, above=False).p_opposite == 1 / 64
    inside = within(np.linspace(0.1, 0.9, 6), centre=0.5, margin=0.5)
    assert inside.p_value == 1 / 64
    below = within(np.linspace(-2.0, -1.0, 6), centre=0.5, margin=0.5)
    assert below.p_value == 1.0 and below.p_opposite == 2 / 64  # the opposite is Bonferroni over two sides


def test_equivalent_tost_sides() -> None:
    zeros = np.zeros(6)
    up = equivalent(TIGHT + 2.0, zeros, margin=1.0, control=CONTROL)  # above +margin on every seed
    down = equivalent(TIGHT - 2.0, zeros, margin=1.0, control=CONTROL)  # below -margin on every seed
    assert up.p_opposite == down.p_opposite == 2 / 64
    assert up.p_value == down.p_value == 1.0
    inside = equivalent(TIGHT, zeros, margin=1.0, control=CONTROL)
    assert inside.p_value == 1 / 64 and inside.values["control_p"] == 0.001


def test_equivalent_is_not_supported_by_a_small_sample_alone() -> None:
    """Two arms that agree are not "equivalent" unless the control shows the run could tell them apart."""
    failed_control = paired(B + 0.01, B, margin=1.0)  # the control arms differ by far less than the margin
    e = equivalent(B + 0.001 * MIXED, B, margin=1.0, control=failed_control)
    assert e.p_value == failed_control.p_value == 1.0
    assert verdict_of(e) is not Verdict.SUPPORTED


def test_all_of_takes_the_largest_p_and_bonferronis_the_opposite() -> None:
    e = all_of({"a": evidence(0.01, 0.9), "b": evidence(0.03, 0.02), "c": evidence(0.2, 0.5)})
    assert e.p_value == 0.2
    assert e.p_opposite == pytest.approx(0.06)
    assert e.values["b.p_value"] == 0.03
    assert all_of({"a": evidence(0.01, 0.6), "b": evidence(0.01, 0.7)}).p_opposite == 1.0  # capped


# --------------------------------------------------------------------------- random flips, determinism


def test_random_flips_beyond_exact_max_seeds() -> None:
    n = EXACT_MAX_SEEDS + 4
    a = np.linspace(1.0, 2.0, n)
    e = paired(a, np.zeros(n))
    assert 1 / (RANDOM_FLIPS + 1) <= e.p_value <= 5 / (RANDOM_FLIPS + 1)  # the observed flip counts
    assert e == paired(a, np.zeros(n))  # the flips come from a fixed seed


def test_random_flips_agree_with_exact_enumeration() -> None:
    n = EXACT_MAX_SEEDS + 1
    d = np.random.default_rng(3).normal(0.2, 1.0, n)
    signs = 1.0 - 2.0 * ((np.arange(2**n)[:, None] >> np.arange(n)) & 1)
    exact = float(np.mean(signs @ d >= d.sum() - 1e-9))
    assert 0.05 < exact < 0.5  # a p-value where the random flips have work to do
    p = paired(d, np.zeros(n)).p_value
    assert abs(p - exact) < 4 * math.sqrt(exact * (1 - exact) / RANDOM_FLIPS) + 1 / RANDOM_FLIPS


def test_every_statistic_is_deterministic() -> None:
    rng = np.random.default_rng(0)
    a, b, m = rng.normal(size=8), rng.normal(size=8), rng.normal(size=(8, 4))
    makes = [lambda: trend(m, "increasing"), lambda: paired(a, b), lambda: paired(a, b, test="sign"),
             lambda: compare(a, level=0.0), lambda: rate(a > 0), lambda: within(a, centre=0.0, margin=1.0),
             lambda: equivalent(a, b, margin=1.0, control=CONTROL),
             lambda: all_of({"x": paired(a, b), "y": compare(a, level=0.0)})]
    for make in makes:
        assert make() == make()


# --------------------------------------------------------------------------- bad arguments

A3, B3 = np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0, 1.5])
BAD_ARGUMENTS = {
    "nan": (lambda: paired(np.array([1.0, np.nan, 3.0]), B3), "a must be finite"),
    "inf-level-values": (lambda: compare(np.array([1.0, np.inf]), level=0.0), "values must be finite"),
    "shapes": (lambda: paired(A3, B3[:2]), "b must have the same shape"),
    "trend-1d": (lambda: trend(A3, "increasing"), "values must be 2-D"),
    "one-seed": (lambda: compare(np.array([1.0]), level=0.0), "at least 2 seeds"),
    "one-level": (lambda: trend(np.ones((3, 1)), "increasing"), "at least 2 levels"),
    "levels": (lambda: trend(np.ones((3, 3)), "increasing", levels=[1.0, 1.0, 2.0]), "levels must be distinct"),
    "margin<0": (lambda: paired(A3, B3, margin=-0.1), "margin"),
    "direction": (lambda: trend(np.ones((3, 3)), "up"), "direction"),
    "test": (lambda: paired(A3, B3, test="t"), "test must be"),
    "control": (lambda: equivalent(A3, B3, margin=1.0, control=0.01), "control"),
    "equivalent-margin": (lambda: equivalent(A3, B3, margin=0.0, control=CONTROL), "margin"),
    "within-margin": (lambda: within(A3, centre=0.0, margin=0.0), "margin"),
    "rate-flags": (lambda: rate(np.array([1, 0, 1])), "flags"),
    "rate-share": (lambda: rate(np.array([True, False]), share=1.0), "share"),
    "all_of-empty": (lambda: all_of({}), "parts"),
}


@pytest.mark.parametrize("case", list(BAD_ARGUMENTS))
def test_bad_arguments_raise_naming_the_argument(case: str) -> None:
    make, message = BAD_ARGUMENTS[case]
    with pytest.raises(ValueError, match=message):
        make()


def test_evidence_and_claim_validate_their_fields() -> None:
    with pytest.raises(ValueError, match="p_value"):
        Evidence("s", 1.5, 0.5, {})
    with pytest.raises(ValueError, match="values"):
        Evidence("s", 0.5, 0.5, {"x": np.float64(1.0)})
    with pytest.raises(ValueError, match="id"):
        Claim("Not A Slug", "s", evidence(0.5))
    with pytest.raises(ValueError, match="statement"):
        Claim("ok", "  ", evidence(0.5))


# --------------------------------------------------------------------------- holm and judge


def test_holm_by_hand() -> None:
    # sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04 -> running max
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert holm([0.5, 0.6]) == [1.0, 1.0]
    assert holm([0.02, 0.02]) == [0.04, 0.04]
    assert holm([]) == []


def test_judge_leaves_primary_claims_unadjusted_and_holms_the_secondary() -> None:
    claims = [Claim("s1", "first", evidence(0.03)), Claim("main", "main", evidence(0.03), primary=True),
              Claim("s2", "second", evidence(0.04)), Claim("s3", "third", evidence(0.001))]
    judged = judge(claims)
    assert [c.id for c in judged] == ["s1", "main", "s2", "s3"]  # declaration order
    assert [c.p_adjusted for c in judged] == pytest.approx([0.06, 0.03, 0.06, 0.003])
    assert [c.verdict for c in judged] == [I, S, I, S]


def test_judge_holms_the_opposite_p_values_as_their_own_family() -> None:
    claims = [Claim("a", "a", evidence(0.9, 0.02)), Claim("b", "b", evidence(0.9, 0.03)),
              Claim("c", "c", evidence(0.9, 0.03), primary=True)]
    judged = judge(claims)
    assert [c.p_opposite_adjusted for c in judged] == pytest.approx([0.04, 0.04, 0.03])
    assert [c.verdict for c in judged] == [N, N, N]
    assert [c.verdict for c in judge(claims + [Claim("d", "d", evidence(0.9, 0.03))])][:2] == [I, I]


def test_judge_unjudged_and_alpha() -> None:
    claims = [Claim("a", "a", evidence(0.001)), Claim("b", "b", evidence(0.04), primary=True)]
    unjudged = judge(claims, judged=False)
    assert all(c.verdict is Verdict.NOT_JUDGED for c in unjudged)
    assert [c.p_adjusted for c in unjudged] == [0.001, 0.04]
    assert [c.verdict for c in judge(claims, alpha=0.01)] == [S, I]
    assert verdict_of(evidence(ALPHA)) is I  # strictly below alpha


def test_judge_rejects_duplicate_ids() -> None:
    with pytest.raises(ValueError, match="unique.*'twice'"):
        judge([Claim("twice", "a", evidence(0.1)), Claim("once", "b", evidence(0.1)),
               Claim("twice", "c", evidence(0.1))])


def test_counts_lists_every_verdict_in_order() -> None:
    judged = judge([Claim("a", "a", evidence(0.001)), Claim("b", "b", evidence(0.5))])
    assert counts(judged) == {"supported": 1, "not supported": 0, "inconclusive": 1, "not judged": 0}
    assert list(counts([])) == [v.value for v in Verdict]


# --------------------------------------------------------------------------- serialized and rendered forms


def test_claim_round_trips_through_json() -> None:
    claims = judge([Claim("main", "The claim.", paired(B + STEPS, B), primary=True),
                    Claim("extra", "Post hoc.", compare(SIX, level=2.5), registered=False)])
    for claim in claims + [Claim("raw", "Unjudged.", evidence(0.3))]:
        d = json.loads(json.dumps(claim.to_dict(), allow_nan=False))
        assert Claim.from_dict(d) == claim
    assert claims[0].to_dict()["primary"] is True and claims[1].to_dict()["registered"] is False
    assert claims[0].to_dict()["verdict"] == "supported" and claims[0].to_dict()["p_adjusted"] == 1 / 32


def test_from_dict_fails_naming_the_missing_key_or_bad_verdict() -> None:
    d = judge([Claim("x", "x", evidence(0.01))])[0].to_dict()
    with pytest.raises(ValueError, match="p_adjusted"):
        Claim.from_dict({k: v for k, v in d.items() if k != "p_adjusted"})
    with pytest.raises(ValueError, match="verdict"):
        Claim.from_dict({**d, "verdict": "proven"})


def test_claims_markdown_puts_primary_first_and_marks_post_hoc() -> None:
    claims = judge([Claim("side", "A side | effect.", evidence(0.03), registered=False),
                    Claim("other", "Another.", evidence(0.03)),
                    Claim("main", "The answer.", evidence(0.03), primary=True)])
    rows = claims_markdown(claims).splitlines()
    assert rows[2].startswith("| primary | The answer. | ✓ supported |")
    assert rows[3].startswith("| secondary, post hoc | A side \\| effect. | ? inconclusive |")
    assert rows[3].endswith("| 0.03 (0.06) |")  # raw p, Holm-adjusted in parentheses
    assert rows[4].startswith("| secondary | Another. |")
    assert rows[2].endswith("| 0.03 |")  # a primary claim has no adjustment to show


def test_fmt() -> None:
    assert fmt(1234.4) == "1234" and fmt(0.000123) == "0.000123" and fmt(-0.0) == "0"
    assert fmt(2.0 / 3.0) == "0.667" and fmt_p(1 / 32) == "0.031"
