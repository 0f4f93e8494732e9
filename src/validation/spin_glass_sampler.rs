//! Claim `spin_glass_sampler`: the parallel-tempering sampler of the 2D
//! Edwards–Anderson spin glass draws equilibrium configurations. Checked
//! against exact enumeration (⟨E⟩/N and C/N at several temperatures, L = 4
//! and, at full size, L = 5, Gaussian and ±1 bonds; theory/spin_glass.md
//! (G3)), and at the size the generalization experiment uses (L = 32,
//! T = 0.99) by the evidence of equilibrium: the logarithmic binning of the
//! energy and of the overlap (G6), (G11), the exchange along the ladder and
//! the symmetry of P(q) (G10) of samples spaced by the overlap's τ_int (G12).

use std::path::Path;

use serde::Serialize;

use super::{Results, Size};
use crate::data::parallel_tempering::{sample, PtOptions, PtResult};
use crate::data::spin_glass::{exact_thermodynamics, Bonds, EaInstance, ExactPoint};
use crate::figures::report::{num, save_figure, Check, Stopwatch};
use crate::figures::{palette, Dash, Figure, LegendAt, Panel, Series};
use crate::Result;

/// Base seed of the instances and chains (recorded in the JSON).
pub const SEED: u64 = 0x00EA_0013;

/// The standard errors within which a sampled value must meet the exact
/// one: the errors come from independent chains (G8), so with 16 chains
/// (Student's t, 15 degrees of freedom) four of them give a false alarm
/// ≈ 1e-3 per comparison.
const SIGMAS: f64 = 4.0;

/// Exchange acceptance below which a ladder counts as split: a
/// configuration then needs ≳ 20 attempts to cross the rung.
const MIN_ACCEPTANCE: f64 = 0.05;

/// One instance compared with exact enumeration.
#[derive(Debug, Clone, Serialize)]
struct ExactComparison {
    l: usize,
    bonds: Bonds,
    seed: u64,
    /// Exact curves on a fine temperature grid.
    curve: Vec<ExactPoint>,
    /// Sampled points with their exact values.
    points: Vec<SampledPoint>,
}

/// The sampler at one temperature against enumeration.
#[derive(Debug, Clone, Serialize)]
struct SampledPoint {
    t: f64,
    exact: ExactPoint,
    energy_per_spin: f64,
    energy_per_spin_err: f64,
    specific_heat: f64,
    specific_heat_err: f64,
    tau_int: f64,
    equilibration_sweeps: usize,
    min_acceptance: f64,
    q_asymmetry_z: f64,
    seconds: f64,
}

/// The sampler's options at temperature `t` for this size.
fn options(size: Size, t: f64, seed: u64) -> PtOptions {
    PtOptions {
        t,
        t_max: 3.0,
        temperatures: 8,
        chains: 16,
        samples: size.pick(2000, 20000),
        max_sweeps: 1 << 20,
        seed,
    }
}

fn compare_instance(size: Size, l: usize, bonds: Bonds, k: u64) -> Result<ExactComparison> {
    let seed = SEED + k;
    let inst = EaInstance::new(l, bonds, seed)?;
    let grid: Vec<f64> = (0..=60).map(|i| 0.3 + 2.7 * i as f64 / 60.0).collect();
    let curve = exact_thermodynamics(&inst, &grid)?;
    let temps: Vec<f64> = size.pick(vec![0.7, 1.5], vec![0.4, 0.7, 1.0, 1.5, 2.2]);
    let exact = exact_thermodynamics(&inst, &temps)?;
    let mut points = Vec::new();
    for (&t, &ex) in temps.iter().zip(&exact) {
        let clock = Stopwatch::start();
        let r = sample(&inst, &options(size, t, seed + 1000), &|_| {})?;
        points.push(SampledPoint {
            t,
            exact: ex,
            energy_per_spin: r.energy_per_spin,
            energy_per_spin_err: r.energy_per_spin_err,
            specific_heat: r.specific_heat,
            specific_heat_err: r.specific_heat_err,
            tau_int: r.tau_int,
            equilibration_sweeps: r.equilibration_sweeps,
            min_acceptance: r.acceptance.iter().copied().fold(1.0, f64::min),
            q_asymmetry_z: r.q_asymmetry_z,
            seconds: clock.seconds(),
        });
    }
    Ok(ExactComparison {
        l,
        bonds,
        seed,
        curve,
        points,
    })
}

/// Checks of one instance: ⟨E⟩/N and C/N within [`SIGMAS`] errors of the
/// exact values, the ladder unsplit and P(q) symmetric at every point.
fn exact_checks(c: &ExactComparison) -> Vec<Check> {
    let tag = |t: f64| format!("L = {}, {:?} bonds, T = {t}", c.l, c.bonds);
    let mut out = Vec::new();
    for p in &c.points {
        let why = "(G8) standard error of 16 independent chains; 4σ: false alarm ≈ 1e-3 (Student t, 15 dof)";
        out.push(
            Check::within(
                format!("⟨E⟩/N against enumeration, {}", tag(p.t)),
                p.energy_per_spin,
                p.exact.energy_per_spin,
                SIGMAS * p.energy_per_spin_err,
            )
            .note(why),
        );
        out.push(
            Check::within(
                format!("C/N against enumeration, {}", tag(p.t)),
                p.specific_heat,
                p.exact.specific_heat,
                SIGMAS * p.specific_heat_err,
            )
            .note(why),
        );
        out.push(
            Check::at_most(
                format!("|P(q) sign asymmetry|·√n, {}", tag(p.t)),
                p.q_asymmetry_z.abs(),
                4.0,
            )
            .note("(G10) four standard errors of a fair sign"),
        );
        out.push(
            Check::at_least(
                format!("smallest exchange acceptance, {}", tag(p.t)),
                p.min_acceptance,
                MIN_ACCEPTANCE,
            )
            .note("below 5% a rung needs ≳ 20 attempts: the ladder is split in practice"),
        );
    }
    out
}

/// The run at the generalization experiment's size.
#[derive(Debug, Clone, Serialize)]
struct LargeRun {
    l: usize,
    t: f64,
    bonds: Bonds,
    seed: u64,
    result: PtResult,
    seconds: f64,
}

fn large_run(size: Size) -> Result<LargeRun> {
    let (l, t) = (size.pick(8, 32), 0.99);
    let seed = SEED + 100;
    let inst = EaInstance::new(l, Bonds::Gaussian, seed)?;
    let opts = PtOptions {
        t,
        t_max: 3.0,
        temperatures: 16,
        chains: 8,
        samples: size.pick(400, 4000),
        max_sweeps: 1 << 22,
        seed: seed + 1000,
    };
    let clock = Stopwatch::start();
    let result = sample(&inst, &opts, &|_| {})?;
    Ok(LargeRun {
        l,
        t,
        bonds: Bonds::Gaussian,
        seed,
        result,
        seconds: clock.seconds(),
    })
}

fn large_checks(r: &LargeRun) -> Vec<Check> {
    let tag = format!("L = {}, T = {}", r.l, r.t);
    let min_acc = r.result.acceptance.iter().copied().fold(1.0, f64::min);
    vec![
        Check::at_most(
            format!("|P(q) sign asymmetry|·√n, {tag}"),
            r.result.q_asymmetry_z.abs(),
            4.0,
        )
        .note(format!(
            "(G10) four standard errors of a fair sign; equilibrated after {} sweeps by (G6), \
             (G11); ⟨E⟩/N = {} ± {}, τ_int = {} sweeps (energy), {} ± {} (overlap, (G12)), \
             samples every {} sweeps",
            r.result.equilibration_sweeps,
            num(r.result.energy_per_spin),
            num(r.result.energy_per_spin_err),
            num(r.result.tau_int),
            num(r.result.tau_int_overlap),
            num(r.result.tau_int_overlap_err),
            r.result.spacing
        )),
        Check::at_least(
            format!("smallest exchange acceptance, {tag}"),
            min_acc,
            MIN_ACCEPTANCE,
        )
        .note("below 5% a rung needs ≳ 20 attempts: the ladder is split in practice"),
    ]
}

#[derive(Serialize)]
struct Metadata<'a> {
    size: Size,
    seed: u64,
    exact: &'a [ExactComparison],
    large: &'a LargeRun,
}

/// Runs the claim at `size`, writing `spin_glass_sampler.{svg,png,json}`.
pub fn run(size: Size, out: &Path) -> Result<Results> {
    let mut cases = vec![(4, Bonds::Gaussian, 0), (4, Bonds::PlusMinus, 1)];
    if size == Size::Full {
        cases.extend([(5, Bonds::Gaussian, 2), (5, Bonds::PlusMinus, 3)]);
    }
    let exact: Vec<ExactComparison> = cases
        .into_iter()
        .map(|(l, b, k)| compare_instance(size, l, b, k))
        .collect::<Result<_>>()?;
    let large = large_run(size)?;
    let mut checks: Vec<Check> = exact.iter().flat_map(exact_checks).collect();
    checks.extend(large_checks(&large));
    let figure = Figure::new(
        "2D Edwards–Anderson spin glass: parallel tempering against exact enumeration",
        2,
        vec![
            curve_panel(
                &exact,
                "(a) energy per spin",
                |p| p.energy_per_spin,
                |s| (s.energy_per_spin, s.energy_per_spin_err),
            ),
            curve_panel(
                &exact,
                "(b) specific heat per spin",
                |p| p.specific_heat,
                |s| (s.specific_heat, s.specific_heat_err),
            ),
            binning_panel(&large),
            overlap_binning_panel(&large),
        ],
    );
    let meta = Metadata {
        size,
        seed: SEED,
        exact: &exact,
        large: &large,
    };
    save_figure(out, "spin_glass_sampler", &figure, &meta, &checks, &[])?;
    Ok(Results {
        checks,
        verdicts: Vec::new(),
    })
}

/// Exact curves (lines) and sampled points against T, one colour per
/// instance.
fn curve_panel(
    exact: &[ExactComparison],
    title: &str,
    of_exact: impl Fn(&ExactPoint) -> f64,
    of_sample: impl Fn(&SampledPoint) -> (f64, f64),
) -> Panel {
    let y_label = if title.contains("energy") {
        "⟨E⟩/N"
    } else {
        "C/N"
    };
    let mut panel = Panel::new("temperature T", y_label)
        .title(title)
        .legend(LegendAt::LowerRight);
    for (k, c) in exact.iter().enumerate() {
        let color = palette::seq(k + 1);
        let name = format!(
            "L = {}, {}",
            c.l,
            match c.bonds {
                Bonds::Gaussian => "Gaussian",
                Bonds::PlusMinus => "±1",
            }
        );
        panel.push(Series::line(
            format!("{name}: exact"),
            c.curve.iter().map(|p| (p.t, of_exact(p))).collect(),
            Dash::Solid,
            color,
        ));
        let (xy, err): (Vec<(f64, f64)>, Vec<f64>) = c
            .points
            .iter()
            .map(|p| {
                let (v, e) = of_sample(p);
                ((p.t, v), e)
            })
            .unzip();
        panel.push(Series::points(format!("{name}: PT"), xy, err, color));
    }
    panel
}

/// The logarithmic binning of the large run: block means against the
/// block's last sweep (log axis) with the production estimate.
fn binning_panel(r: &LargeRun) -> Panel {
    let bins = &r.result.log_binning;
    let last = bins.last().map_or(1.0, |b| b.to as f64);
    let (lo, hi) = bins
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), b| {
            (
                l.min(b.energy_per_spin - b.err),
                h.max(b.energy_per_spin + b.err),
            )
        });
    // The legend's two entries sit in the upper right, above the late
    // blocks, which lie near the production value at the bottom.
    Panel::new("sweeps (end of block)", "⟨E⟩/N over the block")
        .title(format!("(c) equilibration, L = {}, T = {}", r.l, r.t))
        .x_log()
        .y_range(lo - 0.05 * (hi - lo), hi + 0.6 * (hi - lo))
        .legend(LegendAt::UpperRight)
        .with(Series::points(
            "log-binning blocks (G6)",
            bins.iter()
                .map(|b| (b.to as f64, b.energy_per_spin))
                .collect(),
            bins.iter().map(|b| b.err).collect(),
            palette::BLUE,
        ))
        .with(Series::line(
            format!(
                "production {:.4} ± {:.4}, τ_int = {:.1} sweeps",
                r.result.energy_per_spin, r.result.energy_per_spin_err, r.result.tau_int
            ),
            vec![
                (1.0, r.result.energy_per_spin),
                (last, r.result.energy_per_spin),
            ],
            Dash::Dashed,
            palette::BLACK,
        ))
}

/// The squared overlap's logarithmic binning of the large run (G11): block
/// means against the block's last sweep (log axis).
fn overlap_binning_panel(r: &LargeRun) -> Panel {
    let bins = &r.result.log_binning;
    Panel::new("sweeps (end of block)", "⟨q²⟩ over the block")
        .title(format!(
            "(d) equilibration of the overlap, L = {}, T = {}",
            r.l, r.t
        ))
        .x_log()
        .legend(LegendAt::UpperLeft)
        .with(Series::points(
            format!(
                "log-binning blocks (G11); τ_int^q = {:.1} sweeps",
                r.result.tau_int_overlap
            ),
            bins.iter().map(|b| (b.to as f64, b.overlap_sq)).collect(),
            bins.iter().map(|b| b.overlap_sq_err).collect(),
            palette::BLUE,
        ))
}
