import numpy as np
import pytest

from atoms.experiments.initializers import Initializers, unit_spread


def test_identical_units_and_a_zero_matrix_have_no_spread():
    column = np.arange(12, dtype=np.float32)[:, None]
    assert unit_spread(np.tile(column, (1, 5))) == 0
    assert unit_spread(np.zeros((12, 5), np.float32)) == 0


def test_spread_is_relative_to_the_largest_weight():
    weights = np.array([[1.0, 3.0], [0.0, 0.0]], np.float32)
    assert unit_spread(weights) == pytest.approx(2 / 3)
    assert unit_spread(10 * weights) == pytest.approx(2 / 3)


def test_glorot_is_required_as_the_reference():
    with pytest.raises(ValueError, match="initializers"):
        Initializers(initializers=("zeros", "ones"))


def _result(zeros_spread_end: float, initializers=("glorot", "zeros", "ones")):
    from atoms.experiment import Result

    losses, seeds, steps = ["mse", "cross_entropy"], 8, np.array([0, 25, 50, 75])
    accuracy = np.full((len(losses), len(initializers), seeds, steps.size), 0.95, np.float32)
    accuracy[:, list(initializers).index("ones")] = 0.5
    spread = np.full((len(losses), len(initializers), seeds, 2, steps.size), 1.5, np.float32)
    growth = np.geomspace(1e-7, zeros_spread_end, steps.size) * np.linspace(1, 1.1, seeds)[:, None]
    spread[:, list(initializers).index("zeros")] = growth[None, :, None, :]
    spread[:, list(initializers).index("ones")] = 1e-7
    config = Initializers(initializers=initializers, n_seeds=seeds).config.to_dict()
    return Result("10_initializers", config, {"test_accuracy": accuracy, "unit_spread": spread, "steps": steps},
                  {"test_accuracy": ("loss", "initializer", "seed", "step"),
                   "unit_spread": ("loss", "initializer", "seed", "layer", "step"), "steps": ("step",)},
                  {"loss": losses, "initializer": list(initializers), "seed": list(range(seeds)),
                   "layer": ["hidden 1", "hidden 2"]})


def test_zeros_units_that_drift_past_the_tolerance_are_not_identical():
    verdicts = {c.id: c.verdict.value for c in _result(1e-2).claims()}
    assert verdicts["zeros_units_stay_identical"] == "not supported"
    assert verdicts["zeros_spread_grows_mse"] == "supported"
    assert {c.id: c.verdict.value for c in _result(1e-5).claims()}["zeros_units_stay_identical"] == "supported"


def test_a_claim_whose_start_was_not_trained_is_marked_not_tested():
    found = {c.id: c for c in _result(1e-5).claims()}
    assert found["glorot_beats_ones_and_normal_1"].verdict.value == "inconclusive"
    assert "not tested" in found["glorot_beats_ones_and_normal_1"].statistic
    assert found["zeros_matches_glorot"].verdict.value == "supported"  # ones is the positive control
