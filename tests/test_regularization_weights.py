"""Chapter 12's helpers, and what used to be its claim `proximal_exact_zeros`: a property of the code.

The proximal step soft-thresholds weights, so it returns exact zeros by construction, while a
subgradient step through Adam lands on zero only by chance; this is checked on the smoke run
rather than judged as a finding.
"""

import numpy as np
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
