//! The integrated autocorrelation time of a stationary series with Sokal's
//! automatic window (theory/spin_glass.md, eq. (G7)).

use crate::error::ensure;
use crate::Result;

/// Sokal's window constant: the sum stops at the first W ≥ C·τ_int(W).
const WINDOW_FACTOR: f64 = 6.0;

/// τ_int = ½ + Σ_{t=1}^{W} ρ(t) with its window W and Sokal's error
/// estimate τ_int·√(2(2W + 1)/n).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AutocorrelationTime {
    /// τ_int, in steps of the series.
    pub tau: f64,
    /// The window W where the sum stopped.
    pub window: usize,
    /// The estimate's statistical error.
    pub error: f64,
}

/// τ_int of `x` (eq. (G7)): ρ(t) the autocovariance at lag t (averaged over
/// the n − t pairs) over the variance. A constant series has τ_int = ½ by
/// convention (no correlation to measure). An error when the window would
/// exceed n/4 (the series is too short to estimate τ_int) or the series has
/// fewer than 16 values.
pub fn integrated_time(x: &[f64]) -> Result<AutocorrelationTime> {
    let n = x.len();
    ensure(n >= 16, || {
        format!("τ_int needs at least 16 values, got {n}")
    })?;
    ensure(x.iter().all(|v| v.is_finite()), || {
        "τ_int: the series has a non-finite value".into()
    })?;
    let mean = x.iter().sum::<f64>() / n as f64;
    let d: Vec<f64> = x.iter().map(|v| v - mean).collect();
    let var = d.iter().map(|v| v * v).sum::<f64>() / n as f64;
    if var == 0.0 {
        return Ok(AutocorrelationTime {
            tau: 0.5,
            window: 0,
            error: 0.0,
        });
    }
    let mut tau = 0.5;
    for w in 1..=n / 4 {
        let c = d[..n - w]
            .iter()
            .zip(&d[w..])
            .map(|(a, b)| a * b)
            .sum::<f64>()
            / (n - w) as f64;
        tau += c / var;
        if w as f64 >= WINDOW_FACTOR * tau {
            return Ok(AutocorrelationTime {
                tau,
                window: w,
                error: tau * (2.0 * (2 * w + 1) as f64 / n as f64).sqrt(),
            });
        }
    }
    Err(crate::Error::NoSolution(format!(
        "τ_int: no window W ≤ n/4 = {} with W ≥ {WINDOW_FACTOR}·τ_int (τ_int ≥ {:.1}): the \
         series of {n} values is too short",
        n / 4,
        tau
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numerics::rng;
    use rand_distr::{Distribution, StandardNormal};

    /// An AR(1) series x_{t+1} = φx_t + √(1 − φ²)ξ_t has ρ(t) = φ^t and
    /// τ_int = (1 + φ)/(2(1 − φ)); the estimate must lie within four of its
    /// own error estimates (Sokal's √(2(2W + 1)/n) relative) plus the
    /// window's truncation bias φ^W/(1 − φ) (below 1e-3 here).
    #[test]
    fn ar1_against_its_exact_time() {
        for (phi, seed) in [(0.0, 1u64), (0.5, 2), (0.9, 3)] {
            let mut r = rng::stream(seed, 0);
            let mut x = vec![0.0f64; 200_000];
            let s = (1.0f64 - phi * phi).sqrt();
            for t in 1..x.len() {
                let xi: f64 = StandardNormal.sample(&mut r);
                x[t] = phi * x[t - 1] + s * xi;
            }
            let got = integrated_time(&x).unwrap();
            let want = (1.0 + phi) / (2.0 * (1.0 - phi));
            let bias = phi.powi(got.window as i32) / (1.0 - phi);
            assert!(
                (got.tau - want).abs() <= 4.0 * got.error + bias,
                "φ = {phi}: {} vs {want} (± {})",
                got.tau,
                got.error
            );
        }
    }

    #[test]
    fn short_or_bad_series_are_refused() {
        assert!(integrated_time(&[1.0; 10]).is_err());
        assert!(integrated_time(&[f64::NAN; 20]).is_err());
        assert_eq!(integrated_time(&[2.0; 20]).unwrap().tau, 0.5);
        // A series slower than its length: a linear ramp never decorrelates.
        let ramp: Vec<f64> = (0..100).map(|t| t as f64).collect();
        assert!(integrated_time(&ramp).is_err());
    }
}
