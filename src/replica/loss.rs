//! Per-pattern losses ℓ(Δ) of a fixed-norm perceptron, as used by the
//! replica saddle point (theory/replica.md, §1 and eqs. (L1)–(L3)).
//!
//! The solver needs the proximal-map ingredients x·ℓ′(Δ) and x·ℓ″(Δ) for x up
//! to e^{10⁵} (x = β(1 − q) grows like e^{2λκ} at large λ), so every loss
//! returns them directly from ln x without forming x: the products stay
//! finite wherever they are O(1), which is everywhere the density lives.

use crate::error::{ensure, finite};
use crate::numerics::special::softplus;
use crate::Result;

/// A point where ℓ′ jumps: the proximal map sends a whole interval of t to Δ = `at`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Kink {
    /// Location of the kink in Δ.
    pub at: f64,
    /// ℓ′(at⁻).
    pub left: f64,
    /// ℓ′(at⁺).
    pub right: f64,
}

/// The proximal scale x = β(1 − q), held as ln x and as x itself (the latter
/// +∞ once ln x > 709), so that losses can use the cheap direct products when
/// x is representable and the logarithmic route when it is not.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    /// ln x.
    pub ln: f64,
    /// x (possibly +∞).
    pub value: f64,
}

impl Scale {
    /// The scale e^{ln_x}.
    pub fn new(ln_x: f64) -> Self {
        Self {
            ln: ln_x,
            value: ln_x.exp(),
        }
    }
}

/// A convex per-pattern loss, non-increasing up to its minimum.
pub trait Loss: Send + Sync + std::fmt::Debug {
    /// Short name used in output ("pl", "hinge", "square").
    fn name(&self) -> &'static str;
    /// The loss scale λ.
    fn lambda(&self) -> f64;
    /// The margin or target κ, for losses that have one.
    fn kappa(&self) -> Option<f64> {
        None
    }
    /// ℓ(Δ).
    fn value(&self, delta: f64) -> f64;
    /// (x·ℓ′(Δ), x·ℓ″(Δ)), away from kinks; finite wherever these products are.
    fn scaled_derivatives(&self, delta: f64, x: Scale) -> (f64, f64);
    /// (ℓ(Δ), x·ℓ′(Δ), x·ℓ″(Δ)) in one call, for losses that share work
    /// between them.
    fn value_and_scaled_derivatives(&self, delta: f64, x: Scale) -> (f64, f64, f64) {
        let (d1, d2) = self.scaled_derivatives(delta, x);
        (self.value(delta), d1, d2)
    }
    /// Kinks (jumps of ℓ′), sorted.
    fn kinks(&self) -> Vec<Kink> {
        Vec::new()
    }
    /// Points Δ where x·ℓ″(Δ) = 1: the proximal map switches there between
    /// following t (slope ≈ 1) and sticking to a plateau (slope ≈ 0). The
    /// quadrature places breakpoints around them at spacing [`Loss::width`].
    fn transitions(&self, _ln_x: f64) -> Vec<f64> {
        Vec::new()
    }
    /// Length scale of ℓ's variation in Δ (1/λ for the pseudo-likelihood).
    fn width(&self) -> f64;
    /// `Some(reason)` when at load α the zero-temperature ground state is
    /// degenerate (zero loss is reachable, x = ∞), so the saddle point has no
    /// finite-x solution: the RS energy minimiser does not determine P(Δ).
    fn degenerate(&self, _alpha: f64) -> Option<String> {
        None
    }
    /// A starting guess for ln x at load α.
    fn initial_ln_x(&self, alpha: f64) -> f64;
}

/// The loss scale λ of the hinge and square losses: finite, in (0, 1e6].
fn check_lambda(lambda: f64) -> Result<()> {
    finite("λ", lambda)?;
    ensure(lambda > 0.0 && lambda <= 1e6, || {
        format!("λ must be in (0, 1e6], got {lambda}")
    })
}

/// The pseudo-likelihood loss ℓ_λ(Δ) = −λΔ + ln 2cosh(λΔ) = ln(1 + e^{−2λΔ})
/// (eq. (L1)).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PseudoLikelihood {
    lambda: f64,
    ln_2l: f64,
}

impl PseudoLikelihood {
    /// λ must be positive and finite (λ → 0 is the Hebb limit, where the loss
    /// is flat and P(Δ) → N(1/√α, 1); use a small positive λ for it).
    pub fn new(lambda: f64) -> Result<Self> {
        finite("λ", lambda)?;
        ensure(lambda > 0.0, || {
            format!("λ must be positive, got {lambda} (λ → 0 is the Hebb limit: use a small λ > 0)")
        })?;
        ensure(lambda <= 1e6, || {
            format!("λ must be at most 1e6, got {lambda}")
        })?;
        Ok(Self {
            lambda,
            ln_2l: (2.0 * lambda).ln(),
        })
    }
}

impl Loss for PseudoLikelihood {
    fn name(&self) -> &'static str {
        "pl"
    }
    fn lambda(&self) -> f64 {
        self.lambda
    }
    fn value(&self, delta: f64) -> f64 {
        softplus(-2.0 * self.lambda * delta)
    }
    /// x·ℓ′ = −x·2λ·σ(−2λΔ), x·ℓ″ = x·4λ²·σ(2λΔ)σ(−2λΔ) (eq. (L1′)). For
    /// x < e^{690} directly from one exponential e^{−|2λΔ|} (where it
    /// underflows the products are below e^{−55}·λ, negligible next to the
    /// O(1) terms they join); beyond, as exponentials of sums of logarithms.
    fn scaled_derivatives(&self, delta: f64, x: Scale) -> (f64, f64) {
        let z = 2.0 * self.lambda * delta;
        if x.ln < 690.0 {
            let e = (-z.abs()).exp();
            let inv = 1.0 / (1.0 + e);
            let sig_neg = if z > 0.0 { e * inv } else { inv }; // σ(−z)
            let two_l_x = 2.0 * self.lambda * x.value;
            return (
                -two_l_x * sig_neg,
                two_l_x * 2.0 * self.lambda * e * inv * inv,
            );
        }
        let sp_pos = softplus(z); // −ln σ(−z)
        let sp_neg = softplus(-z); // −ln σ(z)
        let d1 = -(x.ln + self.ln_2l - sp_pos).exp();
        let d2 = (x.ln + 2.0 * self.ln_2l - sp_pos - sp_neg).exp();
        (d1, d2)
    }
    /// Shares e^{−|2λΔ|} between ℓ = max(−z, 0) + ln(1 + e^{−|z|}) and the
    /// direct-route derivatives.
    fn value_and_scaled_derivatives(&self, delta: f64, x: Scale) -> (f64, f64, f64) {
        let z = 2.0 * self.lambda * delta;
        if x.ln < 690.0 {
            let e = (-z.abs()).exp();
            let inv = 1.0 / (1.0 + e);
            let sig_neg = if z > 0.0 { e * inv } else { inv };
            let two_l_x = 2.0 * self.lambda * x.value;
            let value = (-z).max(0.0) + e.ln_1p();
            return (
                value,
                -two_l_x * sig_neg,
                two_l_x * 2.0 * self.lambda * e * inv * inv,
            );
        }
        let (d1, d2) = self.scaled_derivatives(delta, x);
        (self.value(delta), d1, d2)
    }
    /// x λ² sech²(λΔ) = 1 at λΔ = ±acosh(λ√x) when λ√x > 1 (eq. (L1″)).
    fn transitions(&self, ln_x: f64) -> Vec<f64> {
        let a = self.lambda.ln() + 0.5 * ln_x; // ln(λ√x)
        if a <= 0.0 {
            return Vec::new();
        }
        // acosh(eᵃ) = a + ln(1 + √(1 − e^{−2a})), overflow-free.
        let u = (a + (1.0 + (-(-2.0 * a).exp_m1()).sqrt()).ln()) / self.lambda;
        vec![-u, u]
    }
    fn width(&self) -> f64 {
        1.0 / self.lambda
    }
    /// Hebb limit xλ = 1/√α (eq. (R9)) for small λ; for larger λ at α < 2 the
    /// maximal-margin asymptote ln(2xλ) ≈ 2λκ*(α) (eq. (R11)).
    fn initial_ln_x(&self, alpha: f64) -> f64 {
        let hebb = -(self.lambda * alpha.sqrt()).ln();
        if alpha < 2.0 {
            if let Ok(k) = crate::replica::capacity::max_margin(alpha) {
                let gardner = 2.0 * self.lambda * k - (2.0 * self.lambda).ln();
                return hebb.max(gardner);
            }
        }
        hebb
    }
}

/// The margin (hinge) loss ℓ(Δ) = λ·max(0, κ − Δ) (eq. (L2)): the linear cost
/// of Gardner's perceptron with stability threshold κ. Its zero-temperature
/// ground state is unique only above capacity, α > α_c(κ); below it the
/// ground states are the whole Gardner volume (zero loss).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hinge {
    lambda: f64,
    kappa: f64,
}

impl Hinge {
    /// λ > 0 and a finite margin κ ≥ 0 (κ < 0 is outside the replica-symmetric
    /// theory's exact domain).
    pub fn new(lambda: f64, kappa: f64) -> Result<Self> {
        check_lambda(lambda)?;
        finite("κ", kappa)?;
        ensure((0.0..=1e3).contains(&kappa), || {
            format!("κ must be in [0, 1000] for the hinge loss (κ < 0 is not exact in replica symmetry), got {kappa}")
        })?;
        Ok(Self { lambda, kappa })
    }
}

impl Loss for Hinge {
    fn name(&self) -> &'static str {
        "hinge"
    }
    fn lambda(&self) -> f64 {
        self.lambda
    }
    fn kappa(&self) -> Option<f64> {
        Some(self.kappa)
    }
    fn value(&self, delta: f64) -> f64 {
        self.lambda * (self.kappa - delta).max(0.0)
    }
    fn scaled_derivatives(&self, delta: f64, x: Scale) -> (f64, f64) {
        if delta < self.kappa {
            (-(x.ln + self.lambda.ln()).exp(), 0.0)
        } else {
            (0.0, 0.0)
        }
    }
    fn kinks(&self) -> Vec<Kink> {
        vec![Kink {
            at: self.kappa,
            left: -self.lambda,
            right: 0.0,
        }]
    }
    fn width(&self) -> f64 {
        1.0
    }
    fn degenerate(&self, alpha: f64) -> Option<String> {
        let ac = crate::replica::capacity::alpha_c(self.kappa).ok()?;
        (alpha <= ac).then(|| {
            format!(
                "α = {alpha} is at or below the capacity α_c(κ = {}) = {ac:.10}: the hinge loss has zero-loss \
                 ground states (the Gardner volume), so x = ∞ and the energy minimiser does not fix P(Δ); \
                 the hinge saddle point exists only for α > α_c(κ) (see `plam margin`/`plam capacity`)",
                self.kappa
            )
        })
    }
    fn initial_ln_x(&self, alpha: f64) -> f64 {
        // Far above capacity the plateau width xλ shrinks like α^{-1/3}.
        (alpha.powf(-1.0 / 3.0) / self.lambda).ln()
    }
}

/// The square loss ℓ(Δ) = (λ/2)(Δ − κ)² with target stability κ (eq. (L3)):
/// its saddle point is known in closed form (eqs. (R13)–(R15)), which makes it
/// the test oracle of the general solver.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Square {
    lambda: f64,
    kappa: f64,
}

impl Square {
    /// λ > 0 and a finite target κ.
    pub fn new(lambda: f64, kappa: f64) -> Result<Self> {
        check_lambda(lambda)?;
        finite("κ", kappa)?;
        ensure(kappa.abs() <= 1e3, || {
            format!("κ must be in [−1000, 1000], got {kappa}")
        })?;
        Ok(Self { lambda, kappa })
    }
}

impl Loss for Square {
    fn name(&self) -> &'static str {
        "square"
    }
    fn lambda(&self) -> f64 {
        self.lambda
    }
    fn kappa(&self) -> Option<f64> {
        Some(self.kappa)
    }
    fn value(&self, delta: f64) -> f64 {
        0.5 * self.lambda * (delta - self.kappa).powi(2)
    }
    fn scaled_derivatives(&self, delta: f64, x: Scale) -> (f64, f64) {
        let ln_xl = x.ln + self.lambda.ln();
        let d = delta - self.kappa;
        // x·λ·(Δ − κ) as one exponential, so that a huge x times a tiny
        // distance from κ stays finite.
        let d1 = if d == 0.0 {
            0.0
        } else {
            d.signum() * (ln_xl + d.abs().ln()).exp()
        };
        (d1, ln_xl.exp())
    }
    fn width(&self) -> f64 {
        1.0
    }
    fn degenerate(&self, alpha: f64) -> Option<String> {
        let s = alpha * (1.0 + self.kappa * self.kappa);
        (s <= 1.0).then(|| {
            format!(
                "α(1 + κ²) = {s} ≤ 1: the square loss reaches zero (every Δ = κ is attainable on the sphere), \
                 so the ground state is degenerate and has no finite-x saddle point"
            )
        })
    }
    fn initial_ln_x(&self, alpha: f64) -> f64 {
        let s = 1.0 / (alpha * (1.0 + self.kappa * self.kappa)).sqrt();
        (s / (1.0 - s) / self.lambda).ln()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pl_derivatives_match_finite_differences() {
        // Central differences: the first derivative with h = 1e-5 has error
        // ~h²ℓ‴/6 + ε·ℓ/h ≈ 1e-10; the second with h = 1e-4 has ~h²ℓ⁗/12 +
        // 4ε·ℓ/h² ≈ 1e-7 (ℓ ≤ 7 here), so 1e-6 bounds it.
        let l = PseudoLikelihood::new(1.7).unwrap();
        for &d in &[-2.0, -0.3, 0.0, 0.4, 1.5] {
            let h = 1e-5;
            let fd1 = (l.value(d + h) - l.value(d - h)) / (2.0 * h);
            let h2 = 1e-4;
            let fd2 = (l.value(d + h2) - 2.0 * l.value(d) + l.value(d - h2)) / (h2 * h2);
            let (d1, d2) = l.scaled_derivatives(d, Scale::new(0.0));
            assert!(
                (d1 - fd1).abs() < 1e-9 * (1.0 + fd1.abs()),
                "{d}: {d1} vs {fd1}"
            );
            assert!(
                (d2 - fd2).abs() < 1e-6 * (1.0 + fd2.abs()),
                "{d}: {d2} vs {fd2}"
            );
        }
    }

    #[test]
    fn pl_direct_and_logarithmic_routes_agree() {
        // The two code paths meet at ln x = 690; on either side of it they
        // must agree to rounding (a few ulp of ln x ≈ 690, i.e. ~1e-13).
        let l = PseudoLikelihood::new(0.7).unwrap();
        for &d in &[-3.0, -0.2, 0.0, 0.5, 400.0, 500.0] {
            let lo = l.scaled_derivatives(d, Scale::new(689.999_999));
            let hi = l.scaled_derivatives(d, Scale::new(690.000_001));
            let f = (2e-6f64).exp();
            for (a, b) in [(lo.0, hi.0), (lo.1, hi.1)] {
                assert!(
                    (a * f - b).abs() <= 1e-12 * b.abs() + 1e-300,
                    "Δ = {d}: {a} vs {b}"
                );
            }
        }
    }

    #[test]
    fn pl_scaled_derivatives_survive_huge_x() {
        // At ln x = 5000 and λΔ = 2500, x·ℓ′ = −2λ·e^{5000 − 5000}·(1+…) ≈ −2λ;
        // forming x would overflow. Exponents of size 5000 carry an absolute
        // rounding of a few ulp(5000) ≈ 1e-12, hence the 5e-12 tolerance.
        let l = PseudoLikelihood::new(1.0).unwrap();
        let (d1, d2) = l.scaled_derivatives(2500.0, Scale::new(5000.0));
        assert!(
            (d1 + 2.0).abs() < 5e-12 && (d2 - 4.0).abs() < 1e-11,
            "{d1} {d2}"
        );
        let t = l.transitions(5000.0);
        // cosh(λΔ) = λ√x → λΔ ≈ 2500 + ln 2.
        assert!((t[1] - (2500.0 + std::f64::consts::LN_2)).abs() < 1e-9);
    }

    #[test]
    fn bad_parameters_are_rejected() {
        for l in [0.0, -1.0, f64::NAN, f64::INFINITY, 1e7] {
            assert!(PseudoLikelihood::new(l).is_err(), "{l}");
        }
        assert!(Hinge::new(1.0, -0.1).is_err());
        assert!(Hinge::new(1.0, f64::NAN).is_err());
        assert!(Square::new(0.0, 1.0).is_err());
    }
}
