//! Exact maximum-likelihood (Boltzmann) learning of a pairwise Ising model
//! without fields, P(s) ∝ exp(Σ_{i<j} K_ij s_i s_j), on systems small enough
//! to enumerate (theory/spin_glass.md, eq. (G17)): the negative
//! log-likelihood per sample log Z(K) − Σ_{i<j} K_ij C_ij, with C the data's
//! second moments, is convex in K; its gradient ⟨s_i s_j⟩_K − C_ij is
//! computed by enumerating the 2^N states and minimised by L-BFGS
//! ([`crate::learning::potts::lbfgs`]).

use crate::error::{ensure, Result};
use crate::learning::potts::lbfgs::{minimize, LbfgsOptions};
use nalgebra::DMatrix;
use rayon::prelude::*;

/// Largest N enumerated (2^20 states a likelihood evaluation).
pub const MAX_BOLTZMANN_N: usize = 20;

/// The outcome of [`boltzmann_learning`].
#[derive(Debug, Clone)]
pub struct BoltzmannFit {
    /// The couplings K (symmetric, zero diagonal) in units where the model is
    /// exp(Σ_{i<j} K_ij s_i s_j), i.e. K = βJ.
    pub k: DMatrix<f64>,
    /// The largest moment mismatch max_{i<j} |⟨s_i s_j⟩_K − C_ij| at K.
    pub moment_residual: f64,
    /// The Euclidean norm of the gradient at K.
    pub gradient_norm: f64,
    /// L-BFGS iterations done.
    pub iterations: u64,
}

/// The pairs (i, j), i < j, in the order of the parameter vector.
fn pairs(n: usize) -> Vec<(usize, usize)> {
    (0..n)
        .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
        .collect()
}

/// The second moments (1/P) Σ_μ s_i^μ s_j^μ of the columns of `samples`
/// (N × P, ±1), as N × N.
pub fn second_moments(samples: &DMatrix<f64>) -> DMatrix<f64> {
    let p = samples.ncols().max(1) as f64;
    (samples * samples.transpose()) / p
}

/// log Z(K) and the model's ⟨s_i s_j⟩ for the pairs, by enumeration of the
/// 2^N states (log-sum-exp against the largest exponent).
fn log_z_and_moments(n: usize, pairs: &[(usize, usize)], k: &[f64]) -> (f64, Vec<f64>) {
    let spin = |state: u32, i: usize| if state >> i & 1 == 1 { 1.0 } else { -1.0 };
    let exponent = |state: u32| -> f64 {
        pairs
            .iter()
            .zip(k)
            .map(|(&(i, j), &kij)| kij * spin(state, i) * spin(state, j))
            .sum()
    };
    // Global flip symmetry: states s and −s have equal weight, so half of them suffice.
    let half = 1u32 << (n - 1);
    let top = (0..half)
        .into_par_iter()
        .map(exponent)
        .reduce(|| f64::NEG_INFINITY, f64::max);
    let (z, m) = (0..half)
        .into_par_iter()
        .fold(
            || (0.0, vec![0.0; pairs.len()]),
            |(mut z, mut m), state| {
                let w = (exponent(state) - top).exp();
                z += w;
                for (mm, &(i, j)) in m.iter_mut().zip(pairs) {
                    *mm += w * spin(state, i) * spin(state, j);
                }
                (z, m)
            },
        )
        .reduce(
            || (0.0, vec![0.0; pairs.len()]),
            |(za, mut ma), (zb, mb)| {
                for (a, b) in ma.iter_mut().zip(mb) {
                    *a += b;
                }
                (za + zb, ma)
            },
        );
    let moments = m.iter().map(|v| v / z).collect();
    ((2.0 * z).ln() + top, moments)
}

/// Exact maximum-likelihood couplings of the samples (N × P, ±1 columns,
/// N ≤ [`MAX_BOLTZMANN_N`]), eq. (G17): L-BFGS from K = 0 until the gradient
/// norm is at most `gradient_tolerance` or `max_iterations` are done.
///
/// Fails for N < 2 or N > [`MAX_BOLTZMANN_N`], non-±1 samples, a pair locked
/// in every sample (|C_ij| = 1: the likelihood has no finite maximiser), or a
/// non-finite likelihood.
pub fn boltzmann_learning(
    samples: &DMatrix<f64>,
    gradient_tolerance: f64,
    max_iterations: u64,
) -> Result<BoltzmannFit> {
    let n = samples.nrows();
    ensure((2..=MAX_BOLTZMANN_N).contains(&n), || {
        format!("exact Boltzmann learning enumerates 2^N states: N must be in 2..={MAX_BOLTZMANN_N}, got {n}")
    })?;
    ensure(samples.ncols() >= 1, || "at least one sample".into())?;
    ensure(samples.iter().all(|&v| v == 1.0 || v == -1.0), || {
        "the samples must be ±1".into()
    })?;
    let pr = pairs(n);
    let c = second_moments(samples);
    let data: Vec<f64> = pr.iter().map(|&(i, j)| c[(i, j)]).collect();
    if let Some(k) = data.iter().position(|v| v.abs() == 1.0) {
        let (i, j) = pr[k];
        return Err(crate::Error::InvalidInput(format!(
            "spins {i} and {j} are locked in every sample (|<s_i s_j>| = 1): the likelihood has no finite maximum"
        )));
    }
    let f = |k: &[f64], g: &mut [f64]| -> f64 {
        let (log_z, model) = log_z_and_moments(n, &pr, k);
        for ((gg, m), d) in g.iter_mut().zip(&model).zip(&data) {
            *gg = m - d;
        }
        log_z - k.iter().zip(&data).map(|(a, b)| a * b).sum::<f64>()
    };
    let opts = LbfgsOptions {
        gradient_tolerance,
        max_iterations,
        memory: 10,
    };
    let min = minimize(f, vec![0.0; pr.len()], opts)?;
    let (_, model) = log_z_and_moments(n, &pr, &min.x);
    let moment_residual = model
        .iter()
        .zip(&data)
        .map(|(m, d)| (m - d).abs())
        .fold(0.0, f64::max);
    let mut k = DMatrix::zeros(n, n);
    for (&(i, j), &v) in pr.iter().zip(&min.x) {
        k[(i, j)] = v;
        k[(j, i)] = v;
    }
    Ok(BoltzmannFit {
        k,
        moment_residual,
        gradient_norm: min.gradient_norm,
        iterations: min.iterations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two spins: ⟨s_1 s_2⟩ = tanh K, so data with moment c give K = atanh c.
    #[test]
    fn two_spins_recover_atanh() {
        // 3 aligned pairs and 1 anti-aligned: c = 1/2.
        let s = DMatrix::from_row_slice(2, 4, &[1.0, -1.0, 1.0, 1.0, 1.0, -1.0, 1.0, -1.0]);
        let fit = boltzmann_learning(&s, 1e-12, 100).unwrap();
        // The gradient is tanh K − c; at |grad| ≤ 1e-12 and slope
        // 1 − tanh² = 3/4, |K − atanh c| ≤ 1.4e-12: 1e-10 leaves rounding room.
        assert!((fit.k[(0, 1)] - 0.5f64.atanh()).abs() < 1e-10, "{fit:?}");
        // Each mismatch is a component of the gradient at the returned K.
        assert!(fit.moment_residual <= fit.gradient_norm, "{fit:?}");
    }

    #[test]
    fn bad_inputs_are_refused() {
        let big = DMatrix::from_element(21, 3, 1.0);
        assert!(boltzmann_learning(&big, 1e-8, 10).is_err());
        let bad = DMatrix::from_element(3, 3, 0.5);
        assert!(boltzmann_learning(&bad, 1e-8, 10).is_err());
        let locked = DMatrix::from_row_slice(2, 2, &[1.0, -1.0, 1.0, -1.0]);
        let e = boltzmann_learning(&locked, 1e-8, 10).unwrap_err();
        assert!(e.to_string().contains("locked"), "{e}");
    }
}
