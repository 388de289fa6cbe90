"""The argument objects of one ensemble, one per concern (as in mnist1d).

`Network` fixes the shapes every member shares, `Training` how they all train, `Members` what
differs between them, `Data` what they learn from, and `Recording` what to measure and when.
Each validates itself on construction, so a bad value fails before anything is traced.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from atoms import optim
from atoms.nn import ACTIVATIONS, LOSSES, Init

STATISTICS = ("rms", "frobenius", "spectral", "distance_from_init", "sign_flips")
L1_MODES = ("subgradient", "proximal")


def _positive_int(name: str, value) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")


@dataclass(frozen=True)
class Network:
    """Layer shapes shared by every member of one ensemble.

    With `shared_repeats > 0` the network has one hidden width `hidden[0]`: an input layer, a
    hidden-to-hidden layer whose weights are applied up to `shared_repeats` times, and the output
    layer, so the parameter count does not depend on depth.
    """

    n_inputs: int
    hidden: tuple[int, ...]
    n_outputs: int
    activation: str = "sigmoid"
    weight_init: Init = field(default_factory=Init)
    bias_init: Init = field(default_factory=lambda: Init("zeros"))
    shared_repeats: int = 0

    def __post_init__(self):
        _positive_int("n_inputs", self.n_inputs)
        _positive_int("n_outputs", self.n_outputs)
        object.__setattr__(self, "hidden", tuple(self.hidden))
        for width in self.hidden:
            _positive_int("hidden width", width)
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {tuple(ACTIVATIONS)}, got {self.activation!r}")
        if self.shared_repeats < 0:
            raise ValueError(f"shared_repeats must be >= 0, got {self.shared_repeats!r}")
        if self.shared_repeats and len(self.hidden) != 1:
            raise ValueError("shared_repeats needs exactly one hidden width, e.g. hidden=(10,)")

    @property
    def weight_shapes(self) -> list[tuple[int, int]]:
        if self.shared_repeats:
            (width,) = self.hidden
            return [(self.n_inputs, width), (width, width), (width, self.n_outputs)]
        sizes = (self.n_inputs, *self.hidden, self.n_outputs)
        return list(zip(sizes[:-1], sizes[1:]))

    @property
    def n_parameters(self) -> int:
        return sum(i * o + o for i, o in self.weight_shapes)


@dataclass(frozen=True)
class Training:
    """How every member trains. `batch_size=None` means full-batch gradient descent.

    Penalties act on weight matrices, not biases, as sums: `l2 * sum(W**2)` (Keras' L2) and
    `l1 * sum(|W|)`, each times the member's `layer_scale` for that layer (see `Members`). L1 is
    applied either as a subgradient through the optimizer or as a proximal soft-threshold after
    each step. `xla` compiles the whole training loop with XLA: faster for wide networks, but it
    changes the last bits, so a chapter that uses it records it in its results.
    """

    steps: int
    batch_size: int | None = None
    loss: str = "cross_entropy"
    optimizer: str = "adam"
    momentum: float = 0.9
    l1_mode: str = "subgradient"
    xla: bool = False

    def __post_init__(self):
        _positive_int("steps", self.steps)
        if self.batch_size is not None:
            _positive_int("batch_size", self.batch_size)
        if self.loss not in LOSSES:
            raise ValueError(f"loss must be one of {tuple(LOSSES)}, got {self.loss!r}")
        if self.optimizer not in optim.OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {optim.OPTIMIZERS}, got {self.optimizer!r}")
        if self.l1_mode not in L1_MODES:
            raise ValueError(f"l1_mode must be one of {L1_MODES}, got {self.l1_mode!r}")
        if not 0 <= self.momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {self.momentum!r}")


@dataclass(frozen=True)
class Members:
    """What differs between the K members. Scalars broadcast to every member.

    `units` masks hidden units per member (`[K, n_hidden_layers]`, each at most the network's
    width) so that a width sweep trains in one trace; `repeats` sets how many times each member
    applies the shared layer (at most `Network.shared_repeats`). `layer_scale` multiplies each
    weight matrix's penalty (`[n_matrices]` for every member, or `[K, n_matrices]`), so that
    penalties normalized in different ways by layer size train in one trace.
    """

    seeds: tuple[np.random.SeedSequence, ...]
    learning_rate: np.ndarray | float = 0.001
    l1: np.ndarray | float = 0.0
    l2: np.ndarray | float = 0.0
    units: np.ndarray | None = None
    repeats: np.ndarray | None = None
    layer_scale: np.ndarray | None = None

    def __post_init__(self):
        object.__setattr__(self, "seeds", tuple(self.seeds))
        if not self.seeds:
            raise ValueError("seeds must name at least one member")
        if self.layer_scale is not None:
            scale = np.asarray(self.layer_scale, np.float32)
            if scale.ndim == 1:
                scale = np.broadcast_to(scale, (self.size, scale.size)).copy()
            if scale.ndim != 2 or scale.shape[0] != self.size or not np.all(np.isfinite(scale)) or np.any(scale < 0):
                raise ValueError(f"layer_scale must be finite and >= 0, one value per weight matrix for every "
                                 f"member ([n_matrices] or [K={self.size}, n_matrices]), got {self.layer_scale!r}")
            object.__setattr__(self, "layer_scale", scale)
        for name in ("learning_rate", "l1", "l2"):
            values = np.broadcast_to(np.asarray(getattr(self, name), np.float32), (self.size,)).copy()
            if not np.all(np.isfinite(values)) or np.any(values < 0):
                raise ValueError(f"{name} must be finite and >= 0 for every member, got {values}")
            object.__setattr__(self, name, values)
        if not np.all(self.learning_rate > 0):
            raise ValueError(f"learning_rate must be > 0 for every member, got {self.learning_rate}")

    @property
    def size(self) -> int:
        return len(self.seeds)


@dataclass(frozen=True)
class Data:
    """Training and optional test data, shared (`[n, d]`) or one draw per member (`[K, n, d]`).

    Integer targets are class labels (a classification head, accuracy recorded); float targets
    `[..., n, outputs]` are regression targets. `n_train` gives each member's number of valid
    rows when per-member data of different sizes are padded to one shape. `sample_weight` (`[n]`
    or `[K, n]`) multiplies each training row's loss, e.g. for a class-weighted loss; recorded
    losses stay unweighted means, so they compare across weightings.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray | None = None
    y_test: np.ndarray | None = None
    n_train: np.ndarray | None = None
    sample_weight: np.ndarray | None = None

    @classmethod
    def from_splits(cls, splits) -> Data:
        """One member per split (`atoms.data.Split`), stacked to `[K, n, d]`."""
        return cls(*(np.stack([getattr(split, name) for split in splits])
                     for name in ("x_train", "y_train", "x_test", "y_test")))

    @property
    def stacked(self) -> bool:
        return np.ndim(self.x_train) == 3

    @property
    def classification(self) -> bool:
        return np.issubdtype(np.asarray(self.y_train).dtype, np.integer)


@dataclass(frozen=True)
class Recording:
    """Which steps to record (step 0, before training, and the last step always included)."""

    every: int | None = None
    at: tuple[int, ...] = ()
    statistics: tuple[str, ...] = ()
    weights: bool = False

    def __post_init__(self):
        if self.every is not None:
            _positive_int("every", self.every)
        unknown = set(self.statistics) - set(STATISTICS)
        if unknown:
            raise ValueError(f"statistics must be among {STATISTICS}, got {sorted(unknown)}")

    def steps(self, total: int) -> np.ndarray:
        chosen = {0, total, *(s for s in self.at if 0 <= s <= total)}
        if self.every:
            chosen.update(range(0, total + 1, self.every))
        return np.array(sorted(chosen), dtype=np.int64)


@dataclass
class History:
    """What a run recorded: `[K, R]` curves at `steps`, `[K, R, layers]` statistics, parameters."""

    steps: np.ndarray
    train_loss: np.ndarray
    train_accuracy: np.ndarray
    test_loss: np.ndarray
    test_accuracy: np.ndarray
    statistics: dict[str, np.ndarray]
    weights: list[np.ndarray] | None
    initial_params: list[np.ndarray]
    final_params: list[np.ndarray]
