"""Chapter 3's helpers: the recipe conversions, the grouping, and the exact Bayes rule."""

import numpy as np
import pytest

from atoms import data, seeding
from atoms.experiments.dataset_size import (
    DatasetSize,
    DatasetSizeConfig,
    bayes_predict,
    l2_penalty,
    mixture_covariance,
    n_train,
    updates,
)


def test_l2_penalty_matches_scikit_learns_term():
    rng = np.random.default_rng(0)
    weights = [rng.normal(size=(12, 100)), rng.normal(size=(100, 2))]
    squares = sum(float(np.sum(w**2)) for w in weights)
    alpha, batch = 1e-4, 200
    assert l2_penalty(alpha, batch) * squares == pytest.approx(0.5 * alpha * squares / batch)


def test_updates_follow_mlpclassifier_epochs():
    assert n_train(20) == 16 and n_train(1000) == 800
    assert updates(20, 200, 200) == 200  # one full batch per epoch
    assert updates(250, 200, 200) == 200
    assert updates(1000, 200, 200) == 800
    assert updates(300, 10, 200) == 20  # 240 rows: one batch of 200 and a partial one


def test_covariance_replay_matches_the_mixture_draw():
    root = seeding.member_seeds(0, 1)[0]
    dim, n = 5, 40_000
    x, y = data.gaussian_mixture(n, dim, seeding.generator(root, seeding.DATA), class1_mean="harmonic")
    covariance = mixture_covariance(dim, seeding.generator(root, seeding.DATA))
    sample = np.cov(x[y == 0].astype(np.float64), rowvar=False)
    assert np.allclose(sample, covariance, rtol=0.05, atol=0.05 * np.abs(covariance).max())


def test_bayes_rule_is_the_midpoint_cut_when_the_covariance_is_identity():
    mean1 = np.array([2.0, 0.0])
    x = np.array([[0.9, 5.0], [1.1, -5.0]])
    assert list(bayes_predict(x, mean1, np.eye(2))) == [0, 1]


def test_sizes_beyond_the_draw_are_rejected_by_name():
    with pytest.raises(ValueError, match="sizes"):
        DatasetSizeConfig(sizes=(20, 2000), n_points=1000)


def test_summary_does_not_take_sides_when_nothing_was_judged():
    result = DatasetSize(profile="smoke").run()
    sentences = DatasetSize.summary(result.claims())
    assert all("not judged" in text for text in sentences.values())


def test_sizes_are_sorted_and_the_smallest_must_fit_one_batch():
    assert DatasetSizeConfig(sizes=(100, 20)).sizes == (20, 100)
    with pytest.raises(ValueError, match="batch_size"):
        DatasetSizeConfig(sizes=(500, 1000), batch_size=200)
