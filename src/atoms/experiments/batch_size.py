"""Atom 8: batch size, test accuracy and wall time, with the number of updates held apart.

At a fixed number of epochs a bigger batch also makes fewer updates, so the original's reading mixes two
causes. Three arms separate them: (a) fixed epochs at one learning rate, as in the original; (b) fixed
updates at that rate; (c) fixed epochs, the rate scaled with the batch. All arms of one batch size train as
one ensemble, arm (b) read off the same runs at its step count (Adam at a constant rate does not know how
long a run will continue).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from atoms import claims as stats
from atoms import data, plotting, seeding
from atoms.config import Config, param
from atoms.engine import Data, Init, Members, Network, Recording, Training, train
from atoms.experiment import Experiment, Result
from atoms.prose import join_words

ARMS = ("epochs", "updates", "scaled")
ARM_LABELS = {"epochs": "(a) fixed epochs, one learning rate", "updates": "(b) fixed updates, one learning rate",
              "scaled": "(c) fixed epochs, learning rate scaled"}
RECORDS = 20
XLA = True  # the whole loop compiled: 2.2 to 2.4 times faster per update at batch sizes 1 and 4 (see the page)


@dataclass(frozen=True)
class BatchSizeConfig(Config):
    batch_sizes: tuple[int, ...] = param((1, 4, 16, 64, 256, 400), "Mini-batch sizes swept.", ge=1, le=400,
                                         min_len=2)
    n_train: int = param(400, "Training points per seed, as in the original 400/100 split.", ge=10, le=10_000)
    n_test: int = param(500, "Test points per seed, a separate larger draw from the same mixture.", ge=10,
                        le=100_000)
    dim: int = param(12, "Input dimension; class 1's mean is 1 in every dimension.", ge=2, le=100)
    width: int = param(100, "Sigmoid units in each of the two hidden layers.", ge=1, le=1000)
    epochs: int = param(150, "Epochs over the n_train points in arms (a) and (c), as in the original.", ge=1, le=1000)
    updates: int = param(150, "Adam updates in arm (b), at every batch size.", ge=1, le=100_000)
    learning_rate: float = param(0.003, "Adam learning rate of arms (a) and (b).", gt=0, le=1)
    reference_batch: int = param(64, "Batch size at which arm (c) uses learning_rate.", ge=1, le=10_000)
    max_learning_rate: float = param(0.01, "Cap on arm (c)'s scaled learning rate.", gt=0, le=1)
    threshold: float = param(0.8, "Test accuracy whose first crossing times arm (a).", gt=0.5, le=1)
    n_seeds: int = param(5, "Seeds per batch size; each seed has its own data draw and network start.", ge=2,
                         le=50)

    work = ("epochs", "n_seeds", "batch_sizes")
    profile_overrides = {"smoke": {"batch_sizes": (64, 400), "n_seeds": 2, "epochs": 2, "updates": 10,
                                   "n_test": 200}}

    def __post_init__(self):
        super().__post_init__()
        object.__setattr__(self, "batch_sizes", tuple(sorted(self.batch_sizes)))
        if max(self.batch_sizes) > self.n_train:
            raise ValueError(f"parameter 'batch_sizes' must not exceed n_train={self.n_train}, "
                             f"got {max(self.batch_sizes)}")
        if self.max_learning_rate < self.learning_rate:
            raise ValueError(f"parameter 'max_learning_rate' must be at least learning_rate={self.learning_rate}, "
                             f"got {self.max_learning_rate}")


def steps_per_epoch(n_train: int, batch: int) -> int:
    """An epoch over the training points, a partial last batch being one more update."""
    return math.ceil(n_train / batch)


def scaled_learning_rate(config: BatchSizeConfig, batch: int) -> float:
    """Square-root scaling, the rule derived for Adam; linear scaling is SGD's rule."""
    return min(config.max_learning_rate, config.learning_rate * math.sqrt(batch / config.reference_batch))


def record_grid(total: int, count: int = RECORDS) -> np.ndarray:
    """Steps 0 and geometrically spaced steps to `total`: even relative resolution for time-to-threshold."""
    return np.concatenate([[0], np.round(np.geomspace(1, total, count - 1)).astype(np.int64)])


def draw(config: BatchSizeConfig, seeds) -> tuple[np.ndarray, ...]:
    """One mixture per seed; its first n_train points train, the rest test."""
    xs, ys = [], []
    for seed in seeds:
        x, y = data.gaussian_mixture(config.n_train + config.n_test, config.dim,
                                     seeding.generator(seed, seeding.DATA), class1_mean="ones")
        xs.append(x)
        ys.append(y)
    x, y = np.stack(xs), np.stack(ys)
    return x[:, :config.n_train], y[:, :config.n_train], x[:, config.n_train:], y[:, config.n_train:]


def overhead_seconds(network: Network, members: Members, batches: Data, batch: int) -> float:
    """A one-step run: the trace and set-up every call pays, subtracted so times count training steps.

    Measured after the sweep, so TensorFlow's one-off start-up is not mistaken for a per-call cost.
    """
    started = time.perf_counter()
    train(network, Training(steps=1, batch_size=batch, xla=XLA), members, batches, Recording())
    return time.perf_counter() - started


def censored_taus(times: np.ndarray, reached: np.ndarray, budget: np.ndarray) -> np.ndarray:
    """Per seed, Kendall's tau between batch size (columns, increasing) and a time that may be censored.

    Each pair of batch sizes scores +1 if the larger batch is known to be slower, -1 if known to be
    faster, and 0 if the order is unknown: both censored, or one censored at a budget below the
    other's time. A censored time is only known to exceed its run's `budget`; no value is imputed.
    """
    n_seeds, n = times.shape
    taus = np.zeros(n_seeds)
    for s in range(n_seeds):
        t, hit, bound = times[s], reached[s], budget[s]
        score = 0
        for i in range(n):
            for j in range(i + 1, n):
                if hit[i] and hit[j]:
                    score += int(np.sign(t[j] - t[i]))
                elif hit[i] and t[i] <= bound[j]:
                    score += 1
                elif hit[j] and t[j] <= bound[i]:
                    score -= 1
        taus[s] = score / (n * (n - 1) / 2)
    return taus


class BatchSize(Experiment):
    name = "08_batch_size"
    title = "Batch size: test accuracy and wall time, with updates held apart"
    Config = BatchSizeConfig
    full_seconds = 40
    seeds_run_apart = True

    def run(self) -> Result:
        """Wall times go to `meta`, beside the run's own seconds: unlike the arrays they are not reproducible."""
        result = super().run()
        result.meta.update(self.timings_)
        return result

    @staticmethod
    def step_seconds(result: Result) -> np.ndarray:
        """Measured seconds per update per network, one value per batch size (machine-dependent)."""
        return np.asarray(result.meta["step_seconds"], np.float64)

    def _run(self, config):
        seeds = seeding.member_seeds(config.seed, config.n_seeds)
        x_train, y_train, x_test, y_test = draw(config, seeds)
        network = Network(config.dim, (config.width, config.width), 2, activation="sigmoid",
                          bias_init=Init("glorot_uniform"))
        n_b, n_s = len(config.batch_sizes), config.n_seeds
        accuracy = np.zeros((len(ARMS), n_b, n_s, RECORDS), np.float32)
        final_train = np.zeros((len(ARMS), n_b, n_s), np.float32)
        steps = np.zeros((len(ARMS), n_b, RECORDS), np.int64)
        rates = np.zeros((len(ARMS), n_b), np.float32)
        elapsed, totals = np.zeros(n_b, np.float64), np.zeros(n_b, np.float64)
        twice = Data(*(np.concatenate([a, a]) for a in (x_train, y_train, x_test, y_test)))
        for b, batch in enumerate(config.batch_sizes):
            rate = scaled_learning_rate(config, batch)
            members = Members(seeds=seeds * 2, learning_rate=[config.learning_rate] * n_s + [rate] * n_s)
            epoch_steps = config.epochs * steps_per_epoch(config.n_train, batch)
            grids = {"epochs": record_grid(epoch_steps), "updates": record_grid(config.updates),
                     "scaled": record_grid(epoch_steps)}
            total = max(epoch_steps, config.updates)
            started = time.perf_counter()
            history = train(network, Training(steps=total, batch_size=batch, xla=XLA), members, twice,
                            Recording(at=tuple(int(s) for g in grids.values() for s in g)))
            elapsed[b], totals[b] = time.perf_counter() - started, total
            for a, arm in enumerate(ARMS):
                rows = slice(n_s, 2 * n_s) if arm == "scaled" else slice(0, n_s)
                columns = np.searchsorted(history.steps, grids[arm])
                accuracy[a, b] = history.test_accuracy[rows][:, columns]
                final_train[a, b] = history.train_accuracy[rows][:, columns[-1]]
                steps[a, b] = grids[arm]
                rates[a, b] = rate if arm == "scaled" else config.learning_rate
        overhead = overhead_seconds(network, members, twice, config.batch_sizes[0])
        step_seconds = np.maximum(elapsed - overhead, 0.0) / totals / members.size
        self.timings_ = {"step_seconds": step_seconds.tolist(), "overhead_seconds": overhead}
        arrays = {"test_accuracy": accuracy, "final_train_accuracy": final_train, "steps": steps,
                  "learning_rate": rates}
        dims = {"test_accuracy": ("arm", "batch", "seed", "record"), "final_train_accuracy": ("arm", "batch", "seed"),
                "steps": ("arm", "batch", "record"), "learning_rate": ("arm", "batch")}
        coords = {"arm": list(ARMS), "batch": list(config.batch_sizes), "seed": list(range(n_s)),
                  "record": list(range(RECORDS))}
        return arrays, dims, coords

    @staticmethod
    def final_accuracy(result: Result, arm: str) -> np.ndarray:
        """`[seed, batch]` test accuracy at the end of the arm's budget."""
        return result["test_accuracy"][ARMS.index(arm), :, :, -1].T

    @classmethod
    def epoch_seconds(cls, result: Result) -> np.ndarray:
        """Measured seconds per epoch per network, one value per batch size (machine-dependent)."""
        per_epoch = [steps_per_epoch(result.config["n_train"], b) for b in result.coords["batch"]]
        return cls.step_seconds(result) * np.array(per_epoch)

    @classmethod
    def time_to_threshold(cls, result: Result) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Arm (a), per `[seed, batch]`: seconds per network until test accuracy first reaches the threshold
        at a recorded step (NaN where it never does), whether it did, and the seconds the run lasted.

        A seed that never reaches it is *censored*: its time is only known to exceed the run's length.
        """
        a = ARMS.index("epochs")
        steps = result["steps"][a]
        reached = result["test_accuracy"][a] >= result.config["threshold"]
        first = np.where(reached, steps[:, None, :], np.inf).min(axis=-1)
        hit, seconds = np.isfinite(first), cls.step_seconds(result)
        times = np.where(hit, np.where(hit, first, 0.0) * seconds[:, None], np.nan)
        return times.T, hit.T, np.tile(steps[:, -1] * seconds, (hit.shape[1], 1))

    @classmethod
    def declare(cls, result: Result) -> list[stats.Claim]:
        batches, threshold = result.coords["batch"], result.config["threshold"]
        found = [stats.Claim(
            f"accuracy_falls_{arm}", f"Arm {ARM_LABELS[arm]}: final test accuracy falls as the batch size grows.",
            stats.trend(cls.final_accuracy(result, arm), "decreasing", levels=batches), primary=True)
            for arm in ("epochs", "updates")]
        taus = censored_taus(*cls.time_to_threshold(result))
        found.append(stats.Claim(
            "time_to_threshold_falls",
            f"Arm {ARM_LABELS['epochs']}: the measured seconds per network until test accuracy first reaches "
            f"{threshold:g} fall as the batch size grows (per seed, Kendall tau over the pairs of batch sizes whose "
            f"order is known, a seed that never reaches it counting only as slower than the times within its run; "
            f"median tau below 0).",
            stats.compare(taus, level=0.0, above=False), primary=True))
        largest = len(batches) - 1
        found.append(stats.Claim(
            "scaling_helps_largest",
            f"At batch size {batches[largest]} and a fixed number of epochs, the scaled learning rate of arm (c) "
            f"gives higher test accuracy than arm (a)'s (paired by seed).",
            stats.paired(cls.final_accuracy(result, "scaled")[:, largest],
                         cls.final_accuracy(result, "epochs")[:, largest], greater=True)))
        return found

    @classmethod
    def numbers(cls, result: Result) -> dict:
        """Mean accuracies (percent) at the smallest and largest batch per arm, and what the timing measured."""
        batches, n_seeds = result.coords["batch"], result.config["n_seeds"]
        found = {"n_seeds": n_seeds, "batches": join_words([str(b) for b in batches]), "smallest": batches[0],
                 "largest": batches[-1], "overhead": float(result.meta["overhead_seconds"])}
        for arm in ARMS:
            accuracy = 100 * cls.final_accuracy(result, arm).mean(axis=0)
            found.update({f"{arm}_smallest": float(accuracy[0]), f"{arm}_largest": float(accuracy[-1])})
        gain = cls.final_accuracy(result, "scaled")[:, -1] - cls.final_accuracy(result, "epochs")[:, -1]
        found.update(scaled_gain=float(100 * gain.mean()), scaled_gain_seeds=int((gain > 0).sum()))
        rate, updates = float(result["learning_rate"][ARMS.index("scaled"), -1]), result["steps"][0, :, -1]
        found.update(scaled_rate_largest=rate, rate_ratio=rate / result.config["learning_rate"],
                     largest_updates=int(updates[-1]), smallest_updates=int(updates[0]),
                     updates_ratio=float(updates[0] / updates[-1]))
        times, reached, budget = cls.time_to_threshold(result)
        never = [str(b) for b, hit in zip(batches, reached.any(axis=0)) if not hit]
        found.update(n_cells=int(reached.size), n_censored=int((~reached).sum()),
                     tau_median=float(np.median(censored_taus(times, reached, budget))),
                     never_reached=join_words(never) if never else "none",
                     n_seeds_never=int((~reached.any(axis=1)).sum()))
        reached_at = [f"{np.median(times[reached[:, b], b]):.2g} s at batch {batch} ({reached[:, b].sum()} of "
                      f"{n_seeds} seeds)" for b, batch in enumerate(batches) if reached[:, b].any()]
        found["times_reached"] = join_words(reached_at) if reached_at else "no batch size"
        return found

    @classmethod
    def plot(cls, result: Result) -> list:
        return [cls.plot_accuracy(result), cls.plot_curves(result), cls.plot_time(result)]

    @classmethod
    def plot_accuracy(cls, result: Result):
        batches = result.coords["batch"]
        fig, ((ax,),) = plotting.figure(1, 1, height=3.6)
        for a, arm in enumerate(ARMS):
            plotting.mean_band(ax, batches, cls.final_accuracy(result, arm), label=ARM_LABELS[arm],
                               color=plotting.COLORS[a])
        train = result["final_train_accuracy"][ARMS.index("epochs")].T
        plotting.mean_band(ax, batches, train, label="(a) training accuracy, what the original plotted",
                           color="#4a4a4a", linestyle=":")
        ax.set(xscale="log", xlabel="batch size", ylabel="accuracy at the end of training")
        ax.minorticks_off()
        ax.set_xticks(batches, [str(b) for b in batches], rotation=45)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=1)
        fig.tight_layout()
        return fig

    @classmethod
    def plot_curves(cls, result: Result):
        batches, n_train = result.coords["batch"], result.config["n_train"]
        fig, axes = plotting.figure(1, len(ARMS), height=3.4, sharey=True)
        for a, (ax, arm) in enumerate(zip(axes[0], ARMS)):
            for b, batch in enumerate(batches):
                steps = result["steps"][a, b]
                x = steps if arm == "updates" else steps / steps_per_epoch(n_train, batch)
                mean = result["test_accuracy"][a, b].mean(axis=0)
                ax.plot(np.maximum(x, x[1] / 2), mean, color=plotting.COLORS[b % len(plotting.COLORS)],
                        label=f"batch {batch}")
            ax.axhline(result.config["threshold"], color="#4a4a4a", linewidth=0.8, linestyle=":")
            ax.set(xscale="log", title=ARM_LABELS[arm].replace(", ", ",\n"),
                   xlabel="updates (steps)" if arm == "updates" else "epochs")
        axes[0, 0].set_ylabel("test accuracy, mean over seeds")
        axes[0, 0].legend()
        fig.tight_layout()
        return fig

    @classmethod
    def plot_time(cls, result: Result):
        batches, n_seeds = result.coords["batch"], result.config["n_seeds"]
        fig, axes = plotting.figure(1, 2, height=3.4)
        scale = "log" if np.all(cls.step_seconds(result) > 0) else "linear"  # a tiny run may measure 0 s
        axes[0, 0].plot(batches, cls.epoch_seconds(result), marker="o", color=plotting.COLORS[0])
        axes[0, 0].set(xscale="log", yscale=scale, xlabel="batch size", ylabel="seconds per epoch per network")
        (times, reached, budget), ax, x = cls.time_to_threshold(result), axes[0, 1], np.array(batches, float)
        for s in range(n_seeds):
            ax.scatter(x[reached[s]], times[s, reached[s]], color=plotting.COLORS[1], s=14, alpha=0.7,
                       label="a seed's time (reached)" if s == 0 else None)
        hit = reached.any(axis=0)
        medians = [np.median(times[reached[:, b], b]) for b in np.flatnonzero(hit)]
        ax.plot(x[hit], medians, color=plotting.COLORS[1], label="median of the seeds that reached it")
        missed = [(b, (~reached[:, b]).sum()) for b in range(len(batches)) if (~reached[:, b]).any()]
        ax.scatter([x[b] for b, _ in missed], [budget[0, b] for b, _ in missed], marker="^", facecolors="none",
                   edgecolors="#4a4a4a", s=40, label="not reached: the run's length, a lower bound")
        for b, count in missed:
            ax.annotate(f"{count}/{n_seeds}", (x[b], budget[0, b]), textcoords="offset points", xytext=(0, 7),
                        ha="center", color="#4a4a4a")
        ax.set(xscale="log", yscale=scale, xlabel="batch size", ymargin=0.25,  # room for the counts
               ylabel=f"seconds to test accuracy {result.config['threshold']:g}")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=1)
        for ax in axes[0]:
            ax.minorticks_off()
            ax.set_xticks(batches, [str(b) for b in batches], rotation=90)
            plotting.log_ticks(ax)
        fig.tight_layout()
        return fig

    @classmethod
    def table(cls, result: Result) -> str:
        """One row per batch size: what each arm trained and reached, and the measured times (a data table)."""
        n_train, batches, n_seeds = result.config["n_train"], result.coords["batch"], result.config["n_seeds"]
        accuracy = {arm: cls.final_accuracy(result, arm).mean(axis=0) for arm in ARMS}
        train = result["final_train_accuracy"][ARMS.index("epochs")].mean(axis=-1)
        times, reached, _ = cls.time_to_threshold(result)
        rows = ["| batch | updates per epoch | updates in (a) and (c) | epochs in (b) | learning rate (c) "
                "| test acc. (a) | training acc. (a) | test acc. (b) | test acc. (c) | s per epoch per network "
                f"| seeds reaching test acc. {result.config['threshold']:g} in (a) | median s to reach it |",
                "|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for b, batch in enumerate(batches):
            per_epoch, k = steps_per_epoch(n_train, batch), int(reached[:, b].sum())
            median = f"{np.median(times[reached[:, b], b]):.2g}" if k else "not reached"
            rows.append(f"| {batch} | {per_epoch} | {result.config['epochs'] * per_epoch} "
                        f"| {result.config['updates'] / per_epoch:.3g} "
                        f"| {result['learning_rate'][ARMS.index('scaled'), b]:.2g} | {accuracy['epochs'][b]:.3f} "
                        f"| {train[b]:.3f} | {accuracy['updates'][b]:.3f} | {accuracy['scaled'][b]:.3f} "
                        f"| {cls.epoch_seconds(result)[b]:.2g} | {k} of {n_seeds} | {median} |")
        return "\n".join(rows)
