"""Atom 4: what class imbalance costs and what oversampling and class weights win back, paired by seed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.lines import Line2D

from atoms import claims as stats
from atoms import data, plotting, seeding
from atoms.config import Config, param
from atoms.engine import Data, Init, Members, Network, Recording, Training, predict, train
from atoms.experiment import Experiment, Result

CLASS1_MEAN = np.array([1.0, 0.5])
REMEDIES = ("none", "oversampling", "class_weights")
ARMS = (*REMEDIES, "moved_threshold")
ARM_LABELS = {"none": "no remedy", "oversampling": "oversampling", "class_weights": "class weights",
              "moved_threshold": "no remedy, threshold moved after training"}
STYLES = {"none": (plotting.COLORS[1], "-"), "oversampling": (plotting.COLORS[0], "-"),
          "class_weights": (plotting.COLORS[2], "--"), "moved_threshold": (plotting.COLORS[3], ":")}
DIFFERENCES = {"gain_oversampling": ("oversampling", "none"), "gain_class_weights": ("class_weights", "none"),
               "gain_moved_threshold": ("moved_threshold", "none"), "weights_over_threshold": ("class_weights",
               "moved_threshold"), "oversampling_vs_balanced": ("oversampling", "balanced"),
               "oversampling_vs_weights": ("oversampling", "class_weights")}  # page names: arm a minus arm b
PANELS = ("none", "oversampling", "class_weights", "balanced")
CLASSES = ("majority (0)", "minority (1)")
GRID_POINTS = 81


@dataclass(frozen=True)
class ClassImbalanceConfig(Config):
    ratios: tuple[int, ...] = param((1, 2, 5, 10, 20, 50, 100), "Majority:minority ratios of the training set; "
                                    "must include 1.", ge=1, le=1000, min_len=2)
    n_train: int = param(1200, "Training points at every ratio.", ge=20, le=10_000)
    n_test: int = param(300, "Test points, half from each class (even).", ge=20, le=10_000)
    hidden_units: int = param(40, "Units in each of the two sigmoid hidden layers (the original: 100).", ge=1, le=256)
    steps: int = param(500, "Full-batch Adam steps.", ge=1, le=100_000)
    learning_rate: float = param(0.003, "Adam learning rate.", gt=0, le=1)
    n_seeds: int = param(10, "Seeds per (ratio, remedy); each seed draws its own problem.", ge=2, le=100)
    remedies_at_every_ratio: bool = param(False, "Train the remedies at every ratio (the original's figure), not only "
                                          "at the largest, where the claims read them.")
    equivalence_margin: float = param(0.02, "Accuracy difference (as a fraction) within which two settings count "
                                            "as equivalent.", gt=0, le=0.5)

    profile_overrides = {"smoke": {"steps": 20, "n_seeds": 2, "ratios": (1, 10, 100)}}
    work = ("steps", "n_seeds", "n_train", "ratios", "hidden_units")

    def __post_init__(self):
        super().__post_init__()
        if 1 not in self.ratios:
            raise ValueError(f"parameter 'ratios' must include 1 (the balanced reference), got {list(self.ratios)}")
        if self.n_test % 2:
            raise ValueError(f"parameter 'n_test' must be even (half from each class), got {self.n_test}")
        starved = [r for r in self.ratios if class_counts(self.n_train, r)[1] < 2]
        if starved:
            raise ValueError(f"parameter 'ratios' leaves fewer than 2 minority points of n_train={self.n_train} "
                             f"at {starved}; lower the ratio or raise n_train")


def class_counts(n: int, ratio: float) -> tuple[int, int]:
    """(majority, minority) rows, rounded as `data.gaussian_mixture` rounds them."""
    minority = round(n / (1 + ratio))
    return n - minority, minority


@dataclass(frozen=True)
class Problem:
    """One seed's pool of points per class, the first `half_test` of each held out; every ratio draws from it."""

    x: np.ndarray
    rows: tuple[np.ndarray, np.ndarray]  # indices of class 0 and of class 1
    half_test: int

    @property
    def test_rows(self) -> np.ndarray:
        return np.sort(np.concatenate([r[:self.half_test] for r in self.rows]))

    def train_rows(self, n: int, ratio: float) -> np.ndarray:
        counts = class_counts(n, ratio)
        return np.sort(np.concatenate([r[self.half_test:self.half_test + c] for r, c in zip(self.rows, counts)]))

    def labels(self, rows: np.ndarray) -> np.ndarray:
        return np.isin(rows, self.rows[1]).astype(np.int64)


def draw_problem(config: ClassImbalanceConfig, rng: np.random.Generator) -> Problem:
    half_test = config.n_test // 2
    largest = max(max(class_counts(config.n_train, r)) for r in config.ratios)
    x, y = data.gaussian_mixture(2 * (largest + half_test), 2, rng, class1_mean=CLASS1_MEAN, ratio=1.0)
    return Problem(x, (np.flatnonzero(y == 0), np.flatnonzero(y == 1)), half_test)


def remedy_weights(remedy: str, y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Per-row loss weights: n / (2 n_c) for class weights; for oversampling, the rows' repeat counts, rescaled
    (full-batch training on repeated rows equals training on rows weighted by their counts: tested)."""
    n = len(y)
    if remedy == "none":
        return np.ones(n, np.float32)
    if remedy == "class_weights":
        return (n / (2 * np.bincount(y, minlength=2)))[y].astype(np.float32)
    repeated, _ = data.oversample_minority(np.arange(n)[:, None], y, rng)
    counts = np.bincount(repeated[:, 0], minlength=n)
    return (counts * n / counts.sum()).astype(np.float32)


def recalls(margin: np.ndarray, y: np.ndarray, shift: float = 0.0) -> np.ndarray:
    """Recall of each class when class 1 is predicted where the logit margin z1 - z0 exceeds `shift`."""
    predicted = (margin > shift).astype(np.int64)
    return np.array([np.mean(predicted[y == c] == c) for c in (0, 1)], np.float32)


def _cells(config: ClassImbalanceConfig) -> list[tuple[int, int, str]]:
    """(seed, ratio, remedy) of every trained member; at 1:1 the remedies change nothing, so only 'none'; by
    default the remedies train only at the largest ratio."""
    remedied = [r for r in config.ratios if r != 1 and (config.remedies_at_every_ratio or r == max(config.ratios))]
    return [(s, r, remedy) for s in range(config.n_seeds) for r, ratio in enumerate(config.ratios)
            for remedy in REMEDIES if remedy == "none" or ratio in remedied]


def median_seed(accuracy: np.ndarray) -> int:
    """The seed whose problem is of median difficulty, neither the easiest nor the hardest."""
    return int(np.argsort(accuracy, kind="stable")[len(accuracy) // 2])


def _subset(members: Members, indices: list[int]) -> Members:
    return Members(seeds=[members.seeds[i] for i in indices])  # only their number matters once trained


def _grid(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    low, high = points.min(axis=0), points.max(axis=0)
    pad = 0.1 * (high - low)
    return tuple(np.linspace(low[i] - pad[i], high[i] + pad[i], GRID_POINTS, dtype=np.float32) for i in range(2))


class ClassImbalance(Experiment):
    name = "04_class_imbalance"
    title = "Class imbalance: what it costs, and what oversampling and class weights win back"
    Config = ClassImbalanceConfig
    full_seconds = 40

    def _run(self, config):
        seeds = seeding.member_seeds(config.seed, config.n_seeds)
        generators = [seeding.generator(seed, seeding.DATA) for seed in seeds]
        problems = [draw_problem(config, rng) for rng in generators]
        splits = {}
        for s, problem in enumerate(problems):
            for r, ratio in enumerate(config.ratios):
                rows, test = problem.train_rows(config.n_train, ratio), problem.test_rows
                splits[s, r] = data.split_and_scale(np.concatenate([problem.x[rows], problem.x[test]]),
                                                    np.concatenate([problem.labels(rows), problem.labels(test)]),
                                                    len(rows))
        cells = _cells(config)
        members = Members(seeds=[seeds[s] for s, _, _ in cells], learning_rate=config.learning_rate)
        weights = np.stack([remedy_weights(remedy, splits[s, r].y_train, generators[s]) for s, r, remedy in cells])
        network = Network(2, (config.hidden_units,) * 2, 2, activation="sigmoid", bias_init=Init("glorot_uniform"))
        stacked = [np.stack([getattr(splits[s, r], key) for s, r, _ in cells])
                   for key in ("x_train", "y_train", "x_test", "y_test")]
        history = train(network, Training(steps=config.steps, loss="cross_entropy", optimizer="adam",
                                          xla=config.profile != "smoke"),
                        members, Data(*stacked, sample_weight=weights), Recording())
        recall = self._recalls(config, cells, splits, network, members, history.final_params)
        accuracy = recall.mean(axis=-1)
        drawn = problems[shown := median_seed(accuracy[0, config.ratios.index(1)])]
        boundary, grid_x, grid_y = self._boundaries(config, cells, splits, shown, drawn, network, members,
                                                    history.final_params)
        minority = (rows := drawn.train_rows(config.n_train, max(config.ratios)))[drawn.labels(rows) == 1]
        arrays = {"accuracy": accuracy, "recall": recall, "boundary": boundary,
                  "boundary_seed": np.array(shown, np.int64), "grid_x": grid_x, "grid_y": grid_y,
                  "test_points": drawn.x[drawn.test_rows], "test_labels": drawn.labels(drawn.test_rows),
                  "minority_points": drawn.x[minority],
                  "train_counts": np.array([class_counts(config.n_train, r) for r in config.ratios], np.int64)}
        dims = {"accuracy": ("arm", "ratio", "seed"), "recall": ("arm", "ratio", "seed", "class"),
                "boundary": ("panel", "grid_y", "grid_x"), "boundary_seed": (), "grid_x": ("grid_x",),
                "grid_y": ("grid_y",), "test_points": ("test_row", "feature"), "test_labels": ("test_row",),
                "minority_points": ("minority_row", "feature"), "train_counts": ("ratio", "class")}
        coords = {"arm": list(ARMS), "ratio": list(config.ratios), "seed": list(range(config.n_seeds)),
                  "class": list(CLASSES), "panel": list(PANELS), "feature": ["x1", "x2"]}
        return arrays, dims, coords

    @staticmethod
    def _recalls(config, cells, splits, network, members, params) -> np.ndarray:
        """Per-class test recall `[arm, ratio, seed, class]`: at 1:1 every arm is 'none'; NaN where not trained."""
        recall = np.full((len(ARMS), len(config.ratios), config.n_seeds, 2), np.nan, np.float32)
        groups = {key: [i for i, c in enumerate(cells) if c[:2] == key] for key in dict.fromkeys(c[:2] for c in cells)}
        for (s, r), group in groups.items():
            split = splits[s, r]
            logits = predict(network, _subset(members, group), [p[group] for p in params], split.x_test)
            margins = {cells[i][2]: logits[j, :, 1] - logits[j, :, 0] for j, i in enumerate(group)}
            majority, minority = np.bincount(split.y_train, minlength=2)
            for a, arm in enumerate(ARMS):
                remedy = arm if arm in margins else "none"
                if remedy != arm and arm in REMEDIES and config.ratios[r] != 1:
                    continue  # not trained at this ratio
                shift = float(np.log(minority / majority)) if arm == "moved_threshold" else 0.0
                recall[a, r, s] = recalls(margins[remedy], split.y_test, shift)
        return recall

    @staticmethod
    def _boundaries(config, cells, splits, seed, problem, network, members, params):
        """Logit margin z1 - z0 on a grid in the raw input space, for one seed at the largest ratio and at 1:1."""
        grid_x, grid_y = _grid(problem.x[problem.test_rows])
        points = np.stack(np.meshgrid(grid_x, grid_y), axis=-1).reshape(-1, 2)
        worst, balanced = config.ratios.index(max(config.ratios)), config.ratios.index(1)
        boundary = np.zeros((len(PANELS), GRID_POINTS, GRID_POINTS), np.float32)
        for p, panel in enumerate(PANELS):
            r, remedy = (balanced, "none") if panel == "balanced" else (worst, panel)
            member, split = cells.index((seed, r, remedy)), splits[seed, r]
            logits = predict(network, _subset(members, [member]), [q[[member]] for q in params],
                             (points - split.mean) / split.std)[0]
            boundary[p] = (logits[:, 1] - logits[:, 0]).reshape(GRID_POINTS, GRID_POINTS)
        return boundary, grid_x, grid_y

    @classmethod
    def at_ratio(cls, result: Result, arm: str, ratio: int | None = None) -> np.ndarray:
        return result.select("accuracy", arm=arm, ratio=max(result.coords["ratio"]) if ratio is None else ratio)

    @classmethod
    def declare(cls, result: Result) -> list[stats.Claim]:
        ratios, margin = result.coords["ratio"], result.config["equivalence_margin"]
        worst, balanced = max(ratios), cls.at_ratio(result, "none", 1)
        at = {arm: cls.at_ratio(result, arm) for arm in ARMS}
        within = f"within ±{margin:g} ({100 * margin:g} percentage points); control:"
        Claim = stats.Claim  # noqa: N806
        return [
            Claim("accuracy_falls_without_remedy", "Without a remedy, accuracy on the balanced test set falls as the "
                  "training set's imbalance grows.",
                  stats.trend(result.select("accuracy", arm="none").T, "decreasing", levels=ratios), primary=True),
            Claim("remedies_gain_at_largest_ratio", f"At {worst}:1, oversampling and class weights each raise test "
                  f"accuracy over no remedy (paired by seed).",
                  stats.all_of({"oversampling": stats.paired(at["oversampling"], at["none"]),
                                "class weights": stats.paired(at["class_weights"], at["none"])}), primary=True),
            Claim("oversampling_matches_balanced_training", f"With oversampling, training at {worst}:1 reaches the "
                  f"test accuracy of balanced (1:1) training {within} the unremedied loss from 1:1 to {worst}:1 "
                  f"exceeds the margin.", stats.equivalent(at["oversampling"], balanced, margin=margin,
                                                           control=stats.paired(balanced, at["none"], margin=margin)),
                  primary=True),
            Claim("remedies_equivalent_at_largest_ratio", f"At {worst}:1, oversampling and class weights reach the "
                  f"same test accuracy {within} oversampling's gain over no remedy exceeds the margin.",
                  stats.equivalent(at["oversampling"], at["class_weights"], margin=margin,
                                   control=stats.paired(at["oversampling"], at["none"], margin=margin))),
            Claim("class_weights_beat_moved_threshold", f"At {worst}:1, training with class weights beats moving the "
                  f"unremedied network's threshold by log({worst}) after training (paired by seed).",
                  stats.paired(at["class_weights"], at["moved_threshold"])),
        ]

    @classmethod
    def numbers(cls, result: Result) -> dict[str, float]:
        """The figures the page quotes, in percent (points) where they are accuracies."""
        ratios, n_seeds = result.coords["ratio"], result.config["n_seeds"]
        majority, minority = (int(n) for n in result["train_counts"][ratios.index(max(ratios))])
        at = {arm: 100 * cls.at_ratio(result, arm).astype(float) for arm in ARMS}
        at["balanced"] = 100 * cls.at_ratio(result, "none", 1).astype(float)
        n_secondary = sum(not claim.primary for claim in cls.declare(result))
        values = {"worst_ratio": max(ratios), "n_ratios": len(ratios), "n_seeds": n_seeds, "n_secondary": n_secondary,
                  "majority_at_worst": majority, "minority_at_worst": minority, "smallest_p": 0.5 ** n_seeds,
                  "secondary_level": stats.ALPHA / n_secondary, "boundary_seed": int(result["boundary_seed"]),
                  "remedy_ratios_words": "at every ratio" if result.config.get("remedies_at_every_ratio") else
                  f"only at {max(ratios)}:1",
                  "margin_points": 100 * result.config["equivalence_margin"], "minority_recall_none": 100 * float(
                      result.select("recall", arm="none", ratio=max(ratios))[:, 1].mean()),
                  **{f"accuracy_{arm}{key}": float(get(accuracy)) for arm, accuracy in at.items()
                     for key, get in (("", np.mean), ("_min", np.min), ("_max", np.max))}}
        for name, (a, b) in DIFFERENCES.items():
            diff = at[a] - at[b]
            values.update({name: float(diff.mean()), f"{name}_min": float(diff.min()), f"{name}_max": float(diff.max()),
                           f"{name}_largest": float(np.abs(diff).max()), f"{name}_positive": int(np.sum(diff > 0))})
        return values

    @classmethod
    def plot(cls, result: Result) -> list:
        return [cls.plot_accuracy(result), cls.plot_gains(result), cls.plot_boundaries(result)]

    @classmethod
    def plot_accuracy(cls, result: Result):
        ratios = result.coords["ratio"]
        fig, axes = plotting.figure(1, 2, height=4.8)
        for arm in ARMS:  # NaN where a remedy was not trained: a gap in the line, not an interpolation
            (color, line), accuracy = STYLES[arm], result.select("accuracy", arm=arm)
            mean, spread = accuracy.mean(axis=1), arm in ("none", "oversampling")
            axes[0, 0].errorbar(ratios, mean, yerr=[mean - accuracy.min(axis=1), accuracy.max(axis=1) - mean] if
                                spread else None, label=ARM_LABELS[arm], color=color, linestyle=line, marker="o",
                                markersize=3, capsize=3)
            for c, dash in ((1, "-"), (0, "--")) if spread else ():
                axes[0, 1].plot(ratios, result.select("recall", arm=arm)[..., c].mean(axis=1), color=color,
                                linestyle=dash, marker="o", markersize=3, label=f"{ARM_LABELS[arm]}: {CLASSES[c]}")
        axes[0, 0].set(ylabel="accuracy on the balanced test set", title="accuracy")
        axes[0, 1].set(ylabel="recall on the balanced test set (mean over seeds)", title="recall of each class")
        for ax in axes[0]:
            _ratio_axis(ax, ratios)
            ax.set_ylim(-0.03, 1.03)
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22))
        fig.tight_layout()
        return fig

    @classmethod
    def plot_gains(cls, result: Result):
        """Each arm's gain over no remedy, paired by seed: the mean, with bars from the smallest to the largest."""
        fig, ((ax,),) = plotting.figure(1, 1, height=3.4)
        for k, arm in enumerate(ARMS[1:]):
            gain = 100 * (result.select("accuracy", arm=arm) - result.select("accuracy", arm="none"))
            mean = gain.mean(axis=1)
            ax.errorbar(np.array(result.coords["ratio"]) * 1.06 ** (k - 1), mean,
                        yerr=[mean - gain.min(axis=1), gain.max(axis=1) - mean],
                        color=STYLES[arm][0], marker="o", markersize=4, capsize=3, linewidth=1, label=ARM_LABELS[arm])
        ax.axhline(0, color="#4a4a4a", linewidth=0.8)
        _ratio_axis(ax, result.coords["ratio"])
        ax.set_ylabel("gain over no remedy\n(percentage points of accuracy)")
        ax.legend(loc="upper left")
        fig.tight_layout()
        return fig

    @classmethod
    def plot_boundaries(cls, result: Result):
        worst, seed = max(result.coords["ratio"]), int(result["boundary_seed"])
        majority, minority = (int(n) for n in result["train_counts"][result.coords["ratio"].index(worst)])
        fig, axes = plotting.figure(1, 3, height=4.0, sharex=True, sharey=True)
        gx, gy, points, labels = result["grid_x"], result["grid_y"], result["test_points"], result["test_labels"]
        lines = (("-", "#222222"), ("--", "#777777"), (":", plotting.COLORS[3]))
        balanced = result.select("boundary", panel="balanced")
        for ax, arm in zip(axes[0], REMEDIES):
            margin = result.select("boundary", panel=arm)
            ax.contourf(gx, gy, margin, levels=[-np.inf, 0, np.inf], colors=[plotting.COLORS[0], plotting.COLORS[1]],
                        alpha=0.12)
            moved = np.log(minority / majority) if arm == "none" else np.inf
            for (field, level), (style, color) in zip(((margin, 0.0), (balanced, 0.0), (margin, moved)), lines):
                if field.min() < level < field.max():  # drawn only where crossed: an absent boundary is a finding
                    ax.contour(gx, gy, field, levels=[level], colors=[color], linestyles=[style], linewidths=1.3)
            for c in (0, 1):
                ax.scatter(*points[labels == c].T, s=7, color=plotting.COLORS[c], alpha=0.6, linewidths=0,
                           label=f"test, {CLASSES[c]}")
            ax.scatter(*result["minority_points"].T, s=45, marker="*", color=plotting.COLORS[1], edgecolors="black",
                       linewidths=0.5, label=f"the {minority} minority training points")
            ax.set(title=f"{ARM_LABELS[arm]}: {100 * cls.at_ratio(result, arm)[seed]:.1f}%", xlabel="x1 (raw input)")
            ax.grid(False)
        axes[0, 0].set_ylabel("x2 (raw input)")
        handles, names = axes[0, 0].get_legend_handles_labels()
        handles += [Line2D([], [], color=color, linestyle=style, linewidth=1.3) for style, color in lines]
        names += [f"boundary learned at {worst}:1", "boundary learned at 1:1",
                  f"no remedy, threshold moved by log({worst})"]
        fig.legend(handles, names, loc="lower center", ncol=2, frameon=False)
        fig.tight_layout(rect=(0, 0.2, 1, 1))
        return fig


def _ratio_axis(ax, ratios):
    ax.set(xscale="log", xlabel="majority : minority (training)", xticks=ratios,
           xticklabels=[str(r) for r in ratios])
    ax.minorticks_off()
