//! Time per training step (one full-batch gradient-descent epoch: two matrix
//! products plus element-wise work) at N = 1000, α = 1, in f64 and f32, next
//! to a bare GEMM of the same size in each precision (DGEMM, SGEMM), the
//! machine's reference rates, and, if `python3` with numpy is found, the same
//! epoch in numpy (`benches/numpy_epoch.py`, float32 and float64, OpenBLAS).
//!
//! Run with `cargo bench --bench training`. The `items/s` column counts
//! floating-point operations: 4·R·N·P per step (2·N³ per bare GEMM), so it reads
//! directly as FLOP/s. Thread counts follow `MATMUL_NUM_THREADS` (matrix
//! products; default: physical cores, at most 4) and `RAYON_NUM_THREADS`.
//! The numpy lines are printed before divan's table; set `PLAM_BENCH_PYTHON`
//! to choose the interpreter, or to `none` to skip them.

use divan::counter::ItemsCount;
use divan::Bencher;
use nalgebra::DMatrix;
use plam::data::patterns::{PatternKind, Patterns};
use plam::learning::{train_fixed_norm, Coupling, FixedNormConfig, GradientDescent, Problem, Real};
use std::process::Command;

const N: usize = 1000;
const ALPHA: f64 = 1.0;

fn main() {
    numpy_reference();
    divan::main();
}

/// Runs `benches/numpy_epoch.py` (the same epoch in numpy) and prints its
/// lines; says why when python or numpy is missing.
fn numpy_reference() {
    let python = std::env::var("PLAM_BENCH_PYTHON").unwrap_or_else(|_| "python3".into());
    if python == "none" {
        return;
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/numpy_epoch.py");
    match Command::new(&python)
        .arg(script)
        .arg(N.to_string())
        .output()
    {
        Ok(out) if out.status.success() => print!("{}", String::from_utf8_lossy(&out.stdout)),
        Ok(out) => println!(
            "numpy reference skipped: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        Err(e) => println!("numpy reference skipped: {python}: {e}"),
    }
}

fn problem(coupling: Coupling) -> Problem {
    let p = Patterns::generate(N, ALPHA, PatternKind::Binary, 1).expect("valid sizes");
    Problem::network(&p, coupling).expect("network coupling")
}

/// Reference: C = A·B with N×N matrices (2N³ flops), through nalgebra's GEMM
/// (matrixmultiply's DGEMM for f64, SGEMM for f32).
#[divan::bench(types = [f64, f32], sample_count = 20)]
fn gemm_reference<T: Real>(bencher: Bencher) {
    let a = DMatrix::from_fn(N, N, |i, j| T::of_f64(((i * 7 + j * 13) % 17) as f64 - 8.0));
    let b = DMatrix::from_fn(N, N, |i, j| T::of_f64(((i * 5 + j * 3) % 11) as f64 - 5.0));
    let mut c = DMatrix::<T>::zeros(N, N);
    bencher
        .counter(ItemsCount::new(2 * N * N * N))
        .bench_local(|| {
            c.gemm(T::one(), &a, &b, T::zero());
            divan::black_box(&c);
        });
}

/// One gradient-descent epoch (paper protocol: Hebb start, β = 0.1, η = 10),
/// in f64 and in f32.
#[divan::bench(
    types = [f64, f32],
    args = [Coupling::Asymmetric, Coupling::Symmetric],
    sample_count = 20
)]
fn gd_step<T: Real>(bencher: Bencher, coupling: Coupling) {
    let pr = problem(coupling);
    let j0 = pr.hebb().map(T::of_f64);
    let mut gd = GradientDescent::<T>::new(&pr, j0, 0.1, 10.0).expect("valid settings");
    bencher
        .counter(ItemsCount::new(pr.flops_per_gradient() as usize))
        .bench_local(|| gd.step().expect("stable step"));
}

/// A complete fixed-norm minimisation at λ = 2 (Riemannian L-BFGS to 1e-6),
/// asymmetric couplings: the cost of one point of the finite-size table.
#[divan::bench(sample_count = 3)]
fn fixed_norm_solve(bencher: Bencher) {
    let pr = problem(Coupling::Asymmetric);
    let cfg = FixedNormConfig::new(2.0);
    bencher.bench_local(|| {
        train_fixed_norm(&pr, &cfg, &mut |_, _| {}).expect("converges");
    });
}
