//! Hebbian unlearning ("dreaming") with the stopping rule of Benedetti et al.
//! 2022, eqs. (M11)–(M12) of `theory/memory.md`.

use super::{hebb, Trained};
use crate::error::{ensure, Error, Result};
use crate::learning::couplings::{row_norms, zero_diagonal};
use crate::memory::couplings::check_patterns;
use crate::memory::dynamics::{relax_async_in_place, tie_tolerances};
use crate::numerics::rng;
use nalgebra::{DMatrix, DVector};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

/// Dreams between exact recomputations of the pattern fields and row norms,
/// which remove the drift of their incremental updates, eq. (M11).
const RECOMPUTE_EVERY: usize = 1000;

/// Options of [`unlearning()`].
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
    let n = patterns.nrows();
    let mut j = hebb(patterns)?;
    let eps = opts.epsilon / n as f64;
    let mut pf = PatternFields::exact(&j, patterns);
    if pf.min_stability(patterns) > 0.0 {
        return Ok(Trained {
            min_stability: pf.min_stability(patterns),
            couplings: j,
            epochs: 0,
        });
    }
    let mut dreamer = Dreamer::new(n, opts);
    for dream in 1..=opts.max_dreams {
        dreamer.dream(&j, dream)?;
        pf.forget(&dreamer.s, &dreamer.fields, eps, patterns);
        j.ger(-eps, &dreamer.s, &dreamer.s, 1.0);
        zero_diagonal(&mut j);
        if dream % RECOMPUTE_EVERY == 0 {
            pf = PatternFields::exact(&j, patterns);
        }
        // The stopping rule (M12) is confirmed on exact quantities.
        if pf.min_stability(patterns) > 0.0 {
            pf = PatternFields::exact(&j, patterns);
            let m = pf.min_stability(patterns);
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
        residual: -pf.min_stability(patterns),
        tolerance: 0.0,
    })
}

/// The fields on the patterns `H = J Ξ` and the squared row norms `|J_i|²`,
/// updated incrementally in O(NP) per dream, eq. (M11).
struct PatternFields {
    h: DMatrix<f64>,
    r2: Vec<f64>,
}

impl PatternFields {
    /// Computes both exactly from the couplings.
    fn exact(j: &DMatrix<f64>, patterns: &DMatrix<f64>) -> Self {
        let h = j * patterns;
        let r2 = row_norms(j).into_iter().map(|r| r * r).collect();
        Self { h, r2 }
    }

    /// `min_{i,μ} Δ_i^μ`, eq. (M2); −∞ if a row of J vanishes.
    fn min_stability(&self, patterns: &DMatrix<f64>) -> f64 {
        let (n, p) = patterns.shape();
        let mut m = f64::INFINITY;
        for mu in 0..p {
            for i in 0..n {
                let d = patterns[(i, mu)] * self.h[(i, mu)];
                m = m.min(if self.r2[i] > 0.0 {
                    d / self.r2[i].sqrt()
                } else {
                    f64::NEG_INFINITY
                });
            }
        }
        m
    }

    /// Applies the dream `ΔJ_i = −ε s_i (s − s_i e_i)` at the fixed point `s`
    /// with fields `fields = J s` (before the update), `eps` = ε/N:
    ///   |J_i|² ← |J_i|² − 2 ε s_i (J_i·s) + ε² (N − 1),
    ///   H_iμ  ← H_iμ − ε s_i (s·ξ^μ − s_i ξ_i^μ).
    fn forget(
        &mut self,
        s: &DVector<f64>,
        fields: &DVector<f64>,
        eps: f64,
        patterns: &DMatrix<f64>,
    ) {
        let (n, p) = patterns.shape();
        let nf = n as f64;
        for i in 0..n {
            self.r2[i] += -2.0 * eps * s[i] * fields[i] + eps * eps * (nf - 1.0);
        }
        let overlaps = patterns.tr_mul(s); // s·ξ^μ
        for mu in 0..p {
            let o = overlaps[mu];
            for i in 0..n {
                self.h[(i, mu)] -= eps * s[i] * (o - s[i] * patterns[(i, mu)]);
            }
        }
    }
}

/// The dreams' random states, relaxed by asynchronous dynamics (M15), with
/// their random stream and work space.
struct Dreamer {
    rng: ChaCha8Rng,
    /// The last dream's fixed point.
    s: DVector<f64>,
    /// `J s` at that fixed point.
    fields: DVector<f64>,
    order: Vec<usize>,
    max_sweeps: usize,
}

impl Dreamer {
    fn new(n: usize, opts: &UnlearningOptions) -> Self {
        Self {
            rng: rng::stream(opts.seed, rng::UNLEARNING),
            s: DVector::zeros(n),
            fields: DVector::zeros(n),
            order: (0..n).collect(),
            max_sweeps: opts.max_sweeps,
        }
    }

    /// Draws a uniformly random state and relaxes it to a fixed point of `j`.
    fn dream(&mut self, j: &DMatrix<f64>, dream: usize) -> Result<()> {
        for v in self.s.iter_mut() {
            *v = if self.rng.random::<bool>() { 1.0 } else { -1.0 };
        }
        let tau = tie_tolerances(j);
        relax_async_in_place(
            j,
            &tau,
            self.s.as_mut_slice(),
            self.fields.as_mut_slice(),
            &mut self.order,
            &mut self.rng,
            self.max_sweeps,
        )
        .ok_or_else(|| Error::NoConvergence {
            what: format!("asynchronous relaxation of dream {dream}"),
            iterations: self.max_sweeps,
            residual: f64::NAN,
            tolerance: 0.0,
        })?;
        Ok(())
    }
}
