"""Chapter 13 (reader question): does L2 weight decay shrink weights to about 1/sqrt(n)?

An exercise in Nielsen's book argues that, from N(0, 1) weights, L2 regularization first shrinks
every weight by about exp(-eta*lambda/m) per epoch and then tails off near 1/sqrt(n), n the
total number of weights (called N here and on the page, where n counts training images). A
reader who tried it measured the sum of the weights, numpy's `norm(W, ord=1)` and the variance,
and saw one layer shrink and the other grow. Here the per-layer
RMS is recorded every epoch and set against exact pure decay (what the weights would be with no
data at all), against a lambda = 0 control of the same seed (the data alone), and, over a sweep of
hidden widths, against 1/sqrt(N). The reader's three statistics are computed on the same weights.

The main width trains at every lambda as one ensemble, with the weights recorded each epoch for
the reader's statistics; the other widths of the sweep train at the main lambda in a few padded,
masked ensembles that record only the RMS. The sweep reuses the main run's networks at the main
width, so each seed's slope uses every width from one initialization scheme and one data split.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from matplotlib.ticker import NullFormatter

from atoms import claims as stats
from atoms import data, plotting, seeding
from atoms.config import Config, param
from atoms.engine import Data, Init, Members, Network, Recording, Training, train
from atoms.experiment import Experiment, Result
from atoms.grouping import padding_groups
from atoms.fits import loglog_slope

N_CLASSES = 10
LAYERS = ("hidden", "output")
LAYER_LABELS = {"hidden": "hidden layer", "output": "output layer"}
LAYER_COLORS = {"hidden": plotting.COLORS[0], "output": plotting.COLORS[1]}
# The reader's statistics, as they computed them on Nielsen's (fan_out, fan_in) matrices.
READER_STATISTICS = ("sum", "ord1", "variance", "mean")
READER_LABELS = {"sum": "sum of the weights", "ord1": "norm(W, ord=1)", "variance": "variance", "rms": "RMS"}
SUM_FACTOR = 2.0
ORD1_FACTOR = 1.5
VARIANCE_TOLERANCE = 0.1
NIELSEN_SLOPE = -0.5
GROUP_RATIO = 2
# The reader's run of Nielsen's network2.py on MNIST, quoted on the page for comparison.
READER_RUN = {"learning_rate": 0.1, "lmbda": 5.0, "batch_size": 10, "n_train": 50_000, "epochs": 30}


@dataclass(frozen=True)
class WeightDecayConfig(Config):
    dataset: str = param("digits", "Images to learn: scikit-learn's 8x8 'digits' (bundled) or 'mnist' (Keras' "
                                   "file must be present; 784 inputs).", choices=data.IMAGE_DATASETS)
    n_train: int = param(1000, "Training images per seed (Nielsen's n in lambda/(2n)).", ge=10, le=60_000)
    n_test: int = param(797, "Test images per seed, disjoint from the training images.", ge=1, le=10_000)
    hidden: int = param(30, "Hidden sigmoid units of the main network (the reader's 30).", ge=1, le=1000)
    widths: tuple[int, ...] = param((8, 15, 30, 60, 120, 240), "Hidden widths of the sweep that tests the "
                                    "1/sqrt(N) scaling, all at lambda = lmbda.", ge=1, le=1000, min_len=3)
    lmbda: float = param(10.0, "Nielsen's lambda for the main run and the width sweep (cost C0 + lambda/(2n) "
                               "times the sum of squared weights).", gt=0, le=1e6)
    lambdas: tuple[float, ...] = param((0.0, 1.0, 10.0, 20.0), "Nielsen's lambdas trained at the main width; must "
                                       "contain 0 (the control) and lmbda.", ge=0, le=1e6, min_len=2)
    learning_rate: float = param(0.1, "SGD learning rate eta (the reader's 0.1).", gt=0, le=10)
    batch_size: int = param(10, "Mini-batch size m (the reader's 10).", ge=1, le=10_000)
    epochs: int = param(60, "Epochs of SGD, each a shuffled pass over the training images.", ge=2, le=1000)
    n_seeds: int = param(5, "Seeds per setting; a seed fixes the data split, the initial weights and the batch "
                            "order, shared by every lambda.", ge=2, le=100)
    early_epochs: int = param(3, "First epochs over which the measured decay rate is compared with "
                                 "ηλ/m.", ge=1, le=100)
    plateau_epochs: int = param(10, "Last epochs whose mean RMS is the plateau.", ge=1, le=1000)
    rate_tolerance: float = param(0.1, "Relative error of the early decay rate that still counts as "
                                       "matching the prediction.", gt=0, le=1)
    level_off_ratio: float = param(0.25, "The decay has levelled off once the per-epoch rate is below this "
                                         "fraction of ηλ/m.", gt=0, le=1)
    slope_margin: float = param(0.15, "Log-log slopes within this of -1/2 count as scaling like 1/sqrt(N).",
                                gt=0, le=1)
    level_factor: float = param(2.0, "A plateau within this factor of 1/sqrt(N) counts as about 1/sqrt(N).",
                                gt=1, le=100)

    profile_overrides = {"smoke": {"epochs": 3, "n_seeds": 2, "n_train": 200, "n_test": 100,
                                   "widths": (8, 15, 30), "lambdas": (0.0, 10.0), "early_epochs": 1,
                                   "plateau_epochs": 1}}

    def __post_init__(self):
        super().__post_init__()
        data.require_image_dataset(self.dataset)
        if self.dataset == "digits":
            data.check_digits_counts(self.n_train, self.n_test)
        if self.batch_size > self.n_train:
            raise ValueError(f"parameter 'batch_size' must be at most n_train ({self.n_train}), got {self.batch_size}")
        if 0.0 not in self.lambdas or self.lmbda not in self.lambdas:
            raise ValueError(f"parameter 'lambdas' must contain 0 and lmbda ({self.lmbda:g}), got {list(self.lambdas)}")
        if self.learning_rate * max(self.lambdas) >= self.n_train:
            raise ValueError(f"parameter 'learning_rate' times the largest of 'lambdas' must be below n_train "
                             f"({self.n_train}), or one decay step would flip the weights' signs")
        if self.early_epochs + self.plateau_epochs > self.epochs:
            raise ValueError(f"parameters 'early_epochs' + 'plateau_epochs' must be at most epochs ({self.epochs}), "
                             f"got {self.early_epochs} + {self.plateau_epochs}")


def steps_per_epoch(n_train: int, batch_size: int) -> int:
    """Nielsen's loop runs every mini-batch of an epoch, the last one possibly partial."""
    return math.ceil(n_train / batch_size)


def decay_factor(learning_rate: float, lmbda: float, n_train: int, batch_size: int) -> float:
    """Per-epoch factor of pure decay: each step multiplies every weight by 1 - eta*lambda/n."""
    return (1.0 - learning_rate * lmbda / n_train) ** steps_per_epoch(n_train, batch_size)


def nielsen_factor(learning_rate: float, lmbda: float, batch_size: int) -> float:
    """The exercise's approximation of `decay_factor`, good while eta*lambda << n."""
    return math.exp(-learning_rate * lmbda / batch_size)


def layer_counts(n_inputs: int, width: int) -> tuple[int, int]:
    """Weights (biases excluded: they are not decayed) in the hidden and output matrices."""
    return n_inputs * width, width * N_CLASSES


def reader_statistics(weights: np.ndarray) -> np.ndarray:
    """The reader's statistics over the last two axes of `[..., fan_in, fan_out]` weights.

    Nielsen stores a layer as (fan_out, fan_in), so the reader's `norm(W, ord=1)`, the largest
    absolute column sum, is a maximum over *inputs* of a sum over the layer's units: here a sum
    over the last axis, maximized over the one before.
    """
    w = np.asarray(weights, np.float64)
    return np.stack([w.sum(axis=(-2, -1)), np.abs(w).sum(axis=-1).max(axis=-1), w.var(axis=(-2, -1)),
                     w.mean(axis=(-2, -1))], axis=-1)


def rates(rms: np.ndarray) -> np.ndarray:
    """Per-epoch decay rate -ln(RMS_e / RMS_{e-1}) along the epoch axis (second to last)."""
    logs = np.log(rms)
    return -(logs[..., 1:, :] - logs[..., :-1, :])


def pure_decay(rms: np.ndarray, factor: float) -> np.ndarray:
    """The RMS the weights would have with the data gradient switched off: the start times factor^epoch."""
    epochs = np.arange(rms.shape[-2])
    return rms[..., :1, :] * factor ** epochs[:, None]


def all_weights(rms: np.ndarray, counts) -> np.ndarray:
    """RMS over all weights of the network from the per-layer RMS (last axis) and the layers' counts."""
    counts = np.asarray(counts, np.float64)
    return np.sqrt((rms.astype(np.float64) ** 2 * counts).sum(axis=-1) / counts.sum(axis=-1))


def level_off_epoch(epoch_rates: np.ndarray, predicted: float, ratio: float) -> np.ndarray:
    """First epoch whose decay rate is below `ratio` times the predicted one; one past the last if none."""
    below = epoch_rates < ratio * predicted
    return np.where(below.any(axis=-2), below.argmax(axis=-2) + 1, epoch_rates.shape[-2] + 1)


def trajectory(ax, x, values, *, label=None, color=None, linestyle="-"):
    """Mean over seeds (axis 0) with a min-max band, like `plotting.mean_band` but without a marker per
    point: curves of 60 epochs read better, and draw faster, as plain lines."""
    values = np.asarray(values, dtype=float)
    line, = ax.plot(x, values.mean(axis=0), label=label, color=color, linestyle=linestyle)
    ax.fill_between(x, values.min(axis=0), values.max(axis=0), color=line.get_color(), alpha=0.2, linewidth=0)
    return line


def log_y(ax) -> None:
    """A log y axis without labels on its minor ticks: they crowd small panels and cost most of a figure's
    drawing time (each is typeset as mathtext)."""
    ax.set_yscale("log")
    ax.yaxis.set_minor_formatter(NullFormatter())


class WeightDecay(Experiment):
    name = "13_weight_decay"
    title = "Does L2 weight decay shrink weights to about 1/sqrt(n)?"
    Config = WeightDecayConfig

    def _run(self, config):
        seeds = seeding.member_seeds(config.seed, config.n_seeds)
        splits = [data.image_split(config.dataset, config.n_train, config.n_test, seeding.generator(s, seeding.DATA))
                  for s in seeds]
        n_inputs = splits[0].x_train.shape[1]
        main = self._train_main(config, seeds, splits, n_inputs)
        sweep = self._train_sweep(config, seeds, splits, n_inputs, main["rms"][config.lambdas.index(config.lmbda)])
        main["sweep_rms"] = sweep
        main["layer_weights"] = np.array([layer_counts(n_inputs, w) for w in config.widths], np.int64)
        dims = {"rms": ("lambda", "seed", "epoch", "layer"),
                "reader": ("lambda", "seed", "epoch", "layer", "statistic"),
                "test_accuracy": ("lambda", "seed"), "train_accuracy": ("lambda", "seed"),
                "sweep_rms": ("width", "seed", "epoch", "layer"), "layer_weights": ("width", "layer")}
        coords = {"lambda": list(config.lambdas), "seed": list(range(config.n_seeds)),
                  "epoch": list(range(config.epochs + 1)), "layer": list(LAYERS),
                  "statistic": list(READER_STATISTICS), "width": list(config.widths)}
        return main, dims, coords

    @staticmethod
    def _training(config) -> tuple[Training, Recording]:
        """Nielsen's setup: SGD on his sigmoid cross-entropy, one record per epoch."""
        every = steps_per_epoch(config.n_train, config.batch_size)
        training = Training(steps=config.epochs * every, batch_size=config.batch_size, loss="sigmoid_cross_entropy",
                            optimizer="sgd")
        return training, Recording(every=every, statistics=("rms",))

    @staticmethod
    def _network(n_inputs: int, width: int) -> Network:
        """The old initialization of Nielsen's chapter 1: every weight and bias N(0, 1)."""
        return Network(n_inputs, (width,), N_CLASSES, activation="sigmoid", weight_init=Init("normal", std=1.0),
                       bias_init=Init("normal", std=1.0))

    @classmethod
    def _train_main(cls, config, seeds, splits, n_inputs) -> dict[str, np.ndarray]:
        """Every lambda at the main width; a seed's members share data, initial weights and batch order."""
        cells = [(lam, s) for lam in config.lambdas for s in range(config.n_seeds)]
        members = Members(seeds=[seeds[s] for _, s in cells], learning_rate=config.learning_rate,
                          l2=[lam / (2 * config.n_train) for lam, _ in cells])
        training, recording = cls._training(config)
        recording = Recording(every=recording.every, statistics=recording.statistics, weights=True)
        history = train(cls._network(n_inputs, config.hidden), training, members,
                        Data.from_splits([splits[s] for _, s in cells]), recording)
        shape = (len(config.lambdas), config.n_seeds)
        reader = np.stack([reader_statistics(w) for w in history.weights], axis=2)
        return {"rms": history.statistics["rms"].reshape(*shape, *history.statistics["rms"].shape[1:]),
                "reader": reader.reshape(*shape, *reader.shape[1:]).astype(np.float32),
                "test_accuracy": history.test_accuracy[:, -1].reshape(shape),
                "train_accuracy": history.train_accuracy[:, -1].reshape(shape)}

    @classmethod
    def _train_sweep(cls, config, seeds, splits, n_inputs, main_rms) -> np.ndarray:
        """The other widths at lambda = lmbda, in padded groups; the main width is reused from the main run."""
        out = np.zeros((len(config.widths), config.n_seeds, config.epochs + 1, len(LAYERS)), np.float32)
        if config.hidden in config.widths:
            out[config.widths.index(config.hidden)] = main_rms
        training, recording = cls._training(config)
        others = [w for w in config.widths if w != config.hidden]
        for group in ([others[i] for i in g] for g in padding_groups(others, GROUP_RATIO)):
            cells = [(w, s) for w in group for s in range(config.n_seeds)]
            members = Members(seeds=[seeds[s] for _, s in cells], learning_rate=config.learning_rate,
                              l2=config.lmbda / (2 * config.n_train), units=[[w] for w, _ in cells])
            x_train = np.stack([splits[s].x_train for _, s in cells])
            y_train = np.stack([splits[s].y_train for _, s in cells])
            history = train(cls._network(n_inputs, max(group)), training, members, Data(x_train, y_train), recording)
            for i, (w, s) in enumerate(cells):
                out[config.widths.index(w), s] = history.statistics["rms"][i]
        return out

    # ------------------------------------------------------------------ derived quantities

    @classmethod
    def predicted_rate(cls, result: Result) -> float:
        """-ln of the exact per-epoch pure-decay factor at lambda = lmbda."""
        c = result.config
        return -math.log(decay_factor(c["learning_rate"], c["lmbda"], c["n_train"], c["batch_size"]))

    @classmethod
    def main_rms(cls, result: Result, lmbda: float | None = None) -> np.ndarray:
        """`[seed, epoch, layer]` RMS at the main width for one lambda (default: lmbda)."""
        lam = result.config["lmbda"] if lmbda is None else lmbda
        return result["rms"][result.coords["lambda"].index(lam)].astype(np.float64)

    @classmethod
    def early_ratio(cls, result: Result) -> np.ndarray:
        """`[seed, layer]`: mean decay rate over the first epochs divided by the predicted rate."""
        first = rates(cls.main_rms(result))[:, :result.config["early_epochs"]]
        return first.mean(axis=1) / cls.predicted_rate(result)

    @classmethod
    def late_ratio(cls, result: Result) -> np.ndarray:
        """`[width, seed, layer]`: |mean decay rate| over the plateau epochs over the predicted rate.

        Every width of the sweep is included, not only the main one, because the slope across widths
        is only meaningful if each width has reached its plateau.
        """
        late = rates(result["sweep_rms"].astype(np.float64))[:, :, -result.config["plateau_epochs"]:]
        return np.abs(late.mean(axis=2)) / cls.predicted_rate(result)

    @classmethod
    def level_off(cls, result: Result) -> np.ndarray:
        """`[seed, layer]` epoch at which the decay rate first falls below the level-off fraction."""
        return level_off_epoch(rates(cls.main_rms(result)), cls.predicted_rate(result),
                               result.config["level_off_ratio"])

    @classmethod
    def plateau(cls, values: np.ndarray, result: Result, axis: int) -> np.ndarray:
        """Mean over the last plateau epochs along the epoch axis."""
        p = result.config["plateau_epochs"]
        return np.take(values, np.arange(values.shape[axis] - p, values.shape[axis]), axis=axis).mean(axis=axis)

    @classmethod
    def sweep_plateaus(cls, result: Result) -> dict[str, np.ndarray]:
        """`[seed, width]` plateaus per layer and over all weights, with the weight counts they scale with."""
        counts = result["layer_weights"].astype(np.float64)
        rms = result["sweep_rms"].astype(np.float64)
        per_layer = cls.plateau(rms, result, axis=2)
        out = {layer: per_layer[..., i].T for i, layer in enumerate(LAYERS)}
        out["all"] = cls.plateau(all_weights(rms, counts[:, None, None, :]), result, axis=2).T
        out["n_all"] = counts.sum(axis=1)
        return out

    @classmethod
    def slopes(cls, result: Result) -> dict[str, np.ndarray]:
        """Per-seed log-log slope of each plateau against the network's total number of weights."""
        plateaus = cls.sweep_plateaus(result)
        return {name: loglog_slope(plateaus["n_all"], plateaus[name]) for name in ("all", *LAYERS)}

    @classmethod
    def level_ratio(cls, result: Result) -> np.ndarray:
        """`[seed, width]`: the all-weights plateau divided by 1/sqrt(total weights)."""
        plateaus = cls.sweep_plateaus(result)
        return plateaus["all"] * np.sqrt(plateaus["n_all"])

    @classmethod
    def pull(cls, result: Result) -> np.ndarray:
        """`[seed, epoch, layer]`: RMS with the data minus the RMS pure decay would leave."""
        rms = cls.main_rms(result)
        return rms - pure_decay(rms, math.exp(-cls.predicted_rate(result)))

    @classmethod
    def growth(cls, result: Result, lmbda: float) -> np.ndarray:
        """`[seed, layer]`: RMS at the end over RMS at the start."""
        rms = cls.main_rms(result, lmbda)
        return rms[:, -1] / rms[:, 0]

    @classmethod
    def statistic_ratios(cls, result: Result) -> dict[str, np.ndarray]:
        """`[seed, layer]` end-over-start ratio of each reader's statistic and of the RMS, at lambda = lmbda."""
        reader = result["reader"][result.coords["lambda"].index(result.config["lmbda"])].astype(np.float64)
        names = result.coords["statistic"]
        ratios = {name: reader[:, -1, :, i] / reader[:, 0, :, i] for i, name in enumerate(names)}
        ratios["rms"] = cls.growth(result, result.config["lmbda"])
        return ratios

    @classmethod
    def statistic_flags(cls, result: Result) -> dict[str, np.ndarray]:
        """Per seed, whether each statistic reported the change in size as the RMS did (see the claims)."""
        ratio = cls.statistic_ratios(result)
        off = np.abs(np.log(np.abs(ratio["sum"]) / ratio["rms"]))
        return {"sum_misreports": ((ratio["sum"] < 0) | (off > math.log(SUM_FACTOR))).any(axis=1),
                "ord1_tracks": (np.abs(np.log(ratio["ord1"] / ratio["rms"])) < math.log(ORD1_FACTOR)).all(axis=1),
                "variance_tracks": (np.abs(np.sqrt(ratio["variance"]) / ratio["rms"] - 1)
                                    < VARIANCE_TOLERANCE).all(axis=1)}

    @classmethod
    def weak_lambda(cls, result: Result) -> float:
        return min(lam for lam in result.coords["lambda"] if lam > 0)

    # ------------------------------------------------------------------ claims

    @classmethod
    def claims(cls, result: Result) -> list[stats.Claim]:
        c, judged = result.config, result.judged
        found = []
        shrunk = np.log(cls.main_rms(result)[:, -1] / cls.main_rms(result, 0.0)[:, -1]).max(axis=1)
        found.append(stats.Claim(
            "decay_shrinks_both_layers",
            f"L2 regularization reduces the weights: at lambda = {c['lmbda']:g} both layers end with a smaller RMS "
            f"than the same networks trained without decay (statistic: log of the RMS ratio, the larger of the two "
            f"layers, per seed).",
            stats.threshold(shrunk, above=False, level=0.0, judged=judged)))
        early = cls.early_ratio(result)
        for i, layer in enumerate(LAYERS):
            found.append(stats.Claim(
                f"early_factor_{layer}",
                f"In the first {c['early_epochs']} epochs the {LAYER_LABELS[layer]}'s RMS falls by the predicted "
                f"factor exp(-ηλ/m) per epoch: the measured rate is within {100 * c['rate_tolerance']:g}% of "
                f"ηλ/m (the statistic's a - b is that ratio minus 1).",
                stats.equivalence(early[:, i], np.ones(len(early)), margin=c["rate_tolerance"], judged=judged)))
        found.append(stats.Claim(
            "decay_levels_off",
            f"The decay levels off: over the last {c['plateau_epochs']} epochs the RMS of each layer, at every width, "
            f"changes by less than {100 * c['level_off_ratio']:g}% of the predicted rate per epoch (largest ratio "
            f"over layers and widths).",
            stats.threshold(cls.late_ratio(result).max(axis=(0, 2)), above=False, level=c["level_off_ratio"],
                            judged=judged)))
        slopes = cls.slopes(result)
        for name, words in (("all", "all weights"), ("hidden", "the hidden layer's weights"),
                            ("output", "the output layer's weights")):
            found.append(stats.Claim(
                f"plateau_slope_{name}",
                f"The plateau RMS of {words} scales like 1/sqrt(N) across hidden widths: its log-log slope against "
                f"the total number of weights N is within {c['slope_margin']:g} of -1/2 (a - b: slope plus 1/2).",
                stats.equivalence(slopes[name], np.full(len(slopes[name]), NIELSEN_SLOPE),
                                  margin=c["slope_margin"], judged=judged)))
        level = np.log2(cls.level_ratio(result)).mean(axis=1)
        found.append(stats.Claim(
            "plateau_near_inverse_sqrt_n",
            f"The plateau RMS of all weights is about 1/sqrt(N): within a factor of {c['level_factor']:g} of it "
            f"(a - b: log2 of plateau times sqrt(N), averaged over the widths; 0 would be exactly 1/sqrt(N)).",
            stats.equivalence(level, np.zeros(len(level)), margin=math.log2(c["level_factor"]), judged=judged)))
        positive = [lam for lam in result.coords["lambda"] if lam > 0]
        if len(positive) >= 2:
            ends = np.stack([cls.plateau(all_weights(cls.main_rms(result, lam), cls._main_counts(result)), result,
                                         axis=1) for lam in positive], axis=1)
            found.append(stats.Claim(
                "level_falls_with_lambda",
                f"At {c['hidden']} hidden units, the RMS of all weights over the last epochs falls as lambda grows "
                f"({', '.join(f'{lam:g}' for lam in positive)}).",
                stats.monotone_trend(ends, "decreasing", levels=positive, judged=judged)))
        pull = cls.pull(result)[:, -1]
        found.append(stats.Claim(
            "output_pulled_harder",
            "The data gradient pulls the output layer harder than the hidden layer: at the end, RMS minus the "
            "pure-decay RMS is larger for the output layer (paired by seed).",
            stats.paired_difference(pull[:, 1], pull[:, 0], greater=True, judged=judged)))
        control = np.log(cls.growth(result, 0.0))
        found.append(stats.Claim(
            "output_grows_without_decay",
            "Without decay (lambda = 0) the output layer's RMS grows by a larger factor than the hidden layer's "
            "(log of end over start, paired by seed).",
            stats.paired_difference(control[:, 1], control[:, 0], greater=True, judged=judged)))
        weak = cls.weak_lambda(result)
        grown = cls.growth(result, weak)
        found.append(stats.Claim(
            "opposite_directions_weak_lambda",
            f"At the weakest decay (lambda = {weak:g}) the two layers move in opposite directions, as in the "
            f"reader's run: the hidden layer's RMS ends below its start and the output layer's above, in every seed.",
            stats.holds_in((grown[:, 0] < 1) & (grown[:, 1] > 1), required=len(grown), judged=judged)))
        flags = cls.statistic_flags(result)
        majority = len(flags["sum_misreports"]) // 2 + 1
        found.append(stats.Claim(
            "sum_misreports",
            f"The sum of the weights misreports how much a layer shrank: its end-over-start ratio has the wrong sign "
            f"or is off from the RMS's by more than a factor of {SUM_FACTOR:g}, in at least one layer, in most seeds.",
            stats.holds_in(flags["sum_misreports"], required=majority, judged=judged)))
        found.append(stats.Claim(
            "ord1_tracks",
            f"numpy's norm(W, ord=1) (the largest absolute column sum) shrinks by the RMS's factor within "
            f"{ORD1_FACTOR:g}x, in both layers, in every seed.",
            stats.holds_in(flags["ord1_tracks"], required=len(flags["ord1_tracks"]), judged=judged)))
        found.append(stats.Claim(
            "variance_tracks",
            f"The square root of the variance shrinks by the RMS's factor within {100 * VARIANCE_TOLERANCE:g}%, in "
            f"both layers, in every seed.",
            stats.holds_in(flags["variance_tracks"], required=len(flags["variance_tracks"]), judged=judged)))
        return found

    @classmethod
    def _main_counts(cls, result: Result) -> tuple[int, int]:
        c = result.config
        n_inputs = int(result["layer_weights"][0, 0]) // c["widths"][0]
        return layer_counts(n_inputs, c["hidden"])

    # ------------------------------------------------------------------ numbers and sentences for the page

    @classmethod
    def data_words(cls, result: Result) -> str:
        c = result.config
        name = "scikit-learn's 8×8 digits" if c["dataset"] == "digits" else "MNIST"
        return f"{name}, {c['n_train']:,} training and {c['n_test']:,} test images per seed"

    @classmethod
    def numbers(cls, result: Result) -> dict[str, float]:
        """Every number the page quotes, read from the run."""
        c = result.config
        counts = cls._main_counts(result)
        rms = cls.main_rms(result)
        early = cls.early_ratio(result)
        level_off = cls.level_off(result)
        at_level_off = np.take_along_axis(rms, np.minimum(level_off, rms.shape[1] - 1)[:, None, :], axis=1)[:, 0]
        plateau = cls.plateau(rms, result, axis=1)
        slopes = cls.slopes(result)
        plateaus = cls.sweep_plateaus(result)
        pull = cls.pull(result)[:, -1]
        values = {
            "nielsen_factor": nielsen_factor(c["learning_rate"], c["lmbda"], c["batch_size"]),
            "exact_factor": decay_factor(c["learning_rate"], c["lmbda"], c["n_train"], c["batch_size"]),
            "eta_lambda_over_m": c["learning_rate"] * c["lmbda"] / c["batch_size"],
            "l2": c["lmbda"] / (2 * c["n_train"]),
            "step_factor": 1 - c["learning_rate"] * c["lmbda"] / c["n_train"],
            "steps_per_epoch": float(steps_per_epoch(c["n_train"], c["batch_size"])),
            "n_weights": float(sum(counts)),
            "inverse_sqrt_n": 1 / math.sqrt(sum(counts)),
            "plateau_all": float(cls.plateau(all_weights(rms, counts), result, axis=1).mean()),
            "level_ratio": float(np.exp(np.log(cls.level_ratio(result)).mean())),
            "level_ratio_low": float(cls.level_ratio(result).mean(axis=0).min()),
            "level_ratio_high": float(cls.level_ratio(result).mean(axis=0).max()),
            "n_min": float(plateaus["n_all"].min()), "n_max": float(plateaus["n_all"].max()),
            "equilibrium_low": float(cls.equilibrium(result).mean(axis=0).min()),
            "equilibrium_high": float(cls.equilibrium(result).mean(axis=0).max()),
            "weak_lambda": cls.weak_lambda(result),
            "reader_epoch_factor": nielsen_factor(READER_RUN["learning_rate"], READER_RUN["lmbda"],
                                                  READER_RUN["batch_size"]),
            "reader_variance_end": nielsen_factor(READER_RUN["learning_rate"], READER_RUN["lmbda"],
                                                  READER_RUN["batch_size"]) ** (2 * READER_RUN["epochs"]),
            "reader_lambda_over_n": READER_RUN["lmbda"] / READER_RUN["n_train"],
            "lambda_over_n": c["lmbda"] / c["n_train"],
        }
        for i, layer in enumerate(LAYERS):
            values[f"early_ratio_{layer}"] = float(early[:, i].mean())
            values[f"early_factor_{layer}"] = float(np.exp(-early[:, i].mean() * cls.predicted_rate(result)))
            values[f"level_off_{layer}"] = float(np.median(level_off[:, i]))
            values[f"at_level_off_{layer}"] = float(at_level_off[:, i].mean())
            values[f"plateau_{layer}"] = float(plateau[:, i].mean())
            values[f"start_{layer}"] = float(rms[:, 0, i].mean())
            values[f"pull_{layer}"] = float(pull[:, i].mean())
            values[f"pure_end_{layer}"] = float(pure_decay(rms, math.exp(-cls.predicted_rate(result)))[:, -1, i].mean())
            values[f"control_growth_{layer}"] = float(cls.growth(result, 0.0)[:, i].mean())
            values[f"weak_growth_{layer}"] = float(cls.growth(result, cls.weak_lambda(result))[:, i].mean())
        for name, slope in slopes.items():
            values[f"slope_{name}"] = float(slope.mean())
        return values

    @classmethod
    def accuracy_words(cls, result: Result) -> str:
        """What each lambda cost in test accuracy, so that the decay's strength can be judged."""
        parts = ", ".join(f"{100 * float(result['test_accuracy'][j].mean()):.1f}% at lambda {lam:g}"
                          for j, lam in enumerate(result.coords["lambda"]))
        hidden = result.config["hidden"]
        return f"Test accuracy after the last epoch at {hidden} hidden units, mean over seeds: {parts}."

    @classmethod
    def equilibrium(cls, result: Result) -> np.ndarray:
        """`[seed, width]`: (lambda/n) times the plateau's squared norm, the quantity the Discussion's
        balance argument says should be the same at every width."""
        plateaus = cls.sweep_plateaus(result)
        return result.config["lmbda"] / result.config["n_train"] * plateaus["all"] ** 2 * plateaus["n_all"]

    @classmethod
    def reader_table(cls, result: Result, seed: int = 0) -> str:
        """The reader's before-and-after table for one seed, with the RMS and what pure decay predicts."""
        c = result.config
        reader = result["reader"][result.coords["lambda"].index(c["lmbda"]), seed].astype(np.float64)
        rms = cls.main_rms(result)[seed]
        total = decay_factor(c["learning_rate"], c["lmbda"], c["n_train"], c["batch_size"]) ** c["epochs"]
        rows = ["| layer | statistic | start | end | end / start | pure decay predicts end / start |",
                "|---|---|---|---|---|---|"]
        names = result.coords["statistic"]
        for i, layer in enumerate(LAYERS):
            entries = [(READER_LABELS[n], reader[0, i, names.index(n)], reader[-1, i, names.index(n)],
                        total ** (2 if n == "variance" else 1)) for n in ("sum", "ord1", "variance")]
            entries.append(("RMS", rms[0, i], rms[-1, i], total))
            for label, start, end, predicted in entries:
                rows.append(f"| {LAYER_LABELS[layer]} | {label} | {start:.3g} | {end:.3g} | {end / start:.3g} | "
                            f"{predicted:.3g} |")
        return "\n".join(rows)

    @classmethod
    def answers(cls, result: Result, found: list[stats.Claim]) -> dict[str, str]:
        """The Conclusion's sentences and the answers to the reader, worded from the verdicts and values."""
        v = cls.numbers(result)
        c = result.config
        if not result.judged:
            note = ("This build does not judge its claims (the `smoke` profile), so it gives no answers; the numbers "
                    "below come from a run too short to mean anything.")
            return {"answer_shrink": note, "answer_factor": note, "answer_level": note, "answer_layers": note,
                    "answer_statistics": note}
        verdict = {claim.id: claim.verdict for claim in found}
        yes = stats.Verdict.SUPPORTED

        def holds(claim_id: str) -> bool:
            return verdict.get(claim_id) is yes

        shrink = (("Yes. " if holds("decay_shrinks_both_layers") else
                   "Not in both layers compared with training without decay. ")
                  + f"At lambda = {c['lmbda']:g} the hidden layer's RMS fell from {v['start_hidden']:.2f} to "
                  f"{v['plateau_hidden']:.3f} and the output layer's from {v['start_output']:.2f} to "
                  f"{v['plateau_output']:.3f} (means over seeds, the last being the plateau); without decay the same "
                  f"networks ended at {v['control_growth_hidden']:.2f} and {v['control_growth_output']:.2f} times "
                  f"their starting RMS.")
        factor = (f"The exercise predicts a factor of exp(-ηλ/m) = {v['nielsen_factor']:.4f} per epoch "
                  f"(exactly {v['exact_factor']:.4f} with {v['steps_per_epoch']:.0f} steps of {v['step_factor']:.4f}). "
                  f"Over the first {c['early_epochs']} epochs the hidden layer shrank by "
                  f"{v['early_factor_hidden']:.4f} "
                  f"per epoch ({100 * v['early_ratio_hidden']:.0f}% of the predicted rate): "
                  + ("the prediction holds" if holds("early_factor_hidden") else "the prediction is not confirmed")
                  + f". The output layer shrank by {v['early_factor_output']:.4f} per epoch "
                  f"({100 * v['early_ratio_output']:.0f}% of the rate): "
                  + ("it too follows the prediction." if holds("early_factor_output") else
                     f"it does not follow the prediction but shrinks "
                     f"{'more slowly' if v['early_ratio_output'] < 1 else 'faster'}, the sign of a data gradient "
                     f"acting on it from the first epoch."))
        slope_words = ("scales like 1/sqrt(N)" if holds("plateau_slope_all") else
                       "is not shown to scale like 1/sqrt(N)")
        level_words = ("and it is about 1/sqrt(N) in size" if holds("plateau_near_inverse_sqrt_n") else
                       f"but it is not about 1/sqrt(N) in size: it sits {v['level_ratio']:.0f} times higher "
                       f"({v['level_ratio_low']:.1f} to {v['level_ratio_high']:.1f} times, depending on the width)")
        level = ((f"The decay levels off (the hidden layer after about {v['level_off_hidden']:.0f} epochs, the output "
                  f"layer after about {v['level_off_output']:.0f})" if holds("decay_levels_off") else
                  "The decay is not shown to level off within the run")
                 + f". Across widths with {v['n_min']:,.0f} to {v['n_max']:,.0f} weights the plateau of all weights "
                 f"{slope_words} (log-log slope {v['slope_all']:.2f}; hidden layer {v['slope_hidden']:.2f}, output "
                 f"layer {v['slope_output']:.2f}), {level_words}. At {c['hidden']} hidden units the plateau is "
                 f"{v['plateau_all']:.3f} against 1/sqrt({v['n_weights']:,.0f}) = {v['inverse_sqrt_n']:.4f}.")
        if "level_falls_with_lambda" in verdict:
            level += (" The level also depends on lambda: "
                      + ("it falls as lambda grows, " if holds("level_falls_with_lambda") else
                         "a fall with lambda is not confirmed, ")
                      + "which a function of n alone cannot express.")
        layers = (f"The data gradient pulls each layer away from pure decay, and the output layer hardest: at the end "
                  f"the "
                  f"output layer's RMS exceeds its pure-decay value by {v['pull_output']:.3f}, the hidden layer's by "
                  f"{v['pull_hidden']:.3f}"
                  + (" (larger for the output layer, paired by seed)" if holds("output_pulled_harder") else
                     " (a larger pull on the output layer is not confirmed)")
                  + f". With no decay at all, the output layer's RMS grows by a factor of "
                  f"{v['control_growth_output']:.2f} and the hidden layer's by {v['control_growth_hidden']:.2f}. "
                  + (f"So when the decay is weak, the two layers part ways, as in the reader's run: at lambda = "
                     f"{v['weak_lambda']:g} the hidden layer ends at {v['weak_growth_hidden']:.2f} times its start and "
                     f"the output layer at {v['weak_growth_output']:.2f} times, in every seed."
                     if holds("opposite_directions_weak_lambda") else
                     f"At lambda = {v['weak_lambda']:g} the two layers are not shown to move in opposite directions "
                     f"in every seed (hidden {v['weak_growth_hidden']:.2f}, output {v['weak_growth_output']:.2f} "
                     f"times their start)."))
        statistics = ("The sum of the weights "
                      + ("could not answer the question: in most seeds its end-over-start ratio had the wrong sign or "
                         "missed the RMS's by more than a factor of 2, because the sum measures the mean weight, not "
                         "the size. " if holds("sum_misreports") else
                         "is not shown to misreport the change in this run, but it measures the mean weight, not the "
                         "size. ")
                      + "numpy's norm(W, ord=1) "
                      + ("shrank within 1.5x of the RMS's factor in every seed, so it answers whether a layer "
                         "shrank, " if holds("ord1_tracks") else
                         "did not follow the RMS's factor within 1.5x in every seed, ")
                      + "but it is one column's sum, not a per-weight size, so it cannot be set against 1/sqrt(N). "
                      + "The variance "
                      + ("followed the RMS within 10% in every seed: its square root is the per-weight size the "
                         "question is about." if holds("variance_tracks") else
                         "did not follow the RMS within 10% in every seed."))
        return {"answer_shrink": shrink, "answer_factor": factor, "answer_level": level, "answer_layers": layers,
                "answer_statistics": statistics}

    @classmethod
    def discussion(cls, result: Result, found: list[stats.Claim]) -> dict[str, str]:
        """The Discussion's sentences that depend on the run."""
        c = result.config
        v = cls.numbers(result)
        reader = result["reader"][result.coords["lambda"].index(c["lmbda"])].astype(np.float64)
        mean = reader[..., result.coords["statistic"].index("mean")]
        start, end = mean[:, 0].mean(axis=0), mean[:, -1].mean(axis=0)
        drift = (f"In this run the mean output weight went from {start[1]:+.3f} at the start to {end[1]:+.3f} at the "
                 f"end (mean over seeds), the mean hidden weight from {start[0]:+.3f} to {end[0]:+.3f}.")
        balance = (f"Across the widths, D = (lambda/n) times the plateau's squared norm ranged only from "
                   f"{v['equilibrium_low']:.2f} to {v['equilibrium_high']:.2f} (means over seeds) while N grew "
                   f"{v['n_max'] / v['n_min']:.0f}-fold, so the squared norm stayed nearly fixed, and with n/lambda = "
                   f"{c['n_train'] / c['lmbda']:g} the level came out {v['level_ratio']:.1f} times 1/sqrt(N). With the "
                   f"reader's lambda/n, {v['lambda_over_n'] / v['reader_lambda_over_n']:g} times smaller than ours, "
                   f"the same D would put the level another "
                   f"{math.sqrt(v['lambda_over_n'] / v['reader_lambda_over_n']):.0f} times higher.")
        if not result.judged:
            regime = "This build does not judge its claims, so it does not compare them with the reader's run."
        else:
            verdict = {claim.id: claim.verdict for claim in found}
            yes = stats.Verdict.SUPPORTED
            regime = ("In our run, " + (
                f"the output layer likewise ended above its start while the hidden layer ended below, in every seed, "
                f"when the decay was weak (lambda = {v['weak_lambda']:g})"
                if verdict["opposite_directions_weak_lambda"] is yes else
                f"the weak decay (lambda = {v['weak_lambda']:g}) did not part the layers in every seed") + ", and "
                + ("without decay the output layer grew by a larger factor than the hidden layer."
                   if verdict["output_grows_without_decay"] is yes else
                   "without decay the output layer is not shown to grow faster than the hidden layer."))
        return {"mean_drift": drift, "balance_level": balance, "reader_regime": regime}

    # ------------------------------------------------------------------ figures

    @classmethod
    def plot(cls, result: Result) -> list:
        return [cls.plot_decay(result), cls.plot_widths(result), cls.plot_reader(result)]

    @classmethod
    def plot_decay(cls, result: Result):
        """The main width: RMS against pure decay, the per-epoch factor, the data's pull, and lambda."""
        c = result.config
        epochs = np.array(result.coords["epoch"])
        rms = cls.main_rms(result)
        factor = math.exp(-cls.predicted_rate(result))
        pure = pure_decay(rms, factor)
        control = cls.main_rms(result, 0.0)
        fig, axes = plotting.figure(2, 2, width=10.0, height=3.3)
        ax = axes[0, 0]
        for i, layer in enumerate(LAYERS):
            color = LAYER_COLORS[layer]
            trajectory(ax, epochs, rms[..., i], label=f"{LAYER_LABELS[layer]}, lambda {c['lmbda']:g}",
                               color=color)
            ax.plot(epochs, pure[..., i].mean(axis=0), color=color, linestyle="--", linewidth=1)
            ax.plot(epochs, control[..., i].mean(axis=0), color=color, linestyle=":", linewidth=1.2)
        ax.axhline(1 / math.sqrt(sum(cls._main_counts(result))), color="#4a4a4a", linestyle="-.", linewidth=0.9)
        log_y(ax)
        ax.set(xlabel="epochs", ylabel="RMS weight",
               title="RMS (dashed: pure decay; dotted: lambda 0;\ndash-dot: 1/sqrt(N))")
        ax.legend(fontsize=7, loc="lower left")
        ax = axes[0, 1]
        ratio = np.exp(-rates(rms))
        for i, layer in enumerate(LAYERS):
            trajectory(ax, epochs[1:], ratio[..., i], label=LAYER_LABELS[layer], color=LAYER_COLORS[layer])
        ax.axhline(nielsen_factor(c["learning_rate"], c["lmbda"], c["batch_size"]), color="#4a4a4a", linestyle="--",
                   linewidth=0.9, label="exp(-ηλ/m)")
        ax.axhline(math.exp(-c["level_off_ratio"] * cls.predicted_rate(result)), color="#4a4a4a", linestyle=":",
                   linewidth=0.9, label="levelled off below this")
        ax.set(xlabel="epochs", ylabel="RMS at epoch e / at e-1", title="Per-epoch factor")
        ax.legend(fontsize=7, loc="lower right")
        ax = axes[1, 0]
        pull = cls.pull(result)
        for i, layer in enumerate(LAYERS):
            trajectory(ax, epochs, pull[..., i], label=f"{LAYER_LABELS[layer]}: RMS - pure decay",
                               color=LAYER_COLORS[layer])
            trajectory(ax, epochs, control[..., i] - control[:, :1, i], color=LAYER_COLORS[layer],
                               linestyle=":", label=f"{LAYER_LABELS[layer]}, lambda 0: RMS - start")
        ax.axhline(0, color="#4a4a4a", linewidth=0.6)
        ax.set(xlabel="epochs", ylabel="RMS difference", title="The data's pull on each layer")
        ax.legend(fontsize=7)
        ax = axes[1, 1]
        lambdas = result.coords["lambda"]
        x = np.arange(len(lambdas))
        for i, layer in enumerate(LAYERS):
            ends = np.stack([cls.growth(result, lam)[:, i] for lam in lambdas], axis=1)
            plotting.mean_band(ax, x, ends, label=LAYER_LABELS[layer], color=LAYER_COLORS[layer])
        pure_total = [decay_factor(c["learning_rate"], lam, c["n_train"], c["batch_size"]) ** c["epochs"]
                      for lam in lambdas]
        ax.plot(x, pure_total, color="#4a4a4a", linestyle="--", marker="x", label="pure decay")
        ax.axhline(1, color="#4a4a4a", linewidth=0.6)
        ax.set_xticks(x, [f"{lam:g}" for lam in lambdas])
        log_y(ax)
        ax.set(xlabel="lambda (Nielsen's)", ylabel="RMS at the end / at the start",
               title=f"After {c['epochs']} epochs, by lambda")
        ax.legend(fontsize=7)
        fig.tight_layout()
        return fig

    @classmethod
    def plot_widths(cls, result: Result):
        """The width sweep: all-weights RMS over epochs, and the plateaus against 1/sqrt(N)."""
        epochs = np.array(result.coords["epoch"])
        counts = result["layer_weights"].astype(np.float64)
        everything = all_weights(result["sweep_rms"].astype(np.float64), counts[:, None, None, :])
        fig, axes = plotting.figure(1, 2, width=10.0, height=3.6)
        ax = axes[0, 0]
        for w, width in enumerate(result.coords["width"]):
            color = plotting.COLORS[w % len(plotting.COLORS)]
            trajectory(ax, epochs, everything[w], label=f"{width} hidden units", color=color)
            ax.axhline(1 / math.sqrt(counts[w].sum()), color=color, linestyle="-.", linewidth=0.8)
        log_y(ax)
        ax.set(xlabel="epochs", ylabel="RMS of all weights",
               title="RMS by width (dash-dot: each width's 1/sqrt(N))")
        ax.legend(fontsize=7, ncol=2)
        ax = axes[0, 1]
        plateaus = cls.sweep_plateaus(result)
        slopes = cls.slopes(result)
        n = plateaus["n_all"]
        for name, label, color in (("all", "all weights", plotting.COLORS[7]),
                                   ("hidden", "hidden layer", LAYER_COLORS["hidden"]),
                                   ("output", "output layer", LAYER_COLORS["output"])):
            plotting.mean_band(ax, n, plateaus[name], color=color,
                               label=f"{label} (slope {slopes[name].mean():.2f})")
        ax.plot(n, 1 / np.sqrt(n), color="#4a4a4a", linestyle="-.", label="1/sqrt(N) (slope -0.5)")
        log_y(ax)
        ax.set(xscale="log", xlabel="N, total weights of the network",
               ylabel="plateau RMS", title="Plateau against the number of weights")
        ax.set_xticks(n, [f"{count:,.0f}" for count in n], fontsize=7)
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.legend(fontsize=7)
        fig.tight_layout()
        return fig

    @classmethod
    def plot_reader(cls, result: Result):
        """The reader's statistics on the same weights, each seed a line, against what pure decay predicts.

        Linear axes: a plateau against a curve falling to zero reads at a glance, and every panel keeps
        readable tick labels."""
        c = result.config
        epochs = np.array(result.coords["epoch"])
        reader = result["reader"][result.coords["lambda"].index(c["lmbda"])].astype(np.float64)
        rms = cls.main_rms(result)
        names = result.coords["statistic"]
        factor = math.exp(-cls.predicted_rate(result))
        panels = (("sum", 1), ("ord1", 1), ("variance", 2), ("rms", 1))
        fig, axes = plotting.figure(2, len(panels), width=10.5, height=2.7)
        for i, layer in enumerate(LAYERS):
            for j, (name, power) in enumerate(panels):
                ax = axes[i, j]
                values = rms[..., i] if name == "rms" else reader[..., i, names.index(name)]
                for s, row in enumerate(values):
                    ax.plot(epochs, row, color=LAYER_COLORS[layer], linewidth=0.9, alpha=0.8,
                            label="each seed" if s == 0 else None)
                    ax.plot(epochs, row[0] * factor ** (power * epochs), color="#4a4a4a", linestyle="--",
                            linewidth=0.7, alpha=0.7, label="pure decay" if s == 0 else None)
                if name == "sum":
                    ax.axhline(0, color="#4a4a4a", linewidth=0.6)
                else:
                    ax.set_ylim(0, values.max() * 1.05)
                ax.set_title(f"{LAYER_LABELS[layer]}: {READER_LABELS[name]}", fontsize=9)
                if i == len(LAYERS) - 1:
                    ax.set_xlabel("epochs")
        axes[0, 0].legend(fontsize=7)
        fig.tight_layout()
        return fig
