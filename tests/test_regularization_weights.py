"""Chapter 12's helpers, and what used to be its claim `proximal_exact_zeros`: a property of the code.

The proximal step soft-thresholds weights, so it returns exact zeros by construction, while a
subgradient step through Adam lands on zero only by chance; this is checked on the smoke run
rather than judged as a finding.
"""

import numpy as np
import pytest
from conftest import smoke_result

from atoms.experiment import Result
from atoms.experiments.regularization_weights import RegularizationWeights, weight_summary


def test_weight_summary_counts_exact_and_near_zeros_per_member():
    weights = [np.array([[[0.0, 1e-4], [0.5, -2.0]], [[1.0, 1.0], [1.0, 1.0]]])]  # 2 members, one 2x2 matrix
    found = weight_summary(weights, zero_tolerance=1e-3)
    np.testing.assert_allclose(found["exact_zero"], [0.25, 0.0])
    np.testing.assert_allclose(found["near_zero"], [0.5, 0.0])
    np.testing.assert_allclose(found["l1_norm"], [2.5001, 4.0])
    np.testing.assert_allclose(found["histogram"].sum(axis=1), [0.75, 1.0])  # exact zeros are not in a bin


def test_proximal_l1_gives_exact_zeros_and_the_subgradient_does_not():
    result = smoke_result(RegularizationWeights)
    penalties = result.coords["penalty"]
    exact = result["exact_zero"]
    assert np.all(exact[penalties.index("l1_proximal"), -1] > 0)
    assert np.all(exact[penalties.index("l1_subgradient")] == 0)
    assert np.all(exact[penalties.index("l2")] == 0)


def test_matched_lambda_is_the_largest_within_tolerance_per_seed():
    accuracy = np.array([[[0.90, 0.80], [0.89, 0.80], [0.85, 0.79]]] * 3, np.float32)  # [penalty, lambda, seed]
    result = Result("12_regularization_weights", {"accuracy_tolerance": 0.02}, {"test_accuracy": accuracy},
                    {"test_accuracy": ("penalty", "lambda", "seed")},
                    {"penalty": ["l2", "l1_subgradient", "l1_proximal"], "lambda": [0.0, 0.1, 1.0], "seed": [0, 1]})
    np.testing.assert_array_equal(RegularizationWeights.matched_index(result, "l2"), [1, 2])


def fake_result(lambdas, penalty_scale):
    shape = (3, len(lambdas), 2)
    rng = np.random.default_rng(0)
    arrays = {name: rng.uniform(0.5, 1.0, shape).astype(np.float32)
              for name in ("test_accuracy", "train_accuracy", "l2_norm", "l1_norm", "exact_zero", "near_zero")}
    arrays["class1_share"] = np.array([0.5, 0.5], np.float32)
    dims = {name: ("penalty", "lambda", "seed") for name in arrays}
    dims["class1_share"] = ("seed",)
    config = {"accuracy_tolerance": 0.02, "sparsity_margin": 0.1, "n_seeds": 2, "penalty_scale": penalty_scale}
    coords = {"penalty": ["l2", "l1_subgradient", "l1_proximal"], "lambda": list(lambdas), "seed": [0, 1]}
    return Result("12_regularization_weights", config, arrays, dims, coords)


def test_the_original_setting_is_reported_only_for_a_mean_penalty_at_lambda_a_tenth_and_one():
    result = fake_result([0.0, 0.1, 1.0, 10.0], "mean")
    numbers = RegularizationWeights.numbers(result)
    assert numbers["original_setting"] and numbers["grid"] == "0, 0.1, 1, 10"
    assert numbers["original_accuracy_one_l2"] == pytest.approx(100 * result["test_accuracy"][0, 2].mean())
    assert numbers["original_near_zero_tenth_l1_proximal"] == pytest.approx(100 * result["near_zero"][2, 1].mean())
    for lambdas, scale in (([0.0, 0.1, 1.0], "sum"), ([0.0, 1.0, 10.0], "mean")):
        numbers = RegularizationWeights.numbers(fake_result(lambdas, scale))
        assert not numbers["original_setting"] and "original_accuracy_one_l2" not in numbers


def test_the_default_run_is_the_original_setting():
    config = RegularizationWeights.Config.from_params({})
    assert config.penalty_scale == "mean" and {0.1, 1.0} <= set(config.lambdas) and config.n_seeds >= 10
