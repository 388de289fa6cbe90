"""Atom 3: does more data favour deeper networks?

The original's SVM, tree and two MLPs on growing prefixes of a 12-D Gaussian mixture, plus a random
forest, the Bayes rule and LDA, every comparison paired by seed on shared held-out points. The nets
follow `MLPClassifier`'s recipe, which counts epochs, so growing n also grows training; a control
trains the shallow net, at every size, for as many updates as the largest size gets.
"""

from __future__ import annotations

import math
import warnings
from concurrent.futures import ThreadPoolExecutor
from collections import namedtuple
from dataclasses import dataclass

import numpy as np
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from atoms import claims as stats
from atoms import data, plotting, seeding
from atoms.config import Config, param
from atoms.engine import Data, History, Init, Members, Network, Recording, Training, train
from atoms.experiment import Experiment, Result
from atoms.grouping import padding_groups

TRAIN_FRACTION = 0.8
BASELINES, NETS = ("svm", "tree", "forest", "lda"), ("shallow", "deep")
MODELS = BASELINES + NETS
LABELS = {"svm": "SVM (RBF kernel)", "tree": "decision tree", "forest": "random forest",
          "lda": "LDA (linear)", "shallow": "shallow net (1 hidden layer)", "deep": "deep net (2 hidden layers)"}
COLORS = {"svm": plotting.COLORS[3], "tree": plotting.COLORS[6], "forest": plotting.COLORS[2],
          "lda": plotting.COLORS[7], "shallow": plotting.COLORS[0], "deep": plotting.COLORS[1]}
# Child keys of a seed's SeedSequence for the nets and the scikit-learn models (0 to 2: `seeding`'s purposes).
NET_KEY, BASELINE_KEY = 3, 4
GROUP_RATIO = 2


@dataclass(frozen=True)
class DatasetSizeConfig(Config):
    sizes: tuple[int, ...] = param((20, 50, 100, 200, 500, 1000),
                                   "Dataset sizes n, as in the original: each model trains on the first 0.8 n "
                                   "points of the seed's draw.", ge=20, le=100_000, min_len=2)
    n_points: int = param(10_000, "Points drawn per seed; the last 20% are the held-out test set every size shares.",
                          ge=100, le=100_000)
    dim: int = param(12, "Input dimension; class 1's mean is (1, 1/2, ..., 1/dim).", ge=2, le=100)
    n_seeds: int = param(5, "Seeds (data draws, each with its own covariance) per size.", ge=2, le=50)
    width: int = param(100, "Hidden units per layer of both networks.", ge=1, le=1000)
    epochs: int = param(200, "Epochs of mini-batch Adam (MLPClassifier's max_iter).", ge=1, le=5000)
    batch_size: int = param(200, "Mini-batch size; smaller datasets train full-batch.", ge=1, le=100_000)
    learning_rate: float = param(0.001, "Adam learning rate (MLPClassifier's learning_rate_init).", gt=0, le=1)
    alpha: float = param(0.0001, "MLPClassifier's L2 strength, converted to the engine's penalty.", ge=0, le=1)
    forest_trees: int = param(10, "Trees in the random forest (scikit-learn's default in 2018; 100 since 0.22).",
                              ge=1, le=1000)

    profile_overrides = {"smoke": {"sizes": (20, 100), "n_points": 1000, "n_seeds": 2, "epochs": 5, "forest_trees": 2}}

    def __post_init__(self):
        super().__post_init__()
        object.__setattr__(self, "sizes", tuple(sorted(self.sizes)))
        if max(self.sizes) > self.n_points:
            raise ValueError(f"parameter 'sizes' must not exceed n_points={self.n_points}, got {max(self.sizes)}")
        if n_train(self.sizes[0]) > self.batch_size:
            raise ValueError(f"parameter 'batch_size' must hold the smallest size's {n_train(self.sizes[0])} training "
                             f"points, so that the training-length control has a one-batch size; got {self.batch_size}")


def n_train(size: int) -> int:
    """The original's prefix rule: a dataset of size n trains on int(0.8 n) points."""
    return int(size * TRAIN_FRACTION)


def l2_penalty(alpha: float, batch: int) -> float:
    """The engine's `l2` equal to MLPClassifier's `alpha` on a batch: scikit-learn adds
    `0.5 * alpha * sum(W**2) / n_batch` to the mean batch loss, the engine `l2 * sum(W**2)`."""
    return 0.5 * alpha / batch


def updates(size: int, epochs: int, batch_size: int) -> int:
    """Adam updates MLPClassifier makes in `epochs` epochs (a partial last batch is one more)."""
    rows = n_train(size)
    return epochs * math.ceil(rows / min(batch_size, rows))


def mixture_covariance(dim: int, rng: np.random.Generator) -> np.ndarray:
    """The covariance c^T c whose c `data.gaussian_mixture` draws first from a fresh generator: replaying
    that draw gives the true covariance, hence the exact Bayes rule (a unit test guards the replay)."""
    c = rng.random((dim, dim))
    return c.T @ c


def bayes_predict(x: np.ndarray, mean1: np.ndarray, covariance: np.ndarray) -> np.ndarray:
    """Equal priors and one shared covariance make the Bayes rule linear: w.x > w.mean1 / 2."""
    w = np.linalg.solve(covariance, mean1)
    return (x.astype(np.float64) @ w > 0.5 * mean1 @ w).astype(np.int64)


SeedData = namedtuple("SeedData", "x_pool y_pool x_test y_test bayes_accuracy")
"""One seed's draw: a pool the training prefixes come from, and the test set all sizes share."""


def draw(config: DatasetSizeConfig, root: np.random.SeedSequence) -> SeedData:
    x, y = data.gaussian_mixture(config.n_points, config.dim, seeding.generator(root, seeding.DATA),
                                 class1_mean="harmonic")
    covariance = mixture_covariance(config.dim, seeding.generator(root, seeding.DATA))
    pool = n_train(config.n_points)
    bayes = bayes_predict(x[pool:], 1.0 / np.arange(1, config.dim + 1), covariance)
    return SeedData(x[:pool], y[:pool], x[pool:], y[pool:], float(np.mean(bayes == y[pool:])))


def scaled(seed_data: SeedData, size: int) -> data.Split:
    """Standardized with the statistics of this size's training points only, test set included."""
    rows = n_train(size)
    x = np.concatenate([seed_data.x_pool[:rows], seed_data.x_test])
    y = np.concatenate([seed_data.y_pool[:rows], seed_data.y_test])
    return data.split_and_scale(x, y, rows)


def baseline_models(config: DatasetSizeConfig, random_state: int) -> dict:
    """scikit-learn's defaults, as the original used them, in the order of BASELINES."""
    return {"svm": SVC(), "tree": DecisionTreeClassifier(random_state=random_state),
            "forest": RandomForestClassifier(n_estimators=config.forest_trees, random_state=random_state),
            "lda": LinearDiscriminantAnalysis()}


def baseline_state(root: np.random.SeedSequence) -> int:
    """The integer seed scikit-learn wants, derived from the seed's own SeedSequence."""
    return int(seeding.generator(seeding.child(root, BASELINE_KEY), seeding.DATA).integers(2**31 - 1))


def fit_baselines(config: DatasetSizeConfig, splits: list[list[data.Split]], roots: list) -> np.ndarray:
    """`[train/test, baseline, size, seed]` accuracies of the scikit-learn models. A prefix holding one class
    only (possible for the smallest sizes) predicts that class, since the SVM refuses to fit it."""
    scores = np.zeros((2, len(BASELINES), len(config.sizes), config.n_seeds), np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.filterwarnings("ignore", message="Variables are collinear")
        for s, root in enumerate(roots):
            random_state = baseline_state(root)
            for z, split in enumerate(splits[s]):
                for b, model in enumerate(baseline_models(config, random_state).values()):
                    if np.unique(split.y_train).size < 2:
                        scores[:, b, z, s] = [1.0, np.mean(split.y_test == split.y_train[0])]
                        continue
                    model.fit(split.x_train, split.y_train)
                    scores[:, b, z, s] = [model.score(split.x_train, split.y_train),
                                          model.score(split.x_test, split.y_test)]
    return scores


def net_seed(root: np.random.SeedSequence, depth: int, size: int) -> np.random.SeedSequence:
    """Keyed by depth and size, so a network's start does not depend on which other sizes run."""
    return seeding.child(seeding.child(seeding.child(root, NET_KEY), depth), size)


def train_group(config: DatasetSizeConfig, splits: list[list[data.Split]], roots: list[np.random.SeedSequence],
                depth: int, group: list[int]) -> tuple[list[tuple[int, int]], History]:
    """One ensemble: every (size, seed) of `group` trains until the group's longest recipe ends. Sizes are
    padded to the largest training set and masked with `n_train`; a member that needs fewer updates is
    read off at its own step, so grouping changes the cost, not the result."""
    steps = [updates(size, config.epochs, config.batch_size) for size in config.sizes]
    cells = [(z, s) for z in group for s in range(config.n_seeds)]
    rows = max(n_train(config.sizes[z]) for z in group)
    x_train = np.zeros((len(cells), rows, config.dim), np.float32)
    y_train = np.zeros((len(cells), rows), np.int64)
    for i, (z, s) in enumerate(cells):
        split = splits[s][z]
        x_train[i, :len(split.y_train)], y_train[i, :len(split.y_train)] = split.x_train, split.y_train
    network = Network(config.dim, (config.width,) * depth, 2, activation="relu", bias_init=Init("zeros"))
    members = Members(
        seeds=[net_seed(roots[s], depth, config.sizes[z]) for z, s in cells],
        learning_rate=config.learning_rate,
        l2=[l2_penalty(config.alpha, min(config.batch_size, n_train(config.sizes[z]))) for z, _ in cells],
    )
    history = train(
        network, Training(steps=max(steps[z] for z in group), batch_size=config.batch_size), members,
        Data(x_train, y_train, np.stack([splits[s][z].x_test for z, s in cells]),
             np.stack([splits[s][z].y_test for z, s in cells]), n_train=[n_train(config.sizes[z]) for z, _ in cells]),
        Recording(at=tuple(sorted({steps[z] for z in group}))))
    return cells, history


def train_nets(config: DatasetSizeConfig, splits: list[list[data.Split]], roots: list) -> tuple[np.ndarray, np.ndarray]:
    """`[train/test, net, size, seed]` accuracies after each size's own epochs, and `[size, seed]` test
    accuracies of the shallow net after as many updates as the largest size gets: all its sizes share one
    ensemble run to the longest recipe, so reading members off at the end gives that control for free.
    The deep net, several times costlier per update, is grouped by length to waste at most GROUP_RATIO x."""
    scores = np.zeros((2, len(NETS), len(config.sizes), config.n_seeds), np.float32)
    equal_updates = np.zeros((len(config.sizes), config.n_seeds), np.float32)
    steps = [updates(size, config.epochs, config.batch_size) for size in config.sizes]
    for a, depth in enumerate((1, 2)):
        groups = [list(range(len(config.sizes)))] if depth == 1 else padding_groups(steps, GROUP_RATIO)
        for group in groups:
            cells, history = train_group(config, splits, roots, depth, group)
            recorded = list(history.steps)
            for i, (z, s) in enumerate(cells):
                at = recorded.index(steps[z])
                scores[:, a, z, s] = [history.train_accuracy[i, at], history.test_accuracy[i, at]]
                if depth == 1:
                    equal_updates[z, s] = history.test_accuracy[i, -1]
    return scores, equal_updates


class DatasetSize(Experiment):
    name = "03_dataset_size"
    title = "Dataset size: does more data favour deeper networks?"
    Config = DatasetSizeConfig
    SIZE_LABEL = "dataset size n (top); Adam updates of the networks (bottom)"

    def _run(self, config):
        roots = seeding.member_seeds(config.seed, config.n_seeds)
        draws = [draw(config, root) for root in roots]
        splits = [[scaled(d, size) for size in config.sizes] for d in draws]
        # The engine trains on one thread, so the second core fits the scikit-learn models meanwhile.
        with ThreadPoolExecutor(max_workers=1) as pool:
            baselines = pool.submit(fit_baselines, config, splits, roots)
            nets, equal_updates = train_nets(config, splits, roots)
            scores = np.concatenate([baselines.result(), nets], axis=1)
        arrays = {
            "train_accuracy": scores[0], "test_accuracy": scores[1],
            "bayes_accuracy": np.array([d.bayes_accuracy for d in draws], np.float32),
            "shallow_equal_updates": equal_updates,
            "updates": np.array([updates(n, config.epochs, config.batch_size) for n in config.sizes], np.int64),
        }
        dims = {"train_accuracy": ("model", "size", "seed"), "test_accuracy": ("model", "size", "seed"),
                "bayes_accuracy": ("seed",), "shallow_equal_updates": ("size", "seed"), "updates": ("size",)}
        coords = {"model": list(MODELS), "size": list(config.sizes), "seed": list(range(config.n_seeds))}
        return arrays, dims, coords

    @staticmethod
    def accuracies(result: Result, kind: str = "test") -> dict[str, np.ndarray]:
        """`[size, seed]` accuracies of every model, by name."""
        return {m: result.select(f"{kind}_accuracy", model=m) for m in MODELS}

    @classmethod
    def one_batch(cls, result: Result) -> np.ndarray:
        """Sizes whose training set fits in one batch: each gets exactly `epochs` updates (the config ensures one)."""
        return np.array([n_train(n) for n in result.coords["size"]]) <= result.config["batch_size"]

    @classmethod
    def declare(cls, result: Result) -> list[stats.Claim]:
        acc, small, epochs, most = (cls.accuracies(result), cls.one_batch(result), result.config["epochs"],
                                    int(result["updates"].max()))
        worst_net, best_net = np.minimum(acc["shallow"], acc["deep"]), np.maximum(acc["shallow"], acc["deep"])
        return [
            stats.Claim("nets_beat_baselines_every_size", "Both networks beat the SVM, the decision tree and the "
                        "random forest at every size (each seed's smallest margin over sizes and both networks).",
                        stats.all_of({LABELS[b]: stats.compare((worst_net - acc[b]).min(axis=0), level=0.0)
                                      for b in ("svm", "tree", "forest")}), primary=True),
            stats.Claim("deep_ahead_of_shallow", "The deep network is ahead of the shallow one, averaged over the "
                        "sizes (paired by seed).", stats.paired(acc["deep"].mean(axis=0), acc["shallow"].mean(axis=0)),
                        primary=True),
            stats.Claim("deep_lead_grows_with_n", "The deep network's lead over the shallow one grows as n grows.",
                        stats.trend((acc["deep"] - acc["shallow"]).T, "increasing", levels=result.coords["size"]),
                        primary=True),
            stats.Claim("lda_beats_nets_every_size", "A linear classifier (LDA) beats both networks at every size "
                        "(each seed's smallest margin).", stats.compare((acc["lda"] - best_net).min(0), level=0.0)),
            stats.Claim("shallow_with_more_updates_beats_deep", f"Trained for {most} updates (as many as the largest "
                        f"size gets) instead of {epochs}, the shallow network beats the deep network's {epochs}-epoch "
                        f"accuracy, averaged over the sizes that fit in one batch (paired by seed).",
                        stats.paired(result["shallow_equal_updates"][small].mean(axis=0), acc["deep"][small].mean(0))),
        ]

    @classmethod
    def numbers(cls, result: Result) -> dict:
        """Mean accuracies (`fit`: on the training points) and the deep net's `lead` at the smallest and largest
        sizes and at `peak`, the largest size of one batch; the claims' counts; settings derived from the config.
        `holm_floor` is the smallest adjusted p-value a secondary claim can reach with this many seeds."""
        config, sizes, acc, declared = result.config, result.coords["size"], cls.accuracies(result), cls.declare(result)
        peak, batch = int(np.flatnonzero(cls.one_batch(result))[-1]), min(config["batch_size"], n_train(sizes[0]))
        fit, found = cls.accuracies(result, "train"), {claim.id: claim.evidence.values for claim in declared}
        series = acc | {"lead": acc["deep"] - acc["shallow"]} | {f"{m}_fit": fit[m] for m in NETS}
        trend, lda, beats = (found[i] for i in ("deep_lead_grows_with_n", "lda_beats_nets_every_size",
                                                "nets_beat_baselines_every_size"))
        margins = "; ".join(f"{beats[f'{name}.median']:+.3f} against the {name}, positive in "
                            f"{beats[f'{name}.n_claimed_side']:.0f} of {config['n_seeds']} seeds"
                            for name in (LABELS[b] for b in ("svm", "tree", "forest")))
        return {f"{m}_{end}": float(v[i].mean()) for m, v in series.items() for end, i in
                (("smallest", 0), ("largest", -1), ("peak", peak))} | {
            "lead_up": trend["n_agree"], "lead_down": trend["n_opposite"], "lead_mean": float(series["lead"].mean()),
            "ahead_seeds": found["deep_ahead_of_shallow"]["n_claimed_side"], "baseline_margins": margins,
            "lda_margin": lda["median"], "lda_seeds": lda["n_claimed_side"],
            "control_diff": found["shallow_with_more_updates_beats_deep"]["mean_diff"],
            "control_seeds": found["shallow_with_more_updates_beats_deep"]["n_claimed_side"],
            "l2_full": l2_penalty(config["alpha"], config["batch_size"]), "smallest_batch": batch,
            "l2_smallest": l2_penalty(config["alpha"], batch), "one_batch_n": config["batch_size"] / TRAIN_FRACTION,
            "most_updates": int(result["updates"].max()), "largest_size": sizes[-1], "size_peak": sizes[peak],
            "original_updates": updates(10_000, config["epochs"], config["batch_size"]),
            "bayes_mean": float(result["bayes_accuracy"].mean()), "bayes_min": float(result["bayes_accuracy"].min()),
            "holm_floor": 0.5 ** config["n_seeds"] * sum(not claim.primary for claim in declared),
        }

    @classmethod
    def plot(cls, result: Result) -> list:
        return [cls.plot_accuracy(result), cls.plot_gaps(result)]

    @classmethod
    def _size_axis(cls, ax, result: Result, label: bool = True) -> None:
        """Log-scaled sizes, each tick also naming the networks' number of updates at that size."""
        sizes = result.coords["size"]
        ax.set(xscale="log", xlabel=cls.SIZE_LABEL if label else "")
        ax.minorticks_off()
        ax.set_xticks(sizes, [f"{n}\n{u}" for n, u in zip(sizes, result["updates"])], fontsize=8)

    @classmethod
    def plot_accuracy(cls, result: Result):
        """One panel per model, each seed band readable; the Bayes rule and the deep net's mean in every panel."""
        sizes, acc, n_points = result.coords["size"], cls.accuracies(result), result.config["n_points"]
        fig, axes = plotting.figure(2, 3, height=2.9, sharex=True, sharey=True)
        for ax, model in zip(axes.flat, MODELS):
            ax.axhline(result["bayes_accuracy"].mean(), color="#4a4a4a", linestyle=":", label="Bayes rule (mean)")
            if model != "deep":
                ax.plot(sizes, acc["deep"].mean(axis=1), color=COLORS["deep"], linewidth=0.9, alpha=0.6,
                        label="deep net (mean)")
            plotting.mean_band(ax, sizes, acc[model].T, color=COLORS[model], label="this model: mean, seed range")
            ax.set_title(LABELS[model])
            cls._size_axis(ax, result, label=False)
        fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="upper center", ncols=3, fontsize=8)
        fig.supxlabel(cls.SIZE_LABEL, fontsize=10)
        for ax in axes[:, 0]:
            ax.set_ylabel(f"test accuracy\n({n_points - n_train(n_points):,} test points)")
        fig.tight_layout(rect=(0, 0, 1, 0.95))
        return fig

    @classmethod
    def plot_gaps(cls, result: Result):
        """The deep lead with its training-length control, beside the fit that explains it."""
        sizes, acc, fit = result.coords["size"], cls.accuracies(result), cls.accuracies(result, "train")
        epochs, most, lead = result.config["epochs"], int(result["updates"].max()), acc["deep"] - acc["shallow"]
        fig, ((left, right),) = plotting.figure(1, 2, height=3.8)
        left.plot(sizes, lead, color=COLORS["deep"], linewidth=0.7, alpha=0.5)
        plotting.mean_band(left, sizes, lead.T, color=COLORS["deep"],
                           label=f"both {epochs} epochs (thin lines: one per seed)")
        plotting.mean_band(left, sizes, (acc["deep"] - result["shallow_equal_updates"]).T, color=COLORS["shallow"],
                           linestyle="--", label=f"deep {epochs} epochs, shallow {most} updates")
        left.axhline(0.0, color="#4a4a4a", linewidth=0.8)
        left.set(ylabel="deep minus shallow test accuracy", title="The deep network's lead")
        for model in NETS:
            plotting.mean_band(right, sizes, fit[model].T, label=LABELS[model], color=COLORS[model])
        right.set(ylabel="training accuracy", title="Fit to the training points")
        for ax, corner in ((left, "upper left"), (right, "lower left")):
            cls._size_axis(ax, result)
            ax.legend(loc=corner, fontsize=8)
        fig.tight_layout()
        return fig
