import numpy as np
import pytest

from atoms import data, seeding
from atoms.engine import Members, initial_params
from atoms.experiments.weight_norms import (THREAD, WeightNorms, fit_index, formula_norms, learning_rates,
                                            matrix_norms, sphere_problem, step_changes, training_runs)

from conftest import smoke_result


def _initial_norms(width: int, n_seeds: int, hidden_layers: int = 2):
    """Initial weights exactly as the chapter draws them (the engine's He-normal), and their norms."""
    config = WeightNorms(widths=(width, 2 * width), hidden_layers=hidden_layers).config
    start = initial_params(WeightNorms._network(config, width), Members(seeds=seeding.member_seeds(7, n_seeds)))
    return config, start, *matrix_norms(start[0::2])


def test_initial_frobenius_of_a_hidden_matrix_is_sqrt_2m():
    """||W||_F / sqrt(2m) of a 256 x 256 N(0, 2/m) matrix has relative spread 1/(sqrt(2) m) = 0.28% per
    draw; 1% on the mean of 20 draws (and 2% on each) leaves room for no bias at all."""
    _, _, frobenius, _ = _initial_norms(256, 20)
    ratio = frobenius[:, 1] / np.sqrt(2 * 256)
    assert abs(ratio.mean() - 1) < 0.01
    assert np.all(np.abs(ratio - 1) < 0.02)


def test_initial_spectral_norm_sits_just_below_two_sqrt_two():
    """The largest singular value of a square Gaussian matrix approaches s(sqrt(r) + sqrt(c)) from below;
    at m = 256 the finite-size shortfall is about 1% and draws spread by under 1%, so the mean of 20 draws
    must lie in [0.97, 1.0] times 2*sqrt(2)."""
    _, _, _, spectral = _initial_norms(256, 20)
    ratio = spectral[:, 1] / (2 * np.sqrt(2))
    assert 0.97 < ratio.mean() < 1.0


def test_every_layer_matches_its_formulas():
    """Input (20 x 128), hidden (128 x 128) and output (128 x 10) matrices, each N(0, 2/fan_in): the mean
    Frobenius norm over 20 draws is within 2% of its formula (the output matrix, with only 1,280 entries,
    spreads most: 2% per draw, 0.5% on the mean), and the spectral norm within 15% below its formula
    (thin matrices, such as the 128 x 10 output, sit furthest below it)."""
    config, _, frobenius, spectral = _initial_norms(128, 20)
    frobenius_formula, spectral_formula = formula_norms(config.dim, [128], config.hidden_layers)
    np.testing.assert_allclose(frobenius.mean(axis=0), frobenius_formula[0], rtol=0.02)
    ratio = spectral.mean(axis=0) / spectral_formula[0]
    assert np.all((ratio > 0.85) & (ratio < 1.0))


@pytest.mark.parametrize("width", [16, 64])
def test_hidden_weights_have_variance_two_over_their_own_width(width):
    """The reader's N(0, 2/m): pooled over 10 draws of m^2 entries the sample variance is within 5% of 2/m."""
    _, start, _, _ = _initial_norms(width, 10, hidden_layers=3)
    for hidden in start[2:6:2]:
        assert hidden.shape[1:] == (width, width)
        assert abs(hidden.var() * width / 2 - 1) < 0.05


def test_formulas_give_the_readers_numbers():
    """sqrt(2m) for a hidden m x m matrix, so the thread's 4 holds at m = 8 and its 2 at m = 2 only; the
    spectral formula is 2 sqrt(2) at every width."""
    m = np.array([2, 8, 32])
    frobenius, spectral = formula_norms(20, m, 2)
    np.testing.assert_allclose(frobenius[:, 1], np.sqrt(2 * m))
    np.testing.assert_allclose(frobenius[:2, 1], [THREAD["reply"], THREAD["reader"]])
    np.testing.assert_allclose(spectral[:, 1], 2 * np.sqrt(2))
    np.testing.assert_allclose(frobenius[:, 0], np.sqrt(2 * m))  # input matrix: 20 x m with N(0, 2/20)
    np.testing.assert_allclose(frobenius[:, 2], np.sqrt(20))  # output matrix: m x 10 with N(0, 2/m)


def test_matrix_norms_match_numpy_for_tall_and_wide_matrices():
    rng = np.random.default_rng(0)
    weights = [rng.standard_normal((3, 5, 7, 4)), rng.standard_normal((3, 5, 4, 9))]
    frobenius, spectral = matrix_norms(weights)
    assert frobenius.shape == spectral.shape == (3, 5, 2)
    for i, w in enumerate(weights):
        np.testing.assert_allclose(frobenius[..., i], np.linalg.norm(w, axis=(-2, -1)))
        np.testing.assert_allclose(spectral[..., i], np.linalg.svd(w, compute_uv=False)[..., 0], rtol=1e-10)


def test_step_changes_read_consecutive_snapshots():
    steps = np.array([0, 1, 5, 6])
    w = np.zeros((1, 4, 2, 2))
    w[0, 1] = 3.0  # step 0 -> 1 changes four entries by 3: norm 6
    w[0, 2] = 1.0
    w[0, 3] = 1.0  # step 5 -> 6 changes nothing
    np.testing.assert_allclose(step_changes([w], steps, np.array([0, 5])), [[[6.0], [0.0]]])


def test_sphere_problem_draws_points_then_random_labels_from_one_generator():
    """The order of draws is part of the results: the points, then labels independent of them."""
    x, labels = sphere_problem(500, 20, np.random.default_rng(2))
    rng = np.random.default_rng(2)
    np.testing.assert_array_equal(x, data.sphere_points(500, 20, rng))
    np.testing.assert_array_equal(labels, np.argmax(data.random_one_hot(500, 10, rng), axis=1))
    np.testing.assert_allclose(np.linalg.norm(x, axis=1), 1.0, rtol=1e-6)
    assert labels.dtype == np.int64 and len(np.unique(labels)) == 10


def test_fit_index_is_the_first_record_at_full_accuracy_or_the_last():
    accuracy = np.array([[0.5, 0.9, 1.0, 0.999, 1.0], [0.5, 0.9, 0.99, 0.999, 0.999]])
    assert fit_index(accuracy).tolist() == [2, 4]


def test_training_runs_share_the_sweep_arm_that_the_width_sweep_already_trains():
    config = WeightNorms(widths=(48, 64, 96), learning_rate=2.0, sweep_width=64, sweep_rates=(1.0, 2.0, 4.0)).config
    assert training_runs(config) == [(48, 2.0 * 64 / 48), (64, 2.0), (96, 2.0 * 64 / 96), (64, 1.0), (64, 4.0)]
    config = WeightNorms(widths=(48, 96), sweep_width=64, sweep_rates=(1.0, 2.0)).config
    assert [w for w, _ in training_runs(config)] == [48, 96, 64, 64]


def test_learning_rate_rules():
    config = WeightNorms(widths=(16, 64, 128), learning_rate=8.0).config
    np.testing.assert_allclose(learning_rates(config), [32.0, 8.0, 4.0])
    config = WeightNorms(widths=(16, 64), learning_rate=8.0, learning_rate_rule="constant").config
    np.testing.assert_allclose(learning_rates(config), [8.0, 8.0])


@pytest.mark.parametrize("params, name", [({"widths": (32, 16)}, "widths"), ({"init_widths": (16, 8)}, "init_widths"),
                                          ({"sweep_rates": (2.0, 1.0)}, "sweep_rates"),
                                          ({"steps": 20, "record_every": 20}, "record_every")])
def test_config_names_the_parameter_at_fault(params, name):
    with pytest.raises(ValueError, match=name):
        WeightNorms(**params)


def test_numbers_give_the_thread_factors_and_one_phrase_value_per_arm():
    result = smoke_result(WeightNorms)
    numbers = WeightNorms.numbers(result)
    for m in result.coords["init_width"]:
        assert numbers[f"reader_factor_m{m}"] == pytest.approx(numbers[f"frob_m{m}"] / 4)
        assert numbers[f"reply_factor_m{m}"] == pytest.approx(numbers[f"frob_m{m}"] / 2)
    assert numbers["frob_widest"] == numbers[f"frob_m{result.coords['init_width'][-1]}"]
    assert numbers["distance"].count("%") == len(result.config["widths"])
    assert numbers["rate_distance"].count("%") == len(result.config["sweep_rates"])
    rates = result.config["sweep_rates"]
    assert [numbers[f"rate_rate_r{i}"] for i in range(len(rates))] == rates
    assert all(type(v) in (int, float, str) for v in numbers.values())


def test_the_swept_rates_share_each_seed_s_start_so_the_first_step_scales_with_the_rate():
    """Same weights, points and labels: the first gradient is the same, so one step moves W by eta times it."""
    result = smoke_result(WeightNorms)
    _, swept = WeightNorms.arms(result)
    first = WeightNorms.measures(result)["step"][swept, :, 0]  # [rate, seed]
    rates = np.array(result.config["sweep_rates"])
    np.testing.assert_allclose(first / rates[:, None], np.broadcast_to(first[:1] / rates[0], first.shape), rtol=1e-4)


def test_claims_answer_with_three_registered_primary_claims():
    found = {claim.id: claim for claim in WeightNorms.claims(smoke_result(WeightNorms))}
    assert {i for i, c in found.items() if c.primary} == {"init_frobenius_matches_formula", "change_falls_with_width",
                                                          "rate_raises_norm"}
    assert all(c.registered for c in found.values())
