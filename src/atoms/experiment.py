"""The Experiment contract every chapter follows, in the manner of scikit-learn's estimators.

Configuration goes in (validated at construction), `run()` comes out with a `Result`, and the
learned state is kept as `result_`. A `Result` is data first: tidy arrays with named axes that
survive a JSON round-trip, so a chapter's figures and claims can be rebuilt from its results
file without training anything again.
"""

from __future__ import annotations

import copy
import json
import os
import time
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from atoms import seeding
from atoms.claims import Claim, judge
from atoms.config import Config

EXPERIMENTS: dict[str, type[Experiment]] = {}
SCHEDULER_ENV = "ATOMS_SCHEDULER"
"""A Dask scheduler's address: when set, `Experiment.run` spreads its seeds over that cluster."""
SEED = "seed"


@dataclass
class Result:
    """Named arrays (`dims` say what each axis is) with the coordinates of those axes."""

    experiment: str
    config: dict[str, Any]
    arrays: dict[str, np.ndarray]
    dims: dict[str, tuple[str, ...]]
    coords: dict[str, list]
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        for name, values in self.arrays.items():
            axes = self.dims.get(name)
            if axes is None or len(axes) != np.ndim(values):
                raise ValueError(f"array {name!r} of shape {np.shape(values)} needs one dim name per axis")
            for axis, length in zip(axes, np.shape(values)):
                if axis in self.coords and len(self.coords[axis]) != length:
                    raise ValueError(f"array {name!r}: axis {axis!r} has {length} entries, "
                                     f"its coordinate {len(self.coords[axis])}")

    def __getitem__(self, name: str) -> np.ndarray:
        return self.arrays[name]

    @property
    def judged(self) -> bool:
        return self.config["profile"] == "full"

    def claims(self) -> list[Claim]:
        """The chapter's declared claims, judged together (see `atoms.claims.judge`)."""
        return experiment_class(self.experiment).claims(self)

    def numbers(self) -> dict[str, Any]:
        return experiment_class(self.experiment).numbers(self)

    def select(self, name: str, **where: Any) -> np.ndarray:
        """An array with some axes fixed by coordinate value: `result.select("error", target="sin12")`."""
        values, axes = self.arrays[name], list(self.dims[name])
        index: list[Any] = [slice(None)] * len(axes)
        for axis, value in where.items():
            if axis not in axes:
                raise ValueError(f"array {name!r} has no axis {axis!r}; its axes: {axes}")
            index[axes.index(axis)] = self.coords[axis].index(value)
        return values[tuple(index)]

    def plot(self) -> list:
        """The chapter's figures, in the order the page shows them."""
        return experiment_class(self.experiment).plot(self)

    def to_dict(self) -> dict[str, Any]:
        return {
            "experiment": self.experiment,
            "config": self.config,
            "arrays": {name: {"dims": list(self.dims[name]), "dtype": str(values.dtype),
                              "values": _nan_to_none(values.tolist())}
                       for name, values in self.arrays.items()},
            "coords": self.coords,
            "meta": self.meta,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), allow_nan=False)

    @classmethod
    def from_dict(cls, payload: dict[str, Any]) -> Result:
        arrays = {name: np.array(_none_to_nan(entry["values"]), dtype=entry["dtype"])
                  for name, entry in payload["arrays"].items()}
        dims = {name: tuple(entry["dims"]) for name, entry in payload["arrays"].items()}
        return cls(payload["experiment"], payload["config"], arrays, dims, payload["coords"], payload["meta"])

    @classmethod
    def from_json(cls, text: str) -> Result:
        return cls.from_dict(json.loads(text))

    @classmethod
    def merge(cls, parts: list[Result]) -> Result:
        """The run of every seed, bit for bit, from parts that each ran some seeds (`Experiment.run_seeds`).

        Arrays with a seed axis are joined along it in seed order; every other array and coordinate must
        be the same in every part, or the chapter computed it from several seeds and cannot be split.
        Each seed must come from exactly one part: a lost or doubled shard is an error, never a result.
        """
        if not parts:
            raise ValueError("nothing to merge: no parts")
        first = parts[0]
        for part in parts[1:]:
            if (part.experiment, part.config) != (first.experiment, first.config):
                raise ValueError(f"parts of different runs: {first.experiment} {first.config} and "
                                 f"{part.experiment} {part.config}")
            if part.dims != first.dims or set(part.coords) != set(first.coords):
                raise ValueError(f"parts of {first.experiment} name different arrays or axes")
        seeds = [seed for part in parts for seed in part.coords[SEED]]
        expected = list(range(first.config["n_seeds"]))
        if sorted(seeds) != expected:
            lost = sorted(set(expected) - set(seeds))
            twice = sorted({seed for seed in seeds if seeds.count(seed) > 1})
            raise ValueError(f"parts of {first.experiment} must hold each seed once: lost {lost}, twice {twice}")
        order = np.argsort(seeds, kind="stable")
        coords = {}
        for axis, values in first.coords.items():
            if axis != SEED and any(part.coords[axis] != values for part in parts):
                raise ValueError(f"coordinate {axis!r} differs between parts of {first.experiment}")
            coords[axis] = expected if axis == SEED else values
        arrays = {}
        for name, values in first.arrays.items():
            axes = first.dims[name]
            if SEED in axes:
                joined = np.concatenate([part.arrays[name] for part in parts], axis=axes.index(SEED))
                arrays[name] = np.take(joined, order, axis=axes.index(SEED))
            elif all(np.array_equal(part.arrays[name], values, equal_nan=values.dtype.kind in "fc")
                     for part in parts):
                arrays[name] = values
            else:
                raise ValueError(f"array {name!r} has no seed axis yet differs between parts: {first.experiment} "
                                 f"computes it from several seeds, so its seeds cannot run apart")
        meta = {"seconds": sum(part.meta["seconds"] for part in parts),
                "shards": [list(part.coords[SEED]) for part in parts]}
        return cls(first.experiment, first.config, arrays, first.dims, coords, meta)


def _nan_to_none(values):
    if isinstance(values, list):
        return [_nan_to_none(v) for v in values]
    return None if isinstance(values, float) and values != values else values


def _none_to_nan(values):
    if isinstance(values, list):
        return [_none_to_nan(v) for v in values]
    return float("nan") if values is None else values


class Experiment:
    """Base class: subclasses set `name`, `title`, `Config`, and implement `_run`, `declare` and `plot`.

    `declare(result)` lists the chapter's claims with their evidence (one to three of them
    primary); `claims(result)` judges them together. `numbers(result)` is the one hook for the
    values the chapter's page quotes beyond its configuration and verdicts.
    """

    name: ClassVar[str]
    title: ClassVar[str]
    Config: ClassVar[type[Config]] = Config
    seeds_run_apart: ClassVar[bool] = False
    """True only where a run split by seed was measured to give the whole run's bits. Elementwise kernels
    (sigmoid, exp) round the last `size mod 8` elements of a tensor by a scalar path, so a member's bits can
    depend on how many members share its stack; such chapters go to a cluster as one task."""
    full_seconds: ClassVar[float | None] = None
    """Normalized seconds of the default full run when the chapter was last tuned: the basis of `estimate`."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.name in EXPERIMENTS:
            raise ValueError(f"two experiments are named {cls.name!r}")
        EXPERIMENTS[cls.name] = cls

    def __init__(self, **params: Any):
        self.config = self.Config.from_params(params)

    def run(self) -> Result:
        """Every seed, here, or on the Dask cluster named by ATOMS_SCHEDULER (`atoms run --workers/--scheduler`
        sets it for the chapter's kernel): the same Result bit for bit either way."""
        if os.environ.get(SCHEDULER_ENV):
            from atoms import distribute

            self.result_ = distribute.run(self, os.environ[SCHEDULER_ENV])
            return self.result_
        started = time.perf_counter()
        arrays, dims, coords = self._run(self.config)
        result = Result(self.name, self.config.to_dict(), arrays, dims, coords,
                        {"seconds": time.perf_counter() - started})
        self.result_ = result
        return result

    def run_seeds(self, indices: list[int]) -> Result:
        """Only the seeds at these indices (of `n_seeds`), as a part for `Result.merge`.

        A seed's networks and data derive from the root seed and its index alone, so the chapter runs
        unchanged with `n_seeds` set to the part's size while `seeding.seed_part` hands out the
        members of these indices. The part keeps the whole run's configuration; the range checks on
        `n_seeds` (at least 2 for the statistics) concern the whole run, not a part.
        """
        total = getattr(self.config, "n_seeds", None)
        if total is None:
            raise ValueError(f"{self.name} has no n_seeds parameter, so its seeds cannot run apart")
        indices = [int(i) for i in indices]
        if not self.seeds_run_apart and indices != list(range(total)):
            raise ValueError(f"{self.name} does not give the same bits when its seeds run apart; run every seed "
                             f"together (without --workers or --scheduler, or as one task)")
        if not indices or len(set(indices)) != len(indices) or not all(0 <= i < total for i in indices):
            raise ValueError(f"seed indices must be distinct, in [0, {total}), and at least one; got {indices}")
        config = copy.copy(self.config)
        object.__setattr__(config, "n_seeds", len(indices))
        started = time.perf_counter()
        with seeding.seed_part(indices, total):
            arrays, dims, coords = self._run(config)
        if coords.get(SEED) != list(range(len(indices))):
            raise ValueError(f"{self.name} has no {SEED!r} axis of n_seeds entries, so its seeds cannot run apart")
        return Result(self.name, self.config.to_dict(), arrays, dims, {**coords, SEED: indices},
                      {"seconds": time.perf_counter() - started})

    @classmethod
    def estimate(cls, config: Config) -> float | None:
        """Normalized seconds this configuration should take, scaled from the default full run."""
        if cls.full_seconds is None:
            return None
        return cls.full_seconds * config.work_ratio(cls.Config.from_params({}))

    def _run(self, config) -> tuple[dict[str, np.ndarray], dict[str, tuple[str, ...]], dict[str, list]]:
        raise NotImplementedError

    @classmethod
    def declare(cls, result: Result) -> list[Claim]:
        raise NotImplementedError

    @classmethod
    def claims(cls, result: Result) -> list[Claim]:
        return judge(cls.declare(result), judged=result.judged)

    @classmethod
    def numbers(cls, result: Result) -> dict[str, Any]:
        return {}

    @classmethod
    def plot(cls, result: Result) -> list:
        raise NotImplementedError


def experiment_class(name: str) -> type[Experiment]:
    """Looks an experiment up by name. Chapter NN_topic lives in `atoms.experiments.topic`, so that module
    alone is imported (a second to check a run's parameters); any other name imports them all."""
    import importlib

    if name not in EXPERIMENTS:
        try:
            importlib.import_module(f"atoms.experiments.{name.split('_', 1)[-1]}")
        except ModuleNotFoundError:
            every_experiment()
    if name not in EXPERIMENTS:
        every_experiment()
        raise ValueError(f"unknown experiment {name!r}; known: {sorted(EXPERIMENTS)}")
    return EXPERIMENTS[name]


def every_experiment() -> list[type[Experiment]]:
    """Every chapter's class, in name order, after importing every module of `atoms.experiments`."""
    import importlib
    import pkgutil

    import atoms.experiments

    for module in pkgutil.iter_modules(atoms.experiments.__path__):
        importlib.import_module(f"atoms.experiments.{module.name}")
    return sorted(EXPERIMENTS.values(), key=lambda cls: cls.name)
