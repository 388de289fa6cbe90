"""Chapter 5's helpers and claims: the data it fits, what counts as fitted, how "never" is handled, and what
each claim covers."""

import numpy as np
import pytest

from atoms import seeding
from atoms.claims import Verdict, judge
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


def _fits(step_random, step_true, sizes=(128, 192), n_seeds=6):
    """A result whose networks jump from chance to 100% at the given recorded step index, per size."""
    steps = list(range(0, 2750, 250))
    curve = lambda at: [0.5] * at + [1.0] * (len(steps) - at)  # noqa: E731
    random = [[curve(step_random[i]) for _ in range(n_seeds)] for i in range(len(sizes))]
    true = [[curve(step_true[i]) for _ in range(n_seeds)] for i in range(len(sizes))]
    arrays = {"accuracy_random": np.array(random, np.float32), "accuracy_true": np.array(true, np.float32),
              "linear_accuracy": np.ones((len(sizes), n_seeds), np.float32)}
    dims = {"accuracy_random": ("n", "seed", "step"), "accuracy_true": ("n_true", "seed", "step"),
            "linear_accuracy": ("n_true", "seed")}
    coords = {"n": list(sizes), "n_true": list(sizes), "seed": list(range(n_seeds)), "step": steps}
    config = {"profile": "full", "steps": 2500, "record_every": 250, "fit_threshold": 0.95, "seed": 0,
              "batch_size": 64}
    return Result(Memorization.name, config, arrays, dims, coords, {"seconds": 1.0})


def _verdicts(result):
    return {claim.id: claim.verdict for claim in judge(Memorization.declare(result))}


def test_random_labels_slower_must_hold_at_every_size():
    """One claim over all sizes: random labels later everywhere supports it, a reversal at one size does not."""
    assert _verdicts(_fits([8, 8], [2, 2]))["random_labels_slower"] is Verdict.SUPPORTED
    assert _verdicts(_fits([8, 1], [2, 2]))["random_labels_slower"] is Verdict.NOT_SUPPORTED


def test_capacity_claim_compares_with_the_original_over_the_sizes_tried():
    assert _verdicts(_fits([1, 8], [1, 1]))["capacity_exceeds_original"] is Verdict.SUPPORTED
    assert _verdicts(_fits([1, 11], [1, 1]))["capacity_exceeds_original"] is Verdict.NOT_SUPPORTED
    untestable = [c for c in Memorization.declare(_fits([1, 1], [1, 1], sizes=(64, 128)))
                  if c.id == "capacity_exceeds_original"][0]
    assert untestable.evidence.p_value == 1.0 and untestable.evidence.p_opposite == 1.0
    assert all(not claim.registered for claim in Memorization.declare(_fits([1, 8], [1, 1])))


def test_numbers_read_the_budget_and_the_sizes_from_the_run():
    found = Memorization.numbers(_fits([10, 10], [1, 1]))
    assert found["early_reading"].startswith("0 of 6 seeds") and "6 of 6 at step 2,500" in found["early_reading"]
    assert found["sizes_above"] == "192" and found["needed_words"] == "that takes at least 6 of 6 seeds agreeing"
    assert Memorization.numbers(_fits([11, 11], [1, 1]))["early_reading"].startswith("no tried size was fitted")
