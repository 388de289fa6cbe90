"""The Experiment contract every chapter follows, in the manner of scikit-learn's estimators.

Configuration goes in (validated at construction), `run()` comes out with a `Result`, and the
learned state is kept as `result_`. A `Result` is data first: tidy arrays with named axes that
survive a JSON round-trip, so a chapter's figures and claims can be rebuilt from its results
file without training anything again.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from atoms.claims import Claim, judge
from atoms.config import Config

EXPERIMENTS: dict[str, type[Experiment]] = {}


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
        started = time.perf_counter()
        arrays, dims, coords = self._run(self.config)
        result = Result(self.name, self.config.to_dict(), arrays, dims, coords,
                        {"seconds": time.perf_counter() - started})
        self.result_ = result
        return result

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
