//! Classical learning rules for associative memories, each producing a
//! coupling matrix `J` (N×N, zero diagonal) from `P` patterns `ξ^μ ∈ {±1}^N`.
//!
//! Patterns are stored as the columns of an N×P matrix (`patterns[(i, μ)] =
//! ξ_i^μ`). The rules and their conventions are in `theory/memory.md`:
//!
//! * [`hebb`] — eq. (M3);
//! * [`pseudo_inverse`] — eq. (M4);
//! * [`perceptron`] — margin-κ perceptron per row, eqs. (M5)–(M6);
//! * [`max_margin`] — maximal-margin rows by AdaTron with a duality
//!   certificate, eqs. (M7)–(M9);
//! * [`symmetric_perceptron`] — eq. (M10);
//! * [`unlearning`] — Hebbian unlearning ("dreaming") with the stopping rule of
//!   Benedetti et al. 2022, eqs. (M11)–(M12);
//! * [`pseudo_likelihood`] — the pseudo-likelihood rule, eq. (M1), delegated to
//!   the simulation engine ([`crate::learning`]).
//!
//! The stabilities `Δ_i^μ` of eq. (M2) are computed by
//! [`stabilities`](crate::memory::couplings::stabilities).

use crate::data::patterns::Patterns;
use crate::error::{ensure, Error, Result};
use crate::learning::couplings::{row_norms, zero_diagonal};
use crate::learning::{train_fixed_norm, train_gd, Coupling, FixedNormConfig, GdConfig, Problem};
use crate::memory::couplings::{check_patterns, stabilities};
use crate::memory::dynamics::{relax_async_in_place, tie_tolerances};
use crate::numerics::rng;
use nalgebra::{DMatrix, DVector};
use rand::RngExt;
use rayon::prelude::*;

/// Hebb's rule `J_ij = (1/N) Σ_μ ξ_i^μ ξ_j^μ`, `J_ii = 0`, eq. (M3).
pub fn hebb(patterns: &DMatrix<f64>) -> Result<DMatrix<f64>> {
    check_patterns(patterns)?;
    let n = patterns.nrows() as f64;
    let mut j = patterns * patterns.transpose() / n;
    zero_diagonal(&mut j);
    Ok(j)
}

/// Pseudo-inverse (projector) rule of Kanter and Sompolinsky,
/// `J = (1/N) Ξ C⁻¹ Ξᵀ` with `C = ΞᵀΞ/N`, diagonal removed, eq. (M4).
///
/// Fails with [`Error::NoSolution`] when the patterns are linearly dependent
/// (always so for P > N), since then the correlation matrix is singular.
pub fn pseudo_inverse(patterns: &DMatrix<f64>) -> Result<DMatrix<f64>> {
    check_patterns(patterns)?;
    let (n, p) = patterns.shape();
    if p > n {
        return Err(Error::NoSolution(format!(
            "the pseudo-inverse rule needs P <= N linearly independent patterns, got P = {p} > N = {n}"
        )));
    }
    let c = patterns.transpose() * patterns / n as f64;
    let chol = c.cholesky().ok_or_else(|| {
        Error::NoSolution("the patterns are linearly dependent: C = ΞᵀΞ/N is singular".into())
    })?;
    // Reject numerically singular C: the smallest pivot of the Cholesky factor
    // bounds the conditioning of the projector.
    let l = chol.l();
    let min_pivot = (0..p).map(|k| l[(k, k)]).fold(f64::INFINITY, f64::min);
    if min_pivot < 1e-6 {
        return Err(Error::NoSolution(format!(
            "the patterns are numerically dependent (smallest Cholesky pivot {min_pivot:.2e})"
        )));
    }
    // J = Ξ C⁻¹ Ξᵀ / N; solve C Y = Ξᵀ rather than forming the inverse.
    let y = chol.solve(&patterns.transpose());
    let mut j = patterns * y / n as f64;
    zero_diagonal(&mut j);
    // Symmetrise away rounding (the exact projector is symmetric).
    let jt = j.transpose();
    j = (&j + jt) * 0.5;
    Ok(j)
}

/// A trained coupling matrix with the training diagnostics.
#[derive(Clone, Debug)]
pub struct Trained {
    /// Couplings `J` (N×N, zero diagonal).
    pub couplings: DMatrix<f64>,
    /// Training epochs (full passes over the patterns) that were needed; for
    /// the asymmetric perceptron, the largest over rows.
    pub epochs: usize,
    /// Smallest stability `min_{i,μ} Δ_i^μ` reached, eq. (M2).
    pub min_stability: f64,
}

/// Gram matrix `C = ΞᵀΞ` (P×P, integer entries, exact in f64).
fn gram(patterns: &DMatrix<f64>) -> DMatrix<f64> {
    patterns.transpose() * patterns
}

/// Row-`i` quantities of the dual ("embedding strength") form, eq. (M6):
/// `G^i_{μν} = ζ^μ·ζ^ν = s_μ s_ν C_μν − 1` with `s = ξ_i`, `ζ^μ = ξ_i^μ ξ^μ`
/// restricted to `j ≠ i`.
struct Row<'a> {
    c: &'a DMatrix<f64>,
    s: Vec<f64>,
}

impl Row<'_> {
    /// Adds `a · G^i[:, ν]` to `y`.
    #[inline]
    fn axpy(&self, a: f64, nu: usize, y: &mut [f64]) {
        let col = self.c.column(nu);
        let snu = self.s[nu];
        for ((ym, &cm), &sm) in y.iter_mut().zip(col.iter()).zip(self.s.iter()) {
            *ym += a * (sm * snu * cm - 1.0);
        }
    }
}

/// Assembles `J_ij = (1/N) Σ_ν x_iν ξ_i^ν ξ_j^ν` (`J_ii = 0`) from the
/// embedding strengths `x` (N×P, one row per neuron), eq. (M6).
fn assemble(patterns: &DMatrix<f64>, x: &DMatrix<f64>) -> DMatrix<f64> {
    let n = patterns.nrows();
    let a = x.component_mul(patterns);
    let mut j = a * patterns.transpose() / n as f64;
    zero_diagonal(&mut j);
    j
}

/// Perceptron with stability threshold κ, trained row by row, eqs. (M5)–(M6).
///
/// Row `i` starts from `J_i = 0` and visits the patterns cyclically; whenever
/// `ξ_i^μ h_i^μ ≤ κ |J_i|` it adds `ξ_i^μ ξ^μ / N` (restricted to `j ≠ i`). A
/// row stops after the first epoch without updates, so every stability ends
/// strictly above κ (for κ = 0 the condition `≤ 0` also forces the first
/// update). The arithmetic is exact: fields are integers divided by N.
///
/// Fails with [`Error::InvalidInput`] for κ < 0 or non-finite κ, and with
/// [`Error::NoConvergence`] if some row still has errors after `max_epochs`
/// (κ above the row's maximal margin, or too close to it).
pub fn perceptron(patterns: &DMatrix<f64>, kappa: f64, max_epochs: usize) -> Result<Trained> {
    check_patterns(patterns)?;
    ensure(kappa.is_finite() && kappa >= 0.0, || {
        format!("perceptron margin kappa must be finite and >= 0, got {kappa}")
    })?;
    ensure(max_epochs >= 1, || "max_epochs must be >= 1".into())?;
    let (n, p) = patterns.shape();
    let c = gram(patterns);
    type RowOut = std::result::Result<(Vec<f64>, usize), (usize, f64)>;
    let rows: Vec<RowOut> = (0..n)
        .into_par_iter()
        .map(|i| {
            let row = Row {
                c: &c,
                s: patterns.row(i).iter().copied().collect(),
            };
            let mut x = vec![0.0; p];
            let mut y = vec![0.0; p];
            let mut norm2 = 0.0_f64;
            for epoch in 1..=max_epochs {
                let mut updates = 0usize;
                for mu in 0..p {
                    if y[mu] <= kappa * norm2.sqrt() {
                        // |w + ζ^μ|² = |w|² + 2 y_μ + (N − 1).
                        norm2 += 2.0 * y[mu] + (n as f64 - 1.0);
                        x[mu] += 1.0;
                        row.axpy(1.0, mu, &mut y);
                        updates += 1;
                    }
                }
                if updates == 0 {
                    return Ok((x, epoch));
                }
            }
            let worst = y
                .iter()
                .map(|&v| v / norm2.sqrt().max(f64::MIN_POSITIVE))
                .fold(f64::INFINITY, f64::min);
            Err((i, worst))
        })
        .collect();
    let mut x = DMatrix::<f64>::zeros(n, p);
    let mut epochs = 0;
    for (i, r) in rows.into_iter().enumerate() {
        match r {
            Ok((xi, e)) => {
                epochs = epochs.max(e);
                for (mu, v) in xi.into_iter().enumerate() {
                    x[(i, mu)] = v;
                }
            }
            Err((row, worst)) => {
                return Err(Error::NoConvergence {
                    what: format!("perceptron (kappa = {kappa}) on row {row}"),
                    iterations: max_epochs,
                    residual: (kappa - worst).max(0.0),
                    tolerance: 0.0,
                })
            }
        }
    }
    let couplings = assemble(patterns, &x);
    let min_stability = stabilities(&couplings, patterns)?.min();
    Ok(Trained {
        couplings,
        epochs,
        min_stability,
    })
}

/// Result of [`max_margin`]: couplings with (near-)maximal margin per row and
/// the duality certificate of eq. (M9).
#[derive(Clone, Debug)]
pub struct MaxMargin {
    /// Couplings (N×N, zero diagonal); row `i` attains margin `kappa_lower[i]`.
    pub couplings: DMatrix<f64>,
    /// Margin attained by each row: `min_μ Δ_i^μ` (a lower bound on the row's
    /// maximal margin).
    pub kappa_lower: Vec<f64>,
    /// Upper bound on each row's maximal margin from the dual objective.
    pub kappa_upper: Vec<f64>,
    /// AdaTron sweeps needed (largest over rows).
    pub sweeps: usize,
}

impl MaxMargin {
    /// Mean over rows of the attained margin.
    pub fn kappa_mean(&self) -> f64 {
        self.kappa_lower.iter().sum::<f64>() / self.kappa_lower.len() as f64
    }
    /// Largest relative gap `(κ_upper − κ_lower)/κ_lower` over rows.
    pub fn relative_gap(&self) -> f64 {
        self.kappa_lower
            .iter()
            .zip(&self.kappa_upper)
            .map(|(l, u)| (u - l) / l)
            .fold(0.0, f64::max)
    }
}

/// Maximal-margin couplings by the AdaTron (exact coordinate ascent on the
/// dual of eq. (M7)), row by row, eq. (M8); stops when the duality
/// certificate of eq. (M9) brackets every row's maximal margin within a
/// relative gap `rel_tol`.
///
/// Fails with [`Error::NoConvergence`] after `max_sweeps` sweeps without a
/// certificate (for instance when a row is not linearly separable, α ≳ 2).
pub fn max_margin(patterns: &DMatrix<f64>, rel_tol: f64, max_sweeps: usize) -> Result<MaxMargin> {
    check_patterns(patterns)?;
    ensure(
        rel_tol.is_finite() && rel_tol > 0.0 && rel_tol < 1.0,
        || format!("rel_tol must lie in (0, 1), got {rel_tol}"),
    )?;
    ensure(max_sweeps >= 1, || "max_sweeps must be >= 1".into())?;
    let (n, p) = patterns.shape();
    let c = gram(patterns);
    let gdiag = n as f64 - 1.0;
    type RowOut = std::result::Result<(Vec<f64>, f64, f64, usize), (usize, f64, f64)>;
    let rows: Vec<RowOut> = (0..n)
        .into_par_iter()
        .map(|i| {
            let row = Row {
                c: &c,
                s: patterns.row(i).iter().copied().collect(),
            };
            let mut x = vec![0.0; p];
            let mut y = vec![0.0; p];
            let mut gap = f64::INFINITY;
            let mut upper = f64::INFINITY;
            for sweep in 1..=max_sweeps {
                for nu in 0..p {
                    let new = (x[nu] + (1.0 - y[nu]) / gdiag).max(0.0);
                    let dx = new - x[nu];
                    if dx != 0.0 {
                        x[nu] = new;
                        row.axpy(dx, nu, &mut y);
                    }
                }
                // Recompute y exactly every so often to remove drift.
                if sweep % 50 == 0 {
                    y.iter_mut().for_each(|v| *v = 0.0);
                    for (nu, &xn) in x.iter().enumerate() {
                        if xn != 0.0 {
                            row.axpy(xn, nu, &mut y);
                        }
                    }
                }
                let norm2: f64 = x.iter().zip(&y).map(|(a, b)| a * b).sum();
                let sum_x: f64 = x.iter().sum();
                let dual = sum_x - 0.5 * norm2;
                let ymin = y.iter().copied().fold(f64::INFINITY, f64::min);
                if dual > 0.0 {
                    upper = 1.0 / (2.0 * dual).sqrt();
                }
                if norm2 > 0.0 && dual > 0.0 && ymin > 0.0 {
                    let lo = ymin / norm2.sqrt();
                    let hi = upper;
                    gap = (hi - lo) / lo;
                    if gap <= rel_tol {
                        return Ok((x, lo, hi, sweep));
                    }
                }
            }
            Err((i, gap, upper))
        })
        .collect();
    let mut x = DMatrix::<f64>::zeros(n, p);
    let (mut kl, mut ku, mut sweeps) = (vec![0.0; n], vec![0.0; n], 0);
    for (i, r) in rows.into_iter().enumerate() {
        match r {
            Ok((xi, lo, hi, s)) => {
                kl[i] = lo;
                ku[i] = hi;
                sweeps = sweeps.max(s);
                for (mu, v) in xi.into_iter().enumerate() {
                    x[(i, mu)] = v;
                }
            }
            Err((row, gap, upper)) => {
                return Err(Error::NoConvergence {
                    what: format!(
                        "AdaTron max-margin solver on row {row} (certified: maximal margin <= {upper:.3e}; \
                         a row that is not linearly separable has margin <= 0)"
                    ),
                    iterations: max_sweeps,
                    residual: gap,
                    tolerance: rel_tol,
                })
            }
        }
    }
    // x are dual variables for the margin-1 problem: w = Σ x ζ; rescale by
    // 1/N like Hebb's rule (the scale of a row does not affect the dynamics).
    let couplings = assemble(patterns, &x);
    Ok(MaxMargin {
        couplings,
        kappa_lower: kl,
        kappa_upper: ku,
        sweeps,
    })
}

/// Symmetric perceptron with threshold κ, eq. (M10): full-batch epochs on
/// symmetric couplings, `J ← J + (1/N)(M Ξᵀ + Ξ Mᵀ)` with `M_iμ = ξ_i^μ`
/// on the errors `ξ_i^μ h_i^μ ≤ κ |J_i|` and 0 elsewhere, so that `J_ij` and
/// `J_ji` move together from both rows' errors. Starts from `J = 0`.
///
/// Fails with [`Error::NoConvergence`] after `max_epochs` epochs with errors.
pub fn symmetric_perceptron(
    patterns: &DMatrix<f64>,
    kappa: f64,
    max_epochs: usize,
) -> Result<Trained> {
    check_patterns(patterns)?;
    ensure(kappa.is_finite() && kappa >= 0.0, || {
        format!("perceptron margin kappa must be finite and >= 0, got {kappa}")
    })?;
    ensure(max_epochs >= 1, || "max_epochs must be >= 1".into())?;
    let (n, p) = patterns.shape();
    // Work with the integer matrix K = N·J: every field and norm is then exact.
    let mut k = DMatrix::<f64>::zeros(n, n);
    let mut worst = f64::NEG_INFINITY;
    for epoch in 1..=max_epochs {
        let h = &k * patterns;
        let norms = row_norms(&k);
        let mut m = DMatrix::<f64>::zeros(n, p);
        let mut errors = 0usize;
        worst = f64::INFINITY;
        for mu in 0..p {
            for i in 0..n {
                let y = patterns[(i, mu)] * h[(i, mu)];
                if norms[i] > 0.0 {
                    worst = worst.min(y / norms[i]);
                }
                if y <= kappa * norms[i] {
                    m[(i, mu)] = patterns[(i, mu)];
                    errors += 1;
                }
            }
        }
        if errors == 0 {
            let mut couplings = k / n as f64;
            zero_diagonal(&mut couplings);
            let min_stability = stabilities(&couplings, patterns)?.min();
            return Ok(Trained {
                couplings,
                epochs: epoch,
                min_stability,
            });
        }
        let mut dk = &m * patterns.transpose();
        let dkt = dk.transpose();
        dk += dkt;
        zero_diagonal(&mut dk);
        k += dk;
    }
    Err(Error::NoConvergence {
        what: format!("symmetric perceptron (kappa = {kappa})"),
        iterations: max_epochs,
        residual: (kappa - worst).max(0.0),
        tolerance: 0.0,
    })
}

/// Options of [`unlearning`].
#[derive(Clone, Debug)]
pub struct UnlearningOptions {
    /// Unlearning strength ε of eq. (M11) (dimensionless; the update is
    /// `−(ε/N) s sᵀ`).
    pub epsilon: f64,
    /// Largest number of dreams before giving up.
    pub max_dreams: usize,
    /// Cap on asynchronous sweeps per dream (a symmetric network always
    /// reaches a fixed point; the cap only guards against bugs).
    pub max_sweeps: usize,
    /// Seed of the random initial states and update orders (stream
    /// [`rng::UNLEARNING`](crate::numerics::rng::UNLEARNING)).
    pub seed: u64,
}

impl Default for UnlearningOptions {
    fn default() -> Self {
        Self {
            epsilon: 0.01,
            max_dreams: 1_000_000,
            max_sweeps: 10_000,
            seed: 1,
        }
    }
}

/// Hebbian unlearning ("dreaming"), eqs. (M11)–(M12): start from Hebb's rule;
/// each dream relaxes a uniformly random state with asynchronous
/// random-sequential zero-temperature dynamics to a fixed point `s` and sets
/// `J ← J − (ε/N)(s sᵀ − 1)` (the diagonal stays zero, J stays symmetric).
/// Dreaming stops at the first dream after which every pattern is a fixed
/// point with all stabilities positive, `min_{i,μ} Δ_i^μ > 0` (Benedetti,
/// Ventura, Marinari, Ruocco, Zamponi 2022).
///
/// Returns the couplings and, in [`Trained::epochs`], the number of dreams.
/// Fails with [`Error::NoConvergence`] after `max_dreams` dreams.
pub fn unlearning(patterns: &DMatrix<f64>, opts: &UnlearningOptions) -> Result<Trained> {
    check_patterns(patterns)?;
    ensure(opts.epsilon.is_finite() && opts.epsilon > 0.0, || {
        format!("unlearning epsilon must be > 0, got {}", opts.epsilon)
    })?;
    ensure(opts.max_sweeps >= 1, || "max_sweeps must be >= 1".into())?;
    let (n, p) = patterns.shape();
    let nf = n as f64;
    let mut j = hebb(patterns)?;
    let eps = opts.epsilon / nf;
    // Fields on the patterns H = J Ξ and squared row norms, updated
    // incrementally in O(NP) per dream and recomputed exactly to confirm
    // the stopping rule and periodically (to remove rounding drift).
    let exact = |j: &DMatrix<f64>| -> (DMatrix<f64>, Vec<f64>) {
        let h = j * patterns;
        let r2 = row_norms(j).into_iter().map(|r| r * r).collect();
        (h, r2)
    };
    let min_stab = |h: &DMatrix<f64>, r2: &[f64]| -> f64 {
        let mut m = f64::INFINITY;
        for mu in 0..p {
            for i in 0..n {
                let d = patterns[(i, mu)] * h[(i, mu)];
                m = m.min(if r2[i] > 0.0 {
                    d / r2[i].sqrt()
                } else {
                    f64::NEG_INFINITY
                });
            }
        }
        m
    };
    let (mut h, mut r2) = exact(&j);
    if min_stab(&h, &r2) > 0.0 {
        return Ok(Trained {
            min_stability: min_stab(&h, &r2),
            couplings: j,
            epochs: 0,
        });
    }
    let mut rng = rng::stream(opts.seed, rng::UNLEARNING);
    let mut s = DVector::<f64>::zeros(n);
    let mut fields = DVector::<f64>::zeros(n);
    let mut order: Vec<usize> = (0..n).collect();
    for dream in 1..=opts.max_dreams {
        for v in s.iter_mut() {
            *v = if rng.random::<bool>() { 1.0 } else { -1.0 };
        }
        let tau = tie_tolerances(&j);
        relax_async_in_place(
            &j,
            &tau,
            s.as_mut_slice(),
            fields.as_mut_slice(),
            &mut order,
            &mut rng,
            opts.max_sweeps,
        )
        .ok_or_else(|| Error::NoConvergence {
            what: format!("asynchronous relaxation of dream {dream}"),
            iterations: opts.max_sweeps,
            residual: f64::NAN,
            tolerance: 0.0,
        })?;
        // `fields` holds J s at the fixed point. Update the norms, then J and
        // H:  ΔJ_i = −ε s_i (s − s_i e_i)  ⇒
        //   |J_i|² ← |J_i|² − 2 ε s_i (J_i·s) + ε² (N − 1),
        //   H_iμ  ← H_iμ − ε s_i (s·ξ^μ − s_i ξ_i^μ).
        for i in 0..n {
            r2[i] += -2.0 * eps * s[i] * fields[i] + eps * eps * (nf - 1.0);
        }
        let overlaps = patterns.tr_mul(&s); // s·ξ^μ
        for mu in 0..p {
            let o = overlaps[mu];
            for i in 0..n {
                h[(i, mu)] -= eps * s[i] * (o - s[i] * patterns[(i, mu)]);
            }
        }
        j.ger(-eps, &s, &s, 1.0);
        zero_diagonal(&mut j);
        if dream % 1000 == 0 {
            (h, r2) = exact(&j);
        }
        if min_stab(&h, &r2) > 0.0 {
            (h, r2) = exact(&j);
            let m = min_stab(&h, &r2);
            if m > 0.0 {
                return Ok(Trained {
                    couplings: j,
                    epochs: dream,
                    min_stability: m,
                });
            }
        }
    }
    Err(Error::NoConvergence {
        what: format!("Hebbian unlearning (epsilon = {})", opts.epsilon),
        iterations: opts.max_dreams,
        residual: -min_stab(&h, &r2),
        tolerance: 0.0,
    })
}

/// How the pseudo-likelihood couplings are trained (see [`crate::learning`]).
#[derive(Clone, Debug)]
pub enum PlTraining {
    /// Unbounded norm: full-batch gradient descent; [`GdConfig::paper`] is the
    /// paper's protocol (Hebb start, β = 0.1, learning rate 10).
    GradientDescent(GdConfig),
    /// Fixed norm λ (Riemannian L-BFGS on the sphere(s)).
    FixedNorm(FixedNormConfig),
}

/// Pseudo-likelihood couplings, eq. (M1), asymmetric or symmetric, trained by
/// the simulation engine ([`crate::learning::train_gd`] or
/// [`crate::learning::train_fixed_norm`]); this is a thin adapter that
/// checks the result is a valid coupling matrix for the dynamics.
pub fn pseudo_likelihood(
    patterns: &DMatrix<f64>,
    coupling: Coupling,
    training: &PlTraining,
) -> Result<DMatrix<f64>> {
    pseudo_likelihood_observed(patterns, coupling, training, &mut |_| {})
}

/// [`pseudo_likelihood`] with a progress callback, called with the number
/// of completed epochs (gradient descent) or iterations (fixed norm).
pub fn pseudo_likelihood_observed(
    patterns: &DMatrix<f64>,
    coupling: Coupling,
    training: &PlTraining,
    progress: &mut dyn FnMut(usize),
) -> Result<DMatrix<f64>> {
    check_patterns(patterns)?;
    ensure(coupling != Coupling::Perceptron, || {
        "pseudo-likelihood couplings must be asymmetric or symmetric".into()
    })?;
    let pats = Patterns::from_matrix(patterns.clone())?;
    let problem = Problem::network(&pats, coupling)?;
    let mut j = match training {
        PlTraining::GradientDescent(cfg) => {
            let cfg = GdConfig {
                // Only the final couplings are needed here.
                snapshots: vec![],
                ..cfg.clone()
            };
            train_gd(&problem, &cfg, progress)?.j
        }
        PlTraining::FixedNorm(cfg) => train_fixed_norm(&problem, cfg, &mut |it, _| progress(it))?.j,
    };
    if !j.iter().all(|v| v.is_finite()) {
        return Err(Error::Diverged(
            "pseudo-likelihood training produced non-finite couplings".into(),
        ));
    }
    zero_diagonal(&mut j);
    Ok(j)
}
