//! A simulation's stabilities against the replica theory at the same (α, λ):
//! the theory's predictions, the KS and W1 distances (theory/training.md,
//! eqs. (T13), (T14)), the comparison of every gradient-descent snapshot at
//! its own λ(t) and with Gardner's maximal-margin law, the mean loss (T3) and
//! the histogram with the theory's density (T15).
//!
//! These are the computations behind `plam simulate`; the command line only
//! parses arguments, trains and prints.

use crate::error::Result;
use crate::learning::couplings::row_norms;
use crate::learning::stabilities::Stabilities;
use crate::learning::Snapshot;
use crate::numerics::special::softplus;
use crate::numerics::statistics::{mean_std_population, Histogram, Moments};
use crate::replica::saddle_point::{solve_pl, Solution};
use nalgebra::DMatrix;
use serde::Serialize;

/// Replica predictions a simulation is compared with.
#[derive(Debug, Clone, Serialize)]
pub struct TheorySummary {
    /// λ at which the theory is evaluated.
    pub lambda: f64,
    /// Training error P(Δ < 0).
    pub eps: f64,
    /// Mean of Δ.
    pub mean: f64,
    /// Variance of Δ.
    pub var: f64,
    /// Mean loss per pattern.
    pub loss: f64,
    /// Whether the replica-symmetric solution is locally stable (replicon < 1).
    pub rs_stable: bool,
}

impl TheorySummary {
    /// The predictions of the saddle point `sol`, solved at norm `lambda`.
    pub fn new(sol: &Solution, lambda: f64) -> Self {
        Self {
            lambda,
            eps: sol.eps,
            mean: sol.mean,
            var: sol.var,
            loss: sol.loss_mean,
            rs_stable: sol.rs_stable(),
        }
    }
}

/// Stabilities against the pseudo-likelihood P(Δ) at (α, λ): the distances
/// (T13), (T14) and the theory's predictions, or why the saddle point has no
/// solution there (then the distances are missing too).
///
/// Serialised as the fields `ks`, `w1`, `theory` and, only when the theory is
/// missing, `theory_error`.
#[derive(Debug, Clone, Serialize)]
pub struct ReplicaComparison {
    /// KS distance to the theory (null if the theory failed).
    pub ks: Option<f64>,
    /// W1 distance to the theory (null if the theory failed).
    pub w1: Option<f64>,
    /// The theory's predictions.
    pub theory: Option<TheorySummary>,
    /// Why the theory is missing, if it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub theory_error: Option<String>,
    /// The saddle point itself (for its density), when it was solved.
    #[serde(skip)]
    pub solution: Option<Solution>,
}

impl ReplicaComparison {
    /// Compares `st` with the replica law at (α, λ) ([`solve_pl`]). A saddle
    /// point without solution is recorded in `theory_error`; the only error is
    /// a non-finite stability.
    pub fn new(st: &Stabilities, alpha: f64, lambda: f64) -> Result<Self> {
        match solve_pl(alpha, lambda) {
            Ok(sol) => {
                let c = st.compare(|x| sol.cdf(x))?;
                Ok(Self {
                    ks: Some(c.ks),
                    w1: Some(c.w1),
                    theory: Some(TheorySummary::new(&sol, lambda)),
                    theory_error: None,
                    solution: Some(sol),
                })
            }
            Err(e) => Ok(Self {
                ks: None,
                w1: None,
                theory: None,
                theory_error: Some(e.to_string()),
                solution: None,
            }),
        }
    }
}

/// One gradient-descent snapshot against the theory at its own λ(t) and,
/// below α = 2, against Gardner's maximal-margin law (the λ → ∞ limit).
#[derive(Debug, Clone, Serialize)]
pub struct SnapshotSummary {
    /// Epochs completed.
    pub epoch: usize,
    /// Mean effective row norm β|J_i|.
    pub lambda: f64,
    /// Fraction of negative stabilities.
    pub eps: f64,
    /// Mean stability.
    pub mean: f64,
    /// Variance of the stabilities.
    pub var: f64,
    /// Distances to the theory at `lambda`, and its predictions.
    #[serde(flatten)]
    pub replica: ReplicaComparison,
    /// Mean over rows of the smallest stability min_μ Δ_i^μ (the row's margin).
    pub margin_mean: f64,
    /// Gardner's maximal margin κ*(α) (α < 2 only), the λ → ∞ limit of the margin.
    pub kappa_max: Option<f64>,
    /// W1 distance to the maximal-margin law Φ(κ*)δ(Δ−κ*) + θ(Δ−κ*)φ(Δ) (α < 2).
    pub w1_max_margin: Option<f64>,
}

impl SnapshotSummary {
    /// Compares snapshot `s` of a run at load `alpha` with the theory at the
    /// mean of its effective norms λ_i = β|J_i| (eq. (T2)).
    pub fn new(s: &Snapshot, alpha: f64) -> Result<Self> {
        let (lambda, _) = mean_std_population(&s.lambda);
        let st = Stabilities {
            delta: s.stabilities.clone(),
            row_norms: s.lambda.clone(),
        };
        let m = st.summary()?;
        let replica = ReplicaComparison::new(&st, alpha, lambda)?;
        let margin_mean = st.mean_margin();
        // Gardner's law exists only where random patterns are separable.
        let (w1_max_margin, kappa_max) = if alpha < 2.0 {
            let (w, k) = super::stabilities::w1_to_max_margin(&st, alpha)?;
            (Some(w), Some(k))
        } else {
            (None, None)
        };
        Ok(Self {
            epoch: s.epoch,
            lambda,
            eps: m.eps,
            mean: m.mean,
            var: m.var,
            replica,
            margin_mean,
            kappa_max,
            w1_max_margin,
        })
    }
}

/// Mean over rows and patterns of ℓ_{λ_i}(Δ) = log(1 + e^{−2λ_iΔ}) with
/// λ_i = |J_i| the stored row norms: β·L of eq. (T3), the loss of the replica
/// theory.
pub fn mean_row_loss(st: &Stabilities) -> f64 {
    let mut s = 0.0;
    for col in st.delta.column_iter() {
        for (d, l) in col.iter().zip(&st.row_norms) {
            s += softplus(-2.0 * l * d);
        }
    }
    s / st.delta.len() as f64
}

/// The effective norm β·mean_i |J_i| of couplings trained at inverse
/// temperature β (eq. (T2)), at which the fixed-norm theory is compared.
pub fn mean_effective_norm(j: &DMatrix<f64>, beta: f64) -> f64 {
    let r = row_norms(j);
    beta * r.iter().sum::<f64>() / r.len() as f64
}

/// The range of the stabilities' histogram: mean ± 6 standard deviations, the
/// deviation floored at 10⁻³ so that a sample of equal values still has bins.
pub fn histogram_range(m: &Moments) -> (f64, f64) {
    let sd = m.var.sqrt().max(1e-3);
    (m.mean - 6.0 * sd, m.mean + 6.0 * sd)
}

/// One bin of the stabilities' histogram (eq. (T15)).
#[derive(Debug, Clone, Serialize)]
pub struct HistogramRow {
    /// Left edge.
    pub left: f64,
    /// Right edge.
    pub right: f64,
    /// Stabilities in the bin.
    pub count: u64,
    /// count/(n·width).
    pub density: f64,
    /// Poisson error √count/(n·width).
    pub error: f64,
    /// The theory's density at the bin centre (null without a theory).
    pub theory_pdf: Option<f64>,
}

/// Histogram of all stabilities in `bins` bins on [`histogram_range`], with
/// the density of the replica law `theory` at each bin centre.
pub fn histogram(
    st: &Stabilities,
    bins: usize,
    theory: Option<&Solution>,
) -> Result<Vec<HistogramRow>> {
    let (lo, hi) = histogram_range(&st.summary()?);
    let hist = Histogram::new(st.values(), lo, hi, bins)?;
    Ok((0..bins)
        .map(|k| {
            let c = 0.5 * (hist.edges[k] + hist.edges[k + 1]);
            HistogramRow {
                left: hist.edges[k],
                right: hist.edges[k + 1],
                count: hist.counts[k],
                density: hist.density[k],
                error: hist.error[k],
                theory_pdf: theory.map(|t| t.pdf(c)),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numerics::normal;
    use crate::replica::capacity::max_margin;

    /// Φ⁻¹(u) by bisection on Φ (to the last bit; only for building samples).
    fn normal_quantile(u: f64) -> f64 {
        let (mut a, mut b) = (-40.0, 40.0);
        for _ in 0..200 {
            let m = 0.5 * (a + b);
            if normal::cdf(m) < u {
                a = m;
            } else {
                b = m;
            }
        }
        0.5 * (a + b)
    }

    fn one_row(values: Vec<f64>, norm: f64) -> Stabilities {
        let n = values.len();
        Stabilities {
            delta: DMatrix::from_vec(1, n, values),
            row_norms: vec![norm],
        }
    }

    /// The n midpoint quantiles of N(mu, 1).
    fn gaussian_sample(n: usize, mu: f64) -> Vec<f64> {
        (0..n)
            .map(|k| mu + normal_quantile((k as f64 + 0.5) / n as f64))
            .collect()
    }

    #[test]
    fn hebb_sample_matches_the_replica_law() {
        // At λ → 0 the law is Hebb's N(1/√α, 1) (to 1e-6 at λ = 1e-7). The
        // midpoint quantiles of that Gaussian miss its CDF by exactly 1/(2n)
        // at every sample point, so KS = 1/(2n) up to the 1e-6 of the limit.
        let (alpha, lambda, n) = (0.5f64, 1e-7, 1000);
        let st = one_row(gaussian_sample(n, 1.0 / alpha.sqrt()), 1.0);
        let c = ReplicaComparison::new(&st, alpha, lambda).unwrap();
        let ks = c.ks.unwrap();
        assert!((ks - 0.5 / n as f64).abs() < 2e-6, "KS {ks}");
        // W1 = ∫|F_n⁻¹ − F⁻¹|: inside a cell of width 1/n the quantile moves by
        // at most its slope times 1/(2n), which sums to (sample range)/(4n) plus
        // the two outer half cells; twice that is a safe bound.
        let range = st.values()[n - 1] - st.values()[0];
        let w1 = c.w1.unwrap();
        assert!(w1 > 0.0 && w1 < range / (2.0 * n as f64), "W1 {w1}");
        let t = c.theory.unwrap();
        let sol = solve_pl(alpha, lambda).unwrap();
        assert_eq!(
            (t.lambda, t.eps, t.mean, t.var),
            (lambda, sol.eps, sol.mean, sol.var)
        );
        assert_eq!((t.loss, t.rs_stable), (sol.loss_mean, sol.rs_stable()));
        assert!(c.theory_error.is_none() && c.solution.is_some());
    }

    #[test]
    fn missing_theory_is_recorded_and_bad_samples_fail() {
        let st = one_row(vec![0.5, 1.0], 1.0);
        let c = ReplicaComparison::new(&st, 1.0, -2.0).unwrap();
        assert!(c.ks.is_none() && c.w1.is_none() && c.theory.is_none());
        assert!(c.theory_error.unwrap().contains("positive"));
        let json = serde_json::to_string(&ReplicaComparison::new(&st, 1.0, 2.0).unwrap()).unwrap();
        assert!(json.starts_with("{\"ks\":") && !json.contains("theory_error"));
        let bad = one_row(vec![0.5, f64::NAN], 1.0);
        assert!(ReplicaComparison::new(&bad, 1.0, 2.0).is_err());
    }

    #[test]
    fn snapshot_below_the_maximal_margin() {
        // Every stability at 1 < κ*(0.4) = 1.242: against Gardner's law the
        // CDFs differ by 1 on [1, κ*) and by 1 − Φ above κ*, so
        // W1 = κ* − 1 + E(Z − κ*)₊ = κ* − 1 + φ(κ*) − κ*(1 − Φ(κ*)).
        // Without spread the CDF is interpolated on a mesh of 0.01 (T14): in
        // the cell across the atom at κ* that is off by at most 0.01·Φ(κ*)/2,
        // elsewhere by h²/8·∫|φ'| ≤ 5e-6.
        let alpha = 0.4;
        let k = max_margin(alpha).unwrap();
        let s = Snapshot {
            epoch: 7,
            lambda: vec![1.0, 3.0],
            stabilities: DMatrix::from_element(2, 400, 1.0),
        };
        let m = SnapshotSummary::new(&s, alpha).unwrap();
        assert_eq!(
            (m.epoch, m.lambda, m.eps, m.mean, m.var),
            (7, 2.0, 0.0, 1.0, 0.0)
        );
        assert_eq!((m.margin_mean, m.kappa_max), (1.0, Some(k)));
        let exact = k - 1.0 + normal::pdf(k) - k * normal::sf(k);
        let w = m.w1_max_margin.unwrap();
        assert!(
            (w - exact).abs() <= 0.005 * normal::cdf(k) + 5e-6,
            "{w} {exact}"
        );
        assert_eq!(m.replica.theory.unwrap().lambda, 2.0);
        // Above α = 2 there is no maximal-margin law.
        let m = SnapshotSummary::new(&s, 2.5).unwrap();
        assert!(m.kappa_max.is_none() && m.w1_max_margin.is_none());
    }

    #[test]
    fn mean_loss_and_norm() {
        // Two rows of norms 1 and 2, two patterns: the mean of ln(1 + e^{−2λΔ}).
        let st = Stabilities {
            delta: DMatrix::from_row_slice(2, 2, &[0.5, -0.25, 0.1, 0.0]),
            row_norms: vec![1.0, 2.0],
        };
        let want = ((-1.0f64).exp().ln_1p()
            + 0.5f64.exp().ln_1p()
            + (-0.4f64).exp().ln_1p()
            + 2.0f64.ln())
            / 4.0;
        assert!((mean_row_loss(&st) - want).abs() < 1e-15);
        let j = DMatrix::from_row_slice(2, 2, &[0.0, 3.0, 4.0, 0.0]);
        assert!((mean_effective_norm(&j, 0.1) - 0.35).abs() < 1e-15);
    }

    #[test]
    fn histogram_with_theory() {
        let m = Moments::of(&[1.0, 1.4, 0.6]).unwrap();
        // Sample variance (denominator n − 1) 0.16: sd 0.4, range 1 ± 2.4.
        let (lo, hi) = histogram_range(&m);
        assert!((lo + 1.4).abs() < 1e-12 && (hi - 3.4).abs() < 1e-12);
        let flat = Moments::of(&[2.0, 2.0]).unwrap();
        assert_eq!(histogram_range(&flat), (2.0 - 6e-3, 2.0 + 6e-3));

        let st = one_row(gaussian_sample(200, 1.2), 1.0);
        let sol = solve_pl(0.4, 1.6).unwrap();
        let rows = histogram(&st, 10, Some(&sol)).unwrap();
        assert_eq!(rows.len(), 10);
        // The sample spans ±2.8 sd: every value falls in the ±6 sd range.
        assert_eq!(rows.iter().map(|r| r.count).sum::<u64>(), 200);
        for r in &rows {
            assert_eq!(r.theory_pdf, Some(sol.pdf(0.5 * (r.left + r.right))));
        }
        let rows = histogram(&st, 3, None).unwrap();
        assert!(rows.iter().all(|r| r.theory_pdf.is_none()));
    }
}
