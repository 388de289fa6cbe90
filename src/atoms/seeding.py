"""Seeds for members of an ensemble, derived purely from one chapter seed.

`numpy.random.SeedSequence.spawn` mutates its parent (a second call gives other children), so
results would depend on call order. `child` builds the same child from the parent's entropy and
spawn key every time, which keeps every draw a pure function of the chapter's `seed`.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

import numpy as np

INIT = 0
ORDER = 1
DATA = 2


def child(parent: np.random.SeedSequence, index: int) -> np.random.SeedSequence:
    return np.random.SeedSequence(parent.entropy, spawn_key=(*parent.spawn_key, int(index)))


_PART: ContextVar[tuple[tuple[int, ...], int] | None] = ContextVar("seed_part", default=None)


def member_seeds(seed: int, n: int) -> list[np.random.SeedSequence]:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    root = np.random.SeedSequence(int(seed))
    part = _PART.get()
    if part is None:
        return [child(root, i) for i in range(n)]
    indices, total = part
    blocks, rest = divmod(n, len(indices))
    if rest:
        raise ValueError(f"a run of {len(indices)} of {total} seeds asked for {n} member seeds, not a multiple "
                         f"of {len(indices)}: this chapter's seeds cannot run apart")
    return [child(root, block * total + i) for block in range(blocks) for i in indices]


@contextmanager
def seed_part(indices: list[int], total: int):
    """While a part of a run executes, `member_seeds(seed, n)` returns the members of these seed indices.

    Chapters ask for `n_seeds` members, or for one per cell of a grid whose last (fastest) axis is the
    seed, `blocks * n_seeds`; either way member `b * n_seeds + i` of the whole run is the one the part
    gets for seed `i` of block `b`. Any other count is refused rather than guessed. A context variable,
    so that a part in one thread leaves every other thread's seeds alone.
    """
    token = _PART.set((tuple(indices), total))
    try:
        yield
    finally:
        _PART.reset(token)


def generator(parent: np.random.SeedSequence, purpose: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(child(parent, purpose)))
