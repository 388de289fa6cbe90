"""Chapter 6's helpers: the folded input maps must compute exactly what the trained networks saw."""

import numpy as np
import pytest

from atoms import data, seeding
from atoms.engine import Data, Members, Recording, Training, train
from atoms.experiments.pca_dummy_dimensions import (
    NetworkInputs,
    PcaDummyDimensions,
    _network,
    logits,
    pipeline_inputs,
    saturated_share,
)

from conftest import smoke_result


def _raw(n=60, dim=14, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, dim)), rng.random((dim, dim))


def _forward(params, x):
    """The plain network on already-transformed inputs, as the engine computes it."""
    w1, b1, w2, b2, w3, b3 = params
    sigmoid = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    return sigmoid(sigmoid(x @ w1 + b1) @ w2 + b2) @ w3 + b3


def _params(width, seed=1):
    rng = np.random.default_rng(seed)
    shapes = [(width, 7), (7,), (7, 5), (5,), (5, 2), (2,)]
    return [rng.normal(size=shape) for shape in shapes]


@pytest.mark.parametrize("standardize", [False, True])
def test_the_map_reproduces_the_training_inputs(standardize):
    x, matrix = _raw()
    full, reduced = pipeline_inputs(x, matrix, standardize, (4, 2), 4)
    np.testing.assert_allclose(x @ full.weights + full.offset, full.train, rtol=1e-4, atol=1e-4)
    for inputs in reduced:
        np.testing.assert_allclose(x @ inputs.weights + inputs.offset, inputs.train, rtol=1e-4, atol=1e-4)


def test_standardized_inputs_and_components_have_unit_scale_and_padding_is_zero():
    x, matrix = _raw()
    full, (four, two) = pipeline_inputs(x, matrix, True, (4, 2), 4)
    np.testing.assert_allclose(full.train.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(full.train.std(axis=0), 1, atol=1e-4)
    np.testing.assert_allclose(four.train.std(axis=0), 1, atol=1e-4)
    assert two.train.shape == (60, 4)
    assert np.all(two.train[:, 2:] == 0) and np.all(two.weights[:, 2:] == 0)


def test_unstandardized_components_keep_their_scale_as_in_the_original():
    x, matrix = _raw()
    _, (four,) = pipeline_inputs(x, matrix, False, (4,), 4)
    spread = four.train.std(axis=0)
    assert spread[0] > spread[-1] and not np.allclose(spread, 1)


@pytest.mark.parametrize("width", [3, 14])
def test_folded_logits_match_the_plain_forward_pass_in_both_association_orders(width):
    x, matrix = _raw()
    inputs = NetworkInputs(matrix[:, :width], np.linspace(-1, 1, width), x @ matrix[:, :width])
    params = _params(width)
    expected = _forward(params, x @ inputs.weights + inputs.offset)
    np.testing.assert_allclose(logits(params, inputs, x), expected, rtol=1e-6, atol=1e-6)


def test_folded_accuracy_on_training_points_matches_the_engine():
    x, matrix = _raw(n=40, dim=12)
    y = (x[:, 0] > 0.5).astype(np.int64)
    full, _ = pipeline_inputs(x, matrix, True)
    members = Members(seeds=seeding.member_seeds(0, 2), learning_rate=0.01)
    history = train(_network(12), Training(steps=20), members,
                    Data(np.stack([full.train] * 2), np.stack([y] * 2)), Recording())
    for m in range(2):
        predicted = np.argmax(logits([p[m] for p in history.final_params], full, x.astype(np.float32)), axis=1)
        assert np.mean(predicted == y) == pytest.approx(history.train_accuracy[m, -1])


def test_saturated_share_counts_outputs_within_a_hundredth_of_zero_or_one():
    x = np.array([[1.0], [0.0]])
    w1 = np.array([[10.0, 1.0]])
    b1 = np.zeros(2)
    assert saturated_share(x, w1, b1) == 0.25


def test_original_matrix_inputs_grow_with_the_dummy_columns():
    rng = np.random.default_rng(0)
    x, _ = data.gaussian_mixture(80, 10, rng, cov_scale=0.2)
    rms = []
    for k in (0, 200):
        wide = data.add_dummy_dimensions(x, k, rng, rotate=False).astype(np.float64)
        full, _ = pipeline_inputs(wide, data.uniform_mixing_matrix(10 + k, rng), False)
        rms.append(np.sqrt(np.mean(full.train.astype(np.float64) ** 2)))
    assert rms[1] > 10 * rms[0]


@pytest.mark.parametrize("name, value", [("rescaled_dims", [7]), ("pca_dummy_dims", [7])])
def test_subsets_of_dummy_dims_are_checked_by_name(name, value):
    with pytest.raises(ValueError, match=name):
        PcaDummyDimensions(**{name: value})


def test_values_select_the_arrays_the_claims_read():
    result = smoke_result(PcaDummyDimensions)
    values, n = PcaDummyDimensions.values, result.coords["pca_dims"].index(1)
    np.testing.assert_array_equal(values(result, "test", "corrected", 20, 1), result["pca_test_accuracy"][1, 0, n])
    np.testing.assert_array_equal(values(result, "train", "original", 0), result["train_accuracy"][0, 0])
    np.testing.assert_array_equal(values(result, "train", "rescaled", 20), result["rescaled_train_accuracy"][0])
    np.testing.assert_array_equal(values(result, "saturation", "corrected", 20), result["saturation"][2, 1])


def test_three_registered_primary_claims_answer_the_question():
    found = PcaDummyDimensions.declare(smoke_result(PcaDummyDimensions))
    assert [c.id for c in found if c.primary] == ["original_pca_helps", "standardizing_removes_collapse",
                                                   "corrected_pca_helps"]
    assert all(c.registered for c in found) and len(found) == 4


def test_the_default_sweeps_the_original_range_with_pca_at_every_dimension():
    config = PcaDummyDimensions().config
    assert len(config.dummy_dims) >= 6 and min(config.dummy_dims) == 0 and max(config.dummy_dims) == 2000
    assert config.pca_dummy_dims == config.dummy_dims and config.n_seeds >= 5 and config.steps == 500
