//! Replica-engine timings: one saddle-point solve at representative (α, λ),
//! and a 100 × 100 (α, λ) grid solved in parallel with rayon.
//! Run with `cargo bench --bench saddle_point`.

use plam::replica::saddle_point::solve_pl;
use rayon::prelude::*;

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

#[divan::bench(sample_count = 5, sample_size = 1)]
fn grid_100x100() -> f64 {
    // α ∈ [0.1, 5] × λ ∈ [0.1, 10], linear, as in the README's grid example.
    let pts: Vec<(f64, f64)> = (0..100)
        .flat_map(|i| {
            (0..100).map(move |j| (0.1 + 4.9 * i as f64 / 99.0, 0.1 + 9.9 * j as f64 / 99.0))
        })
        .collect();
    pts.par_iter()
        .map(|&(a, l)| solve_pl(a, l).unwrap().mean)
        .sum()
}
