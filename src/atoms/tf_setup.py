"""The one numeric setting of the whole project, applied before TensorFlow runs its first op.

Tiny stacked networks are bound by dispatch overhead, and a single intra-op and inter-op
thread made them 3-4x faster than the default pool on the 2-core machines we target; chapters
get their parallelism from separate processes instead. Op determinism makes a run bit-for-bit
repeatable. Every results file records `numeric_setting()` so a reader can tell which bits to
expect.

TensorFlow takes 4 to 14 s to import here, so it is loaded on first use: `tf` is a stand-in
that imports and configures it when code first touches one of its attributes. Checking a
chapter's parameters, or estimating its run time, therefore never pays for TensorFlow.
"""

from __future__ import annotations

import os
import types

THREADS = 1


def load() -> types.ModuleType:
    """TensorFlow, imported and configured once; call it before another library (Keras) runs an op."""
    global _module
    if _module is None:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        import tensorflow

        try:
            tensorflow.config.threading.set_intra_op_parallelism_threads(THREADS)
            tensorflow.config.threading.set_inter_op_parallelism_threads(THREADS)
        except RuntimeError:
            pass
        tensorflow.config.experimental.enable_op_determinism()
        _module = tensorflow
    return _module


class _OnFirstUse(types.ModuleType):
    def __getattr__(self, name: str):
        return getattr(load(), name)


_module: types.ModuleType | None = None
tf = _OnFirstUse("tensorflow")


def numeric_setting() -> dict[str, object]:
    module = load()
    return {
        "tensorflow": module.__version__,
        "dtype": "float32",
        "op_determinism": True,
        "intra_op_threads": module.config.threading.get_intra_op_parallelism_threads(),
        "inter_op_threads": module.config.threading.get_inter_op_parallelism_threads(),
        "xla": _xla_used(),
        "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "default"),
    }


def _xla_used() -> bool:
    """Whether this process compiled any training loop with XLA (chapters opt in where it pays)."""
    from atoms.engine import WORK_LOG

    return WORK_LOG["xla"]
