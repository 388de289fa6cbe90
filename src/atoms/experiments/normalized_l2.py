"""Chapter 15 (reader question): should an L2 penalty be normalized by the size of each layer?

Plain, per-element and (n_in+n_out)-scaled L2, each tuned on a validation split at two first-layer widths.
The engine takes one tuple of per-layer factors per `train` call: one ensemble per (penalty, width).
"""

from __future__ import annotations

import math
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
PENALTY_COLORS = dict(zip(PENALTIES, plotting.COLORS))
LAWS = ("fan_in", "fan_sum", "count", "equal")
LAW_LABELS = {"fan_in": "1/n_in", "fan_sum": "1/(n_in+n_out)", "count": "1/(n_in·n_out)", "equal": "equal"}
LAW_COLORS = dict(zip(LAWS, (plotting.COLORS[3], plotting.COLORS[2], plotting.COLORS[0], plotting.COLORS[1])))
WIDTH_COLORS = tuple(plotting.COLORS[i] for i in (7, 6, 0, 2, 4))
# Balance laws: rescaling layer l by a > 0 and layer l+1 by 1/a leaves a ReLU network's function unchanged, so
# at any stationary point of the penalized loss (any optimizer) s_l ||W_l||^2 is the same in every layer.
BALANCE_LAW = {"plain": "count", "per_element": "equal", "fan_sum": "fan_sum"}
INITS = ("he_normal", "glorot_normal")
PER_MEMBER = ("val_accuracy", "val_loss", "test_accuracy", "train_accuracy")
N_CLASSES = 10
XLA_FROM = 65_536  # first-layer weights from which the whole loop compiles with XLA: 2.3x faster on 784-256-16-10


@dataclass(frozen=True)
class NormalizedL2Config(Config):
    dataset: str = param("mnist", "Images: the book's 10,000 MNIST digits (28x28, 784 inputs) or scikit-learn's 8x8 "
                                  "'digits'.", choices=data.IMAGE_DATASETS)
    n_train: int = param(300, "Training images per seed.", ge=10, le=10_000)
    n_val: int = param(300, "Validation images per seed, which choose lambda.", ge=10, le=10_000)
    n_test: int = param(1197, "Test images per seed, which score the chosen lambda.", ge=10, le=10_000)
    widths: tuple[int, ...] = param((16, 128), "First-hidden-layer widths, increasing.", ge=1, le=2048, min_len=2)
    second_width: int = param(16, "Width of the second hidden layer, the same in every network.", ge=1, le=2048)
    lambdas: tuple[float, ...] = param((3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1), "Increasing log grid of strengths, "
                                       "times each penalty's anchor (0 always trains).", gt=0, le=100, min_len=3)
    init: str = param("he_normal", "'he_normal' (variance 2/n_in) or 'glorot_normal' (2/(n_in+n_out)).", choices=INITS)
    steps: int = param(150, "Adam steps, one mini-batch each.", ge=1, le=100_000)
    batch_size: int = param(32, "Images per mini-batch, drawn in shuffled epochs.", ge=1, le=60_000)
    learning_rate: float = param(0.003, "Adam learning rate.", gt=0, le=1)
    n_seeds: int = param(8, "Seeds; each draws its own data and initial weights, shared by every arm.", ge=2, le=100)
    accuracy_margin: float = param(0.01, "Test-accuracy margin (a fraction) for equivalence.", gt=0, le=0.5)
    lambda_margin: float = param(0.5, "Tolerated-lambda shift (decades) between staying put and moving.", gt=0, le=5)
    tolerance_drop: float = param(0.02, "Validation-accuracy drop that defines the tolerated lambda.", gt=0, le=0.5)
    balance_tolerance: float = param(0.1, "Misfit (decades) within which mean squares follow a penalty's balance "
                                          "law at the strongest lambda (set after the first run).", gt=0, le=2)

    profile_overrides = {"smoke": {"steps": 20, "n_seeds": 2, "widths": (8, 32), "lambdas": (1e-4, 1e-3, 1e-2),
                                   "n_train": 100, "n_val": 100, "n_test": 200}}
    work = ("steps", "n_seeds", "lambdas")

    def __post_init__(self):
        super().__post_init__()
        for name, values in (("widths", self.widths), ("lambdas", self.lambdas)):
            if any(b <= a for a, b in zip(values, values[1:])):
                raise ValueError(f"parameter {name!r} must increase strictly, got {list(values)}")
        if self.dataset == "digits":
            data.check_digits_counts(self.n_train + self.n_val, self.n_test, train="'n_train' + 'n_val'")
        if self.dataset == "mnist" and self.n_train + self.n_val + self.n_test > data.MNIST_IMAGES:
            raise ValueError(f"parameters 'n_train' + 'n_val' + 'n_test' must be at most {data.MNIST_IMAGES} for "
                             f"dataset='mnist', got {self.n_train} + {self.n_val} + {self.n_test}")


def layer_scales(shapes: list[tuple[int, int]], penalty: str) -> tuple[float, ...]:
    """Per-layer factors s_l on lambda * sum(W**2): 1, 1/(n_in n_out) or (n_in+n_out)/(n_in n_out)."""
    factors = {"plain": lambda i, o: 1.0, "per_element": lambda i, o: 1.0 / (i * o),
               "fan_sum": lambda i, o: (i + o) / (i * o)}
    if penalty not in factors:
        raise ValueError(f"penalty must be one of {PENALTIES}, got {penalty!r}")
    return tuple(factors[penalty](n_in, n_out) for n_in, n_out in shapes)


def penalty_anchor(shapes: list[tuple[int, int]], penalty: str, init: str) -> float:
    """The factor on lambda giving a penalty the plain penalty's value at initialization on `shapes`."""
    scales = layer_scales(shapes, penalty)
    expected = [n_in * n_out * Init(init).scale(n_in, n_out) ** 2 for n_in, n_out in shapes]
    return sum(expected) / sum(s * e for s, e in zip(scales, expected))


def law_values(shapes: list[tuple[int, int]], law: str) -> np.ndarray:
    """A candidate mean-square law, up to a constant factor, one value per layer."""
    n_in, n_out = np.array(shapes, np.float64).T
    return {"fan_in": 1.0 / n_in, "fan_sum": 1.0 / (n_in + n_out), "count": 1.0 / (n_in * n_out),
            "equal": np.ones_like(n_in)}[law]


def law_misfit(mean_squares: np.ndarray, shapes: list[tuple[int, int]], law: str) -> np.ndarray:
    """RMS deviation, in decades, of log10(mean square / law) from its mean across layers (the last axis):
    only ratios between layers test a law, so a law that holds exactly gives 0 at any overall scale."""
    residual = np.log10(np.asarray(mean_squares, np.float64)) - np.log10(law_values(shapes, law))
    return np.sqrt(np.mean((residual - residual.mean(axis=-1, keepdims=True)) ** 2, axis=-1))


def select_best(val_accuracy: np.ndarray, val_loss: np.ndarray) -> np.ndarray:
    """Per seed (column), the index of the best validation accuracy; ties go to the lower validation loss."""
    return np.lexsort((np.asarray(val_loss), -np.asarray(val_accuracy)), axis=0)[0]


def tolerated_log_lambda(log_levels: np.ndarray, val_accuracy: np.ndarray, drop: float) -> np.ndarray:
    """Per seed (column), the log10 lambda where validation accuracy first falls `drop` below its best, interpolated
    in log lambda (a steep edge, unlike the flat top); a seed that never falls that far gets the last grid point."""
    levels, edges = np.asarray(log_levels, np.float64), []
    for column in np.asarray(val_accuracy, np.float64).T:
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
    full_seconds = 39

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
        (val_accuracy, val_loss), (test_accuracy, _) = [
            score(predict(network, members, history.final_params, sets[name][0][rows]), sets[name][1][rows])
            for name in ("val", "test")]
        return {"train_accuracy": history.train_accuracy[:, -1], "mean_square": mean_squares(history.final_params),
                "val_accuracy": val_accuracy, "val_loss": val_loss, "test_accuracy": test_accuracy}

    @staticmethod
    def _train(config, network, strengths, seeds, train_set, cells):
        """One ensemble per width: members are penalties times lambdas times seeds, with per-layer factors."""
        x, y = train_set
        rows = [s for _, _, s in cells]
        members = Members(seeds=[seeds[s] for s in rows], learning_rate=config.learning_rate,
                          l2=np.array([strengths[p, j] for p, j, _ in cells], np.float32),
                          layer_scale=[layer_scales(network.weight_shapes, PENALTIES[p]) for p, _, _ in cells])
        training = Training(steps=config.steps, batch_size=config.batch_size, loss="cross_entropy",
                            optimizer="adam", xla=XLA_FROM <= network.weight_shapes[0][0] * network.weight_shapes[0][1])
        return members, train(network, training, members, Data(x[rows], y[rows]), Recording())

    @staticmethod
    def shapes(result: Result, w: int) -> list[tuple[int, int]]:
        return [(int(i), int(o)) for i, o in zip(result["fan_in"][w], result["fan_out"][w])]

    @classmethod
    def best_index(cls, result: Result, penalty: str, w: int) -> np.ndarray:
        """Per seed, the grid index (lambda = 0 excluded) of the validation-chosen lambda."""
        return select_best(*[result[k][PENALTIES.index(penalty), w, 1:] for k in ("val_accuracy", "val_loss")]) + 1

    @classmethod
    def at_best(cls, result: Result, name: str, penalty: str, w: int = -1) -> np.ndarray:
        """A per-member measure at each seed's chosen lambda, `[seeds, ...]` (by default on the widest network)."""
        values = result[name][PENALTIES.index(penalty), w]
        return values[cls.best_index(result, penalty, w), np.arange(values.shape[1])]

    @classmethod
    def shift(cls, result: Result, penalty: str, tolerated: bool = True) -> np.ndarray:
        """Per seed, log10 of the tolerated (or chosen) lambda on the widest network minus on the narrowest."""
        levels, p, drop = np.array(result.coords["lambda"]), PENALTIES.index(penalty), result.config["tolerance_drop"]
        edges = [tolerated_log_lambda(np.log10(levels[1:]), result["val_accuracy"][p, w, 1:], drop) if tolerated
                 else np.log10(levels[cls.best_index(result, penalty, w)]) for w in (-1, 0)]
        return edges[0] - edges[1]

    @classmethod
    def misfit(cls, result: Result, mean_squares: np.ndarray, law: str | None = None, penalty: str = "") -> np.ndarray:
        """Per seed, a law's (by default the penalty's balance law's) misfit to the widest network's mean squares."""
        return law_misfit(mean_squares, cls.shapes(result, -1), law or BALANCE_LAW[penalty])

    @classmethod
    def declare(cls, result: Result) -> list[stats.Claim]:
        c, net, ms = result.config, shape_name(cls.shapes(result, -1)), result["mean_square"][:, -1]
        margin, decades, span = c["accuracy_margin"], c["lambda_margin"], f"{c['widths'][0]} to {c['widths'][-1]}"
        chosen = {p: cls.at_best(result, "mean_square", p) for p in PENALTIES}
        test = {p: cls.at_best(result, "test_accuracy", p) for p in PENALTIES}
        control = stats.paired(test["plain"], result["test_accuracy"][0, -1, 0], margin=margin)
        moves = stats.paired(cls.shift(result, "per_element"), np.zeros(c["n_seeds"]), margin=decades)
        balance = {p: lambda values, p=p: cls.misfit(result, values, penalty=p) for p in PENALTIES}
        return [
            stats.Claim("fan_sum_law_plain", f"With plain L2 at each seed's chosen lambda, the per-layer mean squares "
                        f"of the {net} network follow 1/(n_in+n_out) more closely than 1/n_in (paired by seed).",
                        stats.paired(*[cls.misfit(result, chosen["plain"], name) for name in ("fan_in", "fan_sum")]),
                        primary=True),
            stats.Claim("accuracy_matches_plain", f"On the {net} network, per-element and (n_in+n_out)-scaled L2, each "
                        f"at its chosen lambda, reach plain L2's test accuracy within ±{100 * margin:g} points, in a "
                        f"run where plain L2 beats no penalty by more than that (positive control; paired by seed).",
                        stats.all_of({PENALTY_LABELS[p]: stats.equivalent(test[p], test["plain"], margin=margin,
                                                                          control=control) for p in PENALTIES[1:]}),
                        primary=True),
            stats.Claim("tolerated_lambda_moves_per_element", f"Under per-element L2, the lambda at which validation "
                        f"accuracy falls {100 * c['tolerance_drop']:g} points below its best moves up by more than "
                        f"{decades:g} decades from {span} first-layer units (paired by seed).", moves, primary=True),
            stats.Claim("tolerated_lambda_stays_plain", f"Under plain L2, the same tolerated lambda moves by less than "
                        f"±{decades:g} decades from {span} first-layer units, in a run where per-element L2's moves "
                        f"up by more than that (the positive control; paired by seed).", stats.equivalent(
                            cls.shift(result, "plain"), np.zeros(c["n_seeds"]), margin=decades, control=moves)),
            stats.Claim("balance_toward_law", f"For every penalty, the {net} network's mean squares are closer to the "
                        f"penalty's balance law at each seed's chosen lambda than at lambda = 0 (paired by seed).",
                        stats.all_of({PENALTY_LABELS[p]: stats.paired(balance[p](ms[0, 0]), balance[p](chosen[p]))
                                      for p in PENALTIES})),
            stats.Claim("balance_strongest", f"For every penalty at the strongest lambda ({c['lambdas'][-1]:g} times "
                        f"the anchor), the {net} network's mean squares follow its balance law within "
                        f"{c['balance_tolerance']:g} decades (median misfit over seeds).", stats.all_of(
                            {PENALTY_LABELS[p]: stats.compare(balance[p](ms[i, -1]), level=c["balance_tolerance"],
                                                              above=False) for i, p in enumerate(PENALTIES)}),
                        registered=False),
        ]

    @classmethod
    def numbers(cls, result: Result) -> dict:
        """The page's values: accuracies in %, shifts and misfits in decades; `min_p`: an exact test's smallest p."""
        c, ms, found = result.config, result["mean_square"][:, -1], {x.id: x for x in cls.declare(result)}
        secondary, min_p = sum(not claim.primary for claim in found.values()), 2.0 ** -c["n_seeds"]
        v = {"network": shape_name(cls.shapes(result, -1)), "widths_words": join_words([str(w) for w in c["widths"]]),
             "lambda_words": ", ".join(f"{x:g}" for x in c["lambdas"]), "accuracy_points": 100 * c["accuracy_margin"],
             "images": "scikit-learn's 8×8 digits" if c["dataset"] == "digits" else "MNIST's 28×28 digits",
             "drop_points": 100 * c["tolerance_drop"], "strongest": c["lambdas"][-1],
             "span": f"{c['widths'][0]} to {c['widths'][-1]}",
             "law_seeds_plain": found["fan_sum_law_plain"].evidence.values["n_claimed_side"],
             "control_p": found["accuracy_matches_plain"].evidence.values["per-element L2.control_p"],
             "min_p": min_p, "n_secondary": secondary, "secondary_min_p": min(1.0, secondary * min_p),
             "seeds_for_secondary": math.floor(math.log2(max(secondary, 1) / stats.ALPHA)) + 1}
        states = {"initial": result["initial_mean_square"][-1], "zero": ms[0, 0],
                  **{p: cls.at_best(result, "mean_square", p) for p in PENALTIES}}
        v.update({f"misfit_{s}_{law}": float(cls.misfit(result, x, law).mean()) for s, x in states.items()
                  for law in LAWS})
        for p, penalty in enumerate(PENALTIES):
            shift, scales = cls.shift(result, penalty), [layer_scales(cls.shapes(result, w), penalty) for w in (0, -1)]
            v.update({**{f"decay_shift_{penalty}_{i}": float(np.log10(a / b)) for i, (a, b) in enumerate(zip(*scales))},
                      f"anchor_{penalty}": float(result["strength"][p, 1] / result.coords["lambda"][1]),
                      f"accuracy_{penalty}": 100 * float(cls.at_best(result, "test_accuracy", penalty).mean()),
                      f"tolerated_shift_{penalty}": float(shift.mean()), f"tolerated_low_{penalty}": float(shift.min()),
                      f"tolerated_high_{penalty}": float(shift.max()),
                      f"best_shift_{penalty}": float(cls.shift(result, penalty, tolerated=False).mean()),
                      f"misfit_strongest_{penalty}": float(np.median(cls.misfit(result, ms[p, -1], penalty=penalty))),
                      f"val_accuracy_strongest_{penalty}": 100 * float(result["val_accuracy"][p, -1, -1].mean())})
        v["accuracy_zero"] = 100 * float(result["test_accuracy"][0, -1, 0].mean())
        v.update({f"difference_{p}": v[f"accuracy_{p}"] - v["accuracy_plain"] for p in PENALTIES[1:]},
                 gain=v["accuracy_plain"] - v["accuracy_zero"])
        return v

    @classmethod
    def plot(cls, result: Result) -> list:
        """Validation accuracy per width, and each law's misfit to the widest network's mean squares, against lambda."""
        figures = [plotting.figure(1, len(PENALTIES), height=3.3, sharey=True) for _ in range(2)]
        cls._over_lambda(result, figures[0][1][0], lambda p, _: [
            (100 * result["val_accuracy"][p, w].T, f"{width} first-layer units", WIDTH_COLORS[w % 5], "-")
            for w, width in enumerate(result.coords["width"])], "validation accuracy (%)", loc="lower left")
        cls._over_lambda(result, figures[1][1][0], lambda p, penalty: [
            (cls.misfit(result, result["mean_square"][p, -1], law).T, LAW_LABELS[law], LAW_COLORS[law],
             "-" if law == BALANCE_LAW[penalty] else "--") for law in LAWS], "misfit of the law (decades)",
                         title="mean square ∝")
        return [fig for fig, _ in figures]

    @classmethod
    def _over_lambda(cls, result: Result, axes, curves, ylabel: str, **legend):
        """Per penalty, `curves(p, penalty)`'s (values [seeds, levels], label, color, style) against lambda."""
        levels, widths = result.coords["lambda"], result.coords["width"]
        for p, (ax, penalty) in enumerate(zip(axes, PENALTIES)):
            for values, label, color, style in curves(p, penalty):
                plotting.mean_band(ax, np.arange(len(levels)), values, label=label, color=color, linestyle=style)
            for w in range(len(widths)):  # each width's median chosen lambda, side by side so equal medians show
                ax.plot([np.median(cls.best_index(result, penalty, w)) + 0.15 * (w - (len(widths) - 1) / 2)], [1.0],
                        marker="v", color=WIDTH_COLORS[w % 5], markersize=7, clip_on=False,
                        transform=ax.get_xaxis_transform())
            ax.set_xticks(np.arange(len(levels)), ["0", *[f"{v:g}" for v in levels[1:]]], rotation=45)
            ax.set_title(PENALTY_LABELS[penalty], pad=14)
            ax.set_xlabel("lambda ÷ anchor")
        axes[0].set_ylabel(ylabel)
        axes[0].legend(**legend)
        axes[0].figure.tight_layout()
