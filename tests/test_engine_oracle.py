"""Oracle tests: one engine member against plain Keras on the same weights and batches.

The engine re-implements forward pass, losses, penalties and optimizers on stacked tensors; the
only way to trust those re-implementations is to replay the same run in Keras and demand the
same loss at every recorded step.
"""

import numpy as np
import pytest

from atoms import data, seeding
from atoms.batches import batch_order
from atoms.engine import Data, Members, Network, Recording, Training, train
from atoms.tf_setup import load, tf

load()  # pins threads before Keras runs an op

import keras

STEPS = 200
EVERY = 20
TOLERANCE = 1e-5


def _keras_model(network: Network, params: list[np.ndarray], l2: float) -> keras.Model:
    regularizer = keras.regularizers.L2(l2) if l2 else None
    inputs = keras.Input((network.n_inputs,))
    dense = [keras.layers.Dense(o, activation=network.activation, kernel_regularizer=regularizer)
             for _, o in network.weight_shapes[:-1]]
    h = inputs
    if network.shared_repeats:
        h = dense[0](h)
        for _ in range(network.shared_repeats):
            h = dense[1](h)
    else:
        for layer in dense:
            h = layer(h)
    output = keras.layers.Dense(network.n_outputs, kernel_regularizer=regularizer)(h)
    model = keras.Model(inputs, output)
    model.set_weights([p[0] for p in params])
    return model


def _keras_losses(network, training, members, x, y, history, l2=0.0, sample_weight=None):
    """Replays member 0's batches through `train_on_batch` and returns losses at `history.steps`."""
    classification = np.issubdtype(y.dtype, np.integer)
    targets = np.eye(network.n_outputs, dtype=np.float32)[y] if classification else y
    loss = (keras.losses.CategoricalCrossentropy(from_logits=True) if classification
            else keras.losses.MeanSquaredError())
    optimizer = {"sgd": keras.optimizers.SGD(float(members.learning_rate[0])),
                 "adam": keras.optimizers.Adam(float(members.learning_rate[0]))}[training.optimizer]
    model = _keras_model(network, history.initial_params, l2)
    model.compile(optimizer=optimizer, loss=loss)
    if training.batch_size:
        indices, mask = batch_order(members, len(x), training.batch_size, training.steps)
    recorded = []
    for step in range(training.steps + 1):
        if step in history.steps:
            recorded.append(float(loss(targets, model(x))))
        if step == training.steps:
            break
        rows = indices[0, step][mask[0, step] > 0] if training.batch_size else np.arange(len(x))
        weights = None if sample_weight is None else sample_weight[rows]
        model.train_on_batch(x[rows], targets[rows], sample_weight=weights)
    return np.array(recorded)


def _mixture(n=64, dim=4):
    x, y = data.gaussian_mixture(n, dim, np.random.default_rng(1), class1_mean="ones")
    return data.split_and_scale(x, y, n - 8)


@pytest.mark.parametrize("optimizer,learning_rate", [("sgd", 0.5), ("adam", 0.01)])
@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_classifier_matches_keras(optimizer, learning_rate, activation):
    split = _mixture()
    network = Network(4, (8, 6), 2, activation=activation)
    training = Training(steps=STEPS, batch_size=10, optimizer=optimizer)
    members = Members(seeds=seeding.member_seeds(3, 2), learning_rate=learning_rate)
    history = train(network, training, members, Data(split.x_train, split.y_train), Recording(every=EVERY))
    reference = _keras_losses(network, training, members, split.x_train, split.y_train, history)
    np.testing.assert_allclose(history.train_loss[0], reference, rtol=TOLERANCE)
    assert reference[-1] < 0.8 * reference[0], "the run must actually learn for the comparison to mean much"


@pytest.mark.parametrize("optimizer,learning_rate", [("sgd", 0.2), ("adam", 0.01)])
def test_l2_penalty_matches_keras(optimizer, learning_rate):
    split = _mixture()
    network = Network(4, (8,), 2, activation="sigmoid")
    training = Training(steps=STEPS, batch_size=8, optimizer=optimizer)
    members = Members(seeds=seeding.member_seeds(4, 1), learning_rate=learning_rate, l2=0.01)
    history = train(network, training, members, Data(split.x_train, split.y_train), Recording(every=EVERY))
    reference = _keras_losses(network, training, members, split.x_train, split.y_train, history, l2=0.01)
    np.testing.assert_allclose(history.train_loss[0], reference, rtol=TOLERANCE)


@pytest.mark.parametrize("optimizer,learning_rate", [("sgd", 0.1), ("adam", 0.01)])
def test_shared_weight_network_matches_keras_layer_reuse(optimizer, learning_rate):
    x, y = data.alternating_points(16)
    network = Network(1, (10,), 2, activation="relu", shared_repeats=3)
    training = Training(steps=STEPS, optimizer=optimizer)
    members = Members(seeds=seeding.member_seeds(5, 1), learning_rate=learning_rate)
    history = train(network, training, members, Data(x, y), Recording(every=EVERY))
    reference = _keras_losses(network, training, members, x, y, history)
    np.testing.assert_allclose(history.train_loss[0], reference, rtol=TOLERANCE)
    assert network.n_parameters == 152


def test_full_batch_regression_matches_keras():
    x, y = data.curve_points("sin12", 50)
    network = Network(1, (16,), 1, activation="sigmoid")
    training = Training(steps=STEPS, loss="mse", optimizer="adam")
    members = Members(seeds=seeding.member_seeds(6, 1), learning_rate=0.01)
    history = train(network, training, members, Data(x, y), Recording(every=EVERY))
    reference = _keras_losses(network, training, members, x, y, history)
    np.testing.assert_allclose(history.train_loss[0], reference, rtol=TOLERANCE)


@pytest.mark.parametrize("batch_size", [None, 10])
def test_sample_weights_match_keras(batch_size):
    split = _mixture()
    weights = np.where(split.y_train == 1, 3.0, 0.5).astype(np.float32)
    network = Network(4, (8,), 2, activation="sigmoid")
    training = Training(steps=STEPS, batch_size=batch_size, optimizer="adam")
    members = Members(seeds=seeding.member_seeds(7, 1), learning_rate=0.01)
    history = train(network, training, members, Data(split.x_train, split.y_train, sample_weight=weights),
                    Recording(every=EVERY))
    reference = _keras_losses(network, training, members, split.x_train, split.y_train, history,
                              sample_weight=weights)
    np.testing.assert_allclose(history.train_loss[0], reference, rtol=TOLERANCE)
