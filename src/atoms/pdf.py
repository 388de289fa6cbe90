"""The whole book as one PDF (`make pdf`): Jupyter Book renders it as a single HTML page, chromium prints it.

The HTML already carries what a reader needs, the figures, the tables and the math MathJax typesets, so a
browser prints it as the site shows it. Jupyter Book's own `pdfhtml` builder drives a browser that pyppeteer
downloads at run time; this uses the Debian chromium that CI installs, with name resolution switched off so
that nothing is fetched. `--virtual-time-budget` lets the page's scripts (MathJax) finish before the print.
Needs the executed chapters in `book/chapters/`, as `atoms build` leaves them.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

CHROMIUM = Path("/usr/bin/chromium")
SINGLE_HTML = Path("_build") / "singlehtml"
OUTPUT = Path("_build") / "pdf" / "book.pdf"
SCRIPT_BUDGET_MS = 120_000
"""Virtual time the page gets before the print: far more than MathJax needs, and spent only while idle."""
OFFLINE_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND"]


class PdfError(RuntimeError):
    """A step of the PDF failed; the message says which, in one line."""


def find_chromium() -> Path:
    found = CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")
    if not found:
        raise PdfError(f"no chromium at {CHROMIUM} or on PATH: install Debian's (apt-get install chromium)")
    return Path(found)


def render_single_page(root: Path) -> Path:
    """The book as one HTML page, built as strictly as the site (warnings are errors).

    Sphinx writes the page where the root document lives (`book/intro.html`) but points its images and
    scripts at `_images/` and `_static/` as if it lived at the top, so the copy printed sits at the top.
    """
    if not any((root / "book" / "chapters").glob("*.ipynb")):
        raise PdfError(f"no executed chapters in {root / 'book' / 'chapters'}: run `make book` first")
    jb = Path(sys.executable).with_name("jb")
    done = subprocess.run([str(jb), "build", str(root), "--builder", "singlehtml", "--all", "-W", "-n",
                           "--keep-going"], cwd=root)
    if done.returncode != 0:
        raise PdfError(f"jb build --builder singlehtml failed (exit {done.returncode}); its log is above")
    root_doc = yaml.safe_load((root / "_toc.yml").read_text())["root"]
    page = root / SINGLE_HTML / "book.html"
    shutil.copy(root / SINGLE_HTML / f"{root_doc}.html", page)
    return page


def print_to_pdf(chromium: Path, page: Path, output: Path) -> Path:
    output.parent.mkdir(parents=True, exist_ok=True)
    output.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="atoms-pdf-") as profile:
        done = subprocess.run([str(chromium), "--headless", *OFFLINE_ARGS, f"--user-data-dir={profile}",
                               "--no-pdf-header-footer", f"--virtual-time-budget={SCRIPT_BUDGET_MS}",
                               f"--print-to-pdf={output}", page.resolve().as_uri()],
                              capture_output=True, text=True)
    if done.returncode != 0 or not output.exists() or output.stat().st_size == 0:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise PdfError(f"chromium did not print {output} (exit {done.returncode}): {tail}")
    return output


def build(root: Path) -> Path:
    chromium = find_chromium()
    return print_to_pdf(chromium, render_single_page(root), root / OUTPUT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m atoms.pdf", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the book's root (default: here)")
    parser.add_argument("--check", action="store_true",
                        help="only check that chromium is there, before `make pdf` spends time on the book")
    args = parser.parse_args(argv)
    try:
        if args.check:
            find_chromium()
            return 0
        output = build(args.root.resolve())
    except PdfError as error:
        print(f"make pdf: {error}", file=sys.stderr)
        return 1
    print(f"The book's PDF is at {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
