"""A short fixed workload that says how fast this machine is, right now.

Machines of this kind differ about 3x in speed from day to day, so wall seconds are no budget
on their own. Every chapter run times this probe next to its own work: the probe's time, against
the reference machine's, scales the chapter's wall time to what it would have taken there
(`normalized`), and its sgemm rate says how much arithmetic the machine offers, to compare with
the rate a chapter achieved.
"""

from __future__ import annotations

import time

import numpy as np

REFERENCE_PROBE_SECONDS = 1.0
"""The probe's time on the reference machine, a defined constant rather than one machine: this project's
2-core machine measured 0.645 s idle on 2026-12-05 (load average 0.07; median of five probes in fresh
processes: 0.630, 0.637, 0.645, 0.655, 0.690 s) and 0.64 to 3.6 s after the chapter runs of the same day under
shared load. The reference is 1.55 times slower than that machine idle, so a chapter within its budget here
fits that budget on a machine of the slower days. Budgets are judged in seconds of the reference."""

PROBE_MEMBERS, PROBE_STEPS, PROBE_REPEATS, SGEMM_SIZE, SGEMM_REPEATS = 30, 500, 3, 512, 40


def probe() -> dict[str, float]:
    """Time one small stacked-ensemble training and an sgemm loop on the project's pinned numeric setting.

    The training is timed three times and the median kept: the first call in a fresh process also pays for
    TensorFlow's start-up (about 4 s here against 0.6 s), and one call alone moves with a neighbour's burst."""
    from atoms import data, seeding
    from atoms.engine import Data, Members, Network, Recording, Training, train
    from atoms.tf_setup import tf

    seeds = seeding.member_seeds(0, PROBE_MEMBERS)
    x, y = data.gaussian_mixture(400, 12, seeding.generator(seeds[0], seeding.DATA), class1_mean="ones")
    network = Network(12, (10, 10), 2, activation="sigmoid")
    engine_seconds = []
    for _ in range(PROBE_REPEATS):
        started = time.perf_counter()
        train(network, Training(steps=PROBE_STEPS, batch_size=16, optimizer="adam"), Members(seeds=seeds),
              Data(x.astype(np.float32), y), Recording())
        engine_seconds.append(time.perf_counter() - started)

    a = tf.constant(np.random.default_rng(0).standard_normal((SGEMM_SIZE, SGEMM_SIZE)), tf.float32)

    @tf.function
    def chain(m):
        for _ in range(SGEMM_REPEATS):
            m = tf.linalg.matmul(m, a) * (1.0 / SGEMM_SIZE)
        return m

    chain(a).numpy()
    started = time.perf_counter()
    chain(a).numpy()
    sgemm_seconds = time.perf_counter() - started
    return {"speed_probe_seconds": float(np.median(engine_seconds)),
            "sgemm_gflops": 2.0 * SGEMM_SIZE ** 3 * SGEMM_REPEATS / sgemm_seconds / 1e9}


def normalized(wall_seconds: float, probe_seconds: float) -> float:
    """Wall time scaled to the reference machine: a machine twice as slow on the probe halves it."""
    return wall_seconds * REFERENCE_PROBE_SECONDS / probe_seconds
