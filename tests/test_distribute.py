"""Seeds spread over a Dask cluster: a sharded run is bit-identical to a single-process one, a worker
killed mid-run costs time but no seed, and merging refuses parts that do not make one run."""

import os
import signal
import threading
import time

import numpy as np
import pytest

from atoms import distribute
from atoms.experiment import Result, every_experiment, experiment_class

CHAPTER = "05_memorization"
PARAMS = {"profile": "smoke", "n_seeds": 4, "steps": 300, "record_every": 100, "width": 32}


def identical(a: Result, b: Result) -> bool:
    return (a.config, a.dims, a.coords) == (b.config, b.dims, b.coords) and all(
        a.arrays[name].dtype == b.arrays[name].dtype and np.array_equal(a.arrays[name], b.arrays[name], equal_nan=True)
        for name in a.arrays)


def part(seeds, shared=(1.0, 2.0)) -> Result:
    return Result("x", {"n_seeds": 4, "profile": "smoke"},
                  {"loss": np.array([[10.0 * s, 10.0 * s + 1] for s in seeds]), "grid": np.array(shared)},
                  {"loss": ("seed", "step"), "grid": ("point",)}, {"seed": list(seeds), "step": [0, 1]},
                  {"seconds": 1.0})


def test_merge_joins_parts_in_seed_order():
    merged = Result.merge([part([2, 3]), part([0]), part([1])])
    assert merged.coords["seed"] == [0, 1, 2, 3]
    assert merged["loss"][:, 0].tolist() == [0, 10, 20, 30]
    assert merged.meta["shards"] == [[2, 3], [0], [1]]


@pytest.mark.parametrize("seeds, message", [([[0, 1], [1, 2, 3]], r"lost \[\], twice \[1\]"),
                                            ([[0, 1], [3]], r"lost \[2\], twice \[\]")])
def test_merge_refuses_a_lost_or_doubled_seed(seeds, message):
    with pytest.raises(ValueError, match=message):
        Result.merge([part(s) for s in seeds])


def test_merge_refuses_an_array_computed_from_several_seeds():
    with pytest.raises(ValueError, match="'grid' has no seed axis yet differs"):
        Result.merge([part([0, 1]), part([2, 3], shared=(1.0, 2.5))])


def test_shards_cut_every_seed_once():
    assert distribute.shards(5, 2) == [[0, 1, 2], [3, 4]]
    assert distribute.shards(2, 8) == [[0], [1]]


@pytest.fixture(scope="module")
def reference() -> Result:
    return experiment_class(CHAPTER)(**PARAMS).run()


@pytest.fixture(scope="module")
def cluster():
    with distribute.local_cluster(2) as local:
        yield local


@pytest.mark.slow
def test_sharded_run_is_bit_identical(cluster, reference):
    sharded = distribute.run(experiment_class(CHAPTER)(**PARAMS), cluster.scheduler_address)
    assert sharded.meta["shards"] == [[0, 1], [2, 3]]
    assert identical(sharded, reference)


@pytest.mark.slow
def test_a_worker_killed_mid_run_loses_no_seed(cluster, reference):
    from distributed import Client

    done = {}
    runner = threading.Thread(target=lambda: done.update(result=distribute.run(
        experiment_class(CHAPTER)(**PARAMS), cluster.scheduler_address)))
    with Client(cluster.scheduler_address) as client:
        pids = client.run(os.getpid)
        runner.start()
        deadline = time.monotonic() + 30
        while not any(client.processing().values()) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        busy = [worker for worker, keys in client.processing().items() if keys]
        assert busy and "result" not in done, "no shard was running to interrupt"
        os.kill(pids[busy[0]], signal.SIGKILL)
        runner.join(timeout=120)
        assert pids[busy[0]] not in client.run(os.getpid).values(), "the worker was not killed"
    assert "result" in done, "the sharded run did not finish after a worker was killed"
    assert identical(done["result"], reference)


SPLITTABLE = [cls for cls in every_experiment() if cls.seeds_run_apart]


@pytest.mark.slow
@pytest.mark.parametrize("cls", SPLITTABLE, ids=lambda cls: cls.name)
def test_a_chapter_that_splits_its_seeds_gives_the_whole_runs_bits(cls):
    """The claim `seeds_run_apart` makes, checked on the smoke profile in one process (no cluster needed)."""
    experiment = cls(profile="smoke", n_seeds=3)
    merged = Result.merge([experiment.run_seeds([2]), experiment.run_seeds([0, 1])])
    assert identical(merged, experiment.run())


@pytest.mark.parametrize("cls", [cls for cls in every_experiment() if not cls.seeds_run_apart],
                         ids=lambda cls: cls.name)
def test_a_chapter_that_does_not_split_refuses_a_part_before_training(cls):
    with pytest.raises(ValueError, match="does not give the same bits"):
        cls(profile="smoke").run_seeds([0])


def test_a_worker_count_below_one_is_refused_before_any_cluster_starts():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "atoms", "run", CHAPTER, "--workers", "0"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2 and "argument --workers: must be a whole number >= 1" in done.stderr
