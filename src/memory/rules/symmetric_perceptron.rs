//! The symmetric perceptron with threshold κ, eq. (M10) of `theory/memory.md`.

use super::{check_margin, Trained};
use crate::error::{Error, Result};
use crate::learning::couplings::{row_norms, zero_diagonal};
use crate::memory::couplings::{check_patterns, stabilities};
use nalgebra::DMatrix;

/// Symmetric perceptron with threshold κ, eq. (M10): full-batch epochs on
/// symmetric couplings, `J ← J + (1/N)(M Ξᵀ + Ξ Mᵀ)` with `M_iμ = ξ_i^μ`
/// on the errors `ξ_i^μ h_i^μ ≤ κ |J_i|` and 0 elsewhere, so that `J_ij` and
/// `J_ji` move together from both rows' errors. Starts from `J = 0`.
///
/// Fails with [`Error::InvalidInput`] for κ < 0 or non-finite κ, and with
/// [`Error::NoConvergence`] after `max_epochs` epochs with errors.
pub fn symmetric_perceptron(
    patterns: &DMatrix<f64>,
    kappa: f64,
    max_epochs: usize,
) -> Result<Trained> {
    check_patterns(patterns)?;
    check_margin(kappa, max_epochs)?;
    let n = patterns.nrows();
    // Work with the integer matrix K = N·J: every field and norm is then exact.
    let mut k = DMatrix::<f64>::zeros(n, n);
    let mut worst = f64::NEG_INFINITY;
    for epoch in 1..=max_epochs {
        let e = errors(&k, patterns, kappa);
        worst = e.worst;
        if e.count == 0 {
            let mut couplings = k / n as f64;
            zero_diagonal(&mut couplings);
            let min_stability = stabilities(&couplings, patterns)?.min();
            return Ok(Trained {
                couplings,
                epochs: epoch,
                min_stability,
            });
        }
        let mut dk = &e.mask * patterns.transpose();
        let dkt = dk.transpose();
        dk += dkt;
        zero_diagonal(&mut dk);
        k += dk;
    }
    Err(Error::NoConvergence {
        what: format!("symmetric perceptron (kappa = {kappa})"),
        iterations: max_epochs,
        residual: (kappa - worst).max(0.0),
        tolerance: 0.0,
    })
}

/// The errors of one epoch of eq. (M10).
struct Errors {
    /// `M_iμ = ξ_i^μ` where `ξ_i^μ h_i^μ ≤ κ |J_i|`, 0 elsewhere.
    mask: DMatrix<f64>,
    /// Number of errors.
    count: usize,
    /// Smallest stability over the rows with nonzero norm (+∞ if none).
    worst: f64,
}

/// Finds the errors of the couplings `k` (any positive multiple of `J`) on
/// the patterns.
fn errors(k: &DMatrix<f64>, patterns: &DMatrix<f64>, kappa: f64) -> Errors {
    let (n, p) = patterns.shape();
    let h = k * patterns;
    let norms = row_norms(k);
    let mut mask = DMatrix::<f64>::zeros(n, p);
    let mut count = 0usize;
    let mut worst = f64::INFINITY;
    for mu in 0..p {
        for i in 0..n {
            let y = patterns[(i, mu)] * h[(i, mu)];
            if norms[i] > 0.0 {
                worst = worst.min(y / norms[i]);
            }
            if y <= kappa * norms[i] {
                mask[(i, mu)] = patterns[(i, mu)];
                count += 1;
            }
        }
    }
    Errors { mask, count, worst }
}
