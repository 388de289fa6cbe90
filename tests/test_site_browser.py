"""The built site, as a reader's browser sees it.

A page can build without a single Sphinx warning and still show a broken image, print raw TeX
because MathJax never ran, ship a download link that 404s, or quietly fetch a script from a CDN
(which breaks the offline promise of the book). Only a real browser can tell, so this module serves
the smoke build on 127.0.0.1 and drives Debian's headless chromium through it with Playwright,
blocking every request that would leave the loopback interface.

Without /usr/bin/chromium or the playwright package the module is skipped locally, but fails when
CI=true: in CI it must run.
"""

import functools
import http.server
import json
import os
import threading
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest

from atoms import plotting

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOOPBACK = "127.0.0.1"
TIMEOUT_MS = 20_000
CHAPTER = "01_universal_approximation"
CHAPTER_PATH = f"book/chapters/{CHAPTER}.html"
ARTICLE = "article.bd-article"
SIDEBAR_LINKS = "nav.bd-docs-nav a.reference.internal"
OUTPUT_IMAGES = f"{ARTICLE} .cell_output img"
NARROW = {"width": 400, "height": 900}


def unavailable(reason):
    """Skip on a developer machine that lacks the browser; fail in CI, where it must run."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}, but CI=true: the browser test must run in CI")
    pytest.skip(reason)


def is_local(url):
    """True for data:/blob: URLs and http(s) URLs served from the loopback address."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob"):
        return True
    return parts.scheme in ("http", "https") and parts.hostname == LOOPBACK


def keep_on_loopback(route):
    """Route handler: let local requests through, abort the rest at once so a leak fails fast."""
    if is_local(route.request.url):
        route.continue_()
    else:
        route.abort("blockedbyclient")


def record_requests(page):
    """Every request URL the page makes from now on, in order."""
    urls = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        unavailable("Debian chromium not installed; CI installs it")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright (python) not installed; CI installs it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def site(built_book):
    """Base URL of the built html directory, served on 127.0.0.1 for the module's lifetime."""
    html = built_book / "_build" / "html"
    server = http.server.ThreadingHTTPServer(
        (LOOPBACK, 0), functools.partial(QuietHandler, directory=str(html)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{LOOPBACK}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def context(browser, site):
    """A browser context in which nothing may leave the loopback interface."""
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    context.route("**/*", keep_on_loopback)
    yield context
    context.close()


@pytest.fixture(scope="module")
def chapter(context, site):
    """The chapter page, loaded and settled: (page, main response, every request URL it made)."""
    page = context.new_page()
    requests = record_requests(page)
    response = page.goto(site + CHAPTER_PATH, wait_until="load")
    page.wait_for_load_state("networkidle")
    yield page, response, requests
    page.close()


def test_chapter_page_loads(chapter):
    page, response, _ = chapter
    assert response is not None and response.status == 200
    assert "Universal approximation" in page.title()


def test_chapter_figures_decode(chapter):
    page, _, _ = chapter
    images = f"{ARTICLE} img"
    page.wait_for_function(f"() => [...document.querySelectorAll({images!r})].every(img => img.complete)")
    widths = page.eval_on_selector_all(images, "imgs => imgs.map(img => [img.getAttribute('src'), img.naturalWidth])")
    assert len(widths) >= 2, f"expected the chapter's two figures, found {widths}"
    broken = [src for src, width in widths if width == 0]
    assert not broken, f"images that did not decode: {broken}"


def test_chapter_math_is_typeset_by_local_mathjax(chapter):
    page, _, requests = chapter
    script = page.evaluate("() => document.querySelector('script[src*=\"mathjax\"]')?.src")
    assert script and urlsplit(script).hostname == LOOPBACK, f"MathJax script: {script}"
    page.wait_for_function("() => document.querySelectorAll('mjx-container').length >= 3")
    page.evaluate("() => window.MathJax.startup.promise")
    assert any(url.split("?")[0].endswith("/_static/mathjax/tex-chtml.js") for url in requests if is_local(url))
    assert page.evaluate("() => window.MathJax.version").startswith("3.")
    errors = page.eval_on_selector_all("mjx-merror", "nodes => nodes.map(node => node.textContent)")
    assert not errors, f"TeX that MathJax could not typeset: {errors}"


def test_chapter_makes_no_request_off_loopback(chapter):
    _, _, requests = chapter
    assert requests, "no requests were recorded"
    leaks = sorted({url for url in requests if not is_local(url)})
    assert not leaks, f"requests leaving 127.0.0.1: {leaks}"


def test_chapter_download_links_resolve(chapter):
    page, _, _ = chapter
    hrefs = page.eval_on_selector_all('a[href*="_downloads/"]', "links => links.map(link => link.href)")
    by_suffix = {Path(urlsplit(href).path).suffix: href for href in hrefs}
    assert {".ipynb", ".json"} <= by_suffix.keys(), f"download links found: {hrefs}"
    for href in by_suffix.values():
        assert is_local(href), href
    payloads = {}
    for suffix in (".ipynb", ".json"):
        response = page.request.get(by_suffix[suffix])
        assert response.status == 200, f"{by_suffix[suffix]} -> HTTP {response.status}"
        payloads[suffix] = json.loads(response.body())
    assert {"claims", "parameters"} <= payloads[".json"].keys()
    assert "cells" in payloads[".ipynb"]


def test_index_and_every_sidebar_page_load(context, site):
    page = context.new_page()
    requests = record_requests(page)
    try:
        response = page.goto(site + "index.html")
        assert response is not None and response.status == 200
        page.wait_for_url("**/book/intro.html")
        to_visit, visited = [page.url], {}
        while to_visit:
            url = to_visit.pop()
            if url in visited:
                continue
            response = page.goto(url)
            visited[url] = response.status if response is not None else None
            for href in page.eval_on_selector_all(SIDEBAR_LINKS, "links => links.map(link => link.href)"):
                target = urldefrag(href).url
                assert target.startswith(site), f"sidebar link leaves the site: {href}"
                if target not in visited:
                    to_visit.append(target)
        broken = {url: status for url, status in visited.items() if status != 200}
        assert not broken, f"sidebar pages that did not load: {broken}"
        assert site + CHAPTER_PATH in visited and len(visited) >= 3, sorted(visited)
        leaks = sorted({url for url in requests if not is_local(url)})
        assert not leaks, f"requests leaving 127.0.0.1: {leaks}"
    finally:
        page.close()


def chapter_urls(built_book, site):
    pages = sorted((built_book / "_build" / "html" / "book" / "chapters").glob("[01][0-9]_*.html"))
    assert len(pages) >= 16, [page.name for page in pages]
    return [site + f"book/chapters/{page.name}" for page in pages]


def figures_on(page, url):
    """Every output image of a chapter: its alt text, enclosing caption and natural and displayed widths."""
    page.goto(url, wait_until="load")
    page.wait_for_function(f"() => [...document.querySelectorAll({OUTPUT_IMAGES!r})].every(img => img.complete)")
    return page.eval_on_selector_all(OUTPUT_IMAGES, """imgs => imgs.map(img => ({
        alt: img.getAttribute('alt') || '', caption: img.closest('figure')?.querySelector('figcaption')?.textContent,
        id: img.closest('figure')?.id, natural: img.naturalWidth, shown: img.getBoundingClientRect().width}))""")


def test_every_chapter_figure_is_a_numbered_captioned_figure(context, site, built_book):
    page = context.new_page()
    try:
        for url in chapter_urls(built_book, site):
            figures, chapter = figures_on(page, url), int(Path(urlsplit(url).path).name[:2])
            assert figures, f"{url}: no figures"
            for number, figure in enumerate(figures, start=1):
                where = f"{url} image {number}"
                assert figure["caption"], f"{where}: not inside a <figure> with a <figcaption>"
                label = f"Figure {chapter}.{number} "  # numbered within its chapter, as the sidebar numbers chapters
                assert figure["caption"].strip().startswith(label), f"{where}: {figure['caption']!r}, not {label!r}"
                assert (figure["id"] or "").startswith("fig-"), f"{where}: no fig- name to cite: {figure['id']}"
                alt = figure["alt"]
                assert len(alt.split()) >= 5 and "/" not in alt and not alt.endswith(".png"), f"{where}: alt {alt!r}"
    finally:
        page.close()


def test_chapters_at_400px_do_not_overflow_and_figure_text_stays_legible(browser, site, built_book):
    """At a phone's width, figures shrink to the column: their tick labels, set at plotting.TEXT_PT, must
    still measure plotting.MIN_TEXT_PX CSS px once scaled by displayed over natural width."""
    narrow = browser.new_context(viewport=NARROW)
    narrow.route("**/*", keep_on_loopback)
    page = narrow.new_page()
    try:
        for url in chapter_urls(built_book, site):
            figures = figures_on(page, url)
            overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{url}: the page scrolls sideways by {overflow} px at 400 px"
            for number, figure in enumerate(figures, start=1):
                text_px = plotting.TEXT_PT * plotting.DPI / 72 * figure["shown"] / figure["natural"]
                assert text_px >= plotting.MIN_TEXT_PX, (
                    f"{url} figure {number}: tick labels {text_px:.1f} px ({figure['natural']} px shown at "
                    f"{figure['shown']:.0f} px)")
    finally:
        page.close()
        narrow.close()
