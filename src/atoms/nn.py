"""The building blocks the chapters vary: activations, losses and initializers.

Each table maps the name a chapter parameter uses to its definition, so that validation can
list what is allowed and the engine never needs an if-chain.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from atoms.tf_setup import tf

ACTIVATIONS = {
    "relu": lambda x: tf.nn.relu(x),
    "sigmoid": lambda x: tf.sigmoid(x),
    "tanh": lambda x: tf.tanh(x),
    "square": lambda x: tf.square(x),
    "sin": lambda x: tf.sin(x),
    "sign": lambda x: tf.sign(x),
    "identity": lambda x: tf.identity(x),
}
"""Each looked up when called, so that importing the tables does not import TensorFlow."""


def _mean_last(values):
    return tf.reduce_mean(values, axis=-1)


# Per-example losses: logits and targets [..., outputs] -> [...]. Mean over outputs matches
# Keras' MSE, MAE and hinge; the two sigmoid losses follow Nielsen's book (sum over outputs
# for cross-entropy, mean for the quadratic to match MSE's scale); softmax_mse is the squared
# loss on softmax outputs that a Part II reader trained with.
LOSSES = {
    "cross_entropy": lambda z, y: tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=z),
    "mse": lambda z, y: _mean_last(tf.square(z - y)),
    "mae": lambda z, y: _mean_last(tf.abs(z - y)),
    "fourth_power": lambda z, y: _mean_last(tf.square(tf.square(z - y))),
    "hinge": lambda z, y: _mean_last(tf.nn.relu(1.0 - (2.0 * y - 1.0) * z)),
    "sigmoid_mse": lambda z, y: _mean_last(tf.square(tf.sigmoid(z) - y)),
    "softmax_mse": lambda z, y: _mean_last(tf.square(tf.nn.softmax(z) - y)),
    "sigmoid_cross_entropy": lambda z, y: tf.reduce_sum(
        tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=z), axis=-1
    ),
    "constant": lambda z, y: 0.0 * tf.reduce_sum(z, axis=-1),
}

INITIALIZERS = ("glorot_uniform", "glorot_normal", "he_normal", "lecun_normal", "normal", "zeros", "ones")


@dataclass(frozen=True)
class Init:
    """An initializer by name; `std` is used by "normal" only.

    The normals are plain, not truncated as in Keras, because the reader-question chapters
    compare initial norms with formulas for Gaussian matrices. "lecun_normal", N(0, 1/fan_in), is
    Nielsen's default initialization.
    """

    name: str = "glorot_uniform"
    std: float = 1.0

    def __post_init__(self):
        if self.name not in INITIALIZERS:
            raise ValueError(f"initializer must be one of {INITIALIZERS}, got {self.name!r}")
        if not self.std > 0:
            raise ValueError(f"initializer std must be > 0, got {self.std!r}")

    def scale(self, fan_in, fan_out):
        """The standard deviation of a weight drawn for a `fan_in` x `fan_out` matrix (arrays work too),
        so that chapters compare measured norms with the formula the draw itself uses."""
        if self.name == "glorot_uniform":
            return np.sqrt(6.0 / (fan_in + fan_out)) / np.sqrt(3.0)
        if self.name == "glorot_normal":
            return np.sqrt(2.0 / (fan_in + fan_out))
        if self.name == "he_normal":
            return np.sqrt(2.0 / fan_in)
        if self.name == "lecun_normal":
            return 1.0 / np.sqrt(fan_in)
        if self.name == "normal":
            return self.std
        return 0.0

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
        fan_in, fan_out = (shape[0], shape[1]) if len(shape) == 2 else (shape[0], shape[0])
        if self.name == "glorot_uniform":
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            values = rng.uniform(-limit, limit, size=shape)
        elif self.name == "zeros":
            values = np.zeros(shape)
        elif self.name == "ones":
            values = np.ones(shape)
        else:
            values = rng.normal(0.0, self.scale(fan_in, fan_out), size=shape)
        return values.astype(np.float32)
