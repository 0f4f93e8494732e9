//! The zero-temperature replica-symmetric equations of the Hebbian
//! random-features Hopfield model (theory/random_features.md §4, eqs.
//! (RF11)–(RF14)): the noise ρ and the feature gain a from the spectrum, the
//! site averages, and one step of the fixed-point map for a state correlated
//! with one example (storage) or one feature (learning).

use super::spectrum::{Spectrum, KAPPA1_SQ};
use crate::error::Result;
use crate::numerics::{integration, normal};

/// Relative tolerance of the site integrals over the pre-activation g (RF13):
/// below the 1e-11 relative bracket of the lines, so the quadrature does not
/// move them.
const SITE_RTOL: f64 = 1e-13;
/// The half-normal integrals stop at |g| = 12, where 2φ(12)·12 < 1e-30.
const G_MAX: f64 = 12.0;

/// The load α = P/N, the feature density α_D = D/N and their spectrum.
#[derive(Debug, Clone)]
pub struct Loads {
    /// α = P/N.
    pub alpha: f64,
    /// α_D = D/N.
    pub alpha_d: f64,
    /// The spectrum at γ = α/α_D.
    pub spectrum: Spectrum,
}

impl Loads {
    /// The loads (α, α_D), both positive and finite.
    pub fn new(alpha: f64, alpha_d: f64) -> Result<Self> {
        crate::error::ensure(alpha.is_finite() && alpha > 0.0, || {
            format!("α must be positive and finite, got {alpha}")
        })?;
        crate::error::ensure(alpha_d.is_finite() && alpha_d > 0.0, || {
            format!("α_D must be positive and finite, got {alpha_d}")
        })?;
        Ok(Self {
            alpha,
            alpha_d,
            spectrum: Spectrum::new(alpha / alpha_d)?,
        })
    }

    /// The gain a(x) = κ1²γ·G1(x) of the condensed direction (RF11).
    pub fn gain(&self, x: f64) -> Result<f64> {
        Ok(KAPPA1_SQ * self.spectrum.gamma * self.spectrum.averages(x)?.g1)
    }

    /// The gain a(x) and the noise ρ = α·k2(x) + κ1²γ t²·k1(x) (RF11) at
    /// overlap t with the condensed direction.
    pub fn gain_noise(&self, x: f64, t: f64) -> Result<(f64, f64)> {
        let s = self.spectrum.averages(x)?;
        let kg = KAPPA1_SQ * self.spectrum.gamma;
        Ok((kg * s.g1, self.alpha * s.k2 + kg * t * t * s.k1))
    }
}

/// Site averages of a state retrieving an example (RF13): with the field
/// h = m·sign(g) + a t·g + √ρ z and u = m/√ρ, w = a t/√ρ, returns
/// (E[sign g · sign h], E[g · sign h], E[z · sign h]) =
/// (E[2Φ(u + w|g|) − 1], E[|g|(2Φ(u + w|g|) − 1)], 2E[φ(u + w|g|)]).
pub fn storage_site(u: f64, w: f64) -> Result<[f64; 3]> {
    let f = |g: f64| {
        let weight = 2.0 * normal::pdf(g);
        let y = u + w * g;
        let tanh_like = 1.0 - 2.0 * normal::cdf(-y);
        [
            weight * tanh_like,
            weight * g * tanh_like,
            weight * 2.0 * normal::pdf(y),
        ]
    };
    let breaks = [0.0, 0.5, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, G_MAX];
    Ok(integration::integrate(f, &breaks, SITE_RTOL, 4000)?.value)
}

/// Site averages of a state retrieving a feature (RF14): with the field
/// h = a t·f + √ρ z (f = ±1) and u = a t/√ρ, returns
/// (E[f · sign h], E[z · sign h]) = (2Φ(u) − 1, 2φ(u)).
pub fn learning_site(u: f64) -> [f64; 2] {
    [1.0 - 2.0 * normal::cdf(-u), 2.0 * normal::pdf(u)]
}

/// A state retrieving an example: overlap m with it, t with its
/// pre-activation g, and the reaction x = β(1 − q).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StorageState {
    /// m = ξ·σ/N.
    pub m: f64,
    /// t = g·σ/N.
    pub t: f64,
    /// x = β(1 − q) at zero temperature.
    pub x: f64,
}

/// A state retrieving a feature: overlap t with it and the reaction x.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LearningState {
    /// t = f·σ/N.
    pub t: f64,
    /// x = β(1 − q) at zero temperature.
    pub x: f64,
}

/// The storage map (RF12)–(RF13): the state the saddle-point equations
/// assign to `s`.
pub fn storage_map(loads: &Loads, s: StorageState) -> Result<StorageState> {
    let (a, rho) = loads.gain_noise(s.x, s.t)?;
    let sr = rho.sqrt();
    let [m, t, zs] = storage_site(s.m / sr, a * s.t / sr)?;
    Ok(StorageState { m, t, x: zs / sr })
}

/// The learning map (RF12), (RF14): the state the saddle-point equations
/// assign to `s`.
pub fn learning_map(loads: &Loads, s: LearningState) -> Result<LearningState> {
    let (a, rho) = loads.gain_noise(s.x, s.t)?;
    let sr = rho.sqrt();
    let [t, zs] = learning_site(a * s.t / sr);
    Ok(LearningState { t, x: zs / sr })
}
