"""Chapter 4's own helpers and claims: the data split, the remedies' weights, oversampling trained as weights,
and equivalence claimed only with a positive control."""

import numpy as np
import pytest

from atoms import data, seeding
from atoms.claims import Verdict, judge
from atoms.engine import Data, Init, Members, Network, Recording, Training, train
from atoms.experiment import Result
from atoms.experiments.class_imbalance import (ARMS, ClassImbalance, _cells, class_counts, draw_problem, median_seed,
                                               recalls, remedy_weights)

from conftest import smoke_result


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


def _accuracy_result(none_at_worst, n_seeds=6, ratios=(1, 10, 100)):
    """Every arm at 0.9 everywhere except no remedy at the largest ratio: only what `declare` reads."""
    rng = np.random.default_rng(0)
    accuracy = np.full((len(ARMS), len(ratios), n_seeds), 0.9, np.float32)
    accuracy += rng.uniform(-0.005, 0.005, accuracy.shape).astype(np.float32)
    accuracy[:, ratios.index(1)] = accuracy[0, ratios.index(1)]
    accuracy[ARMS.index("none"), -1] = none_at_worst
    config = {"profile": "full", "seed": 0, "n_seeds": n_seeds, "equivalence_margin": 0.02}
    coords = {"arm": list(ARMS), "ratio": list(ratios), "seed": list(range(n_seeds))}
    return Result(ClassImbalance.name, config, {"accuracy": accuracy}, {"accuracy": ("arm", "ratio", "seed")},
                  coords, {"seconds": 0.0})


def test_equivalence_with_balanced_training_needs_a_cost_the_run_can_detect():
    """Oversampling matching balanced training is claimed only where the same run shows the unremedied loss."""
    by_id = {c.id: c for c in judge(ClassImbalance.declare(_accuracy_result(none_at_worst=0.5)))}
    assert by_id["oversampling_matches_balanced_training"].verdict is Verdict.SUPPORTED
    no_cost = {c.id: c for c in judge(ClassImbalance.declare(_accuracy_result(none_at_worst=0.9)))}
    claim = no_cost["oversampling_matches_balanced_training"]
    assert claim.verdict is Verdict.INCONCLUSIVE and claim.evidence.values["control_p"] > 0.05
    assert no_cost["remedies_equivalent_at_largest_ratio"].evidence.values["control_p"] > 0.05


def test_claims_declare_one_to_three_primary_answers():
    found = ClassImbalance.declare(_accuracy_result(none_at_worst=0.5))
    assert [c.id for c in found if c.primary] == ["accuracy_falls_without_remedy", "remedies_gain_at_largest_ratio",
                                                   "oversampling_matches_balanced_training"]


def test_at_one_to_one_every_arm_is_the_unremedied_network():
    """The remedies change nothing at 1:1, so one network per seed serves every arm there (a code check)."""
    result = smoke_result(ClassImbalance)
    at_one = result.select("recall", ratio=1)
    for arm in range(1, len(ARMS)):
        np.testing.assert_array_equal(at_one[arm], at_one[0])


def test_remedies_train_only_at_the_largest_ratio_unless_asked():
    """By default the remedies train where the claims read them; the other ratios hold NaN for them, not copies."""
    trained = {(r, remedy) for _, r, remedy in _cells(ClassImbalance.Config(ratios=(1, 10, 100), n_seeds=2))}
    assert trained == {(0, "none"), (1, "none"), (2, "none"), (2, "oversampling"), (2, "class_weights")}
    every = {(r, remedy) for _, r, remedy in _cells(ClassImbalance.Config(ratios=(1, 10, 100), n_seeds=2,
                                                                          remedies_at_every_ratio=True))}
    assert every == trained | {(1, "oversampling"), (1, "class_weights")}
    result = smoke_result(ClassImbalance)
    assert np.isnan(result.select("accuracy", arm="oversampling", ratio=10)).all()
    assert not np.isnan(result.select("accuracy", arm="moved_threshold", ratio=10)).any()
    assert not np.isnan(result.select("accuracy", arm="class_weights", ratio=100)).any()
