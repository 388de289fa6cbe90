"""Atom 9: does the choice of loss function matter for a small classifier?

The original trained one sigmoid network per loss on a 12-dimensional Gaussian mixture and
compared accuracy over steps, once per loss on a 100-point test set. Here every loss trains from
the same seeds, so each seed's networks share one problem, one initialization and one batch order
and every comparison is paired; accuracy is measured on a large separate test draw from the same
distribution, so that differences of a few percent are not lost in the test set's own noise.
The engine takes one loss per `train` call, so each loss is one ensemble of all seeds.
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

LOSS_CHOICES = ("cross_entropy", "mae", "mse", "fourth_power", "hinge", "constant")
LOSS_LABELS = {"cross_entropy": "cross-entropy", "mae": "mean absolute error", "mse": "mean squared error",
               "fourth_power": "fourth power", "hinge": "hinge", "constant": "constant (zero gradient)"}
REFERENCE, CONTROL, SLOW = "cross_entropy", "constant", "fourth_power"
CHANCE = 0.5


@dataclass(frozen=True)
class LossFunctionsConfig(Config):
    losses: tuple[str, ...] = param(LOSS_CHOICES, "Losses compared; must include cross_entropy, the reference.",
                                    choices=LOSS_CHOICES, min_len=2)
    n_train: int = param(400, "Training points per seed (the original: 400).", ge=10, le=100_000)
    n_test: int = param(4000, "Test points per seed, a separate draw from the same distribution "
                              "(the original: 100).", ge=10, le=100_000)
    hidden_units: int = param(100, "Units in each of the two sigmoid hidden layers.", ge=1, le=512)
    steps: int = param(500, "Adam steps, each on one mini-batch.", ge=1, le=100_000)
    batch_size: int = param(64, "Rows per mini-batch, drawn in shuffled epochs.", ge=1, le=100_000)
    learning_rate: float = param(0.003, "Adam learning rate.", gt=0, le=1)
    n_seeds: int = param(8, "Seeds per loss; each seed draws its own problem, shared by every loss.", ge=2, le=100)
    record_every: int = param(10, "Steps between recorded accuracies.", ge=1, le=100_000)
    mid_step: int = param(250, "The step called mid-training (halfway through the original 500), where the "
                               "fourth power is compared with cross-entropy.", ge=1, le=100_000)
    equivalence_margin: float = param(0.02, "Accuracy difference (as a fraction) within which a loss counts as "
                                            "equivalent to cross-entropy.", gt=0, le=0.5)
    chance_margin: float = param(0.05, "How far above 50% the control may end and still count as chance.",
                                 gt=0, le=0.5)

    profile_overrides = {"smoke": {"steps": 20, "n_seeds": 2, "n_test": 400, "hidden_units": 16,
                                   "mid_step": 10, "losses": ("cross_entropy", "fourth_power")}}

    def __post_init__(self):
        super().__post_init__()
        if REFERENCE not in self.losses:
            raise ValueError(f"parameter 'losses' must include {REFERENCE!r} (the reference), got {list(self.losses)}")
        if self.mid_step >= self.steps:
            raise ValueError(f"parameter 'mid_step' must be below steps={self.steps}, got {self.mid_step}")


class LossFunctions(Experiment):
    name = "09_loss_functions"
    title = "Loss functions: does the choice matter for a small classifier?"
    Config = LossFunctionsConfig

    def _run(self, config):
        seeds = seeding.member_seeds(config.seed, config.n_seeds)
        splits = [data.harmonic_problem(config.n_train, config.n_test, seeding.generator(seed, seeding.DATA))
                  for seed in seeds]
        stacked = Data.from_splits(splits)
        network = Network(data.HARMONIC_DIM, (config.hidden_units,) * 2, 2, activation="sigmoid", bias_init=Init("glorot_uniform"))
        members = Members(seeds=seeds, learning_rate=config.learning_rate)
        recording = Recording(every=config.record_every, at=(config.mid_step,))
        accuracy, train_accuracy = [], []
        for loss in config.losses:
            training = Training(steps=config.steps, batch_size=config.batch_size, loss=loss, optimizer="adam")
            history = train(network, training, members, stacked, recording)
            accuracy.append(history.test_accuracy)
            train_accuracy.append(history.train_accuracy)
        arrays = {"test_accuracy": np.stack(accuracy), "train_accuracy": np.stack(train_accuracy),
                  "class1_share": np.array([s.y_test.mean() for s in splits], np.float32)}
        dims = {"test_accuracy": ("loss", "seed", "step"), "train_accuracy": ("loss", "seed", "step"),
                "class1_share": ("seed",)}
        coords = {"loss": list(config.losses), "seed": list(range(config.n_seeds)),
                  "step": [int(s) for s in history.steps]}
        return arrays, dims, coords

    @classmethod
    def accuracy_at(cls, result: Result, loss: str, step: int | None = None, kind: str = "test") -> np.ndarray:
        """Accuracy per seed of one loss at one recorded step (the last by default)."""
        steps = result.coords["step"]
        column = len(steps) - 1 if step is None else steps.index(step)
        return result[f"{kind}_accuracy"][result.coords["loss"].index(loss), :, column]

    @classmethod
    def compared(cls, result: Result) -> list[str]:
        """The trained losses judged against cross-entropy: all but the reference and the control."""
        return [loss for loss in result.coords["loss"] if loss not in (REFERENCE, CONTROL)]

    @classmethod
    def claims(cls, result: Result) -> list[stats.Claim]:
        judged, margin = result.judged, result.config["equivalence_margin"]
        losses, mid = result.coords["loss"], result.config["mid_step"]
        reference = cls.accuracy_at(result, REFERENCE)
        found = []
        if CONTROL in losses:
            level = CHANCE + result.config["chance_margin"]
            found.append(stats.Claim(
                "control_stays_at_chance",
                f"The constant (zero-gradient) control ends at chance: its mean test accuracy stays below "
                f"{100 * level:g}%.",
                stats.threshold(cls.accuracy_at(result, CONTROL), above=False, level=level, judged=judged)))
        for loss in cls.compared(result):
            found.append(stats.Claim(
                f"{loss}_matches_cross_entropy",
                f"Trained with {LOSS_LABELS[loss]}, the network ends within ±{100 * margin:g} percentage points of "
                f"cross-entropy's test accuracy (paired by seed).",
                stats.equivalence(cls.accuracy_at(result, loss), reference, margin=margin, judged=judged)))
        if SLOW in losses:
            found.append(stats.Claim(
                "fourth_power_slower_mid_training",
                f"At step {mid}, the fourth-power network has a lower test accuracy than the cross-entropy network "
                f"of the same seed.",
                stats.paired_difference(cls.accuracy_at(result, SLOW, mid), cls.accuracy_at(result, REFERENCE, mid),
                                        greater=False, judged=judged)))
            found.append(stats.Claim(
                "fourth_power_worse_at_end",
                f"After step {result.coords['step'][-1]}, the fourth-power network still has a lower test accuracy "
                f"than the cross-entropy network of the same seed (the original: slightly worse).",
                stats.paired_difference(cls.accuracy_at(result, SLOW), reference, greater=False, judged=judged)))
        return found

    @classmethod
    def numbers(cls, result: Result) -> dict[str, float]:
        """The figures the page quotes, accuracies in percent, all read from the run."""
        values = {f"final_{loss}": 100 * float(cls.accuracy_at(result, loss).mean()) for loss in result.coords["loss"]}
        mid = result.config["mid_step"]
        values.update({f"mid_{loss}": 100 * float(cls.accuracy_at(result, loss, mid).mean())
                       for loss in result.coords["loss"]})
        values["class1_share"] = 100 * float(result["class1_share"].mean())
        return values

    @classmethod
    def accuracies(cls, result: Result) -> str:
        """The final and mid-training accuracies of whichever losses this run trained, as one sentence."""
        values = cls.numbers(result)
        final = ", ".join(f"{LOSS_LABELS[loss]} {values[f'final_{loss}']:.1f}%" for loss in result.coords["loss"])
        mid = ", ".join(f"{LOSS_LABELS[loss]} {values[f'mid_{loss}']:.1f}%" for loss in result.coords["loss"]
                        if loss in (REFERENCE, SLOW))
        return (f"Mean test accuracy at the end: {final}; at step {result.config['mid_step']}: {mid}.")

    @classmethod
    def summary(cls, result: Result, found: list[stats.Claim]) -> dict[str, str]:
        """Sentences whose truth depends on the run, written from the verdicts so the page cannot overclaim."""
        if not result.judged:
            text = "This build does not judge its claims, so it does not say whether it agrees with the original."
            return {"agreement": text, "fourth": "", "accuracies": cls.accuracies(result)}
        verdict = {claim.id: claim.verdict for claim in found}
        margin = 100 * result.config["equivalence_margin"]
        parts = []
        if "control_stays_at_chance" in verdict:
            word = "stays" if verdict["control_stays_at_chance"] is stats.Verdict.SUPPORTED else "is not shown to stay"
            parts.append(f"the zero-gradient control {word} at chance")
        others = [loss for loss in cls.compared(result) if loss != SLOW]
        for word, test in (("end", lambda v: v is stats.Verdict.SUPPORTED),
                           ("are not shown to end", lambda v: v is not stats.Verdict.SUPPORTED)):
            chosen = [LOSS_LABELS[loss] for loss in others if test(verdict[f"{loss}_matches_cross_entropy"])]
            if chosen:
                parts.append(f"{join_words(chosen)} {word} within ±{margin:g} points of cross-entropy")
        agreement = ("The original concluded that all losses do about equally well except the control, with the "
                     "fourth power slightly worse. In this run, " + "; ".join(parts) + ".") if parts else ""
        fourth = cls._fourth_power_sentence(result, found) if "fourth_power_worse_at_end" in verdict else ""
        return {"agreement": agreement, "fourth": fourth, "accuracies": cls.accuracies(result)}

    @classmethod
    def _fourth_power_sentence(cls, result: Result, found: list[stats.Claim]) -> str:
        """How the fourth power's gap compares with the original's "slightly worse", and where it comes from."""
        claim = {c.id: c for c in found}
        margin = 100 * result.config["equivalence_margin"]
        end = claim["fourth_power_worse_at_end"].judgement.values
        gap, low, high = -100 * end["mean_diff"], -100 * end["high"], -100 * end["low"]
        if gap <= 0:
            return (f"The fourth power ends {-gap:.1f} points above cross-entropy on average (95% interval "
                    f"{-high:.1f} to {-low:.1f} points, paired by seed): this run does not find it worse, as the "
                    f"original did.")
        equivalent = claim["fourth_power_matches_cross_entropy"].verdict
        size = {stats.Verdict.NOT_SUPPORTED: f"the whole interval lies beyond the ±{margin:g}-point margin, so here "
                                             f"the fourth power is clearly worse, not slightly: this run agrees with "
                                             f"the original on the direction but not on the size of the gap",
                stats.Verdict.SUPPORTED: f"the whole interval lies within ±{margin:g} points, consistent with the "
                                         f"original's \"slightly worse\" or with no difference",
                stats.Verdict.INCONCLUSIVE: f"the interval straddles the ±{margin:g}-point margin, so the run cannot "
                                            f"say whether the gap is slight"}[equivalent]
        mid = {stats.Verdict.SUPPORTED: "is already behind", stats.Verdict.NOT_SUPPORTED: "is not behind",
               stats.Verdict.INCONCLUSIVE: "is not shown to be behind"}
        mid = mid[claim["fourth_power_slower_mid_training"].verdict]
        train_gap = 100 * float(np.mean(cls.accuracy_at(result, REFERENCE, kind="train")
                                        - cls.accuracy_at(result, SLOW, kind="train")))
        where = ("it fits its own training points worse too, so it learns more slowly rather than generalizing worse"
                 if train_gap >= gap / 2 else
                 "yet it fits its training points about as well, so the gap is one of generalization, not of fitting")
        return (f"The fourth power ends {gap:.1f} points below cross-entropy (95% interval {low:.1f} to {high:.1f} "
                f"points, paired by seed): {size}. At step {result.config['mid_step']} it {mid} cross-entropy. On "
                f"the training points it ends {train_gap:.1f} points below cross-entropy: {where}.")

    @classmethod
    def plot(cls, result: Result) -> list:
        return [cls.plot_curves(result), cls.plot_differences(result)]

    @classmethod
    def plot_curves(cls, result: Result):
        steps = result.coords["step"]
        fig, axes = plotting.figure(1, 2, height=3.6, sharey=True)
        for k, kind in enumerate(("test", "train")):
            ax = axes[0, k]
            for i, loss in enumerate(result.coords["loss"]):
                plotting.mean_band(ax, steps, result[f"{kind}_accuracy"][i], label=LOSS_LABELS[loss],
                                   color=plotting.COLORS[i % len(plotting.COLORS)])
            ax.axvline(result.config["mid_step"], color="#4a4a4a", linewidth=0.8, linestyle=":")
            ax.axhline(CHANCE, color="#4a4a4a", linewidth=0.8, linestyle="--")
            ax.set(xlabel="training steps (mini-batches)", title=f"{kind} accuracy")
            for line in ax.get_lines():
                line.set_markersize(0)
        axes[0, 0].set_ylabel("accuracy")
        axes[0, 0].legend(fontsize=7, loc="lower right")
        fig.tight_layout()
        return fig

    @classmethod
    def plot_differences(cls, result: Result):
        losses = [loss for loss in result.coords["loss"] if loss not in (REFERENCE, CONTROL)]
        margin = 100 * result.config["equivalence_margin"]
        fig, axes = plotting.figure(1, 1, height=3.4, width=7.0)
        ax = axes[0, 0]
        for k, (step, label) in enumerate(((result.config["mid_step"], f"at step {result.config['mid_step']}"),
                                           (None, f"at step {result.coords['step'][-1]} (end)"))):
            reference = cls.accuracy_at(result, REFERENCE, step)
            found = [stats.paired_difference(cls.accuracy_at(result, loss, step), reference, judged=False).values
                     for loss in losses]
            mean = np.array([100 * f["mean_diff"] for f in found])
            low, high = np.array([100 * f["low"] for f in found]), np.array([100 * f["high"] for f in found])
            y = np.arange(len(losses)) + (0.15 if k else -0.15)
            ax.errorbar(mean, y, xerr=[mean - low, high - mean], fmt="o", color=plotting.COLORS[k], capsize=3,
                        markersize=4, label=label)
        ax.axvspan(-margin, margin, color="#4a4a4a", alpha=0.1, linewidth=0, label=f"±{margin:g} points")
        ax.axvline(0, color="#4a4a4a", linewidth=0.8)
        ax.set_yticks(np.arange(len(losses)), [LOSS_LABELS[loss] for loss in losses])
        ax.invert_yaxis()
        ax.set_xlabel("test accuracy minus cross-entropy's, same seed\n(percentage points, mean and 95% interval)")
        ax.legend(fontsize=7, loc="lower left")
        fig.tight_layout()
        return fig

