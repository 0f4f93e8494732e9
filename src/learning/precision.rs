//! The floating-point precision of gradient-descent training: f64 (the
//! default) or f32 (how the paper's PyTorch code trains, about twice as fast
//! through single-precision GEMM). Whatever the precision, losses, row norms,
//! stabilities and every statistic are accumulated and reported in f64; only
//! the couplings, fields and residuals of the epochs are stored in `T`.

use nalgebra::{DMatrix, RealField};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// Precision of the training kernels (gradient descent; fixed-norm L-BFGS is
/// always f64).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// Single precision: couplings, fields and residuals in f32.
    F32,
    /// Double precision (the default).
    #[default]
    F64,
}

impl Precision {
    /// Whether this is the default, f64 (outputs then omit the field, so
    /// that they stay as they were before the option existed).
    pub fn is_f64(&self) -> bool {
        *self == Precision::F64
    }
}

/// A floating-point type the training kernels run in: f32 or f64.
pub trait Real: RealField + Copy + Send + Sync + 'static {
    /// Whether an epoch adds −η R Xᵀ to J inside the gradient's GEMM (one
    /// rounding per entry, no gradient matrix) instead of forming G and then
    /// subtracting η G. f64 keeps the separate update, whose roundings every
    /// recorded f64 output depends on.
    const FUSED_UPDATE: bool;

    /// The value `v` rounded to this type.
    fn of_f64(v: f64) -> Self;

    /// The value in f64 (exact).
    fn into_f64(self) -> f64;

    /// For field h, label y = ±1, inverse temperature β and scale s: the
    /// residual s·(tanh(βh) − y) and, if `want_loss`, the loss term
    /// β·ℓ = log(1 + e^{−2βyh}) in f64 (0 otherwise); see `problem::residual`.
    fn residual_term(h: Self, y: Self, beta: Self, scale: Self, want_loss: bool) -> (Self, f64);

    /// The matrix in f64: borrowed for f64, converted (exactly) for f32.
    fn matrix_f64(m: &DMatrix<Self>) -> Cow<'_, DMatrix<f64>>;

    /// The f64 matrix in this type: moved for f64, rounded for f32.
    fn matrix_of_f64(m: DMatrix<f64>) -> DMatrix<Self>;
}

impl Real for f64 {
    const FUSED_UPDATE: bool = false;

    fn of_f64(v: f64) -> Self {
        v
    }

    fn into_f64(self) -> f64 {
        self
    }

    #[inline]
    fn residual_term(h: f64, y: f64, beta: f64, scale: f64, want_loss: bool) -> (f64, f64) {
        let z = -2.0 * beta * y * h;
        let e = (-z.abs()).exp();
        let sigma = if z >= 0.0 {
            1.0 / (1.0 + e)
        } else {
            e / (1.0 + e)
        };
        let loss = if want_loss {
            z.max(0.0) + e.ln_1p()
        } else {
            0.0
        };
        (-2.0 * scale * y * sigma, loss)
    }

    fn matrix_f64(m: &DMatrix<f64>) -> Cow<'_, DMatrix<f64>> {
        Cow::Borrowed(m)
    }

    fn matrix_of_f64(m: DMatrix<f64>) -> DMatrix<f64> {
        m
    }
}

impl Real for f32 {
    const FUSED_UPDATE: bool = true;

    fn of_f64(v: f64) -> Self {
        v as f32
    }

    fn into_f64(self) -> f64 {
        f64::from(self)
    }

    #[inline]
    fn residual_term(h: f32, y: f32, beta: f32, scale: f32, want_loss: bool) -> (f32, f64) {
        let z = -2.0 * beta * y * h;
        let e = (-z.abs()).exp();
        let sigma = if z >= 0.0 {
            1.0 / (1.0 + e)
        } else {
            e / (1.0 + e)
        };
        // The loss term from the f32 exponent, evaluated in f64.
        let loss = if want_loss {
            let z = f64::from(z);
            z.max(0.0) + (-z.abs()).exp().ln_1p()
        } else {
            0.0
        };
        (-2.0 * scale * y * sigma, loss)
    }

    fn matrix_f64(m: &DMatrix<f32>) -> Cow<'_, DMatrix<f64>> {
        Cow::Owned(m.map(f64::from))
    }

    fn matrix_of_f64(m: DMatrix<f64>) -> DMatrix<f32> {
        m.map(|v| v as f32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn residual_terms_agree_between_precisions() {
        // In f32, β = 0.1, h and the products −2βyh are rounded once each:
        // |δz| ≤ 4·2⁻²⁴|z| ≤ 2.4e-7|z|. The residual is −2sy·σ(z) with
        // |d ln σ/dz| ≤ 1, plus a few f32 roundings in exp, the sum and the
        // quotient (≤ 5·2⁻²⁴ = 3e-7 relative). The f64 loss term from the
        // f32 exponent carries z's error only (|dℓ/dz| ≤ 1).
        for &h in &[-30.0, -2.5, -1e-3, 0.0, 0.7, 4.0, 25.0] {
            for &y in &[-1.0, 1.0] {
                let (r64, l64) = f64::residual_term(h, y, 0.1, 1e-3, true);
                let (r32, l32) = f32::residual_term(h as f32, y as f32, 0.1, 1e-3, true);
                let z = (2.0 * 0.1 * h).abs();
                let tol = (2.4e-7 * z + 3e-7) * r64.abs();
                assert!((f64::from(r32) - r64).abs() <= tol, "{h} {y}");
                assert!((l32 - l64).abs() <= 2.4e-7 * z + 1e-15, "{h} {y}");
                assert_eq!(f64::residual_term(h, y, 0.1, 1e-3, false).1, 0.0);
            }
        }
    }
}
