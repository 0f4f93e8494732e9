//! Hebb's rule, eq. (M3) of `theory/memory.md`.

use crate::error::Result;
use crate::learning::couplings::zero_diagonal;
use crate::memory::couplings::check_patterns;
use nalgebra::DMatrix;

/// Hebb's rule `J_ij = (1/N) Σ_μ ξ_i^μ ξ_j^μ`, `J_ii = 0`, eq. (M3).
pub fn hebb(patterns: &DMatrix<f64>) -> Result<DMatrix<f64>> {
    check_patterns(patterns)?;
    let n = patterns.nrows() as f64;
    let mut j = patterns * patterns.transpose() / n;
    zero_diagonal(&mut j);
    Ok(j)
}
