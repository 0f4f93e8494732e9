//! Random patterns for the simulations: P = round(αN) patterns of N components,
//! ±1 (the default) or standard Gaussian, generated from a seed.
//!
//! Each pattern μ is drawn from its own ChaCha8 stream (`seed`, stream μ), so the
//! output depends only on `(n, alpha, kind, seed)` and never on how many threads
//! generate it.

use crate::error::{ensure, finite, Error, Result};
use crate::numerics::rng;
use nalgebra::DMatrix;
use rand::RngExt;
use rand_distr::StandardNormal;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// The distribution of the pattern components.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PatternKind {
    /// Independent uniform ±1 components (the paper's setting).
    Binary,
    /// Independent standard Gaussian components; a neuron's label is the sign of
    /// its component, so the input/label statistics of each row match the ±1 case
    /// (random labels independent of unit-variance inputs).
    Gaussian,
}

/// Largest supported number of entries of an N×P or N×N matrix (2 GB in f64).
pub const MAX_ENTRIES: f64 = 2.5e8;

/// The number of patterns P = round(αN) (ties away from zero).
///
/// Fails with [`Error::InvalidInput`] if N < 2, α is not a positive finite
/// number, P rounds to zero, or N·P or N² exceeds [`MAX_ENTRIES`].
pub fn num_patterns(n: usize, alpha: f64) -> Result<usize> {
    ensure(n >= 2, || format!("N must be at least 2, got {n}"))?;
    finite("alpha", alpha)?;
    ensure(alpha > 0.0, || {
        format!("alpha must be positive, got {alpha}")
    })?;
    let p = (alpha * n as f64).round();
    ensure(p >= 1.0, || {
        format!("P = round(alpha*N) = round({alpha}*{n}) is zero; increase alpha or N")
    })?;
    // Each N×P matrix takes 8·N·P bytes and training holds about five of them.
    ensure(p * (n as f64) <= MAX_ENTRIES, || {
        format!(
            "N*P = {n}*{p} entries exceeds the supported {MAX_ENTRIES:e} (each N*P matrix would take {:.1} GB)",
            8.0 * p * n as f64 / 1e9
        )
    })?;
    ensure(n as f64 * n as f64 <= MAX_ENTRIES, || {
        format!("N = {n} is too large: the N*N couplings would exceed {MAX_ENTRIES:e} entries")
    })?;
    Ok(p as usize)
}

/// A set of P patterns of N components, stored column-wise (`xi` is N×P, column μ
/// is pattern ξ^μ), with the labels used by the networks.
#[derive(Debug, Clone)]
pub struct Patterns {
    /// The patterns, N×P: `xi[(j, mu)] = ξ_j^μ`.
    pub xi: DMatrix<f64>,
    /// Labels ±1, N×P: equal to `xi` for binary patterns, `sign(xi)` for Gaussian ones.
    pub labels: DMatrix<f64>,
    /// The component distribution.
    pub kind: PatternKind,
    /// The seed the patterns were drawn from (`None` for user-supplied patterns).
    pub seed: Option<u64>,
}

impl Patterns {
    /// Draws P = round(αN) patterns (see [`num_patterns`]) of the given kind from `seed`.
    pub fn generate(n: usize, alpha: f64, kind: PatternKind, seed: u64) -> Result<Self> {
        let p = num_patterns(n, alpha)?;
        let mut xi = DMatrix::<f64>::zeros(n, p);
        xi.as_mut_slice()
            .par_chunks_mut(n)
            .enumerate()
            .for_each(|(mu, col)| {
                let mut rng = rng::stream(seed, rng::PATTERNS + mu as u64);
                match kind {
                    PatternKind::Binary => {
                        for x in col.iter_mut() {
                            *x = if rng.random::<bool>() { 1.0 } else { -1.0 };
                        }
                    }
                    PatternKind::Gaussian => {
                        for x in col.iter_mut() {
                            *x = rng.sample(StandardNormal);
                        }
                    }
                }
            });
        let mut pats = Self::from_matrix(xi)?;
        pats.kind = kind;
        pats.seed = Some(seed);
        Ok(pats)
    }

    /// Wraps user-supplied patterns (N×P, N ≥ 2, P ≥ 1, finite entries). The kind is
    /// `Binary` if every entry is ±1 and `Gaussian` otherwise; labels are the signs.
    pub fn from_matrix(xi: DMatrix<f64>) -> Result<Self> {
        let (n, p) = xi.shape();
        ensure(n >= 2, || {
            format!("patterns need N >= 2 components, got {n}")
        })?;
        ensure(p >= 1, || "at least one pattern is needed".to_string())?;
        ensure(xi.iter().all(|v| v.is_finite()), || {
            "patterns contain a non-finite entry".to_string()
        })?;
        ensure(xi.iter().all(|&v| v != 0.0), || {
            "patterns contain a zero entry, whose sign (label) is undefined".to_string()
        })?;
        let binary = xi.iter().all(|&v| v == 1.0 || v == -1.0);
        let labels = xi.map(|v| if v > 0.0 { 1.0 } else { -1.0 });
        Ok(Self {
            xi,
            labels,
            kind: if binary {
                PatternKind::Binary
            } else {
                PatternKind::Gaussian
            },
            seed: None,
        })
    }

    /// Number of components N.
    pub fn n(&self) -> usize {
        self.xi.nrows()
    }

    /// Number of patterns P.
    pub fn p(&self) -> usize {
        self.xi.ncols()
    }

    /// The load α = P/N actually realised (P is rounded).
    pub fn alpha(&self) -> f64 {
        self.p() as f64 / self.n() as f64
    }
}

/// P random ±1 labels for a single perceptron, independent of the patterns drawn
/// from the same seed (they use a stream no pattern uses).
pub fn perceptron_labels(p: usize, seed: u64) -> Result<Vec<f64>> {
    if p == 0 {
        return Err(Error::InvalidInput("at least one pattern is needed".into()));
    }
    let mut rng = rng::stream(seed, rng::LABELS);
    Ok((0..p)
        .map(|_| if rng.random::<bool>() { 1.0 } else { -1.0 })
        .collect())
}

/// K independent uniform ±1 configurations of N spins, N×K (column c from
/// stream `RANDOM_STARTS + c` of `seed`, so independent of the patterns and
/// of every other stream drawn from the same seed, and of the thread count).
///
/// Fails with [`Error::InvalidInput`] if N < 2, K = 0 or N·K exceeds [`MAX_ENTRIES`].
pub fn random_configurations(n: usize, k: usize, seed: u64) -> Result<DMatrix<f64>> {
    ensure(n >= 2, || format!("N must be at least 2, got {n}"))?;
    ensure(k >= 1, || {
        "at least one configuration is needed".to_string()
    })?;
    ensure(k as f64 * n as f64 <= MAX_ENTRIES, || {
        format!("N*K = {n}*{k} entries exceeds the supported {MAX_ENTRIES:e}")
    })?;
    let mut x = DMatrix::<f64>::zeros(n, k);
    x.as_mut_slice()
        .par_chunks_mut(n)
        .enumerate()
        .for_each(|(c, col)| {
            let mut rng = rng::stream(seed, rng::RANDOM_STARTS + c as u64);
            for v in col.iter_mut() {
                *v = if rng.random::<bool>() { 1.0 } else { -1.0 };
            }
        });
    Ok(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_errors() {
        assert_eq!(num_patterns(500, 1.0).unwrap(), 500);
        assert_eq!(num_patterns(10, 0.25).unwrap(), 3); // 2.5 rounds away from zero
        assert!(num_patterns(1, 1.0).is_err());
        assert!(num_patterns(10, 0.0).is_err());
        assert!(num_patterns(10, -1.0).is_err());
        assert!(num_patterns(10, f64::NAN).is_err());
        assert!(num_patterns(10, 0.01).is_err()); // P = round(0.1) = 0
        assert!(num_patterns(100_000, 1.0).is_err()); // 10^10 entries
        assert!(num_patterns(20_000, 1e-3).is_err()); // N² = 4·10^8 couplings
    }

    #[test]
    fn reproducible_and_thread_independent() {
        let a = Patterns::generate(37, 1.3, PatternKind::Binary, 7).unwrap();
        let pool = |k| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(k)
                .build()
                .unwrap()
        };
        let b = pool(1).install(|| Patterns::generate(37, 1.3, PatternKind::Binary, 7).unwrap());
        let c = pool(2).install(|| Patterns::generate(37, 1.3, PatternKind::Binary, 7).unwrap());
        assert_eq!(a.xi, b.xi);
        assert_eq!(a.xi, c.xi);
        assert_eq!(a.p(), 48);
        assert!(a.xi.iter().all(|&v| v == 1.0 || v == -1.0));
        assert_eq!(a.labels, a.xi);
        let d = Patterns::generate(37, 1.3, PatternKind::Binary, 8).unwrap();
        assert_ne!(a.xi, d.xi);
    }

    #[test]
    fn moments() {
        // 200×200 = 40000 entries: the sample mean has standard deviation
        // 1/200 = 0.005 for both kinds and the Gaussian sample variance 0.007;
        // the 0.03 bounds are > 4 standard deviations.
        for kind in [PatternKind::Binary, PatternKind::Gaussian] {
            let p = Patterns::generate(200, 1.0, kind, 3).unwrap();
            let m = p.xi.mean();
            let v = p.xi.iter().map(|x| x * x).sum::<f64>() / p.xi.len() as f64;
            assert!(m.abs() < 0.03, "{kind:?} mean {m}");
            assert!((v - 1.0).abs() < 0.03, "{kind:?} second moment {v}");
            assert!(p.labels.iter().all(|&s| s == 1.0 || s == -1.0));
            assert_eq!(p.kind, kind);
        }
    }

    #[test]
    fn labels() {
        let l = perceptron_labels(1000, 5).unwrap();
        let m = l.iter().sum::<f64>() / 1000.0;
        // Mean of 1000 random signs: standard deviation 0.032; 0.15 is > 4.5 sd.
        assert!(m.abs() < 0.15);
        assert_eq!(l, perceptron_labels(1000, 5).unwrap());
        assert!(perceptron_labels(0, 5).is_err());
    }
}
