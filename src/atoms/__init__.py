"""Atoms of Deep Learning: small, controlled, reproducible deep-learning experiments."""

__version__ = "0.2.0"
RELEASED = "2026-12-05"
"""The release date of this version: the year every BibTeX entry of the book cites."""
