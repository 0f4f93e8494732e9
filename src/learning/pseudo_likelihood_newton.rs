//! The converged asymmetric pseudo-likelihood estimate of a pairwise Ising
//! model without fields (theory/spin_glass.md, eq. (G21)): row i minimises
//! the mean loss (1/P) Σ_μ log(1 + e^{−2u_μ}), u_μ = s_i^μ Σ_{j≠i} K_ij s_j^μ
//! (the loss (T3) at β_ℓ = 1, so K estimates βJ by (G13)), a convex function
//! of the row; its gradient −(1/P) Σ_μ (1 − tanh u_μ) z_μ and Hessian
//! (1/P) Σ_μ (1 − tanh² u_μ) z_μ z_μᵀ, with z_μj = s_i^μ s_j^μ, are exact, and
//! damped Newton ([`crate::numerics::newton`]) runs each row until its
//! gradient residual is at most the tolerance. The suite's converged
//! estimator beside the authors' fixed budget of gradient descent (G15).
//! Its asymptotic covariance at the true K, H⁻¹VH⁻¹ (eq. (G22)), is computed
//! by enumeration for small N.

use nalgebra::{DMatrix, DVector};
use rayon::prelude::*;

use crate::error::{ensure, Result};
use crate::numerics::newton::{minimize, NewtonOptions};
use crate::numerics::special::softplus;

/// Newton steps allowed per row.
const MAX_NEWTON_STEPS: usize = 200;

/// Largest |K_ij| accepted: far beyond any coupling of a sampled model
/// (|J|/T ≲ 5); a row running past it is (nearly) separable, with its
/// infimum at infinity.
const K_BOUND: f64 = 50.0;

/// The outcome of [`pseudo_likelihood_newton`].
#[derive(Debug, Clone)]
pub struct PlNewtonFit {
    /// The couplings K (row i is spin i's estimate; zero diagonal; not
    /// symmetrised).
    pub k: DMatrix<f64>,
    /// The largest gradient component over all rows at K.
    pub residual: f64,
    /// The most Newton steps any row took.
    pub iterations: usize,
}

/// Eq. (G21) on the samples (N × P, ±1 columns): every row by damped Newton
/// from zero until its largest gradient component is at most `tolerance`.
///
/// Fails for N < 2, no samples or non-±1 entries, and with the first
/// failing row's error: [`crate::Error::NoSolution`] when a row runs past
/// |K| = 50 (separable data), [`crate::Error::NoConvergence`] after 200 steps.
pub fn pseudo_likelihood_newton(samples: &DMatrix<f64>, tolerance: f64) -> Result<PlNewtonFit> {
    let (n, p) = samples.shape();
    ensure(n >= 2 && p >= 1, || {
        format!("pseudo-likelihood needs N ≥ 2 spins and a sample, got {n} × {p}")
    })?;
    ensure(samples.iter().all(|&v| v == 1.0 || v == -1.0), || {
        "the samples must be ±1".into()
    })?;
    let opts = NewtonOptions {
        tolerance,
        max_iterations: MAX_NEWTON_STEPS,
        bound: K_BOUND,
    };
    let rows = (0..n)
        .into_par_iter()
        .map(|i| {
            let others: Vec<usize> = (0..n).filter(|&j| j != i).collect();
            let z = DMatrix::from_fn(p, n - 1, |mu, a| {
                samples[(i, mu)] * samples[(others[a], mu)]
            });
            let pf = p as f64;
            let value =
                |w: &DVector<f64>| (&z * w).iter().map(|u| softplus(-2.0 * u)).sum::<f64>() / pf;
            let full = |w: &DVector<f64>| {
                let u = &z * w;
                let t = u.map(f64::tanh);
                let f = u.iter().map(|u| softplus(-2.0 * u)).sum::<f64>() / pf;
                let g = -(z.tr_mul(&t.map(|t| 1.0 - t))) / pf;
                let mut y = z.clone();
                for (mut row, t) in y.row_iter_mut().zip(t.iter()) {
                    row *= (1.0 - t * t).sqrt();
                }
                (f, g, y.tr_mul(&y) / pf)
            };
            let what = format!("pseudo-likelihood row {i}");
            minimize(&what, full, value, DVector::zeros(n - 1), opts).map(|m| (others, m))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut k = DMatrix::zeros(n, n);
    let (mut residual, mut iterations) = (0.0f64, 0);
    for (i, (others, m)) in rows.into_iter().enumerate() {
        for (&j, &v) in others.iter().zip(m.x.iter()) {
            k[(i, j)] = v;
        }
        residual = residual.max(m.residual);
        iterations = iterations.max(m.iterations);
    }
    Ok(PlNewtonFit {
        k,
        residual,
        iterations,
    })
}

/// Largest N whose 2^N states [`asymptotic_covariance`] enumerates.
pub const MAX_ENUMERATED_N: usize = 20;

/// The asymptotic covariance of √P (K̂ − K) for the estimate (G21) of data
/// drawn from exp(½ sᵀKs) (K symmetric, zero diagonal, N ≤ 20), eq. (G22):
/// the sandwich H⁻¹VH⁻¹ with the score φ_ij(s) = (s_i − tanh h_i) s_j,
/// h = Ks, V = E[φφᵀ] and H block-diagonal over rows,
/// H_i,jk = E[(1 − tanh² h_i) s_j s_k], all exact by enumeration. Rows and
/// columns follow the off-diagonal entries (i, j), i ≠ j, row by row.
///
/// Fails for N outside 2..=20, a non-square or non-symmetric K, or a
/// singular H or V.
pub fn asymptotic_covariance(k: &DMatrix<f64>) -> Result<DMatrix<f64>> {
    let n = k.nrows();
    ensure(
        (2..=MAX_ENUMERATED_N).contains(&n) && k.is_square() && *k == k.transpose(),
        || {
            format!("the PL covariance enumerates 2^N states: K must be symmetric N × N with N in 2..={MAX_ENUMERATED_N}")
        },
    )?;
    let d = n * (n - 1);
    let spins =
        |state: u32| DVector::from_fn(n, |i, _| if state >> i & 1 == 1 { 1.0 } else { -1.0 });
    // Weights exp(½ sᵀKs) shifted by the largest exponent; s and −s weigh the same.
    let half = 1u32 << (n - 1);
    let exponent = |s: &DVector<f64>| 0.5 * s.dot(&(k * s));
    let top = (0..half)
        .into_par_iter()
        .map(|st| exponent(&spins(st)))
        .reduce(|| f64::NEG_INFINITY, f64::max);
    let zero = || {
        (
            0.0,
            DMatrix::<f64>::zeros(d, d),
            DMatrix::<f64>::zeros(n * n, n),
        )
    };
    let (z, v, h) = (0..half)
        .into_par_iter()
        .fold(zero, |(mut z, mut v, mut h), st| {
            let s = spins(st);
            let w = (exponent(&s) - top).exp();
            let t = (k * &s).map(f64::tanh);
            let phi = DVector::from_iterator(
                d,
                (0..n).flat_map(|i| {
                    let (s, t) = (&s, &t);
                    (0..n)
                        .filter(move |&j| j != i)
                        .map(move |j| (s[i] - t[i]) * s[j])
                }),
            );
            v.ger(w, &phi, &phi, 1.0);
            for i in 0..n {
                let c = w * (1.0 - t[i] * t[i]);
                let mut block = h.rows_mut(i * n, n);
                block.ger(c, &s, &s, 1.0);
            }
            z += w;
            (z, v, h)
        })
        .reduce(zero, |(za, va, ha), (zb, vb, hb)| {
            (za + zb, va + vb, ha + hb)
        });
    let (v, h) = (v / z, h / z);
    let mut h_inv = DMatrix::zeros(d, d);
    for i in 0..n {
        let others: Vec<usize> = (0..n).filter(|&j| j != i).collect();
        let block = DMatrix::from_fn(n - 1, n - 1, |a, b| h[(i * n + others[a], others[b])]);
        let inv = block.cholesky().map(|c| c.inverse()).ok_or_else(|| {
            crate::Error::NoSolution(format!("the PL Hessian of row {i} is singular"))
        })?;
        h_inv
            .view_mut((i * (n - 1), i * (n - 1)), (n - 1, n - 1))
            .copy_from(&inv);
    }
    Ok(&h_inv * v * &h_inv)
}

/// The off-diagonal entries of a square matrix, row by row, in the order of
/// [`asymptotic_covariance`].
pub fn off_diagonal(a: &DMatrix<f64>) -> DVector<f64> {
    let n = a.nrows();
    DVector::from_iterator(
        n * (n - 1),
        (0..n).flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| a[(i, j)])),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two spins: the conditional of s_1 is e^{K s_1 s_2}/(2 cosh K), whose
    /// likelihood is maximal at tanh K = ⟨s_1 s_2⟩, so both rows give atanh c.
    #[test]
    fn two_spins_recover_atanh() {
        let s = DMatrix::from_row_slice(2, 4, &[1.0, -1.0, 1.0, 1.0, 1.0, -1.0, 1.0, -1.0]);
        let fit = pseudo_likelihood_newton(&s, 1e-12).unwrap();
        // |grad| = |tanh K − c| ≤ 1e-12 with slope 3/4: |K − atanh c| ≤ 1.4e-12.
        for (i, j) in [(0, 1), (1, 0)] {
            assert!((fit.k[(i, j)] - 0.5f64.atanh()).abs() < 1e-10, "{fit:?}");
        }
        assert_eq!((fit.k[(0, 0)], fit.k[(1, 1)]), (0.0, 0.0));
        assert!(fit.residual <= 1e-12);
    }

    /// Locked spins are separable: the row runs to infinity and is refused.
    #[test]
    fn separable_and_bad_inputs_are_refused() {
        let locked = DMatrix::from_row_slice(2, 2, &[1.0, -1.0, 1.0, -1.0]);
        let e = pseudo_likelihood_newton(&locked, 1e-10).unwrap_err();
        assert!(e.to_string().contains("infinity"), "{e}");
        let bad = DMatrix::from_element(3, 3, 0.5);
        assert!(pseudo_likelihood_newton(&bad, 1e-10).is_err());
        assert!(pseudo_likelihood_newton(&DMatrix::zeros(1, 3), 1e-10).is_err());
    }

    /// Two spins: each row is a one-parameter logistic fit with H = V =
    /// 1 − tanh² K, so the variance of √P(K̂ − K) is 1/(1 − tanh² K) = cosh² K
    /// (PL is exact ML at N = 2), and the two rows are perfectly correlated
    /// (the same statistic ⟨s_1 s_2⟩ decides both).
    #[test]
    fn covariance_of_two_spins() {
        let k = DMatrix::from_row_slice(2, 2, &[0.0, 0.7, 0.7, 0.0]);
        let c = asymptotic_covariance(&k).unwrap();
        let want = 0.7f64.cosh().powi(2);
        // Two-state sums: rounding only.
        for v in c.iter() {
            assert!((v / want - 1.0).abs() < 1e-13, "{c}");
        }
        assert_eq!(off_diagonal(&k).as_slice(), &[0.7, 0.7]);
        assert!(
            asymptotic_covariance(&DMatrix::from_row_slice(2, 2, &[0.0, 1.0, 0.5, 0.0])).is_err()
        );
    }
}
