"""Tests for atoms.claims: each statistic reaches each verdict it can give, is
deterministic, and rejects bad arguments by naming them."""

from __future__ import annotations

import json

import numpy as np
import pytest

from atoms.claims import (
    Claim,
    Judgement,
    Verdict,
    claims_markdown,
    equivalence,
    holds_in,
    judge_all,
    monotone_trend,
    paired_difference,
    threshold,
)

LEVELS = np.array([8.0, 16.0, 32.0, 64.0, 128.0])


def falling(n_seeds: int = 5) -> np.ndarray:
    """A metric that falls with the level on every seed, with a per-seed offset."""
    base = np.array([1.0, 0.6, 0.4, 0.3, 0.25])
    return base[None, :] + 0.05 * np.arange(n_seeds)[:, None]


def assert_json_safe(judgement: Judgement) -> None:
    json.dumps(judgement.values, allow_nan=False)
    assert all(type(v) in (int, float) for v in judgement.values.values())


# --------------------------------------------------------------------------- monotone_trend


def test_trend_supported_five_of_five_is_the_smallest_sign_test_p() -> None:
    j = monotone_trend(falling(5), "decreasing", levels=LEVELS)
    assert j.verdict is Verdict.SUPPORTED
    assert j.values["p_value"] == pytest.approx(1 / 32)
    assert j.values["n_agree"] == 5 and j.values["n_seeds"] == 5
    assert j.values["mean_tau"] == pytest.approx(-1.0)
    assert "p = 0.031" in j.statistic and "5 seeds" in j.statistic
    assert_json_safe(j)


def test_trend_four_of_five_or_four_seeds_cannot_support() -> None:
    values = falling(5)
    values[0] = values[0][::-1]  # one seed rises
    j = monotone_trend(values, "decreasing")
    assert j.verdict is Verdict.INCONCLUSIVE
    assert j.values["p_value"] == pytest.approx(6 / 32)
    j4 = monotone_trend(falling(4), "decreasing")
    assert j4.verdict is Verdict.INCONCLUSIVE
    assert j4.values["p_value"] == pytest.approx(1 / 16)


def test_trend_opposite_direction_is_not_supported() -> None:
    j = monotone_trend(falling(6), "increasing")
    assert j.verdict is Verdict.NOT_SUPPORTED
    assert j.values["n_agree"] == 0
    assert j.values["p_value_opposite"] == pytest.approx(1 / 64)


def test_trend_mixed_seeds_are_inconclusive() -> None:
    values = falling(6)
    values[::2] = values[::2, ::-1]  # half the seeds rise
    j = monotone_trend(values, "decreasing")
    assert j.verdict is Verdict.INCONCLUSIVE
    assert j.values["mean_tau"] == pytest.approx(0.0)


def test_trend_constant_seeds_count_as_ties_and_are_dropped() -> None:
    values = np.vstack([falling(5), np.full((3, 5), 0.5)])
    j = monotone_trend(values, "decreasing")
    assert j.verdict is Verdict.SUPPORTED
    assert j.values["n_seeds"] == 8 and j.values["n_agree"] == 5
    assert j.values["p_value"] == pytest.approx(1 / 32)
    flat = monotone_trend(np.ones((5, 4)), "increasing")
    assert flat.verdict is Verdict.INCONCLUSIVE and flat.values["mean_tau"] == 0.0


def test_trend_levels_give_the_column_order() -> None:
    order = np.array([3, 0, 4, 1, 2])
    shuffled = monotone_trend(falling()[:, order], "decreasing", levels=LEVELS[order])
    assert shuffled == monotone_trend(falling(), "decreasing", levels=LEVELS)


def test_trend_not_judged_keeps_the_statistic() -> None:
    judged = monotone_trend(falling(), "decreasing")
    smoke = monotone_trend(falling(), "decreasing", judged=False)
    assert smoke.verdict is Verdict.NOT_JUDGED
    assert (smoke.statistic, smoke.values) == (judged.statistic, judged.values)


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"values": falling(), "direction": "up"}, "direction"),
        ({"values": falling(1), "direction": "decreasing"}, "values"),
        ({"values": falling()[0], "direction": "decreasing"}, "values"),
        ({"values": falling()[:, :1], "direction": "decreasing"}, "values"),
        ({"values": falling(), "direction": "decreasing", "levels": LEVELS[:3]}, "levels"),
        ({"values": falling(), "direction": "decreasing", "levels": [1, 1, 2, 3, 4]}, "levels"),
        ({"values": falling(), "direction": "decreasing", "alpha": 0.0}, "alpha"),
        ({"values": falling(), "direction": "decreasing", "alpha": 0.7}, "alpha"),
    ],
)
def test_trend_bad_arguments(kwargs: dict, param: str) -> None:
    with pytest.raises(ValueError, match=param):
        monotone_trend(**kwargs)


# --------------------------------------------------------------------------- paired_difference

SEEDS_A = np.array([410.0, 380.0, 455.0, 402.0, 390.0])  # e.g. steps to fit random labels
SEEDS_B = np.array([120.0, 131.0, 118.0, 140.0, 125.0])  # steps to fit true labels
NOISE = np.array([0.8, -1.1, 0.3, -0.6, 1.2, -0.4])


def test_paired_difference_supported_and_its_mirror_not_supported() -> None:
    j = paired_difference(SEEDS_A, SEEDS_B, margin=100.0)
    assert j.verdict is Verdict.SUPPORTED
    assert j.values["low"] > 100.0 and j.values["n_positive"] == 5
    assert j.values["mean_diff"] == pytest.approx(np.mean(SEEDS_A - SEEDS_B))
    assert "95% bootstrap CI" in j.statistic
    assert paired_difference(SEEDS_B, SEEDS_A).verdict is Verdict.NOT_SUPPORTED
    assert paired_difference(SEEDS_B, SEEDS_A, greater=False).verdict is Verdict.SUPPORTED
    assert paired_difference(SEEDS_A, SEEDS_B, greater=False).verdict is Verdict.NOT_SUPPORTED
    assert_json_safe(j)


def test_paired_difference_margin_larger_than_effect_is_not_supported() -> None:
    j = paired_difference(SEEDS_A, SEEDS_B, margin=1000.0)
    assert j.verdict is Verdict.NOT_SUPPORTED


def test_paired_difference_noise_is_inconclusive() -> None:
    b = np.zeros_like(NOISE)
    for method in ("bootstrap", "sign"):
        j = paired_difference(NOISE, b, method=method)
        assert j.verdict is Verdict.INCONCLUSIVE
        assert j.values["low"] < 0 < j.values["high"]


def test_paired_difference_sign_falls_back_to_min_max_with_five_seeds() -> None:
    j = paired_difference(SEEDS_A, SEEDS_B, method="sign")
    diff = SEEDS_A - SEEDS_B
    assert j.verdict is Verdict.SUPPORTED
    assert (j.values["low"], j.values["high"]) == (diff.min(), diff.max())
    assert j.values["confidence"] == pytest.approx(1 - 2 / 32)
    assert j.values["median_diff"] == np.median(diff)
    assert "93.8% sign-test CI" in j.statistic


def test_paired_difference_sign_interval_uses_order_statistics() -> None:
    a = np.arange(10.0)
    j = paired_difference(a, np.zeros(10), method="sign", confidence=0.95)
    # k = 2: coverage 1 - 2 * (1 + 10) / 1024 = 0.9785 >= 0.95, while k = 3 gives 0.89.
    assert (j.values["low"], j.values["high"]) == (1.0, 8.0)
    assert j.values["confidence"] == pytest.approx(1 - 22 / 1024)


def test_paired_difference_is_deterministic_and_not_judged_keeps_values() -> None:
    first = paired_difference(NOISE, np.zeros(6))
    np.random.seed(123)  # global numpy state must not matter
    np.random.default_rng().random(10)
    assert paired_difference(NOISE, np.zeros(6)) == first
    smoke = paired_difference(NOISE, np.zeros(6), judged=False)
    assert smoke.verdict is Verdict.NOT_JUDGED
    assert (smoke.statistic, smoke.values) == (first.statistic, first.values)


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"a": SEEDS_A, "b": SEEDS_B[:4]}, "same shape"),
        ({"a": SEEDS_A[:1], "b": SEEDS_B[:1]}, "at least 2 seeds"),
        ({"a": SEEDS_A, "b": SEEDS_B, "margin": -1.0}, "margin"),
        ({"a": SEEDS_A, "b": SEEDS_B, "confidence": 0.0}, "confidence"),
        ({"a": SEEDS_A, "b": SEEDS_B, "confidence": 1.0}, "confidence"),
        ({"a": SEEDS_A, "b": SEEDS_B, "confidence": 95}, "confidence"),
        ({"a": SEEDS_A, "b": SEEDS_B, "method": "t"}, "method"),
        ({"a": [1.0, np.nan], "b": [1.0, 2.0]}, "finite"),
        ({"a": ["x", "y"], "b": [1.0, 2.0]}, "numeric"),
    ],
)
def test_paired_difference_bad_arguments(kwargs: dict, param: str) -> None:
    with pytest.raises(ValueError, match=param):
        paired_difference(**kwargs)


# --------------------------------------------------------------------------- equivalence

TANH = np.array([0.912, 0.905, 0.918, 0.909, 0.915])


def test_equivalence_supported_when_interval_inside_margin() -> None:
    relu = TANH + np.array([0.002, -0.001, 0.003, 0.0, -0.002])
    j = equivalence(TANH, relu, margin=0.02)
    assert j.verdict is Verdict.SUPPORTED
    assert -0.02 <= j.values["low"] <= j.values["high"] <= 0.02
    assert j.values["n_seeds"] == 5
    assert_json_safe(j)


def test_equivalence_not_supported_when_interval_outside_margin() -> None:
    assert equivalence(TANH, TANH - 0.1, margin=0.02).verdict is Verdict.NOT_SUPPORTED
    assert equivalence(TANH, TANH + 0.1, margin=0.02).verdict is Verdict.NOT_SUPPORTED


def test_equivalence_noisy_is_inconclusive() -> None:
    j = equivalence(TANH, TANH + 0.03 * NOISE[:5], margin=0.02)
    assert j.verdict is Verdict.INCONCLUSIVE


def test_equivalence_unpaired_allows_different_lengths() -> None:
    other = np.array([0.910, 0.914, 0.907, 0.913, 0.911, 0.909, 0.912])
    j = equivalence(TANH, other, margin=0.02, paired=False)
    assert j.verdict is Verdict.SUPPORTED
    assert (j.values["n_a"], j.values["n_b"]) == (5, 7)
    assert j.values["mean_diff"] == pytest.approx(TANH.mean() - other.mean())
    assert equivalence(TANH, other, margin=0.02, paired=False) == j
    smoke = equivalence(TANH, other, margin=0.02, paired=False, judged=False)
    assert smoke.verdict is Verdict.NOT_JUDGED and smoke.values == j.values


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"a": TANH, "b": TANH[:4], "margin": 0.02}, "same shape"),
        ({"a": TANH, "b": TANH[:1], "margin": 0.02, "paired": False}, "b must hold at least 2"),
        ({"a": TANH, "b": TANH, "margin": -0.02}, "margin"),
        ({"a": TANH, "b": TANH, "margin": 0.0}, "margin"),
        ({"a": TANH, "b": TANH, "margin": 0.02, "confidence": 1.5}, "confidence"),
    ],
)
def test_equivalence_bad_arguments(kwargs: dict, param: str) -> None:
    with pytest.raises(ValueError, match=param):
        equivalence(**kwargs)


# --------------------------------------------------------------------------- holds_in


def test_holds_in_counts_seeds() -> None:
    flags = np.array([True, True, False, True, True])
    j = holds_in(flags, required=4)
    assert j.verdict is Verdict.SUPPORTED
    assert j.values == {"k": 4, "n": 5, "required": 4}
    assert holds_in(flags, required=5).verdict is Verdict.NOT_SUPPORTED
    smoke = holds_in(flags, required=5, judged=False)
    assert smoke.verdict is Verdict.NOT_JUDGED and smoke.values["k"] == 4
    assert_json_safe(j)


@pytest.mark.parametrize(
    ("flags", "required", "param"),
    [
        ([True, False], 3, "required"),
        ([True, False], 0, "required"),
        ([True, False], 1.5, "required"),
        ([True], 1, "flags"),
        ([1, 0, 1], 2, "flags"),
        ([[True, False]], 1, "flags"),
    ],
)
def test_holds_in_bad_arguments(flags: list, required: int, param: str) -> None:
    with pytest.raises(ValueError, match=param):
        holds_in(flags, required=required)


# --------------------------------------------------------------------------- threshold


def test_threshold_verdicts() -> None:
    above = threshold(TANH, above=True, level=0.85)
    assert above.verdict is Verdict.SUPPORTED
    assert above.values["mean"] == pytest.approx(TANH.mean())
    assert threshold(TANH, above=False, level=0.85).verdict is Verdict.NOT_SUPPORTED
    assert threshold(TANH, above=True, level=0.95).verdict is Verdict.NOT_SUPPORTED
    assert threshold(TANH, above=False, level=0.95).verdict is Verdict.SUPPORTED
    assert threshold(TANH, above=True, level=0.912).verdict is Verdict.INCONCLUSIVE
    assert threshold(TANH, above=True, level=0.85) == above
    smoke = threshold(TANH, above=True, level=0.85, judged=False)
    assert smoke.verdict is Verdict.NOT_JUDGED and smoke.statistic == above.statistic
    assert_json_safe(above)


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"values": TANH[:1], "above": True, "level": 0.9}, "values"),
        ({"values": TANH, "above": True, "level": float("nan")}, "level"),
        ({"values": TANH, "above": True, "level": 0.9, "confidence": -0.1}, "confidence"),
    ],
)
def test_threshold_bad_arguments(kwargs: dict, param: str) -> None:
    with pytest.raises(ValueError, match=param):
        threshold(**kwargs)


# --------------------------------------------------------------------------- claims, summaries


def make_claims() -> list[Claim]:
    return [
        Claim("error_falls_with_units", "Training error falls as hidden units grow.",
              monotone_trend(falling(), "decreasing", levels=LEVELS)),
        Claim("random_labels_slower", "Random labels take | longer to fit.",
              paired_difference(SEEDS_A, SEEDS_B)),
        Claim("tanh_vs_relu", "Tanh and ReLU match within 0.02.",
              equivalence(TANH, TANH + 0.03 * NOISE[:5], margin=0.02)),
        Claim("always_diverges", "It diverges in every seed.",
              holds_in([True, False, True], required=3)),
        Claim("smoke_only", "Accuracy exceeds 0.85.",
              threshold(TANH, above=True, level=0.85, judged=False)),
    ]


def test_claim_round_trips_through_json() -> None:
    for claim in make_claims():
        d = json.loads(json.dumps(claim.to_dict(), allow_nan=False))
        assert d["verdict"] == claim.verdict.value
        assert Claim.from_dict(d) == claim


def test_claim_validation() -> None:
    j = holds_in([True, True], required=1)
    with pytest.raises(ValueError, match="id"):
        Claim("Not A Slug", "x", j)
    with pytest.raises(ValueError, match="statement"):
        Claim("ok", "  ", j)
    with pytest.raises(ValueError, match="values"):
        Judgement(Verdict.SUPPORTED, "s", {"n": np.int64(3)})
    d = Claim("ok", "x", j).to_dict()
    with pytest.raises(ValueError, match="verdict"):
        Claim.from_dict({**d, "verdict": "maybe"})
    with pytest.raises(ValueError, match="statistic"):
        Claim.from_dict({k: v for k, v in d.items() if k != "statistic"})


def test_judge_all_counts_every_verdict() -> None:
    assert judge_all(make_claims()) == {
        "supported": 2,
        "not supported": 1,
        "inconclusive": 1,
        "not judged": 1,
    }
    assert judge_all([]) == {v.value: 0 for v in Verdict}


def test_claims_markdown_table() -> None:
    claims = make_claims()
    md = claims_markdown(claims)
    lines = md.strip().split("\n")
    assert lines[0] == "| Claim | Verdict | Statistic |"
    assert len(lines) == 2 + len(claims)
    for claim in claims:
        assert claim.statement.replace("|", "\\|") in md
    for badge in ("✓ supported", "✗ not supported", "? inconclusive", "· not judged"):
        assert badge in md
    assert "Random labels take \\| longer" in md
    # every row has exactly the three cells: unescaped pipes are only separators
    for line in lines:
        assert line.replace("\\|", "").count("|") == 4
