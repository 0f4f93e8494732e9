//! Claim `stabilities_gradient_descent`: plain gradient descent with unbounded
//! norm (the paper's protocol: Hebbian start, β = 0.1, learning rate 10)
//! passes through the fixed-norm optima: at every epoch t its stabilities
//! follow the replica P(Δ) at λ = λ(t), the measured mean effective norm.
//! For separable loads the norm grows like λ(t) ≈ ln t / (2κ*(α)) at late
//! times (the exponential tail of the loss, e^{−2λκ*} ∝ 1/t), drawn as the
//! theory's maximal-margin slope.
//!
//! Checks (theory/validation.md (V6)): at each snapshot epoch the fixed-norm
//! optimum at λ(t), trained on the trajectory's own patterns, follows the
//! replica law (KS below the sampling critical value plus the finite-size part
//! measured between N_S = N_L/2 and N_L). How far gradient descent itself is
//! from that optimum and from the theory is measured and recorded (figure,
//! JSON, check notes): it stays at KS 0.03–0.07 at every N, so "gradient
//! descent passes through the fixed-norm optima" holds only approximately.
//!
//! Verdicts: gradient descent against the theory at λ(t) (Kolmogorov
//! quantiles after the finite-size part), the late slope against 1/(2κ*)
//! once the patterns are separated, and the paper's λ(t) values (decidable
//! only at the paper's N ≈ 1000).

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::shard::{self, Work};
use super::{stats, Results, Size};
use crate::data::patterns::{PatternKind, Patterns};
use crate::figures::report::{nan_if_null, num, save_figure, Check, Stopwatch};
use crate::figures::verdict::{Interval, Verdict};
use crate::figures::{palette, Dash, Figure, LegendAt, Panel, Series};
use crate::learning::{
    train_gd, Coupling, GdConfig, Precision, Problem, Snapshot, TrajectoryPoint,
};
use crate::numerics::statistics::Histogram;
use crate::replica::capacity::max_margin;
use crate::replica::saddle_point::{solve_pl, Solution};
use crate::Result;

/// Precision of this claim's gradient-descent training: f64. Its KS distances of
/// 0.03–0.07 and the late slope of λ(t) are recorded to three digits; f32 gives the
/// same λ(t) and stabilities' moments to a tenth of their sampling error on the same
/// patterns (`tests/precision.rs`) and is about twice as fast, but every tolerance and
/// recorded figure of this claim was derived from f64 runs; switching needs the
/// publication-size rerun that shows the checks unchanged.
const PRECISION: Precision = Precision::F64;

/// Base seed of the patterns (recorded in the JSON); size N uses SEED + N.
pub const SEED: u64 = 0x5EED_0002;
/// Loads of the figure's rows.
pub const ALPHAS: [f64; 2] = [0.4, 1.5];

/// One stored epoch.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct SnapStats {
    epoch: usize,
    /// Two-sample KS between GD at N_L and the fixed-norm optimum at λ(t)
    /// on the same patterns.
    ks_gd_vs_fixed_norm: f64,
    /// KS between that fixed-norm optimum and the theory at λ(t).
    ks_fixed_norm_vs_theory: f64,
    /// λ(t) at N_S.
    lambda_small: f64,
    /// Mean effective norm λ(t) = β⟨|J_i|⟩ at N_L.
    lambda: f64,
    /// Its spread over rows.
    lambda_row_std: f64,
    ks_small: f64,
    ks_large: f64,
    count: usize,
    histogram: Histogram,
    theory_eps: f64,
    eps: f64,
}

/// One load's trajectory and snapshots at both sizes.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Run {
    alpha: f64,
    n_small: usize,
    n_large: usize,
    seed_small: u64,
    seed_large: u64,
    trajectory: Vec<TrajectoryPoint>,
    snapshots: Vec<SnapStats>,
    /// dλ/d ln t fitted over the last decade of epochs (NaN, written null,
    /// without two distinct late epochs).
    #[serde(deserialize_with = "nan_if_null")]
    late_slope: f64,
    /// The same at N_S.
    #[serde(deserialize_with = "nan_if_null")]
    late_slope_small: f64,
    /// Training ε at the first epoch of that decade (the ln t law needs 0).
    #[serde(deserialize_with = "nan_if_null")]
    late_start_eps: f64,
    /// The theory's asymptotic slope 1/(2κ*(α)) (None above α = 2).
    max_margin_slope: Option<f64>,
}

/// Trains the network of size N at load α by the paper's protocol,
/// storing the snapshot epochs; returns the seed, the result and the
/// problem (its patterns).
fn train(
    n: usize,
    alpha: f64,
    epochs: usize,
    snaps: &[usize],
) -> Result<(u64, crate::learning::GdResult, Problem)> {
    let seed = SEED + n as u64;
    let pats = Patterns::generate(n, alpha, PatternKind::Binary, seed)?;
    let problem = Problem::network(&pats, Coupling::Asymmetric)?;
    let cfg = GdConfig {
        snapshots: snaps.to_vec(),
        precision: PRECISION,
        ..GdConfig::paper(epochs)
    };
    let res = train_gd(&problem, &cfg, &mut |_| {})?;
    Ok((seed, res, problem))
}

/// Stabilities of the fixed-norm optimum at norm λ on the same patterns
/// (all rows at |J_i| = λ), for the direct comparison "is gradient descent
/// at a fixed-norm optimum?" that does not involve the replica theory.
fn fixed_norm_on(problem: &Problem, lambda: f64) -> Result<Vec<f64>> {
    use crate::learning::stabilities::Stabilities;
    use crate::learning::{train_fixed_norm, FixedNormConfig};
    let cfg = FixedNormConfig {
        tol: super::stabilities_fixed_norm::TRAIN_TOL,
        max_iter: 200_000,
        ..FixedNormConfig::new(lambda)
    };
    let res = train_fixed_norm(problem, &cfg, &mut |_, _| {})?;
    Ok(Stabilities::new(problem, &res.j)?.values().to_vec())
}

/// Network sizes, epochs and snapshot epochs of a run.
#[derive(Debug, Clone)]
struct Plan {
    n_small: usize,
    n_large: usize,
    epochs: usize,
    snaps: Vec<usize>,
}

impl Plan {
    /// Quick: N = 60 and 120 up to 10³ epochs; Full: N = 500 and 1000 up to
    /// 10⁴ epochs, the paper's size: its panels quote λ = 0.08, 1.57 at
    /// α = 0.4 and 0.13, 1.70 at α = 1.5 after 10 and 10⁴ epochs, and λ(t)
    /// depends on N through the per-row learning rate (N = 300 gives 0.11 and
    /// 2.05 at α = 0.4; N = 1000, 0.077 and 1.565).
    fn of(size: Size) -> Self {
        let n_large = size.pick(120, 1000);
        let epochs = size.pick(1000, 10_000);
        Plan {
            n_small: n_large / 2,
            n_large,
            epochs,
            snaps: [10, 100, 1000, 10_000]
                .into_iter()
                .filter(|&e| e <= epochs)
                .collect(),
        }
    }
}

/// Compares one snapshot epoch with the theory at λ(t) and with the
/// fixed-norm optimum on the same patterns; returns its statistics and the
/// (V6) check.
///
/// The per-row learning rate of the mean loss scales like 1/N, so the two
/// sizes reach different norms at the same epoch: each is compared with the
/// theory at its own λ(t). KS of gradient descent against the fixed-norm
/// optimum at λ(t) and against the theory are recorded (the gradient-descent
/// path stays a few percent in KS away from the optimum at every N: a
/// finding, README); the asserted check is (V6): the fixed-norm optimum at
/// λ(t) on the trajectory's own patterns follows the replica law, within the
/// Kolmogorov critical value plus the N^{-1/2} finite-size part
/// (KS(N_S) − KS(N_L))/(√2 − 1) measured between the two sizes.
fn compare_snapshot(
    alpha: f64,
    n_large: usize,
    (ss, problem_s): (&Snapshot, &Problem),
    (sl, problem_l): (&Snapshot, &Problem),
) -> Result<(SnapStats, Check)> {
    let (lam, lam_sd) = {
        let (m, v) = stats::mean_var(&sl.lambda);
        (m, v.sqrt())
    };
    let sol = solve_pl(alpha, lam)?;
    let lam_small = stats::mean_var(&ss.lambda).0;
    let sol_small = solve_pl(alpha, lam_small)?;
    let xs = ss.stabilities.as_slice();
    let xl = sl.stabilities.as_slice();
    let ks_small = stats::ks_distance(xs, |d| sol_small.cdf(d));
    let ks_large = stats::ks_distance(xl, |d| sol.cdf(d));
    let fixed = fixed_norm_on(problem_l, lam)?;
    let fixed_small = fixed_norm_on(problem_s, lam_small)?;
    let ks_gd_fixed = stats::ks_two_sample(xl, &fixed);
    let ks_fixed_theory = stats::ks_distance(&fixed, |d| sol.cdf(d));
    let ks_fixed_small = stats::ks_distance(&fixed_small, |d| sol_small.cdf(d));
    let crit = stats::ks_critical(fixed.len() as f64, 1e-3);
    let fs = (ks_fixed_small - ks_fixed_theory).max(0.0) / (std::f64::consts::SQRT_2 - 1.0);
    let check = Check::at_most(
        format!(
            "fixed-norm optimum at λ(t) = {lam:.3} vs theory, α = {alpha}, t = {}, N = {n_large}",
            sl.epoch
        ),
        ks_fixed_theory,
        crit + fs,
    )
    .note(format!(
        "(V6) KS_crit(n = {}, p = 1e-3) = {crit:.4} + finite-size {fs:.4}; recorded: gradient descent vs theory KS = {ks_large:.4}, vs the optimum KS = {ks_gd_fixed:.4}",
        fixed.len()
    ));
    let (lo, hi) = histogram_range(&sol);
    let histogram = Histogram::new(xl, lo, hi, 70)?;
    let eps = xl.iter().filter(|&&d| d < 0.0).count() as f64 / xl.len() as f64;
    let snap = SnapStats {
        epoch: sl.epoch,
        ks_gd_vs_fixed_norm: ks_gd_fixed,
        ks_fixed_norm_vs_theory: ks_fixed_theory,
        lambda_small: lam_small,
        lambda: lam,
        lambda_row_std: lam_sd,
        ks_small,
        ks_large,
        count: xl.len(),
        histogram,
        theory_eps: sol.eps,
        eps,
    };
    Ok((snap, check))
}

/// The Δ range of a snapshot's histogram: the bulk of the theory law with
/// a margin, at least [−1, 3].
fn histogram_range(sol: &Solution) -> (f64, f64) {
    (
        (sol.quantile(1e-3) - 0.6).min(-1.0),
        (sol.quantile(1.0 - 1e-3) + 0.6).max(3.0),
    )
}

/// The panel of one snapshot: gradient descent's stabilities at N_L against
/// the theory at λ(t).
fn snapshot_panel(alpha: f64, n_large: usize, snap: &SnapStats, sol: &Solution) -> Panel {
    let (lo, hi) = histogram_range(sol);
    let histogram = &snap.histogram;
    let curve: Vec<(f64, f64)> = (0..=500)
        .map(|k| {
            let d = lo + (hi - lo) * k as f64 / 500.0;
            (d, sol.pdf(d))
        })
        .collect();
    let top = 1.15
        * histogram
            .density
            .iter()
            .chain(curve.iter().map(|p| &p.1))
            .cloned()
            .fold(0.0, f64::max);
    Panel::new("Δ", "P(Δ)")
        .title(format!("α = {alpha}, epoch {}", snap.epoch))
        .x_range(lo, hi)
        .y_range(0.0, top)
        .note(format!("λ(t) = {:.2}", snap.lambda))
        .note(format!("KS vs theory = {:.3}", snap.ks_large))
        .note(format!(
            "KS vs fixed-norm = {:.3}",
            snap.ks_gd_vs_fixed_norm
        ))
        .note(format!("N = {n_large}"))
        .with(Series::histogram(
            "gradient descent",
            histogram.edges.clone(),
            histogram.density.clone(),
            histogram.error.clone(),
            palette::ORANGE,
        ))
        .with(Series::line(
            "theory at λ(t)",
            curve,
            Dash::Solid,
            palette::BLUE,
        ))
}

/// Late-time slope dλ/d ln t of the trajectory over the last decade of
/// epochs (NaN without two distinct late epochs).
fn late_slope(trajectory: &[TrajectoryPoint], epochs: usize) -> f64 {
    late_window(trajectory, epochs).map_or(f64::NAN, |(a, b)| {
        (b.lambda_mean - a.lambda_mean) / ((b.epoch as f64).ln() - (a.epoch as f64).ln())
    })
}

/// One load, the claim's work unit: its run, the (V6) check of every
/// snapshot and the seconds the unit took.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct LoadUnit {
    run: Run,
    checks: Vec<Check>,
    seconds: f64,
}

/// Trains both sizes at load α and compares every snapshot.
fn run_load(alpha: f64, plan: &Plan) -> Result<LoadUnit> {
    let clock = Stopwatch::start();
    let (seed_s, small, problem_s) = train(plan.n_small, alpha, plan.epochs, &plan.snaps)?;
    let (seed_l, large, problem_l) = train(plan.n_large, alpha, plan.epochs, &plan.snaps)?;
    let secs = clock.seconds();
    let mut checks = Vec::new();
    let mut snap_stats = Vec::new();
    for (ss, sl) in small.snapshots.iter().zip(&large.snapshots) {
        let (snap, check) =
            compare_snapshot(alpha, plan.n_large, (ss, &problem_s), (sl, &problem_l))?;
        checks.push(check.runtime(secs));
        snap_stats.push(snap);
    }
    let mm_slope = if alpha < 2.0 {
        Some(1.0 / (2.0 * max_margin(alpha)?))
    } else {
        None
    };
    let late_start_eps =
        late_window(&large.trajectory, plan.epochs).map_or(f64::NAN, |(a, _)| a.eps);
    let run = Run {
        alpha,
        n_small: plan.n_small,
        n_large: plan.n_large,
        seed_small: seed_s,
        seed_large: seed_l,
        late_slope: late_slope(&large.trajectory, plan.epochs),
        late_slope_small: late_slope(&small.trajectory, plan.epochs),
        late_start_eps,
        trajectory: large.trajectory,
        snapshots: snap_stats,
        max_margin_slope: mm_slope,
    };
    Ok(LoadUnit {
        run,
        checks,
        seconds: secs,
    })
}

/// The snapshot panels of one load, against the theory at each λ(t).
fn snapshot_panels(run: &Run) -> Result<Vec<Panel>> {
    run.snapshots
        .iter()
        .map(|snap| {
            let sol = solve_pl(run.alpha, snap.lambda)?;
            Ok(snapshot_panel(run.alpha, run.n_large, snap, &sol))
        })
        .collect()
}

/// The paper's source for the gradient-descent claims.
const GD_SOURCE: &str =
    "the paper (arXiv 2507.05147), stabilities figure, right: GD at epochs 10 and 10⁴, N ≈ 1000";

/// The paper's λ(t) (α, epoch, value) read from its figure, at N ≈ 1000.
const PAPER_LAMBDA: [(f64, usize, f64); 4] = [
    (0.4, 10, 0.08),
    (0.4, 10_000, 1.57),
    (1.5, 10, 0.13),
    (1.5, 10_000, 1.70),
];
/// The network size of the paper's gradient-descent panel.
const PAPER_N: usize = 1000;

/// "Gradient descent follows the fixed-norm theory at λ(t)": at every
/// snapshot, √n times the KS distance of gradient descent's stabilities to
/// the theory at λ(t), less the finite-size part (KS(N_S) − KS(N_L))/(√2 − 1)
/// of (V6), against Kolmogorov's quantiles: the worst snapshot confirms the
/// claim at or below K(p = 0.05) = 1.358 and contradicts it above
/// K(p = 10⁻³) = 1.949, the (V4) level of the checks.
fn follows_theory_verdict(run: &Run) -> Verdict {
    let scaled = |s: &SnapStats| {
        let fs = (s.ks_small - s.ks_large).max(0.0) / (std::f64::consts::SQRT_2 - 1.0);
        (s.count as f64).sqrt() * (s.ks_large - fs)
    };
    let worst = run
        .snapshots
        .iter()
        .map(scaled)
        .fold(f64::NEG_INFINITY, f64::max);
    let per_snapshot: Vec<String> = run
        .snapshots
        .iter()
        .map(|s| {
            format!(
                "t = {}: KS {:.4}, √n·(KS − fs) {:.2}",
                s.epoch,
                s.ks_large,
                scaled(s)
            )
        })
        .collect();
    Verdict::new(
        format!(
            "unbounded-norm gradient descent follows the fixed-norm theory at λ(t), α = {}",
            run.alpha
        ),
        GD_SOURCE,
        worst,
        Interval::at_most(stats::ks_critical(1.0, 0.05)),
        Interval::at_most(stats::ks_critical(1.0, 1e-3)),
    )
    .claimed(0.0)
    .measurement(format!(
        "worst √n·(KS − finite-size part) = {} at N = {} ({})",
        num(worst),
        run.n_large,
        per_snapshot.join("; ")
    ))
    .criterion(
        "(V6) Kolmogorov quantiles of √n·KS: CONFIRMED ≤ K(0.05), CONTRADICTED > K(10⁻³), \
         worst snapshot",
    )
}

/// "The norm grows like ln t with slope 1/(2κ*)": the slope over the last
/// decade at N_L against 1/(2κ*(α)), with σ from the row spreads of λ at
/// the decade's two ends (treated as independent, which overstates σ since
/// the rows are correlated in time) and the allowance |slope(N_S) −
/// slope(N_L)| of (V5). The law holds once the patterns are separated, so
/// with training errors left at the start of the decade the run cannot decide.
fn slope_verdict(run: &Run) -> Option<Verdict> {
    let claimed = run.max_margin_slope?;
    let (a, b) = late_window(&run.trajectory, epochs_of(run))?;
    let sigma = (a.lambda_std.powi(2) + b.lambda_std.powi(2)).sqrt()
        / (run.n_large as f64).sqrt()
        / ((b.epoch as f64).ln() - (a.epoch as f64).ln());
    let allowance = (run.late_slope_small - run.late_slope).abs();
    let undecidable = (run.late_start_eps != 0.0).then(|| {
        format!(
            "training error ε = {:.2e} at t = {}: the patterns are not yet separated, so the \
             asymptotic ln t regime has not started",
            run.late_start_eps, a.epoch
        )
    });
    Some(
        Verdict::value(
            format!(
                "the norm grows like ln t with slope 1/(2κ*) at late times, α = {}",
                run.alpha
            ),
            "the paper (arXiv 2507.05147), implicit bias of GD; Soudry et al. 2018",
            claimed,
            run.late_slope,
            sigma,
            allowance,
        )
        .measurement(format!(
            "dλ/d ln t = {} ± {} over t = {}…{}, N = {} (N_S = {}: {})",
            num(run.late_slope),
            num(sigma),
            a.epoch,
            b.epoch,
            run.n_large,
            run.n_small,
            num(run.late_slope_small)
        ))
        .because("s = |slope(N_S) − slope(N_L)| (V5)")
        .undecidable(undecidable),
    )
}

/// The paper's λ(t) values against the measured mean norm at N_L (σ: row
/// spread/√N; allowance: half a unit of the paper's last digit, 0.005).
/// λ(t) at a fixed epoch depends on N (the per-row learning rate scales
/// like 1/N), so a run whose N_L is not within 10% of the paper's N cannot
/// decide.
fn lambda_verdicts(run: &Run) -> Vec<Verdict> {
    let reading = 0.005;
    PAPER_LAMBDA
        .iter()
        .filter(|(a, _, _)| *a == run.alpha)
        .filter_map(|&(alpha, epoch, value)| {
            let s = run.snapshots.iter().find(|s| s.epoch == epoch)?;
            let sigma = s.lambda_row_std / (run.n_large as f64).sqrt();
            let off = (run.n_large as f64 - PAPER_N as f64).abs() > 0.1 * PAPER_N as f64;
            let undecidable = off.then(|| {
                format!(
                    "λ(t) at fixed t depends on N ({} at N = {}, {} at N = {}); the paper's \
                     value is at N ≈ {PAPER_N}",
                    num(s.lambda_small),
                    run.n_small,
                    num(s.lambda),
                    run.n_large
                )
            });
            Some(
                Verdict::value(
                    format!("paper protocol: λ({epoch}) = {value} at α = {alpha}"),
                    GD_SOURCE,
                    value,
                    s.lambda,
                    sigma,
                    reading,
                )
                .measurement(format!(
                    "λ({epoch}) = {} ± {} at N = {}",
                    num(s.lambda),
                    num(sigma),
                    run.n_large
                ))
                .because("s = half a unit of the paper's last digit")
                .undecidable(undecidable),
            )
        })
        .collect()
}

/// The last epoch of a run's trajectory.
fn epochs_of(run: &Run) -> usize {
    run.trajectory.last().map_or(0, |p| p.epoch)
}

/// The first and last trajectory points of the last decade of epochs.
fn late_window(
    trajectory: &[TrajectoryPoint],
    epochs: usize,
) -> Option<(&TrajectoryPoint, &TrajectoryPoint)> {
    let first = trajectory
        .iter()
        .find(|p| p.epoch >= epochs / 10 && p.epoch > 0)?;
    let last = trajectory.last()?;
    (last.epoch > first.epoch).then_some((first, last))
}

/// Every verdict of one load.
fn verdicts_of(run: &Run, seconds: f64) -> Vec<Verdict> {
    let mut v = vec![follows_theory_verdict(run)];
    v.extend(slope_verdict(run));
    v.extend(lambda_verdicts(run));
    v.into_iter().map(|x| x.runtime(seconds)).collect()
}

/// Norm growth: λ(t) against t (log axis) for every load, with the
/// max-margin slope anchored at the last epoch.
fn norm_panel(runs: &[Run]) -> Panel {
    let mut pn = Panel::new("epoch t", "norm λ(t) = β⟨|J_i|⟩")
        .title("norm growth")
        .x_log()
        .legend(LegendAt::UpperLeft);
    for (k, r) in runs.iter().enumerate() {
        let c = palette::seq(1 + 2 * k);
        let pts: Vec<(f64, f64)> = r
            .trajectory
            .iter()
            .filter(|p| p.epoch > 0)
            .map(|p| (p.epoch as f64, p.lambda_mean))
            .collect();
        let errs: Vec<f64> = r
            .trajectory
            .iter()
            .filter(|p| p.epoch > 0)
            .map(|p| p.lambda_std)
            .collect();
        pn.push(Series::points(
            format!("α = {}, N = {}", r.alpha, r.n_large),
            pts.clone(),
            errs,
            c,
        ));
        if let (Some(s), Some(&(t1, l1))) = (r.max_margin_slope, pts.last()) {
            // A segment of slope s in λ against ln t, rising by 0.8 into
            // the last measured point.
            let t0 = t1 * (-0.8 / s).exp();
            pn.push(Series::line(
                format!("slope 1/(2κ*) = {s:.2}, α = {}", r.alpha),
                vec![(t0, l1 - 0.8), (t1, l1)],
                Dash::Dashed,
                c,
            ));
        }
    }
    pn.y_range(0.0, 3.6)
}

/// The KS distance between gradient descent and the theory at λ(t) against
/// t, at both sizes for every load, with the fixed-norm optimum's distance
/// on the same patterns: the gap does not close with N.
fn ks_panel(runs: &[Run]) -> Panel {
    let mut pk = Panel::new("epoch t", "KS distance to the theory at λ(t)")
        .title("KS against t")
        .x_log()
        .legend(LegendAt::UpperLeft);
    for (k, r) in runs.iter().enumerate() {
        let c = palette::seq(1 + 2 * k);
        let series = |f: fn(&SnapStats) -> f64| -> Vec<(f64, f64)> {
            r.snapshots.iter().map(|s| (s.epoch as f64, f(s))).collect()
        };
        pk.push(Series::line(
            format!("GD, α = {}, N = {}", r.alpha, r.n_large),
            series(|s| s.ks_large),
            Dash::Solid,
            c,
        ));
        pk.push(Series::line(
            format!("GD, α = {}, N = {}", r.alpha, r.n_small),
            series(|s| s.ks_small),
            Dash::Dashed,
            c,
        ));
        pk.push(Series::line(
            format!("fixed norm, α = {}, N = {}", r.alpha, r.n_large),
            series(|s| s.ks_fixed_norm_vs_theory),
            Dash::Dotted,
            c,
        ));
    }
    let top = runs
        .iter()
        .flat_map(|r| &r.snapshots)
        .map(|s| s.ks_large.max(s.ks_small))
        .fold(0.0, f64::max);
    // Headroom above the data for the legend's six entries.
    pk.y_range(0.0, 2.2 * top.max(1e-3))
}

/// Runs the claim at `size`, writing `stabilities_gradient_descent.{svg,png,json}`.
pub fn run(size: Size, out: &Path) -> Result<Results> {
    shard::whole("stabilities_gradient_descent", size, out, units)
}

/// [`run`] over work units ([`shard`]), one per load: `None` in a shard.
pub fn units(work: &mut Work, out: &Path) -> Result<Option<Results>> {
    let size = work.size();
    let plan = Plan::of(size);
    let Some(loads) = work.map("loads", &ALPHAS, |&alpha| run_load(alpha, &plan))? else {
        return Ok(None);
    };
    let mut checks = Vec::new();
    let mut verdicts = Vec::new();
    let mut runs = Vec::new();
    let mut panels = Vec::new();
    for LoadUnit {
        run,
        checks: c,
        seconds,
    } in loads
    {
        verdicts.extend(verdicts_of(&run, seconds));
        panels.extend(snapshot_panels(&run)?);
        runs.push(run);
        checks.extend(c);
    }
    // Lay out: one row per α, its snapshots then a summary panel: the norm
    // growth closes the first row, the KS distances the second.
    let columns = plan.snaps.len() + 1;
    let summaries = [norm_panel(&runs), ks_panel(&runs)];
    for (row, summary) in summaries.into_iter().enumerate() {
        let at = ((row + 1) * columns - 1).min(panels.len());
        panels.insert(at, summary);
    }
    let fig = Figure::new(
        "Unbounded-norm gradient descent against the fixed-norm theory at λ(t)",
        columns,
        panels,
    );
    #[derive(Serialize)]
    struct Meta<'a> {
        size: Size,
        seed: u64,
        epochs: usize,
        protocol: &'static str,
        runs: &'a [Run],
    }
    save_figure(
        out,
        "stabilities_gradient_descent",
        &fig,
        &Meta {
            size,
            seed: SEED,
            epochs: plan.epochs,
            protocol: "Hebbian start, beta = 0.1, learning rate 10 (GdConfig::paper)",
            runs: &runs,
        },
        &checks,
        &verdicts,
    )?;
    Ok(Some(Results { checks, verdicts }))
}
