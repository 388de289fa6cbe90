"""Compares two runs of a chapter: their verdicts claim by claim, their arrays, and whether they are identical.

A reader who reruns a chapter wants one answer: does my run agree with the published one? The
verdicts of the primary claims decide it (the exit code of `atoms compare`); the secondary
verdicts, the statistics and the largest differences in the result arrays say by how much.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from atoms.experiment import Result

SHOWN_ARRAYS = 5


def load(path: Path) -> dict:
    try:
        payload = json.loads(Path(path).read_text())
    except (OSError, ValueError) as error:
        raise ValueError(f"cannot read results file {path}: {error}") from None
    if not {"chapter", "claims", "result"} <= set(payload):
        raise ValueError(f"{path} is not a chapter's results file (no chapter, claims or result)")
    return payload


def compare(a: dict, b: dict) -> tuple[list[str], bool, bool]:
    """Report lines, whether every primary claim has the same verdict in both, and whether the runs are identical."""
    if a["chapter"] != b["chapter"]:
        raise ValueError(f"the files are runs of different chapters: {a['chapter']} and {b['chapter']}")
    lines = [f"chapter {a['chapter']}: seed {a['parameters']['seed']} against seed {b['parameters']['seed']}"]
    changed = sorted(k for k in set(a["parameters"]) | set(b["parameters"])
                     if a["parameters"].get(k) != b["parameters"].get(k))
    if changed:
        lines.append("parameters that differ: " + ", ".join(
            f"{k} {a['parameters'].get(k)!r} -> {b['parameters'].get(k)!r}" for k in changed))
    claims_b = {claim["id"]: claim for claim in b["claims"]}
    agree, same_claims = True, len(a["claims"]) == len(b["claims"])
    lines += ["", "| claim | primary | verdict A | verdict B | statistic A | statistic B |", "|---|---|---|---|---|---|"]
    for claim in a["claims"]:
        other = claims_b.get(claim["id"])
        verdict_b = other["verdict"] if other else "missing"
        if claim["primary"] and verdict_b != claim["verdict"]:
            agree = False
        same_claims = same_claims and other is not None and other == claim
        lines.append(f"| {claim['id']} | {'yes' if claim['primary'] else ''} | {claim['verdict']} | {verdict_b} | "
                     f"{claim['statistic']} | {other['statistic'] if other else ''} |")
    for claim in b["claims"]:
        if claim["id"] not in {c["id"] for c in a["claims"]}:
            agree = agree and not claim["primary"]
            lines.append(f"| {claim['id']} | {'yes' if claim['primary'] else ''} | missing | {claim['verdict']} | "
                         f"| {claim['statistic']} |")
    differences, same_arrays = array_differences(Result.from_dict(a["result"]), Result.from_dict(b["result"]))
    lines += ["", "largest differences in the result arrays:" if differences else "no result array differs"]
    lines += [f"  {name}: {text}" for name, text in differences[:SHOWN_ARRAYS]]
    identical = same_claims and same_arrays
    lines += ["", "the runs are bit-identical" if identical else "the runs differ",
              "every primary claim has the same verdict" if agree else "a primary claim's verdict differs"]
    return lines, agree, identical


def array_differences(a: Result, b: Result) -> tuple[list[tuple[str, str]], bool]:
    """Arrays that differ, largest absolute difference first, and whether all arrays are bit-identical."""
    found, identical = [], set(a.arrays) == set(b.arrays)
    for name in sorted(set(a.arrays) & set(b.arrays)):
        x, y = a[name], b[name]
        if x.shape != y.shape:
            found.append((float("inf"), name, f"shapes differ, {x.shape} against {y.shape}"))
            identical = False
        elif not np.array_equal(x, y, equal_nan=True):
            identical = False
            if x.dtype.kind in "biuf":
                gap = float(np.nanmax(np.abs(x.astype(np.float64) - y.astype(np.float64))))
                found.append((gap, name, f"largest absolute difference {gap:.3g}"))
            else:
                found.append((float("inf"), name, "values differ"))
    found.sort(key=lambda item: -item[0])
    return [(name, text) for _, name, text in found], identical
