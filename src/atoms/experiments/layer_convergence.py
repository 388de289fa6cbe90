"""Atom 11: do later layers of a deep network converge faster than earlier ones?

The original watched 50 hand-picked weights of one (50, 50, 50) sigmoid network trained once with
Adam, silently on the mean squared error of raw logits against one-hot targets, and concluded
that later layers converge faster. Here every weight of every layer is tracked, "converged" is
defined as a measured distance to the run's own final weights, every setting trains from several
seeds that share their data draw and batch order, and plain SGD trains beside Adam: the
hypothesis rests on gradients shrinking towards the input, and Adam's per-parameter scaling
divides that magnitude out.

Each (optimizer, loss) pair is one ensemble of `n_seeds` members: one trace each.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from atoms import claims as stats
from atoms import data, plotting, seeding
from atoms.config import Config, param
from atoms.engine import Data, Init, Members, Network, Recording, Training, train
from atoms.experiment import Experiment, Result

OPTIMIZER_LABELS = {"adam": "Adam", "sgd": "plain SGD"}
LOSS_LABELS = {"cross_entropy": "cross-entropy", "mse": "MSE on logits (the original)"}


@dataclass(frozen=True)
class LayerConvergenceConfig(Config):
    optimizers: tuple[str, ...] = param(("adam", "sgd"), "Optimizers compared.", choices=tuple(OPTIMIZER_LABELS))
    losses: tuple[str, ...] = param(("cross_entropy", "mse"), "Training losses: mse is the original's MSE on raw "
                                    "logits against one-hot targets.", choices=tuple(LOSS_LABELS))
    n_train: int = param(400, "Training points per seed, as in the original.", ge=20, le=10_000)
    n_test: int = param(100, "Test points per seed, from the same draw, as in the original.", ge=20, le=100_000)
    hidden_units: int = param(50, "Units in each of the three sigmoid hidden layers.", ge=2, le=256)
    steps: int = param(750, "Optimizer steps (mini-batches).", ge=2, le=100_000)
    batch_size: int = param(64, "Rows per mini-batch, in shuffled epochs.", ge=1, le=10_000)
    adam_learning_rate: float = param(0.003, "Adam learning rate, as in the original.", gt=0, le=1)
    sgd_learning_rate: float = param(1.0, "Plain SGD learning rate (chosen in a pilot on training loss only).",
                                     gt=0, le=10)
    record_every: int = param(2, "Steps between weight snapshots, as in the original.", ge=1, le=100_000)
    n_seeds: int = param(20, "Seeds per setting; a seed fixes the data draw, initial weights and batch order "
                            "for every setting.", ge=2, le=100)
    settle_tolerance: float = param(0.05, "A layer has settled once its distance to its final weights stays below "
                                          "this fraction of its total displacement.", gt=0, le=0.5)
    chance_level: float = param(0.6, "Median test accuracy over seeds above which a setting counts as having learned.",
                                gt=0.5, le=1)

    work = ("steps", "n_seeds", "optimizers", "losses")
    profile_overrides = {"smoke": {"steps": 40, "n_seeds": 2, "hidden_units": 16}}

    def __post_init__(self):
        super().__post_init__()
        if self.record_every > self.steps // 2:
            raise ValueError(f"parameter 'record_every' must be at most half of steps ({self.steps // 2}) so that a "
                             f"layer's path has at least three snapshots, got {self.record_every}")
        if self.batch_size > self.n_train:
            raise ValueError(f"parameter 'batch_size' must not exceed n_train ({self.n_train}), got {self.batch_size}")
        if len(set(self.optimizers)) != len(self.optimizers) or len(set(self.losses)) != len(self.losses):
            raise ValueError("parameters 'optimizers' and 'losses' must not repeat a name")


def distance_to_final(weights: np.ndarray) -> np.ndarray:
    """`[K, R]` distance of each snapshot to the last one, in units of the layer's whole displacement.

    Dividing by ||W_final - W_0|| makes layers that move little and layers that move a lot
    comparable: 1 means "as far from the end as the start was", 0 means "at the end".
    """
    final, start = weights[:, -1:], weights[:, :1]
    gap = np.linalg.norm((weights - final).reshape(*weights.shape[:2], -1), axis=-1)
    total = np.linalg.norm((final - start).reshape(weights.shape[0], -1), axis=-1)
    return (gap / np.where(total > 0, total, 1.0)[:, None]).astype(np.float32)


def relative_step(weights: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """`[K, R-1]` per-step relative change ||W_next - W|| / ||W|| between snapshots: the size of an update
    as the layer itself sees it, which is what an optimizer's scaling changes."""
    change = np.linalg.norm(np.diff(weights, axis=1).reshape(*weights.shape[:1], len(steps) - 1, -1), axis=-1)
    size = np.linalg.norm(weights[:, :-1].reshape(weights.shape[0], len(steps) - 1, -1), axis=-1)
    return (change / np.maximum(size, 1e-12) / np.diff(steps)[None]).astype(np.float32)


def settle_step(ratio: np.ndarray, steps: np.ndarray, tolerance: float) -> np.ndarray:
    """First recorded step from which `ratio` (`[..., R]`) stays below `tolerance` until the end.

    The final snapshot has ratio 0, so every layer settles by the last step at the latest:
    "settled" is relative to this run's own budget, not a claim about convergence for ever.
    """
    above = ratio >= tolerance
    last_above = np.where(above.any(axis=-1), ratio.shape[-1] - 1 - np.argmax(above[..., ::-1], axis=-1), -1)
    return steps[np.minimum(last_above + 1, ratio.shape[-1] - 1)].astype(np.float32)


class LayerConvergence(Experiment):
    name = "11_layer_convergence"
    title = "Layer convergence: do later layers settle first?"
    Config = LayerConvergenceConfig
    full_seconds = 40

    @staticmethod
    def network(hidden_units: int) -> Network:
        """The original's net: three sigmoid hidden layers, Glorot-uniform weights *and* biases."""
        return Network(data.HARMONIC_DIM, (hidden_units,) * 3, 2, activation="sigmoid", bias_init=Init("glorot_uniform"))

    def _run(self, config):
        seeds = seeding.member_seeds(config.seed, config.n_seeds)
        splits = [data.harmonic_problem(config.n_train, config.n_test, seeding.generator(seed, seeding.DATA))
                  for seed in seeds]
        dataset = Data.from_splits(splits)
        network = self.network(config.hidden_units)
        recording = Recording(every=config.record_every, weights=True)
        steps = recording.steps(config.steps)
        shape = (len(config.optimizers), len(config.losses), config.n_seeds)
        n_layers = len(network.weight_shapes)
        ratio = np.zeros((*shape, n_layers, len(steps)), np.float32)
        step_size = np.zeros((*shape, n_layers, len(steps) - 1), np.float32)
        accuracy = np.zeros(shape, np.float32)
        rates = {"adam": config.adam_learning_rate, "sgd": config.sgd_learning_rate}
        for o, optimizer in enumerate(config.optimizers):
            members = Members(seeds=seeds, learning_rate=rates[optimizer])
            for l, loss in enumerate(config.losses):
                training = Training(steps=config.steps, batch_size=config.batch_size, loss=loss, optimizer=optimizer)
                history = train(network, training, members, dataset, recording)
                ratio[o, l] = np.stack([distance_to_final(w) for w in history.weights], axis=1)
                step_size[o, l] = np.stack([relative_step(w, steps) for w in history.weights], axis=1)
                accuracy[o, l] = history.test_accuracy[:, -1]
        arrays = {"distance_to_final": ratio, "relative_step": step_size, "test_accuracy": accuracy,
                  "steps": steps, "step_midpoints": ((steps[1:] + steps[:-1]) / 2).astype(np.float32)}
        dims = {"distance_to_final": ("optimizer", "loss", "seed", "layer", "step"),
                "relative_step": ("optimizer", "loss", "seed", "layer", "interval"),
                "test_accuracy": ("optimizer", "loss", "seed"), "steps": ("step",),
                "step_midpoints": ("interval",)}
        coords = {"optimizer": list(config.optimizers), "loss": list(config.losses),
                  "seed": list(range(config.n_seeds)),
                  "layer": [f"hidden {i + 1}" for i in range(n_layers - 1)] + ["output"]}
        return arrays, dims, coords

    @classmethod
    def settings(cls, result: Result) -> list[tuple[int, int, str, str]]:
        """(optimizer index, loss index, label, key) for every trained setting, in plotting order."""
        return [(o, l, f"{OPTIMIZER_LABELS[opt]}, {LOSS_LABELS[loss]}", f"{opt}_{loss}")
                for o, opt in enumerate(result.coords["optimizer"]) for l, loss in enumerate(result.coords["loss"])]

    @classmethod
    def settle_steps(cls, result: Result) -> np.ndarray:
        """`[optimizer, loss, seed, layer]` steps-to-settle."""
        return settle_step(result["distance_to_final"], result["steps"], result.config["settle_tolerance"])

    @classmethod
    def mean_relative_step(cls, result: Result) -> np.ndarray:
        """`[optimizer, loss, seed, layer]` relative step per step, averaged over the run."""
        return result["relative_step"].mean(axis=-1)

    @classmethod
    def declare(cls, result: Result) -> list[stats.Claim]:
        """One trend per setting (primary under the main loss, the first of `losses`) and one learning check.

        Registered: the setting (Glorot-uniform biases, snapshots every 2 steps, 20 seeds) was fixed before any
        run of it was seen, with the tolerance and the chance level of the earlier, post hoc edition unchanged.
        """
        settle, cfg = cls.settle_steps(result), result.config
        layers = np.arange(1, len(result.coords["layer"]) + 1)
        trends, learns = [], []
        for o, l, label, key in cls.settings(result):
            trends.append(stats.Claim(
                f"later_layers_settle_first_{key}",
                f"Under {label}, steps-to-settle fall with layer index: later layers reach their final weights "
                f"(within {cfg['settle_tolerance']:g} of their displacement) first.",
                stats.trend(settle[o, l], "decreasing", levels=layers), primary=l == 0))
            learns.append(stats.Claim(
                f"learns_{key}",
                f"Under {label}, the network learns: its median final test accuracy over seeds exceeds "
                f"{cfg['chance_level']:g}.",
                stats.compare(result["test_accuracy"][o, l], level=cfg["chance_level"])))
        return trends + learns

    @classmethod
    def numbers(cls, result: Result, late_fraction: float = 0.1) -> dict:
        """Per setting (suffix `_<optimizer>_<loss>`): median steps-to-settle per layer, seeds agreeing with the
        trend (against it, tied), median test accuracy (%), the output layer's relative step over the first hidden
        layer's (median over seeds), and layers settling only in the last `late_fraction` of the run."""
        settle, sizes, steps = cls.settle_steps(result), cls.mean_relative_step(result), result["steps"]
        layers = np.arange(1, len(result.coords["layer"]) + 1)
        cutoff = float(steps[-1] * (1 - late_fraction))
        found = {"n_seeds": result.config["n_seeds"], "late_percent": 100 * late_fraction, "late_cutoff": cutoff}
        for o, l, label, key in cls.settings(result):
            medians = np.median(settle[o, l], axis=0)
            evidence = stats.trend(settle[o, l], "decreasing", levels=layers)
            found.update({
                f"label_{key}": label,
                f"settle_{key}": ", ".join(f"{name} {m:.0f}" for m, name in zip(medians, result.coords["layer"])),
                f"agree_{key}": int(evidence.values["n_agree"]), f"opposite_{key}": int(evidence.values["n_opposite"]),
                f"accuracy_{key}": 100 * float(np.median(result["test_accuracy"][o, l])),
                f"step_ratio_{key}": float(np.median(sizes[o, l, :, -1] / sizes[o, l, :, 0])),
                f"late_{key}": int((settle[o, l] >= cutoff).sum()), "late_total": int(settle[o, l].size),
                f"tied_{key}": int(settle.shape[2] - evidence.values["n_agree"] - evidence.values["n_opposite"]),
            })
        return found

    @classmethod
    def settle_table(cls, result: Result) -> str:
        """Median steps-to-settle with the earliest and latest seed, one row per setting (a Markdown table)."""
        settle, layers = cls.settle_steps(result), result.coords["layer"]
        rows = ["| setting | " + " | ".join(layers) + " | median test accuracy |",
                "|---|" + "---|" * (len(layers) + 1)]
        for o, l, label, _ in cls.settings(result):
            cells = [f"{np.median(v):.0f} ({v.min():.0f} to {v.max():.0f})" for v in settle[o, l].T]
            acc = 100 * result["test_accuracy"][o, l]
            rows.append(f"| {label} | " + " | ".join(cells) + f" | {np.median(acc):.1f}% |")
        return "\n".join(rows)

    @classmethod
    def plot(cls, result: Result) -> list:
        return [cls.plot_distance(result), cls.plot_settle(result), cls.plot_step(result)]

    @classmethod
    def _grid(cls, result: Result, ylabel: str):
        optimizers, losses = result.coords["optimizer"], result.coords["loss"]
        fig, axes = plotting.figure(len(losses), len(optimizers), height=3.0, sharex=True)
        for o, l, _, _ in cls.settings(result):
            axes[l, o].set_title(f"{OPTIMIZER_LABELS[optimizers[o]]}, {LOSS_LABELS[losses[l]]}")
            axes[l, 0].set_ylabel(ylabel)
            axes[-1, o].set_xlabel("training steps (mini-batches)")
        return fig, axes

    @classmethod
    def plot_distance(cls, result: Result):
        fig, axes = cls._grid(result, "distance to final / total")
        floor = 1e-3
        for o, l, _, _ in cls.settings(result):
            ax = axes[l, o]
            for i, layer in enumerate(result.coords["layer"]):
                plotting.mean_band(ax, result["steps"][:-1], np.maximum(result["distance_to_final"][o, l, :, i, :-1],
                                                                         floor),
                                   label=layer, color=plotting.COLORS[i % len(plotting.COLORS)])
            ax.axhline(result.config["settle_tolerance"], color="#4a4a4a", linewidth=0.8, linestyle=":")
            ax.set_yscale("log")
        axes[0, 0].legend()
        fig.tight_layout()
        return fig

    @classmethod
    def plot_settle(cls, result: Result):
        settle, layers = cls.settle_steps(result), result.coords["layer"]
        settings = cls.settings(result)
        fig, axes = plotting.figure(-(-len(settings) // 2), 2, height=2.8, sharey=True)  # two panels a row
        x = np.arange(len(layers))
        for ax in axes.flat[len(settings):]:
            ax.set_axis_off()
        for ax, (o, l, label, _) in zip(axes.flat, settings):
            for s, values in enumerate(settle[o, l]):
                ax.plot(x, values, color=plotting.COLORS[0], alpha=0.35, linewidth=0.9, marker=".",
                        label="one seed" if s == 0 else None)
            ax.plot(x, np.median(settle[o, l], axis=0), color="#1a1a1a", linewidth=2, marker="o", label="median")
            ax.set_xticks(x, layers, rotation=30)
            ax.set(title=label, ylabel="steps to settle")
        axes[0, 0].legend()
        fig.tight_layout()
        return fig

    @classmethod
    def plot_step(cls, result: Result):
        fig, axes = cls._grid(result, "relative step per update")
        for o, l, _, _ in cls.settings(result):
            ax = axes[l, o]
            for i, layer in enumerate(result.coords["layer"]):
                plotting.mean_band(ax, result["step_midpoints"], result["relative_step"][o, l, :, i], label=layer,
                                   color=plotting.COLORS[i % len(plotting.COLORS)])
            ax.set_yscale("log")
        axes[0, 0].legend()
        fig.tight_layout()
        return fig
