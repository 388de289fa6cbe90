"""Chapter 7's helpers, its claims on a judged result, and the sign network's frozen hidden layers."""

import numpy as np
import pytest

from atoms import seeding
from atoms.claims import Verdict
from atoms.engine import Data, Members, Recording, Training, train
from atoms.experiment import Result
from atoms.experiments.activations import (
    Activations,
    ActivationsConfig,
    build_network,
    code_ceiling,
    distinct_codes,
    seed_data,
    sign_features,
    softmax_class1,
)


def test_code_ceiling_gives_each_code_its_majority_label():
    codes = np.array([[1, -1], [1, -1], [1, -1], [-1, 1]])
    labels = np.array([0, 0, 1, 1])
    assert code_ceiling(codes, labels) == pytest.approx(0.75)
    assert distinct_codes(codes) == 2


def test_sign_features_are_the_last_hidden_layer():
    w1, b1 = np.array([[1.0, -1.0]]), np.array([0.0, 0.5])
    w2, b2 = np.eye(2), np.zeros(2)
    w3, b3 = np.ones((2, 2)), np.zeros(2)
    x = np.array([[2.0], [-2.0]])
    np.testing.assert_array_equal(sign_features([w1, b1, w2, b2, w3, b3], x), [[1, -1], [-1, 1]])


def test_softmax_class1_is_stable_and_symmetric():
    logits = np.array([[0.0, 0.0], [1000.0, 0.0], [0.0, 1000.0]])
    np.testing.assert_allclose(softmax_class1(logits), [0.5, 0.0, 1.0], atol=1e-12)


def test_config_requires_relu_and_longer_steps_beyond_steps():
    with pytest.raises(ValueError, match="activations"):
        ActivationsConfig(activations=("tanh", "sign"))
    with pytest.raises(ValueError, match="longer_steps"):
        ActivationsConfig(steps=800, longer_steps=400)


def synthetic_result(n_seeds: int = 10) -> Result:
    """A judged result with every activation, built by hand so the claims run without training."""
    acts = ["relu", "sigmoid", "tanh", "square", "sin", "sign", "identity"]
    finals = {"relu": 0.999, "sigmoid": 0.884, "tanh": 0.998, "square": 0.998, "sin": 0.999, "sign": 0.97,
              "identity": 0.883}
    jitter = np.linspace(-0.002, 0.002, n_seeds)
    steps = [0, 400, 800]
    accuracy = np.stack([np.stack([np.full(len(steps), finals[a]) + j for j in jitter]) for a in acts])
    distance = np.ones((len(acts), n_seeds, len(steps), 3), np.float32)
    distance[:, :, 0] = 0
    distance[acts.index("sign"), :, :, :2] = 0
    config = ActivationsConfig().to_dict()
    arrays = {"test_accuracy": accuracy.astype(np.float32), "distance_from_init": distance,
              "initial_norm": np.ones((n_seeds, 3), np.float32),
              "boundary": np.zeros((len(acts), 2, 2), np.float32),
              "sign_ceiling": np.full(n_seeds, 0.98, np.float32), "sign_cells": np.full(n_seeds, 90),
              "x_shown": np.zeros((2, 2), np.float32), "y_shown": np.zeros(2, np.int64),
              "longer_accuracy": np.stack([[0.5, 0.97] for _ in range(n_seeds)]).astype(np.float32)}
    dims = {"test_accuracy": ("activation", "seed", "step"),
            "distance_from_init": ("activation", "seed", "step", "layer"), "initial_norm": ("seed", "layer"),
            "boundary": ("activation", "grid_y", "grid_x"), "sign_ceiling": ("seed",), "sign_cells": ("seed",),
            "x_shown": ("shown", "xy"), "y_shown": ("shown",), "longer_accuracy": ("seed", "longer_step")}
    coords = {"activation": acts, "seed": list(range(n_seeds)), "step": steps, "longer_step": [0, 4000],
              "layer": ["hidden 1", "hidden 2", "output"]}
    return Result(Activations.name, config, arrays, dims, coords, {"seconds": 0.0})


def test_claims_on_a_judged_result():
    found = {claim.id: claim for claim in Activations.claims(synthetic_result())}
    verdicts = {key: claim.verdict for key, claim in found.items()}
    assert [key for key, claim in found.items() if claim.primary] == ["smooth_match_relu", "sign_below_relu",
                                                                     "sign_beats_identity"]
    assert verdicts["tanh_matches_relu"] is Verdict.SUPPORTED
    assert verdicts["sigmoid_matches_relu"] is Verdict.NOT_SUPPORTED
    assert verdicts["smooth_match_relu"] is Verdict.NOT_SUPPORTED  # sigmoid is 11.5 points short
    assert verdicts["identity_below_relu"] is Verdict.SUPPORTED
    assert verdicts["sigmoid_matches_identity"] is Verdict.SUPPORTED
    assert verdicts["sigmoid_longer_beats_identity"] is Verdict.SUPPORTED
    assert verdicts["sign_beats_identity"] is Verdict.SUPPORTED
    assert not found["sigmoid_matches_identity"].registered and not found["sigmoid_longer_beats_identity"].registered
    assert "sign_hidden_weights_frozen" not in found  # true by construction: a unit test below, not a claim


def test_without_identity_no_equivalence_is_claimed():
    """identity is the positive control of every "matches" claim: without it there is none."""
    result = synthetic_result()
    keep = [a != "identity" for a in result.coords["activation"]]
    result.arrays["test_accuracy"] = result["test_accuracy"][keep]
    result.coords["activation"] = [a for a in result.coords["activation"] if a != "identity"]
    result.arrays["distance_from_init"] = result["distance_from_init"][keep]
    result.arrays["boundary"] = result["boundary"][keep]
    ids = {claim.id for claim in Activations.declare(result)}
    assert ids == {"sign_below_relu"}


def test_sign_hidden_layers_get_zero_gradient_and_never_move():
    """Zero gradient by construction: Adam's step on the hidden weights of a sign network is exactly zero."""
    config = ActivationsConfig(activations=("relu", "sign"), n_train=64, n_test=32, steps=30, record_every=10,
                               longer_steps=0, n_seeds=2)
    seeds = seeding.member_seeds(0, 2)
    draws = [seed_data(seed, config) for seed in seeds]
    moons = Data(*(np.stack(parts) for parts in zip(*draws)))
    history = train(build_network(config, "sign"), Training(steps=30, batch_size=16),
                    Members(seeds=seeds, learning_rate=0.003), moons,
                    Recording(every=10, statistics=("distance_from_init",)))
    distance = history.statistics["distance_from_init"]  # [seed, step, layer]
    assert np.all(distance[:, :, :-1] == 0)
    assert np.all(distance[:, -1, -1] > 0)


def test_numbers_quote_the_sign_mechanism():
    numbers = Activations.numbers(synthetic_result())
    assert numbers["n_frozen"] == 10 and numbers["n_hidden"] == 2
    assert numbers["smooth"] == "sigmoid, tanh, square and sin"
    assert numbers["means"].endswith("sigmoid 88.4%, identity 88.3%")
