"""Shared fixtures: a smoke-profile build of the whole book in a scratch copy of the sources."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BOOK_SOURCES = ("_config.yml", "_toc.yml", "book", "experiments")
GENERATED = ("chapters", "claims.md", "findings.md", "reproducibility.md", "citation.md")


def copy_book_sources(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for name in BOOK_SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=lambda folder, names: [
                n for n in names if Path(folder) == ROOT / "book" and n in GENERATED])
        else:
            shutil.copy(source, target / name)
    return target


@pytest.fixture(scope="session")
def built_book(tmp_path_factory) -> Path:
    """The book's root after `atoms build --profile smoke`: every chapter run, the site rendered strictly."""
    root = copy_book_sources(tmp_path_factory.mktemp("book"))
    process = subprocess.run([sys.executable, "-m", "atoms", "--root", str(root), "build", "--profile", "smoke"],
                             capture_output=True, text=True)
    assert process.returncode == 0, f"book build failed:\n{process.stdout[-6000:]}\n{process.stderr[-6000:]}"
    return root


_SMOKE_RESULTS: dict = {}


def smoke_result(cls):
    """One smoke run per Experiment class per test session, shared by the tests that only read it."""
    if cls.name not in _SMOKE_RESULTS:
        _SMOKE_RESULTS[cls.name] = cls(profile="smoke").run()
    return _SMOKE_RESULTS[cls.name]
