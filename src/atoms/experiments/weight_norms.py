"""Reader question B: what are the norms of the weight matrices, and how does training change them?

ReLU networks with N(0, 2/m) weights train by full-batch gradient descent on the reader's data, random points of
the unit sphere with random one-hot labels, until they fit them: several widths at one learning-rate rule, and
several learning rates at one width. The initial weights alone are also drawn at more widths, to test
E||W||_F^2 = 2m and ||W||_2 ~ s(sqrt(rows) + sqrt(cols)). The page's text is in its .md.
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

N_CLASSES = 10
REFERENCE_WIDTH = 64
NORMS = ("frobenius", "spectral")
THREAD = {"reader": 4.0, "reply": 2.0}  # the thread's values for ||W||_F of a hidden matrix at init


@dataclass(frozen=True)
class WeightNormsConfig(Config):
    widths: tuple[int, ...] = param((48, 64, 96), "Hidden widths m trained.", ge=2, le=1024, min_len=2)
    init_widths: tuple[int, ...] = param((8, 16, 32, 64, 128, 256), "Widths whose initial weights alone are drawn.",
                                         ge=2, le=2048, min_len=2)
    hidden_layers: int = param(2, "Hidden ReLU layers of width m, joined by m x m matrices.", ge=2, le=4)
    dim: int = param(20, "Dimension of the space whose unit sphere holds the points.", ge=2, le=1000)
    n_points: int = param(1000, "Training points per seed, uniform on the unit sphere.", ge=10, le=10_000)
    loss: str = param("cross_entropy", "Softmax cross-entropy, or the squared error on the softmax (the reader's) or "
                      "on the raw outputs.", choices=("cross_entropy", "softmax_mse", "mse"))
    steps: int = param(700, "Full-batch gradient descent steps.", ge=2, le=100_000)
    learning_rate: float = param(2.0, f"Gradient descent learning rate at width {REFERENCE_WIDTH}.", gt=0, le=1000)
    learning_rate_rule: str = param("inverse_width", f"'inverse_width': learning_rate x {REFERENCE_WIDTH}/m at width m;"
                                    " 'constant': learning_rate at all.", choices=("inverse_width", "constant"))
    sweep_width: int = param(64, "Hidden width at which the learning rate is swept.", ge=2, le=1024)
    sweep_rates: tuple[float, ...] = param((1.0, 2.0, 4.0), "Learning rates trained at sweep_width, increasing.",
                                           gt=0, le=1000, min_len=2)
    rate_margin: float = param(0.1, "Rise of the norm at fit, top over bottom rate, beyond 'barely'.", gt=0, le=10)
    record_every: int = param(20, "Steps between recorded norms (each also records the next step).", ge=1, le=100_000)
    n_seeds: int = param(6, "Seeds, each with its points, labels and initial weights.", ge=2, le=50)
    init_seeds: int = param(100, "Seeds per width of the initialization-only draws.", ge=2, le=1000)
    formula_tolerance: float = param(0.05, "Relative deviation from a norm formula that counts as a match.", gt=0, le=1)

    profile_overrides = {"smoke": {"widths": (16, 32), "init_widths": (8, 32, 128), "steps": 40, "n_seeds": 2,
                                   "init_seeds": 4, "n_points": 200, "record_every": 10, "sweep_width": 16}}
    work = ("steps", "n_seeds")

    def __post_init__(self):
        super().__post_init__()
        for name, values in (("widths", self.widths), ("init_widths", self.init_widths), ("sweep_rates",
                                                                                             self.sweep_rates)):
            if any(b <= a for a, b in zip(values, values[1:])):
                raise ValueError(f"parameter '{name}' must increase, got {list(values)}")
        if self.record_every >= self.steps:
            raise ValueError(f"parameter 'record_every' ({self.record_every}) must be below steps ({self.steps})")


def formula_norms(dim: int, widths, hidden_layers: int) -> tuple[np.ndarray, np.ndarray]:
    """`[width, layer]` sqrt(E||W||_F^2) = s sqrt(rows cols) and the large-matrix spectral norm s (sqrt(rows) +
    sqrt(cols)) (Gordon: a bound on its mean) of each He-initialised matrix of N(0, s^2) entries."""
    sizes = [((dim, *(m,) * hidden_layers), (*(m,) * hidden_layers, N_CLASSES)) for m in widths]
    rows, cols = (np.array([s[i] for s in sizes], dtype=float) for i in (0, 1))
    std = Init("he_normal").scale(rows, cols)
    return np.sqrt(rows * cols) * std, std * (np.sqrt(rows) + np.sqrt(cols))


def learning_rates(config) -> np.ndarray:
    widths, constant = np.array(config.widths, dtype=float), config.learning_rate_rule == "constant"
    return np.full(widths.shape, config.learning_rate) if constant else config.learning_rate * REFERENCE_WIDTH / widths


def training_runs(config) -> list[tuple[int, float]]:
    """(width, rate) of every trained arm: each width at its rule's rate, then the swept rates not already there."""
    runs = [(w, float(r)) for w, r in zip(config.widths, learning_rates(config))]
    return runs + [(config.sweep_width, r) for r in config.sweep_rates if (config.sweep_width, r) not in runs]


def sphere_problem(n_points: int, dim: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One seed's points on the unit sphere and their random labels, drawn independently of the points."""
    x = data.sphere_points(n_points, dim, rng)
    return x, np.argmax(data.random_one_hot(n_points, N_CLASSES, rng), axis=1).astype(np.int64)


def fit_index(accuracy: np.ndarray) -> np.ndarray:
    """Index of the first record with every training point right (the network fits), else of the last record."""
    return np.where((fitted := np.asarray(accuracy) >= 1.0).any(-1), fitted.argmax(-1), fitted.shape[-1] - 1)


def matrix_norms(weights: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """`[..., layer]` Frobenius and spectral norms of stacked matrices, in float64 (spectral from the smaller Gram
    matrix, faster than an SVD; one BLAS thread: a shared pool made it ten times slower)."""
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
    full_seconds = 44

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
        runs, trained = training_runs(config), {}
        for width in dict.fromkeys(w for w, _ in runs):  # one ensemble per width: its rates times the seeds
            rates = [r for w, r in runs if w == width]
            out = self._train_width(config, width, rates, seeds[:config.n_seeds], problems, grid, change_at)
            trained.update({(width, r): {name: values[i] for name, values in out.items()} for i, r in enumerate(rates)})
        for name in trained[runs[0]]:
            arrays[name] = np.stack([trained[run][name] for run in runs]).astype(np.float32)
        axes, (arrays["run_width"], arrays["run_rate"]) = ("run", "seed"), (np.array(list(v)) for v in zip(*runs))
        dims.update({name: (*axes, "step", "layer") for name in ("frobenius", "spectral", "distance")})
        dims.update({"train_loss": (*axes, "step"), "train_accuracy": (*axes, "step"), "run_width": ("run",),
                     "run_rate": ("run",), "step_change": (*axes, "change_step", "layer")})
        coords = {"init_width": list(config.init_widths), "init_seed": list(range(config.init_seeds)),
                  "layer": ["input", *(f"hidden {i}" for i in range(1, config.hidden_layers)), "output"],
                  "run": list(range(len(runs))), "seed": list(range(config.n_seeds)), "step": [int(s) for s in grid],
                  "change_step": [int(s) for s in change_at]}
        return arrays, dims, coords

    @staticmethod
    def _network(config, width: int) -> Network:
        return Network(config.dim, (width,) * config.hidden_layers, N_CLASSES, activation="relu",
                       weight_init=Init("he_normal"), bias_init=Init("zeros"))

    @classmethod
    def _train_width(cls, config, width, rates, seeds, problems, grid, change_at):
        """One ensemble per width: every rate's member of a seed starts from that seed's weights on its points."""
        cells = [(r, s) for r in rates for s in range(config.n_seeds)]
        members = Members(seeds=[seeds[s] for _, s in cells], learning_rate=np.array([r for r, _ in cells], np.float32))
        x, y = np.stack([problems[s][0] for _, s in cells]), np.stack([problems[s][1] for _, s in cells])
        recording = Recording(at=tuple(map(int, np.union1d(grid, np.union1d(change_at, change_at + 1)))), weights=True)
        history = train(cls._network(config, width), Training(steps=config.steps, loss=config.loss, optimizer="sgd"),
                        members, Data(x, y), recording)
        on_grid = np.searchsorted(history.steps, grid)
        snapshots = [w[:, on_grid] for w in history.weights]
        distance = np.stack([np.linalg.norm((w - w0[:, None]).astype(np.float64), axis=(-2, -1))
                             for w, w0 in zip(snapshots, history.initial_params[0::2])], axis=-1)
        out = {**dict(zip(NORMS, matrix_norms(snapshots))), "distance": distance,
               "train_loss": history.train_loss[:, on_grid], "train_accuracy": history.train_accuracy[:, on_grid],
               "step_change": step_changes(history.weights, history.steps, change_at)}
        return {name: values.reshape(len(rates), config.n_seeds, *values.shape[1:]) for name, values in out.items()}

    @classmethod
    def arms(cls, result: Result) -> tuple[list[int], list[int]]:
        """Run indices of the width sweep (in `widths` order) and of the rate sweep (in `sweep_rates` order)."""
        c, width, rate = result.config, np.asarray(result["run_width"]), np.asarray(result["run_rate"])
        find = lambda w, r: int(np.flatnonzero((width == w) & np.isclose(rate, r))[0])  # noqa: E731
        return ([find(w, r) for w, r in zip(c["widths"], learning_rates(cls.Config.from_params(c)))],
                [find(c["sweep_width"], r) for r in c["sweep_rates"]])

    @classmethod
    def measures(cls, result: Result) -> dict:
        """Hidden-matrix means `[run, seed, ...]`: norms, norm / start, `distance` and one `step` over ||W0||_F, the
        `fit` record and `*_fit` values there; `[init_width, init_seed]`: initial norms, norm / formula (`init_*`)."""
        hidden = lambda values: values[..., 1:-1].mean(axis=-1)  # noqa: E731
        start, c, steps = result["frobenius"][..., :1, :], result.config, np.array(result.coords["step"], dtype=float)
        formulas = dict(zip(NORMS, formula_norms(c["dim"], result.coords["init_width"], c["hidden_layers"])))
        found = {"late": int(np.argmin(np.abs(steps - 0.75 * steps[-1]))),  # the record nearest 3/4 of the run
                 "fit": fit_index(result["train_accuracy"]), "accuracy": np.asarray(result["train_accuracy"]),
                 "distance": hidden(result["distance"] / start), "step": hidden(result["step_change"] / start),
                 **{norm: hidden(result[norm]) for norm in NORMS},
                 **{f"{norm}_growth": hidden(result[norm] / result[norm][..., :1, :]) for norm in NORMS},
                 **{f"init_{norm}_norm": hidden(result[f"init_{norm}"]) for norm in NORMS},
                 **{f"init_{norm}": hidden(result[f"init_{norm}"] / formulas[norm][:, None, :]) for norm in NORMS}}
        for name in ("distance", "frobenius", "spectral", "frobenius_growth", "spectral_growth"):
            found[f"{name}_fit"] = np.take_along_axis(found[name], found["fit"][..., None], -1)[..., 0]
        return found

    @classmethod
    def declare(cls, result: Result) -> list[stats.Claim]:
        c, init_widths, steps = result.config, result.coords["init_width"], result.coords["step"]
        m, tolerance, (wide, swept) = cls.measures(result), c["formula_tolerance"], cls.arms(result)
        within, late, rates, low, high = f"within {100 * tolerance:g}% of", m["late"], c["sweep_rates"], 0, -1
        falls = {"distance": m["distance_fit"][wide], **{f"{n.capitalize()} norm change": np.abs(
            m[f"{n}_growth_fit"][wide] - 1) for n in NORMS}}
        norm_fit, claim = m["frobenius_fit"][swept], stats.Claim  # [rate, seed]
        return [
            claim("init_frobenius_matches_formula", f"At every width m from {init_widths[0]} to {init_widths[-1]}, "
                  f"the median initial Frobenius norm of a hidden m x m matrix is {within} sqrt(2m).",
                  stats.all_of({f"m = {w}": stats.within(r, centre=1.0, margin=tolerance)
                                for w, r in zip(init_widths, m["init_frobenius"])}), primary=True),
            claim("change_falls_with_width", "The wider the network, the less training changes its hidden matrix "
                  "relative to its start, measured when the network first fits all its labels (or at the last step "
                  "if it never does): the distance ||W - W0||_F / ||W0||_F and the relative change |W/W0 - 1| of "
                  "both norms all fall with width.",
                  stats.all_of({k: stats.trend(v.T, "decreasing", levels=c["widths"]) for k, v in falls.items()}),
                  primary=True),
            claim("rate_raises_norm", f"At width {c['sweep_width']}, the learning rate changes the trained norm by "
                  f"more than a little: the hidden matrix's Frobenius norm when the network first fits all its labels "
                  f"rises with the learning rate from {rates[low]:g} to {rates[high]:g}, and at {rates[high]:g} it is "
                  f"more than {100 * c['rate_margin']:g}% above its value at {rates[low]:g} (median ratio).",
                  stats.all_of({"rise": stats.trend(norm_fit.T, "increasing", levels=rates),
                                f"ratio {rates[high]:g} / {rates[low]:g}": stats.compare(
                                    norm_fit[high] / norm_fit[low], level=1 + c["rate_margin"])}), primary=True),
            claim("init_spectral_matches_formula_widest", f"At the widest width (m = {init_widths[-1]}), the median "
                  f"initial spectral norm of a hidden matrix is {within} 2*sqrt(2) = {2 * math.sqrt(2):.2f}.",
                  stats.within(m["init_spectral"][-1], centre=1.0, margin=tolerance)),
            claim("init_spectral_ratio_rises", "The initial spectral norm of a hidden matrix over 2*sqrt(2) rises "
                  "toward 1 as the width grows (narrow random matrices fall short of the large-matrix value).",
                  stats.trend(m["init_spectral"].T, "increasing", levels=init_widths)),
            claim("norm_still_growing", f"At every trained width, the hidden matrix's Frobenius norm is still rising "
                  f"at the end: larger at step {steps[-1]} than at step {steps[late]} (paired by seed).",
                  stats.all_of({f"m = {w}": stats.paired(f[:, -1], f[:, late])
                                for w, f in zip(c["widths"], m["frobenius"][wide])})),
        ]

    @classmethod
    def numbers(cls, result: Result) -> dict:
        """The page's values: `_m{m}` per drawn width, `_w{i}` / `rate_*_r{i}` per trained width / swept rate, and
        phrases of one mean per width ("a, b and c"; `rate_*`: per rate); percentages in percent."""
        c, init_widths, steps = result.config, result.coords["init_width"], result.coords["step"]
        m, (wide, swept), rates = cls.measures(result), cls.arms(result), np.asarray(result["run_rate"])
        frob0, spec0 = m["init_frobenius_norm"].mean(axis=1), m["init_spectral_norm"].mean(axis=1)
        ratios, fitted = {norm: m[f"init_{norm}"].mean(axis=1) for norm in NORMS}, m["accuracy"].max(axis=-1) >= 1
        found = {"init_min": init_widths[0], "init_max": init_widths[-1], "rate_percent": 100 * c["rate_margin"],
                 "tolerance_percent": 100 * c["formula_tolerance"], "widths": join_words([str(w) for w in c["widths"]]),
                 "rates": join_words([f"{rates[i]:.3g}" for i in wide]), "hidden_matrices": c["hidden_layers"] - 1,
                 "sweep_rates": join_words([f"{r:g}" for r in c["sweep_rates"]]), "n_fitted": int(fitted.sum()),
                 "frob_ratio_low": min(ratios["frobenius"]), "frob_ratio_high": max(ratios["frobenius"]),
                 "late_step": steps[m["late"]], "last_step": steps[-1], "n_members": fitted.size}
        found.update({f"{who}_{k}": v for who, x in THREAD.items() for k, v in (("width", x ** 2 / 2),
                                                                                 ("over_spectral", x / spec0[-1]))})
        for i, w in enumerate(init_widths):
            found.update({f"frob_m{w}": frob0[i], f"spec_m{w}": spec0[i], f"sqrt2m_m{w}": math.sqrt(2 * w),
                          f"frob_ratio_m{w}": ratios["frobenius"][i], f"spec_ratio_m{w}": ratios["spectral"][i],
                          **{f"{who}_factor_m{w}": frob0[i] / value for who, value in THREAD.items()}})
        found.update({f"{k}_{end}": found[f"{k}_m{w}"] for end, w in (("narrowest", init_widths[0]), ("widest",
                      init_widths[-1])) for k in ("frob", "spec", "spec_ratio", "reader_factor", "reply_factor")})
        frob, step, fit_step = m["frobenius"], m["step"], np.asarray(steps)[m["fit"]]
        per_run = {"accuracy": (100 * m["accuracy"][..., -1], "{:.1f}%"), "fit_step": (fit_step, "{:.0f}"),
                   "rate": (np.broadcast_to(rates[:, None], fit_step.shape), "{:.3g}"),
                   "distance": (100 * m["distance_fit"], "{:.0f}%"), "frob_start": (frob[..., 0], "{:.2f}"),
                   "frob_fit": (m["frobenius_fit"], "{:.2f}"), "spec_fit": (m["spectral_fit"], "{:.2f}"),
                   "frob_end": (frob[..., -1], "{:.2f}"),
                   "frob_change": (100 * (m["frobenius_growth_fit"] - 1), "{:+.0f}%"),
                   "spec_change": (100 * (m["spectral_growth_fit"] - 1), "{:+.0f}%"),
                   "frob_over_formula": (m["frobenius_fit"] / np.sqrt(2 * result["run_width"])[:, None], "{:.2f}"),
                   "spec_over_formula": (m["spectral_fit"] / (2 * math.sqrt(2)), "{:.2f}"),
                   "late_growth": (100 * (frob[..., -1] / frob[..., m["late"]] - 1), "{:+.1f}%"),
                   "first_change": (100 * step[..., 0], "{:.2f}%"), "last_change": (100 * step[..., -1], "{:.3f}%")}
        for name, (values, template) in per_run.items():
            means = values.mean(axis=1)
            for prefix, runs in (("", wide), ("rate_", swept)):
                found.update({f"{prefix}{name}_{'wr'[bool(prefix)]}{i}": means[r] for i, r in enumerate(runs)})
                found[f"{prefix}{name}"] = join_words([template.format(means[r]) for r in runs])
        ratio = m["frobenius_fit"][swept[-1]] / m["frobenius_fit"][swept[0]]
        per_rate = step[wide, :, 0].mean(axis=1) / rates[wide]
        found.update({"rate_ratio_mean": 100 * (ratio.mean() - 1), "rate_ratio_low": 100 * (ratio.min() - 1),
                      "rate_ratio_high": 100 * (ratio.max() - 1), "first_step_ratio": per_rate[0] / per_rate[-1],
                      "distance_exponent": loglog_slope(c["widths"], m["distance_fit"][wide].T).mean()})
        return {k: float(v) if isinstance(v, (float, np.floating)) else v for k, v in found.items()}

    @classmethod
    def plot(cls, result: Result) -> list:
        return [cls.plot_widths(result, m := cls.measures(result)), cls.plot_trajectories(result, m)]

    @classmethod
    def plot_widths(cls, result: Result, m: dict):
        """Against the width: the initial norms with their formulas (left); the distance from the start at fit."""
        fig, axes = plotting.figure(1, 2, height=3.6)
        axes[0, 0].set_yscale("log"), axes[0, 1].set_yscale("log")
        ax, init, norms = axes[0, 0], np.array(result.coords["init_width"]), (m["init_frobenius_norm"],
                                                                             m["init_spectral_norm"])
        formulas = {"sqrt(2m)": np.sqrt(2 * init), "2√2": np.full(init.shape, 2 * math.sqrt(2))}
        for (name, formula), values, norm, color in zip(formulas.items(), norms, ("Frobenius", "spectral"),
                                                        plotting.COLORS):
            plotting.mean_band(ax, init, values.T, label=f"{norm} norm", color=color)
            ax.plot(init, formula, color=color, linestyle=":", label=name)
        for who, guess in THREAD.items():
            ax.axhline(guess, color="#4a4a4a", linewidth=0.7, linestyle="--")
            ax.text(init[-1], guess, f" {who}: {guess:g}", va="center", color="#4a4a4a")
        ax.set(ylabel="norm of a hidden m x m matrix", title="at initialization")
        ax, widths, distance = axes[0, 1], np.array(result.config["widths"]), m["distance_fit"][cls.arms(result)[0]]
        plotting.mean_band(ax, widths, distance.T, label="measured", color="#4a4a4a")
        for exponent, color in ((-0.5, plotting.COLORS[2]), (-1.0, plotting.COLORS[4])):
            ax.plot(widths, distance[0].mean() * (widths / widths[0]) ** exponent, color=color, linewidth=0.9,
                    linestyle=":", label=f"∝ m^{exponent:g}")
        ax.set(ylabel="||W - W0||_F / ||W0||_F at fit", title="distance from the start\nwhen the labels fit")
        for ax, x in zip(axes[0], (init, widths)):
            ax.set(xscale="log", xlabel="hidden width m")  # y: labelled ticks at 1, 2 and 5 times powers of ten
            ax.yaxis.set_major_locator(matplotlib.ticker.LogLocator(subs=(1.0, 2.0, 5.0)))
            ax.yaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g"))
            ax.minorticks_off()
            ax.set_xticks(x, [str(w) for w in x])
            ax.legend()
        fig.tight_layout()
        return fig

    @classmethod
    def plot_trajectories(cls, result: Result, m: dict):
        """Per sweep (widths, rates) over the steps: distance, norms, one step's change, training accuracy."""
        steps, rates, colors = np.array(result.coords["step"]), result["run_rate"], plotting.COLORS
        fig, axes = plotting.figure(5, 2, height=2.2, sharex=True, sharey="row")
        rows = ((m["distance"], "||W - W0||_F / ||W0||_F"), (m["frobenius_growth"], "Frobenius norm / init"),
                (m["spectral_growth"], "spectral norm / init"), (m["step"], "one step / ||W0||_F"),
                (m["accuracy"], "training accuracy"))
        labels = (lambda r: f"m = {result['run_width'][r]}", lambda r: f"rate {rates[r]:g}")
        for j, (runs, title) in enumerate(zip(cls.arms(result), ("widths", "learning rates at m = {sweep_width}"))):
            for row, (values, label) in enumerate(rows):
                for i, r in enumerate(runs):
                    plotting.mean_band(axes[row, j], result.coords["change_step" if row == 3 else "step"],
                                       values[r], label=labels[j](r), color=colors[i])
                    if row == 0:  # each seed's first fit, on the distance curve
                        axes[0, j].plot(steps[m["fit"][r]], m["distance_fit"][r], "|", ms=6, color=colors[i])
                axes[row, 0].set_ylabel(label)
                if row in (1, 2):
                    axes[row, j].axhline(1.0, color="#4a4a4a", linewidth=0.8, linestyle=":")
            axes[0, j].set_title(title.format(**result.config))
            axes[0, j].legend()
            axes[3, j].set(yscale="log")
            axes[-1, j].set(xlabel="gradient descent steps")
        fig.tight_layout()
        return fig

