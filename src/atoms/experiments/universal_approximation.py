"""Atom 1: how many sigmoid units does one hidden layer need to fit a curve?

The original fitted three curves with 2, 4 and 16 units, once each. Here every width of a wider
sweep trains over several seeds, and the error is measured both on the training grid and on
held-out points halfway between grid points, so that "fits the curve" is not confused with
"passes through 100 points".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from atoms import claims as stats
from atoms import data, plotting, seeding
from atoms.config import Config, param
from atoms.engine import Data, Init, Members, Network, Recording, Training, predict, train
from atoms.experiment import Experiment, Result
from atoms.grouping import padding_groups
from atoms.prose import join_words

CURVE_LABELS = {"sin12": "sin(12x)", "poly": "-2x⁴+x³+x²-2x", "abs": "|x|"}
FIT_POINTS = 201
GROUP_RATIO = 4


@dataclass(frozen=True)
class UniversalApproximationConfig(Config):
    targets: tuple[str, ...] = param(("sin12", "poly", "abs"), "Curves to fit on [-1, 1].",
                                     choices=tuple(data.TARGET_CURVES))
    n_hidden_units: tuple[int, ...] = param((1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64),
                                   "Hidden sigmoid units swept.", ge=1, le=256, min_len=2)
    grid_units: tuple[int, ...] = param((2, 4, 16), "Widths drawn in the grid of fits (a subset of n_hidden_units).",
                                        ge=1, le=256)
    n_points: int = param(100, "Training points on an even grid over [-1, 1].", ge=4, le=10_000)
    steps: int = param(10_000, "Full-batch Adam steps.", ge=1, le=1_000_000)
    learning_rate: float = param(0.003, "Adam learning rate.", gt=0, le=1)
    n_seeds: int = param(16, "Seeds per (curve, width).", ge=2, le=100)
    error_threshold: float = param(0.01, "Relative error (MSE / variance of the curve) that counts as fitted.",
                                   gt=0, le=1)

    profile_overrides = {"smoke": {"steps": 200, "n_seeds": 2, "n_hidden_units": (2, 4, 16)}}
    work = ("steps", "n_seeds", "targets", "n_hidden_units")

    def __post_init__(self):
        super().__post_init__()
        missing = sorted(set(self.grid_units) - set(self.n_hidden_units))
        if missing:
            raise ValueError(f"parameter 'grid_units' must be a subset of n_hidden_units {list(self.n_hidden_units)}; "
                             f"not in n_hidden_units: {missing}")


class UniversalApproximation(Experiment):
    name = "01_universal_approximation"
    title = "Universal approximation: how many units does a curve need?"
    Config = UniversalApproximationConfig
    full_seconds = 45

    def _run(self, config):
        x, _ = data.curve_points(config.targets[0], config.n_points)
        x_between = data.between_points(config.n_points, -1.0, 1.0)
        x_fit = np.linspace(-1, 1, FIT_POINTS, dtype=np.float32)[:, None]
        shape = (len(config.targets), len(config.n_hidden_units), config.n_seeds)
        train_error, heldout_error = np.zeros(shape, np.float32), np.zeros(shape, np.float32)
        fits = np.zeros((len(config.targets), len(config.grid_units), config.n_seeds, FIT_POINTS), np.float32)
        variance = np.array([data.target_curve(t, x).var() for t in config.targets], np.float32)
        seeds = seeding.member_seeds(config.seed, len(config.targets) * len(config.n_hidden_units) * config.n_seeds)
        units = config.n_hidden_units
        for group in ([units[i] for i in g] for g in padding_groups(units, GROUP_RATIO)):
            cells = [(t, config.n_hidden_units.index(w), s) for t in range(len(config.targets)) for w in group
                     for s in range(config.n_seeds)]
            members = Members(
                seeds=[seeds[int(np.ravel_multi_index(cell, shape))] for cell in cells],
                learning_rate=config.learning_rate,
                units=[[config.n_hidden_units[u]] for _, u, _ in cells],
            )
            targets = np.stack([data.target_curve(config.targets[t], x) for t, _, _ in cells]).astype(np.float32)
            network = Network(1, (max(group),), 1, activation="sigmoid", bias_init=Init("glorot_uniform"))
            history = train(network, Training(steps=config.steps, loss="mse", optimizer="adam", xla=True), members,
                            Data(np.broadcast_to(x, (len(cells), *x.shape)), targets), Recording())
            between = predict(network, members, history.final_params, x_between)[..., 0]
            curve = predict(network, members, history.final_params, x_fit)[..., 0]
            for i, (t, u, s) in enumerate(cells):
                truth = data.target_curve(config.targets[t], x_between)[:, 0]
                train_error[t, u, s] = history.train_loss[i, -1] / variance[t]
                heldout_error[t, u, s] = np.mean((between[i] - truth) ** 2) / variance[t]
                if config.n_hidden_units[u] in config.grid_units:
                    fits[t, config.grid_units.index(config.n_hidden_units[u]), s] = curve[i]
        arrays = {"train_error": train_error, "heldout_error": heldout_error, "fit": fits,
                  "x_fit": x_fit[:, 0], "x_train": x[:, 0]}
        dims = {"train_error": ("target", "units", "seed"), "heldout_error": ("target", "units", "seed"),
                "fit": ("target", "grid_units", "seed", "x_fit"), "x_fit": ("x_fit",), "x_train": ("x_train",)}
        coords = {"target": list(config.targets), "units": list(config.n_hidden_units),
                  "grid_units": list(config.grid_units), "seed": list(range(config.n_seeds))}
        return arrays, dims, coords

    @classmethod
    def units_needed(cls, result: Result) -> np.ndarray:
        """Smallest width reaching the error threshold, per (target, seed); 2x the widest if none does."""
        units = np.array(result.coords["units"])
        reached = result["train_error"] <= result.config["error_threshold"]
        first = np.where(reached.any(axis=1), units[np.argmax(reached, axis=1)], 2 * units.max())
        return first.astype(float)

    @classmethod
    def declare(cls, result: Result) -> list[stats.Claim]:
        targets = result.coords["target"]
        falls = {CURVE_LABELS[t]: stats.trend(result["train_error"][i].T, "decreasing", levels=result.coords["units"])
                 for i, t in enumerate(targets)}
        found = [stats.Claim("train_error_falls", "For every curve, the training error falls as hidden units grow.",
                             stats.all_of(falls), primary=True)]
        if "sin12" in targets and len(targets) > 1:
            needed = np.log2(cls.units_needed(result))
            sin = targets.index("sin12")
            others = np.max(np.delete(needed, sin, axis=0), axis=0)
            found.append(stats.Claim(
                "sin12_needs_most_units",
                f"sin(12x) needs more units than every other curve to reach a relative error of "
                f"{result.config['error_threshold']:g} (compared in log2 units, paired by seed).",
                stats.paired(needed[sin], others, test="sign"), primary=True))
        return found

    @classmethod
    def numbers(cls, result: Result, min_units: int = 16, level: float = 0.5) -> dict:
        """Median width needed per curve, held-out against training error, and the wide sin(12x) networks
        that stayed no better than a gentle slope (relative error above `level`)."""
        needed = cls.units_needed(result)
        units = np.array(result.coords["units"])
        medians = [f"{np.median(needed[i]):.0f} for {CURVE_LABELS[t]}" for i, t in enumerate(result.coords["target"])]
        found = {"median_units": join_words(medians), "never_fitted": 2 * int(units.max())}
        ratio = result["heldout_error"] / np.maximum(result["train_error"], 1e-12)
        found["heldout_ratio"] = float(np.median(ratio))
        wide = units >= min_units
        found.update(wide_min_units=min_units, stuck_level=level, n_widths=len(units),
                     n_seeds=result.config["n_seeds"], seconds=result.meta["seconds"], n_wide_sin12=0, n_stuck_sin12=0)
        if "sin12" in result.coords["target"]:
            errors = result["train_error"][result.coords["target"].index("sin12")][wide]
            found.update(n_wide_sin12=int(errors.size), n_stuck_sin12=int((errors > level).sum()))
        return found

    @classmethod
    def plot(cls, result: Result) -> list:
        return [cls.plot_errors(result), cls.plot_fits(result)]

    @classmethod
    def plot_errors(cls, result: Result):
        targets, units = result.coords["target"], result.coords["units"]
        fig, axes = plotting.figure(1, len(targets), height=3.4, sharey=True)
        for t, (ax, target) in enumerate(zip(axes[0], targets)):
            plotting.mean_band(ax, units, result["train_error"][t].T, label="training points")
            plotting.mean_band(ax, units, result["heldout_error"][t].T, label="held-out midpoints",
                               linestyle="--")
            ax.axhline(result.config["error_threshold"], color="#4a4a4a", linewidth=0.8, linestyle=":")
            ax.set(xscale="log", yscale="log", title=CURVE_LABELS[target], xlabel="hidden units")
            ax.minorticks_off()
            ax.set_xticks(units, [str(u) if i % 2 == 0 else "" for i, u in enumerate(units)])  # room for each label
        axes[0, 0].set_ylabel("MSE / variance of the curve")
        axes[0, 0].legend()
        fig.tight_layout()
        return fig

    @classmethod
    def plot_fits(cls, result: Result):
        targets, widths = result.coords["target"], result.coords["grid_units"]
        fig, axes = plotting.figure(len(targets) + 1, len(widths), height=2.2)
        x_fit, x_train = result["x_fit"], result["x_train"]
        for w, width in enumerate(widths):
            plotting.network_diagram(axes[0, w], (1, width, 1), title=f"{width} hidden units")
            for t, target in enumerate(targets):
                ax = axes[t + 1, w]
                ax.plot(x_train, data.target_curve(target, x_train[:, None])[:, 0], color="#4a4a4a",
                        linewidth=2.5, alpha=0.35, label="target")
                for s, curve in enumerate(result["fit"][t, w]):
                    ax.plot(x_fit, curve, color=plotting.COLORS[0], linewidth=0.9, alpha=0.7,
                            label="fits (one per seed)" if s == 0 else None)
                if w == 0:
                    ax.set_ylabel(CURVE_LABELS[target])
        axes[-1, 0].legend(loc="best")
        fig.tight_layout()
        return fig
