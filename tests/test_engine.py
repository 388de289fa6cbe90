"""Behavioural unit tests for the stacked training engine (atoms.engine and the pieces it uses).

The engine trains K members at once inside one compiled loop, so a wrong mask, a mis-gathered
batch or a mixed-up member would not crash: it would quietly give every chapter wrong numbers.
Each engine option therefore gets a test that fails if the option stops doing what it promises,
checked against hand-computed numpy / plain-TensorFlow references (never against Keras; that
comparison lives in tests/test_engine_oracle.py). Networks are tiny and runs short, so the
whole file stays fast.
"""

from __future__ import annotations

import numpy as np
import pytest

import atoms.engine as engine
from atoms import data, seeding
from atoms.batches import batch_order
from atoms.engine import Data, Init, Members, Network, Recording, Training, predict, train
from atoms.ensemble import STATISTICS
from atoms.nn import ACTIVATIONS, LOSSES
from atoms.tf_setup import tf

# --------------------------------------------------------------------------- helpers

NP_ACTIVATIONS = {
    "relu": lambda z: np.maximum(z, 0.0),
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "tanh": np.tanh,
    "square": np.square,
    "sin": np.sin,
    "sign": np.sign,
    "identity": lambda z: z,
}


def np_sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def np_log_softmax(z):
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def np_loss(name, z, t):
    """Per-example losses written out by hand: logits z and targets t [..., outputs] -> [...]."""
    z, t = np.asarray(z, np.float64), np.asarray(t, np.float64)
    if name == "mse":
        return ((z - t) ** 2).mean(-1)
    if name == "mae":
        return np.abs(z - t).mean(-1)
    if name == "fourth_power":
        return ((z - t) ** 4).mean(-1)
    if name == "hinge":
        signs = np.where(t > 0.5, 1.0, -1.0)  # {0, 1} -> {-1, 1}
        return np.maximum(0.0, 1.0 - signs * z).mean(-1)
    if name == "sigmoid_mse":
        return ((np_sigmoid(z) - t) ** 2).mean(-1)
    if name == "softmax_mse":
        e = np.exp(z - z.max(-1, keepdims=True))
        return ((e / e.sum(-1, keepdims=True) - t) ** 2).mean(-1)
    if name == "sigmoid_cross_entropy":
        p = np_sigmoid(z)
        return -(t * np.log(p) + (1 - t) * np.log(1 - p)).sum(-1)
    if name == "cross_entropy":
        return -(t * np_log_softmax(z)).sum(-1)
    if name == "constant":
        return np.zeros(z.shape[:-1])
    raise KeyError(name)


def np_logits(params, member, x, activation, *, repeats=0, units=None):
    """Forward pass of one member in float64 numpy from its [K, ...] parameter stacks."""
    p = [np.asarray(a[member], np.float64) for a in params]
    weights, biases = p[0::2], p[1::2]
    act = NP_ACTIVATIONS[activation]
    x = np.asarray(x, np.float64)
    if repeats:
        h = act(x @ weights[0] + biases[0])
        for _ in range(repeats):
            h = act(h @ weights[1] + biases[1])
        return h @ weights[2] + biases[2]
    h = x
    for layer, (w, b) in enumerate(zip(weights[:-1], biases[:-1])):
        h = act(h @ w + b)
        if units is not None:
            h[:, units[layer]:] = 0.0
    return h @ weights[-1] + biases[-1]


def one_hot(y, n):
    return np.eye(n)[np.asarray(y)]


def seeds(seed, k):
    return seeding.member_seeds(seed, k)


def easy_problem(n=60, seed=0):
    """Two well separated Gaussian blobs: every sensible loss can make progress on it."""
    x, y = data.gaussian_mixture(n, 2, np.random.default_rng(seed), class1_mean=np.full(2, 5.0),
                                 cov_scale=0.5)
    return x - x.mean(axis=0), y


def mixture(n=40, dim=2, seed=0):
    return data.gaussian_mixture(n, dim, np.random.default_rng(seed))


def assert_histories_equal(a, b):
    """Bit-identical histories: every curve, statistic, snapshot and parameter."""
    np.testing.assert_array_equal(a.steps, b.steps)
    for name in ("train_loss", "train_accuracy", "test_loss", "test_accuracy"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    assert a.statistics.keys() == b.statistics.keys()
    for name in a.statistics:
        np.testing.assert_array_equal(a.statistics[name], b.statistics[name], err_msg=name)
    assert (a.weights is None) == (b.weights is None)
    for wa, wb in zip(a.weights or [], b.weights or [], strict=True):
        np.testing.assert_array_equal(wa, wb)
    for pa, pb in zip(a.initial_params, b.initial_params, strict=True):
        np.testing.assert_array_equal(pa, pb)
    for pa, pb in zip(a.final_params, b.final_params, strict=True):
        np.testing.assert_array_equal(pa, pb)


def member_of(history, k):
    """One member's slice of a history, for comparison with a K=1 run."""
    return {
        "train_loss": history.train_loss[k], "train_accuracy": history.train_accuracy[k],
        "test_loss": history.test_loss[k], "test_accuracy": history.test_accuracy[k],
        **{f"stat_{n}": v[k] for n, v in history.statistics.items()},
        **{f"final_{i}": p[k] for i, p in enumerate(history.final_params)},
        **{f"initial_{i}": p[k] for i, p in enumerate(history.initial_params)},
    }


def assert_members_close(a, b, rtol=1e-5, atol=1e-6):
    assert a.keys() == b.keys()
    for name in a:
        np.testing.assert_allclose(a[name], b[name], rtol=rtol, atol=atol, err_msg=name)


def reference_sgd(params, x, targets, activation, lr, batches, *, units=None):
    """Plain-TensorFlow SGD on one member's (sub-)network with softmax cross-entropy.

    `params` is one member's list [W0, b0, W1, b1, ...]; `batches` lists the row indices of
    each step. Written independently of the engine: ordinary variables, a per-step mean loss.
    """
    act = ACTIVATIONS[activation]
    variables = [tf.Variable(np.asarray(p, np.float32)) for p in params]
    x = tf.constant(np.asarray(x, np.float32))
    targets = tf.constant(np.asarray(targets, np.float32))
    for rows in batches:
        xb, tb = tf.gather(x, rows), tf.gather(targets, rows)
        with tf.GradientTape() as tape:
            h = xb
            for w, b in zip(variables[0:-2:2], variables[1:-2:2]):
                h = act(h @ w + b)
            logits = h @ variables[-2] + variables[-1]
            loss = tf.reduce_mean(-tf.reduce_sum(tb * tf.nn.log_softmax(logits), axis=-1))
        for v, g in zip(variables, tape.gradient(loss, variables)):
            v.assign_sub(lr * g)
    return [v.numpy() for v in variables]


def linear_grads(w, b, x, t):
    """Analytic gradient of mean((x @ w + b - t)**2) over rows and outputs."""
    dz = 2.0 * (x @ w + b - t) / t.size
    return x.T @ dz, dz.sum(axis=0)


def linear_problem(n=12, d=3, o=2, seed=5):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)).astype(np.float32)
    t = rng.normal(size=(n, o)).astype(np.float32)
    net = Network(d, (), o, weight_init=Init("normal", 0.5), bias_init=Init("normal", 0.5))
    return net, x, t


# =========================================================================== activations


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_every_activation_trains_with_finite_losses_and_is_the_named_function(activation):
    x, y = mixture(30)
    net = Network(2, (5,), 2, activation=activation)
    h = train(net, Training(steps=8), Members(seeds(1, 2), learning_rate=0.01), Data(x, y, x, y))
    assert np.all(np.isfinite(h.train_loss)) and np.all(np.isfinite(h.test_loss))
    assert np.all((h.train_accuracy >= 0) & (h.train_accuracy <= 1))
    # The step-0 loss must be the one of this activation, computed by hand.
    for k in range(2):
        logits = np_logits(h.initial_params, k, x, activation)
        expected = np_loss("cross_entropy", logits, one_hot(y, 2)).mean()
        assert h.train_loss[k, 0] == pytest.approx(expected, rel=1e-5, abs=1e-6)


def test_sign_activation_freezes_hidden_layers_but_trains_the_output_layer():
    x, y = mixture(30)
    net = Network(2, (4, 3), 2, activation="sign", bias_init=Init("normal", 0.5))
    h = train(net, Training(steps=10), Members(seeds(2, 2), learning_rate=0.05), Data(x, y))
    for before, after in zip(h.initial_params[:-2], h.final_params[:-2]):
        np.testing.assert_array_equal(after, before)
    for before, after in zip(h.initial_params[-2:], h.final_params[-2:]):
        assert np.all(np.abs(after - before).reshape(2, -1).max(axis=1) > 1e-3)


# =========================================================================== losses


def test_loss_table_matches_hand_formulas_per_example():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(2, 5, 3)).astype(np.float32)
    t_float = rng.normal(size=(2, 5, 3)).astype(np.float32)
    t_onehot = np.eye(3, dtype=np.float32)[rng.integers(3, size=(2, 5))]
    for name in LOSSES:
        for t in (t_float, t_onehot):
            if name in ("hinge", "sigmoid_cross_entropy", "cross_entropy") and t is t_float:
                continue  # these take {0, 1} / probability targets
            got = LOSSES[name](tf.constant(z), tf.constant(t)).numpy()
            assert got.shape == (2, 5), name
            np.testing.assert_allclose(got, np_loss(name, z, t), rtol=1e-5, atol=1e-6, err_msg=name)


def test_loss_values_by_hand_on_one_example():
    z = tf.constant([[2.0, -1.0]])
    t = tf.constant([[1.0, 0.0]])
    assert LOSSES["mse"](z, t).numpy()[0] == pytest.approx((1.0 + 1.0) / 2)
    assert LOSSES["mae"](z, t).numpy()[0] == pytest.approx((1.0 + 1.0) / 2)
    assert LOSSES["fourth_power"](z, t).numpy()[0] == pytest.approx((1.0 + 1.0) / 2)
    # hinge: targets {1, 0} -> {+1, -1}; margins 1 - 2 = -1 -> 0 and 1 - 1 = 0 -> 0.
    assert LOSSES["hinge"](z, t).numpy()[0] == pytest.approx(0.0)
    assert LOSSES["hinge"](tf.constant([[0.5, 0.5]]), t).numpy()[0] == pytest.approx((0.5 + 1.5) / 2)
    ce = np.log(1 + np.exp(-3.0))  # -log softmax(2, -1)[0]
    assert LOSSES["cross_entropy"](z, t).numpy()[0] == pytest.approx(ce, rel=1e-6)
    sce = np.log(1 + np.exp(-2.0)) + np.log(1 + np.exp(-1.0))  # summed over both outputs
    assert LOSSES["sigmoid_cross_entropy"](z, t).numpy()[0] == pytest.approx(sce, rel=1e-6)
    smse = ((np_sigmoid(2.0) - 1) ** 2 + np_sigmoid(-1.0) ** 2) / 2
    assert LOSSES["sigmoid_mse"](z, t).numpy()[0] == pytest.approx(smse, rel=1e-6)
    p = 1 / (1 + np.exp(-3.0))  # softmax(2, -1)[0]
    assert LOSSES["softmax_mse"](z, t).numpy()[0] == pytest.approx((1 - p) ** 2, rel=1e-6)


@pytest.mark.parametrize("loss", sorted(set(LOSSES) - {"constant"}))
def test_every_loss_is_recorded_exactly_and_decreases_on_a_separable_problem(loss):
    x, y = easy_problem()
    net = Network(2, (8,), 2, activation="tanh")
    h = train(net, Training(steps=40, loss=loss), Members(seeds(3, 2), learning_rate=0.03),
              Data(x, y))
    for k in range(2):
        expected = np_loss(loss, np_logits(h.initial_params, k, x, "tanh"), one_hot(y, 2)).mean()
        assert h.train_loss[k, 0] == pytest.approx(expected, rel=1e-5, abs=1e-6)
        final = np_loss(loss, np_logits(h.final_params, k, x, "tanh"), one_hot(y, 2)).mean()
        assert h.train_loss[k, -1] == pytest.approx(final, rel=1e-5, abs=1e-6)
    assert np.all(h.train_loss[:, -1] < 0.8 * h.train_loss[:, 0])
    assert np.all(h.train_accuracy[:, -1] >= 0.95)


def test_regression_losses_use_float_targets_directly():
    x, t = data.curve_points("poly", 20)
    net = Network(1, (6,), 1, activation="tanh")
    for loss in ("mse", "mae", "fourth_power"):
        h = train(net, Training(steps=1, loss=loss), Members(seeds(4, 2)), Data(x, t))
        for k in range(2):
            expected = np_loss(loss, np_logits(h.initial_params, k, x, "tanh"), t).mean()
            assert h.train_loss[k, 0] == pytest.approx(expected, rel=1e-5, abs=1e-6)


def test_constant_loss_never_changes_any_weight():
    x, y = mixture(30)
    net = Network(2, (5,), 2, activation="relu", bias_init=Init("normal", 0.3))
    h = train(net, Training(steps=6, loss="constant", batch_size=8),
              Members(seeds(5, 2), learning_rate=0.5), Data(x, y), Recording(every=2))
    np.testing.assert_array_equal(h.train_loss, np.zeros_like(h.train_loss))
    for before, after in zip(h.initial_params, h.final_params, strict=True):
        np.testing.assert_array_equal(after, before)


# =========================================================================== initializers


@pytest.mark.parametrize("name, expected_std", [
    ("glorot_uniform", np.sqrt(2.0 / 800)),
    ("glorot_normal", np.sqrt(2.0 / 800)),
    ("he_normal", np.sqrt(2.0 / 400)),
    ("lecun_normal", np.sqrt(1.0 / 400)),
])
def test_initializer_std_on_a_big_matrix(name, expected_std):
    values = Init(name).sample((400, 400), np.random.default_rng(0))
    assert values.shape == (400, 400) and values.dtype == np.float32
    assert Init(name).scale(400, 400) == pytest.approx(expected_std, rel=1e-12)
    assert values.std() == pytest.approx(expected_std, rel=0.02)
    assert abs(values.mean()) < 0.02 * expected_std  # 8 standard errors of the mean
    if name == "glorot_uniform":
        assert np.abs(values).max() <= np.sqrt(6.0 / 800)


def test_normal_initializer_uses_its_std_and_only_normal_does():
    big = Init("normal", std=0.3).sample((400, 400), np.random.default_rng(1))
    assert big.std() == pytest.approx(0.3, rel=0.02)
    a = Init("glorot_normal", std=5.0).sample((400, 400), np.random.default_rng(1))
    assert a.std() == pytest.approx(np.sqrt(2.0 / 800), rel=0.02)


def test_zeros_and_ones_initializers_are_exact_and_bias_shapes_work():
    rng = np.random.default_rng(0)
    np.testing.assert_array_equal(Init("zeros").sample((3, 4), rng), np.zeros((3, 4), np.float32))
    np.testing.assert_array_equal(Init("ones").sample((3, 4), rng), np.ones((3, 4), np.float32))
    assert Init("he_normal").sample((7,), rng).shape == (7,)


def test_initializer_is_reproducible_from_its_generator():
    a = Init("glorot_uniform").sample((5, 6), np.random.default_rng(3))
    b = Init("glorot_uniform").sample((5, 6), np.random.default_rng(3))
    c = Init("glorot_uniform").sample((5, 6), np.random.default_rng(4))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize("kwargs, match", [
    (dict(name="uniform"), "initializer"),
    (dict(name="normal", std=0.0), "std"),
    (dict(name="normal", std=-1.0), "std"),
    (dict(name="normal", std=float("nan")), "std"),
])
def test_bad_initializer_raises(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Init(**kwargs)


def test_engine_initial_params_come_from_each_members_init_stream_in_layer_order():
    net = Network(3, (4,), 2, weight_init=Init("he_normal"), bias_init=Init("normal", 0.1))
    member_list = seeds(7, 3)
    params = engine.initial_params(net, Members(member_list))
    assert [p.shape for p in params] == [(3, 3, 4), (3, 4), (3, 4, 2), (3, 2)]
    for k, seed in enumerate(member_list):
        rng = seeding.generator(seed, seeding.INIT)
        expected = [Init("he_normal").sample((3, 4), rng), Init("normal", 0.1).sample((4,), rng),
                    Init("he_normal").sample((4, 2), rng), Init("normal", 0.1).sample((2,), rng)]
        for got, want in zip(params, expected, strict=True):
            np.testing.assert_array_equal(got[k], want)
    # A member's weights depend on its seed only, not on K or its position.
    alone = engine.initial_params(net, Members(member_list[2:]))
    reversed_ = engine.initial_params(net, Members(member_list[::-1]))
    for p, q, r in zip(params, alone, reversed_):
        np.testing.assert_array_equal(p[2], q[0])
        np.testing.assert_array_equal(p[0], r[2])
    assert not np.array_equal(params[0][0], params[0][1])


# =========================================================================== optimizers


def test_one_sgd_step_on_a_linear_model_is_w_minus_lr_times_the_analytic_gradient():
    net, x, t = linear_problem()
    lrs = np.array([0.1, 0.01], np.float32)
    h = train(net, Training(steps=1, loss="mse", optimizer="sgd"), Members(seeds(8, 2), learning_rate=lrs),
              Data(x, t))
    for k in range(2):
        w0, b0 = (np.float64(p[k]) for p in h.initial_params)
        gw, gb = linear_grads(w0, b0, x.astype(np.float64), t.astype(np.float64))
        np.testing.assert_allclose(h.final_params[0][k], w0 - lrs[k] * gw, rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(h.final_params[1][k], b0 - lrs[k] * gb, rtol=1e-5, atol=1e-7)


def test_sgd_minibatch_steps_match_a_plain_tensorflow_reference_on_the_same_batches():
    """Three SGD steps of a hidden-layer net with batches of 4 out of 10 rows: the third batch
    is partial (2 rows), so this also checks masked batch means and the engine's use of
    batch_order."""
    x, y = mixture(10, seed=3)
    net = Network(2, (5,), 2, activation="tanh", bias_init=Init("normal", 0.2))
    members = Members(seeds(9, 2), learning_rate=np.array([0.3, 0.05]))
    h = train(net, Training(steps=3, batch_size=4, optimizer="sgd"), members, Data(x, y))
    idx, mask = batch_order(members, 10, 4, 3)
    assert mask[:, 2].sum(axis=1).tolist() == [2, 2]
    for k in range(2):
        batches = [idx[k, s][mask[k, s] > 0] for s in range(3)]
        expected = reference_sgd([p[k] for p in h.initial_params], x, one_hot(y, 2), "tanh",
                                 members.learning_rate[k], batches)
        for got, want in zip(h.final_params, expected, strict=True):
            np.testing.assert_allclose(got[k], want, rtol=1e-5, atol=1e-6)


def test_momentum_zero_is_exactly_sgd():
    x, y = mixture(20)
    net = Network(2, (5,), 2, activation="tanh")
    args = (Members(seeds(10, 2), learning_rate=0.2), Data(x, y))
    sgd = train(net, Training(steps=6, batch_size=8, optimizer="sgd"), *args)
    mom = train(net, Training(steps=6, batch_size=8, optimizer="momentum", momentum=0.0), *args)
    for a, b in zip(sgd.final_params, mom.final_params):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(sgd.train_loss, mom.train_loss)


def test_momentum_follows_the_heavy_ball_rule_on_a_linear_model():
    net, x, t = linear_problem()
    lr, beta = 0.05, 0.9
    h = train(net, Training(steps=3, loss="mse", optimizer="momentum", momentum=beta),
              Members(seeds(11, 1), learning_rate=lr), Data(x, t))
    w, b = (np.float64(p[0]) for p in h.initial_params)
    vw, vb = np.zeros_like(w), np.zeros_like(b)
    for _ in range(3):
        gw, gb = linear_grads(w, b, x.astype(np.float64), t.astype(np.float64))
        vw, vb = beta * vw - lr * gw, beta * vb - lr * gb
        w, b = w + vw, b + vb
    np.testing.assert_allclose(h.final_params[0][0], w, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(h.final_params[1][0], b, rtol=1e-5, atol=1e-6)


def test_adam_follows_its_update_rule_with_bias_correction_on_a_linear_model():
    net, x, t = linear_problem()
    lrs = np.array([0.01, 0.1])
    h = train(net, Training(steps=4, loss="mse", optimizer="adam"),
              Members(seeds(12, 2), learning_rate=lrs), Data(x, t))
    b1, b2, eps = 0.9, 0.999, 1e-7
    for k in range(2):
        p = [np.float64(a[k]) for a in h.initial_params]
        m = [np.zeros_like(q) for q in p]
        v = [np.zeros_like(q) for q in p]
        for step in range(1, 5):
            g = linear_grads(p[0], p[1], x.astype(np.float64), t.astype(np.float64))
            for i in range(2):
                m[i] = b1 * m[i] + (1 - b1) * g[i]
                v[i] = b2 * v[i] + (1 - b2) * g[i] ** 2
                alpha = lrs[k] * np.sqrt(1 - b2**step) / (1 - b1**step)
                p[i] = p[i] - alpha * m[i] / (np.sqrt(v[i]) + eps)
        for got, want in zip(h.final_params, p):
            np.testing.assert_allclose(got[k], want, rtol=1e-4, atol=2e-5)  # float32 vs float64


def test_first_adam_step_moves_every_weight_by_about_the_learning_rate_against_its_gradient():
    net, x, t = linear_problem()
    h = train(net, Training(steps=1, loss="mse"), Members(seeds(13, 1), learning_rate=0.01), Data(x, t))
    w0, b0 = (np.float64(p[0]) for p in h.initial_params)
    gw, _ = linear_grads(w0, b0, x.astype(np.float64), t.astype(np.float64))
    delta = np.float64(h.final_params[0][0]) - w0
    np.testing.assert_allclose(np.abs(delta), 0.01, rtol=1e-3)
    np.testing.assert_array_equal(np.sign(delta), -np.sign(gw))


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_per_member_learning_rates_a_tiny_rate_moves_less(optimizer):
    x, y = mixture(30)
    net = Network(2, (6,), 2, activation="tanh")
    h = train(net, Training(steps=10, optimizer=optimizer, batch_size=10),
              Members([seeds(14, 1)[0]] * 2, learning_rate=np.array([1e-5, 0.1])),
              Data(x, y), Recording(statistics=("distance_from_init",)))
    moved = h.statistics["distance_from_init"][:, -1].sum(axis=1)
    assert moved[0] < 1e-2 * moved[1]
    assert moved[0] > 0


# =========================================================================== regularization


def test_large_l2_shrinks_weight_norms_against_no_l2():
    x, y = mixture(40)
    net = Network(2, (8,), 2, activation="tanh")
    same = [seeds(15, 1)[0]] * 2
    h = train(net, Training(steps=60), Members(same, learning_rate=0.05, l2=np.array([0.0, 0.1])),
              Data(x, y), Recording(statistics=("frobenius",)))
    frob = h.statistics["frobenius"]
    np.testing.assert_array_equal(frob[0, 0], frob[1, 0])  # same start
    assert np.all(frob[1, -1] < 0.5 * frob[0, -1])


def test_l2_alone_decays_weights_geometrically_and_leaves_biases_alone():
    """With the "constant" loss only the penalty acts: sgd on l2*sum(W**2) gives
    W_n = W_0 * (1 - 2*lr*l2*scale)**n per layer, and biases never move."""
    x, y = mixture(10)
    net = Network(2, (4,), 3, bias_init=Init("normal", 1.0))
    lr, l2, n = 0.1, np.array([0.0, 0.5, 1.0]), 5
    h = train(net, Training(steps=n, loss="constant", optimizer="sgd"),
              Members(seeds(16, 3), learning_rate=lr, l2=l2, layer_scale=(0.0, 1.0)), Data(x, y))
    w0, b0, w1, b1 = h.initial_params
    np.testing.assert_array_equal(h.final_params[0], w0)  # layer_scale 0: unregularized
    np.testing.assert_array_equal(h.final_params[1], b0)
    np.testing.assert_array_equal(h.final_params[3], b1)
    factor = (1 - 2 * lr * l2) ** n
    np.testing.assert_allclose(h.final_params[2], w1 * factor[:, None, None], rtol=1e-5, atol=1e-7)
    np.testing.assert_array_equal(h.final_params[2][0], w1[0])


def test_layer_scale_multiplies_each_layers_penalty():
    x, y = mixture(10)
    net = Network(2, (4,), 3)
    lr, l2 = 0.1, 0.5
    h = train(net, Training(steps=1, loss="constant", optimizer="sgd"),
              Members(seeds(17, 1), learning_rate=lr, l2=l2, layer_scale=(0.5, 2.0)), Data(x, y))
    for layer, scale in ((0, 0.5), (2, 2.0)):
        np.testing.assert_allclose(h.final_params[layer], h.initial_params[layer] * (1 - 2 * lr * l2 * scale),
                                   rtol=1e-6)


def test_per_member_layer_scale_trains_each_member_as_if_alone():
    x, y = mixture(20)
    net = Network(2, (5,), 3)
    scales = np.array([[1.0, 1.0], [0.25, 4.0], [0.0, 2.0]], np.float32)
    common = dict(learning_rate=0.05, l1=0.01, l2=0.02)
    training = Training(steps=30, batch_size=8, optimizer="adam")
    together = train(net, training, Members(seeds(21, 3), layer_scale=scales, **common), Data(x, y))
    for k, scale in enumerate(scales):
        alone = train(net, training, Members(seeds(21, 3)[k:k + 1], layer_scale=scale, **common), Data(x, y))
        for mixed, single in zip(together.final_params, alone.final_params):
            np.testing.assert_allclose(mixed[k], single[0], rtol=1e-5, atol=1e-6)


def test_l1_proximal_step_is_a_soft_threshold_and_subgradient_step_is_lr_l1_sign():
    x, y = mixture(10)
    net = Network(2, (6,), 3, weight_init=Init("normal", 0.1), bias_init=Init("normal", 0.1))
    lr, l1 = 0.1, 0.5  # threshold 0.05, half a weight's std
    common = dict(steps=1, loss="constant", optimizer="sgd")
    members = Members(seeds(18, 2), learning_rate=lr, l1=l1, layer_scale=(1.0, 0.0))
    prox = train(net, Training(l1_mode="proximal", **common), members, Data(x, y))
    sub = train(net, Training(l1_mode="subgradient", **common), members, Data(x, y))
    w0 = prox.initial_params[0]
    expected = np.sign(w0) * np.maximum(np.abs(w0) - lr * l1, 0.0)
    np.testing.assert_allclose(prox.final_params[0], expected, rtol=1e-6, atol=1e-7)
    assert np.count_nonzero(prox.final_params[0] == 0) == np.count_nonzero(np.abs(w0) <= lr * l1) > 0
    np.testing.assert_allclose(sub.final_params[0], w0 - lr * l1 * np.sign(w0), rtol=1e-6, atol=1e-7)
    for h in (prox, sub):  # layer_scale 0 and biases: untouched
        for i in (1, 2, 3):
            np.testing.assert_array_equal(h.final_params[i], h.initial_params[i])


def test_l1_proximal_makes_exact_zeros_where_subgradient_makes_almost_none():
    x, y = mixture(40)
    net = Network(2, (16,), 2, activation="tanh")
    members = Members(seeds(19, 2), learning_rate=0.5, l1=0.02)
    prox = train(net, Training(steps=60, optimizer="sgd", l1_mode="proximal"), members, Data(x, y))
    sub = train(net, Training(steps=60, optimizer="sgd", l1_mode="subgradient"), members, Data(x, y))
    n_weights = sum(p.size for p in prox.final_params[0::2])  # both members
    prox_zeros = sum(np.count_nonzero(p == 0) for p in prox.final_params[0::2])
    sub_zeros = sum(np.count_nonzero(p == 0) for p in sub.final_params[0::2])
    assert prox_zeros > 0.3 * n_weights
    assert sub_zeros <= 0.02 * n_weights
    assert np.all(prox.train_accuracy[:, -1] > 0.9) and np.all(sub.train_accuracy[:, -1] > 0.9)


def test_l1_and_l2_strengths_are_per_member():
    x, y = mixture(10)
    net = Network(2, (4,), 2)
    h = train(net, Training(steps=3, loss="constant", optimizer="sgd"),
              Members(seeds(20, 3), learning_rate=0.1, l1=np.array([0.0, 0.1, 0.0]),
                      l2=np.array([0.0, 0.0, 0.1])), Data(x, y))
    for layer in (0, 2):
        np.testing.assert_array_equal(h.final_params[layer][0], h.initial_params[layer][0])
        assert not np.array_equal(h.final_params[layer][1], h.initial_params[layer][1])
        assert not np.array_equal(h.final_params[layer][2], h.initial_params[layer][2])


# =========================================================================== shared weights


@pytest.mark.parametrize("k", range(1, 7))
def test_shared_layer_parameter_count_does_not_depend_on_depth(k):
    assert Network(1, (10,), 2, activation="relu", shared_repeats=k).n_parameters == 152


def test_per_member_repeats_apply_the_shared_layer_that_many_times():
    x, _ = data.curve_points("sin12", 16)
    net = Network(1, (6,), 2, activation="tanh", shared_repeats=3, bias_init=Init("normal", 0.3))
    same = [seeds(21, 1)[0]] * 3
    members = Members(same, repeats=np.array([1, 2, 3]))
    params = engine.initial_params(net, members)
    logits = predict(net, members, params, x)
    assert logits.shape == (3, 16, 2)
    for k, r in enumerate((1, 2, 3)):
        np.testing.assert_allclose(logits[k], np_logits(params, k, x, "tanh", repeats=r), rtol=1e-5, atol=1e-6)
    assert not np.allclose(logits[0], logits[1]) and not np.allclose(logits[1], logits[2])
    default = predict(net, Members(same), params, x)  # default: shared_repeats applications
    np.testing.assert_array_equal(default[0], logits[2])


def test_a_member_with_fewer_repeats_trains_like_a_shallower_shared_network():
    x, y = mixture(20)
    seed = seeds(22, 1)[0]
    deep = Network(2, (5,), 2, activation="tanh", shared_repeats=4)
    shallow = Network(2, (5,), 2, activation="tanh", shared_repeats=2)
    training = Training(steps=8, batch_size=8)
    mixed = train(deep, training, Members([seed, seed], learning_rate=0.05, repeats=[4, 2]), Data(x, y))
    alone = train(shallow, training, Members([seed], learning_rate=0.05), Data(x, y))
    assert_members_close(member_of(mixed, 1), member_of(alone, 0))
    assert not np.allclose(mixed.final_params[0][0], mixed.final_params[0][1])


@pytest.mark.parametrize("repeats, match", [([0, 1], "repeats"), ([1, 4], "repeats"), ([1, 2, 3], "repeats")])
def test_bad_repeats_raise(repeats, match):
    x, y = mixture(10)
    with pytest.raises(ValueError, match=match):
        train(Network(2, (4,), 2, shared_repeats=3), Training(steps=1),
              Members(seeds(0, 2), repeats=repeats), Data(x, y))


def test_bad_shared_network_definitions_raise():
    with pytest.raises(ValueError, match="shared_repeats"):
        Network(1, (4, 4), 2, shared_repeats=2)
    with pytest.raises(ValueError, match="shared_repeats"):
        Network(1, (4,), 2, shared_repeats=-1)
    x, y = mixture(10)
    with pytest.raises(ValueError, match="units"):
        train(Network(2, (4,), 2, shared_repeats=2), Training(steps=1),
              Members(seeds(0, 2), units=[[2], [3]]), Data(x, y))


def test_scalar_repeats_broadcast_like_the_other_member_fields():
    x, y = mixture(10)
    net = Network(2, (4,), 2, shared_repeats=3)
    scalar = train(net, Training(steps=2), Members(seeds(0, 2), repeats=2), Data(x, y))
    listed = train(net, Training(steps=2), Members(seeds(0, 2), repeats=[2, 2]), Data(x, y))
    assert_histories_equal(scalar, listed)


def test_repeats_without_a_shared_layer_are_rejected():
    x, y = mixture(10)
    with pytest.raises(ValueError, match="repeats"):
        train(Network(2, (4,), 2), Training(steps=1), Members(seeds(0, 2), repeats=[1, 2]), Data(x, y))


# =========================================================================== width masks


UNITS = [[6, 5], [3, 2], [1, 4]]


@pytest.fixture(scope="module")
def masked_run():
    x, y = mixture(24, seed=4)
    # sigmoid(0) = 0.5: a masked unit with zero weights would still emit a signal (and pass
    # gradient to its outgoing weights) if the forward pass did not apply the mask.
    net = Network(2, (6, 5), 2, activation="sigmoid", bias_init=Init("normal", 0.3))
    members = Members(seeds(23, 3), learning_rate=0.5, units=np.array(UNITS))
    h = train(net, Training(steps=5, optimizer="sgd"), members, Data(x, y),
              Recording(every=1, statistics=("rms", "frobenius", "sign_flips"), weights=True))
    return net, members, x, y, h


def _masked_entries(params, k, units):
    """Boolean masks of the entries of member k's params that lie outside its real width."""
    u0, u1 = units
    shapes = [p.shape[1:] for p in params]
    out = [np.zeros(s, bool) for s in shapes]
    out[0][:, u0:] = True
    out[1][u0:] = True
    out[2][u0:, :] = True
    out[2][:, u1:] = True
    out[3][u1:] = True
    out[4][u1:, :] = True
    return out


def test_masked_weights_are_exactly_zero_before_and_after_training(masked_run):
    _, _, _, _, h = masked_run
    for k, units in enumerate(UNITS):
        for params in (h.initial_params, h.final_params):
            for p, outside in zip(params, _masked_entries(params, k, units)):
                assert np.all(p[k][outside] == 0)
    # and the real entries did train
    assert not np.allclose(h.final_params[0][1][:, :3], h.initial_params[0][1][:, :3])


def test_masked_member_trains_like_a_network_of_its_real_width(masked_run):
    """Sub-blocks of the padded member follow exactly the SGD trajectory of an unpadded
    network of the member's width started from the same (unmasked) weights."""
    _, members, x, y, h = masked_run
    for k, (u0, u1) in enumerate(UNITS):
        start = [p[k] for p in h.initial_params]
        sub = [start[0][:, :u0], start[1][:u0], start[2][:u0, :u1], start[3][:u1], start[4][:u1, :],
               start[5]]
        expected = reference_sgd(sub, x, one_hot(y, 2), "sigmoid", 0.5, [np.arange(len(x))] * 5)
        final = [p[k] for p in h.final_params]
        got = [final[0][:, :u0], final[1][:u0], final[2][:u0, :u1], final[3][:u1], final[4][:u1, :],
               final[5]]
        for g, e in zip(got, expected, strict=True):
            np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6)
        logits = np_logits(h.final_params, k, x, "sigmoid", units=(u0, u1))
        expected_loss = np_loss("cross_entropy", logits, one_hot(y, 2)).mean()
        assert h.train_loss[k, -1] == pytest.approx(expected_loss, rel=1e-5)


def test_rms_statistic_divides_by_the_real_number_of_weights(masked_run):
    _, _, _, _, h = masked_run
    rms, frob = h.statistics["rms"], h.statistics["frobenius"]
    for k, (u0, u1) in enumerate(UNITS):
        counts = [2 * u0, u0 * u1, u1 * 2]
        for r, params in ((0, h.initial_params), (-1, h.final_params)):
            for layer, count in enumerate(counts):
                w = np.float64(params[2 * layer][k])
                assert rms[k, r, layer] == pytest.approx(np.sqrt((w**2).sum() / count), rel=1e-5)
                assert frob[k, r, layer] == pytest.approx(np.sqrt((w**2).sum()), rel=1e-5)


def test_masked_weights_never_count_as_sign_flips(masked_run):
    """Masked weights sit at exactly 0: a zero is not a flip, so the per-step counts must match
    the sign changes between consecutive snapshots of the real weights only."""
    _, _, _, _, h = masked_run
    flips = h.statistics["sign_flips"]
    for layer, snap in enumerate(h.weights):
        s = np.sign(snap)
        np.testing.assert_array_equal(flips[:, 1:, layer], (s[:, 1:] * s[:, :-1] < 0).sum(axis=(2, 3)))


def test_full_width_mask_is_the_same_as_no_mask():
    x, y = mixture(20)
    net = Network(2, (5,), 2, activation="sigmoid")
    training = Training(steps=5, batch_size=8)
    masked = train(net, training, Members(seeds(24, 2), units=[[5], [2]], learning_rate=0.05), Data(x, y))
    plain = train(net, training, Members(seeds(24, 1), learning_rate=0.05), Data(x, y))
    assert_members_close(member_of(masked, 0), member_of(plain, 0))


def test_predict_applies_width_masks(masked_run):
    net, members, x, _, h = masked_run
    logits = predict(net, members, h.final_params, x)
    for k, units in enumerate(UNITS):
        np.testing.assert_allclose(logits[k], np_logits(h.final_params, k, x, "sigmoid", units=units),
                                   rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("units", [[[0], [2]], [[7], [2]], [[2, 2], [2, 2]], [[2]]])
def test_bad_units_raise(units):
    x, y = mixture(10)
    with pytest.raises(ValueError, match="units"):
        train(Network(2, (6,), 2), Training(steps=1), Members(seeds(0, 2), units=units), Data(x, y))


def test_masked_member_is_initialized_at_the_scale_of_its_real_width():
    net = Network(200, (400,), 1, weight_init=Init("glorot_uniform"))
    params = engine.initial_params(net, Members(seeds(25, 1), units=[[10]]))
    real_block = params[0][0][:, :10]
    assert real_block.std() == pytest.approx(np.sqrt(2.0 / (200 + 10)), rel=0.1)


# =========================================================================== data


def test_shared_and_identical_stacked_data_give_identical_histories():
    x, y = mixture(24)
    xt, yt = mixture(16, seed=9)
    k = 3
    net = Network(2, (5,), 2, activation="relu")
    training = Training(steps=7, batch_size=5)
    members = Members(seeds(26, k), learning_rate=0.05)
    rec = Recording(every=3, statistics=("rms",))
    shared = train(net, training, members, Data(x, y, xt, yt), rec)
    stacked = train(net, training, members, Data(np.stack([x] * k), np.stack([y] * k),
                                                 np.stack([xt] * k), np.stack([yt] * k)), rec)
    assert_histories_equal(shared, stacked)


def test_stacked_data_gives_each_member_its_own_draw():
    draws = [mixture(20, seed=s) for s in range(2)]
    net = Network(2, (5,), 2, activation="tanh")
    training = Training(steps=6, batch_size=6)
    member_list = seeds(27, 2)
    both = train(net, training, Members(member_list, learning_rate=0.05),
                 Data(np.stack([d[0] for d in draws]), np.stack([d[1] for d in draws])))
    for k, (x, y) in enumerate(draws):
        alone = train(net, training, Members(member_list[k:k + 1], learning_rate=0.05), Data(x, y))
        assert_members_close(member_of(both, k), member_of(alone, 0))


@pytest.mark.parametrize("batch_size", [None, 4])
def test_n_train_padding_trains_like_the_unpadded_rows(batch_size):
    """A member whose data are padded to the ensemble's row count, with n_train telling the
    engine how many rows are real, has the same history as that member trained alone on the
    real rows: same batches, same means, same recorded loss and accuracy."""
    x, y = mixture(30, seed=1)
    xt, yt = mixture(12, seed=2)
    m = 17
    net = Network(2, (5,), 2, activation="tanh")
    training = Training(steps=9, batch_size=batch_size)
    member_list = seeds(28, 2)
    rec = Recording(every=4, statistics=("rms", "distance_from_init", "sign_flips"))
    padded = train(net, training, Members(member_list[::-1], learning_rate=0.05),
                   Data(x, y, xt, yt, n_train=[30, m]), rec)
    alone = train(net, training, Members(member_list[:1], learning_rate=0.05),
                  Data(x[:m], y[:m], xt, yt), rec)
    assert_members_close(member_of(padded, 1), member_of(alone, 0))


def test_padded_rows_content_is_irrelevant():
    x, y = mixture(20, seed=1)
    m = 11
    garbage = np.stack([x, x]).copy()
    zeros = garbage.copy()
    garbage[1, m:] = np.random.default_rng(0).normal(scale=100.0, size=garbage[1, m:].shape)
    zeros[1, m:] = 0.0
    labels = np.stack([y, y])
    net = Network(2, (5,), 2, activation="tanh")
    run = lambda xs: train(net, Training(steps=6, batch_size=4), Members(seeds(29, 2), learning_rate=0.05),
                           Data(xs, labels, n_train=[20, m]))
    assert_histories_equal(run(garbage), run(zeros))


def test_regression_head_records_nan_accuracy_and_finite_losses():
    x, t = data.curve_points("abs", 20)
    net = Network(1, (6,), 1, activation="relu")
    h = train(net, Training(steps=5, loss="mse"), Members(seeds(30, 2)), Data(x, t, x, t))
    assert np.all(np.isnan(h.train_accuracy)) and np.all(np.isnan(h.test_accuracy))
    assert h.train_accuracy.shape == h.train_loss.shape == (2, 2)
    assert np.all(np.isfinite(h.train_loss)) and np.all(np.isfinite(h.test_loss))
    np.testing.assert_allclose(h.test_loss, h.train_loss, rtol=1e-6)  # same points


def test_test_set_is_optional():
    x, y = mixture(20)
    xt, yt = mixture(10, seed=5)
    net = Network(2, (4,), 2)
    members = Members(seeds(31, 2), learning_rate=0.05)
    without = train(net, Training(steps=4), members, Data(x, y))
    with_ = train(net, Training(steps=4), members, Data(x, y, xt, yt))
    assert np.all(np.isnan(without.test_loss)) and np.all(np.isnan(without.test_accuracy))
    assert without.test_loss.shape == (2, 2)
    assert np.all(np.isfinite(with_.test_loss)) and np.all(np.isfinite(with_.test_accuracy))
    np.testing.assert_array_equal(without.train_loss, with_.train_loss)
    for k in range(2):  # the recorded test metrics are those of the final params on the test set
        logits = np_logits(with_.final_params, k, xt, "sigmoid")
        assert with_.test_loss[k, -1] == pytest.approx(np_loss("cross_entropy", logits, one_hot(yt, 2)).mean(),
                                                       rel=1e-5)
        assert with_.test_accuracy[k, -1] == pytest.approx((logits.argmax(-1) == yt).mean())


# =========================================================================== batches


def test_batch_order_covers_every_row_once_per_epoch_with_a_masked_partial_last_batch():
    members = Members(seeds(32, 3))
    idx, mask = batch_order(members, 10, 4, 9)  # 3 batches per epoch, 3 epochs
    assert idx.shape == mask.shape == (3, 9, 4)
    assert idx.dtype == np.int32 and mask.dtype == np.float32
    for k in range(3):
        for epoch in range(3):
            block_idx, block_mask = idx[k, 3 * epoch:3 * epoch + 3], mask[k, 3 * epoch:3 * epoch + 3]
            assert block_mask.sum(axis=1).tolist() == [4, 4, 2]
            assert sorted(block_idx[block_mask > 0].tolist()) == list(range(10))
            assert np.all(block_idx[block_mask == 0] == 0)  # padding points at a valid row
        epochs = [tuple(idx[k, 3 * e:3 * e + 3][mask[k, 3 * e:3 * e + 3] > 0]) for e in range(3)]
        assert len(set(epochs)) == 3  # reshuffled each epoch
    assert not np.array_equal(idx[0], idx[1])  # members draw their own orders


def test_batch_order_per_member_row_counts_and_batch_larger_than_data():
    members = Members(seeds(33, 2))
    idx, mask = batch_order(members, [3, 8], 5, 4)
    assert idx.shape == (2, 4, 5)
    assert mask[0].sum(axis=1).tolist() == [3, 3, 3, 3]  # whole epoch in each batch
    assert mask[1].sum(axis=1).tolist() == [5, 3, 5, 3]
    for s in range(4):
        assert sorted(idx[0, s][mask[0, s] > 0].tolist()) == [0, 1, 2]
    assert np.all(idx[0][mask[0] > 0] < 3)


def test_batch_order_of_a_member_does_not_depend_on_the_ensemble_size():
    member_list = seeds(34, 3)
    alone, alone_mask = batch_order(Members(member_list[:1]), 13, 4, 10)
    three, three_mask = batch_order(Members(member_list), 13, 4, 10)
    np.testing.assert_array_equal(alone[0], three[0])
    np.testing.assert_array_equal(alone_mask[0], three_mask[0])


def test_batch_order_is_continuous_across_takes_like_the_engines_chunks():
    members = Members(seeds(35, 2))
    whole, whole_mask = batch_order(members, 7, 3, 11)
    order = engine.BatchOrder(members, np.array([7, 7]), 3)
    parts = [order.take(n) for n in (4, 1, 6)]
    np.testing.assert_array_equal(np.concatenate([p[0] for p in parts], axis=1), whole)
    np.testing.assert_array_equal(np.concatenate([p[1] for p in parts], axis=1), whole_mask)


def test_full_batch_equals_one_batch_of_every_row():
    x, y = mixture(16)
    net = Network(2, (5,), 2, activation="tanh")
    members = Members(seeds(36, 2), learning_rate=0.05)
    full = train(net, Training(steps=5, batch_size=None), members, Data(x, y))
    whole = train(net, Training(steps=5, batch_size=16), members, Data(x, y))
    big = train(net, Training(steps=5, batch_size=100), members, Data(x, y))
    for a, b, c in zip(full.final_params, whole.final_params, big.final_params):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(a, c, rtol=1e-5, atol=1e-6)
    small = train(net, Training(steps=5, batch_size=4), members, Data(x, y))
    assert not np.allclose(full.final_params[0], small.final_params[0])


# =========================================================================== recording


def test_recording_steps_include_ends_multiples_of_every_and_at():
    assert Recording().steps(7).tolist() == [0, 7]
    assert Recording(every=3).steps(10).tolist() == [0, 3, 6, 9, 10]
    assert Recording(every=5).steps(10).tolist() == [0, 5, 10]
    assert Recording(every=4, at=(1, 4, 11, -2, 99)).steps(10).tolist() == [0, 1, 4, 8, 10]


ALL_STATS = tuple(STATISTICS)


@pytest.fixture(scope="module")
def recorded_run():
    x, y = mixture(30)
    net = Network(2, (6, 4), 3, activation="tanh")
    y3 = y + (x[:, 0] > 1)  # three classes
    h = train(net, Training(steps=10, batch_size=7), Members(seeds(37, 2), learning_rate=0.1),
              Data(x, y3), Recording(every=4, at=(1,), statistics=ALL_STATS, weights=True))
    return net, x, y3, h


def test_history_shapes_follow_the_recording(recorded_run):
    net, _, _, h = recorded_run
    assert h.steps.tolist() == [0, 1, 4, 8, 10]
    for curve in (h.train_loss, h.train_accuracy, h.test_loss, h.test_accuracy):
        assert curve.shape == (2, 5)
    assert set(h.statistics) == set(ALL_STATS)
    for values in h.statistics.values():
        assert values.shape == (2, 5, 3)
    assert [w.shape for w in h.weights] == [(2, 5, 2, 6), (2, 5, 6, 4), (2, 5, 4, 3)]
    assert [p.shape for p in h.initial_params] == [(2, 2, 6), (2, 6), (2, 6, 4), (2, 4), (2, 4, 3), (2, 3)]


def test_weight_snapshots_start_at_initial_and_end_at_final_params(recorded_run):
    _, _, _, h = recorded_run
    for layer, snap in enumerate(h.weights):
        np.testing.assert_array_equal(snap[:, 0], h.initial_params[2 * layer])
        np.testing.assert_array_equal(snap[:, -1], h.final_params[2 * layer])
        assert not np.array_equal(snap[:, 1], snap[:, 0])


def test_statistics_match_numpy_on_every_snapshot(recorded_run):
    _, _, _, h = recorded_run
    s = h.statistics
    for layer, snap in enumerate(h.weights):
        w = np.float64(snap)  # [K, R, in, out]
        w0 = w[:, :1]
        np.testing.assert_allclose(s["rms"][..., layer], np.sqrt((w**2).mean(axis=(2, 3))), rtol=1e-5)
        np.testing.assert_allclose(s["frobenius"][..., layer], np.sqrt((w**2).sum(axis=(2, 3))), rtol=1e-5)
        spectral = np.array([[np.linalg.norm(w[k, r], 2) for r in range(w.shape[1])] for k in range(2)])
        np.testing.assert_allclose(s["spectral"][..., layer], spectral, rtol=1e-5)
        distance = np.sqrt(((w - w0) ** 2).sum(axis=(2, 3)))
        np.testing.assert_allclose(s["distance_from_init"][..., layer], distance, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(s["distance_from_init"][:, 0], 0.0)
    np.testing.assert_array_equal(s["sign_flips"][:, 0], 0.0)


def test_sign_flips_are_non_negative_integers(recorded_run):
    _, _, _, h = recorded_run
    flips = h.statistics["sign_flips"]
    assert np.all(flips >= 0) and np.all(flips == np.round(flips))
    assert flips.sum() > 0


def test_curves_are_the_losses_of_the_snapshot_weights(recorded_run):
    _, x, y, h = recorded_run
    for k in range(2):
        logits = np_logits(h.final_params, k, x, "tanh")
        assert h.train_loss[k, -1] == pytest.approx(np_loss("cross_entropy", logits, one_hot(y, 3)).mean(),
                                                    rel=1e-5)
        assert h.train_accuracy[k, -1] == pytest.approx((logits.argmax(-1) == y).mean())


def test_sign_flips_count_per_step_sign_changes_and_recording_does_not_change_training():
    x, y = mixture(20)
    net = Network(2, (6,), 2, activation="tanh", weight_init=Init("normal", 0.05))
    training = Training(steps=12, batch_size=5, optimizer="sgd")
    members = Members(seeds(38, 2), learning_rate=1.0)
    every_step = train(net, training, members, Data(x, y),
                       Recording(every=1, statistics=("sign_flips",), weights=True))
    sparse = train(net, training, members, Data(x, y), Recording(every=4, statistics=("sign_flips",)))
    for a, b in zip(every_step.final_params, sparse.final_params):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(every_step.train_loss[:, ::4], sparse.train_loss)
    flips = every_step.statistics["sign_flips"]
    assert flips.sum() > 0
    for layer, snap in enumerate(every_step.weights):
        s = np.sign(snap)
        changed = (s[:, 1:] * s[:, :-1] < 0).sum(axis=(2, 3))
        np.testing.assert_array_equal(flips[:, 1:, layer], changed)
    blocks = flips[:, 1:].reshape(2, 3, 4, 2).sum(axis=2)
    np.testing.assert_array_equal(sparse.statistics["sign_flips"][:, 1:], blocks)


# =========================================================================== determinism


def _determinism_run():
    x, y = mixture(24)
    xt, yt = mixture(10, seed=3)
    net = Network(2, (5, 3), 2, activation="relu")
    return train(net, Training(steps=12, batch_size=5, l1_mode="proximal"),
                 Members(seeds(39, 3), learning_rate=np.array([0.01, 0.05, 0.1]), l1=1e-3, l2=1e-3),
                 Data(x, y, xt, yt),
                 Recording(every=4, statistics=("rms", "frobenius", "spectral", "distance_from_init"),
                           weights=True))


def test_two_identical_runs_are_bit_identical():
    assert_histories_equal(_determinism_run(), _determinism_run())


def test_results_do_not_depend_on_chunking(monkeypatch):
    default = _determinism_run()
    monkeypatch.setattr(engine, "CHUNK_ELEMENTS", 1)  # one step per compiled call
    assert_histories_equal(_determinism_run(), default)


def test_sign_flips_do_not_depend_on_chunking(monkeypatch):
    x, y = mixture(20)
    net = Network(2, (8,), 2, activation="tanh", weight_init=Init("normal", 0.05))
    run = lambda: train(net, Training(steps=12, batch_size=5, optimizer="sgd"),
                        Members(seeds(40, 2), learning_rate=1.0), Data(x, y),
                        Recording(every=6, statistics=("sign_flips",)))
    default = run()
    assert default.statistics["sign_flips"].sum() > 0
    monkeypatch.setattr(engine, "CHUNK_ELEMENTS", 1)
    np.testing.assert_array_equal(run().statistics["sign_flips"], default.statistics["sign_flips"])


def test_a_members_history_does_not_depend_on_k_or_position():
    x, y = mixture(20)
    net = Network(2, (5,), 2, activation="tanh")
    member_list = seeds(41, 3)
    training = Training(steps=6, batch_size=6)
    three = train(net, training, Members(member_list, learning_rate=np.array([0.01, 0.02, 0.03])), Data(x, y))
    last = train(net, training, Members(member_list[2:], learning_rate=0.03), Data(x, y))
    assert_members_close(member_of(three, 2), member_of(last, 0))


# =========================================================================== validation


def _tiny_train(network=None, training=None, members=None, data_=None, recording=Recording()):
    x, y = mixture(10)
    return train(network or Network(2, (3,), 2), training or Training(steps=1),
                 members or Members(seeds(0, 2)), data_ or Data(x, y), recording)


_X, _Y = mixture(10)

VALIDATION_CASES = {
    "negative steps": (lambda: Training(steps=-1), "steps"),
    "zero steps": (lambda: Training(steps=0), "steps"),
    "bad batch_size": (lambda: Training(steps=1, batch_size=0), "batch_size"),
    "unknown loss": (lambda: Training(steps=1, loss="l3"), "loss"),
    "unknown optimizer": (lambda: Training(steps=1, optimizer="rmsprop"), "optimizer"),
    "unknown l1_mode": (lambda: Training(steps=1, l1_mode="lasso"), "l1_mode"),
    "momentum of 1": (lambda: Training(steps=1, momentum=1.0), "momentum"),
    "unknown activation": (lambda: Network(2, (3,), 2, activation="gelu"), "activation"),
    "zero width": (lambda: Network(2, (0,), 2), "width"),
    "zero inputs": (lambda: Network(0, (3,), 2), "n_inputs"),
    "zero learning_rate": (lambda: Members(seeds(0, 2), learning_rate=0.0), "learning_rate"),
    "negative learning_rate": (lambda: Members(seeds(0, 2), learning_rate=[0.1, -0.1]), "learning_rate"),
    "nan l1": (lambda: Members(seeds(0, 2), l1=np.nan), "l1"),
    "negative l2": (lambda: Members(seeds(0, 2), l2=-1.0), "l2"),
    "no seeds": (lambda: Members(()), "seeds"),
    "unknown statistic": (lambda: Recording(statistics=("rms", "nuclear")), "statistics"),
    "zero every": (lambda: Recording(every=0), "every"),
    "wrong number of features": (lambda: _tiny_train(network=Network(3, (3,), 2)), "x_train"),
    "stacked data with the wrong K": (
        lambda: _tiny_train(data_=Data(np.stack([_X] * 3), np.stack([_Y] * 3))), "x_train"),
    "label too large": (lambda: _tiny_train(data_=Data(_X, _Y + 1)), "labels"),
    "negative label": (lambda: _tiny_train(data_=Data(_X, _Y - 1)), "labels"),
    "regression targets of the wrong width": (
        lambda: _tiny_train(data_=Data(_X, np.zeros((10, 3), np.float32))), "targets"),
    "layer_scale of the wrong length": (
        lambda: _tiny_train(members=Members(seeds(0, 2), layer_scale=(1.0,))), "layer_scale"),
    "layer_scale with the wrong K": (lambda: Members(seeds(0, 2), layer_scale=[[1.0, 1.0]] * 3), "layer_scale"),
    "negative layer_scale": (lambda: Members(seeds(0, 2), layer_scale=(1.0, -1.0)), "layer_scale"),
    "n_train too large": (lambda: _tiny_train(data_=Data(_X, _Y, n_train=[10, 11])), "n_train"),
    "n_train zero": (lambda: _tiny_train(data_=Data(_X, _Y, n_train=[0, 5])), "n_train"),
    "n_train of the wrong length": (lambda: _tiny_train(data_=Data(_X, _Y, n_train=[5, 5, 5])), "n_train"),
    "units of the wrong length": (
        lambda: _tiny_train(members=Members(seeds(0, 2), units=[[2], [2], [2]])), "units"),
}


@pytest.mark.parametrize("case", sorted(VALIDATION_CASES))
def test_bad_values_raise_value_error_naming_the_parameter(case):
    make, match = VALIDATION_CASES[case]
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize("case, match", [("x_test features", "x_test"), ("y_train rows", "y_train"),
                                         ("y_test rows", "y_test")])
def test_shape_mismatches_outside_x_train_name_the_parameter(case, match):
    bad = {"x_test features": Data(_X, _Y, _X[:, :1], _Y), "y_train rows": Data(_X, _Y[:-1]),
           "y_test rows": Data(_X, _Y, _X, _Y[:-1])}[case]
    with pytest.raises(ValueError, match=match):
        _tiny_train(data_=bad)


# =========================================================================== predict


def test_predict_reproduces_the_final_mse_loss():
    x, t = data.curve_points("sin12", 24)
    net = Network(1, (8,), 1, activation="tanh")
    members = Members(seeds(42, 3), learning_rate=0.02)
    h = train(net, Training(steps=20, loss="mse"), members, Data(x, t))
    logits = predict(net, members, h.final_params, x)
    assert logits.shape == (3, 24, 1) and logits.dtype == np.float32
    np.testing.assert_allclose(((logits - t[None]) ** 2).mean(axis=(1, 2)), h.train_loss[:, -1], rtol=1e-5)
    assert np.all(h.train_loss[:, -1] < h.train_loss[:, 0])
    grid = data.between_points(24, -1.0, 1.0)
    assert predict(net, members, h.final_params, grid).shape == (3, 23, 1)


def test_predict_reproduces_the_final_accuracy():
    x, y = mixture(30)
    net = Network(2, (5,), 2, activation="relu")
    members = Members(seeds(43, 2), learning_rate=0.05)
    h = train(net, Training(steps=10), members, Data(x, y))
    logits = predict(net, members, h.final_params, x)
    np.testing.assert_array_equal((logits.argmax(-1) == y[None]).mean(axis=1).astype(np.float32),
                                  h.train_accuracy[:, -1])


def test_predict_takes_each_members_own_points():
    """Held-out sets that differ by seed are scored by the engine's own forward pass, not a copy of it."""
    net = Network(6, (5, 4), 3, activation="relu", weight_init=Init("he_normal"), bias_init=Init("normal", 0.1))
    members = Members(seeds(44, 2))
    params = engine.initial_params(net, members)
    x = np.random.default_rng(0).normal(size=(2, 7, 6)).astype(np.float32)
    stacked = predict(net, members, params, x)
    assert stacked.shape == (2, 7, 3)
    for k in range(2):
        np.testing.assert_allclose(stacked[k], predict(net, members, params, x[k])[k], rtol=1e-6, atol=1e-7)


def test_xla_compiles_the_same_training_to_rounding_and_is_logged():
    """XLA fuses and reorders float32 operations, so only the last bits may differ from the plain graph."""
    from atoms.engine import WORK_LOG

    seeds = seeding.member_seeds(0, 3)
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((40, 5)).astype(np.float32), rng.integers(0, 2, 40)
    network = Network(5, (8, 8), 2, activation="tanh")
    results = {}
    for xla in (False, True):
        training = Training(steps=60, batch_size=8, optimizer="adam", xla=xla)
        results[xla] = train(network, training, Members(seeds=seeds), Data(x, y), Recording(every=20))
    for plain, compiled in zip(results[False].final_params, results[True].final_params):
        np.testing.assert_allclose(compiled, plain, rtol=1e-4, atol=1e-5)
    assert WORK_LOG["xla"] and WORK_LOG["flops"] > 0
