"""What a chapter page shows besides its figures: parameters, verdicts, rerun and cite boxes.

Chapters call these so that every page states its parameters, its judged claims and its rerun
command the same way, generated from the Experiment class and the run rather than typed by
hand, and so that the results file the pipeline publishes is written in one place.
"""

from __future__ import annotations

import io
import json
import os
import platform
from importlib import metadata
from pathlib import Path

from atoms.claims import Claim, Verdict, claims_markdown, judge_all
from atoms.experiment import Experiment, Result
from atoms.tf_setup import numeric_setting

RESULTS_ENV = "ATOMS_RESULTS_PATH"
BOOK_URL = "https://github.com/atoms-of-deep-learning/atoms"
LIBRARIES = ("atoms", "tensorflow-cpu", "keras", "numpy", "scikit-learn", "matplotlib", "papermill", "jupytext",
             "jupyter-book")


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def machine() -> dict[str, object]:
    return {"platform": platform.platform(), "processor": platform.machine(), "cpus": os.cpu_count()}


def results_payload(result: Result, found: list[Claim]) -> dict:
    return {
        "chapter": result.experiment,
        "parameters": result.config,
        "seeds": {"root": result.config["seed"], "derivation": "numpy.random.SeedSequence(seed), one child per member"},
        "claims": [claim.to_dict() for claim in found],
        "verdicts": judge_all(found),
        "result": result.to_dict(),
        "versions": versions(),
        "numeric_setting": numeric_setting(),
        "machine": machine(),
        "experiment_seconds": result.meta["seconds"],
    }


def publish(result: Result) -> list[Claim]:
    """Judges the claims and, when run by `atoms run`, hands the results file to the pipeline."""
    found = result.claims()
    target = os.environ.get(RESULTS_ENV)
    if target:
        Path(target).write_text(json.dumps(results_payload(result, found), allow_nan=False))
    return found


def markdown(text: str):
    from IPython.display import Markdown

    return Markdown(text)


def image(fig):
    """A figure as a PNG output, independent of the kernel's matplotlib backend."""
    from IPython.display import Image

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    return Image(buffer.getvalue())


def parameters_table(cls: type[Experiment]):
    rows = ["| parameter | type | default (full) | allowed | meaning |", "|---|---|---|---|---|"]
    for row in cls.Config.describe():
        rows.append(f"| `{row['name']}` | {row['type']} | `{row['default']}` | {row['allowed']} | {row['doc']} |")
    smoke = cls.Config.profile_overrides.get("smoke", {})
    note = ", ".join(f"`{name}={value!r}`" for name, value in smoke.items())
    if note:
        rows.append(f"\nThe `smoke` profile sets {note} unless you pass them yourself.")
    return markdown("\n".join(rows))


def verdicts(found: list[Claim], profile: str):
    """The conclusion's evidence: one row per claim, with the statistic that judged it."""
    head = ""
    if profile != "full":
        head = (f"*This page was built with the `{profile}` profile: its runs are too small to judge, so every "
                f"claim below is shown as not judged. The published book uses `full`.*\n\n")
    return markdown(head + claims_markdown(found))


def verdict_word(claim: Claim) -> str:
    return {Verdict.SUPPORTED: "holds", Verdict.NOT_SUPPORTED: "does not hold",
            Verdict.INCONCLUSIVE: "is inconclusive", Verdict.NOT_JUDGED: "was not judged"}[claim.verdict]


def rerun(cls: type[Experiment]):
    source = f"experiments/{cls.name}.md"
    defaults = " ".join(f"-p {row['name']} {row['default']}" for row in cls.Config.describe()
                        if row["name"] in ("seed", "profile"))
    text = f"""Rerun this chapter from a clone of the book's repository, after `make test` or `make book` has
created `.venv`:

```bash
.venv/bin/atoms run {cls.name} -p seed 1          # writes book/chapters/{cls.name}.ipynb and .json
.venv/bin/atoms run {cls.name} -p profile smoke   # a quick check of the code path
```

or with papermill directly (the parameters above, with their defaults; lists go through `-y`):

```bash
jupytext --to ipynb -o - {source} | papermill - out.ipynb {defaults}
jupytext --to ipynb -o - {source} | papermill - out.ipynb -p seed 3 -y "n_seeds: 10"
```

`atoms run` checks every parameter before it starts and names the one it rejects; papermill alone
only warns about names the chapter does not know."""
    return markdown(text)


def bibtex(cls: type[Experiment], year: int = 2026) -> str:
    key = "atoms_" + cls.name.split("_", 1)[1]
    return f"""@incollection{{{key},
  title     = {{{cls.title}}},
  booktitle = {{Atoms of Deep Learning}},
  author    = {{{{Atoms of Deep Learning contributors}}}},
  year      = {{{year}}},
  chapter   = {{{int(cls.name.split("_", 1)[0])}}},
  url       = {{{BOOK_URL}}},
  note      = {{Chapter {cls.name}; cite with the commit in its results file}}
}}"""


def cite(cls: type[Experiment]):
    return markdown(f"Cite this chapter as:\n\n```bibtex\n{bibtex(cls)}\n```")
