"""Chapter 13: the quantities with known values, checked against their formulas, and the helpers."""

import math

import numpy as np
import pytest

from atoms import data, seeding
from atoms.engine import Data, Init, Members, Network, Recording, Training, train
from atoms.experiment import Result
from atoms.claims import Verdict
from atoms.experiments.weight_decay import (
    DIMS,
    WeightDecay,
    all_weights,
    decay_factor,
    layer_counts,
    pure_decay,
    rates,
    reader_statistics,
    steps_per_epoch,
    tail_mean,
)
from atoms.fits import loglog_slope
from chapter_text import render
from conftest import ROOT, smoke_result


@pytest.fixture(scope="module")
def short_run():
    """The chapter's setup on the digits, shortened: 3 epochs at lambda 0 and 10, 5 seeds, three widths."""
    return WeightDecay(dataset="digits", n_train=1000, n_test=797, epochs=3, early_epochs=1, plateau_epochs=1,
                       n_seeds=5, widths=(8, 15, 30), lmbda=10.0, lambdas=(0.0, 10.0)).run()


def test_decay_factor_is_the_product_of_the_steps_and_close_to_nielsens():
    """Exact: (1 - eta*lambda/n)^(n/m). Nielsen's exp(-eta*lambda/m) differs from it in log by
    (n/m) * (x^2/2 + x^3/3 + ...) with x = eta*lambda/n, i.e. by at most (eta*lambda/m) * x here."""
    exact = decay_factor(0.1, 10.0, 1000, 10)
    assert exact == pytest.approx(0.999 ** 100, rel=1e-12)
    x = 0.1 * 10.0 / 1000
    assert abs(math.log(exact) - (-0.1 * 10.0 / 10)) <= 0.1 * x
    assert decay_factor(0.1, 10.0, 1005, 10) == pytest.approx((1 - 1 / 1005) ** 101, rel=1e-12)
    assert steps_per_epoch(1005, 10) == 101


def test_pure_decay_in_the_engine_follows_the_formula():
    """With a loss that has no gradient, only the L2 term acts: every epoch multiplies each layer's
    RMS by decay_factor exactly, up to float32 round-off accumulated over 400 multiplications
    (relative 1e-4 is about 100x that round-off). This is why the chapter reads any gap between the
    trained RMS and pure decay as the data gradient's pull."""
    seeds = seeding.member_seeds(0, 2)
    split = data.image_split("digits", 200, 50, seeding.generator(seeds[0], seeding.DATA))
    network = Network(64, (30,), 10, weight_init=Init("normal", std=1.0), bias_init=Init("normal", std=1.0))
    every = steps_per_epoch(200, 10)
    history = train(network, Training(steps=4 * every, batch_size=10, loss="constant", optimizer="sgd"),
                    Members(seeds=seeds, learning_rate=0.1, l2=10.0 / (2 * 200)), Data(split.x_train, split.y_train),
                    Recording(every=every, statistics=("rms",)))
    rms = history.statistics["rms"].astype(np.float64)
    np.testing.assert_allclose(rms, pure_decay(rms, decay_factor(0.1, 10.0, 200, 10)), rtol=1e-4)


def test_initial_rms_of_standard_normal_weights_is_one(short_run):
    """E[w^2] = 1 for N(0, 1) weights, and the mean of N squares has standard deviation sqrt(2/N), so the
    RMS of N weights is 1 within 4 * sqrt(1/(2N)) (four standard deviations of the RMS) per layer and seed."""
    counts = np.array(layer_counts(64, 30), np.float64)
    start = short_run["rms"][:, :, 0, :].astype(np.float64)
    assert np.all(np.abs(start - 1) < 4 * np.sqrt(1 / (2 * counts)))


def test_early_hidden_factor_matches_the_prediction(short_run):
    """In the first epoch at lambda 10 the hidden layer's data gradient is small next to the decay, so its
    RMS falls by exp(-eta*lambda/m) = 0.905 per epoch; we allow 2% of the predicted rate (the chapter's
    full run measures about 1-2%). The lambda 0 control must barely move (rate below 5% of that)."""
    m = WeightDecay.measures(short_run)
    assert np.all(np.abs(m["early"][:, 0] - 1) < 0.02)
    assert np.all(np.abs(rates(m["control"])[:, 0, 0]) < 0.05 * m["rate"])


def test_reader_statistics_match_numpy_on_nielsens_layout():
    rng = np.random.default_rng(0)
    w = rng.normal(size=(3, 7, 5))  # [K, fan_in, fan_out]; Nielsen stores each as (fan_out, fan_in)
    found = reader_statistics(w)
    for k in range(3):
        nielsen = w[k].T
        np.testing.assert_allclose(found[k], [nielsen.sum(), np.linalg.norm(nielsen, ord=1), np.var(nielsen),
                                              nielsen.mean()])


def test_variance_plus_squared_mean_is_the_squared_rms(short_run):
    """RMS^2 = variance + mean^2 on the same weights: why the variance, not the sum, measures a layer's size
    once the mean weight is small (the reader's statistics are recorded from the weights the RMS is)."""
    m = WeightDecay.measures(short_run)
    np.testing.assert_allclose(m["reader"]["variance"] + m["reader"]["mean"] ** 2, m["rms"] ** 2, rtol=1e-5)


def test_rates_tail_mean_all_weights_and_slope():
    rms = np.exp(-np.array([0.0, 0.1, 0.2, 0.22, 0.23]))[:, None]  # [epoch, layer]
    np.testing.assert_allclose(rates(rms)[:, 0], [0.1, 0.1, 0.02, 0.01])
    np.testing.assert_allclose(tail_mean(np.arange(6.0).reshape(2, 3), 2, axis=1), [1.5, 4.5])
    np.testing.assert_allclose(all_weights(np.array([1.0, 2.0]), [3, 1]), math.sqrt((3 + 4) / 4))
    n = np.array([100.0, 400.0, 1600.0])
    np.testing.assert_allclose(loglog_slope(n, np.stack([3 / np.sqrt(n), 2 / n])), [-0.5, -1.0])


def test_measures_read_a_known_sweep():
    """A made-up result whose layers sit exactly at c/sqrt(fan-in): the output layer's plateau times
    sqrt(width) is c at every width, the slopes are -1/2 for the output layer and 0 for the hidden one
    (fixed fan-in), and pure decay leaves no pull."""
    config = WeightDecay(dataset="digits", n_train=1000, n_test=797, n_seeds=2, epochs=4, widths=(8, 32, 128),
                         lmbda=10.0, lambdas=(0.0, 10.0), early_epochs=1, plateau_epochs=2).config.to_dict()
    widths, factor = np.array(config["widths"], float), decay_factor(0.1, 10.0, 1000, 10)
    weights = np.array([layer_counts(64, int(w)) for w in widths], np.int64)
    level = np.stack([np.full_like(widths, 2.0 / 8), 3.2 / np.sqrt(widths)], axis=1)  # [width, layer]
    sweep = np.broadcast_to(level[:, None, None, :], (3, 2, 5, 2)).astype(np.float32)
    main = (factor ** np.arange(5))[None, :, None] * np.ones((2, 5, 2))
    rms = np.stack([np.ones((2, 5, 2)), main]).astype(np.float32)
    reader = np.zeros((2, 2, 5, 2, 4), np.float32)
    reader[..., 2] = rms ** 2
    reader[..., 0], reader[..., 1], reader[..., 3] = 1.0, 1.0, 0.01
    reader[:, :, -1, :, 0] = -1.0  # the sum changes sign
    coords = {"lambda": [0.0, 10.0], "seed": [0, 1], "epoch": list(range(5)), "layer": ["hidden", "output"],
              "statistic": ["sum", "ord1", "variance", "mean"], "width": list(config["widths"])}
    arrays = {"rms": rms, "reader": reader, "sweep_rms": sweep, "layer_weights": weights,
              "main_weights": np.array(layer_counts(64, 30), np.int64)}
    result = Result("13_weight_decay", config, arrays, {name: DIMS[name] for name in arrays}, coords)
    m = WeightDecay.measures(result)
    np.testing.assert_allclose(m["plateau"]["output"] * np.sqrt(widths), 3.2, rtol=1e-6)
    np.testing.assert_allclose(m["slopes"]["output"], -0.5, atol=1e-6)
    np.testing.assert_allclose(m["slopes"]["hidden"], 0.0, atol=1e-6)
    np.testing.assert_allclose(m["pull"], 0.0, atol=1e-6)
    np.testing.assert_allclose(m["early"], 1.0, rtol=1e-5)
    assert m["sum_misreports"].all()


def test_declared_claims_are_post_hoc_with_three_primary(short_run):
    found = WeightDecay.declare(short_run)
    assert [c.id for c in found if c.primary] == ["early_factor_hidden", "plateau_slope_all",
                                                  "plateau_down_to_inverse_sqrt_n"]
    assert not any(c.registered for c in found)
    assert "output_plateau_fan_in" not in {c.id for c in found}  # its level was read off another data set


def test_without_a_sweep_the_level_is_judged_at_the_main_width():
    result = smoke_result(WeightDecay)
    assert result.config["widths"] == [] and "sweep_rms" not in result.arrays
    found = WeightDecay.declare(result)
    assert [c.id for c in found if c.primary] == ["early_factor_hidden", "plateau_down_to_inverse_sqrt_n"]
    assert not {"plateau_slope_all", "plateau_slope_hidden"} & {c.id for c in found}
    m = WeightDecay.measures(result)
    np.testing.assert_allclose(m["level"][:, 0], m["ends"][-1] * np.sqrt(m["counts"].sum()))


def test_page_reads_with_and_without_the_sweep(short_run):
    page = ROOT / "experiments" / "13_weight_decay.md"
    with_sweep, _ = render(page, short_run, Verdict.SUPPORTED)
    without, _ = render(page, smoke_result(WeightDecay), Verdict.SUPPORTED)
    assert any("**Width sweep.**" in text for text in with_sweep)
    assert any("has no width sweep" in text for text in without)
    assert not any("has no width sweep" in text for text in with_sweep)


def test_configuration_names_the_parameter_at_fault():
    with pytest.raises(ValueError, match="lambdas"):
        WeightDecay(lambdas=(1.0, 10.0))
    with pytest.raises(ValueError, match="n_train"):
        WeightDecay(dataset="digits", n_train=1500, n_test=500)
    with pytest.raises(ValueError, match="'n_train' \\+ 'n_test' must be at most 10000"):
        WeightDecay(n_train=9500, n_test=1000)
    with pytest.raises(ValueError, match="widths"):
        WeightDecay(widths=(15, 30))
    with pytest.raises(ValueError, match="early_epochs"):
        WeightDecay(epochs=5, early_epochs=3, plateau_epochs=3)
    with pytest.raises(ValueError, match="learning_rate"):
        WeightDecay(learning_rate=10.0, lmbda=10.0, lambdas=(0.0, 10.0, 200.0), n_train=1000)
