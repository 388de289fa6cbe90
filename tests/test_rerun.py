"""The rerunner's path: fast rejection, nothing left behind on faults, locks, and `atoms compare`."""

import copy
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from atoms import compare

from conftest import ROOT

CHAPTER = "01_universal_approximation"


def atoms(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "atoms", "--root", str(ROOT), *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


@pytest.mark.parametrize("pairs, words", [
    (["seed", "abc"], "parameter 'seed' must be int"),
    (["seed", "null"], "parameter 'seed' needs a value"),
    (["n_seeds", "1"], "parameter 'n_seeds' must be >= 2"),
])
def test_bad_values_are_rejected_in_one_line_before_any_kernel(pairs, words, tmp_path):
    process = atoms("run", CHAPTER, "-p", *pairs, "--out", str(tmp_path))
    assert process.returncode == 2
    assert process.stderr.strip().count("\n") == 0 and words in process.stderr
    assert "starting" not in process.stdout and list(tmp_path.iterdir()) == []


def test_a_null_where_the_page_defaults_to_null_means_the_default():
    from atoms import book

    assert book.validate(ROOT, CHAPTER, {"steps": None}).steps == 10_000


def test_a_run_estimated_over_fifteen_minutes_needs_yes(tmp_path):
    process = atoms("run", CHAPTER, "-p", "steps", "1000000", "-p", "n_seeds", "100", "--out", str(tmp_path))
    assert process.returncode == 2 and "pass --yes" in process.stderr and "minutes" in process.stderr
    assert list(tmp_path.iterdir()) == []


def test_unwritable_output_is_one_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    process = atoms("run", CHAPTER, "-p", "profile", "smoke", "--out", str(blocker / "out"))
    assert process.returncode == 2 and process.stderr.strip().count("\n") == 0
    assert "cannot write to" in process.stderr


def test_a_second_run_into_a_held_folder_stops_at_once(tmp_path):
    (tmp_path / f".{CHAPTER}.lock").write_text(str(os.getpid()))
    process = atoms("run", CHAPTER, "-p", "profile", "smoke", "--out", str(tmp_path))
    assert process.returncode == 2 and "already running" in process.stderr


@pytest.mark.slow
def test_sigterm_leaves_nothing_behind(tmp_path):
    command = [sys.executable, "-m", "atoms", "--root", str(ROOT), "run", CHAPTER, "-p", "profile", "smoke",
               "--out", str(tmp_path)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not any(p.is_dir() for p in tmp_path.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(2)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130 and "interrupted" in stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_papermill_alone_writes_a_results_file_that_compare_accepts(tmp_path):
    notebook = subprocess.run([sys.executable, "-m", "jupytext", "--to", "ipynb", "-o", "-",
                               str(ROOT / "experiments" / f"{CHAPTER}.md")], capture_output=True, check=True).stdout
    subprocess.run([sys.executable, "-m", "papermill", "-", "out.ipynb", "-p", "profile", "smoke", "--no-progress-bar"],
                   input=notebook, cwd=tmp_path, capture_output=True, check=True)
    results = tmp_path / f"{CHAPTER}.json"
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{CHAPTER}.json", "out.ipynb"]
    process = atoms("compare", str(results), str(results))
    assert process.returncode == 0 and "the runs are bit-identical" in process.stdout


def _payload(verdict="supported", values=(0.1, 0.2)):
    claim = {"id": "a", "statement": "A.", "primary": True, "registered": True, "verdict": verdict,
             "statistic": "s", "p_value": 0.01, "p_adjusted": 0.01, "p_opposite": 0.9, "p_opposite_adjusted": 0.9,
             "values": {}}
    result = {"experiment": CHAPTER, "config": {"seed": 0, "profile": "full"},
              "arrays": {"x": {"dims": ["i"], "dtype": "float32", "values": list(values)}},
              "coords": {}, "meta": {}}
    return {"chapter": CHAPTER, "parameters": {"seed": 0, "profile": "full"}, "claims": [claim], "result": result}


def test_compare_reports_identity_verdicts_and_the_largest_difference():
    lines, agree, identical = compare.compare(_payload(), _payload())
    assert agree and identical and "the runs are bit-identical" in lines
    lines, agree, identical = compare.compare(_payload(), _payload(values=(0.1, 0.5)))
    assert agree and not identical and any("x: largest absolute difference 0.3" in line for line in lines)
    _, agree, _ = compare.compare(_payload(), _payload(verdict="inconclusive"))
    assert not agree
    other = copy.deepcopy(_payload())
    other["chapter"] = "02_depth_fixed_parameters"
    with pytest.raises(ValueError, match="different chapters"):
        compare.compare(_payload(), other)


def test_compare_exit_code_follows_the_primary_verdicts(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps(_payload()))
    (tmp_path / "b.json").write_text(json.dumps(_payload(verdict="not supported")))
    assert atoms("compare", str(tmp_path / "a.json"), str(tmp_path / "a.json")).returncode == 0
    assert atoms("compare", str(tmp_path / "a.json"), str(tmp_path / "b.json")).returncode == 1
    assert atoms("compare", str(tmp_path / "a.json"), str(tmp_path / "missing.json")).returncode == 2
