"""The benchmark must keep running as the engine changes; its speed is read from its output, not asserted."""

import subprocess
import sys

import pytest

from conftest import ROOT


@pytest.mark.slow
def test_quick_benchmark_runs_and_ends_with_the_ratio():
    process = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "engine_vs_keras.py"), "--quick"],
                             capture_output=True, text=True)
    assert process.returncode == 0, process.stderr[-3000:]
    last = process.stdout.strip().splitlines()[-1]
    assert last.startswith("speedup (engine / keras fit loop):") and last.endswith("x")
