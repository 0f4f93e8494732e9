//! The solver for x: safeguarded Newton on ln S(u) = 0, u = ln x
//! (theory/replica.md eqs. (R4), (R7) and §7), with its options and the
//! reason it stopped.

use super::expectation::TGRID;
use super::law::Law;
use super::moments::Moments;
use super::solution::Solution;
use crate::error::{ensure, finite};
use crate::replica::loss::Loss;
use crate::{Error, Result};
use std::sync::Arc;

/// Tolerances and caps of the saddle-point solver.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// Newton stops when |ln S| falls below this (or below 4ε|ln x|, the
    /// rounding floor of exponents of size |ln x|).
    pub tolerance: f64,
    /// Relative tolerance of every quadrature, per integrand component.
    pub quadrature_rtol: f64,
    /// Newton iteration cap.
    pub max_iterations: usize,
    /// Panel cap of each adaptive quadrature.
    pub max_panels: usize,
    /// At the iteration cap, return the last iterate (with
    /// [`Termination::IterationCap`]) instead of [`Error::NoConvergence`].
    pub accept_unconverged: bool,
}

impl Default for Options {
    /// |ln S| ≤ 1e-12, quadrature to 1e-12, at most 100 Newton steps and 400
    /// panels per quadrature, an error at the cap.
    fn default() -> Self {
        Self {
            tolerance: 1e-12,
            quadrature_rtol: 1e-12,
            max_iterations: 100,
            max_panels: 400,
            accept_unconverged: false,
        }
    }
}

/// Why the solver stopped. Each reason carries the residual |S − 1| =
/// |αE[(Δ*−t)²] − 1| at the returned point.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub enum Termination {
    /// |ln S| reached the tolerance.
    Converged {
        /// |S − 1| at the returned point.
        residual: f64,
    },
    /// The Newton step fell below the rounding level of ln x (4ε|ln x|)
    /// before |ln S| reached the tolerance: no representable x does better.
    RoundingFloor {
        /// |S − 1| at the returned point.
        residual: f64,
    },
    /// The iteration cap was reached (returned only with
    /// [`Options::accept_unconverged`]).
    IterationCap {
        /// |S − 1| at the returned point.
        residual: f64,
    },
}

impl Termination {
    /// |S − 1| at the returned point.
    pub fn residual(&self) -> f64 {
        match *self {
            Self::Converged { residual }
            | Self::RoundingFloor { residual }
            | Self::IterationCap { residual } => residual,
        }
    }

    /// Whether the returned point is a solution (not stopped at the cap).
    pub fn converged(&self) -> bool {
        !matches!(self, Self::IterationCap { .. })
    }
}

/// Solves the saddle point for `loss` at load `alpha` with default options.
pub fn solve<L: Loss + Clone + 'static>(loss: &L, alpha: f64) -> Result<Solution> {
    solve_arc(Arc::new(loss.clone()), alpha)
}

/// The pseudo-likelihood saddle point at (α, λ) with default options.
pub fn solve_pl(alpha: f64, lambda: f64) -> Result<Solution> {
    solve(&crate::replica::loss::PseudoLikelihood::new(lambda)?, alpha)
}

/// Solves the saddle point for a shared loss at load `alpha` with default options.
pub fn solve_arc(loss: Arc<dyn Loss>, alpha: f64) -> Result<Solution> {
    solve_with(loss, alpha, &Options::default())
}

/// Solves the saddle point for a shared loss at load `alpha` with `options`.
pub fn solve_with(loss: Arc<dyn Loss>, alpha: f64, options: &Options) -> Result<Solution> {
    check_point(loss.as_ref(), alpha)?;
    let u0 = loss.initial_ln_x(alpha);
    let law = Law::new(loss, u0, options.quadrature_rtol, options.max_panels);
    Newton::new(law, alpha, options).run()
}

/// Solves the saddle point for a shared loss at load `alpha` with `options`,
/// starting Newton at ln x = `ln_x0` (e.g. a neighbouring point's solution,
/// see [`super::solve_path`]) instead of the loss's asymptotic guess. The
/// phases are those of [`solve_with`]: from a start close to the root the
/// rough passes reach |ln S| < 1e-6 in one or two steps, and they stay
/// cheaper than full-rule passes there (callgrind: skipping them costs 40%
/// more instructions along a grid's rows). The returned point meets the same
/// stopping rule as [`solve_with`]'s, so the two agree to the rounding level
/// of the full rule's root.
pub fn solve_from(
    loss: Arc<dyn Loss>,
    alpha: f64,
    ln_x0: f64,
    options: &Options,
) -> Result<Solution> {
    check_point(loss.as_ref(), alpha)?;
    finite("the initial ln x", ln_x0)?;
    let law = Law::new(loss, ln_x0, options.quadrature_rtol, options.max_panels);
    Newton::new(law, alpha, options).run()
}

/// Checks that α is in the supported range and that the loss has a unique
/// ground state there.
fn check_point(loss: &dyn Loss, alpha: f64) -> Result<()> {
    finite("α", alpha)?;
    ensure(alpha > 0.0, || format!("α must be positive, got {alpha}"))?;
    ensure((1e-6..=1e6).contains(&alpha), || {
        format!("α must be in [1e-6, 1e6], got {alpha}")
    })?;
    match loss.degenerate(alpha) {
        Some(reason) => Err(Error::NoSolution(reason)),
        None => Ok(()),
    }
}

/// The state of the safeguarded Newton iteration on ln S(u) = 0.
struct Newton<'a> {
    law: Law,
    alpha: f64,
    options: &'a Options,
    /// Bracket of the root: ln S < 0 at `lo`, > 0 at `hi`.
    lo: f64,
    hi: f64,
    /// Δ-breakpoints and the u they were placed at.
    panels: (f64, Vec<f64>),
    /// The t-grid's images among them, the hints for the next placement.
    images: [f64; TGRID.len()],
}

/// A Newton step from ln S and dS/du at one u.
#[derive(Debug, Clone, Copy)]
struct Step {
    /// ln S.
    h: f64,
    /// The Newton step in u (NaN when dS/du is unusable).
    du: f64,
}

impl Step {
    fn new(s: f64, ds: f64) -> Self {
        let h = s.ln();
        let slope = ds / s;
        let du = if slope > 0.0 && slope.is_finite() {
            -h / slope
        } else {
            f64::NAN
        };
        Self { h, du }
    }
}

/// One iterate evaluated by the full rule: the median c, the moments about
/// it and the Newton step.
struct Iterate {
    c: f64,
    m: Moments,
    step: Step,
}

/// The solver's phases (see [`Newton::run`]).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    /// The 10-point Gauss rule for S and dS/du.
    Rough,
    /// The full adaptive rule for S and dS/du only.
    SaddleOnly,
    /// The full adaptive rule with every moment.
    Full,
}

/// The rough passes hand over to the full rule once |ln S| falls below this:
/// their Newton step from there lands within the rough rule's own error.
const ROUGH_UNTIL: f64 = 1e-6;

/// The S-only passes hand over to the full passes once |ln S| falls below
/// this: the Newton step from there leaves |ln S| ~ C·1e-20 (quadratic
/// convergence, C = |h″|/(2h′²) of h = ln S(u)), below the 1e-12 tolerance
/// and at the rounding level of the full rule's root for C up to ~1e4.
const SADDLE_UNTIL: f64 = 1e-10;

/// Passes reuse the previous Δ-breakpoints while u = ln x stays within this
/// of where they were placed.
const REUSE_PANELS: f64 = 1e-3;

impl<'a> Newton<'a> {
    fn new(law: Law, alpha: f64, options: &'a Options) -> Self {
        Self {
            law,
            alpha,
            options,
            lo: f64::NEG_INFINITY,
            hi: f64::INFINITY,
            panels: (f64::NAN, Vec::new()),
            images: [f64::NAN; TGRID.len()],
        }
    }

    /// Moves the law to u, with the Δ-breakpoints of the last pass when u has
    /// moved by at most [`REUSE_PANELS`] since they were placed (each costs
    /// a proximal solve; the adaptive rule does not depend on where panel
    /// edges fall, and the truncation |t| ≤ 9 then shifts by O(φ(9)·δu)),
    /// otherwise with new ones solved from the last ones.
    fn move_to(&mut self, u: f64) {
        self.law.set_ln_x(u);
        let close = (u - self.panels.0).abs() <= REUSE_PANELS; // false before the first pass
        if !close {
            self.images = self.law.tgrid_images(&self.images);
            self.panels = (u, self.law.delta_breakpoints_from(&self.images));
        }
    }

    /// Evaluates S and dS/du at u = ln x with the full rule, and the
    /// moments behind the reported quantities (eqs. (R4), (R7)–(R12)).
    fn evaluate(&mut self, u: f64) -> Result<Iterate> {
        self.move_to(u);
        let c = self.law.prox(0.0);
        let m = self.law.moments(c, &self.panels.1)?;
        let (s, ds) = m.saddle(self.alpha);
        Ok(Iterate {
            c,
            m,
            step: Step::new(s, ds),
        })
    }

    /// S and dS/du at u = ln x by the full rule, without the other moments.
    fn evaluate_saddle(&mut self, u: f64) -> Result<Step> {
        self.move_to(u);
        let (s, ds) = self.law.saddle(self.alpha, &self.panels.1)?;
        Ok(Step::new(s, ds))
    }

    /// S and dS/du at u = ln x by the rough rule.
    fn evaluate_rough(&mut self, u: f64) -> Step {
        self.move_to(u);
        let (s, ds) = self.law.rough_saddle(self.alpha, &self.panels.1);
        Step::new(s, ds)
    }

    /// Whether a Newton step at u meets the stopping rule, and which part:
    /// `Some(true)` for |ln S| within the tolerance, `Some(false)` for a step
    /// below the rounding level of u.
    fn meets_tolerance(&self, u: f64, Step { h, du }: Step) -> Option<bool> {
        // Exponents of size |u| carry an absolute rounding of ~ε|u| into
        // every x·ℓ′ and hence into S: that is the attainable floor.
        let floor = 4.0 * f64::EPSILON * u.abs();
        if h.abs() <= self.options.tolerance.max(floor) {
            Some(true)
        } else if du.is_finite() && du.abs() <= floor {
            Some(false)
        } else {
            None
        }
    }

    /// Whether the iterate at u is accepted, and why.
    fn stop(&self, u: f64, it: &Iterate) -> Option<Termination> {
        let residual = self.residual(it);
        self.meets_tolerance(u, it.step).map(|tolerance| {
            if tolerance {
                Termination::Converged { residual }
            } else {
                Termination::RoundingFloor { residual }
            }
        })
    }

    /// |S − 1| at an iterate.
    fn residual(&self, it: &Iterate) -> f64 {
        (self.alpha * it.m.resid2 - 1.0).abs()
    }

    /// The next u: the Newton step inside a trust region of max(8, |u|/2)
    /// in ln x, bisecting the bracket when the step leaves it.
    fn next(&mut self, u: f64, Step { h, du }: Step) -> f64 {
        if h < 0.0 {
            self.lo = self.lo.max(u);
        } else {
            self.hi = self.hi.min(u);
        }
        let cap = 8.0_f64.max(0.5 * u.abs());
        let du = if du.is_finite() {
            du
        } else if h < 0.0 {
            cap
        } else {
            -cap
        };
        let next = u + du.clamp(-cap, cap);
        if self.lo.is_finite() && self.hi.is_finite() && !(next > self.lo && next < self.hi) {
            0.5 * (self.lo + self.hi)
        } else {
            next
        }
    }

    /// Iterates from the law's initial ln x in three phases. Rough passes (the
    /// 10-point Gauss rule, S and dS/du only) until |ln S| < [`ROUGH_UNTIL`];
    /// then passes of the full rule for S and dS/du only, until one has
    /// |ln S| ≤ [`SADDLE_UNTIL`] or meets the stopping rule; then full passes
    /// with every moment, the first of which to meet the stopping rule is
    /// accepted. The S-only passes give the full passes' S and dS/du (bit for
    /// bit unless the full rule refines a panel for another moment), so the
    /// iterates are those of full passes. The last S-only pass is within
    /// 1e-10 of the root in ln S; the Newton step from it (quadratic
    /// convergence) puts the returned point at the rounding level, where the solution
    /// no longer depends on the path that reached it (ε ≈ Φ(−xλ) has
    /// d ln ε/d ln x ≈ −(xλ)², so a residual of 1e-12 in ln S would show in
    /// ε's tenth digit where xλ ~ 30). The bracket restarts after the rough
    /// passes: their signs of ln S are not reliable near the root.
    fn run(mut self) -> Result<Solution> {
        let mut u = self.law.ln_x();
        let mut phase = Phase::Rough;
        let mut last = None;
        for iteration in 1..=self.options.max_iterations {
            let step = match phase {
                Phase::Rough => {
                    let step = self.evaluate_rough(u);
                    u = self.next(u, step);
                    if step.h.abs() < ROUGH_UNTIL || !step.h.is_finite() {
                        phase = Phase::SaddleOnly;
                        (self.lo, self.hi) = (f64::NEG_INFINITY, f64::INFINITY);
                    }
                    continue;
                }
                Phase::SaddleOnly => {
                    let step = self.evaluate_saddle(u)?;
                    if step.h.abs() <= SADDLE_UNTIL || self.meets_tolerance(u, step).is_some() {
                        phase = Phase::Full;
                    }
                    step
                }
                Phase::Full => {
                    let it = self.evaluate(u)?;
                    if let Some(reason) = self.stop(u, &it) {
                        return Ok(self.accept(it, iteration, reason));
                    }
                    let step = it.step;
                    last = Some(it);
                    step
                }
            };
            u = self.next(u, step);
        }
        self.at_cap(last, u)
    }

    /// The solution at an accepted iterate.
    fn accept(self, it: Iterate, iterations: usize, reason: Termination) -> Solution {
        Solution::new(self.law, self.alpha, it.c, &it.m, iterations, reason)
    }

    /// At the iteration cap: the last full iterate (the one at `u` if all
    /// passes were rough) if the options accept it, otherwise
    /// [`Error::NoConvergence`].
    fn at_cap(mut self, last: Option<Iterate>, u: f64) -> Result<Solution> {
        let cap = self.options.max_iterations;
        // The last full iterate (the law is still at its u); after rough
        // passes only, one at `u`.
        let it = match last {
            Some(it) => it,
            None => self.evaluate(u)?,
        };
        let residual = self.residual(&it);
        if self.options.accept_unconverged {
            let reason = Termination::IterationCap { residual };
            return Ok(self.accept(it, cap, reason));
        }
        Err(Error::NoConvergence {
            what: format!(
                "saddle point ({} loss, α = {}, λ = {})",
                self.law.loss().name(),
                self.alpha,
                self.law.loss().lambda()
            ),
            iterations: cap,
            residual,
            tolerance: self.options.tolerance,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replica::loss::PseudoLikelihood;

    fn pl(lambda: f64) -> Arc<dyn Loss> {
        Arc::new(PseudoLikelihood::new(lambda).unwrap())
    }

    #[test]
    fn default_options_converge_and_say_so() {
        let s = solve_pl(1.0, 2.0).unwrap();
        assert!(matches!(s.termination, Termination::Converged { .. }));
        assert!(s.termination.converged());
        assert_eq!(s.termination.residual(), s.residual);
        assert!(s.residual < 1e-11);
    }

    #[test]
    fn saddle_only_pass_gives_the_full_pass_s() {
        // The S-only passes stand in for full passes: same integrand
        // components on the same panels, so the same S and dS/du, bit for bit
        // unless the full pass refines a panel for one of its other moments.
        // Both are then held to the quadrature's 1e-12 relative to ∫|f|, which
        // is S itself for the positive (Δ*−t)² and (Δ*−t)²∂Δ*/∂t: 2e-12.
        let hinge: Arc<dyn Loss> = Arc::new(crate::replica::loss::Hinge::new(1.0, 0.5).unwrap());
        for (loss, a, u) in [
            (pl(1.6), 0.4, 3.3),
            (pl(10.0), 3.0, -2.7),
            (pl(1e3), 1e-3, 63209.0),
            (hinge, 3.0, 0.1),
        ] {
            let law = Law::new(loss, u, 1e-12, 400);
            let bp = law.delta_breakpoints();
            let (s, ds) = law.moments(law.prox(0.0), &bp).unwrap().saddle(a);
            let (s1, ds1) = law.saddle(a, &bp).unwrap();
            let ctx = format!("α = {a}, ln x = {u}");
            assert!((s1 - s).abs() <= 2e-12 * s, "{ctx}: S {s1} vs {s}");
            assert!((ds1 - ds).abs() <= 2e-12 * ds, "{ctx}: dS/du {ds1} vs {ds}");
        }
    }

    #[test]
    fn iteration_cap_is_an_error_unless_accepted() {
        let tight = Options {
            max_iterations: 1,
            ..Options::default()
        };
        assert!(matches!(
            solve_with(pl(2.0), 1.0, &tight),
            Err(Error::NoConvergence { iterations: 1, .. })
        ));
        let lenient = Options {
            accept_unconverged: true,
            ..tight
        };
        let s = solve_with(pl(2.0), 1.0, &lenient).unwrap();
        assert!(matches!(s.termination, Termination::IterationCap { .. }));
        assert!(!s.termination.converged());
        assert_eq!(s.iterations, 1);
        assert!(s.residual > 1e-6 && s.residual.is_finite());
        assert!(s.mean.is_finite() && s.loss_mean.is_finite());
    }
}
