//! Training of pseudo-likelihood networks and perceptrons (theory/training.md).
//!
//! A [`Problem`] holds the inputs X (N×P), their transpose, and the ±1 labels Y
//! (R×P, R = N rows for a network, R = 1 for a single perceptron). Couplings J are
//! R×N (zero diagonal for networks). Everything is computed with two matrix
//! products per gradient: the fields H = J X (eq. (T1)) and the gradient
//! G = R Xᵀ/(RP) with the residual R = tanh(βH) − Y (eq. (T4)).
//!
//! The loss is always the mean over all R·P terms, eq. (T3):
//! L(J) = (1/RP) Σ_{i,μ} β⁻¹ log(1 + e^{−2β y_i^μ h_i^μ}),
//! which equals the paper's (1/NP) Σ [−ξh + β⁻¹ log 2cosh(βh)] for ±1 labels and
//! the negative pseudo-likelihood per term at β = 1.
//!
//! Two training modes:
//! - [`train_fixed_norm`]: Riemannian L-BFGS on the product of spheres |J_i| = λ
//!   (asymmetric networks, perceptrons) or on the sphere ‖J‖_F = λ√N in the space
//!   of symmetric zero-diagonal matrices (symmetric networks), eqs. (T6)–(T9);
//! - [`train_gd`]: plain full-batch gradient descent with learning rate η from a
//!   zero, Hebbian or small random start, recording the trajectory at log-spaced
//!   epochs (eq. (T10)); `--init hebb --beta 0.1 --lr 10` is the paper's protocol.
//!
//! Results never depend on the number of threads: the matrix products split only
//! the output among threads (each entry is accumulated in the same order), the
//! element-wise passes run over columns and partial sums are added in column order.

use crate::data::patterns::Patterns;
use crate::error::{ensure, finite, Error, Result};
use crate::learning::couplings::{row_norms, zero_diagonal};
use crate::numerics::rng;
use crate::numerics::statistics::mean_std_population;
use nalgebra::DMatrix;
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// The coupling structure being trained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Coupling {
    /// N×N couplings, zero diagonal; row i is an independent perceptron with input
    /// ξ_{\i} and label ξ_i.
    Asymmetric,
    /// N×N couplings with J_ij = J_ji exactly and zero diagonal.
    Symmetric,
    /// A single perceptron: one row of N weights, inputs ξ^μ, random labels y^μ.
    Perceptron,
}

/// A training problem: inputs, labels and the coupling structure.
#[derive(Debug, Clone)]
pub struct Problem {
    x: DMatrix<f64>,
    xt: DMatrix<f64>,
    y: DMatrix<f64>,
    coupling: Coupling,
}

impl Problem {
    /// A network (asymmetric or symmetric couplings) storing the given patterns:
    /// row i has label ξ_i^μ (its sign for Gaussian patterns) and input ξ^μ with
    /// the self-coupling masked out.
    pub fn network(patterns: &Patterns, coupling: Coupling) -> Result<Self> {
        ensure(coupling != Coupling::Perceptron, || {
            "Problem::network needs asymmetric or symmetric couplings; use Problem::perceptron"
                .into()
        })?;
        Ok(Self {
            x: patterns.xi.clone(),
            xt: patterns.xi.transpose(),
            y: patterns.labels.clone(),
            coupling,
        })
    }

    /// A single perceptron whose inputs are the patterns (N×P) and whose labels
    /// are `labels` (length P, each ±1; see [`crate::data::patterns::perceptron_labels`]).
    pub fn perceptron(patterns: &Patterns, labels: &[f64]) -> Result<Self> {
        ensure(labels.len() == patterns.p(), || {
            format!(
                "{} labels given for {} patterns",
                labels.len(),
                patterns.p()
            )
        })?;
        ensure(labels.iter().all(|&l| l == 1.0 || l == -1.0), || {
            "perceptron labels must be +1 or -1".into()
        })?;
        Ok(Self {
            x: patterns.xi.clone(),
            xt: patterns.xi.transpose(),
            y: DMatrix::from_row_slice(1, labels.len(), labels),
            coupling: Coupling::Perceptron,
        })
    }

    /// Number of input components N (columns of J).
    pub fn n(&self) -> usize {
        self.x.nrows()
    }

    /// Number of patterns P.
    pub fn p(&self) -> usize {
        self.x.ncols()
    }

    /// Number of rows R of J (N for a network, 1 for a perceptron).
    pub fn rows(&self) -> usize {
        self.y.nrows()
    }

    /// The coupling structure.
    pub fn coupling(&self) -> Coupling {
        self.coupling
    }

    /// The inputs X, N×P.
    pub fn inputs(&self) -> &DMatrix<f64> {
        &self.x
    }

    /// The labels Y, R×P (±1).
    pub fn labels(&self) -> &DMatrix<f64> {
        &self.y
    }

    /// Floating-point operations of one gradient evaluation (two matrix products,
    /// 2·R·N·P multiply–adds each), the figure the benchmarks report.
    pub fn flops_per_gradient(&self) -> f64 {
        4.0 * self.rows() as f64 * self.n() as f64 * self.p() as f64
    }

    fn masked(&self) -> bool {
        self.coupling != Coupling::Perceptron
    }

    /// Checks that `j` has the shape R×N, is finite, has a zero diagonal (networks)
    /// and is exactly symmetric (symmetric networks).
    pub fn check_couplings(&self, j: &DMatrix<f64>) -> Result<()> {
        ensure(j.shape() == (self.rows(), self.n()), || {
            format!(
                "couplings have shape {:?}, expected {:?}",
                j.shape(),
                (self.rows(), self.n())
            )
        })?;
        ensure(j.iter().all(|v| v.is_finite()), || {
            "couplings contain a non-finite entry".into()
        })?;
        if self.masked() {
            ensure((0..self.n()).all(|i| j[(i, i)] == 0.0), || {
                "network couplings must have a zero diagonal".into()
            })?;
        }
        if self.coupling == Coupling::Symmetric {
            ensure(*j == j.transpose(), || {
                "symmetric couplings must satisfy J_ij = J_ji exactly".into()
            })?;
        }
        Ok(())
    }

    /// The fields H = J X (R×P), eq. (T1).
    pub fn fields(&self, j: &DMatrix<f64>) -> DMatrix<f64> {
        let mut h = DMatrix::zeros(self.rows(), self.p());
        self.fields_into(j, &mut h);
        h
    }

    fn fields_into(&self, j: &DMatrix<f64>, h: &mut DMatrix<f64>) {
        h.gemm(1.0, j, &self.x, 0.0);
    }

    /// The mean loss L(J) of eq. (T3) at inverse temperature β.
    pub fn loss(&self, j: &DMatrix<f64>, beta: f64) -> f64 {
        let h = self.fields(j);
        let mut r = DMatrix::zeros(self.rows(), self.p());
        residual(&h, &self.y, beta, 1.0, &mut r, true)
    }

    /// The mean loss and its gradient with respect to the free couplings
    /// (eq. (T4); eq. (T5) for symmetric couplings, where the gradient with
    /// respect to J_ij = J_ji is the sum of the two rows' contributions and is
    /// stored at both (i, j) and (j, i)). The diagonal of a network's gradient is 0.
    pub fn loss_and_gradient(&self, j: &DMatrix<f64>, beta: f64) -> (f64, DMatrix<f64>) {
        let mut ws = Workspace::new(self);
        let l = ws.eval_loss(self, j, beta);
        ws.eval_gradient(self);
        let mut g = ws.g;
        if self.coupling == Coupling::Symmetric {
            symmetrize_sum(&mut g);
        }
        (l, g)
    }

    /// The Hebb rule J = (1/N) Y Xᵀ (eq. (T11)): for binary networks
    /// J = (1/N) Σ_μ ξ^μ ξ^μᵀ with zero diagonal; symmetrised for symmetric
    /// networks with Gaussian patterns; w = (1/N) Σ_μ y^μ ξ^μ for a perceptron.
    pub fn hebb(&self) -> DMatrix<f64> {
        let mut j = DMatrix::zeros(self.rows(), self.n());
        j.gemm(1.0 / self.n() as f64, &self.y, &self.xt, 0.0);
        self.constrain(&mut j);
        if self.coupling == Coupling::Symmetric {
            symmetrize_sum(&mut j);
            j *= 0.5;
        }
        j
    }

    /// Zeroes the diagonal of a network's couplings.
    fn constrain(&self, m: &mut DMatrix<f64>) {
        if self.masked() {
            zero_diagonal(m);
        }
    }
}

/// Replaces G by G + Gᵀ (exactly symmetric: both entries are the same sum).
/// Works on 64×64 tiles so that the transposed accesses stay in cache.
fn symmetrize_sum(g: &mut DMatrix<f64>) {
    const B: usize = 64;
    let n = g.nrows();
    debug_assert_eq!(n, g.ncols());
    for cb in (0..n).step_by(B) {
        for rb in (0..=cb).step_by(B) {
            for c in cb..(cb + B).min(n) {
                for r in rb..(rb + B).min(c) {
                    let s = g[(r, c)] + g[(c, r)];
                    g[(r, c)] = s;
                    g[(c, r)] = s;
                }
            }
        }
    }
}

/// y ← y + a·x (element-wise, same shapes).
fn axpy(y: &mut DMatrix<f64>, a: f64, x: &DMatrix<f64>) {
    debug_assert_eq!(y.shape(), x.shape());
    for (yi, xi) in y.as_mut_slice().iter_mut().zip(x.as_slice()) {
        *yi += a * xi;
    }
}

/// Writes r = scale · (tanh(βh) − y) for ±1 labels y and returns the mean of
/// β⁻¹ log(1 + e^{−2βyh}) over all entries (eq. (T3)); both from one exponential:
/// with z = −2βyh, tanh(βh) − y = −2y σ(z) (σ the logistic function).
/// Column partial sums are added in column order (thread-count independent).
fn residual(
    h: &DMatrix<f64>,
    y: &DMatrix<f64>,
    beta: f64,
    scale: f64,
    r: &mut DMatrix<f64>,
    want_loss: bool,
) -> f64 {
    let rows = h.nrows().max(1);
    let sums: Vec<f64> = r
        .as_mut_slice()
        .par_chunks_mut(rows)
        .zip(h.as_slice().par_chunks(rows))
        .zip(y.as_slice().par_chunks(rows))
        .map(|((rc, hc), yc)| {
            let mut s = 0.0;
            for ((ri, &hi), &yi) in rc.iter_mut().zip(hc).zip(yc) {
                let z = -2.0 * beta * yi * hi;
                let e = (-z.abs()).exp();
                let sigma = if z >= 0.0 {
                    1.0 / (1.0 + e)
                } else {
                    e / (1.0 + e)
                };
                *ri = -2.0 * scale * yi * sigma;
                if want_loss {
                    s += z.max(0.0) + e.ln_1p();
                }
            }
            s
        })
        .collect();
    if !want_loss {
        return f64::NAN;
    }
    let total: f64 = sums.iter().sum();
    total / (beta * h.len() as f64)
}

/// Reusable buffers for H (R×P), the residual (R×P) and the gradient (R×N).
struct Workspace {
    h: DMatrix<f64>,
    r: DMatrix<f64>,
    g: DMatrix<f64>,
}

impl Workspace {
    fn new(p: &Problem) -> Self {
        Self {
            h: DMatrix::zeros(p.rows(), p.p()),
            r: DMatrix::zeros(p.rows(), p.p()),
            g: DMatrix::zeros(p.rows(), p.n()),
        }
    }

    /// Fields and residual at `j`; returns the mean loss L (eq. (T3)).
    fn eval_loss(&mut self, p: &Problem, j: &DMatrix<f64>, beta: f64) -> f64 {
        self.eval(p, j, beta, true)
    }

    /// Fields and residual at `j`; the mean loss if `want_loss` (NaN otherwise).
    fn eval(&mut self, p: &Problem, j: &DMatrix<f64>, beta: f64, want_loss: bool) -> f64 {
        p.fields_into(j, &mut self.h);
        let scale = 1.0 / (p.rows() as f64 * p.p() as f64);
        residual(&self.h, &p.y, beta, scale, &mut self.r, want_loss)
    }

    /// Euclidean gradient G = R Xᵀ (residual already scaled by 1/RP), zero
    /// diagonal for networks (eq. (T4)).
    fn eval_gradient(&mut self, p: &Problem) {
        self.g.gemm(1.0, &self.r, &p.xt, 0.0);
        p.constrain(&mut self.g);
    }
}

// ---------------------------------------------------------------------------
// Fixed norm: Riemannian L-BFGS.
// ---------------------------------------------------------------------------

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

/// Geometry of the constraint set.
struct Manifold {
    coupling: Coupling,
    radius: f64,
}

impl Manifold {
    /// Tangent-space projection at x (eq. (T7)): rows for the product of spheres,
    /// the whole matrix for the symmetric sphere.
    fn project(&self, x: &DMatrix<f64>, v: &mut DMatrix<f64>) {
        match self.coupling {
            Coupling::Symmetric => {
                let c = x.dot(v) / x.norm_squared();
                axpy(v, -c, x);
            }
            _ => {
                let r = x.nrows();
                let mut dots = vec![0.0; r];
                let mut sq = vec![0.0; r];
                for (xc, vc) in x.column_iter().zip(v.column_iter()) {
                    for i in 0..r {
                        dots[i] += xc[i] * vc[i];
                        sq[i] += xc[i] * xc[i];
                    }
                }
                let c: Vec<f64> = dots.iter().zip(&sq).map(|(d, s)| d / s).collect();
                for (xc, mut vc) in x.column_iter().zip(v.column_iter_mut()) {
                    for i in 0..r {
                        vc[i] -= c[i] * xc[i];
                    }
                }
            }
        }
    }

    /// Retraction by renormalisation (eq. (T8)).
    fn retract(&self, x: &mut DMatrix<f64>) {
        match self.coupling {
            Coupling::Symmetric => {
                let s = self.radius / x.norm();
                *x *= s;
            }
            _ => {
                let norms = row_norms(x);
                for mut col in x.column_iter_mut() {
                    for (v, nrm) in col.iter_mut().zip(&norms) {
                        *v *= self.radius / nrm;
                    }
                }
            }
        }
    }

    /// Euclidean gradient in J-space (symmetric: the projection (G + Gᵀ)/2 onto
    /// symmetric matrices, eq. (T6)).
    fn euclidean(&self, g: &mut DMatrix<f64>) {
        if self.coupling == Coupling::Symmetric {
            symmetrize_sum(g);
            *g *= 0.5;
        }
    }
}

/// Progress report of [`train_fixed_norm`]: iteration and current relative
/// Riemannian gradient.
pub type FixedNormObserver<'a> = &'a mut dyn FnMut(usize, f64);

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
    finite("lambda", cfg.lambda)?;
    ensure(cfg.lambda > 0.0, || {
        format!(
            "lambda must be positive in fixed-norm mode, got {}",
            cfg.lambda
        )
    })?;
    ensure(cfg.tol.is_finite() && cfg.tol > 0.0, || {
        format!("the tolerance must be positive, got {}", cfg.tol)
    })?;
    ensure(cfg.memory >= 1, || {
        "the L-BFGS memory must be at least 1".into()
    })?;
    let n = problem.n() as f64;
    let man = Manifold {
        coupling: problem.coupling,
        radius: if problem.coupling == Coupling::Symmetric {
            cfg.lambda * n.sqrt()
        } else {
            cfg.lambda
        },
    };
    let mut x = problem.hebb();
    // A zero Hebb row (possible only for tiny N) cannot be normalised: perturb it
    // deterministically along the first admissible coordinate.
    let norms = row_norms(&x);
    for (i, nrm) in norms.iter().enumerate() {
        if *nrm == 0.0 && problem.coupling != Coupling::Symmetric {
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
    man.retract(&mut x);

    let mut ws = Workspace::new(problem);
    let mut f = ws.eval_loss(problem, &x, 1.0);
    ws.eval_gradient(problem);
    let mut g = ws.g.clone();
    man.euclidean(&mut g);
    man.project(&x, &mut g);
    let xnorm = x.norm();
    // Relative Riemannian gradient, eq. (T9). L > 0 always (softplus > 0).
    let rel =
        |x: &DMatrix<f64>, g: &DMatrix<f64>, f: f64| x.norm() * g.norm() / f.max(f64::MIN_POSITIVE);
    let mut res = rel(&x, &g, f);
    let (mut n_grad, mut n_loss) = (1usize, 0usize);

    let mut s_hist: Vec<DMatrix<f64>> = Vec::new();
    let mut y_hist: Vec<DMatrix<f64>> = Vec::new();
    let mut iter = 0;
    let mut best_res = res;
    let mut stalled = 0;
    let c1 = 1e-4;
    while res > cfg.tol {
        if iter >= cfg.max_iter {
            return Err(Error::NoConvergence {
                what: format!("fixed-norm training (lambda = {})", cfg.lambda),
                iterations: iter,
                residual: res,
                tolerance: cfg.tol,
            });
        }
        observer(iter, res);
        // Two-loop recursion (eq. (T9)).
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
        man.project(&x, &mut d);
        let mut slope = g.dot(&d);
        if slope >= 0.0 || slope.is_nan() {
            // Not a descent direction: restart from steepest descent.
            s_hist.clear();
            y_hist.clear();
            d = g.clone() * (-0.1 * xnorm / g.norm());
            slope = g.dot(&d);
        }
        // Armijo backtracking along the retraction. The slack covers the rounding
        // of the loss (a sum of R·P terms of size ≤ log 2 · |f|).
        let slack = 64.0 * f64::EPSILON * f.abs().max(f64::MIN_POSITIVE);
        let mut t = 1.0;
        let mut accepted = None;
        for _ in 0..60 {
            let mut xn = x.clone();
            axpy(&mut xn, t, &d);
            man.retract(&mut xn);
            let fn_ = ws.eval_loss(problem, &xn, 1.0);
            n_loss += 1;
            if fn_.is_finite() && fn_ <= f + c1 * t * slope + slack {
                accepted = Some((xn, fn_));
                break;
            }
            t *= 0.5;
        }
        let Some((xn, fn_)) = accepted else {
            return Err(Error::NoConvergence {
                what: format!(
                    "fixed-norm line search (lambda = {}, no decrease along the L-BFGS direction)",
                    cfg.lambda
                ),
                iterations: iter,
                residual: res,
                tolerance: cfg.tol,
            });
        };
        // The accepted trial left its residual in the workspace.
        ws.eval_gradient(problem);
        n_grad += 1;
        let mut gn = ws.g.clone();
        man.euclidean(&mut gn);
        man.project(&xn, &mut gn);
        // New correction pair, transported by projection (eq. (T9)).
        let mut s = d * t;
        man.project(&xn, &mut s);
        let mut gt = g;
        man.project(&xn, &mut gt);
        let yv = &gn - &gt;
        for m in 0..s_hist.len() {
            man.project(&xn, &mut s_hist[m]);
            man.project(&xn, &mut y_hist[m]);
        }
        s_hist.push(s);
        y_hist.push(yv);
        // Keep only pairs with positive curvature.
        let keep: Vec<bool> = s_hist
            .iter()
            .zip(&y_hist)
            .map(|(s, y)| s.dot(y) > 1e-12 * s.norm() * y.norm())
            .collect();
        let mut idx = 0;
        s_hist.retain(|_| {
            idx += 1;
            keep[idx - 1]
        });
        idx = 0;
        y_hist.retain(|_| {
            idx += 1;
            keep[idx - 1]
        });
        while s_hist.len() > cfg.memory {
            s_hist.remove(0);
            y_hist.remove(0);
        }
        x = xn;
        f = fn_;
        g = gn;
        res = rel(&x, &g, f);
        iter += 1;
        // No new lowest gradient in 200 iterations: stuck at the rounding level
        // of the gradient, below which the tolerance cannot be reached.
        if res < best_res {
            best_res = res;
            stalled = 0;
        } else {
            stalled += 1;
        }
        if stalled >= 200 && res > cfg.tol {
            return Err(Error::NoConvergence {
                what: format!(
                    "fixed-norm training (lambda = {}; the gradient stopped decreasing at its rounding level, so the tolerance is too small)",
                    cfg.lambda
                ),
                iterations: iter,
                residual: res,
                tolerance: cfg.tol,
            });
        }
    }
    observer(iter, res);
    Ok(FixedNormResult {
        j: x,
        loss: f,
        iterations: iter,
        residual: res,
        gradient_evaluations: n_grad,
        loss_evaluations: n_loss,
    })
}

// ---------------------------------------------------------------------------
// Unbounded norm: gradient descent.
// ---------------------------------------------------------------------------

/// Initial couplings for [`train_gd`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Init {
    /// J = 0.
    Zero,
    /// The Hebb rule, eq. (T11) (the paper's protocol).
    Hebb,
    /// Independent Gaussian entries of standard deviation `init_scale/√N`
    /// (symmetrised for symmetric couplings), zero diagonal.
    Random,
}

/// Settings of [`train_gd`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GdConfig {
    /// Inverse temperature β of the loss, eq. (T3) (the paper uses 0.1).
    pub beta: f64,
    /// Learning rate η on the mean loss L (the paper uses 10).
    pub lr: f64,
    /// Number of full-batch epochs.
    pub epochs: usize,
    /// Initial couplings.
    pub init: Init,
    /// Scale of the random initialisation (ignored otherwise).
    pub init_scale: f64,
    /// Seed of the random initialisation (ignored otherwise).
    pub seed: u64,
    /// Trajectory points per decade of epochs (log-spaced, eq. (T12)).
    pub points_per_decade: usize,
    /// Epochs at which all stabilities are stored (the last epoch always is).
    pub snapshots: Vec<usize>,
}

impl GdConfig {
    /// Defaults: zero start, β = 1, 10 points per decade, snapshots at powers of 10.
    pub fn new(lr: f64, epochs: usize) -> Self {
        let mut snapshots = vec![];
        let mut e = 1;
        while e <= epochs {
            snapshots.push(e);
            e *= 10;
        }
        Self {
            beta: 1.0,
            lr,
            epochs,
            init: Init::Zero,
            init_scale: 0.01,
            seed: 0,
            points_per_decade: 10,
            snapshots,
        }
    }

    /// The paper's protocol: Hebb start, β = 0.1, learning rate 10.
    pub fn paper(epochs: usize) -> Self {
        Self {
            beta: 0.1,
            init: Init::Hebb,
            ..Self::new(10.0, epochs)
        }
    }
}

/// One point of the gradient-descent trajectory.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrajectoryPoint {
    /// Epochs completed.
    pub epoch: usize,
    /// Mean over rows of the effective norm λ_i = β|J_i|.
    pub lambda_mean: f64,
    /// Standard deviation over rows of λ_i.
    pub lambda_std: f64,
    /// Mean loss in theory units, β·L = mean of ℓ_{λ_i}(Δ_i^μ) (eq. (T3)).
    pub loss: f64,
    /// Fraction of negative stabilities (training error ε).
    pub eps: f64,
    /// Mean of all stabilities.
    pub mean: f64,
    /// Variance of all stabilities.
    pub var: f64,
}

/// All stabilities at one epoch.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// Epochs completed.
    pub epoch: usize,
    /// Effective row norms λ_i = β|J_i|.
    pub lambda: Vec<f64>,
    /// Stabilities Δ_i^μ (R×P).
    pub stabilities: DMatrix<f64>,
}

/// The outcome of [`train_gd`].
#[derive(Debug, Clone)]
pub struct GdResult {
    /// Couplings after the last epoch.
    pub j: DMatrix<f64>,
    /// Trajectory at log-spaced epochs.
    pub trajectory: Vec<TrajectoryPoint>,
    /// Stored stabilities.
    pub snapshots: Vec<Snapshot>,
}

/// The recording epochs: 0 (if the start is not zero), and round(10^{k/m}) for
/// k = 0, 1, … up to `epochs` (duplicates removed), plus `epochs` itself (eq. (T12)).
pub fn log_epochs(epochs: usize, per_decade: usize, include_zero: bool) -> Vec<usize> {
    let mut v = vec![];
    if include_zero {
        v.push(0);
    }
    let m = per_decade.max(1) as f64;
    let mut k = 0;
    loop {
        let e = 10f64.powf(k as f64 / m).round() as usize;
        if e > epochs {
            break;
        }
        if v.last() != Some(&e) {
            v.push(e);
        }
        k += 1;
    }
    if epochs > 0 && v.last() != Some(&epochs) {
        v.push(epochs);
    }
    v
}

/// Full-batch gradient descent on one problem, one epoch at a time (the engine
/// of [`train_gd`], public for benchmarks and custom protocols).
pub struct GradientDescent<'a> {
    problem: &'a Problem,
    ws: Workspace,
    j: DMatrix<f64>,
    beta: f64,
    lr: f64,
    fresh: bool,
}

impl<'a> GradientDescent<'a> {
    /// Starts from couplings `j0` (checked with [`Problem::check_couplings`]).
    pub fn new(problem: &'a Problem, j0: DMatrix<f64>, beta: f64, lr: f64) -> Result<Self> {
        finite("beta", beta)?;
        ensure(beta > 0.0, || format!("beta must be positive, got {beta}"))?;
        finite("learning rate", lr)?;
        ensure(lr > 0.0, || {
            format!("the learning rate must be positive, got {lr}")
        })?;
        problem.check_couplings(&j0)?;
        Ok(Self {
            problem,
            ws: Workspace::new(problem),
            j: j0,
            beta,
            lr,
            fresh: false,
        })
    }

    /// The current couplings.
    pub fn couplings(&self) -> &DMatrix<f64> {
        &self.j
    }

    /// The mean loss L (eq. (T3)) at the current couplings; leaves the fields
    /// and residual in place so that the next [`step`](Self::step) reuses them.
    pub fn loss(&mut self) -> f64 {
        let l = self.ws.eval(self.problem, &self.j, self.beta, true);
        self.fresh = true;
        l
    }

    /// The fields H = J X at the current couplings (after [`loss`](Self::loss)).
    fn fields(&self) -> &DMatrix<f64> {
        &self.ws.h
    }

    /// One epoch J ← J − η ∇L (eq. (T10)): two matrix products. Fails with
    /// [`Error::Diverged`] if the couplings become non-finite.
    pub fn step(&mut self) -> Result<()> {
        if !self.fresh {
            self.ws.eval(self.problem, &self.j, self.beta, false);
        }
        self.fresh = false;
        self.ws.eval_gradient(self.problem);
        if self.problem.coupling == Coupling::Symmetric {
            symmetrize_sum(&mut self.ws.g);
        }
        // Update and finiteness check fused, in parallel over columns
        // (element-wise: the result does not depend on the threads).
        let rows = self.j.nrows().max(1);
        let lr = self.lr;
        let finite = self
            .j
            .as_mut_slice()
            .par_chunks_mut(rows)
            .zip(self.ws.g.as_slice().par_chunks(rows))
            .map(|(jc, gc)| {
                let mut ok = true;
                for (a, b) in jc.iter_mut().zip(gc) {
                    *a -= lr * b;
                    ok &= a.is_finite();
                }
                ok
            })
            .reduce(|| true, |a, b| a && b);
        if !finite {
            return Err(Error::Diverged(format!(
                "gradient descent with learning rate {} produced non-finite couplings; lower --lr",
                self.lr
            )));
        }
        Ok(())
    }
}

/// Progress report of [`train_gd`]: epochs completed.
pub type GdObserver<'a> = &'a mut dyn FnMut(usize);

/// Full-batch gradient descent J ← J − η ∇L (eq. (T10); symmetric couplings use
/// the gradient of eq. (T5), so J stays exactly symmetric), recording the
/// trajectory at [`log_epochs`] and all stabilities at `cfg.snapshots`.
///
/// Fails with [`Error::Diverged`] if the couplings become non-finite or the loss
/// exceeds 100 times its initial value (stable gradient descent on this convex
/// loss never increases it).
pub fn train_gd(problem: &Problem, cfg: &GdConfig, observer: GdObserver<'_>) -> Result<GdResult> {
    finite("beta", cfg.beta)?;
    ensure(cfg.beta > 0.0, || {
        format!("beta must be positive, got {}", cfg.beta)
    })?;
    finite("learning rate", cfg.lr)?;
    ensure(cfg.lr > 0.0, || {
        format!("the learning rate must be positive, got {}", cfg.lr)
    })?;
    ensure(cfg.epochs >= 1, || "at least one epoch is needed".into())?;
    let (r, n) = (problem.rows(), problem.n());
    let j = match cfg.init {
        Init::Zero => DMatrix::zeros(r, n),
        Init::Hebb => problem.hebb(),
        Init::Random => {
            finite("init scale", cfg.init_scale)?;
            ensure(cfg.init_scale > 0.0, || {
                format!("the init scale must be positive, got {}", cfg.init_scale)
            })?;
            let mut rng = rng::stream(cfg.seed, rng::INIT_COUPLINGS);
            let sd = cfg.init_scale / (n as f64).sqrt();
            let mut j = DMatrix::from_fn(r, n, |_, _| {
                let z: f64 = StandardNormal.sample(&mut rng);
                sd * z
            });
            problem.constrain(&mut j);
            if problem.coupling == Coupling::Symmetric {
                symmetrize_sum(&mut j);
                j *= std::f64::consts::FRAC_1_SQRT_2;
            }
            j
        }
    };
    let record = log_epochs(cfg.epochs, cfg.points_per_decade, cfg.init != Init::Zero);
    let mut gd = GradientDescent::new(problem, j, cfg.beta, cfg.lr)?;
    let mut trajectory = vec![];
    let mut snapshots = vec![];
    let mut next_record = 0;
    let mut loss0 = None;
    for epoch in 0..=cfg.epochs {
        // State after `epoch` updates.
        let want_point = next_record < record.len() && record[next_record] == epoch;
        let want_snap = epoch == cfg.epochs || (epoch > 0 && cfg.snapshots.contains(&epoch));
        if epoch == 0 || want_point || want_snap {
            let l = gd.loss();
            let l0 = *loss0.get_or_insert(l);
            if !l.is_finite() || l > 100.0 * l0 {
                return Err(Error::Diverged(format!(
                    "gradient descent with learning rate {} diverged by epoch {epoch} (loss {l:.3e}, initial {l0:.3e}); lower --lr",
                    cfg.lr
                )));
            }
            if want_point || want_snap {
                let st = crate::learning::stabilities::Stabilities::from_fields(
                    problem,
                    gd.fields(),
                    gd.couplings(),
                )?;
                let lam: Vec<f64> = st.row_norms.iter().map(|v| cfg.beta * v).collect();
                if want_point {
                    let (lm, ls) = mean_std_population(&lam);
                    let s = st.summary()?;
                    trajectory.push(TrajectoryPoint {
                        epoch,
                        lambda_mean: lm,
                        lambda_std: ls,
                        loss: cfg.beta * l,
                        eps: s.eps,
                        mean: s.mean,
                        var: s.var,
                    });
                    next_record += 1;
                }
                if want_snap {
                    snapshots.push(Snapshot {
                        epoch,
                        lambda: lam,
                        stabilities: st.delta,
                    });
                }
            }
        }
        if epoch == cfg.epochs {
            break;
        }
        gd.step().map_err(|e| match e {
            Error::Diverged(_) => Error::Diverged(format!(
                "gradient descent with learning rate {} diverged at epoch {} (non-finite couplings); lower --lr",
                cfg.lr,
                epoch + 1
            )),
            e => e,
        })?;
        observer(epoch + 1);
    }
    let j = gd.j;
    Ok(GdResult {
        j,
        trajectory,
        snapshots,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::patterns::PatternKind;

    #[test]
    fn symmetrize_matches_definition() {
        for n in [1, 5, 64, 65, 150] {
            let g = DMatrix::from_fn(n, n, |i, j| {
                ((i * 31 + j * 17) % 23) as f64 - 11.5 + 0.1 * i as f64
            });
            let mut s = g.clone();
            symmetrize_sum(&mut s);
            for i in 0..n {
                for j in 0..n {
                    let want = if i == j {
                        g[(i, i)]
                    } else {
                        g[(i, j)] + g[(j, i)]
                    };
                    assert_eq!(s[(i, j)], want, "n {n} ({i},{j})");
                }
            }
        }
    }

    #[test]
    fn log_epochs_grid() {
        assert_eq!(log_epochs(10, 2, false), vec![1, 3, 10]);
        assert_eq!(log_epochs(12, 1, true), vec![0, 1, 10, 12]);
        let v = log_epochs(10_000, 10, false);
        assert_eq!(v[0], 1);
        assert_eq!(*v.last().unwrap(), 10_000);
        assert!(v.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn hebb_rule() {
        let p = Patterns::generate(20, 0.5, PatternKind::Binary, 1).unwrap();
        let pr = Problem::network(&p, Coupling::Asymmetric).unwrap();
        let j = pr.hebb();
        for a in 0..20 {
            for b in 0..20 {
                let want = if a == b {
                    0.0
                } else {
                    (0..10).map(|m| p.xi[(a, m)] * p.xi[(b, m)]).sum::<f64>() / 20.0
                };
                // Integer sums times 1/20 vs divided by 20: one rounding apart.
                assert!((j[(a, b)] - want).abs() < 1e-15);
            }
        }
    }
}
