"""`atoms robustness`: a claim's verdict counted over root seeds, written whole, and shown by the ledger."""

import json
import subprocess
import sys

import pytest

from atoms import backmatter, robustness

from conftest import ROOT

CHAPTER = "09_loss_functions"


def atoms(*args):
    return subprocess.run([sys.executable, "-m", "atoms", "--root", str(ROOT), *args], capture_output=True,
                          text=True, timeout=600)


def payload(verdicts, seed):
    return {"chapter": "x", "parameters": {"profile": "full", "seed": seed},
            "claims": [{"id": claim_id, "statement": f"{claim_id} holds", "primary": claim_id == "a",
                        "verdict": verdict} for claim_id, verdict in verdicts.items()]}


def test_verdicts_are_counted_per_claim_over_the_roots():
    runs = {0: payload({"a": "supported", "b": "inconclusive"}, 0),
            1: payload({"a": "supported", "b": "not supported"}, 1),
            2: payload({"a": "inconclusive", "b": "not supported"}, 2)}
    summary = robustness.summarize("x", runs)
    assert summary["roots"] == [0, 1, 2] and "seed" not in summary["parameters"]
    assert summary["claims"]["a"]["verdicts"] == {"supported": 2, "not supported": 0, "inconclusive": 1,
                                                  "not judged": 0}
    assert summary["claims"]["b"]["by_root"] == {"0": "inconclusive", "1": "not supported", "2": "not supported"}
    assert "| `a` (primary) | 2 | 0 | 1 | 0 |" in robustness.markdown(summary)


@pytest.mark.parametrize("args, words", [(["--roots", "0", "0"], "distinct"), (["--roots", "0", "-p", "seed", "1"],
                                                                                  "set by --roots"),
                                         (["--roots", "0", "-p", "steps", "-3"], "steps")])
def test_bad_roots_and_parameters_are_one_line(args, words):
    done = atoms("robustness", CHAPTER, *args)
    assert done.returncode == 2 and words in done.stderr and len(done.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_two_roots_run_and_the_summary_reaches_the_ledger(tmp_path):
    done = atoms("robustness", CHAPTER, "--roots", "0", "1", "-p", "profile", "smoke", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads((tmp_path / f"{CHAPTER}{robustness.SUFFIX}").read_text())
    assert summary["roots"] == [0, 1]
    for entry in summary["claims"].values():
        assert sum(entry["verdicts"].values()) == 2
    runs = [json.loads((tmp_path / f"{CHAPTER}.seed{s}" / f"{CHAPTER}.json").read_text()) for s in (0, 1)]
    assert [run["parameters"]["seed"] for run in runs] == [0, 1]
    assert "Verdicts over root seeds 0, 1" in backmatter.ledger(runs[:1], {CHAPTER: summary})
    assert "Verdicts over root seeds" not in backmatter.ledger(runs[:1], {})
