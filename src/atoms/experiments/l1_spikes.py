"""Chapter 16 (reader question): why does L1 regularization make training spike? Four arms paired by seed (no
penalty, L2, the learner's subgradient L1, proximal L1, which cannot overshoot zero) at the main learning rate,
subgradient L1 alone at the sweep's other rates. The engine takes one L1 mode per `train` call: two ensembles."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from atoms import claims as stats
from atoms import data, plotting, seeding
from atoms.config import Config, param
from atoms.engine import Data, Init, Members, Network, Recording, Training, train
from atoms.experiment import Experiment, Result
from atoms.prose import join_words

ARMS = ("none", "l2", "l1_subgradient", "l1_proximal")
ARM_LABELS = {"none": "no regularization", "l2": "L2", "l1_subgradient": "subgradient L1", "l1_proximal": "proximal L1"}
ARM_COLORS = {"none": plotting.COLORS[7], "l2": plotting.COLORS[0], "l1_subgradient": plotting.COLORS[1],
              "l1_proximal": plotting.COLORS[2]}
SWEEP_ARM = "l1_subgradient"  # the one arm trained at every learning rate of the sweep
LAYERS = ("hidden", "output")
N_CLASSES = 10
LEARNER_ETA = 0.5  # the learner's learning rate on MNIST
# 784 (std^2 + mean^2) from MNIST's pixel statistics: the mean squared image norm that scales the learner's eta.
MNIST_SQUARED_NORM = 784 * (0.3081 ** 2 + 0.1307 ** 2)
XLA = True  # pilot, 20 members of 784-30-10 on MNIST, 30 epochs: 13.5 against 17.0 normalized ms per member-epoch


@dataclass(frozen=True)
class L1SpikesConfig(Config):
    dataset: str = param("mnist", "Images: the bundled MNIST digits (28x28, the learner's) or scikit-learn's 8x8 "
                                  "'digits'.", choices=data.IMAGE_DATASETS)
    n_train: int = param(1000, "Training images per seed (the learner: 1,000 MNIST images).", ge=10, le=60_000)
    n_test: int = param(500, "Test images per seed, disjoint from the training images.", ge=10, le=10_000)
    hidden: int = param(30, "Sigmoid units in the hidden layer (the learner: 30).", ge=1, le=1000)
    lmbda: float = param(0.2, "Nielsen's lambda for L1 and L2: l1 = lambda/n, l2 = lambda/(2n).", gt=0, le=100)
    learning_rate: float = param(1.5, "Eta at which all four arms train; one of learning_rates.", gt=0, le=100)
    learning_rates: tuple[float, ...] = param((0.5, 1.5), "Learning rates of the sweep, increasing; subgradient L1 "
                                                         "trains at each.", gt=0, le=100, min_len=2)
    batch_size: int = param(10, "Images per mini-batch (the learner: 10).", ge=1, le=10_000)
    epochs: int = param(55, "Epochs of plain SGD (the learner: 400).", ge=3, le=10_000)
    n_seeds: int = param(8, "Seeds; a seed's images and initial weights are shared by its arms.", ge=2, le=100)
    spike_drop: float = param(5.0, "Drop of test accuracy (points) from one epoch to the next that is a spike.",
                              gt=0, le=100)
    warmup_epochs: int = param(10, "First epochs not searched for spikes (accuracy still climbing).", ge=0, le=10_000)
    zero_tolerance: float = param(0.01, "A weight whose magnitude is below this counts as near zero.", gt=0, le=1)
    flip_factor: float = param(2.0, "How many times fewer sign flips per epoch count as removing them.", gt=1, le=1e6)
    vanish_share: float = param(0.5, "Share of subgradient L1's spikes below which proximal removes them.", gt=0, le=1)
    sparsity_margin: float = param(0.05, "How far proximal L1's near-zero share may fall below subgradient L1's "
                                         "and still keep the sparsity.", ge=0, le=1)

    profile_overrides = {"smoke": {"n_train": 50, "n_test": 100, "epochs": 12, "warmup_epochs": 2, "n_seeds": 2,
                                   "learning_rates": (0.5, 1.5)}}
    work = ("n_train", "epochs", "n_seeds", "learning_rates")

    def __post_init__(self):
        super().__post_init__()
        data.require_image_dataset(self.dataset)
        if self.dataset == "digits":
            data.check_digits_counts(self.n_train, self.n_test)
        elif self.n_train + self.n_test > data.MNIST_IMAGES:
            raise ValueError(f"parameters 'n_train' + 'n_test' must be at most {data.MNIST_IMAGES} for "
                             f"dataset='mnist', got {self.n_train} + {self.n_test}")
        if any(b <= a for a, b in zip(self.learning_rates, self.learning_rates[1:])):
            raise ValueError(f"parameter 'learning_rates' must increase strictly, got {list(self.learning_rates)}")
        if self.learning_rate not in self.learning_rates:
            raise ValueError(f"parameter 'learning_rate' must be one of learning_rates "
                             f"{list(self.learning_rates)}, got {self.learning_rate}")
        if self.warmup_epochs > self.epochs - 2:
            raise ValueError(f"parameter 'warmup_epochs' must leave at least 2 epochs to search for spikes, "
                             f"got {self.warmup_epochs} of {self.epochs}")


def penalties(arm: str, lmbda: float, n_train: int) -> tuple[float, float]:
    """(l1, l2) of an arm under Nielsen's convention: C0 + (lambda/n) sum|w| or C0 + lambda/(2n) sum w^2."""
    return (lmbda / n_train if arm.startswith("l1") else 0.0, lmbda / (2 * n_train) if arm == "l2" else 0.0)


def spike_mask(accuracy: np.ndarray, drop: float, warmup: int) -> np.ndarray:
    """Epochs whose accuracy (a fraction, last axis = epochs 0..E) fell more than `drop` points from the
    epoch before (so a slow decline never counts); epoch 0 and the still-climbing warm-up cannot spike."""
    accuracy = np.asarray(accuracy, np.float64)
    mask = np.zeros(accuracy.shape, bool)
    mask[..., 1:] = accuracy[..., 1:] < accuracy[..., :-1] - drop / 100.0
    mask[..., :warmup + 1] = False
    return mask


def flip_ratio(flips: np.ndarray, spikes: np.ndarray, warmup: int) -> np.ndarray:
    """Per run, (mean flips in spike epochs + 1) / (mean flips in the other epochs + 1), after warm-up.
    The added one keeps a run without flips finite; a run without a spike gets 1, the value of no relation."""
    flips = np.asarray(flips, np.float64)
    searched = np.zeros(flips.shape[-1], bool)
    searched[warmup + 1:] = True
    spike_count = spikes.sum(axis=-1)
    other = searched & ~spikes
    spike_mean = np.where(spikes, flips, 0.0).sum(axis=-1) / np.maximum(spike_count, 1)
    other_mean = np.where(other, flips, 0.0).sum(axis=-1) / np.maximum(other.sum(axis=-1), 1)
    return np.where(spike_count > 0, (spike_mean + 1.0) / (other_mean + 1.0), 1.0)


def epoch_flips(sign_flips: np.ndarray) -> np.ndarray:
    """Sign flips per epoch over all weight matrices, from the engine's per-layer counts."""
    return np.asarray(sign_flips, np.float64).sum(axis=-1)


def mean_after_warmup(values: np.ndarray, warmup: int) -> np.ndarray:
    """Mean over the epochs searched for spikes (epoch 0 holds no flips and is never searched)."""
    return np.asarray(values, np.float64)[..., warmup + 1:].mean(axis=-1)


class L1Spikes(Experiment):
    name = "16_l1_spikes"
    title = "Why does L1 regularization make training spike?"
    Config = L1SpikesConfig
    full_seconds = 41

    def _run(self, config):
        seeds = seeding.member_seeds(config.seed, config.n_seeds)
        splits = [data.image_split(config.dataset, config.n_train, config.n_test,
                                   seeding.generator(seed, seeding.DATA)) for seed in seeds]
        network = Network(splits[0].x_train.shape[1], (config.hidden,), N_CLASSES, activation="sigmoid",
                          weight_init=Init("lecun_normal"), bias_init=Init("normal", std=1.0))
        epochs = config.epochs + 1
        shape = (len(ARMS), len(config.learning_rates), config.n_seeds)
        out = {name: np.full((*shape, epochs), np.nan, np.float32)  # NaN: an arm not trained at that eta
               for name in ("train_accuracy", "test_accuracy", "train_cost", "test_cost")}
        out["sign_flips"] = np.full((*shape, epochs, len(LAYERS)), np.nan, np.float32)
        out["near_zero"] = np.full(shape, np.nan, np.float32)
        out["exact_zero"] = np.full(shape, np.nan, np.float32)
        main, sweep = config.learning_rates.index(config.learning_rate), range(len(config.learning_rates))
        every_seed = range(config.n_seeds)
        ensembles = (("subgradient", [(a, main, s) for a in ARMS[:3] for s in every_seed]
                      + [(SWEEP_ARM, j, s) for j in sweep if j != main for s in every_seed]),
                     ("proximal", [(ARMS[3], main, s) for s in every_seed]))
        for mode, cells in ensembles:
            history = self._train(config, network, splits, seeds, cells, mode)
            weights = np.concatenate([w.reshape(w.shape[0], -1) for w in history.final_params[0::2]], axis=1)
            recorded = {"train_accuracy": history.train_accuracy, "test_accuracy": history.test_accuracy,
                        "train_cost": history.train_loss, "test_cost": history.test_loss,
                        "sign_flips": history.statistics["sign_flips"]}
            for i, (arm, j, s) in enumerate(cells):
                cell = (ARMS.index(arm), j, s)
                for name, values in recorded.items():
                    out[name][cell] = values[i]
                out["near_zero"][cell] = np.mean(np.abs(weights[i]) < config.zero_tolerance)
                out["exact_zero"][cell] = np.mean(weights[i] == 0)
        out["layer_weights"] = np.array([i * o for i, o in network.weight_shapes], np.float32)
        out["input_squared_norm"] = np.array([np.mean(np.sum(split.x_train ** 2, axis=1)) for split in splits],
                                             np.float32)
        dims = {name: ("arm", "learning_rate", "seed", "epoch") for name in
                ("train_accuracy", "test_accuracy", "train_cost", "test_cost")}
        dims.update(sign_flips=("arm", "learning_rate", "seed", "epoch", "layer"),
                    near_zero=("arm", "learning_rate", "seed"), exact_zero=("arm", "learning_rate", "seed"),
                    input_squared_norm=("seed",), layer_weights=("layer",))
        coords = {"arm": list(ARMS), "learning_rate": [float(v) for v in config.learning_rates],
                  "seed": list(range(config.n_seeds)), "epoch": list(range(epochs)), "layer": list(LAYERS)}
        return out, dims, coords

    @staticmethod
    def _train(config, network, splits, seeds, cells, mode):
        """One ensemble of Nielsen-style SGD runs, recorded once per epoch."""
        strengths = np.array([penalties(arm, config.lmbda, config.n_train) for arm, _, _ in cells], np.float32)
        members = Members(seeds=[seeds[s] for _, _, s in cells],
                          learning_rate=np.array([config.learning_rates[j] for _, j, _ in cells], np.float32),
                          l1=strengths[:, 0], l2=strengths[:, 1])
        steps_per_epoch = math.ceil(config.n_train / config.batch_size)
        training = Training(steps=steps_per_epoch * config.epochs, batch_size=config.batch_size,
                            loss="sigmoid_cross_entropy", optimizer="sgd", l1_mode=mode,
                            xla=XLA and config.profile == "full")  # smoke: compiling would cost more than it saves
        recording = Recording(every=steps_per_epoch, statistics=("sign_flips",))
        return train(network, training, members, Data.from_splits([splits[s] for _, _, s in cells]), recording)

    # ------------------------------------------------------------------ measures read from a result

    @classmethod
    def spikes(cls, result: Result) -> np.ndarray:
        """[arm, learning_rate, seed, epoch] spike epochs by the configured rule."""
        return spike_mask(result["test_accuracy"], result.config["spike_drop"], result.config["warmup_epochs"])

    @classmethod
    def spike_counts(cls, result: Result) -> np.ndarray:  # [arm, learning_rate, seed]; 0 where an arm did not train
        return cls.spikes(result).sum(axis=-1).astype(np.float64)

    @classmethod
    def flips_per_epoch(cls, result: Result) -> np.ndarray:
        """[arm, learning_rate, seed] mean sign flips per epoch over the searched epochs."""
        return mean_after_warmup(epoch_flips(result["sign_flips"]), result.config["warmup_epochs"])

    @classmethod
    def flip_ratios(cls, result: Result) -> np.ndarray:
        return flip_ratio(epoch_flips(result["sign_flips"]), cls.spikes(result), result.config["warmup_epochs"])

    @staticmethod
    def main_index(result: Result) -> int:
        return result.coords["learning_rate"].index(result.config["learning_rate"])

    @classmethod
    def at_main(cls, values: np.ndarray, result: Result, arm: str) -> np.ndarray:
        return values[ARMS.index(arm), cls.main_index(result)]  # one arm's per-seed values

    @classmethod
    def declare(cls, result: Result) -> list[stats.Claim]:
        config = result.config
        eta = f"At eta {config['learning_rate']:g}"
        counts, flips, ratios = cls.spike_counts(result), cls.flips_per_epoch(result), np.log2(cls.flip_ratios(result))

        def at(values, arm):
            return cls.at_main(values, result, arm)

        def more_spikes(arm, other):
            return stats.paired(at(counts, arm), at(counts, other), greater=True)

        cut = stats.paired(np.log2(at(flips, "l1_proximal") + 1), np.log2(at(flips, "l1_subgradient") + 1),
                           greater=False, margin=math.log2(config["flip_factor"]))
        share = config["vanish_share"]
        kept = stats.paired(at(counts, "l1_proximal"), share * at(counts, "l1_subgradient"), greater=True, test="sign")
        margin = config["sparsity_margin"]

        def claim(*args, primary=False):
            """Every claim here is post hoc: the spike rule, epochs and learning rate were set on pilot runs."""
            return stats.Claim(*args, primary=primary, registered=False)

        return [
            claim("l1_subgradient_spikes_more_than_none", f"{eta}, subgradient L1 spikes more often than no "
                  f"regularization (spikes per run, paired by seed).", more_spikes("l1_subgradient", "none"),
                  primary=True),
            claim("spikes_survive_without_flips", f"{eta}, the proximal step cuts subgradient L1's sign flips per "
                  f"epoch at least {config['flip_factor']:g}-fold and still keeps more than {100 * share:g}% of its "
                  f"spikes (both paired by seed; flips compared in log2 of flips per epoch plus one).",
                  stats.all_of({"flips cut": cut, "spikes kept": kept}), primary=True),
            claim("l2_spikes_more_than_none", f"{eta}, L2 with the same lambda spikes more often than no "
                  f"regularization.", more_spikes("l2", "none")),
            claim("l1_subgradient_spikes_more_than_l2", f"{eta}, subgradient L1 spikes more often than L2 with the "
                  f"same lambda.", more_spikes("l1_subgradient", "l2")),
            claim("proximal_keeps_sparsity", f"{eta}, proximal L1 keeps the sparsity: its share of near-zero weights "
                  f"(|w| < {config['zero_tolerance']:g}) is at most {100 * margin:g} points below subgradient L1's, "
                  f"or above it (paired by seed).", stats.paired(at(result["near_zero"], "l1_proximal") + margin,
                                                                 at(result["near_zero"], "l1_subgradient"))),
            claim("flips_concentrate_in_spikes", f"{eta}, in subgradient L1 runs the epochs with a spike have more "
                  f"sign flips than the other epochs (log2 of the ratio of their means, one per seed; a seed without "
                  f"a spike counts as 0).", stats.compare(at(ratios, "l1_subgradient"), level=0.0, above=True)),
            claim("spikes_rise_with_eta", "With subgradient L1, the number of spikes per run rises with the learning "
                  "rate.", stats.trend(counts[ARMS.index("l1_subgradient")].T, "increasing",
                                       levels=result.coords["learning_rate"])),
        ]

    @classmethod
    def numbers(cls, result: Result) -> dict:
        """Figures the page quotes, per arm at the main learning rate (accuracies and shares in percent)."""
        c = result.config
        counts, flips, ratios = cls.spike_counts(result), cls.flips_per_epoch(result), cls.flip_ratios(result)
        n_weights, squared_norm = float(result["layer_weights"].sum()), float(result["input_squared_norm"].mean())
        per_arm = {"spikes": counts, "flips": flips, "near_zero": 100 * result["near_zero"],
                   "exact_zero": 100 * result["exact_zero"], "test_accuracy": 100 * result["test_accuracy"][..., -1],
                   "train_cost": result["train_cost"][..., -1]}
        v = {f"{name}_{arm}": float(cls.at_main(values, result, arm).mean())
             for name, values in per_arm.items() for arm in ARMS}
        v.update({f"ratio_{arm}": float(np.exp(np.log(cls.at_main(ratios, result, arm)).mean())) for arm in ARMS})
        v["spikes_l1_subgradient_lowest_eta"] = float(counts[ARMS.index(SWEEP_ARM), 0].mean())
        images = "scikit-learn digits (8×8 pixels)" if c["dataset"] == "digits" else "MNIST (28×28 pixels)"
        v.update(
            input_squared_norm=squared_norm, eta_equivalent=LEARNER_ETA * MNIST_SQUARED_NORM / squared_norm,
            learner_eta=LEARNER_ETA, eta_ratio=c["learning_rate"] / LEARNER_ETA,
            n_inputs=int(result["layer_weights"][0]) // c["hidden"], lowest_eta=c["learning_rates"][0],
            learning_rates=join_words([f"{e:g}" for e in c["learning_rates"]]),
            data_words=f"{images}: {c['n_train']:,} training and {c['n_test']:,} test images per seed, "
                       f"{c['n_seeds']} seeds",
            flips_per_weight_l1_subgradient=v["flips_l1_subgradient"] / n_weights,
            spikes_by_eta=join_words([f"{counts[ARMS.index('l1_subgradient'), j].mean():.1f} at eta {e:g}"
                                      for j, e in enumerate(c["learning_rates"])]),
            steps_per_epoch=math.ceil(c["n_train"] / c["batch_size"]),
            flip_cut=v["flips_l1_subgradient"] / max(v["flips_l1_proximal"], 1.0),
            spikes_kept=100 * v["spikes_l1_proximal"] / max(v["spikes_l1_subgradient"], 1.0))
        v["hover_bound"] = v["near_zero_l1_subgradient"] / 100 * n_weights * v["steps_per_epoch"]
        return v

    # ------------------------------------------------------------------ figures

    @classmethod
    def plot(cls, result: Result) -> list:
        return [cls.plot_runs(result), cls.plot_main(result), cls.plot_sweep(result)]

    @classmethod
    def plot_runs(cls, result: Result):
        """Seed 0's run of every arm at the main learning rate: accuracy, cost and flips per epoch."""
        j, epochs = cls.main_index(result), np.array(result.coords["epoch"])
        spikes, flips = cls.spikes(result), epoch_flips(result["sign_flips"])
        fig, axes = plotting.figure(3, len(ARMS), height=2.4, sharex=True, sharey="row")
        lowest = float(result["test_accuracy"][:, j, 0, result.config["warmup_epochs"]:].min())
        axes[0, 0].set_ylim(max(0.0, 100 * lowest - 5), 101)
        for a, arm in enumerate(ARMS):
            ax, test, marks = axes[0, a], 100 * result["test_accuracy"][a, j, 0], spikes[a, j, 0]
            ax.plot(epochs, 100 * result["train_accuracy"][a, j, 0], color="#9aa5b1", linewidth=0.8, label="train")
            ax.plot(epochs, test, color=ARM_COLORS[arm], linewidth=0.8, label="test")
            ax.plot(epochs[marks], test[marks], "v", color="black", markersize=4, label="spike")
            ax.set_title(ARM_LABELS[arm])
            axes[1, a].plot(epochs, result["train_cost"][a, j, 0], color="#9aa5b1", linewidth=0.8, label="train")
            axes[1, a].plot(epochs, result["test_cost"][a, j, 0], color=ARM_COLORS[arm], linewidth=0.8)
            axes[2, a].plot(epochs[1:], flips[a, j, 0, 1:] + 1, color=ARM_COLORS[arm], linewidth=0.8)
            axes[2, a].plot(epochs[marks], flips[a, j, 0, marks] + 1, "v", color="black", markersize=4)
            axes[1, a].set_yscale("log")
            axes[2, a].set(yscale="log", xlabel="epochs")
        for ax, label in zip(axes[:, 0], ("accuracy (%)", "cost per image", "sign flips\nin the epoch + 1")):
            ax.set_ylabel(label)
        axes[0, 0].legend(loc="lower right")
        fig.tight_layout()
        return fig

    @classmethod
    def plot_main(cls, result: Result):
        """Per seed at the main learning rate: spikes, flips, sparsity and flips in spike epochs."""
        counts, flips, ratios = cls.spike_counts(result), cls.flips_per_epoch(result), cls.flip_ratios(result)
        panels = ((counts, "spikes per run", "linear"), (flips + 1, "sign flips per epoch + 1", "log"),
                  (100 * result["near_zero"], f"weights with |w| < {result.config['zero_tolerance']:g} (%)", "linear"),
                  (ratios, "flips in spike epochs /\nflips in other epochs", "log"))
        fig, axes = plotting.figure(2, 2, height=3.0)
        for ax, (values, label, scale) in zip(axes.flat, panels):
            plotting.paired_dots(ax, [ARM_LABELS[a].replace(" ", "\n", 1) for a in ARMS],
                                 [cls.at_main(values, result, arm) for arm in ARMS], [ARM_COLORS[a] for a in ARMS])
            ax.set(yscale=scale, ylabel=label)
        axes[1, 1].axhline(1.0, color="#4a4a4a", linewidth=0.8, linestyle=":")
        fig.tight_layout()
        return fig

    @classmethod
    def plot_sweep(cls, result: Result):
        """Spikes and flips against the learning rate: subgradient L1, mean over seeds with a min-max band, and
        the other arms' means at the main learning rate."""
        etas, main = result.coords["learning_rate"], result.config["learning_rate"]
        counts, flips = cls.spike_counts(result), cls.flips_per_epoch(result)
        fig, axes = plotting.figure(1, 2, height=3.2)
        for ax, values in zip(axes[0], (counts, flips + 1)):
            plotting.mean_band(ax, etas, values[ARMS.index(SWEEP_ARM)].T, label=ARM_LABELS[SWEEP_ARM],
                               color=ARM_COLORS[SWEEP_ARM])
            for arm in ARMS:
                if arm != SWEEP_ARM:
                    ax.plot([main], [cls.at_main(values, result, arm).mean()], "o", color=ARM_COLORS[arm],
                            label=f"{ARM_LABELS[arm]} (main eta only)")
        axes[0, 0].set_ylabel("spikes per run")
        axes[0, 1].set(ylabel="sign flips per epoch + 1", yscale="log")
        for ax in axes[0]:
            ax.set_xlabel("learning rate eta")
            ax.set_xticks(etas, [f"{e:g}" for e in etas])
        axes[0, 0].legend()
        fig.tight_layout()
        return fig
