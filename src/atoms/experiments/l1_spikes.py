"""Chapter 16 (reader question): why does L1 regularization make training spike?

A learner who rebuilt Nielsen's chapter-3 network saw sudden drops in accuracy and jumps in cost
with L1 but not with L2, and guessed that L1's constant pull overshoots small weights past zero,
flipping their signs. Here that setup, scaled to the digits, trains with no penalty, L2,
subgradient L1 (the learner's rule) and proximal L1 (a soft-threshold that stops at zero and so
cannot overshoot), at several learning rates, paired by seed: every arm of a seed sees the same
images, the same initial weights and the same mini-batch order. Spikes are counted by a rule
fixed in the configuration, sign flips come from the engine once per epoch, and the proximal arm
is the decisive test: if the flips cause the spikes, removing the flips must remove the spikes.

The engine takes one L1 mode per `train` call, so the run is two ensembles: the unregularized,
L2 and subgradient-L1 members of every learning rate in one, the proximal-L1 members in the other.
"""

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
ARM_LABELS = {"none": "no regularization", "l2": "L2", "l1_subgradient": "subgradient L1",
              "l1_proximal": "proximal L1"}
ARM_COLORS = {"none": plotting.COLORS[7], "l2": plotting.COLORS[0], "l1_subgradient": plotting.COLORS[1],
              "l1_proximal": plotting.COLORS[2]}
LAYERS = ("hidden", "output")
N_CLASSES = 10
# The learner's run on MNIST, quoted on the page for comparison.
LEARNER = {"n_train": 1000, "epochs": 400, "batch_size": 10, "learning_rate": 0.5, "lmbda": 0.2}
# Mean squared norm of an MNIST image with pixels in [0, 1]: 784 (std^2 + mean^2) from the usual
# pixel statistics (mean 0.1307, standard deviation 0.3081). Used only to scale the learner's eta.
MNIST_SQUARED_NORM = 784 * (0.3081 ** 2 + 0.1307 ** 2)


@dataclass(frozen=True)
class L1SpikesConfig(Config):
    dataset: str = param("digits", "Images to learn: scikit-learn's 8x8 'digits' (bundled) or 'mnist' (Keras' "
                                   "file must be present; 784 inputs).", choices=data.IMAGE_DATASETS)
    n_train: int = param(200, "Training images per seed (the learner: 1,000 MNIST images).", ge=10, le=60_000)
    n_test: int = param(500, "Test images per seed, disjoint from the training images.", ge=10, le=10_000)
    hidden: int = param(30, "Sigmoid units in the hidden layer (the learner: 30).", ge=1, le=1000)
    lmbda: float = param(0.2, "Nielsen's lambda, the same for L1 and L2: l1 = lambda/n_train, "
                               "l2 = lambda/(2 n_train) (the learner: 0.2).", gt=0, le=100)
    learning_rate: float = param(3.0, "The learning rate eta of the main comparison; must be one of "
                                      "learning_rates.", gt=0, le=100)
    learning_rates: tuple[float, ...] = param((0.5, 1.5, 3.0), "Learning rates of the sweep, increasing; every "
                                                               "arm trains at each.", gt=0, le=100, min_len=2)
    batch_size: int = param(10, "Images per mini-batch (the learner: 10).", ge=1, le=10_000)
    epochs: int = param(150, "Epochs of plain SGD (the learner: 400).", ge=3, le=10_000)
    n_seeds: int = param(5, "Seeds per arm and learning rate; each seed draws its own images and initial "
                            "weights, shared by every arm.", ge=2, le=100)
    spike_drop: float = param(5.0, "A spike is an epoch whose test accuracy is more than this many percentage "
                                   "points below the previous epoch's.", gt=0, le=100)
    warmup_epochs: int = param(10, "Epochs at the start not searched for spikes, while accuracy is still "
                                   "climbing.", ge=0, le=10_000)
    zero_tolerance: float = param(0.01, "A weight whose magnitude is below this counts as near zero.", gt=0, le=1)
    flip_factor: float = param(2.0, "By how many times proximal L1 must cut the sign flips per epoch to count "
                                    "as removing them.", gt=1, le=1e6)
    vanish_share: float = param(0.5, "Proximal L1 counts as removing the spikes if it keeps fewer than this "
                                     "share of subgradient L1's spikes.", gt=0, le=1)
    sparsity_margin: float = param(0.05, "How far (as a share of all weights) proximal L1's near-zero share may "
                                         "fall below subgradient L1's and still count as keeping the sparsity.",
                                   ge=0, le=1)

    profile_overrides = {"smoke": {"n_train": 50, "n_test": 100, "epochs": 12, "warmup_epochs": 2, "n_seeds": 2,
                                   "learning_rates": (0.5, 3.0)}}

    def __post_init__(self):
        super().__post_init__()
        data.require_image_dataset(self.dataset)
        if self.dataset == "digits":
            data.check_digits_counts(self.n_train, self.n_test)
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
    """Epochs whose accuracy (a fraction, last axis = epochs 0..E) fell more than `drop` points.

    Epoch 0 is the untrained network and epochs 1..warmup are still climbing, so neither can
    spike; the drop is measured from the epoch just before, so a slow decline never counts.
    """
    accuracy = np.asarray(accuracy, np.float64)
    mask = np.zeros(accuracy.shape, bool)
    mask[..., 1:] = accuracy[..., 1:] < accuracy[..., :-1] - drop / 100.0
    mask[..., :warmup + 1] = False
    return mask


def flip_ratio(flips: np.ndarray, spikes: np.ndarray, warmup: int) -> np.ndarray:
    """Per run, (mean flips in spike epochs + 1) / (mean flips in the other epochs + 1), after warm-up.

    The added one keeps a run without flips finite; a run without a spike carries no evidence
    either way and gets 1, the value of no relation.
    """
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

    def _run(self, config):
        seeds = seeding.member_seeds(config.seed, config.n_seeds)
        splits = [data.image_split(config.dataset, config.n_train, config.n_test,
                                   seeding.generator(seed, seeding.DATA)) for seed in seeds]
        network = Network(splits[0].x_train.shape[1], (config.hidden,), N_CLASSES, activation="sigmoid",
                          weight_init=Init("lecun_normal"), bias_init=Init("normal", std=1.0))
        epochs = config.epochs + 1
        shape = (len(ARMS), len(config.learning_rates), config.n_seeds)
        out = {name: np.zeros((*shape, epochs), np.float32)
               for name in ("train_accuracy", "test_accuracy", "train_cost", "test_cost")}
        out["sign_flips"] = np.zeros((*shape, epochs, len(LAYERS)), np.float32)
        out["near_zero"] = np.zeros(shape, np.float32)
        out["exact_zero"] = np.zeros(shape, np.float32)
        for mode, arms in (("subgradient", ARMS[:3]), ("proximal", ARMS[3:])):
            cells = [(a, j, s) for a in arms for j in range(len(config.learning_rates)) for s in range(config.n_seeds)]
            history = self._train(config, network, splits, seeds, cells, mode)
            weights = np.concatenate([w.reshape(w.shape[0], -1) for w in history.final_params[0::2]], axis=1)
            for i, (arm, j, s) in enumerate(cells):
                cell = (ARMS.index(arm), j, s)
                out["train_accuracy"][cell] = history.train_accuracy[i]
                out["test_accuracy"][cell] = history.test_accuracy[i]
                out["train_cost"][cell] = history.train_loss[i]
                out["test_cost"][cell] = history.test_loss[i]
                out["sign_flips"][cell] = history.statistics["sign_flips"][i]
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
                            loss="sigmoid_cross_entropy", optimizer="sgd", l1_mode=mode)
        recording = Recording(every=steps_per_epoch, statistics=("sign_flips",))
        return train(network, training, members, Data.from_splits([splits[s] for _, _, s in cells]), recording)

    # ------------------------------------------------------------------ measures read from a result

    @classmethod
    def spikes(cls, result: Result) -> np.ndarray:
        """[arm, learning_rate, seed, epoch] spike epochs by the configured rule."""
        return spike_mask(result["test_accuracy"], result.config["spike_drop"], result.config["warmup_epochs"])

    @classmethod
    def spike_counts(cls, result: Result) -> np.ndarray:
        return cls.spikes(result).sum(axis=-1).astype(np.float64)

    @classmethod
    def flips_per_epoch(cls, result: Result) -> np.ndarray:
        """[arm, learning_rate, seed] mean sign flips per epoch over the searched epochs."""
        return mean_after_warmup(epoch_flips(result["sign_flips"]), result.config["warmup_epochs"])

    @classmethod
    def flip_ratios(cls, result: Result) -> np.ndarray:
        return flip_ratio(epoch_flips(result["sign_flips"]), cls.spikes(result), result.config["warmup_epochs"])

    @classmethod
    def main_index(cls, result: Result) -> int:
        return result.coords["learning_rate"].index(result.config["learning_rate"])

    @classmethod
    def at_main(cls, values: np.ndarray, result: Result, arm: str) -> np.ndarray:
        """One arm's per-seed values at the main learning rate."""
        return values[ARMS.index(arm), cls.main_index(result)]

    @classmethod
    def claims(cls, result: Result) -> list[stats.Claim]:
        judged, config = result.judged, result.config
        eta = f"At eta {config['learning_rate']:g}"
        counts, flips = cls.spike_counts(result), cls.flips_per_epoch(result)
        ratios, near = np.log2(cls.flip_ratios(result)), result["near_zero"]

        def spikes(arm):
            return cls.at_main(counts, result, arm)

        found = [stats.Claim(
            f"{arm}_spikes_more_than_{other}",
            f"{eta}, {ARM_LABELS[arm]} spikes more often than {ARM_LABELS[other]} "
            f"{'with the same lambda ' if other == 'l2' else ''}(spikes per run, paired by seed).",
            stats.paired_difference(spikes(arm), spikes(other), greater=True, judged=judged))
            for arm, other in (("l1_subgradient", "none"), ("l2", "none"), ("l1_subgradient", "l2"))]
        found.append(stats.Claim(
            "proximal_cuts_flips",
            f"{eta}, proximal L1 makes at most 1/{config['flip_factor']:g} as many sign flips per epoch as "
            f"subgradient L1 (log2 of flips per epoch plus one, paired by seed).",
            stats.paired_difference(np.log2(cls.at_main(flips, result, "l1_proximal") + 1),
                                    np.log2(cls.at_main(flips, result, "l1_subgradient") + 1), greater=False,
                                    margin=math.log2(config["flip_factor"]), judged=judged)))
        margin = config["sparsity_margin"]
        found.append(stats.Claim(
            "proximal_keeps_sparsity",
            f"{eta}, proximal L1 keeps the sparsity: its share of near-zero weights (|w| < "
            f"{config['zero_tolerance']:g}) is at most {100 * margin:g} points below subgradient L1's, or above it "
            f"(a is proximal's share plus {margin:g}, paired by seed).",
            stats.paired_difference(cls.at_main(near, result, "l1_proximal") + margin,
                                    cls.at_main(near, result, "l1_subgradient"), greater=True, judged=judged)))
        share = config["vanish_share"]
        found.append(stats.Claim(
            "proximal_keeps_spikes",
            f"{eta}, the spikes do not vanish with proximal L1: it keeps more than {100 * share:g}% of subgradient "
            f"L1's spikes (a is proximal's count, b that share of subgradient's, paired by seed).",
            stats.paired_difference(spikes("l1_proximal"), share * spikes("l1_subgradient"), greater=True,
                                    judged=judged)))
        for arm in ("l1_subgradient", "l1_proximal"):
            found.append(stats.Claim(
                f"flips_concentrate_in_spikes_{arm}",
                f"{eta}, in {ARM_LABELS[arm]} runs the epochs with a spike have more sign flips than the other "
                f"epochs (log2 of the ratio of their means, one per seed; a seed without a spike counts as 0).",
                stats.threshold(cls.at_main(ratios, result, arm), above=True, level=0.0, judged=judged)))
        for arm in ARMS:
            found.append(stats.Claim(
                f"spikes_rise_with_eta_{arm}",
                f"With {ARM_LABELS[arm]}, the number of spikes per run rises with the learning rate.",
                stats.monotone_trend(counts[ARMS.index(arm)].T, "increasing", levels=result.coords["learning_rate"],
                                     judged=judged)))
        return found

    # ------------------------------------------------------------------ page text from the run

    @classmethod
    def numbers(cls, result: Result) -> dict[str, float]:
        """Figures the page quotes, per arm at the main learning rate (accuracies and shares in percent)."""
        counts, flips, ratios = cls.spike_counts(result), cls.flips_per_epoch(result), cls.flip_ratios(result)
        n_weights = float(result["layer_weights"].sum())
        squared_norm = float(result["input_squared_norm"].mean())
        values = {"input_squared_norm": squared_norm, "n_weights": n_weights,
                  "eta_equivalent": LEARNER["learning_rate"] * MNIST_SQUARED_NORM / squared_norm}
        for arm in ARMS:
            values[f"spikes_{arm}"] = float(cls.at_main(counts, result, arm).mean())
            values[f"flips_{arm}"] = float(cls.at_main(flips, result, arm).mean())
            values[f"flips_per_weight_{arm}"] = values[f"flips_{arm}"] / n_weights
            values[f"ratio_{arm}"] = float(np.exp(np.log(cls.at_main(ratios, result, arm)).mean()))
            values[f"near_zero_{arm}"] = 100 * float(cls.at_main(result["near_zero"], result, arm).mean())
            values[f"exact_zero_{arm}"] = 100 * float(cls.at_main(result["exact_zero"], result, arm).mean())
            values[f"test_accuracy_{arm}"] = 100 * float(cls.at_main(result["test_accuracy"][..., -1], result,
                                                                     arm).mean())
            values[f"train_cost_{arm}"] = float(cls.at_main(result["train_cost"][..., -1], result, arm).mean())
            for j, eta in enumerate(result.coords["learning_rate"]):
                values[f"spikes_{arm}_eta{j}"] = float(counts[ARMS.index(arm), j].mean())
        values["steps_per_epoch"] = float(math.ceil(result.config["n_train"] / result.config["batch_size"]))
        values["hover_bound"] = (values["near_zero_l1_subgradient"] / 100 * n_weights * values["steps_per_epoch"])
        values["flip_cut"] = values["flips_l1_subgradient"] / max(values["flips_l1_proximal"], 1.0)
        values["spikes_kept"] = 100 * values["spikes_l1_proximal"] / max(values["spikes_l1_subgradient"], 1.0)
        return values

    @classmethod
    def data_words(cls, result: Result) -> str:
        config = result.config
        name = "scikit-learn's digits (8×8 pixels)" if config["dataset"] == "digits" else "MNIST (28×28 pixels)"
        return (f"{name}: {config['n_train']:,} training and {config['n_test']:,} test images per seed, "
                f"{config['n_seeds']} seeds")

    @classmethod
    def answers(cls, result: Result, found: list[stats.Claim]) -> dict[str, str]:
        """The answers to the learner, generated from the verdicts and the run's numbers."""
        v = cls.numbers(result)
        eta = result.config["learning_rate"]
        etas = result.coords["learning_rate"]
        trend = ", ".join(f"{v[f'spikes_l1_subgradient_eta{j}']:.1f} at eta {e:g}" for j, e in enumerate(etas))
        facts = {
            "reproduce": (f"At eta {eta:g}, a run of subgradient L1 has {v['spikes_l1_subgradient']:.1f} spikes on "
                          f"average, against {v['spikes_none']:.1f} without regularization and {v['spikes_l2']:.1f} "
                          f"with L2."),
            "flips": (f"Subgradient L1 makes {v['flips_l1_subgradient']:,.0f} sign flips per epoch "
                      f"({v['flips_per_weight_l1_subgradient']:.1f} per weight), proximal L1 "
                      f"{v['flips_l1_proximal']:,.0f}, L2 {v['flips_l2']:,.0f} and no regularization "
                      f"{v['flips_none']:,.0f}. Epochs with a spike have {v['ratio_l1_subgradient']:.2f} times the "
                      f"flips of other epochs under subgradient L1 (geometric mean over seeds) and "
                      f"{v['ratio_l1_proximal']:.2f} times under proximal L1."),
            "proximal": (f"Proximal L1 cuts the flips per epoch {v['flip_cut']:.0f}-fold and leaves "
                         f"{v['near_zero_l1_proximal']:.0f}% of the weights near zero "
                         f"({v['exact_zero_l1_proximal']:.0f}% exactly zero) against subgradient L1's "
                         f"{v['near_zero_l1_subgradient']:.0f}%, yet keeps "
                         f"{v['spikes_kept']:.0f}% of its spikes ({v['spikes_l1_proximal']:.1f} per run)."),
            "eta": f"Spikes per run of subgradient L1: {trend}.",
            "sparsity": (f"At eta {eta:g}, {v['near_zero_l2']:.0f}% of L2's weights are near zero against "
                         f"{v['near_zero_l1_subgradient']:.0f}% of subgradient L1's; L2 has {v['spikes_l2']:.1f} "
                         f"spikes per run."),
            "advice": (f"At eta {etas[0]:g}, subgradient L1 has {v['spikes_l1_subgradient_eta0']:.1f} spikes per run "
                       f"and proximal L1 {v['spikes_l1_proximal_eta0']:.1f}."),
        }
        if not result.judged:
            note = " This build does not judge its claims, so it draws no conclusion from these numbers."
            return {key: text + note for key, text in facts.items()} | {
                "verdict": "This build does not judge its claims, so it does not decide the learner's guess."}
        verdict = {claim.id: claim.verdict for claim in found}
        yes, no = stats.Verdict.SUPPORTED, stats.Verdict.NOT_SUPPORTED
        answers = dict(facts)
        l1, l2 = verdict["l1_subgradient_spikes_more_than_none"], verdict["l2_spikes_more_than_none"]
        answers["reproduce"] += (" The spikes are reproduced: L1 spikes more than no regularization." if l1 is yes
                                 else " This run does not show that L1 spikes more than no regularization.")
        if l2 is yes and verdict["l1_subgradient_spikes_more_than_l2"] is not yes:
            answers["reproduce"] += (" But L2 spikes too, and L1 is not shown to spike more than L2: the spikes "
                                     "are not specific to L1.")
        elif verdict["l1_subgradient_spikes_more_than_l2"] is yes:
            answers["reproduce"] += " L1 spikes more than L2 with the same lambda."
        concentrate = verdict["flips_concentrate_in_spikes_l1_subgradient"]
        answers["flips"] += {yes: " Under subgradient L1, flips do pile up in spike epochs.",
                             no: " Under subgradient L1, flips do not pile up in spike epochs."}.get(
            concentrate, " Whether flips pile up in spike epochs under subgradient L1 is inconclusive.")
        guess = cls.decide(verdict)
        answers["proximal"] += f" The learner's guess is therefore {guess}"
        answers["verdict"] = f"The learner's guess is {guess}"
        if verdict["l1_subgradient_spikes_more_than_l2"] is not yes and l2 is yes:
            answers["sparsity"] += (" L2, with its smaller share of near-zero weights, spikes more than no "
                                    "regularization, and L1 is not shown to spike more than L2, so a sparse network "
                                    "is not needed for the spikes.")
        else:
            answers["sparsity"] += " The run does not show that spikes arise without sparsity."
        rising = [ARM_LABELS[a] for a in ARMS if verdict[f"spikes_rise_with_eta_{a}"] is yes]
        answers["eta"] += (f" Spikes rise with the learning rate for {join_words(rising)}." if rising
                           else " No arm is shown to spike more at a higher learning rate.")
        if verdict["spikes_rise_with_eta_l1_subgradient"] is yes:
            other = ", not the proximal step," if verdict["proximal_keeps_spikes"] is yes else ""
            answers["advice"] = (f"In this run a lower learning rate{other} is what reduces the spikes. "
                                 + answers["advice"])
        else:
            answers["advice"] += " The run does not show that a lower learning rate reduces the spikes."
        return answers

    @staticmethod
    def decide(verdict: dict[str, stats.Verdict]) -> str:
        """The learner's guess, decided by the proximal test.

        If the proximal step removes the flips and the spikes stay, the flips cannot be their cause,
        whatever happens to the sparsity. The guess is supported only if the spikes go while the
        sparsity stays, since spikes that went with the sparsity would not single out the flips.
        """
        yes, no = stats.Verdict.SUPPORTED, stats.Verdict.NOT_SUPPORTED
        sparse = {yes: " and keeps the sparsity", no: " (though it loses part of the sparsity)"}.get(
            verdict["proximal_keeps_sparsity"], " (whether it keeps all of the sparsity is inconclusive)")
        if verdict["proximal_cuts_flips"] is not yes:
            return "inconclusive: the proximal step is not shown to remove most sign flips, so it cannot test them."
        if verdict["proximal_keeps_spikes"] is yes:
            return (f"not supported: the proximal step removes most sign flips{sparse}, but the spikes stay, "
                    f"so sign flips from overshooting zero are not what makes training spike.")
        if verdict["proximal_keeps_spikes"] is no and verdict["proximal_keeps_sparsity"] is yes:
            return "supported: the proximal step removes most sign flips and most spikes, and keeps the sparsity."
        return (f"inconclusive: the proximal step removes most sign flips{sparse}, but the run does not show "
                f"whether it keeps the spikes, or the spikes went together with the sparsity.")

    @classmethod
    def flip_consequence(cls, result: Result, found: list[stats.Claim]) -> str:
        """Whether the flips that remain under the proximal step rise in spike epochs, from the run."""
        v = cls.numbers(result)
        ratios = (f"{v['ratio_l1_proximal']:.2f} times the flips of the other epochs, against "
                  f"{v['ratio_none']:.2f} times without a penalty (geometric means over seeds, a seed without a "
                  f"spike counting as 1)")
        if not result.judged:
            return f"Its spike epochs hold {ratios}; this build does not judge whether that is a rise."
        verdict = {claim.id: claim.verdict for claim in found}["flips_concentrate_in_spikes_l1_proximal"]
        if verdict is stats.Verdict.SUPPORTED:
            return (f"These do rise in spike epochs, which hold {ratios}: that fits flips being a consequence of "
                    f"a large step rather than its cause.")
        return f"These are not shown to rise in spike epochs, which hold {ratios}."

    # ------------------------------------------------------------------ figures

    @classmethod
    def plot(cls, result: Result) -> list:
        return [cls.plot_runs(result), cls.plot_main(result), cls.plot_sweep(result)]

    @classmethod
    def plot_runs(cls, result: Result):
        """Seed 0's run of every arm at the main learning rate: accuracy, cost and flips per epoch."""
        j, epochs = cls.main_index(result), np.array(result.coords["epoch"])
        spikes = cls.spikes(result)
        flips = epoch_flips(result["sign_flips"])
        fig, axes = plotting.figure(3, len(ARMS), width=12.0, height=2.4, sharex=True, sharey="row")
        lowest = float(result["test_accuracy"][:, j, 0, result.config["warmup_epochs"]:].min())
        axes[0, 0].set_ylim(max(0.0, 100 * lowest - 5), 101)
        for col, arm in enumerate(ARMS):
            a = ARMS.index(arm)
            ax = axes[0, col]
            test = 100 * result["test_accuracy"][a, j, 0]
            ax.plot(epochs, 100 * result["train_accuracy"][a, j, 0], color="#9aa5b1", linewidth=0.8, label="train")
            ax.plot(epochs, test, color=ARM_COLORS[arm], linewidth=0.8, label="test")
            marks = spikes[a, j, 0]
            ax.plot(epochs[marks], test[marks], "v", color="black", markersize=4, label="spike")
            ax.set_title(ARM_LABELS[arm])
            axes[1, col].plot(epochs, result["train_cost"][a, j, 0], color="#9aa5b1", linewidth=0.8, label="train")
            axes[1, col].plot(epochs, result["test_cost"][a, j, 0], color=ARM_COLORS[arm], linewidth=0.8,
                              label="test")
            axes[1, col].set_yscale("log")
            axes[2, col].plot(epochs[1:], flips[a, j, 0, 1:] + 1, color=ARM_COLORS[arm], linewidth=0.8)
            axes[2, col].plot(epochs[marks], flips[a, j, 0, marks] + 1, "v", color="black", markersize=4)
            axes[2, col].set_yscale("log")
            axes[2, col].set_xlabel("epochs")
        axes[0, 0].set_ylabel("accuracy (%)")
        axes[1, 0].set_ylabel("cost per image")
        axes[2, 0].set_ylabel("sign flips\nin the epoch + 1")
        axes[0, 0].legend(fontsize=7, loc="lower right")
        fig.tight_layout()
        return fig

    @classmethod
    def plot_main(cls, result: Result):
        """Per seed at the main learning rate: spikes, flips, sparsity and flips in spike epochs."""
        counts, flips, ratios = cls.spike_counts(result), cls.flips_per_epoch(result), cls.flip_ratios(result)
        panels = ((counts, "spikes per run", "linear"), (flips + 1, "sign flips per epoch + 1", "log"),
                  (100 * result["near_zero"], f"weights with |w| < {result.config['zero_tolerance']:g} (%)", "linear"),
                  (ratios, "flips in spike epochs /\nflips in other epochs", "log"))
        fig, axes = plotting.figure(1, len(panels), width=12.0, height=3.4)
        x = np.arange(len(ARMS))
        for ax, (values, label, scale) in zip(axes[0], panels):
            per_seed = np.stack([cls.at_main(values, result, arm) for arm in ARMS])
            ax.plot(x, per_seed, color="#c5ccd3", linewidth=0.8, zorder=1)
            for i, arm in enumerate(ARMS):
                ax.scatter(np.full(per_seed.shape[1], i), per_seed[i], color=ARM_COLORS[arm], s=18, zorder=2)
                ax.plot([i - 0.25, i + 0.25], [per_seed[i].mean()] * 2, color="black", linewidth=1.5, zorder=3)
            ax.set_yscale(scale)
            ax.set_xticks(x, [ARM_LABELS[a].replace(" ", "\n", 1) for a in ARMS], fontsize=7)
            ax.set_ylabel(label)
        axes[0, 3].axhline(1.0, color="#4a4a4a", linewidth=0.8, linestyle=":")
        fig.tight_layout()
        return fig

    @classmethod
    def plot_sweep(cls, result: Result):
        """Spikes and flips against the learning rate, every arm, mean over seeds with a min-max band."""
        etas = result.coords["learning_rate"]
        counts, flips = cls.spike_counts(result), cls.flips_per_epoch(result)
        fig, axes = plotting.figure(1, 2, width=9.0, height=3.2)
        for arm in ARMS:
            a = ARMS.index(arm)
            plotting.mean_band(axes[0, 0], etas, counts[a].T, label=ARM_LABELS[arm], color=ARM_COLORS[arm])
            plotting.mean_band(axes[0, 1], etas, flips[a].T + 1, color=ARM_COLORS[arm])
        axes[0, 0].set_ylabel("spikes per run")
        axes[0, 1].set(ylabel="sign flips per epoch + 1", yscale="log")
        for ax in axes[0]:
            ax.set_xlabel("learning rate eta")
            ax.set_xticks(etas, [f"{e:g}" for e in etas])
        axes[0, 0].legend(fontsize=7)
        fig.tight_layout()
        return fig

