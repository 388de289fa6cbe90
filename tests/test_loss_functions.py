"""Chapter 9's own helpers: its validation, its data draw, the zero-gradient control and its generated prose."""

import numpy as np
import pytest

from atoms import seeding
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


def _result(fourth_power_shift: float) -> Result:
    losses, seeds, steps = ["cross_entropy", "fourth_power", "constant"], 6, [0, 250, 500]
    base = np.linspace(0.85, 0.95, seeds)[:, None] * np.ones((1, len(steps)))
    accuracy = np.stack([base, base + fourth_power_shift + np.linspace(-0.001, 0.001, seeds)[:, None],
                         np.full_like(base, 0.5)]).astype(np.float32)
    config = LossFunctionsConfig(losses=tuple(losses)).to_dict()
    return Result("09_loss_functions", config, {"test_accuracy": accuracy, "train_accuracy": accuracy,
                                                "class1_share": np.full(seeds, 0.5, np.float32)},
                  {"test_accuracy": ("loss", "seed", "step"), "train_accuracy": ("loss", "seed", "step"),
                   "class1_share": ("seed",)},
                  {"loss": losses, "seed": list(range(seeds)), "step": steps})


def test_prose_follows_the_direction_of_the_gap():
    worse = _result(-0.08)
    assert "clearly worse" in LossFunctions.summary(worse, worse.claims())["fourth"]
    better = _result(0.01)
    assert "does not find it worse" in LossFunctions.summary(better, better.claims())["fourth"]
