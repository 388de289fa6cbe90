"""Chapter 2's own helpers: counting sign changes, padding the problems, and wording the findings."""

import numpy as np
import pytest

from atoms import claims as stats
from atoms.experiment import Result
from atoms.experiments import depth_fixed_parameters
from atoms.experiments.depth_fixed_parameters import (
    DepthFixedParameters,
    depth_groups,
    grid,
    padded_problems,
    sign_changes,
)


def test_depth_groups_split_the_sweep_into_a_shallower_and_a_deeper_half():
    assert depth_groups((2, 3, 4, 5, 6, 7)) == [(2, 3, 4), (5, 6, 7)]
    assert depth_groups((2, 3, 4)) == [(2,), (3, 4)]


def test_splitting_the_depths_into_ensembles_leaves_training_bit_identical(monkeypatch):
    """Training is per member; only the batched forward pass that reads margins off a shared grid
    may round differently with the ensemble's size."""
    settings = dict(steps=30, n_seeds=2, hidden_layers=(2, 3, 5), n_points=(8, 12))
    split = DepthFixedParameters(**settings).run()
    monkeypatch.setattr(depth_fixed_parameters, "depth_groups", lambda depths: [tuple(depths)])
    together = DepthFixedParameters(**settings).run()
    for name in ("accuracy", "accuracy_curve"):
        np.testing.assert_array_equal(split[name], together[name], err_msg=name)
    for name in ("margin", "point_margin"):
        np.testing.assert_allclose(split[name], together[name], rtol=1e-5, atol=1e-6, err_msg=name)


def test_grid_has_ten_samples_per_gap_of_the_densest_problem():
    x = grid((16, 32))
    assert x[0] == 0 and x[-1] == 1 and x.size == 321
    np.testing.assert_allclose(np.diff(x), 1 / 320, atol=1e-6)


def test_a_perfect_sawtooth_has_n_minus_one_sign_changes_and_a_constant_none():
    x = grid((16,))
    perfect = -np.cos(np.pi * 16 * (x - 0.001))  # negative at even points, positive at odd, zero off the grid
    assert sign_changes(perfect, x, 16) == 15
    assert sign_changes(np.full_like(x, 2.0), x, 16) == 0


def test_sign_changes_after_the_last_training_point_do_not_count():
    x = grid((4,))
    margin = np.where(x < 0.9, 1.0, -1.0)  # flips after the last point, at 3/4
    assert sign_changes(margin, x, 4) == 0


def test_padded_problems_keep_each_problem_and_pad_with_zeros():
    x, y = padded_problems((4, 8))
    assert x.shape == (2, 8, 1) and y.shape == (2, 8)
    np.testing.assert_array_equal(y[0], [0, 1, 0, 1, 0, 0, 0, 0])
    np.testing.assert_allclose(x[0, :4, 0], [0, 0.25, 0.5, 0.75])
    np.testing.assert_array_equal(y[1], [0, 1] * 4)


def test_depths_must_be_listed_in_increasing_order():
    with pytest.raises(ValueError, match="hidden_layers"):
        DepthFixedParameters(hidden_layers=[4, 2])


def test_every_depth_has_the_original_152_parameters_at_width_10():
    result = Result("02_depth_fixed_parameters", {"width": 10, "hidden_layers": [2, 7]}, {}, {}, {})
    assert DepthFixedParameters.n_parameters(result) == 152


@pytest.mark.parametrize("verdict, words", [
    (stats.Verdict.SUPPORTED, "**4 hidden layers beat 2**"),
    (stats.Verdict.NOT_SUPPORTED, "**4 hidden layers fall short of 2**"),
    (stats.Verdict.INCONCLUSIVE, "cannot tell 4 hidden layers from 2"),
    (stats.Verdict.NOT_JUDGED, "not judged"),
])
def test_paired_comparisons_are_worded_from_their_verdict(verdict, words):
    values = {"mean_diff": 0.05, "low": -0.01, "high": 0.1, "confidence": 0.95, "n_seeds": 8, "n_positive": 5}
    claim = stats.Claim("four_beats_two_16", "x", stats.Judgement(verdict, "s", values))
    sentence = DepthFixedParameters._paired(16, claim, 4, 2)
    assert words in sentence and "+5.0 percentage points" in sentence and "5 of 8 seeds" in sentence


@pytest.mark.parametrize("mean, words", [
    ([0.5, 0.7, 0.6], "to a peak of 70.0% with 3 and ends at 60.0% with 4"),
    ([0.5, 0.6, 0.7], "to its peak, 70.0% with 4"),
    ([0.7, 0.6, 0.5], "is highest at the start, 70.0% with 2 hidden layers"),
])
def test_the_mean_path_names_where_it_peaks(mean, words):
    assert words in DepthFixedParameters._mean_path(np.array(mean), [2, 3, 4], "mean accuracy", "{:.1f}%", 100)
