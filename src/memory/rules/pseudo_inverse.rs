//! The pseudo-inverse (projector) rule, eq. (M4) of `theory/memory.md`.

use crate::error::{Error, Result};
use crate::learning::couplings::zero_diagonal;
use crate::memory::couplings::check_patterns;
use nalgebra::DMatrix;

/// Smallest Cholesky pivot of `C = ΞᵀΞ/N` accepted: below it the patterns
/// count as numerically dependent, since the pivot bounds the conditioning of
/// the projector.
const MIN_PIVOT: f64 = 1e-6;

/// Pseudo-inverse (projector) rule of Kanter and Sompolinsky,
/// `J = (1/N) Ξ C⁻¹ Ξᵀ` with `C = ΞᵀΞ/N`, diagonal removed, eq. (M4).
///
/// Fails with [`Error::NoSolution`] when the patterns are linearly dependent
/// (always so for P > N), since then the correlation matrix is singular.
pub fn pseudo_inverse(patterns: &DMatrix<f64>) -> Result<DMatrix<f64>> {
    check_patterns(patterns)?;
    let (n, p) = patterns.shape();
    if p > n {
        return Err(Error::NoSolution(format!(
            "the pseudo-inverse rule needs P <= N linearly independent patterns, got P = {p} > N = {n}"
        )));
    }
    let c = patterns.transpose() * patterns / n as f64;
    let chol = c.cholesky().ok_or_else(|| {
        Error::NoSolution("the patterns are linearly dependent: C = ΞᵀΞ/N is singular".into())
    })?;
    let l = chol.l();
    let min_pivot = (0..p).map(|k| l[(k, k)]).fold(f64::INFINITY, f64::min);
    if min_pivot < MIN_PIVOT {
        return Err(Error::NoSolution(format!(
            "the patterns are numerically dependent (smallest Cholesky pivot {min_pivot:.2e})"
        )));
    }
    // J = Ξ C⁻¹ Ξᵀ / N; solve C Y = Ξᵀ rather than forming the inverse.
    let y = chol.solve(&patterns.transpose());
    let mut j = patterns * y / n as f64;
    zero_diagonal(&mut j);
    // Symmetrise away rounding (the exact projector is symmetric).
    let jt = j.transpose();
    j = (&j + jt) * 0.5;
    Ok(j)
}
