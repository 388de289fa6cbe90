"""Optimizers written on stacked tensors, following Keras 3's update rules to the operation.

Keras' optimizers own one variable per weight; ours update `[K, ...]` stacks with a per-member
learning rate, so one compiled step serves every member. The oracle tests hold these rules to
Keras' trajectories.
"""

from __future__ import annotations

from atoms.tf_setup import tf

OPTIMIZERS = ("sgd", "momentum", "adam")
ADAM_BETA_1 = 0.9
ADAM_BETA_2 = 0.999
ADAM_EPSILON = 1e-7


def slot_count(name: str) -> int:
    return {"sgd": 0, "momentum": 1, "adam": 2}[name]


def initial_slots(name: str, params: list) -> list[list]:
    return [[tf.zeros_like(p) for p in params] for _ in range(slot_count(name))]


def _per_member(rate, like):
    return tf.reshape(rate, [-1] + [1] * (len(like.shape) - 1))


def apply(name: str, params, grads, slots, learning_rate, iteration, momentum: float):
    """One update; `iteration` counts updates already made (Adam's bias correction needs it)."""
    if name == "sgd":
        return [p - _per_member(learning_rate, p) * g for p, g in zip(params, grads)], slots
    if name == "momentum":
        velocity = [momentum * v - _per_member(learning_rate, p) * g
                    for p, g, v in zip(params, grads, slots[0])]
        return [p + v for p, v in zip(params, velocity)], [velocity]
    t = tf.cast(iteration + 1, tf.float32)
    beta_1_power = tf.pow(ADAM_BETA_1, t)
    beta_2_power = tf.pow(ADAM_BETA_2, t)
    first = [m + (g - m) * (1.0 - ADAM_BETA_1) for g, m in zip(grads, slots[0])]
    second = [v + (tf.square(g) - v) * (1.0 - ADAM_BETA_2) for g, v in zip(grads, slots[1])]
    new = [
        p - (m * (_per_member(learning_rate, p) * tf.sqrt(1.0 - beta_2_power) / (1.0 - beta_1_power)))
        / (tf.sqrt(v) + ADAM_EPSILON)
        for p, m, v in zip(params, first, second)
    ]
    return new, [first, second]
