//! Averages over the spectrum of the non-condensed examples' feature
//! covariance (theory/random_features.md §3–4, eqs. (RF8), (RF9), (RF15), (RF16)).
//!
//! The eigenvalues s of W = C_⊥ᵀC_⊥/D (P×P, ratio γ = P/D = α/α_D) follow the
//! Marchenko–Pastur law with an atom 1 − 1/γ at zero when γ > 1; an example
//! direction of eigenvalue s has variance K_s = κ*² + κ1²·s (RF9). At reaction
//! x = β(1 − q) the saddle point needs G1 = E[1/(1 − xK)], k1 = E[K/(1 − xK)²]
//! and k2 = E[K²/(1 − xK)²], finite for x below the edge 1/K_max.

use crate::error::{ensure, Result};
use crate::Error;
use std::f64::consts::PI;

/// κ1² = E[g·sign g]² = 2/π: the linear part of the sign non-linearity (RF3).
pub const KAPPA1_SQ: f64 = 2.0 / PI;
/// κ*² = 1 − 2/π: the variance of the sign non-linearity beyond its linear part (RF3).
pub const KAPPA_STAR_SQ: f64 = 1.0 - 2.0 / PI;

/// Below this value of x·K_max the power series (RF16) is used: its terms
/// shrink at least by the ratio 0.1 and 30 of them reach 1e-28 relative; above
/// it the closed forms (RF15) lose at most a factor 1/(x·K)² ≤ 100·K_max²/E[K²]
/// of their ~1e-16 accuracy to cancellation.
const SERIES_BELOW: f64 = 0.1;
/// Terms of the series (RF16): 0.1^n·(n + 1) < 1e-28 at n = 30.
const SERIES_TERMS: usize = 32;

/// The three spectral averages at one reaction x, as used in eq. (RF11).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpectralAverages {
    /// G1 = E[1/(1 − xK)].
    pub g1: f64,
    /// k1 = E[K/(1 − xK)²].
    pub k1: f64,
    /// k2 = E[K²/(1 − xK)²].
    pub k2: f64,
}

/// The Marchenko–Pastur spectrum at ratio γ = α/α_D with the moments of K/K_max.
#[derive(Debug, Clone)]
pub struct Spectrum {
    /// The ratio γ = P/D.
    pub gamma: f64,
    /// The largest variance K_max = κ*² + κ1²(1 + √γ)².
    pub k_max: f64,
    /// μ_m = E[(K/K_max)^m], m = 0…SERIES_TERMS + 2 (RF16).
    moments: Vec<f64>,
}

/// ln n! for n = 0…max by summing logarithms (exact to a few ulp for n ≤ 100).
fn ln_factorials(max: usize) -> Vec<f64> {
    let mut v = vec![0.0; max + 1];
    for n in 1..=max {
        v[n] = v[n - 1] + (n as f64).ln();
    }
    v
}

impl Spectrum {
    /// The spectrum at γ > 0 (finite); fails with [`Error::InvalidInput`] otherwise.
    pub fn new(gamma: f64) -> Result<Self> {
        ensure(gamma.is_finite() && gamma > 0.0, || {
            format!("the ratio γ = α/α_D must be positive and finite, got {gamma}")
        })?;
        let e_plus = (1.0 + gamma.sqrt()).powi(2);
        let k_max = KAPPA_STAR_SQ + KAPPA1_SQ * e_plus;
        let top = SERIES_TERMS + 2;
        let lf = ln_factorials(2 * top + 2);
        let ln_binom = |n: usize, k: usize| lf[n] - lf[k] - lf[n - k];
        // ν_i = E[(s/e+)^i] = Σ_k N(i, k) γ^(k−1) / e+^i with the Narayana numbers
        // N(i, k) = C(i, k) C(i, k−1)/i (RF16): positive terms, summed in log scale.
        let nu: Vec<f64> = (0..=top)
            .map(|i| {
                if i == 0 {
                    return 1.0;
                }
                (1..=i)
                    .map(|k| {
                        (ln_binom(i, k) + ln_binom(i, k - 1) - (i as f64).ln()
                            + (k as f64 - 1.0) * gamma.ln()
                            - i as f64 * e_plus.ln())
                        .exp()
                    })
                    .sum()
            })
            .collect();
        // μ_m = Σ_i C(m, i) b0^(m−i) b1^i ν_i, b0 = κ*²/K_max, b1 = κ1² e+/K_max, b0 + b1 = 1.
        let (b0, b1) = (KAPPA_STAR_SQ / k_max, KAPPA1_SQ * e_plus / k_max);
        let moments = (0..=top)
            .map(|m| {
                (0..=m)
                    .map(|i| {
                        ln_binom(m, i).exp() * b0.powi((m - i) as i32) * b1.powi(i as i32) * nu[i]
                    })
                    .sum()
            })
            .collect();
        Ok(Self {
            gamma,
            k_max,
            moments,
        })
    }

    /// The edge of the reaction, x_edge = 1/K_max: the averages diverge there.
    pub fn x_edge(&self) -> f64 {
        1.0 / self.k_max
    }

    /// The largest reaction at which the averages are evaluated, x_edge·(1 − 10⁻¹²):
    /// closer to the edge √Δ in (RF15) is a difference of nearly equal numbers
    /// and G2 ∝ 1/√Δ is meaningless; a state needing more is beyond the edge.
    pub fn x_max(&self) -> f64 {
        self.x_edge() * (1.0 - 1e-12)
    }

    /// G1, k1, k2 at 0 ≤ x < x_edge (eqs. (RF15)–(RF16)).
    pub fn averages(&self, x: f64) -> Result<SpectralAverages> {
        ensure(x >= 0.0 && x < self.x_edge(), || {
            format!(
                "the reaction x = {x} must lie in [0, {}) (the edge of the spectrum)",
                self.x_edge()
            )
        })?;
        let y = x * self.k_max;
        let v = if y <= SERIES_BELOW {
            self.series(y)
        } else {
            self.closed_form(x)
        };
        if v.g1.is_finite() && v.k1.is_finite() && v.k2.is_finite() {
            Ok(v)
        } else {
            Err(Error::NoSolution(format!(
                "the spectral averages at x = {x} (edge {}) are not finite",
                self.x_edge()
            )))
        }
    }

    /// The power series in y = x·K_max (RF16): G1 = Σ yⁿμ_n,
    /// k1 = K_max Σ (n+1) yⁿ μ_{n+1}, k2 = K_max² Σ (n+1) yⁿ μ_{n+2}.
    pub fn series(&self, y: f64) -> SpectralAverages {
        let (mut g1, mut k1, mut k2, mut p) = (0.0, 0.0, 0.0, 1.0);
        for n in 0..=SERIES_TERMS {
            let w = (n + 1) as f64 * p;
            g1 += p * self.moments[n];
            k1 += w * self.moments[n + 1];
            k2 += w * self.moments[n + 2];
            p *= y;
        }
        SpectralAverages {
            g1,
            k1: k1 * self.k_max,
            k2: k2 * self.k_max * self.k_max,
        }
    }

    /// The closed forms through the Stieltjes transform g(z) = E[1/(z − s)]
    /// (RF15), at z = (1 − xκ*²)/(xκ1²) where 1 − xK = xκ1²(z − s).
    pub fn closed_form(&self, x: f64) -> SpectralAverages {
        let gamma = self.gamma;
        let z = (1.0 - x * KAPPA_STAR_SQ) / (x * KAPPA1_SQ);
        let (e_plus, e_minus) = ((1.0 + gamma.sqrt()).powi(2), (1.0 - gamma.sqrt()).powi(2));
        let root = ((z - e_plus) * (z - e_minus)).sqrt();
        let g = 2.0 / (z + gamma - 1.0 + root);
        // h = z g − 1 = g/(1 − γ g) without cancellation; G1 = (1 + h)/(1 − xκ*²).
        let h = g / (1.0 - gamma * g);
        let g1 = (1.0 + h) / (1.0 - x * KAPPA_STAR_SQ);
        let g1_minus_1 = (h + x * KAPPA_STAR_SQ) / (1.0 - x * KAPPA_STAR_SQ);
        // −g′(z) = g(1 − γg)/√Δ; G2 = E[1/(1 − xK)²] = −g′/(xκ1²)².
        let g2 = g * (1.0 - gamma * g) / root / (x * KAPPA1_SQ).powi(2);
        let k1 = (g2 - g1) / x;
        let k2 = (k1 - g1_minus_1 / x) / x;
        SpectralAverages { g1, k1, k2 }
    }
}
