"""Every chapter page: its text follows each verdict, its answer comes first, and it needs no glue.

The prose of a chapter is written once, in its `.md`, but read under whatever verdicts a run
gives. So each page is rendered against a stored smoke result with every claim forced to each
verdict in turn: every number it quotes must exist, every primary claim must be interpreted,
and no sentence written for one verdict may appear when the claim received another.
"""

import re

import pytest

from atoms.claims import VERDICTS
from atoms.experiment import every_experiment


from chapter_text import render, sentences
from conftest import ROOT, smoke_result

CLASSES = every_experiment()


def source(cls):
    return ROOT / "experiments" / f"{cls.name}.md"


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.name)
def test_page_needs_no_glue_and_opens_with_its_answer(cls):
    text = source(cls).read_text()
    assert "{glue" not in text, "run-dependent text must be a cell output, not a glue role"
    headings = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    assert headings[:3] == ["Answer", "Question", "Method"], headings


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.name)
def test_page_heading_is_the_chapter_title(cls):
    heading = re.search(r"^# (.+)$", source(cls).read_text(), flags=re.MULTILINE).group(1)
    assert heading == cls.title


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.name)
def test_text_follows_every_verdict(cls):
    result = smoke_result(cls)
    primary = {claim.id for claim in result.claims() if claim.primary}
    for verdict in VERDICTS:
        outputs, view = render(source(cls), result, verdict)
        interpreted = {claim_id for claim_id, _ in view.branches}
        assert primary <= interpreted, f"primary claims never interpreted on the page: {primary - interpreted}"
        forbidden = set()
        for _, branches in view.branches:
            own = sentences(branches[verdict])
            for other, text in branches.items():
                if other is not verdict:
                    forbidden |= sentences(text) - own
        shown = sentences(" ".join(outputs))
        assert not forbidden & shown, f"under '{verdict.value}' the page still says: {sorted(forbidden & shown)}"
