"""Chapter 15 (reader question): should an L2 penalty be normalized by the size of each layer?

A reader proposed dividing each layer's L2 penalty by its number of weights, so that a big first
layer does not dominate the penalty and lambda no longer depends on the widths. A reply argued
that trained weights have mean squares proportional to 1/(n_in + n_out), so that the factor
(n_in + n_out)/(n_in n_out) would equalize the layers, and doubted that either would generalize
better. Here the three penalties (plain, per-element and (n_in + n_out)-scaled) are each tuned on
a validation split over a log grid of lambda, at two first-layer widths, and compared on test
accuracy, on the per-layer mean squares they leave, and on whether the chosen lambda moves with
the width.

The engine takes one tuple of per-layer penalty factors per `train` call, and the normalized
factors depend on the layer shapes, so every (penalty, width) pair is its own ensemble whose
members are the seeds times the lambdas. The unpenalized networks (lambda = 0) train once, in
the plain ensemble, and serve as every penalty's reference.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from atoms import claims as stats
from atoms import data, plotting, seeding
from atoms.config import Config, param
from atoms.engine import Data, Init, Members, Network, Recording, Training, predict, train
from atoms.experiment import Experiment, Result
from atoms.prose import join_words

PENALTIES = ("plain", "per_element", "fan_sum")
PENALTY_LABELS = {"plain": "plain L2", "per_element": "per-element L2", "fan_sum": "(n_in+n_out)-scaled L2"}
PENALTY_COLORS = {"plain": plotting.COLORS[0], "per_element": plotting.COLORS[1], "fan_sum": plotting.COLORS[2]}
LAWS = ("fan_in", "fan_sum", "count", "equal")
LAW_LABELS = {"fan_in": "1/n_in", "fan_sum": "1/(n_in+n_out)", "count": "1/(n_in·n_out)", "equal": "equal"}
LAW_COLORS = {"fan_in": plotting.COLORS[3], "fan_sum": plotting.COLORS[2], "count": plotting.COLORS[0],
              "equal": plotting.COLORS[1]}
# At a stationary point of data loss + sum_l s_l ||W_l||^2 of a ReLU network, s_l ||W_l||^2 is the
# same for every layer (see `balance_law`), which fixes the mean squares' pattern per penalty.
BALANCE_LAW = {"plain": "count", "per_element": "equal", "fan_sum": "fan_sum"}
INITS = ("he_normal", "glorot_normal")
PER_MEMBER = ("val_accuracy", "val_loss", "test_accuracy", "train_accuracy")
N_CLASSES = 10
MNIST_TRAIN_IMAGES = 60_000


@dataclass(frozen=True)
class NormalizedL2Config(Config):
    dataset: str = param("digits", "Images to learn: scikit-learn's 8x8 'digits' (bundled) or 'mnist' (Keras' "
                                   "file must be present; 784 inputs).", choices=data.IMAGE_DATASETS)
    n_train: int = param(300, "Training images per seed.", ge=10, le=60_000)
    n_val: int = param(300, "Validation images per seed, split off the training draw; they choose lambda.",
                       ge=10, le=60_000)
    n_test: int = param(1197, "Test images per seed, disjoint from training and validation; they score the "
                              "chosen lambda.", ge=10, le=10_000)
    widths: tuple[int, ...] = param((16, 256), "Widths of the first hidden layer, increasing; the widest network "
                                               "is the one of very different layer shapes.", ge=1, le=2048,
                                    min_len=2)
    second_width: int = param(16, "Width of the second hidden layer, the same in every network.", ge=1, le=2048)
    lambdas: tuple[float, ...] = param((3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2),
                                       "Log grid of plain-L2 strengths, increasing; each normalized penalty sweeps "
                                       "the same grid times its anchor. Lambda = 0 is always trained as the "
                                       "reference.", gt=0, le=100, min_len=3)
    init: str = param("he_normal", "Weight initializer: 'he_normal' (variance 2/n_in, the ReLU default) or "
                                   "'glorot_normal' (variance 2/(n_in+n_out)).", choices=INITS)
    steps: int = param(300, "Adam steps, one mini-batch each.", ge=1, le=100_000)
    batch_size: int = param(32, "Images per mini-batch, drawn in shuffled epochs.", ge=1, le=60_000)
    learning_rate: float = param(0.003, "Adam learning rate.", gt=0, le=1)
    n_seeds: int = param(5, "Seeds; each draws its own data split and initial weights, shared by every penalty, "
                            "lambda and (per width) network.", ge=2, le=100)
    accuracy_margin: float = param(0.01, "Test-accuracy difference (as a fraction) within which two penalties "
                                         "count as equally good.", gt=0, le=0.5)
    lambda_margin: float = param(0.5, "Shift of the chosen lambda between widths, in decades, within which it "
                                      "counts as staying put.", gt=0, le=5)
    tolerance_drop: float = param(0.02, "Validation-accuracy drop below the best that defines the strongest "
                                        "tolerated lambda.", gt=0, le=0.5)
    balance_tolerance: float = param(0.1, "Misfit (in decades) below which the mean squares count as following "
                                          "a penalty's balance law at the strongest lambda.", gt=0, le=2)

    profile_overrides = {"smoke": {"steps": 20, "n_seeds": 2, "widths": (8, 32), "lambdas": (1e-4, 1e-3, 1e-2),
                                   "n_train": 100, "n_val": 100, "n_test": 200}}

    def __post_init__(self):
        super().__post_init__()
        data.require_image_dataset(self.dataset)
        for name in ("widths", "lambdas"):
            values = getattr(self, name)
            if any(b <= a for a, b in zip(values, values[1:])):
                raise ValueError(f"parameter {name!r} must increase strictly, got {list(values)}")
        if self.dataset == "digits":
            data.check_digits_counts(self.n_train + self.n_val, self.n_test, train="'n_train' + 'n_val'")
        if self.dataset == "mnist" and self.n_train + self.n_val > MNIST_TRAIN_IMAGES:
            raise ValueError(f"parameter 'n_val': n_train + n_val must be at most {MNIST_TRAIN_IMAGES} for "
                             f"dataset='mnist' (both come from its training split), got {self.n_train} + {self.n_val}")


def layer_scales(shapes: list[tuple[int, int]], penalty: str) -> tuple[float, ...]:
    """Per-layer factors on lambda * sum(W**2): the reader's 1/(n_in n_out) makes each layer's penalty
    a mean over its weights; the reply's (n_in+n_out)/(n_in n_out) makes it the mean square times
    n_in + n_out, equal across layers when mean squares follow 1/(n_in+n_out)."""
    if penalty == "plain":
        return tuple(1.0 for _ in shapes)
    if penalty == "per_element":
        return tuple(1.0 / (n_in * n_out) for n_in, n_out in shapes)
    if penalty == "fan_sum":
        return tuple((n_in + n_out) / (n_in * n_out) for n_in, n_out in shapes)
    raise ValueError(f"penalty must be one of {PENALTIES}, got {penalty!r}")


def penalty_anchor(shapes: list[tuple[int, int]], penalty: str, init: str) -> float:
    """The factor on lambda that gives a penalty the plain penalty's value at initialization.

    The three penalties differ by orders of magnitude at the same lambda (per-element divides the
    64x256 matrix by 16,384), so each sweeps the plain grid times its anchor. The anchor is fixed
    on one network (the widest) and kept for every width, or normalizing would be undone.
    """
    scales = layer_scales(shapes, penalty)
    expected = [n_in * n_out * Init(init).scale(n_in, n_out) ** 2 for n_in, n_out in shapes]
    return sum(expected) / sum(s * e for s, e in zip(scales, expected))


def law_values(shapes: list[tuple[int, int]], law: str) -> np.ndarray:
    """The candidate mean-square laws, up to a constant factor, one value per layer."""
    n_in, n_out = np.array(shapes, np.float64).T
    laws = {"fan_in": 1.0 / n_in, "fan_sum": 1.0 / (n_in + n_out), "count": 1.0 / (n_in * n_out),
            "equal": np.ones_like(n_in)}
    if law not in laws:
        raise ValueError(f"law must be one of {LAWS}, got {law!r}")
    return laws[law]


def law_misfit(mean_squares: np.ndarray, shapes: list[tuple[int, int]], law: str) -> np.ndarray:
    """RMS deviation, in decades, of log10(mean square / law) from its mean across layers.

    Only ratios between layers test a law (its constant is free, fitted as that mean), so a law
    that holds exactly gives 0 whatever the overall scale; `mean_squares` is `[..., layers]`.
    """
    residual = np.log10(np.asarray(mean_squares, np.float64)) - np.log10(law_values(shapes, law))
    return np.sqrt(np.mean((residual - residual.mean(axis=-1, keepdims=True)) ** 2, axis=-1))


def balance_law(penalty: str) -> str:
    """The law a penalty's stationary points obey in a ReLU network.

    Scaling layer l's weights and biases by a > 0 and layer l+1's weights by 1/a leaves the
    function unchanged, so at a stationary point of the penalized loss the penalty's derivative
    along that path, 2 (s_l ||W_l||^2 - s_{l+1} ||W_{l+1}||^2), is zero: s_l n_in n_out times the
    mean square is the same in every layer.
    """
    return BALANCE_LAW[penalty]


def select_best(val_accuracy: np.ndarray, val_loss: np.ndarray) -> np.ndarray:
    """Per seed (column), the grid index of the highest validation accuracy.

    Accuracy on a few hundred images ties often, so ties go to the lower validation loss, which
    is continuous and rarely ties; `val_accuracy` and `val_loss` are `[levels, seeds]`.
    """
    return np.lexsort((np.asarray(val_loss), -np.asarray(val_accuracy)), axis=0)[0]


def tolerated_log_lambda(log_levels: np.ndarray, val_accuracy: np.ndarray, drop: float) -> np.ndarray:
    """Per seed, the log10 lambda at which validation accuracy first falls `drop` below its best.

    The best lambda sits on a flat top and jumps between grid points from noise; the edge where a
    penalty starts to hurt is steep and is located to a fraction of a grid step by linear
    interpolation in log lambda. A seed that never falls that far gets the last grid point (a
    lower bound). `val_accuracy` is `[levels, seeds]`.
    """
    accuracy = np.asarray(val_accuracy, np.float64)
    levels = np.asarray(log_levels, np.float64)
    edges = []
    for column in accuracy.T:
        best = int(np.argmax(column))
        floor = column[best] - drop
        below = np.flatnonzero(column[best:] < floor)
        if below.size == 0:
            edges.append(levels[-1])
            continue
        k = best + int(below[0])
        fraction = (column[k - 1] - floor) / (column[k - 1] - column[k])
        edges.append(levels[k - 1] + fraction * (levels[k] - levels[k - 1]))
    return np.array(edges)


def score(logits: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per member: accuracy and mean softmax cross-entropy."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_norm = np.log(np.exp(shifted).sum(axis=-1))
    picked = np.take_along_axis(shifted, labels[..., None], axis=-1)[..., 0]
    return (logits.argmax(axis=-1) == labels).mean(axis=-1), (log_norm - picked).mean(axis=-1)


def mean_squares(params: list[np.ndarray]) -> np.ndarray:
    """`[K, layers]`: each weight matrix's mean square (biases skipped, as the penalties skip them)."""
    return np.stack([(w.astype(np.float64) ** 2).mean(axis=(1, 2)) for w in params[0::2]], axis=1)


def shape_name(shapes: list[tuple[int, int]]) -> str:
    return "-".join(str(n) for n in [shapes[0][0], *(n_out for _, n_out in shapes)])


class NormalizedL2(Experiment):
    name = "15_normalized_l2"
    title = "Should L2 be normalized by layer size?"
    Config = NormalizedL2Config

    @staticmethod
    def _network(n_inputs: int, width: int, config) -> Network:
        return Network(n_inputs, (width, config.second_width), N_CLASSES, activation="relu",
                       weight_init=Init(config.init))

    def _run(self, config):
        seeds = seeding.member_seeds(config.seed, config.n_seeds)
        sets = self._data(config, seeds)
        n_inputs = sets["train"][0].shape[-1]
        widest = self._network(n_inputs, config.widths[-1], config).weight_shapes
        levels = (0.0, *config.lambdas)
        shape = (len(PENALTIES), len(config.widths), len(levels), config.n_seeds)
        out = {name: np.zeros(shape, np.float32) for name in PER_MEMBER}
        out["mean_square"] = np.zeros((*shape, 3), np.float32)
        out["initial_mean_square"] = np.zeros((len(config.widths), config.n_seeds, 3), np.float32)
        out["strength"] = np.array([[penalty_anchor(widest, p, config.init) * v for v in levels] for p in PENALTIES],
                                   np.float32)
        out["fan_in"] = np.zeros((len(config.widths), 3), np.int64)
        out["fan_out"] = np.zeros((len(config.widths), 3), np.int64)
        for w, width in enumerate(config.widths):
            network = self._network(n_inputs, width, config)
            out["fan_in"][w], out["fan_out"][w] = np.array(network.weight_shapes).T
            # Lambda = 0 trains once, with plain L2, and is copied to every penalty as its reference.
            cells = [(p, j, s) for p, penalty in enumerate(PENALTIES)
                     for j in range(0 if penalty == "plain" else 1, len(levels)) for s in range(config.n_seeds)]
            members, history = self._train(config, network, out["strength"], seeds, sets["train"], cells)
            measures = self._measure(network, members, history, sets, np.array([s for _, _, s in cells]))
            for i, (p, j, s) in enumerate(cells):
                for name, values in measures.items():
                    out[name][range(len(PENALTIES)) if j == 0 else p, w, j, s] = values[i]
            out["initial_mean_square"][w] = mean_squares(history.initial_params)[:config.n_seeds]
        dims = {name: ("penalty", "width", "lambda", "seed") for name in PER_MEMBER}
        dims.update(mean_square=("penalty", "width", "lambda", "seed", "layer"),
                    initial_mean_square=("width", "seed", "layer"), strength=("penalty", "lambda"),
                    fan_in=("width", "layer"), fan_out=("width", "layer"))
        coords = {"penalty": list(PENALTIES), "width": list(config.widths), "lambda": [float(v) for v in levels],
                  "seed": list(range(config.n_seeds)), "layer": [0, 1, 2]}
        return out, dims, coords

    @staticmethod
    def _data(config, seeds) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Per seed, one draw of train + validation images (split by position) and of test images, stacked."""
        splits = [data.image_split(config.dataset, config.n_train + config.n_val, config.n_test,
                                   seeding.generator(seed, seeding.DATA)) for seed in seeds]
        parts = {"train": (slice(0, config.n_train), "x_train", "y_train"),
                 "val": (slice(config.n_train, None), "x_train", "y_train"),
                 "test": (slice(None), "x_test", "y_test")}
        return {name: tuple(np.stack([getattr(split, field)[rows] for split in splits]) for field in fields)
                for name, (rows, *fields) in parts.items()}

    @staticmethod
    def _measure(network, members, history, sets, rows) -> dict[str, np.ndarray]:
        """Per member: accuracies, validation loss and per-layer mean squares of the trained weights."""
        measures = {"train_accuracy": history.train_accuracy[:, -1], "mean_square": mean_squares(history.final_params)}
        for name in ("val", "test"):
            x, y = sets[name]
            accuracy, loss = score(predict(network, members, history.final_params, x[rows]), y[rows])
            measures[f"{name}_accuracy"] = accuracy
            if name == "val":
                measures["val_loss"] = loss
        return measures

    @staticmethod
    def _train(config, network, strengths, seeds, train_set, cells):
        """One ensemble per width: members are penalties times lambdas times seeds, each penalty with its
        own per-layer factors."""
        x, y = train_set
        rows = [s for _, _, s in cells]
        members = Members(seeds=[seeds[s] for s in rows], learning_rate=config.learning_rate,
                          l2=np.array([strengths[p, j] for p, j, _ in cells], np.float32),
                          layer_scale=[layer_scales(network.weight_shapes, PENALTIES[p]) for p, _, _ in cells])
        training = Training(steps=config.steps, batch_size=config.batch_size, loss="cross_entropy",
                            optimizer="adam")
        return members, train(network, training, members, Data(x[rows], y[rows]), Recording())

    # ------------------------------------------------------------------ derived per-seed measures

    @staticmethod
    def shapes(result: Result, w: int) -> list[tuple[int, int]]:
        return [(int(i), int(o)) for i, o in zip(result["fan_in"][w], result["fan_out"][w])]

    @classmethod
    def best_index(cls, result: Result, penalty: str, w: int) -> np.ndarray:
        """Per seed, the grid index (lambda = 0 excluded) of the validation-chosen lambda."""
        p = result.coords["penalty"].index(penalty)
        return select_best(result["val_accuracy"][p, w, 1:], result["val_loss"][p, w, 1:]) + 1

    @classmethod
    def at_best(cls, result: Result, name: str, penalty: str, w: int) -> np.ndarray:
        """A per-member measure read at each seed's chosen lambda, `[seeds, ...]`."""
        values = result[name][result.coords["penalty"].index(penalty), w]
        return values[cls.best_index(result, penalty, w), np.arange(values.shape[1])]

    @classmethod
    def log_best(cls, result: Result, penalty: str, w: int) -> np.ndarray:
        """log10 of the chosen lambda in grid units (the anchor is the same at every width)."""
        return np.log10(np.array(result.coords["lambda"])[cls.best_index(result, penalty, w)])

    @classmethod
    def log_tolerated(cls, result: Result, penalty: str, w: int) -> np.ndarray:
        p = result.coords["penalty"].index(penalty)
        return tolerated_log_lambda(np.log10(result.coords["lambda"][1:]), result["val_accuracy"][p, w, 1:],
                                    result.config["tolerance_drop"])

    @classmethod
    def misfit(cls, result: Result, mean_squares: np.ndarray, law: str, w: int) -> np.ndarray:
        return law_misfit(mean_squares, cls.shapes(result, w), law)

    # ------------------------------------------------------------------ claims

    @classmethod
    def claims(cls, result: Result) -> list[stats.Claim]:
        judged, config = result.judged, result.config
        wide, narrow = len(result.coords["width"]) - 1, 0
        net = shape_name(cls.shapes(result, wide))
        zero = result["mean_square"][0, wide, 0]
        found = []
        for penalty in PENALTIES:
            chosen = cls.at_best(result, "mean_square", penalty, wide)
            found.append(stats.Claim(
                f"fan_sum_law_{penalty}",
                f"With {PENALTY_LABELS[penalty]} at each seed's chosen lambda, the per-layer mean squares of the "
                f"{net} network follow 1/(n_in+n_out) more closely than 1/n_in (misfit in decades, paired by seed).",
                stats.paired_difference(cls.misfit(result, chosen, "fan_in", wide),
                                        cls.misfit(result, chosen, "fan_sum", wide), greater=True, judged=judged)))
        for penalty in PENALTIES:
            law = balance_law(penalty)
            chosen = cls.at_best(result, "mean_square", penalty, wide)
            found.append(stats.Claim(
                f"balance_{penalty}",
                f"With {PENALTY_LABELS[penalty]}, the mean squares of the {net} network are closer to its balance "
                f"law {LAW_LABELS[law]} at each seed's chosen lambda than at lambda = 0 (paired by seed).",
                stats.paired_difference(cls.misfit(result, zero, law, wide), cls.misfit(result, chosen, law, wide),
                                        greater=True, judged=judged)))
        strongest = result.coords["lambda"][-1]
        for p, penalty in enumerate(PENALTIES):
            law = balance_law(penalty)
            found.append(stats.Claim(
                f"balance_strongest_{penalty}",
                f"With {PENALTY_LABELS[penalty]} at the strongest lambda ({strongest:g} times the anchor), the mean "
                f"squares of the {net} network follow its balance law {LAW_LABELS[law]} within "
                f"{config['balance_tolerance']:g} decades (misfit, mean over seeds).",
                stats.threshold(cls.misfit(result, result["mean_square"][p, wide, -1], law, wide), above=False,
                                level=config["balance_tolerance"], judged=judged)))
        plain = cls.at_best(result, "test_accuracy", "plain", wide)
        found.append(stats.Claim(
            "plain_beats_no_penalty",
            f"On the {net} network, plain L2 at its chosen lambda reaches a higher test accuracy than the same "
            f"network without a penalty (paired by seed).",
            stats.paired_difference(plain, result["test_accuracy"][0, wide, 0], greater=True, judged=judged)))
        for penalty in PENALTIES[1:]:
            found.append(stats.Claim(
                f"accuracy_{penalty}_matches_plain",
                f"On the {net} network, {PENALTY_LABELS[penalty]} and plain L2, each at its own chosen lambda, reach "
                f"the same test accuracy within ±{100 * config['accuracy_margin']:g} points (paired by seed).",
                stats.equivalence(cls.at_best(result, "test_accuracy", penalty, wide), plain,
                                  margin=config["accuracy_margin"], judged=judged)))
        widths = f"{result.coords['width'][narrow]} to {result.coords['width'][wide]} first-layer units"
        for penalty in PENALTIES:
            found.append(stats.Claim(
                f"best_lambda_stays_{penalty}",
                f"Under {PENALTY_LABELS[penalty]}, the validation-chosen lambda moves by less than "
                f"±{config['lambda_margin']:g} decades from {widths} (log10 shift, paired by seed).",
                stats.equivalence(cls.log_best(result, penalty, wide), cls.log_best(result, penalty, narrow),
                                  margin=config["lambda_margin"], judged=judged)))
        for penalty in PENALTIES:
            found.append(stats.Claim(
                f"tolerated_lambda_stays_{penalty}",
                f"Under {PENALTY_LABELS[penalty]}, the lambda at which validation accuracy falls "
                f"{100 * config['tolerance_drop']:g} points below its best moves by less than "
                f"±{config['lambda_margin']:g} decades from {widths} (log10 shift, paired by seed).",
                stats.equivalence(cls.log_tolerated(result, penalty, wide), cls.log_tolerated(result, penalty, narrow),
                                  margin=config["lambda_margin"], judged=judged)))
        return found

    # ------------------------------------------------------------------ numbers and sentences for the page

    @classmethod
    def numbers(cls, result: Result) -> dict[str, float]:
        """Figures the page quotes (accuracies in percent, shifts and misfits in decades), all from the run."""
        wide, narrow = len(result.coords["width"]) - 1, 0
        values = {"accuracy_zero_wide": 100 * float(result["test_accuracy"][0, wide, 0].mean()),
                  "accuracy_zero_narrow": 100 * float(result["test_accuracy"][0, narrow, 0].mean())}
        zero = result["mean_square"][0, wide, 0]
        initial = result["initial_mean_square"][wide]
        for law in LAWS:
            values[f"misfit_initial_{law}"] = float(cls.misfit(result, initial, law, wide).mean())
            values[f"misfit_zero_{law}"] = float(cls.misfit(result, zero, law, wide).mean())
        for p, penalty in enumerate(PENALTIES):
            values[f"anchor_{penalty}"] = float(result["strength"][p, 1] / result.coords["lambda"][1])
            for w, tag in ((wide, "wide"), (narrow, "narrow")):
                values[f"accuracy_{penalty}_{tag}"] = 100 * float(cls.at_best(result, "test_accuracy", penalty,
                                                                              w).mean())
                values[f"median_best_{penalty}_{tag}"] = float(10 ** np.median(cls.log_best(result, penalty, w)))
            chosen = cls.at_best(result, "mean_square", penalty, wide)
            for law in LAWS:
                values[f"misfit_{penalty}_{law}"] = float(cls.misfit(result, chosen, law, wide).mean())
            values[f"best_shift_{penalty}"] = float((cls.log_best(result, penalty, wide)
                                                     - cls.log_best(result, penalty, narrow)).mean())
            values[f"tolerated_shift_{penalty}"] = float((cls.log_tolerated(result, penalty, wide)
                                                          - cls.log_tolerated(result, penalty, narrow)).mean())
            strongest = result["mean_square"][p, wide, -1]
            values[f"misfit_strongest_{penalty}"] = float(cls.misfit(result, strongest, balance_law(penalty),
                                                                     wide).mean())
            values[f"val_accuracy_strongest_{penalty}"] = 100 * float(result["val_accuracy"][p, wide, -1].mean())
            for layer, (small, large) in enumerate(zip(layer_scales(cls.shapes(result, narrow), penalty),
                                                       layer_scales(cls.shapes(result, wide), penalty))):
                values[f"decay_shift_{penalty}_{layer}"] = float(np.log10(small / large))
        for tag in ("wide", "narrow"):
            values[f"gain_{tag}"] = values[f"accuracy_plain_{tag}"] - values[f"accuracy_zero_{tag}"]
        return values

    @classmethod
    def data_text(cls, result: Result) -> str:
        config = result.config
        name = "scikit-learn's 8×8 digits" if config["dataset"] == "digits" else "MNIST"
        return (f"{name}: per seed {config['n_train']:,} training, {config['n_val']:,} validation and "
                f"{config['n_test']:,} test images, disjoint")

    @classmethod
    def summary(cls, result: Result, found: list[stats.Claim]) -> dict[str, str]:
        """Sentences whose truth depends on the run, written from the verdicts and values."""
        values = cls.numbers(result)
        wide = len(result.coords["width"]) - 1
        net = shape_name(cls.shapes(result, wide))
        text = {"data": cls.data_text(result), "network": net, "flat": cls.flat_text(result),
                "chosen": "; ".join(
                    f"{PENALTY_LABELS[p]}: {values[f'accuracy_{p}_wide']:.1f}% (median chosen lambda "
                    f"{values[f'median_best_{p}_wide'] * values[f'anchor_{p}']:.2g}, that is "
                    f"{values[f'median_best_{p}_wide']:g} times the anchor)" for p in PENALTIES)}
        if not result.judged:
            text["answer_laws"] = text["answer_accuracy"] = text["answer_lambda"] = text["reply"] = (
                "This build does not judge its claims, so it gives no answer; the published book uses the "
                "`full` profile.")
            return text
        verdict = {claim.id: claim.verdict for claim in found}
        text["answer_laws"] = cls._answer_laws(verdict, values, net)
        text["answer_accuracy"] = cls._answer_accuracy(verdict, values, net)
        text["answer_lambda"] = cls._answer_lambda(verdict, values, result)
        text["reply"] = cls._reply(verdict)
        return text

    @staticmethod
    def _answer_laws(verdict, values, net) -> str:
        parts = []
        for penalty in PENALTIES:
            word = {stats.Verdict.SUPPORTED: "follow 1/(n_in+n_out) more closely than 1/n_in",
                    stats.Verdict.NOT_SUPPORTED: "follow 1/n_in at least as closely as 1/(n_in+n_out)",
                    stats.Verdict.INCONCLUSIVE: "are not shown to follow either law more closely"
                    }[verdict[f"fan_sum_law_{penalty}"]]
            parts.append(f"with {PENALTY_LABELS[penalty]} they {word} (misfit to 1/(n_in+n_out) "
                         f"{values[f'misfit_{penalty}_fan_sum']:.2f} decades, to 1/n_in "
                         f"{values[f'misfit_{penalty}_fan_in']:.2f})")
        closer = [PENALTY_LABELS[p] for p in PENALTIES if verdict[f"balance_{p}"] is stats.Verdict.SUPPORTED]
        balance = (f"Compared with lambda = 0, the chosen lambda moves the mean squares toward the penalty's own "
                   f"balance law for {join_words(closer)}" if closer else
                   "At the chosen lambda, no penalty is shown to move the mean squares toward its own balance law")
        reached = [f"{PENALTY_LABELS[p]} to {LAW_LABELS[balance_law(p)]} (misfit "
                   f"{values[f'misfit_strongest_{p}']:.2f} decades)" for p in PENALTIES
                   if verdict[f"balance_strongest_{p}"] is stats.Verdict.SUPPORTED]
        strongest = (f"At the strongest lambda the mean squares follow the balance law of {join_words(reached)}"
                     if reached else "At the strongest lambda no penalty is shown to bring the mean squares to "
                                     "its balance law")
        return (f"On the {net} network at each penalty's chosen lambda, the trained weights' mean squares: "
                + "; ".join(parts) + f". Before training the misfits (to 1/(n_in+n_out), to 1/n_in) were "
                f"{values['misfit_initial_fan_sum']:.2f} and {values['misfit_initial_fan_in']:.2f} decades, and "
                f"after training without a penalty {values['misfit_zero_fan_sum']:.2f} and "
                f"{values['misfit_zero_fan_in']:.2f}. {balance}. {strongest}.")

    @staticmethod
    def _answer_accuracy(verdict, values, net) -> str:
        parts = []
        for penalty in PENALTIES[1:]:
            word = {stats.Verdict.SUPPORTED: "matches plain L2 within the margin",
                    stats.Verdict.NOT_SUPPORTED: "differs from plain L2 by more than the margin",
                    stats.Verdict.INCONCLUSIVE: "is not shown to match plain L2 within the margin, nor to differ"
                    }[verdict[f"accuracy_{penalty}_matches_plain"]]
            parts.append(f"{PENALTY_LABELS[penalty]} {word} ({values[f'accuracy_{penalty}_wide']:.1f}% against "
                         f"{values['accuracy_plain_wide']:.1f}%)")
        gain = {stats.Verdict.SUPPORTED: "is shown to beat", stats.Verdict.NOT_SUPPORTED: "does not beat",
                stats.Verdict.INCONCLUSIVE: "is not shown to beat"}[verdict["plain_beats_no_penalty"]]
        return (f"On the {net} network, each penalty tuned on validation: " + "; ".join(parts)
                + f". Plain L2 itself {gain} no penalty at all, which reaches {values['accuracy_zero_wide']:.1f}% "
                f"on the same networks.")

    @staticmethod
    def _answer_lambda(verdict, values, result) -> str:
        widths = result.coords["width"]
        parts = []
        for penalty in PENALTIES:
            best, edge = verdict[f"best_lambda_stays_{penalty}"], verdict[f"tolerated_lambda_stays_{penalty}"]
            parts.append(f"{PENALTY_LABELS[penalty]}: the chosen lambda {_stay_word(best)} "
                         f"(mean shift {values[f'best_shift_{penalty}']:+.2f} decades) and the tolerated lambda "
                         f"{_stay_word(edge)} ({values[f'tolerated_shift_{penalty}']:+.2f} decades)")
        return (f"From {widths[0]} to {widths[-1]} first-layer units, " + "; ".join(parts) + ".")

    @staticmethod
    def _reply(verdict) -> str:
        """Which of the learner's and the replier's expectations this run bears out."""
        law = {stats.Verdict.SUPPORTED: "are closer to 1/(n_in+n_out) than to 1/n_in",
               stats.Verdict.NOT_SUPPORTED: "are not closer to 1/(n_in+n_out) than to 1/n_in",
               stats.Verdict.INCONCLUSIVE: "are not shown to be closer to 1/(n_in+n_out) than to 1/n_in"
               }[verdict["fan_sum_law_plain"]]
        matched = [PENALTY_LABELS[p] for p in PENALTIES[1:]
                   if verdict[f"accuracy_{p}_matches_plain"] is stats.Verdict.SUPPORTED]
        accuracy = (f"{join_words(matched)} {'matches' if len(matched) == 1 else 'match'} plain L2's test accuracy "
                    f"within the margin" if matched else "neither normalized penalty is shown to match plain L2's "
                                                         "test accuracy within the margin")
        if len(matched) == 1:
            accuracy += ", the other is not shown to"
        tolerated = ", ".join(f"{PENALTY_LABELS[p]}'s {_stay_word(verdict[f'tolerated_lambda_stays_{p}'])}"
                              for p in PENALTIES)
        unsettled = [p for p in PENALTIES if verdict[f"best_lambda_stays_{p}"] is stats.Verdict.INCONCLUSIVE]
        chosen = ("the chosen lambda itself is too noisy to settle it for any penalty" if len(unsettled) == len(
            PENALTIES) else "the chosen lambda itself: " + ", ".join(
            f"{PENALTY_LABELS[p]}'s {_stay_word(verdict[f'best_lambda_stays_{p}'])}" for p in PENALTIES))
        return ("The replier expected trained weights to have mean squares proportional to 1/(n_in+n_out), and "
                f"no gain from normalizing. In this run, at plain L2's chosen lambda the mean squares {law}, and "
                f"{accuracy}. The learner expected lambda to move with the widths under plain L2 and to stay put "
                f"once normalized. By the sharper measure, the tolerated lambda, {tolerated}; {chosen}.")

    @classmethod
    def flat_text(cls, result: Result) -> str:
        """How flat the widest network's validation curves are, which bounds what the chosen lambda can show."""
        wide = len(result.coords["width"]) - 1
        drop = result.config["tolerance_drop"]
        counts = []
        for p, penalty in enumerate(PENALTIES):
            curve = result["val_accuracy"][p, wide].mean(axis=1)
            counts.append(f"{int((curve >= curve.max() - drop).sum())} for {PENALTY_LABELS[penalty]}")
        values = cls.numbers(result)
        return (f"In this run, of the {len(result.coords['lambda'])} grid points (lambda = 0 included), the number "
                f"whose mean validation accuracy on the widest network is within {100 * drop:g} points of the best "
                f"is {', '.join(counts)}; and plain L2 at its chosen lambda changes the mean test accuracy by "
                f"{values['gain_wide']:+.2f} points on the widest network and {values['gain_narrow']:+.2f} on the "
                f"narrowest, against no penalty.")

    # ------------------------------------------------------------------ figures

    @classmethod
    def plot(cls, result: Result) -> list:
        return [cls.plot_validation(result), cls.plot_mean_squares(result), cls.plot_misfit(result),
                cls.plot_test(result)]

    @staticmethod
    def _lambda_axis(ax, levels):
        ax.set_xticks(np.arange(len(levels)), ["0", *[f"{v:g}" for v in levels[1:]]], rotation=45, fontsize=7)
        ax.set_xlabel("lambda ÷ anchor")

    @classmethod
    def plot_validation(cls, result: Result):
        """Validation accuracy against lambda, one panel per penalty, one line per width."""
        levels = result.coords["lambda"]
        x = np.arange(len(levels))
        fig, axes = plotting.figure(1, len(PENALTIES), height=3.3, sharey=True)
        for ax, penalty in zip(axes[0], PENALTIES):
            p = PENALTIES.index(penalty)
            for w, width in enumerate(result.coords["width"]):
                color = plotting.COLORS[(w * 2 + 4) % len(plotting.COLORS)] if w else plotting.COLORS[7]
                plotting.mean_band(ax, x, 100 * result["val_accuracy"][p, w].T, label=f"{width} first-layer units",
                                   color=color)
                # Side by side, so that equal medians of two widths stay visible.
                offset = 0.15 * (w - (len(result.coords["width"]) - 1) / 2)
                chosen = np.median(cls.best_index(result, penalty, w)) + offset
                ax.plot([chosen], [101], marker="v", color=color, markersize=7, clip_on=False)
            ax.set_title(PENALTY_LABELS[penalty])
            cls._lambda_axis(ax, levels)
        axes[0, 0].set_ylabel("validation accuracy (%)")
        axes[0, 0].legend(fontsize=7, loc="lower left")
        fig.tight_layout()
        return fig

    @classmethod
    def plot_mean_squares(cls, result: Result):
        """Per-layer mean squares of the widest network with the candidate laws scaled to fit them."""
        wide = len(result.coords["width"]) - 1
        shapes = cls.shapes(result, wide)
        x = np.arange(len(shapes))
        states = [("initial", result["initial_mean_square"][wide], plotting.COLORS[7], "--"),
                  ("lambda 0", result["mean_square"][0, wide, 0], plotting.COLORS[6], ":")]
        states += [(f"{PENALTY_LABELS[p]}, chosen lambda", cls.at_best(result, "mean_square", p, wide),
                    PENALTY_COLORS[p], "-") for p in PENALTIES]
        fig, axes = plotting.figure(1, 2, height=3.4)
        ax = axes[0, 0]
        for label, values, color, style in states:
            ax.plot(x, np.exp(np.log(values).mean(axis=0)), marker="o", color=color, linestyle=style, label=label)
        ax.set(yscale="log", ylabel="mean square of the weights\n(geometric mean over seeds)",
               title=f"{shape_name(shapes)} network")
        ax.set_xticks(x, [f"{i}×{o}" for i, o in shapes])
        ax.set_xlabel("weight matrix (n_in × n_out)")
        ax.legend(fontsize=7)
        ax = axes[0, 1]
        width = 0.8 / len(LAWS)
        for k, law in enumerate(LAWS):
            heights = [cls.misfit(result, values, law, wide).mean() for _, values, _, _ in states]
            ax.bar(np.arange(len(states)) + (k - (len(LAWS) - 1) / 2) * width, heights, width, color=LAW_COLORS[law],
                   label=LAW_LABELS[law])
        ax.set_xticks(np.arange(len(states)), ["initial", "lambda 0", *[PENALTY_LABELS[p] for p in PENALTIES]],
                      rotation=20, fontsize=7)
        ax.set(ylabel="misfit of the law (decades)", title="which law fits the layers")
        ax.legend(fontsize=7, title="mean square ∝", title_fontsize=7)
        fig.tight_layout()
        return fig

    @classmethod
    def plot_misfit(cls, result: Result):
        """How far each law is from the widest network's mean squares as lambda grows, per penalty."""
        wide = len(result.coords["width"]) - 1
        levels = result.coords["lambda"]
        x = np.arange(len(levels))
        fig, axes = plotting.figure(1, len(PENALTIES), height=3.3, sharey=True)
        for ax, penalty in zip(axes[0], PENALTIES):
            p = PENALTIES.index(penalty)
            for law in LAWS:
                misfit = cls.misfit(result, result["mean_square"][p, wide], law, wide)
                style = "-" if law == balance_law(penalty) else "--"
                plotting.mean_band(ax, x, misfit.T, label=LAW_LABELS[law], color=LAW_COLORS[law], linestyle=style)
            chosen = np.median(cls.best_index(result, penalty, wide))
            ax.axvline(chosen, color="#4a4a4a", linewidth=0.8, linestyle=":")
            ax.set_title(PENALTY_LABELS[penalty])
            cls._lambda_axis(ax, levels)
        axes[0, 0].set_ylabel("misfit of the law (decades)")
        axes[0, 0].legend(fontsize=7, title="mean square ∝", title_fontsize=7)
        fig.tight_layout()
        return fig

    @classmethod
    def plot_test(cls, result: Result):
        """Test accuracy at each penalty's chosen lambda, one line per seed, one panel per width."""
        widths = result.coords["width"]
        fig, axes = plotting.figure(1, len(widths), width=3.2 * len(widths) + 1.5, height=3.2)
        x = np.arange(len(PENALTIES) + 1)
        for ax, (w, width) in zip(axes[0], enumerate(widths)):
            values = [100 * result["test_accuracy"][0, w, 0]]
            values += [100 * cls.at_best(result, "test_accuracy", p, w) for p in PENALTIES]
            values = np.array(values)
            ax.plot(x, values, color="#9aa5b1", linewidth=0.8)
            ax.plot(x, values.mean(axis=1), color=plotting.COLORS[7], marker="o", linewidth=2, label="mean")
            ax.set_xticks(x, ["lambda 0", *[PENALTY_LABELS[p] for p in PENALTIES]], rotation=20, fontsize=7)
            ax.set_title(shape_name(cls.shapes(result, w)))
        axes[0, 0].set_ylabel("test accuracy (%)\n(grey: one seed each)")
        axes[0, 0].legend(fontsize=7)
        fig.tight_layout()
        return fig


def _stay_word(verdict: stats.Verdict) -> str:
    return {stats.Verdict.SUPPORTED: "stays put", stats.Verdict.NOT_SUPPORTED: "moves",
            stats.Verdict.INCONCLUSIVE: "neither clearly stays put nor clearly moves",
            stats.Verdict.NOT_JUDGED: "was not judged"}[verdict]

