"""Chapter 13 (reader question): does L2 weight decay shrink weights to about 1/sqrt(n)? Each layer's RMS per
epoch against exact pure decay and a lambda = 0 control, on the reader's network and lambda; an optional sweep of
hidden widths sets the plateau against 1/sqrt(N). The page is the .md."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from matplotlib.ticker import NullFormatter

from atoms import claims as stats
from atoms import data, plotting, seeding
from atoms.config import Config, param
from atoms.engine import Data, Init, Members, Network, Recording, Training, train
from atoms.experiment import Experiment, Result
from atoms.fits import loglog_slope
from atoms.grouping import padding_groups

N_CLASSES, GROUP_RATIO, NIELSEN_SLOPE, GREY = 10, 2, -0.5, plotting.COLORS[7]
LAYERS = ("hidden", "output")
LAYER_LABELS = {"hidden": "hidden layer", "output": "output layer"}
LAYER_COLORS = {"hidden": plotting.COLORS[0], "output": plotting.COLORS[1]}
READER_STATISTICS = ("sum", "ord1", "variance", "mean")  # as the reader computed them on (fan_out, fan_in)
READER_LABELS = {"sum": "sum of the weights", "ord1": "norm(W, ord=1)", "variance": "variance", "rms": "RMS"}
SUM_FACTOR = 2.0  # the sum misreports if its end/start ratio has the wrong sign or is this far from the RMS's
DIMS = {"rms": ("lambda", "seed", "epoch", "layer"), "test_accuracy": ("lambda", "seed"), "main_weights": ("layer",),
        "reader": ("lambda", "seed", "epoch", "layer", "statistic"), "train_accuracy": ("lambda", "seed"),
        "sweep_rms": ("width", "seed", "epoch", "layer"), "layer_weights": ("width", "layer")}
XLA = True  # pilot, 16 members of 784-30-10 on 9,000 MNIST images: 8.2 normalized ms per member-epoch per 1,000


@dataclass(frozen=True)
class WeightDecayConfig(Config):
    dataset: str = param("mnist", "Images: the bundled MNIST digits (the reader's) or scikit-learn's 8x8 'digits'.",
                         choices=data.IMAGE_DATASETS)
    n_train: int = param(9000, "Training images per seed (n in lambda/(2n)): the most the bundled MNIST pool holds "
                               "next to 1,000 test images; the reader: 50,000.", ge=10, le=60_000)
    n_test: int = param(1000, "Test images per seed, disjoint from the training images.", ge=1, le=10_000)
    hidden: int = param(30, "Hidden sigmoid units of the main network (the reader's 30).", ge=1, le=1000)
    widths: tuple[int, ...] = param((), "Hidden widths of an optional sweep at lmbda (none, or at least 3); its "
                                    "plateau needs more epochs than the reader's 30.", ge=1, le=1000, min_len=0)
    lmbda: float = param(5.0, "Nielsen's lambda (cost C0 + lambda/(2n) sum w²), the reader's 5.", gt=0, le=1e6)
    lambdas: tuple[float, ...] = param((0.0, 5.0), "Nielsen's lambdas trained at the main width; must contain 0 "
                                       "(the control) and lmbda.", ge=0, le=1e6, min_len=2)
    learning_rate: float = param(0.1, "SGD learning rate eta (the reader's 0.1).", gt=0, le=10)
    batch_size: int = param(10, "Mini-batch size m (the reader's 10).", ge=1, le=10_000)
    epochs: int = param(30, "Epochs of SGD, each a shuffled pass over the images (the reader's 30).", ge=2, le=1000)
    n_seeds: int = param(8, "Seeds; each fixes a data split, initial weights and batch order.", ge=2, le=100)
    early_epochs: int = param(3, "First epochs whose mean decay rate is compared with ηλ/m.", ge=1, le=100)
    plateau_epochs: int = param(10, "Last epochs whose mean RMS is the plateau.", ge=1, le=1000)
    rate_tolerance: float = param(0.1, "Relative error of the early rate that still matches ηλ/m.", gt=0, le=1)
    level_off_ratio: float = param(0.25, "Levelled off below this fraction of ηλ/m per epoch.", gt=0, le=1)
    slope_margin: float = param(0.15, "Log-log slopes within this of -1/2 scale like 1/sqrt(N).", gt=0, le=1)
    level_factor: float = param(2.0, "A plateau at most this factor above 1/sqrt(N) is about it.", gt=1, le=100)

    profile_overrides = {"smoke": {"epochs": 3, "n_seeds": 2, "n_train": 200, "n_test": 100, "early_epochs": 1,
                                   "plateau_epochs": 1}}
    work = ("n_train", "epochs", "n_seeds", "lambdas")

    def __post_init__(self):
        super().__post_init__()
        data.require_image_dataset(self.dataset)
        if self.dataset == "digits":
            data.check_digits_counts(self.n_train, self.n_test)
        elif self.n_train + self.n_test > data.MNIST_IMAGES:
            raise ValueError(f"parameters 'n_train' + 'n_test' must be at most {data.MNIST_IMAGES} for "
                             f"dataset='mnist', got {self.n_train} + {self.n_test}")
        if 0 < len(self.widths) < 3:
            raise ValueError(f"parameter 'widths' must be empty or hold at least 3 widths, got {list(self.widths)}")
        if 0.0 not in self.lambdas or self.lmbda not in self.lambdas:
            raise ValueError(f"parameter 'lambdas' must contain 0 and lmbda ({self.lmbda:g}), got {list(self.lambdas)}")
        if self.learning_rate * max(self.lambdas) >= self.n_train:
            raise ValueError(f"parameter 'learning_rate' times the largest of 'lambdas' must be below n_train "
                             f"({self.n_train}), or one decay step would flip the weights' signs")
        if self.early_epochs + self.plateau_epochs > self.epochs:
            raise ValueError(f"parameters 'early_epochs' + 'plateau_epochs' must be at most epochs ({self.epochs}), "
                             f"got {self.early_epochs} + {self.plateau_epochs}")


def steps_per_epoch(n_train: int, batch_size: int) -> int:
    """Nielsen's loop runs every mini-batch of an epoch, the last one possibly partial."""
    return math.ceil(n_train / batch_size)


def decay_factor(learning_rate: float, lmbda: float, n_train: int, batch_size: int) -> float:
    """Per-epoch factor of pure decay: each step multiplies every weight by 1 - eta*lambda/n."""
    return (1.0 - learning_rate * lmbda / n_train) ** steps_per_epoch(n_train, batch_size)


def layer_counts(n_inputs: int, width: int) -> tuple[int, int]:
    """Weights (biases excluded: they are not decayed) in the hidden and output matrices."""
    return n_inputs * width, width * N_CLASSES


def reader_statistics(weights: np.ndarray) -> np.ndarray:
    """Sum, norm(W, ord=1) on Nielsen's (fan_out, fan_in) layout, variance and mean of `[..., fan_in, fan_out]` W."""
    w = np.asarray(weights, np.float64)
    return np.stack([w.sum(axis=(-2, -1)), np.abs(w).sum(axis=-1).max(axis=-1), w.var(axis=(-2, -1)),
                     w.mean(axis=(-2, -1))], axis=-1)


def rates(rms: np.ndarray) -> np.ndarray:
    """Per-epoch decay rate -ln(RMS_e / RMS_{e-1}) along the epoch axis (second to last)."""
    return -np.diff(np.log(rms), axis=-2)


def pure_decay(rms: np.ndarray, factor: float) -> np.ndarray:
    """The RMS the weights would have with the data gradient switched off: the start times factor^epoch."""
    return rms[..., :1, :] * factor ** np.arange(rms.shape[-2])[:, None]


def all_weights(rms: np.ndarray, counts) -> np.ndarray:
    """RMS over all weights of the network from the per-layer RMS (last axis) and the layers' counts."""
    counts = np.asarray(counts, np.float64)
    return np.sqrt((rms.astype(np.float64) ** 2 * counts).sum(axis=-1) / counts.sum(axis=-1))


def tail_mean(values: np.ndarray, epochs: int, axis: int) -> np.ndarray:
    """Mean over the last `epochs` entries along `axis`: the plateau."""
    return np.take(values, np.arange(values.shape[axis] - epochs, values.shape[axis]), axis=axis).mean(axis=axis)


class WeightDecay(Experiment):
    name = "13_weight_decay"
    title = "Does L2 weight decay shrink weights to about 1/sqrt(n)?"
    Config = WeightDecayConfig
    full_seconds = 48

    def _run(self, config):
        seeds = seeding.member_seeds(config.seed, config.n_seeds)
        splits = [data.image_split(config.dataset, config.n_train, config.n_test, seeding.generator(s, seeding.DATA))
                  for s in seeds]
        n_inputs = splits[0].x_train.shape[1]
        main = self._train_main(config, seeds, splits, n_inputs)
        main["main_weights"] = np.array(layer_counts(n_inputs, config.hidden), np.int64)
        if config.widths:  # the optional sweep
            main["sweep_rms"] = self._train_sweep(config, seeds, splits, n_inputs,
                                                  main["rms"][config.lambdas.index(config.lmbda)])
            main["layer_weights"] = np.array([layer_counts(n_inputs, w) for w in config.widths], np.int64)
        dims = {name: axes for name, axes in DIMS.items() if name in main}
        coords = {"lambda": list(config.lambdas), "seed": list(range(config.n_seeds)), "layer": list(LAYERS),
                  "epoch": list(range(config.epochs + 1)), "statistic": list(READER_STATISTICS),
                  "width": list(config.widths)}
        return main, dims, coords

    @staticmethod
    def _training(config, weights=False) -> tuple[Training, Recording]:  # Nielsen's SGD on his cross-entropy
        every = steps_per_epoch(config.n_train, config.batch_size)
        training = Training(steps=config.epochs * every, batch_size=config.batch_size, loss="sigmoid_cross_entropy",
                            optimizer="sgd", xla=XLA and config.profile == "full")  # smoke: compiling costs more
        return training, Recording(every=every, statistics=("rms",), weights=weights)

    @staticmethod
    def _network(n_inputs: int, width: int) -> Network:  # Nielsen's old initialization: every parameter N(0, 1)
        return Network(n_inputs, (width,), N_CLASSES, activation="sigmoid", weight_init=Init("normal", std=1.0),
                       bias_init=Init("normal", std=1.0))

    @classmethod
    def _train_main(cls, config, seeds, splits, n_inputs) -> dict[str, np.ndarray]:
        """Every lambda at the main width; a seed's members share data, initial weights and batch order."""
        cells = [(lam, s) for lam in config.lambdas for s in range(config.n_seeds)]
        members = Members(seeds=[seeds[s] for _, s in cells], learning_rate=config.learning_rate,
                          l2=[lam / (2 * config.n_train) for lam, _ in cells])
        training, recording = cls._training(config, weights=True)
        history = train(cls._network(n_inputs, config.hidden), training, members,
                        Data.from_splits([splits[s] for _, s in cells]), recording)
        shape = (len(config.lambdas), config.n_seeds)
        reader = np.stack([reader_statistics(w) for w in history.weights], axis=2)
        return {"rms": history.statistics["rms"].reshape(*shape, *history.statistics["rms"].shape[1:]),
                "reader": reader.reshape(*shape, *reader.shape[1:]).astype(np.float32),
                "test_accuracy": history.test_accuracy[:, -1].reshape(shape),
                "train_accuracy": history.train_accuracy[:, -1].reshape(shape)}

    @classmethod
    def _train_sweep(cls, config, seeds, splits, n_inputs, main_rms) -> np.ndarray:
        """The other widths at lambda = lmbda, in padded groups; the main width is reused from the main run."""
        out = np.zeros((len(config.widths), config.n_seeds, config.epochs + 1, len(LAYERS)), np.float32)
        if config.hidden in config.widths:
            out[config.widths.index(config.hidden)] = main_rms
        training, recording = cls._training(config)
        others = [w for w in config.widths if w != config.hidden]
        for group in ([others[i] for i in g] for g in padding_groups(others, GROUP_RATIO)):
            cells = [(w, s) for w in group for s in range(config.n_seeds)]
            members = Members(seeds=[seeds[s] for _, s in cells], learning_rate=config.learning_rate,
                              l2=config.lmbda / (2 * config.n_train), units=[[w] for w, _ in cells])
            rows = [np.stack([getattr(splits[s], name) for _, s in cells]) for name in ("x_train", "y_train")]
            history = train(cls._network(n_inputs, max(group)), training, members, Data(*rows), recording)
            for i, (w, s) in enumerate(cells):
                out[config.widths.index(w), s] = history.statistics["rms"][i]
        return out

    @classmethod
    def measures(cls, result: Result) -> dict:
        """Derived quantities: main width `[seed, epoch, layer]` ("rms", "pure", "pull", "control"), rates over the
        predicted one ("early"; "late" `[width, seed, layer]`), "level" `[seed, width]` = plateau x sqrt(N)."""
        c, lambdas, tail = result.config, result.coords["lambda"], result.config["plateau_epochs"]
        rate = -math.log(decay_factor(c["learning_rate"], c["lmbda"], c["n_train"], c["batch_size"]))
        rms, counts = result["rms"].astype(np.float64), result["main_weights"].astype(np.float64)
        main, n_inputs = rms[lambdas.index(c["lmbda"])], int(counts[0]) // c["hidden"]
        reader = result["reader"][lambdas.index(c["lmbda"])].astype(np.float64)  # [seed, epoch, layer, statistic]
        m = {"rate": rate, "rms": main, "control": rms[lambdas.index(0.0)], "n_inputs": n_inputs, "counts": counts,
             "pure": pure_decay(main, math.exp(-rate)), "growth": rms[:, :, -1] / rms[:, :, 0],
             "early": rates(main)[:, :c["early_epochs"]].mean(axis=1) / rate,
             "weak_lambda": min(lam for lam in lambdas if lam > 0), "n_all": np.array([counts.sum()]),
             "reader": {name: reader[..., i] for i, name in enumerate(result.coords["statistic"])}}
        m["pull"], m["ends"] = main - m["pure"], tail_mean(all_weights(rms, counts), tail, axis=2)  # [lam, seed]
        m["level"] = (m["ends"][lambdas.index(c["lmbda"])] * math.sqrt(counts.sum()))[:, None]
        m["late"] = np.abs(rates(main)[None, :, -tail:].mean(axis=2)) / rate
        if c["widths"]:
            weights, sweep = result["layer_weights"].astype(np.float64), result["sweep_rms"].astype(np.float64)
            layers = tail_mean(sweep, tail, axis=2).transpose(2, 1, 0)  # [layer, seed, width]
            m["n_all"], m["late"] = weights.sum(1), np.abs(rates(sweep)[:, :, -tail:].mean(axis=2)) / rate
            plateau = m["plateau"] = {"all": tail_mean(all_weights(sweep, weights[:, None, None, :]), tail, axis=2).T,
                                      "hidden": layers[0], "output": layers[1]}
            m["slopes"] = {name: loglog_slope(m["n_all"], value) for name, value in plateau.items()}
            m["level"] = plateau["all"] * np.sqrt(m["n_all"])
        ratio = m["ratio"] = {k: v[:, -1] / v[:, 0] for k, v in {**m["reader"], "rms": main}.items()}
        off = np.abs(np.log(np.abs(ratio["sum"]) / ratio["rms"]))
        m["sum_misreports"] = ((ratio["sum"] < 0) | (off > math.log(SUM_FACTOR))).any(axis=1)
        m["opposite"] = (np.log(m["growth"][lambdas.index(m["weak_lambda"])]) * [-1, 1] > 0).all(axis=1)  # down, up
        return m

    @classmethod
    def declare(cls, result: Result) -> list[stats.Claim]:
        """Every claim is post hoc: its settings were chosen after pilot and full runs (see the page)."""
        c, m = result.config, cls.measures(result)
        tol, margin, widths, level = c["rate_tolerance"], c["slope_margin"], c["widths"], c["level_factor"]
        early = (f"In the first {c['early_epochs']} epochs at lambda = {c['lmbda']:g} the {{}}'s RMS falls by "
                 f"exp(-ηλ/m) per epoch: its mean rate is within {100 * tol:g}% of ηλ/m (per seed).")
        slope = (f"scales like 1/sqrt(N) over hidden widths {', '.join(map(str, widths))}: its log-log slope against "
                 f"the number of weights N is within {margin:g} of -1/2 (per seed).")
        within = [stats.within(m["early"][:, i], centre=1.0, margin=tol) for i in range(len(LAYERS))]
        where = "mean over the widths" if widths else f"at {c['hidden']} hidden units"
        found = [  # (id, statement, evidence, primary)
            ("early_factor_hidden", early.format("hidden layer"), within[0], True),
            ("plateau_down_to_inverse_sqrt_n", f"The RMS of all weights over the last {c['plateau_epochs']} epochs "
             f"comes down to at most {level:g} times 1/sqrt(N) (log2 of that RMS times sqrt(N), {where}, per seed).",
             stats.compare(np.log2(m["level"]).mean(axis=1), level=math.log2(level), above=False), True),
            ("decay_shrinks_both_layers", f"At lambda = {c['lmbda']:g} both layers end with a smaller RMS than the "
             f"same networks trained without decay (log of the ratio, larger layer, per seed).",
             stats.compare(np.log(m["rms"][:, -1] / m["control"][:, -1]).max(axis=1), level=0.0, above=False), False),
            ("early_factor_output", early.format("output layer"), within[1], False),
            ("decay_levels_off", f"Over the last {c['plateau_epochs']} epochs no layer{' at any width' * bool(widths)} "
             f"shrinks faster than {100 * c['level_off_ratio']:g}% of ηλ/m per epoch (largest ratio, per seed).",
             stats.compare(m["late"].max(axis=(0, 2)), level=c["level_off_ratio"], above=False), False),
            ("output_pulled_harder", "At the end, RMS minus the pure-decay RMS (the data gradient's pull) is larger "
             "for the output layer than for the hidden layer (paired by seed).",
             stats.paired(m["pull"][:, -1, 1], m["pull"][:, -1, 0]), False),
            ("opposite_directions_weak_lambda", f"At lambda = {m['weak_lambda']:g} the hidden layer's RMS ends below "
             f"its start and the output layer's above, as in the reader's run.", stats.rate(m["opposite"]), False),
            ("sum_misreports", f"The sum of the weights misreports the change: its end/start ratio has the wrong sign "
             f"or is off from the RMS's by more than {SUM_FACTOR:g}x in some layer.", stats.rate(m["sum_misreports"]),
             False)]
        if widths:  # the plateau's scaling needs the sweep
            found[1:1] = [("plateau_slope_all", "The plateau RMS of all weights " + slope,
                           stats.within(m["slopes"]["all"], centre=NIELSEN_SLOPE, margin=margin), True)]
            found.append(("plateau_slope_hidden", "The hidden layer's plateau RMS " + slope,
                          stats.within(m["slopes"]["hidden"], centre=NIELSEN_SLOPE, margin=margin), False))
        return [stats.Claim(i, s, e, primary=p, registered=False) for i, s, e, p in found]

    @classmethod
    def numbers(cls, result: Result) -> dict:
        """The values the page quotes; per layer (`_hidden`, `_output`) means over seeds, `t_` the first seed's."""
        c, m, lambdas = result.config, cls.measures(result), result.coords["lambda"]
        eta, lam, n, batch, widths = c["learning_rate"], c["lmbda"], c["n_train"], c["batch_size"], c["widths"]
        exact = decay_factor(eta, lam, n, batch)
        secondary, p_floor = sum(not claim.primary for claim in cls.declare(result)), 0.5 ** c["n_seeds"]
        found = {
            "dataset": "scikit-learn's 8×8 digits" if c["dataset"] == "digits" else "MNIST", "n_seeds": c["n_seeds"],
            "widths": ", ".join(map(str, widths)), "lambdas": ", ".join(f"{x:g}" for x in lambdas),
            "nielsen_factor": math.exp(-eta * lam / batch), "exact_factor": exact, "l2": lam / (2 * n),
            "total_factor": exact ** c["epochs"], "total_factor_squared": exact ** (2 * c["epochs"]),
            "step_factor": 1 - eta * lam / n, "steps_per_epoch": steps_per_epoch(n, batch), "n_inputs": m["n_inputs"],
            "tolerance_percent": 100 * c["rate_tolerance"], "level_off_percent": 100 * c["level_off_ratio"],
            "n_weights": int(m["counts"].sum()), "inverse_sqrt_n": 1 / math.sqrt(m["counts"].sum()),
            "plateau_all": m["ends"][lambdas.index(lam)].mean(), "level_ratio": np.exp(np.log(m["level"]).mean()),
            "n_min": int(m["n_all"][0]), "n_max": int(m["n_all"][-1]), "lambda_over_n": lam / n,
            "late_percent": 100 * np.median(m["late"].max((0, 2))), "weak_lambda": m["weak_lambda"],
            "n_opposite": int(m["opposite"].sum()), "sum_factor": SUM_FACTOR, "epochs_to_inverse_sqrt_n":
            math.log(m["rms"][:, 0, 0].mean() * math.sqrt(m["counts"].sum())) / m["rate"],
            "n_sum_misreports": int(m["sum_misreports"].sum()), "n_secondary": secondary, "p_floor": p_floor,
            "holm_floor": min(1.0, secondary * p_floor),
            "plateau_by_lambda": ", ".join(f"{v:.3f} at λ = {x:g}" for x, v in zip(lambdas, m["ends"].mean(1))),
            "accuracy_by_lambda": ", ".join(f"{100 * v:.1f}% at λ = {x:g}"
                                            for x, v in zip(lambdas, result["test_accuracy"].mean(axis=1)))}
        per_layer = {  # [seed, layer]
            "early": m["early"], "early_factor": np.exp(-m["early"] * m["rate"]), "start": m["rms"][:, 0],
            "end": m["rms"][:, -1], "pull": m["pull"][:, -1], "shrink": m["rms"][:, -1] / m["control"][:, -1],
            "control_growth": m["growth"][lambdas.index(0.0)], "mean_end": m["reader"]["mean"][:, -1],
            "weak_growth": m["growth"][lambdas.index(m["weak_lambda"])], "mean_start": m["reader"]["mean"][:, 0],
            "variance_start": m["reader"]["variance"][:, 0], "variance_end": m["reader"]["variance"][:, -1],
            "sqrt_variance_gap": 100 * np.abs(np.sqrt(m["ratio"]["variance"]) / m["ratio"]["rms"] - 1)}
        if widths:  # numbers of the optional sweep
            per_layer["slope"] = np.stack([m["slopes"][x] for x in LAYERS], axis=1)
            found.update(slope_all=m["slopes"]["all"].mean(), width_min=widths[0], width_max=widths[-1])
        for i, layer in enumerate(LAYERS):
            found.update({f"{name}_{layer}": value[:, i].mean() for name, value in per_layer.items()})
            found.update({f"early_low_{layer}": m["early"][:, i].min(), f"early_high_{layer}": m["early"][:, i].max()})
            for name in ("sum", "ord1", "variance", "rms"):
                first = m["rms"][0, :, i] if name == "rms" else m["reader"][name][0, :, i]
                found.update({f"{name}_ratio_{layer}": np.median(m["ratio"][name][:, i]),
                              f"t_{name}_{layer}_start": first[0], f"t_{name}_{layer}_end": first[-1],
                              f"t_{name}_{layer}_ratio": first[-1] / first[0]})
        return {key: float(value) if isinstance(value, np.floating) else value for key, value in found.items()}

    @classmethod
    def plot(cls, result: Result) -> list:
        """One figure: the main width's RMS and per-epoch factor (mean over seeds, band from the lowest to the
        highest seed), the end/start ratio by lambda, and (if swept) the plateaus by width against 1/sqrt(N)."""
        c, m, lambdas, epochs = result.config, cls.measures(result), result.coords["lambda"], result.coords["epoch"]
        n, x, epochs, swept = m["n_all"], range(len(lambdas)), np.array(epochs), bool(c["widths"])
        fig, axes = plotting.figure(2, 2, height=3.4)
        rms_ax, factor_ax, lambda_ax, *plateau_ax = axes.ravel()[:4 if swept else 3]
        axes[1, 1].set_visible(swept)
        for i, layer in enumerate(LAYERS):
            color, label = LAYER_COLORS[layer], LAYER_LABELS[layer]
            plotting.mean_band(rms_ax, epochs, m["rms"][..., i], label=f"{label}, lambda {c['lmbda']:g}", color=color)
            rms_ax.plot(epochs, m["pure"][..., i].mean(axis=0), color=color, linestyle="--", linewidth=1)
            rms_ax.plot(epochs, m["control"][..., i].mean(axis=0), color=color, linestyle=":", linewidth=1.2)
            plotting.mean_band(factor_ax, epochs[1:], np.exp(-rates(m["rms"]))[..., i], label=label, color=color)
            plotting.mean_band(lambda_ax, x, m["growth"][..., i].T, label=label, color=color)
        rms_ax.axhline(1 / math.sqrt(m["counts"].sum()), color=GREY, linestyle="-.", linewidth=0.9)
        for rate, style, label in ((c["learning_rate"] * c["lmbda"] / c["batch_size"], "--", "exp(-ηλ/m)"),
                                   (c["level_off_ratio"] * m["rate"], ":", "levelled off below this")):
            factor_ax.axhline(math.exp(-rate), color=GREY, linestyle=style, linewidth=0.9, label=label)
        lambda_ax.plot([decay_factor(c["learning_rate"], lam, c["n_train"], c["batch_size"]) ** c["epochs"]
                        for lam in lambdas], color=GREY, linestyle="--", marker="x", label="pure decay")
        lambda_ax.axhline(1, color=GREY, linewidth=0.6)
        lambda_ax.set_xticks(x, [f"{lam:g}" for lam in lambdas])
        for name, label in (("all", "all weights"), *LAYER_LABELS.items()) if swept else ():
            plotting.mean_band(plateau_ax[0], n, m["plateau"][name], color=LAYER_COLORS.get(name, GREY),
                               label=f"{label} (slope {m['slopes'][name].mean():.2f})")
        for ax in plateau_ax:
            ax.plot(n, 1 / np.sqrt(n), color=GREY, linestyle="-.", label="1/sqrt(N) (slope -0.5)")
            ax.set(xscale="log", xlabel="N, total weights of the network", ylabel="plateau RMS",
                   title=f"Plateau by width, at lambda {c['lmbda']:g}")
            ax.set_xticks(n, [f"{count:,.0f}" for count in n])
            ax.xaxis.set_minor_formatter(NullFormatter())
        rms_ax.set(xlabel="epochs", ylabel="RMS weight", title="RMS (--: pure decay,\n··: λ = 0, -·: 1/sqrt(N))")
        factor_ax.set(xlabel="epochs", ylabel="RMS at epoch e / at e-1", title="Per-epoch factor")
        lambda_ax.set(xlabel="lambda (Nielsen's)", ylabel="RMS at the end / at the start",
                      title=f"After {c['epochs']} epochs, by lambda")
        for ax, loc in zip((rms_ax, factor_ax, lambda_ax, *plateau_ax), ("center left", "lower right", "best", "best")):
            ax.legend(loc=loc)
        for ax in (rms_ax, lambda_ax, *plateau_ax):  # no minor tick labels: they crowd and cost most of the drawing
            ax.set_yscale("log")
            plotting.log_ticks(ax)
        fig.tight_layout()
        return [fig]
