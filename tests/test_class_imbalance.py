"""Chapter 4's own helpers: the data split, the remedies' weights, and oversampling trained as weights."""

import numpy as np
import pytest

from atoms import data, seeding
from atoms.engine import Data, Init, Members, Network, Recording, Training, train
from atoms.experiments.class_imbalance import (ClassImbalance, class_counts, draw_problem, median_seed, recalls,
                                               remedy_weights)


def _imbalanced(n_majority=25, n_minority=5):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((n_majority + n_minority, 2)).astype(np.float32)
    y = np.array([0] * n_majority + [1] * n_minority, np.int64)
    order = rng.permutation(len(y))
    return x[order], y[order]


def test_oversampling_as_weights_trains_like_duplicated_rows():
    """The chapter's shortcut: full-batch training on repeated rows equals weighting the rows by their counts."""
    x, y = _imbalanced()
    x_repeated, y_repeated = data.oversample_minority(x, y, np.random.default_rng(7))
    weights = remedy_weights("oversampling", y, np.random.default_rng(7))
    network = Network(2, (8, 8), 2, activation="sigmoid", bias_init=Init("glorot_uniform"))
    members = Members(seeds=seeding.member_seeds(0, 1), learning_rate=0.003)
    training = Training(steps=60)
    weighted = train(network, training, members, Data(x, y, sample_weight=weights), Recording())
    repeated = train(network, training, members, Data(x_repeated, y_repeated), Recording())
    for a, b in zip(weighted.final_params, repeated.final_params):
        np.testing.assert_allclose(a, b, atol=2e-5)


def test_oversampling_weights_count_the_repeats_and_keep_the_mean_scale():
    x, y = _imbalanced()
    weights = remedy_weights("oversampling", y, np.random.default_rng(1))
    assert weights.sum() == pytest.approx(len(y), rel=1e-5)
    assert weights[y == 0].sum() == pytest.approx(weights[y == 1].sum(), rel=1e-5)
    np.testing.assert_allclose(weights[y == 0], weights[y == 0][0])


def test_class_weights_give_each_class_half_of_the_loss():
    _, y = _imbalanced()
    weights = remedy_weights("class_weights", y, np.random.default_rng(0))
    assert weights[y == 0].sum() == pytest.approx(len(y) / 2)
    assert weights[y == 1].sum() == pytest.approx(len(y) / 2)
    np.testing.assert_array_equal(remedy_weights("none", y, np.random.default_rng(0)), np.ones(len(y)))


def test_every_ratio_draws_from_one_pool_with_a_held_out_balanced_test_set():
    config = ClassImbalance.Config(ratios=(1, 10, 100), n_train=1200, n_test=300)
    problem = draw_problem(config, np.random.default_rng(0))
    test = problem.test_rows
    assert np.bincount(problem.labels(test)).tolist() == [150, 150]
    previous_minority = None
    for ratio in config.ratios:
        rows = problem.train_rows(config.n_train, ratio)
        assert not np.intersect1d(rows, test).size
        assert np.bincount(problem.labels(rows), minlength=2).tolist() == list(class_counts(1200, ratio))
        minority = set(rows[problem.labels(rows) == 1])
        if previous_minority is not None:
            assert minority <= previous_minority
        previous_minority = minority


def test_recalls_and_the_moved_threshold():
    margin = np.array([-2.0, -0.5, 0.5, 2.0])
    y = np.array([0, 1, 0, 1])
    np.testing.assert_allclose(recalls(margin, y), [0.5, 0.5])
    np.testing.assert_allclose(recalls(margin, y, shift=-1.0), [0.5, 1.0])


def test_median_seed_is_the_middle_problem():
    assert median_seed(np.array([0.9, 0.6, 0.7, 1.0, 0.8])) == 4


@pytest.mark.parametrize("params, name", [({"ratios": [2, 10]}, "ratios"), ({"n_test": 301}, "n_test"),
                                          ({"n_train": 20, "ratios": [1, 100]}, "ratios")])
def test_config_names_the_parameter_it_rejects(params, name):
    with pytest.raises(ValueError, match=name):
        ClassImbalance(**params)
