"""The shared curve fits, against curves whose exponents are known."""

import numpy as np

from atoms.fits import loglog_slope


def test_loglog_slope_recovers_each_rows_power_law():
    widths = np.array([16, 32, 64])
    values = np.stack([3 * widths ** -0.8, 0.5 * widths ** -1.0])
    np.testing.assert_allclose(loglog_slope(widths, values), [-0.8, -1.0])


def test_loglog_slope_is_a_least_squares_fit_when_the_law_is_noisy():
    x = np.array([1.0, 2.0, 4.0, 8.0])
    y = x ** 0.5 * np.array([1.1, 0.9, 1.05, 0.97])
    expected = np.polyfit(np.log(x), np.log(y), 1)[0]
    np.testing.assert_allclose(loglog_slope(x, y), expected)
