//! Random-features (hidden-manifold) data: D = round(α_D·N) features
//! f^k ∈ {±1}^N and examples ξ^μ = sign(Σ_k c_k^μ f^k) built from them
//! (theory/random_features.md, eq. (RF1)).
//!
//! The coefficients c_k^μ are ±1: dense (all D of them, the default) or sparse
//! (L distinct features chosen uniformly, the others zero). A zero sum, which
//! occurs only when the number of non-zero terms is even, is broken by a
//! random ±1 drawn from the example's own stream. Feature k is drawn from
//! stream `RF_FEATURES + k`, training example μ from `RF_TRAIN + μ`, test
//! example μ from `RF_TEST + μ` (`numerics/rng.rs`): the output depends only on
//! the arguments and the seed, never on the number of threads, and the test
//! examples are independent of the training ones given the features.

use crate::data::patterns::{Patterns, MAX_ENTRIES};
use crate::error::{ensure, finite, Result};
use crate::numerics::rng;
use nalgebra::DMatrix;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// Which coefficients an example gives the features.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coefficients {
    /// Every feature with an independent uniform ±1 coefficient.
    Dense,
    /// `L` distinct features chosen uniformly, each with a uniform ±1
    /// coefficient; the other D − L coefficients are zero.
    Sparse(usize),
}

/// The two independent sets of examples drawn from the same features.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    /// Training examples (streams `RF_TRAIN + μ`).
    Train,
    /// Test examples (streams `RF_TEST + μ`).
    Test,
}

/// The D features of a random-features data set, N×D (column k is f^k).
#[derive(Debug, Clone)]
pub struct RandomFeatures {
    /// The features, N×D: `features[(i, k)] = f_i^k`.
    pub features: DMatrix<f64>,
    /// The seed of the features and of every example drawn from them.
    pub seed: u64,
}

/// A set of examples with the coefficients that made them.
#[derive(Debug, Clone)]
pub struct Examples {
    /// The examples as ±1 patterns, N×P (column μ is ξ^μ).
    pub patterns: Patterns,
    /// The coefficients, D×P (column μ is c^μ; zero outside a sparse support).
    pub coefficients: DMatrix<f64>,
    /// The number of (site, example) pairs whose sum was zero and got a random sign.
    pub ties: usize,
}

/// The number of features D = round(α_D·N) (ties away from zero).
///
/// Fails with [`crate::Error::InvalidInput`] if N < 2, α_D is not a positive
/// finite number, D rounds to zero, or N·D exceeds [`MAX_ENTRIES`].
pub fn num_features(n: usize, alpha_d: f64) -> Result<usize> {
    ensure(n >= 2, || format!("N must be at least 2, got {n}"))?;
    finite("alpha_d", alpha_d)?;
    ensure(alpha_d > 0.0, || {
        format!("alpha_d must be positive, got {alpha_d}")
    })?;
    let d = (alpha_d * n as f64).round();
    ensure(d >= 1.0, || {
        format!("D = round(alpha_d*N) = round({alpha_d}*{n}) is zero; increase alpha_d or N")
    })?;
    ensure(d * n as f64 <= MAX_ENTRIES, || {
        format!("N*D = {n}*{d} entries exceeds the supported {MAX_ENTRIES:e}")
    })?;
    Ok(d as usize)
}

/// A uniform ±1.
fn random_sign(rng: &mut ChaCha8Rng) -> f64 {
    if rng.random::<bool>() {
        1.0
    } else {
        -1.0
    }
}

impl RandomFeatures {
    /// Draws D = round(α_D·N) features of N uniform ±1 components (see [`num_features`]).
    pub fn generate(n: usize, alpha_d: f64, seed: u64) -> Result<Self> {
        let d = num_features(n, alpha_d)?;
        let mut features = DMatrix::<f64>::zeros(n, d);
        features
            .as_mut_slice()
            .par_chunks_mut(n)
            .enumerate()
            .for_each(|(k, col)| {
                let mut rng = rng::stream(seed, rng::RF_FEATURES + k as u64);
                col.iter_mut().for_each(|x| *x = random_sign(&mut rng));
            });
        Ok(Self { features, seed })
    }

    /// Number of components N.
    pub fn n(&self) -> usize {
        self.features.nrows()
    }

    /// Number of features D.
    pub fn d(&self) -> usize {
        self.features.ncols()
    }

    /// Draws P examples ξ^μ = sign(Σ_k c_k^μ f^k), eq. (RF1), of the given split.
    ///
    /// Fails with [`crate::Error::InvalidInput`] if P = 0, N·P exceeds
    /// [`MAX_ENTRIES`], or a sparse L is 0 or larger than D.
    pub fn examples(&self, p: usize, coefficients: Coefficients, split: Split) -> Result<Examples> {
        let (n, d) = (self.n(), self.d());
        ensure(p >= 1, || {
            "at least one example is needed (P = 0)".to_string()
        })?;
        ensure(p as f64 * n as f64 <= MAX_ENTRIES, || {
            format!("N*P = {n}*{p} entries exceeds the supported {MAX_ENTRIES:e}")
        })?;
        if let Coefficients::Sparse(l) = coefficients {
            ensure(l >= 1 && l <= d, || {
                format!("L must be between 1 and D = {d}, got {l}")
            })?;
        }
        let base = match split {
            Split::Train => rng::RF_TRAIN,
            Split::Test => rng::RF_TEST,
        };
        let mut coef = DMatrix::<f64>::zeros(d, p);
        let mut xi = DMatrix::<f64>::zeros(n, p);
        let ties: usize = coef
            .as_mut_slice()
            .par_chunks_mut(d)
            .zip(xi.as_mut_slice().par_chunks_mut(n))
            .enumerate()
            .map(|(mu, (c, x))| {
                let mut rng = rng::stream(self.seed, base + mu as u64);
                self.example(&mut rng, coefficients, c, x)
            })
            .sum();
        let mut patterns = Patterns::from_matrix(xi)?;
        patterns.seed = Some(self.seed);
        Ok(Examples {
            patterns,
            coefficients: coef,
            ties,
        })
    }

    /// One example: draws its coefficients `c` (length D) then fills `x`
    /// (length N) with the signs of the sums, ties broken from the same
    /// stream in site order; returns the number of ties.
    fn example(
        &self,
        rng: &mut ChaCha8Rng,
        kind: Coefficients,
        c: &mut [f64],
        x: &mut [f64],
    ) -> usize {
        let support: Vec<usize> = match kind {
            Coefficients::Dense => (0..c.len()).collect(),
            Coefficients::Sparse(l) => {
                let mut s = rand::seq::index::sample(rng, c.len(), l).into_vec();
                s.sort_unstable();
                s
            }
        };
        for &k in &support {
            c[k] = random_sign(rng);
        }
        // The sums are integers of magnitude ≤ D < 2^53: exact in f64.
        x.iter_mut().for_each(|v| *v = 0.0);
        for &k in &support {
            let (ck, f) = (c[k], self.features.column(k));
            x.iter_mut().zip(f.iter()).for_each(|(v, fk)| *v += ck * fk);
        }
        let mut ties = 0;
        for v in x.iter_mut() {
            *v = if *v > 0.0 {
                1.0
            } else if *v < 0.0 {
                -1.0
            } else {
                ties += 1;
                random_sign(rng)
            };
        }
        ties
    }
}

/// The exact mean overlap E[c_k ξ_i f_i^k] between an example and a feature
/// in its support when the example has `terms` non-zero ±1 coefficients,
/// eq. (RF2): C(terms − 1, ⌊(terms − 1)/2⌋)/2^(terms − 1), computed as a
/// running product so that it neither overflows nor underflows.
pub fn support_overlap(terms: usize) -> Result<f64> {
    ensure(terms >= 1, || {
        "the number of terms must be at least 1".to_string()
    })?;
    let n = terms - 1;
    // C(n, ⌊n/2⌋)/2^n = Π_{j=1}^{⌊n/2⌋} (n − ⌊n/2⌋ + j)/j · 2^(−n), accumulated
    // factor by factor with the halvings interleaved to stay near 1.
    let h = n / 2;
    let mut v = 1.0_f64;
    let mut halvings = n;
    for j in 1..=h {
        v *= (n - h + j) as f64 / j as f64;
        while v > 1.0 && halvings > 0 {
            v *= 0.5;
            halvings -= 1;
        }
    }
    Ok(v * 0.5_f64.powi(halvings as i32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_errors() {
        assert_eq!(num_features(100, 0.05).unwrap(), 5);
        assert!(num_features(1, 1.0).is_err());
        assert!(num_features(100, 0.0).is_err());
        assert!(num_features(100, -0.1).is_err());
        assert!(num_features(100, f64::NAN).is_err());
        assert!(num_features(100, 0.001).is_err()); // D = round(0.1) = 0
        let rf = RandomFeatures::generate(50, 0.2, 3).unwrap();
        assert_eq!((rf.n(), rf.d()), (50, 10));
        assert!(rf.examples(0, Coefficients::Dense, Split::Train).is_err());
        assert!(rf
            .examples(5, Coefficients::Sparse(0), Split::Train)
            .is_err());
        assert!(rf
            .examples(5, Coefficients::Sparse(11), Split::Train)
            .is_err());
        assert!(rf
            .examples(5, Coefficients::Sparse(10), Split::Train)
            .is_ok());
    }

    #[test]
    fn support_overlap_small_cases() {
        // One term: ξ = c f exactly. Two terms: a tie half the time, so 1/2.
        // Three terms: sign(1 + S), S ∈ {−2, 0, 2}: P(S = 0) = 1/2.
        assert_eq!(support_overlap(1).unwrap(), 1.0);
        assert_eq!(support_overlap(2).unwrap(), 0.5);
        assert_eq!(support_overlap(3).unwrap(), 0.5);
        // C(9, 4)/2^9 = 126/512.
        assert!((support_overlap(10).unwrap() - 126.0 / 512.0).abs() < 1e-15);
        // Large D: √(2/(πD)) (1 + O(1/D)); at D = 10^6 within 10^-6 relative.
        let d = 1_000_000.0_f64;
        let v = support_overlap(1_000_000).unwrap();
        assert!((v / (2.0 / (std::f64::consts::PI * d)).sqrt() - 1.0).abs() < 1e-6);
        assert!(support_overlap(0).is_err());
    }
}
