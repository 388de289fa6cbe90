"""Speedup of 2 Dask workers over 1 on one chapter's seeds, measured within one run.

Each cluster's workers import TensorFlow before the clock starts (a cost paid once per worker, not per
chapter), then the chapter's seeds run in shards (one per worker) and merge. The ratio of the two wall
times is the speedup; the two merged results are checked to be bit-identical.

    .venv/bin/python benchmarks/dask_workers.py [CHAPTER] [-p NAME VALUE ...]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import yaml

from atoms import distribute
from atoms.experiment import experiment_class


def warm() -> None:
    from atoms.tf_setup import tf

    tf.constant(0.0).numpy()


def timed(experiment, workers: int):
    from distributed import Client

    with distribute.local_cluster(workers) as cluster, Client(cluster) as client:
        client.run(warm)
        started = time.perf_counter()
        result = distribute.run(experiment, cluster.scheduler_address)
        return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapter", nargs="?", default="05_memorization")
    parser.add_argument("-p", nargs=2, action="append", default=[["n_seeds", "4"]], metavar=("NAME", "VALUE"))
    args = parser.parse_args()
    experiment = experiment_class(args.chapter)(**{name: yaml.safe_load(value) for name, value in args.p})
    one, first = timed(experiment, 1)
    two, second = timed(experiment, 2)
    same = all(np.array_equal(first[name], second[name], equal_nan=True) for name in first.arrays)
    print(f"{args.chapter} {experiment.config.to_dict()}")
    print(f"1 worker: {one:.1f} s; 2 workers: {two:.1f} s (shards {second.meta['shards']}); "
          f"speedup {one / two:.2f}x; results bit-identical: {same}")


if __name__ == "__main__":
    main()
