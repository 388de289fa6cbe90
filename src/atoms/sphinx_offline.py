"""A Sphinx extension that keeps the built book free of CDN references.

Jupyter Book always loads sphinx-thebe, which writes the URL of thebe's script on a CDN into
every page even when live code is switched off. The book offers no live code, so this drops
thebe's scripts from every page; MathJax comes from the local copy that sphinx-mathjax-offline
installs.
"""

from __future__ import annotations


def _is_thebe(script) -> bool:
    body = getattr(script, "attributes", {}).get("body") or ""
    return "THEBE_JS_URL" in body or "sphinx-thebe.js" in str(script)


def _drop_thebe(app, pagename, templatename, context, doctree) -> None:
    if "script_files" in context:
        context["script_files"] = [script for script in context["script_files"] if not _is_thebe(script)]


def setup(app):
    app.connect("html-page-context", _drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
