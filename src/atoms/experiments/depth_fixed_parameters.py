"""Atom 2: at a fixed parameter budget, does a deeper ReLU network fit alternating labels better?

Every depth of a wide sweep trains from the same seeded initial weights (one set per seed), so a
comparison across depth is paired: two members with the same seed differ only in how many times the shared
hidden layer is applied. Harder problems (more alternating points) train in the same ensemble, padded.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib
import numpy as np

from atoms import claims as stats
from atoms import data, plotting, seeding
from atoms.config import Config, param
from atoms.engine import Data, Init, Members, Network, Recording, Training, predict, train
from atoms.experiment import Experiment, Result
from atoms.prose import join_words

GRID_PER_POINT = 10
"""Grid samples per gap between training points: fine enough that two sign changes of the output
fall between neighbouring samples only if the network wiggles far faster than the data."""

FLAT_RANGE = 1e-6
"""A logit difference that varies less than this along x is a constant function: the last hidden
layer no longer responds to x, the collapse that dying ReLUs cause in deep, narrow networks."""

RECORDS = 10
"""Accuracy is recorded this many times during training, to show whether it has settled by the end."""

ORIGINAL_DEPTHS = (2, 3, 4)  # the hidden depths the original actually trained (it labelled them 1, 2, 3)
ORIGINAL_ACCURACY = (0.625, 0.625, 0.688)  # its single unseeded run on 16 points, as printed in its notebook
ORIGINAL_POINTS = 16
CLASS_MARKERS = {0: ("v", plotting.COLORS[0]), 1: ("^", plotting.COLORS[1])}
"""Training labels drawn above the stripes, in the colours the stripes use for each class."""


@dataclass(frozen=True)
class DepthFixedParametersConfig(Config):
    hidden_layers: tuple[int, ...] = param((2, 3, 4, 5, 6, 7),
                                           "Hidden layers actually applied: the input layer plus 1 or more "
                                           "applications of the shared hidden layer.", ge=2, le=12, min_len=2)
    n_points: tuple[int, ...] = param((16,), "Alternating points on [0, 1) per problem: the original's 16; more "
                                      "points make harder problems (e.g. 16, 32).", ge=4, le=64)
    width: int = param(10, "Hidden units per layer (10 gives the original's 152 parameters).", ge=2, le=64)
    steps: int = param(15_000, "Full-batch Adam steps (the original's 15,000).", ge=10, le=1_000_000)
    learning_rate: float = param(0.003, "Adam learning rate.", gt=0, le=1)
    n_seeds: int = param(16, "Seeds per (points, depth); each seed's initial weights are shared by every depth.",
                         ge=2, le=100)

    work = ("steps", "n_seeds", "n_points", "hidden_layers")
    profile_overrides = {"smoke": {"steps": 200, "n_seeds": 2, "hidden_layers": (2, 3, 4, 5), "n_points": (16, 24)}}

    def __post_init__(self):
        super().__post_init__()
        for name in ("hidden_layers", "n_points"):
            if list(values := getattr(self, name)) != sorted(values):
                raise ValueError(f"parameter {name!r} must be listed in increasing order, got {list(values)}")


def where(problems, some: bool = False) -> str:
    """The problems a claim covers (every one, or `some`: at least one), as the page and the claims name them."""
    listed, which = join_words([str(n) for n in problems]), "at least one problem" if some else "every problem"
    return f"on the {listed} points" if len(problems) == 1 else f"on {which} ({listed} points)"


def grid(n_points: tuple[int, ...]) -> np.ndarray:
    """Evaluation points on [0, 1] shared by every problem, GRID_PER_POINT per gap of the densest one."""
    return np.linspace(0.0, 1.0, GRID_PER_POINT * max(n_points) + 1, dtype=np.float32)


def sign_changes(margin: np.ndarray, x_grid: np.ndarray, n: int) -> np.ndarray:
    """Sign changes of the logit difference between the first and last training point.

    n alternating points need at least n - 1 of them, so the count says how far a network got
    towards the sawtooth the data ask for, independent of where it placed its crossings.
    """
    positive = margin[..., x_grid <= (n - 1) / n] > 0
    return np.count_nonzero(positive[..., 1:] != positive[..., :-1], axis=-1)


def depth_groups(hidden_layers: tuple[int, ...]) -> list[tuple[int, ...]]:
    """The shallower and the deeper half of the depths, each trained as its own ensemble.

    An ensemble applies the shared layer as often as its deepest member needs, so splitting the
    sweep in two saves about a quarter of that work for one more trace. Each member trains exactly
    as in one ensemble; only margins read off a shared grid by a batched forward pass may round differently.
    """
    half = len(hidden_layers) // 2
    return [group for group in (tuple(hidden_layers[:half]), tuple(hidden_layers[half:])) if group]


def padded_problems(n_points: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Each problem's points padded to the largest, so all of them train in one ensemble."""
    largest = max(n_points)
    x, y = np.zeros((len(n_points), largest, 1), np.float32), np.zeros((len(n_points), largest), np.int64)
    for p, n in enumerate(n_points):
        x[p, :n], y[p, :n] = data.alternating_points(n)
    return x, y


def logit_difference(network: Network, members: Members, params, x: np.ndarray) -> np.ndarray:
    """`[K, len(x)]` logit of class 1 minus logit of class 0: its sign is the prediction."""
    logits = predict(network, members, params, x[:, None])
    return logits[..., 1] - logits[..., 0]


def point_margins(network: Network, members: Members, params, n_points, problem) -> np.ndarray:
    """`[K, max(n_points)]` margin at each member's own training points, signed so that positive means
    correct; NaN pads the rows a smaller problem does not have."""
    margins = np.full((members.size, max(n_points)), np.nan, np.float32)
    for p, n in enumerate(n_points):
        x, y = data.alternating_points(n)
        rows = [k for k, q in enumerate(problem) if q == p]
        margins[rows, :n] = logit_difference(network, members, params, x[:, 0])[rows] * (2 * y - 1)
    return margins


class DepthFixedParameters(Experiment):
    name = "02_depth_fixed_parameters"
    title = "Depth at a fixed parameter budget: does a deeper network fit alternating labels better?"
    Config = DepthFixedParametersConfig
    full_seconds = 34

    @staticmethod
    def network(width: int, hidden_layers) -> Network:
        """The original's net: one input layer, then one shared hidden layer applied again and again."""
        return Network(1, (width,), 2, activation="relu", shared_repeats=max(hidden_layers) - 1,
                       weight_init=Init("glorot_uniform"), bias_init=Init("glorot_uniform"))

    @classmethod
    def n_parameters(cls, result: Result) -> int:
        return cls.network(result.config["width"], result.config["hidden_layers"]).n_parameters

    def _run(self, config):
        x_grid = grid(config.n_points)
        parts = [self._train_depths(config, depths, x_grid) for depths in depth_groups(config.hidden_layers)]
        arrays = {name: np.concatenate([part[name] for part, _ in parts], axis=1) for name in parts[0][0]}
        arrays.update(step=parts[0][1], x_grid=x_grid)
        dims = {"accuracy": ("points", "hidden_layers", "seed"),
                "margin": ("points", "hidden_layers", "seed", "x_grid"),
                "point_margin": ("points", "hidden_layers", "seed", "point"), "x_grid": ("x_grid",),
                "accuracy_curve": ("points", "hidden_layers", "seed", "step"), "step": ("step",)}
        coords = {"points": list(config.n_points), "hidden_layers": list(config.hidden_layers),
                  "seed": list(range(config.n_seeds)), "point": list(range(max(config.n_points)))}
        return arrays, dims, coords

    @classmethod
    def _train_depths(cls, config, depths: tuple[int, ...],
                      x_grid: np.ndarray) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """One ensemble: every problem and seed at these depths; arrays shaped `[points, depths, seed, ...]`
        and the recorded steps."""
        shape = (len(config.n_points), len(depths), config.n_seeds)
        cells = list(np.ndindex(*shape))
        seeds = seeding.member_seeds(config.seed, config.n_seeds)
        members = Members(
            seeds=[seeds[s] for _, _, s in cells],
            learning_rate=config.learning_rate,
            repeats=[depths[d] - 1 for _, d, _ in cells],
        )
        x, y = padded_problems(config.n_points)
        problem = [p for p, _, _ in cells]
        network = cls.network(config.width, depths)
        history = train(network, Training(steps=config.steps, loss="cross_entropy", optimizer="adam"), members,
                        Data(x[problem], y[problem], n_train=[config.n_points[p] for p in problem]),
                        Recording(every=config.steps // RECORDS))
        return {
            "accuracy": history.train_accuracy[:, -1].reshape(shape),
            "accuracy_curve": history.train_accuracy.reshape(*shape, history.steps.size),
            "margin": logit_difference(network, members, history.final_params, x_grid).reshape(*shape, x_grid.size),
            "point_margin": point_margins(network, members, history.final_params, config.n_points, problem)
            .reshape(*shape, max(config.n_points)),
        }, history.steps

    @classmethod
    def sign_change_counts(cls, result: Result) -> np.ndarray:
        """`[points, hidden_layers, seed]` sign changes of each network's output over its training span."""
        return np.stack([sign_changes(result["margin"][p], result["x_grid"], n)
                         for p, n in enumerate(result.coords["points"])])

    @classmethod
    def declare(cls, result: Result) -> list[stats.Claim]:
        depths, problems = result.coords["hidden_layers"], result.coords["points"]
        changes = cls.sign_change_counts(result)

        def accuracy(n, depth):
            return result.select("accuracy", points=n)[depths.index(depth)]

        def every(evidence) -> stats.Evidence:
            return stats.all_of({f"{n} points": evidence(p, n) for p, n in enumerate(problems)})

        span, low, high = f"from {depths[0]} to {depths[-1]} hidden layers", min(ORIGINAL_DEPTHS), max(ORIGINAL_DEPTHS)
        on, found = where(problems), []
        if ORIGINAL_POINTS in problems and set(ORIGINAL_DEPTHS) <= set(depths):
            found.append(stats.Claim(
                "original_depths_rise",
                "On the original 16 points, training accuracy rises from 2 to 3 to 4 hidden layers "
                "(the original's three networks, which it labelled depth 1, 2, 3).",
                stats.trend(np.stack([accuracy(ORIGINAL_POINTS, d) for d in ORIGINAL_DEPTHS], axis=1),
                            "increasing", levels=list(ORIGINAL_DEPTHS)), primary=True))
        found.append(stats.Claim(
            "accuracy_rises", f"Training accuracy rises with depth {span}, {on}.",
            every(lambda p, n: stats.trend(result["accuracy"][p].T, "increasing", levels=depths)), primary=True))
        if {low, high} <= set(depths):
            found.append(stats.Claim(
                "four_beats_two",
                f"{high} hidden layers (the original's deepest network) reach a higher training accuracy than {low} "
                f"(its shallowest) {on}, paired by seed.",
                every(lambda p, n: stats.paired(accuracy(n, high), accuracy(n, low)))))
        if high in depths and depths[-1] > high:
            found.append(stats.Claim(
                "deeper_than_original_helps",
                f"{depths[-1]} hidden layers reach a higher training accuracy than {high}, the original's deepest, "
                f"{on} (paired by seed: the same initial weights).",
                every(lambda p, n: stats.paired(accuracy(n, depths[-1]), accuracy(n, high)))))
        found.append(stats.Claim(
            "sign_changes_rise", f"The output changes sign more often along x as depth grows {span}, {on}.",
            every(lambda p, n: stats.trend(changes[p].T, "increasing", levels=depths))))
        return found

    @classmethod
    def numbers(cls, result: Result) -> dict:
        """What the page quotes; per-problem lists read "... with 16 points; ... with 32 points"."""
        depths, problems = result.coords["hidden_layers"], result.coords["points"]
        accuracy, changes = result["accuracy"], cls.sign_change_counts(result)
        flat = np.ptp(result["margin"], axis=-1) < FLAT_RANGE  # the output no longer depends on x
        values = {claim.id: claim.evidence.values for claim in cls.declare(result)}

        def each(phrase) -> str:
            return "; ".join(f"{phrase(p, n)} with {n} points" for p, n in enumerate(problems))

        def part(claim_id: str, template: str) -> str:  # an all_of claim's values; pp: mean_diff in points
            def fill(p, n):
                found = {key.split(".", 1)[1]: v for key, v in values[claim_id].items() if key.startswith(f"{n} ")}
                return template.format(pp=100 * found.get("mean_diff", 0.0), **found)
            return each(fill)

        steps, curve = result["step"], result["accuracy_curve"].mean(axis=2)
        half = int(np.searchsorted(steps, steps[-1] // 2))
        moved = np.abs(curve[..., -1] - curve[..., half])
        p_moved, d_moved = np.unravel_index(int(np.argmax(moved)), moved.shape)
        flat_depths = sorted({depths[d] for d in np.nonzero(flat)[1]})
        won = "{pp:+.1f} percentage points, higher in {n_claimed_side:.0f} of {n_seeds:.0f} seeds,"
        found = {
            "n_parameters": cls.n_parameters(result), "depth_min": depths[0], "depth_max": depths[-1],
            "problems": join_words([str(n) for n in problems]), "n_networks": int(accuracy.size),
            "where": where(problems), "where_some": where(problems, some=True),
            "accuracy_means": each(lambda p, n: ", ".join(f"{m:.1%}" for m in accuracy[p].mean(axis=-1))),
            "accuracy_counts": part("accuracy_rises", "up in {n_agree:.0f}, down in {n_opposite:.0f}"),
            "sign_counts": part("sign_changes_rise", "up in {n_agree:.0f}, down in {n_opposite:.0f}"),
            "sign_change_means": each(lambda p, n: ", ".join(f"{m:.1f}" for m in changes[p].mean(axis=-1))),
            "sign_change_most": each(lambda p, n: f"{changes[p].max()} (a perfect fit needs {n - 1})"),
            "n_reached": int(np.sum(changes >= np.array(problems)[:, None, None] - 1)),
            "n_perfect": int(np.sum(accuracy == 1.0)), "n_flat": int(flat.sum()),
            "flat_depths": join_words([str(d) for d in flat_depths]) if flat_depths else "none",
            "half_step": int(steps[half]), "last_step": int(steps[-1]), "settle_moved": float(100 * moved.max()),
            "settle_points": problems[p_moved], "settle_depth": depths[d_moved],
        }
        if "four_beats_two" in values:
            found["four_vs_two"] = part("four_beats_two", won)
        if "deeper_than_original_helps" in values:
            found["deepest_vs_original"] = part("deeper_than_original_helps", won)
        if "original_depths_rise" in values:
            rows = [result.select("accuracy", points=ORIGINAL_POINTS)[depths.index(d)] for d in ORIGINAL_DEPTHS]
            trend = values["original_depths_rise"]
            found.update(
                original_up=trend["n_agree"], original_down=trend["n_opposite"],
                original_accuracy=join_words([f"{a:.1%}" for a in ORIGINAL_ACCURACY]),
                original_inside=sum(int(r.min() <= a <= r.max()) for r, a in zip(rows, ORIGINAL_ACCURACY)),
                original_spans="; ".join(f"{d} hidden layers {r.min():.1%} to {r.max():.1%}"
                                         for d, r in zip(ORIGINAL_DEPTHS, rows)))
        return found

    @classmethod
    def plot(cls, result: Result) -> list:
        return [cls.plot_accuracy(result), cls.plot_margins(result), cls.plot_curves(result)]

    @classmethod
    def plot_accuracy(cls, result: Result):
        points, depths = result.coords["points"], result.coords["hidden_layers"]
        changes = cls.sign_change_counts(result)
        fig, axes = plotting.figure(2, len(points), height=3.4, sharex=True)
        for p, (n, top, bottom) in enumerate(zip(points, *axes)):
            for values, ax in ((result["accuracy"][p], top), (changes[p], bottom)):
                ax.plot(depths, values, color="#9aa5b1", linewidth=0.7, alpha=0.8)
                plotting.mean_band(ax, depths, values.T, label="mean over seeds, band from worst to best",
                                   color=plotting.COLORS[0])
            top.plot([], [], color="#9aa5b1", linewidth=0.7, label="one seed (same initial weights at every depth)")
            top.axhline(0.5, color="#4a4a4a", linewidth=0.8, linestyle=":", label="chance")
            if n == ORIGINAL_POINTS:
                top.scatter(ORIGINAL_DEPTHS, ORIGINAL_ACCURACY, marker="x", color=plotting.COLORS[1], zorder=3,
                            label="original, one unseeded run")
            bottom.axhline(n - 1, color="#4a4a4a", linewidth=0.8, linestyle="--",
                           label="sign changes needed to fit every point")
            top.set(title=f"{n} alternating points", ylim=(0.3, 1.04))
            bottom.set(xlabel="hidden layers applied", xticks=depths, ylim=(0, max(n, changes[p].max()) + 1))
        axes[0, 0].set_ylabel("training accuracy")
        axes[1, 0].set_ylabel("sign changes of the output")
        handles = {label: handle for ax in axes.flat for handle, label in zip(*ax.get_legend_handles_labels())}
        fig.legend(handles.values(), handles.keys(), loc="lower center", ncol=1)
        fig.tight_layout(rect=(0, 0.2 if len(points) > 1 else 0.35, 1, 1))
        return fig

    @classmethod
    def plot_margins(cls, result: Result):
        """One stripe per seed: a perfect fit shows as many alternating bands as there are points."""
        points, depths, seeds = result.coords["points"], result.coords["hidden_layers"], result.coords["seed"]
        x_grid = result["x_grid"]
        step = float(x_grid[1] - x_grid[0])
        extent = (float(x_grid[0]) - step / 2, float(x_grid[-1]) + step / 2, len(seeds) - 0.5, -0.5)
        fig, axes = plotting.figure(len(points), len(depths),
                                    height=min(0.3 * len(seeds), 5.0) + 1.2, sharex=True, sharey=True)
        for p, n in enumerate(points):
            x, y = data.alternating_points(n)
            for d, depth in enumerate(depths):
                ax = axes[p, d]
                ax.grid(False)
                image = ax.imshow(np.tanh(result["margin"][p, d] / 2), aspect="auto", cmap="RdBu_r", vmin=-1, vmax=1,
                                  extent=extent, interpolation="nearest")
                for label, (marker, color) in CLASS_MARKERS.items():
                    ax.scatter(x[y == label, 0], np.full(int(np.sum(y == label)), -0.9), marker=marker, s=10,
                               color=color, clip_on=False, edgecolors="none")
                wrong_seed, wrong_point = np.nonzero(result["point_margin"][p, d, :, :n] <= 0)
                ax.scatter(x[wrong_point, 0], wrong_seed, marker="o", s=5, color="black", edgecolors="none")
                ax.set_ylim(len(seeds) - 0.5, -1.3)
                ax.set(title=f"{depth} hidden\nlayers" if p == 0 else "", xlabel="x" if p == len(points) - 1 else "")
                if d == 0:
                    ax.set(ylabel=f"{n} points: seed", yticks=range(len(seeds)))
        fig.tight_layout(rect=(0, 0, 0.93, 1))
        fig.colorbar(image, ax=axes, fraction=0.02, pad=0.01).set_label("p(class 1) − p(class 0)")
        return fig

    @classmethod
    def plot_curves(cls, result: Result):
        points, depths, steps = result.coords["points"], result.coords["hidden_layers"], result["step"]
        fig, axes = plotting.figure(1, len(points), height=3.0, sharey=True)
        colors = matplotlib.colormaps["viridis"](np.linspace(0, 0.9, len(depths)))
        for p, (n, ax) in enumerate(zip(points, axes[0])):
            for d, depth in enumerate(depths):
                ax.plot(steps, result["accuracy_curve"][p, d].mean(axis=0), color=colors[d],
                        label=f"{depth} hidden layers")
            ax.axvline(steps[-1] / 2, color="#4a4a4a", linewidth=0.8, linestyle=":")
            ax.set(title=f"{n} alternating points", xlabel="steps")
        axes[0, 0].set_ylabel(f"training accuracy, mean of {len(result.coords['seed'])} seeds")
        fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="center right")
        fig.tight_layout(rect=(0, 0, 0.86, 1))
        return fig
