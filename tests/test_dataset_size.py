"""Chapter 3's helpers: the recipe conversions, the update budgets and their grouping, and the exact Bayes rule."""

import numpy as np
import pytest

from atoms import data, seeding
from atoms.experiment import Result
from atoms.experiments.dataset_size import (
    MODELS,
    NET_ARRAYS,
    NETS,
    DatasetSizeConfig,
    bayes_predict,
    budget,
    ensembles,
    l2_penalty,
    mixture_covariance,
    n_train,
    read_steps,
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


def test_budgets_grow_with_the_log_of_the_batches_per_epoch():
    assert budget(20, 1200, 200) == budget(250, 1200, 200) == 1200  # one batch
    assert budget(500, 1200, 200) == 1800  # two batches: half the base more
    assert budget(1000, 600, 200) == 1200  # four batches: the base more
    assert budget(10_000, 600, 200) == round(600 * (1 + np.log(40) / np.log(4)))


@pytest.mark.parametrize("profile", ["full", "smoke"])
def test_every_member_is_read_in_order_within_its_budget(profile):
    config = DatasetSizeConfig.from_params({"profile": profile})
    for depth in (1, 2):
        for size in config.sizes:
            recipe, late, end = read_steps(config, depth, size)
            assert 0 < recipe <= end and 0 <= late < end
            assert recipe == min(end, updates(size, config.epochs, config.batch_size))


@pytest.mark.parametrize("sizes", [(20, 100, 1000, 10_000), (20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000)])
def test_ensembles_train_every_size_once_and_keep_one_batch_sizes_together(sizes):
    config = DatasetSizeConfig(sizes=sizes)
    one_batch = [z for z, n in enumerate(sizes) if n_train(n) <= config.batch_size]
    for depth in (1, 2):
        groups = ensembles(config, depth)
        assert sorted(z for group in groups for z in group) == list(range(len(sizes)))
        assert groups[-1] == one_batch
        for group in groups[:-1]:
            steps = [read_steps(config, depth, sizes[z])[-1] for z in group]
            assert max(steps) <= 1.5 * min(steps) and len(group) * config.n_seeds <= 18


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


def smoke_like(test, recipe, n_seeds=6, sizes=(20, 100, 500)):
    """A stored result without training: test accuracies `[model, size, seed]`, the networks' after the
    original's epochs `[net, size, seed]`."""
    shape, net_shape = (len(MODELS), len(sizes), n_seeds), (len(NETS), len(sizes), n_seeds)
    arrays = {name: np.zeros(net_shape, np.float32) for name in NET_ARRAYS} | {
        "test_accuracy": np.broadcast_to(test, shape), "recipe_accuracy": np.broadcast_to(recipe, net_shape),
        "bayes_accuracy": np.full(n_seeds, 0.99, np.float32), "updates": np.full((2, len(sizes)), 1000),
        "recipe_updates": np.array([updates(n, 200, 200) for n in sizes])}
    dims = {name: ("net", "size", "seed") for name in NET_ARRAYS} | {
        "test_accuracy": ("model", "size", "seed"), "bayes_accuracy": ("seed",), "updates": ("net", "size"),
        "recipe_updates": ("size",)}
    config = {**DatasetSizeConfig().to_dict(), "sizes": list(sizes), "n_seeds": n_seeds}
    coords = {"model": list(MODELS), "net": list(NETS), "size": list(sizes), "seed": list(range(n_seeds))}
    return Result("03_dataset_size", config, arrays, dims, coords)


def test_claims_answer_with_three_primary_claims_and_the_control_uses_one_batch_sizes_only():
    test = np.array([0.6, 0.6, 0.6, 0.95, 0.8, 0.9])[:, None, None]  # svm, tree, forest, lda, shallow, deep
    deep_recipe = np.array([0.75, 0.75, 2.0])  # the 500 size does not fit one batch: it must not count
    result = smoke_like(test, np.stack([np.full(3, 0.7), deep_recipe])[:, :, None])
    found = {claim.id: claim for claim in result.claims()}
    assert [i for i, c in found.items() if c.primary] == ["nets_beat_baselines_every_size", "deep_ahead_of_shallow",
                                                          "deep_lead_grows_with_n"]
    assert found["shallow_with_more_updates_beats_deep"].evidence.values["mean_diff"] == pytest.approx(0.05)
    assert found["deep_ahead_of_shallow"].verdict.value == "supported"
    numbers = result.numbers()
    assert numbers["size_peak"] == 100 and numbers["lead_peak"] == pytest.approx(0.1)
    assert numbers["recipe_lead_peak"] == pytest.approx(0.05)
    assert numbers["holm_floor"] == pytest.approx(2 / 64)  # two secondary claims, six seeds
    assert numbers["n_flat"] == numbers["n_nets"] == 36 and numbers["unflat"] == "none"


def test_sizes_are_sorted_and_the_smallest_must_fit_one_batch():
    assert DatasetSizeConfig(sizes=(100, 20)).sizes == (20, 100)
    with pytest.raises(ValueError, match="batch_size"):
        DatasetSizeConfig(sizes=(500, 1000), batch_size=200)
