"""The pipeline from chapter source to site: `atoms run`, `atoms build`, and their failure modes."""

import json
import subprocess
import sys

import pytest

from atoms import book, speed
from atoms.experiment import Result

from conftest import ROOT, copy_book_sources

CHAPTER = "01_universal_approximation"


def atoms(*args, root=ROOT):
    return subprocess.run([sys.executable, "-m", "atoms", "--root", str(root), *args], capture_output=True, text=True)


def test_toc_lists_every_chapter_source_once():
    assert book.toc_chapters(ROOT) == book.available(ROOT)


def test_list_names_the_chapters():
    process = atoms("list")
    assert process.returncode == 0 and CHAPTER in process.stdout


def test_parameters_are_read_as_yaml():
    assert book.parse_parameters([("seed", "3"), ("n_hidden_units", "[2, 4]"), ("profile", "smoke")]) == {
        "seed": 3, "n_hidden_units": [2, 4], "profile": "smoke"}


def test_smoke_run_writes_notebook_and_results_with_every_claim(tmp_path):
    process = atoms("run", CHAPTER, "-p", "profile", "smoke", "-p", "seed", "4", "--out", str(tmp_path))
    assert process.returncode == 0, process.stderr[-3000:]
    payload = json.loads((tmp_path / f"{CHAPTER}.json").read_text())
    result = Result.from_dict(payload["result"])
    assert [claim["id"] for claim in payload["claims"]] == [claim.id for claim in result.claims()]
    assert all(claim["verdict"] == "not judged" for claim in payload["claims"])
    assert payload["parameters"]["seed"] == 4 and payload["parameters"]["profile"] == "smoke"
    for key in ("versions", "numeric_setting", "machine", "seeds"):
        assert payload[key]
    run = payload["run"]
    assert run["wall_seconds"] > 0 and run["git_commit"] and len(run["input_hash"]) == 64
    assert run["speed_probe_seconds"] > 0 and run["training_gflops"] > 0
    assert run["normalized_seconds"] == pytest.approx(run["wall_seconds"] * speed.REFERENCE_PROBE_SECONDS
                                                      / run["speed_probe_seconds"])
    notebook = json.loads((tmp_path / f"{CHAPTER}.ipynb").read_text())
    assert any("injected-parameters" in cell["metadata"].get("tags", []) for cell in notebook["cells"])
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{CHAPTER}.ipynb", f"{CHAPTER}.json"]


def test_bad_parameter_value_names_it_and_writes_nothing(tmp_path):
    process = atoms("run", CHAPTER, "-p", "n_hidden_units", "banana", "--out", str(tmp_path))
    assert process.returncode != 0
    assert "n_hidden_units" in process.stderr and "list of int" in process.stderr
    assert list(tmp_path.iterdir()) == []


def test_unknown_parameter_lists_the_allowed_ones(tmp_path):
    process = atoms("run", CHAPTER, "-p", "n_hiden_units", "3", "--out", str(tmp_path))
    assert process.returncode == 2
    assert "n_hiden_units" in process.stderr and "n_hidden_units" in process.stderr
    assert list(tmp_path.iterdir()) == []


def test_unknown_chapter_lists_what_exists():
    process = atoms("run", "99_nothing")
    assert process.returncode == 2 and CHAPTER in process.stderr


def test_a_chapter_that_fails_leaves_no_output(tmp_path):
    root = copy_book_sources(tmp_path / "root")
    source = root / "experiments" / f"{CHAPTER}.md"
    source.write_text(source.read_text().replace("result = experiment.run()", "raise RuntimeError('boom')"))
    out = tmp_path / "out"
    process = atoms("run", CHAPTER, "-p", "profile", "smoke", "--out", str(out), root=root)
    assert process.returncode == 1 and "boom" in process.stderr
    assert list(out.iterdir()) == []


@pytest.mark.slow
def test_strict_build_renders_every_chapter_and_the_back_matter(built_book):
    html = built_book / "_build" / "html"
    for name in book.toc_chapters(built_book):
        assert (html / "book" / "chapters" / f"{name}.html").exists()
        payload = json.loads((built_book / "book" / "chapters" / f"{name}.json").read_text())
        expected = [claim.id for claim in Result.from_dict(payload["result"]).claims()]
        assert expected and [claim["id"] for claim in payload["claims"]] == expected, name
        assert 1 <= sum(claim["primary"] for claim in payload["claims"]) <= 3, name
        assert all({"registered", "p_value", "p_adjusted"} <= set(claim) for claim in payload["claims"]), name
        notebook = json.loads((built_book / "book" / "chapters" / f"{name}.ipynb").read_text())
        assert not [cell for cell in notebook["cells"] if cell["cell_type"] == "markdown"
                    and "{glue" in "".join(cell["source"])], name
    reproducibility = (built_book / "book" / "reproducibility.md").read_text()
    assert CHAPTER in reproducibility and "smoke" in reproducibility
    ledger = (built_book / "book" / "claims.md").read_text()
    assert "not judged" in ledger and "## Totals" in ledger and "**the book**" in ledger


@pytest.mark.slow
def test_a_second_build_reruns_nothing_and_an_edit_reruns_that_chapter(built_book):
    names = book.toc_chapters(built_book)
    lines = []
    failures, ran = book.run_all(built_book, names, {"profile": "smoke"}, jobs=1, report=lines.append)
    assert failures == [] and ran == []
    assert lines == [f"{len(names)} chapter(s) up to date, not rerun (--force reruns them)"]
    assert not book.up_to_date(built_book, CHAPTER, {"profile": "full"})
    source = built_book / "experiments" / f"{CHAPTER}.md"
    text = source.read_text()
    source.write_text(text + "\n")
    try:
        assert not book.up_to_date(built_book, CHAPTER, {"profile": "smoke"})
        assert book.up_to_date(built_book, names[1], {"profile": "smoke"})
    finally:
        source.write_text(text)

