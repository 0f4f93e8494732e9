//! The perceptron with stability threshold κ, trained row by row in the dual
//! form, eqs. (M5)–(M6) of `theory/memory.md`.

use super::{assemble, check_margin, train_rows, Row, Trained};
use crate::error::{Error, Result};
use crate::memory::couplings::{check_patterns, stabilities};
use nalgebra::DMatrix;

/// Perceptron with stability threshold κ, trained row by row, eqs. (M5)–(M6).
///
/// Row `i` starts from `J_i = 0` and visits the patterns cyclically; whenever
/// `ξ_i^μ h_i^μ ≤ κ |J_i|` it adds `ξ_i^μ ξ^μ / N` (restricted to `j ≠ i`). A
/// row stops after the first epoch without updates, so every stability ends
/// strictly above κ (for κ = 0 the condition `≤ 0` also forces the first
/// update). The arithmetic is exact: fields are integers divided by N.
///
/// Fails with [`Error::InvalidInput`] for κ < 0 or non-finite κ, and with
/// [`Error::NoConvergence`] if some row still has errors after `max_epochs`
/// (κ above the row's maximal margin, or too close to it).
pub fn perceptron(patterns: &DMatrix<f64>, kappa: f64, max_epochs: usize) -> Result<Trained> {
    check_patterns(patterns)?;
    check_margin(kappa, max_epochs)?;
    let n = patterns.nrows();
    let (x, epochs) = train_rows(patterns, |i, row| {
        train_row(row, n, kappa, max_epochs).map_err(|worst| (i, worst))
    })
    .map_err(|(row, worst)| Error::NoConvergence {
        what: format!("perceptron (kappa = {kappa}) on row {row}"),
        iterations: max_epochs,
        residual: (kappa - worst).max(0.0),
        tolerance: 0.0,
    })?;
    let couplings = assemble(patterns, &x);
    let min_stability = stabilities(&couplings, patterns)?.min();
    Ok(Trained {
        couplings,
        epochs: epochs.into_iter().max().unwrap_or(0),
        min_stability,
    })
}

/// Trains one row of N neurons from `x = 0` by cyclic perceptron updates in
/// the dual form, eq. (M6): `x_μ` counts the updates on pattern μ and `y_μ`
/// is the stability numerator `N ξ_i^μ h_i^μ`. Returns the embedding
/// strengths and the epochs used, or the smallest stability reached if the
/// row still has errors after `max_epochs`.
fn train_row(
    row: &Row,
    n: usize,
    kappa: f64,
    max_epochs: usize,
) -> std::result::Result<(Vec<f64>, usize), f64> {
    let p = row.s.len();
    let mut x = vec![0.0; p];
    let mut y = vec![0.0; p];
    let mut norm2 = 0.0_f64;
    for epoch in 1..=max_epochs {
        let mut updates = 0usize;
        for mu in 0..p {
            if y[mu] <= kappa * norm2.sqrt() {
                // |w + ζ^μ|² = |w|² + 2 y_μ + (N − 1).
                norm2 += 2.0 * y[mu] + (n as f64 - 1.0);
                x[mu] += 1.0;
                row.axpy(1.0, mu, &mut y);
                updates += 1;
            }
        }
        if updates == 0 {
            return Ok((x, epoch));
        }
    }
    Err(y
        .iter()
        .map(|&v| v / norm2.sqrt().max(f64::MIN_POSITIVE))
        .fold(f64::INFINITY, f64::min))
}
