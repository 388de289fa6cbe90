"""The built site names every chapter as its page, BibTeX and ledger do, and its landing page shows the findings.

Reuses the served smoke build and the offline browser of tests/test_site_browser.py. The sidebar and the
browser tab show titles as plain text, where TeX would print raw; the sidebar numbers each chapter as its
BibTeX does; the landing page's findings table and the ledger link every chapter by its title; and until
`repository.url` is set, no page offers repository or issue buttons.
"""

import pytest

from atoms.experiment import every_experiment

from test_site_browser import SIDEBAR_LINKS, browser, context, site  # noqa: F401 (fixtures)

CLASSES = every_experiment()
RAW_TEX = ("\\(", "\\[", "$", "\\sqrt")


@pytest.fixture(scope="module")
def tab(context):
    page = context.new_page()
    yield page
    page.close()


def texts(page, selector):
    return page.eval_on_selector_all(selector, "nodes => nodes.map(node => node.textContent.trim())")


def test_sidebar_numbers_and_names_every_chapter_as_its_bibtex(tab, site):
    tab.goto(site + "book/claims.html")
    sidebar = [" ".join(text.split()) for text in texts(tab, SIDEBAR_LINKS)]
    for cls in CLASSES:
        assert f"{int(cls.name[:2])}. {cls.title}" in sidebar, (cls.title, sidebar)
    raw = [text for text in sidebar if any(mark in text for mark in RAW_TEX)]
    assert not raw, f"TeX left raw in the sidebar: {raw}"


def test_every_chapter_page_shows_its_title_in_the_tab_and_heading(tab, site):
    for cls in CLASSES:
        response = tab.goto(site + f"book/chapters/{cls.name}.html")
        assert response is not None and response.status == 200
        numbered = f"{int(cls.name[:2])}. {cls.title}"
        title = tab.title()
        assert title.startswith(numbered) and not any(mark in title for mark in RAW_TEX), title
        heading = " ".join(texts(tab, "article.bd-article h1")[0].rstrip("#").split())
        assert heading == numbered


def test_no_page_offers_a_repository_that_is_not_set(tab, site):
    for path in ("book/intro.html", f"book/chapters/{CLASSES[0].name}.html"):
        tab.goto(site + path)
        buttons = tab.eval_on_selector_all(
            "[class*=repository-button], [class*=issues-button], a[href*='github.com/atoms-of-deep-learning']",
            "nodes => nodes.map(node => node.outerHTML.slice(0, 120))")
        assert not buttons, f"{path}: {buttons}"


@pytest.mark.parametrize("path, section", [("book/intro.html", "#what-the-book-found"),
                                           ("book/claims.html", "article.bd-article")])
def test_landing_page_and_ledger_link_every_chapter_by_its_title(tab, site, path, section):
    tab.goto(site + path)
    links = tab.eval_on_selector_all(f"{section} table a.reference.internal",
                                     "links => links.map(link => [link.textContent.trim(), link.href])")
    named = {href.split("/")[-1].split("#")[0]: text for text, href in links}
    assert named == {f"{cls.name}.html": cls.title for cls in CLASSES}


def test_landing_page_states_the_verdicts_and_the_build_time(tab, site):
    tab.goto(site + "book/intro.html")
    found = " ".join(texts(tab, "#what-the-book-found"))
    assert found.count("not judged") >= len(CLASSES), "the smoke build's primary verdicts"
    assert "of the reference machine" in found and "wall times add up to" in found
    assert "under a minute" not in " ".join(texts(tab, "article.bd-article"))
