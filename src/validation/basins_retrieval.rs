//! Claim `basins_retrieval`: at α = 0.4 the network trained by
//! pseudo-likelihood (the paper's protocol) retrieves its patterns from
//! farther away than every classical rule: its retrieval curve m_F(m_IN)
//! dominates those of the perceptron at κ ∈ {0, 0.1, 0.7, κ_max}, Hebb,
//! the pseudo-inverse and Hebbian unlearning, and its basin is at least as
//! large (the left panel of the paper's basin figure).
//!
//! Definitions: `theory/memory.md` (M17)–(M20); tolerances (M25)–(M27).
//! All rules see the same patterns and, through the common seed, the same
//! flipped spins (eq. (M17)), so their curves are compared pattern by pattern
//! on equal footing.

use std::path::Path;

use serde::Serialize;

use super::{Results, Size};
use crate::data::patterns::{PatternKind, Patterns};
use crate::figures::report::{save_figure, Check, Stopwatch};
use crate::figures::verdict::{Interval, Verdict};
use crate::figures::{palette, Dash, Figure, LegendAt, Panel, Rgb, Series};
use crate::learning::{Coupling, GdConfig, Precision};
use crate::memory::dynamics::{DynamicsOptions, Network, Schedule};
use crate::memory::retrieval::{
    basin_sizes, retrieval_curve, storage, RetrievalOptions, RetrievalPoint,
};
use crate::memory::rules::{self, PlTraining, UnlearningOptions};
use crate::Result;

/// Precision of this claim's gradient-descent training: f64. Its basin sizes differ
/// between rules by 0.006 (pseudo-likelihood against unlearning), 4 standard errors;
/// f32 gives the same λ(t) and stabilities' moments to a tenth of their sampling error
/// on the same patterns (`tests/precision.rs`) and is about twice as fast, but every
/// tolerance and recorded figure of this claim was derived from f64 runs; switching
/// needs the publication-size rerun that shows the checks unchanged.
const PRECISION: Precision = Precision::F64;

/// Seed of the patterns, flips and dreams (recorded in the JSON).
pub const SEED: u64 = 0xBA51_0001;

/// Synchronous step cap, eq. (M31): a relaxation still moving after 100
/// steps is not retrieved and contributes its overlap at the cap.
pub const MAX_STEPS: usize = 100;

/// Load of the figure.
pub const ALPHA: f64 = 0.4;

/// One rule's measurements.
#[derive(Debug, Clone, Serialize)]
pub struct RuleResult {
    /// Legend label.
    pub label: String,
    /// Training protocol.
    pub training: String,
    /// Fraction of patterns that are fixed points.
    pub storage: f64,
    /// Mean basin size (M20) and its standard error.
    pub basin: f64,
    /// See `basin`.
    pub basin_err: f64,
    /// Asymmetry of J (M16).
    pub asymmetry: f64,
    /// Retrieval curve (M18).
    pub curve: Vec<RetrievalPoint>,
    /// Seconds spent training.
    pub train_seconds: f64,
    /// Seconds spent measuring.
    pub measure_seconds: f64,
}

/// Measures one rule's couplings: storage (M2), retrieval curve (M18),
/// basin (M20) and asymmetry (M16).
fn measure(
    label: &str,
    training: String,
    j: nalgebra::DMatrix<f64>,
    xi: &nalgebra::DMatrix<f64>,
    m_grid: &[f64],
    opts: &RetrievalOptions,
    train_seconds: f64,
) -> Result<RuleResult> {
    let clock = Stopwatch::start();
    let asymmetry = crate::memory::couplings::asymmetry(&j)?;
    let net = Network::new(j)?;
    let st = storage(&net, xi)?;
    let curve = retrieval_curve(&net, xi, m_grid, opts)?;
    let b = basin_sizes(&net, xi, opts)?;
    Ok(RuleResult {
        label: label.to_string(),
        training,
        storage: st.fixed_points,
        basin: b.basin_size,
        basin_err: b.basin_size_err,
        asymmetry,
        curve,
        train_seconds,
        measure_seconds: clock.seconds(),
    })
}

/// z-score of `a − b` with independent standard errors (floored at 1e-12 so
/// that two exact values compare as a large z of the right sign).
fn z(a: f64, sa: f64, b: f64, sb: f64) -> f64 {
    (a - b) / sa.hypot(sb).max(1e-12)
}

/// Runs `train`, returning its value and the seconds it took.
fn timed<T>(train: impl FnOnce() -> Result<T>) -> Result<(T, f64)> {
    let clock = Stopwatch::start();
    let value = train()?;
    Ok((value, clock.seconds()))
}

/// Trains every rule on the patterns `xi` and measures it, in figure order:
/// pseudo-likelihood (the paper's protocol), the perceptrons at κ_max, 0.7,
/// 0.1 and 0, Hebb, the pseudo-inverse and unlearning.
fn train_and_measure(
    xi: &nalgebra::DMatrix<f64>,
    m_grid: &[f64],
    opts: &RetrievalOptions,
    epochs: usize,
) -> Result<Vec<RuleResult>> {
    let on = |label: &str, training: String, j, t| measure(label, training, j, xi, m_grid, opts, t);
    let mut results: Vec<RuleResult> = Vec::new();
    let (j, t) = timed(|| {
        rules::pseudo_likelihood(
            xi,
            Coupling::Asymmetric,
            &PlTraining::GradientDescent(GdConfig {
                precision: PRECISION,
                ..GdConfig::paper(epochs)
            }),
        )
    })?;
    results.push(on(
        "pseudo-likelihood",
        format!("gradient descent from Hebb, β = 0.1, lr 10, {epochs} epochs"),
        j,
        t,
    )?);
    let (mm, t) = timed(|| rules::max_margin(xi, 1e-3, 100_000))?;
    let kmax = mm.kappa_mean();
    let training = format!(
        "AdaTron, mean κ_max = {kmax:.4}, certified gap {:.1e}",
        mm.relative_gap()
    );
    results.push(on("perceptron κ = κ_max", training, mm.couplings, t)?);
    for kappa in [0.7, 0.1, 0.0] {
        let (p, t) = timed(|| rules::perceptron(xi, kappa, 100_000))?;
        results.push(on(
            &format!("perceptron κ = {kappa}"),
            format!("cyclic perceptron, {} epochs", p.epochs),
            p.couplings,
            t,
        )?);
    }
    let (h, t) = timed(|| rules::hebb(xi))?;
    results.push(on("Hebb", "Hebb rule".into(), h, t)?);
    let (pinv, t) = timed(|| rules::pseudo_inverse(xi))?;
    results.push(on("pseudo-inverse", "projector rule".into(), pinv, t)?);
    let (u, t) = timed(|| {
        rules::unlearning(
            xi,
            &UnlearningOptions {
                epsilon: 0.01,
                seed: SEED,
                ..Default::default()
            },
        )
    })?;
    results.push(on(
        "unlearning",
        format!("ε = 0.01, {} dreams (stopped at min Δ > 0)", u.epochs),
        u.couplings,
        t,
    )?);
    Ok(results)
}

/// The rule labelled `label`.
fn by<'a>(results: &'a [RuleResult], label: &str) -> &'a RuleResult {
    results.iter().find(|r| r.label == label).expect("rule ran")
}

/// Every rule but Hebb (α = 0.4 > α_c^Hebb) stores all patterns (M2).
fn storage_checks(results: &[RuleResult]) -> Vec<Check> {
    results
        .iter()
        .filter(|r| r.label != "Hebb")
        .map(|r| {
            Check::at_least(format!("storage, {}", r.label), r.storage, 1.0)
                .note("all patterns are fixed points (M2); exact")
                .runtime(r.train_seconds + r.measure_seconds)
        })
        .collect()
}

/// The paper's source for the retrieval claims.
const SOURCE: &str = "the paper (arXiv 2507.05147), basins figure, left (α = 0.4)";

/// Dominance of the PL curve and basin over every other rule (M25), as
/// verdicts: the curve is contradicted when some m_IN has z < −3.5 (the
/// (M25) level over the grid) and otherwise confirmed (a "nowhere below"
/// claim can only be refuted); the basin is confirmed at z ≥ 3, contradicted
/// at z < −3 (the (M25) level) and inconclusive between.
fn dominance_verdicts(results: &[RuleResult], grid_points: usize) -> Vec<Verdict> {
    let pl = &results[0];
    let mut verdicts = Vec::new();
    for r in &results[1..] {
        let worst = pl
            .curve
            .iter()
            .zip(&r.curve)
            .map(|(a, b)| z(a.m_final, a.m_final_err, b.m_final, b.m_final_err))
            .fold(f64::INFINITY, f64::min);
        verdicts.push(
            Verdict::new(
                format!(
                    "PL's final overlap m_F(m_IN) is nowhere below {}'s",
                    r.label
                ),
                SOURCE,
                worst,
                Interval::at_least(-3.5),
                Interval::at_least(-3.5),
            )
            .measurement(format!(
                "min over {grid_points} m_IN of z(m_F^PL − m_F) = {worst:.2}"
            ))
            .criterion(format!(
                "(M25) CONTRADICTED if some z < −3.5 (≈1% false alarm over {grid_points} points)"
            )),
        );
        let zb = z(pl.basin, pl.basin_err, r.basin, r.basin_err);
        verdicts.push(
            Verdict::new(
                format!("PL's basin exceeds {}'s", r.label),
                SOURCE,
                zb,
                Interval::at_least(3.0),
                Interval::at_least(-3.0),
            )
            .uncertainty(pl.basin_err.hypot(r.basin_err))
            .measurement(format!(
                "z = {zb:.2}: basin {:.4} ± {:.4} (PL) vs {:.4} ± {:.4}",
                pl.basin, pl.basin_err, r.basin, r.basin_err
            ))
            .criterion("(M25) CONFIRMED if z ≥ 3, CONTRADICTED if z < −3"),
        );
    }
    verdicts
}

/// Perceptron ordering κ = 0 < 0.1 < 0.7 < κ_max of the basins (M26), as
/// verdicts: each step confirmed at z ≥ 3, contradicted at z < −3.
fn ordering_verdicts(results: &[RuleResult]) -> Vec<Verdict> {
    let chain = [
        "perceptron κ = 0",
        "perceptron κ = 0.1",
        "perceptron κ = 0.7",
        "perceptron κ = κ_max",
    ];
    chain
        .windows(2)
        .map(|w| {
            let (a, b) = (by(results, w[0]), by(results, w[1]));
            let zb = z(b.basin, b.basin_err, a.basin, a.basin_err);
            Verdict::new(
                format!("larger margin, larger basin: {} above {}", w[1], w[0]),
                "Gardner's picture; the paper (arXiv 2507.05147), basins figure, left",
                zb,
                Interval::at_least(3.0),
                Interval::at_least(-3.0),
            )
            .uncertainty(a.basin_err.hypot(b.basin_err))
            .measurement(format!(
                "z = {zb:.2}: basin {:.4} vs {:.4}",
                b.basin, a.basin
            ))
            .criterion("(M26) CONFIRMED if z ≥ 3, CONTRADICTED if z < −3")
        })
        .collect()
}

/// Hebb above α_c ≈ 0.138 (M23): no retrieval even from the pattern. The
/// bound m_F ≤ 0.6 lies halfway between the spin-glass overlap ≈ 0.3–0.4
/// and the retrieval overlap 0.97 (M27): below it confirms, above it
/// contradicts.
fn hebb_verdict(results: &[RuleResult]) -> Verdict {
    let hebb = by(results, "Hebb");
    let at1 = hebb.curve.last().expect("m_IN = 1 is on the grid");
    Verdict::new(
        "Hebb's rule has no retrieval state at α = 0.4 > α_c = 0.138",
        "Amit, Gutfreund, Sompolinsky 1987",
        at1.m_final,
        Interval::at_most(0.6),
        Interval::at_most(0.6),
    )
    .uncertainty(at1.m_final_err)
    .measurement(format!(
        "m_F from m_IN = 1: {:.4} ± {:.4}",
        at1.m_final, at1.m_final_err
    ))
    .criterion("(M23), (M27) CONFIRMED if m_F ≤ 0.6 (halfway to the retrieval overlap 0.97)")
}

/// The two panels: final overlap m_F(m_IN) (M18) and the fraction retrieved
/// exactly, one curve per rule.
fn build_figure(results: &[RuleResult], n: usize) -> Figure {
    let colors: [Rgb; 8] = [
        palette::RED,
        palette::seq(0),
        palette::seq(1),
        palette::seq(2),
        palette::seq(3),
        palette::GREY,
        palette::ORANGE,
        palette::BLUE,
    ];
    let mut curves = Panel::new("initial overlap m_IN", "final overlap m_F")
        .x_range(0.0, 1.0)
        .y_range(0.0, 1.02)
        .legend(LegendAt::None)
        .note(format!("α = {ALPHA}, N = {n}, sync dynamics"));
    let mut retrieved = Panel::new("initial overlap m_IN", "fraction retrieved exactly")
        .x_range(0.0, 1.0)
        .y_range(0.0, 1.02)
        .legend(LegendAt::UpperLeft);
    for (r, &c) in results.iter().zip(&colors) {
        let dash = if r.label.starts_with("perceptron") || r.label == "pseudo-likelihood" {
            Dash::Solid
        } else {
            Dash::Dashed
        };
        curves.push(Series::line(
            r.label.clone(),
            r.curve.iter().map(|p| (p.m_in, p.m_final)).collect(),
            dash,
            c,
        ));
        retrieved.push(Series::line(
            format!("{} (basin {:.3})", r.label, r.basin),
            r.curve.iter().map(|p| (p.m_in, p.retrieved)).collect(),
            dash,
            c,
        ));
    }
    Figure::new(
        "Retrieval at α = 0.4: pseudo-likelihood against classical rules",
        2,
        vec![curves, retrieved],
    )
}

/// Runs the claim: trains and measures every rule on the same patterns,
/// checks (M2), (M23), (M25), (M26), and writes `basins_retrieval.{svg,png,json}`.
pub fn run(size: Size, out: &Path) -> Result<Results> {
    let n = size.pick(200, 1000);
    let points = size.pick(20, 50);
    let m_grid: Vec<f64> = (0..=points).map(|k| k as f64 / points as f64).collect();
    let trials = size.pick(2, 1);
    let epochs = 10_000;
    let xi = Patterns::generate(n, ALPHA, PatternKind::Binary, SEED)?.xi;
    let opts = RetrievalOptions {
        dynamics: DynamicsOptions {
            schedule: Schedule::Synchronous,
            max_steps: MAX_STEPS,
            seed: SEED,
        },
        trials,
        seed: SEED,
    };
    let results = train_and_measure(&xi, &m_grid, &opts, epochs)?;

    let checks = storage_checks(&results);
    let mut verdicts = dominance_verdicts(&results, m_grid.len());
    verdicts.extend(ordering_verdicts(&results));
    verdicts.push(hebb_verdict(&results));

    #[derive(Serialize)]
    struct Meta<'a> {
        size: Size,
        seed: u64,
        n: usize,
        alpha: f64,
        trials: usize,
        dynamics: &'a DynamicsOptions,
        rules: &'a [RuleResult],
    }
    save_figure(
        out,
        "basins_retrieval",
        &build_figure(&results, n),
        &Meta {
            size,
            seed: SEED,
            n,
            alpha: ALPHA,
            trials,
            dynamics: &opts.dynamics,
            rules: &results,
        },
        &checks,
        &verdicts,
    )?;
    Ok(Results { checks, verdicts })
}
