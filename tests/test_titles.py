"""One title and one number per chapter, wherever the book names it, and the findings the landing page shows.

A chapter's title is `cls.title`; its page heading, the claims ledger, the landing page's findings and its
BibTeX entry must all read it from there, and its number in the navigation must be the one its BibTeX
cites. The built site's sidebar and browser tab are checked in tests/test_site_titles.py.
"""

import re

import pytest
import yaml
from pybtex.database import parse_string

from atoms import backmatter, page
from atoms.claims import BADGES, Claim, Evidence, Verdict
from atoms.experiment import every_experiment

from conftest import ROOT

CLASSES = every_experiment()
CHAPTERS = "book/chapters/"


def navigation_numbers() -> dict[str, int]:
    """The number the navigation gives each chapter: Jupyter Book numbers every numbered part on from the
    last (sphinx-multitoc-numbering), and leaves the pages of unnumbered parts without one."""
    numbers, last = {}, 0
    for part in yaml.safe_load((ROOT / "_toc.yml").read_text())["parts"]:
        for entry in part["chapters"]:
            if part.get("numbered"):
                last += 1
                numbers[entry["file"]] = last
    return numbers


def results(cls, verdict=Verdict.SUPPORTED, profile="full", registered=True) -> dict:
    """A results file as the pipeline writes it, reduced to what the back-matter pages read."""
    evidence = Evidence("median 0.5 over 5 seeds", 0.01, 0.9, {"median": 0.5})
    claims = [Claim(f"{cls.name[3:].replace('_', '-')}-main", f"The main claim of {cls.name}.", evidence,
                    primary=True, registered=registered, verdict=verdict),
              Claim("side", f"A secondary claim of {cls.name}.", evidence, verdict=Verdict.INCONCLUSIVE)]
    return {"chapter": cls.name, "parameters": {"profile": profile},
            "claims": [claim.to_dict() for claim in claims], "machine": {"cpus": 2},
            "run": {"wall_seconds": 30.0, "normalized_seconds": 45.0}}


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.name)
def test_title_is_plain_text(cls):
    """The sidebar and the browser tab show titles as text, where TeX would print raw."""
    assert not re.search(r"[\\$]", cls.title), cls.title


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.name)
def test_page_bibtex_and_navigation_agree(cls):
    heading = re.search(r"^# (.+)$", (ROOT / "experiments" / f"{cls.name}.md").read_text(), re.MULTILINE).group(1)
    entry = next(iter(parse_string(page.bibtex(cls), "bibtex").entries.values()))
    assert heading == entry.fields["title"] == cls.title
    assert int(entry.fields["chapter"]) == navigation_numbers()[CHAPTERS + cls.name] == int(cls.name[:2])


def test_navigation_numbers_every_chapter_and_nothing_else():
    assert sorted(navigation_numbers()) == sorted(CHAPTERS + cls.name for cls in CLASSES)


def test_ledger_and_findings_name_every_chapter_by_its_title():
    found = [results(cls) for cls in CLASSES]
    for text in (backmatter.ledger(found), backmatter.findings(found)):
        for cls in CLASSES:
            assert f"[{cls.title}](chapters/{cls.name}.ipynb)" in text


def test_findings_answer_each_question_with_its_primary_verdicts():
    verdicts = [Verdict.SUPPORTED, Verdict.NOT_SUPPORTED, Verdict.INCONCLUSIVE]
    found = [results(cls, verdicts[i % 3], registered=i != 1) for i, cls in enumerate(CLASSES)]
    text = backmatter.findings(found)
    rows = [line for line in text.splitlines() if line.startswith("| ") and "main claim" in line]
    assert len(rows) == len(CLASSES)
    for i, (cls, row) in enumerate(zip(CLASSES, rows)):
        assert row.startswith(f"| {int(cls.name[:2])} | [{cls.title}]")
        assert f"| {BADGES[verdicts[i % 3]]} | The main claim of {cls.name}." in row
        assert ("*(post hoc)*" in row) == (i == 1)
    assert "A secondary claim" not in text
    assert "not judged" not in text


def test_findings_state_the_build_time_from_the_runs():
    text = backmatter.findings([results(cls) for cls in CLASSES])
    count = len(CLASSES)
    assert f"take {count // 2 * 45 / 60:.1f} min of the reference machine" in text  # two at a time on 2 cores
    assert f"{count * 45 / 60:.1f} min one after another" in text
    assert f"wall times add up to {count * 30 / 60:.1f} min" in text
    assert "2 CPUs" in text


def test_findings_say_when_a_build_was_too_small_to_judge():
    text = backmatter.findings([results(cls, Verdict.NOT_JUDGED, profile="smoke") for cls in CLASSES])
    assert "built with the `smoke` profile" in text
    assert text.count(BADGES[Verdict.NOT_JUDGED]) == len(CLASSES)


def test_landing_page_shows_the_findings_and_no_typed_run_time():
    intro = (ROOT / "book" / "intro.md").read_text()
    assert "```{include} findings.md" in intro
    assert "under a minute" not in intro
