"""How often each claim's verdict holds when only the root seed changes.

A verdict from one root seed can be the luck of that draw of networks and data. `atoms robustness CHAPTER
--roots 0 1 2` reruns the chapter at each root (all else equal) and counts, per claim, the roots that gave
each verdict. The summary is written next to the runs as `NAME.robustness.json`; placed in
`book/robustness/`, the claims ledger shows it.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from atoms.claims import VERDICTS, Verdict

SUFFIX = ".robustness.json"
COLUMNS = (*VERDICTS, Verdict.NOT_JUDGED)
BOOK_DIR = Path("book") / "robustness"


def summarize(name: str, runs: dict[int, dict]) -> dict[str, Any]:
    """Per claim, in the chapter's order: its statement, whether primary, and verdict counts over the roots."""
    claims: dict[str, dict] = {}
    for root_seed, payload in runs.items():
        for claim in payload["claims"]:
            entry = claims.setdefault(claim["id"], {"statement": claim["statement"], "primary": claim["primary"],
                                                    "verdicts": Counter(), "by_root": {}})
            entry["verdicts"][claim["verdict"]] += 1
            entry["by_root"][str(root_seed)] = claim["verdict"]
    for entry in claims.values():
        entry["verdicts"] = {verdict.value: entry["verdicts"][verdict.value] for verdict in COLUMNS}
    return {"chapter": name, "roots": sorted(runs), "parameters": {k: v for k, v in runs[min(runs)]["parameters"].items() if k != "seed"},
            "claims": claims}


def write(summary: dict, out_dir: Path) -> Path:
    """Atomically: a reader never sees half a summary, even after an interrupt."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{summary['chapter']}{SUFFIX}"
    with tempfile.NamedTemporaryFile("w", dir=out_dir, prefix=f".{path.name}.", delete=False) as scratch:
        json.dump(summary, scratch, indent=1)
    os.replace(scratch.name, path)
    return path


def load_book(root: Path) -> dict[str, dict]:
    """The robustness summaries placed in the book, by chapter."""
    summaries = [json.loads(path.read_text()) for path in sorted((root / BOOK_DIR).glob(f"*{SUFFIX}"))]
    return {summary["chapter"]: summary for summary in summaries}


def markdown(summary: dict) -> str:
    roots = ", ".join(str(r) for r in summary["roots"])
    lines = [f"**Verdicts over root seeds {roots}** (`atoms robustness`, profile "
             f"`{summary['parameters'].get('profile', 'full')}`):", "",
             "| claim | " + " | ".join(v.value for v in COLUMNS) + " |",
             "|---|" + "---|" * len(COLUMNS)]
    for claim_id, entry in summary["claims"].items():
        mark = " (primary)" if entry["primary"] else ""
        lines.append(f"| `{claim_id}`{mark} | " + " | ".join(str(entry["verdicts"][v.value]) for v in COLUMNS)
                     + " |")
    return "\n".join(lines)
