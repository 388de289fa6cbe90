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
    n_seeds: int = param(16, "Seeds per loss; each seed draws its own problem, shared by every loss.", ge=2, le=100)
    record_every: int = param(25, "Steps between recorded accuracies.", ge=1, le=100_000)
    mid_step: int = param(250, "The step called mid-training (halfway through the original 500), where the "
                               "fourth power is compared with cross-entropy.", ge=1, le=100_000)
    equivalence_margin: float = param(0.02, "Accuracy difference (as a fraction) within which a loss counts as "
                                            "equivalent to cross-entropy.", gt=0, le=0.5)

    profile_overrides = {"smoke": {"steps": 20, "n_seeds": 2, "n_test": 400, "hidden_units": 16,
                                   "mid_step": 10, "losses": ("cross_entropy", "fourth_power")}}
    work = ("steps", "n_seeds", "losses")

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
    full_seconds = 33
    seeds_run_apart = True

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
    def control(cls, result: Result) -> stats.Evidence | None:
        """The positive control of every equivalence: cross-entropy beats the zero-gradient control by more
        than the margin, so this run would detect a difference of the margin's size."""
        if CONTROL not in result.coords["loss"]:
            return None
        return stats.paired(cls.accuracy_at(result, REFERENCE), cls.accuracy_at(result, CONTROL),
                            margin=result.config["equivalence_margin"])

    @classmethod
    def declare(cls, result: Result) -> list[stats.Claim]:
        margin, mid = result.config["equivalence_margin"], result.config["mid_step"]
        reference, control = cls.accuracy_at(result, REFERENCE), cls.control(result)
        others = [loss for loss in cls.compared(result) if loss != SLOW]
        within = f"within ±{100 * margin:g} percentage points of cross-entropy's test accuracy (paired by seed)"

        def equivalent(loss: str) -> stats.Evidence:
            if control is None:
                return stats.untested(f"not tested: the run trained no {LOSS_LABELS[CONTROL]} loss, the positive control")
            return stats.equivalent(cls.accuracy_at(result, loss), reference, margin=margin, control=control)

        found = [stats.Claim(
            "losses_match_cross_entropy",
            f"Trained with {join_words([LOSS_LABELS[loss] for loss in others]) if others else 'the other losses'}, "
            f"the network ends {within}, every one of them.",
            stats.all_of({LOSS_LABELS[loss]: equivalent(loss) for loss in others}) if others else
            stats.untested("not tested: the run trained none of the other losses"), primary=True)]
        trained = SLOW in result.coords["loss"]
        absent = stats.untested(f"not tested: the run trained no {LOSS_LABELS[SLOW]} loss")
        found += [
            stats.Claim("fourth_power_worse_at_end",
                        f"After step {result.coords['step'][-1]}, the fourth-power network has a lower test accuracy "
                        f"than the cross-entropy network of the same seed (the original: slightly worse).",
                        stats.paired(cls.accuracy_at(result, SLOW), reference, greater=False) if trained else absent,
                        primary=True),
            stats.Claim("fourth_power_matches_cross_entropy", f"Trained with the fourth power, the network ends {within}.",
                        equivalent(SLOW) if trained else absent),
            stats.Claim("fourth_power_slower_mid_training",
                        f"At step {mid}, the fourth-power network has a lower test accuracy than the cross-entropy "
                        f"network of the same seed.",
                        stats.paired(cls.accuracy_at(result, SLOW, mid), cls.accuracy_at(result, REFERENCE, mid),
                                     greater=False) if trained else absent, registered=False)]
        return found

    @classmethod
    def numbers(cls, result: Result) -> dict:
        """The figures the page quotes, accuracies and differences in percentage points, all read from the run."""
        losses, mid, n_seeds = result.coords["loss"], result.config["mid_step"], result.config["n_seeds"]
        final = {loss: 100 * cls.accuracy_at(result, loss) for loss in losses}
        middle = {loss: 100 * cls.accuracy_at(result, loss, mid) for loss in losses}
        values = {"n_seeds": n_seeds, "last_step": result.coords["step"][-1],
                  "margin_points": 100 * result.config["equivalence_margin"],
                  "class1_share": 100 * float(result["class1_share"].mean()),
                  "final_accuracies": join_words([f"{LOSS_LABELS[loss]} {final[loss].mean():.1f}%" for loss in losses]),
                  "mid_accuracies": join_words([f"{LOSS_LABELS[loss]} {middle[loss].mean():.1f}%" for loss in losses])}
        others = [loss for loss in cls.compared(result) if loss != SLOW]
        values["others"] = join_words([LOSS_LABELS[loss] for loss in others]) if others else "no other loss"
        values["other_gaps"] = join_words([f"{LOSS_LABELS[loss]} {(final[loss] - final[REFERENCE]).mean():+.1f}"
                                           for loss in others]) if others else "none"
        nan = float("nan")
        values["control_final"] = float(final[CONTROL].mean()) if CONTROL in losses else nan
        values["control_gap"] = float((final[REFERENCE] - final[CONTROL]).mean()) if CONTROL in losses else nan
        values.update(fourth_diff=nan, fourth_gap=nan, fourth_behind=0, fourth_ahead=0, fourth_mid_diff=nan,
                      fourth_mid_gap=nan, fourth_mid_behind=0, fourth_train_diff=nan)
        if SLOW in losses:
            end, early = final[SLOW] - final[REFERENCE], middle[SLOW] - middle[REFERENCE]
            train_gap = 100 * (cls.accuracy_at(result, SLOW, kind="train") - cls.accuracy_at(result, REFERENCE,
                                                                                                kind="train"))
            values.update(fourth_diff=float(end.mean()), fourth_gap=-float(end.mean()),
                          fourth_behind=int((end < 0).sum()), fourth_ahead=int((end > 0).sum()),
                          fourth_mid_diff=float(early.mean()), fourth_mid_gap=-float(early.mean()),
                          fourth_mid_behind=int((early < 0).sum()), fourth_train_diff=float(train_gap.mean()))
        return values

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
        axes[0, 0].legend(loc="lower right")
        fig.tight_layout()
        return fig

    @classmethod
    def plot_differences(cls, result: Result):
        losses = [loss for loss in result.coords["loss"] if loss not in (REFERENCE, CONTROL)]
        margin = 100 * result.config["equivalence_margin"]
        fig, axes = plotting.figure(1, 1, height=3.4)
        ax = axes[0, 0]
        for k, (step, label) in enumerate(((result.config["mid_step"], f"at step {result.config['mid_step']}"),
                                           (None, f"at step {result.coords['step'][-1]} (end)"))):
            reference = cls.accuracy_at(result, REFERENCE, step)
            for i, loss in enumerate(losses):
                diff, y = 100 * (cls.accuracy_at(result, loss, step) - reference), i + (0.15 if k else -0.15)
                ax.scatter(diff, np.full(diff.size, y), color=plotting.COLORS[k], s=12, alpha=0.5, linewidth=0,
                           label=f"one seed, {label}" if i == 0 else None)
                ax.plot([diff.mean()] * 2, [y - 0.12, y + 0.12], color=plotting.COLORS[k], linewidth=2.5,
                        label=f"mean, {label}" if i == 0 else None)
        ax.axvspan(-margin, margin, color="#4a4a4a", alpha=0.1, linewidth=0, label=f"±{margin:g} points")
        ax.axvline(0, color="#4a4a4a", linewidth=0.8)
        ax.set_yticks(np.arange(len(losses)), [LOSS_LABELS[loss] for loss in losses])
        ax.invert_yaxis()
        ax.set_xlabel("test accuracy minus cross-entropy's, same seed (percentage points)")
        ax.legend(loc="lower left")
        fig.tight_layout()
        return fig

