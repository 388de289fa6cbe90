"""The back-matter pages generated from the chapters' results files at every build.

Run times, versions and verdicts change with every run, so the pages that report them are
written from the results files, never by hand: the findings shown on the landing page, the
reproducibility page and the claims ledger.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from atoms import robustness, speed
from atoms.book import BUILD_JOBS
from atoms.page import book_bibtex, short_commit
from atoms.claims import BADGES, VERDICTS, Claim, Verdict, _md_cell, claims_markdown, counts
from atoms.experiment import experiment_class

BUDGET_SECONDS = {"full": 60.0, "smoke": 20.0}
"""Per chapter, in normalized seconds (seconds on the reference machine of `atoms.speed`)."""
BOOK_BUDGET_SECONDS = 600.0
"""For all chapters run on 2 cores, two at a time, as `atoms build` runs them (see `two_core_seconds`)."""


def load_results(chapters_dir: Path, names: list[str]) -> list[dict]:
    return [json.loads((chapters_dir / f"{name}.json").read_text()) for name in names]


def run_seconds(results: list[dict]) -> tuple[float, float]:
    """The chapters' wall and normalized seconds added up, as if run one after another."""
    return (sum(payload["run"]["wall_seconds"] for payload in results),
            sum(payload["run"]["normalized_seconds"] for payload in results))


def two_core_seconds(results: list[dict]) -> float:
    """The book's normalized time on 2 cores: its chapters run two at a time, longest first, each starting
    when a core is free, which is `atoms build -j 2`'s schedule. Computed from the chapters' own normalized
    times so that it holds for a book whose chapters came from different builds."""
    cores = [0.0] * BUILD_JOBS
    for seconds in sorted((payload["run"]["normalized_seconds"] for payload in results), reverse=True):
        cores[cores.index(min(cores))] += seconds
    return max(cores)


def findings(results: list[dict]) -> str:
    """The landing page's summary, so that a reader sees what the book found without opening every chapter:
    each chapter's question with its answer as the run judged it (its primary claims and their verdicts),
    and what the run cost. An H2 section, included by `book/intro.md`."""
    lines = ["## What the book found", "",
             "Each chapter's question, answered by its primary claims with the verdict this build's run gave "
             "them (*post hoc*: threshold chosen after a full run had been seen). The {doc}`claims` adds the "
             "secondary claims and the statistic behind every verdict.", ""]
    profiles = sorted({payload["parameters"]["profile"] for payload in results} - {"full"})
    if profiles:
        lines += [f"*This page was built with the {', '.join(f'`{p}`' for p in profiles)} profile: its runs are "
                  "too small to judge, so the claims below are not judged. The published book uses `full`.*", ""]
    lines += ["| | Question | Verdict | Primary claim |", "|---|---|---|---|"]
    for payload in results:
        name = payload["chapter"]
        chapter = str(int(name.split('_', 1)[0]))
        question = f"[{experiment_class(name).title}](chapters/{name}.ipynb)"
        for claim in (Claim.from_dict(entry) for entry in payload["claims"]):
            if not claim.primary:
                continue
            statement = claim.statement + ("" if claim.registered else " *(post hoc)*")
            lines.append(f"| {chapter} | {question} | {BADGES[claim.verdict]} | {_md_cell(statement)} |")
            chapter = question = ""
    if results:
        wall, normalized = run_seconds(results)
        lines += ["", f"Run two at a time on 2 cores, as `atoms build` runs them, the {len(results)} chapters of this "
                      f"build take {_duration(two_core_seconds(results))} of the reference machine of the "
                      f"{{doc}}`reproducibility` page ({_duration(normalized)} one after another; their wall times add up "
                      f"to {_duration(wall)} on this build's machine, with {results[0]['machine']['cpus']} CPUs). "
                      "Rendering the site adds time of its own, not counted here."]
    return "\n".join(lines) + "\n"


def _duration(seconds: float) -> str:
    """Seconds as a reader reads a build time: 48 s, 7.5 min."""
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


def reproducibility(results: list[dict]) -> str:
    lines = ["# Reproducibility", "",
             "Generated at build time from each chapter's results file. A run is bit-for-bit repeatable on "
             "the same machine with the same versions and numeric setting; other machines may differ in the "
             "last bits.", "",
             "Machines of this kind differ about threefold in speed from day to day, so every chapter run also "
             "times a short fixed probe (a small stacked-ensemble training and an sgemm loop, "
             "`atoms.speed.probe`). *Normalized* time is the wall time scaled by the probe to the reference "
             f"machine, whose probe takes {speed.REFERENCE_PROBE_SECONDS:g} s (the project's 2-core machine, idle, "
             "on the day it was set; see `atoms.speed.REFERENCE_PROBE_SECONDS`); budgets are judged on it: "
             f"{BUDGET_SECONDS['full']:g} s per chapter and {BOOK_BUDGET_SECONDS:g} s for the whole book on "
             "2 cores. "
             "*Training GFLOP/s* is the dense layers' arithmetic the chapter's training and evaluation did "
             "(`atoms.engine.training_flops`) per second of its experiment, against the machine's sgemm rate "
             "on one thread.", "",
             "## Chapters", "",
             "| chapter | profile | seeds (root) | wall time | probe | normalized time | budget | training GFLOP/s "
             "| sgemm GFLOP/s | commit |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for payload in results:
        params, run = payload["parameters"], payload["run"]
        budget = BUDGET_SECONDS[params["profile"]]
        within = "within" if run["normalized_seconds"] <= budget else "**over**"
        lines.append(f"| [{payload['chapter']}](chapters/{payload['chapter']}.ipynb) | `{params['profile']}` | "
                     f"{params['seed']} | {run['wall_seconds']:.1f} s | {run['speed_probe_seconds']:.2f} s | "
                     f"{run['normalized_seconds']:.1f} s | {within} {budget:g} s | {run['training_gflops']:.2f} | "
                     f"{payload['speed']['sgemm_gflops']:.1f} | `{run['git_commit'][:12]}` |")
    if results:
        book = two_core_seconds(results)
        within = "within" if book <= BOOK_BUDGET_SECONDS else "**over**"
        lines += ["", f"Run two at a time on 2 cores, longest first, as `atoms build -j 2` runs them, the chapters "
                      f"take {book:.0f} normalized seconds, {within} the book's budget of {BOOK_BUDGET_SECONDS:g} s "
                      f"(one after another: {run_seconds(results)[1]:.0f} s)."]
        first = results[0]
        lines += ["", "## Versions", "", "| package | version |", "|---|---|"]
        lines += [f"| {name} | {version} |" for name, version in first["versions"].items()]
        lines += ["", "## Numeric setting", "", "| setting | value |", "|---|---|"]
        lines += [f"| {name} | `{value}` |" for name, value in first["numeric_setting"].items()]
        lines += ["", "## Machine", "", "| | |", "|---|---|"]
        lines += [f"| {name} | {value} |" for name, value in first["machine"].items()]
    return "\n".join(lines) + "\n"


def ledger(results: list[dict], robust: dict[str, dict] | None = None) -> str:
    """`robust`: `atoms robustness` summaries by chapter, shown under the chapter's claims."""
    robust = robust or {}
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
        if payload["chapter"] in robust:
            sections += [robustness.markdown(robust[payload["chapter"]]), ""]
    lines.append(_totals_row("**the book**", book_primary, book_all))
    return "\n".join(lines + [""] + sections)


def _totals_row(name: str, primary: dict, every: dict) -> str:
    cells = [primary[v.value] for v in VERDICTS] + [every[v.value] for v in (*VERDICTS, Verdict.NOT_JUDGED)]
    return f"| {name} | " + " | ".join(str(c) for c in cells) + " |"


def citation(commit: str) -> str:
    return f"""# Citation

Cite the book as:

```bibtex
{book_bibtex(commit)}
```

Each chapter ends with its own entry, with the same version and commit. The atoms of Part I rebuild the
experiments of the original, which you should cite too when you use them:

```bibtex
@misc{{abid2018atomic,
  title        = {{Atomic Experiments in Deep Learning}},
  author       = {{Abid, Abubakar}},
  year         = {{2018}},
  publisher    = {{GitHub}},
  howpublished = {{\\url{{https://github.com/abidlabs/AtomsOfDeepLearning}}}}
}}
```

The repository's `CITATION.cff` carries the same information for citation tools. The code is under the MIT
license (`LICENSE`); the text and figures under CC BY 4.0 (`LICENSE-CONTENT.md`).
"""


def write(root: Path, chapters_dir: Path, names: list[str]) -> None:
    results = load_results(chapters_dir, names)
    (root / "book" / "findings.md").write_text(findings(results))
    (root / "book" / "reproducibility.md").write_text(reproducibility(results))
    (root / "book" / "claims.md").write_text(ledger(results, robustness.load_book(root)))
    (root / "book" / "citation.md").write_text(citation(short_commit()))
