"""The contract every Experiment class must keep, checked on each registered class.

Like scikit-learn's `check_estimator`, one set of checks runs over every chapter's class, so a
new chapter cannot forget validation, determinism, the JSON round-trip or its claims.
"""

import dataclasses
import json
import typing

import matplotlib.figure
import numpy as np
import pytest

from atoms.claims import Claim, Verdict
from atoms.config import Config
from atoms.experiment import Experiment, Result, every_experiment, experiment_class


from conftest import smoke_result

CLASSES = every_experiment()


def test_every_chapter_module_is_registered():
    assert CLASSES, "no Experiment class is registered"


@pytest.fixture(scope="module", params=CLASSES, ids=lambda cls: cls.name)
def smoke_runs(request):
    cls = request.param
    second = cls(profile="smoke")
    first = smoke_result(cls)
    return cls, second, second.run(), first


def _field_types(cls):
    hints = typing.get_type_hints(cls.Config)
    return [(spec, hints[spec.name]) for spec in dataclasses.fields(cls.Config)]


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.name)
def test_config_is_frozen_documented_and_has_seed_and_profile(cls):
    assert issubclass(cls.Config, Config)
    experiment = cls()
    with pytest.raises(dataclasses.FrozenInstanceError):
        experiment.config.seed = 1
    names = [spec.name for spec, _ in _field_types(cls)]
    assert {"seed", "profile"} <= set(names)
    for row in cls.Config.describe():
        assert row["doc"], f"parameter {row['name']} has no doc"


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.name)
def test_unknown_parameter_is_named_with_the_allowed_ones(cls):
    with pytest.raises(ValueError, match="no_such_knob") as error:
        cls(no_such_knob=1)
    assert "seed" in str(error.value)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.name)
def test_wrong_type_names_the_parameter(cls):
    for spec, hint in _field_types(cls):
        with pytest.raises(TypeError, match=spec.name):
            cls(**{spec.name: object()})
        if typing.get_origin(hint) is tuple:
            with pytest.raises(TypeError, match=spec.name):
                cls(**{spec.name: ["banana"] if typing.get_args(hint)[0] is not str else [3]})


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.name)
def test_out_of_range_names_the_parameter(cls):
    checked = 0
    for spec, hint in _field_types(cls):
        meta = spec.metadata
        scalar = typing.get_args(hint)[0] if typing.get_origin(hint) is tuple else hint
        bad = None
        if meta["choices"]:
            bad = "not-a-choice" if scalar is str else -12345
        elif meta["ge"] is not None:
            bad = scalar(meta["ge"] - 1)
        elif meta["gt"] is not None:
            bad = scalar(meta["gt"])
        elif meta["le"] is not None:
            bad = scalar(meta["le"] + 1)
        if bad is None:
            continue
        value = (bad,) if typing.get_origin(hint) is tuple else bad
        with pytest.raises(ValueError, match=spec.name):
            cls(**{spec.name: value})
        checked += 1
    assert checked >= 2


IMAGE_CLASSES = [cls for cls in CLASSES
                 if "dataset" in {spec.name for spec in dataclasses.fields(cls.Config)}]


@pytest.mark.parametrize("cls", IMAGE_CLASSES, ids=lambda cls: cls.name)
def test_bundled_mnist_needs_no_download(cls):
    """MNIST ships with the package, so asking for it is always a valid configuration."""
    assert cls(dataset="mnist").config.dataset == "mnist"


def test_run_sets_result_and_is_deterministic(smoke_runs):
    cls, experiment, result, again = smoke_runs
    assert experiment.result_ is result
    assert result.experiment == cls.name
    assert result.arrays.keys() == again.arrays.keys()
    for name, values in result.arrays.items():
        assert np.array_equal(values, again[name], equal_nan=True), name


def test_json_round_trip_is_exact(smoke_runs):
    _, _, result, _ = smoke_runs
    restored = Result.from_json(json.dumps(json.loads(result.to_json())))
    assert restored.config == result.config and restored.coords == result.coords
    for name, values in result.arrays.items():
        assert restored[name].dtype == values.dtype
        assert np.array_equal(restored[name], values, equal_nan=True), name
        assert restored.dims[name] == result.dims[name]


def test_claims_are_unique_and_not_judged_in_smoke(smoke_runs):
    _, _, result, _ = smoke_runs
    found = result.claims()
    assert found and all(isinstance(claim, Claim) for claim in found)
    assert len({claim.id for claim in found}) == len(found)
    assert all(claim.verdict is Verdict.NOT_JUDGED for claim in found)
    assert all(claim.statistic for claim in found)
    assert 1 <= sum(claim.primary for claim in found) <= 3, "a chapter answers with one to three primary claims"
    assert all(claim.p_adjusted is not None for claim in found)


def test_plot_returns_figures(smoke_runs):
    _, _, result, _ = smoke_runs
    figures = result.plot()
    assert figures and all(isinstance(fig, matplotlib.figure.Figure) for fig in figures)


def test_lookup_by_name_lists_known_experiments():
    assert experiment_class(CLASSES[0].name) is CLASSES[0]
    with pytest.raises(ValueError, match=CLASSES[0].name):
        experiment_class("99_nothing")


def test_a_subclass_cannot_reuse_a_name():
    with pytest.raises(ValueError, match="two experiments"):
        type("Clash", (Experiment,), {"name": CLASSES[0].name})


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.name)
def test_run_time_can_be_estimated_before_a_run(cls):
    """`atoms run` warns before a run of hours; that needs the chapter's measured time and what scales it."""
    assert isinstance(cls.full_seconds, (int, float)) and cls.full_seconds > 0
    fields = {spec.name for spec in dataclasses.fields(cls.Config)}
    assert cls.Config.work and set(cls.Config.work) <= fields
    default = cls.Config.from_params({})
    assert cls.estimate(default) == pytest.approx(cls.full_seconds)
    assert cls.estimate(cls.Config.from_params({"profile": "smoke"})) < cls.full_seconds
