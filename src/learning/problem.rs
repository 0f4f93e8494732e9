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
use crate::learning::precision::Real;
use crate::numerics::gemm::gemm;
use nalgebra::DMatrix;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::any::Any;
use std::borrow::Cow;

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
    ops: Operands<f64>,
    coupling: Coupling,
}

/// The matrices of the training kernels in precision `T`: inputs X (N×P), their
/// transpose, labels Y (R×P), and whether J has a masked (zero) diagonal.
#[derive(Debug, Clone)]
pub(crate) struct Operands<T: Real> {
    x: DMatrix<T>,
    xt: DMatrix<T>,
    y: DMatrix<T>,
    masked: bool,
}

impl<T: Real> Operands<T> {
    fn new(x: &DMatrix<f64>, y: DMatrix<f64>, masked: bool) -> Self {
        Self {
            x: T::matrix_of_f64(x.clone()),
            xt: T::matrix_of_f64(x.transpose()),
            y: T::matrix_of_f64(y),
            masked,
        }
    }

    /// The same operands rounded to precision `U` (±1 patterns and labels
    /// are exact in either).
    pub(crate) fn to_precision<U: Real>(&self) -> Operands<U> {
        let conv = |m: &DMatrix<T>| U::matrix_of_f64(T::matrix_f64(m).into_owned());
        Operands {
            x: conv(&self.x),
            xt: conv(&self.xt),
            y: conv(&self.y),
            masked: self.masked,
        }
    }

    /// The inputs X, N×P.
    pub(crate) fn x(&self) -> &DMatrix<T> {
        &self.x
    }

    /// The inputs transposed, Xᵀ (P×N).
    pub(crate) fn xt(&self) -> &DMatrix<T> {
        &self.xt
    }

    /// The labels Y, R×P.
    pub(crate) fn y(&self) -> &DMatrix<T> {
        &self.y
    }

    /// Whether J has a masked (zero) diagonal.
    pub(crate) fn is_masked(&self) -> bool {
        self.masked
    }

    /// Zeroes the diagonal of a network's couplings.
    pub(crate) fn constrain(&self, m: &mut DMatrix<T>) {
        if self.masked {
            zero_diagonal(m);
        }
    }
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
            ops: Operands::new(&patterns.xi, patterns.labels.clone(), true),
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
        let y = DMatrix::from_row_slice(1, labels.len(), labels);
        Ok(Self {
            ops: Operands::new(&patterns.xi, y, false),
            coupling: Coupling::Perceptron,
        })
    }

    /// Number of input components N (columns of J).
    pub fn n(&self) -> usize {
        self.ops.x.nrows()
    }

    /// Number of patterns P.
    pub fn p(&self) -> usize {
        self.ops.x.ncols()
    }

    /// Number of rows R of J (N for a network, 1 for a perceptron).
    pub fn rows(&self) -> usize {
        self.ops.y.nrows()
    }

    /// The coupling structure.
    pub fn coupling(&self) -> Coupling {
        self.coupling
    }

    /// The inputs X, N×P.
    pub fn inputs(&self) -> &DMatrix<f64> {
        &self.ops.x
    }

    /// The labels Y, R×P (±1).
    pub fn labels(&self) -> &DMatrix<f64> {
        &self.ops.y
    }

    /// Floating-point operations of one gradient evaluation (two matrix products,
    /// 2·R·N·P multiply–adds each), the figure the benchmarks report.
    pub fn flops_per_gradient(&self) -> f64 {
        4.0 * self.rows() as f64 * self.n() as f64 * self.p() as f64
    }

    /// Whether J has a masked (zero) diagonal: every network, not a perceptron.
    pub(crate) fn masked(&self) -> bool {
        self.ops.masked
    }

    /// The kernels' matrices in f64.
    pub(crate) fn operands(&self) -> &Operands<f64> {
        &self.ops
    }

    /// The kernels' matrices in precision `T`: borrowed for f64, rounded
    /// copies otherwise.
    pub(crate) fn operands_in<T: Real>(&self) -> Cow<'_, Operands<T>> {
        match (&self.ops as &dyn Any).downcast_ref::<Operands<T>>() {
            Some(o) => Cow::Borrowed(o),
            None => Cow::Owned(self.ops.to_precision()),
        }
    }

    /// Checks that `j` has the shape R×N, is finite, has a zero diagonal (networks)
    /// and is exactly symmetric (symmetric networks).
    pub fn check_couplings<T: Real>(&self, j: &DMatrix<T>) -> Result<()> {
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
            ensure((0..self.n()).all(|i| j[(i, i)] == T::zero()), || {
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
        gemm(&mut h, 1.0, j, &self.ops.x, 0.0);
        h
    }

    /// The mean loss L(J) of eq. (T3) at inverse temperature β.
    pub fn loss(&self, j: &DMatrix<f64>, beta: f64) -> f64 {
        let h = self.fields(j);
        let mut r = DMatrix::zeros(self.rows(), self.p());
        residual(&h, &self.ops.y, beta, 1.0, &mut r, true)
    }

    /// The mean loss and its gradient with respect to the free couplings
    /// (eq. (T4); eq. (T5) for symmetric couplings, where the gradient with
    /// respect to J_ij = J_ji is the sum of the two rows' contributions and is
    /// stored at both (i, j) and (j, i)). The diagonal of a network's gradient is 0.
    pub fn loss_and_gradient(&self, j: &DMatrix<f64>, beta: f64) -> (f64, DMatrix<f64>) {
        let mut ws = Workspace::new(&self.ops);
        let l = ws.eval_loss(&self.ops, j, beta);
        ws.eval_gradient(&self.ops);
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
        gemm(
            &mut j,
            1.0 / self.n() as f64,
            &self.ops.y,
            &self.ops.xt,
            0.0,
        );
        self.constrain(&mut j);
        if self.coupling == Coupling::Symmetric {
            symmetrize_sum(&mut j);
            j *= 0.5;
        }
        j
    }

    /// Zeroes the diagonal of a network's couplings.
    pub(crate) fn constrain(&self, m: &mut DMatrix<f64>) {
        self.ops.constrain(m);
    }
}

/// Writes r = scale · (tanh(βh) − y) for ±1 labels y and returns the mean of
/// β⁻¹ log(1 + e^{−2βyh}) over all entries (eq. (T3)); both from one exponential:
/// with z = −2βyh, tanh(βh) − y = −2y σ(z) (σ the logistic function); see
/// [`Real::residuals`] and [`Real::loss_sum`]. The loss is summed in f64 whatever `T`; column
/// partial sums are added in column order (thread-count independent).
fn residual<T: Real>(
    h: &DMatrix<T>,
    y: &DMatrix<T>,
    beta: f64,
    scale: f64,
    r: &mut DMatrix<T>,
    want_loss: bool,
) -> f64 {
    let rows = h.nrows().max(1);
    let (beta_t, scale_t) = (T::of_f64(beta), T::of_f64(scale));
    let sums: Vec<f64> = r
        .as_mut_slice()
        .par_chunks_mut(rows)
        .zip(h.as_slice().par_chunks(rows))
        .zip(y.as_slice().par_chunks(rows))
        .map(|((rc, hc), yc)| {
            T::residuals(hc, yc, beta_t, scale_t, rc);
            if want_loss {
                T::loss_sum(hc, yc, beta_t)
            } else {
                0.0
            }
        })
        .collect();
    if !want_loss {
        return f64::NAN;
    }
    let total: f64 = sums.iter().sum();
    total / (beta * h.len() as f64)
}

/// Reusable buffers for H (R×P), the residual (R×P) and the gradient (R×N),
/// in precision `T`.
pub(crate) struct Workspace<T: Real> {
    /// The fields H = J X.
    pub(crate) h: DMatrix<T>,
    /// The residual, scaled by 1/RP.
    pub(crate) r: DMatrix<T>,
    /// The Euclidean gradient (empty when the update is fused into the GEMM).
    pub(crate) g: DMatrix<T>,
}

impl<T: Real> Workspace<T> {
    /// Buffers sized for the operands `p`.
    pub(crate) fn new(p: &Operands<T>) -> Self {
        let (rows, n, np) = (p.y.nrows(), p.x.nrows(), p.x.ncols());
        Self {
            h: DMatrix::zeros(rows, np),
            r: DMatrix::zeros(rows, np),
            g: DMatrix::zeros(rows, n),
        }
    }

    /// Fields and residual at `j`; returns the mean loss L (eq. (T3)).
    pub(crate) fn eval_loss(&mut self, p: &Operands<T>, j: &DMatrix<T>, beta: f64) -> f64 {
        self.eval(p, j, beta, true)
    }

    /// Fields and residual at `j`; the mean loss if `want_loss` (NaN otherwise).
    pub(crate) fn eval(
        &mut self,
        p: &Operands<T>,
        j: &DMatrix<T>,
        beta: f64,
        want_loss: bool,
    ) -> f64 {
        gemm(&mut self.h, T::one(), j, &p.x, T::zero());
        let scale = 1.0 / (p.y.nrows() as f64 * p.x.ncols() as f64);
        residual(&self.h, &p.y, beta, scale, &mut self.r, want_loss)
    }

    /// Euclidean gradient G = R Xᵀ (residual already scaled by 1/RP), zero
    /// diagonal for networks (eq. (T4)).
    pub(crate) fn eval_gradient(&mut self, p: &Operands<T>) {
        gemm(&mut self.g, T::one(), &self.r, &p.xt, T::zero());
        p.constrain(&mut self.g);
    }

    /// The descent step J ← J − η R Xᵀ in one GEMM (the gradient is never
    /// formed), then the masked diagonal reset to zero (eq. (T10)).
    pub(crate) fn descend_fused(&self, p: &Operands<T>, j: &mut DMatrix<T>, lr: f64) {
        gemm(j, T::of_f64(-lr), &self.r, &p.xt, T::one());
        p.constrain(j);
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
