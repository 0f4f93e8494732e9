//! Claim `basins_retrieval`: at α = 0.4 the network trained by
//! pseudo-likelihood (the paper's protocol) retrieves its patterns from
//! farther away than every classical rule: its retrieval curve m_F(m_IN)
//! dominates those of the perceptron at κ ∈ {0, 0.1, 0.7, κ_max}, Hebb,
//! the pseudo-inverse and Hebbian unlearning, and its basin is at least as
//! large (the left panel of the paper's basin figure).
//!
//! The panel is drawn with the paper's protocol, eq. (M34) (⌊N(1 − m_IN)/2⌋
//! flips, m_F after exactly 10 synchronous steps), and beside it the
//! converged protocol of eq. (M33); each gives the basin by both definitions,
//! the mean curve's (M35, the paper's) and the per-pattern one (M20). The
//! perceptron is the cyclic perceptron with the Gardner-normalised threshold
//! ξh ≤ κ|J_i| stopped at zero errors (M5), the candidate that reproduces the
//! paper's 'Perc. k' curves (M36); κ_max is the AdaTron (M8).
//!
//! Definitions: `theory/memory.md` (M17)–(M20), (M33)–(M36); tolerances
//! (M25)–(M27), (M37). All rules see the same patterns and, through the common
//! seed, the same flipped spins (eq. (M17)), so their curves are compared
//! pattern by pattern on equal footing.

use std::path::Path;

use serde::Serialize;

use super::{Results, Size};
use crate::data::patterns::{PatternKind, Patterns};
use crate::figures::report::{save_figure, Check, Stopwatch};
use crate::figures::verdict::{Interval, Verdict};
use crate::figures::{palette, Dash, Figure, LegendAt, Panel, Rgb, Series};
use crate::learning::{Coupling, GdConfig, Precision};
use crate::memory::dynamics::{DynamicsOptions, Network, Schedule};
use crate::memory::protocol::Protocol;
use crate::memory::retrieval::{
    basin_sizes_with, curve_basin, retrieval_curve_with, storage, CurveBasin, CurveCriterion,
    RetrievalOptions, RetrievalPoint,
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

/// Synchronous step cap of the converged protocol, eq. (M31): a relaxation
/// still moving after 100 steps is not retrieved and contributes its overlap
/// at the cap.
pub const MAX_STEPS: usize = 100;

/// Load of the figure.
pub const ALPHA: f64 = 0.4;

/// One rule's measurements under one protocol, (M33) or (M34).
#[derive(Debug, Clone, Serialize)]
pub struct ProtocolResult {
    /// The protocol.
    pub protocol: Protocol,
    /// Retrieval curve (M18).
    pub curve: Vec<RetrievalPoint>,
    /// Mean per-pattern basin size (M20) and its standard error.
    pub basin: f64,
    /// See `basin`.
    pub basin_err: f64,
    /// Per-pattern basins (M20), for the jackknife error of the curve basin.
    pub per_pattern: Vec<f64>,
    /// The basin where the mean curve reaches 1 (M35), every relaxation
    /// retrieved.
    pub curve_basin: CurveBasin,
    /// The same with mean m_F ≥ 1 − 1/N (M35).
    pub curve_basin_one_over_n: CurveBasin,
}

impl ProtocolResult {
    /// Jackknife standard error of the curve basin (M37): the gap between
    /// the two smallest per-pattern basins, floored at one flip.
    pub fn curve_basin_err(&self) -> f64 {
        let mut b = self.per_pattern.clone();
        b.sort_by(f64::total_cmp);
        let gap = if b.len() >= 2 { b[1] - b[0] } else { 0.0 };
        gap.max(self.curve_basin.resolution)
    }
}

/// One rule's measurements.
#[derive(Debug, Clone, Serialize)]
pub struct RuleResult {
    /// Legend label.
    pub label: String,
    /// Training protocol.
    pub training: String,
    /// Fraction of patterns that are fixed points.
    pub storage: f64,
    /// Asymmetry of J (M16).
    pub asymmetry: f64,
    /// The paper's protocol (M34): the panel.
    pub paper: ProtocolResult,
    /// The converged protocol (M33), beside it.
    pub converged: ProtocolResult,
    /// Seconds spent training.
    pub train_seconds: f64,
    /// Seconds spent measuring.
    pub measure_seconds: f64,
}

/// Retrieval curve (M18), per-pattern basins (M20) and the curve basins
/// (M35) of `net` under `protocol`.
fn measure_protocol(
    net: &Network,
    xi: &nalgebra::DMatrix<f64>,
    m_grid: &[f64],
    opts: &RetrievalOptions,
    protocol: Protocol,
) -> Result<ProtocolResult> {
    let curve = retrieval_curve_with(net, xi, m_grid, opts, &protocol)?;
    let b = basin_sizes_with(net, xi, opts, &protocol)?;
    let at = |c| curve_basin(net, xi, opts, &protocol, c);
    Ok(ProtocolResult {
        protocol,
        curve,
        basin: b.basin_size,
        basin_err: b.basin_size_err,
        per_pattern: b.per_pattern,
        curve_basin: at(CurveCriterion::Exact)?,
        curve_basin_one_over_n: at(CurveCriterion::WithinOneOverN)?,
    })
}

/// Measures one rule's couplings: storage (M2), asymmetry (M16), and under
/// both protocols the retrieval curve and basins.
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
    let paper = measure_protocol(&net, xi, m_grid, opts, Protocol::paper())?;
    let converged = measure_protocol(&net, xi, m_grid, opts, Protocol::Converged)?;
    Ok(RuleResult {
        label: label.to_string(),
        training,
        storage: st.fixed_points,
        asymmetry,
        paper,
        converged,
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

/// Dominance of the PL curve and per-pattern basin over every other rule
/// (M25), under the paper's protocol (M34), as verdicts: the curve is contradicted when some m_IN has z < −3.5 (the
/// (M25) level over the grid) and otherwise confirmed (a "nowhere below"
/// claim can only be refuted); the basin is confirmed at z ≥ 3, contradicted
/// at z < −3 (the (M25) level) and inconclusive between.
fn dominance_verdicts(results: &[RuleResult], grid_points: usize) -> Vec<Verdict> {
    let pl = &results[0].paper;
    let mut verdicts = Vec::new();
    for rule in &results[1..] {
        let (label, r) = (&rule.label, &rule.paper);
        let worst = pl
            .curve
            .iter()
            .zip(&r.curve)
            .map(|(a, b)| z(a.m_final, a.m_final_err, b.m_final, b.m_final_err))
            .fold(f64::INFINITY, f64::min);
        verdicts.push(
            Verdict::new(
                format!("PL's final overlap m_F(m_IN) is nowhere below {label}'s"),
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
                format!("PL's basin exceeds {label}'s"),
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
            let (a, b) = (&by(results, w[0]).paper, &by(results, w[1]).paper);
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

/// The paper's panel read off `basins.png` by pixel colour (M37): for each
/// curve, m_F at m_IN = 0.1, 0.2, …, 0.9 (1 px = 0.0025 in m_F; lines 3 px
/// wide, so ±0.005), and the m_IN^c where the curve reaches 1 (the first
/// m_IN after which it stays within 2 px of m_F = 1; ±0.01 over 1–3 px).
pub const PAPER_PANEL: [(&str, [f64; 9], Option<f64>); 5] = [
    (
        "pseudo-likelihood",
        [0.117, 0.229, 0.346, 0.484, 0.667, 0.981, 1.0, 1.0, 1.0],
        Some(0.620),
    ),
    (
        "perceptron κ = κ_max",
        [0.106, 0.209, 0.322, 0.445, 0.608, 0.928, 1.0, 1.0, 1.0],
        Some(0.635),
    ),
    (
        "perceptron κ = 0.7",
        [0.093, 0.191, 0.289, 0.396, 0.525, 0.730, 0.996, 1.0, 1.0],
        Some(0.701),
    ),
    (
        "perceptron κ = 0.1",
        [
            0.065, 0.122, 0.181, 0.243, 0.304, 0.374, 0.455, 0.559, 0.722,
        ],
        None,
    ),
    (
        "perceptron κ = 0",
        [
            0.053, 0.107, 0.163, 0.214, 0.268, 0.326, 0.391, 0.463, 0.563,
        ],
        None,
    ),
];

/// Reading precision of m_IN^c on the paper's panel (M37).
const READ_M_IN: f64 = 0.01;

/// Reading precision of m_F on the paper's panel (M37).
const READ_M_F: f64 = 0.005;

/// The paper's N is not stated; its figures' protocol uses N ≈ 1000, and the
/// curve basin (the worst pattern's threshold) and m_F depend on N, so only a
/// run at N = 1000 decides the comparisons with the panel.
fn panel_undecidable(n: usize) -> Option<String> {
    (n != 1000).then(|| format!("N = {n} is not the panel's N ≈ 1000"))
}

/// The paper's panel against the paper's protocol (M34), (M37): where the
/// mean curves of PL, κ_max and κ = 0.7 reach 1 (the basin of (M35), with
/// the jackknife error of the worst pattern and an allowance of the panel's
/// reading precision plus one flip), and m_F at m_IN = 0.8 for κ = 0.1
/// and 0 (their smooth rise; the run's standard error, allowance the
/// reading precision).
fn panel_verdicts(results: &[RuleResult], n: usize) -> Vec<Verdict> {
    let mut verdicts = Vec::new();
    for (label, m_f, m_c) in PAPER_PANEL {
        let r = &by(results, label).paper;
        let v = match m_c {
            Some(c) => {
                let basin = &r.curve_basin_one_over_n;
                let s = READ_M_IN + basin.resolution;
                Verdict::value(
                    format!(
                        "{label}: the mean m_F curve reaches 1 at m_IN ≈ {c} (basin {:.3})",
                        1.0 - c
                    ),
                    SOURCE,
                    1.0 - c,
                    basin.basin_size,
                    r.curve_basin_err(),
                    s,
                )
                .because(format!(
                    "basin (M35) at the paper's protocol (M34), mean m_F ≥ 1 − 1/N (the panel cannot \
                     show a smaller deficit, (M37)); σ: jackknife of the worst pattern, s = reading \
                     {READ_M_IN} + one flip (M37); m_IN^c = {:.3}",
                    basin.m_in_c
                ))
            }
            None => {
                let p = r
                    .curve
                    .iter()
                    .find(|p| (p.m_in_target - 0.8).abs() < 1e-9)
                    .expect("m_IN = 0.8 is on the grid");
                Verdict::value(
                    format!("{label}: m_F rises smoothly, m_F(m_IN = 0.8) ≈ {}", m_f[7]),
                    SOURCE,
                    m_f[7],
                    p.m_final,
                    p.m_final_err,
                    READ_M_F,
                )
                .because("the paper's protocol (M34); s = the panel's reading precision (M37)")
            }
        };
        verdicts.push(v.undecidable(panel_undecidable(n)));
    }
    verdicts
}

/// Hebb above α_c ≈ 0.138 (M23): no retrieval even from the pattern. The
/// bound m_F ≤ 0.6 lies halfway between the spin-glass overlap ≈ 0.3–0.4
/// and the retrieval overlap 0.97 (M27): below it confirms, above it
/// contradicts.
fn hebb_verdict(results: &[RuleResult]) -> Verdict {
    let hebb = &by(results, "Hebb").converged;
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

/// Line colours in figure order (PL, κ_max, 0.7, 0.1, 0, Hebb, pinv,
/// unlearning).
const COLORS: [Rgb; 8] = [
    palette::RED,
    palette::SEQ[0],
    palette::SEQ[1],
    palette::SEQ[2],
    palette::SEQ[3],
    palette::GREY,
    palette::ORANGE,
    palette::BLUE,
];

/// Solid for PL and the perceptrons (the paper's curves), dashed otherwise.
fn dash_of(label: &str) -> Dash {
    if label.starts_with("perceptron") || label == "pseudo-likelihood" {
        Dash::Solid
    } else {
        Dash::Dashed
    }
}

/// Two panels of one protocol: m_F(m_IN) (M18) and the fraction retrieved
/// exactly, whose legend gives the basins by both definitions.
fn protocol_panels(
    results: &[RuleResult],
    n: usize,
    pick: impl Fn(&RuleResult) -> &ProtocolResult,
    (name, short): (&str, &str),
) -> [Panel; 2] {
    let mut curves = Panel::new("initial overlap m_IN", "final overlap m_F")
        .title(name)
        .x_range(0.0, 1.0)
        .y_range(0.0, 1.02)
        .legend(LegendAt::None)
        .note(format!("α = {ALPHA}, N = {n}"));
    let mut retrieved = Panel::new("initial overlap m_IN", "fraction retrieved exactly")
        .title(format!("{short}: basin (mean curve / per pattern)"))
        .x_range(0.0, 1.0)
        .y_range(0.0, 1.02)
        .legend(LegendAt::UpperLeft);
    for (r, &c) in results.iter().zip(&COLORS) {
        let pr = pick(r);
        let dash = dash_of(&r.label);
        let curve =
            |f: fn(&RetrievalPoint) -> f64| pr.curve.iter().map(|p| (p.m_in, f(p))).collect();
        curves.push(Series::line(r.label.clone(), curve(|p| p.m_final), dash, c));
        retrieved.push(Series::line(
            format!(
                "{}: {:.3} / {:.3}",
                r.label, pr.curve_basin.basin_size, pr.basin
            ),
            curve(|p| p.retrieved),
            dash,
            c,
        ));
    }
    [curves, retrieved]
}

/// The figure: the paper's protocol (M34) with the panel's curves read off
/// the paper (points, (M37)), and the converged protocol (M33) beside it.
fn build_figure(results: &[RuleResult], n: usize) -> Figure {
    let [mut paper, paper_retrieved] = protocol_panels(
        results,
        n,
        |r| &r.paper,
        (
            "the paper's protocol: 10 synchronous steps",
            "paper's protocol",
        ),
    );
    for (label, m_f, _) in PAPER_PANEL {
        let k = results
            .iter()
            .position(|r| r.label == label)
            .expect("rule ran");
        let xy = m_f
            .iter()
            .enumerate()
            .map(|(i, &m)| ((i + 1) as f64 / 10.0, m))
            .collect();
        paper.push(Series::points(
            format!("{label}, paper"),
            xy,
            vec![],
            COLORS[k],
        ));
    }
    let [converged, converged_retrieved] = protocol_panels(
        results,
        n,
        |r| &r.converged,
        ("converged: fixed point, 2-cycle or 100 steps", "converged"),
    );
    Figure::new(
        "Retrieval at α = 0.4: pseudo-likelihood against classical rules (points: the paper's panel)",
        2,
        vec![paper, converged, paper_retrieved, converged_retrieved],
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
    verdicts.extend(panel_verdicts(&results, n));

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
