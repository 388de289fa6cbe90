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

from atoms.claims import BADGES, Claim, Verdict, claims_markdown, counts
from atoms.experiment import Experiment, Result, experiment_class
from atoms import RELEASED, __version__, speed
from atoms.book import git_commit
from atoms.engine import WORK_LOG
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
        "title": experiment_class(result.experiment).title,
        "parameters": result.config,
        "seeds": {"root": result.config["seed"], "derivation": "numpy.random.SeedSequence(seed), one child per member"},
        "claims": [claim.to_dict() for claim in found],
        "verdicts": counts(found),
        "primary_verdicts": counts([claim for claim in found if claim.primary]),
        "result": result.to_dict(),
        "versions": versions(),
        "numeric_setting": numeric_setting(),
        "machine": machine(),
        "experiment_seconds": result.meta["seconds"],
        "training_flops": WORK_LOG["flops"],
        "speed": speed.probe(),
    }


class _Names(dict):
    """A namespace whose missing key names itself and what exists, instead of a bare KeyError."""

    def __init__(self, what: str, values: dict):
        super().__init__(values)
        self.what = what

    def __missing__(self, key):
        raise KeyError(f"the page asks for {self.what} {key!r}, which the run does not provide; "
                       f"known: {sorted(self)}")


class Rendered(str):
    """Text already formatted from the run, so `View.show` does not format it twice."""


VERDICT_WORDS = {Verdict.SUPPORTED: "holds", Verdict.NOT_SUPPORTED: "does not hold",
                 Verdict.INCONCLUSIVE: "is inconclusive", Verdict.NOT_JUDGED: "was not judged"}


class View:
    """The run as its page reads it: the chapter's numbers, its configuration and its verdicts, by name.

    Page text is a `str.format` template written in the chapter's `.md` (double the braces of
    LaTeX): `{name}` is an entry of the chapter's `numbers(result)`, `{config[steps]}` a
    parameter, `{verdict[claim_id]}` a verdict word, `{statistic[claim_id]}` its statistic and
    `{evidence[claim_id][key]}` one of its evidence's values. A sentence that interprets a claim goes through `when`, which renders the branch of that
    claim's verdict; every branch is formatted on every run, so a missing number fails at once.
    """

    def __init__(self, result: Result, found: list[Claim]):
        self.result, self.claims = result, {claim.id: claim for claim in found}
        self.names = _Names("number", {
            **result.numbers(),
            "config": _Names("parameter", result.config),
            "verdict": _Names("claim", {i: VERDICT_WORDS[c.verdict] for i, c in self.claims.items()}),
            "badge": _Names("claim", {i: BADGES[c.verdict] for i, c in self.claims.items()}),
            "statistic": _Names("claim", {i: c.statistic for i, c in self.claims.items()}),
            "evidence": _Names("claim", {i: _Names(f"value of claim {i!r}", c.evidence.values)
                                         for i, c in self.claims.items()}),
        })
        self.branches: list[tuple[str, dict[Verdict, str]]] = []

    def has(self, claim_id: str) -> bool:
        """Whether the run declared this claim: some claims exist only for some parameters."""
        return claim_id in self.claims

    def text(self, template: str) -> Rendered:
        return template if isinstance(template, Rendered) else Rendered(template.format_map(self.names))

    def when(self, claim_id: str, *, supported: str, not_supported: str, inconclusive: str,
             not_judged: str | None = None, absent: str | None = None) -> Rendered:
        """The sentence for the claim's verdict; in a run too small to judge, a note saying so; `absent`
        (if given) where the run's parameters leave the claim out."""
        if claim_id not in self.claims and absent is not None:
            return self.text(absent)
        if claim_id not in self.claims:
            raise KeyError(f"the page interprets claim {claim_id!r}, which the run does not declare; "
                           f"known: {sorted(self.claims)}")
        branches = {Verdict.SUPPORTED: self.text(supported), Verdict.NOT_SUPPORTED: self.text(not_supported),
                    Verdict.INCONCLUSIVE: self.text(inconclusive)}
        self.branches.append((claim_id, branches))
        verdict = self.claims[claim_id].verdict
        if verdict is Verdict.NOT_JUDGED:
            profile = self.result.config["profile"]
            return self.text(not_judged) if not_judged else Rendered(
                f"*(The `{profile}` run is too small to judge whether this holds: see the published book.)*")
        return branches[verdict]

    def show(self, *parts: str):
        """One paragraph of run-dependent text, as a Markdown output of the cell."""
        return markdown(" ".join(self.text(part) for part in parts))

    def table(self):
        """The conclusion's evidence: one row per claim, primary first, with the statistic that judged it."""
        head = ""
        profile = self.result.config["profile"]
        if profile != "full":
            head = (f"*This page was built with the `{profile}` profile: its runs are too small to judge, so every "
                    f"claim below is shown as not judged. The published book uses `full`.*\n\n")
        return markdown(head + claims_markdown(list(self.claims.values())))


def publish(result: Result) -> View:
    """Judges the claims and writes the results file: where `atoms run` asks (ATOMS_RESULTS_PATH), or else
    next to the notebook as NAME.json in the working directory, so a run by papermill alone can be compared.
    Written to a temporary name and renamed, so an interrupted run leaves no half-written file."""
    found = result.claims()
    target = Path(os.environ.get(RESULTS_ENV) or f"{result.experiment}.json")
    scratch = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        scratch.write_text(json.dumps(results_payload(result, found), allow_nan=False))
        os.replace(scratch, target)
    finally:
        scratch.unlink(missing_ok=True)
    return View(result, found)


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


def rerun(cls: type[Experiment]):
    source = f"experiments/{cls.name}.md"
    text = f"""From a clone of the book's repository, after `make test` or `make book` has created `.venv`:

```bash
.venv/bin/atoms run {cls.name} -p seed 1              # writes runs/{cls.name}.ipynb and .json
.venv/bin/atoms compare runs/{cls.name}.json {cls.name}   # your run against the book's: exit 0 if the primary verdicts agree
.venv/bin/atoms run {cls.name} -p profile smoke       # a quick check of the code path
```

`atoms run` checks every parameter before it starts, names the one it rejects, prints an estimate of the run
time, and asks for `--yes` before a run estimated over 15 minutes. With papermill alone (the parameters above;
lists go through `-y`), the results file `{cls.name}.json` is written next to the notebook:

```bash
.venv/bin/jupytext --to ipynb -o - {source} | .venv/bin/papermill - out.ipynb -p seed 3 -y "n_seeds: 10"
```"""
    return markdown(text)


def bibtex(cls: type[Experiment]) -> str:
    """The chapter's entry, complete for the common styles, with the version and the commit that built it."""
    key = "atoms_" + cls.name.split("_", 1)[1]
    return f"""@incollection{{{key},
  title     = {{{cls.title}}},
  booktitle = {{Atoms of Deep Learning}},
  author    = {{{{Atoms of Deep Learning contributors}}}},
  publisher = {{GitHub}},
  year      = {{{RELEASED[:4]}}},
  edition   = {{{__version__}}},
  chapter   = {{{int(cls.name.split("_", 1)[0])}}},
  url       = {{{BOOK_URL}}},
  note      = {{Version {__version__}, commit {short_commit()}}}
}}"""


def short_commit() -> str:
    """The commit of the checkout this package runs from, short enough to quote, marked when edited."""
    commit = git_commit(Path(__file__).resolve().parent)
    return commit if commit == "unknown" else commit[:12] + ("-dirty" if commit.endswith("-dirty") else "")


def book_bibtex(commit: str) -> str:
    return f"""@book{{atoms_of_deep_learning,
  title     = {{Atoms of Deep Learning}},
  author    = {{{{Atoms of Deep Learning contributors}}}},
  publisher = {{GitHub}},
  year      = {{{RELEASED[:4]}}},
  edition   = {{{__version__}}},
  url       = {{{BOOK_URL}}},
  note      = {{Version {__version__}, commit {commit}}}
}}"""


def cite(cls: type[Experiment]):
    return markdown(f"Cite this chapter as:\n\n```bibtex\n{bibtex(cls)}\n```")

