"""A Sphinx extension that makes `repository.url` in `_config.yml` the one switch for the repository buttons.

Jupyter Book turns the repository and issue buttons on only by their own flags, which must agree with the
URL by hand: a URL left pointing at a repository that does not exist gives buttons that 404. Here the
buttons follow the URL: set, every page links to the repository and its issues; empty, none does.
"""

from __future__ import annotations

BUTTONS = ("use_repository_button", "use_issues_button")


def _buttons_follow_url(app, config) -> None:
    options = config.html_theme_options
    enabled = bool(options.get("repository_url"))
    options.update({button: enabled for button in BUTTONS})


def setup(app):
    app.connect("config-inited", _buttons_follow_url)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
