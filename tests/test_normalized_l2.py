"""Chapter 15's helpers: per-layer penalty factors, mean-square laws, lambda selection, scoring and claims.

The known-value checks hold the engine to the formulas the page relies on: He-initialized mean
squares of 2/n_in, and one penalty-only step multiplying each layer by 1 - 2 eta lambda s_l.
"""

import dataclasses
import math

import numpy as np
import pytest

from atoms import claims as stats
from atoms import seeding
from atoms.engine import Data, Init, Members, Network, Training, initial_params, train
from atoms.experiments.normalized_l2 import (
    BALANCE_LAW,
    PENALTIES,
    NormalizedL2,
    law_misfit,
    law_values,
    layer_scales,
    penalty_anchor,
    score,
    select_best,
    tolerated_log_lambda,
)

from conftest import smoke_result

SHAPES = [(64, 256), (256, 16), (16, 10)]


def test_layer_scales_follow_their_formulas():
    assert layer_scales(SHAPES, "plain") == (1.0, 1.0, 1.0)
    assert layer_scales(SHAPES, "per_element") == pytest.approx([1 / 16384, 1 / 4096, 1 / 160], rel=1e-12)
    assert layer_scales(SHAPES, "fan_sum") == pytest.approx([1 / 64 + 1 / 256, 1 / 256 + 1 / 16, 1 / 16 + 1 / 10],
                                                            rel=1e-12)
    with pytest.raises(ValueError, match="penalty"):
        layer_scales(SHAPES, "mean")


def test_fan_sum_scale_equalizes_layers_whose_mean_squares_follow_fan_sum():
    """The reply's point: with mean squares c/(n_in+n_out), every layer's scaled penalty is c."""
    mean_squares = 0.7 * law_values(SHAPES, "fan_sum")
    penalties = [s * i * o * m for s, (i, o), m in zip(layer_scales(SHAPES, "fan_sum"), SHAPES, mean_squares)]
    assert penalties == pytest.approx([0.7] * 3, rel=1e-12)


def test_penalty_anchor_matches_hand_computation():
    """He variances 2/n_in: plain penalty sums n_out * 2 = 512 + 32 + 20 = 564 at initialization."""
    assert penalty_anchor(SHAPES, "plain", "he_normal") == pytest.approx(1.0)
    assert penalty_anchor(SHAPES, "per_element", "he_normal") == pytest.approx(564 / (2 / 64 + 2 / 256 + 2 / 16))
    assert penalty_anchor(SHAPES, "fan_sum", "he_normal") == pytest.approx(564 / (10 + 2.125 + 3.25))
    # Glorot: the fan-sum penalty is 2 per layer, so the anchor is the plain sum over 6.
    plain = sum(i * o * 2 / (i + o) for i, o in SHAPES)
    assert penalty_anchor(SHAPES, "fan_sum", "glorot_normal") == pytest.approx(plain / 6)


def test_law_misfit_is_zero_for_the_law_at_any_scale_and_the_log_spread_otherwise():
    exact = np.stack([3.0 * law_values(SHAPES, "fan_in"), 1e-4 * law_values(SHAPES, "fan_in")])
    assert law_misfit(exact, SHAPES, "fan_in") == pytest.approx([0.0, 0.0], abs=1e-12)
    logs = -np.log10([64.0, 256.0, 16.0])
    assert law_misfit(exact, SHAPES, "equal") == pytest.approx([logs.std()] * 2, rel=1e-12)
    assert law_misfit(exact[0], SHAPES, "count") == pytest.approx(np.log10([256.0, 16.0, 10.0]).std(), rel=1e-12)


def test_balance_laws_are_the_scaled_penalties_equal_across_layers():
    """s_l * n_in * n_out * law_l must not depend on the layer for a penalty's balance law."""
    for penalty in PENALTIES:
        law = law_values(SHAPES, BALANCE_LAW[penalty])
        products = [s * i * o * m for s, (i, o), m in zip(layer_scales(SHAPES, penalty), SHAPES, law)]
        assert np.ptp(np.log(products)) == pytest.approx(0.0, abs=1e-12), penalty


def test_select_best_takes_highest_accuracy_and_breaks_ties_by_loss():
    accuracy = np.array([[0.90, 0.95], [0.95, 0.95], [0.95, 0.80]])
    loss = np.array([[0.3, 0.4], [0.5, 0.2], [0.4, 0.1]])
    assert select_best(accuracy, loss).tolist() == [2, 1]


def test_tolerated_log_lambda_interpolates_the_first_crossing_after_the_best():
    levels = np.array([-4.0, -3.0, -2.0, -1.0])
    accuracy = np.array([[0.90, 0.90], [0.95, 0.91], [0.94, 0.91], [0.85, 0.90]])
    # Seed 0: best 0.95, floor 0.93; crosses between -2 (0.94) and -1 (0.85) at 1/9 of the step.
    # Seed 1: never 0.02 below its best, so it gets the last grid point (a lower bound).
    edges = tolerated_log_lambda(levels, accuracy, 0.02)
    assert edges == pytest.approx([-2.0 + 1 / 9, -1.0])


def test_score_gives_accuracy_and_cross_entropy():
    logits = np.array([[[2.0, 0.0], [0.0, 0.0]]])
    labels = np.array([[0, 1]])
    accuracy, loss = score(logits, labels)
    expected = (math.log(1 + math.exp(-2.0)) + math.log(2.0)) / 2
    assert accuracy == pytest.approx([0.5]) and loss == pytest.approx([expected])


def test_he_initial_mean_squares_follow_two_over_fan_in():
    """The mean of N squared N(0, v) draws has relative standard deviation sqrt(2/N) (11% for the
    160-weight output matrix); we allow 4 of those, pooled over 8 seeds (so sqrt(8) times fewer)."""
    network = Network(64, (256, 16), 10, activation="relu", weight_init=Init("he_normal"))
    params = initial_params(network, Members(seeds=seeding.member_seeds(3, 8)))
    for w, (n_in, n_out) in zip(params[0::2], SHAPES):
        relative = 4 * math.sqrt(2 / (n_in * n_out * 8))
        assert float((w ** 2).mean()) == pytest.approx(2 / n_in, rel=relative)


@pytest.mark.parametrize("penalty", PENALTIES)
def test_one_penalty_only_step_decays_each_layer_by_its_scaled_factor(penalty):
    """With no data gradient, one SGD step on l2 * s_l * sum(W**2) multiplies W by 1 - 2 eta l2 s_l
    (float32 rounding: 1e-6 relative)."""
    network = Network(8, (32, 4), 3, activation="relu", weight_init=Init("he_normal"))
    shapes = network.weight_shapes
    strength = 0.5 / max(layer_scales(shapes, penalty))
    members = Members(seeds=seeding.member_seeds(1, 1), learning_rate=0.1, l2=strength,
                      layer_scale=layer_scales(shapes, penalty))
    training = Training(steps=1, loss="constant", optimizer="sgd")
    x = np.zeros((4, 8), np.float32)
    history = train(network, training, members, Data(x, np.zeros(4, np.int64)))
    for before, after, scale in zip(history.initial_params[0::2], history.final_params[0::2],
                                    layer_scales(shapes, penalty)):
        factor = 1 - 2 * 0.1 * np.float32(strength) * scale
        assert after == pytest.approx(factor * before, rel=1e-6, abs=1e-9)


def test_claims_answer_the_three_questions_with_the_strongest_lambda_claim_post_hoc():
    found = {claim.id: claim for claim in smoke_result(NormalizedL2).claims()}
    assert [i for i, c in found.items() if c.primary] == ["fan_sum_law_plain", "accuracy_matches_plain",
                                                          "tolerated_lambda_moves_per_element"]
    assert [i for i, c in found.items() if not c.registered] == ["balance_strongest"]


def test_accuracy_equivalence_needs_plain_l2_to_beat_no_penalty():
    """Equal test accuracies prove nothing where L2 itself does not move accuracy: the positive control
    (plain L2 beats no penalty by more than the margin) caps the claim's p-value."""
    result = smoke_result(NormalizedL2)
    claim = next(c for c in NormalizedL2.declare(result) if c.id == "accuracy_matches_plain")
    control = claim.evidence.values["per-element L2.control_p"]
    assert claim.evidence.p_value >= control
    # Identical arms pass both one-sided tests, yet a control that fails keeps the claim from holding.
    same = np.array([0.90, 0.91, 0.92, 0.93, 0.94, 0.95])
    failed = stats.paired(same, same, margin=0.01)
    assert stats.equivalent(same, same, margin=0.01, control=failed).p_value == pytest.approx(1.0)
    judged = stats.judge([dataclasses.replace(claim, evidence=stats.equivalent(same, same, margin=0.01,
                                                                               control=failed))])
    assert judged[0].verdict is not stats.Verdict.SUPPORTED


def test_numbers_give_the_power_of_the_secondary_claims():
    numbers = smoke_result(NormalizedL2).numbers()
    assert numbers["n_secondary"] == 3
    assert numbers["min_p"] == pytest.approx(2.0 ** -smoke_result(NormalizedL2).config["n_seeds"])
    n = numbers["seeds_for_secondary"]
    assert 3 * 2.0 ** -n < stats.ALPHA <= 3 * 2.0 ** -(n - 1)


def test_defaults_run_on_mnist_with_enough_seeds_to_decide_the_secondary_claims():
    """Issue 12: MNIST by default (its 784 inputs make the first layer the wide one), and at least as many seeds
    as a Holm-corrected secondary claim needs to reach a verdict."""
    config = NormalizedL2().config
    assert config.dataset == "mnist"
    needed = math.floor(math.log2(3 / stats.ALPHA)) + 1
    assert config.n_seeds >= needed


@pytest.mark.parametrize("params, message", [
    ({"n_train": 5000, "n_val": 4000, "n_test": 2000}, "'n_train' \\+ 'n_val' \\+ 'n_test' must be at most 10000"),
    ({"dataset": "digits", "n_train": 1000, "n_val": 500, "n_test": 500}, "'n_train' \\+ 'n_val' \\+ 'n_test'"),
])
def test_config_names_the_image_counts_that_do_not_fit_the_pool(params, message):
    with pytest.raises(ValueError, match=message):
        NormalizedL2(**params)
