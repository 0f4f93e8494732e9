//! Time per training step (one full-batch gradient-descent epoch: two matrix
//! products plus element-wise work) at N = 1000, α = 1, in f64 and f32, next
//! to a bare GEMM of the same size in each precision (DGEMM, SGEMM) through the
//! GEMM training uses (the machine's reference rates) and through nalgebra's
//! own, and, if `python3` with numpy is found, the same
//! epoch in numpy (`benches/numpy_epoch.py`, float32 and float64, OpenBLAS).
//!
//! The same epoch at α = 0.1, 0.4, 1, 1.5 iterating J (`epoch_direct`) and in the
//! span of the patterns (`epoch_span`, theory/training.md (T16)–(T18)), and the
//! epochs of the `basins_load` claim in the form training picks
//! (`claim_epoch_asymmetric`, `claim_epoch_symmetric`).
//!
//! Run with `cargo bench --bench training`. The `items/s` column counts
//! floating-point operations of the matrix products: 4·R·N·P per direct step,
//! 2·N·P² (6·N·P² symmetric) per span step, 2·N³ per bare GEMM, so it reads
//! directly as FLOP/s. Thread counts follow `RAYON_NUM_THREADS` (and
//! `MATMUL_NUM_THREADS` for nalgebra's GEMM).
//! The numpy lines are printed before divan's table; set `PLAM_BENCH_PYTHON`
//! to choose the interpreter, or to `none` to skip them.

use divan::counter::ItemsCount;
use divan::Bencher;
use nalgebra::DMatrix;
use plam::data::patterns::{PatternKind, Patterns};
use plam::learning::{
    train_fixed_norm, Coupling, FixedNormConfig, Form, GradientDescent, Problem, Real,
};
use plam::numerics::gemm::gemm;
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
    problem_at(ALPHA, coupling)
}

/// The network problem at N = 1000 and load α (binary patterns, seed 1).
fn problem_at(alpha: f64, coupling: Coupling) -> Problem {
    let p = Patterns::generate(N, alpha, PatternKind::Binary, 1).expect("valid sizes");
    Problem::network(&p, coupling).expect("network coupling")
}

/// Reference: C = A·B with N×N matrices (2N³ flops) through the GEMM that
/// training uses (`plam::numerics::gemm`: the `gemm` crate, AVX-512 kernels on
/// this machine), i.e. the machine's DGEMM (f64) and SGEMM (f32) rates.
#[divan::bench(types = [f64, f32], sample_count = 20)]
fn gemm_reference<T: Real>(bencher: Bencher) {
    let (a, b, mut c) = square_operands::<T>();
    bencher
        .counter(ItemsCount::new(2 * N * N * N))
        .bench_local(|| {
            gemm(&mut c, T::one(), &a, &b, T::zero());
            divan::black_box(&c);
        });
}

/// The same product through nalgebra's own GEMM (`matrixmultiply`, AVX2/FMA
/// kernels at most), for comparison.
#[divan::bench(types = [f64, f32], sample_count = 20)]
fn gemm_nalgebra<T: Real>(bencher: Bencher) {
    let (a, b, mut c) = square_operands::<T>();
    bencher
        .counter(ItemsCount::new(2 * N * N * N))
        .bench_local(|| {
            c.gemm(T::one(), &a, &b, T::zero());
            divan::black_box(&c);
        });
}

/// Two N×N operands with small integer entries and an output buffer.
fn square_operands<T: Real>() -> (DMatrix<T>, DMatrix<T>, DMatrix<T>) {
    let a = DMatrix::from_fn(N, N, |i, j| T::of_f64(((i * 7 + j * 13) % 17) as f64 - 8.0));
    let b = DMatrix::from_fn(N, N, |i, j| T::of_f64(((i * 5 + j * 3) % 11) as f64 - 5.0));
    (a, b, DMatrix::zeros(N, N))
}

/// One gradient-descent epoch (paper protocol: Hebb start, β = 0.1, η = 10)
/// in f64 and f32, iterating J itself (eq. (T10)); `items/s` counts its
/// 4·R·N·P flops.
#[divan::bench(
    types = [f64, f32],
    args = [Coupling::Asymmetric, Coupling::Symmetric],
    sample_count = 20
)]
fn gd_step<T: Real>(bencher: Bencher, coupling: Coupling) {
    epoch::<T>(bencher, &problem_at(ALPHA, coupling), Form::Direct);
}

/// Loads of the per-epoch comparison of the two forms.
const LOADS: [(f64, Coupling); 8] = [
    (0.1, Coupling::Asymmetric),
    (0.4, Coupling::Asymmetric),
    (1.0, Coupling::Asymmetric),
    (1.5, Coupling::Asymmetric),
    (0.1, Coupling::Symmetric),
    (0.4, Coupling::Symmetric),
    (1.0, Coupling::Symmetric),
    (1.5, Coupling::Symmetric),
];

/// The epoch of [`gd_step`] at load α, iterating J (eq. (T10)).
#[divan::bench(types = [f64, f32], args = LOADS, sample_count = 10)]
fn epoch_direct<T: Real>(bencher: Bencher, load: (f64, Coupling)) {
    epoch::<T>(bencher, &problem_at(load.0, load.1), Form::Direct);
}

/// The same epoch in the span of the patterns (eqs. (T16)–(T18)); `items/s`
/// counts its own flops, 2NP² (6NP² symmetric).
#[divan::bench(types = [f64, f32], args = LOADS, sample_count = 10)]
fn epoch_span<T: Real>(bencher: Bencher, load: (f64, Coupling)) {
    epoch::<T>(bencher, &problem_at(load.0, load.1), Form::Span);
}

/// The loads of the `basins_load` claim at publication size (N = 1000).
const CLAIM_LOADS: [f64; 15] = [
    0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5,
];

/// An asymmetric epoch of the `basins_load` claim in the form training picks
/// ([`Form::Auto`]); times 10⁴ epochs, summed over the loads with
/// [`claim_epoch_symmetric`], this estimates the claim's training cost.
#[divan::bench(types = [f64, f32], args = CLAIM_LOADS, sample_count = 5)]
fn claim_epoch_asymmetric<T: Real>(bencher: Bencher, alpha: f64) {
    epoch::<T>(
        bencher,
        &problem_at(alpha, Coupling::Asymmetric),
        Form::Auto,
    );
}

/// A symmetric epoch of the `basins_load` claim ([`Form::Auto`]).
#[divan::bench(types = [f64, f32], args = CLAIM_LOADS, sample_count = 5)]
fn claim_epoch_symmetric<T: Real>(bencher: Bencher, alpha: f64) {
    epoch::<T>(bencher, &problem_at(alpha, Coupling::Symmetric), Form::Auto);
}

/// Times one epoch of `pr` in `form` from the Hebb start.
fn epoch<T: Real>(bencher: Bencher, pr: &Problem, form: Form) {
    let j0 = pr.hebb().map(T::of_f64);
    let mut gd = GradientDescent::<T>::with_form(pr, j0, 0.1, 10.0, form).expect("valid settings");
    bencher
        .counter(ItemsCount::new(gd.flops_per_step() as usize))
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
