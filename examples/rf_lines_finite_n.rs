//! The Hebbian random-features lines against finite-N simulations: the mean
//! final overlap of zero-temperature synchronous dynamics (100 steps at most)
//! started from 40 features (learning line, at α = 1) or 40 training examples
//! (storage line, at α_D = 1), at loads given as multiples of the replica line
//! (theory/random_features.md (RF19)–(RF20)), for growing N. One seed per
//! point; prints one table row per (N, multiple).
//!
//!     cargo run --release --example rf_lines_finite_n -- 600 1200 2400

use plam::memory::generalization::hebbian_random_features_overlap;
use plam::replica::random_features::{learning_line, storage_line};

/// Mean |overlap| of the first 40 starts with their final states (seed 1).
fn final_overlap(n: usize, alpha: f64, alpha_d: f64, features: bool) -> plam::Result<f64> {
    hebbian_random_features_overlap(n, alpha, alpha_d, features, 1)
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
