"""Atom 7: can any non-linearity serve as an activation?

Seven activations (the original's six and sigmoid) train from the same seeds: a seed fixes one data draw,
initial network and batch order shared by every activation, so they are compared paired by seed. The run
records each layer's distance from its initial weights, and the best any readout of the sign network's
frozen random features could do.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from atoms import claims as stats
from atoms import data, plotting, seeding
from atoms.config import Config, param
from atoms.engine import Data, Init, Members, Network, Recording, Training, predict, train
from atoms.experiment import Experiment, Result
from atoms.nn import ACTIVATIONS
from atoms.prose import join_words

BOUNDARY_POINTS = 81  # grid points per axis of the decision-boundary plots
BOUNDARY_COLUMNS = 4  # seven panels in one row would be too small to read on a page
BOUNDARY_BOX = ((-1.6, 2.6), (-1.1, 1.6))  # covers the moons with noise 0.1 and a margin
SHOWN_TEST_POINTS = 300  # test points drawn over each boundary: more would hide the regions
ORIGINAL_IDENTITY = 0.88  # "about 88%": the original reports two digits from 3 repeats
COLORS = dict(zip(ACTIVATIONS, (*plotting.COLORS[:6], plotting.COLORS[7])))
LAYER_COLORS = (plotting.COLORS[0], plotting.COLORS[2], plotting.COLORS[3])


@dataclass(frozen=True)
class ActivationsConfig(Config):
    activations: tuple[str, ...] = param(tuple(ACTIVATIONS), "Hidden-layer activations compared (relu must be "
                                         "among them: it is the reference).", choices=tuple(ACTIVATIONS), min_len=2)
    width: int = param(30, "Units in each hidden layer.", ge=1, le=512)
    depth: int = param(2, "Hidden layers.", ge=1, le=6)
    n_train: int = param(400, "Training points drawn from the moons.", ge=10, le=10_000)
    n_test: int = param(2000, "Test points: a separate draw from the same moons.", ge=10, le=100_000)
    noise: float = param(0.1, "Standard deviation of the Gaussian noise added to the moons.", ge=0, le=1)
    steps: int = param(800, "Adam steps, each on one mini-batch.", ge=1, le=100_000)
    batch_size: int = param(64, "Rows per mini-batch (shuffled epochs).", ge=1, le=10_000)
    learning_rate: float = param(0.003, "Adam learning rate.", gt=0, le=1)
    record_every: int = param(50, "Steps between recordings (before training and the last step are always "
                                  "recorded).", ge=1, le=100_000)
    longer_steps: int = param(4000, "Steps of an extra sigmoid run, paired by seed with the others, that asks "
                                    "whether sigmoid is slow rather than unable (0 skips it).", ge=0, le=100_000)
    n_seeds: int = param(10, "Seeds; each fixes one data draw, initialization and batch order shared by every "
                             "activation.", ge=2, le=100)
    margin: float = param(0.02, "Largest difference in test accuracy from relu that counts as indistinguishable.",
                          gt=0, le=0.5)

    profile_overrides = {"smoke": {"activations": ("relu", "sigmoid", "sign", "identity"), "steps": 40,
                                   "record_every": 20, "n_seeds": 2, "n_test": 500, "longer_steps": 80}}
    work = ("steps", "n_seeds", "activations")

    def __post_init__(self):
        super().__post_init__()
        if "relu" not in self.activations:
            raise ValueError(f"parameter 'activations' must include 'relu', the reference; got "
                             f"{list(self.activations)}")
        if self.record_every > self.steps:
            raise ValueError(f"parameter 'record_every' must be <= steps ({self.steps}), got {self.record_every}")
        if 0 < self.longer_steps <= self.steps:
            raise ValueError(f"parameter 'longer_steps' must be 0 or more than steps ({self.steps}), "
                             f"got {self.longer_steps}")


def seed_data(seed: np.random.SeedSequence, config: ActivationsConfig):
    """One training and one test draw per seed; every activation of the seed trains on them."""
    rng = seeding.generator(seed, seeding.DATA)
    x_train, y_train = data.moons(config.n_train, config.noise, rng)
    x_test, y_test = data.moons(config.n_test, config.noise, rng)
    return x_train, y_train, x_test, y_test


def boundary_grid() -> np.ndarray:
    """The points where every activation's decision regions are evaluated, row by row."""
    (x0, x1), (y0, y1) = BOUNDARY_BOX
    xx, yy = np.meshgrid(np.linspace(x0, x1, BOUNDARY_POINTS), np.linspace(y0, y1, BOUNDARY_POINTS))
    return np.stack([xx.ravel(), yy.ravel()], axis=1).astype(np.float32)


def sign_features(params: list[np.ndarray], x: np.ndarray) -> np.ndarray:
    """The last hidden layer of a sign network: a binary code per point, fixed once weights freeze."""
    h = x
    for w, b in zip(params[0:-2:2], params[1:-2:2]):
        h = np.sign(h @ w + b)
    return h


def code_ceiling(codes: np.ndarray, labels: np.ndarray) -> float:
    """Best accuracy of ANY readout of fixed codes: each distinct code can get one label only.

    Scored on the points themselves, so it is an upper bound on what the sign network's output layer
    can reach on them, whatever it learns.
    """
    _, cell = np.unique(codes, axis=0, return_inverse=True)
    cell = cell.ravel()
    counts = np.zeros((cell.max() + 1, 2))
    np.add.at(counts, (cell, labels), 1)
    return float(counts.max(axis=1).sum() / len(labels))


def distinct_codes(codes: np.ndarray) -> int:
    return int(len(np.unique(codes, axis=0)))


class Activations(Experiment):
    name = "07_activations"
    title = "Activations: can any non-linearity be used?"
    Config = ActivationsConfig
    full_seconds = 26

    def _run(self, config):
        seeds = seeding.member_seeds(config.seed, config.n_seeds)
        draws = [seed_data(seed, config) for seed in seeds]
        x_train, y_train, x_test, y_test = (np.stack(parts) for parts in zip(*draws))
        grid = boundary_grid()
        members = Members(seeds=seeds, learning_rate=config.learning_rate)
        training = Training(steps=config.steps, batch_size=config.batch_size)
        recording = Recording(every=config.record_every, statistics=("distance_from_init",))
        n_act, n_layers = len(config.activations), config.depth + 1
        n_steps = len(recording.steps(config.steps))
        accuracy = np.zeros((n_act, config.n_seeds, n_steps), np.float32)
        distance = np.zeros((n_act, config.n_seeds, n_steps, n_layers), np.float32)
        boundary = np.zeros((n_act, BOUNDARY_POINTS, BOUNDARY_POINTS), np.float32)
        ceiling, cells = np.zeros(config.n_seeds, np.float32), np.zeros(config.n_seeds, np.int64)
        moons = Data(x_train, y_train, x_test, y_test)
        for a, activation in enumerate(config.activations):
            network = build_network(config, activation)
            history = train(network, training, members, moons, recording)
            accuracy[a] = history.test_accuracy
            distance[a] = history.statistics["distance_from_init"]
            logits = predict(network, members, history.final_params, grid)[0]
            boundary[a] = softmax_class1(logits).reshape(BOUNDARY_POINTS, BOUNDARY_POINTS)
        start = history.initial_params
        initial_norm = np.stack([np.linalg.norm(w, axis=(1, 2)) for w in start[0::2]], axis=1)
        for s in range(config.n_seeds):
            codes = sign_features([p[s] for p in start], x_test[s])
            ceiling[s], cells[s] = code_ceiling(codes, y_test[s]), distinct_codes(codes)
        longer_steps, longer = self._longer(config, members, moons)
        shown = SHOWN_TEST_POINTS
        arrays = {"test_accuracy": accuracy, "distance_from_init": distance, "initial_norm": initial_norm,
                  "boundary": boundary, "sign_ceiling": ceiling, "sign_cells": cells,
                  "x_shown": x_test[0, :shown], "y_shown": y_test[0, :shown], "longer_accuracy": longer}
        dims = {"test_accuracy": ("activation", "seed", "step"),
                "distance_from_init": ("activation", "seed", "step", "layer"),
                "initial_norm": ("seed", "layer"), "boundary": ("activation", "grid_y", "grid_x"),
                "sign_ceiling": ("seed",), "sign_cells": ("seed",), "x_shown": ("shown", "xy"),
                "y_shown": ("shown",), "longer_accuracy": ("seed", "longer_step")}
        coords = {"activation": list(config.activations), "seed": list(range(config.n_seeds)),
                  "step": [int(step) for step in recording.steps(config.steps)], "longer_step": longer_steps,
                  "layer": [*(f"hidden {i + 1}" for i in range(config.depth)), "output"]}
        return arrays, dims, coords

    @staticmethod
    def _longer(config, members: Members, moons: Data) -> tuple[list[int], np.ndarray]:
        """sigmoid again, same seeds and batches, for longer: its own trace, as its step count differs."""
        if not config.longer_steps or "sigmoid" not in config.activations:
            return [], np.zeros((config.n_seeds, 0), np.float32)
        recording = Recording(every=config.record_every * max(1, config.longer_steps // (10 * config.record_every)))
        history = train(build_network(config, "sigmoid"),
                        Training(steps=config.longer_steps, batch_size=config.batch_size), members, moons, recording)
        return [int(step) for step in history.steps], history.test_accuracy

    # ------------------------------------------------------------------ claims and numbers

    @staticmethod
    def final(result: Result, activation: str) -> np.ndarray:
        """Test accuracy after the last step, one value per seed."""
        return result.select("test_accuracy", activation=activation)[:, -1]

    @staticmethod
    def smooth(result: Result) -> list[str]:
        """The non-linearities with a gradient, compared with relu: all but relu, sign and identity."""
        return [a for a in result.coords["activation"] if a not in ("relu", "sign", "identity")]

    @classmethod
    def declare(cls, result: Result) -> list[stats.Claim]:
        acts, margin, final = result.coords["activation"], result.config["margin"], partial(cls.final, result)
        relu, found = final("relu"), []
        if "identity" in acts:  # the positive control of every equivalence: a linear classifier, known to fall short
            control = stats.paired(relu, final("identity"), margin=margin)
            same = {a: stats.equivalent(final(a), relu, margin=margin, control=control) for a in cls.smooth(result)}
            if same:
                found.append(stats.Claim(
                    "smooth_match_relu", f"Every smooth non-linearity ({join_words(list(same))}) reaches relu's final "
                    f"test accuracy within ±{margin:g} (paired by seed).", stats.all_of(same), primary=True))
        if "sign" in acts:
            found.append(stats.Claim("sign_below_relu", "sign ends below relu in final test accuracy (paired by seed).",
                                     stats.paired(relu, final("sign")), primary=True))
        if "sign" in acts and "identity" in acts:
            found.append(stats.Claim(
                "sign_beats_identity", f"sign beats identity, which the original counted as working, by more than "
                f"{margin:g} in final test accuracy (paired by seed).",
                stats.paired(final("sign"), final("identity"), margin=margin), primary=True))
        if "identity" not in acts:
            return found
        found += [stats.Claim(f"{a}_matches_relu", f"{a} reaches the same final test accuracy as relu within "
                              f"±{margin:g} (paired by seed).", evidence) for a, evidence in same.items()]
        worst_other = np.min([final(a) for a in acts if a != "identity"], axis=0)
        found += [
            stats.Claim("identity_below_relu", f"identity, a linear classifier, falls short of relu by more than "
                        f"{margin:g} in final test accuracy (paired by seed).", control),
            stats.Claim("identity_worst", f"identity ends with the lowest final test accuracy of all {len(acts)} "
                        f"activations (the worst other activation minus identity, paired by seed, is above 0).",
                        stats.paired(worst_other, final("identity")))]
        if "sigmoid" in acts:
            found.append(stats.Claim(
                "sigmoid_matches_identity", f"After {result.config['steps']:,} steps, sigmoid is indistinguishable "
                f"from identity, a linear classifier, within ±{margin:g} (paired by seed).",
                stats.equivalent(final("sigmoid"), final("identity"), margin=margin, control=control),
                registered=False))
        if result.coords["longer_step"]:
            found.append(stats.Claim(
                "sigmoid_longer_beats_identity", f"Trained for {result.coords['longer_step'][-1]:,} steps, sigmoid "
                f"beats identity's {result.config['steps']:,}-step accuracy by more than {margin:g} (paired by seed): "
                f"it is slow, not unable.", stats.paired(result["longer_accuracy"][:, -1], final("identity"),
                                                         margin=margin), registered=False))
        return found

    @classmethod
    def numbers(cls, result: Result) -> dict:
        """Accuracies in percent (means over seeds unless named min or max), differences from relu in points."""
        acts, final = result.coords["activation"], partial(cls.final, result)
        found = {"n_test": f"{result.config['n_test']:,}", "n_train": f"{result.config['n_train']:,}",
                 "original_identity": 100 * ORIGINAL_IDENTITY, "smooth": join_words(cls.smooth(result) or ["none"]),
                 "margin_points": 100 * result.config["margin"], "n_acts": len(acts), "listed": join_words(acts),
                 "means": ", ".join(f"{a} {100 * final(a).mean():.1f}%" for a in
                                    sorted(acts, key=lambda a: -final(a).mean())),
                 "smooth_diffs": ", ".join(f"{a} {100 * (final(a) - final('relu')).mean():+.2f}"
                                           for a in cls.smooth(result)) or "none"}
        for a in acts:
            found.update({f"{a}_mean": 100 * float(final(a).mean()), f"{a}_min": 100 * float(final(a).min()),
                          f"{a}_max": 100 * float(final(a).max())})
        if "sign" in acts:
            distance = result.select("distance_from_init", activation="sign")[:, -1, :]
            ceiling, cells = result["sign_ceiling"], result["sign_cells"]
            found.update({"n_frozen": int(np.all(distance[:, :-1] == 0, axis=1).sum()),
                          "n_hidden": len(result.coords["layer"]) - 1,
                          "output_moved": float(100 * np.mean(distance[:, -1] / result["initial_norm"][:, -1])),
                          "ceiling_mean": 100 * float(ceiling.mean()), "ceiling_min": 100 * float(ceiling.min()),
                          "ceiling_max": 100 * float(ceiling.max()), "cells_min": int(cells.min()),
                          "cells_max": int(cells.max())})
        if result.coords["longer_step"]:
            found.update({"longer_mean": 100 * float(result["longer_accuracy"][:, -1].mean()),
                          "longer_steps": f"{result.coords['longer_step'][-1]:,}"})
        return found

    # ------------------------------------------------------------------ figures

    @classmethod
    def plot(cls, result: Result) -> list:
        return [cls.plot_accuracy(result), cls.plot_boundaries(result), cls.plot_distances(result),
                cls.plot_longer(result)]

    @classmethod
    def plot_accuracy(cls, result: Result):
        acts, steps = result.coords["activation"], result.coords["step"]
        fig, axes = plotting.figure(1, 2, height=3.6, gridspec_kw={"width_ratios": [3, 2]})
        ax = axes[0, 0]
        for a, activation in enumerate(acts):
            plotting.mean_band(ax, steps, result["test_accuracy"][a], label=activation, color=COLORS[activation])
        ax.set(xlabel="training steps", ylabel="test accuracy", title="Test accuracy during training")
        ax.legend(loc="lower right", ncol=2)
        ax = axes[0, 1]
        relu, margin = cls.final(result, "relu"), result.config["margin"]
        ax.axhspan(relu.mean() - margin, relu.mean() + margin, color=COLORS["relu"], alpha=0.12, linewidth=0,
                   label=f"relu mean ± {margin:g}")
        n_seeds = len(result.coords["seed"])
        spread = (np.arange(n_seeds) - (n_seeds - 1) / 2) * min(0.06, 0.5 / n_seeds)
        for a, activation in enumerate(acts):
            ax.scatter(a + spread, cls.final(result, activation), s=14, color=COLORS[activation], alpha=0.8)
        ax.set_xticks(range(len(acts)), acts, rotation=40)
        ax.set(ylabel="final test accuracy", title="After the last step (one dot per seed)")
        ax.legend(loc="lower left")
        fig.tight_layout()
        return fig

    @classmethod
    def plot_boundaries(cls, result: Result):
        acts = result.coords["activation"]
        rows, columns = -(-len(acts) // BOUNDARY_COLUMNS), min(len(acts), BOUNDARY_COLUMNS)
        fig, axes = plotting.figure(rows, columns, height=2.4, sharex=True, sharey=True)
        for ax in axes.ravel()[len(acts):]:
            ax.set_axis_off()
        (x0, x1), (y0, y1) = BOUNDARY_BOX
        x, y = result["x_shown"], result["y_shown"]
        for a, (ax, activation) in enumerate(zip(axes.ravel(), acts)):
            ax.imshow(result["boundary"][a], origin="lower", extent=(x0, x1, y0, y1), cmap="RdBu_r", vmin=0,
                      vmax=1, aspect="auto", alpha=0.55)
            ax.contour(np.linspace(x0, x1, BOUNDARY_POINTS), np.linspace(y0, y1, BOUNDARY_POINTS),
                       result["boundary"][a], levels=[0.5], colors="#222222", linewidths=1.0)
            ax.scatter(x[:, 0], x[:, 1], c=np.where(y == 1, plotting.COLORS[1], plotting.COLORS[0]), s=3,
                       linewidths=0)
            ax.set_title(f"{activation}: {cls.final(result, activation)[0]:.1%}")
            ax.grid(False)
        fig.tight_layout()
        return fig

    @classmethod
    def plot_distances(cls, result: Result):
        acts, steps, layers = result.coords["activation"], result.coords["step"], result.coords["layer"]
        shown = [a for a in ("relu", "sign") if a in acts]
        fig, axes = plotting.figure(1, len(shown), height=3.2, sharey=True)
        for ax, activation in zip(axes[0], shown):
            distance = result["distance_from_init"][acts.index(activation)]
            for layer, name in enumerate(layers):
                plotting.mean_band(ax, steps, distance[:, :, layer], label=name,
                                   color=LAYER_COLORS[layer % len(LAYER_COLORS)])
            ax.set(xlabel="training steps", title=activation)
        axes[0, 0].set_ylabel("distance from initial weights\n‖W − W₀‖ (Frobenius)")
        axes[0, 0].legend(loc="upper left")
        fig.tight_layout()
        return fig

    @classmethod
    def plot_longer(cls, result: Result):
        fig, axes = plotting.figure(1, 1, height=3.2)
        ax = axes[0, 0]
        steps = result.coords["longer_step"]
        if not steps:
            ax.set_axis_off()
            ax.text(0.5, 0.5, "no longer sigmoid run in this configuration", ha="center", va="center")
            return fig
        plotting.mean_band(ax, steps, result["longer_accuracy"], label="sigmoid, trained longer",
                           color=COLORS["sigmoid"])
        for activation in ("relu", "identity"):
            if activation in result.coords["activation"]:
                ax.axhline(cls.final(result, activation).mean(), color=COLORS[activation], linestyle="--",
                           linewidth=1, label=f"{activation} after {result.config['steps']:,} steps (mean)")
        ax.axvline(result.config["steps"], color="#4a4a4a", linestyle=":", linewidth=0.8)
        ax.set(xlabel="training steps", ylabel="test accuracy", title="sigmoid given more steps")
        ax.legend(loc="lower right")
        fig.tight_layout()
        return fig


def build_network(config: ActivationsConfig, activation: str) -> Network:
    """The original's network: Glorot-uniform weights and biases, only the activation varies."""
    return Network(2, (config.width,) * config.depth, 2, activation=activation, bias_init=Init("glorot_uniform"))


def softmax_class1(logits: np.ndarray) -> np.ndarray:
    """Probability of class 1 from two logits, stable for large logits."""
    return 1.0 / (1.0 + np.exp(np.clip(logits[..., 0] - logits[..., 1], -60, 60)))

