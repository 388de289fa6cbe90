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
from atoms import data, plotting, seeding
from atoms.config import Config, param
from atoms.engine import Data, Init, Members, Network, Recording, Training, train
from atoms.experiment import Experiment, Result
from atoms.prose import join_words

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
    n_seeds: int = param(16, "Seeds per (loss, initializer); a seed fixes the data draw and batch order for "
                            "every initializer.", ge=2, le=100)
    equivalence_margin: float = param(0.03, "Test-accuracy difference (a fraction) within which two initializers "
                                            "count as equivalent.", gt=0, le=0.5)
    chance_level: float = param(0.6, "Median test accuracy above which a start counts as having learned.",
                                gt=0.5, le=1)
    symmetry_tolerance: float = param(1e-3, "Relative spread between units below which they count as identical.",
                                      gt=0, le=1)

    profile_overrides = {"smoke": {"steps": 20, "n_seeds": 2, "record_every": 10, "hidden_units": 16,
                                   "initializers": ("glorot", "zeros"), "losses": ("mse",)}}
    work = ("steps", "n_seeds", "initializers", "losses")

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
    title = "Initializers: does the starting point decide whether a network trains?"
    Config = InitializersConfig
    full_seconds = 43
    seeds_run_apart = True

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
    def zeros_spread(cls, result: Result, loss: str) -> np.ndarray:
        """`[seed, step]` relative spread between units of the zeros start, the larger of the two layers."""
        coords = result.coords
        return result["unit_spread"][coords["loss"].index(loss), coords["initializer"].index("zeros")].max(axis=1)

    @classmethod
    def declare(cls, result: Result) -> list[stats.Claim]:
        cfg, names, losses = result.config, result.coords["initializer"], result.coords["loss"]
        margin, every = cfg["equivalence_margin"], "under every loss"
        glorot = {loss: cls.final_accuracy(result, loss, REFERENCE) for loss in losses}

        def each(build, *needed: str) -> stats.Evidence:
            missing = [INIT_LABELS[n] for n in needed if n not in names]
            if missing:
                return stats.untested(f"not tested: the run trained no {' or '.join(missing)} start")
            return stats.all_of({LOSS_LABELS[loss]: build(loss) for loss in losses})

        def matches(name: str) -> stats.Evidence:  # positive control: ones trails Glorot by more than the margin
            return each(lambda loss: stats.equivalent(
                cls.final_accuracy(result, loss, name), glorot[loss], margin=margin,
                control=stats.paired(glorot[loss], cls.final_accuracy(result, loss, "ones"), margin=margin)),
                name, "ones")

        bad = each(lambda loss: stats.all_of({INIT_LABELS[worse]: stats.paired(
            glorot[loss], cls.final_accuracy(result, loss, worse)) for worse in ("ones", "normal_1")}),
            "ones", "normal_1")
        found = [
            stats.Claim("glorot_beats_ones_and_normal_1", f"{every.capitalize()}, Glorot ends with a higher test "
                        f"accuracy than ones and than N(0, 1) (paired by seed).", bad, primary=True),
            stats.Claim("zeros_learns", f"{every.capitalize()}, the all-zeros start learns: its median test accuracy "
                        f"over seeds exceeds {cfg['chance_level']:g}.",
                        each(lambda loss: stats.compare(cls.final_accuracy(result, loss, "zeros"),
                                                        level=cfg["chance_level"]), "zeros"), primary=True),
            stats.Claim("zeros_units_stay_identical", f"{every.capitalize()}, from zeros the units of each hidden "
                        f"layer stay nearly identical: the median seed's largest relative spread between two units, "
                        f"over both layers and every recorded step, stays below {cfg['symmetry_tolerance']:g}.",
                        each(lambda loss: stats.compare(cls.max_spread(result, loss, "zeros"),
                                                        level=cfg["symmetry_tolerance"], above=False), "zeros"),
                        primary=True)]
        for name in ("normal_0.01", "he", "zeros"):
            found.append(stats.Claim(
                f"{name.replace('.', '')}_matches_glorot",
                f"{every.capitalize()}, {INIT_LABELS[name]} ends within ±{margin:g} of Glorot's test accuracy "
                f"(paired by seed){', so the zeros start catches up' if name == 'zeros' else ''}.", matches(name)))
        grows = ("zeros" in names and "mse" in losses and len(result["steps"]) > 2)
        found.append(stats.Claim(
            "zeros_spread_grows_mse",
            f"Under {LOSS_LABELS['mse']}, from zeros the spread between units grows during training (per seed, Kendall "
            f"tau of the spread against the step after step 0).",
            stats.trend(cls.zeros_spread(result, "mse")[:, 1:], "increasing") if grows else
            stats.untested("not tested: the run trained no zeros start under MSE, or recorded fewer than three steps"),
            registered=False))
        return found

    @classmethod
    def numbers(cls, result: Result) -> dict:
        """Per-loss phrases (a run may train any subset of losses) and the spreads the page quotes."""
        cfg, names, losses, steps = result.config, result.coords["initializer"], result.coords["loss"], result["steps"]
        label = {"mse": "MSE on logits", "cross_entropy": "cross-entropy"}

        def by_loss(phrase) -> str:
            return join_words([f"{phrase(loss)} under {label[loss]}" for loss in losses])

        def gap(loss: str, name: str) -> float:
            return 100 * float(np.mean(cls.final_accuracy(result, loss, name)
                                       - cls.final_accuracy(result, loss, REFERENCE)))

        def growth(loss: str) -> str:
            ends = np.median(cls.zeros_spread(result, loss)[:, [min(1, len(steps) - 1), -1]], axis=0)
            return f"from {ends[0]:.1e} to {ends[1]:.1e}"

        found = {"n_seeds": cfg["n_seeds"], "eps": float(np.finfo(np.float32).eps), "ones_spread": float("nan"),
                 "first_step": int(steps[min(1, len(steps) - 1)]), "zeros_growth_mse": "not measured",
                 **dict.fromkeys(("bad_gaps", "small_gaps", "zeros_gaps", "zeros_learned", "zeros_spread",
                                  "zeros_growth", "zeros_above_tolerance"), "none")}
        present = [n for n in ("ones", "normal_1") if n in names]
        if present:
            found["bad_gaps"] = by_loss(lambda l: join_words([f"{INIT_LABELS[n]} {gap(l, n):+.1f}" for n in present]))
        small = [n for n in ("he", "normal_0.01") if n in names]
        if small:
            found["small_gaps"] = by_loss(lambda l: join_words([f"{INIT_LABELS[n]} {gap(l, n):+.1f}" for n in small]))
        if "ones" in names:
            found["ones_spread"] = max(float(cls.max_spread(result, loss, "ones").max()) for loss in losses)
        if "zeros" in names:
            n, level, tolerance = cfg["n_seeds"], cfg["chance_level"], cfg["symmetry_tolerance"]
            found.update(
                zeros_gaps=by_loss(lambda l: f"{gap(l, 'zeros'):+.1f}"),
                zeros_learned=by_loss(lambda l: f"{(cls.final_accuracy(result, l, 'zeros') > level).sum()} of {n} "
                                                f"seeds"),
                zeros_spread=by_loss(lambda l: f"{cls.max_spread(result, l, 'zeros').max():.1e}"),
                zeros_above_tolerance=by_loss(lambda l: f"{(cls.max_spread(result, l, 'zeros') >= tolerance).sum()} "
                                                        f"of {n} seeds"),
                zeros_growth=by_loss(growth))
            if "mse" in losses:
                found["zeros_growth_mse"] = growth("mse")
        others = [n for n in names if n not in SYMMETRIC]
        found["random_min_spread"] = min(float(cls.max_spread(result, loss, n).min()) for loss in losses
                                         for n in others)
        return found

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
        axes[0, 0].legend()
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
        axes[0, -1].legend()
        fig.tight_layout()
        return fig
