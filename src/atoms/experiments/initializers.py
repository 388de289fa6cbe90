"""Atom 10: does the initial distribution of weights and biases decide whether a network trains?

The original trained a (100, 100) sigmoid network from five initializers, silently on the mean
squared error of the raw logits against one-hot targets, from unseeded initial weights, and
explained that the all-zeros start "eventually trains" by numerical noise breaking the tie
between units. Here every initializer trains under both that loss and cross-entropy, every seed
shares its data draw and batch order across initializers (so comparisons are paired), and the
weights are recorded so that the symmetry between units can be measured instead of guessed.

An initializer is a property of the whole `Network`, so each (loss, initializer) pair is one
ensemble of `n_seeds` members: one trace each.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from atoms import claims as stats
from atoms import data, page, plotting, seeding
from atoms.config import Config, param
from atoms.engine import Data, Init, Members, Network, Recording, Training, train
from atoms.experiment import Experiment, Result

INITIALIZERS = {
    "glorot": Init("glorot_uniform"),
    "he": Init("he_normal"),
    "zeros": Init("zeros"),
    "ones": Init("ones"),
    "normal_0.01": Init("normal", 0.01),
    "normal_1": Init("normal", 1.0),
}
INIT_LABELS = {"glorot": "Glorot uniform", "he": "He normal", "zeros": "zeros", "ones": "ones",
               "normal_0.01": "N(0, 0.01²)", "normal_1": "N(0, 1)"}
LOSS_LABELS = {"mse": "MSE on logits (the original)", "cross_entropy": "cross-entropy"}
REFERENCE = "glorot"
SYMMETRIC = ("zeros", "ones")
SPREAD_FLOOR = 1e-10


@dataclass(frozen=True)
class InitializersConfig(Config):
    initializers: tuple[str, ...] = param(tuple(INITIALIZERS), "Initializers of weights and biases; must include "
                                          "glorot, the reference.", choices=tuple(INITIALIZERS))
    losses: tuple[str, ...] = param(("mse", "cross_entropy"), "Training losses: mse is the original's MSE on raw "
                                    "logits against one-hot targets.", choices=tuple(LOSS_LABELS))
    n_train: int = param(400, "Training points per seed, as in the original.", ge=20, le=10_000)
    n_test: int = param(1000, "Test points per seed, from the same draw (the original: 100).", ge=20, le=100_000)
    hidden_units: int = param(100, "Units in each of the two sigmoid hidden layers.", ge=2, le=512)
    steps: int = param(500, "Adam steps (mini-batches).", ge=1, le=100_000)
    batch_size: int = param(64, "Rows per mini-batch, in shuffled epochs.", ge=1, le=10_000)
    learning_rate: float = param(0.003, "Adam learning rate.", gt=0, le=1)
    record_every: int = param(25, "Steps between recordings of accuracy and weights.", ge=1, le=100_000)
    n_seeds: int = param(8, "Seeds per (loss, initializer); a seed fixes the data draw and batch order for "
                            "every initializer.", ge=2, le=100)
    equivalence_margin: float = param(0.03, "Test-accuracy difference (a fraction) within which two initializers "
                                            "count as equivalent.", gt=0, le=0.5)
    chance_level: float = param(0.6, "Mean test accuracy above which a network counts as having learned.",
                                gt=0.5, le=1)
    symmetry_tolerance: float = param(1e-3, "Relative spread between units below which they count as identical.",
                                      gt=0, le=1)

    profile_overrides = {"smoke": {"steps": 20, "n_seeds": 2, "record_every": 10, "hidden_units": 16,
                                   "initializers": ("glorot", "zeros"), "losses": ("mse",)}}

    def __post_init__(self):
        super().__post_init__()
        if REFERENCE not in self.initializers:
            raise ValueError(f"parameter 'initializers' must include {REFERENCE!r}, the reference, "
                             f"got {list(self.initializers)}")
        if len(set(self.initializers)) != len(self.initializers) or len(set(self.losses)) != len(self.losses):
            raise ValueError("parameters 'initializers' and 'losses' must not repeat a name")


def unit_spread(weights: np.ndarray) -> np.ndarray:
    """Largest difference between two units' incoming weights, relative to the largest weight.

    `weights` is `[..., fan_in, fan_out]` (one column per unit). Identical units give exactly 0, and
    rounding alone gives about float32's epsilon; a zero matrix counts as spread 0.
    """
    spread = (weights.max(axis=-1) - weights.min(axis=-1)).max(axis=-1)
    scale = np.abs(weights).max(axis=(-2, -1))
    return np.where(scale > 0, spread / np.where(scale > 0, scale, 1.0), 0.0).astype(np.float32)


class Initializers(Experiment):
    name = "10_initializers"
    title = "Initializers: Glorot, He, zeros, ones and two normals, under two losses"
    Config = InitializersConfig

    def _run(self, config):
        seeds = seeding.member_seeds(config.seed, config.n_seeds)
        splits = [data.harmonic_problem(config.n_train, config.n_test, seeding.generator(seed, seeding.DATA))
                  for seed in seeds]
        dataset = Data.from_splits(splits)
        members = Members(seeds=seeds, learning_rate=config.learning_rate)
        recording = Recording(every=config.record_every, weights=True)
        shape = (len(config.losses), len(config.initializers), config.n_seeds)
        steps = recording.steps(config.steps)
        accuracy = np.zeros((*shape, len(steps)), np.float32)
        spread = np.zeros((*shape, 2, len(steps)), np.float32)
        for l, loss in enumerate(config.losses):
            for i, name in enumerate(config.initializers):
                init = INITIALIZERS[name]
                network = Network(data.HARMONIC_DIM, (config.hidden_units,) * 2, 2, activation="sigmoid",
                                  weight_init=init, bias_init=init)
                history = train(network, Training(steps=config.steps, batch_size=config.batch_size, loss=loss),
                                members, dataset, recording)
                accuracy[l, i] = history.test_accuracy
                spread[l, i] = np.stack([unit_spread(w) for w in history.weights[:2]], axis=1)
        arrays = {"test_accuracy": accuracy, "unit_spread": spread, "steps": steps}
        dims = {"test_accuracy": ("loss", "initializer", "seed", "step"),
                "unit_spread": ("loss", "initializer", "seed", "layer", "step"), "steps": ("step",)}
        coords = {"loss": list(config.losses), "initializer": list(config.initializers),
                  "seed": list(range(config.n_seeds)), "layer": ["hidden 1", "hidden 2"]}
        return arrays, dims, coords

    @classmethod
    def final_accuracy(cls, result: Result, loss: str, initializer: str) -> np.ndarray:
        """Per-seed test accuracy after the last step."""
        coords = result.coords
        return result["test_accuracy"][coords["loss"].index(loss), coords["initializer"].index(initializer), :, -1]

    @classmethod
    def max_spread(cls, result: Result, loss: str, initializer: str) -> np.ndarray:
        """Per-seed largest relative spread between units, over both hidden layers and every recorded step."""
        coords = result.coords
        return result["unit_spread"][coords["loss"].index(loss), coords["initializer"].index(initializer)].max(
            axis=(1, 2))

    @classmethod
    def claims(cls, result: Result) -> list[stats.Claim]:
        found = []
        for loss in result.coords["loss"]:
            found.extend(cls._loss_claims(result, loss))
        return found

    @classmethod
    def _loss_claims(cls, result: Result, loss: str) -> list[stats.Claim]:
        cfg, names, judged = result.config, result.coords["initializer"], result.judged
        where = f"Under {LOSS_LABELS[loss]}"
        glorot = cls.final_accuracy(result, loss, REFERENCE)
        found = []
        for worse in ("ones", "normal_1"):
            if worse in names:
                found.append(stats.Claim(
                    f"glorot_beats_{worse.replace('.', '')}_{loss}",
                    f"{where}, Glorot ends with a higher test accuracy than {INIT_LABELS[worse]} (paired by seed).",
                    stats.paired_difference(glorot, cls.final_accuracy(result, loss, worse), greater=True,
                                            judged=judged)))
        for similar in ("normal_0.01", "he"):
            if similar in names:
                found.append(stats.Claim(
                    f"{similar.replace('.', '')}_matches_glorot_{loss}",
                    f"{where}, {INIT_LABELS[similar]} ends within ±{cfg['equivalence_margin']:g} of Glorot's test "
                    f"accuracy (paired by seed).",
                    stats.equivalence(cls.final_accuracy(result, loss, similar), glorot,
                                      margin=cfg["equivalence_margin"], judged=judged)))
        if "zeros" in names:
            zeros = cls.final_accuracy(result, loss, "zeros")
            found.append(stats.Claim(
                f"zeros_learns_{loss}",
                f"{where}, the all-zeros start learns: its mean test accuracy exceeds {cfg['chance_level']:g}.",
                stats.threshold(zeros, above=True, level=cfg["chance_level"], judged=judged)))
            found.append(stats.Claim(
                f"zeros_matches_glorot_{loss}",
                f"{where}, the all-zeros start catches up with Glorot: it ends within ±{cfg['equivalence_margin']:g} "
                f"of Glorot's test accuracy (paired by seed).",
                stats.equivalence(zeros, glorot, margin=cfg["equivalence_margin"], judged=judged)))
        for symmetric in SYMMETRIC:
            if symmetric in names:
                flags = cls.max_spread(result, loss, symmetric) < cfg["symmetry_tolerance"]
                found.append(stats.Claim(
                    f"{symmetric}_units_stay_identical_{loss}",
                    f"{where}, from {INIT_LABELS[symmetric]} the units of each hidden layer stay identical at every "
                    f"recorded step: their largest relative spread stays below {cfg['symmetry_tolerance']:g}.",
                    stats.holds_in(flags, required=flags.size, judged=judged)))
        return found

    @classmethod
    def comparison(cls, result: Result) -> str:
        """The run's answer to each of the original's conclusions, worded from the verdicts."""
        verdicts = {claim.id: page.verdict_word(claim) for claim in cls.claims(result)}
        parts = []
        for loss in result.coords["loss"]:
            said = [f"{label} {verdicts[key]}" for key, label in (
                (f"normal_001_matches_glorot_{loss}", "that N(0, 0.01²) is as good as Glorot"),
                (f"glorot_beats_ones_{loss}", "that ones trains worse than Glorot"),
                (f"glorot_beats_normal_1_{loss}", "that N(0, 1) trains worse than Glorot"),
                (f"zeros_learns_{loss}", "that zeros learns"),
                (f"zeros_matches_glorot_{loss}", "that zeros catches up with Glorot"),
            ) if key in verdicts]
            if said:
                parts.append(f"Under {LOSS_LABELS[loss]}, the claim " + "; the claim ".join(said) + ".")
        return " ".join(parts) if parts else "This run trained none of the initializers the original compared."

    @classmethod
    def accuracy_table(cls, result: Result) -> str:
        """Mean final test accuracy with the worst and best seed, one row per initializer."""
        losses = result.coords["loss"]
        rows = ["| initializer | " + " | ".join(LOSS_LABELS[loss] for loss in losses) + " |",
                "|---|" + "---|" * len(losses)]
        for name in result.coords["initializer"]:
            cells = []
            for loss in losses:
                acc = 100 * cls.final_accuracy(result, loss, name)
                cells.append(f"{acc.mean():.1f}% ({acc.min():.1f} to {acc.max():.1f})")
            rows.append(f"| {INIT_LABELS[name]} | " + " | ".join(cells) + " |")
        return "\n".join(rows)

    @classmethod
    def symmetry(cls, result: Result) -> str:
        """What the recorded weights say about zeros and ones, worded from the measured spreads."""
        names, tolerance = result.coords["initializer"], result.config["symmetry_tolerance"]
        sentences = []
        for symmetric in SYMMETRIC:
            if symmetric not in names:
                continue
            worst = max(float(cls.max_spread(result, loss, symmetric).max()) for loss in result.coords["loss"])
            kept = "stayed" if worst < tolerance else "did not stay"
            sentences.append(f"From {INIT_LABELS[symmetric]}, the units of each layer {kept} identical: the largest "
                             f"relative spread between two units, over every seed, loss, layer and recorded step, "
                             f"was {worst:.1e}.")
        others = [n for n in names if n not in SYMMETRIC]
        if others:
            least = min(float(cls.max_spread(result, loss, n).min()) for loss in result.coords["loss"] for n in others)
            sentences.append(f"For comparison, the random initializers never fell below a spread of {least:.2f}.")
        return " ".join(sentences)

    @classmethod
    def plot(cls, result: Result) -> list:
        return [cls.plot_accuracy(result), cls.plot_spread(result)]

    @classmethod
    def _panels(cls, result: Result, array: str, ylabel: str, reduce):
        losses, names, steps = result.coords["loss"], result.coords["initializer"], result["steps"]
        fig, axes = plotting.figure(1, len(losses), height=3.6, sharey=True)
        for l, (ax, loss) in enumerate(zip(axes[0], losses)):
            for i, name in enumerate(names):
                plotting.mean_band(ax, steps, reduce(result[array][l, i]), label=INIT_LABELS[name],
                                   color=plotting.COLORS[i % len(plotting.COLORS)])
            ax.set(title=LOSS_LABELS[loss], xlabel="training steps (mini-batches)")
        axes[0, 0].set_ylabel(ylabel)
        return fig, axes

    @classmethod
    def plot_accuracy(cls, result: Result):
        fig, axes = cls._panels(result, "test_accuracy", "test accuracy", lambda values: values)
        axes[0, 0].legend(fontsize=8)
        fig.tight_layout()
        return fig

    @classmethod
    def plot_spread(cls, result: Result):
        fig, axes = cls._panels(result, "unit_spread", "largest relative spread between units",
                                lambda values: np.maximum(values.max(axis=1), SPREAD_FLOOR))
        for ax in axes[0]:
            ax.set_yscale("log")
            ax.axhline(result.config["symmetry_tolerance"], color="#4a4a4a", linewidth=0.8, linestyle=":")
            ax.axhline(float(np.finfo(np.float32).eps), color="#4a4a4a", linewidth=0.8, linestyle="--")
        axes[0, -1].legend(fontsize=8)
        fig.tight_layout()
        return fig
