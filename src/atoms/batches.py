"""Mini-batch order: per-member shuffled epochs, drawn on the host from each member's seed.

Drawing on the host keeps the order independent of K and of a member's position, and lets a
Keras reference run replay exactly the same batches.
"""

from __future__ import annotations

import math

import numpy as np

from atoms import seeding
from atoms.ensemble import Members


class BatchOrder:
    """Hands out the next `[K, steps, batch]` indices; an epoch's last batch may be partial."""

    def __init__(self, members: Members, n_rows: np.ndarray, batch_size: int):
        self.rngs = [seeding.generator(seed, seeding.ORDER) for seed in members.seeds]
        self.n_rows = n_rows
        self.sizes = np.minimum(batch_size, n_rows)
        self.width = int(self.sizes.max())
        self.pending = [np.empty((0, self.width), np.int64) for _ in members.seeds]

    def _epoch(self, member: int) -> np.ndarray:
        n, size = int(self.n_rows[member]), int(self.sizes[member])
        batches = math.ceil(n / size)
        order = np.full(batches * size, -1, np.int64)
        order[:n] = self.rngs[member].permutation(n)
        padded = np.full((batches, self.width), -1, np.int64)
        padded[:, :size] = order.reshape(batches, size)
        return padded

    def take(self, steps: int) -> tuple[np.ndarray, np.ndarray]:
        chunk = []
        for member in range(len(self.pending)):
            while len(self.pending[member]) < steps:
                self.pending[member] = np.concatenate([self.pending[member], self._epoch(member)])
            chunk.append(self.pending[member][:steps])
            self.pending[member] = self.pending[member][steps:]
        indices = np.stack(chunk)
        return np.maximum(indices, 0).astype(np.int32), (indices >= 0).astype(np.float32)


def batch_order(members: Members, n_rows, batch_size: int, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """The `[K, steps, batch]` row indices and validity mask the engine will train on."""
    n_rows = np.broadcast_to(np.asarray(n_rows, np.int64), (members.size,))
    return BatchOrder(members, n_rows, batch_size).take(steps)
