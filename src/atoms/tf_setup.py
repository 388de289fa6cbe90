"""The one numeric setting of the whole project, applied before TensorFlow runs its first op.

Tiny stacked networks are bound by dispatch overhead, and a single intra-op and inter-op
thread made them 3-4x faster than the default pool on the 2-core machines we target; chapters
get their parallelism from separate processes instead. Op determinism makes a run bit-for-bit
repeatable. Every results file records `numeric_setting()` so a reader can tell which bits to
expect.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import tensorflow as tf  # noqa: E402

THREADS = 1


def configure() -> None:
    try:
        tf.config.threading.set_intra_op_parallelism_threads(THREADS)
        tf.config.threading.set_inter_op_parallelism_threads(THREADS)
    except RuntimeError:
        pass
    tf.config.experimental.enable_op_determinism()


def numeric_setting() -> dict[str, object]:
    return {
        "tensorflow": tf.__version__,
        "dtype": "float32",
        "op_determinism": True,
        "intra_op_threads": tf.config.threading.get_intra_op_parallelism_threads(),
        "inter_op_threads": tf.config.threading.get_inter_op_parallelism_threads(),
        "xla": _xla_used(),
        "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "default"),
    }


def _xla_used() -> bool:
    """Whether this process compiled any training loop with XLA (chapters opt in where it pays)."""
    from atoms.engine import WORK_LOG

    return WORK_LOG["xla"]


configure()
