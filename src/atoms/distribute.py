"""Seeds spread over a Dask cluster: shards of a chapter's seeds run on its workers and merge into one Result.

Seeds are the unit: a shard is `Experiment.run_seeds(indices)`, a pure function of the configuration and
the indices, so a shard lost with its worker is simply run again elsewhere (Dask reschedules it) and the
merge checks that every seed came back exactly once. The scheduling, retries and transport are Dask's
(`distributed`); this module only cuts the seeds and puts the parts together.
"""

from __future__ import annotations

import time

import numpy as np

from atoms.experiment import Experiment, Result, experiment_class

HOST = "127.0.0.1"


def local_cluster(workers: int):
    """A cluster on this machine: one single-threaded process per worker (TensorFlow here runs one thread
    per process, and each worker pays its own TensorFlow import once, for every chapter it serves)."""
    from distributed import LocalCluster

    return LocalCluster(host=HOST, n_workers=workers, threads_per_worker=1, processes=True,
                        dashboard_address=None)


def check_scheduler(address: str) -> int:
    """The worker threads of the cluster at `address`, or a one-line error before any chapter starts."""
    from distributed import Client

    try:
        with Client(address, timeout="10s") as client:
            threads = sum(client.nthreads().values())
    except (OSError, ValueError) as error:
        raise ValueError(f"cannot reach a Dask scheduler at {address}: {error}") from None
    if threads == 0:
        raise ValueError(f"the Dask cluster at {address} has no workers")
    return threads


def shards(n_seeds: int, parts: int) -> list[list[int]]:
    """Seed indices cut into at most `parts` contiguous runs of near-equal size."""
    return [chunk.tolist() for chunk in np.array_split(np.arange(n_seeds), min(parts, n_seeds))]


def run_shard(name: str, params: dict, indices: list[int]) -> tuple[Result, dict]:
    """On a worker: one shard, with the training work it did (for the results file's rate and XLA flag)."""
    from atoms.engine import WORK_LOG

    flops = WORK_LOG["flops"]
    part = experiment_class(name)(**params).run_seeds(indices)
    return part, {"flops": WORK_LOG["flops"] - flops, "xla": WORK_LOG["xla"]}


def run(experiment: Experiment, address: str) -> Result:
    """Every seed of `experiment`, in shards over the cluster at `address` (one per worker thread), or as one
    task there when the chapter's seeds do not give the same bits apart (`Experiment.seeds_run_apart`)."""
    from distributed import Client

    from atoms.engine import WORK_LOG

    n_seeds = getattr(experiment.config, "n_seeds", None)
    if n_seeds is None:
        raise ValueError(f"{experiment.name} has no n_seeds parameter, so its seeds cannot run apart")
    started = time.perf_counter()
    params = experiment.config.to_dict()
    with Client(address, timeout="30s") as client:
        threads = sum(client.nthreads().values())
        if threads == 0:
            raise ValueError(f"the Dask cluster at {address} has no workers")
        cut = shards(n_seeds, threads if type(experiment).seeds_run_apart else 1)
        futures = [client.submit(run_shard, experiment.name, params, indices, pure=False) for indices in cut]
        done = client.gather(futures)
    result = Result.merge([part for part, _ in done])
    for _, work in done:
        WORK_LOG["flops"] += work["flops"]
        WORK_LOG["xla"] = WORK_LOG["xla"] or work["xla"]
    result.meta.update(worker_seconds=result.meta["seconds"], seconds=time.perf_counter() - started,
                       scheduler=address)
    return result
