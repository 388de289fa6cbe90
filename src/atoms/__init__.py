"""Atoms of Deep Learning: small, controlled, reproducible deep-learning experiments."""

__version__ = "0.1.0"
