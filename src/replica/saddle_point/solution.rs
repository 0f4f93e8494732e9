//! The solved saddle point: the law at the accepted x and the quantities it
//! reports (theory/replica.md eqs. (R8)–(R12)).

use super::expectation::Point;
use super::law::Law;
use super::moments::Moments;
use super::solver::Termination;
use crate::numerics::integration::Integral;
use crate::numerics::normal;
use crate::replica::loss::Loss;
use crate::Result;

/// The solved saddle point and the stability law it defines.
#[derive(Debug, Clone)]
pub struct Solution {
    law: Law,
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
    /// Why the solver stopped, with the residual reached.
    pub termination: Termination,
}

impl Solution {
    /// The reported quantities at the accepted iterate, from its moments about
    /// the median `median` (eqs. (R8)–(R12)).
    pub(super) fn new(
        law: Law,
        alpha: f64,
        median: f64,
        m: &Moments,
        iterations: usize,
        termination: Termination,
    ) -> Self {
        let mean_shift = m.shift / m.mass;
        let loss_mean = m.loss / m.mass;
        let g0 = law.g_left(0.0);
        Self {
            alpha,
            x: law.x(),
            ln_x: law.ln_x(),
            eps: normal::cdf(g0),
            ln_eps: normal::ln_cdf(g0),
            median,
            mean: median + mean_shift,
            var: (m.shift2 / m.mass - mean_shift * mean_shift).max(0.0),
            loss_mean,
            energy: alpha * loss_mean,
            replicon: alpha * m.stiffness2 / m.mass,
            multiplier_x: 1.0 - alpha * m.stiffness / m.mass,
            iterations,
            residual: termination.residual(),
            termination,
            law,
        }
    }

    /// The stability law P(Δ) at the solution.
    pub fn law(&self) -> &Law {
        &self.law
    }

    /// The loss this saddle point was solved for.
    pub fn loss(&self) -> &dyn Loss {
        self.law.loss()
    }

    /// The proximal map Δ*(t) (eq. (R3)); see [`Law::prox`].
    pub fn prox(&self, t: f64) -> f64 {
        self.law.prox(t)
    }

    /// The density of the continuous part of P(Δ) (eq. (R5)); see [`Law::pdf`].
    pub fn pdf(&self, delta: f64) -> f64 {
        self.law.pdf(delta)
    }

    /// The distribution function F(Δ) (eq. (R5)); see [`Law::cdf`].
    pub fn cdf(&self, delta: f64) -> f64 {
        self.law.cdf(delta)
    }

    /// Atoms (location, mass) of the law (eq. (R6)); see [`Law::atoms`].
    pub fn atoms(&self) -> Vec<(f64, f64)> {
        self.law.atoms()
    }

    /// The quantile F⁻¹(p); see [`Law::quantile`].
    pub fn quantile(&self, p: f64) -> f64 {
        self.law.quantile(p)
    }

    /// E_t[f(Δ*(t))] by the Δ-space route (eq. (R5′)); see [`Law::expect`].
    pub fn expect<const K: usize>(&self, f: impl Fn(&Point) -> [f64; K]) -> Result<Integral<K>> {
        self.law.expect(f)
    }

    /// E_t[f(Δ*(t))] by the t-space route (eq. (R4′)); see [`Law::expect_t`].
    pub fn expect_t<const K: usize>(&self, f: impl Fn(&Point) -> [f64; K]) -> Result<Integral<K>> {
        self.law.expect_t(f)
    }

    /// Breakpoints of the t-space route; see [`Law::t_breakpoints`].
    pub fn t_breakpoints(&self) -> Vec<f64> {
        self.law.t_breakpoints()
    }

    /// The [`Point`] at Gaussian variable t; see [`Law::point_at_t`].
    pub fn point_at_t(&self, t: f64) -> Point {
        self.law.point_at_t(t)
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
            loss_fn: self.loss().name().to_string(),
            alpha: self.alpha,
            lambda: self.loss().lambda(),
            kappa: self.loss().kappa(),
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
    /// Loss name ("pl", "hinge", "square").
    pub loss_fn: String,
    /// Load α.
    pub alpha: f64,
    /// Loss scale λ.
    pub lambda: f64,
    /// Margin or target κ, for the losses that have one.
    pub kappa: Option<f64>,
    /// x = β(1 − q), null when it overflows.
    pub x: Option<f64>,
    /// ln x.
    pub ln_x: f64,
    /// ε = P(Δ < 0) (eq. (R8)).
    pub eps: f64,
    /// log₁₀ ε, null when it overflows.
    pub log10_eps: Option<f64>,
    /// ⟨Δ⟩.
    pub mean: f64,
    /// Median Δ*(0).
    pub median: f64,
    /// Var Δ.
    pub var: f64,
    /// Mean loss per pattern ⟨ℓ⟩.
    pub loss: f64,
    /// Energy per weight α⟨ℓ⟩.
    pub energy: f64,
    /// Replicon αE[(∂Δ*/∂t − 1)²] (eq. (R10)).
    pub replicon: f64,
    /// Replicon below 1.
    pub rs_stable: bool,
    /// x times the spherical Lagrange multiplier (eq. (R12)).
    pub multiplier_x: f64,
    /// multiplier_x ≥ 0.
    pub convex: bool,
    /// Newton iterations used.
    pub iterations: usize,
    /// Final |αE[(Δ*−t)²] − 1|.
    pub residual: f64,
}
