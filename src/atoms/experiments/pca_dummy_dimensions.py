"""Atom 6: does PCA help a network when 10 informative inputs hide among thousands of noise inputs?

The original's pipeline (U[0,1) "rotation", raw inputs) runs next to a corrected one (rotation, standardized
inputs) and the original's matrix on standardized inputs; a seed's pipelines share data and initial weights."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

import numpy as np
from sklearn.decomposition import PCA
from threadpoolctl import threadpool_limits

from atoms import claims as stats
from atoms import data, plotting, seeding
from atoms.config import Config, param
from atoms.engine import Data, Init, Members, Network, Recording, Training, initial_params, train
from atoms.experiment import Experiment, Result
from atoms.prose import join_words

INFORMATIVE_DIMS = 10
COV_SCALE = 0.2
HIDDEN = (100, 100)
SATURATED = float(np.log(99.0))  # |pre-activation| beyond which a sigmoid's output is within 0.01 of 0 or 1
CHANCE = 0.5
PCA_GAIN = {"original": 0.10, "corrected": 0.05}  # the claimed gain of PCA to the widest size, per pipeline
RESCALE_GAIN = 0.10  # the claimed gain of standardizing the original's inputs
SATURATED_SHARE, FITTED = 0.9, 0.7  # the original's network at the largest D: saturated share, training accuracy
DUMMY_DIMS = (0, 10, 50, 100, 200, 2000)  # k = 0 and five of the original's eleven k (1 to 2,000)
COLORS = {"original": plotting.COLORS[1], "rescaled": plotting.COLORS[4], "corrected": plotting.COLORS[0]}


# How raw inputs reach the network: which D x D matrix mixes them, and whether they are standardized.
Pipeline = NamedTuple("Pipeline", [("name", str), ("label", str), ("matrix", str), ("standardize", bool)])
ORIGINAL = Pipeline("original", "original: U[0,1) matrix, raw inputs", "uniform", False)
CORRECTED = Pipeline("corrected", "corrected: rotation, standardized inputs", "rotation", True)
RESCALED = Pipeline("rescaled", "U[0,1) matrix, standardized inputs", "uniform", True)
TRAINED = (ORIGINAL, CORRECTED)
MEASURED = (ORIGINAL, RESCALED, CORRECTED)


@dataclass(frozen=True)
class PcaDummyDimensionsConfig(Config):
    dummy_dims: tuple[int, ...] = param(DUMMY_DIMS, "Dummy U[0,1) columns k added to the 10 informative ones; "
                                        "networks without PCA run at each.", ge=0, le=4000, min_len=2)
    pca_dummy_dims: tuple[int, ...] = param(DUMMY_DIMS, "k where the PCA networks run (subset of dummy_dims).", ge=0,
                                            le=4000)
    pca_dims: tuple[int, ...] = param((10, 1), "Principal components kept, PCA fitted on the training set (the "
                                      "original also kept 5).", ge=1, le=INFORMATIVE_DIMS)
    rescaled_dims: tuple[int, ...] = param((200,), "k at which the original's matrix also runs on standardized "
                                           "inputs without PCA, to isolate input scale (a subset of dummy_dims).",
                                           ge=0, le=4000)
    n_train: int = param(80, "Training points, as in the original.", ge=20, le=1000)
    n_test: int = param(3000, "Test points from the same distribution (the original had 20).", ge=100, le=20_000)
    steps: int = param(500, "Full-batch Adam steps.", ge=1, le=100_000)
    learning_rate: float = param(0.003, "Adam learning rate.", gt=0, le=1)
    n_seeds: int = param(5, "Seeds per setting; each draws its own data, dummy columns, U[0,1) matrices and "
                         "initial weights.", ge=2, le=50)

    work = ("steps", "n_seeds", "dummy_dims", "pca_dims")
    profile_overrides = {"smoke": {"dummy_dims": (0, 20), "pca_dummy_dims": (20,), "rescaled_dims": (20,),
                                   "steps": 30, "n_seeds": 2, "n_test": 300}}

    def __post_init__(self):
        super().__post_init__()
        for name in ("pca_dummy_dims", "rescaled_dims"):
            missing = sorted(set(getattr(self, name)) - set(self.dummy_dims))
            if missing:
                raise ValueError(f"parameter {name!r} must be a subset of dummy_dims {list(self.dummy_dims)}; "
                                 f"not in dummy_dims: {missing}")


# A member's inputs as a map of the raw columns, x @ weights + offset, which test points meet folded.
NetworkInputs = NamedTuple("NetworkInputs", [("weights", np.ndarray), ("offset", np.ndarray), ("train", np.ndarray)])


def _standardized(weights, offset, z):
    """Training statistics only: the test points must not inform their own scaling."""
    mean, std = z.mean(axis=0), z.std(axis=0)
    std[std == 0] = 1.0
    return weights / std, (offset - mean) / std, (z - mean) / std


def _inputs(weights, offset, z, width: int) -> NetworkInputs:
    """Columns beyond the member's own are zeros: the PCA networks share one padded width (see the page)."""
    widen = ((0, 0), (0, width - z.shape[1]))
    weights, z, offset = np.pad(weights, widen), np.pad(z, widen), np.pad(offset, widen[1])
    return NetworkInputs(weights.astype(np.float32), offset.astype(np.float32), z.astype(np.float32))


def pipeline_inputs(x_train: np.ndarray, matrix: np.ndarray, standardize: bool, pca_dims: tuple[int, ...] = (),
                    pca_width: int = 0) -> tuple[NetworkInputs, list[NetworkInputs]]:
    """The full inputs and, per PCA size, the leading principal components (standardized if the inputs are)."""
    weights, offset = matrix, np.zeros(matrix.shape[1])
    z = x_train @ matrix
    if standardize:
        weights, offset, z = _standardized(weights, offset, z)
    reduced = []
    for n_components in pca_dims:
        pca = PCA(n_components, svd_solver="full").fit(z)
        basis = pca.components_.T
        parts = weights @ basis, (offset - pca.mean_) @ basis, (z - pca.mean_) @ basis
        reduced.append(_inputs(*(_standardized(*parts) if standardize else parts), pca_width))
    return _inputs(weights, offset, z, z.shape[1]), reduced


def logits(params: list[np.ndarray], inputs: NetworkInputs, x_raw: np.ndarray) -> np.ndarray:
    """The trained network on raw points, its first layer folded into the input map (map first if it narrows)."""
    w1, b1, w2, b2, w3, b3 = params
    _sigmoid = lambda z: 0.5 * (1.0 + np.tanh(0.5 * z))  # noqa: E731 (never overflows, even at inputs of hundreds)
    if inputs.weights.shape[1] < w1.shape[1]:
        first = (x_raw @ inputs.weights + inputs.offset) @ w1
    else:
        first = x_raw @ (inputs.weights @ w1) + inputs.offset @ w1
    return _sigmoid(_sigmoid(first + b1) @ w2 + b2) @ w3 + b3


def saturated_share(x: np.ndarray, w1: np.ndarray, b1: np.ndarray) -> float:
    """Share of (point, first-layer unit) pairs whose sigmoid output is within 0.01 of 0 or 1 (slope < 4% of peak)."""
    return float(np.mean(np.abs(x @ w1 + b1) > SATURATED))


def _sample(seed: np.random.SeedSequence, config: PcaDummyDimensionsConfig):
    """The 10-D mixture (train and test from one draw) and every dummy column; a smaller k keeps the first k."""
    rng = seeding.generator(seed, seeding.DATA)
    x, y = data.gaussian_mixture(config.n_train + config.n_test, INFORMATIVE_DIMS, rng, class1_mean="ones",
                                 cov_scale=COV_SCALE)
    return data.add_dummy_dimensions(x, max(config.dummy_dims), rng, rotate=False), y


def _matrix_rng(seed: np.random.SeedSequence, k: int, kind: str) -> np.random.Generator:
    """One stream per (seed, k, matrix), so changing the list of k never shifts another draw."""
    parent = seeding.child(seeding.child(seed, seeding.DATA), 1 + k)
    return seeding.generator(parent, ("uniform", "rotation").index(kind))


def _points(ax, x, values, label: str, color, marker: str):
    """Mean over seeds (axis 1) with a bar from the worst to the best seed, for settings run at few k."""
    mean = values.mean(axis=1)
    ax.errorbar(x, mean, yerr=[mean - values.min(axis=1), values.max(axis=1) - mean], fmt=marker, color=color,
                markersize=6, capsize=3, label=label, linestyle="--" if len(x) > 1 else "none")


def _rescaled_points(ax, result: Result, kind: str):
    dims = INFORMATIVE_DIMS + np.array(result.coords["rescaled_dims"])
    _points(ax, dims, result[f"rescaled_{kind}_accuracy"], f"no PCA, {RESCALED.label}", COLORS["rescaled"], "D")


def _network(width: int) -> Network:
    return Network(width, HIDDEN, 2, activation="sigmoid", bias_init=Init("glorot_uniform"))


class PcaDummyDimensions(Experiment):
    name = "06_pca_dummy_dimensions"
    title = "PCA before a network, with dummy dimensions"
    Config = PcaDummyDimensionsConfig
    full_seconds = 58

    def _run(self, config):
        # One BLAS thread, as TensorFlow's: a contended two-thread QR of 2,010 x 2,010 is several times slower.
        with threadpool_limits(1):
            seeds = seeding.member_seeds(config.seed, config.n_seeds)
            samples = [_sample(seed, config) for seed in seeds]
            dims, coords = self._layout(config)
            arrays = {name: np.zeros([len(coords[axis]) for axis in axes], np.float32) for name, axes in dims.items()}
            groups: dict[int, list] = {}
            for k in config.dummy_dims:
                self._members_at(k, config, seeds, samples, arrays, groups)
            for width, members in groups.items():
                for (cell, _), test, fit in zip(members, *self._train_group(config, width, members, seeds, samples)):
                    arrays[cell[0]][cell[1:]] = test
                    arrays[cell[0].replace("test", "train")][cell[1:]] = fit
            return arrays, dims, coords

    @staticmethod
    def _layout(config):
        """Named axes of every array, and their coordinates."""
        pipe, measured = ("pipeline", "dummy_dims", "seed"), ("input_pipeline", "dummy_dims", "seed")
        reduced, rescaled = ("pipeline", "pca_dummy_dims", "pca_dims", "seed"), ("rescaled_dims", "seed")
        dims = {"test_accuracy": pipe, "train_accuracy": pipe, "pca_test_accuracy": reduced,
                "pca_train_accuracy": reduced, "rescaled_test_accuracy": rescaled,
                "rescaled_train_accuracy": rescaled, "input_rms": measured, "saturation": measured}
        coords = {"pipeline": [p.name for p in TRAINED], "input_pipeline": [p.name for p in MEASURED],
                  "dummy_dims": list(config.dummy_dims), "pca_dummy_dims": list(config.pca_dummy_dims),
                  "pca_dims": list(config.pca_dims), "rescaled_dims": list(config.rescaled_dims),
                  "seed": list(range(config.n_seeds))}
        return dims, coords

    @staticmethod
    def _members_at(k, config, seeds, samples, arrays, groups):
        """Every pipeline's inputs at one k: measured, and queued by width as (cell of its test accuracy, inputs)."""
        i, width, pca_width = config.dummy_dims.index(k), INFORMATIVE_DIMS + k, max(config.pca_dims)
        start = initial_params(_network(width), Members(seeds=seeds))
        # One rotation per D, shared by the seeds: a Haar draw at D = 2,010 costs a second, and changes no distance.
        rotation = data.random_rotation(width, _matrix_rng(seeds[0], k, "rotation"))
        for s, seed in enumerate(seeds):
            x_train = samples[s][0][:config.n_train, :width].astype(np.float64)
            matrices = {"uniform": data.uniform_mixing_matrix(width, _matrix_rng(seed, k, "uniform")),
                        "rotation": rotation}
            for p, pipeline in enumerate(MEASURED):
                reduce = pipeline in TRAINED and k in config.pca_dummy_dims
                full, reduced = pipeline_inputs(x_train, matrices[pipeline.matrix], pipeline.standardize,
                                                config.pca_dims if reduce else (), pca_width)
                arrays["input_rms"][p, i, s] = np.sqrt(np.mean(np.square(full.train, dtype=np.float64)))
                arrays["saturation"][p, i, s] = saturated_share(full.train, start[0][s], start[1][s])
                if pipeline in TRAINED:
                    groups.setdefault(width, []).append((("test_accuracy", TRAINED.index(pipeline), i, s), full))
                elif k in config.rescaled_dims:
                    cell = ("rescaled_test_accuracy", config.rescaled_dims.index(k), s)
                    groups.setdefault(width, []).append((cell, full))
                for j, inputs in enumerate(reduced):
                    cell = ("pca_test_accuracy", TRAINED.index(pipeline), config.pca_dummy_dims.index(k), j, s)
                    groups.setdefault(pca_width, []).append((cell, inputs))

    @staticmethod
    def _train_group(config, width, members, seeds, samples):
        """One ensemble per input width; test and final training accuracy per member."""
        seed_of = [cell[-1] for cell, _ in members]
        history = train(_network(width), Training(steps=config.steps, loss="cross_entropy", optimizer="adam"),
            Members(seeds=[seeds[s] for s in seed_of], learning_rate=config.learning_rate),
            Data(np.stack([inputs.train for _, inputs in members]),
                 np.stack([samples[s][1][:config.n_train] for s in seed_of])),
            Recording())
        x_test, test = {}, []
        for m, ((_, inputs), s) in enumerate(zip(members, seed_of)):
            raw, y = samples[s]
            key = (s, inputs.weights.shape[0])
            if key not in x_test:
                x_test[key] = np.ascontiguousarray(raw[config.n_train:, :key[1]])
            predicted = np.argmax(logits([p[m] for p in history.final_params], inputs, x_test[key]), axis=1)
            test.append(float(np.mean(predicted == y[config.n_train:])))
        return test, history.train_accuracy[:, -1].tolist()

    # ------------------------------------------------------------------ claims and numbers

    @staticmethod
    def settings(result: Result) -> dict[str, int]:
        """Where the claims are judged: most dummies, widest and narrowest PCA."""
        c = result.coords
        return {"k_max": max(c["dummy_dims"]), "k_high": max(c["pca_dummy_dims"]),
                "k_rescaled": max(c["rescaled_dims"]), "wide": max(c["pca_dims"]), "narrow": min(c["pca_dims"])}

    @staticmethod
    def values(result: Result, name: str, pipeline: str, k: int, n_components: int | None = None) -> np.ndarray:
        """One per seed: "test" or "train" accuracy (after PCA if `n_components`), "saturation" or "input_rms"."""
        if name in ("saturation", "input_rms"):
            return result.select(name, input_pipeline=pipeline, dummy_dims=k)
        if pipeline == "rescaled":
            return result.select(f"rescaled_{name}_accuracy", rescaled_dims=k)
        if n_components is None:
            return result.select(f"{name}_accuracy", pipeline=pipeline, dummy_dims=k)
        return result.select(f"pca_{name}_accuracy", pipeline=pipeline, pca_dummy_dims=k, pca_dims=n_components)

    @classmethod
    def declare(cls, result: Result) -> list[stats.Claim]:
        e, v = cls.settings(result), partial(cls.values, result)
        d_max, d_rescaled, d_high = (INFORMATIVE_DIMS + e[k] for k in ("k_max", "k_rescaled", "k_high"))
        pca = {p: stats.paired(v("test", p, e["k_high"], e["wide"]), v("test", p, e["k_high"]), margin=PCA_GAIN[p])
               for p in PCA_GAIN}
        collapse = {"saturated at initialization": stats.compare(v("saturation", "original", e["k_max"]),
                                                                 level=SATURATED_SHARE),
                    "training accuracy": stats.compare(v("train", "original", e["k_max"]), level=FITTED, above=False)}
        helps = (f"PCA to {e['wide']} dimensions raises test accuracy at D = {d_high} by more than {{:.0f}} "
                 f"points over no PCA (the original's conclusion, on {{}}).")
        return [
            stats.Claim("original_pca_helps", "With the original's transform, " + helps.format(
                100 * PCA_GAIN["original"], "its own pipeline"), pca["original"], primary=True),
            stats.Claim("standardizing_removes_collapse",
                        f"At D = {d_rescaled}, standardizing the original's inputs (same U[0,1) matrix, data and "
                        f"initial weights, no PCA) raises test accuracy by more than {100 * RESCALE_GAIN:.0f} points.",
                        stats.paired(v("test", "rescaled", e["k_rescaled"]), v("test", "original", e["k_rescaled"]),
                                     margin=RESCALE_GAIN), primary=True),
            stats.Claim("corrected_pca_helps", "With the corrected transform, " + helps.format(
                100 * PCA_GAIN["corrected"], "a correct pipeline"), pca["corrected"], primary=True),
            stats.Claim("original_saturates_and_fails_to_fit",
                        f"With the original's transform and no PCA at D = {d_max}, more than {SATURATED_SHARE:.0%} of "
                        f"first-layer sigmoid outputs start within 0.01 of 0 or 1, and after training the network "
                        f"fits fewer than {FITTED:.0%} of its own training points.", stats.all_of(collapse)),
        ]

    @classmethod
    def numbers(cls, result: Result) -> dict:
        """Accuracies in percent (means over seeds), input dimensions D = 10 + k, the claims' thresholds."""
        e, c, v, config = cls.settings(result), result.coords, partial(cls.values, result), result.config
        k_max, high, wide, narrow, k_rescaled = e["k_max"], e["k_high"], e["wide"], e["narrow"], e["k_rescaled"]
        pct = lambda *spec: float(100 * np.mean(v(*spec)))  # noqa: E731
        found = {"d_max": INFORMATIVE_DIMS + k_max, "d_rescaled": INFORMATIVE_DIMS + k_rescaled,
                 "d_high": INFORMATIVE_DIMS + high, "wide": wide, "n_test": f"{config['n_test']:,}",
                 "narrow": f"{narrow} dimension{'s' if narrow > 1 else ''}", "min_p": 0.5 ** config["n_seeds"],
                 "test_se": float(100 * np.sqrt(0.9 * 0.1 / config["n_test"])), "rescale_margin": 100 * RESCALE_GAIN,
                 "saturated_level": 100 * SATURATED_SHARE, "fitted_level": 100 * FITTED,
                 "rescaled": pct("test", "rescaled", k_rescaled), "corrected_max": pct("test", "corrected", k_max),
                 "original_at_rescaled": pct("test", "original", k_rescaled),
                 "original_max": pct("test", "original", k_max), "original_train_max": pct("train", "original", k_max),
                 "original_rms_max": float(np.mean(v("input_rms", "original", k_max)))}
        found.update({n: ", ".join(map(str, config[n])) for n in ("dummy_dims", "pca_dummy_dims", "rescaled_dims")})
        found["pca_list"] = join_words([str(n) for n in c["pca_dims"]]).replace(" and ", " or ")
        for p in ("original", "corrected"):
            gain = 100 * (v("test", p, high, wide) - v("test", p, high))
            found.update({f"{p}_saturation": pct("saturation", p, k_max), f"{p}_none": pct("test", p, high),
                          f"{p}_wide": pct("test", p, high, wide), f"{p}_narrow": pct("test", p, high, narrow),
                          f"{p}_gain": float(gain.mean()), f"{p}_gain_min": float(gain.min()),
                          f"{p}_gain_max": float(gain.max()), f"{p}_margin": 100 * PCA_GAIN[p]})
        units = HIDDEN[0]  # Glorot's limit is sqrt(6 / (fan_in + fan_out)); zero columns raise fan_in to `wide`
        shrink = [f"{100 * (1 - np.sqrt((n + units) / (wide + units))):.1f}% (PCA to {n})" for n in c["pca_dims"]
                  if n < wide]
        found["padding_note"] = " and ".join(shrink) or "0%"
        return found

    @classmethod
    def plot(cls, result: Result) -> list:
        """Test accuracy against D, then the mechanism: input scale, saturation at initialization, training fit."""
        c = result.coords
        dims, pca_dims = INFORMATIVE_DIMS + np.array(c["dummy_dims"]), INFORMATIVE_DIMS + np.array(c["pca_dummy_dims"])
        fig, axes = plotting.figure(1, 2, height=3.8, sharey=True)
        for p, (ax, pipeline) in enumerate(zip(axes[0], TRAINED)):
            plotting.mean_band(ax, dims, result["test_accuracy"][p].T, label="no PCA", color=plotting.COLORS[0])
            for j, n_components in enumerate(c["pca_dims"]):
                shift = 1.1 ** (j - (len(c["pca_dims"]) - 1) / 2)  # side by side: a small shift on the log axis
                _points(ax, pca_dims * shift, result["pca_test_accuracy"][p, :, j], f"PCA to {n_components}",
                        plotting.COLORS[j + 1], "s")
            if pipeline is ORIGINAL:
                _rescaled_points(ax, result, "test")
            ax.axhline(CHANCE, color="#4a4a4a", linewidth=0.8, linestyle=":")
            ax.set(xscale="log", title=pipeline.label, xlabel="input dimension D = 10 + k")
        axes[0, 0].set_ylabel("test accuracy")
        axes[0, 1].legend(*axes[0, 0].get_legend_handles_labels(), loc="lower left")
        fig.tight_layout()
        mechanism, axes = plotting.figure(1, 3, height=4.4)
        for p, pipeline in enumerate(MEASURED):
            style = {"label": pipeline.label, "color": COLORS[pipeline.name],
                     "linestyle": "--" if pipeline is RESCALED else "-"}
            plotting.mean_band(axes[0, 0], dims, result["input_rms"][p].T, **style)
            plotting.mean_band(axes[0, 1], dims, result["saturation"][p].T, **style)
        for p, pipeline in enumerate(TRAINED):
            plotting.mean_band(axes[0, 2], dims, result["train_accuracy"][p].T, label=pipeline.label,
                               color=COLORS[pipeline.name])
        _rescaled_points(axes[0, 2], result, "train")
        axes[0, 0].set(yscale="log", ylabel="RMS of the network's inputs", title="input scale")
        axes[0, 1].set(ylim=(-0.03, 1.03), ylabel="share of first-layer outputs", title="saturated at initialization")
        axes[0, 2].set(ylim=(0.4, 1.03), ylabel="training accuracy",
                       title=f"fit to the {result.config['n_train']} training points")
        for ax in axes[0]:
            ax.set(xscale="log", xlabel="input dim. D = 10 + k")
        mechanism.legend(*axes[0, 0].get_legend_handles_labels(), loc="lower center", ncol=1)
        mechanism.tight_layout(rect=(0, 0.17, 1, 1))
        return [fig, mechanism]
