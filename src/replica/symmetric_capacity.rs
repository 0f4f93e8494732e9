//! Capacity and maximal stability of symmetric couplings in the
//! second-cumulant (Gaussian) replica theory of theory/symmetric.md,
//! eqs. (S1)–(S16).
//!
//! The theory averages each pattern's N stabilities as jointly Gaussian and
//! keeps the collective mode that symmetric couplings add to them: a common
//! shift s of every stability of a pattern. It is exact for the *Gaussian
//! pair-disorder* model (ξ_i^μ ξ_j^μ replaced by independent standard normals
//! η_ij^μ = η_ji^μ); for ±1 patterns it is not, and it violates the
//! pseudo-inverse bound κ*_sym(α) ≥ √((1 − α)/α) for κ > 0.2143, α < 0.956
//! (theory/symmetric.md §5 says why: the ±1 average depends on the whole
//! spectrum of J, the Gaussian one only on its second moment). Callers that
//! want the ±1 answer must treat these numbers as the theory to be tested,
//! not as the answer.

use super::capacity::gardner_integral;
use crate::error::{ensure, finite};
use crate::numerics::normal;
use crate::numerics::roots::increasing_root;
use crate::{Error, Result};

/// E[(u − t)₊] for t ~ N(0, 1): uΦ(u) + φ(u), the mean excess below u
/// (its derivative in u is Φ(u)).
fn mean_excess(u: f64) -> f64 {
    u * normal::cdf(u) + normal::pdf(u)
}

/// The collective shift s(κ) of the maximal-stability solution, the root of
/// s = E[(κ − s − t)₊] = (κ − s)Φ(κ − s) + φ(κ − s) (eq. (S12)).
///
/// h(s) = s − E[(κ − s − t)₊] is increasing (h′ = 1 + Φ(κ − s) ∈ [1, 2]),
/// negative at s = 0 and positive at s = max(κ, 0) + 1, so the root is
/// unique; safeguarded Newton on that bracket converges to a few ulp.
pub fn collective_shift(kappa: f64) -> Result<f64> {
    finite("κ", kappa)?;
    ensure(kappa >= 0.0, || {
        format!(
            "κ must be ≥ 0, got {kappa}: the symmetric theory is derived for non-negative margins"
        )
    })?;
    ensure(kappa <= 1e100, || {
        format!("κ must be at most 1e100, got {kappa}")
    })?;
    let h = |s: f64| s - mean_excess(kappa - s);
    // Large κ: s = κ/2 + O(e^{−κ²/8}), the start that converges at once.
    let start = 0.5 * kappa + 0.25;
    let slope = |s: f64| 1.0 + normal::cdf(kappa - s);
    increasing_root(
        "collective shift s(κ)",
        |s| Ok((h(s), slope(s))),
        (0.0, kappa + 1.0),
        start,
    )
}

/// The capacity integral of symmetric couplings,
/// M(κ) = min_s [G(κ − s) + s²] = G(κ − s(κ)) + s(κ)² (eq. (S13)), with
/// G of eq. (C1). M(κ) ≤ G(κ) (s = 0 is a candidate) and M′(κ) = 2s(κ)
/// (envelope theorem).
pub fn capacity_integral(kappa: f64) -> Result<f64> {
    let s = collective_shift(kappa)?;
    Ok(gardner_integral(kappa - s) + s * s)
}

/// The capacity α_c^sym(κ) = 1/(2M(κ)) of symmetric couplings at margin
/// κ ≥ 0 in the second-cumulant theory (eq. (S14));
/// α_c^sym(0) = 1.2779141590… .
pub fn alpha_c(kappa: f64) -> Result<f64> {
    Ok(0.5 / capacity_integral(kappa)?)
}

/// The maximal stability κ*_sym(α) of the second-cumulant theory, the root
/// of 2α M(κ) = 1 (eq. (S15)), for 0 < α ≤ α_c^sym(0); safeguarded Newton
/// with M′(κ) = 2s(κ), to ~1e-14 relative.
pub fn max_margin(alpha: f64) -> Result<f64> {
    finite("α", alpha)?;
    ensure(alpha > 0.0, || format!("α must be positive, got {alpha}"))?;
    ensure(alpha >= 1e-200, || {
        format!("α must be at least 1e-200, got {alpha}")
    })?;
    let a0 = alpha_c(0.0)?;
    if alpha > a0 {
        return Err(Error::NoSolution(format!(
            "α = {alpha} > {a0}: above the second-cumulant capacity α_c^sym(0) of symmetric \
             couplings no non-negative margin exists in that theory"
        )));
    }
    let f = |k: f64| -> Result<f64> { Ok(2.0 * alpha * capacity_integral(k)? - 1.0) };
    // M(κ) ≥ G(κ/2) ≥ ½(1 + κ²/4) for κ ≥ 0 would do; doubling is simpler.
    let (mut lo, mut hi) = (0.0, (1.0 / alpha).sqrt().max(1.0));
    while f(hi)? < 0.0 {
        lo = hi;
        hi *= 2.0;
    }
    let start = (0.5 / alpha - 1.0).max(0.0).sqrt().clamp(lo, hi);
    let value_slope = |k: f64| Ok((f(k)?, 4.0 * alpha * collective_shift(k)?));
    increasing_root(
        "symmetric maximal margin κ*_sym(α)",
        value_slope,
        (lo, hi),
        start,
    )
}

/// The law of the stabilities at the maximal-stability solution of the
/// second-cumulant theory (eq. (S16)): Δ = max(t + s, κ) with t ~ N(0, 1),
/// i.e. an atom of mass Φ(κ − s) at κ and the density φ(Δ − s) above it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StabilityLaw {
    /// The margin κ (the atom's position).
    pub kappa: f64,
    /// The collective shift s(κ) of eq. (S12).
    pub shift: f64,
}

impl StabilityLaw {
    /// The law at margin κ ≥ 0 (the maximal stability of load α_c^sym(κ)).
    pub fn at_margin(kappa: f64) -> Result<Self> {
        Ok(StabilityLaw {
            kappa,
            shift: collective_shift(kappa)?,
        })
    }

    /// The law at the maximal stability κ*_sym(α) of load α.
    pub fn at_load(alpha: f64) -> Result<Self> {
        Self::at_margin(max_margin(alpha)?)
    }

    /// Mass of the atom at Δ = κ: Φ(κ − s).
    pub fn atom(&self) -> f64 {
        normal::cdf(self.kappa - self.shift)
    }

    /// Density of the continuous part, φ(Δ − s) for Δ > κ, zero below.
    pub fn pdf(&self, delta: f64) -> f64 {
        if delta > self.kappa {
            normal::pdf(delta - self.shift)
        } else {
            0.0
        }
    }

    /// P(Δ ≤ δ): 0 below κ, Φ(δ − s) from κ on (the atom included).
    pub fn cdf(&self, delta: f64) -> f64 {
        if delta < self.kappa {
            0.0
        } else {
            normal::cdf(delta - self.shift)
        }
    }

    /// Mean E[Δ] = κ + E[(t − u)₊] with u = κ − s; by eq. (S12) it equals
    /// 2s (eq. (S17)).
    pub fn mean(&self) -> f64 {
        let u = self.kappa - self.shift;
        self.kappa + mean_excess(-u)
    }

    /// Variance of Δ: E[(Δ − κ)²] − (E[Δ] − κ)², with
    /// E[(t − u)₊²] = G(−u) of eq. (C1).
    pub fn variance(&self) -> f64 {
        let u = self.kappa - self.shift;
        let m1 = mean_excess(-u);
        gardner_integral(-u) - m1 * m1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shift_solves_its_equation() {
        for &k in &[0.0, 0.3, 1.0, 5.0, 40.0] {
            let s = collective_shift(k).unwrap();
            // h′ ≥ 1, so |h(s)| bounds the error of s; Newton stops within
            // 4 ulp of s, so |h| ≤ 2·4ε(1 + κ) plus rounding: 1e-14(1 + κ).
            assert!(
                (s - mean_excess(k - s)).abs() < 1e-14 * (1.0 + k),
                "κ = {k}"
            );
        }
    }

    #[test]
    fn rejects_bad_input() {
        assert!(collective_shift(-0.1).is_err());
        assert!(alpha_c(f64::NAN).is_err());
        assert!(matches!(max_margin(1.5), Err(Error::NoSolution(_))));
        for a in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(max_margin(a).is_err(), "{a}");
        }
    }
}
