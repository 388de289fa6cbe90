"""Chapter 8's own helpers: the censored time-to-threshold ranks no seed by a made-up time."""

import numpy as np

from atoms.experiments.batch_size import BatchSize, censored_taus, steps_per_epoch


def test_measured_times_give_the_plain_kendall_tau():
    times = np.array([[3.0, 2.0, 1.0], [1.0, 2.0, 3.0]])
    reached = np.ones_like(times, bool)
    assert censored_taus(times, reached, np.full_like(times, 10.0)).tolist() == [-1.0, 1.0]


def test_a_censored_time_counts_only_where_its_order_is_known():
    nan = np.nan
    # batch 3 never reached within 1.5 s: slower than batch 1 (1.0 s, known), unknown against batch 2 (2.0 s)
    times, reached = np.array([[1.0, 2.0, nan]]), np.array([[True, True, False]])
    budget = np.array([[9.0, 9.0, 1.5]])
    assert censored_taus(times, reached, budget)[0] == (1 + 1 + 0) / 3


def test_runs_that_never_reach_the_threshold_carry_no_trend():
    times, reached = np.full((2, 3), np.nan), np.zeros((2, 3), bool)
    assert censored_taus(times, reached, np.ones((2, 3))).tolist() == [0.0, 0.0]


def test_the_default_trains_the_original_epochs_and_arm_b_costs_no_training_of_its_own():
    config = BatchSize().config
    assert config.epochs == 150 and config.batch_sizes == (1, 4, 16, 64, 256, 400) and config.n_seeds >= 5
    assert config.updates == config.epochs * steps_per_epoch(config.n_train, max(config.batch_sizes))
