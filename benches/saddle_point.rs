//! Replica-engine timings: one saddle-point solve at representative (α, λ),
//! and a 100 × 100 (α, λ) grid solved in parallel with rayon, each point
//! cold or by continuation along the λ-rows (as `plam theory` does).
//! Run with `cargo bench --bench saddle_point`.

use plam::replica::loss::{Loss, PseudoLikelihood};
use plam::replica::saddle_point::{solve_grid, solve_pl, Options};
use rayon::prelude::*;
use std::sync::Arc;

fn main() {
    divan::main();
}

/// (α, λ) points: Hebb-like, the paper's panel, near capacity, large λ,
/// overloaded, and the far corner where x ~ e^{63000}.
const POINTS: [(f64, f64); 6] = [
    (0.4, 0.2),
    (0.4, 1.6),
    (1.0, 2.0),
    (1.5, 100.0),
    (3.0, 10.0),
    (1e-3, 1e3),
];

#[divan::bench(args = POINTS)]
fn solve_one(bencher: divan::Bencher, (alpha, lambda): (f64, f64)) {
    bencher.bench(|| solve_pl(divan::black_box(alpha), divan::black_box(lambda)).unwrap());
}

/// The benchmark grid's axes: α ∈ [0.1, 5] × λ ∈ [0.1, 10], 100 points each,
/// linear, as in the README's grid example.
fn axes() -> (Vec<f64>, Vec<f64>) {
    let axis = |lo: f64, hi: f64| (0..100).map(move |i| lo + (hi - lo) * i as f64 / 99.0);
    (axis(0.1, 5.0).collect(), axis(0.1, 10.0).collect())
}

/// Every point solved cold, in parallel.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn grid_100x100() -> f64 {
    let (alphas, lambdas) = axes();
    let pts: Vec<(f64, f64)> = alphas
        .iter()
        .flat_map(|&a| lambdas.iter().map(move |&l| (a, l)))
        .collect();
    pts.par_iter()
        .map(|&(a, l)| solve_pl(a, l).unwrap().mean)
        .sum()
}

/// The same grid by continuation along its λ-rows (`solve_grid`).
#[divan::bench(sample_count = 5, sample_size = 1)]
fn grid_100x100_continuation() -> f64 {
    let (alphas, lambdas) = axes();
    let losses: Vec<Arc<dyn Loss>> = lambdas
        .iter()
        .map(|&l| Arc::new(PseudoLikelihood::new(l).unwrap()) as Arc<dyn Loss>)
        .collect();
    solve_grid(&alphas, &losses, &Options::default())
        .into_iter()
        .map(|s| s.unwrap().mean)
        .sum()
}
