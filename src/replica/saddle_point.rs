//! The zero-temperature replica-symmetric saddle point of a fixed-norm
//! perceptron with a convex loss ℓ (theory/replica.md §2–§4).
//!
//! With t ~ N(0, 1) and x = β(1 − q), the stability of a pattern whose
//! "Hebbian" field is t is the proximal point Δ*(t), the root of
//! g(Δ) = Δ + xℓ′(Δ) = t (eq. (R3)); x solves α E_t[(Δ* − t)²] = 1 (eq. (R4)).
//! Since g is increasing, P(Δ) = φ(g(Δ)) g′(Δ) and F(Δ) = Φ(g(Δ)) in closed
//! form once x is known (eq. (R5)); kinks of ℓ add atoms (eq. (R6)).
//!
//! Numerics. x spans thousands of decades over the supported domain (it grows
//! like e^{2λκ*} at large λ), so the unknown is u = ln x, found by a
//! safeguarded Newton iteration on ln S(u) = 0 with S(u) = αE[(Δ*−t)²], which
//! is increasing in u with dS/du = 2αE[(Δ*−t)²·∂Δ*/∂t] (eq. (R7)), computed in
//! the same pass. Every expectation is an integral over Δ with no inner root
//! finding (eq. (R5′)), split at the images of a fixed t-grid, at the loss's
//! kinks and around its slope transitions, and refined by adaptive
//! Gauss–Kronrod to a relative tolerance of 1e-12 per component. The t-space
//! form with an inner proximal solve is kept as an independent check
//! ([`Solution::expect_t`]). Gaussian mass beyond |t| = 9 (2.3e-19) is
//! dropped. Achieved accuracy (tests): ≤ 1e-10 relative on every reported
//! quantity over α, λ ∈ [1e-3, 1e3].

use crate::error::{ensure, finite};
use crate::numerics::integration::{integrate, Integral};
use crate::numerics::normal;
use crate::replica::loss::{Kink, Loss, PseudoLikelihood, Scale};
use crate::{Error, Result};
use std::sync::Arc;

/// Truncation of the Gaussian variable t: 2Φ(−9) = 2.3e-19 of the mass is dropped.
pub const T_MAX: f64 = 9.0;
/// Relative tolerance of every quadrature.
const RTOL: f64 = 1e-12;
/// Newton stops when |ln S| falls below this (or below 4ε|ln x|, the rounding
/// floor when ln x is large).
const NEWTON_TOL: f64 = 1e-12;
const MAX_NEWTON: usize = 100;
const MAX_PANELS: usize = 400;
/// Breakpoints around a slope transition, in units of the loss width. The
/// transition's tail decays like e^{−2|m|}; it must have died out (e^{−64} ≈
/// 1e-28) before a large panel begins, or that panel sees a boundary layer its
/// Gauss and Kronrod nodes both miss, and the error estimate with them.
/// Ladder rungs further than this from the transition (in Δ) are dropped:
/// beyond it the t-grid's own breakpoints already resolve the density.
const LADDER_REACH: f64 = 1.0;
const LADDER: [f64; 15] = [
    -32.0, -16.0, -8.0, -4.0, -2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0,
];

/// One point of the stability law, as seen by an expectation E_t[f].
#[derive(Debug, Clone, Copy)]
pub struct Point {
    /// The loss ℓ(Δ*).
    pub value: f64,
    /// The Gaussian variable t.
    pub t: f64,
    /// The stability Δ*(t).
    pub delta: f64,
    /// ∂Δ*/∂t = 1/(1 + xℓ″(Δ*)) ∈ [0, 1] (0 on an atom).
    pub slope: f64,
    /// 1 − ∂Δ*/∂t = xℓ″/(1 + xℓ″), computed without cancellation.
    pub stiffness: f64,
    /// Δ* − t = −xℓ′(Δ*).
    pub resid: f64,
}

/// An integrand value times its quadrature weight.
fn weighted<const K: usize>(mut v: [f64; K], w: f64) -> [f64; K] {
    v.iter_mut().for_each(|x| *x *= w);
    v
}

/// The solved saddle point and the stability law it defines.
#[derive(Debug, Clone)]
pub struct Solution {
    loss: Arc<dyn Loss>,
    kinks: Vec<Kink>,
    /// Load α = P/N.
    pub alpha: f64,
    /// x = β(1 − q) (may be +∞ in f64 when ln x > 709; see `ln_x`).
    pub x: f64,
    /// ln x, always finite.
    pub ln_x: f64,
    /// Fraction of negative stabilities ε = Φ(g(0⁻)) (eq. (R8)); 0 when it underflows.
    pub eps: f64,
    /// ln ε (−∞ only when even ln ε overflows, i.e. |g(0)| > 1e154).
    pub ln_eps: f64,
    /// Median stability Δ*(0).
    pub median: f64,
    /// ⟨Δ⟩.
    pub mean: f64,
    /// Var Δ.
    pub var: f64,
    /// Mean loss per pattern ⟨ℓ(Δ)⟩.
    pub loss_mean: f64,
    /// Ground-state energy per weight e = α⟨ℓ⟩ (eq. (R2) at the saddle point).
    pub energy: f64,
    /// Replicon α E[(∂Δ*/∂t − 1)²] (eq. (R10)); RS is locally stable where it is < 1.
    pub replicon: f64,
    /// x·γ = 1 − α E[1 − ∂Δ*/∂t], γ the spherical Lagrange multiplier (eq. (R12)).
    pub multiplier_x: f64,
    /// Newton iterations used.
    pub iterations: usize,
    /// Final |α E[(Δ*−t)²] − 1|.
    pub residual: f64,
    scale: Scale,
}

/// Solves the saddle point for `loss` at load `alpha`.
pub fn solve<L: Loss + Clone + 'static>(loss: &L, alpha: f64) -> Result<Solution> {
    solve_arc(Arc::new(loss.clone()), alpha)
}

/// Convenience: the pseudo-likelihood saddle point at (α, λ).
pub fn solve_pl(alpha: f64, lambda: f64) -> Result<Solution> {
    solve(&PseudoLikelihood::new(lambda)?, alpha)
}

/// Solves the saddle point for a shared loss at load `alpha`.
pub fn solve_arc(loss: Arc<dyn Loss>, alpha: f64) -> Result<Solution> {
    finite("α", alpha)?;
    ensure(alpha > 0.0, || format!("α must be positive, got {alpha}"))?;
    ensure((1e-6..=1e6).contains(&alpha), || {
        format!("α must be in [1e-6, 1e6], got {alpha}")
    })?;
    if let Some(reason) = loss.degenerate(alpha) {
        return Err(Error::NoSolution(reason));
    }
    let kinks = loss.kinks();
    let mut sol = Solution {
        loss,
        kinks,
        alpha,
        x: f64::NAN,
        ln_x: 0.0,
        eps: f64::NAN,
        ln_eps: f64::NAN,
        median: f64::NAN,
        mean: f64::NAN,
        var: f64::NAN,
        loss_mean: f64::NAN,
        energy: f64::NAN,
        replicon: f64::NAN,
        multiplier_x: f64::NAN,
        iterations: 0,
        residual: f64::NAN,
        scale: Scale::new(0.0),
    };
    sol.find_ln_x()?;
    Ok(sol)
}

impl Solution {
    /// The loss this saddle point was solved for.
    pub fn loss(&self) -> &dyn Loss {
        self.loss.as_ref()
    }

    /// g(Δ) = Δ + xℓ′(Δ) away from kinks, with g′(Δ) − 1 = xℓ″(Δ) (eq. (R3)).
    fn g(&self, delta: f64) -> (f64, f64) {
        let (d1, d2) = self.loss.scaled_derivatives(delta, self.scale);
        (delta + d1, d2)
    }

    /// x times a one-sided derivative at a kink, overflow-free.
    fn scaled(&self, d: f64) -> f64 {
        if d == 0.0 {
            0.0
        } else {
            d.signum() * (self.ln_x + d.abs().ln()).exp()
        }
    }

    /// The t-interval [g(κ⁻), g(κ⁺)] that a kink's atom absorbs.
    fn gap(&self, k: &Kink) -> (f64, f64) {
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
    fn prox_to(&self, t: f64, tol: f64) -> f64 {
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
        // φ(t + s·r) is +∞ at r = 0 and decreasing in r: expand r until φ ≤ 0.
        let phi = |d: f64| -> (f64, f64) {
            let (d1, c) = self.loss.scaled_derivatives(d, self.scale);
            let r = s * (d - t);
            let v = -s * d1;
            if v <= 0.0 {
                // ℓ′ has changed sign (square loss beyond κ): past the root.
                return (f64::NEG_INFINITY, f64::NAN);
            }
            // φ = ln(−s·xℓ′) − ln r;  dφ/dr = s·xℓ″/(xℓ′) − 1/r.
            (v.ln() - r.ln(), s * c / d1 - 1.0 / r)
        };
        let mut r_lo = 0.0;
        let mut r_hi = self.loss.width().min(1.0);
        loop {
            let (p, _) = phi(t + s * r_hi);
            if p <= 0.0 {
                break;
            }
            r_lo = r_hi;
            r_hi *= 2.0;
            if !r_hi.is_finite() {
                return f64::NAN;
            }
        }
        let mut r = 0.5 * (r_lo + r_hi);
        for _ in 0..200 {
            let (p, dp) = phi(t + s * r);
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
        t + s * r
    }

    /// The point at Δ and the Jacobian g′(Δ); ℓ(Δ) only if `with_value` (it
    /// costs a logarithm per node and only the accepted pass reports it).
    fn point_from_delta(&self, delta: f64, with_value: bool) -> (Point, f64) {
        let (value, d1, c) = if with_value {
            self.loss.value_and_scaled_derivatives(delta, self.scale)
        } else {
            let (d1, c) = self.loss.scaled_derivatives(delta, self.scale);
            (f64::NAN, d1, c)
        };
        let t = delta + d1;
        let slope = 1.0 / (1.0 + c);
        let p = Point {
            value,
            t,
            delta,
            slope,
            stiffness: c * slope,
            resid: delta - t,
        };
        (p, 1.0 + c)
    }

    /// Breakpoints in Δ: images of a t-grid, kinks, and the loss's slope
    /// transitions ± multiples of its width.
    fn delta_breakpoints(&self) -> Vec<f64> {
        const TGRID: [f64; 9] = [-T_MAX, -5.0, -2.5, -1.0, 0.0, 1.0, 2.5, 5.0, T_MAX];
        let mut b: Vec<f64> = TGRID.iter().map(|&t| self.prox_to(t, 1e-6)).collect();
        let (lo, hi) = (b[0], b[TGRID.len() - 1]);
        let w = self.loss.width();
        for c in self.loss.transitions(self.ln_x) {
            for m in LADDER
                .iter()
                .filter(|m| m.abs() >= 1.0 || **m == 0.0)
                .filter(|m| m.abs() * w <= LADDER_REACH)
            {
                let d = c + m * w;
                if d > lo && d < hi {
                    b.push(d);
                }
            }
        }
        for k in &self.kinks {
            if k.at > lo && k.at < hi {
                b.push(k.at);
            }
        }
        b.sort_by(f64::total_cmp);
        b.dedup();
        b
    }

    /// E_t[f(Δ*(t))] restricted to |t| ≤ [`T_MAX`], as an integral over Δ
    /// (eq. (R5′)) plus t-integrals over the atoms' gaps (eq. (R6)).
    pub fn expect<const K: usize>(&self, f: impl Fn(&Point) -> [f64; K]) -> Result<Integral<K>> {
        self.expect_with(f, true)
    }

    fn expect_with<const K: usize>(
        &self,
        f: impl Fn(&Point) -> [f64; K],
        with_value: bool,
    ) -> Result<Integral<K>> {
        let bp = self.delta_breakpoints();
        let mut total = integrate(
            |d| {
                let (p, jac) = self.point_from_delta(d, with_value);
                if p.t.is_nan() || p.t.abs() > T_MAX {
                    return [0.0; K]; // outside the truncation (or t = ±∞ from an overflowing x·ℓ′)
                }
                weighted(f(&p), normal::pdf(p.t) * jac)
            },
            &bp,
            RTOL,
            MAX_PANELS,
        )?;
        for k in &self.kinks {
            let (a, b) = self.gap(k);
            let (a, b) = (a.max(-T_MAX), b.min(T_MAX));
            if a >= b {
                continue;
            }
            let mut tb: Vec<f64> = vec![a, b];
            tb.extend(
                [-4.0, -1.25, 0.0, 1.25, 4.0]
                    .iter()
                    .filter(|&&t| t > a && t < b),
            );
            tb.sort_by(f64::total_cmp);
            let value = self.loss.value(k.at);
            let atom = integrate(
                |t| {
                    let p = Point {
                        value,
                        t,
                        delta: k.at,
                        slope: 0.0,
                        stiffness: 1.0,
                        resid: k.at - t,
                    };
                    weighted(f(&p), normal::pdf(t))
                },
                &tb,
                RTOL,
                MAX_PANELS,
            )?;
            for i in 0..K {
                total.value[i] += atom.value[i];
                total.error[i] += atom.error[i];
                total.abs[i] += atom.abs[i];
            }
            total.evaluations += atom.evaluations;
        }
        Ok(total)
    }

    /// The same expectation in t-space with an inner proximal solve at every
    /// node (eq. (R4′)): slower, and independent of the Δ-space route; used to
    /// check it.
    pub fn expect_t<const K: usize>(&self, f: impl Fn(&Point) -> [f64; K]) -> Result<Integral<K>> {
        let tb = self.t_breakpoints();
        integrate(
            |t| weighted(f(&self.point_at_t(t)), normal::pdf(t)),
            &tb,
            RTOL,
            MAX_PANELS,
        )
    }

    /// Breakpoints in t for t-space integration: a fixed grid on [−9, 9], the
    /// atoms' gap ends, and the images of the full transition ladder.
    pub fn t_breakpoints(&self) -> Vec<f64> {
        let mut tb: Vec<f64> = vec![
            -T_MAX, -6.0, -4.0, -2.5, -1.25, 0.0, 1.25, 2.5, 4.0, 6.0, T_MAX,
        ];
        for k in &self.kinks {
            let (a, b) = self.gap(k);
            tb.extend([a, b].iter().filter(|t| t.abs() < T_MAX));
        }
        let w = self.loss.width();
        for c in self.loss.transitions(self.ln_x) {
            for m in LADDER {
                let t = self.g(c + m * w).0;
                if t.abs() < T_MAX {
                    tb.push(t);
                }
            }
        }
        tb.sort_by(f64::total_cmp);
        tb.dedup();
        tb
    }
    /// The [`Point`] of the law at Gaussian variable t (inner proximal solve).
    pub fn point_at_t(&self, t: f64) -> Point {
        let delta = self.prox(t);
        let value = self.loss.value(delta);
        if self.kinks.iter().any(|k| k.at == delta) {
            return Point {
                value,
                t,
                delta,
                slope: 0.0,
                stiffness: 1.0,
                resid: delta - t,
            };
        }
        let c = self.loss.scaled_derivatives(delta, self.scale).1;
        let slope = 1.0 / (1.0 + c);
        Point {
            value,
            t,
            delta,
            slope,
            stiffness: c * slope,
            resid: delta - t,
        }
    }

    /// Sets ln x (and the cached scale).
    fn set_ln_x(&mut self, u: f64) {
        self.ln_x = u;
        self.scale = Scale::new(u);
    }

    /// One pass at the current ln x: S = αE[(Δ*−t)²], dS/du = 2αE[(Δ*−t)²·∂Δ*/∂t]
    /// (eqs. (R4), (R7)), and the moments about `c` that [`Self::fill_moments`]
    /// turns into the reported quantities (eqs. (R8)–(R12)), gathered in the
    /// same pass so that the accepted iterate needs no extra integration.
    fn pass(&self, c: f64, with_value: bool) -> Result<[f64; 8]> {
        let loss = self.loss.clone();
        let r = self.expect_with(
            |p| {
                let r2 = p.resid * p.resid;
                let d = p.delta - c;
                [
                    r2,
                    2.0 * r2 * p.slope,
                    1.0,
                    d,
                    d * d,
                    loss.value(p.delta),
                    p.stiffness,
                    p.stiffness * p.stiffness,
                ]
            },
            with_value,
        )?;
        Ok(r.value)
    }

    /// Safeguarded Newton on ln S(u) = 0, u = ln x, then the moments at the
    /// accepted iterate.
    fn find_ln_x(&mut self) -> Result<()> {
        let mut u = self.loss.initial_ln_x(self.alpha);
        let (mut lo, mut hi) = (f64::NEG_INFINITY, f64::INFINITY);
        let mut last = f64::NAN;
        // ⟨ℓ⟩ is gathered only once |ln S| < 1e-4: with quadratic convergence
        // no earlier pass can be the accepted one.
        let mut with_value = false;
        for it in 1..=MAX_NEWTON {
            self.set_ln_x(u);
            let c = self.prox(0.0);
            let m = self.pass(c, with_value)?;
            let (s, ds) = (self.alpha * m[0], self.alpha * m[1]);
            let h = s.ln();
            last = (s - 1.0).abs();
            self.iterations = it;
            let slope = ds / s;
            let mut step = if slope > 0.0 && slope.is_finite() {
                -h / slope
            } else {
                f64::NAN
            };
            // Exponents of size |u| carry an absolute rounding of ~ε|u| into
            // every x·ℓ′ and hence into S: that is the attainable floor.
            let tol = NEWTON_TOL.max(4.0 * f64::EPSILON * u.abs());
            if h.abs() <= tol || (step.is_finite() && step.abs() <= 4.0 * f64::EPSILON * u.abs()) {
                if !with_value {
                    with_value = true; // converged sooner than expected: one more pass, same u
                    continue;
                }
                self.residual = last;
                self.fill_moments(c, m);
                return Ok(());
            }
            with_value = h.abs() < 1e-4;
            if h < 0.0 {
                lo = lo.max(u);
            } else {
                hi = hi.min(u);
            }
            // Trust region: at most max(8, |u|/2) per step in ln x.
            let cap = 8.0_f64.max(0.5 * u.abs());
            if !step.is_finite() {
                step = if h < 0.0 { cap } else { -cap };
            }
            step = step.clamp(-cap, cap);
            let mut next = u + step;
            if lo.is_finite() && hi.is_finite() && !(next > lo && next < hi) {
                next = 0.5 * (lo + hi);
            }
            u = next;
        }
        Err(Error::NoConvergence {
            what: format!(
                "saddle point ({} loss, α = {}, λ = {})",
                self.loss.name(),
                self.alpha,
                self.loss.lambda()
            ),
            iterations: MAX_NEWTON,
            residual: last,
            tolerance: NEWTON_TOL,
        })
    }

    /// The reported quantities from one pass's moments about the median `c`
    /// (eqs. (R8)–(R12)).
    fn fill_moments(&mut self, c: f64, m: [f64; 8]) {
        self.x = self.scale.value;
        self.median = c;
        let [_, _, m0, m1, m2, l, st, st2] = m;
        let mean_shift = m1 / m0;
        self.mean = c + mean_shift;
        self.var = (m2 / m0 - mean_shift * mean_shift).max(0.0);
        self.loss_mean = l / m0;
        self.energy = self.alpha * self.loss_mean;
        self.replicon = self.alpha * st2 / m0;
        self.multiplier_x = 1.0 - self.alpha * st / m0;
        let g0 = self.g_left(0.0);
        self.ln_eps = normal::ln_cdf(g0);
        self.eps = normal::cdf(g0);
    }

    /// g(Δ⁻): the left limit at a kink.
    fn g_left(&self, delta: f64) -> f64 {
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
    /// atoms are reported by [`Solution::atoms`].
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

    /// The quantile F⁻¹(p) = Δ*(Φ⁻¹(p)) for 0 < p < 1.
    pub fn quantile(&self, p: f64) -> f64 {
        if !(p > 0.0 && p < 1.0) {
            return f64::NAN;
        }
        self.prox(-std::f64::consts::SQRT_2 * puruspe::inverfc(2.0 * p))
    }

    /// log₁₀ ε (−∞ only when |g(0)| exceeds ~1e154).
    pub fn log10_eps(&self) -> f64 {
        self.ln_eps / std::f64::consts::LN_10
    }

    /// Whether replica symmetry is locally stable (replicon < 1).
    pub fn rs_stable(&self) -> bool {
        self.replicon < 1.0
    }

    /// Whether the spherical problem is convex at the solution (γ ≥ 0).
    pub fn convex(&self) -> bool {
        self.multiplier_x >= 0.0
    }

    /// The machine-readable summary printed by `plam theory`.
    pub fn summary(&self) -> Summary {
        let fin = |v: f64| v.is_finite().then_some(v);
        Summary {
            loss_fn: self.loss.name().to_string(),
            alpha: self.alpha,
            lambda: self.loss.lambda(),
            kappa: self.loss.kappa(),
            x: fin(self.x),
            ln_x: self.ln_x,
            eps: self.eps,
            log10_eps: fin(self.log10_eps()),
            mean: self.mean,
            median: self.median,
            var: self.var,
            loss: self.loss_mean,
            energy: self.energy,
            replicon: self.replicon,
            rs_stable: self.rs_stable(),
            multiplier_x: self.multiplier_x,
            convex: self.convex(),
            iterations: self.iterations,
            residual: self.residual,
        }
    }
}

/// One row of `plam theory` output. `x` and `log10_eps` are null when they
/// overflow a double (ln x > 709; |log₁₀ ε| > 1.8e308); `ln_x` is always given.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Summary {
    pub loss_fn: String,
    pub alpha: f64,
    pub lambda: f64,
    pub kappa: Option<f64>,
    pub x: Option<f64>,
    pub ln_x: f64,
    pub eps: f64,
    pub log10_eps: Option<f64>,
    pub mean: f64,
    pub median: f64,
    pub var: f64,
    pub loss: f64,
    pub energy: f64,
    pub replicon: f64,
    pub rs_stable: bool,
    pub multiplier_x: f64,
    pub convex: bool,
    pub iterations: usize,
    pub residual: f64,
}
