//! Gradient descent in the span of the patterns (theory/training.md, eqs.
//! (T16)–(T18)). Every step adds to row i of J a combination of the inputs ξ^μ
//! (eq. (T4)), so from initial couplings J₀ the iterates are
//! J = J₀ + A Xᵀ − diag(d) (asymmetric networks; d = 0 for a perceptron) or
//! J = J₀ + A Xᵀ + X Aᵀ − diag(d) (symmetric networks), and descent only moves
//! the R×P coefficients A ← A − η R̃ (eq. (T16)). The fields are
//! H = J₀X + A C − d∘X (+ X (AᵀX) for symmetric couplings) with the P×P Gram
//! matrix C = XᵀX formed once (eq. (T17)): 2RP² flops per epoch (6NP²
//! symmetric) instead of 4RNP (eq. (T18)). J is formed only when asked.
//!
//! The R×P matrices are stored transposed (P×R, column i holding row i), so
//! the element-wise pass runs row by row over contiguous memory and each d_i
//! is summed by one thread in pattern order: the results do not depend on the
//! number of threads.

use crate::learning::couplings::symmetrize_sum;
use crate::learning::precision::Real;
use crate::learning::problem::{Coupling, Operands, Problem};
use crate::numerics::gemm::gemm;
use nalgebra::{DMatrix, DMatrixView, Dyn};
use rayon::prelude::*;

/// The representation of the couplings that gradient descent iterates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// J itself: two matrix products with N inner terms, 4RNP flops per epoch.
    Direct,
    /// The pattern coefficients A of eq. (T16): 2RP² flops per epoch (6NP²
    /// for symmetric couplings).
    Span,
    /// Whichever of the two costs fewer flops on the problem (eq. (T18)).
    Auto,
}

impl Form {
    /// The concrete form used on `problem`: `Auto` becomes the one with fewer
    /// flops per epoch (the direct form on ties).
    pub fn resolve(self, problem: &Problem) -> Form {
        match self {
            Form::Auto => {
                if flops_per_epoch(problem, Form::Span) < flops_per_epoch(problem, Form::Direct) {
                    Form::Span
                } else {
                    Form::Direct
                }
            }
            f => f,
        }
    }
}

/// Floating-point operations of the matrix products of one epoch in `form`
/// (eq. (T18)): 4RNP direct; 2RP² in the span of the patterns, 6NP² for
/// symmetric couplings. The element-wise work, O(RP), is not counted.
pub fn flops_per_epoch(problem: &Problem, form: Form) -> f64 {
    let (r, n, p) = (
        problem.rows() as f64,
        problem.n() as f64,
        problem.p() as f64,
    );
    match form.resolve(problem) {
        Form::Span if problem.coupling() == Coupling::Symmetric => 6.0 * n * p * p,
        Form::Span => 2.0 * r * p * p,
        _ => 4.0 * r * n * p,
    }
}

/// The transpose of `m` as a strided view (no copy), for the matrix products.
fn transposed<T: Real>(m: &DMatrix<T>) -> DMatrixView<'_, T, Dyn, Dyn> {
    DMatrixView::from_slice_with_strides(m.as_slice(), m.ncols(), m.nrows(), m.nrows(), 1)
}

/// One row of the fields, h_μ = g_μ + h0_μ − d x_μ (eq. (T16)).
fn fields_into<T: Real>(h: &mut [T], g: &[T], h0: &[T], x: &[T], d: T) {
    for (((hm, &gm), &h0m), &xm) in h.iter_mut().zip(g).zip(h0).zip(x) {
        *hm = gm + h0m - d * xm;
    }
}

/// One row of A ← A − η R̃ and its new d = k Σ_μ A_μ x_μ (summed in f64,
/// eq. (T16)); whether the row stays finite.
fn descend_row<T: Real>(a: &mut [T], d: &mut T, r: &[T], x: &[T], lr: T, k: f64) -> bool {
    let mut ok = true;
    let mut d_new = 0.0;
    for ((am, &rm), &xm) in a.iter_mut().zip(r).zip(x) {
        *am -= lr * rm;
        ok &= am.is_finite();
        d_new += (*am * xm).into_f64();
    }
    *d = T::of_f64(k * d_new);
    ok
}

/// The state of gradient descent in the span of the patterns, eq. (T16).
pub(crate) struct SpanState<T: Real> {
    symmetric: bool,
    /// J₀, R×N.
    j0: DMatrix<T>,
    /// (J₀X)ᵀ, P×R.
    h0t: DMatrix<T>,
    /// C = XᵀX, P×P.
    gram: DMatrix<T>,
    /// x_i^μ at (μ, i) for a network (the masked self-input); zeros otherwise.
    own: DMatrix<T>,
    /// Yᵀ, P×R.
    yt: DMatrix<T>,
    /// Aᵀ, P×R.
    at: DMatrix<T>,
    /// The diagonal correction d (R).
    d: Vec<T>,
    /// (A C)ᵀ, plus (X AᵀX)ᵀ for symmetric couplings, P×R.
    gt: DMatrix<T>,
    /// AᵀX, P×P (symmetric couplings only).
    b: DMatrix<T>,
    /// Fields Hᵀ and scaled residual R̃ᵀ of the last evaluation, P×R.
    ht: DMatrix<T>,
    rt: DMatrix<T>,
}

impl<T: Real> SpanState<T> {
    /// Starts at A = 0, d = 0 from couplings `j0` (already checked).
    pub(crate) fn new(ops: &Operands<T>, j0: DMatrix<T>, coupling: Coupling) -> Self {
        let (r, p) = (ops.y().nrows(), ops.x().ncols());
        let mut h0 = DMatrix::zeros(r, p);
        gemm(&mut h0, T::one(), &j0, ops.x(), T::zero());
        let mut gram = DMatrix::zeros(p, p);
        gemm(&mut gram, T::one(), ops.xt(), ops.x(), T::zero());
        let symmetric = coupling == Coupling::Symmetric;
        Self {
            symmetric,
            j0,
            h0t: h0.transpose(),
            gram,
            own: if ops.is_masked() {
                ops.xt().clone()
            } else {
                DMatrix::zeros(p, r)
            },
            yt: ops.y().transpose(),
            at: DMatrix::zeros(p, r),
            d: vec![T::zero(); r],
            gt: DMatrix::zeros(p, r),
            b: if symmetric {
                DMatrix::zeros(p, p)
            } else {
                DMatrix::zeros(0, 0)
            },
            ht: DMatrix::zeros(p, r),
            rt: DMatrix::zeros(p, r),
        }
    }

    /// The matrix products of eq. (T17): Gᵀ = C Aᵀ (+ (AᵀX)ᵀ Xᵀ).
    fn products(&mut self, ops: &Operands<T>) {
        gemm(&mut self.gt, T::one(), &self.gram, &self.at, T::zero());
        if self.symmetric {
            gemm(&mut self.b, T::one(), &self.at, ops.x(), T::zero());
            gemm(
                &mut self.gt,
                T::one(),
                &transposed(&self.b),
                ops.xt(),
                T::one(),
            );
        }
    }

    /// The factor of d_i = k Σ_μ A_iμ x_i^μ: 2 for symmetric couplings (the
    /// diagonals of A Xᵀ and X Aᵀ), 1 otherwise.
    fn d_factor(&self) -> f64 {
        if self.symmetric {
            2.0
        } else {
            1.0
        }
    }

    /// Fields H = J₀X + G − d∘X and residual R̃ = scale·(tanh(βH) − Y), stored;
    /// returns the mean loss (eq. (T3)) if `want_loss`, NaN otherwise.
    pub(crate) fn eval(&mut self, ops: &Operands<T>, beta: f64, want_loss: bool) -> f64 {
        self.products(ops);
        let p = self.at.nrows();
        let count = (self.at.len()) as f64;
        let (beta_t, scale_t) = (T::of_f64(beta), T::of_f64(1.0 / count));
        let sums: Vec<f64> = self
            .ht
            .as_mut_slice()
            .par_chunks_mut(p)
            .zip(self.rt.as_mut_slice().par_chunks_mut(p))
            .zip(self.gt.as_slice().par_chunks(p))
            .zip(self.h0t.as_slice().par_chunks(p))
            .zip(self.own.as_slice().par_chunks(p))
            .zip(self.yt.as_slice().par_chunks(p))
            .zip(self.d.par_iter())
            .map(|((((((hc, rc), gc), h0c), xc), yc), &di)| {
                fields_into(hc, gc, h0c, xc, di);
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
        sums.iter().sum::<f64>() / (beta * count)
    }

    /// A ← A − η R̃ with the stored residual, and d recomputed; whether A stays
    /// finite.
    pub(crate) fn apply_residual(&mut self, lr: f64) -> bool {
        let p = self.at.nrows();
        let (lr_t, k) = (T::of_f64(lr), self.d_factor());
        self.at
            .as_mut_slice()
            .par_chunks_mut(p)
            .zip(self.d.par_iter_mut())
            .zip(self.rt.as_slice().par_chunks(p))
            .zip(self.own.as_slice().par_chunks(p))
            .map(|(((ac, di), rc), xc)| descend_row(ac, di, rc, xc, lr_t, k))
            .reduce(|| true, |a, b| a && b)
    }

    /// One epoch fused into a single element-wise pass after the products:
    /// field, residual, A ← A − η R̃ and the new d, row by row (nothing else
    /// stored); whether A stays finite.
    pub(crate) fn step_fused(&mut self, ops: &Operands<T>, beta: f64, lr: f64) -> bool {
        self.products(ops);
        let p = self.at.nrows();
        let count = self.at.len() as f64;
        let (beta_t, scale_t) = (T::of_f64(beta), T::of_f64(1.0 / count));
        let (lr_t, k) = (T::of_f64(lr), self.d_factor());
        self.at
            .as_mut_slice()
            .par_chunks_mut(p)
            .zip(self.d.par_iter_mut())
            .zip(self.gt.as_slice().par_chunks(p))
            .zip(self.h0t.as_slice().par_chunks(p))
            .zip(self.own.as_slice().par_chunks(p))
            .zip(self.yt.as_slice().par_chunks(p))
            .map_init(
                || (vec![T::zero(); p], vec![T::zero(); p]),
                |(h, r), (((((ac, di), gc), h0c), xc), yc)| {
                    fields_into(h, gc, h0c, xc, *di);
                    T::residuals(h, yc, beta_t, scale_t, r);
                    descend_row(ac, di, r, xc, lr_t, k)
                },
            )
            .reduce(|| true, |a, b| a && b)
    }

    /// The fields H of the last evaluation, R×P.
    pub(crate) fn fields(&self) -> DMatrix<T> {
        self.ht.transpose()
    }

    /// The couplings J = J₀ + A Xᵀ (+ X Aᵀ), diagonal set to zero for networks
    /// (eq. (T16)); exactly symmetric for symmetric couplings.
    pub(crate) fn couplings(&self, ops: &Operands<T>) -> DMatrix<T> {
        let mut m = DMatrix::zeros(self.j0.nrows(), self.j0.ncols());
        gemm(&mut m, T::one(), &transposed(&self.at), ops.xt(), T::zero());
        if self.symmetric {
            symmetrize_sum(&mut m);
        }
        m += &self.j0;
        ops.constrain(&mut m);
        m
    }
}
