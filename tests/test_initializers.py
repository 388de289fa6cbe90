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
