//! Time per training step (one full-batch gradient-descent epoch: two matrix
//! products plus element-wise work) at N = 1000, α = 1, next to a bare GEMM of
//! the same size, the machine's reference rate.
//!
//! Run with `cargo bench --bench training`. The `items/s` column counts
//! floating-point operations: 4·R·N·P per step (2·N³ per bare GEMM), so it reads
//! directly as FLOP/s. Thread counts follow `MATMUL_NUM_THREADS` (matrix
//! products; default: physical cores, at most 4) and `RAYON_NUM_THREADS`.

use divan::counter::ItemsCount;
use divan::Bencher;
use nalgebra::DMatrix;
use plam::data::patterns::{PatternKind, Patterns};
use plam::learning::{train_fixed_norm, Coupling, FixedNormConfig, GradientDescent, Problem};

const N: usize = 1000;
const ALPHA: f64 = 1.0;

fn main() {
    divan::main();
}

fn problem(coupling: Coupling) -> Problem {
    let p = Patterns::generate(N, ALPHA, PatternKind::Binary, 1).expect("valid sizes");
    Problem::network(&p, coupling).expect("network coupling")
}

/// Reference: C = A·B with N×N matrices (2N³ flops), through nalgebra's GEMM.
#[divan::bench(sample_count = 20)]
fn gemm_reference(bencher: Bencher) {
    let a = DMatrix::from_fn(N, N, |i, j| ((i * 7 + j * 13) % 17) as f64 - 8.0);
    let b = DMatrix::from_fn(N, N, |i, j| ((i * 5 + j * 3) % 11) as f64 - 5.0);
    let mut c = DMatrix::zeros(N, N);
    bencher
        .counter(ItemsCount::new(2 * N * N * N))
        .bench_local(|| {
            c.gemm(1.0, &a, &b, 0.0);
            divan::black_box(&c);
        });
}

/// One gradient-descent epoch (paper protocol: Hebb start, β = 0.1, η = 10).
#[divan::bench(args = [Coupling::Asymmetric, Coupling::Symmetric], sample_count = 20)]
fn gd_step(bencher: Bencher, coupling: Coupling) {
    let pr = problem(coupling);
    let mut gd = GradientDescent::new(&pr, pr.hebb(), 0.1, 10.0).expect("valid settings");
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
