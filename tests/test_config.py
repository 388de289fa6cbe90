"""Configuration validation: the first line of defence against a reader's typo."""

from dataclasses import dataclass

import pytest

from atoms.config import Config, param


@dataclass(frozen=True)
class Toy(Config):
    steps: int = param(100, "Steps.", ge=1)
    rate: float = param(0.1, "Rate.", gt=0, le=1)
    widths: tuple[int, ...] = param((2, 4), "Widths.", ge=1, min_len=2)
    kind: str = param("a", "Kind.", choices=("a", "b"))
    flag: bool = param(False, "Flag.")

    profile_overrides = {"smoke": {"steps": 5}}


def test_defaults_and_coercions():
    toy = Toy.from_params({"rate": 1, "widths": [3, 5]})
    assert toy.rate == 1.0 and isinstance(toy.rate, float)
    assert toy.widths == (3, 5)


@pytest.mark.parametrize("name,value,error", [
    ("steps", True, TypeError), ("steps", 1.5, TypeError), ("steps", "10", TypeError), ("flag", 1, TypeError),
    ("widths", "banana", TypeError), ("widths", [1, "x"], TypeError), ("steps", 0, ValueError),
    ("rate", 0.0, ValueError), ("rate", 2.0, ValueError), ("kind", "c", ValueError), ("widths", [2], ValueError),
    ("widths", [2, 2], ValueError), ("widths", [0, 2], ValueError), ("seed", -1, ValueError),
    ("profile", "fast", ValueError),
])
def test_bad_values_name_the_parameter(name, value, error):
    with pytest.raises(error, match=name):
        Toy.from_params({name: value})


def test_unknown_names_are_listed_with_the_allowed_ones():
    with pytest.raises(ValueError, match=r"unknown parameter\(s\) \['stpes'\].*steps"):
        Toy.from_params({"stpes": 3})


def test_profile_fills_only_what_the_reader_left_out():
    assert Toy.from_params({"profile": "smoke"}).steps == 5
    assert Toy.from_params({"profile": "smoke", "steps": 7}).steps == 7
    assert Toy.from_params({"profile": "smoke", "steps": None}).steps == 5
    assert Toy.from_params({}).steps == 100


def test_describe_lists_every_parameter_with_what_it_allows():
    rows = {row["name"]: row for row in Toy.describe()}
    assert list(rows) == ["seed", "profile", "steps", "rate", "widths", "kind", "flag"]
    assert rows["rate"]["allowed"] == "> 0, <= 1" and rows["widths"]["type"] == "tuple of int"
    assert rows["kind"]["allowed"] == "one of ['a', 'b']"


def test_to_dict_is_json_ready():
    assert Toy().to_dict()["widths"] == [2, 4]
