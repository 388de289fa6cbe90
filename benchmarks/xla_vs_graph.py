"""Does compiling the whole training loop with XLA pay, and how close does training get to the machine's sgemm rate?

Why this exists: the FLOP-bound chapters (3, 4, 5 and Part II on MNIST) train wide stacked networks, full batch
or large batch, where the plain tf.function graph reaches well under half of the matmul rate the machine offers.
Several chapters turn on `Training(xla=True)`; this script is the measurement behind that choice, on three
workloads shaped like the chapters', each trained with and without XLA in the same process:

    narrow:  30 members, 12-10-10-2 sigmoid, batch 16, 1,000 steps       (chapters 1, 7, 9-12: step-bound)
    wide:    20 members, 12-40-40-2 sigmoid, full batch of 1,200, 500 steps (chapter 4)
    deep:    15 members, 6-200-200-200-2 sigmoid, batch 64 of 256 rows, 2,500 steps (chapter 5)
    mnist:   8 members, 784-30-10 sigmoid, batch 10 of 8,000 rows, 2,000 steps (chapters 13, 16)

Each line prints wall seconds (first call, tracing and compilation included, as a chapter pays them), the training
GFLOP/s from the engine's own FLOP count (`atoms.engine.training_flops`), that rate as a share of the probe's
one-thread sgemm rate, and the XLA speedup as a ratio within this run. Machines here differ about 3x from day to
day, so only the ratios compare across runs. `--quick` divides the steps by ten.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from atoms import engine, seeding, speed
from atoms.engine import Data, Members, Network, Recording, Training, train

WORKLOADS = {
    "narrow": (Network(12, (10, 10), 2, activation="sigmoid"), 30, 400, 16, 1_000),
    "wide": (Network(12, (40, 40), 2, activation="sigmoid"), 20, 1_200, None, 500),
    "deep": (Network(6, (200, 200, 200), 2, activation="sigmoid"), 15, 256, 64, 2_500),
    "mnist": (Network(784, (30,), 10, activation="sigmoid"), 8, 8_000, 10, 2_000),
}


def stacked_data(network: Network, members: int, rows: int) -> Data:
    """Random inputs and labels, one draw per member: the arithmetic, not the task, is measured here."""
    rng = seeding.generator(seeding.member_seeds(0, 1)[0], seeding.DATA)
    x = rng.random((members, rows, network.n_inputs), dtype=np.float32)
    y = rng.integers(0, network.n_outputs, (members, rows))
    return Data(x, y, x[:, :100], y[:, :100])


def timed(name: str, xla: bool, quick: bool) -> tuple[float, float]:
    network, members, rows, batch, steps = WORKLOADS[name]
    steps = max(steps // 10, 10) if quick else steps
    data = stacked_data(network, members, rows)
    flops_before = engine.WORK_LOG["flops"]
    started = time.perf_counter()
    train(network, Training(steps=steps, batch_size=batch, optimizer="adam", xla=xla),
          Members(seeds=seeding.member_seeds(0, members)), data, Recording())
    seconds = time.perf_counter() - started
    return seconds, (engine.WORK_LOG["flops"] - flops_before) / seconds / 1e9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the steps (smoke test)")
    quick = parser.parse_args().quick
    sgemm = speed.probe()["sgemm_gflops"]
    print(f"sgemm on one thread: {sgemm:.1f} GFLOP/s")
    print(f"{'workload':8} {'graph s':>8} {'GFLOP/s':>8} {'of sgemm':>9} {'XLA s':>8} {'GFLOP/s':>8} "
          f"{'of sgemm':>9} {'XLA speedup':>12}")
    for name in WORKLOADS:
        graph_seconds, graph_rate = timed(name, False, quick)
        xla_seconds, xla_rate = timed(name, True, quick)
        print(f"{name:8} {graph_seconds:8.2f} {graph_rate:8.2f} {graph_rate / sgemm:9.0%} {xla_seconds:8.2f} "
              f"{xla_rate:8.2f} {xla_rate / sgemm:9.0%} {graph_seconds / xla_seconds:11.2f}x")


if __name__ == "__main__":
    main()
