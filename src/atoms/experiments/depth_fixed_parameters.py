"""Atom 2: at a fixed parameter budget, does a deeper ReLU network fit alternating labels better?

The original trained one network per depth, once, from an unseeded start, and labelled the depths
by how often the shared layer was applied rather than by how many hidden layers there were. Here
every depth of a wider sweep trains from the same seeded initial weights (one set per seed), so a
comparison across depth is paired: the only difference between two members with the same seed is
how many times the shared hidden layer is applied. Harder versions of the problem (more
alternating points) train in the same ensemble, padded to the largest.
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

GRID_PER_POINT = 10
"""Grid samples per gap between training points: fine enough that two sign changes of the output
fall between neighbouring samples only if the network wiggles far faster than the data."""

FLAT_RANGE = 1e-6
"""A logit difference that varies less than this along x is a constant function: the last hidden
layer no longer responds to x, the collapse that dying ReLUs cause in deep, narrow networks."""

RECORDS = 10
"""Accuracy is recorded this many times during training, to show whether it has settled by the end."""

ORIGINAL_DEPTHS = (2, 3, 4)
"""The hidden depths the original actually trained (it labelled them 1, 2, 3)."""

ORIGINAL_ACCURACY = (0.625, 0.625, 0.688)
"""The original's single unseeded run on 16 points, as printed in its notebook."""

ORIGINAL_POINTS = 16
"""The original's problem: 16 alternating points."""

CLASS_MARKERS = {0: ("v", plotting.COLORS[0]), 1: ("^", plotting.COLORS[1])}
"""Training labels drawn above the stripes, in the colours the stripes use for each class."""


@dataclass(frozen=True)
class DepthFixedParametersConfig(Config):
    hidden_layers: tuple[int, ...] = param((2, 3, 4, 5, 6, 7),
                                           "Hidden layers actually applied: the input layer plus 1 or more "
                                           "applications of the shared hidden layer.", ge=2, le=12, min_len=2)
    n_points: tuple[int, ...] = param((16, 32), "Alternating points on [0, 1): the original's 16 and harder versions.",
                                      ge=4, le=64)
    width: int = param(10, "Hidden units per layer (10 gives the original's 152 parameters).", ge=2, le=64)
    steps: int = param(7_500, "Full-batch Adam steps (the original used 15,000; half fits the time budget).",
                       ge=10, le=1_000_000)
    learning_rate: float = param(0.003, "Adam learning rate.", gt=0, le=1)
    n_seeds: int = param(8, "Seeds per (points, depth); each seed's initial weights are shared by every depth.",
                         ge=2, le=100)

    profile_overrides = {"smoke": {"steps": 200, "n_seeds": 2, "hidden_layers": (2, 3, 4, 5), "n_points": (16, 24)}}

    def __post_init__(self):
        super().__post_init__()
        for name in ("hidden_layers", "n_points"):
            values = getattr(self, name)
            if list(values) != sorted(values):
                raise ValueError(f"parameter {name!r} must be listed in increasing order, got {list(values)}")


def grid(n_points: tuple[int, ...]) -> np.ndarray:
    """Evaluation points on [0, 1] shared by every problem, GRID_PER_POINT per gap of the densest one."""
    return np.linspace(0.0, 1.0, GRID_PER_POINT * max(n_points) + 1, dtype=np.float32)


def sign_changes(margin: np.ndarray, x_grid: np.ndarray, n: int) -> np.ndarray:
    """Sign changes of the logit difference between the first and last training point.

    n alternating points need at least n - 1 of them, so the count says how far a network got
    towards the sawtooth the data ask for, independent of where it placed its crossings.
    """
    inside = x_grid <= (n - 1) / n
    positive = margin[..., inside] > 0
    return np.count_nonzero(positive[..., 1:] != positive[..., :-1], axis=-1)


def depth_groups(hidden_layers: tuple[int, ...]) -> list[tuple[int, ...]]:
    """The shallower and the deeper half of the depths, each trained as its own ensemble.

    An ensemble applies the shared layer as often as its deepest member needs (shallower members
    discard the extra applications), so splitting the sweep in two saves about a quarter of that
    work for the cost of one more trace. Each member trains exactly as it would in one ensemble;
    only its margins, read off a shared grid by a batched forward pass, may round differently.
    """
    half = len(hidden_layers) // 2
    return [group for group in (tuple(hidden_layers[:half]), tuple(hidden_layers[half:])) if group]


def padded_problems(n_points: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Each problem's points padded to the largest, so all of them train in one ensemble."""
    largest = max(n_points)
    x = np.zeros((len(n_points), largest, 1), np.float32)
    y = np.zeros((len(n_points), largest), np.int64)
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
    title = "Depth at a fixed parameter budget: alternating points"
    Config = DepthFixedParametersConfig

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
    def flat(cls, result: Result) -> np.ndarray:
        """`[points, hidden_layers, seed]`: networks whose output no longer depends on x."""
        return np.ptp(result["margin"], axis=-1) < FLAT_RANGE

    @classmethod
    def claims(cls, result: Result) -> list[stats.Claim]:
        depths, judged = result.coords["hidden_layers"], result.judged
        accuracy, changes = result["accuracy"], cls.sign_change_counts(result)
        span = f"from {depths[0]} to {depths[-1]} hidden layers"
        found = []
        original = [depths.index(d) for d in ORIGINAL_DEPTHS if d in depths]
        if ORIGINAL_POINTS in result.coords["points"] and len(original) == len(ORIGINAL_DEPTHS):
            p = result.coords["points"].index(ORIGINAL_POINTS)
            found.append(stats.Claim(
                "original_depths_rise",
                "On the original 16 points, training accuracy rises from 2 to 3 to 4 hidden layers "
                "(the original's three networks, which it labelled depth 1, 2, 3).",
                stats.monotone_trend(accuracy[p][original].T, "increasing", levels=list(ORIGINAL_DEPTHS),
                                     judged=judged)))
        deepest_original = max(ORIGINAL_DEPTHS)
        for p, n in enumerate(result.coords["points"]):
            found.append(stats.Claim(
                f"accuracy_rises_{n}",
                f"With {n} points, training accuracy rises with depth {span}.",
                stats.monotone_trend(accuracy[p].T, "increasing", levels=depths, judged=judged)))
            if {min(ORIGINAL_DEPTHS), deepest_original} <= set(depths):
                found.append(stats.Claim(
                    f"four_beats_two_{n}",
                    f"With {n} points, {deepest_original} hidden layers (the original's deepest network) reach a "
                    f"higher training accuracy than {min(ORIGINAL_DEPTHS)} (its shallowest), paired by seed.",
                    stats.paired_difference(accuracy[p, depths.index(deepest_original)],
                                            accuracy[p, depths.index(min(ORIGINAL_DEPTHS))],
                                            greater=True, judged=judged)))
            if deepest_original in depths and depths[-1] > deepest_original:
                found.append(stats.Claim(
                    f"deeper_than_original_helps_{n}",
                    f"With {n} points, {depths[-1]} hidden layers reach a higher training accuracy than "
                    f"{deepest_original}, the original's deepest (paired by seed: the same initial weights).",
                    stats.paired_difference(accuracy[p, -1], accuracy[p, depths.index(deepest_original)],
                                            greater=True, judged=judged)))
                found.append(stats.Claim(
                    f"deeper_than_original_more_sign_changes_{n}",
                    f"With {n} points, {depths[-1]} hidden layers make more sign changes along x than "
                    f"{deepest_original} (paired by seed).",
                    stats.paired_difference(changes[p, -1].astype(float),
                                            changes[p, depths.index(deepest_original)].astype(float),
                                            greater=True, judged=judged)))
            found.append(stats.Claim(
                f"sign_changes_rise_{n}",
                f"With {n} points, the output changes sign more often along x as depth grows {span}.",
                stats.monotone_trend(changes[p].T, "increasing", levels=depths, judged=judged)))
        return found

    @classmethod
    def findings(cls, result: Result, found: list[stats.Claim]) -> dict[str, str]:
        """The conclusion's sentences whose truth depends on the run, worded from the verdicts and data."""
        by_id = {claim.id: claim for claim in found}
        sentences = {"agreement": cls._agreement(result, by_id.get("original_depths_rise")),
                     "original_in_range": cls._original_in_range(result),
                     "collapse": cls._collapse(result)}
        sweep, two_to_four, beyond, beyond_changes, changes = [], [], [], [], []
        deepest, shallowest = max(ORIGINAL_DEPTHS), min(ORIGINAL_DEPTHS)
        for p, n in enumerate(result.coords["points"]):
            sweep.append(cls._sweep(result, p, by_id[f"accuracy_rises_{n}"]))
            if f"four_beats_two_{n}" in by_id:
                two_to_four.append(cls._paired(n, by_id[f"four_beats_two_{n}"], deepest, shallowest))
            if f"deeper_than_original_helps_{n}" in by_id:
                beyond.append(cls._paired(n, by_id[f"deeper_than_original_helps_{n}"],
                                          result.coords["hidden_layers"][-1], deepest))
                beyond_changes.append(cls._paired(
                    n, by_id[f"deeper_than_original_more_sign_changes_{n}"], result.coords["hidden_layers"][-1],
                    deepest, better="make more sign changes than", worse="make fewer sign changes than",
                    unit="sign changes", scale=1))
            changes.append(cls._sign_changes(result, p))
        sentences["two_to_four"] = " ".join(two_to_four) or "This run leaves out 2 or 4 hidden layers."
        sentences["sweep"] = " ".join(sweep)
        sentences["beyond"] = " ".join(beyond) or "This run does not go deeper than the original's 4 hidden layers."
        sentences["beyond_changes"] = " ".join(beyond_changes)
        sentences["sign_changes"] = " ".join(changes)
        sentences["reach"] = cls._reach(result)
        sentences["settling"] = cls._settling(result)
        return sentences

    @staticmethod
    def _agreement(result: Result, claim: stats.Claim | None) -> str:
        if claim is None:
            return ("This run leaves out the original's three networks on 16 points, so it does not judge the "
                    "original's conclusion.")
        values, n = claim.judgement.values, claim.judgement.values["n_seeds"]
        up, down = values["n_agree"], values["n_opposite"]
        counts = f"accuracy trends upward from 2 to 4 hidden layers in {up} of {n} seeds and downward in {down}"
        return {
            stats.Verdict.SUPPORTED: f"**Our run agrees with the original** on its own three networks: {counts}.",
            stats.Verdict.NOT_SUPPORTED: f"**Our run contradicts the original** on its own three networks: {counts}.",
            stats.Verdict.INCONCLUSIVE: f"**Our run can neither confirm nor refute the original** on its own three "
                                        f"networks: {counts}, too mixed for a sign test over {n} seeds to call.",
            stats.Verdict.NOT_JUDGED: f"This `{result.config['profile']}` run is too small to judge the original's "
                                      f"conclusion ({counts}).",
        }[claim.verdict]

    @staticmethod
    def _original_in_range(result: Result) -> str:
        points, depths = result.coords["points"], result.coords["hidden_layers"]
        if ORIGINAL_POINTS not in points or not set(ORIGINAL_DEPTHS) <= set(depths):
            return "This run does not include all three of the original's networks."
        accuracy = result["accuracy"][points.index(ORIGINAL_POINTS)]
        spans, inside = [], 0
        for depth, theirs in zip(ORIGINAL_DEPTHS, ORIGINAL_ACCURACY):
            ours = accuracy[depths.index(depth)]
            inside += int(ours.min() <= theirs <= ours.max())
            spans.append(f"{depth} hidden layers {100 * ours.min():.1f}% to {100 * ours.max():.1f}%")
        return (f"The original's single-run accuracies fall within the spread of our seeds at {inside} of its 3 "
                f"depths (ours: {'; '.join(spans)}).")

    @staticmethod
    def _mean_path(mean: np.ndarray, depths: list[int], what: str, form: str, scale: float = 1.0) -> str:
        """Where a mean over seeds starts, peaks (the deepest of tied maxima) and ends along the sweep, in words."""
        def at(i):
            return f"{form.format(scale * mean[i])} with {depths[i]}"
        peak = len(mean) - 1 - int(np.argmax(mean[::-1]))
        if peak == len(depths) - 1:
            return f"{what} goes from {at(0)} hidden layers to its peak, {at(peak)}"
        if peak == 0:
            return f"{what} is highest at the start, {at(0)} hidden layers, and ends at {at(-1)}"
        return f"{what} goes from {at(0)} hidden layers to a peak of {at(peak)} and ends at {at(-1)}"

    @classmethod
    def _sweep(cls, result: Result, p: int, claim: stats.Claim) -> str:
        n, depths = result.coords["points"][p], result.coords["hidden_layers"]
        values = claim.judgement.values
        path = cls._mean_path(result["accuracy"][p].mean(axis=-1), depths, "mean accuracy", "{:.1f}%", 100)
        trend = {
            stats.Verdict.SUPPORTED: "rises consistently over the whole sweep",
            stats.Verdict.NOT_SUPPORTED: "falls consistently over the whole sweep",
            stats.Verdict.INCONCLUSIVE: "shows no consistent trend over the whole sweep",
            stats.Verdict.NOT_JUDGED: "is not judged in this profile",
        }[claim.verdict]
        return (f"With {n} points, accuracy {trend} (upward in {values['n_agree']} of {values['n_seeds']} seeds, "
                f"downward in {values['n_opposite']}): {path}.")

    @staticmethod
    def _paired(n: int, claim: stats.Claim, deeper: int, shallower: int, *, better: str = "beat",
                worse: str = "fall short of", unit: str = "percentage points", scale: float = 100) -> str:
        """One paired comparison of two depths in words: which wins, by how much, how sure."""
        values = claim.judgement.values
        evidence = (f"{scale * values['mean_diff']:+.1f} {unit} on average, 95% interval "
                    f"{scale * values['low']:+.1f} to {scale * values['high']:+.1f}, higher in "
                    f"{values['n_positive']} of {values['n_seeds']} seeds")
        verdict = {
            stats.Verdict.SUPPORTED: f"**{deeper} hidden layers {better} {shallower}**",
            stats.Verdict.NOT_SUPPORTED: f"**{deeper} hidden layers {worse} {shallower}**",
            stats.Verdict.INCONCLUSIVE: f"this run cannot tell {deeper} hidden layers from {shallower}",
            stats.Verdict.NOT_JUDGED: f"{deeper} hidden layers against {shallower} is not judged in this profile",
        }[claim.verdict]
        return f"With {n} points, {verdict} ({evidence})."

    @classmethod
    def _sign_changes(cls, result: Result, p: int) -> str:
        n, depths = result.coords["points"][p], result.coords["hidden_layers"]
        counts = cls.sign_change_counts(result)[p]
        path = cls._mean_path(counts.mean(axis=-1), depths, "the mean number of sign changes", "{:.1f}")
        fits = int(np.sum(result["accuracy"][p] == 1.0))
        return (f"With {n} points (which need {n - 1} sign changes), {path}; the most any network made is "
                f"{int(counts.max())}, and {fits} of {counts.size} networks classify every point correctly.")

    @classmethod
    def _reach(cls, result: Result) -> str:
        needed = np.array(result.coords["points"])[:, None, None] - 1
        reached = cls.sign_change_counts(result) >= needed
        if not reached.any():
            return "No network in this run made as many sign changes as a perfect fit needs."
        return f"{int(reached.sum())} of {reached.size} networks made as many sign changes as a perfect fit needs."

    @staticmethod
    def _settling(result: Result) -> str:
        """How much the mean accuracy still moved in the second half of training: the cost of halving
        the original's step budget is bounded by how far the curves were from flat."""
        steps, curve = result["step"], result["accuracy_curve"].mean(axis=2)
        half = int(np.searchsorted(steps, steps[-1] // 2))
        moved = np.abs(curve[..., -1] - curve[..., half])
        p, d = np.unravel_index(int(np.argmax(moved)), moved.shape)
        return (f"Between step {steps[half]:,} and step {steps[-1]:,}, the mean accuracy of any (problem, depth) "
                f"moved by at most {100 * moved.max():.1f} percentage points (the most: "
                f"{result.coords['points'][p]} points, {result.coords['hidden_layers'][d]} hidden layers).")

    @classmethod
    def _collapse(cls, result: Result) -> str:
        flat = cls.flat(result)
        if not flat.any():
            return ("No network in this run ended with a constant output, the mark of a network whose last hidden "
                    "layer no longer responds to x.")
        depths = np.array(result.coords["hidden_layers"])[np.nonzero(flat)[1]]
        return (f"{int(flat.sum())} of {flat.size} networks ended with a constant output, their last hidden layer "
                f"no longer responding to x; they had {', '.join(str(d) for d in sorted(set(depths)))} hidden layers.")

    @classmethod
    def plot(cls, result: Result) -> list:
        return [cls.plot_accuracy(result), cls.plot_margins(result), cls.plot_curves(result)]

    @classmethod
    def plot_accuracy(cls, result: Result):
        points, depths = result.coords["points"], result.coords["hidden_layers"]
        changes = cls.sign_change_counts(result)
        fig, axes = plotting.figure(2, len(points), width=4.5 * len(points) + 0.5, height=2.9, sharex=True)
        for p, n in enumerate(points):
            top, bottom = axes[0, p], axes[1, p]
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
            bottom.set(xlabel="hidden layers applied", xticks=depths, ylim=(0, n))
        axes[0, 0].set_ylabel("training accuracy")
        axes[1, 0].set_ylabel("sign changes of the output")
        handles = {}
        for ax in axes.flat:
            for handle, label in zip(*ax.get_legend_handles_labels()):
                handles.setdefault(label, handle)
        fig.legend(handles.values(), handles.keys(), loc="lower center", ncol=3, fontsize=8)
        fig.tight_layout(rect=(0, 0.09, 1, 1))
        return fig

    @classmethod
    def plot_margins(cls, result: Result):
        """One stripe per seed: a perfect fit shows as many alternating bands as there are points."""
        points, depths, seeds = result.coords["points"], result.coords["hidden_layers"], result.coords["seed"]
        x_grid = result["x_grid"]
        step = float(x_grid[1] - x_grid[0])
        extent = (float(x_grid[0]) - step / 2, float(x_grid[-1]) + step / 2, len(seeds) - 0.5, -0.5)
        fig, axes = plotting.figure(len(points), len(depths), width=2.0 * len(depths) + 1.5,
                                    height=0.3 * len(seeds) + 1.2, sharex=True, sharey=True)
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
                if p == 0:
                    ax.set_title(f"{depth} hidden layers")
                if d == 0:
                    ax.set_ylabel(f"{n} points: seed")
                    ax.set_yticks(range(len(seeds)))
                if p == len(points) - 1:
                    ax.set_xlabel("x")
        fig.tight_layout(rect=(0, 0, 0.93, 1))
        bar = fig.colorbar(image, ax=axes, fraction=0.02, pad=0.01)
        bar.set_label("p(class 1) − p(class 0)")
        return fig

    @classmethod
    def plot_curves(cls, result: Result):
        points, depths, steps = result.coords["points"], result.coords["hidden_layers"], result["step"]
        fig, axes = plotting.figure(1, len(points), width=4.5 * len(points) + 0.5, height=3.0, sharey=True)
        colors = matplotlib.colormaps["viridis"](np.linspace(0, 0.9, len(depths)))
        for p, n in enumerate(points):
            ax = axes[0, p]
            for d, depth in enumerate(depths):
                ax.plot(steps, result["accuracy_curve"][p, d].mean(axis=0), color=colors[d],
                        label=f"{depth} hidden layers")
            ax.axvline(steps[-1] / 2, color="#4a4a4a", linewidth=0.8, linestyle=":")
            ax.set(title=f"{n} alternating points", xlabel="steps")
        axes[0, 0].set_ylabel(f"training accuracy, mean of {len(result.coords['seed'])} seeds")
        fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="center right", fontsize=8)
        fig.tight_layout(rect=(0, 0, 0.86, 1))
        return fig
