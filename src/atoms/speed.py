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
"""The probe's time on the reference machine: this project's 2-core machine on 2026-12-05, idle,
median of five probes in fresh processes. Budgets are judged in seconds of that machine."""

PROBE_MEMBERS, PROBE_STEPS, SGEMM_SIZE, SGEMM_REPEATS = 30, 500, 512, 40


def probe() -> dict[str, float]:
    """Time one small stacked-ensemble training (tracing included, as in every chapter) and an
    sgemm loop on the project's pinned numeric setting."""
    from atoms import data, seeding
    from atoms.engine import Data, Members, Network, Recording, Training, train
    from atoms.tf_setup import tf

    seeds = seeding.member_seeds(0, PROBE_MEMBERS)
    x, y = data.gaussian_mixture(400, 12, seeding.generator(seeds[0], seeding.DATA), class1_mean="ones")
    network = Network(12, (10, 10), 2, activation="sigmoid")
    started = time.perf_counter()
    train(network, Training(steps=PROBE_STEPS, batch_size=16, optimizer="adam"), Members(seeds=seeds),
          Data(x.astype(np.float32), y), Recording())
    engine_seconds = time.perf_counter() - started

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
    return {"speed_probe_seconds": engine_seconds,
            "sgemm_gflops": 2.0 * SGEMM_SIZE ** 3 * SGEMM_REPEATS / sgemm_seconds / 1e9}


def normalized(wall_seconds: float, probe_seconds: float) -> float:
    """Wall time scaled to the reference machine: a machine twice as slow on the probe halves it."""
    return wall_seconds * REFERENCE_PROBE_SECONDS / probe_seconds
