//! Stabilities Δ_i^μ = y_i^μ h_i^μ / |J_i| of trained couplings (eq. (T2)) and
//! their distances to a law given by its CDF (eqs. (T13), (T14)). The laws of
//! the replica theory are compared in `src/compare/stabilities.rs`, a layer above.

use crate::error::{ensure, Result};
use crate::learning::couplings::row_norms;
use crate::learning::problem::Problem;
use crate::numerics::statistics::{ks_sorted, sorted, w1_sorted, Moments};
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

/// All stabilities of a set of couplings.
#[derive(Debug, Clone)]
pub struct Stabilities {
    /// Δ_i^μ, R×P (row i, pattern μ).
    pub delta: DMatrix<f64>,
    /// Row norms |J_i| (not multiplied by β).
    pub row_norms: Vec<f64>,
}

impl Stabilities {
    /// Stabilities of couplings `j` on the problem's patterns (eq. (T2)).
    /// Fails if a row of `j` has zero norm (Δ is undefined) or `j` has the wrong shape.
    pub fn new(problem: &Problem, j: &DMatrix<f64>) -> Result<Self> {
        ensure(j.shape() == (problem.rows(), problem.n()), || {
            format!(
                "couplings have shape {:?}, expected {:?}",
                j.shape(),
                (problem.rows(), problem.n())
            )
        })?;
        let h = problem.fields(j);
        Self::from_fields(problem, &h, j)
    }

    /// Stabilities from already computed fields H = J X.
    pub fn from_fields(problem: &Problem, h: &DMatrix<f64>, j: &DMatrix<f64>) -> Result<Self> {
        let norms = row_norms(j);
        if let Some(i) = norms.iter().position(|&v| !(v > 0.0 && v.is_finite())) {
            return Err(crate::Error::InvalidInput(format!(
                "row {i} of the couplings has norm {}: its stabilities are undefined",
                norms[i]
            )));
        }
        let y = problem.labels();
        let mut delta = DMatrix::zeros(h.nrows(), h.ncols());
        for ((d, hc), yc) in delta
            .column_iter_mut()
            .zip(h.column_iter())
            .zip(y.column_iter())
        {
            let mut d = d;
            for i in 0..hc.len() {
                d[i] = yc[i] * hc[i] / norms[i];
            }
        }
        Ok(Self {
            delta,
            row_norms: norms,
        })
    }

    /// All stabilities as one slice (column-major: pattern by pattern).
    pub fn values(&self) -> &[f64] {
        self.delta.as_slice()
    }

    /// Fraction of negative stabilities, mean and variance of all stabilities
    /// (fails only if a stability is not finite).
    pub fn summary(&self) -> Result<Moments> {
        Moments::of(self.values())
    }

    /// Compares the stabilities with a law given by its CDF (see [`Comparison`]).
    pub fn compare(&self, cdf: impl Fn(f64) -> f64) -> Result<Comparison> {
        let s = sorted(self.values())?;
        Ok(Comparison {
            ks: ks_sorted(&s, &cdf),
            w1: w1_sorted(&s, &cdf),
        })
    }

    /// Mean over rows of the smallest stability of each row (the row margins).
    pub fn mean_margin(&self) -> f64 {
        let r = self.delta.nrows();
        (0..r).map(|i| self.delta.row(i).min()).sum::<f64>() / r as f64
    }
}

/// Distances between the empirical stabilities and a theoretical law.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Comparison {
    /// Kolmogorov–Smirnov distance (eq. (T13)).
    pub ks: f64,
    /// Wasserstein-1 distance (eq. (T14)).
    pub w1: f64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::patterns::{PatternKind, Patterns};
    use crate::learning::problem::Coupling;

    #[test]
    fn definition_and_errors() {
        let p = Patterns::generate(6, 1.0, PatternKind::Binary, 2).unwrap();
        let pr = Problem::network(&p, Coupling::Asymmetric).unwrap();
        let mut j = DMatrix::from_fn(6, 6, |a, b| (a as f64 + 1.0) * (b as f64 - 2.5));
        for i in 0..6 {
            j[(i, i)] = 0.0;
        }
        let st = Stabilities::new(&pr, &j).unwrap();
        for i in 0..6 {
            let norm = (0..6).map(|b| j[(i, b)] * j[(i, b)]).sum::<f64>().sqrt();
            for m in 0..6 {
                let h: f64 = (0..6).map(|b| j[(i, b)] * p.xi[(b, m)]).sum();
                // Same products summed in possibly different order: rounding only.
                assert!((st.delta[(i, m)] - p.xi[(i, m)] * h / norm).abs() < 1e-12);
            }
        }
        let m = st.mean_margin();
        let want = (0..6)
            .map(|i| {
                (0..6)
                    .map(|m| st.delta[(i, m)])
                    .fold(f64::INFINITY, f64::min)
            })
            .sum::<f64>()
            / 6.0;
        assert_eq!(m, want);
        assert!(Stabilities::new(&pr, &DMatrix::zeros(6, 6)).is_err());
        assert!(Stabilities::new(&pr, &DMatrix::zeros(5, 6)).is_err());
    }
}
