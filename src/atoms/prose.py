"""Sentence pieces that chapters assemble from verdicts, so every generated sentence lists alike."""

from __future__ import annotations


def join_words(words: list[str]) -> str:
    """"a", "a and b", "a, b and c": the book's list style, without a serial comma."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
