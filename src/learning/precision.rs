//! The floating-point precision of gradient-descent training: f64 (the
//! default) or f32 (how the paper's PyTorch code trains, about twice as fast
//! through single-precision GEMM). Whatever the precision, losses, row norms,
//! stabilities and every statistic are accumulated and reported in f64; only
//! the couplings, fields and residuals of the epochs are stored in `T`.

use crate::numerics::gemm::GemmScalar;
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
pub trait Real: RealField + GemmScalar + Copy + Send + Sync + 'static {
    /// The value `v` rounded to this type.
    fn of_f64(v: f64) -> Self;

    /// The value in f64 (exact).
    fn into_f64(self) -> f64;

    /// For field h, label y = ±1, inverse temperature β and scale s: the
    /// residual s·(tanh(βh) − y) and, if `want_loss`, the loss term
    /// β·ℓ = log(1 + e^{−2βyh}) in f64 (0 otherwise); see `problem::residual`.
    fn residual_term(h: Self, y: Self, beta: Self, scale: Self, want_loss: bool) -> (Self, f64);

    /// The residuals r_k = s·(tanh(βh_k) − y_k) of a slice, each equal to
    /// [`residual_term`](Self::residual_term)'s up to the rounding of the
    /// exponential (f32 evaluates eight at a time).
    fn residuals(h: &[Self], y: &[Self], beta: Self, scale: Self, r: &mut [Self]) {
        for ((ri, &hi), &yi) in r.iter_mut().zip(h).zip(y) {
            *ri = Self::residual_term(hi, yi, beta, scale, false).0;
        }
    }

    /// The loss terms β·ℓ = log(1 + e^{−2βyh}) of a slice summed in f64, from
    /// the same exponent z = −2βyh as the residual.
    fn loss_sum(h: &[Self], y: &[Self], beta: Self) -> f64 {
        h.iter()
            .zip(y)
            .map(|(&hi, &yi)| Self::residual_term(hi, yi, beta, Self::one(), true).1)
            .sum()
    }

    /// The matrix in f64: borrowed for f64, converted (exactly) for f32.
    fn matrix_f64(m: &DMatrix<Self>) -> Cow<'_, DMatrix<f64>>;

    /// The f64 matrix in this type: moved for f64, rounded for f32.
    fn matrix_of_f64(m: DMatrix<f64>) -> DMatrix<Self>;
}

impl Real for f64 {
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

    /// Eight lanes at a time through `wide`'s vector exponential (a degree-7
    /// polynomial after range reduction: within 0.72 ulp of e^x on [−103, 0],
    /// measured against f64 on every 37th f32 there); the tail of the slice
    /// goes through the scalar form.
    fn residuals(h: &[f32], y: &[f32], beta: f32, scale: f32, r: &mut [f32]) {
        use wide::f32x8;
        let lanes = h.len() / 8 * 8;
        let (two_beta, two_scale) = (f32x8::splat(-2.0 * beta), f32x8::splat(-2.0 * scale));
        let one = f32x8::ONE;
        for ((rc, hc), yc) in r[..lanes]
            .chunks_exact_mut(8)
            .zip(h[..lanes].chunks_exact(8))
            .zip(y[..lanes].chunks_exact(8))
        {
            let (hv, yv) = (lanes_of(hc), lanes_of(yc));
            let z = two_beta * yv * hv;
            let e = (-z.abs()).exp();
            // σ(z) = 1/(1 + e) for z ≥ 0, e/(1 + e) otherwise (e = e^{−|z|}).
            let sigma = z.simd_ge(f32x8::ZERO).select(one, e) / (one + e);
            rc.copy_from_slice(&(two_scale * yv * sigma).to_array());
        }
        for ((ri, &hi), &yi) in r[lanes..].iter_mut().zip(&h[lanes..]).zip(&y[lanes..]) {
            *ri = Self::residual_term(hi, yi, beta, scale, false).0;
        }
    }

    fn matrix_f64(m: &DMatrix<f32>) -> Cow<'_, DMatrix<f64>> {
        Cow::Owned(m.map(f64::from))
    }

    fn matrix_of_f64(m: DMatrix<f64>) -> DMatrix<f32> {
        m.map(|v| v as f32)
    }
}

/// Eight consecutive values as a vector.
fn lanes_of(v: &[f32]) -> wide::f32x8 {
    let a: [f32; 8] = v.try_into().expect("eight lanes");
    wide::f32x8::from(a)
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

    #[test]
    fn vector_residuals_agree_with_f64() {
        // As above, with the vector exponential's ≤ 0.72·2⁻²³ = 1.44·2⁻²⁴
        // relative error in place of expf's: exp, the sum 1 + e, the quotient
        // and two products round at most 5.5·2⁻²⁴ = 3.3e-7 relative in all.
        // 37 values: four vectors of eight and a scalar tail of five.
        let h: Vec<f64> = (0..37).map(|k| (k as f64 - 18.3) * 1.7).collect();
        let y: Vec<f64> = (0..37)
            .map(|k| if k % 3 == 0 { 1.0 } else { -1.0 })
            .collect();
        let (h32, y32): (Vec<f32>, Vec<f32>) = (
            h.iter().map(|&v| v as f32).collect(),
            y.iter().map(|&v| v as f32).collect(),
        );
        let mut r32 = vec![0.0f32; 37];
        f32::residuals(&h32, &y32, 0.1, 1e-3, &mut r32);
        let mut r64 = vec![0.0f64; 37];
        f64::residuals(&h, &y, 0.1, 1e-3, &mut r64);
        for k in 0..37 {
            let z = (2.0 * 0.1 * h[k]).abs();
            let tol = (2.4e-7 * z + 3.3e-7) * r64[k].abs();
            assert!((f64::from(r32[k]) - r64[k]).abs() <= tol, "h = {}", h[k]);
        }
        let (l32, l64) = (f32::loss_sum(&h32, &y32, 0.1), f64::loss_sum(&h, &y, 0.1));
        let zsum: f64 = h.iter().map(|v| (0.2 * v).abs()).sum();
        assert!((l32 - l64).abs() <= 2.4e-7 * zsum + 1e-14);
    }
}
