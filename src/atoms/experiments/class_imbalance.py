"""Atom 4: how much does class imbalance cost, and what do oversampling and class weights win back?

The original trained on 1,200 points at majority:minority ratios from 1 to 100 and tested on a
balanced set, but min-max scaled train and test each on its own range, so the balanced test set
was shifted relative to the imbalanced training set. Here the scaling is fitted on the training
rows only, every setting runs over several seeds, and each seed's networks share one problem, one
test set and one initialization, so the comparisons between ratios and remedies are paired.

Full-batch training on duplicated rows is the same objective as training on the original rows
weighted by how often each one appears; oversampling is therefore trained as those multiplicity
weights, which keeps every member at the same number of rows (tests/test_class_imbalance.py
checks the two give the same training run).
"""

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
PANELS = ("none", "oversampling", "class_weights", "balanced")
CLASSES = ("majority (0)", "minority (1)")
GRID_POINTS = 81


@dataclass(frozen=True)
class ClassImbalanceConfig(Config):
    ratios: tuple[int, ...] = param((1, 2, 5, 10, 20, 50, 100),
                                    "Majority:minority ratios of the training set; must include 1.",
                                    ge=1, le=1000, min_len=2)
    n_train: int = param(1200, "Training points at every ratio.", ge=20, le=10_000)
    n_test: int = param(300, "Test points, half from each class (even).", ge=20, le=10_000)
    hidden_units: int = param(16, "Units in each of the two sigmoid hidden layers (the original: 100).",
                              ge=1, le=256)
    steps: int = param(500, "Full-batch Adam steps.", ge=1, le=100_000)
    learning_rate: float = param(0.003, "Adam learning rate.", gt=0, le=1)
    n_seeds: int = param(5, "Seeds per (ratio, remedy); each seed draws its own problem.", ge=2, le=100)
    equivalence_margin: float = param(0.02, "Accuracy difference (as a fraction) within which two settings count "
                                            "as equivalent.", gt=0, le=0.5)

    profile_overrides = {"smoke": {"steps": 20, "n_seeds": 2, "ratios": (1, 10, 100)}}

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
    """One seed's draw: a pool of points per class, the first `half_test` of each held out for testing.

    Training sets at every ratio are taken from the same pool, so they share the covariance and
    the test set: a change between ratios is the ratio's doing, not a new problem's.
    """

    x: np.ndarray
    rows: tuple[np.ndarray, np.ndarray]
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
    """A balanced pool large enough for the biggest class at every ratio plus the test set."""
    half_test = config.n_test // 2
    largest = max(max(class_counts(config.n_train, r)) for r in config.ratios)
    x, y = data.gaussian_mixture(2 * (largest + half_test), 2, rng, class1_mean=CLASS1_MEAN, ratio=1.0)
    return Problem(x, (np.flatnonzero(y == 0), np.flatnonzero(y == 1)), half_test)


def remedy_weights(remedy: str, y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Per-row loss weights; the engine averages weight * loss over the rows (Keras' convention).

    Class weights are n / (2 n_c), so each class carries half of the loss. Oversampling repeats
    randomly chosen minority rows until the classes are even; with full-batch training that is
    the same objective as weighting each row by its count, rescaled from the mean over the
    larger oversampled set to the mean over the original rows.
    """
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
    """(seed, ratio, remedy) of every trained member; at 1:1 the remedies change nothing, so only 'none'."""
    return [(s, r, remedy) for s in range(config.n_seeds) for r, ratio in enumerate(config.ratios)
            for remedy in REMEDIES if remedy == "none" or ratio != 1]


def median_seed(accuracy: np.ndarray) -> int:
    """The seed whose problem is of median difficulty, so the boundaries shown are neither the easiest nor the
    hardest case."""
    return int(np.argsort(accuracy, kind="stable")[len(accuracy) // 2])


def _subset(members: Members, indices: list[int]) -> Members:
    """The members `predict` evaluates; only their number matters once the weights are trained."""
    return Members(seeds=[members.seeds[i] for i in indices])


def _grid(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    low, high = points.min(axis=0), points.max(axis=0)
    pad = 0.1 * (high - low)
    axes = [np.linspace(low[i] - pad[i], high[i] + pad[i], GRID_POINTS, dtype=np.float32) for i in range(2)]
    return axes[0], axes[1]


class ClassImbalance(Experiment):
    name = "04_class_imbalance"
    title = "Class imbalance: what it costs, and what oversampling and class weights win back"
    Config = ClassImbalanceConfig

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
        history = train(network, Training(steps=config.steps, loss="cross_entropy", optimizer="adam"), members,
                        Data(np.stack([splits[s, r].x_train for s, r, _ in cells]),
                             np.stack([splits[s, r].y_train for s, r, _ in cells]),
                             np.stack([splits[s, r].x_test for s, r, _ in cells]),
                             np.stack([splits[s, r].y_test for s, r, _ in cells]), sample_weight=weights),
                        Recording())
        recall = self._recalls(config, cells, splits, network, members, history.final_params)
        accuracy = recall.mean(axis=-1)
        shown = median_seed(accuracy[0, config.ratios.index(1)])
        drawn = problems[shown]
        boundary, grid_x, grid_y = self._boundaries(config, cells, splits, shown, drawn, network, members,
                                                    history.final_params)
        minority = drawn.train_rows(config.n_train, max(config.ratios))
        minority = minority[drawn.labels(minority) == 1]
        arrays = {
            "accuracy": accuracy,
            "recall": recall,
            "boundary": boundary,
            "boundary_seed": np.array(shown, np.int64),
            "grid_x": grid_x,
            "grid_y": grid_y,
            "test_points": drawn.x[drawn.test_rows],
            "test_labels": drawn.labels(drawn.test_rows),
            "minority_points": drawn.x[minority],
            "train_counts": np.array([class_counts(config.n_train, r) for r in config.ratios], np.int64),
        }
        dims = {"accuracy": ("arm", "ratio", "seed"), "recall": ("arm", "ratio", "seed", "class"),
                "boundary": ("panel", "grid_y", "grid_x"), "boundary_seed": (), "grid_x": ("grid_x",),
                "grid_y": ("grid_y",),
                "test_points": ("test_row", "feature"), "test_labels": ("test_row",),
                "minority_points": ("minority_row", "feature"), "train_counts": ("ratio", "class")}
        coords = {"arm": list(ARMS), "ratio": list(config.ratios), "seed": list(range(config.n_seeds)),
                  "class": list(CLASSES), "panel": list(PANELS), "feature": ["x1", "x2"]}
        return arrays, dims, coords

    @staticmethod
    def _recalls(config, cells, splits, network, members, params) -> np.ndarray:
        """Per-class recall on the balanced test set, `[arm, ratio, seed, class]`.

        The remedies share each (seed, ratio)'s scaled test set, so one prediction serves all three.
        At 1:1 every arm repeats the unremedied network, which is what each remedy reduces to there.
        """
        recall = np.zeros((len(ARMS), len(config.ratios), config.n_seeds, 2), np.float32)
        groups: dict[tuple[int, int], list[int]] = {}
        for i, (s, r, _) in enumerate(cells):
            groups.setdefault((s, r), []).append(i)
        for (s, r), group in groups.items():
            split = splits[s, r]
            logits = predict(network, _subset(members, group), [p[group] for p in params], split.x_test)
            margins = {cells[i][2]: logits[j, :, 1] - logits[j, :, 0] for j, i in enumerate(group)}
            majority, minority = np.bincount(split.y_train, minlength=2)
            for a, arm in enumerate(ARMS):
                remedy = arm if arm in margins else "none"
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
            member = cells.index((seed, r, remedy))
            split = splits[seed, r]
            logits = predict(network, _subset(members, [member]), [q[[member]] for q in params],
                             (points - split.mean) / split.std)[0]
            boundary[p] = (logits[:, 1] - logits[:, 0]).reshape(GRID_POINTS, GRID_POINTS)
        return boundary, grid_x, grid_y

    @classmethod
    def _index(cls, result: Result, arm: str, ratio: int | None = None) -> tuple[int, int]:
        ratios = result.coords["ratio"]
        return result.coords["arm"].index(arm), ratios.index(max(ratios) if ratio is None else ratio)

    @classmethod
    def at_ratio(cls, result: Result, arm: str, ratio: int | None = None) -> np.ndarray:
        """Test accuracy per seed of one arm at one ratio (the largest by default)."""
        a, r = cls._index(result, arm, ratio)
        return result["accuracy"][a, r]

    @classmethod
    def gains(cls, result: Result, arm: str) -> dict[str, np.ndarray]:
        """The arm's accuracy minus no remedy's, paired by seed, per ratio: mean and 95% bootstrap interval."""
        found = [stats.paired_difference(cls.at_ratio(result, arm, r), cls.at_ratio(result, "none", r),
                                         judged=False).values for r in result.coords["ratio"]]
        return {key: np.array([f[key] for f in found]) for key in ("mean_diff", "low", "high")}

    @classmethod
    def claims(cls, result: Result) -> list[stats.Claim]:
        ratios, judged = result.coords["ratio"], result.judged
        worst, margin = max(ratios), result.config["equivalence_margin"]
        none = result["accuracy"][result.coords["arm"].index("none")]
        minority = result["recall"][result.coords["arm"].index("none"), :, :, 1]
        at = {arm: cls.at_ratio(result, arm) for arm in ARMS}
        return [
            stats.Claim("accuracy_falls_without_remedy",
                        "Without a remedy, accuracy on the balanced test set falls as the training set's imbalance "
                        "grows.",
                        stats.monotone_trend(none.T, "decreasing", levels=ratios, judged=judged)),
            stats.Claim("minority_recall_falls_without_remedy",
                        "Without a remedy, the recall of the minority class falls as the imbalance grows.",
                        stats.monotone_trend(minority.T, "decreasing", levels=ratios, judged=judged)),
            stats.Claim("oversampling_gain_at_largest_ratio",
                        f"At {worst}:1, oversampling raises test accuracy over no remedy (paired by seed).",
                        stats.paired_difference(at["oversampling"], at["none"], judged=judged)),
            stats.Claim("class_weights_gain_at_largest_ratio",
                        f"At {worst}:1, class weights raise test accuracy over no remedy (paired by seed).",
                        stats.paired_difference(at["class_weights"], at["none"], judged=judged)),
            stats.Claim("remedies_equivalent_at_largest_ratio",
                        f"At {worst}:1, oversampling and class weights reach the same test accuracy within "
                        f"±{margin:g} ({100 * margin:g} percentage points).",
                        stats.equivalence(at["oversampling"], at["class_weights"], margin=margin, judged=judged)),
            stats.Claim("oversampling_matches_balanced_training",
                        f"With oversampling, training at {worst}:1 reaches the test accuracy of balanced (1:1) "
                        f"training within ±{margin:g} ({100 * margin:g} percentage points).",
                        stats.equivalence(at["oversampling"], cls.at_ratio(result, "none", 1), margin=margin,
                                          judged=judged)),
            stats.Claim("class_weights_beat_moved_threshold",
                        f"At {worst}:1, training with class weights beats moving the unremedied network's "
                        f"threshold by log({worst}) after training.",
                        stats.paired_difference(at["class_weights"], at["moved_threshold"], judged=judged)),
        ]

    @classmethod
    def numbers(cls, result: Result, found: list[stats.Claim]) -> dict[str, float]:
        """The figures the page quotes, in percent where they are accuracies, all read from the run."""
        worst = max(result.coords["ratio"])
        majority, minority = result["train_counts"][result.coords["ratio"].index(worst)]
        values = {"worst_ratio": worst, "majority_at_worst": int(majority), "minority_at_worst": int(minority),
                  "n_seeds": result.config["n_seeds"], "hidden_units": result.config["hidden_units"],
                  "boundary_seed": int(result["boundary_seed"]),
                  "accuracy_balanced": 100 * float(cls.at_ratio(result, "none", 1).mean()),
                  "minority_recall_none": 100 * float(result["recall"][cls._index(result, "none")][:, 1].mean())}
        for arm in ARMS:
            values[f"accuracy_{arm}"] = 100 * float(cls.at_ratio(result, arm).mean())
        claim = {c.id: c.judgement.values for c in found}
        for name, key in (("gain_oversampling", "oversampling_gain_at_largest_ratio"),
                          ("gain_class_weights", "class_weights_gain_at_largest_ratio"),
                          ("weights_over_threshold", "class_weights_beat_moved_threshold")):
            values[name] = 100 * claim[key]["mean_diff"]
            values[f"{name}_low"] = 100 * claim[key]["low"]
            values[f"{name}_high"] = 100 * claim[key]["high"]
        return values

    @classmethod
    def summary(cls, result: Result, found: list[stats.Claim]) -> dict[str, str]:
        """Sentences whose truth depends on the run, written from the verdicts so the page cannot overclaim."""
        verdict = {claim.id: claim.verdict for claim in found}
        if not result.judged:
            return {"agreement": "This build does not judge its claims, so it does not say whether it agrees with "
                                 "the original.", "beyond": ""}
        held = {name: verdict[name] is stats.Verdict.SUPPORTED for name in verdict}
        words = {stats.Verdict.SUPPORTED: "supports", stats.Verdict.NOT_SUPPORTED: "contradicts",
                 stats.Verdict.INCONCLUSIVE: "cannot confirm"}
        hurts = words[verdict["accuracy_falls_without_remedy"]]
        helps = words[verdict["oversampling_gain_at_largest_ratio"]]
        if hurts == helps:
            agreement = (f"This run {hurts} both of the original's conclusions: that imbalance hurts accuracy on a "
                         f"balanced test set, and that oversampling wins accuracy back.")
        else:
            agreement = (f"This run {hurts} the original's conclusion that imbalance hurts accuracy on a balanced "
                         f"test set, and {helps} its conclusion that oversampling wins accuracy back.")
        worst = max(result.coords["ratio"])
        beyond = []
        if held["remedies_equivalent_at_largest_ratio"]:
            beyond.append(f"class weights do as well as oversampling at {worst}:1")
        if held["oversampling_matches_balanced_training"]:
            points = 100 * result.config["equivalence_margin"]
            beyond.append(f"with oversampling, training at {worst}:1 comes within ±{points:g} points of the accuracy "
                          f"of balanced training, so once the loss is rebalanced the imbalance itself costs no "
                          f"measurable accuracy")
        if held["class_weights_beat_moved_threshold"]:
            beyond.append("moving the threshold of a network trained without a remedy wins back less than "
                          "retraining with class weights")
        text = ("Beyond the original's conclusions: " + "; ".join(beyond) + ".") if beyond else ""
        return {"agreement": agreement, "beyond": text}

    @classmethod
    def plot(cls, result: Result) -> list:
        return [cls.plot_accuracy(result), cls.plot_gains(result), cls.plot_boundaries(result)]

    @staticmethod
    def _ratio_axis(ax, ratios):
        ax.set_xscale("log")
        ax.minorticks_off()
        ax.set_xticks(ratios, [str(r) for r in ratios])
        ax.set_xlabel("majority : minority ratio of the training set")

    @classmethod
    def plot_accuracy(cls, result: Result):
        ratios = result.coords["ratio"]
        fig, axes = plotting.figure(1, 2, height=3.6)
        styles = {"none": (plotting.COLORS[1], "-"), "oversampling": (plotting.COLORS[0], "-"),
                  "class_weights": (plotting.COLORS[2], "--"), "moved_threshold": (plotting.COLORS[3], ":")}
        for a, arm in enumerate(result.coords["arm"]):
            color, line = styles[arm]
            if arm in ("none", "oversampling"):
                plotting.mean_band(axes[0, 0], ratios, result["accuracy"][a].T, label=ARM_LABELS[arm], color=color,
                                   linestyle=line)
            else:
                axes[0, 0].plot(ratios, result["accuracy"][a].mean(axis=1), color=color, linestyle=line, marker="o",
                                markersize=3, label=ARM_LABELS[arm])
        axes[0, 0].set(ylabel="accuracy on the balanced test set", title="accuracy")
        axes[0, 0].legend(fontsize=7, loc="lower left")
        for arm in ("none", "oversampling"):
            a = result.coords["arm"].index(arm)
            for c, line in ((1, "-"), (0, "--")):
                axes[0, 1].plot(ratios, result["recall"][a, :, :, c].mean(axis=1), color=styles[arm][0],
                                linestyle=line, marker="o", markersize=3, label=f"{ARM_LABELS[arm]}: {CLASSES[c]}")
        axes[0, 1].set(ylabel="recall on the balanced test set (mean over seeds)", title="recall of each class")
        axes[0, 1].legend(fontsize=7, loc="lower left")
        for ax in axes[0]:
            cls._ratio_axis(ax, ratios)
            ax.set_ylim(-0.03, 1.03)
        fig.tight_layout()
        return fig

    @classmethod
    def plot_gains(cls, result: Result):
        ratios = np.array(result.coords["ratio"], float)
        fig, axes = plotting.figure(1, 1, height=3.4, width=7.0)
        ax = axes[0, 0]
        for k, (arm, color) in enumerate((("oversampling", plotting.COLORS[0]), ("class_weights", plotting.COLORS[2]),
                                          ("moved_threshold", plotting.COLORS[3]))):
            gain = {key: 100 * value for key, value in cls.gains(result, arm).items()}
            x = ratios * 1.06 ** (k - 1)
            ax.errorbar(x, gain["mean_diff"], yerr=[gain["mean_diff"] - gain["low"], gain["high"] - gain["mean_diff"]],
                        color=color, marker="o", markersize=4, capsize=3, linewidth=1, label=ARM_LABELS[arm])
        ax.axhline(0, color="#4a4a4a", linewidth=0.8)
        cls._ratio_axis(ax, result.coords["ratio"])
        ax.set_ylabel("gain over no remedy\n(percentage points of accuracy)")
        ax.legend(fontsize=7, loc="upper left")
        fig.tight_layout()
        return fig

    @classmethod
    def plot_boundaries(cls, result: Result):
        worst, seed = max(result.coords["ratio"]), int(result["boundary_seed"])
        majority, minority = (int(n) for n in result["train_counts"][result.coords["ratio"].index(worst)])
        fig, axes = plotting.figure(1, 3, height=3.4, sharex=True, sharey=True)
        gx, gy = result["grid_x"], result["grid_y"]
        points, labels = result["test_points"], result["test_labels"]
        balanced = result["boundary"][PANELS.index("balanced")]
        for ax, arm in zip(axes[0], REMEDIES):
            margin = result["boundary"][PANELS.index(arm)]
            ax.contourf(gx, gy, margin, levels=[-np.inf, 0, np.inf], colors=[plotting.COLORS[0], plotting.COLORS[1]],
                        alpha=0.12)
            cls._contour(ax, gx, gy, margin, 0.0, "-", "#222222")
            cls._contour(ax, gx, gy, balanced, 0.0, "--", "#777777")
            if arm == "none":
                cls._contour(ax, gx, gy, margin, float(np.log(minority / majority)), ":", plotting.COLORS[3])
            for c in (0, 1):
                ax.scatter(*points[labels == c].T, s=7, color=plotting.COLORS[c], alpha=0.6, linewidths=0,
                           label=f"test, {CLASSES[c]}")
            ax.scatter(*result["minority_points"].T, s=45, marker="*", color=plotting.COLORS[1], edgecolors="black",
                       linewidths=0.5, label=f"the {minority} minority training points")
            accuracy = 100 * cls.at_ratio(result, arm)[seed]
            ax.set(title=f"{ARM_LABELS[arm]}: {accuracy:.1f}%", xlabel="x1 (raw input)")
            ax.grid(False)
        axes[0, 0].set_ylabel("x2 (raw input)")
        handles, names = axes[0, 0].get_legend_handles_labels()
        handles += [legend_line("-", "#222222"), legend_line("--", "#777777"), legend_line(":", plotting.COLORS[3])]
        names += [f"boundary learned at {worst}:1", "boundary learned at 1:1",
                  f"no remedy, threshold moved by log({worst})"]
        fig.legend(handles, names, loc="lower center", ncol=3, fontsize=7, frameon=False)
        fig.tight_layout(rect=(0, 0.14, 1, 1))
        return fig

    @staticmethod
    def _contour(ax, gx, gy, margin, level, style, color):
        """Draws the level set only where the margin crosses it: an absent boundary is itself the finding."""
        if margin.min() < level < margin.max():
            ax.contour(gx, gy, margin, levels=[level], colors=[color], linestyles=[style], linewidths=1.3)


def legend_line(style: str, color: str):
    """A legend entry for a contour line, which matplotlib's contour sets do not provide."""
    return Line2D([], [], color=color, linestyle=style, linewidth=1.3)
