"""Chapter 16's helpers and the penalty steps it relies on, checked on hand-made cases.

The engine cases feed all-zero images, so the hidden layer's weights get no data gradient at all
and move by the penalty alone: their values and sign flips are then known exactly. Float32
arithmetic is the only source of error there, hence tolerances of about 1e-6 relative.
"""

from dataclasses import dataclass

import numpy as np
import pytest

from atoms import seeding
from atoms.claims import Verdict
from atoms.engine import Data, Init, Members, Network, Recording, Training, train
from atoms.experiments.l1_spikes import (ARMS, SWEEP_ARM, L1Spikes, L1SpikesConfig, epoch_flips, flip_ratio,
                                         mean_after_warmup, penalties, spike_mask)
from chapter_text import render
from conftest import ROOT, smoke_result

N_IN, HIDDEN, N_OUT = 4, 3, 10


@dataclass(frozen=True)
class Constant(Init):
    """Every weight starts at `std`, so each one's path under the penalty can be written down."""

    name: str = "ones"

    def sample(self, shape, rng):
        return np.full(shape, self.std, np.float32)


def _blank_run(mode: str, start: float, eta: float, l1: float = 0.0, l2: float = 0.0, n_train: int = 10,
               epochs: int = 6, statistics=("sign_flips",)):
    """A run on all-zero images with one step per record, returning the hidden weights and flips."""
    network = Network(N_IN, (HIDDEN,), N_OUT, weight_init=Constant(std=start), bias_init=Init("zeros"))
    rng = np.random.default_rng(0)
    data = Data(np.zeros((n_train, N_IN), np.float32), rng.integers(0, N_OUT, n_train))
    steps_per_epoch = n_train // 10
    members = Members(seeds=seeding.member_seeds(0, 1), learning_rate=eta, l1=l1, l2=l2)
    training = Training(steps=steps_per_epoch * epochs, batch_size=10, loss="sigmoid_cross_entropy",
                        optimizer="sgd", l1_mode=mode)
    history = train(network, training, members, data,
                    Recording(every=steps_per_epoch, statistics=statistics, weights=True))
    return history.weights[0][0], history.statistics["sign_flips"][0], steps_per_epoch


def test_spike_mask_counts_drops_from_the_previous_epoch_after_warmup():
    accuracy = np.array([0.1, 0.5, 0.3, 0.9, 0.92, 0.80, 0.85, 0.84, 0.70])
    # Epochs 2 (-20 points) falls in the warm-up; 5 (-12) and 8 (-14) are spikes; 7 (-1) is jitter.
    expected = np.zeros(9, bool)
    expected[[5, 8]] = True
    np.testing.assert_array_equal(spike_mask(accuracy, 5.0, warmup=2), expected)
    assert spike_mask(accuracy, 5.0, warmup=0)[2]


def test_spike_mask_ignores_a_slow_decline():
    accuracy = np.linspace(0.95, 0.55, 21)  # two points per epoch, forty in all
    assert not spike_mask(accuracy, 5.0, warmup=0).any()


def test_flip_ratio_compares_spike_epochs_with_the_other_searched_epochs():
    flips = np.array([[0, 99, 9, 9, 19, 9], [0, 99, 5, 5, 5, 5]], float)
    spikes = np.array([[False, False, False, False, True, False], [False] * 6])
    # Run 0: (19 + 1) / (mean of 9, 9, 9 + 1) = 2; epoch 1 is warm-up. Run 1 has no spike: 1.
    np.testing.assert_allclose(flip_ratio(flips, spikes, warmup=1), [2.0, 1.0])


def test_epoch_flips_and_mean_after_warmup():
    per_layer = np.array([[[0, 0], [3, 1], [2, 2], [5, 1]]], float)  # [run, epoch, layer]
    np.testing.assert_array_equal(epoch_flips(per_layer), [[0, 4, 4, 6]])
    np.testing.assert_allclose(mean_after_warmup(epoch_flips(per_layer), 1), [5.0])


def test_nielsen_lambda_mapping():
    assert penalties("l1_subgradient", 0.2, 200) == (0.2 / 200, 0.0)
    assert penalties("l1_proximal", 0.2, 200) == (0.2 / 200, 0.0)
    assert penalties("l2", 0.2, 200) == (0.0, 0.2 / 400)
    assert penalties("none", 0.2, 200) == (0.0, 0.0)


def test_subgradient_step_overshoots_and_flips_every_step():
    """Start 0.001 with a pull of eta*l1 = 0.004 per step: the weight alternates 0.001, -0.003, 0.001, ...,
    so every hidden weight flips at every step: 3 steps per epoch give 3 * 4 * 3 flips per epoch."""
    weights, flips, steps = _blank_run("subgradient", 0.001, eta=1.0, l1=0.004, n_train=30, epochs=4)
    assert steps == 3
    np.testing.assert_array_equal(flips[1:, 0], np.full(4, steps * N_IN * HIDDEN))
    assert flips[0, 0] == 0
    # After an odd number of steps the weight sits at -0.003, after an even number back at 0.001.
    expected = np.where(np.arange(5) * steps % 2 == 1, -0.003, 0.001)
    np.testing.assert_allclose(weights[:, 0, 0], expected, rtol=1e-4)


def test_proximal_step_stops_at_zero_without_flipping():
    """The same start and pull under the soft-threshold: max(0.01 - 0.004 k, 0), exactly 0 from step 3 on."""
    weights, flips, _ = _blank_run("proximal", 0.01, eta=1.0, l1=0.004, epochs=6)
    expected = np.maximum(0.01 - 0.004 * np.arange(7), 0.0)
    np.testing.assert_allclose(weights[:, 0, 0], expected, atol=1e-7)
    assert np.all(weights[3:] == 0.0)
    assert np.all(flips[:, 0] == 0)


def test_l1_pull_per_epoch_is_eta_lambda_over_m():
    """Nielsen's L1 moves a weight by eta*lambda/n per step, n/m steps per epoch: eta*lambda/m per epoch."""
    eta, lmbda, n = 0.5, 0.2, 40
    l1, _ = penalties("l1_subgradient", lmbda, n)
    weights, _, steps = _blank_run("subgradient", 0.5, eta=eta, l1=l1, n_train=n, epochs=3)
    np.testing.assert_allclose(np.diff(weights[:, 0, 0]), -eta * lmbda / 10, rtol=1e-5)
    assert steps == n // 10


def test_l2_decay_per_epoch_is_the_known_factor():
    """Without a data gradient each L2 step multiplies a weight by 1 - eta*lambda/n, so an epoch by its n/m-th power."""
    eta, lmbda, n = 0.5, 2.0, 40
    _, l2 = penalties("l2", lmbda, n)
    weights, _, steps = _blank_run("subgradient", 0.5, eta=eta, l2=l2, n_train=n, epochs=3)
    factor = (1 - eta * lmbda / n) ** steps
    np.testing.assert_allclose(weights[1:, 0, 0] / weights[:-1, 0, 0], factor, rtol=1e-5)


def test_defaults_are_the_learners_mnist_setting_but_for_eta_and_epochs():
    config = L1SpikesConfig.from_params({})
    assert (config.dataset, config.n_train, config.hidden, config.batch_size, config.lmbda) == ("mnist", 1000, 30,
                                                                                                  10, 0.2)
    assert 0.5 in config.learning_rates  # the learner's eta is an arm of the sweep


def test_mnist_counts_are_checked_at_construction():
    with pytest.raises(ValueError, match="'n_train' \\+ 'n_test' must be at most 10000"):
        L1SpikesConfig.from_params({"n_train": 9000, "n_test": 1001})
    with pytest.raises(ValueError, match="'n_train' \\+ 'n_test'"):
        L1SpikesConfig.from_params({"dataset": "digits", "n_train": 1000, "n_test": 800})


def test_only_subgradient_l1_trains_at_the_sweeps_other_rates():
    result = smoke_result(L1Spikes)
    main = result.coords["learning_rate"].index(result.config["learning_rate"])
    trained = np.isfinite(result["test_accuracy"][..., -1]).all(axis=-1)  # [arm, learning_rate]
    for a, arm in enumerate(ARMS):
        for j in range(len(result.coords["learning_rate"])):
            assert trained[a, j] == (j == main or arm == SWEEP_ARM), (arm, j)


def test_page_explains_the_digits_scaling_only_on_the_digits():
    page = ROOT / "experiments" / "16_l1_spikes.md"
    mnist, _ = render(page, smoke_result(L1Spikes), Verdict.INCONCLUSIVE)
    digits, _ = render(page, L1Spikes(profile="smoke", dataset="digits").run(), Verdict.INCONCLUSIVE)
    assert any("needs no rescaling" in text for text in mnist)
    assert not any("scaled to the digits" in text for text in mnist)
    assert any("scaled to the digits" in text for text in digits)
