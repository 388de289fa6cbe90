"""Chapter 3's helpers: the recipe conversions, the grouping, and the exact Bayes rule."""

import numpy as np
import pytest

from atoms import data, seeding
from atoms.experiment import Result
from atoms.experiments.dataset_size import (
    MODELS,
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


def smoke_like(test, equal_updates, n_seeds=5, sizes=(20, 100, 500)):
    """A stored result without training: test accuracies `[model, size, seed]` and the control."""
    shape = (len(MODELS), len(sizes), n_seeds)
    arrays = {"train_accuracy": np.ones(shape, np.float32), "test_accuracy": np.broadcast_to(test, shape),
              "bayes_accuracy": np.full(n_seeds, 0.99, np.float32),
              "shallow_equal_updates": np.broadcast_to(equal_updates, shape[1:]),
              "updates": np.array([updates(n, 200, 200) for n in sizes])}
    dims = {"train_accuracy": ("model", "size", "seed"), "test_accuracy": ("model", "size", "seed"),
            "bayes_accuracy": ("seed",), "shallow_equal_updates": ("size", "seed"), "updates": ("size",)}
    config = {**DatasetSizeConfig().to_dict(), "sizes": list(sizes), "n_seeds": n_seeds}
    coords = {"model": list(MODELS), "size": list(sizes), "seed": list(range(n_seeds))}
    return Result("03_dataset_size", config, arrays, dims, coords)


def test_claims_answer_with_three_primary_claims_and_the_control_uses_one_batch_sizes_only():
    test = np.array([0.6, 0.6, 0.6, 0.95, 0.8, 0.9])[:, None, None]  # svm, tree, forest, lda, shallow, deep
    control = np.array([0.95, 0.95, 0.0])[:, None]  # the 500 size does not fit one batch: it must not count
    result = smoke_like(test, control)
    found = {claim.id: claim for claim in result.claims()}
    assert [i for i, c in found.items() if c.primary] == ["nets_beat_baselines_every_size", "deep_ahead_of_shallow",
                                                          "deep_lead_grows_with_n"]
    assert found["shallow_with_more_updates_beats_deep"].evidence.values["mean_diff"] == pytest.approx(0.05)
    assert found["deep_ahead_of_shallow"].verdict.value == "supported"
    numbers = result.numbers()
    assert numbers["size_peak"] == 100 and numbers["lead_peak"] == pytest.approx(0.1)
    assert numbers["holm_floor"] == pytest.approx(2 / 32)  # two secondary claims, five seeds


def test_sizes_are_sorted_and_the_smallest_must_fit_one_batch():
    assert DatasetSizeConfig(sizes=(100, 20)).sizes == (20, 100)
    with pytest.raises(ValueError, match="batch_size"):
        DatasetSizeConfig(sizes=(500, 1000), batch_size=200)
