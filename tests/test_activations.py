"""Chapter 7's helpers, and the claims and sentences its smoke profile does not reach."""

import numpy as np
import pytest

from atoms.claims import Verdict
from atoms.experiment import Result
from atoms.experiments.activations import (
    Activations,
    ActivationsConfig,
    code_ceiling,
    distinct_codes,
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


def synthetic_result(n_seeds: int = 6) -> Result:
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
    verdicts = {claim.id: claim.verdict for claim in Activations.claims(synthetic_result())}
    assert verdicts["tanh_matches_relu"] is Verdict.SUPPORTED
    assert verdicts["identity_matches_relu"] is Verdict.NOT_SUPPORTED
    assert verdicts["sigmoid_matches_identity"] is Verdict.SUPPORTED
    assert verdicts["sigmoid_longer_beats_identity"] is Verdict.SUPPORTED
    assert verdicts["sign_hidden_weights_frozen"] is Verdict.SUPPORTED
    assert verdicts["sign_beats_identity"] is Verdict.SUPPORTED


def test_sentences_follow_the_verdicts():
    result = synthetic_result()
    assert "disagrees with the original" in Activations.comparison(result)
    assert "sigmoid ties with it" in Activations.identity_sentence(result)
    assert "tanh, square and sin cannot be told apart from relu" in Activations.equivalence_sentence(result)
    assert "6 of 6 seeds" in Activations.sign_sentence(result)
