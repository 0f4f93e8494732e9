//! The asymmetry a² = ‖(W − Wᵀ)/2‖²/‖W‖² of the rows' own maximal-stability
//! optima W (rows of unit norm) against its large-N theory (S27),
//! theory/symmetric.md §10. The rows come from the AdaTron with its duality
//! certificate (relative margin gap 1e-8, so each unit row is within ~1e-4 of
//! its optimum), which reaches N = 400–800 where the dense QP of
//! `RowOptima::of` would take hours.
//!
//!     cargo run --release --example row_asymmetry -- SEED SETS N ALPHA [N ALPHA]...
//!
//! One CSV line per pattern set on stdout: n,p,set,a2,a2_theory.

mod common;

use nalgebra::DMatrix;
use plam::memory::rules::max_margin;
use plam::memory::storability::random_patterns;
use plam::memory::symmetric_relaxation::RowOptima;
use plam::numerics::rng;
use plam::replica::row_symmetry::row_symmetry;

const USAGE: &str =
    "usage: row_asymmetry SEED SETS N ALPHA [N ALPHA]... (SETS ≥ 1, N ≥ 4, 0 < ALPHA < 2)";

fn asymmetry(seed: u64, n: usize, p: usize, s: usize) -> plam::Result<f64> {
    let pats = random_patterns(n, p, rng::derive(seed, &[n as u64, p as u64, s as u64]));
    let m = DMatrix::from_fn(n, p, |i, mu| pats[mu][i]);
    let opt = max_margin(&m, 1e-8, 2_000_000)?;
    let mut rows = opt.couplings;
    for mut row in rows.row_iter_mut() {
        let norm = row.norm();
        row /= norm;
    }
    let optima = RowOptima {
        margins: opt.kappa_lower,
        rows,
    };
    Ok(optima.asymmetry())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(common::PointArgs { seed, sets, points }) =
        common::parse_points(&args, |n, a| n >= 4 && a > 0.0 && a < 2.0)
    else {
        eprintln!("{USAGE}");
        std::process::exit(2);
    };
    println!("n,p,set,a2,a2_theory");
    for (n, alpha) in points {
        let p = (alpha * n as f64).round() as usize;
        let theory = match row_symmetry(alpha) {
            Ok(r) => r.asymmetry,
            Err(e) => {
                eprintln!("row_asymmetry: {e}");
                std::process::exit(1);
            }
        };
        for s in 0..sets {
            match asymmetry(seed, n, p, s) {
                Ok(a2) => println!("{n},{p},{s},{a2},{theory}"),
                Err(e) => println!("{n},{p},{s},failed: {e},{theory}"),
            }
        }
    }
}
