//! Comparing samples of stabilities with a theoretical law (theory/training.md,
//! eqs. (T13)–(T15)): moments with standard errors, the Kolmogorov–Smirnov
//! distance, the Wasserstein-1 distance, and histograms with Poisson error bars.
//!
//! Theoretical laws are passed as closures (a CDF), so any distribution can be
//! used: the replica P(Δ) (`Solution::cdf`), the Hebbian Gaussian, …
//! All sums run in a fixed order (results do not depend on threads).

use crate::error::{ensure, Result};
use serde::{Deserialize, Serialize};

/// Sample moments with standard errors.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Moments {
    /// Sample size.
    pub count: usize,
    /// Sample mean.
    pub mean: f64,
    /// Sample variance (denominator n − 1).
    pub var: f64,
    /// Standard error of the mean, sqrt(var/n) (for independent draws).
    pub mean_se: f64,
    /// Standard error of the variance, sqrt((m4 − var²)/n) (for independent draws).
    pub var_se: f64,
    /// Fraction of negative values (the training error ε).
    pub eps: f64,
    /// Binomial standard error of ε, sqrt(ε(1−ε)/n).
    pub eps_se: f64,
}

impl Moments {
    /// Moments of a non-empty sample of finite values (two passes, fixed order).
    pub fn of(x: &[f64]) -> Result<Self> {
        check_sample(x)?;
        let n = x.len() as f64;
        let mean = x.iter().sum::<f64>() / n;
        let (mut m2, mut m4) = (0.0, 0.0);
        for v in x {
            let d2 = (v - mean) * (v - mean);
            m2 += d2;
            m4 += d2 * d2;
        }
        let var = if x.len() > 1 { m2 / (n - 1.0) } else { 0.0 };
        let (m2p, m4p) = (m2 / n, m4 / n);
        let eps = x.iter().filter(|&&v| v < 0.0).count() as f64 / n;
        Ok(Self {
            count: x.len(),
            mean,
            var,
            mean_se: (var / n).sqrt(),
            var_se: ((m4p - m2p * m2p).max(0.0) / n).sqrt(),
            eps,
            eps_se: (eps * (1.0 - eps) / n).sqrt(),
        })
    }
}

/// Mean and (unbiased) variance of a sample; NaN for fewer than two points.
pub fn mean_var(x: &[f64]) -> (f64, f64) {
    let n = x.len();
    if n < 2 {
        return (f64::NAN, f64::NAN);
    }
    let m = x.iter().sum::<f64>() / n as f64;
    let v = x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (n - 1) as f64;
    (m, v)
}

/// Two-sample Kolmogorov–Smirnov distance sup |F_a − F_b| between the
/// empirical CDFs of two samples (NaN if either is empty or non-finite).
pub fn ks_two_sample(a: &[f64], b: &[f64]) -> f64 {
    let ok = |x: &[f64]| !x.is_empty() && x.iter().all(|v| v.is_finite());
    if !ok(a) || !ok(b) {
        return f64::NAN;
    }
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.sort_by(|x, y| x.total_cmp(y));
    b.sort_by(|x, y| x.total_cmp(y));
    let (na, nb) = (a.len() as f64, b.len() as f64);
    let (mut i, mut j, mut d) = (0usize, 0usize, 0.0f64);
    while i < a.len() && j < b.len() {
        let v = a[i].min(b[j]);
        while i < a.len() && a[i] <= v {
            i += 1;
        }
        while j < b.len() && b[j] <= v {
            j += 1;
        }
        d = d.max((i as f64 / na - j as f64 / nb).abs());
    }
    d
}

/// The KS distance that a sample of `n` independent draws from the
/// theory exceeds with probability ≈ `p` (asymptotic Kolmogorov law,
/// P(√n D > t) ≈ 2 exp(−2t²)), i.e. t = √(ln(2/p)/2) / √n.
pub fn ks_critical(n: f64, p: f64) -> f64 {
    ((2.0 / p).ln() / 2.0).sqrt() / n.sqrt()
}

/// Wilson score interval of a binomial proportion k/n at z standard
/// deviations.
pub fn wilson(k: usize, n: usize, z: f64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let n = n as f64;
    let p = k as f64 / n;
    let d = 1.0 + z * z / n;
    let c = (p + z * z / (2.0 * n)) / d;
    let h = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / d;
    ((c - h).max(0.0), (c + h).min(1.0))
}

/// The inverse-variance weighted mean of values y_k ± σ_k: (ȳ, σ_ȳ, χ²) with
/// ȳ = Σ y_k/σ_k² / W, σ_ȳ = W^−½, W = Σ 1/σ_k², and χ² = Σ ((y_k − ȳ)/σ_k)²
/// (k − 1 degrees of freedom). NaNs for no values; every σ_k must be > 0.
pub fn weighted_mean(points: &[(f64, f64)]) -> (f64, f64, f64) {
    if points.is_empty() {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    let w: f64 = points.iter().map(|&(_, s)| s.powi(-2)).sum();
    let mean = points.iter().map(|&(y, s)| y * s.powi(-2)).sum::<f64>() / w;
    let chi2 = points.iter().map(|&(y, s)| ((y - mean) / s).powi(2)).sum();
    (mean, w.powf(-0.5), chi2)
}

/// Mean and standard error of the mean, sqrt(var/n) with the unbiased
/// variance of [`mean_var`]; the error is 0 for a single value.
pub fn mean_sem(x: &[f64]) -> (f64, f64) {
    if x.len() < 2 {
        return (x.iter().sum::<f64>() / x.len() as f64, 0.0);
    }
    let (m, v) = mean_var(x);
    (m, (v / x.len() as f64).sqrt())
}

/// The delete-one jackknife over `n` independent units (chains, seeds):
/// `estimate(None)` is the estimate from all of them and `estimate(Some(i))`
/// the one without unit i; returns the full estimate and its standard error
/// √((n − 1)/n · Σ_i (θ_{−i} − θ̄)²), θ̄ the mean of the θ_{−i}. For an
/// estimator that is a function of the units jointly (a mean over pairs of
/// units, say), where the plain standard error does not apply. The error is 0
/// for fewer than two units.
pub fn jackknife(n: usize, estimate: impl Fn(Option<usize>) -> f64) -> (f64, f64) {
    let full = estimate(None);
    if n < 2 {
        return (full, 0.0);
    }
    let leave: Vec<f64> = (0..n).map(|i| estimate(Some(i))).collect();
    let m = leave.iter().sum::<f64>() / n as f64;
    let ss = leave.iter().map(|v| (v - m) * (v - m)).sum::<f64>();
    (full, ((n - 1) as f64 / n as f64 * ss).sqrt())
}

/// Mean and population standard deviation (denominator n) of a sample, for
/// describing a set of values that is the whole population (e.g. the row
/// norms of one coupling matrix).
pub fn mean_std_population(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    let var = x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / n;
    (m, var.sqrt())
}

fn check_sample(x: &[f64]) -> Result<()> {
    ensure(!x.is_empty(), || "the sample is empty".into())?;
    ensure(x.iter().all(|v| v.is_finite()), || {
        "the sample contains a non-finite value".into()
    })
}

/// A sorted copy of a sample (total order; the sample must be finite).
pub fn sorted(x: &[f64]) -> Result<Vec<f64>> {
    check_sample(x)?;
    let mut v = x.to_vec();
    v.sort_unstable_by(f64::total_cmp);
    Ok(v)
}

/// Kolmogorov–Smirnov distance sup_x |F_n(x) − F(x)| between the empirical CDF of
/// `x` and a continuous CDF `cdf` (eq. (T13)). Ties in the sample are handled
/// exactly; `cdf` is called once per distinct sample value.
pub fn ks_distance(x: &[f64], cdf: impl Fn(f64) -> f64) -> Result<f64> {
    let s = sorted(x)?;
    Ok(ks_sorted(&s, cdf))
}

/// [`ks_distance`] for an already sorted sample.
pub fn ks_sorted(s: &[f64], cdf: impl Fn(f64) -> f64) -> f64 {
    let n = s.len() as f64;
    let mut d: f64 = 0.0;
    let mut i = 0;
    while i < s.len() {
        let mut k = i;
        while k + 1 < s.len() && s[k + 1] == s[i] {
            k += 1;
        }
        let f = cdf(s[i]);
        // Just below s[i], F_n = i/n; at s[i], F_n = (k+1)/n.
        d = d
            .max((f - i as f64 / n).abs())
            .max(((k + 1) as f64 / n - f).abs());
        i = k + 1;
    }
    d
}

/// Wasserstein-1 distance ∫|F_n(x) − F(x)| dx between the empirical law of `x`
/// and a law with CDF `cdf` (eq. (T14)), assumed to have finite mean.
///
/// Between consecutive sample values F_n is constant and F is replaced by its
/// linear interpolant on a mesh of spacing at most `h = 0.01·sd` (sd the sample
/// standard deviation, or 0.01 for a degenerate sample), integrating |c − F|
/// exactly for the interpolant (crossings included); the two tails beyond the
/// sample are integrated with steps h until F (resp. 1 − F) drops below 1e-15
/// (the law must have light tails, as every law of the replica theory has).
/// The mesh error is O(h²·max|F''|) per unit length.
pub fn wasserstein1(x: &[f64], cdf: impl Fn(f64) -> f64) -> Result<f64> {
    let s = sorted(x)?;
    Ok(w1_sorted(&s, cdf))
}

/// Steps of the tail walks of [`w1_sorted`] taken at the mesh spacing h
/// (1000 sample standard deviations); a law much wider than the sample (a
/// nearly degenerate sample) needs more, so the walk goes on with steps
/// growing by 1% each: the mesh then stays fine relative to the distance
/// covered, and any distance D is reached in about 100·ln(D/h) steps.
const UNIFORM_TAIL_STEPS: usize = 100_000;
/// The tail walks stop here whatever F is (h·e^{99} beyond the uniform part,
/// enough to cross any light tail from a mesh as fine as 1e-30).
const MAX_TAIL_STEPS: usize = UNIFORM_TAIL_STEPS + 10_000;

/// Width of tail step `k` of [`w1_sorted`] (see [`UNIFORM_TAIL_STEPS`]).
fn tail_step(h: f64, k: usize) -> f64 {
    if k < UNIFORM_TAIL_STEPS {
        h
    } else {
        h * 1.01f64.powi((k - UNIFORM_TAIL_STEPS + 1) as i32)
    }
}

/// ∫_a^b |c − F| for F linear between `fa` = F(a) and `fb` = F(b).
fn piece(a: f64, b: f64, fa: f64, fb: f64, c: f64) -> f64 {
    let (u, v) = (fa - c, fb - c);
    let w = b - a;
    if u * v >= 0.0 {
        0.5 * w * (u.abs() + v.abs())
    } else {
        // Crossing: two triangles.
        0.5 * w * (u * u + v * v) / (u.abs() + v.abs())
    }
}

/// Which tail of the law [`tail`] integrates.
#[derive(Clone, Copy)]
enum Side {
    /// ∫_{−∞}^{start} F.
    Left,
    /// ∫_{start}^{∞} (1 − F).
    Right,
}

/// One tail of the W1 integral of [`w1_sorted`], from the sample's extreme
/// `start` (where F = `f_start`) outwards on the mesh of [`tail_step`], until
/// F (left) or 1 − F (right) drops below 1e-15; each piece is added to
/// `total` in turn (a fixed summation order), which is returned.
fn tail(
    cdf: &impl Fn(f64) -> f64,
    start: f64,
    f_start: f64,
    h: f64,
    side: Side,
    mut total: f64,
) -> f64 {
    let (mut x, mut fx) = (start, f_start);
    let mut steps = 0;
    loop {
        let rest = match side {
            Side::Left => fx,
            Side::Right => 1.0 - fx,
        };
        if rest <= 1e-15 || steps >= MAX_TAIL_STEPS {
            return total;
        }
        let step = tail_step(h, steps);
        steps += 1;
        match side {
            Side::Left => {
                let (a, fa) = (x - step, cdf(x - step));
                total += piece(a, x, fa, fx, 0.0);
                (x, fx) = (a, fa);
            }
            Side::Right => {
                let (b, fb) = (x + step, cdf(x + step));
                total += piece(x, b, fx, fb, 1.0);
                (x, fx) = (b, fb);
            }
        }
    }
}

/// [`wasserstein1`] for an already sorted sample.
pub fn w1_sorted(s: &[f64], cdf: impl Fn(f64) -> f64) -> f64 {
    let n = s.len() as f64;
    let sd = {
        let m = s.iter().sum::<f64>() / n;
        (s.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / n).sqrt()
    };
    let h = if sd > 0.0 { 0.01 * sd } else { 0.01 };
    // Integrates |c − F| over [a, b] on a mesh of spacing ≤ h, given F(a).
    let segment = |a: f64, b: f64, fa: f64, c: f64| -> (f64, f64) {
        let m = ((b - a) / h).ceil().max(1.0) as usize;
        let mut acc = 0.0;
        let mut xa = a;
        let mut fxa = fa;
        for k in 1..=m {
            let xb = if k == m {
                b
            } else {
                a + (b - a) * k as f64 / m as f64
            };
            let fxb = cdf(xb);
            acc += piece(xa, xb, fxa, fxb, c);
            xa = xb;
            fxa = fxb;
        }
        (acc, fxa)
    };
    // Left tail: ∫_{-∞}^{s_0} F.
    let mut total = tail(&cdf, s[0], cdf(s[0]), h, Side::Left, 0.0);
    let mut f_prev = cdf(s[0]);
    let mut i = 0;
    while i < s.len() {
        let mut k = i;
        while k + 1 < s.len() && s[k + 1] == s[i] {
            k += 1;
        }
        if k + 1 == s.len() {
            break;
        }
        let c = (k + 1) as f64 / n;
        let (acc, f_next) = segment(s[k], s[k + 1], f_prev, c);
        total += acc;
        f_prev = f_next;
        i = k + 1;
    }
    // Right tail: ∫_{s_last}^{∞} (1 − F).
    tail(&cdf, s[s.len() - 1], f_prev, h, Side::Right, total)
}

/// Wasserstein-1 distance between two samples: ∫₀¹ |F⁻¹(u) − G⁻¹(u)| du,
/// computed exactly by merging the two empirical quantile functions.
pub fn wasserstein1_samples(x: &[f64], y: &[f64]) -> Result<f64> {
    let (a, b) = (sorted(x)?, sorted(y)?);
    let (na, nb) = (a.len() as f64, b.len() as f64);
    let (mut i, mut j) = (0usize, 0usize);
    let mut u = 0.0;
    let mut total = 0.0;
    while i < a.len() && j < b.len() {
        let ua = (i + 1) as f64 / na;
        let ub = (j + 1) as f64 / nb;
        let next = ua.min(ub);
        total += (next - u) * (a[i] - b[j]).abs();
        u = next;
        if ua <= ub {
            i += 1;
        }
        if ub <= ua {
            j += 1;
        }
    }
    Ok(total)
}

/// A histogram normalised as a density, with Poisson error bars (eq. (T15)).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Histogram {
    /// Bin edges (length bins + 1).
    pub edges: Vec<f64>,
    /// Counts per bin.
    pub counts: Vec<u64>,
    /// Density count/(n·width) per bin, n the whole sample size (values outside
    /// the range count in n but in no bin).
    pub density: Vec<f64>,
    /// Poisson error sqrt(count)/(n·width).
    pub error: Vec<f64>,
}

impl Histogram {
    /// Histogram of `x` with `bins` equal bins on [lo, hi) (the last bin includes hi).
    pub fn new(x: &[f64], lo: f64, hi: f64, bins: usize) -> Result<Self> {
        check_sample(x)?;
        ensure(lo.is_finite() && hi.is_finite() && lo < hi, || {
            format!("histogram range must be finite with lo < hi, got [{lo}, {hi}]")
        })?;
        ensure(bins >= 1, || "a histogram needs at least one bin".into())?;
        let w = (hi - lo) / bins as f64;
        let mut counts = vec![0u64; bins];
        for &v in x {
            if v < lo || v > hi {
                continue;
            }
            let k = (((v - lo) / w) as usize).min(bins - 1);
            counts[k] += 1;
        }
        let n = x.len() as f64;
        let edges = (0..=bins).map(|k| lo + w * k as f64).collect();
        let density = counts.iter().map(|&c| c as f64 / (n * w)).collect();
        let error = counts
            .iter()
            .map(|&c| (c as f64).sqrt() / (n * w))
            .collect();
        Ok(Self {
            edges,
            counts,
            density,
            error,
        })
    }
}

/// Ranks 1..n of the values (ties get the mean of their ranks); the values must
/// be finite.
pub fn ranks(x: &[f64]) -> Result<Vec<f64>> {
    ensure(x.iter().all(|v| v.is_finite()), || {
        "ranks of a sample with a non-finite value".into()
    })?;
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut r = vec![0.0; x.len()];
    let mut k = 0;
    while k < idx.len() {
        let mut e = k;
        while e + 1 < idx.len() && x[idx[e + 1]] == x[idx[k]] {
            e += 1;
        }
        let mean_rank = (k + e) as f64 / 2.0 + 1.0;
        idx[k..=e].iter().for_each(|&i| r[i] = mean_rank);
        k = e + 1;
    }
    Ok(r)
}

/// Spearman's rank correlation of two paired samples: Pearson's correlation of
/// their [`ranks`]. Needs at least two pairs and a non-constant sample each.
pub fn spearman(a: &[f64], b: &[f64]) -> Result<f64> {
    ensure(a.len() == b.len() && a.len() >= 2, || {
        format!(
            "Spearman needs two samples of equal length >= 2, got {} and {}",
            a.len(),
            b.len()
        )
    })?;
    let (ra, rb) = (ranks(a)?, ranks(b)?);
    let (ma, va) = mean_var(&ra);
    let (mb, vb) = mean_var(&rb);
    ensure(va > 0.0 && vb > 0.0, || {
        "Spearman of a constant sample".into()
    })?;
    let cov = ra
        .iter()
        .zip(&rb)
        .map(|(x, y)| (x - ma) * (y - mb))
        .sum::<f64>();
    let n = ra.len() as f64;
    // mean_var's variance is the unbiased one (divisor n − 1).
    Ok(cov / ((n - 1.0) * (va * vb).sqrt()))
}

#[cfg(test)]
mod tests {

    #[test]
    fn spearman_of_monotone_and_tied_samples() {
        assert_eq!(
            ranks(&[3.0, 1.0, 3.0, 2.0]).unwrap(),
            vec![3.5, 1.0, 3.5, 2.0]
        );
        let a = [1.0, 2.0, 3.0, 4.0, 5.0];
        let b = [1.0, 8.0, 27.0, 64.0, 125.0];
        // Exactly 1 in exact arithmetic; rounding of the sums: 1e-15.
        assert!((spearman(&a, &b).unwrap() - 1.0).abs() < 1e-15);
        let c = [5.0, 4.0, 3.0, 2.0, 1.0];
        assert!((spearman(&a, &c).unwrap() + 1.0).abs() < 1e-15);
        assert!(spearman(&a, &[1.0; 5]).is_err());
        assert!(spearman(&a, &b[..3]).is_err());
    }
    use super::*;
    use crate::numerics::normal;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;
    use rand_distr::{Distribution, StandardNormal};

    /// Two values 1 ± 1 and 4 ± 2: weights 1 and 1/4, mean (1 + 1)/(5/4) =
    /// 1.6, error (5/4)^−½, χ² = 0.6² + (2.4/2)² = 1.8; one value returns
    /// itself with χ² = 0.
    #[test]
    fn weighted_mean_by_hand() {
        let (m, e, c) = weighted_mean(&[(1.0, 1.0), (4.0, 2.0)]);
        assert!((m - 1.6).abs() < 1e-15 && (e - 0.8f64.sqrt()).abs() < 1e-15);
        assert!((c - 1.8).abs() < 1e-14, "{c}");
        assert_eq!(weighted_mean(&[(3.0, 0.5)]), (3.0, 0.5, 0.0));
        assert!(weighted_mean(&[]).0.is_nan());
    }

    fn uniform_cdf(x: f64) -> f64 {
        x.clamp(0.0, 1.0)
    }

    /// For the plain mean the jackknife's error is the standard error of
    /// the mean exactly (θ_{−i} − θ̄ = −(x_i − x̄)/(n − 1)); 1e-15 relative
    /// is the rounding of sums of 7 terms.
    #[test]
    fn jackknife_of_the_mean_is_the_standard_error() {
        let x = [0.3, -1.2, 2.5, 0.7, 0.0, 1.1, -0.4];
        let n = x.len();
        let (m, se) = jackknife(n, |skip| {
            let kept: Vec<f64> = (0..n).filter(|&i| Some(i) != skip).map(|i| x[i]).collect();
            kept.iter().sum::<f64>() / kept.len() as f64
        });
        let (m0, se0) = mean_sem(&x);
        assert_eq!(m, m0);
        assert!((se - se0).abs() <= 1e-15 * se0, "{se} vs {se0}");
        assert_eq!(jackknife(1, |_| 2.0), (2.0, 0.0));
    }

    #[test]
    fn exact_small_cases() {
        // One point at 0.5 against U(0,1): the jump 0 → 1 straddles F = 0.5.
        assert!((ks_distance(&[0.5], uniform_cdf).unwrap() - 0.5).abs() < 1e-15);
        // {0.2, 0.6}: gaps 0.2, 0.5−0.2, 0.6−0.5, 1−0.6 → 0.4.
        assert!((ks_distance(&[0.6, 0.2], uniform_cdf).unwrap() - 0.4).abs() < 1e-15);
        // Ties: {0.5, 0.5} is the same empirical law as {0.5}.
        assert!((ks_distance(&[0.5, 0.5], uniform_cdf).unwrap() - 0.5).abs() < 1e-15);
        // W1(δ_0.5, U(0,1)) = ∫|u − 0.5| du = 1/4; F is piecewise linear with
        // kinks at 0 and 1, which the mesh (steps of h from the sample points)
        // hits up to the rounding of ~100 repeated additions: 1e-12 covers it.
        assert!((wasserstein1(&[0.5], uniform_cdf).unwrap() - 0.25).abs() < 1e-12);
        // W1({0.2, 0.6}, U) = ∫_0^.2 u + ∫_.2^.6 |.5−u| + ∫_.6^1 (1−u) = .02+.05+.08 = 0.15.
        assert!((wasserstein1(&[0.2, 0.6], uniform_cdf).unwrap() - 0.15).abs() < 1e-12);
        // W1(δ_0, N(0,1)) = E|Z| = sqrt(2/π). The mesh (h = 0.01) makes an
        // O(h²/12·∫|F''|) ≈ 1e-5 error; 1e-4 bounds it.
        let w = wasserstein1(&[0.0], normal::cdf).unwrap();
        assert!(
            (w - (2.0 / std::f64::consts::PI).sqrt()).abs() < 1e-4,
            "{w}"
        );
        // Two samples: shifting by 0.3 gives W1 = 0.3 exactly (up to rounding).
        let a = [0.1, 0.5, 0.9, 2.0];
        let b: Vec<f64> = a.iter().map(|v| v + 0.3).collect();
        assert!((wasserstein1_samples(&a, &b).unwrap() - 0.3).abs() < 1e-14);
        assert!(wasserstein1_samples(&[0.0, 1.0], &[0.0, 0.0, 1.0]).unwrap() > 0.0);
    }

    #[test]
    fn gaussian_sample_against_phi() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let x: Vec<f64> = (0..20_000)
            .map(|_| StandardNormal.sample(&mut rng))
            .collect();
        let ks = ks_distance(&x, normal::cdf).unwrap();
        // sqrt(n)·KS follows the Kolmogorov law: P(> 1.95) ≈ 0.001, so the bound
        // 1.95/sqrt(n) fails for a correct implementation once in a thousand seeds
        // (this seed is fixed). A bug shifting F by 0.02 would give ≥ 0.02.
        assert!(ks < 1.95 / (20_000f64).sqrt(), "{ks}");
        // Against a shifted law the distance is ≈ Φ(0.1) − Φ(−0.1)/… ≈ 0.04.
        let shifted = ks_distance(&x, |t| normal::cdf(t - 0.1)).unwrap();
        assert!((shifted - 0.0399).abs() < 0.015, "{shifted}");
        // W1 of an n-sample from its own law shrinks like n^{-1/2} (E W1 ≈ 0.9/sqrt(n)
        // for the Gaussian); a shift by 0.1 adds ≈ 0.1.
        let w = wasserstein1(&x, normal::cdf).unwrap();
        assert!(w < 5.0 / (20_000f64).sqrt(), "{w}");
        let ws = wasserstein1(&x, |t| normal::cdf(t - 0.1)).unwrap();
        assert!((ws - 0.1).abs() < 0.02, "{ws}");
        let m = Moments::of(&x).unwrap();
        // Mean and variance within 4 standard errors of 0 and 1.
        assert!(m.mean.abs() < 4.0 * m.mean_se);
        assert!((m.var - 1.0).abs() < 4.0 * m.var_se);
        // var_se for a Gaussian is sqrt(2/n) = 0.0100; the estimate has relative
        // error ~ sqrt(m8/m4²/n) ≈ 5%; 20% is generous.
        assert!((m.var_se / (2.0f64 / 20_000.0).sqrt() - 1.0).abs() < 0.2);
        assert!((m.eps - 0.5).abs() < 4.0 * m.eps_se);
    }

    #[test]
    fn histogram_density() {
        let x = [0.1, 0.2, 0.25, 0.9, 1.0, 5.0];
        let h = Histogram::new(&x, 0.0, 1.0, 2).unwrap();
        assert_eq!(h.counts, vec![3, 2]);
        // n = 6 (including the outlier 5.0), width 0.5.
        assert!((h.density[0] - 3.0 / 3.0).abs() < 1e-15);
        assert!((h.error[1] - 2f64.sqrt() / 3.0).abs() < 1e-15);
        assert!(Histogram::new(&x, 1.0, 0.0, 2).is_err());
        assert!(Histogram::new(&[], 0.0, 1.0, 2).is_err());
        assert!(Moments::of(&[1.0, f64::NAN]).is_err());
        assert!(ks_distance(&[], normal::cdf).is_err());
    }

    #[test]
    fn mean_var_and_wilson() {
        let (m, v) = mean_var(&[1.0, 2.0, 3.0]);
        assert!((m - 2.0).abs() < 1e-15 && (v - 1.0).abs() < 1e-15);
        let (lo, hi) = wilson(50, 100, 2.0);
        assert!(lo < 0.5 && hi > 0.5 && lo > 0.39 && hi < 0.61);
        // ks_critical(n, p) solves 2 exp(−2 n t²) = p.
        let t = ks_critical(400.0, 0.01);
        assert!((2.0 * (-2.0 * 400.0 * t * t).exp() - 0.01).abs() < 1e-12);
    }
    /// A nearly degenerate sample (800 values within 1e-14 of c) against N(0, 1):
    /// W1 = E|Z − c| = 2φ(c) + c(2Φ(c) − 1) in closed form. The tail mesh then
    /// grows geometrically (ratio 1.01): linear interpolation of F on such a
    /// mesh misses the Gaussian tail by 1.7e-5 of W1 here (measured), so 1e-4
    /// holds with a margin; the sample's spread adds only 1e-14. Uniform steps of
    /// 0.01·sd alone, capped at 10⁵, would return 0.026 instead of 0.80.
    #[test]
    fn w1_of_a_nearly_degenerate_sample() {
        let c = 0.05;
        let x: Vec<f64> = (0..800).map(|k| c + 1e-14 * (k % 7) as f64 / 7.0).collect();
        let got = wasserstein1(&x, crate::numerics::normal::cdf).unwrap();
        let want = 2.0 * crate::numerics::normal::pdf(c)
            + c * (2.0 * crate::numerics::normal::cdf(c) - 1.0);
        assert!(
            ((got - want) / want).abs() < 1e-4,
            "W1 = {got}, want {want}"
        );
    }
}
