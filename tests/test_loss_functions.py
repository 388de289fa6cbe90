"""Chapter 9's own helpers: its validation, the zero-gradient control and the claims' verdicts on known data."""

import numpy as np
import pytest

from atoms import seeding
from atoms.claims import Verdict
from atoms.engine import Data, Init, Members, Network, Recording, Training, train
from atoms.experiment import Result
from atoms.experiments.loss_functions import LossFunctions, LossFunctionsConfig


@pytest.mark.parametrize("params, name", [({"losses": ("mse", "hinge")}, "losses"),
                                          ({"steps": 100, "mid_step": 100}, "mid_step")])
def test_config_names_the_bad_parameter(params, name):
    with pytest.raises(ValueError, match=name):
        LossFunctionsConfig(**params)


def test_constant_loss_leaves_the_weights_at_their_start():
    """The control is the initial network: Adam with zero gradients takes zero steps."""
    x = np.random.default_rng(0).standard_normal((32, 12)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64)
    network = Network(12, (8, 8), 2, activation="sigmoid", bias_init=Init("glorot_uniform"))
    members = Members(seeds=seeding.member_seeds(0, 2), learning_rate=0.003)
    history = train(network, Training(steps=20, batch_size=8, loss="constant"), members, Data(x, y), Recording())
    for start, end in zip(history.initial_params, history.final_params):
        np.testing.assert_array_equal(start, end)


def _result(fourth_power_shift: float, losses=("cross_entropy", "mae", "fourth_power", "constant")) -> Result:
    seeds, steps = 8, [0, 250, 500]
    base = np.linspace(0.85, 0.95, seeds)[:, None] * np.ones((1, len(steps)))
    jitter = np.linspace(-0.001, 0.001, seeds)[:, None]
    arms = {"cross_entropy": base, "mae": base - jitter, "fourth_power": base + fourth_power_shift + jitter,
            "constant": np.full_like(base, 0.5)}
    accuracy = np.stack([arms[loss] for loss in losses]).astype(np.float32)
    config = LossFunctionsConfig(losses=tuple(losses)).to_dict()
    return Result("09_loss_functions", config, {"test_accuracy": accuracy, "train_accuracy": accuracy,
                                                "class1_share": np.full(seeds, 0.5, np.float32)},
                  {"test_accuracy": ("loss", "seed", "step"), "train_accuracy": ("loss", "seed", "step"),
                   "class1_share": ("seed",)},
                  {"loss": list(losses), "seed": list(range(seeds)), "step": steps})


def _verdicts(result):
    return {claim.id: claim.verdict for claim in result.claims()}


def test_a_clear_gap_is_worse_and_not_equivalent():
    verdicts = _verdicts(_result(-0.08))
    assert verdicts["losses_match_cross_entropy"] is Verdict.SUPPORTED
    assert verdicts["fourth_power_worse_at_end"] is Verdict.SUPPORTED
    assert verdicts["fourth_power_matches_cross_entropy"] is Verdict.NOT_SUPPORTED


def test_a_loss_ahead_of_cross_entropy_is_not_worse():
    verdicts = _verdicts(_result(0.01))
    assert verdicts["fourth_power_worse_at_end"] is Verdict.NOT_SUPPORTED
    assert verdicts["fourth_power_matches_cross_entropy"] is Verdict.SUPPORTED


def test_no_equivalence_without_the_positive_control():
    """Without the zero-gradient control the run cannot show a difference of the margin is detectable."""
    result = _result(0.0, losses=("cross_entropy", "mae", "fourth_power"))
    verdicts = _verdicts(result)
    assert verdicts["losses_match_cross_entropy"] is Verdict.INCONCLUSIVE
    assert verdicts["fourth_power_matches_cross_entropy"] is Verdict.INCONCLUSIVE
    assert "positive control" in {c.id: c for c in result.claims()}["losses_match_cross_entropy"].statistic
