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

REFERENCE_PROBE_SECONDS = 0.71
"""The probe's time on the reference machine: this project's 2-core machine, idle (load average below 1),
the median of eleven probes in fresh processes on 2026-12-05 (0.641 to 0.866 s; median 0.710). Budgets are
judged in seconds of this machine at that speed. Until then the reference was a defined 1.0 s, a machine about
1.4 times slower; pilot timings quoted on the chapters' pages from that time are converted by x 0.71 (the probe
then timed three calls, the first of them cold, and kept the median: the larger of two warm timings)."""

PROBE_MEMBERS, PROBE_STEPS, PROBE_REPEATS, SGEMM_SIZE, SGEMM_REPEATS = 30, 500, 5, 512, 40


def probe() -> dict[str, float]:
    """Time one small stacked-ensemble training and an sgemm loop on the project's pinned numeric setting.

    A first, untimed call pays for TensorFlow's start-up and tracing (about 5 s here against 0.7 s); the
    training is then timed five times and the median kept, because one call alone moves by a third with a
    neighbour's burst (warm calls in one idle process measured 0.65 to 1.08 s)."""
    from atoms import data, seeding
    from atoms.engine import Data, Members, Network, Recording, Training, train
    from atoms.tf_setup import tf

    seeds = seeding.member_seeds(0, PROBE_MEMBERS)
    x, y = data.gaussian_mixture(400, 12, seeding.generator(seeds[0], seeding.DATA), class1_mean="ones")
    network = Network(12, (10, 10), 2, activation="sigmoid")
    def training():
        train(network, Training(steps=PROBE_STEPS, batch_size=16, optimizer="adam"), Members(seeds=seeds),
              Data(x.astype(np.float32), y), Recording())

    training()
    engine_seconds = []
    for _ in range(PROBE_REPEATS):
        started = time.perf_counter()
        training()
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
