//! Maximal-margin couplings by the AdaTron with a duality certificate,
//! eqs. (M7)–(M9) of `theory/memory.md`.

use super::{assemble, train_rows, Row};
use crate::error::{ensure, Error, Result};
use crate::memory::couplings::check_patterns;
use nalgebra::DMatrix;

/// Sweeps between exact recomputations of the stability numerators `y`,
/// which remove the drift of their incremental updates, eq. (M8).
const RECOMPUTE_EVERY: usize = 50;

/// Result of [`max_margin()`]: couplings with (near-)maximal margin per row
/// and the duality certificate of eq. (M9).
#[derive(Clone, Debug)]
pub struct MaxMargin {
    /// Couplings (N×N, zero diagonal); row `i` attains margin `kappa_lower[i]`.
    pub couplings: DMatrix<f64>,
    /// Margin attained by each row: `min_μ Δ_i^μ` (a lower bound on the row's
    /// maximal margin).
    pub kappa_lower: Vec<f64>,
    /// Upper bound on each row's maximal margin from the dual objective.
    pub kappa_upper: Vec<f64>,
    /// AdaTron sweeps needed (largest over rows).
    pub sweeps: usize,
}

impl MaxMargin {
    /// Mean over rows of the attained margin.
    pub fn kappa_mean(&self) -> f64 {
        self.kappa_lower.iter().sum::<f64>() / self.kappa_lower.len() as f64
    }
    /// Largest relative gap `(κ_upper − κ_lower)/κ_lower` over rows.
    pub fn relative_gap(&self) -> f64 {
        self.kappa_lower
            .iter()
            .zip(&self.kappa_upper)
            .map(|(l, u)| (u - l) / l)
            .fold(0.0, f64::max)
    }
}

/// A row's certified margin bracket `[lower, upper]`, eq. (M9), and the
/// sweeps it took.
struct Bracket {
    lower: f64,
    upper: f64,
    sweeps: usize,
}

/// Why a row has no certificate after the sweep cap: its last relative gap
/// and upper bound.
struct Uncertified {
    gap: f64,
    upper: f64,
}

/// Maximal-margin couplings by the AdaTron (exact coordinate ascent on the
/// dual of eq. (M7)), row by row, eq. (M8); stops when the duality
/// certificate of eq. (M9) brackets every row's maximal margin within a
/// relative gap `rel_tol`.
///
/// Fails with [`Error::NoConvergence`] after `max_sweeps` sweeps without a
/// certificate (for instance when a row is not linearly separable, α ≳ 2).
pub fn max_margin(patterns: &DMatrix<f64>, rel_tol: f64, max_sweeps: usize) -> Result<MaxMargin> {
    check_patterns(patterns)?;
    ensure(
        rel_tol.is_finite() && rel_tol > 0.0 && rel_tol < 1.0,
        || format!("rel_tol must lie in (0, 1), got {rel_tol}"),
    )?;
    ensure(max_sweeps >= 1, || "max_sweeps must be >= 1".into())?;
    let n = patterns.nrows();
    let (x, brackets) = train_rows(patterns, |i, row| {
        adatron_row(row, n, rel_tol, max_sweeps).map_err(|u| (i, u))
    })
    .map_err(|(row, u)| Error::NoConvergence {
        what: format!(
            "AdaTron max-margin solver on row {row} (certified: maximal margin <= {:.3e}; \
             a row that is not linearly separable has margin <= 0)",
            u.upper
        ),
        iterations: max_sweeps,
        residual: u.gap,
        tolerance: rel_tol,
    })?;
    // x are dual variables for the margin-1 problem: w = Σ x ζ; rescale by
    // 1/N like Hebb's rule (the scale of a row does not affect the dynamics).
    let couplings = assemble(patterns, &x);
    Ok(MaxMargin {
        couplings,
        kappa_lower: brackets.iter().map(|b| b.lower).collect(),
        kappa_upper: brackets.iter().map(|b| b.upper).collect(),
        sweeps: brackets.iter().map(|b| b.sweeps).fold(0, usize::max),
    })
}

/// AdaTron on one row of N neurons from `x = 0`, eq. (M8), until the
/// certificate of eq. (M9) has relative gap ≤ `rel_tol`. Returns the dual
/// variables `x` and the certified bracket.
fn adatron_row(
    row: &Row,
    n: usize,
    rel_tol: f64,
    max_sweeps: usize,
) -> std::result::Result<(Vec<f64>, Bracket), Uncertified> {
    let p = row.s.len();
    let gdiag = n as f64 - 1.0;
    let mut x = vec![0.0; p];
    let mut y = vec![0.0; p];
    let mut gap = f64::INFINITY;
    let mut upper = f64::INFINITY;
    for sweep in 1..=max_sweeps {
        for nu in 0..p {
            let new = (x[nu] + (1.0 - y[nu]) / gdiag).max(0.0);
            let dx = new - x[nu];
            if dx != 0.0 {
                x[nu] = new;
                row.axpy(dx, nu, &mut y);
            }
        }
        if sweep % RECOMPUTE_EVERY == 0 {
            y.iter_mut().for_each(|v| *v = 0.0);
            for (nu, &xn) in x.iter().enumerate() {
                if xn != 0.0 {
                    row.axpy(xn, nu, &mut y);
                }
            }
        }
        let norm2: f64 = x.iter().zip(&y).map(|(a, b)| a * b).sum();
        let sum_x: f64 = x.iter().sum();
        let dual = sum_x - 0.5 * norm2;
        let ymin = y.iter().copied().fold(f64::INFINITY, f64::min);
        if dual > 0.0 {
            upper = 1.0 / (2.0 * dual).sqrt();
        }
        if norm2 > 0.0 && dual > 0.0 && ymin > 0.0 {
            let lower = ymin / norm2.sqrt();
            gap = (upper - lower) / lower;
            if gap <= rel_tol {
                return Ok((
                    x,
                    Bracket {
                        lower,
                        upper,
                        sweeps: sweep,
                    },
                ));
            }
        }
    }
    Err(Uncertified { gap, upper })
}
