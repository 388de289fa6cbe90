"""Chapter 2's own helpers: counting sign changes, padding the problems, and the claims a run can make."""

import numpy as np
import pytest

from atoms.experiment import Result
from atoms.experiments import depth_fixed_parameters
from atoms.experiments.depth_fixed_parameters import (
    DepthFixedParameters,
    depth_groups,
    grid,
    padded_problems,
    sign_changes,
    where,
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


def test_claims_name_one_problem_by_its_points_and_several_as_every_or_at_least_one():
    assert where([16]) == where([16], some=True) == "on the 16 points"
    assert where([16, 32]) == "on every problem (16 and 32 points)"
    assert where([16, 32], some=True) == "on at least one problem (16 and 32 points)"


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


def fake_result(points, depths, accuracy, n_seeds=4, steps=(0, 5, 10)):
    """A stored result without training: accuracy `[points, depths, seed]` as given, and a margin
    whose sign changes grow with depth (d + 1 changes at the d-th depth) on every problem."""
    x = grid(points)
    margin = np.stack([np.cos(np.pi * (d + 1) * x + 0.1) for d in range(len(depths))])
    margin = np.broadcast_to(margin[None, :, None], (len(points), len(depths), n_seeds, x.size)).astype(np.float32)
    arrays = {"accuracy": np.asarray(accuracy, np.float32), "margin": margin, "x_grid": x,
              "point_margin": np.ones((len(points), len(depths), n_seeds, max(points)), np.float32),
              "accuracy_curve": np.repeat(np.asarray(accuracy, np.float32)[..., None], len(steps), axis=-1),
              "step": np.array(steps)}
    dims = {"accuracy": ("points", "hidden_layers", "seed"), "margin": ("points", "hidden_layers", "seed", "x_grid"),
            "point_margin": ("points", "hidden_layers", "seed", "point"), "x_grid": ("x_grid",),
            "accuracy_curve": ("points", "hidden_layers", "seed", "step"), "step": ("step",)}
    coords = {"points": list(points), "hidden_layers": list(depths), "seed": list(range(n_seeds)),
              "point": list(range(max(points)))}
    config = {"width": 10, "hidden_layers": list(depths), "n_points": list(points), "n_seeds": n_seeds,
              "profile": "full"}
    return Result("02_depth_fixed_parameters", config, arrays, dims, coords)


def test_the_original_networks_are_judged_only_when_the_run_has_them():
    depths = (2, 3, 4, 5, 6, 7)
    rising = np.broadcast_to(np.linspace(0.5, 1.0, len(depths))[None, :, None], (2, len(depths), 4))
    found = fake_result((16, 32), depths, rising).claims()
    assert [c.id for c in found] == ["original_depths_rise", "accuracy_rises", "four_beats_two",
                                     "deeper_than_original_helps", "sign_changes_rise"]
    assert [c.id for c in found if c.primary] == ["original_depths_rise", "accuracy_rises"]
    other = fake_result((8, 24), (2, 5), np.full((2, 2, 4), 0.5))
    assert [c.id for c in other.claims()] == ["accuracy_rises", "sign_changes_rise"]
    assert "original_up" not in other.numbers() and "four_vs_two" not in other.numbers()


def test_every_problem_must_agree_and_the_page_reads_each_problem_apart():
    """Accuracy rises with depth on 16 points and stays flat on 32: 'on every problem' cannot hold."""
    depths = (2, 3, 4, 5)
    accuracy = np.stack([np.broadcast_to(np.linspace(0.5, 1.0, 4)[:, None], (4, 8)), np.full((4, 8), 0.5)])
    result = fake_result((16, 32), depths, accuracy, n_seeds=8)
    verdicts = {c.id: c.verdict.value for c in result.claims()}
    assert verdicts["accuracy_rises"] == "inconclusive" and verdicts["sign_changes_rise"] == "supported"
    numbers = result.numbers()
    assert numbers["accuracy_counts"] == "up in 8, down in 0 with 16 points; up in 0, down in 0 with 32 points"
    assert numbers["four_vs_two"].startswith("+33.3 percentage points, higher in 8 of 8 seeds, with 16 points")
    assert numbers["original_up"] == 8 and numbers["original_inside"] == 0
    assert numbers["sign_change_means"].startswith("1.0, 2.0, 3.0, 4.0 with 16 points")
