//! The row bound of symmetric couplings for ±1 patterns
//! (theory/symmetric.md §8, eqs. (S18)–(S22)).
//!
//! Symmetric couplings are in particular N rows, so their maximal stability
//! is at most the smallest of the rows' own maximal stabilities (S18). The
//! exact finite-N numerics find that bound attained (conjecture H, (S19)),
//! which makes the symmetric capacity Gardner's (S20). This module gives the
//! finite-N consequence at κ = 0 that the `capacity` claim tests: the
//! probability that all N rows are separable (S21) and its crossing load
//! α_½^row(N) with the asymptotic form (S22).

use super::counting::cover_probability;
use crate::error::ensure;
use crate::numerics::normal;
use crate::numerics::roots::increasing_root;
use crate::Result;

/// Largest N accepted: Cover's count (C4) is accurate to P ~ 1e9 and the
/// crossing's search runs over P ≤ 4N.
const MAX_N: u64 = 100_000_000;

/// Checks 2 ≤ N ≤ [`MAX_N`] (a row needs at least one coupling).
fn check_n(n: u64) -> Result<()> {
    ensure((2..=MAX_N).contains(&n), || {
        format!("N must be between 2 and {MAX_N}, got {n}")
    })
}

/// ln P_row(N, P) = N ln P_sep(P, N − 1) (eq. (S21)): all N rows of N − 1
/// couplings separable by Cover's count (C4), rows treated as independent.
pub fn ln_network_storable_fraction(n: u64, p: u64) -> Result<f64> {
    check_n(n)?;
    Ok(n as f64 * cover_probability(n - 1, p)?.ln_probability)
}

/// P_row(N, P) of eq. (S21) (0 where it underflows).
pub fn network_storable_fraction(n: u64, p: u64) -> Result<f64> {
    Ok(ln_network_storable_fraction(n, p)?.exp())
}

/// The crossing load α_½^row(N) where P_row(N, P) of (S21) falls through ½,
/// P continued linearly between the integers on either side, as for the
/// measured crossings. P_row decreases in P, so the first P below ½ is found
/// by bisection on [1, 4N] (P_row(N, 4N) < ½ for every N ≥ 2).
pub fn network_crossing(n: u64) -> Result<f64> {
    check_n(n)?;
    let f = |p: u64| network_storable_fraction(n, p);
    // Invariant: f(lo) ≥ ½ > f(hi). P ≤ N − 1 is always separable.
    let (mut lo, mut hi) = (n - 1, 4 * n);
    ensure(f(hi)? < 0.5, || {
        format!("P_row(N = {n}, P = 4N) is not below ½")
    })?;
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if f(mid)? < 0.5 {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    let (f0, f1) = (f(lo)?, f(hi)?);
    Ok((lo as f64 + (f0 - 0.5) / (f0 - f1)) / n as f64)
}

/// The leading-order crossing of eq. (S22), α ≈ 2 − x_N √(2/N) with
/// Φ(−x_N) = ln 2 / N, and x_N itself (solved in log space by safeguarded
/// Newton: ln Φ(−x) − ln(ln 2/N) decreases in x with slope −φ(x)/Φ(−x)).
pub fn asymptotic_crossing(n: u64) -> Result<(f64, f64)> {
    check_n(n)?;
    let target = (std::f64::consts::LN_2 / n as f64).ln();
    // ln 2/N ≤ 0.35 puts x_N in (0.38, 40] for every admissible N.
    let x = increasing_root(
        "x_N of eq. (S22)",
        |x| Ok((target - normal::ln_cdf(-x), normal::mills_ratio(-x))),
        (0.0, 40.0),
        (2.0 * (n as f64).ln()).sqrt(),
    )?;
    Ok((2.0 - x * (2.0 / n as f64).sqrt(), x))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// P[Bin(P − 1, ½) ≤ D − 1] as an exact integer ratio (u128 holds every
    /// binomial coefficient and 2^{P−1} for P ≤ 100).
    fn exact_cover(p: u64, d: u64) -> f64 {
        let n = p - 1;
        let (mut c, mut sum) = (1u128, 0u128);
        for k in 0..=n {
            if k < d {
                sum += c;
            }
            c = c * (n - k) as u128 / (k + 1) as u128;
        }
        sum as f64 / (1u128 << n) as f64
    }

    #[test]
    fn fraction_against_exact_integer_sums() {
        // (C4) is accurate to ~1e-13 relative per row; the N-th power
        // multiplies the relative error by N ≤ 30, so 1e-11 bounds it.
        for n in [2u64, 5, 10, 20, 30] {
            for p in 1..=(3 * n).min(100) {
                let exact = exact_cover(p, n - 1).powi(n as i32);
                let got = network_storable_fraction(n, p).unwrap();
                let rel = (got - exact).abs() / exact.max(1e-300);
                assert!(rel < 1e-11, "N = {n}, P = {p}: {got} vs {exact}");
            }
        }
    }

    #[test]
    fn crossing_against_mpmath() {
        // Reference: mpmath (30 digits) regularized incomplete beta for (C4),
        // raised to the N-th power, crossing interpolated the same way. The
        // fraction's relative error (1e-11, above) moves the crossing by at
        // most 1e-11/(N·|ΔP_row|) ≤ 1e-9 for these slopes (|ΔP_row| > 0.01).
        for (n, want) in [
            (20, 1.4248856775707712),
            (30, 1.4946353497415823),
            (40, 1.5400325234141954),
            (100, 1.664112887890646),
            (1000, 1.8601813074182467),
        ] {
            let got = network_crossing(n).unwrap();
            assert!((got - want).abs() < 1e-9, "N = {n}: {got} vs {want}");
        }
    }

    #[test]
    fn crossing_approaches_its_asymptotic_form() {
        // (S22) neglects relative corrections of order x_N/√N to the deficit
        // 2 − α; the exact crossing must lie within that order of it, and the
        // deficit must vanish as N grows.
        let mut last = f64::INFINITY;
        for n in [100u64, 1000, 10_000, 100_000] {
            let exact = network_crossing(n).unwrap();
            let (asym, x) = asymptotic_crossing(n).unwrap();
            let order = (2.0 - asym) * x / (n as f64).sqrt();
            assert!((exact - asym).abs() <= order, "N = {n}: {exact} vs {asym}");
            assert!(exact < 2.0 && 2.0 - exact < last);
            last = 2.0 - exact;
        }
    }

    #[test]
    fn bad_sizes_are_errors() {
        assert!(network_storable_fraction(1, 3).is_err());
        assert!(network_crossing(0).is_err());
        assert!(asymptotic_crossing(MAX_N + 1).is_err());
        assert!(network_storable_fraction(10, 0).is_err());
    }
}
