"""The training engine: K independent MLPs trained at once as one stacked model.

Small networks are bound by dispatch overhead, not arithmetic, so training them one at a time
wastes the machine. Here every weight is a `[K, fan_in, fan_out]` stack, one batched matmul
serves all members, and the whole run sits inside one compiled `tf.function` (a while loop
over record segments, and one over the steps between records). Members may differ in seed,
data draw, data order, learning rate, regularization strength, hidden width (by masking) and
the number of shared-layer applications, so a sweep over those is a single trace.

The argument objects live in `atoms.ensemble` and are re-exported here, so a chapter needs one
import: `from atoms.engine import Network, Training, Members, Data, Recording, train`.
"""

from __future__ import annotations

import numpy as np

from atoms import optim, seeding
from atoms.batches import BatchOrder
from atoms.ensemble import STATISTICS, Data, History, Members, Network, Recording, Training
from atoms.nn import ACTIVATIONS, LOSSES, Init
from atoms.tf_setup import tf

__all__ = ["Data", "History", "Init", "Members", "Network", "Recording", "Training", "predict", "train"]

WORK_LOG = {"flops": 0.0, "xla": False}
"""What this process's `train` calls did: floating-point operations (see `training_flops`), which the
pipeline divides by a chapter's training time to report the rate it achieved, and whether any call
compiled with XLA, which the results file records as part of the numeric setting."""

# Host-side batch indices are handed to the compiled loop in calls of at most this many
# K * steps * batch elements, which bounds memory for long runs of big ensembles.
CHUNK_ELEMENTS = 1 << 22


def _member_array(values, size: int, name: str, dtype) -> np.ndarray:
    """One row per member; a scalar is every member's value."""
    array = np.asarray(values, dtype=dtype)
    if array.ndim == 0:
        array = np.full(size, array, dtype=dtype)
    if array.shape[0] != size:
        raise ValueError(f"{name} must have one row per member ({size}), got shape {array.shape}")
    return array


def _targets(y: np.ndarray, network: Network, classification: bool) -> np.ndarray:
    if classification:
        if y.min() < 0 or y.max() >= network.n_outputs:
            raise ValueError(f"class labels must lie in [0, {network.n_outputs}), got {y.min()}..{y.max()}")
        return np.eye(network.n_outputs, dtype=np.float32)[y]
    y = np.asarray(y, np.float32)
    if y.shape[-1] != network.n_outputs:
        raise ValueError(f"regression targets need {network.n_outputs} outputs, got shape {y.shape}")
    return y


def _real_widths(network: Network, members: Members) -> np.ndarray:
    """`[K, hidden layers]`: each member's own widths (the padded widths when nothing is masked)."""
    if members.units is None:
        return np.tile(np.array(network.hidden, np.int64), (members.size, 1))
    if network.shared_repeats:
        raise ValueError("units masks are not supported with shared_repeats")
    units = _member_array(members.units, members.size, "units", np.int64).reshape(members.size, -1)
    if units.shape[1] != len(network.hidden) or np.any(units < 1) or np.any(units > np.array(network.hidden)):
        raise ValueError(f"units must be [K, {len(network.hidden)}] with 1 <= units <= {network.hidden}")
    return units


def _unit_masks(network: Network, members: Members) -> list[np.ndarray] | None:
    if members.units is None:
        return None
    units = _real_widths(network, members)
    return [(np.arange(w)[None, :] < units[:, [i]]).astype(np.float32) for i, w in enumerate(network.hidden)]


def initial_params(network: Network, members: Members) -> list[np.ndarray]:
    """Each member's weights come from its own seed, so they do not depend on K or position.

    A masked member draws its weights at its own widths (so Glorot and He scales use its real
    fan-in and fan-out) and is padded with zeros: it starts exactly like an unpadded network of
    its width with the same seed.
    """
    shapes = network.weight_shapes
    stacked = [np.zeros((members.size, *shape), np.float32) for shape in shapes for shape in (shape, shape[1:])]
    widths = _real_widths(network, members)
    for k, seed in enumerate(members.seeds):
        rng = seeding.generator(seed, seeding.INIT)
        sizes = [network.n_inputs, *widths[k], network.n_outputs] if not network.shared_repeats else None
        for layer, shape in enumerate(shapes):
            fan_in, fan_out = (sizes[layer], sizes[layer + 1]) if sizes else shape
            stacked[2 * layer][k, :fan_in, :fan_out] = network.weight_init.sample((fan_in, fan_out), rng)
            stacked[2 * layer + 1][k, :fan_out] = network.bias_init.sample((fan_out,), rng)
    return stacked


def _check_rows(data: Data, x_train: np.ndarray, k: int, network: Network) -> None:
    """Names the argument at fault before TensorFlow reports a shape clash deep in a graph."""
    pairs = [("x_train", "y_train", x_train, data.y_train)]
    if data.x_test is not None:
        pairs.append(("x_test", "y_test", data.x_test, data.y_test))
    elif data.y_test is not None:
        raise ValueError("y_test was given without x_test")
    for x_name, y_name, x, y in pairs:
        x, y = np.asarray(x), np.asarray(y)
        if x.shape[-1] != network.n_inputs:
            raise ValueError(f"{x_name} has {x.shape[-1]} features, the network {network.n_inputs} inputs")
        if x.ndim != x_train.ndim or (x.ndim == 3 and x.shape[0] != k):
            raise ValueError(f"{x_name} must be shaped like x_train: [n, d] shared or [K={k}, n, d] stacked")
        rows = x.shape[:-1]
        if y.shape[:len(rows)] != rows:
            raise ValueError(f"{y_name} must have one target per row of {x_name} {rows}, got shape {y.shape}")


def _sample_weights(data: Data, k: int, n_rows: int) -> np.ndarray | None:
    """`[K, n]` non-negative training-row weights, or None when every row counts once."""
    if data.sample_weight is None:
        return None
    weights = np.asarray(data.sample_weight, np.float32)
    if weights.shape not in ((n_rows,), (k, n_rows)):
        raise ValueError(f"sample_weight must be [n={n_rows}] or [K={k}, n={n_rows}], got shape {weights.shape}")
    if not np.all(np.isfinite(weights)) or np.any(weights < 0):
        raise ValueError("sample_weight must be finite and >= 0")
    return np.broadcast_to(weights, (k, n_rows)).copy()


def _segments(record_steps: np.ndarray, max_steps: int) -> list[list[tuple[int, bool]]]:
    """Split the run into calls of at most `max_steps` steps, each a list of (steps, record)."""
    pieces, previous = [], 0
    for step in record_steps:
        gap = int(step) - previous
        while gap > max_steps:
            pieces.append((max_steps, False))
            gap -= max_steps
        pieces.append((gap, True))
        previous = int(step)
    calls, current, length = [], [], 0
    for steps, record in pieces:
        if current and length + steps > max_steps:
            calls.append(current)
            current, length = [], 0
        current.append((steps, record))
        length += steps
    calls.append(current)
    return calls


class _Model:
    """The traced pieces of one ensemble: forward pass, loss, one step and one evaluation."""

    def __init__(self, network: Network, training: Training, members: Members, recording: Recording):
        self.network, self.training, self.recording = network, training, recording
        self.activation = ACTIVATIONS[network.activation]
        self.loss = LOSSES[training.loss]
        masks = _unit_masks(network, members)
        self.masks = [tf.constant(m[:, None, :]) for m in masks] if masks else None
        self.learning_rate = tf.constant(members.learning_rate)
        self.uses_l1, self.uses_l2 = bool(np.any(members.l1 > 0)), bool(np.any(members.l2 > 0))
        n_layers = len(network.weight_shapes)
        scale = members.layer_scale if members.layer_scale is not None else np.ones((members.size, n_layers),
                                                                                    np.float32)
        if scale.shape[1] != n_layers:
            raise ValueError(f"layer_scale needs {n_layers} values per member (one per weight matrix), "
                             f"got shape {scale.shape}")
        # Each layer's per-member strengths, scaled on the host: a scale of 1 leaves them bit-exact.
        self.l1 = [tf.constant(members.l1 * scale[:, i]) for i in range(n_layers)]
        self.l2 = [tf.constant(members.l2 * scale[:, i]) for i in range(n_layers)]
        if members.repeats is not None and not network.shared_repeats:
            raise ValueError("repeats needs a network with a shared layer (Network(shared_repeats=...))")
        repeats = members.repeats if members.repeats is not None else network.shared_repeats
        repeats = _member_array(repeats, members.size, "repeats", np.int32)
        if network.shared_repeats and (np.any(repeats < 1) or np.any(repeats > network.shared_repeats)):
            raise ValueError(f"repeats must lie in [1, {network.shared_repeats}], got {repeats}")
        self.repeats = tf.constant(repeats.reshape(-1, 1, 1))
        self.real_counts = self._real_counts(members, masks)

    def _real_counts(self, members: Members, masks) -> list[np.ndarray]:
        shapes = self.network.weight_shapes
        if not masks:
            return [np.full(members.size, i * o, np.float32) for i, o in shapes]
        widths = [np.full(members.size, self.network.n_inputs, np.float32)]
        widths += [m.sum(axis=1) for m in masks]
        widths += [np.full(members.size, self.network.n_outputs, np.float32)]
        return [widths[i] * widths[i + 1] for i in range(len(shapes))]

    def forward(self, params, x):
        weights, biases = params[0::2], params[1::2]
        if self.network.shared_repeats:
            h = self.activation(tf.matmul(x, weights[0]) + biases[0][:, None, :])
            for r in range(self.network.shared_repeats):
                deeper = self.activation(tf.matmul(h, weights[1]) + biases[1][:, None, :])
                h = tf.where(r < self.repeats, deeper, h)
            return tf.matmul(h, weights[2]) + biases[2][:, None, :]
        h = x
        for layer, (w, b) in enumerate(zip(weights[:-1], biases[:-1])):
            h = self.activation(tf.matmul(h, w) + b[:, None, :])
            if self.masks:
                h = h * self.masks[layer]
        return tf.matmul(h, weights[-1]) + biases[-1][:, None, :]

    def member_loss(self, params, x, targets, row_mask, row_weight):
        """Mean over the batch's valid rows of each row's loss times its weight (Keras' convention)."""
        per_row = self.loss(self.forward(params, x), targets)
        return tf.reduce_sum(per_row * row_weight, axis=1) / tf.reduce_sum(row_mask, axis=1)

    def penalty(self, params):
        """Only the penalties some member uses enter the graph: ops per step are the cost here."""
        total = 0.0
        for w, l1, l2 in zip(params[0::2], self.l1, self.l2):
            if self.uses_l2:
                total += tf.reduce_sum(l2 * tf.reduce_sum(tf.square(w), axis=[1, 2]))
            if self.uses_l1 and self.training.l1_mode == "subgradient":
                total += tf.reduce_sum(l1 * tf.reduce_sum(tf.abs(w), axis=[1, 2]))
        return total

    def step(self, params, slots, iteration, flips, x, targets, row_mask, row_weight):
        with tf.GradientTape() as tape:
            tape.watch(params)
            data_loss = self.member_loss(params, x, targets, row_mask, row_weight)
            objective = tf.reduce_sum(data_loss) + self.penalty(params)
        grads = tape.gradient(objective, params)
        new, slots = optim.apply(self.training.optimizer, params, grads, slots,
                                 self.learning_rate, iteration, self.training.momentum)
        if self.uses_l1 and self.training.l1_mode == "proximal":
            for i, l1 in zip(range(0, len(new), 2), self.l1):
                threshold = tf.reshape(self.learning_rate * l1, [-1, 1, 1])
                new[i] = tf.sign(new[i]) * tf.nn.relu(tf.abs(new[i]) - threshold)
        if "sign_flips" in self.recording.statistics:
            flips = flips + tf.stack([
                tf.reduce_sum(tf.cast(tf.sign(old) * tf.sign(w) < 0, tf.float32), axis=[1, 2])
                for old, w in zip(params[0::2], new[0::2])
            ], axis=1)
        return new, slots, iteration + 1, flips

    def measure(self, params, initial, flips):
        weights = params[0::2]
        values = {}
        squares = [tf.reduce_sum(tf.square(w), axis=[1, 2]) for w in weights]
        if "rms" in self.recording.statistics:
            values["rms"] = tf.stack([tf.sqrt(s / c) for s, c in zip(squares, self.real_counts)], axis=1)
        if "frobenius" in self.recording.statistics:
            values["frobenius"] = tf.stack([tf.sqrt(s) for s in squares], axis=1)
        if "spectral" in self.recording.statistics:
            values["spectral"] = tf.stack(
                [tf.linalg.svd(w, compute_uv=False)[:, 0] for w in weights], axis=1)
        if "distance_from_init" in self.recording.statistics:
            values["distance_from_init"] = tf.stack(
                [tf.norm(w - w0, axis=[1, 2]) for w, w0 in zip(weights, initial[0::2])], axis=1)
        if "sign_flips" in self.recording.statistics:
            values["sign_flips"] = flips
        return values


def train(network: Network, training: Training, members: Members, data: Data,
          recording: Recording = Recording()) -> History:
    """Train every member for `training.steps` updates and return what `recording` asked for."""
    model = _Model(network, training, members, recording)
    k = members.size
    classification = data.classification
    stacked = data.stacked
    x_train = np.asarray(data.x_train, np.float32)
    if x_train.shape[-1] != network.n_inputs:
        raise ValueError(f"x_train has {x_train.shape[-1]} features, the network {network.n_inputs} inputs")
    if stacked and x_train.shape[0] != k:
        raise ValueError(f"stacked x_train needs one draw per member ({k}), got {x_train.shape[0]}")
    n_rows = x_train.shape[-2]
    n_train = np.full(k, n_rows) if data.n_train is None else _member_array(data.n_train, k, "n_train", np.int64)
    if np.any(n_train < 1) or np.any(n_train > n_rows):
        raise ValueError(f"n_train must lie in [1, {n_rows}] for every member, got {n_train}")
    y_train = np.asarray(data.y_train)
    targets_train = _targets(y_train, network, classification)
    row_mask_train = (np.arange(n_rows)[None, :] < n_train[:, None]).astype(np.float32)
    has_test = data.x_test is not None
    _check_rows(data, x_train, k, network)
    x_test = np.asarray(data.x_test if has_test else x_train, np.float32)
    y_test = np.asarray(data.y_test if has_test else y_train)
    targets_test = _targets(y_test, network, classification)

    full_batch = training.batch_size is None
    order = None if full_batch else BatchOrder(members, n_train, training.batch_size)
    batch_width = 0 if full_batch else order.width
    chunk = max(1, CHUNK_ELEMENTS // max(1, k * max(batch_width, 1)))

    x_train_t, targets_train_t = tf.constant(x_train), tf.constant(targets_train)
    eval_sets = [(tf.constant(x_train), tf.constant(targets_train), y_train, tf.constant(row_mask_train))]
    if has_test:
        eval_sets.append((tf.constant(x_test), tf.constant(targets_test), y_test,
                          tf.ones([k, x_test.shape[-2]], tf.float32)))

    def lift(x):
        return x if stacked else x[None]

    def gather(source, indices):
        return tf.gather(source, indices, batch_dims=1) if stacked else tf.gather(source, indices)

    def evaluate(params, initial, flips):
        record = {}
        for name, (x, targets, labels, row_mask) in zip(("train", "test"), eval_sets):
            logits = model.forward(params, lift(x))
            per_row = model.loss(logits, tf.broadcast_to(targets, tf.shape(logits)))
            record[f"{name}_loss"] = tf.reduce_sum(per_row * row_mask, axis=1) / tf.reduce_sum(row_mask, axis=1)
            if classification:
                hits = tf.cast(tf.equal(tf.argmax(logits, axis=-1, output_type=tf.int32),
                                        tf.constant(np.asarray(labels, np.int32))), tf.float32)
                record[f"{name}_accuracy"] = tf.reduce_sum(hits * row_mask, axis=1) / tf.reduce_sum(row_mask, axis=1)
        record.update(model.measure(params, initial, flips))
        if recording.weights:
            record["weights"] = params[0::2]
        return record

    weights = _sample_weights(data, k, n_rows)
    weights_t = tf.constant(weights) if weights is not None else None
    full_inputs = (lift(x_train_t), tf.broadcast_to(targets_train_t, [k, *targets_train.shape[-2:]]),
                   tf.constant(row_mask_train),
                   tf.constant(row_mask_train * weights) if weights is not None else tf.constant(row_mask_train))

    def batch(indices, valid, offset, i):
        if full_batch:
            return full_inputs
        rows, row_mask = indices[:, offset + i], valid[:, offset + i]
        row_weight = row_mask if weights_t is None else tf.gather(weights_t, rows, batch_dims=1) * row_mask
        return gather(x_train_t, rows), gather(targets_train_t, rows), row_mask, row_weight

    def run_calls(params, slots, iteration, flips, initial, indices, valid, lengths, recorded):
        """Explicit while loops, traced without AutoGraph: converting the engine's source would cost
        more than a second per process and a tenth of every later trace."""
        first = evaluate(params, initial, flips)
        arrays = tf.nest.map_structure(
            lambda t: tf.TensorArray(t.dtype, size=tf.shape(lengths)[0], element_shape=t.shape), first)

        def segment(j, offset, params, slots, iteration, flips, arrays):
            def step(i, params, slots, iteration, flips):
                return (i + 1, *model.step(params, slots, iteration, flips, *batch(indices, valid, offset, i)))

            _, params, slots, iteration, flips = tf.while_loop(
                lambda i, *_: i < lengths[j], step, (tf.constant(0), params, slots, iteration, flips))
            record = evaluate(params, initial, flips)
            arrays = tf.nest.map_structure(lambda a, v: a.write(j, v), arrays, record)
            flips = tf.where(recorded[j], tf.zeros_like(flips), flips)
            return j + 1, offset + lengths[j], params, slots, iteration, flips, arrays

        _, _, params, slots, iteration, flips, arrays = tf.while_loop(
            lambda j, *_: j < tf.shape(lengths)[0], segment,
            (tf.constant(0), tf.constant(0), params, slots, iteration, flips, arrays))
        return params, slots, iteration, flips, tf.nest.map_structure(lambda a: a.stack(), arrays)

    compiled = tf.function(run_calls, reduce_retracing=True, autograph=False, jit_compile=training.xla)

    start = initial_params(network, members)
    params = [tf.constant(p) for p in start]
    initial = [tf.constant(p) for p in start]
    slots = optim.initial_slots(training.optimizer, params)
    iteration = tf.constant(0, tf.int64)
    flips = tf.zeros([k, len(network.weight_shapes)], tf.float32)
    record_steps = recording.steps(training.steps)
    eval_rows = n_rows + (x_test.shape[-2] if has_test else 0)
    WORK_LOG["xla"] = WORK_LOG["xla"] or training.xla
    WORK_LOG["flops"] += training_flops(network, k, n_rows if full_batch else training.batch_size, training.steps,
                                    eval_rows * len(record_steps))
    collected, kept = [], []
    for call in _segments(record_steps, chunk):
        total = sum(steps for steps, _ in call)
        if full_batch:
            indices = tf.zeros([k, 0, 0], tf.int32)
            valid = tf.zeros([k, 0, 0], tf.float32)
        else:
            idx, mask = order.take(total)
            indices, valid = tf.constant(idx), tf.constant(mask)
        lengths = tf.constant([steps for steps, _ in call], tf.int32)
        recorded = tf.constant([record for _, record in call], tf.bool)
        params, slots, iteration, flips, records = compiled(
            params, slots, iteration, flips, initial, indices, valid, lengths, recorded)
        collected.append(tf.nest.map_structure(lambda t: t.numpy(), records))
        kept.extend(record for _, record in call)
    return _history(collected, np.array(kept), record_steps, start, params, k, classification, has_test)


def training_flops(network: Network, k: int, rows_per_step: int, steps: int, rows_evaluated: int) -> float:
    """Multiply-adds of the dense layers, counted as 2 FLOPs: a training step costs about three forward
    passes (forward, and the two matmuls of the backward pass), an evaluation one. Activations, losses
    and the optimizer's elementwise work are left out, so this undercounts tiny networks."""
    per_row = sum(2.0 * n_in * n_out for n_in, n_out in network.weight_shapes)
    if network.shared_repeats:
        shared_in, shared_out = network.weight_shapes[1]
        per_row += 2.0 * shared_in * shared_out * (network.shared_repeats - 1)
    return k * per_row * (3.0 * rows_per_step * steps + rows_evaluated)


def _history(collected, kept, record_steps, start, params, k, classification, has_test) -> History:
    def gather(name):
        parts = [c[name] for c in collected]
        stacked = np.concatenate(parts, axis=0)[kept]
        return np.moveaxis(stacked, 0, 1)

    missing = np.full((k, len(record_steps)), np.nan, np.float32)
    names = collected[0].keys()
    statistics = {name: gather(name) for name in STATISTICS if name in names}
    weights = None
    if "weights" in names:
        weights = [np.moveaxis(np.concatenate([c["weights"][i] for c in collected])[kept], 0, 1)
                   for i in range(len(collected[0]["weights"]))]
    return History(
        steps=record_steps,
        train_loss=gather("train_loss"),
        train_accuracy=gather("train_accuracy") if classification else missing,
        test_loss=gather("test_loss") if has_test else missing,
        test_accuracy=gather("test_accuracy") if classification and has_test else missing,
        statistics=statistics,
        weights=weights,
        initial_params=start,
        final_params=[p.numpy() for p in params],
    )


def predict(network: Network, members: Members, params: list[np.ndarray], x: np.ndarray) -> np.ndarray:
    """Logits `[K, n, outputs]` of trained members on shared points `[n, d]` (plots of fits and
    boundaries) or on each member's own points `[K, n, d]` (held-out sets that differ by seed)."""
    model = _Model(network, Training(steps=1), members, Recording())
    x = np.asarray(x, np.float32)
    return model.forward([tf.constant(p) for p in params], tf.constant(x if x.ndim == 3 else x[None])).numpy()
