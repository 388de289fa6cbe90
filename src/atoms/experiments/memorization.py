"""Atom 5: how many points can a network memorize, and are random labels slower to fit than true ones?

The original trained a (200, 200, 200) sigmoid network on 50 to 300 points of a 6-D Gaussian
mixture, once with the true labels and once with the labels permuted, three repeats each, and
read the capacity off the largest size whose random labels it fitted. Here every size and label
kind is a member of one stacked ensemble. A seed fixes one data draw, one initialization and one
batch order, shared by every size and both label kinds, so true and random labels are compared on
the same points from the same start and differ in nothing but the labels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis

from atoms import claims as stats
from atoms import data, plotting, seeding
from atoms.config import Config, param
from atoms.engine import Data, Init, Members, Network, Recording, Training, train
from atoms.experiment import Experiment, Result
from atoms.prose import join_words

DIM = 6
POOL = 5000
ORIGINAL_CAPACITY = 150
LABELS = ("random", "true")
COLORS = {"random": plotting.COLORS[1], "true": plotting.COLORS[0]}
MAX_STEP_TICKS = 10  # more labelled steps would overlap on the steps-to-fit axis


@dataclass(frozen=True)
class MemorizationConfig(Config):
    n_points: tuple[int, ...] = param((192, 256), "Training-set sizes fitted with random labels, increasing.",
                                      ge=10, le=POOL)
    true_label_points: tuple[int, ...] = param((192,), "Sizes also fitted with the true labels, paired by seed "
                                               "with the random labels (a subset of n_points).", ge=10, le=POOL)
    width: int = param(200, "Sigmoid units in each hidden layer.", ge=1, le=1024)
    depth: int = param(3, "Hidden layers.", ge=1, le=10)
    steps: int = param(2500, "Adam steps, each on one mini-batch.", ge=1, le=100_000)
    batch_size: int = param(64, "Rows per mini-batch (shuffled epochs of each member's own rows).", ge=1, le=5000)
    learning_rate: float = param(0.003, "Adam learning rate.", gt=0, le=1)
    record_every: int = param(250, "Steps between recordings of training accuracy (the last step is always "
                                   "recorded).", ge=1, le=100_000)
    n_seeds: int = param(5, "Seeds; each fixes one data draw, initialization and batch order.", ge=2, le=100)
    fit_threshold: float = param(0.95, "Training accuracy that counts as fitted.", gt=0.5, le=1)

    profile_overrides = {"smoke": {"steps": 100, "record_every": 50, "n_seeds": 2}}
    work = ("steps", "n_seeds", "n_points")

    def __post_init__(self):
        super().__post_init__()
        extra = sorted(set(self.true_label_points) - set(self.n_points))
        if extra:
            raise ValueError(f"parameter 'true_label_points' must be a subset of n_points {list(self.n_points)}; "
                             f"not in n_points: {extra}")
        if list(self.n_points) != sorted(self.n_points):
            raise ValueError(f"parameter 'n_points' must be increasing, got {list(self.n_points)}")
        if self.record_every > self.steps:
            raise ValueError(f"parameter 'record_every' must be <= steps ({self.steps}), got {self.record_every}")


def seed_data(seed: np.random.SeedSequence, sizes: tuple[int, ...]):
    """One pool of points per seed; a training set of n points is the pool's first n rows.

    The pool has a fixed size, so a size's data do not depend on which other sizes are swept, and
    a seed's sizes share one covariance (the mixture draws it afresh with every call): they differ
    in how many points there are, not in how hard the problem is. Random labels permute the true
    labels of the same rows, keeping the class balance; the permutation of n rows is the order in
    which one permutation of the whole pool visits rows below n, which is uniform for every n.
    """
    rng = seeding.generator(seed, seeding.DATA)
    x, y = data.gaussian_mixture(POOL, DIM, rng)
    order = rng.permutation(POOL)
    labels = {"true": {n: y[:n] for n in sizes}, "random": {n: y[:n][order[order < n]] for n in sizes}}
    return x[:max(sizes)], labels


def fitted(accuracy: np.ndarray, n: int, threshold: float) -> np.ndarray:
    """Counts correct rows, so that 95 of 100 passes 0.95 despite float32 rounding of 95/100."""
    return np.rint(accuracy * n) >= threshold * n - 1e-6


def linear_accuracy(x: np.ndarray, y: np.ndarray) -> float:
    """How much of the labelling a linear rule explains: the rest a network has to memorize."""
    return float(LinearDiscriminantAnalysis().fit(x, y).score(x, y))


class Memorization(Experiment):
    name = "05_memorization"
    title = "Memorization: how many random labels can a network fit?"
    Config = MemorizationConfig
    full_seconds = 44
    seeds_run_apart = True

    def _run(self, config):
        seeds = seeding.member_seeds(config.seed, config.n_seeds)
        draws = [seed_data(seed, config.n_points) for seed in seeds]
        sizes = {"random": config.n_points, "true": config.true_label_points}
        cells = [(kind, n, s) for kind in LABELS for n in sizes[kind] for s in range(config.n_seeds)]
        rows = max(config.n_points)
        x = np.stack([draws[s][0] for _, _, s in cells])
        y = np.stack([np.pad(draws[s][1][kind][n], (0, rows - n)) for kind, n, s in cells])
        network = Network(DIM, (config.width,) * config.depth, 2, activation="sigmoid",
                          bias_init=Init("glorot_uniform"))
        history = train(network, Training(steps=config.steps, batch_size=config.batch_size,
                                 xla=config.profile != "smoke"),
                        Members(seeds=[seeds[s] for _, _, s in cells], learning_rate=config.learning_rate),
                        Data(x, y, n_train=[n for _, n, _ in cells]), Recording(every=config.record_every))
        accuracy = {kind: np.zeros((len(sizes[kind]), config.n_seeds, len(history.steps)), np.float32)
                    for kind in LABELS}
        for i, (kind, n, s) in enumerate(cells):
            accuracy[kind][sizes[kind].index(n), s] = history.train_accuracy[i]
        linear = np.array([[linear_accuracy(draws[s][0][:n], draws[s][1]["true"][n]) for s in range(config.n_seeds)]
                           for n in config.true_label_points], np.float32)
        arrays = {"accuracy_random": accuracy["random"], "accuracy_true": accuracy["true"],
                  "linear_accuracy": linear}
        dims = {"accuracy_random": ("n", "seed", "step"), "accuracy_true": ("n_true", "seed", "step"),
                "linear_accuracy": ("n_true", "seed")}
        coords = {"n": list(config.n_points), "n_true": list(config.true_label_points),
                  "seed": list(range(config.n_seeds)), "step": [int(step) for step in history.steps]}
        return arrays, dims, coords

    @classmethod
    def never(cls, result: Result) -> int:
        """Where "never fitted" sits: one recording interval past the last step, later than any fit."""
        return result.coords["step"][-1] + result.config["record_every"]

    @classmethod
    def steps_to_fit(cls, result: Result, kind: str) -> np.ndarray:
        """First recorded step at or above the threshold, per (size, seed); `never` if none is."""
        sizes = result.coords["n" if kind == "random" else "n_true"]
        accuracy = result[f"accuracy_{kind}"]
        reached = np.stack([fitted(accuracy[i], n, result.config["fit_threshold"]) for i, n in enumerate(sizes)])
        steps = np.array(result.coords["step"])
        return np.where(reached.any(axis=-1), steps[np.argmax(reached, axis=-1)], cls.never(result))

    @classmethod
    def capacity(cls, result: Result, by_step: int | None = None) -> np.ndarray:
        """Per seed, the largest size whose random labels were fitted (by `by_step`); 0 when none was."""
        sizes = np.array(result.coords["n"])
        limit = result.coords["step"][-1] if by_step is None else by_step
        fit = cls.steps_to_fit(result, "random") <= limit
        return np.array([sizes[column].max() if column.any() else 0 for column in fit.T])

    @classmethod
    def bracket(cls, result: Result) -> tuple[int, int | None]:
        """The most common capacity across seeds and the next tried size (None above the largest)."""
        values, counts = np.unique(cls.capacity(result), return_counts=True)
        low = int(values[np.argmax(counts)])
        above = [n for n in result.coords["n"] if n > low]
        return low, (min(above) if above else None)

    @classmethod
    def bracket_words(cls, result: Result) -> str:
        low, high = cls.bracket(result)
        if low == 0:
            return f"below {high} points, the smallest size tried"
        if high is None:
            return f"at least {low} points, the largest size tried"
        return f"at least {low} and below {high} points"

    @classmethod
    def declare(cls, result: Result) -> list[stats.Claim]:
        """Both claims sit at sizes chosen in development runs, after looking: they are post hoc."""
        steps, threshold = result.config["steps"], result.config["fit_threshold"]
        above = [n for n in result.coords["n"] if n > ORIGINAL_CAPACITY]
        capacity = (stats.compare(cls.capacity(result), level=ORIGINAL_CAPACITY) if above else
                    stats.untested(f"no tried size exceeds {ORIGINAL_CAPACITY} points, so this run cannot test it"))
        random_steps, true_steps = cls.steps_to_fit(result, "random"), cls.steps_to_fit(result, "true")
        slower = {f"{n} points": stats.paired(random_steps[result.coords["n"].index(n)], true_steps[i], test="sign")
                  for i, n in enumerate(result.coords["n_true"])}
        return [
            stats.Claim("capacity_exceeds_original",
                        f"The random-label capacity (the largest tried size whose random labels reach {threshold:.0%} "
                        f"training accuracy within {steps:,} steps) exceeds the original's {ORIGINAL_CAPACITY} points "
                        f"in most seeds.", capacity, primary=True, registered=False),
            stats.Claim("random_labels_slower",
                        f"At every size tried with both label kinds, random labels take more steps than true labels "
                        f"to reach {threshold:.0%} training accuracy (paired by seed; never reaching it counts as "
                        f"later than the last step).", stats.all_of(slower), primary=True, registered=False),
        ]

    @classmethod
    def numbers(cls, result: Result) -> dict:
        """The values the page quotes; per-size phrases are data, one entry per size tried."""
        sizes, true_sizes, last = result.coords["n"], result.coords["n_true"], result.coords["step"][-1]
        steps, batch, n_seeds = result.config["steps"], result.config["batch_size"], len(result.coords["seed"])
        capacity, low = cls.capacity(result), cls.bracket(result)[0]
        random_steps, true_steps = cls.steps_to_fit(result, "random"), cls.steps_to_fit(result, "true")

        def median(values):
            middle = float(np.median(values))
            return f"more than the {last:,} trained" if middle >= cls.never(result) else f"{middle:,.0f}"

        slower = [f"with {n} points the median seed needed {median(random_steps[sizes.index(n)])} steps with random "
                  f"labels and {median(true_steps[i])} with true labels, and random labels were later in "
                  f"{int(np.sum(random_steps[sizes.index(n)] > true_steps[i]))} of {n_seeds} seeds"
                  for i, n in enumerate(true_sizes)]
        linear = [f"{scores.mean():.0%} of the true labels of {n} points (from {scores.min():.0%} to "
                  f"{scores.max():.0%} over seeds)" for n, scores in zip(true_sizes, result["linear_accuracy"])]
        above = [str(n) for n in sizes if n > ORIGINAL_CAPACITY]
        early = result.coords["step"][-2]
        early_reading = ("no tried size was fitted in most seeds, so an earlier reading could only find fewer fitted"
                         if low == 0 else f"{int(np.sum(cls.capacity(result, by_step=early) >= low))} of {n_seeds} "
                         f"seeds would have counted as fitting random labels of {low} points or more, instead of "
                         f"{int(np.sum(capacity >= low))} of {n_seeds} at step {last:,}")
        needed = next((k for k in range(n_seeds + 1)
                       if sum(math.comb(n_seeds, i) for i in range(k, n_seeds + 1)) / 2**n_seeds < stats.ALPHA), None)
        needed = (f"that takes at least {needed} of {n_seeds} seeds agreeing" if needed else
                  f"no outcome does: even {n_seeds} of {n_seeds} seeds agreeing give p = {0.5 ** n_seeds:.3g}")
        return {"n_seeds": n_seeds, "needed_words": needed, "original_capacity": ORIGINAL_CAPACITY, "last_step": last,
                "threshold_percent": f"{result.config['fit_threshold']:.0%}", "steps_total": f"{steps:,}",
                "sizes_text": join_words([str(n) for n in sizes]), "n_sizes": len(sizes),
                "true_sizes_text": join_words([str(n) for n in true_sizes]), "n_networks": n_seeds * (
                    len(sizes) + len(true_sizes)), "sizes_above": join_words(above) if above else "none",
                "n_seeds_above": int(np.sum(capacity > ORIGINAL_CAPACITY)),
                "n_seeds_below": int(np.sum(capacity < ORIGINAL_CAPACITY)),
                "capacity_words": cls.bracket_words(result), "n_seeds_modal": int(np.sum(capacity == low)),
                "visits": join_words([f"about {steps / math.ceil(n / batch):,.0f} visits to each of {n} points"
                                      for n in sizes]),
                "original_last_step": early, "early_reading": early_reading, "slower_by_size": "; ".join(slower),
                "linear_by_size": join_words(linear)}

    @classmethod
    def plot(cls, result: Result) -> list:
        return [cls.plot_curves(result), cls.plot_summary(result)]

    @classmethod
    def plot_curves(cls, result: Result):
        sizes, steps = result.coords["n"], result.coords["step"]
        fig, axes = plotting.figure(1, len(sizes), height=3.4, sharey=True)
        for ax, n in zip(axes[0], sizes):
            for kind in LABELS:
                key = "n" if kind == "random" else "n_true"
                if n not in result.coords[key]:
                    continue
                curves = result[f"accuracy_{kind}"][result.coords[key].index(n)]
                for curve in curves:
                    ax.plot(steps, curve, color=COLORS[kind], linewidth=0.8, alpha=0.45)
                ax.plot(steps, curves.mean(axis=0), color=COLORS[kind], linewidth=2.2, marker="o", markersize=3,
                        label=f"{kind} labels (mean; thin: seeds)")
            ax.axhline(result.config["fit_threshold"], color="#4a4a4a", linewidth=0.8, linestyle=":")
            ax.set(title=f"n = {n} points", xlabel="training steps")
        axes[0, 0].set_ylabel("training accuracy")
        axes[0, 0].legend(loc="lower right")
        fig.tight_layout()
        return fig

    @classmethod
    def plot_summary(cls, result: Result):
        fig, axes = plotting.figure(1, 2, height=3.4)
        cls._plot_best_accuracy(axes[0, 0], result)
        cls._plot_paired_steps(axes[0, 1], result)
        fig.tight_layout()
        return fig

    @classmethod
    def columns(cls, result: Result) -> list[tuple[str, int, int]]:
        """(label kind, size, row in that kind's arrays) per column, true before random at each size."""
        found = []
        for n in result.coords["n"]:
            if n in result.coords["n_true"]:
                found.append(("true", n, result.coords["n_true"].index(n)))
            found.append(("random", n, result.coords["n"].index(n)))
        return found

    @classmethod
    def _plot_best_accuracy(cls, ax, result: Result):
        columns = cls.columns(result)
        n_seeds = len(result.coords["seed"])
        spread = (np.arange(n_seeds) - (n_seeds - 1) / 2) * min(0.08, 0.5 / n_seeds)
        shown = set()
        for c, (kind, n, row) in enumerate(columns):
            best = result[f"accuracy_{kind}"][row].max(axis=-1)
            ax.scatter(c + spread, best, color=COLORS[kind], s=20, alpha=0.8,
                       label=None if kind in shown else f"{kind} labels (one dot per seed)")
            shown.add(kind)
        ax.axhline(result.config["fit_threshold"], color="#4a4a4a", linewidth=0.8, linestyle=":")
        ax.set_xticks(range(len(columns)), [f"{kind}\nn = {n}" for kind, n, _ in columns])
        ax.set_xlim(-0.5, len(columns) - 0.5)
        ax.set(ylabel="highest recorded training accuracy", title="Which networks are fitted")
        ax.legend(loc="lower left")

    @classmethod
    def _plot_paired_steps(cls, ax, result: Result):
        never = cls.never(result)
        random_steps, true_steps = cls.steps_to_fit(result, "random"), cls.steps_to_fit(result, "true")
        for i, n in enumerate(result.coords["n_true"]):
            pair = np.stack([true_steps[i], random_steps[result.coords["n"].index(n)]])
            x = np.array([2 * i, 2 * i + 1])
            for s in range(pair.shape[1]):
                ax.plot(x, pair[:, s], color="#9aa5b1", linewidth=0.8, zorder=1)
            for column, kind in zip(x, ("true", "random")):
                ax.scatter(np.full(pair.shape[1], column), pair[column - 2 * i], color=COLORS[kind], s=20, zorder=2)
        ticks = [(2 * i + j, f"{kind}\nn = {n}") for i, n in enumerate(result.coords["n_true"])
                 for j, kind in enumerate(("true", "random"))]
        ax.set_xticks([t for t, _ in ticks], [label for _, label in ticks])
        ax.set_xlim(-0.5, 2 * len(result.coords["n_true"]) - 0.5)
        recorded = [s for s in result.coords["step"] if s > 0]
        recorded = recorded[::max(1, len(recorded) // MAX_STEP_TICKS)]
        ax.set_yticks([*recorded, never], [*(str(s) for s in recorded), "never"])
        ax.set(ylabel="steps to reach the threshold", title="Steps to fit, paired by seed")
