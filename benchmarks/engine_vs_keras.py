"""How much faster is the stacked engine than the notebook way of training many small MLPs?

Why this exists: the book trains hundreds of tiny networks per chapter. The usual notebook
recipe -- one `keras.Sequential.fit` per model, with a callback that evaluates the test set
after every epoch to record a curve -- spends nearly all its time in per-step dispatch, not in
arithmetic. `atoms.engine` trains all members as one stacked model inside one compiled
`tf.function`. This script measures both on the same workload and checks that they learn the
same thing:

    30 models = 6 learning rates x 5 seeds, 12-10-10-2 sigmoid MLPs, Adam, batch 16,
    400 train / 100 test points of the 12-D Gaussian mixture (one data draw per seed),
    100 epochs = 2,500 steps, test accuracy recorded after every epoch.

How to read it: "member-steps/s" is models x steps / seconds, so the two methods compare even
though the Keras loop times only a sample of the models (it is slow, and its time per model
does not depend on which model). The engine's first call includes tracing and is the honest
headline; `train()` builds a fresh `tf.function` on every call, so the second call traces
again and differs only by warmed-up caches. Both Keras and the engine start from the same
initial weights; Keras shuffles its own batches, so final test accuracies are compared
statistically (mean over the sampled models, tolerance 0.03), and the script exits non-zero
if they differ more. The last line is the speedup. `--quick` runs 10 epochs as a smoke test.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

# tf_setup.load() pins TensorFlow's threads before Keras runs an op, so both run under the same setting.
from atoms import data, seeding, tf_setup
from atoms.engine import Data, Members, Network, Recording, Training, initial_params, train

tf_setup.load()
import keras  # noqa: E402  (after tf_setup.load() on purpose, see above)

LEARNING_RATES = (0.0003, 0.001, 0.003, 0.01, 0.03, 0.1)
N_SEEDS = 5
N_TRAIN, N_TEST, DIM = 400, 100, 12
BATCH = 16
STEPS_PER_EPOCH = N_TRAIN // BATCH
# (config, seed) pairs trained by the Keras loop: a low, a middle and a high learning rate.
SAMPLE = ((1, 0), (3, 1), (5, 2))
TOLERANCE = 0.03
NETWORK = Network(DIM, (10, 10), 2, activation="sigmoid")


def member(config: int, seed: int) -> int:
    return config * N_SEEDS + seed


def workload() -> tuple[Members, Data]:
    """Member `config * N_SEEDS + seed` gets that learning rate and that seed's init, order and data."""
    seeds = seeding.member_seeds(0, N_SEEDS)
    splits = []
    for seed in seeds:
        X, y = data.gaussian_mixture(N_TRAIN + N_TEST, DIM, seeding.generator(seed, seeding.DATA),
                                     class1_mean="ones")
        splits.append(data.split_and_scale(X, y, N_TRAIN))
    members = Members(seeds=[s for _ in LEARNING_RATES for s in seeds],
                      learning_rate=np.repeat(LEARNING_RATES, N_SEEDS))

    def stack(field: str) -> np.ndarray:
        return np.stack([getattr(s, field) for _ in LEARNING_RATES for s in splits])

    return members, Data(stack("x_train"), stack("y_train"), stack("x_test"), stack("y_test"))


class RecordTestAccuracy(keras.callbacks.Callback):
    """The notebook way to record a test curve: evaluate after every epoch."""

    def __init__(self, x_test, y_test):
        super().__init__()
        self.x_test, self.y_test, self.accuracy = x_test, y_test, []

    def on_epoch_end(self, epoch, logs=None):
        self.accuracy.append(self.model.evaluate(self.x_test, self.y_test, verbose=0)[1])


def keras_fit(m: int, members: Members, workload_data: Data, start: list[np.ndarray], epochs: int) -> float:
    """Train member m with `Sequential.fit`; return its final test accuracy."""
    model = keras.Sequential([
        keras.Input((DIM,)),
        *(keras.layers.Dense(width, activation=NETWORK.activation) for width in NETWORK.hidden),
        keras.layers.Dense(NETWORK.n_outputs),
    ])
    model.set_weights([p[m] for p in start])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=float(members.learning_rate[m])),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    curve = RecordTestAccuracy(workload_data.x_test[m], workload_data.y_test[m])
    model.fit(workload_data.x_train[m], workload_data.y_train[m], epochs=epochs, batch_size=BATCH,
              shuffle=True, verbose=0, callbacks=[curve])
    return curve.accuracy[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 epochs instead of 100 (smoke test)")
    epochs = 10 if parser.parse_args().quick else 100
    steps = epochs * STEPS_PER_EPOCH
    print(f"numeric setting: {tf_setup.numeric_setting()}")
    members, workload_data = workload()
    k = members.size
    keras.utils.set_random_seed(0)

    def run_engine():
        began = time.perf_counter()
        history = train(NETWORK, Training(steps=steps, batch_size=BATCH, optimizer="adam"), members,
                        workload_data, Recording(every=STEPS_PER_EPOCH))
        return time.perf_counter() - began, history.test_accuracy[:, -1]

    engine_first, engine_accuracy = run_engine()
    engine_second, _ = run_engine()

    start = initial_params(NETWORK, members)
    sampled = [member(c, s) for c, s in SAMPLE]
    began = time.perf_counter()
    keras_accuracy = np.array([keras_fit(m, members, workload_data, start, epochs) for m in sampled])
    keras_time = time.perf_counter() - began

    rows = [("keras fit loop", len(sampled), keras_time),
            ("engine, 1st call (traces)", k, engine_first),
            ("engine, 2nd call (traces again)", k, engine_second)]
    print(f"\n{'method':<32}{'models':>7}{'steps/model':>13}{'seconds':>10}{'member-steps/s':>16}")
    for name, models, seconds in rows:
        print(f"{name:<32}{models:>7}{steps:>13,}{seconds:>10.2f}{models * steps / seconds:>16,.0f}")

    print(f"\nfinal test accuracy after {epochs} epochs (same init and data, different batch order):")
    for (c, s), m, acc in zip(SAMPLE, sampled, keras_accuracy):
        print(f"  lr={LEARNING_RATES[c]:<7} seed={s}: keras {acc:.3f}  engine {engine_accuracy[m]:.3f}")
    mean_keras, mean_engine = keras_accuracy.mean(), engine_accuracy[sampled].mean()
    gap = abs(mean_engine - mean_keras)
    verdict = "OK" if gap <= TOLERANCE else "FAIL"
    print(f"  mean: keras {mean_keras:.3f}  engine {mean_engine:.3f}  |gap| {gap:.3f} "
          f"(tolerance {TOLERANCE}) {verdict}")
    configs = [member(c, s) for c, _ in SAMPLE for s in range(N_SEEDS)]
    print(f"  engine mean over all {N_SEEDS} seeds of the sampled learning rates: "
          f"{engine_accuracy[configs].mean():.3f}")

    speedup = (k * steps / engine_first) / (len(sampled) * steps / keras_time)
    print(f"speedup (engine / keras fit loop): {speedup:.1f}x")
    if verdict == "FAIL":
        sys.exit(f"accuracy check failed: |{mean_engine:.3f} - {mean_keras:.3f}| > {TOLERANCE}")


if __name__ == "__main__":
    main()
