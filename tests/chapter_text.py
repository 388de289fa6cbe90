"""Executes a chapter page's text cells against a stored result, with its claims forced to one verdict.

The forced-verdict test uses this to render every chapter's prose under each verdict without
training anything: the cell that runs the experiment is replaced by the stored smoke result.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import jupytext
import matplotlib.pyplot as plt

from atoms import page
from atoms.claims import Verdict
from atoms.experiment import Result

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def sentences(text: str) -> set[str]:
    return {s.strip() for s in SENTENCE_END.split(text) if len(s.strip()) > 20}


def _is_run_cell(source: str) -> bool:
    return "page.publish(" in source


def render(source: Path, result: Result, verdict: Verdict) -> tuple[list[str], page.View]:
    """The Markdown outputs of every text cell, and the View that produced them."""
    forced = [dataclasses.replace(claim, verdict=verdict) for claim in result.claims()]
    view = page.View(result, forced)
    notebook = jupytext.read(source)
    namespace: dict = {}
    outputs: list[str] = []
    original_image = page.image
    page.image = lambda fig: plt.close(fig)
    try:
        for cell in notebook.cells:
            if cell.cell_type != "code" or "parameters" in cell.metadata.get("tags", []):
                continue
            if _is_run_cell(cell.source):
                namespace.update(result=result, view=view)
                continue
            value = _execute(cell.source, namespace)
            if hasattr(value, "data") and isinstance(value.data, str):
                outputs.append(value.data)
    finally:
        page.image = original_image
        plt.close("all")
    return outputs, view


def _execute(source: str, namespace: dict):
    """Runs a cell like a kernel does: the value of a final expression is the cell's output."""
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, "<cell>", "exec"), namespace)
    if last is None:
        return None
    return eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)
