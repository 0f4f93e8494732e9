#!/usr/bin/env python3
"""Independent reference implementation of plam's MNIST preprocessing.

Reads the four raw IDX files of a directory (train-images.idx3-ubyte,
train-labels.idx1-ubyte, t10k-images.idx3-ubyte, t10k-labels.idx1-ubyte)
and writes the same packed file as `plam data mnist --from-idx DIR --out FILE`,
computed with numpy and scipy instead of plam's Rust code:

1. deskew each 28x28 image by its second moments: centre of mass c and
   skew = mu11 / mu02 (mu02 the variance along rows), then
   scipy.ndimage.affine_transform with matrix [[1, 0], [skew, 1]] and
   offset c - matrix @ (14, 14) (bilinear, order=1, zero outside the image);
2. centre-crop to 14x14 (rows and columns 7..21);
3. pixel > 86 -> +1 (bit 1), else -1 (bit 0).

Packed file (little-endian): b"PLAMMN14", u32 side (14), u32 n_train,
u32 n_test, the n_train + n_test labels (one byte each, train first), then
each image as 25 bytes, pixel k = 14*row + col at bit 7 - k % 8 of byte k // 8.

Usage: python3 reference.py IDX_DIR OUT_FILE
Used once to make tests/fixtures/mnist-idx/expected.bin and to check the
shipped data/mnist/mnist14.bin over the full set.
"""
import struct
import sys

import numpy as np
from scipy.ndimage import affine_transform


def read_idx(path, magic):
    raw = open(path, "rb").read()
    got, count = struct.unpack(">II", raw[:8])
    assert got == magic, f"{path}: magic {got:#x}"
    if magic == 0x803:
        rows, cols = struct.unpack(">II", raw[8:16])
        return np.frombuffer(raw[16:], np.uint8).reshape(count, rows, cols)
    return np.frombuffer(raw[8:], np.uint8)[:count]


def deskew(img):
    img = img.astype(np.float64)
    r, c = np.mgrid[: img.shape[0], : img.shape[1]]
    total = img.sum()
    m0, m1 = (r * img).sum() / total, (c * img).sum() / total
    mu02 = ((r - m0) ** 2 * img).sum() / total
    mu11 = ((r - m0) * (c - m1) * img).sum() / total
    skew = mu11 / mu02
    matrix = np.array([[1.0, 0.0], [skew, 1.0]])
    offset = np.array([m0, m1]) - matrix @ (np.array(img.shape) / 2.0)
    return affine_transform(img, matrix, offset=offset, order=1,
                            mode="grid-constant", cval=0.0)


def binarize(images):
    out = np.zeros((len(images), 196), dtype=bool)
    for k, img in enumerate(images):
        out[k] = (deskew(img)[7:21, 7:21] > 86).reshape(-1)
    return out


def main(idx_dir, out_path):
    tr = read_idx(f"{idx_dir}/train-images.idx3-ubyte", 0x803)
    trl = read_idx(f"{idx_dir}/train-labels.idx1-ubyte", 0x801)
    te = read_idx(f"{idx_dir}/t10k-images.idx3-ubyte", 0x803)
    tel = read_idx(f"{idx_dir}/t10k-labels.idx1-ubyte", 0x801)
    bits = binarize(np.concatenate([tr, te]))
    padded = np.zeros((len(bits), 200), dtype=bool)
    padded[:, :196] = bits
    with open(out_path, "wb") as f:
        f.write(b"PLAMMN14" + struct.pack("<III", 14, len(tr), len(te)))
        f.write(np.concatenate([trl, tel]).astype(np.uint8).tobytes())
        f.write(np.packbits(padded, axis=1, bitorder="big").tobytes())


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
