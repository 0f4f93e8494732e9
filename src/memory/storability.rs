//! Exact storability of random patterns: the fraction of random ±1 pattern
//! sets that some coupling matrix of a given kind stores exactly (every
//! stability Δ_i^μ > 0), each set decided by the exact maximal-margin
//! program of [`crate::memory::feasibility`] with its answer verified either
//! way (a checked solution or a checked certificate of infeasibility).
//!
//! Asymmetric couplings store a set when every row separates its patterns
//! (N independent programs); symmetric couplings need one program over the
//! N(N−1)/2 shared couplings. A solver failure is reported as such, never
//! counted as either answer.

use rand::RngExt;
use rayon::prelude::*;
use serde::Serialize;

use crate::error::{ensure, Result};
use crate::memory::feasibility::{row_verdict, symmetric_verdict, Verdict};
use crate::numerics::rng;

/// Which couplings may store the patterns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Symmetry {
    /// Independent rows J_i (N(N−1) parameters).
    Asymmetric,
    /// J_ij = J_ji (N(N−1)/2 parameters).
    Symmetric,
}

/// The answer for one random pattern set.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Some coupling matrix of the kind stores every pattern.
    Storable,
    /// No coupling matrix of the kind does (certified).
    NotStorable,
    /// The exact solver gave no verified answer; the message says why.
    Failed(String),
}

/// Storability measured over `samples` random pattern sets.
#[derive(Debug, Clone, Serialize)]
pub struct Storability {
    /// Couplings allowed.
    pub coupling: Symmetry,
    /// Neurons N.
    pub n: usize,
    /// Patterns P per set.
    pub p: usize,
    /// Pattern sets drawn.
    pub samples: usize,
    /// Seed of the draws (set s is drawn from seed [`rng::derive`]`(seed, &[0, s])`).
    pub seed: u64,
    /// Fraction of the decided sets that are storable.
    pub storable: f64,
    /// Its binomial standard error √(f(1 − f)/decided).
    pub storable_err: f64,
    /// Sets decided (samples minus failures).
    pub decided: usize,
    /// Sets the solver could not decide, with their messages.
    pub failures: Vec<String>,
}

/// P random ±1 patterns of N neurons (each a vector of length N), drawn in
/// turn from the pattern stream of `seed`.
pub fn random_patterns(n: usize, p: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = rng::stream(seed, rng::PATTERNS);
    (0..p)
        .map(|_| {
            (0..n)
                .map(|_| if rng.random::<bool>() { 1.0 } else { -1.0 })
                .collect()
        })
        .collect()
}

/// Decides whether couplings of the kind `coupling` store every pattern.
pub fn decide(patterns: &[Vec<f64>], coupling: Symmetry) -> Decision {
    let verdict = |v: Result<Verdict>| v.map(|v| v.is_feasible());
    let answer = match coupling {
        Symmetry::Symmetric => verdict(symmetric_verdict(patterns)),
        Symmetry::Asymmetric => {
            let n = patterns.first().map_or(0, |p| p.len());
            // Every row must be separable; stop at the first that is not.
            let mut all = Ok(true);
            for i in 0..n {
                match verdict(row_verdict(patterns, i)) {
                    Ok(true) => {}
                    other => {
                        all = other;
                        break;
                    }
                }
            }
            all
        }
    };
    match answer {
        Ok(true) => Decision::Storable,
        Ok(false) => Decision::NotStorable,
        Err(e) => Decision::Failed(e.to_string()),
    }
}

/// The storable fraction of `samples` random sets of P = `p` patterns of N =
/// `n` neurons, decided in parallel (the result does not depend on the
/// number of threads). `progress` is called once per decided set.
pub fn storability(
    coupling: Symmetry,
    n: usize,
    p: usize,
    samples: usize,
    seed: u64,
    progress: &(dyn Fn() + Sync),
) -> Result<Storability> {
    ensure(n >= 2, || format!("N must be at least 2, got {n}"))?;
    ensure(p >= 1, || "at least one pattern is needed (P >= 1)".into())?;
    ensure(samples >= 1, || "at least one sample is needed".into())?;
    let decisions: Vec<Decision> = (0..samples)
        .into_par_iter()
        .map(|s| {
            let d = decide(
                &random_patterns(n, p, rng::derive(seed, &[0, s as u64])),
                coupling,
            );
            progress();
            d
        })
        .collect();
    let stored = decisions
        .iter()
        .filter(|d| **d == Decision::Storable)
        .count();
    let failures: Vec<String> = decisions
        .into_iter()
        .filter_map(|d| match d {
            Decision::Failed(m) => Some(m),
            _ => None,
        })
        .collect();
    let decided = samples - failures.len();
    let f = if decided > 0 {
        stored as f64 / decided as f64
    } else {
        f64::NAN
    };
    Ok(Storability {
        coupling,
        n,
        p,
        samples,
        seed,
        storable: f,
        storable_err: (f * (1.0 - f) / decided as f64).sqrt(),
        decided,
        failures,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One pattern is always stored (Hebb's J = ξξᵀ does it), by either kind.
    #[test]
    fn one_pattern_is_storable() {
        for c in [Symmetry::Asymmetric, Symmetry::Symmetric] {
            let s = storability(c, 8, 1, 5, 3, &|| {}).unwrap();
            assert_eq!((s.storable, s.decided), (1.0, 5), "{c:?}");
        }
    }

    /// Far above capacity nothing is stored: at N = 8, P = 40 a single row
    /// separates 40 random points in 7 dimensions with Cover's probability
    /// 2^{−39} Σ_{k<7} C(39, k) ≈ 3e-5, and symmetric couplings are a subset
    /// of asymmetric ones.
    #[test]
    fn far_above_capacity_nothing_is_stored() {
        for c in [Symmetry::Asymmetric, Symmetry::Symmetric] {
            let s = storability(c, 8, 40, 4, 1, &|| {}).unwrap();
            assert_eq!((s.storable, s.decided), (0.0, 4), "{c:?}");
        }
    }

    /// A set stored by symmetric couplings is stored by asymmetric ones; at
    /// N = 8, P = 7 (α ≈ 0.9, near the symmetric crossing at this N) both
    /// answers occur among twelve sets, so the implication is exercised.
    #[test]
    fn symmetric_implies_asymmetric() {
        let mut stored = 0;
        for s in 0..12 {
            let pats = random_patterns(8, 7, rng::derive(5, &[0, s]));
            if decide(&pats, Symmetry::Symmetric) == Decision::Storable {
                stored += 1;
                assert_eq!(decide(&pats, Symmetry::Asymmetric), Decision::Storable);
            }
        }
        assert!(stored > 0 && stored < 12, "{stored} of 12 stored");
    }

    #[test]
    fn patterns_are_reproducible_and_binary() {
        let a = random_patterns(5, 3, 7);
        assert_eq!(a, random_patterns(5, 3, 7));
        assert_ne!(a, random_patterns(5, 3, 8));
        assert!(a.iter().flatten().all(|&s| s == 1.0 || s == -1.0));
    }

    #[test]
    fn bad_input() {
        assert!(storability(Symmetry::Symmetric, 1, 1, 1, 0, &|| {}).is_err());
        assert!(storability(Symmetry::Symmetric, 5, 0, 1, 0, &|| {}).is_err());
        assert!(storability(Symmetry::Symmetric, 5, 1, 0, 0, &|| {}).is_err());
    }
}
