"""Seeds for members of an ensemble, derived purely from one chapter seed.

`numpy.random.SeedSequence.spawn` mutates its parent (a second call gives other children), so
results would depend on call order. `child` builds the same child from the parent's entropy and
spawn key every time, which keeps every draw a pure function of the chapter's `seed`.
"""

from __future__ import annotations

import numpy as np

INIT = 0
ORDER = 1
DATA = 2


def child(parent: np.random.SeedSequence, index: int) -> np.random.SeedSequence:
    return np.random.SeedSequence(parent.entropy, spawn_key=(*parent.spawn_key, int(index)))


def member_seeds(seed: int, n: int) -> list[np.random.SeedSequence]:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    root = np.random.SeedSequence(int(seed))
    return [child(root, i) for i in range(n)]


def generator(parent: np.random.SeedSequence, purpose: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(child(parent, purpose)))
