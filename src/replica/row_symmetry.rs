//! The symmetry of Gardner's maximal-stability couplings: how far the N
//! rows' own optima are from a symmetric matrix, theory/symmetric.md §10,
//! eq. (S27).
//!
//! Each row i of an asymmetric network, trained alone to its maximal
//! stability κ*(α), is a unit vector W_i. Their symmetry
//! η = Σ_{i≠j} W_ij W_ji / Σ_{i≠j} W_ij² tends, as N → ∞, to
//!
//!   η(α) = α I₁(κ)² / (1 − α Φ(κ)²),   I₁(κ) = κΦ(κ) + φ(κ),   κ = κ*(α),
//!
//! and the asymmetry a² = ‖(W − Wᵀ)/2‖²/‖W‖² that sets the limit bound (S26)
//! on symmetric couplings is (1 − η)/2. η → 1 as α → 0 (the optima tend to
//! the symmetric projector) and η → 2/π at α = 2.
//!
//! With (S26) this bounds symmetric couplings in the limit N → ∞ with no
//! measured input: κ*_sym(α) ≤ κ*(α)√((1 + η)/2) (S28), and the load where
//! that bound reaches κ bounds α_c^sym(κ) (S28a).

use super::capacity::{alpha_c, gardner_integral, max_margin};
use crate::error::{ensure, finite};
use crate::numerics::integration::integrate;
use crate::numerics::normal;
use crate::Result;

/// The symmetry of the rows' maximal-stability optima at one load.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct RowSymmetry {
    /// The load α.
    pub alpha: f64,
    /// Gardner's maximal stability κ*(α) (C3), at which every row sits.
    pub kappa: f64,
    /// η, the correlation of W_ij with W_ji (S27).
    pub eta: f64,
    /// a² = (1 − η)/2, computed without cancellation (S27a).
    pub asymmetry: f64,
}

/// The two tail moments D(κ) = ∫₀^∞ s² e^{−κs−s²/2} ds and
/// E(κ) = ∫₀^∞ s e^{−κs−s²/2} ds, i.e. E[(t − κ)₊^k]/φ(κ) for k = 2, 1.
/// In closed form D = (1 + κ²)R − κ and E = 1 − κR with R the Mills ratio
/// Ψ/φ, which cancel to relative order κ⁻⁴ and κ⁻² for large κ; the
/// integrals of positive, smooth integrands do not. The upper end S solves
/// κS + S²/2 = 50, so the omitted tail is below e⁻⁵⁰ S² relative.
fn tail_moments(kappa: f64) -> Result<(f64, f64)> {
    let s_max = 100.0 / (kappa + (kappa * kappa + 100.0).sqrt());
    let cuts: Vec<f64> = [0.0, 1.0 / 64.0, 1.0 / 16.0, 0.25, 1.0]
        .iter()
        .map(|c| c * s_max)
        .collect();
    let q = integrate(
        |s| {
            let w = (-kappa * s - 0.5 * s * s).exp();
            [s * s * w, s * w]
        },
        &cuts,
        1e-14,
        400,
    )?;
    Ok((q.value[0], q.value[1]))
}

/// η(α) and a²(α) of the rows' maximal-stability optima, eq. (S27), for
/// 0 < α ≤ 2.
///
/// η is evaluated as written (no cancellation: every term is positive);
/// a² = (1 − η)/2 as (S27a),
///
///   1 − η = αφ(κ) [Φ(κ)D(κ) − φ(κ)E(κ)] / (1 − αΦ(κ)²),
///
/// which uses Gardner's equation α G(κ) = 1 to remove the cancellation
/// 1 − η has at small α (there a² ≈ φ(κ)/κ⁵). Both to ~1e-13 relative,
/// except that a² underflows to 0 where φ(κ) does, κ > 37.5 (α < 7·10⁻⁴,
/// a² < 10⁻³⁰⁰).
pub fn row_symmetry(alpha: f64) -> Result<RowSymmetry> {
    finite("α", alpha)?;
    let kappa = max_margin(alpha)?;
    let (cdf, pdf) = (normal::cdf(kappa), normal::pdf(kappa));
    let i1 = kappa * cdf + pdf;
    let denominator = 1.0 - alpha * cdf * cdf;
    let eta = alpha * i1 * i1 / denominator;
    let (d, e) = tail_moments(kappa)?;
    // α is recomputed from κ so that Gardner's equation, used to reach
    // (S27a), holds to rounding even where κ*(α) carries its own 4-ulp error.
    let alpha_k = 1.0 / gardner_integral(kappa);
    let one_minus_eta = alpha_k * pdf * (cdf * d - pdf * e) / (1.0 - alpha_k * cdf * cdf);
    Ok(RowSymmetry {
        alpha,
        kappa,
        eta,
        asymmetry: 0.5 * one_minus_eta,
    })
}

/// The bound (S28) on lim κ*_sym(α): κ*(α)√(1 − a²(α)) = κ*(α)√((1 + η)/2),
/// for 0 < α ≤ 2 (0 at α = 2). It lies between 0.9046κ*(α) (the factor at
/// α = 2) and κ*(α).
pub fn symmetric_margin_bound(alpha: f64) -> Result<f64> {
    let r = row_symmetry(alpha)?;
    Ok(r.kappa * (1.0 - r.asymmetry).sqrt())
}

/// The load at which (S28) reaches κ ≥ 0, eq. (S28a): an upper bound on
/// α_c^sym(κ) as N → ∞, below Gardner's α_c(κ) for κ > 0 and 2 at κ = 0.
///
/// The bound of (S28) decreases in α (κ* does and a² grows), and
/// 0.9046κ* ≤ (S28) ≤ κ*, so the root lies in [α_c(κ/0.9), α_c(κ)];
/// bisection to a bracket of 4 ulp, then accurate to ~1e-12 relative (the
/// accuracy of (S28) times its logarithmic slope, O(1)).
pub fn symmetric_capacity_bound(kappa: f64) -> Result<f64> {
    finite("κ", kappa)?;
    ensure(kappa >= 0.0, || {
        format!("κ must be ≥ 0, got {kappa}: the bound is derived for non-negative margins")
    })?;
    ensure(kappa <= 1e6, || {
        format!("κ must be at most 1e6, got {kappa}")
    })?;
    if kappa == 0.0 {
        return Ok(2.0);
    }
    let (mut lo, mut hi) = (alpha_c(kappa / 0.9)?, alpha_c(kappa)?);
    while hi - lo > 4.0 * f64::EPSILON * hi {
        let mid = 0.5 * (lo + hi);
        if symmetric_margin_bound(mid)? > kappa {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Ok(0.5 * (lo + hi))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numerics::integration::integrate;
    use std::f64::consts::PI;

    /// (1/P) Tr (C + m)^{−k}, k = 1, 2, for C the P×P Gram matrix of P
    /// random patterns in N dimensions, P/N = c (Marchenko–Pastur, mean 1),
    /// by quadrature in λ = 1 + c + 2√c cos θ (smooth at both edges) plus
    /// the atom 1 − 1/c at λ = 0 when c > 1. λ is formed as
    /// (1 − √c)² + 2b cos²(θ/2), which does not cancel at the lower edge.
    fn mp_moments(c: f64, m: f64) -> [f64; 2] {
        let b = 2.0 * c.sqrt();
        let low = (1.0 - c.sqrt()).powi(2);
        let q = integrate(
            |th| {
                let l = low + 2.0 * b * (0.5 * th).cos().powi(2);
                let s = th.sin();
                let w = b * b * s * s / (2.0 * PI * c * l);
                [w / (l + m), w / ((l + m) * (l + m))]
            },
            &[0.0, PI / 2.0, PI],
            1e-13,
            400,
        )
        .unwrap();
        let atom = (1.0 - 1.0 / c).max(0.0);
        [q.value[0] + atom / m, q.value[1] + atom / (m * m)]
    }

    /// η by the route of theory/symmetric.md §10 before its simplification:
    /// the shift m solving (1/P)Tr(C + m)⁻¹ = Φ/γ by bisection, then
    /// η = α I₁² (γ/Φ)² (1/P)Tr(C + m)⁻².
    fn eta_by_marchenko_pastur(alpha: f64) -> f64 {
        let k = max_margin(alpha).unwrap();
        let (cdf, pdf) = (normal::cdf(k), normal::pdf(k));
        let gamma = 1.0 - alpha * cdf;
        let target = cdf / gamma;
        // s1 decreases in m from +∞ (m → 0 for c ≥ 1, or 1/(1−c) for c < 1).
        let (mut lo, mut hi) = (1e-12_f64, 1e3_f64);
        for _ in 0..200 {
            let mid = (lo * hi).sqrt();
            if mp_moments(alpha, mid)[0] > target {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let s2 = mp_moments(alpha, (lo * hi).sqrt())[1];
        let i1 = k * cdf + pdf;
        alpha * i1 * i1 * (gamma / cdf).powi(2) * s2
    }

    #[test]
    fn closed_form_against_the_marchenko_pastur_route() {
        // Independent of the algebra that turns the route into (S27): the
        // shift m is found by bisection on a quadrature of the MP law. The
        // bisection runs to the ratio 1 + 1e-15 in m; quadrature to 1e-13;
        // 1e-10 covers the propagation through s2 (d ln s2/d ln m = O(1)
        // except near c = 1, m → 0, where it stays below 10 here).
        for &a in &[0.1, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 1.95] {
            let closed = row_symmetry(a).unwrap().eta;
            let route = eta_by_marchenko_pastur(a);
            assert!(
                ((closed - route) / closed).abs() < 1e-10,
                "α = {a}: (S27) {closed}, MP route {route}"
            );
        }
    }

    #[test]
    fn the_two_forms_of_the_asymmetry_agree_where_neither_cancels() {
        // For κ ≤ 2 (α ≥ 0.19) 1 − η loses at most two digits to
        // cancellation, so (1 − η)/2 from η and (S27a) agree to 1e-13.
        for &a in &[0.19, 0.3, 0.5, 1.0, 1.5, 1.9, 2.0] {
            let r = row_symmetry(a).unwrap();
            let direct = 0.5 * (1.0 - r.eta);
            assert!(
                ((direct - r.asymmetry) / r.asymmetry).abs() < 1e-13,
                "α = {a}: {direct} vs {}",
                r.asymmetry
            );
        }
    }

    #[test]
    fn limits_of_the_symmetry() {
        // α = 2: κ = 0, I₁ = φ(0), Φ = 1/2, so η = 4φ(0)² = 2/π exactly.
        let r = row_symmetry(2.0).unwrap();
        assert!((r.eta - 2.0 / PI).abs() < 1e-15, "{}", r.eta);
        // α → 0: 1 − η = αφ[ΦD − φE]/(1 − αΦ²) with D = 2/κ³(1 − 6/κ² + …),
        // α = 1/G = 1/(1 + κ²) + O(φ/κ³), so a² = φ(κ)/κ⁵ (1 + O(1/κ²)): at
        // κ = 30 the relative correction is about 7/κ² = 0.008 < 0.01.
        let a = 1.0 / gardner_integral(30.0);
        let r = row_symmetry(a).unwrap();
        let asymptotic = normal::pdf(r.kappa) / r.kappa.powi(5);
        assert!(
            ((r.asymmetry - asymptotic) / asymptotic).abs() < 0.01,
            "{} vs {asymptotic}",
            r.asymmetry
        );
        assert!(r.asymmetry > 0.0 && r.asymmetry < 1e-190);
        // Beyond κ = 37.5 φ(κ) underflows and so does a², to exactly 0.
        let r = row_symmetry(1.0 / gardner_integral(40.0)).unwrap();
        assert_eq!(r.asymmetry, 0.0);
        // η = ακ²/(1 − α) = 1 there, up to κ*'s 4-ulp error times
        // d ln η/d ln κ ≈ 2 and the rounding of 1 − α: 1e-14.
        assert!((r.eta - 1.0).abs() < 1e-14, "{}", r.eta);
        // The asymmetry grows with the load on the whole range.
        let grid: Vec<f64> = (1..=40)
            .map(|k| row_symmetry(0.05 * k as f64).unwrap().asymmetry)
            .collect();
        assert!(grid.windows(2).all(|w| w[1] > w[0]), "{grid:?}");
    }

    #[test]
    fn refuses_loads_without_a_maximal_stability() {
        for a in [0.0, -1.0, 2.5, f64::NAN, f64::INFINITY] {
            assert!(row_symmetry(a).is_err(), "{a}");
            assert!(symmetric_margin_bound(a).is_err(), "{a}");
        }
        for k in [-0.1, f64::NAN, f64::INFINITY, 1e7] {
            assert!(symmetric_capacity_bound(k).is_err(), "{k}");
        }
    }

    #[test]
    fn the_limit_bound_and_its_capacity_line() {
        // Round trip α → (S28) → (S28a) → α: the bisection stops at 4 ulp and
        // (S28) is accurate to ~1e-13, amplified by its log-slope (< 10 here).
        for &a in &[0.05, 0.5, 1.0, 1.5, 1.9, 1.999] {
            let k = symmetric_margin_bound(a).unwrap();
            let back = symmetric_capacity_bound(k).unwrap();
            assert!(((back - a) / a).abs() < 1e-11, "α = {a}: {back}");
            // Between the factor at α = 2 and Gardner's value.
            let g = max_margin(a).unwrap();
            assert!(k < g && k > 0.9045 * g, "α = {a}: {k} vs {g}");
        }
        assert_eq!(symmetric_capacity_bound(0.0).unwrap(), 2.0);
        assert_eq!(symmetric_margin_bound(2.0).unwrap(), 0.0);
        // Near κ = 0: Gardner's α_c = 2 − 8φ(0)κ + O(κ²) and the factor
        // √((1 + 2/π)/2), so α_b = 2 − 8φ(0)κ/√((1 + 2/π)/2) + O(κ²): at
        // κ = 1e-6 the O(κ²) term is ~1e-6 relative to the slope.
        let k = 1e-6;
        let slope = (2.0 - symmetric_capacity_bound(k).unwrap()) / k;
        let expected = 8.0 * normal::pdf(0.0) / ((1.0 + 2.0 / PI) / 2.0).sqrt();
        assert!(
            ((slope - expected) / expected).abs() < 1e-4,
            "{slope} vs {expected}"
        );
    }
}
