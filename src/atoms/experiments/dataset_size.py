"""Atom 3: does more data favour deeper networks? The original's SVM, tree and two MLPs on growing prefixes of a
12-D Gaussian mixture, plus a forest, the Bayes rule and LDA, paired by seed. The nets train for a budget per size
meant to flatten their loss (the run checks it), and are also read off after the original's 200 epochs."""

from __future__ import annotations

import math
import warnings
from collections import namedtuple
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.ensemble import RandomForestClassifier
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from atoms import claims as stats
from atoms import data, plotting, seeding
from atoms.config import Config, param
from atoms.engine import Data, Init, Members, Network, Recording, Training, train
from atoms.experiment import Experiment, Result

TRAIN_FRACTION = 0.8
BASELINES, NETS = ("svm", "tree", "forest", "lda"), ("shallow", "deep")
MODELS = BASELINES + NETS
LABELS = {"svm": "SVM (RBF kernel)", "tree": "decision tree", "forest": "random forest",
          "lda": "LDA (linear)", "shallow": "shallow net (1 hidden layer)", "deep": "deep net (2 hidden layers)"}
COLORS = dict(zip(MODELS, (plotting.COLORS[i] for i in (3, 6, 2, 7, 0, 1))))
# Child keys of a seed's SeedSequence for the nets and the scikit-learn models (0 to 2: `seeding`'s purposes).
NET_KEY, BASELINE_KEY = 3, 4
# Ensembles of at most MAX_MEMBERS (a pilot's cost per member rose 1.5x from 18 to 24), padding <= STEP_RATIO x.
MAX_MEMBERS, STEP_RATIO = 18, 1.5
TOLERANCE, LAST = 1e-4, 0.1  # MLPClassifier's tol per epoch; the share of updates whose loss change is checked
NET_ARRAYS = ("test_accuracy", "train_accuracy", "recipe_accuracy", "train_loss", "loss_drop", "late_change")


@dataclass(frozen=True)
class DatasetSizeConfig(Config):
    sizes: tuple[int, ...] = param((20, 100, 1000, 10000), "Dataset sizes n (four of the original's nine): "
                                   "each model trains on the first 0.8 n points of the seed's draw.", ge=20,
                                   le=100_000, min_len=2)
    n_points: int = param(10_000, "Points drawn per seed; the last 20% are the test set all sizes share.", ge=100,
                          le=100_000)
    dim: int = param(12, "Input dimension; class 1's mean is (1, 1/2, ..., 1/dim).", ge=2, le=100)
    n_seeds: int = param(6, "Seeds (data draws, each with its own covariance) per size.", ge=2, le=50)
    width: int = param(100, "Hidden units per layer of both networks.", ge=1, le=1000)
    shallow_updates: int = param(1000, "Adam updates of the shallow network at a size that fits one batch; each "
                                       "fourfold increase in batches per epoch adds as many again.", ge=1, le=10**6)
    deep_updates: int = param(500, "The same for the deep network.", ge=1, le=10**6)
    epochs: int = param(200, "The original's budget (MLPClassifier's max_iter): the networks are also read off "
                             "after this many epochs, or at their own budget if that comes first.", ge=1, le=5000)
    batch_size: int = param(200, "Mini-batch size; smaller datasets train full-batch.", ge=1, le=100_000)
    learning_rate: float = param(0.001, "Adam learning rate (MLPClassifier's learning_rate_init).", gt=0, le=1)
    alpha: float = param(0.0001, "MLPClassifier's L2 strength, converted to the engine's penalty.", ge=0, le=1)
    forest_trees: int = param(10, "Trees in the random forest (scikit-learn's default in 2018).", ge=1, le=1000)

    profile_overrides = {"smoke": {"sizes": (20, 100, 500), "n_points": 1000, "n_seeds": 2, "shallow_updates": 8,
                                   "deep_updates": 4, "epochs": 5, "forest_trees": 2}}
    work = ("n_seeds", "shallow_updates", "deep_updates")

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


def batches(size: int, batch_size: int) -> int:
    """Mini-batches per epoch (a partial last batch is one more)."""
    return math.ceil(n_train(size) / min(batch_size, n_train(size)))


def updates(size: int, epochs: int, batch_size: int) -> int:
    """Adam updates MLPClassifier makes in `epochs` epochs."""
    return epochs * batches(size, batch_size)


def budget(size: int, base: int, batch_size: int) -> int:
    """`base` updates at one batch per epoch, `base` more per fourfold increase in batches (a pilot's fit)."""
    return round(base * (1 + math.log(batches(size, batch_size), 4)))


def mixture_covariance(dim: int, rng: np.random.Generator) -> np.ndarray:
    """The covariance c^T c whose c `data.gaussian_mixture` draws first from a fresh generator: replaying
    that draw gives the true covariance, hence the exact Bayes rule (a unit test guards the replay)."""
    c = rng.random((dim, dim))
    return c.T @ c


def bayes_predict(x: np.ndarray, mean1: np.ndarray, covariance: np.ndarray) -> np.ndarray:
    """Equal priors and one shared covariance make the Bayes rule linear: w.x > w.mean1 / 2."""
    w = np.linalg.solve(covariance, mean1)
    return (x.astype(np.float64) @ w > 0.5 * mean1 @ w).astype(np.int64)


SeedData = namedtuple("SeedData", "x_pool y_pool x_test y_test bayes_accuracy")  # prefixes' pool, shared test set


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
    return data.split_and_scale(np.concatenate([seed_data.x_pool[:rows], seed_data.x_test]),
                                np.concatenate([seed_data.y_pool[:rows], seed_data.y_test]), rows)


def baseline_models(config: DatasetSizeConfig, random_state: int) -> dict:
    """scikit-learn's defaults, as the original used them, in the order of BASELINES."""
    return {"svm": SVC(), "tree": DecisionTreeClassifier(random_state=random_state),
            "forest": RandomForestClassifier(n_estimators=config.forest_trees, random_state=random_state),
            "lda": LinearDiscriminantAnalysis()}


def fit_baselines(config: DatasetSizeConfig, splits: list[list[data.Split]], roots: list) -> np.ndarray:
    """`[baseline, size, seed]` test accuracies of the scikit-learn models. A prefix holding one class
    only (possible for the smallest sizes) predicts that class, since the SVM refuses to fit it."""
    scores = np.zeros((len(BASELINES), len(config.sizes), config.n_seeds), np.float32)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Variables are collinear")
        for s, root in enumerate(roots):
            random_state = int(seeding.generator(seeding.child(root, BASELINE_KEY), seeding.DATA).integers(2**31 - 1))
            for z, split in enumerate(splits[s]):
                for b, model in enumerate(baseline_models(config, random_state).values()):
                    one_class = np.unique(split.y_train).size < 2
                    scores[b, z, s] = (np.mean(split.y_test == split.y_train[0]) if one_class else
                                       model.fit(split.x_train, split.y_train).score(split.x_test, split.y_test))
    return scores


def net_seed(root: np.random.SeedSequence, depth: int, size: int) -> np.random.SeedSequence:
    """Keyed by depth and size, so a network's start does not depend on which other sizes run."""
    return seeding.child(seeding.child(seeding.child(root, NET_KEY), depth), size)


def read_steps(config: DatasetSizeConfig, depth: int, size: int) -> tuple[int, int, int]:
    """Where a member is read: after the original's epochs (or its budget, if sooner), at the start of its
    last 10% of updates, and at the end of its budget."""
    steps = budget(size, config.shallow_updates if depth == 1 else config.deep_updates, config.batch_size)
    return min(updates(size, config.epochs, config.batch_size), steps), steps - max(1, round(LAST * steps)), steps


def ensembles(config: DatasetSizeConfig, depth: int) -> list[list[int]]:
    """Size indices training as one ensemble: the one-batch sizes (one budget, small batches) together, the
    others from the largest down. A member is read off at its own steps: grouping changes the cost only."""
    one = [z for z, n in enumerate(config.sizes) if n_train(n) <= config.batch_size]
    steps, groups, room = [read_steps(config, depth, n)[-1] for n in config.sizes], [], MAX_MEMBERS // config.n_seeds
    for z in range(len(config.sizes) - 1, len(one) - 1, -1):
        fits = groups and len(groups[-1]) < room and steps[groups[-1][0]] <= STEP_RATIO * steps[z]
        groups[-1].append(z) if fits else groups.append([z])
    return groups + [one]


def train_group(config: DatasetSizeConfig, splits: list[list[data.Split]], roots: list[np.random.SeedSequence],
                depth: int, group: list[int], out: dict[str, np.ndarray]) -> None:
    """One ensemble of every (size, seed) of `group`, padded to the largest training set and masked with `n_train`,
    XLA-compiled for the deep net beyond one batch (where the pilot showed a gain). Fills its cells of `out`."""
    cells = [(z, s) for z in group for s in range(config.n_seeds)]
    reads = [read_steps(config, depth, config.sizes[z]) for z, _ in cells]
    rows = max(n_train(config.sizes[z]) for z in group)
    x_train, y_train = np.zeros((len(cells), rows, config.dim), np.float32), np.zeros((len(cells), rows), np.int64)
    for i, split in enumerate(splits[s][z] for z, s in cells):
        x_train[i, :len(split.y_train)], y_train[i, :len(split.y_train)] = split.x_train, split.y_train
    network = Network(config.dim, (config.width,) * depth, 2, activation="relu", bias_init=Init("zeros"))
    members = Members(
        seeds=[net_seed(roots[s], depth, config.sizes[z]) for z, s in cells], learning_rate=config.learning_rate,
        l2=[l2_penalty(config.alpha, min(config.batch_size, n_train(config.sizes[z]))) for z, _ in cells])
    xla = depth == 2 and rows > config.batch_size
    history = train(
        network, Training(steps=max(r[-1] for r in reads), batch_size=config.batch_size, xla=xla), members,
        Data(x_train, y_train, np.stack([splits[s][z].x_test for z, s in cells]),
             np.stack([splits[s][z].y_test for z, s in cells]), n_train=[n_train(config.sizes[z]) for z, _ in cells]),
        Recording(at=tuple(sorted({step for r in reads for step in r}))))
    at = {step: j for j, step in enumerate(history.steps)}
    for i, ((z, s), (recipe, late, end)) in enumerate(zip(cells, reads)):
        loss, test = history.train_loss[i], history.test_accuracy[i]
        values = (test[at[end]], history.train_accuracy[i, at[end]], test[at[recipe]], loss[at[end]],
                  (loss[at[late]] - loss[at[end]]) * batches(config.sizes[z], config.batch_size) / (end - late),
                  test[at[end]] - test[at[late]])
        for name, value in zip(NET_ARRAYS, values):
            out[name][depth - 1, z, s] = value


class DatasetSize(Experiment):
    name = "03_dataset_size"
    title = "Dataset size: does more data favour deeper networks?"
    Config = DatasetSizeConfig
    full_seconds = 48

    def _run(self, config):
        roots = seeding.member_seeds(config.seed, config.n_seeds)
        draws = [draw(config, root) for root in roots]
        splits = [[scaled(d, size) for size in config.sizes] for d in draws]
        nets = {name: np.zeros((len(NETS), len(config.sizes), config.n_seeds), np.float32) for name in NET_ARRAYS}
        # The engine trains on one thread, so the second core fits the scikit-learn models meanwhile.
        with ThreadPoolExecutor(max_workers=1) as pool:
            baselines = pool.submit(fit_baselines, config, splits, roots)
            for depth, group in ((depth, group) for depth in (1, 2) for group in ensembles(config, depth)):
                train_group(config, splits, roots, depth, group, nets)
            nets["test_accuracy"] = np.concatenate([baselines.result(), nets["test_accuracy"]])
        budgets = [[read_steps(config, depth, n)[-1] for n in config.sizes] for depth in (1, 2)]
        arrays = nets | {"bayes_accuracy": np.array([d.bayes_accuracy for d in draws], np.float32),
                         "updates": np.array(budgets), "recipe_updates": np.array(
                             [updates(n, config.epochs, config.batch_size) for n in config.sizes])}
        dims = {name: ("net", "size", "seed") for name in NET_ARRAYS} | {"test_accuracy": ("model", "size", "seed"),
                "bayes_accuracy": ("seed",), "updates": ("net", "size"), "recipe_updates": ("size",)}
        coords = {"model": list(MODELS), "net": list(NETS), "size": list(config.sizes),
                  "seed": list(range(config.n_seeds))}
        return arrays, dims, coords

    @staticmethod
    def accuracies(result: Result, name: str = "test_accuracy", of=MODELS) -> dict[str, np.ndarray]:
        """`[size, seed]` arrays by model (`name` of the networks: `of=NETS`); nets at the end of their budgets."""
        return {m: result.select(name, **{"model" if of is MODELS else "net": m}) for m in of}

    @classmethod
    def declare(cls, result: Result) -> list[stats.Claim]:
        acc, epochs = cls.accuracies(result), result.config["epochs"]
        small = np.array([n_train(n) <= result.config["batch_size"] for n in result.coords["size"]])  # one batch
        worst_net, best_net = np.minimum(acc["shallow"], acc["deep"]), np.maximum(acc["shallow"], acc["deep"])
        deep_recipe = cls.accuracies(result, "recipe_accuracy", NETS)["deep"]
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
            stats.Claim("shallow_with_more_updates_beats_deep", f"Trained for its whole budget instead of "
                        f"for {epochs} epochs, the shallow network beats the deep network's {epochs}-epoch "
                        f"accuracy, averaged over the sizes that fit in one batch (paired by seed).",
                        stats.paired(acc["shallow"][small].mean(axis=0), deep_recipe[small].mean(axis=0))),
        ]

    @classmethod
    def numbers(cls, result: Result) -> dict:
        """Mean test accuracies (`recipe_`: after the original's epochs) and `lead`s at the smallest, largest and `peak`
        (largest one-batch) sizes; claim counts; budgets; convergence check; `holm_floor`, the least Holm p."""
        config, sizes, acc, declared = result.config, result.coords["size"], cls.accuracies(result), cls.declare(result)
        batch = min(config["batch_size"], n_train(sizes[0]))
        peak = sum(n_train(n) <= config["batch_size"] for n in sizes) - 1  # the largest one-batch size
        found = {claim.id: claim.evidence.values for claim in declared}
        recipe = {f"recipe_{m}": v for m, v in cls.accuracies(result, "recipe_accuracy", NETS).items()}
        series = acc | recipe | {"lead": acc["deep"] - acc["shallow"],
                                 "recipe_lead": recipe["recipe_deep"] - recipe["recipe_shallow"]}
        trend, lda, beats, control = (found[i] for i in ("deep_lead_grows_with_n", "lda_beats_nets_every_size",
                                                         "nets_beat_baselines_every_size",
                                                         "shallow_with_more_updates_beats_deep"))
        margins = "; ".join(f"{beats[f'{name}.median']:+.3f} against the {name}, positive in "
                            f"{beats[f'{name}.n_claimed_side']:.0f} of {config['n_seeds']} seeds"
                            for name in (LABELS[b] for b in ("svm", "tree", "forest")))
        drop, late, steps = result["loss_drop"], np.abs(result["late_change"]), result["updates"]
        unflat = [f"the {m} network at $n =$ {n:,} in {k} of {config['n_seeds']} seeds" for a, m in enumerate(NETS)
                  for n, k in zip(sizes, (drop[a] >= TOLERANCE).sum(axis=1)) if k]
        return {f"{m}_{end}": float(v[i].mean()) for m, v in series.items() for end, i in
                (("smallest", 0), ("largest", -1), ("peak", peak))} | {
            "lead_up": trend["n_agree"], "lead_down": trend["n_opposite"], "lead_mean": float(series["lead"].mean()),
            "ahead_seeds": found["deep_ahead_of_shallow"]["n_claimed_side"], "baseline_margins": margins,
            "lda_margin": lda["median"], "lda_seeds": lda["n_claimed_side"],
            "control_diff": control["mean_diff"], "control_seeds": control["n_claimed_side"],
            "l2_full": l2_penalty(config["alpha"], config["batch_size"]), "smallest_batch": batch,
            "l2_smallest": l2_penalty(config["alpha"], batch), "one_batch_n": config["batch_size"] / TRAIN_FRACTION,
            "largest_size": sizes[-1], "size_peak": sizes[peak],
            **{name: ", ".join(f"{v:,}" for v in values) for name, values in (
                ("size_list", sizes), ("shallow_budgets", steps[0]), ("deep_budgets", steps[1]),
                ("recipe_budgets", result["recipe_updates"]))}, "tolerance": TOLERANCE,
            "drop_max_shallow": float(drop[0].max()), "drop_max_deep": float(drop[1].max()),
            "n_flat": int((drop < TOLERANCE).sum()), "n_nets": drop.size, "unflat": "; ".join(unflat) or "none",
            "late_max": float(late.max()),
            "bayes_mean": float(result["bayes_accuracy"].mean()), "bayes_min": float(result["bayes_accuracy"].min()),
            "holm_floor": 0.5 ** config["n_seeds"] * sum(not claim.primary for claim in declared),
        }

    @classmethod
    def plot(cls, result: Result) -> list:
        return [cls.plot_accuracy(result), cls.plot_gaps(result)]

    @staticmethod
    def _size_axis(ax, sizes, label: str = "dataset size n") -> None:
        ax.set(xscale="log", xlabel=label)
        ax.set_xticks(sizes, [f"{n:,}" for n in sizes], minor=False)
        ax.set_xticks([], minor=True)

    @classmethod
    def plot_accuracy(cls, result: Result):
        """One panel per model, each seed band readable; the Bayes rule and the deep net's mean in every panel."""
        sizes, acc, n_points = result.coords["size"], cls.accuracies(result), result.config["n_points"]
        fig, axes = plotting.figure(2, 3, height=2.9, sharex=True, sharey=True)
        for i, (ax, model) in enumerate(zip(axes.flat, MODELS)):
            ax.axhline(result["bayes_accuracy"].mean(), color="#4a4a4a", linestyle=":", label="Bayes rule (mean)")
            ax.plot(sizes, acc["deep"].mean(axis=1), color=COLORS["deep"], lw=0.9, alpha=0.6, label="deep net (mean)")
            plotting.mean_band(ax, sizes, acc[model].T, color=COLORS[model], label="this model: mean, seed range")
            cls._size_axis(ax, sizes, label="")
            ax.set(title=LABELS[model].replace(" (", "\n("),
                   ylabel=f"test accuracy\n({n_points - n_train(n_points):,} test points)" if i % 3 == 0 else "")
        fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="upper center", ncols=3)
        fig.supxlabel("dataset size n")
        fig.tight_layout(rect=(0, 0, 1, 0.95))
        return fig

    @classmethod
    def plot_gaps(cls, result: Result):
        """The deep lead at convergence and after the original's epochs, beside the convergence check."""
        sizes, acc, epochs = result.coords["size"], cls.accuracies(result), result.config["epochs"]
        recipe = cls.accuracies(result, "recipe_accuracy", NETS)
        (fig, ((left, right),)), lead = plotting.figure(1, 2, height=3.8), acc["deep"] - acc["shallow"]
        left.plot(sizes, lead, color=COLORS["deep"], linewidth=0.7, alpha=0.5)
        plotting.mean_band(left, sizes, lead.T, color=COLORS["deep"], label="end of budget (thin: seeds)")
        plotting.mean_band(left, sizes, (recipe["deep"] - recipe["shallow"]).T, color=COLORS["shallow"],
                           linestyle="--", label=f"after the original's {epochs} epochs")
        left.axhline(0.0, color="#4a4a4a", linewidth=0.8)
        left.set(ylabel="deep minus shallow test accuracy", title="The deep network's lead")
        for m, drop in cls.accuracies(result, "loss_drop", NETS).items():
            plotting.mean_band(right, sizes, np.maximum(drop, 1e-9).T, label=LABELS[m], color=COLORS[m])
        right.axhline(TOLERANCE, color="#4a4a4a", linestyle=":", label="MLPClassifier's tolerance")
        right.set(yscale="log", ylabel="training-loss fall per epoch", title="Over each budget's last 10%")
        for ax, corner in ((left, "lower right"), (right, "upper left")):
            cls._size_axis(ax, sizes)
            ax.legend(loc=corner)
        fig.tight_layout()
        return fig
