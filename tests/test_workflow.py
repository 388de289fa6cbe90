"""Publishing: the GitHub Actions workflow that tests, builds and deploys the book, and the repository setting.

A workflow only runs on GitHub, so a typo in it would show up after a push, as a failed or silently skipped
job; actionlint checks its syntax, expressions and the inputs of the actions it uses here instead.
"""

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from atoms import sphinx_repository

from conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "book.yml"


def workflow() -> dict:
    data = yaml.safe_load(WORKFLOW.read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def test_workflow_passes_actionlint():
    actionlint = Path(sys.executable).with_name("actionlint")
    done = subprocess.run([str(actionlint), "-no-color", str(WORKFLOW)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


def test_workflow_tests_then_builds_on_main_and_every_week():
    data = workflow()
    assert data["on"]["push"]["branches"] == ["main"] and data["on"]["schedule"]
    runs = [step.get("run", "") for step in data["jobs"]["build"]["steps"]]
    commands = [line.strip() for run in runs for line in run.splitlines()]
    assert commands.index("make test") < commands.index("make book") < commands.index("make pdf")


def test_workflow_deploys_the_site_only_from_main():
    jobs = workflow()["jobs"]
    upload = next(step for step in jobs["build"]["steps"] if "upload-pages-artifact" in step.get("uses", ""))
    assert upload["with"]["path"] == "_build/html"
    assert "refs/heads/main" in upload["if"] and "refs/heads/main" in jobs["deploy"]["if"]
    assert any("deploy-pages" in step.get("uses", "") for step in jobs["deploy"]["steps"])
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_a_failed_weekly_build_opens_an_issue():
    job = workflow()["jobs"]["report-weekly-failure"]
    assert "failure()" in job["if"] and "schedule" in job["if"]
    assert "issues.create" in job["steps"][0]["with"]["script"]


def theme_options_after_init(url: str) -> dict:
    config = SimpleNamespace(html_theme_options={"repository_url": url, "use_download_button": True})
    sphinx_repository._buttons_follow_url(None, config)
    return config.html_theme_options


@pytest.mark.parametrize("url, shown", [("", False), ("https://github.com/someone/atoms", True)])
def test_repository_buttons_follow_the_one_url_setting(url, shown):
    options = theme_options_after_init(url)
    assert options["use_repository_button"] is shown and options["use_issues_button"] is shown
    assert options["use_download_button"] is True


def test_config_sets_the_repository_in_one_place():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert "atoms.sphinx_repository" in config["sphinx"]["extra_extensions"]
    assert "url" in config["repository"]
    assert not {"use_repository_button", "use_issues_button"} & config["html"].keys()
