"""Validated, frozen configuration for experiments: what a reader may set, and what is allowed.

A chapter's parameters arrive from papermill, the CLI or Python, often as the wrong type or a
typo. Each field declares its type, range or choices and a one-line doc, so a bad value fails at
construction with a message naming the parameter and what it accepts, and the chapter page can
print the same table of parameters that validation enforces.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

PROFILES = ("full", "smoke")


def param(default: Any, doc: str, *, ge: float | None = None, le: float | None = None,
          gt: float | None = None, choices: tuple | None = None, min_len: int = 1) -> Any:
    """A config field; `choices` constrain a string or every element of a tuple."""
    metadata = {"doc": doc, "ge": ge, "le": le, "gt": gt, "choices": choices, "min_len": min_len}
    return dataclasses.field(default=default, metadata=metadata)


def _type_name(hint: Any) -> str:
    if typing.get_origin(hint) is tuple:
        return f"tuple of {typing.get_args(hint)[0].__name__}"
    return hint.__name__


def _coerce_scalar(name: str, value: Any, kind: type) -> Any:
    if kind is bool:
        if isinstance(value, bool):
            return value
    elif kind is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif kind is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif kind is str:
        if isinstance(value, str):
            return value
    raise TypeError(f"parameter {name!r} must be {kind.__name__}, got {value!r} ({type(value).__name__})")


def _check_range(name: str, value: Any, meta: Mapping[str, Any]) -> None:
    choices = meta["choices"]
    if choices is not None and value not in choices:
        raise ValueError(f"parameter {name!r} must be one of {list(choices)}, got {value!r}")
    for key, test, words in (("ge", lambda v, b: v >= b, ">="), ("le", lambda v, b: v <= b, "<="),
                             ("gt", lambda v, b: v > b, ">")):
        bound = meta[key]
        if bound is not None and not test(value, bound):
            raise ValueError(f"parameter {name!r} must be {words} {bound}, got {value!r}")


def _size(value: Any) -> float:
    return float(len(value)) if isinstance(value, tuple) else float(value)


@dataclass(frozen=True)
class Config:
    """Base of every experiment's configuration; subclasses add fields made with `param`."""

    seed: int = param(0, "Root seed; every member's seed derives from it.", ge=0)
    profile: str = param("full", "'full' publishes the book; 'smoke' is a tiny run that checks the code path.",
                         choices=PROFILES)

    profile_overrides: ClassVar[dict[str, dict[str, Any]]] = {}
    work: ClassVar[tuple[str, ...]] = ()
    """Parameters the run time grows in proportion to (a list by its length), for `work_ratio`."""

    def __post_init__(self):
        hints = typing.get_type_hints(type(self))
        for spec in dataclasses.fields(self):
            hint, value, meta = hints[spec.name], getattr(self, spec.name), spec.metadata
            if typing.get_origin(hint) is tuple:
                if not isinstance(value, (tuple, list)):
                    raise TypeError(f"parameter {spec.name!r} must be a list of "
                                    f"{typing.get_args(hint)[0].__name__}, got {value!r}")
                value = tuple(_coerce_scalar(spec.name, v, typing.get_args(hint)[0]) for v in value)
                if len(value) < meta["min_len"]:
                    raise ValueError(f"parameter {spec.name!r} needs at least {meta['min_len']} values")
                if len(set(value)) != len(value):
                    raise ValueError(f"parameter {spec.name!r} must not repeat values, got {list(value)}")
                for item in value:
                    _check_range(spec.name, item, meta)
            else:
                value = _coerce_scalar(spec.name, value, hint)
                _check_range(spec.name, value, meta)
            object.__setattr__(self, spec.name, value)

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Config:
        """Builds a config from reader-supplied names; the profile fills what the reader left out.

        A value of None counts as left out, so a chapter's parameters cell can default every
        size to None and let `profile` choose it.
        """
        allowed = [f.name for f in dataclasses.fields(cls)]
        params = {name: value for name, value in params.items() if value is not None}
        unknown = sorted(set(params) - set(allowed))
        if unknown:
            raise ValueError(f"unknown parameter(s) {unknown}; allowed: {allowed}")
        profile = params.get("profile", "full")
        overrides = cls.profile_overrides.get(profile, {}) if isinstance(profile, str) else {}
        return cls(**{**overrides, **params})

    @classmethod
    def describe(cls) -> list[dict[str, str]]:
        """One row per parameter: name, type, default, what is allowed, and what it means."""
        hints = typing.get_type_hints(cls)
        rows = []
        for spec in dataclasses.fields(cls):
            meta = spec.metadata
            allowed = [f"one of {list(meta['choices'])}"] if meta["choices"] else []
            allowed += [f"{words} {meta[key]}" for key, words in (("ge", ">="), ("gt", ">"), ("le", "<="))
                        if meta[key] is not None]
            rows.append({"name": spec.name, "type": _type_name(hints[spec.name]), "default": repr(spec.default),
                         "allowed": ", ".join(allowed) or "any", "doc": meta["doc"]})
        return rows

    def work_ratio(self, other: Config) -> float:
        """How many times more work this configuration is than `other`, by the parameters in `work`:
        rough (fixed costs do not scale), but enough to warn before a run of hours starts."""
        ratio = 1.0
        for name in self.work:
            ratio *= _size(getattr(self, name)) / _size(getattr(other, name))
        return ratio

    def to_dict(self) -> dict[str, Any]:
        return {f.name: (list(v) if isinstance(v := getattr(self, f.name), tuple) else v)
                for f in dataclasses.fields(self)}
