//! Exact maximum-likelihood (Boltzmann) learning of a pairwise Ising model
//! without fields, P(s) ∝ exp(Σ_{i<j} K_ij s_i s_j), on systems small enough
//! to enumerate (theory/spin_glass.md, eq. (G17)): the negative
//! log-likelihood per sample log Z(K) − Σ_{i<j} K_ij C_ij, with C the data's
//! second moments, is convex in K; its gradient ⟨s_i s_j⟩_K − C_ij and its
//! Hessian, the covariance of the pair products under K (the Fisher
//! information, eq. (G19)), are computed by enumerating the 2^N states and
//! minimised by damped Newton ([`crate::numerics::newton`]). The inverse
//! Fisher information at the true K is the asymptotic covariance of the
//! estimate, eq. (G20).

use crate::error::{ensure, Result};
use crate::numerics::newton::{minimize, NewtonOptions};
use nalgebra::{DMatrix, DVector};
use rayon::prelude::*;

/// Largest N enumerated (2^20 states a likelihood evaluation).
pub const MAX_BOLTZMANN_N: usize = 20;

/// Newton steps allowed: from K = 0 the damped phase takes a few steps per
/// unit of the largest |K|, then the quadratic phase a handful.
const MAX_NEWTON_STEPS: usize = 200;

/// Largest |K_ij| accepted: far beyond any coupling of a sampled model
/// (|J|/T ≲ 5); an estimate running past it approaches an unattained infimum.
const K_BOUND: f64 = 50.0;

/// The outcome of [`boltzmann_learning`].
#[derive(Debug, Clone)]
pub struct BoltzmannFit {
    /// The couplings K (symmetric, zero diagonal) in units where the model is
    /// exp(Σ_{i<j} K_ij s_i s_j), i.e. K = βJ.
    pub k: DMatrix<f64>,
    /// The largest moment mismatch max_{i<j} |⟨s_i s_j⟩_K − C_ij| at K (the
    /// gradient's largest component).
    pub moment_residual: f64,
    /// Newton steps done.
    pub iterations: usize,
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

/// log Z(K), the model's ⟨s_i s_j⟩ for the pairs and, if `hessian`, their
/// covariance (the d(d+1)/2 upper triangle, row by row), by enumeration of
/// the 2^{N−1} states modulo the global flip (log-sum-exp against the largest
/// exponent).
fn enumerate(
    n: usize,
    pairs: &[(usize, usize)],
    k: &[f64],
    hessian: bool,
) -> (f64, Vec<f64>, Option<DMatrix<f64>>) {
    let d = pairs.len();
    let features = |state: u32| -> Vec<f64> {
        let spin = |i: usize| if state >> i & 1 == 1 { 1.0 } else { -1.0 };
        pairs.iter().map(|&(i, j)| spin(i) * spin(j)).collect()
    };
    let exponent = |f: &[f64]| -> f64 { f.iter().zip(k).map(|(a, b)| a * b).sum() };
    // Global flip symmetry: states s and −s have equal weight, so half of them suffice.
    let half = 1u32 << (n - 1);
    let top = (0..half)
        .into_par_iter()
        .map(|s| exponent(&features(s)))
        .reduce(|| f64::NEG_INFINITY, f64::max);
    let width = if hessian { d * (d + 1) / 2 } else { 0 };
    let zero = || (0.0, vec![0.0; d], vec![0.0; width]);
    let (z, m, m2) = (0..half)
        .into_par_iter()
        .fold(zero, |(mut z, mut m, mut m2), state| {
            let f = features(state);
            let w = (exponent(&f) - top).exp();
            z += w;
            for (mm, ff) in m.iter_mut().zip(&f) {
                *mm += w * ff;
            }
            if hessian {
                let mut at = 0;
                for (a, fa) in f.iter().enumerate() {
                    let wa = w * fa;
                    for fb in &f[a..] {
                        m2[at] += wa * fb;
                        at += 1;
                    }
                }
            }
            (z, m, m2)
        })
        .reduce(zero, |(za, mut ma, mut m2a), (zb, mb, m2b)| {
            for (a, b) in ma.iter_mut().zip(mb) {
                *a += b;
            }
            for (a, b) in m2a.iter_mut().zip(m2b) {
                *a += b;
            }
            (za + zb, ma, m2a)
        });
    let moments: Vec<f64> = m.iter().map(|v| v / z).collect();
    let cov = hessian.then(|| {
        let mut h = DMatrix::zeros(d, d);
        let mut at = 0;
        for a in 0..d {
            for b in a..d {
                let c = m2[at] / z - moments[a] * moments[b];
                h[(a, b)] = c;
                h[(b, a)] = c;
                at += 1;
            }
        }
        h
    });
    ((2.0 * z).ln() + top, moments, cov)
}

/// The entries i < j of an N × N matrix as a vector, in the order of
/// [`fisher_information`]: (0,1), (0,2), …, (N−2, N−1).
pub fn pair_vector(k: &DMatrix<f64>) -> DVector<f64> {
    DVector::from_iterator(
        k.nrows() * k.nrows().saturating_sub(1) / 2,
        pairs(k.nrows()).iter().map(|&(i, j)| k[(i, j)]),
    )
}

/// The Fisher information of the pair couplings at K (N × N, symmetric,
/// N ≤ [`MAX_BOLTZMANN_N`]): the covariance Cov_K(s_i s_j, s_k s_l) of the
/// pair products, the Hessian of the mean negative log-likelihood (G17),
/// eq. (G19). Rows and columns follow the pairs (0,1), (0,2), …, (N−2, N−1).
pub fn fisher_information(k: &DMatrix<f64>) -> Result<DMatrix<f64>> {
    let n = k.nrows();
    ensure((2..=MAX_BOLTZMANN_N).contains(&n) && k.is_square(), || {
        format!("the Fisher information enumerates 2^N states: K must be N × N with N in 2..={MAX_BOLTZMANN_N}")
    })?;
    let pr = pairs(n);
    Ok(enumerate(n, &pr, pair_vector(k).as_slice(), true)
        .2
        .expect("the Hessian was requested"))
}

/// The asymptotic mean squared error of maximum likelihood over the pairs,
/// tr F⁻¹ of the Fisher information `f` ([`fisher_information`]):
/// P·E Σ_{i<j} (K̂_ij − K_ij)² → tr F⁻¹ as P → ∞ (Cramér–Rao, attained by
/// ML), eq. (G20).
///
/// Fails if F is singular.
pub fn cramer_rao_trace(f: &DMatrix<f64>) -> Result<f64> {
    let inv = f
        .clone()
        .cholesky()
        .map(|c| c.inverse())
        .ok_or_else(|| crate::Error::NoSolution("the Fisher information is singular".into()))?;
    Ok(inv.trace())
}

/// Exact maximum-likelihood couplings of the samples (N × P, ±1 columns,
/// N ≤ [`MAX_BOLTZMANN_N`]), eq. (G17): damped Newton from K = 0 until every
/// moment mismatch is at most `tolerance` (G19).
///
/// Fails for N < 2 or N > [`MAX_BOLTZMANN_N`], non-±1 samples, a pair locked
/// in every sample (|C_ij| = 1: the likelihood has no finite maximiser), an
/// estimate running past |K| = 50 (another unattained maximum), or no
/// convergence in 200 steps.
pub fn boltzmann_learning(samples: &DMatrix<f64>, tolerance: f64) -> Result<BoltzmannFit> {
    let n = samples.nrows();
    ensure((2..=MAX_BOLTZMANN_N).contains(&n), || {
        format!("exact Boltzmann learning enumerates 2^N states: N must be in 2..={MAX_BOLTZMANN_N}, got {n}")
    })?;
    ensure(samples.ncols() >= 1, || "at least one sample".into())?;
    ensure(samples.iter().all(|&v| v == 1.0 || v == -1.0), || {
        "the samples must be ±1".into()
    })?;
    let pr = pairs(n);
    let data = pair_vector(&second_moments(samples));
    if let Some(k) = data.iter().position(|v| v.abs() == 1.0) {
        let (i, j) = pr[k];
        return Err(crate::Error::InvalidInput(format!(
            "spins {i} and {j} are locked in every sample (|<s_i s_j>| = 1): the likelihood has no finite maximum"
        )));
    }
    let objective =
        |log_z: f64, k: &DVector<f64>| log_z - k.iter().zip(&data).map(|(a, b)| a * b).sum::<f64>();
    let full = |k: &DVector<f64>| {
        let (log_z, model, h) = enumerate(n, &pr, k.as_slice(), true);
        let g = DVector::from_iterator(model.len(), model.iter().zip(&data).map(|(m, d)| m - d));
        (
            objective(log_z, k),
            g,
            h.expect("the Hessian was requested"),
        )
    };
    let value = |k: &DVector<f64>| objective(enumerate(n, &pr, k.as_slice(), false).0, k);
    let opts = NewtonOptions {
        tolerance,
        max_iterations: MAX_NEWTON_STEPS,
        bound: K_BOUND,
    };
    let min = minimize(
        "exact Boltzmann learning",
        full,
        value,
        DVector::zeros(pr.len()),
        opts,
    )?;
    let mut k = DMatrix::zeros(n, n);
    for (&(i, j), &v) in pr.iter().zip(min.x.iter()) {
        k[(i, j)] = v;
        k[(j, i)] = v;
    }
    Ok(BoltzmannFit {
        k,
        moment_residual: min.residual,
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
        let fit = boltzmann_learning(&s, 1e-12).unwrap();
        // The gradient is tanh K − c; at |grad| ≤ 1e-12 and slope
        // 1 − tanh² = 3/4, |K − atanh c| ≤ 1.4e-12: 1e-10 leaves rounding room.
        assert!((fit.k[(0, 1)] - 0.5f64.atanh()).abs() < 1e-10, "{fit:?}");
        assert!(fit.moment_residual <= 1e-12, "{fit:?}");
    }

    #[test]
    fn bad_inputs_are_refused() {
        let big = DMatrix::from_element(21, 3, 1.0);
        assert!(boltzmann_learning(&big, 1e-8).is_err());
        let bad = DMatrix::from_element(3, 3, 0.5);
        assert!(boltzmann_learning(&bad, 1e-8).is_err());
        let locked = DMatrix::from_row_slice(2, 2, &[1.0, -1.0, 1.0, -1.0]);
        let e = boltzmann_learning(&locked, 1e-8).unwrap_err();
        assert!(e.to_string().contains("locked"), "{e}");
    }

    /// Two spins: F = Var(s_1 s_2) = 1 − tanh² K, so tr F⁻¹ = cosh² K.
    #[test]
    fn fisher_of_two_spins() {
        let k = DMatrix::from_row_slice(2, 2, &[0.0, 0.7, 0.7, 0.0]);
        let f = fisher_information(&k).unwrap();
        // One enumeration of two states: rounding only, 1e-14 relative.
        assert!(
            (f[(0, 0)] - (1.0 - 0.7f64.tanh().powi(2))).abs() < 1e-14,
            "{f}"
        );
        let t = cramer_rao_trace(&f).unwrap();
        assert!((t / 0.7f64.cosh().powi(2) - 1.0).abs() < 1e-13, "{t}");
    }

    /// The Fisher information is the Jacobian of the moments: against central
    /// differences of ⟨s_i s_j⟩_K on four spins with all six couplings.
    #[test]
    fn fisher_is_the_derivative_of_the_moments() {
        let n = 4;
        let pr = pairs(n);
        let k0 = vec![0.3, -0.8, 0.5, 1.1, -0.2, 0.6];
        let mut k = DMatrix::zeros(n, n);
        for (&(i, j), &v) in pr.iter().zip(&k0) {
            k[(i, j)] = v;
            k[(j, i)] = v;
        }
        let f = fisher_information(&k).unwrap();
        let h = 1e-5;
        for b in 0..pr.len() {
            let shifted = |d: f64| {
                let mut kk = k0.clone();
                kk[b] += d;
                enumerate(n, &pr, &kk, false).1
            };
            let (up, down) = (shifted(h), shifted(-h));
            for a in 0..pr.len() {
                let fd = (up[a] - down[a]) / (2.0 * h);
                // Central differences err by h²·|∂³m|/6 ≲ 1e-10 plus rounding
                // 1e-16/h ≈ 1e-11: 1e-8 is a safe bound.
                assert!((fd - f[(a, b)]).abs() < 1e-8, "{a} {b}: {fd} {}", f[(a, b)]);
            }
        }
    }
}
