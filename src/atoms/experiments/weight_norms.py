"""Reader question B: what are the norms of the weight matrices, and how does training change them?

ReLU networks with N(0, 2/m) weights train by plain gradient descent on random points of the unit sphere, each
seed on random and on learnable labels from the same initial weights; the initial weights alone are also drawn
at more widths, to test E||W||_F^2 = 2m and ||W||_2 ~ s(sqrt(rows) + sqrt(cols)). The page's text is in its .md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import matplotlib.ticker
import numpy as np
from threadpoolctl import threadpool_limits

from atoms import claims as stats
from atoms import data, plotting, seeding
from atoms.config import Config, param
from atoms.engine import Data, Init, Members, Network, Recording, Training, initial_params, train
from atoms.experiment import Experiment, Result
from atoms.fits import loglog_slope
from atoms.prose import join_words

LABELS = ("random", "learnable")
LABEL_TEXT = {"random": "random labels", "learnable": "learnable labels"}
N_CLASSES = 10
REFERENCE_WIDTH = 64
NORMS = ("frobenius", "spectral")
RANDOM, LEARNABLE = LABELS.index("random"), LABELS.index("learnable")
THREAD = {"reader": 4.0, "reply": 2.0}  # the thread's values for ||W||_F of a hidden matrix at init


@dataclass(frozen=True)
class WeightNormsConfig(Config):
    widths: tuple[int, ...] = param((16, 32, 64), "Hidden widths m trained, one ensemble each.", ge=2, le=1024,
                                    min_len=2)
    init_widths: tuple[int, ...] = param((8, 16, 32, 64, 128, 256), "Hidden widths whose initial weights alone "
                                         "are drawn, to test the norm formulas.", ge=2, le=2048, min_len=2)
    hidden_layers: int = param(2, "Hidden ReLU layers of width m, joined by m x m matrices.", ge=2, le=4)
    dim: int = param(20, "Dimension of the space whose unit sphere holds the points.", ge=2, le=1000)
    n_points: int = param(1000, "Training points per seed, uniform on the unit sphere.", ge=10, le=10_000)
    loss: str = param("softmax_mse", "Squared loss on the softmax or the raw outputs.", choices=("softmax_mse", "mse"))
    steps: int = param(800, "Full-batch gradient descent steps.", ge=2, le=100_000)
    learning_rate: float = param(8.0, f"Gradient descent learning rate at width {REFERENCE_WIDTH}.", gt=0, le=1000)
    learning_rate_rule: str = param("inverse_width", f"'inverse_width': width m uses learning_rate x {REFERENCE_WIDTH}"
                                                     f"/m; 'constant': every width uses learning_rate.",
                                    choices=("inverse_width", "constant"))
    record_every: int = param(20, "Steps between recorded norms (each also records the next step).", ge=1, le=100_000)
    n_seeds: int = param(5, "Seeds per width; each draws its points, labels and initial weights.", ge=2, le=50)
    init_seeds: int = param(100, "Seeds per width of the initialization-only draws.", ge=2, le=1000)
    formula_tolerance: float = param(0.05, "Relative deviation from a norm formula that counts as a match.", gt=0, le=1)

    profile_overrides = {"smoke": {"widths": (16, 32), "init_widths": (8, 32, 128), "steps": 40, "n_seeds": 2,
                                   "init_seeds": 4, "n_points": 200, "record_every": 10}}

    def __post_init__(self):
        super().__post_init__()
        for name, values in (("widths", self.widths), ("init_widths", self.init_widths)):
            if any(b <= a for a, b in zip(values, values[1:])):
                raise ValueError(f"parameter '{name}' must increase, got {list(values)}")
        if self.record_every >= self.steps:
            raise ValueError(f"parameter 'record_every' ({self.record_every}) must be below steps ({self.steps})")


def formula_norms(dim: int, widths, hidden_layers: int) -> tuple[np.ndarray, np.ndarray]:
    """`[width, layer]` formulas for each He-initialised matrix of N(0, s^2) entries: sqrt(E||W||_F^2) =
    s sqrt(rows cols), and the large-matrix spectral norm s (sqrt(rows) + sqrt(cols)), (Gordon) a bound on its mean."""
    sizes = [((dim, *(m,) * hidden_layers), (*(m,) * hidden_layers, N_CLASSES)) for m in widths]
    rows, cols = (np.array([s[i] for s in sizes], dtype=float) for i in (0, 1))
    std = Init("he_normal").scale(rows, cols)
    return np.sqrt(rows * cols) * std, std * (np.sqrt(rows) + np.sqrt(cols))


def learning_rates(config) -> np.ndarray:
    widths, constant = np.array(config.widths, dtype=float), config.learning_rate_rule == "constant"
    return np.full(widths.shape, config.learning_rate) if constant else config.learning_rate * REFERENCE_WIDTH / widths


def sphere_problem(n_points: int, dim: int, rng: np.random.Generator) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """One seed's points, random labels and learnable ones: the argmax of a random linear map (Gaussian directions)."""
    x = data.sphere_points(n_points, dim, rng)
    random = np.argmax(data.random_one_hot(n_points, N_CLASSES, rng), axis=1).astype(np.int64)
    learnable = np.argmax(x @ rng.standard_normal((dim, N_CLASSES)), axis=1).astype(np.int64)
    return x, {"random": random, "learnable": learnable}


def matrix_norms(weights: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """`[..., layer]` Frobenius and spectral norms of stacked `[..., rows, cols]` matrices, in float64 (the spectral
    from the smaller Gram matrix, faster than an SVD; one BLAS thread: a shared pool made it ten times slower)."""
    frobenius, spectral = [], []
    with threadpool_limits(1):
        for w in weights:
            w = w.astype(np.float64)
            t = np.swapaxes(w, -1, -2)
            gram = t @ w if w.shape[-2] >= w.shape[-1] else w @ t
            frobenius.append(np.linalg.norm(w, axis=(-2, -1)))
            spectral.append(np.sqrt(np.maximum(np.linalg.eigvalsh(gram)[..., -1], 0.0)))
    return np.stack(frobenius, axis=-1), np.stack(spectral, axis=-1)


def step_changes(weights: list[np.ndarray], steps: np.ndarray, at: np.ndarray) -> np.ndarray:
    """`[K, len(at), layer]` Frobenius norm of W(t+1) - W(t) for each t in `at`, from recorded snapshots."""
    index = {int(s): i for i, s in enumerate(steps)}
    before, after = [index[int(t)] for t in at], [index[int(t) + 1] for t in at]
    return np.stack([np.linalg.norm((w[:, after] - w[:, before]).astype(np.float64), axis=(2, 3))
                     for w in weights], axis=-1)


class WeightNorms(Experiment):
    name = "14_weight_norms"
    title = "How do weight-matrix norms change during training?"
    Config = WeightNormsConfig

    def _run(self, config):
        seeds = seeding.member_seeds(config.seed, max(config.n_seeds, config.init_seeds))
        norms = [matrix_norms(initial_params(self._network(config, width), Members(seeds=seeds[:config.init_seeds]))
                              [0::2]) for width in config.init_widths]  # initial weights only, drawn as in training
        arrays = {f"init_{norm}": np.array([n[i] for n in norms], np.float32) for i, norm in enumerate(NORMS)}
        dims = {name: ("init_width", "init_seed", "layer") for name in arrays}
        problems = [sphere_problem(config.n_points, config.dim, seeding.generator(s, seeding.DATA))
                    for s in seeds[:config.n_seeds]]
        grid = np.union1d(np.arange(0, config.steps + 1, config.record_every), [config.steps])
        change_at = np.union1d(grid[:-1], [config.steps - 1])
        rates = dict(zip(config.widths, learning_rates(config)))
        trained = {width: self._train_width(config, width, rates[width], seeds[:config.n_seeds], problems, grid,
                                            change_at) for width in config.widths}
        for name in trained[config.widths[0]]:
            arrays[name] = np.stack([trained[w][name] for w in config.widths]).astype(np.float32)
        axes = ("width", "labels", "seed")
        dims.update({name: (*axes, "step", "layer") for name in ("frobenius", "spectral", "distance")})
        dims.update({"train_loss": (*axes, "step"), "train_accuracy": (*axes, "step"), "learning_rate": ("width",),
                     "step_change": (*axes, "change_step", "layer"), "interval_change": (*axes, "interval", "layer"),
                     "class_share": ("seed", "labels")})
        arrays["learning_rate"] = np.array([rates[w] for w in config.widths], np.float32)
        arrays["class_share"] = np.array([[np.bincount(labels[k], minlength=N_CLASSES).max() / config.n_points
                                           for k in LABELS] for _, labels in problems], np.float32)
        coords = {"init_width": list(config.init_widths), "init_seed": list(range(config.init_seeds)),
                  "layer": ["input", *(f"hidden {i}" for i in range(1, config.hidden_layers)), "output"],
                  "width": list(config.widths), "labels": list(LABELS), "seed": list(range(config.n_seeds)),
                  "step": [int(s) for s in grid], "change_step": [int(s) for s in change_at],
                  "interval": [int(s) for s in grid[:-1]]}
        return arrays, dims, coords

    @staticmethod
    def _network(config, width: int) -> Network:
        return Network(config.dim, (width,) * config.hidden_layers, N_CLASSES, activation="relu",
                       weight_init=Init("he_normal"), bias_init=Init("zeros"))

    @classmethod
    def _train_width(cls, config, width, rate, seeds, problems, grid, change_at):
        """One ensemble per width: for every seed, a random-label and a learnable-label member that start from
        the same weights (the same member seed) on the same points, so the label sets compare paired by seed."""
        cells = [(k, s) for k in LABELS for s in range(config.n_seeds)]
        members = Members(seeds=[seeds[s] for _, s in cells], learning_rate=float(rate))
        x, y = np.stack([problems[s][0] for _, s in cells]), np.stack([problems[s][1][k] for k, s in cells])
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

    @classmethod
    def measures(cls, result: Result) -> dict:
        """Means over the hidden m x m matrices, `[width, labels, seed, ...]`: norms, norm / start (`*_growth`), and
        over ||W0||_F the `distance` from the start, one `step`'s change and the net `progress` per step between
        records; `[init_width, init_seed]`: initial norms (`init_*_norm`) and norm / formula (`init_*`)."""
        hidden = lambda values: values[..., 1:-1].mean(axis=-1)  # noqa: E731
        start, c = result["frobenius"][..., :1, :], result.config
        formulas = dict(zip(NORMS, formula_norms(c["dim"], result.coords["init_width"], c["hidden_layers"])))
        steps = np.array(result.coords["step"], dtype=float)
        return {"late": int(np.argmin(np.abs(steps - 0.75 * steps[-1]))),  # the record nearest 3/4 of the run
                "progress": hidden(result["interval_change"] / start) / np.diff(steps),
                "distance": hidden(result["distance"] / start), "step": hidden(result["step_change"] / start),
                **{norm: hidden(result[norm]) for norm in NORMS},
                **{f"{norm}_growth": hidden(result[norm] / result[norm][..., :1, :]) for norm in NORMS},
                **{f"init_{norm}_norm": hidden(result[f"init_{norm}"]) for norm in NORMS},
                **{f"init_{norm}": hidden(result[f"init_{norm}"] / formulas[norm][:, None, :]) for norm in NORMS}}

    @classmethod
    def declare(cls, result: Result) -> list[stats.Claim]:
        widths, init_widths, steps = result.coords["width"], result.coords["init_width"], result.coords["step"]
        m, tolerance = cls.measures(result), result.config["formula_tolerance"]
        distance, within, late = m["distance"][..., -1], f"within {100 * tolerance:g}% of", m["late"]
        falls = {**{f"distance, {LABEL_TEXT[k]}": distance[:, j] for j, k in enumerate(LABELS)},
                 **{f"{n.capitalize()} norm change, learnable labels": np.abs(m[f"{n}_growth"][:, LEARNABLE, :, -1] - 1)
                    for n in NORMS}}
        claim = stats.Claim
        return [
            claim("init_frobenius_matches_formula", f"At every width m from {init_widths[0]} to {init_widths[-1]}, "
                  f"the median initial Frobenius norm of a hidden m x m matrix is {within} sqrt(2m).",
                  stats.all_of({f"m = {w}": stats.within(r, centre=1.0, margin=tolerance)
                                for w, r in zip(init_widths, m["init_frobenius"])}), primary=True),
            claim("change_falls_with_width", "The wider the network, the less training changes its hidden matrix "
                  "relative to its start: the final distance ||W - W0||_F / ||W0||_F (both label sets) and the "
                  "relative change |final/initial - 1| of both norms (learnable labels) all fall with width.",
                  stats.all_of({k: stats.trend(v.T, "decreasing", levels=widths) for k, v in falls.items()}),
                  primary=True),
            claim("random_labels_move_further", "Averaged over the trained widths, random labels move the hidden "
                  "matrix further from its start than learnable labels do (final relative distance, paired by "
                  "seed; the average over widths was chosen after the first full run).",
                  stats.paired(distance[:, RANDOM].mean(axis=0), distance[:, LEARNABLE].mean(axis=0)),
                  primary=True, registered=False),
            claim("init_spectral_matches_formula_widest", f"At the widest width (m = {init_widths[-1]}), the median "
                  f"initial spectral norm of a hidden matrix is {within} 2*sqrt(2) = {2 * math.sqrt(2):.2f}.",
                  stats.within(m["init_spectral"][-1], centre=1.0, margin=tolerance)),
            claim("init_spectral_ratio_rises", "The initial spectral norm of a hidden matrix over 2*sqrt(2) rises "
                  "toward 1 as the width grows (narrow random matrices fall short of the large-matrix value).",
                  stats.trend(m["init_spectral"].T, "increasing", levels=init_widths)),
            claim("learnable_norm_still_growing", f"At every width, with learnable labels, the hidden matrix's "
                  f"Frobenius norm is still rising at the end: larger at step {steps[-1]} than at step "
                  f"{steps[late]} (paired by seed).",
                  stats.all_of({f"m = {w}": stats.paired(f[:, -1], f[:, late])
                                for w, f in zip(widths, m["frobenius"][:, LEARNABLE])})),
        ]

    @classmethod
    def numbers(cls, result: Result) -> dict:
        """Values the page quotes: `_m{m}` per drawn or trained width m, and `{labels}_{name}` phrases listing
        one mean per trained width ("a, b and c", in the order of `widths`); percentages in percent."""
        c, widths, init_widths, steps = (result.config, *(result.coords[k] for k in ("width", "init_width", "step")))
        m, rates = cls.measures(result), np.asarray(result["learning_rate"], float)
        late = m["late"]
        frob0, spec0 = m["init_frobenius_norm"].mean(axis=1), m["init_spectral_norm"].mean(axis=1)
        ratios = {norm: m[f"init_{norm}"].mean(axis=1) for norm in NORMS}
        found = {"n_seeds": c["n_seeds"], "init_seeds": c["init_seeds"], "widths": join_words([str(w) for w in widths]),
                 "rates": join_words([f"{r:g}" for r in rates]), "tolerance_percent": 100 * c["formula_tolerance"],
                 "init_min": init_widths[0], "init_max": init_widths[-1], "two_sqrt_two": 2 * math.sqrt(2),
                 "frob_ratio_low": min(ratios["frobenius"]), "frob_ratio_high": max(ratios["frobenius"]),
                 "hidden_matrices": c["hidden_layers"] - 1, "late_step": steps[late], "last_step": steps[-1],
                 **{f"largest_class_{k}": 100 * result["class_share"][:, j].mean() for j, k in enumerate(LABELS)}}
        for who, value in THREAD.items():
            found.update({who: value, f"{who}_width": value ** 2 / 2, f"{who}_over_spectral": value / spec0[-1]})
        for i, w in enumerate(init_widths):
            found.update({f"frob_m{w}": frob0[i], f"spec_m{w}": spec0[i], f"sqrt2m_m{w}": math.sqrt(2 * w),
                          f"frob_ratio_m{w}": ratios["frobenius"][i], f"spec_ratio_m{w}": ratios["spectral"][i],
                          **{f"{who}_factor_m{w}": frob0[i] / value for who, value in THREAD.items()}})
        for end, w in (("narrowest", init_widths[0]), ("widest", init_widths[-1])):
            found.update({f"{k}_{end}": found[f"{k}_m{w}"] for k in ("frob", "spec", "spec_ratio", "reader_factor",
                                                                      "reply_factor", "sqrt2m")})
        frob, spec, step = m["frobenius"], m["spectral"], m["step"]
        per_width = {"accuracy": (100 * result["train_accuracy"][..., -1], "{:.1f}%"),  # [width, labels, seed]
                     "distance": (100 * m["distance"][..., -1], "{:.0f}%"), "frob_start": (frob[..., 0], "{:.2f}"),
                     "frob_end": (frob[..., -1], "{:.2f}"), "spec_start": (spec[..., 0], "{:.2f}"),
                     "spec_end": (spec[..., -1], "{:.2f}"), "first_step": (100 * step[..., 0], "{:.2f}%"),
                     "frob_change": (100 * (m["frobenius_growth"][..., -1] - 1), "{:+.0f}%"),
                     "spec_change": (100 * (m["spectral_growth"][..., -1] - 1), "{:+.0f}%"),
                     "frob_over_formula": (frob[..., -1] / np.sqrt(2 * np.array(widths))[:, None, None], "{:.2f}"),
                     "spec_over_formula": (spec[..., -1] / (2 * math.sqrt(2)), "{:.2f}"),
                     "late_growth": (100 * (frob[..., -1] / frob[..., late] - 1), "{:+.1f}%"),
                     "last_step": (100 * step[..., -1], "{:.3f}%")}
        for name, (values, template) in per_width.items():
            for j, labels in enumerate(LABELS):
                means = values[:, j].mean(axis=-1)
                found.update({f"{labels}_{name}_m{w}": means[i] for i, w in enumerate(widths)})
                found[f"{labels}_{name}"] = join_words([template.format(v) for v in means])
        gap = m["distance"][:, RANDOM, :, -1].mean(axis=0) - m["distance"][:, LEARNABLE, :, -1].mean(axis=0)
        per_rate = step[..., 0].mean(axis=(1, 2)) / rates
        mean_step = step[..., :len(steps) - 1].mean(axis=2)  # [width, labels, interval]; its peak, and the share
        peak = mean_step.argmax(axis=-1)[..., None]  # of that step which the net progress to the next record made
        share = np.take_along_axis(m["progress"].mean(axis=2), peak, -1) / np.take_along_axis(mean_step, peak, -1)
        found.update({"distance_gap": 100 * gap.mean(), "n_random_further": int(np.sum(gap > 0)),
                      "rate_ratio": per_rate[0] / per_rate[-1], "n_peaks": share.size, "n_below_half": int(np.sum(
                          share < 0.5)), "peak_share_low": 100 * share.min(), "peak_share_high": 100 * share.max(),
                      **{f"distance_exponent_{k}": loglog_slope(widths, m["distance"][:, j, :, -1].T).mean()
                         for j, k in enumerate(LABELS)}})
        return {k: float(v) if isinstance(v, (float, np.floating)) else v for k, v in found.items()}

    @classmethod
    def plot(cls, result: Result) -> list:
        return [cls.plot_widths(result, m := cls.measures(result)), cls.plot_trajectories(result, m)]

    @classmethod
    def plot_widths(cls, result: Result, m: dict):
        """Against the width: the initial norms with their formulas (left), the final distance from the start."""
        fig, axes = plotting.figure(1, 2, height=3.6)
        for ax in axes[0]:
            ax.set(xscale="log", yscale="log", xlabel="hidden width m")
        ax, init, norms = axes[0, 0], np.array(result.coords["init_width"]), (m["init_frobenius_norm"],
                                                                             m["init_spectral_norm"])
        formulas = {"sqrt(2m)": np.sqrt(2 * init), "2√2": np.full(init.shape, 2 * math.sqrt(2))}
        for (name, formula), values, norm, color in zip(formulas.items(), norms, ("Frobenius", "spectral"),
                                                        plotting.COLORS):
            plotting.mean_band(ax, init, values.T, label=f"{norm} norm", color=color)
            ax.plot(init, formula, color=color, linestyle=":", label=name)
        for who, guess in THREAD.items():
            ax.axhline(guess, color="#4a4a4a", linewidth=0.7, linestyle="--")
            ax.text(init[-1], guess, f" {who}: {guess:g}", va="center", fontsize=7, color="#4a4a4a")
        ax.set(ylabel="norm of a hidden m x m matrix", title="at initialization")
        _log_ticks(ax, np.concatenate([*(n.ravel() for n in norms), list(THREAD.values())]))
        ax, widths, distance = axes[0, 1], np.array(result.coords["width"]), m["distance"][..., -1]
        for j, labels in enumerate(LABELS):
            plotting.mean_band(ax, widths, distance[:, j].T, label=LABEL_TEXT[labels], color="#4a4a4a",
                               linestyle=("-", "--")[j])
        for exponent, color in ((-0.5, plotting.COLORS[2]), (-1.0, plotting.COLORS[4])):
            ax.plot(widths, distance[0].mean() * (widths / widths[0]) ** exponent, color=color, linewidth=0.9,
                    linestyle=":", label=f"∝ m^{exponent:g}")
        ax.set(ylabel="||W - W0||_F / ||W0||_F at the end", title="distance from the start after training")
        _log_ticks(ax, distance.ravel())
        for ax, x in zip(axes[0], (init, widths)):
            ax.minorticks_off()
            ax.set_xticks(x, [str(w) for w in x], fontsize=7)
            ax.legend(fontsize=7)
        fig.tight_layout()
        return fig

    @classmethod
    def plot_trajectories(cls, result: Result, m: dict):
        """Per label set over the steps: distance from the start, norms, one step's change, training accuracy."""
        grid, widths = np.array(result.coords["step"]), result.coords["width"]
        fig, axes = plotting.figure(5, 2, height=2.2, sharex=True, sharey="row")
        rows = ((m["distance"], "||W - W0||_F / ||W0||_F"), (m["frobenius_growth"], "Frobenius norm / init"),
                (m["spectral_growth"], "spectral norm / init"), (m["step"], "one step / ||W0||_F"),
                (result["train_accuracy"], "training accuracy"))
        for j, labels in enumerate(LABELS):
            for row, (values, label) in enumerate(rows):
                for w, width in enumerate(widths):
                    plotting.mean_band(axes[row, j], result.coords["change_step" if row == 3 else "step"],
                                       values[w, j], label=f"m = {width}", color=plotting.COLORS[w])
                    if row == 3:
                        axes[row, j].plot((grid[:-1] + grid[1:]) / 2, m["progress"][w, j].mean(axis=0),
                                          color=plotting.COLORS[w], linestyle=":", linewidth=1.2)
                axes[row, 0].set_ylabel(label, fontsize=8)
                if row in (1, 2):
                    axes[row, j].axhline(1.0, color="#4a4a4a", linewidth=0.8, linestyle=":")
            axes[0, j].set_title(LABEL_TEXT[labels])
            axes[3, j].set_yscale("log")
            axes[-1, j].set_xlabel("gradient descent steps")
        axes[0, 0].legend(fontsize=7)
        fig.tight_layout()
        return fig


def _log_ticks(ax, values) -> None:
    """Labelled ticks at 1, 2 and 5 times powers of ten on a log axis spanning a decade or two."""
    low, high = np.min(values), np.max(values)
    powers = range(int(np.floor(np.log10(low))), int(np.ceil(np.log10(high))) + 1)
    ticks = [f * 10.0 ** p for p in powers for f in (1, 2, 5) if low <= f * 10.0 ** p <= high]
    ax.set_yticks(ticks, [f"{t:g}" for t in ticks])
    ax.yaxis.set_minor_locator(matplotlib.ticker.NullLocator())
