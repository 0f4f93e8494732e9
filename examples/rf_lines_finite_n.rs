//! The Hebbian random-features lines against finite-N simulations: the mean
//! final overlap of zero-temperature synchronous dynamics (100 steps at most)
//! started from 40 features (learning line, at α = 1) or 40 training examples
//! (storage line, at α_D = 1), at loads given as multiples of the replica line
//! (theory/random_features.md (RF19)–(RF20)), for growing N. One seed per
//! point; prints one table row per (N, multiple).
//!
//!     cargo run --release --example rf_lines_finite_n -- 600 1200 2400

use nalgebra::DMatrix;
use plam::data::random_features::{Coefficients, RandomFeatures, Split};
use plam::memory::dynamics::{overlap, DynamicsOptions, Network};
use plam::memory::rules::hebb;
use plam::replica::random_features::{learning_line, storage_line};

/// Mean |overlap| of the first 40 starts with their final states.
fn final_overlap(n: usize, alpha: f64, alpha_d: f64, features: bool) -> plam::Result<f64> {
    let rf = RandomFeatures::generate(n, alpha_d, 1)?;
    let p = (alpha * n as f64).round() as usize;
    let ex = rf.examples(p, Coefficients::Dense, Split::Train)?;
    let net = Network::new(hebb(&ex.patterns.xi)?)?;
    let starts: DMatrix<f64> = if features {
        rf.features.columns(0, rf.d().min(40)).into_owned()
    } else {
        ex.patterns.xi.columns(0, p.min(40)).into_owned()
    };
    let opts = DynamicsOptions {
        max_steps: 100,
        ..Default::default()
    };
    let end = net.relax(starts.clone(), &opts)?.states;
    let b = starts.ncols();
    Ok((0..b)
        .map(|c| overlap(starts.column(c).as_slice(), end.column(c).as_slice()).abs())
        .sum::<f64>()
        / b as f64)
}

fn main() -> plam::Result<()> {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .map(|s| s.parse().expect("sizes are positive integers"))
        .collect();
    let sizes = if sizes.is_empty() { vec![600] } else { sizes };
    let learning = learning_line(1.0)?.critical;
    let storage = storage_line(1.0)?.critical;
    println!("learning line α_D^c(1) = {learning:.6}, storage line α_c(1) = {storage:.6}");
    println!("N,multiple,feature_overlap(alpha=1),example_overlap(alpha_d=1)");
    for &n in &sizes {
        for f in [0.8, 0.9, 1.0, 1.1, 1.2, 1.4] {
            let mf = final_overlap(n, 1.0, f * learning, true)?;
            let me = final_overlap(n, f * storage, 1.0, false)?;
            println!("{n},{f},{mf:.3},{me:.3}");
        }
    }
    Ok(())
}
