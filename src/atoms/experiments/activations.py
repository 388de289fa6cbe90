"""Atom 7: can any non-linearity serve as an activation?

The original trained (30, 30) networks on two moons with six activations, three repeats each,
and concluded that all but sign work. Here seven activations (the original's six and sigmoid,
its default elsewhere) are trained from the same seeds: a seed fixes one data draw, one initial
network and one batch order shared by every activation, so the activations are compared paired
by seed and differ in nothing but the non-linearity. One ensemble per activation, because the
activation belongs to the network shape the engine traces.

sign has zero gradient almost everywhere, so nothing below its output layer can learn. The run
records each layer's distance from its initial weights to show that directly, and measures how
well any readout of the sign network's frozen random features could do at best.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from atoms import claims as stats
from atoms import data, page, plotting, seeding
from atoms.config import Config, param
from atoms.engine import Data, Init, Members, Network, Recording, Training, predict, train
from atoms.experiment import Experiment, Result
from atoms.nn import ACTIVATIONS
from atoms.prose import join_words

BOUNDARY_POINTS = 81  # grid points per axis of the decision-boundary plots
BOUNDARY_COLUMNS = 4  # seven panels in one row would be too small to read on a page
BOUNDARY_BOX = ((-1.6, 2.6), (-1.1, 1.6))  # covers the moons with noise 0.1 and a margin
SHOWN_TEST_POINTS = 300  # test points drawn over each boundary: more would hide the regions
ORIGINAL_IDENTITY = 0.88
IDENTITY_TOLERANCE = 0.02  # "about 88%": the original reports two digits from 3 repeats
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

    profile_overrides = {"smoke": {"activations": ("relu", "sign"), "steps": 40, "record_every": 20,
                                   "n_seeds": 2, "n_test": 500, "longer_steps": 0}}

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

    # ------------------------------------------------------------------ measurements

    @classmethod
    def final(cls, result: Result, activation: str) -> np.ndarray:
        """Test accuracy after the last step, one value per seed."""
        return result["test_accuracy"][result.coords["activation"].index(activation), :, -1]

    @classmethod
    def others(cls, result: Result, excluded: tuple[str, ...]) -> list[str]:
        return [a for a in result.coords["activation"] if a not in excluded]

    @classmethod
    def hidden_frozen(cls, result: Result) -> np.ndarray:
        """Per seed: did the sign network's hidden weights end exactly where they started?"""
        distance = result["distance_from_init"][result.coords["activation"].index("sign")]
        return np.all(distance[:, :, :-1] == 0, axis=(1, 2))

    @classmethod
    def relative_change(cls, result: Result) -> np.ndarray:
        """[activation, seed, layer] final ||W - W0|| / ||W0||, so layers of different sizes compare."""
        return result["distance_from_init"][:, :, -1, :] / result["initial_norm"][None]

    # ------------------------------------------------------------------ claims

    @classmethod
    def claims(cls, result: Result) -> list[stats.Claim]:
        acts, judged, margin = result.coords["activation"], result.judged, result.config["margin"]
        relu = cls.final(result, "relu")
        found = [stats.Claim(
            f"{activation}_matches_relu",
            f"{activation} reaches the same final test accuracy as relu within ±{margin:g} (paired by seed).",
            stats.equivalence(cls.final(result, activation), relu, margin=margin, judged=judged))
            for activation in cls.others(result, ("relu",))]
        if "identity" not in acts:
            return found + cls._sign_claims(result)
        identity = cls.final(result, "identity")
        worst_other = np.min(np.stack([cls.final(result, a) for a in cls.others(result, ("identity",))]), axis=0)
        found.append(stats.Claim(
            "identity_worst",
            f"identity ends with the lowest final test accuracy of all {len(acts)} activations (the worst other "
            f"activation minus identity, paired by seed, is above 0).",
            stats.paired_difference(worst_other, identity, greater=True, judged=judged)))
        if "sigmoid" in acts:
            found.append(stats.Claim(
                "sigmoid_matches_identity",
                f"After {result.config['steps']:,} steps, sigmoid is indistinguishable from identity, a linear "
                f"classifier, within ±{margin:g} (paired by seed).",
                stats.equivalence(cls.final(result, "sigmoid"), identity, margin=margin, judged=judged)))
        if result.coords["longer_step"]:
            found.append(stats.Claim(
                "sigmoid_longer_beats_identity",
                f"Trained for {result.coords['longer_step'][-1]:,} steps, sigmoid beats identity's "
                f"{result.config['steps']:,}-step accuracy by more than {margin:g} (paired by seed): it is slow, "
                f"not unable.",
                stats.paired_difference(result["longer_accuracy"][:, -1], identity, greater=True, margin=margin,
                                        judged=judged)))
        return found + cls._sign_claims(result)

    @classmethod
    def _sign_claims(cls, result: Result) -> list[stats.Claim]:
        """Why sign behaves as it does, and whether it "works" in the original's sense."""
        acts, judged, margin = result.coords["activation"], result.judged, result.config["margin"]
        if "sign" not in acts:
            return []
        sign = cls.final(result, "sign")
        found = [
            stats.Claim(
                "sign_hidden_weights_frozen",
                "In every seed, the sign network's hidden weight matrices end exactly at their initial values, so "
                "only its output layer learns.",
                stats.holds_in(cls.hidden_frozen(result), required=len(result.coords["seed"]), judged=judged)),
            stats.Claim(
                "sign_below_relu",
                "sign ends below relu in final test accuracy (paired by seed).",
                stats.paired_difference(cls.final(result, "relu"), sign, greater=True, judged=judged)),
        ]
        if "identity" in acts:
            found.append(stats.Claim(
                "sign_beats_identity",
                f"sign beats identity, which the original counted as working, by more than {margin:g} in final "
                f"test accuracy (paired by seed).",
                stats.paired_difference(sign, cls.final(result, "identity"), greater=True, margin=margin,
                                        judged=judged)))
        return found

    # ------------------------------------------------------------------ sentences

    @classmethod
    def _matching(cls, found: dict[str, stats.Claim], verdict: stats.Verdict) -> list[str]:
        return [key.removesuffix("_matches_relu") for key, claim in found.items()
                if key.endswith("_matches_relu") and claim.verdict is verdict]

    @classmethod
    def equivalence_sentence(cls, result: Result) -> str:
        """Which activations this run finds indistinguishable from relu, worded from the verdicts."""
        if not result.judged:
            return f"This `{result.config['profile']}` run is too small to judge which activations match relu."
        found = {claim.id: claim for claim in cls.claims(result)}
        same = cls._matching(found, stats.Verdict.SUPPORTED)
        differ = cls._matching(found, stats.Verdict.NOT_SUPPORTED)
        unsure = cls._matching(found, stats.Verdict.INCONCLUSIVE)
        parts = [f"Within ±{result.config['margin']:g} of test accuracy, "
                 + (f"{join_words(same)} cannot be told apart from relu" if same else "no activation matches relu")]
        if differ:
            parts.append(f"{join_words(differ)} {'is' if len(differ) == 1 else 'are'} clearly further from it")
        if unsure:
            parts.append(f"the seeds cannot settle whether {join_words(unsure)} {'does' if len(unsure) == 1 else 'do'}")
        return "; ".join(parts) + "."

    @classmethod
    def means_sentence(cls, result: Result) -> str:
        """Mean final test accuracy of every activation, best first."""
        acts = sorted(result.coords["activation"], key=lambda a: -cls.final(result, a).mean())
        return ", ".join(f"{a} {cls.final(result, a).mean():.1%}" for a in acts)

    @classmethod
    def identity_sentence(cls, result: Result) -> str:
        """Whether identity is the worst, and what ties it, worded from the verdicts."""
        found = {claim.id: claim for claim in cls.claims(result)}
        if "identity_worst" not in found:
            return "This run did not train an identity network."
        if not result.judged:
            return f"This `{result.config['profile']}` run is too small to judge whether identity is the worst."
        worst = found["identity_worst"].verdict
        text = {stats.Verdict.SUPPORTED: "identity is the worst activation in this run.",
                stats.Verdict.NOT_SUPPORTED: "identity is not the worst activation in this run.",
                stats.Verdict.INCONCLUSIVE: "This run cannot say that identity is the worst activation."}[worst]
        tie = found.get("sigmoid_matches_identity")
        if tie is not None and tie.verdict is stats.Verdict.SUPPORTED:
            text += (f" sigmoid ties with it: after {result.config['steps']:,} steps the sigmoid networks "
                     f"classify no better than a straight line.")
        longer = found.get("sigmoid_longer_beats_identity")
        if longer is not None:
            sigmoid = result["longer_accuracy"][:, -1]
            text += (f" Trained for {result.coords['longer_step'][-1]:,} steps, sigmoid reaches {sigmoid.mean():.1%} "
                     f"on average, and the claim that it then beats identity by more than "
                     f"{result.config['margin']:g} {page.verdict_word(longer)}.")
        return text

    @classmethod
    def comparison(cls, result: Result) -> str:
        """The run's answer to the original's conclusion that all but sign work and identity gets about 88%."""
        acts = result.coords["activation"]
        text = (f"The original concluded that every activation but sign works, with identity at about "
                f"{ORIGINAL_IDENTITY:.0%}.")
        if not result.judged:
            return text + f" This `{result.config['profile']}` run is too small to compare."
        found = {claim.id: claim for claim in cls.claims(result)}
        if "identity" in acts:
            identity = cls.final(result, "identity")
            close = abs(identity.mean() - ORIGINAL_IDENTITY) < IDENTITY_TOLERANCE
            text += (f" Our identity networks end at {identity.mean():.1%} on average ({identity.min():.1%} to "
                     f"{identity.max():.1%} over seeds), {'in line with' if close else 'unlike'} the original's "
                     f"figure.")
        if "sign" not in acts:
            return text
        sign = cls.final(result, "sign")
        below = found["sign_below_relu"].verdict is stats.Verdict.SUPPORTED
        text += (f" Our sign networks end at {sign.mean():.1%} on average ({sign.min():.1%} to {sign.max():.1%}), "
                 + ("clearly below relu, paired by seed." if below else "not clearly below relu."))
        beats = found.get("sign_beats_identity")
        if beats is not None and beats.verdict is stats.Verdict.SUPPORTED:
            text += (" Here our run disagrees with the original: sign, the activation it called broken, beats "
                     "identity, which it counted as working, by more than the margin in a test paired by seed. "
                     "sign is weaker than relu, not broken: it is a linear readout of random features (below), and "
                     "those features already separate the moons better than any straight line can.")
        elif beats is not None:
            text += (" Whether sign beats identity, which the original counted as working, "
                     f"{page.verdict_word(beats)} here, so this run does not contradict the original on sign.")
        return text

    @classmethod
    def sign_sentence(cls, result: Result) -> str:
        """Why sign behaves as it does, from the recorded distances and the frozen-feature ceiling."""
        if "sign" not in result.coords["activation"]:
            return "This run did not train a sign network."
        change = cls.relative_change(result)[result.coords["activation"].index("sign")]
        frozen = int(cls.hidden_frozen(result).sum())
        n_seeds = len(result.coords["seed"])
        sign = cls.final(result, "sign")
        ceiling, cells = result["sign_ceiling"], result["sign_cells"]
        hidden = len(result.coords["layer"]) - 1
        return (f"In {frozen} of {n_seeds} seeds, all {hidden} hidden weight matrices of the sign network ended "
                f"exactly where they started, while its output layer moved by {change[:, -1].mean():.0%} of its "
                f"initial norm on average. The network is therefore a linear classifier on fixed random features: "
                f"its first layer cuts the plane with {result.config['width']} random lines, and all points in one "
                f"cell of the resulting partition share one code, so they get one label. The "
                f"{result.config['n_test']:,} test points fall into {cells.min()} to {cells.max()} distinct codes "
                f"per seed. Even a perfect readout, giving each code its majority label, would score "
                f"{ceiling.mean():.1%} on average ({ceiling.min():.1%} to {ceiling.max():.1%}); the trained sign "
                f"networks reach {sign.mean():.1%}, and their boundaries above are made of the random lines' "
                f"straight pieces.")

    # ------------------------------------------------------------------ figures

    @classmethod
    def plot(cls, result: Result) -> list:
        return [cls.plot_accuracy(result), cls.plot_boundaries(result), cls.plot_distances(result),
                cls.plot_longer(result)]

    @classmethod
    def plot_accuracy(cls, result: Result):
        acts, steps = result.coords["activation"], result.coords["step"]
        fig, axes = plotting.figure(1, 2, height=3.6, width=10.0, gridspec_kw={"width_ratios": [3, 2]})
        ax = axes[0, 0]
        for a, activation in enumerate(acts):
            plotting.mean_band(ax, steps, result["test_accuracy"][a], label=activation, color=COLORS[activation])
        ax.set(xlabel="training steps", ylabel="test accuracy", title="Test accuracy during training")
        ax.legend(loc="lower right", fontsize=8, ncol=2)
        ax = axes[0, 1]
        relu = cls.final(result, "relu")
        margin = result.config["margin"]
        ax.axhspan(relu.mean() - margin, relu.mean() + margin, color=COLORS["relu"], alpha=0.12, linewidth=0,
                   label=f"relu mean ± {margin:g}")
        n_seeds = len(result.coords["seed"])
        spread = (np.arange(n_seeds) - (n_seeds - 1) / 2) * min(0.06, 0.5 / n_seeds)
        for a, activation in enumerate(acts):
            ax.scatter(a + spread, cls.final(result, activation), s=14, color=COLORS[activation], alpha=0.8)
        ax.set_xticks(range(len(acts)), acts, rotation=40, fontsize=8)
        ax.set(ylabel="final test accuracy", title="After the last step (one dot per seed)")
        ax.legend(loc="lower left", fontsize=8)
        fig.tight_layout()
        return fig

    @classmethod
    def plot_boundaries(cls, result: Result):
        acts = result.coords["activation"]
        rows = -(-len(acts) // BOUNDARY_COLUMNS)
        columns = min(len(acts), BOUNDARY_COLUMNS)
        fig, axes = plotting.figure(rows, columns, width=2.3 * columns, height=2.4, sharex=True, sharey=True)
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
            ax.set_title(f"{activation}: {cls.final(result, activation)[0]:.1%}", fontsize=10)
            ax.grid(False)
            ax.tick_params(labelsize=7)
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
        axes[0, 0].legend(loc="upper left", fontsize=8)
        fig.tight_layout()
        return fig


    @classmethod
    def plot_longer(cls, result: Result):
        fig, axes = plotting.figure(1, 1, width=6.5, height=3.2)
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
        ax.legend(loc="lower right", fontsize=8)
        fig.tight_layout()
        return fig


def build_network(config: ActivationsConfig, activation: str) -> Network:
    """The original's network: Glorot-uniform weights and biases, only the activation varies."""
    return Network(2, (config.width,) * config.depth, 2, activation=activation, bias_init=Init("glorot_uniform"))


def softmax_class1(logits: np.ndarray) -> np.ndarray:
    """Probability of class 1 from two logits, stable for large logits."""
    return 1.0 / (1.0 + np.exp(np.clip(logits[..., 0] - logits[..., 1], -60, 60)))

