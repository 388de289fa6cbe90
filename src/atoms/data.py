"""Seeded dataset generators for the atomic experiments.

Every generator is a pure function of its arguments and an explicit
``numpy.random.Generator``: no global random state is read or written, so an
experiment is reproduced exactly by re-creating its generator from the same
seed. Features are float32 (what the networks consume) and class labels are
int64 (what index arithmetic and ``np.bincount`` expect).
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = [
    "TARGET_CURVES",
    "Split",
    "add_dummy_dimensions",
    "alternating_points",
    "between_points",
    "curve_points",
    "digits",
    "gaussian_mixture",
    "IMAGE_DATASETS",
    "image_split",
    "load_mnist",
    "moons",
    "one_hot",
    "require_image_dataset",
    "oversample_minority",
    "random_labels",
    "random_one_hot",
    "random_rotation",
    "sphere_points",
    "split_and_scale",
    "target_curve",
    "uniform_mixing_matrix",
]


def _check_int(name: str, value: int, minimum: int) -> None:
    """Fail early with the parameter's name: a bad count deep inside numpy
    produces an error that does not say which argument was wrong."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")


def _check_labels(y: np.ndarray, n_classes: int) -> np.ndarray:
    """Out-of-range labels would otherwise index silently past the one-hot
    columns (negative ones wrap around), corrupting targets without an error."""
    labels = np.asarray(y)
    if labels.ndim != 1:
        raise ValueError(f"y must be a 1-D label vector, got shape {labels.shape}")
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(f"y must hold labels in [0, {n_classes}), got range "
                         f"[{labels.min()}, {labels.max()}]")
    return labels.astype(np.int64)


# --------------------------------------------------------------------------
# Two-Gaussian mixture (the original's imbalanced-classes / dimension atoms)
# --------------------------------------------------------------------------

_MEAN_KINDS = ("ones", "harmonic")


def _class1_mean(kind: str | np.ndarray, dim: int) -> np.ndarray:
    """The named means are the two the original used: "ones" keeps the class
    separation growing with dim, "harmonic" lets added dimensions carry less
    and less signal."""
    if isinstance(kind, str):
        if kind == "ones":
            return np.ones(dim)
        if kind == "harmonic":
            return 1.0 / np.arange(1, dim + 1)
        raise ValueError(f"class1_mean must be one of {_MEAN_KINDS} or a vector "
                         f"of length dim, got {kind!r}")
    mean = np.asarray(kind, dtype=np.float64)
    if mean.shape != (dim,):
        raise ValueError(f"class1_mean must have shape ({dim},) to match dim, "
                         f"got shape {mean.shape}")
    return mean


def gaussian_mixture(
    n: int,
    dim: int,
    rng: np.random.Generator,
    *,
    class1_mean: str | np.ndarray = "ones",
    cov_scale: float = 1.0,
    ratio: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussians sharing one random covariance, as in the original atom.

    The covariance is C = c^T c with c = cov_scale * U[0,1)^(dim x dim).
    Samples are drawn as z @ c with z ~ N(0, I), whose covariance is exactly
    c^T c even when C is singular, where a Cholesky factorisation would fail.
    ``ratio`` is (# class 0) : (# class 1), so ratio > 1 makes class 1 the
    minority that the imbalance atom studies.
    """
    _check_int("n", n, 2)
    _check_int("dim", dim, 1)
    if not np.isfinite(cov_scale) or cov_scale <= 0:
        raise ValueError(f"cov_scale must be a finite number > 0, got {cov_scale!r}")
    if not np.isfinite(ratio) or ratio <= 0:
        raise ValueError(f"ratio must be a finite number > 0, got {ratio!r}")
    mean1 = _class1_mean(class1_mean, dim)
    n1 = round(n / (1 + ratio))
    n0 = n - n1
    if n0 < 1 or n1 < 1:
        raise ValueError(f"n={n} with ratio={ratio} leaves a class empty "
                         f"({n0} vs {n1} points); raise n or move ratio toward 1")
    c = cov_scale * rng.random((dim, dim))
    z = rng.standard_normal((n, dim))
    X = z @ c
    X[n0:] += mean1
    y = np.concatenate([np.zeros(n0, np.int64), np.ones(n1, np.int64)])
    order = rng.permutation(n)
    return X[order].astype(np.float32), y[order]


def oversample_minority(
    X: np.ndarray, y: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Rebalance by duplicating minority rows, the classic imbalance remedy
    the original compares against reweighting; rows are shuffled afterwards so
    the duplicates do not form one block at the end of every epoch."""
    X = np.asarray(X)
    y = np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same length, got {len(X)} and {len(y)}")
    classes, counts = np.unique(y, return_counts=True)
    if len(classes) != 2:
        raise ValueError(f"y must hold exactly 2 classes, got {len(classes)}: {classes}")
    minority = classes[np.argmin(counts)]
    extra = rng.choice(np.flatnonzero(y == minority), size=counts.max() - counts.min())
    keep = np.concatenate([np.arange(len(y)), extra])
    order = rng.permutation(len(keep))
    return X[keep[order]], y[keep[order]]


# --------------------------------------------------------------------------
# Train/test split with train-only standardisation
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Split:
    """A train/test split that keeps the scaling it was built with, so the
    same transform can be applied to any later point (e.g. a plotting grid)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    mean: np.ndarray
    std: np.ndarray


def split_and_scale(X: np.ndarray, y: np.ndarray, n_train: int, *, scale: bool = True) -> Split:
    """Split by position and standardise with statistics of the TRAIN rows only:
    fitting on all rows would leak the test distribution into training.

    Callers shuffle beforehand, so a positional split is random yet keeps this
    function free of randomness. Constant features get std 1 instead of a
    division by zero.
    """
    X = np.asarray(X, dtype=np.float32)
    y = np.asarray(y)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D [n, features], got shape {X.shape}")
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same length, got {len(X)} and {len(y)}")
    _check_int("n_train", n_train, 1)
    if n_train >= len(X):
        raise ValueError(f"n_train must be < the number of rows ({len(X)}) to leave "
                         f"a test set, got {n_train}")
    x_train, x_test = X[:n_train], X[n_train:]
    if scale:
        mean = x_train.mean(axis=0, dtype=np.float64)
        std = x_train.std(axis=0, dtype=np.float64)
        std[std == 0] = 1.0
    else:
        mean = np.zeros(X.shape[1])
        std = np.ones(X.shape[1])
    mean, std = mean.astype(np.float32), std.astype(np.float32)
    return Split(
        x_train=(x_train - mean) / std,
        y_train=y[:n_train],
        x_test=(x_test - mean) / std,
        y_test=y[n_train:],
        mean=mean,
        std=std,
    )


# --------------------------------------------------------------------------
# Small 2-D and 1-D problems
# --------------------------------------------------------------------------

def moons(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's two moons, seeded from ``rng`` because make_moons only
    accepts an integer seed or a legacy RandomState."""
    _check_int("n", n, 2)
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    from sklearn.datasets import make_moons  # on use: scikit-learn costs a second to import

    X, y = make_moons(n_samples=n, noise=noise, random_state=int(rng.integers(2**31 - 1)))
    return X.astype(np.float32), y.astype(np.int64)


def _poly(x: np.ndarray) -> np.ndarray:
    """A quartic with a wiggle: smooth but not symmetric, unlike sin or abs."""
    return -2 * x**4 + x**3 + x**2 - 2 * x


TARGET_CURVES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sin12": lambda x: np.sin(12 * x),
    "poly": _poly,
    "abs": np.abs,
}
"""The universal-approximation atom's targets: a fast oscillation, a smooth
polynomial and a kink, which stress a shallow network in different ways."""


def target_curve(name: str, x: np.ndarray) -> np.ndarray:
    """Look a target up by the name experiments store in their configs."""
    if name not in TARGET_CURVES:
        raise ValueError(f"name must be one of {sorted(TARGET_CURVES)}, got {name!r}")
    return TARGET_CURVES[name](np.asarray(x))


def _grid(n: int, low: float, high: float) -> np.ndarray:
    """The shared grid, so training points and midpoints cannot drift apart."""
    if not (np.isfinite(low) and np.isfinite(high)) or low >= high:
        raise ValueError(f"low must be < high (both finite), got low={low!r}, high={high!r}")
    return np.linspace(low, high, n)


def curve_points(
    name: str, n: int, *, low: float = -1.0, high: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Evenly spaced training points: a fixed grid (not random samples) makes
    the approximation error a property of the network, not of the draw."""
    _check_int("n", n, 2)
    x = _grid(n, low, high)
    return (x[:, None].astype(np.float32),
            target_curve(name, x)[:, None].astype(np.float32))


def between_points(n: int, low: float, high: float) -> np.ndarray:
    """Midpoints of the n-point grid: the points farthest from every training
    point, so the error there measures interpolation rather than memorisation."""
    _check_int("n", n, 2)
    x = _grid(n, low, high)
    return ((x[:-1] + x[1:]) / 2)[:, None].astype(np.float32)


HARMONIC_DIM = 12


def harmonic_problem(n_train: int, n_test: int, rng: np.random.Generator) -> Split:
    """The problem of the original's atoms 9 to 12: the 12-D mixture with class-1 mean 1/i.

    Train and test rows come from one draw because the covariance is random per draw (a second
    draw would be another problem); the draw is shuffled, so the positional split is random.
    Inputs stay unscaled, as in the original.
    """
    x, y = gaussian_mixture(n_train + n_test, HARMONIC_DIM, rng, class1_mean="harmonic")
    return split_and_scale(x, y, n_train, scale=False)


def alternating_points(n: int = 16) -> tuple[np.ndarray, np.ndarray]:
    """A sawtooth of n alternating labels on [0, 1): a deep network fits it with
    few units while a shallow one needs about one unit per label change."""
    _check_int("n", n, 2)
    i = np.arange(n)
    return (i / n)[:, None].astype(np.float32), (i % 2).astype(np.int64)


# --------------------------------------------------------------------------
# Transforms of existing data
# --------------------------------------------------------------------------

def random_rotation(dim: int, rng: np.random.Generator) -> np.ndarray:
    """A Haar-random orthogonal matrix. Plain QR is biased by LAPACK's sign
    convention; multiplying by sign(diag(R)) removes the bias (Mezzadri 2007)."""
    _check_int("dim", dim, 1)
    q, r = np.linalg.qr(rng.standard_normal((dim, dim)))
    return q * np.sign(np.diag(r))


def uniform_mixing_matrix(dim: int, rng: np.random.Generator) -> np.ndarray:
    """The original's "rotation": a U[0,1) matrix. It is not orthogonal, so it
    stretches and correlates the features; kept to show that fault."""
    _check_int("dim", dim, 1)
    return rng.random((dim, dim))


def add_dummy_dimensions(
    X: np.ndarray, k: int, rng: np.random.Generator, *, rotate: bool = True
) -> np.ndarray:
    """Hide the signal among k pure-noise features. The rotation spreads the
    signal over every axis so a network cannot simply ignore the extra columns;
    being orthogonal, it changes no distances, hence not the problem's difficulty."""
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D [n, features], got shape {X.shape}")
    _check_int("k", k, 0)
    widened = np.hstack([X, rng.random((len(X), k))])
    if rotate:
        widened = widened @ random_rotation(widened.shape[1], rng)
    return widened.astype(np.float32)


def random_labels(y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Destroy the input-label relation but keep the class balance, so a
    network that fits these labels can only be memorising."""
    return rng.permutation(np.asarray(y))


def sphere_points(n: int, dim: int, rng: np.random.Generator) -> np.ndarray:
    """Uniform points on the unit sphere: normalised isotropic Gaussians have a
    direction that is uniform by rotation invariance."""
    _check_int("n", n, 1)
    _check_int("dim", dim, 1)
    g = rng.standard_normal((n, dim))
    return (g / np.linalg.norm(g, axis=1, keepdims=True)).astype(np.float32)


def one_hot(y: np.ndarray, n_classes: int) -> np.ndarray:
    """Targets for a softmax / MSE head, float32 to match the network outputs."""
    _check_int("n_classes", n_classes, 1)
    labels = _check_labels(y, n_classes)
    return np.eye(n_classes, dtype=np.float32)[labels]


def random_one_hot(n: int, n_classes: int, rng: np.random.Generator) -> np.ndarray:
    """Targets carrying no information about any input: the memorisation baseline."""
    _check_int("n", n, 1)
    _check_int("n_classes", n_classes, 1)
    return one_hot(rng.integers(n_classes, size=n), n_classes)


# --------------------------------------------------------------------------
# Real images
# --------------------------------------------------------------------------

def digits(rng: np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The book's default image set: 8x8 digits ship with scikit-learn, so every
    chapter builds offline. Pixels range 0..16, hence the division by 16."""
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    X, y = (X / 16.0).astype(np.float32), y.astype(np.int64)
    if rng is not None:
        order = rng.permutation(len(y))
        X, y = X[order], y[order]
    return X, y


MNIST_FILE = Path(__file__).with_name("datasets") / "mnist10k.npz"
MNIST_SHA256 = "29f7e412a2d57447c339a8f5d6f3240bf5917b436b5717d9d749fe43ab28592d"
"""The 10,000 MNIST digits that ship with the book (see `atoms.mnist_subset` for where they come from)."""


def load_mnist(path: str | os.PathLike | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The bundled MNIST digits as one pool: images flattened to 784 pixels k/255 in [0, 1], and labels.

    The file's checksum is verified on every load, so a corrupted or substituted file fails loudly
    instead of making a chapter's numbers lie about what they measure.
    """
    file = Path(path) if path is not None else MNIST_FILE
    content = file.read_bytes()
    if path is None and hashlib.sha256(content).hexdigest() != MNIST_SHA256:
        raise ValueError(f"{file} does not match its checksum {MNIST_SHA256}; rebuild it with atoms.mnist_subset")
    with np.load(io.BytesIO(content)) as archive:
        images, labels = archive["images"], archive["labels"]
    return (images.reshape(len(images), -1) / 255.0).astype(np.float32), labels.astype(np.int64)


IMAGE_DATASETS = ("digits", "mnist")
DIGITS_IMAGES = 1797
"""scikit-learn's digits: one pool that a split's training and test images both come from."""
MNIST_IMAGES = 10_000
"""The bundled MNIST digits, likewise one pool."""


def require_image_dataset(dataset: str) -> None:
    if dataset not in IMAGE_DATASETS:
        raise ValueError(f"dataset must be one of {IMAGE_DATASETS}, got {dataset!r}")


def check_digits_counts(n_train: int, n_test: int, train: str = "'n_train'") -> None:
    """Called by configurations too, so a reader learns at construction, with the parameters named,
    that the digits pool is too small; `train` names what the training count is made of."""
    if n_train + n_test > DIGITS_IMAGES:
        raise ValueError(f"parameters {train} + 'n_test' must be at most {DIGITS_IMAGES} for dataset='digits', "
                         f"got {n_train} + {n_test}")


def image_split(dataset: str, n_train: int, n_test: int, rng: np.random.Generator) -> Split:
    """A seeded draw of `n_train` training and `n_test` test images, pixels in [0, 1], unscaled
    so that weight statistics compare with the reader's setups.

    Each data set is one pool (1,797 digits, 10,000 MNIST digits), so train and test are disjoint
    parts of one seeded permutation.
    """
    require_image_dataset(dataset)
    _check_int("n_train", n_train, 1)
    _check_int("n_test", n_test, 1)
    if dataset == "digits":
        check_digits_counts(n_train, n_test)
        X, y = digits(rng)
    else:
        if n_train + n_test > MNIST_IMAGES:
            raise ValueError(f"parameters 'n_train' + 'n_test' must be at most {MNIST_IMAGES} for dataset='mnist', "
                             f"got {n_train} + {n_test}")
        X, y = load_mnist()
        order = rng.permutation(len(y))
        X, y = X[order], y[order]
    parts = (X[:n_train], y[:n_train], X[n_train:n_train + n_test], y[n_train:n_train + n_test])
    width = parts[0].shape[1]
    return Split(*parts, mean=np.zeros(width, np.float32), std=np.ones(width, np.float32))
