"""The gradient-descent epoch of `benches/training.rs` in numpy, for comparison.

Same loop as plam's `GradientDescent::step` at N = 1000, alpha = 1 (paper
protocol: Hebb start, beta = 0.1, learning rate 10): H = J X, the residual
tanh(beta H) - Y scaled by 1/(N P), J -= lr R X^T, zero diagonal. Prints one line
per dtype with the median time of an epoch and its rate in GFLOP/s (4 N^2 P
flops) and of a bare N x N product (2 N^3 flops, OpenBLAS's GEMM rate), plus
the BLAS that numpy runs (threadpoolctl, if installed).

Run by `cargo bench --bench training` (optional: skipped without numpy), or
alone: `python3 benches/numpy_epoch.py [N]`. On this machine OPENBLAS_CORETYPE
and OPENBLAS_L2_SIZE may be set, which slows OpenBLAS; for a fair comparison
run the bench with both unset in that command alone:
`env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=2 cargo bench --bench training`.
"""

import sys
import time

import numpy as np


def blas_info():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "threadpoolctl not installed"
    return "; ".join(
        f"{p.get('internal_api')} {p.get('version')} {p.get('architecture')} {p.get('num_threads')} threads"
        for p in threadpool_info()
        if p.get("user_api") == "blas"
    )


def epoch_time(n, dtype, repeats=20):
    rng = np.random.default_rng(1)
    x = rng.choice(np.array([-1.0, 1.0], dtype=dtype), size=(n, n))
    y = x.copy()
    j = (x @ x.T / n).astype(dtype)
    np.fill_diagonal(j, 0)
    beta, lr, scale = dtype(0.1), dtype(10.0), dtype(1.0 / (n * n))
    xt = np.ascontiguousarray(x.T)
    times = []
    for _ in range(repeats + 2):
        t0 = time.perf_counter()
        h = j @ x
        r = (np.tanh(beta * h) - y) * scale
        j -= lr * (r @ xt)
        np.fill_diagonal(j, 0)
        times.append(time.perf_counter() - t0)
    return float(np.median(times[2:]))


def gemm_time(n, dtype, repeats=20):
    rng = np.random.default_rng(2)
    a = rng.standard_normal((n, n)).astype(dtype)
    b = rng.standard_normal((n, n)).astype(dtype)
    times = []
    for _ in range(repeats + 2):
        t0 = time.perf_counter()
        a @ b
        times.append(time.perf_counter() - t0)
    return float(np.median(times[2:]))


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    print(f"numpy {np.__version__}: {blas_info()}")
    for dtype in (np.float32, np.float64):
        t = epoch_time(n, dtype)
        flops = 4.0 * n * n * n
        print(f"numpy gd_step {dtype.__name__}: {t * 1e3:.2f} ms, {flops / t / 1e9:.1f} GFLOP/s")
        t = gemm_time(n, dtype)
        print(f"numpy gemm {dtype.__name__} (A @ B, {n}x{n}): {t * 1e3:.2f} ms, {2.0 * n**3 / t / 1e9:.1f} GFLOP/s")


if __name__ == "__main__":
    main()
