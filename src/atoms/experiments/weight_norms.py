"""Reader question B: what are the norms of the weight matrices, and how does training change them?

A reader trained ReLU networks with N(0, 2/m) weights by plain gradient descent on random points
of the unit sphere and asked four things: the Frobenius norm of a hidden m x m matrix at
initialization, how training changes it and the spectral norm, how much the weights change per
step, and what norm a well-trained network ends with. Two known formulas answer the first part
(E||W||_F^2 = 2m, and ||W||_2 about s(sqrt(rows) + sqrt(cols)) for N(0, s^2) entries); the rest
is measured. Every seed trains two networks from the same initial weights on the same points: one
on random one-hot labels (the reader's setup) and one on labels a random linear map assigns, which
a network can learn rather than memorise, so the two are compared paired by seed. Widths train in
separate ensembles (one trace each), so every network is initialised at its own width, and the
learning rate shrinks as 1/width by default because the network's function moves about m times
faster per step at a fixed rate (the neural tangent kernel of a standard-parametrised network
grows with width), which would leave a fixed rate either unstable at the widest width or
needlessly slow at the narrowest.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.ticker
import numpy as np
from matplotlib.lines import Line2D
from threadpoolctl import threadpool_limits

from atoms import claims as stats
from atoms import data, plotting, seeding
from atoms.config import Config, param
from atoms.engine import Data, Init, Members, Network, Recording, Training, initial_params, train
from atoms.experiment import Experiment, Result
from atoms.fits import loglog_slope

LABELS = ("random", "learnable")
LABEL_TEXT = {"random": "random labels", "learnable": "learnable labels"}
LABEL_STYLES = {"random": "-", "learnable": "--"}
N_CLASSES = 10
REFERENCE_WIDTH = 64
# The reader's guess and the reply's value for the Frobenius norm of a hidden matrix at init.
READER_GUESSES = (4.0, 2.0)
# What each loss leads one to expect of the norm late in training, stated before the run.
LOSS_EXPECTATION = {
    "softmax_mse": "With the squared loss on softmax outputs the loss reaches zero only as the logits grow without "
                   "bound, so the norm is expected to keep growing, ever more slowly, as long as training runs.",
    "mse": "With the squared loss on raw outputs the loss has finite minimizers, so the norm is expected to "
           "settle once the targets are fitted.",
}


@dataclass(frozen=True)
class WeightNormsConfig(Config):
    widths: tuple[int, ...] = param((16, 32, 64), "Hidden widths m trained, each in its own ensemble.",
                                    ge=2, le=1024, min_len=2)
    init_widths: tuple[int, ...] = param((8, 16, 32, 64, 128, 256),
                                         "Hidden widths whose initial weights are drawn (not trained) to test "
                                         "the norm formulas over a wider range.", ge=2, le=2048, min_len=2)
    hidden_layers: int = param(2, "Hidden ReLU layers of width m (so hidden_layers - 1 hidden m x m matrices).",
                               ge=2, le=4)
    dim: int = param(20, "Dimension of the space whose unit sphere holds the points.", ge=2, le=1000)
    n_points: int = param(1000, "Training points per seed, uniform on the unit sphere.", ge=10, le=10_000)
    loss: str = param("softmax_mse", "Squared loss on the softmax outputs (the reader's) or on the raw outputs.",
                      choices=("softmax_mse", "mse"))
    steps: int = param(800, "Full-batch gradient descent steps.", ge=2, le=100_000)
    learning_rate: float = param(8.0, f"Gradient descent learning rate at width {REFERENCE_WIDTH}.", gt=0, le=1000)
    learning_rate_rule: str = param("inverse_width", f"'inverse_width': width m uses learning_rate x "
                                                     f"{REFERENCE_WIDTH}/m; 'constant': every width uses "
                                                     f"learning_rate.", choices=("inverse_width", "constant"))
    record_every: int = param(20, "Steps between recorded norms; the step after each is recorded too, for the "
                                  "per-step change.", ge=1, le=100_000)
    n_seeds: int = param(5, "Seeds per width; each draws its points, labels and initial weights.", ge=2, le=50)
    init_seeds: int = param(100, "Seeds per width of the initialization-only draws.", ge=2, le=1000)
    formula_tolerance: float = param(0.05, "Relative deviation from a norm formula that still counts as a match.",
                                     gt=0, le=1)
    well_trained_accuracy: float = param(0.99, "Training accuracy above which a network counts as well trained.",
                                         gt=0, le=1)
    settle_fraction: float = param(0.1, "A per-step change below this fraction of the first step's counts as "
                                        "settled.", gt=0, le=1)
    rate_tolerance: float = param(0.25, "Relative difference between widths of the first step's relative change "
                                        "per unit learning rate that still counts as equal.", gt=0, le=10)

    profile_overrides = {"smoke": {"widths": (16, 32), "init_widths": (8, 32, 128), "steps": 40, "n_seeds": 2,
                                   "init_seeds": 4, "n_points": 200, "record_every": 10}}

    def __post_init__(self):
        super().__post_init__()
        if any(b <= a for a, b in zip(self.widths, self.widths[1:])):
            raise ValueError(f"parameter 'widths' must increase, got {list(self.widths)}")
        if any(b <= a for a, b in zip(self.init_widths, self.init_widths[1:])):
            raise ValueError(f"parameter 'init_widths' must increase, got {list(self.init_widths)}")
        if self.record_every >= self.steps:
            raise ValueError(f"parameter 'record_every' ({self.record_every}) must be below steps ({self.steps})")


def frobenius_formula(rows, cols, std):
    """sqrt(E||W||_F^2) for i.i.d. N(0, std^2) entries: the root of the expected sum of squares."""
    return np.sqrt(np.asarray(rows) * np.asarray(cols)) * np.asarray(std)


def spectral_formula(rows, cols, std):
    """The large-matrix value of the largest singular value, and (Gordon) an upper bound on its mean."""
    return np.asarray(std) * (np.sqrt(rows) + np.sqrt(cols))


def layer_shapes(dim: int, width: int, hidden_layers: int) -> list[tuple[int, int]]:
    return list(zip((dim, *(width,) * hidden_layers), (*(width,) * hidden_layers, N_CLASSES)))


def layer_names(hidden_layers: int) -> list[str]:
    return ["input", *(f"hidden {i}" for i in range(1, hidden_layers)), "output"]


def formula_norms(dim: int, widths, hidden_layers: int) -> tuple[np.ndarray, np.ndarray]:
    """`[width, layer]` Frobenius and spectral formulas for each layer's He-initialised matrix."""
    shapes = np.array([layer_shapes(dim, m, hidden_layers) for m in widths], dtype=float)
    rows, cols = shapes[..., 0], shapes[..., 1]
    std = Init("he_normal").scale(rows, cols)
    return frobenius_formula(rows, cols, std), spectral_formula(rows, cols, std)


def learning_rates(config) -> np.ndarray:
    widths = np.array(config.widths, dtype=float)
    if config.learning_rate_rule == "constant":
        return np.full(widths.shape, config.learning_rate)
    return config.learning_rate * REFERENCE_WIDTH / widths


def teacher_labels(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Labels a network can learn: the argmax of a random linear map, one Gaussian direction per class."""
    directions = rng.standard_normal((x.shape[1], N_CLASSES))
    return np.argmax(x @ directions, axis=1).astype(np.int64)


def sphere_problem(n_points: int, dim: int, rng: np.random.Generator) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """One seed's points with both label sets: the random ones carry no information about the point."""
    x = data.sphere_points(n_points, dim, rng)
    random = np.argmax(data.random_one_hot(n_points, N_CLASSES, rng), axis=1).astype(np.int64)
    return x, {"random": random, "learnable": teacher_labels(x, rng)}


def matrix_norms(weights: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """`[..., layer]` Frobenius and spectral norms of stacked `[..., rows, cols]` matrices, in float64.

    The spectral norm is the root of the largest eigenvalue of W^T W, several times faster than an
    SVD and as exact here; one BLAS thread, because a two-thread pool on a machine that runs other
    chapters at the same time made these norms ten times slower.
    """
    frobenius, spectral = [], []
    with threadpool_limits(1):
        for w in weights:
            w = w.astype(np.float64)
            frobenius.append(np.linalg.norm(w, axis=(-2, -1)))
            spectral.append(np.sqrt(np.maximum(np.linalg.eigvalsh(_gram(w))[..., -1], 0.0)))
    return np.stack(frobenius, axis=-1), np.stack(spectral, axis=-1)


def _gram(w: np.ndarray) -> np.ndarray:
    """The smaller of W^T W and W W^T: the same nonzero eigenvalues, a cheaper eigendecomposition."""
    t = np.swapaxes(w, -1, -2)
    return t @ w if w.shape[-2] >= w.shape[-1] else w @ t


def step_changes(weights: list[np.ndarray], steps: np.ndarray, at: np.ndarray) -> np.ndarray:
    """`[K, len(at), layer]` Frobenius norm of W(t+1) - W(t) for each t in `at`, from recorded snapshots."""
    index = {int(s): i for i, s in enumerate(steps)}
    before = [index[int(t)] for t in at]
    after = [index[int(t) + 1] for t in at]
    return np.stack([np.linalg.norm((w[:, after] - w[:, before]).astype(np.float64), axis=(2, 3))
                     for w in weights], axis=-1)


def at_every_width(judgements: list[stats.Judgement], widths) -> stats.Judgement:
    """An intersection-union test: a claim about every width holds only if it is shown at each width.

    No multiplicity correction is needed (each width's test already has its own error rate and all
    must pass); the claim fails as soon as one width fails, and is inconclusive otherwise.
    """
    verdicts = [j.verdict for j in judgements]
    if stats.Verdict.NOT_JUDGED in verdicts:
        verdict = stats.Verdict.NOT_JUDGED
    elif all(v is stats.Verdict.SUPPORTED for v in verdicts):
        verdict = stats.Verdict.SUPPORTED
    elif stats.Verdict.NOT_SUPPORTED in verdicts:
        verdict = stats.Verdict.NOT_SUPPORTED
    else:
        verdict = stats.Verdict.INCONCLUSIVE
    statistic = "; ".join(f"m = {w}: {j.statistic} [{j.verdict.value}]" for w, j in zip(widths, judgements))
    values = {f"{key}_m{w}": value for w, j in zip(widths, judgements) for key, value in j.values.items()}
    return stats.Judgement(verdict, statistic, values)


class WeightNorms(Experiment):
    name = "14_weight_norms"
    title = "How do weight-matrix norms change during training?"
    Config = WeightNormsConfig

    def _run(self, config):
        seeds = seeding.member_seeds(config.seed, max(config.n_seeds, config.init_seeds))
        arrays, dims = self._initial_draws(config, seeds[:config.init_seeds])
        problems = [sphere_problem(config.n_points, config.dim, seeding.generator(s, seeding.DATA))
                    for s in seeds[:config.n_seeds]]
        grid = np.union1d(np.arange(0, config.steps + 1, config.record_every), [config.steps])
        change_at = np.union1d(grid[:-1], [config.steps - 1])
        rates = dict(zip(config.widths, learning_rates(config)))
        trained = {}
        for width in config.widths:
            trained[width] = self._train_width(config, width, rates[width], seeds[:config.n_seeds], problems, grid,
                                               change_at)
        for name in trained[config.widths[0]]:
            arrays[name] = np.stack([trained[w][name] for w in config.widths]).astype(np.float32)
        axes = ("width", "labels", "seed")
        dims.update({name: (*axes, "step", "layer") for name in ("frobenius", "spectral", "distance")})
        dims.update({"train_loss": (*axes, "step"), "train_accuracy": (*axes, "step"),
                     "step_change": (*axes, "change_step", "layer"), "interval_change": (*axes, "interval", "layer")})
        arrays["learning_rate"] = np.array([rates[w] for w in config.widths], np.float32)
        dims["learning_rate"] = ("width",)
        arrays["class_share"] = np.array([[np.bincount(labels[k], minlength=N_CLASSES).max() / config.n_points
                                           for k in LABELS] for _, labels in problems], np.float32)
        dims["class_share"] = ("seed", "labels")
        coords = {"init_width": list(config.init_widths), "init_seed": list(range(config.init_seeds)),
                  "layer": layer_names(config.hidden_layers), "width": list(config.widths),
                  "labels": list(LABELS), "seed": list(range(config.n_seeds)), "step": [int(s) for s in grid],
                  "change_step": [int(s) for s in change_at], "interval": [int(s) for s in grid[:-1]]}
        return arrays, dims, coords

    @staticmethod
    def _network(config, width: int) -> Network:
        return Network(config.dim, (width,) * config.hidden_layers, N_CLASSES, activation="relu",
                       weight_init=Init("he_normal"), bias_init=Init("zeros"))

    @classmethod
    def _initial_draws(cls, config, seeds):
        """Initial weights only, drawn by the engine exactly as training would draw them, at many widths."""
        frobenius, spectral = [], []
        for width in config.init_widths:
            start = initial_params(cls._network(config, width), Members(seeds=seeds))
            f, s = matrix_norms(start[0::2])
            frobenius.append(f)
            spectral.append(s)
        arrays = {"init_frobenius": np.array(frobenius, np.float32), "init_spectral": np.array(spectral, np.float32)}
        dims = {name: ("init_width", "init_seed", "layer") for name in arrays}
        return arrays, dims

    @classmethod
    def _train_width(cls, config, width, rate, seeds, problems, grid, change_at):
        """One ensemble per width: for every seed, a random-label and a learnable-label member.

        Both members of a seed start from the same weights (the same member seed) on the same points,
        so every comparison of the two label sets is paired. Each width has its own ensemble, so no
        member is padded and each is initialised at its own width.
        """
        cells = [(k, s) for k in LABELS for s in range(config.n_seeds)]
        members = Members(seeds=[seeds[s] for _, s in cells], learning_rate=float(rate))
        x = np.stack([problems[s][0] for _, s in cells])
        y = np.stack([problems[s][1][k] for k, s in cells])
        recording = Recording(at=tuple(int(t) for t in np.union1d(np.union1d(grid, change_at), change_at + 1)),
                              weights=True)
        history = train(cls._network(config, width), Training(steps=config.steps, loss=config.loss, optimizer="sgd"),
                        members, Data(x, y), recording)
        on_grid = np.searchsorted(history.steps, grid)
        snapshots = [w[:, on_grid] for w in history.weights]
        frobenius, spectral = matrix_norms(snapshots)
        distance = np.stack([np.linalg.norm((w - w0[:, None]).astype(np.float64), axis=(-2, -1))
                             for w, w0 in zip(snapshots, history.initial_params[0::2])], axis=-1)
        interval = np.stack([np.linalg.norm(np.diff(w, axis=1).astype(np.float64), axis=(-2, -1)) for w in snapshots],
                            axis=-1)
        out = {"frobenius": frobenius, "spectral": spectral, "distance": distance, "interval_change": interval,
               "train_loss": history.train_loss[:, on_grid], "train_accuracy": history.train_accuracy[:, on_grid],
               "step_change": step_changes(history.weights, history.steps, change_at)}
        return {name: values.reshape(len(LABELS), config.n_seeds, *values.shape[1:]) for name, values in out.items()}

    # ------------------------------------------------------------------ derived quantities

    @staticmethod
    def hidden(values: np.ndarray) -> np.ndarray:
        """Mean over the hidden m x m matrices (the layers between the first and the last)."""
        return values[..., 1:-1].mean(axis=-1)

    @classmethod
    def init_ratios(cls, result: Result) -> dict[str, np.ndarray]:
        """`[init_width, init_seed]` hidden-matrix norms at initialization over their formulas."""
        frobenius, spectral = formula_norms(result.config["dim"], result.coords["init_width"],
                                            result.config["hidden_layers"])
        return {"frobenius": cls.hidden(result["init_frobenius"] / frobenius[:, None, :]),
                "spectral": cls.hidden(result["init_spectral"] / spectral[:, None, :])}

    @classmethod
    def relative_distance(cls, result: Result) -> np.ndarray:
        """`[width, labels, seed, step]` ||W_t - W_0||_F / ||W_0||_F of the hidden matrices."""
        return cls.hidden(result["distance"] / result["frobenius"][..., :1, :])

    @classmethod
    def norm_change(cls, result: Result, norm: str) -> np.ndarray:
        """`[width, labels, seed, step]` hidden-matrix norm over its initial value, minus one."""
        return cls.hidden(result[norm] / result[norm][..., :1, :]) - 1.0

    @classmethod
    def relative_step(cls, result: Result) -> np.ndarray:
        """`[width, labels, seed, change_step]` ||W_{t+1} - W_t||_F / ||W_0||_F of the hidden matrices."""
        return cls.hidden(result["step_change"] / result["frobenius"][..., :1, :])

    @classmethod
    def relative_progress(cls, result: Result) -> np.ndarray:
        """`[width, labels, seed, interval]` net movement per step between records, ||W(t') - W(t)||_F / (t' - t),
        over ||W0||_F: equal to the change per step when every step goes the same way, far below it when
        the weights go back and forth."""
        lengths = np.diff(np.array(result.coords["step"], dtype=float))
        return cls.hidden(result["interval_change"] / result["frobenius"][..., :1, :]) / lengths

    @classmethod
    def label_index(cls, result: Result, labels: str) -> int:
        return result.coords["labels"].index(labels)

    @classmethod
    def late_index(cls, result: Result) -> int:
        """The recorded step nearest three quarters of the run: the start of "the end of training"."""
        steps = np.array(result.coords["step"])
        return int(np.argmin(np.abs(steps - 0.75 * steps[-1])))

    @classmethod
    def final(cls, values: np.ndarray) -> np.ndarray:
        return values[..., -1]

    # ------------------------------------------------------------------ claims

    @classmethod
    def claims(cls, result: Result) -> list[stats.Claim]:
        return cls.init_claims(result) + cls.training_claims(result) + cls.step_claims(result)

    @classmethod
    def init_claims(cls, result: Result) -> list[stats.Claim]:
        judged, tolerance = result.judged, result.config["formula_tolerance"]
        ratios, widths = cls.init_ratios(result), result.coords["init_width"]
        ones = np.ones(ratios["frobenius"].shape[1])
        percent = f"{100 * tolerance:g}%"
        return [
            stats.Claim(
                "init_frobenius_matches_formula",
                f"At every width m from {widths[0]} to {widths[-1]}, the mean initial Frobenius norm of a hidden m x m "
                f"matrix is within {percent} of sqrt(2m) (statistic: measured / sqrt(2m) - 1, per width).",
                at_every_width([stats.equivalence(r, ones, margin=tolerance, judged=judged)
                                for r in ratios["frobenius"]], widths)),
            stats.Claim(
                "init_spectral_ratio_rises",
                "The initial spectral norm of a hidden matrix over 2*sqrt(2) rises toward 1 as the width grows "
                "(narrow random matrices fall short of the large-matrix value).",
                stats.monotone_trend(ratios["spectral"].T, "increasing", levels=widths, judged=judged)),
            stats.Claim(
                "init_spectral_matches_formula_widest",
                f"At the widest width (m = {widths[-1]}), the mean initial spectral norm of a hidden matrix is "
                f"within {percent} of 2*sqrt(2) = {2 * np.sqrt(2):.2f} (statistic: measured / 2*sqrt(2) - 1).",
                stats.equivalence(ratios["spectral"][-1], ones, margin=tolerance, judged=judged)),
        ]

    @classmethod
    def training_claims(cls, result: Result) -> list[stats.Claim]:
        judged, widths = result.judged, result.coords["width"]
        random, learnable = cls.label_index(result, "random"), cls.label_index(result, "learnable")
        distance = cls.final(cls.relative_distance(result))
        level = result.config["well_trained_accuracy"]
        accuracy = result["train_accuracy"][:, learnable, :, -1]
        found = [stats.Claim(
            "learnable_well_trained",
            f"At every width, the networks on learnable labels end with a mean training accuracy above "
            f"{100 * level:g}%.",
            at_every_width([stats.threshold(a, above=True, level=level, judged=judged) for a in accuracy], widths))]
        for labels in LABELS:
            found.append(stats.Claim(
                f"distance_falls_with_width_{labels}",
                f"With {LABEL_TEXT[labels]}, the hidden matrix's relative distance from its initialization at the "
                f"end of training, ||W - W0||_F / ||W0||_F, falls as the width grows.",
                stats.monotone_trend(distance[:, cls.label_index(result, labels)].T, "decreasing", levels=widths,
                                     judged=judged)))
        found.append(stats.Claim(
            "random_labels_move_further",
            "At every width, random labels move the hidden matrix further from its initialization than learnable "
            "labels do by the end of training (paired by seed: same points, same initial weights).",
            at_every_width([stats.paired_difference(d[random], d[learnable], greater=True, judged=judged)
                            for d in distance], widths)))
        for norm, words in (("frobenius", "Frobenius"), ("spectral", "spectral")):
            change = np.abs(cls.final(cls.norm_change(result, norm)))[:, learnable]
            found.append(stats.Claim(
                f"{norm}_change_falls_with_width",
                f"With learnable labels, the relative change of the hidden matrix's {words} norm over training, "
                f"|final/initial - 1|, falls as the width grows.",
                stats.monotone_trend(change.T, "decreasing", levels=widths, judged=judged)))
        frobenius_norm = cls.hidden(result["frobenius"])[:, learnable]
        late = cls.late_index(result)
        found.append(stats.Claim(
            "learnable_norm_still_growing",
            f"At every width, with learnable labels, the hidden matrix's Frobenius norm is still rising at the end: "
            f"larger at step {result.coords['step'][-1]} than at step {result.coords['step'][late]} (paired by seed).",
            at_every_width([stats.paired_difference(f[:, -1], f[:, late], greater=True, judged=judged)
                            for f in frobenius_norm], widths)))
        spectral = cls.final(cls.norm_change(result, "spectral"))[:, learnable]
        frobenius = cls.final(cls.norm_change(result, "frobenius"))[:, learnable]
        found.append(stats.Claim(
            "spectral_grows_more_than_frobenius",
            "At every width, with learnable labels, training raises the hidden matrix's spectral norm by a larger "
            "fraction than its Frobenius norm (paired by seed).",
            at_every_width([stats.paired_difference(s, f, greater=True, judged=judged)
                            for s, f in zip(spectral, frobenius)], widths)))
        return found

    @classmethod
    def step_claims(cls, result: Result) -> list[stats.Claim]:
        judged, widths, config = result.judged, result.coords["width"], result.config
        learnable, random = cls.label_index(result, "learnable"), cls.label_index(result, "random")
        step = cls.relative_step(result)
        settled = step[:, learnable, :, -1] / step[:, learnable, :, 0]
        fraction = config["settle_fraction"]
        per_rate = step[..., 0] / np.asarray(result["learning_rate"], dtype=float)[:, None, None]
        ratio = per_rate[0] / per_rate[-1]
        tolerance = config["rate_tolerance"]
        return [
            stats.Claim(
                "step_change_settles_learnable",
                f"At every width, with learnable labels, the last step changes the hidden matrix by less than "
                f"{100 * fraction:g}% of what the first step did.",
                at_every_width([stats.threshold(r, above=False, level=fraction, judged=judged) for r in settled],
                               widths)),
            stats.Claim(
                "random_labels_still_moving",
                "At every width, at the last step, random labels still move the hidden matrix more per step than "
                "learnable labels do (paired by seed).",
                at_every_width([stats.paired_difference(s[random, :, -1], s[learnable, :, -1], greater=True,
                                                        judged=judged) for s in step], widths)),
            stats.Claim(
                "first_step_proportional_to_rate",
                f"The first step's relative change of the hidden matrix, divided by the learning rate, is the same at "
                f"the narrowest (m = {widths[0]}) and the widest (m = {widths[-1]}) width within "
                f"{100 * tolerance:g}% (ratio narrowest/widest, paired by seed, both label sets).",
                stats.equivalence(ratio.reshape(-1), np.ones(ratio.size), margin=tolerance, judged=judged)),
        ]

    # ------------------------------------------------------------------ numbers and sentences

    @classmethod
    def numbers(cls, result: Result) -> dict[str, float]:
        """Figures the page quotes, all read from the run (norms, percentages, exponents)."""
        values = {}
        ratios = cls.init_ratios(result)
        for i, width in enumerate(result.coords["init_width"]):
            hidden = cls.hidden(result["init_frobenius"][i])
            values[f"init_frobenius_m{width}"] = float(hidden.mean())
            values[f"init_spectral_m{width}"] = float(cls.hidden(result["init_spectral"][i]).mean())
            values[f"init_frobenius_ratio_m{width}"] = float(ratios["frobenius"][i].mean())
            values[f"init_spectral_ratio_m{width}"] = float(ratios["spectral"][i].mean())
        for labels in LABELS:
            share = result["class_share"][:, cls.label_index(result, labels)]
            values[f"largest_class_{labels}"] = 100 * float(share.mean())
        distance = cls.final(cls.relative_distance(result))
        for labels in LABELS:
            j = cls.label_index(result, labels)
            values[f"distance_exponent_{labels}"] = float(loglog_slope(result.coords["width"], distance[:, j].T).mean())
        return values

    @classmethod
    def training_table(cls, result: Result) -> str:
        """Per width and label set, the end of training: accuracy, norms and how far and fast the weights moved."""
        rows = ["| width m | labels | learning rate | training accuracy | Frobenius: init → end | "
                "spectral: init → end | distance from init | first step | last step |",
                "|---|---|---|---|---|---|---|---|---|"]
        distance, step = cls.final(cls.relative_distance(result)), cls.relative_step(result)
        frobenius, spectral = cls.hidden(result["frobenius"]), cls.hidden(result["spectral"])
        for w, width in enumerate(result.coords["width"]):
            for j, labels in enumerate(result.coords["labels"]):
                rows.append(
                    f"| {width} | {labels} | {result['learning_rate'][w]:.3g} | "
                    f"{100 * result['train_accuracy'][w, j, :, -1].mean():.1f}% | "
                    f"{frobenius[w, j, :, 0].mean():.2f} → {frobenius[w, j, :, -1].mean():.2f} | "
                    f"{spectral[w, j, :, 0].mean():.2f} → {spectral[w, j, :, -1].mean():.2f} | "
                    f"{100 * distance[w, j].mean():.1f}% | {100 * step[w, j, :, 0].mean():.3f}% | "
                    f"{100 * step[w, j, :, -1].mean():.3f}% |")
        return "\n".join(rows)

    @classmethod
    def init_table(cls, result: Result) -> str:
        """Measured initial norms of a hidden matrix against both formulas, at every drawn width."""
        values = cls.numbers(result)
        rows = ["| width m | Frobenius norm | sqrt(2m) | ratio | spectral norm | 2√2 | ratio |",
                "|---|---|---|---|---|---|---|"]
        for width in result.coords["init_width"]:
            rows.append(f"| {width} | {values[f'init_frobenius_m{width}']:.3f} | {np.sqrt(2 * width):.3f} | "
                        f"{values[f'init_frobenius_ratio_m{width}']:.3f} | {values[f'init_spectral_m{width}']:.3f} | "
                        f"{2 * np.sqrt(2):.3f} | {values[f'init_spectral_ratio_m{width}']:.3f} |")
        return "\n".join(rows)

    @classmethod
    def summary(cls, result: Result, found: list[stats.Claim]) -> dict[str, str]:
        """The answers to the reader, written from the run's values and, where judged, its verdicts."""
        config = result.config
        rates = _series(result["learning_rate"], "{:g}")
        words = {"data_words": f"{config['n_points']:,} points per seed drawn uniformly from the unit sphere in "
                               f"{config['dim']} dimensions, each with a random label and a label from a random linear "
                               f"map (10 classes); {config['n_seeds']} seeds at each trained width, and the initial "
                               f"weights alone for {config['init_seeds']} seeds at each of "
                               f"{len(config['init_widths'])} widths",
                 "rates_words": f"{rates} at widths {_series(result.coords['width'], '{}')}",
                 "widths_words": _series(result.coords["width"], "{}"),
                 "trained_range": f"{result.coords['width'][0]} to {result.coords['width'][-1]}",
                 "init_range": f"{result.coords['init_width'][0]} to {result.coords['init_width'][-1]}",
                 "init_widest": f"m = {result.coords['init_width'][-1]}",
                 "tolerance_words": f"±{100 * config['formula_tolerance']:g}%",
                 "hidden_matrices": ("one hidden m × m matrix" if config["hidden_layers"] == 2
                                     else f"{config['hidden_layers'] - 1} hidden m × m matrices"),
                 "exponents": cls.exponents(result),
                 "random_vs_learnable": cls.random_vs_learnable(result, found)}
        return {**words, "answer_init": cls.answer_init(result, found),
                "answer_training": cls.answer_training(result, found),
                "answer_step": cls.answer_step(result, found), "answer_trained": cls.answer_trained(result, found),
                "agreement": cls.agreement(result, found),
                "oscillation": cls.oscillation(result)}

    @staticmethod
    def _verdicts(found: list[stats.Claim]) -> dict[str, stats.Verdict]:
        return {claim.id: claim.verdict for claim in found}

    @classmethod
    def answer_init(cls, result: Result, found: list[stats.Claim]) -> str:
        values, verdict = cls.numbers(result), cls._verdicts(found)
        widths = result.coords["init_width"]
        middle = widths[len(widths) // 2]
        ratios = [values[f"init_frobenius_ratio_m{w}"] for w in widths]
        text = (f"It is not a constant: it grows with the width as sqrt(2m). "
                f"A hidden {middle} x {middle} matrix starts at {values[f'init_frobenius_m{middle}']:.2f} on average "
                f"(sqrt(2m) = {np.sqrt(2 * middle):.2f}); from m = {widths[0]} to m = {widths[-1]} the mean ratio to "
                f"sqrt(2m) lies between {min(ratios):.3f} and {max(ratios):.3f} (within "
                f"{100 * result.config['formula_tolerance']:g}% at every width: "
                f"{_word(verdict['init_frobenius_matches_formula'])}). ")
        guesses = []
        for guess in READER_GUESSES:
            width = guess ** 2 / 2
            measured = f" (measured: {values[f'init_frobenius_m{width:g}']:.2f})" if width in widths else ""
            guesses.append(f"{guess:g} is the value for m = {width:g}{measured}")
        text += (f"Of the two numbers in the thread, {guesses[0]} and {guesses[1]}. What does not grow with the width "
                 f"is the spectral norm, near 2√2 = {2 * np.sqrt(2):.2f}: "
                 f"{values[f'init_spectral_m{widths[-1]}']:.2f} at m = {widths[-1]} (within "
                 f"{100 * result.config['formula_tolerance']:g}%: "
                 f"{_word(verdict['init_spectral_matches_formula_widest'])}) but "
                 f"{values[f'init_spectral_m{widths[0]}']:.2f} at m = {widths[0]}; the ratio to 2√2 rises with the "
                 f"width ({_word(verdict['init_spectral_ratio_rises'])}).")
        return text

    @classmethod
    def answer_training(cls, result: Result, found: list[stats.Claim]) -> str:
        verdict = cls._verdicts(found)
        widths = result.coords["width"]
        parts = []
        for labels in LABELS:
            j = cls.label_index(result, labels)
            frob = 100 * cls.final(cls.norm_change(result, "frobenius"))[:, j].mean(axis=-1)
            spec = 100 * cls.final(cls.norm_change(result, "spectral"))[:, j].mean(axis=-1)
            dist = 100 * cls.final(cls.relative_distance(result))[:, j].mean(axis=-1)
            parts.append(f"with {LABEL_TEXT[labels]}, the Frobenius norm changes by {_series(frob, '{:+.0f}%')} and "
                         f"the spectral norm by {_series(spec, '{:+.0f}%')}, and the matrix ends "
                         f"{_series(dist, '{:.0f}%')} of its initial norm away from where it started")
        return (f"Over {result.config['steps']} steps at widths "
                f"{_series(widths, '{}')}: " + "; ".join(parts) + ". "
                f"The distance from the start falls with the width for random labels "
                f"({_word(verdict['distance_falls_with_width_random'])}) and for learnable labels "
                f"({_word(verdict['distance_falls_with_width_learnable'])}), roughly as m to the power "
                f"{cls.numbers(result)['distance_exponent_random']:.2f} and "
                f"{cls.numbers(result)['distance_exponent_learnable']:.2f}; the relative change of the Frobenius norm "
                f"falls with the width ({_word(verdict['frobenius_change_falls_with_width'])}), and so does that of "
                f"the spectral norm ({_word(verdict['spectral_change_falls_with_width'])}). With learnable labels the "
                f"spectral norm grows by a larger fraction than the Frobenius norm at every width "
                f"({_word(verdict['spectral_grows_more_than_frobenius'])}); random labels move the matrix further "
                f"than learnable ones at every width ({_word(verdict['random_labels_move_further'])}).")

    @classmethod
    def answer_step(cls, result: Result, found: list[stats.Claim]) -> str:
        verdict = cls._verdicts(found)
        widths = result.coords["width"]
        absolute, relative = cls.hidden(result["step_change"]), cls.relative_step(result)
        rates = result["learning_rate"]
        learnable, random = cls.label_index(result, "learnable"), cls.label_index(result, "random")
        first = "; ".join(f"{absolute[w, :, :, 0].mean():.3f} at m = {m} (learning rate {rates[w]:g}), "
                          f"{100 * relative[w, :, :, 0].mean():.2f}% of the initial norm"
                          for w, m in enumerate(widths))
        per_rate = relative[..., 0].mean(axis=(1, 2)) / rates
        proportional = verdict["first_step_proportional_to_rate"]
        if proportional is stats.Verdict.SUPPORTED:
            rate_text = ("so the relative change per step is the learning rate times a number that does not depend "
                         "on the width, and with one learning rate for every width it would not shrink as the "
                         "network widens")
        else:
            rate_text = (f"so the relative change per step is not simply the learning rate times a width-free "
                         f"number: per unit of learning rate the first step at m = {widths[0]} is "
                         f"{per_rate[0] / per_rate[-1]:.2f} times that at m = {widths[-1]} "
                         f"(equal within {100 * result.config['rate_tolerance']:g}%: {_word(proportional)})")
        last_learn = 100 * relative[:, learnable, :, -1].mean(axis=-1)
        last_random = 100 * relative[:, random, :, -1].mean(axis=-1)
        return (f"A step changes W by the learning rate times the gradient, ||W(t+1) - W(t)||_F = "
                f"η ||∇L||_F, so there is no size to expect independent of the learning rate. In this run the first "
                f"step moves a "
                f"hidden matrix by {first}; {rate_text}. It does not stay at that size: by the last step it is "
                f"{_series(last_learn, '{:.3f}%')} of the initial norm with learnable labels (below "
                f"{100 * result.config['settle_fraction']:g}% of the first step at every width: "
                f"{_word(verdict['step_change_settles_learnable'])}) but {_series(last_random, '{:.3f}%')} with "
                f"random labels (more than with learnable labels at every width: "
                f"{_word(verdict['random_labels_still_moving'])}).")

    @staticmethod
    def _trained_norm_sentence(verdict: dict[str, stats.Verdict]) -> str:
        """What the verdicts allow us to say about a trained network's norm, and no more."""
        yes = stats.Verdict.SUPPORTED
        depends = []
        if verdict["frobenius_change_falls_with_width"] is yes:
            depends.append("on the width (the narrower the network, the more its norm grew)")
        if verdict["learnable_norm_still_growing"] is yes:
            depends.append("on how long one trains (it was still growing at the end)")
        if not depends:
            return "This run does not show what the trained norm depends on."
        return ("So a trained network's norm is not a number of its own: it is the initial sqrt(2m) times a factor "
                "that in this run depends " + " and ".join(depends) + ".")

    @classmethod
    def answer_trained(cls, result: Result, found: list[stats.Claim]) -> str:
        verdict = cls._verdicts(found)
        widths = result.coords["width"]
        learnable, random = cls.label_index(result, "learnable"), cls.label_index(result, "random")
        frobenius, spectral = cls.hidden(result["frobenius"]), cls.hidden(result["spectral"])
        accuracy = 100 * result["train_accuracy"][..., -1].mean(axis=-1)
        norms = "; ".join(f"m = {m}: Frobenius {frobenius[w, learnable, :, -1].mean():.2f} "
                          f"({frobenius[w, learnable, :, -1].mean() / np.sqrt(2 * m):.2f} × sqrt(2m)), spectral "
                          f"{spectral[w, learnable, :, -1].mean():.2f} "
                          f"({spectral[w, learnable, :, -1].mean() / (2 * np.sqrt(2)):.2f} × 2√2)"
                          for w, m in enumerate(widths))
        still = {stats.Verdict.SUPPORTED: "is still rising at the end at every width",
                 stats.Verdict.NOT_SUPPORTED: "is not still rising at the end at every width",
                 stats.Verdict.INCONCLUSIVE: "may or may not still be rising at the end: the seeds do not settle it",
                 stats.Verdict.NOT_JUDGED: "was not judged for growth at the end"}
        growth = [frobenius[w, random, :, -1].mean() / frobenius[w, random, :, 0].mean() for w in range(len(widths))]
        return (f"The networks on learnable labels end at "
                f"{_series(accuracy[:, learnable], '{:.1f}%')} training accuracy (above "
                f"{100 * result.config['well_trained_accuracy']:g}% at every width: "
                f"{_word(verdict['learnable_well_trained'])}), with hidden-matrix norms {norms}. "
                f"{LOSS_EXPECTATION[result.config['loss']]} In this run the Frobenius norm "
                f"{still[verdict['learnable_norm_still_growing']]}. {cls._trained_norm_sentence(verdict)} The "
                f"random-label networks reach only {_series(accuracy[:, random], '{:.1f}%')} "
                f"training accuracy in {result.config['steps']} steps, and their Frobenius norms have grown by factors "
                f"of {_series(growth, '{:.2f}')}.")

    @classmethod
    def exponents(cls, result: Result) -> str:
        """The measured power of m, placed against the two reference slopes, and how lazy the narrowest net is."""
        values = cls.numbers(result)
        slopes = [values[f"distance_exponent_{labels}"] for labels in LABELS]
        if all(-1.0 <= e <= -0.5 for e in slopes):
            place = "between -1/2 and -1"
        elif all(e < -1.0 for e in slopes):
            place = "steeper than -1"
        elif all(e > -0.5 for e in slopes):
            place = "shallower than -1/2"
        else:
            place = "on different sides of the two reference slopes"
        narrow = 100 * cls.final(cls.relative_distance(result))[0].mean(axis=-1)
        state = ("far from the lazy limit, which is then a direction rather than a description" if narrow.max() > 50
                 else "close enough to the lazy limit for it to describe them")
        return (f"The exponents measured here, the least-squares slope of log distance on log width per seed, are "
                f"{slopes[0]:.2f} for random labels and {slopes[1]:.2f} for learnable labels, {place}. At the "
                f"narrowest width, {result.coords['width'][0]}, the hidden matrix ends {narrow[0]:.0f}% (random) and "
                f"{narrow[1]:.0f}% (learnable) of its initial norm away from the start, so these networks are "
                f"{state}.")

    @classmethod
    def random_vs_learnable(cls, result: Result, found: list[stats.Claim]) -> str:
        """What the run says about random against learnable labels, and why a fixed budget may decide it."""
        verdict = cls._verdicts(found)["random_labels_move_further"]
        random, learnable = cls.label_index(result, "random"), cls.label_index(result, "learnable")
        accuracy = 100 * result["train_accuracy"][:, random, :, -1].mean(axis=-1)
        progress = cls.relative_progress(result)[..., -1].mean(axis=-1)
        ratio = progress[:, random] / progress[:, learnable]
        text = (f"The hypothesis that random labels move the weights further comes from networks trained until they "
                f"fit their labels. After {result.config['steps']} steps the random-label networks fit "
                f"{_series(accuracy, '{:.0f}%')} of their points, and over the last records their hidden matrix "
                f"still moves {_series(ratio, '{:.1f}')} times as far per step as the learnable-label one. ")
        if verdict is stats.Verdict.SUPPORTED:
            return text + "Even so, they are already further from the start at every width."
        return (text + f"The claim that they end further from the start at every width {_word(verdict)} in this run; "
                f"since they are still moving and the learnable-label networks have nearly stopped, a longer run "
                f"(`steps` is a parameter) would show whether they overtake. This page does not.")

    @classmethod
    def oscillation(cls, result: Result) -> str:
        """A check made after seeing the run: at the largest change per step, how much of a step was progress."""
        steps = np.array(result.coords["step"])
        progress, step = cls.relative_progress(result), cls.relative_step(result)[..., :len(steps) - 1]
        parts = []
        for labels in LABELS:
            j = cls.label_index(result, labels)
            for w, width in enumerate(result.coords["width"]):
                mean_step = step[w, j].mean(axis=0)
                i = int(np.argmax(mean_step))
                share = float(progress[w, j, :, i].mean() / mean_step[i])
                parts.append((labels, width, int(steps[i]), int(steps[i + 1]), share))
        listed = "; ".join(f"{LABEL_TEXT[k]}, m = {m}: steps {a} to {b}, {100 * share:.0f}%"
                           for k, m, a, b, share in parts)
        most = sum(share < 0.5 for *_, share in parts)
        text = (f"Where each width's change per step peaks, the net movement per step until the next record was, as a "
                f"share of the step: {listed}. In {most} of these {len(parts)} cases less than half of each step "
                f"was net progress, the rest going back and forth.")
        if most > len(parts) / 2:
            text += (" So the change per iteration, even relative to the norm, says little about how far training "
                     "takes the weights; the distance from the start does.")
        return text

    @classmethod
    def agreement(cls, result: Result, found: list[stats.Claim]) -> str:
        if not result.judged:
            return "This build does not judge its claims, so the sentences below report numbers without verdicts."
        verdict = cls._verdicts(found)
        supported = sum(v is stats.Verdict.SUPPORTED for v in verdict.values())
        missed = [claim.id for claim in found if claim.verdict is not stats.Verdict.SUPPORTED]
        text = f"{supported} of the {len(found)} claims hold in this run."
        if missed:
            text += " Those that do not: " + ", ".join(f"`{m}`" for m in missed) + "."
        return text

    # ------------------------------------------------------------------ figures

    @classmethod
    def plot(cls, result: Result) -> list:
        return [cls.plot_initial(result), cls.plot_trajectories(result), cls.plot_widths(result)]

    @classmethod
    def plot_initial(cls, result: Result):
        """Measured initial norms of the hidden matrix against the two formulas, over widths."""
        widths = np.array(result.coords["init_width"])
        fig, axes = plotting.figure(1, 2, height=3.4)
        frobenius, spectral = cls.hidden(result["init_frobenius"]), cls.hidden(result["init_spectral"])
        ax = axes[0, 0]
        plotting.mean_band(ax, widths, frobenius.T, label="Frobenius norm", color=plotting.COLORS[0])
        plotting.mean_band(ax, widths, spectral.T, label="spectral norm", color=plotting.COLORS[1])
        ax.plot(widths, np.sqrt(2 * widths), color=plotting.COLORS[0], linestyle=":", label="sqrt(2m)")
        ax.plot(widths, np.full(widths.shape, 2 * np.sqrt(2)), color=plotting.COLORS[1], linestyle=":", label="2√2")
        for guess in READER_GUESSES:
            ax.axhline(guess, color="#4a4a4a", linewidth=0.7, linestyle="--")
            ax.text(widths[-1], guess, f" {guess:g}", va="center", fontsize=7, color="#4a4a4a")
        ax.set(xscale="log", yscale="log", xlabel="hidden width m", ylabel="norm of a hidden m x m matrix at init",
               title="norms at initialization")
        _log_ticks(ax, np.concatenate([spectral.ravel(), frobenius.ravel(), READER_GUESSES]))
        ratios = cls.init_ratios(result)
        ax = axes[0, 1]
        plotting.mean_band(ax, widths, ratios["frobenius"].T, label="Frobenius / sqrt(2m)", color=plotting.COLORS[0])
        plotting.mean_band(ax, widths, ratios["spectral"].T, label="spectral / 2√2", color=plotting.COLORS[1])
        tolerance = result.config["formula_tolerance"]
        ax.axhspan(1 - tolerance, 1 + tolerance, color="#4a4a4a", alpha=0.08, linewidth=0)
        ax.axhline(1.0, color="#4a4a4a", linewidth=0.8, linestyle=":")
        ax.set(xscale="log", xlabel="hidden width m", ylabel="measured / formula", title="against the formulas")
        for ax in axes[0]:
            ax.minorticks_off()
            ax.set_xticks(widths, [str(w) for w in widths], fontsize=7)
            ax.legend(fontsize=7)
        fig.tight_layout()
        return fig

    @classmethod
    def plot_trajectories(cls, result: Result):
        """Per label set, the hidden matrix's distance, norms and the training accuracy over the steps."""
        steps = np.array(result.coords["step"])
        fig, axes = plotting.figure(4, 2, height=2.3, sharex=True, sharey="row")
        rows = ((cls.relative_distance(result), "||W - W0||_F / ||W0||_F"),
                (cls.norm_change(result, "frobenius") + 1.0, "Frobenius norm / init"),
                (cls.norm_change(result, "spectral") + 1.0, "spectral norm / init"),
                (result["train_accuracy"], "training accuracy"))
        for col, labels in enumerate(result.coords["labels"]):
            j = cls.label_index(result, labels)
            for row, (values, label) in enumerate(rows):
                ax = axes[row, col]
                for w, width in enumerate(result.coords["width"]):
                    plotting.mean_band(ax, steps, values[w, j], label=f"m = {width}", color=plotting.COLORS[w])
                if col == 0:
                    ax.set_ylabel(label, fontsize=8)
            axes[0, col].set_title(LABEL_TEXT[labels])
            axes[-1, col].set_xlabel("gradient descent steps")
        axes[0, 0].legend(fontsize=7)
        for ax in axes[1:3].ravel():
            ax.axhline(1.0, color="#4a4a4a", linewidth=0.8, linestyle=":")
        fig.tight_layout()
        return fig

    @classmethod
    def plot_widths(cls, result: Result):
        """The end of training against width (log-log), and per label set the change per step over the steps."""
        widths = np.array(result.coords["width"])
        fig, axes = plotting.figure(1, 3, width=11.0, height=3.6)
        ax = axes[0, 0]
        distance = cls.final(cls.relative_distance(result))
        for labels in result.coords["labels"]:
            j = cls.label_index(result, labels)
            plotting.mean_band(ax, widths, distance[:, j].T, label=LABEL_TEXT[labels], color="#4a4a4a",
                               linestyle=LABEL_STYLES[labels])
        anchor = distance[0].mean()
        for exponent, color in ((-0.5, plotting.COLORS[2]), (-1.0, plotting.COLORS[4])):
            ax.plot(widths, anchor * (widths / widths[0]) ** exponent, color=color, linewidth=0.9, linestyle=":",
                    label=f"∝ m^{exponent:g}")
        ax.set(xscale="log", yscale="log", xlabel="hidden width m", ylabel="||W - W0||_F / ||W0||_F at the end",
               title="distance from initialization")
        _log_ticks(ax, distance.ravel())
        ax.minorticks_off()
        ax.set_xticks(widths, [str(w) for w in widths], fontsize=7)
        ax.legend(fontsize=7)
        step, progress = cls.relative_step(result), cls.relative_progress(result)
        change_steps, grid = np.array(result.coords["change_step"]), np.array(result.coords["step"])
        middles = (grid[:-1] + grid[1:]) / 2
        for ax, labels in zip(axes[0, 1:], result.coords["labels"]):
            j = cls.label_index(result, labels)
            for w, width in enumerate(widths):
                plotting.mean_band(ax, change_steps, step[w, j], color=plotting.COLORS[w], label=f"m = {width}")
                ax.plot(middles, progress[w, j].mean(axis=0), color=plotting.COLORS[w], linestyle=":", linewidth=1.2)
            ax.set(yscale="log", xlabel="gradient descent step t", title=f"change per step, {LABEL_TEXT[labels]}")
        axes[0, 1].set_ylabel("relative to ||W0||_F")
        axes[0, 1].sharey(axes[0, 2])
        handles, names = axes[0, 1].get_legend_handles_labels()
        handles.append(Line2D([], [], color="#4a4a4a", linestyle=":"))
        names.append("net progress per step")
        axes[0, 1].legend(handles, names, fontsize=7)
        fig.tight_layout()
        return fig


def _log_ticks(ax, values) -> None:
    """Labelled ticks at 1, 2 and 5 times powers of ten on a log axis that spans less than a decade or two."""
    low, high = np.min(values), np.max(values)
    powers = range(int(np.floor(np.log10(low))), int(np.ceil(np.log10(high))) + 1)
    ticks = [f * 10.0 ** p for p in powers for f in (1, 2, 5) if low <= f * 10.0 ** p <= high]
    ax.set_yticks(ticks, [f"{t:g}" for t in ticks])
    ax.yaxis.set_minor_locator(matplotlib.ticker.NullLocator())


def _series(values, template: str) -> str:
    """A list of numbers as words: "a, b and c"."""
    items = [template.format(v) for v in values]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _word(verdict: stats.Verdict) -> str:
    return {stats.Verdict.SUPPORTED: "holds", stats.Verdict.NOT_SUPPORTED: "does not hold",
            stats.Verdict.INCONCLUSIVE: "inconclusive", stats.Verdict.NOT_JUDGED: "not judged"}[verdict]
