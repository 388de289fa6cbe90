"""A citer copies an entry into LaTeX or a reference manager: every entry must format in the common styles,
and the version they quote must be the package's."""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pybtex.database import parse_string
from pybtex.plugin import find_plugin

import atoms
from atoms import page
from atoms.experiment import every_experiment

from conftest import ROOT

BIB_FILES = sorted([ROOT / "book" / "references.bib", *(ROOT / "book" / "bib").glob("*.bib")])
STYLES = ("unsrt", "plain", "alpha")


def formatted(bibtex: str, style: str) -> list[str]:
    """Formats every entry as pybtex does for Sphinx; raises on a field the style needs and the entry lacks."""
    data = parse_string(bibtex, "bibtex")
    entries = find_plugin("pybtex.style.formatting", style)().format_entries(data.entries.values())
    return [entry.text.render_as("text") for entry in entries]


@pytest.mark.parametrize("path", BIB_FILES, ids=lambda p: p.name)
@pytest.mark.parametrize("style", STYLES)
def test_every_bibliography_entry_formats(path, style):
    assert formatted(path.read_text(), style)


@pytest.mark.parametrize("style", STYLES)
def test_book_and_chapter_entries_format_with_version_and_commit(style):
    entries = [page.book_bibtex(page.short_commit()), *(page.bibtex(cls) for cls in every_experiment())]
    texts = formatted("\n\n".join(entries), style)
    assert len(texts) == 1 + len(every_experiment())
    for text in texts:
        assert "Atoms of Deep Learning" in text and atoms.__version__ in text and atoms.RELEASED[:4] in text


def test_bibtex_keys_are_unique_across_files():
    keys = [key for path in BIB_FILES for key in parse_string(path.read_text(), "bibtex").entries]
    assert len(keys) == len(set(keys)), sorted(k for k in set(keys) if keys.count(k) > 1)


def test_citation_file_quotes_the_package_version_and_release():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert str(cff["version"]) == atoms.__version__
    assert str(cff["preferred-citation"]["version"]) == atoms.__version__
    assert str(cff["date-released"]) == atoms.RELEASED
    assert int(cff["preferred-citation"]["year"]) == int(atoms.RELEASED[:4])


def test_citation_file_is_valid_cff():
    cffconvert = Path(sys.executable).with_name("cffconvert")
    done = subprocess.run([str(cffconvert), "--validate", "-i", str(ROOT / "CITATION.cff")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_licenses_named_by_the_citation_exist():
    assert "MIT License" in (ROOT / "LICENSE").read_text()
    assert "CC BY 4.0" in (ROOT / "LICENSE-CONTENT.md").read_text()
