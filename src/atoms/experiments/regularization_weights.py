"""Atom 12: what do L1 and L2 penalties do to a network's weights?

The original trained one network per penalty strength (0, 0.1 and 1), once, on data it drew
afresh for every run, so each comparison mixed the penalty's effect with a new problem and a new
initialization. Here each seed draws one problem, and every strength and every penalty trains on
it from the same initial weights and batch order, so every comparison is paired by seed. L1 is
applied two ways (a subgradient through Adam, and a proximal soft-threshold after each step)
because only the second can set a weight exactly to zero. The engine takes one L1 mode per
`train` call, so the run is two ensembles: the unregularized, L2 and subgradient-L1 members in
one, the proximal-L1 members in the other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.lines import Line2D

from atoms import claims as stats
from atoms import data, plotting, seeding
from atoms.config import Config, param
from atoms.engine import Data, Init, Members, Network, Recording, Training, train
from atoms.experiment import Experiment, Result

PENALTIES = ("l2", "l1_subgradient", "l1_proximal")
PENALTY_LABELS = {"l2": "L2", "l1_subgradient": "subgradient L1", "l1_proximal": "proximal L1"}
PENALTY_COLORS = {"l2": plotting.COLORS[0], "l1_subgradient": plotting.COLORS[1],
                  "l1_proximal": plotting.COLORS[2]}
L1_PENALTIES = ("l1_subgradient", "l1_proximal")
NORMS = {"l2": "l2_norm", "l1_subgradient": "l1_norm", "l1_proximal": "l1_norm"}
HIDDEN = (50, 50)
N_CLASSES = 2
# Histogram of log10|w| for the weight distributions; weights below the first edge (but not
# exactly zero) fall in the first bin, and exact zeros are counted separately.
LOG_EDGES = np.linspace(-8.0, 1.0, 37)
XLA = True
"""Compile training with XLA: 1.23x faster in a pilot of 310 members (10 seeds, 11 strengths): 23.2 s of
training against 28.5 s, at the price of other last bits than the plain graph."""


@dataclass(frozen=True)
class RegularizationWeightsConfig(Config):
    lambdas: tuple[float, ...] = param((0.0, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0),
                                       "Penalty strengths swept, the same for every penalty; must start with 0, "
                                       "the unregularized reference, and increase (the original: 0, 0.1, 1).",
                                       ge=0, le=10_000, min_len=3)
    penalty_scale: str = param("mean", "How a penalty adds up each weight matrix: 'mean' (lambda times the mean over "
                                       "its weights, as in the original) or 'sum' (lambda times the sum).",
                               choices=("sum", "mean"))
    loss: str = param("mse", "Data loss: 'mse' on the raw logits against one-hot targets (the original's) or "
                             "'cross_entropy'.", choices=("mse", "cross_entropy"))
    n_train: int = param(400, "Training points per seed (the original: 400).", ge=10, le=100_000)
    n_test: int = param(4000, "Test points per seed, a separate draw from the same distribution "
                              "(the original: 100).", ge=10, le=100_000)
    steps: int = param(750, "Adam steps, each on one mini-batch.", ge=1, le=100_000)
    batch_size: int = param(64, "Rows per mini-batch, drawn in shuffled epochs.", ge=1, le=100_000)
    learning_rate: float = param(0.003, "Adam learning rate.", gt=0, le=1)
    n_seeds: int = param(10, "Seeds per (penalty, lambda); each seed draws its own problem, shared by every "
                            "penalty and lambda.", ge=2, le=100)
    zero_tolerance: float = param(1e-3, "A weight whose magnitude is below this counts as near zero.", gt=0, le=1)
    accuracy_tolerance: float = param(0.02, "Test accuracy drop (as a fraction) from the unregularized network "
                                            "that still counts as matched accuracy.", gt=0, le=0.5)
    sparsity_margin: float = param(0.1, "How much larger (as a fraction of all weights) L1's share of near-zero "
                                        "weights must be than L2's to count as far more.", ge=0, le=1)

    work = ("steps", "n_seeds", "lambdas")
    profile_overrides = {"smoke": {"steps": 40, "n_seeds": 2, "n_test": 400, "lambdas": (0.0, 1.0, 100.0)}}

    def __post_init__(self):
        super().__post_init__()
        if self.lambdas[0] != 0:
            raise ValueError(f"parameter 'lambdas' must start with 0 (the unregularized reference), "
                             f"got {list(self.lambdas)}")
        if any(b <= a for a, b in zip(self.lambdas, self.lambdas[1:])):
            raise ValueError(f"parameter 'lambdas' must increase strictly, got {list(self.lambdas)}")


def layer_scales(network: Network, penalty_scale: str) -> tuple[float, ...]:
    """Per-matrix factors on the summed penalty: 1/(fan_in*fan_out) turns a sum into the original's mean."""
    if penalty_scale == "sum":
        return tuple(1.0 for _ in network.weight_shapes)
    return tuple(1.0 / (fan_in * fan_out) for fan_in, fan_out in network.weight_shapes)


def weight_summary(weights: list[np.ndarray], zero_tolerance: float) -> dict[str, np.ndarray]:
    """Per member: norms, shares of exact and near zeros, and a histogram of log10|w| over all matrices."""
    flat = np.concatenate([w.reshape(w.shape[0], -1) for w in weights], axis=1).astype(np.float64)
    magnitude = np.abs(flat)
    nonzero = magnitude > 0
    logs = np.log10(np.where(nonzero, magnitude, 1.0))
    logs = np.clip(logs, LOG_EDGES[0], LOG_EDGES[-1] - 1e-9)
    hist = np.stack([np.histogram(row[mask], LOG_EDGES)[0] for row, mask in zip(logs, nonzero)])
    return {"l2_norm": np.sqrt((flat ** 2).sum(axis=1)), "l1_norm": magnitude.sum(axis=1),
            "exact_zero": 1.0 - nonzero.mean(axis=1), "near_zero": (magnitude < zero_tolerance).mean(axis=1),
            "histogram": hist / flat.shape[1]}


class RegularizationWeights(Experiment):
    name = "12_regularization_weights"
    title = "L1 and L2 regularization: what the penalties do to the weights"
    Config = RegularizationWeightsConfig
    full_seconds = 42
    seeds_run_apart = True

    def _run(self, config):
        seeds = seeding.member_seeds(config.seed, config.n_seeds)
        splits = [data.harmonic_problem(config.n_train, config.n_test, seeding.generator(seed, seeding.DATA))
                  for seed in seeds]
        network = Network(data.HARMONIC_DIM, HIDDEN, N_CLASSES, activation="sigmoid", bias_init=Init("glorot_uniform"))
        strengths = config.lambdas[1:]
        # (penalty, lambda index, seed) of every member, per ensemble; lambda 0 trains once per seed.
        first = [("none", 0, s) for s in range(config.n_seeds)]
        first += [(p, j + 1, s) for p in ("l2", "l1_subgradient") for j in range(len(strengths))
                  for s in range(config.n_seeds)]
        second = [("l1_proximal", j + 1, s) for j in range(len(strengths)) for s in range(config.n_seeds)]
        shape = (len(PENALTIES), len(config.lambdas), config.n_seeds)
        out = {name: np.zeros(shape, np.float32) for name in
               ("test_accuracy", "train_accuracy", "l2_norm", "l1_norm", "exact_zero", "near_zero")}
        out["histogram"] = np.zeros((*shape, len(LOG_EDGES) - 1), np.float32)
        for cells, mode in ((first, "subgradient"), (second, "proximal")):
            history = self._train(config, network, splits, seeds, cells, mode)
            summary = weight_summary(history.final_params[0::2], config.zero_tolerance)
            summary["test_accuracy"] = history.test_accuracy[:, -1]
            summary["train_accuracy"] = history.train_accuracy[:, -1]
            for i, (penalty, j, s) in enumerate(cells):
                targets = PENALTIES if penalty == "none" else (penalty,)
                for name, values in summary.items():
                    for target in targets:
                        out[name][PENALTIES.index(target), j, s] = values[i]
        dims = {name: ("penalty", "lambda", "seed") for name in out}
        dims["histogram"] = ("penalty", "lambda", "seed", "bin")
        out["log_edges"] = LOG_EDGES.astype(np.float32)
        dims["log_edges"] = ("edge",)
        out["class1_share"] = np.array([s.y_test.mean() for s in splits], np.float32)
        dims["class1_share"] = ("seed",)
        coords = {"penalty": list(PENALTIES), "lambda": [float(v) for v in config.lambdas],
                  "seed": list(range(config.n_seeds))}
        return out, dims, coords

    @staticmethod
    def _train(config, network, splits, seeds, cells, mode):
        """One ensemble: every member trains on its seed's problem from its seed's initial weights."""
        strength = np.array([config.lambdas[j] for _, j, _ in cells], np.float32)
        is_l2 = np.array([p == "l2" for p, _, _ in cells])
        is_l1 = np.array([p.startswith("l1") for p, _, _ in cells])
        members = Members(seeds=[seeds[s] for _, _, s in cells], learning_rate=config.learning_rate,
                          l1=np.where(is_l1, strength, 0.0), l2=np.where(is_l2, strength, 0.0),
                          layer_scale=layer_scales(network, config.penalty_scale))
        stacked = Data.from_splits([splits[s] for _, _, s in cells])
        training = Training(steps=config.steps, batch_size=config.batch_size, loss=config.loss, optimizer="adam",
                            l1_mode=mode, xla=XLA)
        return train(network, training, members, stacked, Recording())

    @classmethod
    def matched_index(cls, result: Result, penalty: str) -> np.ndarray:
        """Per seed, the largest lambda whose test accuracy is within the tolerance of that seed's lambda 0.

        The rule is applied per seed, so each seed's comparison of L1 with L2 is made at accuracies
        that seed itself matched; lambda 0 always qualifies, so every seed has a match.
        """
        accuracy = result["test_accuracy"][result.coords["penalty"].index(penalty)]
        within = accuracy >= accuracy[0] - result.config["accuracy_tolerance"]
        last = within.shape[0] - 1 - np.argmax(within[::-1], axis=0)
        return last

    @classmethod
    def at_match(cls, result: Result, name: str, penalty: str) -> np.ndarray:
        """A per-member measure read at each seed's matched lambda for `penalty`."""
        index = cls.matched_index(result, penalty)
        values = result[name][result.coords["penalty"].index(penalty)]
        return values[index, np.arange(values.shape[1])]

    @classmethod
    def norm_trends(cls, result: Result) -> list[stats.Evidence]:
        """Per penalty, the trend over lambda of the norm of its kind over all weights, one Kendall tau per seed."""
        penalties, levels = result.coords["penalty"], result.coords["lambda"]
        return [stats.trend(result[NORMS[p]][penalties.index(p)].T, "decreasing", levels=levels) for p in PENALTIES]

    @classmethod
    def declare(cls, result: Result) -> list[stats.Claim]:
        penalties, levels, cfg = result.coords["penalty"], result.coords["lambda"], result.config
        falls = dict(zip([PENALTY_LABELS[p] for p in PENALTIES], cls.norm_trends(result)))
        found = [stats.Claim("norms_fall", "For every penalty, the norm of its kind over all weights, every weight "
                             "counted alike (the Euclidean norm for L2, the sum of |w| for both L1s), falls as lambda "
                             "grows.", stats.all_of(falls), primary=True)]
        for penalty in L1_PENALTIES:
            found.append(stats.Claim(
                f"{penalty}_sparser_than_l2",
                f"At matched test accuracy, {PENALTY_LABELS[penalty]} leaves a share of near-zero weights "
                f"(|w| < {cfg['zero_tolerance']:g}) at least {100 * cfg['sparsity_margin']:g} percentage points "
                f"larger than L2 does (paired by seed).",
                stats.paired(cls.at_match(result, "near_zero", penalty), cls.at_match(result, "near_zero", "l2"),
                             margin=cfg["sparsity_margin"]), primary=True))
        hurts = {PENALTY_LABELS[p]: stats.paired(result["test_accuracy"][penalties.index(p), -1],
                                                 result["test_accuracy"][penalties.index(p), 0], greater=False,
                                                 margin=cfg["accuracy_tolerance"]) for p in PENALTIES}
        found.append(stats.Claim(
            "strongest_lambda_hurts_accuracy",
            f"At the strongest lambda ({levels[-1]:g}), every penalty lowers test accuracy below the unregularized "
            f"network's by more than {100 * cfg['accuracy_tolerance']:g} points (paired by seed).",
            stats.all_of(hurts)))
        return found

    @classmethod
    def numbers(cls, result: Result) -> dict:
        """Figures the page quotes, shares and accuracies in percent (means over seeds), all read from the run.

        Per penalty (suffix `_<penalty>`): test accuracy and near-zero share at the original's setting (a mean
        penalty at lambda 0.1 and 1, if the run has it: `original_setting`); the median matched lambda and, at it,
        the near-zero and exact-zero shares and the test accuracy; the norm of its kind at lambda 0 and at the
        strongest; the change in test accuracy at the weakest lambda (points, paired by seed), the accuracy at the
        strongest, and the seeds whose near-zero share at the match exceeds L2's by more than the sparsity margin
        (`cleared_`). `norm_trends`: per penalty, the seeds whose norm falls and rises with lambda.
        """
        accuracy, levels = 100 * result["test_accuracy"], result.coords["lambda"]
        values = {"accuracy_unregularized": float(accuracy[0, 0].mean()),
                  "class1_share": 100 * float(result["class1_share"].mean()),
                  "near_zero_unregularized": 100 * float(result["near_zero"][0, 0].mean()),
                  "weakest_lambda": levels[1], "strongest_lambda": levels[-1], "n_seeds": result.config["n_seeds"],
                  "grid": ", ".join(f"{v:g}" for v in levels),
                  "norm_trends": "; ".join(f"{PENALTY_LABELS[p]} down in {t.values['n_agree']:.0f} seeds, up in "
                                           f"{t.values['n_opposite']:.0f}"
                                           for p, t in zip(PENALTIES, cls.norm_trends(result))),
                  "accuracy_points": 100 * result.config["accuracy_tolerance"],
                  "sparsity_points": 100 * result.config["sparsity_margin"],
                  "original_lambdas": ", ".join(f"{1 / (i * o):.2g} for the {i}×{o} matrix" for i, o in
                                                Network(data.HARMONIC_DIM, HIDDEN, N_CLASSES).weight_shapes)}
        values["original_setting"] = result.config["penalty_scale"] == "mean" and {0.1, 1.0} <= set(levels)
        for p, penalty in enumerate(PENALTIES):  # at the original's strengths: 0.1 ("tenth") and 1 ("one")
            for lam, tag in ((0.1, "tenth"), (1.0, "one")) if values["original_setting"] else ():
                j = levels.index(lam)
                values.update({f"original_accuracy_{tag}_{penalty}": float(accuracy[p, j].mean()),
                               f"original_near_zero_{tag}_{penalty}": 100 * float(result["near_zero"][p, j].mean())})
            lam = np.array(levels)[cls.matched_index(result, penalty)]
            norm = result[NORMS[penalty]][p]
            values.update({f"matched_lambda_median_{penalty}": float(np.median(lam)),
                           f"norm_start_{penalty}": float(norm[0].mean()),
                           f"norm_end_{penalty}": float(norm[-1].mean()),
                           f"weak_change_{penalty}": float((accuracy[p, 1] - accuracy[p, 0]).mean()),
                           f"strong_accuracy_{penalty}": float(accuracy[p, -1].mean())})
            gap = cls.at_match(result, "near_zero", penalty) - cls.at_match(result, "near_zero", "l2")
            values[f"cleared_{penalty}"] = int((gap > result.config["sparsity_margin"]).sum())
            for name in ("near_zero", "exact_zero", "test_accuracy"):
                values[f"{name}_{penalty}"] = 100 * float(cls.at_match(result, name, penalty).mean())
        return values

    @classmethod
    def plot(cls, result: Result) -> list:
        return [cls.plot_sweep(result), cls.plot_distributions(result)]

    @classmethod
    def plot_sweep(cls, result: Result):
        """Norms, accuracy change and zeros against lambda, lambda 0 drawn at the left as its own tick."""
        levels = result.coords["lambda"]
        x = np.arange(len(levels))
        fig, axes = plotting.figure(2, 2, height=3.0, sharex=True)
        change = 100 * (result["test_accuracy"] - result["test_accuracy"][:, :1])
        panels = ((result["l2_norm"], "Euclidean norm of all weights"),
                  (result["l1_norm"], "sum of |w| over all weights"),
                  (change, "test accuracy minus lambda 0's,\nsame seed (percentage points)"),
                  (result["near_zero"], "share of weights"))
        for ax, (values, label) in zip(axes.ravel(), panels):
            for p, penalty in enumerate(result.coords["penalty"]):
                plotting.mean_band(ax, x, values[p].T, label=PENALTY_LABELS[penalty], color=PENALTY_COLORS[penalty])
            ax.set_ylabel(label)
        for p, penalty in enumerate(result.coords["penalty"]):
            plotting.mean_band(axes[1, 1], x, result["exact_zero"][p].T, color=PENALTY_COLORS[penalty], linestyle="--")
        for ax in axes[0]:
            ax.set_yscale("symlog", linthresh=1e-2)
            ax.set_ylim(bottom=0)
        axes[1, 0].axhline(-100 * result.config["accuracy_tolerance"], color="#4a4a4a", linewidth=0.8, linestyle=":")
        for ax in axes[-1]:
            ax.set_xticks(x, [f"{v:g}" for v in levels], rotation=45)
            ax.set_xlabel("lambda (penalty strength)")
        axes[0, 0].legend()
        styles = [Line2D([], [], color="#4a4a4a", linestyle=style, label=label)
                  for style, label in (("-", f"|w| < {result.config['zero_tolerance']:g}"), ("--", "exactly zero"))]
        axes[1, 1].legend(handles=styles, loc="upper left")
        fig.tight_layout()
        return fig

    @classmethod
    def plot_distributions(cls, result: Result):
        """Each penalty's weights at its matched lambda against the unregularized weights, pooled over seeds."""
        edges = result["log_edges"]
        centres, width = (edges[:-1] + edges[1:]) / 2, edges[1] - edges[0]
        zero_x = edges[0] - 1.0
        fig, axes = plotting.figure(1, len(PENALTIES), height=3.4, sharey=True)
        seeds = np.arange(len(result.coords["seed"]))
        for ax, penalty in zip(axes[0], result.coords["penalty"]):
            p = result.coords["penalty"].index(penalty)
            index = cls.matched_index(result, penalty)
            for hist, zeros, label, color in (
                    (result["histogram"][p, 0].mean(axis=0), result["exact_zero"][p, 0].mean(), "lambda 0",
                     "#4a4a4a"),
                    (result["histogram"][p, index, seeds].mean(axis=0), result["exact_zero"][p, index, seeds].mean(),
                     "matched lambda", PENALTY_COLORS[penalty])):
                ax.step(centres, hist, where="mid", color=color, label=label)
                ax.bar([zero_x], [zeros], width=width * 1.5, color=color, alpha=0.5)
            ax.axvline(np.log10(result.config["zero_tolerance"]), color="#4a4a4a", linewidth=0.8, linestyle=":")
            ticks = [zero_x, *range(int(edges[0]) + 1, int(edges[-1]) + 1, 4)]
            ax.set_xticks(ticks, ["0", *[f"1e{t}" for t in ticks[1:]]])
            ax.set(title=PENALTY_LABELS[penalty], xlabel="|w| (log; bar: 0)", yscale="symlog")
            ax.set_yscale("symlog", linthresh=1e-3)
        axes[0, 0].set_ylabel("share of weights per bin")
        axes[0, 0].legend(loc="upper left")
        fig.tight_layout()
        return fig

