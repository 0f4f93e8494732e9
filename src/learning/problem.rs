//! The training problem: inputs, labels and coupling structure, with the
//! fields (eq. (T1)), the mean loss (eq. (T3)) and its gradient (eqs. (T4),
//! (T5)) computed by two matrix products.
//!
//! A [`Problem`] holds the inputs X (N×P), their transpose, and the ±1 labels Y
//! (R×P, R = N rows for a network, R = 1 for a single perceptron). Couplings J are
//! R×N (zero diagonal for networks). The fields are H = J X (eq. (T1)) and the
//! gradient G = R Xᵀ/(RP) with the residual R = tanh(βH) − Y (eq. (T4)).
//!
//! The loss is always the mean over all R·P terms, eq. (T3):
//! L(J) = (1/RP) Σ_{i,μ} β⁻¹ log(1 + e^{−2β y_i^μ h_i^μ}),
//! which equals the paper's (1/NP) Σ [−ξh + β⁻¹ log 2cosh(βh)] for ±1 labels and
//! the negative pseudo-likelihood per term at β = 1.

use crate::data::patterns::Patterns;
use crate::error::{ensure, Result};
use crate::learning::couplings::{symmetrize_sum, zero_diagonal};
use nalgebra::DMatrix;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// The coupling structure being trained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Coupling {
    /// N×N couplings, zero diagonal; row i is an independent perceptron with input
    /// ξ_{\i} and label ξ_i.
    Asymmetric,
    /// N×N couplings with J_ij = J_ji exactly and zero diagonal.
    Symmetric,
    /// A single perceptron: one row of N weights, inputs ξ^μ, random labels y^μ.
    Perceptron,
}

/// A training problem: inputs, labels and the coupling structure.
#[derive(Debug, Clone)]
pub struct Problem {
    x: DMatrix<f64>,
    xt: DMatrix<f64>,
    y: DMatrix<f64>,
    coupling: Coupling,
}

impl Problem {
    /// A network (asymmetric or symmetric couplings) storing the given patterns:
    /// row i has label ξ_i^μ (its sign for Gaussian patterns) and input ξ^μ with
    /// the self-coupling masked out.
    pub fn network(patterns: &Patterns, coupling: Coupling) -> Result<Self> {
        ensure(coupling != Coupling::Perceptron, || {
            "Problem::network needs asymmetric or symmetric couplings; use Problem::perceptron"
                .into()
        })?;
        Ok(Self {
            x: patterns.xi.clone(),
            xt: patterns.xi.transpose(),
            y: patterns.labels.clone(),
            coupling,
        })
    }

    /// A single perceptron whose inputs are the patterns (N×P) and whose labels
    /// are `labels` (length P, each ±1; see [`crate::data::patterns::perceptron_labels`]).
    pub fn perceptron(patterns: &Patterns, labels: &[f64]) -> Result<Self> {
        ensure(labels.len() == patterns.p(), || {
            format!(
                "{} labels given for {} patterns",
                labels.len(),
                patterns.p()
            )
        })?;
        ensure(labels.iter().all(|&l| l == 1.0 || l == -1.0), || {
            "perceptron labels must be +1 or -1".into()
        })?;
        Ok(Self {
            x: patterns.xi.clone(),
            xt: patterns.xi.transpose(),
            y: DMatrix::from_row_slice(1, labels.len(), labels),
            coupling: Coupling::Perceptron,
        })
    }

    /// Number of input components N (columns of J).
    pub fn n(&self) -> usize {
        self.x.nrows()
    }

    /// Number of patterns P.
    pub fn p(&self) -> usize {
        self.x.ncols()
    }

    /// Number of rows R of J (N for a network, 1 for a perceptron).
    pub fn rows(&self) -> usize {
        self.y.nrows()
    }

    /// The coupling structure.
    pub fn coupling(&self) -> Coupling {
        self.coupling
    }

    /// The inputs X, N×P.
    pub fn inputs(&self) -> &DMatrix<f64> {
        &self.x
    }

    /// The labels Y, R×P (±1).
    pub fn labels(&self) -> &DMatrix<f64> {
        &self.y
    }

    /// Floating-point operations of one gradient evaluation (two matrix products,
    /// 2·R·N·P multiply–adds each), the figure the benchmarks report.
    pub fn flops_per_gradient(&self) -> f64 {
        4.0 * self.rows() as f64 * self.n() as f64 * self.p() as f64
    }

    /// Whether J has a masked (zero) diagonal: every network, not a perceptron.
    pub(crate) fn masked(&self) -> bool {
        self.coupling != Coupling::Perceptron
    }

    /// Checks that `j` has the shape R×N, is finite, has a zero diagonal (networks)
    /// and is exactly symmetric (symmetric networks).
    pub fn check_couplings(&self, j: &DMatrix<f64>) -> Result<()> {
        ensure(j.shape() == (self.rows(), self.n()), || {
            format!(
                "couplings have shape {:?}, expected {:?}",
                j.shape(),
                (self.rows(), self.n())
            )
        })?;
        ensure(j.iter().all(|v| v.is_finite()), || {
            "couplings contain a non-finite entry".into()
        })?;
        if self.masked() {
            ensure((0..self.n()).all(|i| j[(i, i)] == 0.0), || {
                "network couplings must have a zero diagonal".into()
            })?;
        }
        if self.coupling == Coupling::Symmetric {
            ensure(*j == j.transpose(), || {
                "symmetric couplings must satisfy J_ij = J_ji exactly".into()
            })?;
        }
        Ok(())
    }

    /// The fields H = J X (R×P), eq. (T1).
    pub fn fields(&self, j: &DMatrix<f64>) -> DMatrix<f64> {
        let mut h = DMatrix::zeros(self.rows(), self.p());
        self.fields_into(j, &mut h);
        h
    }

    fn fields_into(&self, j: &DMatrix<f64>, h: &mut DMatrix<f64>) {
        h.gemm(1.0, j, &self.x, 0.0);
    }

    /// The mean loss L(J) of eq. (T3) at inverse temperature β.
    pub fn loss(&self, j: &DMatrix<f64>, beta: f64) -> f64 {
        let h = self.fields(j);
        let mut r = DMatrix::zeros(self.rows(), self.p());
        residual(&h, &self.y, beta, 1.0, &mut r, true)
    }

    /// The mean loss and its gradient with respect to the free couplings
    /// (eq. (T4); eq. (T5) for symmetric couplings, where the gradient with
    /// respect to J_ij = J_ji is the sum of the two rows' contributions and is
    /// stored at both (i, j) and (j, i)). The diagonal of a network's gradient is 0.
    pub fn loss_and_gradient(&self, j: &DMatrix<f64>, beta: f64) -> (f64, DMatrix<f64>) {
        let mut ws = Workspace::new(self);
        let l = ws.eval_loss(self, j, beta);
        ws.eval_gradient(self);
        let mut g = ws.g;
        if self.coupling == Coupling::Symmetric {
            symmetrize_sum(&mut g);
        }
        (l, g)
    }

    /// The Hebb rule J = (1/N) Y Xᵀ (eq. (T11)): for binary networks
    /// J = (1/N) Σ_μ ξ^μ ξ^μᵀ with zero diagonal; symmetrised for symmetric
    /// networks with Gaussian patterns; w = (1/N) Σ_μ y^μ ξ^μ for a perceptron.
    pub fn hebb(&self) -> DMatrix<f64> {
        let mut j = DMatrix::zeros(self.rows(), self.n());
        j.gemm(1.0 / self.n() as f64, &self.y, &self.xt, 0.0);
        self.constrain(&mut j);
        if self.coupling == Coupling::Symmetric {
            symmetrize_sum(&mut j);
            j *= 0.5;
        }
        j
    }

    /// Zeroes the diagonal of a network's couplings.
    pub(crate) fn constrain(&self, m: &mut DMatrix<f64>) {
        if self.masked() {
            zero_diagonal(m);
        }
    }
}

/// Writes r = scale · (tanh(βh) − y) for ±1 labels y and returns the mean of
/// β⁻¹ log(1 + e^{−2βyh}) over all entries (eq. (T3)); both from one exponential:
/// with z = −2βyh, tanh(βh) − y = −2y σ(z) (σ the logistic function).
/// Column partial sums are added in column order (thread-count independent).
fn residual(
    h: &DMatrix<f64>,
    y: &DMatrix<f64>,
    beta: f64,
    scale: f64,
    r: &mut DMatrix<f64>,
    want_loss: bool,
) -> f64 {
    let rows = h.nrows().max(1);
    let sums: Vec<f64> = r
        .as_mut_slice()
        .par_chunks_mut(rows)
        .zip(h.as_slice().par_chunks(rows))
        .zip(y.as_slice().par_chunks(rows))
        .map(|((rc, hc), yc)| {
            let mut s = 0.0;
            for ((ri, &hi), &yi) in rc.iter_mut().zip(hc).zip(yc) {
                let z = -2.0 * beta * yi * hi;
                let e = (-z.abs()).exp();
                let sigma = if z >= 0.0 {
                    1.0 / (1.0 + e)
                } else {
                    e / (1.0 + e)
                };
                *ri = -2.0 * scale * yi * sigma;
                if want_loss {
                    s += z.max(0.0) + e.ln_1p();
                }
            }
            s
        })
        .collect();
    if !want_loss {
        return f64::NAN;
    }
    let total: f64 = sums.iter().sum();
    total / (beta * h.len() as f64)
}

/// Reusable buffers for H (R×P), the residual (R×P) and the gradient (R×N).
pub(crate) struct Workspace {
    /// The fields H = J X.
    pub(crate) h: DMatrix<f64>,
    /// The residual, scaled by 1/RP.
    pub(crate) r: DMatrix<f64>,
    /// The Euclidean gradient.
    pub(crate) g: DMatrix<f64>,
}

impl Workspace {
    /// Buffers sized for problem `p`.
    pub(crate) fn new(p: &Problem) -> Self {
        Self {
            h: DMatrix::zeros(p.rows(), p.p()),
            r: DMatrix::zeros(p.rows(), p.p()),
            g: DMatrix::zeros(p.rows(), p.n()),
        }
    }

    /// Fields and residual at `j`; returns the mean loss L (eq. (T3)).
    pub(crate) fn eval_loss(&mut self, p: &Problem, j: &DMatrix<f64>, beta: f64) -> f64 {
        self.eval(p, j, beta, true)
    }

    /// Fields and residual at `j`; the mean loss if `want_loss` (NaN otherwise).
    pub(crate) fn eval(
        &mut self,
        p: &Problem,
        j: &DMatrix<f64>,
        beta: f64,
        want_loss: bool,
    ) -> f64 {
        p.fields_into(j, &mut self.h);
        let scale = 1.0 / (p.rows() as f64 * p.p() as f64);
        residual(&self.h, &p.y, beta, scale, &mut self.r, want_loss)
    }

    /// Euclidean gradient G = R Xᵀ (residual already scaled by 1/RP), zero
    /// diagonal for networks (eq. (T4)).
    pub(crate) fn eval_gradient(&mut self, p: &Problem) {
        self.g.gemm(1.0, &self.r, &p.xt, 0.0);
        p.constrain(&mut self.g);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::patterns::PatternKind;

    #[test]
    fn hebb_rule() {
        let p = Patterns::generate(20, 0.5, PatternKind::Binary, 1).unwrap();
        let pr = Problem::network(&p, Coupling::Asymmetric).unwrap();
        let j = pr.hebb();
        for a in 0..20 {
            for b in 0..20 {
                let want = if a == b {
                    0.0
                } else {
                    (0..10).map(|m| p.xi[(a, m)] * p.xi[(b, m)]).sum::<f64>() / 20.0
                };
                // Integer sums times 1/20 vs divided by 20: one rounding apart.
                assert!((j[(a, b)] - want).abs() < 1e-15);
            }
        }
    }
}
