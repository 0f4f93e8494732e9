//! Fixed-norm training: the loss (eq. (T3), β = 1) minimised on the sphere of
//! norm λ by Riemannian L-BFGS (theory/training.md, eqs. (T6)–(T9)), the
//! setting the replica theory describes.

use crate::error::{ensure, finite, Error, Result};
use crate::learning::couplings::{axpy, row_norms};
use crate::learning::problem::{Coupling, Problem, Workspace};
use crate::learning::sphere::Sphere;
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

/// Settings of [`train_fixed_norm`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FixedNormConfig {
    /// The norm λ: every row has |J_i| = λ (asymmetric, perceptron), or
    /// ‖J‖_F = λ√N (symmetric).
    pub lambda: f64,
    /// Tolerance on the relative Riemannian gradient ‖J‖_F · ‖grad_R L‖_F / L
    /// (eq. (T9)): the gradient along unit rotations of J, relative to the loss
    /// itself, so that it stays meaningful when L is exponentially small (large λ).
    pub tol: f64,
    /// Maximum number of L-BFGS iterations.
    pub max_iter: usize,
    /// Number of L-BFGS correction pairs kept.
    pub memory: usize,
}

impl FixedNormConfig {
    /// Defaults: tolerance 1e-6, 20000 iterations, memory 8.
    pub fn new(lambda: f64) -> Self {
        Self {
            lambda,
            tol: 1e-6,
            max_iter: 20_000,
            memory: 8,
        }
    }

    /// Fails unless λ and the tolerance are positive and finite and the memory
    /// holds at least one pair.
    fn check(&self) -> Result<()> {
        finite("lambda", self.lambda)?;
        ensure(self.lambda > 0.0, || {
            format!(
                "lambda must be positive in fixed-norm mode, got {}",
                self.lambda
            )
        })?;
        ensure(self.tol.is_finite() && self.tol > 0.0, || {
            format!("the tolerance must be positive, got {}", self.tol)
        })?;
        ensure(self.memory >= 1, || {
            "the L-BFGS memory must be at least 1".into()
        })
    }
}

/// The outcome of [`train_fixed_norm`].
#[derive(Debug, Clone)]
pub struct FixedNormResult {
    /// The trained couplings (R×N).
    pub j: DMatrix<f64>,
    /// Mean loss per term, eq. (T3) at β = 1 (= mean of ℓ_{λ_i}(Δ_i^μ)).
    pub loss: f64,
    /// L-BFGS iterations performed.
    pub iterations: usize,
    /// Final relative Riemannian gradient (eq. (T9)).
    pub residual: f64,
    /// Gradient evaluations (each two matrix products).
    pub gradient_evaluations: usize,
    /// Loss-only evaluations in line searches (one matrix product each).
    pub loss_evaluations: usize,
}

/// Progress report of [`train_fixed_norm`]: iteration and current relative
/// Riemannian gradient.
pub type FixedNormObserver<'a> = &'a mut dyn FnMut(usize, f64);

/// Armijo sufficient-decrease constant of the line search (eq. (T9)).
const ARMIJO: f64 = 1e-4;
/// Step halvings tried by the line search before it gives up.
const MAX_HALVINGS: usize = 60;
/// Iterations without a new lowest gradient after which the run is stuck at the
/// rounding level of the gradient.
const MAX_STALLED: usize = 200;

/// Minimises the loss (eq. (T3), β = 1) at fixed norm λ by Riemannian L-BFGS with
/// projection transport and Armijo backtracking, starting from the Hebb rule
/// scaled to the sphere (theory/training.md, eqs. (T6)–(T9)).
///
/// Stops when the relative Riemannian gradient (eq. (T9)) is below `cfg.tol`;
/// fails with [`Error::NoConvergence`] otherwise.
pub fn train_fixed_norm(
    problem: &Problem,
    cfg: &FixedNormConfig,
    observer: FixedNormObserver<'_>,
) -> Result<FixedNormResult> {
    let reached = train_fixed_norm_reached(problem, cfg, observer)?;
    match reached.stop {
        None => Ok(reached.result),
        Some(e) => Err(e),
    }
}

/// What [`train_fixed_norm_reached`] reached: the last iterate, and why the
/// iteration stopped short of the tolerance (`None` when it converged).
#[derive(Debug)]
pub struct FixedNormReached {
    /// The last accepted iterate with its loss, relative gradient and counts.
    pub result: FixedNormResult,
    /// [`Error::NoConvergence`] saying why the tolerance was not reached, or
    /// `None` when the relative gradient is below `cfg.tol`.
    pub stop: Option<Error>,
}

impl FixedNormReached {
    /// Whether the relative Riemannian gradient reached the tolerance.
    pub fn converged(&self) -> bool {
        self.stop.is_none()
    }
}

/// [`train_fixed_norm`] that keeps the last iterate when the iteration stops
/// short of the tolerance (iteration limit, failed line search, or a gradient
/// stalled at its rounding level): the same iterates, bit for bit, and the
/// reason it stopped in [`FixedNormReached::stop`]. Fails only on invalid
/// settings or non-finite arithmetic.
pub fn train_fixed_norm_reached(
    problem: &Problem,
    cfg: &FixedNormConfig,
    observer: FixedNormObserver<'_>,
) -> Result<FixedNormReached> {
    cfg.check()?;
    let sphere = Sphere::new(problem, cfg.lambda);
    let x = start(problem, &sphere);
    iterate(problem, cfg, &sphere, x, observer)
}

/// [`train_fixed_norm_reached`] from the given couplings instead of the Hebb
/// rule: `start` (R×N, finite; a network's diagonal is zeroed) is retracted
/// onto the sphere of norm λ (eq. (T8)), so a minimum found at another norm
/// warm-starts this one (continuation in λ) and random couplings give
/// independent starts (multi-start). Fails if `start` has the wrong shape, a
/// non-finite entry, a row (the matrix, for symmetric couplings) that is
/// zero and cannot be retracted, or (symmetric couplings) is not symmetric.
pub fn train_fixed_norm_from(
    problem: &Problem,
    cfg: &FixedNormConfig,
    start: &DMatrix<f64>,
    observer: FixedNormObserver<'_>,
) -> Result<FixedNormReached> {
    cfg.check()?;
    let mut x = start.clone();
    problem.constrain(&mut x);
    problem.check_couplings(&x)?;
    let zero = if problem.coupling() == Coupling::Symmetric {
        x.norm() == 0.0
    } else {
        row_norms(&x).contains(&0.0)
    };
    ensure(!zero, || {
        "the starting couplings have a zero row (zero norm) and cannot be put on the sphere".into()
    })?;
    let sphere = Sphere::new(problem, cfg.lambda);
    sphere.retract(&mut x);
    iterate(problem, cfg, &sphere, x, observer)
}

/// The Riemannian L-BFGS iteration of [`train_fixed_norm_reached`] from `x`,
/// a point of the sphere.
fn iterate(
    problem: &Problem,
    cfg: &FixedNormConfig,
    sphere: &Sphere,
    mut x: DMatrix<f64>,
    observer: FixedNormObserver<'_>,
) -> Result<FixedNormReached> {
    let mut ws = Workspace::new(problem.operands());
    let mut f = ws.eval_loss(problem.operands(), &x, 1.0);
    let mut g = riemannian_gradient(&mut ws, problem, sphere, &x);
    let xnorm = x.norm();
    let mut res = relative_gradient(&x, &g, f);
    let (mut n_grad, mut n_loss) = (1usize, 0usize);
    let mut lbfgs = Lbfgs::new(cfg.memory);
    let mut iter = 0;
    let mut best_res = res;
    let mut stalled = 0;
    let mut stop = None;
    while res > cfg.tol {
        if iter >= cfg.max_iter {
            let what = format!("fixed-norm training (lambda = {})", cfg.lambda);
            stop = Some(no_convergence(what, iter, res, cfg.tol));
            break;
        }
        observer(iter, res);
        let (d, slope) = lbfgs.direction(sphere, &x, &g, xnorm);
        let search = LineSearch {
            problem,
            sphere,
            x: &x,
            f,
            d: &d,
            slope,
        };
        let Some((xn, fn_, t)) = search.run(&mut ws, &mut n_loss) else {
            let what = format!(
                "fixed-norm line search (lambda = {}, no decrease along the L-BFGS direction)",
                cfg.lambda
            );
            stop = Some(no_convergence(what, iter, res, cfg.tol));
            break;
        };
        // The accepted trial left its residual in the workspace.
        let gn = riemannian_gradient(&mut ws, problem, sphere, &xn);
        n_grad += 1;
        lbfgs.update(sphere, &xn, d * t, g, &gn);
        x = xn;
        f = fn_;
        g = gn;
        res = relative_gradient(&x, &g, f);
        iter += 1;
        // No new lowest gradient in MAX_STALLED iterations: stuck at the rounding
        // level of the gradient, below which the tolerance cannot be reached.
        if res < best_res {
            best_res = res;
            stalled = 0;
        } else {
            stalled += 1;
        }
        if stalled >= MAX_STALLED && res > cfg.tol {
            let what = format!(
                "fixed-norm training (lambda = {}; the gradient stopped decreasing at its rounding level, so the tolerance is too small)",
                cfg.lambda
            );
            stop = Some(no_convergence(what, iter, res, cfg.tol));
            break;
        }
    }
    if stop.is_none() {
        observer(iter, res);
    }
    let result = FixedNormResult {
        j: x,
        loss: f,
        iterations: iter,
        residual: res,
        gradient_evaluations: n_grad,
        loss_evaluations: n_loss,
    };
    Ok(FixedNormReached { result, stop })
}

/// The start of the iteration: the Hebb rule (eq. (T11)) retracted onto the sphere.
fn start(problem: &Problem, sphere: &Sphere) -> DMatrix<f64> {
    let mut x = problem.hebb();
    // A zero Hebb row (possible only for tiny N) cannot be normalised: perturb it
    // deterministically along the first admissible coordinate.
    let norms = row_norms(&x);
    for (i, nrm) in norms.iter().enumerate() {
        if *nrm == 0.0 && problem.coupling() != Coupling::Symmetric {
            let c = if problem.masked() && i == 0 { 1 } else { 0 };
            x[(i, c)] = 1.0;
        }
    }
    if x.norm() == 0.0 {
        // Symmetric Hebb couplings can cancel exactly for tiny N: start from the
        // uniform symmetric matrix instead.
        x = DMatrix::from_element(problem.rows(), problem.n(), 1.0);
        problem.constrain(&mut x);
    }
    sphere.retract(&mut x);
    x
}

/// The Riemannian gradient grad_R L = P_x(∇L) (eqs. (T6), (T7)) from the residual
/// left in the workspace by the last loss evaluation at `x`.
fn riemannian_gradient(
    ws: &mut Workspace<f64>,
    problem: &Problem,
    sphere: &Sphere,
    x: &DMatrix<f64>,
) -> DMatrix<f64> {
    ws.eval_gradient(problem.operands());
    let mut g = ws.g.clone();
    sphere.euclidean(&mut g);
    sphere.project(x, &mut g);
    g
}

/// Relative Riemannian gradient ‖x‖_F ‖g‖_F / L, eq. (T9). L > 0 always
/// (softplus > 0); the floor only guards against underflow.
fn relative_gradient(x: &DMatrix<f64>, g: &DMatrix<f64>, f: f64) -> f64 {
    x.norm() * g.norm() / f.max(f64::MIN_POSITIVE)
}

/// [`Error::NoConvergence`] of fixed-norm training.
fn no_convergence(what: String, iterations: usize, residual: f64, tolerance: f64) -> Error {
    Error::NoConvergence {
        what,
        iterations,
        residual,
        tolerance,
    }
}

/// The L-BFGS memory: the last correction pairs (s_k, y_k) in the current
/// tangent space, oldest first (eq. (T9)).
struct Lbfgs {
    s: Vec<DMatrix<f64>>,
    y: Vec<DMatrix<f64>>,
    memory: usize,
}

impl Lbfgs {
    fn new(memory: usize) -> Self {
        Self {
            s: Vec::new(),
            y: Vec::new(),
            memory,
        }
    }

    /// The search direction d = −H_k g by the two-loop recursion, projected on
    /// the tangent space at x, and the slope ⟨g, d⟩. If d is not a descent
    /// direction the memory is cleared and d is steepest descent.
    fn direction(
        &mut self,
        sphere: &Sphere,
        x: &DMatrix<f64>,
        g: &DMatrix<f64>,
        xnorm: f64,
    ) -> (DMatrix<f64>, f64) {
        let (s_hist, y_hist) = (&self.s, &self.y);
        let mut d = g.clone();
        let k = s_hist.len();
        let mut alphas = vec![0.0; k];
        let rhos: Vec<f64> = (0..k).map(|m| 1.0 / s_hist[m].dot(&y_hist[m])).collect();
        for m in (0..k).rev() {
            alphas[m] = rhos[m] * s_hist[m].dot(&d);
            axpy(&mut d, -alphas[m], &y_hist[m]);
        }
        let gamma = if k > 0 {
            s_hist[k - 1].dot(&y_hist[k - 1]) / y_hist[k - 1].norm_squared()
        } else {
            // First step: move by a tenth of the radius along −grad.
            0.1 * xnorm / g.norm()
        };
        d *= gamma;
        for m in 0..k {
            let b = rhos[m] * y_hist[m].dot(&d);
            axpy(&mut d, alphas[m] - b, &s_hist[m]);
        }
        d *= -1.0;
        sphere.project(x, &mut d);
        let mut slope = g.dot(&d);
        if slope >= 0.0 || slope.is_nan() {
            // Not a descent direction: restart from steepest descent.
            self.s.clear();
            self.y.clear();
            d = g.clone() * (-0.1 * xnorm / g.norm());
            slope = g.dot(&d);
        }
        (d, slope)
    }

    /// Transports the stored pairs to the tangent space at the new point `xn` by
    /// projection, adds the pair (s, gn − P(g)), keeps only pairs with positive
    /// curvature s·y > 10⁻¹²|s||y| and at most `memory` of them.
    fn update(
        &mut self,
        sphere: &Sphere,
        xn: &DMatrix<f64>,
        mut s: DMatrix<f64>,
        g: DMatrix<f64>,
        gn: &DMatrix<f64>,
    ) {
        sphere.project(xn, &mut s);
        let mut gt = g;
        sphere.project(xn, &mut gt);
        let yv = gn - &gt;
        for (sm, ym) in self.s.iter_mut().zip(self.y.iter_mut()) {
            sphere.project(xn, sm);
            sphere.project(xn, ym);
        }
        self.s.push(s);
        self.y.push(yv);
        let keep: Vec<bool> = self
            .s
            .iter()
            .zip(&self.y)
            .map(|(s, y)| s.dot(y) > 1e-12 * s.norm() * y.norm())
            .collect();
        let mut idx = 0;
        self.s.retain(|_| {
            idx += 1;
            keep[idx - 1]
        });
        idx = 0;
        self.y.retain(|_| {
            idx += 1;
            keep[idx - 1]
        });
        while self.s.len() > self.memory {
            self.s.remove(0);
            self.y.remove(0);
        }
    }
}

/// Armijo backtracking along the retraction from `x` in direction `d` (eq. (T9)).
struct LineSearch<'a> {
    problem: &'a Problem,
    sphere: &'a Sphere,
    x: &'a DMatrix<f64>,
    /// The loss at `x`.
    f: f64,
    d: &'a DMatrix<f64>,
    /// ⟨grad_R L, d⟩ < 0.
    slope: f64,
}

impl LineSearch<'_> {
    /// The first step t = 1, ½, ¼, … whose retracted point satisfies the Armijo
    /// condition: that point, its loss and t (the workspace then holds its
    /// residual), or `None` after [`MAX_HALVINGS`] halvings. Counts the loss
    /// evaluations in `n_loss`.
    fn run(&self, ws: &mut Workspace<f64>, n_loss: &mut usize) -> Option<(DMatrix<f64>, f64, f64)> {
        // The slack covers the rounding of the loss (a sum of R·P terms of size
        // ≤ log 2 · |f|).
        let slack = 64.0 * f64::EPSILON * self.f.abs().max(f64::MIN_POSITIVE);
        let mut t = 1.0;
        for _ in 0..MAX_HALVINGS {
            let mut xn = self.x.clone();
            axpy(&mut xn, t, self.d);
            self.sphere.retract(&mut xn);
            let fn_ = ws.eval_loss(self.problem.operands(), &xn, 1.0);
            *n_loss += 1;
            if fn_.is_finite() && fn_ <= self.f + ARMIJO * t * self.slope + slack {
                return Some((xn, fn_, t));
            }
            t *= 0.5;
        }
        None
    }
}
