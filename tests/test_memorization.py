"""Chapter 5's helpers: the data it fits, what counts as fitted, and how "never" is handled."""

import numpy as np
import pytest

from atoms import seeding
from atoms.experiment import Result
from atoms.experiments.memorization import Memorization, fitted, seed_data


def test_fitted_counts_rows_despite_float32_rounding():
    accuracy = np.float32(95) / np.float32(100)
    assert float(accuracy) < 0.95
    assert fitted(np.array([accuracy]), 100, 0.95)[0]
    assert not fitted(np.array([np.float32(94) / np.float32(100)]), 100, 0.95)[0]


def test_random_labels_permute_the_true_labels_and_sizes_do_not_change_each_other():
    seed = seeding.member_seeds(0, 1)[0]
    x, labels = seed_data(seed, (64, 192))
    alone_x, alone = seed_data(seed, (64,))
    assert x.shape == (192, 6)
    np.testing.assert_array_equal(alone_x, x[:64])
    np.testing.assert_array_equal(alone["random"][64], labels["random"][64])
    for n in (64, 192):
        assert np.array_equal(np.sort(labels["random"][n]), np.sort(labels["true"][n]))
    assert not np.array_equal(labels["random"][192], labels["true"][192])


def _result(random_accuracy, true_accuracy, sizes=(100,), true_sizes=(100,)):
    steps = [0, 250, 500]
    arrays = {"accuracy_random": np.array(random_accuracy, np.float32),
              "accuracy_true": np.array(true_accuracy, np.float32),
              "linear_accuracy": np.ones((len(true_sizes), 2), np.float32)}
    dims = {"accuracy_random": ("n", "seed", "step"), "accuracy_true": ("n_true", "seed", "step"),
            "linear_accuracy": ("n_true", "seed")}
    coords = {"n": list(sizes), "n_true": list(true_sizes), "seed": [0, 1], "step": steps}
    config = {"profile": "full", "steps": 500, "record_every": 250, "fit_threshold": 0.95, "seed": 0}
    return Result(Memorization.name, config, arrays, dims, coords, {"seconds": 1.0})


def test_steps_to_fit_is_the_first_recording_at_threshold_and_never_comes_after_the_end():
    result = _result([[[0.5, 0.96, 0.9], [0.5, 0.6, 0.7]]], [[[0.5, 1.0, 1.0], [0.5, 0.97, 1.0]]])
    np.testing.assert_array_equal(Memorization.steps_to_fit(result, "random"), [[250, 750]])
    np.testing.assert_array_equal(Memorization.steps_to_fit(result, "true"), [[250, 250]])
    np.testing.assert_array_equal(Memorization.capacity(result), [100, 0])
    np.testing.assert_array_equal(Memorization.capacity(result, by_step=0), [0, 0])


@pytest.mark.parametrize("sizes, fit, words", [
    ((128, 192), [1.0, 0.5], "at least 128 and below 192 points"),
    ((128, 192), [1.0, 1.0], "at least 192 points, the largest size tried"),
    ((128, 192), [0.5, 0.5], "below 128 points, the smallest size tried"),
])
def test_capacity_bracket_in_words(sizes, fit, words):
    random = [[[0.5, a, a], [0.5, a, a]] for a in fit]
    result = _result(random, [[[0.5, 1.0, 1.0], [0.5, 1.0, 1.0]]], sizes=sizes, true_sizes=(128,))
    assert Memorization.bracket_words(result) == words
