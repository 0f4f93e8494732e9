//! Gardner's capacity of the spherical perceptron and its maximal margin
//! (theory/replica.md §6, eqs. (C1)–(C3)).

use crate::error::{ensure, finite};
use crate::numerics::normal;
use crate::numerics::roots::increasing_root;
use crate::{Error, Result};

/// G(κ) = ∫_{−∞}^{κ} Dt (κ − t)² = (1 + κ²)Φ(κ) + κφ(κ) (eq. (C1)).
pub fn gardner_integral(kappa: f64) -> f64 {
    (1.0 + kappa * kappa) * normal::cdf(kappa) + kappa * normal::pdf(kappa)
}

/// Gardner's capacity α_c(κ) = 1/G(κ) of the spherical perceptron at margin
/// κ ≥ 0 (eq. (C2)); α_c(0) = 2. Negative margins are refused: there the
/// replica-symmetric formula is not exact (replica symmetry breaks).
pub fn alpha_c(kappa: f64) -> Result<f64> {
    finite("κ", kappa)?;
    ensure(kappa >= 0.0, || {
        format!("κ must be ≥ 0, got {kappa}: for negative margins the replica-symmetric capacity is not exact")
    })?;
    ensure(kappa <= 1e100, || {
        format!("κ must be at most 1e100, got {kappa}")
    })?;
    Ok(1.0 / gardner_integral(kappa))
}

/// The maximal margin κ*(α) at load 0 < α ≤ 2, the root of α·G(κ) = 1
/// (eq. (C3)), to ~1e-15 relative (safeguarded Newton on a bracket; G is
/// increasing with G′(κ) = 2(κΦ(κ) + φ(κ))).
pub fn max_margin(alpha: f64) -> Result<f64> {
    finite("α", alpha)?;
    ensure(alpha > 0.0, || format!("α must be positive, got {alpha}"))?;
    ensure(alpha >= 1e-200, || {
        format!("α must be at least 1e-200, got {alpha}")
    })?;
    if alpha > 2.0 {
        return Err(Error::NoSolution(format!(
            "α = {alpha} > 2: random patterns cannot be separated with a non-negative margin above \
             Gardner's capacity α_c(0) = 2 (the replica-symmetric κ < 0 branch is not exact)"
        )));
    }
    if alpha == 2.0 {
        return Ok(0.0);
    }
    let f = |k: f64| alpha * gardner_integral(k) - 1.0;
    let (mut lo, mut hi) = (0.0, (1.0 / alpha).sqrt().max(1.0));
    while f(hi) < 0.0 {
        lo = hi;
        hi *= 2.0;
    }
    let start = (1.0 / alpha - 1.0).max(0.0).sqrt().clamp(lo, hi);
    let slope = |k: f64| 2.0 * alpha * (k * normal::cdf(k) + normal::pdf(k));
    increasing_root(
        "maximal margin κ*(α)",
        |k| Ok((f(k), slope(k))),
        (lo, hi),
        start,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gardner_capacity_known_values() {
        // α_c(0) = 2 exactly (G(0) = Φ(0) = 1/2); κ*(2) = 0.
        assert_eq!(alpha_c(0.0).unwrap(), 2.0);
        assert_eq!(max_margin(2.0).unwrap(), 0.0);
        // Round trip α → κ*(α) → α_c(κ*) to 1e-14 relative (the Newton
        // tolerance is 4 ulp of κ, amplified by d ln α_c/d ln κ = O(1)).
        for &a in &[1e-6, 1e-3, 0.1, 0.4, 1.0, 1.5, 1.99, 1.999999] {
            let k = max_margin(a).unwrap();
            let back = alpha_c(k).unwrap();
            assert!(
                ((back - a) / a).abs() < 1e-14,
                "α = {a}: κ = {k}, α_c = {back}"
            );
        }
        // Small α: κ* ≈ 1/√α for α → 0 (G ≈ 1 + κ²): κ*(1e-6) ≈ 999.9995.
        assert!((max_margin(1e-6).unwrap() - (1e6f64 - 1.0).sqrt()).abs() < 1e-9);
    }

    #[test]
    fn max_margin_against_direct_quadrature_of_g() {
        // Independent check of eq. (C1): G(κ) by quadrature of (κ−t)²φ(t) on
        // [κ − 40, κ] (tail beyond 40σ is < 1e-300), requested to 1e-13.
        for &k in &[0.0, 0.3, 1.2, 4.0] {
            let q = crate::numerics::integration::integrate(
                |t| [(k - t) * (k - t) * normal::pdf(t)],
                &[k - 40.0, k - 5.0, k],
                1e-13,
                200,
            )
            .unwrap();
            assert!(
                ((q.value[0] - gardner_integral(k)) / gardner_integral(k)).abs() < 1e-13,
                "κ = {k}"
            );
        }
    }

    #[test]
    fn margin_and_capacity_reject_bad_input() {
        assert!(matches!(max_margin(2.5), Err(Error::NoSolution(_))));
        for a in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(max_margin(a).is_err(), "{a}");
        }
        assert!(alpha_c(-0.5).is_err());
        assert!(alpha_c(f64::NAN).is_err());
    }
}
