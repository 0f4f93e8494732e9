//! The stability law P(Δ) that a proximal scale x defines (theory/replica.md
//! eqs. (R3), (R5), (R6), (R8)): the proximal map Δ*(t), its density,
//! distribution function, atoms and quantiles.

use crate::numerics::normal;
use crate::replica::loss::{Kink, Loss, Scale};
use std::sync::Arc;

/// The law of the stability Δ*(t), t ~ N(0, 1), for a loss at proximal scale
/// x = β(1 − q), held as ln x so that x may exceed a double.
#[derive(Debug, Clone)]
pub struct Law {
    pub(super) loss: Arc<dyn Loss>,
    pub(super) kinks: Vec<Kink>,
    pub(super) scale: Scale,
    /// Relative tolerance of every quadrature over the law.
    pub(super) rtol: f64,
    /// Panel cap of every quadrature over the law.
    pub(super) max_panels: usize,
}

impl Law {
    /// The law of `loss` at ln x = `ln_x`, integrated to relative tolerance
    /// `rtol` with at most `max_panels` panels.
    pub(super) fn new(loss: Arc<dyn Loss>, ln_x: f64, rtol: f64, max_panels: usize) -> Self {
        let kinks = loss.kinks();
        Self {
            loss,
            kinks,
            scale: Scale::new(ln_x),
            rtol,
            max_panels,
        }
    }

    /// Moves the law to ln x = `u`.
    pub(super) fn set_ln_x(&mut self, u: f64) {
        self.scale = Scale::new(u);
    }

    /// The loss this law belongs to.
    pub fn loss(&self) -> &dyn Loss {
        self.loss.as_ref()
    }

    /// ln x, always finite.
    pub fn ln_x(&self) -> f64 {
        self.scale.ln
    }

    /// x = β(1 − q) (+∞ once ln x > 709).
    pub fn x(&self) -> f64 {
        self.scale.value
    }

    /// g(Δ) = Δ + xℓ′(Δ) away from kinks, with g′(Δ) − 1 = xℓ″(Δ) (eq. (R3)).
    pub(super) fn g(&self, delta: f64) -> (f64, f64) {
        let (d1, d2) = self.loss.scaled_derivatives(delta, self.scale);
        (delta + d1, d2)
    }

    /// x times a one-sided derivative at a kink, overflow-free.
    fn scaled(&self, d: f64) -> f64 {
        if d == 0.0 {
            0.0
        } else {
            d.signum() * (self.scale.ln + d.abs().ln()).exp()
        }
    }

    /// The t-interval [g(κ⁻), g(κ⁺)] that a kink's atom absorbs (eq. (R6)).
    pub(super) fn gap(&self, k: &Kink) -> (f64, f64) {
        (k.at + self.scaled(k.left), k.at + self.scaled(k.right))
    }

    /// The proximal map Δ*(t) = argmin_Δ {ℓ(Δ) + (Δ − t)²/(2x)} (eq. (R3)).
    ///
    /// Off the atoms, Δ* solves −s·xℓ′(Δ) = s(Δ − t) > 0 with s = sign(t − g(t))
    /// the side of t that holds the root; it is found as the root of the log
    /// form φ(Δ) = ln(−s·xℓ′(Δ)) − ln(s(Δ − t)), monotone on that side of t and
    /// nearly linear where ℓ′ is exponential (where Newton on g itself
    /// would creep by 1/(2λ) per step), by Newton's method safeguarded with
    /// bisection on an expanding bracket. Accuracy: a few ulp of Δ*.
    pub fn prox(&self, t: f64) -> f64 {
        self.prox_to(t, 2.0 * f64::EPSILON)
    }

    /// [`Self::prox`] to a relative tolerance `tol` on Δ* − t. Quadrature
    /// breakpoints use 1e-6: adaptivity makes the integral independent of where
    /// panel edges fall, and moving the outermost ones (t = ±9) by δ changes
    /// the truncated mass by only φ(9)·δ ≈ 1e-18·δ.
    pub(super) fn prox_to(&self, t: f64, tol: f64) -> f64 {
        self.prox_near(t, f64::NAN, tol)
    }

    /// [`Self::prox_to`] started from `hint`, the proximal point of t at a
    /// nearby x (NaN for none): Newton from the hint inside a bracket grown
    /// outwards from it, instead of a bracket doubled from r = 1/λ. The root
    /// and its tolerance are the same; only the path to them is shorter.
    pub(super) fn prox_near(&self, t: f64, hint: f64, tol: f64) -> f64 {
        for k in &self.kinks {
            let (a, b) = self.gap(k);
            if t >= a && t <= b {
                return k.at;
            }
        }
        let (g0, _) = self.g(t);
        if g0 == t {
            return t;
        }
        // s = +1: the root lies above t (ℓ′(Δ*) < 0); s = −1: below.
        let s = if g0 < t { 1.0 } else { -1.0 };
        let r0 = s * (hint - t);
        if let Some((r_lo, r_hi, start)) = self.prox_bracket_near(t, s, r0) {
            return t + s * self.prox_newton(t, s, (r_lo, r_hi), start, tol);
        }
        let Some((r_lo, r_hi)) = self.prox_bracket(t, s) else {
            return f64::NAN;
        };
        t + s * self.prox_newton(t, s, (r_lo, r_hi), 0.5 * (r_lo + r_hi), tol)
    }

    /// A bracket [r_lo, r_hi] of the root grown from a hint r0 > 0, and the
    /// Newton point from r0 to start at (the midpoint when that point leaves
    /// the bracket): the far end starts twice the Newton step away and
    /// doubles its distance until φ changes sign. `None` without a usable
    /// hint or when φ stays non-finite.
    fn prox_bracket_near(&self, t: f64, s: f64, r0: f64) -> Option<(f64, f64, f64)> {
        if !(r0 > 0.0 && r0.is_finite()) {
            return None;
        }
        let (p0, dp0) = self.prox_log_form(t, s, r0);
        if !p0.is_finite() || dp0.is_nan() || dp0 >= 0.0 {
            return None;
        }
        let newton = r0 - p0 / dp0;
        let mut step = 2.0 * (newton - r0).abs() + f64::EPSILON * r0;
        let (mut lo, mut hi) = (r0, r0);
        loop {
            if p0 > 0.0 {
                lo = hi;
                hi = r0 + step;
                if !hi.is_finite() {
                    return None;
                }
                if self.prox_log_form(t, s, hi).0 <= 0.0 {
                    break;
                }
            } else {
                hi = lo;
                lo = (r0 - step).max(0.5 * lo);
                let p = self.prox_log_form(t, s, lo).0;
                if p.is_nan() {
                    return None;
                }
                if p >= 0.0 {
                    break;
                }
            }
            step *= 2.0;
        }
        let start = if newton > lo && newton < hi {
            newton
        } else {
            0.5 * (lo + hi)
        };
        Some((lo, hi, start))
    }

    /// The log form φ(t + s·r) = ln(−s·xℓ′) − ln r and dφ/dr; φ = −∞ once ℓ′
    /// has changed sign (square loss beyond κ), i.e. past the root.
    fn prox_log_form(&self, t: f64, s: f64, r: f64) -> (f64, f64) {
        let d = t + s * r;
        let (d1, c) = self.loss.scaled_derivatives(d, self.scale);
        // r as Δ − t actually evaluates, not as requested.
        let r = s * (d - t);
        let v = -s * d1;
        if v <= 0.0 {
            return (f64::NEG_INFINITY, f64::NAN);
        }
        // dφ/dr = s·xℓ″/(xℓ′) − 1/r.
        (v.ln() - r.ln(), s * c / d1 - 1.0 / r)
    }

    /// A bracket [r_lo, r_hi] of the root in r = s(Δ* − t): φ is +∞ at r = 0
    /// and decreasing in r, so r_hi doubles until φ ≤ 0 (`None` if it never does).
    fn prox_bracket(&self, t: f64, s: f64) -> Option<(f64, f64)> {
        let mut r_lo = 0.0;
        let mut r_hi = self.loss.width().min(1.0);
        while self.prox_log_form(t, s, r_hi).0 > 0.0 {
            r_lo = r_hi;
            r_hi *= 2.0;
            if !r_hi.is_finite() {
                return None;
            }
        }
        Some((r_lo, r_hi))
    }

    /// Newton on φ(r) = 0 from `start` inside [r_lo, r_hi], bisecting
    /// whenever the Newton step leaves the bracket, to relative tolerance `tol`.
    fn prox_newton(&self, t: f64, s: f64, bracket: (f64, f64), start: f64, tol: f64) -> f64 {
        let (mut r_lo, mut r_hi) = bracket;
        let mut r = start;
        for _ in 0..200 {
            let (p, dp) = self.prox_log_form(t, s, r);
            if p == 0.0 {
                break;
            }
            if p > 0.0 {
                r_lo = r;
            } else {
                r_hi = r;
            }
            let newton = r - p / dp;
            let next = if newton > r_lo && newton < r_hi {
                newton
            } else {
                0.5 * (r_lo + r_hi)
            };
            let done = (next - r).abs() <= tol * r || r_hi - r_lo <= tol * r_hi;
            r = next;
            if done {
                break;
            }
        }
        r
    }

    /// g(Δ⁻): the left limit at a kink.
    pub(super) fn g_left(&self, delta: f64) -> f64 {
        match self.kinks.iter().find(|k| k.at == delta) {
            Some(k) => self.gap(k).0,
            None => self.g(delta).0,
        }
    }

    /// g(Δ⁺): the right limit at a kink.
    fn g_right(&self, delta: f64) -> f64 {
        match self.kinks.iter().find(|k| k.at == delta) {
            Some(k) => self.gap(k).1,
            None => self.g(delta).0,
        }
    }

    /// The density P(Δ) = φ(g(Δ))·g′(Δ) of the continuous part (eq. (R5));
    /// atoms are reported by [`Law::atoms`].
    pub fn pdf(&self, delta: f64) -> f64 {
        if self.kinks.iter().any(|k| k.at == delta) {
            return f64::INFINITY;
        }
        let (t, c) = self.g(delta);
        if t.abs() > 40.0 {
            return 0.0;
        }
        normal::pdf(t) * (1.0 + c)
    }

    /// The distribution function F(Δ) = P(Δ* ≤ Δ) = Φ(g(Δ⁺)) (eq. (R5)).
    pub fn cdf(&self, delta: f64) -> f64 {
        normal::cdf(self.g_right(delta))
    }

    /// Atoms of the law: (location, mass) at each kink of the loss (eq. (R6)).
    pub fn atoms(&self) -> Vec<(f64, f64)> {
        self.kinks
            .iter()
            .map(|k| {
                let (a, b) = self.gap(k);
                (k.at, normal::cdf(b) - normal::cdf(a))
            })
            .collect()
    }

    /// The quantile F⁻¹(p) = Δ*(Φ⁻¹(p)) for 0 < p < 1 (NaN outside).
    pub fn quantile(&self, p: f64) -> f64 {
        if !(p > 0.0 && p < 1.0) {
            return f64::NAN;
        }
        self.prox(-std::f64::consts::SQRT_2 * puruspe::inverfc(2.0 * p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replica::loss::{Hinge, PseudoLikelihood, Square};

    /// The law of loss `i` (pseudo-likelihood, square, hinge) at ln x = `u`.
    fn law(i: usize, u: f64) -> Law {
        let loss: Arc<dyn Loss> = match i {
            0 => Arc::new(PseudoLikelihood::new(2.0).unwrap()),
            1 => Arc::new(Square::new(1.5, 0.5).unwrap()),
            _ => Arc::new(Hinge::new(1.0, 0.5).unwrap()),
        };
        Law::new(loss, u, 1e-12, 400)
    }

    #[test]
    fn warm_started_prox_finds_the_cold_root() {
        // Hints: the roots at x ten times smaller and e⁸ times larger, points
        // on either side of t (one of them the wrong side), none, infinite.
        // Both paths stop within 2ε relative of the root in r = |Δ* − t|, so
        // they agree to 4ε·r plus one rounding of t + r: 8ε(|t| + r) bounds it.
        for i in 0..3 {
            let at = law(i, 1.0);
            let near = [law(i, 1.0 - 10f64.ln()), law(i, 9.0)];
            for t in [-9.0, -2.5, -0.3, 0.0, 0.7, 2.5, 9.0] {
                let cold = at.prox(t);
                let mut hints: Vec<f64> = near.iter().map(|l| l.prox(t)).collect();
                hints.extend([t - 3.0, t + 3.0, f64::NAN, f64::INFINITY]);
                for h in hints {
                    let warm = at.prox_near(t, h, 2.0 * f64::EPSILON);
                    let bound = 8.0 * f64::EPSILON * (t.abs() + (cold - t).abs());
                    assert!(
                        (warm - cold).abs() <= bound,
                        "loss {i}, t = {t}, hint {h}: {warm} vs {cold}"
                    );
                }
            }
        }
    }
}
