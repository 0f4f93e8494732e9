//! Expectations E_t[f(Δ*(t))] over the stability law: the Δ-space route used
//! in production (theory/replica.md eq. (R5′)) and the t-space route with an
//! inner proximal solve that checks it (eq. (R4′)).

use super::law::Law;
use crate::numerics::integration::{gauss10, integrate, Integral};
use crate::numerics::normal;
use crate::replica::loss::Kink;
use crate::Result;

/// Truncation of the Gaussian variable t: 2Φ(−9) = 2.3e-19 of the mass is dropped.
pub const T_MAX: f64 = 9.0;
/// Breakpoints around a slope transition, in units of the loss width. The
/// transition's tail decays like e^{−2|m|}; it must have died out (e^{−64} ≈
/// 1e-28) before a large panel begins, or that panel sees a boundary layer its
/// Gauss and Kronrod nodes both miss, and the error estimate with them.
const LADDER: [f64; 15] = [
    -32.0, -16.0, -8.0, -4.0, -2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0,
];
/// The t-grid whose images Δ*(t) are breakpoints of the Δ-space quadrature.
pub(super) const TGRID: [f64; 9] = [-T_MAX, -5.0, -2.5, -1.0, 0.0, 1.0, 2.5, 5.0, T_MAX];
/// Ladder rungs further than this from the transition (in Δ) are dropped:
/// beyond it the t-grid's own breakpoints already resolve the density.
const LADDER_REACH: f64 = 1.0;

/// One point of the stability law, as seen by an expectation E_t\[f\].
#[derive(Debug, Clone, Copy)]
pub struct Point {
    /// The loss ℓ(Δ*) (NaN where the expectation was asked to skip it).
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

impl Point {
    /// The point Δ* = κ of a kink's atom, reached from t.
    fn on_atom(value: f64, t: f64, at: f64) -> Self {
        Point {
            value,
            t,
            delta: at,
            slope: 0.0,
            stiffness: 1.0,
            resid: at - t,
        }
    }

    /// The point at Δ off the atoms, with c = xℓ″(Δ) and t = Δ + xℓ′(Δ).
    fn smooth(value: f64, t: f64, delta: f64, c: f64) -> Self {
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
}

/// An integrand value times its quadrature weight.
fn weighted<const K: usize>(mut v: [f64; K], w: f64) -> [f64; K] {
    v.iter_mut().for_each(|x| *x *= w);
    v
}

impl Law {
    /// The point at Δ and the Jacobian g′(Δ); ℓ(Δ) only if `with_value` (it
    /// costs a logarithm per node).
    fn point_from_delta(&self, delta: f64, with_value: bool) -> (Point, f64) {
        let (value, d1, c) = if with_value {
            self.loss.value_and_scaled_derivatives(delta, self.scale)
        } else {
            let (d1, c) = self.loss.scaled_derivatives(delta, self.scale);
            (f64::NAN, d1, c)
        };
        (Point::smooth(value, delta + d1, delta, c), 1.0 + c)
    }

    /// Breakpoints in Δ: images of a t-grid, kinks, and the loss's slope
    /// transitions ± multiples of its width.
    pub(super) fn delta_breakpoints(&self) -> Vec<f64> {
        self.delta_breakpoints_from(&self.tgrid_images(&[f64::NAN; TGRID.len()]))
    }

    /// The images Δ*(t) of the t-grid of [`Self::delta_breakpoints`], each
    /// solved from its image at a nearby x in `hints` (NaN for none).
    pub(super) fn tgrid_images(&self, hints: &[f64; TGRID.len()]) -> [f64; TGRID.len()] {
        std::array::from_fn(|i| self.prox_near(TGRID[i], hints[i], 1e-6))
    }

    /// [`Self::delta_breakpoints`] from the t-grid's images.
    pub(super) fn delta_breakpoints_from(&self, images: &[f64; TGRID.len()]) -> Vec<f64> {
        let mut b: Vec<f64> = images.to_vec();
        let (lo, hi) = (b[0], b[TGRID.len() - 1]);
        let w = self.loss.width();
        for c in self.loss.transitions(self.scale.ln) {
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

    /// Breakpoints in t over the part of a kink's gap inside |t| ≤ [`T_MAX`]
    /// (empty when the gap misses it).
    fn atom_breakpoints(&self, k: &Kink) -> Vec<f64> {
        let (a, b) = self.gap(k);
        let (a, b) = (a.max(-T_MAX), b.min(T_MAX));
        if a >= b {
            return Vec::new();
        }
        let mut tb: Vec<f64> = vec![a, b];
        tb.extend(
            [-4.0, -1.25, 0.0, 1.25, 4.0]
                .iter()
                .filter(|&&t| t > a && t < b),
        );
        tb.sort_by(f64::total_cmp);
        tb
    }

    /// E_t[f(Δ*(t))] restricted to |t| ≤ [`T_MAX`], as an integral over Δ
    /// (eq. (R5′)) plus t-integrals over the atoms' gaps (eq. (R6)).
    pub fn expect<const K: usize>(&self, f: impl Fn(&Point) -> [f64; K]) -> Result<Integral<K>> {
        self.expect_with(f, true, &self.delta_breakpoints())
    }

    /// [`Self::expect`] over the panels between the Δ-breakpoints `bp`, with
    /// [`Point::value`] left NaN off the atoms unless `with_value`.
    pub(super) fn expect_with<const K: usize>(
        &self,
        f: impl Fn(&Point) -> [f64; K],
        with_value: bool,
        bp: &[f64],
    ) -> Result<Integral<K>> {
        let mut total = integrate(
            |d| {
                let (p, jac) = self.point_from_delta(d, with_value);
                if p.t.is_nan() || p.t.abs() > T_MAX {
                    return [0.0; K]; // outside the truncation (or t = ±∞ from an overflowing x·ℓ′)
                }
                weighted(f(&p), normal::pdf(p.t) * jac)
            },
            bp,
            self.rtol,
            self.max_panels,
        )?;
        for k in &self.kinks {
            let tb = self.atom_breakpoints(k);
            if tb.is_empty() {
                continue;
            }
            let value = self.loss.value(k.at);
            let atom = integrate(
                |t| weighted(f(&Point::on_atom(value, t, k.at)), normal::pdf(t)),
                &tb,
                self.rtol,
                self.max_panels,
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

    /// [`Self::expect`] by the 10-point Gauss rule on each panel between the
    /// Δ-breakpoints `bp`, with
    /// no refinement, no error estimate and ℓ(Δ*) left NaN: about a third of
    /// the cost, accurate to ~1e-11 where the adaptive rule needs no
    /// refinement. For the early Newton passes only.
    pub(super) fn expect_rough<const K: usize>(
        &self,
        f: impl Fn(&Point) -> [f64; K],
        bp: &[f64],
    ) -> [f64; K] {
        let mut on_delta = |d: f64| {
            let (p, jac) = self.point_from_delta(d, false);
            if p.t.is_nan() || p.t.abs() > T_MAX {
                return [0.0; K];
            }
            weighted(f(&p), normal::pdf(p.t) * jac)
        };
        let mut total = [0.0; K];
        let mut add = |v: [f64; K]| total.iter_mut().zip(v).for_each(|(t, v)| *t += v);
        for w in bp.windows(2) {
            if w[1] > w[0] {
                add(gauss10(&mut on_delta, w[0], w[1]));
            }
        }
        for k in &self.kinks {
            let tb = self.atom_breakpoints(k);
            let mut on_atom =
                |t: f64| weighted(f(&Point::on_atom(f64::NAN, t, k.at)), normal::pdf(t));
            for w in tb.windows(2) {
                add(gauss10(&mut on_atom, w[0], w[1]));
            }
        }
        total
    }

    /// The same expectation in t-space with an inner proximal solve at every
    /// node (eq. (R4′)): slower, and independent of the Δ-space route; used to
    /// check it.
    pub fn expect_t<const K: usize>(&self, f: impl Fn(&Point) -> [f64; K]) -> Result<Integral<K>> {
        let tb = self.t_breakpoints();
        integrate(
            |t| weighted(f(&self.point_at_t(t)), normal::pdf(t)),
            &tb,
            self.rtol,
            self.max_panels,
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
        for c in self.loss.transitions(self.scale.ln) {
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
            return Point::on_atom(value, t, delta);
        }
        let c = self.loss.scaled_derivatives(delta, self.scale).1;
        Point::smooth(value, t, delta, c)
    }
}
