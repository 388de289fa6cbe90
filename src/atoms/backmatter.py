"""The back-matter pages generated from the chapters' results files at every build.

Run times, versions and verdicts change with every run, so the pages that report them are
written from the results files, never by hand: the reproducibility page and the claims ledger.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from atoms.claims import VERDICTS, Claim, Verdict, claims_markdown, counts
from atoms.experiment import experiment_class

BUDGET_SECONDS = {"full": 30.0, "smoke": 10.0}


def load_results(chapters_dir: Path, names: list[str]) -> list[dict]:
    return [json.loads((chapters_dir / f"{name}.json").read_text()) for name in names]


def reproducibility(results: list[dict]) -> str:
    lines = ["# Reproducibility", "",
             "Generated at build time from each chapter's results file. A run is bit-for-bit repeatable on "
             "the same machine with the same versions and numeric setting; other machines may differ in the "
             "last bits.", "",
             "## Chapters", "",
             "| chapter | profile | seeds (root) | wall time, kernel start included | budget | commit |",
             "|---|---|---|---|---|---|"]
    for payload in results:
        params, run = payload["parameters"], payload["run"]
        budget = BUDGET_SECONDS.get(params["profile"])
        within = "within" if budget and run["wall_seconds"] <= budget else "**over**"
        lines.append(f"| [{payload['chapter']}](chapters/{payload['chapter']}.ipynb) | `{params['profile']}` | "
                     f"{params['seed']} | {run['wall_seconds']:.1f} s | {within} {budget:g} s | "
                     f"`{run['git_commit'][:12]}` |")
    if results:
        first = results[0]
        lines += ["", "## Versions", "", "| package | version |", "|---|---|"]
        lines += [f"| {name} | {version} |" for name, version in first["versions"].items()]
        lines += ["", "## Numeric setting", "", "| setting | value |", "|---|---|"]
        lines += [f"| {name} | `{value}` |" for name, value in first["numeric_setting"].items()]
        lines += ["", "## Machine", "", "| | |", "|---|---|"]
        lines += [f"| {name} | {value} |" for name, value in first["machine"].items()]
    return "\n".join(lines) + "\n"


def ledger(results: list[dict]) -> str:
    lines = ["# Claims ledger", "",
             "Every claim the book makes, with the verdict its chapter's run gave it and the statistic behind "
             "the verdict. Primary claims answer their chapter's question and are each tested at the 5% level; "
             "secondary claims are Holm-corrected within their chapter (adjusted p in brackets). Claims marked "
             "post hoc had their threshold chosen after a full run had been seen. Generated at build time from "
             "the results files.", "",
             "## Totals", "",
             "| chapter | primary: supported | not supported | inconclusive | all: supported | not supported "
             "| inconclusive | not judged |",
             "|---|---|---|---|---|---|---|---|"]
    sections, book_primary, book_all = [], Counter(), Counter()
    for payload in results:
        title = experiment_class(payload["chapter"]).title
        found = [Claim.from_dict(entry) for entry in payload["claims"]]
        primary, every = counts([c for c in found if c.primary]), counts(found)
        book_primary.update(primary)
        book_all.update(every)
        lines.append(_totals_row(f"[{title}](chapters/{payload['chapter']}.ipynb)", primary, every))
        sections += [f"## [{title}](chapters/{payload['chapter']}.ipynb)", "",
                     f"Profile `{payload['parameters']['profile']}`.", "", claims_markdown(found), ""]
    lines.append(_totals_row("**the book**", book_primary, book_all))
    return "\n".join(lines + [""] + sections)


def _totals_row(name: str, primary: dict, every: dict) -> str:
    cells = [primary[v.value] for v in VERDICTS] + [every[v.value] for v in (*VERDICTS, Verdict.NOT_JUDGED)]
    return f"| {name} | " + " | ".join(str(c) for c in cells) + " |"


def write(root: Path, chapters_dir: Path, names: list[str]) -> None:
    results = load_results(chapters_dir, names)
    (root / "book" / "reproducibility.md").write_text(reproducibility(results))
    (root / "book" / "claims.md").write_text(ledger(results))
