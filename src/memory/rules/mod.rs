//! Classical learning rules for associative memories, each producing a
//! coupling matrix `J` (N×N, zero diagonal) from `P` patterns `ξ^μ ∈ {±1}^N`.
//!
//! Patterns are stored as the columns of an N×P matrix (`patterns[(i, μ)] =
//! ξ_i^μ`). The rules and their conventions are in `theory/memory.md`, one
//! file each:
//!
//! * [`hebb()`] — eq. (M3);
//! * [`pseudo_inverse()`] — eq. (M4);
//! * [`perceptron()`] — margin-κ perceptron per row, eqs. (M5)–(M6);
//! * [`max_margin()`] — maximal-margin rows by AdaTron with a duality
//!   certificate, eqs. (M7)–(M9);
//! * [`symmetric_perceptron()`] — eq. (M10);
//! * [`unlearning()`] — Hebbian unlearning ("dreaming") with the stopping rule
//!   of Benedetti et al. 2022, eqs. (M11)–(M12);
//! * [`pseudo_likelihood()`] — the pseudo-likelihood rule, eq. (M1), delegated
//!   to the simulation engine ([`crate::learning`]).
//!
//! This file holds what the rules share: the result type [`Trained`] and the
//! row-by-row dual form of eq. (M6) used by the perceptron and the AdaTron.
//! The stabilities `Δ_i^μ` of eq. (M2) are computed by
//! [`stabilities`](crate::memory::couplings::stabilities).

mod hebb;
mod max_margin;
mod perceptron;
mod pseudo_inverse;
mod pseudo_likelihood;
mod symmetric_perceptron;
mod unlearning;

pub use hebb::hebb;
pub use max_margin::{max_margin, MaxMargin};
pub use perceptron::perceptron;
pub use pseudo_inverse::pseudo_inverse;
pub use pseudo_likelihood::{pseudo_likelihood, pseudo_likelihood_observed, PlTraining};
pub use symmetric_perceptron::symmetric_perceptron;
pub use unlearning::{unlearning, UnlearningOptions};

use crate::error::{ensure, Result};
use crate::learning::couplings::zero_diagonal;
use nalgebra::DMatrix;
use rayon::prelude::*;

/// A trained coupling matrix with the training diagnostics.
#[derive(Clone, Debug)]
pub struct Trained {
    /// Couplings `J` (N×N, zero diagonal).
    pub couplings: DMatrix<f64>,
    /// Training epochs (full passes over the patterns) that were needed; for
    /// the asymmetric perceptron, the largest over rows.
    pub epochs: usize,
    /// Smallest stability `min_{i,μ} Δ_i^μ` reached, eq. (M2).
    pub min_stability: f64,
}

/// Checks the margin κ ≥ 0 and the epoch cap of the perceptron rules,
/// eqs. (M5) and (M10).
fn check_margin(kappa: f64, max_epochs: usize) -> Result<()> {
    ensure(kappa.is_finite() && kappa >= 0.0, || {
        format!("perceptron margin kappa must be finite and >= 0, got {kappa}")
    })?;
    ensure(max_epochs >= 1, || "max_epochs must be >= 1".into())
}

/// Gram matrix `C = ΞᵀΞ` (P×P, integer entries, exact in f64).
fn gram(patterns: &DMatrix<f64>) -> DMatrix<f64> {
    patterns.transpose() * patterns
}

/// Row-`i` quantities of the dual ("embedding strength") form, eq. (M6):
/// `G^i_{μν} = ζ^μ·ζ^ν = s_μ s_ν C_μν − 1` with `s = ξ_i`, `ζ^μ = ξ_i^μ ξ^μ`
/// restricted to `j ≠ i`.
struct Row<'a> {
    c: &'a DMatrix<f64>,
    s: Vec<f64>,
}

impl Row<'_> {
    /// Adds `a · G^i[:, ν]` to `y`.
    #[inline]
    fn axpy(&self, a: f64, nu: usize, y: &mut [f64]) {
        let col = self.c.column(nu);
        let snu = self.s[nu];
        for ((ym, &cm), &sm) in y.iter_mut().zip(col.iter()).zip(self.s.iter()) {
            *ym += a * (sm * snu * cm - 1.0);
        }
    }
}

/// Trains every row independently (in parallel) in the dual form of
/// eq. (M6): `train(i, row)` returns the embedding strengths `x_i` of row `i`
/// with a per-row diagnostic, or the row's failure. Returns the strengths as
/// an N×P matrix and the diagnostics in row order, or the failure of the
/// lowest failing row.
fn train_rows<T, E, F>(
    patterns: &DMatrix<f64>,
    train: F,
) -> std::result::Result<(DMatrix<f64>, Vec<T>), E>
where
    T: Send,
    E: Send,
    F: Fn(usize, &Row) -> std::result::Result<(Vec<f64>, T), E> + Sync,
{
    let (n, p) = patterns.shape();
    let c = gram(patterns);
    let rows: Vec<_> = (0..n)
        .into_par_iter()
        .map(|i| {
            let row = Row {
                c: &c,
                s: patterns.row(i).iter().copied().collect(),
            };
            train(i, &row)
        })
        .collect();
    let mut x = DMatrix::<f64>::zeros(n, p);
    let mut diagnostics = Vec::with_capacity(n);
    for (i, r) in rows.into_iter().enumerate() {
        let (xi, d) = r?;
        for (mu, v) in xi.into_iter().enumerate() {
            x[(i, mu)] = v;
        }
        diagnostics.push(d);
    }
    Ok((x, diagnostics))
}

/// Assembles `J_ij = (1/N) Σ_ν x_iν ξ_i^ν ξ_j^ν` (`J_ii = 0`) from the
/// embedding strengths `x` (N×P, one row per neuron), eq. (M6).
fn assemble(patterns: &DMatrix<f64>, x: &DMatrix<f64>) -> DMatrix<f64> {
    let n = patterns.nrows();
    let a = x.component_mul(patterns);
    let mut j = a * patterns.transpose() / n as f64;
    zero_diagonal(&mut j);
    j
}
