//! Claim `generalization_random_features`: on random-features data
//! (theory/random_features.md, eq. (RF1)) pseudo-likelihood (PL) stores its
//! training examples where the Hebbian rule cannot, its features become
//! attractors as the number of examples grows, and test examples fall into
//! attractors correlated with them (the paper's random-features panel).
//!
//! Over a grid of (α_D, α), each point trains PL with the paper's protocol
//! (asymmetric, full-batch gradient descent from Hebb, β = 0.1, lr 10, 401
//! epochs, f32) and builds Hebb on the same examples
//! ([`crate::compare::generalization::run_point`]); both are measured from
//! the training examples, the features, test examples and random starts
//! after 10 synchronous steps (eqs. (M38)–(M39)). Examples have L = 3
//! non-zero coefficients by default, the choice that reproduces the paper's
//! panel; dense coefficients are recorded beside it at a few points, and so
//! is a second size N/2. The Hebbian theory lines (RF19)–(RF20) are drawn on
//! the heatmaps and checked against dense Hebbian simulations on both sides
//! (V15).
//!
//! The paper's stated protocol does not reach the panel's norm (theory/memory.md
//! (M41)): every heatmap point is also trained with the learning rate raised
//! to [`Grid::lr_strong`] (same 401 epochs), labelled as a variant, which
//! reaches λ_eff ≈ 1–4 and shows the panel's stored region and its dark
//! feature and test regions; the stored-examples verdict is stated for both.

use std::path::Path;

use serde::Serialize;

use super::stats::se2;
use super::{Results, Size};
use crate::compare::generalization::{run_point, RfPoint, SET_NAMES};
use crate::data::random_features::Coefficients;
use crate::figures::report::{save_figure, Check, Stopwatch};
use crate::figures::verdict::{Interval, Verdict};
use crate::figures::{palette, Dash, Figure, LegendAt, Panel, Series};
use crate::learning::{Coupling, GdConfig, Precision};
use crate::memory::generalization::{hebbian_random_features_overlap, SetResult};
use crate::memory::protocol::Protocol;
use crate::replica::random_features::{learning_line, storage_line};
use crate::Result;

/// Seed of the features, examples and random starts at every point
/// (recorded in the JSON).
pub const SEED: u64 = 0x6E4E_0001;

/// Non-zero coefficients per example of the figure (the authors' `--L`).
pub const L: usize = 3;

/// Source of the verdicts.
const SOURCE: &str = "D'Amico et al. 2025, random-features figure and §generalization";

/// Overlap at or above which a training example counts as stored (V15).
const STORED: f64 = 0.99;

/// The sizes of one run.
#[derive(Debug, Clone, Serialize)]
pub struct Grid {
    /// Number of neurons of the heatmaps.
    pub n: usize,
    /// The second, smaller size of the comparison points.
    pub n_small: usize,
    /// Loads α = P/N (rows of every heatmap).
    pub alphas: Vec<f64>,
    /// Feature densities of the main heatmaps.
    pub alpha_ds: Vec<f64>,
    /// Feature densities of the zoom.
    pub zoom_alpha_ds: Vec<f64>,
    /// (α, α_D) of the comparisons with N/2 and with dense coefficients.
    pub probes: Vec<(f64, f64)>,
    /// Test examples per point.
    pub test: usize,
    /// Random starts per point.
    pub random: usize,
    /// Gradient-descent epochs.
    pub epochs: usize,
    /// The paper's learning rate.
    pub lr: f64,
    /// The variant's learning rate, 100 times the paper's. The curvature
    /// bound of (T10), 2NP/(β(√N + √P)²), is 620 at the smallest load
    /// (N = 500, P = 55) and 3500 at the largest: a worst case over
    /// directions at the Hebb start, and a diverging descent is detected by
    /// (T10) and stops the run rather than passing unnoticed.
    pub lr_strong: f64,
}

/// `count` values from `start` in steps of `step`, rounded to 1e-9.
fn steps(start: f64, step: f64, count: usize) -> Vec<f64> {
    (0..count)
        .map(|k| ((start + step * k as f64) * 1e9).round() / 1e9)
        .collect()
}

impl Grid {
    /// The grid of a run size: the paper's ranges at steps of 0.2 (the
    /// paper's 0.1 halved in each direction, for the cost) and 0.04 in the
    /// zoom at N = 500; a 2×2 grid at N = 60 for CI.
    pub fn of(size: Size) -> Self {
        Grid {
            n: size.pick(60, 500),
            n_small: size.pick(30, 250),
            alphas: size.pick(vec![0.2, 1.0], steps(0.11, 0.2, 11)),
            alpha_ds: size.pick(vec![0.1, 1.0], steps(0.01, 0.2, 11)),
            zoom_alpha_ds: size.pick(vec![0.05, 0.15], steps(0.02, 0.04, 6)),
            probes: size.pick(
                vec![(1.0, 0.1), (0.3, 2.0)],
                vec![(1.0, 0.1), (0.5, 0.5), (1.5, 1.0), (0.3, 2.0)],
            ),
            test: size.pick(100, 1000),
            random: size.pick(50, 100),
            epochs: 401,
            lr: 10.0,
            lr_strong: 1000.0,
        }
    }
}

/// One measured point: PL and Hebb on the same data.
#[derive(Debug, Clone, Serialize)]
pub struct GridPoint {
    /// Nominal load.
    pub alpha: f64,
    /// Feature density.
    pub alpha_d: f64,
    /// Number of neurons.
    pub n: usize,
    /// Non-zero coefficients per example (None: dense).
    #[serde(rename = "L")]
    pub l: Option<usize>,
    /// Training examples P and features D.
    pub p: usize,
    /// See `p`.
    pub d: usize,
    /// PL learning rate.
    pub lr: f64,
    /// PL effective norm β·mean|J_i| after training.
    pub lambda_eff: f64,
    /// PL sets (train, features, test, random), eqs. (M38)–(M39).
    pub pl: Vec<SetResult>,
    /// Hebb sets.
    pub hebb: Vec<SetResult>,
}

impl GridPoint {
    /// The set `name` of PL (`pl`) or Hebb.
    pub fn set(&self, pl: bool, name: &str) -> &SetResult {
        let sets = if pl { &self.pl } else { &self.hebb };
        sets.iter()
            .find(|s| s.name == name)
            .expect("every set is measured")
    }
}

/// Measures one point with the paper's protocol at learning rate `lr`
/// (seed [`SEED`]).
fn measure_point(
    grid: &Grid,
    (n, lr): (usize, f64),
    alpha: f64,
    alpha_d: f64,
    l: Option<usize>,
) -> Result<GridPoint> {
    let point = RfPoint {
        n,
        alpha,
        alpha_d,
        coefficients: l.map_or(Coefficients::Dense, Coefficients::Sparse),
        test: grid.test,
        random: grid.random,
        coupling: Coupling::Asymmetric,
        gd: GdConfig {
            precision: Precision::F32,
            lr,
            ..GdConfig::paper(grid.epochs)
        },
        protocol: Protocol::paper(),
    };
    let r = run_point(&point, SEED)?;
    Ok(GridPoint {
        alpha,
        alpha_d,
        n,
        l,
        lr,
        p: r.p,
        d: r.d,
        lambda_eff: r.lambda_eff,
        pl: r.pl,
        hebb: r.hebb,
    })
}

/// Every point of a heatmap at learning rate `lr`, row by row (α outer,
/// α_D inner).
fn measure_heatmap(grid: &Grid, alpha_ds: &[f64], lr: f64) -> Result<Vec<GridPoint>> {
    let mut out = Vec::with_capacity(grid.alphas.len() * alpha_ds.len());
    for &alpha in &grid.alphas {
        for &alpha_d in alpha_ds {
            out.push(measure_point(grid, (grid.n, lr), alpha, alpha_d, Some(L))?);
        }
    }
    Ok(out)
}

/// One dense Hebbian probe of a theory line (V15).
#[derive(Debug, Clone, Serialize)]
pub struct LineProbe {
    /// "storage" (training-example starts) or "learning" (feature starts).
    pub line: &'static str,
    /// Load α of the probe.
    pub alpha: f64,
    /// Feature density α_D of the probe.
    pub alpha_d: f64,
    /// The probe's distance along the cut, as a multiple of the line.
    pub factor: f64,
    /// The mean |final overlap| of 40 starts after at most 100 steps.
    pub overlap: f64,
}

/// Number of neurons of the Hebbian line probes, at both run sizes: the
/// size at which theory/random_features.md §6 measured the finite-N width
/// of the lines (they cost seconds).
const PROBE_N: usize = 600;

/// Dense Hebbian simulations at 0.7× and 2.2× each line on one cut: the
/// storage line at α_D = 1, the learning line at α = 1 (V15).
fn line_probes() -> Result<Vec<LineProbe>> {
    let alpha_c = storage_line(1.0)?.critical;
    let alpha_d_c = learning_line(1.0)?.critical;
    let mut out = Vec::new();
    for factor in [0.7, 2.2] {
        let (a, ad) = (factor * alpha_c, 1.0);
        out.push(LineProbe {
            line: "storage",
            alpha: a,
            alpha_d: ad,
            factor,
            overlap: hebbian_random_features_overlap(PROBE_N, a, ad, false, SEED)?,
        });
        let (a, ad) = (1.0, factor * alpha_d_c);
        out.push(LineProbe {
            line: "learning",
            alpha: a,
            alpha_d: ad,
            factor,
            overlap: hebbian_random_features_overlap(PROBE_N, a, ad, true, SEED)?,
        });
    }
    Ok(out)
}

/// Checks (V15): the Hebbian probes on the predicted side of each line, and
/// PL storing its training examples at the smallest load of the grid.
fn checks(probes: &[LineProbe], main: &[GridPoint], grid: &Grid) -> Vec<Check> {
    let mut out: Vec<Check> = probes
        .iter()
        .map(|p| {
            let what = if p.line == "storage" {
                "examples"
            } else {
                "features"
            };
            let name = format!(
                "Hebb, dense, N = {PROBE_N}: {what} at {}× the {} line (α = {:.4}, α_D = {:.4})",
                p.factor, p.line, p.alpha, p.alpha_d
            );
            if p.factor < 1.0 {
                Check::at_least(name, p.overlap, 0.9)
                    .note("retrieved: RS retrieval overlap ≥ 0.947 below the line, (V15)")
            } else {
                Check::at_most(name, p.overlap, 0.6)
                    .note("not retrieved: no RS retrieval state beyond the line, (V15)")
            }
        })
        .collect();
    let a0 = grid.alphas[0];
    let min = main
        .iter()
        .filter(|g| g.alpha == a0)
        .map(|g| g.set(true, "train").overlap)
        .fold(f64::INFINITY, f64::min);
    out.push(
        Check::at_least(
            format!("PL stores its training examples at α = {a0}: least train overlap over α_D"),
            min,
            STORED,
        )
        .note("stored: m_F ≥ 0.99, at most 0.5% of the sites off the example, (V15)"),
    );
    out
}

/// Why a quick run cannot decide the verdicts (its grid is 2×2 at N = 60).
fn quick_reason(size: Size) -> Option<String> {
    (size == Size::Quick)
        .then(|| "CI size: a 2×2 grid at N = 60 does not resolve the heatmap's regions".into())
}

/// "PL stores examples where Hebb cannot": the fraction of the points
/// beyond 2.2× the Hebbian storage line (outside its finite-N width, V15)
/// where PL stores its examples and Hebb does not (m_F ≤ 0.6).
fn stores_verdict(main: &[GridPoint], label: &str, size: Size) -> Result<Verdict> {
    // One solve per column (each takes about a second).
    let mut columns: Vec<(f64, f64)> = Vec::new();
    let mut beyond = 0usize;
    let mut pl_only = 0usize;
    for g in main {
        let alpha_c = match columns.iter().find(|c| c.0 == g.alpha_d) {
            Some(c) => c.1,
            None => {
                let c = storage_line(g.alpha_d)?.critical;
                columns.push((g.alpha_d, c));
                c
            }
        };
        if g.alpha < 2.2 * alpha_c {
            continue;
        }
        beyond += 1;
        let (pl, hebb) = (g.set(true, "train"), g.set(false, "train"));
        pl_only += usize::from(pl.overlap >= STORED && hebb.overlap <= 0.6);
    }
    let f = pl_only as f64 / beyond.max(1) as f64;
    Ok(Verdict::new(
        format!("pseudo-likelihood stores training examples beyond the Hebbian storage line ({label})"),
        SOURCE,
        if beyond == 0 { f64::NAN } else { f },
        Interval::at_least(0.5),
        Interval::new(1e-12, 1.0),
    )
    .measurement(format!(
        "PL stores (m_F ≥ {STORED}) and Hebb does not (m_F ≤ 0.6) at {pl_only} of {beyond} grid points beyond 2.2 α_c(α_D)"
    ))
    .criterion("fraction f of those points: CONFIRMED if f ≥ 0.5 (most of the region the paper colours as stored), CONTRADICTED if no point")
    .undecidable(quick_reason(size)))
}

/// "Features become attractors as P grows": the PL feature overlap at the
/// largest load minus at the smallest, in the zoom column nearest α_D = 0.1.
fn features_verdict(zoom: &[GridPoint], grid: &Grid, size: Size) -> Verdict {
    let ad = grid
        .zoom_alpha_ds
        .iter()
        .copied()
        .min_by(|a, b| (a - 0.1).abs().total_cmp(&(b - 0.1).abs()))
        .expect("a zoom column");
    let (lo, hi) = (grid.alphas[0], grid.alphas[grid.alphas.len() - 1]);
    let at = |alpha: f64| {
        let s = zoom
            .iter()
            .find(|g| g.alpha == alpha && g.alpha_d == ad)
            .expect("grid point")
            .set(true, "features");
        (s.overlap, s.overlap_err)
    };
    let ((m0, e0), (m1, e1)) = (at(lo), at(hi));
    let (d, s) = (m1 - m0, se2(e0, e1));
    Verdict::new(
        "the features become attractors of pseudo-likelihood as the number of examples grows",
        SOURCE,
        d,
        Interval::at_least(4.0 * s),
        Interval::at_least(-4.0 * s),
    )
    .uncertainty(s)
    .measurement(format!(
        "PL feature m_F at α_D = {ad}: {m0:.3} ± {e0:.3} at α = {lo} → {m1:.3} ± {e1:.3} at α = {hi} (Δ = {d:.3} ± {s:.3})"
    ))
    .criterion("CONFIRMED if Δ ≥ 4σ, CONTRADICTED if Δ < −4σ (the 4σ convention)")
    .undecidable(quick_reason(size))
}

/// Whether the PL test starts at `g` end correlated with their start beyond
/// the random-start baseline and beyond the nearest training example, both
/// by 4σ.
fn generalizes(g: &GridPoint) -> bool {
    let (t, r) = (g.set(true, "test"), g.set(true, "random"));
    let near = t
        .nearest
        .iter()
        .find(|x| x.reference == SET_NAMES[0])
        .expect("train reference");
    t.overlap - r.overlap > 4.0 * se2(t.overlap_err, r.overlap_err)
        && t.overlap - near.final_state > 4.0 * se2(t.overlap_err, near.final_state_err)
}

/// "Test examples fall into attractors correlated with them" (not
/// memorisation): the fraction of all grid points where [`generalizes`].
fn test_verdict(all: &[&GridPoint], size: Size) -> Verdict {
    let k = all.iter().filter(|g| generalizes(g)).count();
    let f = k as f64 / all.len() as f64;
    Verdict::new(
        "test examples fall into attractors of pseudo-likelihood correlated with them, not into training examples",
        SOURCE,
        f,
        Interval::at_least(0.25),
        Interval::new(1e-12, 1.0),
    )
    .measurement(format!(
        "at {k} of {} grid points the PL test m_F exceeds the random-start m_F and the final state's overlap with the nearest training example, each by 4σ",
        all.len()
    ))
    .criterion("fraction f: CONFIRMED if f ≥ 0.25 (a region, as the paper's test panel shows above the baseline over about half its grid), CONTRADICTED if at no point")
    .undecidable(quick_reason(size))
}

/// "PL beats Hebb": the fraction of grid points where the PL test overlap
/// is at least Hebb's within 4σ.
fn beats_verdict(all: &[&GridPoint], size: Size) -> Verdict {
    let k = all
        .iter()
        .filter(|g| {
            let (p, h) = (g.set(true, "test"), g.set(false, "test"));
            p.overlap - h.overlap >= -4.0 * se2(p.overlap_err, h.overlap_err)
        })
        .count();
    let f = k as f64 / all.len() as f64;
    Verdict::new(
        "pseudo-likelihood generalizes at least as well as Hebb (test m_F) over the grid",
        SOURCE,
        f,
        Interval::at_least(1.0),
        Interval::at_least(0.9),
    )
    .measurement(format!(
        "PL test m_F ≥ Hebb's − 4σ at {k} of {} grid points",
        all.len()
    ))
    .criterion("CONFIRMED at every point, CONTRADICTED if Hebb is better by more than 4σ at over 10% of the points")
    .undecidable(quick_reason(size))
}

/// Cell edges around equally spaced centres (half a step beyond each end).
fn edges(centres: &[f64]) -> Vec<f64> {
    let h = if centres.len() > 1 {
        0.5 * (centres[1] - centres[0])
    } else {
        0.05
    };
    let mut e: Vec<f64> = centres.iter().map(|c| c - h).collect();
    e.push(centres[centres.len() - 1] + h);
    e
}

/// The Hebbian theory lines over a panel: the storage line y = α_c(x) for
/// x across `x_edges`, the learning line x = α_D^c(y) for y across
/// `y_edges` (positive values only), `points` ≥ 2 points each (a storage
/// line solve takes about a second).
fn theory_lines(x_edges: &[f64], y_edges: &[f64], points: usize) -> Result<[Vec<(f64, f64)>; 2]> {
    let span = |e: &[f64]| {
        let (a, b) = (e[0].max(0.005), e[e.len() - 1]);
        (0..points).map(move |k| a + (b - a) * k as f64 / (points - 1) as f64)
    };
    let storage = span(x_edges)
        .map(|x| Ok((x, storage_line(x)?.critical)))
        .collect::<Result<Vec<_>>>()?;
    let learning = span(y_edges)
        .map(|y| Ok((learning_line(y)?.critical, y)))
        .collect::<Result<Vec<_>>>()?;
    Ok([storage, learning])
}

/// One heatmap panel: the mean final overlap of the set `name` of PL
/// (`pl`) or Hebb over (α_D, α), with the theory lines on top (dashed on PL).
fn heat_panel(
    points: &[GridPoint],
    grid: &Grid,
    alpha_ds: &[f64],
    (pl, name, title): (bool, &str, &str),
    lines: &[Vec<(f64, f64)>; 2],
) -> Panel {
    let rule = match points.first() {
        Some(g) if pl && g.lr == grid.lr => format!("PL (paper, lr {})", g.lr),
        Some(g) if pl => format!("PL (variant, lr {})", g.lr),
        _ => "Hebb".into(),
    };
    let values = grid
        .alphas
        .iter()
        .map(|&a| {
            alpha_ds
                .iter()
                .map(|&ad| {
                    points
                        .iter()
                        .find(|g| g.alpha == a && g.alpha_d == ad)
                        .map_or(f64::NAN, |g| g.set(pl, name).overlap)
                })
                .collect()
        })
        .collect();
    let (xe, ye) = (edges(alpha_ds), edges(&grid.alphas));
    let dash = if pl { Dash::Dashed } else { Dash::Solid };
    Panel::new("α_D = D/N", "α = P/N")
        .title(format!("{rule}: {title}"))
        .x_range(xe[0], xe[xe.len() - 1])
        .y_range(ye[0], ye[ye.len() - 1])
        .legend(LegendAt::None)
        .with(Series::heatmap(
            format!("{rule} {name} m_F"),
            xe,
            ye,
            values,
            (0.0, 1.0),
        ))
        .with(Series::line(
            "Hebbian storage line α_c(α_D)",
            lines[0].clone(),
            dash,
            palette::RED,
        ))
        .with(Series::line(
            "Hebbian learning line α_D^c(α)",
            lines[1].clone(),
            dash,
            palette::BLACK,
        ))
}

/// The heatmaps of one run: the paper's protocol, the strong-rate variant,
/// each on the main grid and on the zoom.
struct Heatmaps {
    main: Vec<GridPoint>,
    zoom: Vec<GridPoint>,
    main_strong: Vec<GridPoint>,
    zoom_strong: Vec<GridPoint>,
}

/// The figure: PL with the paper's protocol (left), PL at the strong rate
/// (middle) and Hebb (right); rows train examples, features, test examples
/// and the test examples in the zoom on small α_D.
fn build_figure(h: &Heatmaps, grid: &Grid, size: Size) -> Result<Figure> {
    // Points of each theory line per panel: a storage-line solve takes about
    // a second, so the CI size draws the lines coarsely.
    let k = size.pick(5, 25);
    let main_lines = theory_lines(&edges(&grid.alpha_ds), &edges(&grid.alphas), k)?;
    let zoom_lines = theory_lines(&edges(&grid.zoom_alpha_ds), &edges(&grid.alphas), k)?;
    let mut panels = Vec::new();
    for (name, title) in [
        ("train", "train examples"),
        ("features", "features"),
        ("test", "test examples"),
        ("test", "test examples, zoom"),
    ] {
        let zoomed = title.ends_with("zoom");
        let (ads, lines) = if zoomed {
            (&grid.zoom_alpha_ds, &zoom_lines)
        } else {
            (&grid.alpha_ds, &main_lines)
        };
        for (points, pl) in [
            (if zoomed { &h.zoom } else { &h.main }, true),
            (
                if zoomed {
                    &h.zoom_strong
                } else {
                    &h.main_strong
                },
                true,
            ),
            (if zoomed { &h.zoom } else { &h.main }, false),
        ] {
            panels.push(heat_panel(points, grid, ads, (pl, name, title), lines));
        }
    }
    Ok(Figure::new(
        format!(
            "Random features, N = {}, L = {L}, {} epochs, grid steps twice the paper's: m_F after 10 steps (red: storage line, black: learning line)",
            grid.n, grid.epochs
        ),
        3,
        panels,
    ))
}

/// One comparison point: the figure's choice (N, L = 3) beside N/2 and
/// beside dense coefficients.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// The figure's setting.
    pub figure: GridPoint,
    /// The same at N/2.
    pub half_n: GridPoint,
    /// The same with dense coefficients.
    pub dense: GridPoint,
}

/// The comparison points of the grid.
fn comparisons(grid: &Grid) -> Result<Vec<Comparison>> {
    grid.probes
        .iter()
        .map(|&(a, ad)| {
            Ok(Comparison {
                figure: measure_point(grid, (grid.n, grid.lr), a, ad, Some(L))?,
                half_n: measure_point(grid, (grid.n_small, grid.lr), a, ad, Some(L))?,
                dense: measure_point(grid, (grid.n, grid.lr), a, ad, None)?,
            })
        })
        .collect()
}

/// The largest |PL m_F(N/2) − m_F(N)| over the comparison points and the
/// train, features and test sets, with the standard error of that
/// difference: how far the heatmap's structure moves with N.
fn n_shift(cmp: &[Comparison]) -> (f64, f64) {
    let mut worst = (0.0, 0.0);
    for c in cmp {
        for name in &SET_NAMES[..3] {
            let (a, b) = (c.figure.set(true, name), c.half_n.set(true, name));
            let d = (a.overlap - b.overlap).abs();
            if d > worst.0 {
                worst = (d, se2(a.overlap_err, b.overlap_err));
            }
        }
    }
    worst
}

/// Runs the claim: the two heatmaps, the comparison points and the line
/// probes; writes `generalization_random_features.{svg,png,json}`.
pub fn run(size: Size, out: &Path) -> Result<Results> {
    let grid = Grid::of(size);
    let clock = Stopwatch::start();
    let h = Heatmaps {
        main: measure_heatmap(&grid, &grid.alpha_ds, grid.lr)?,
        zoom: measure_heatmap(&grid, &grid.zoom_alpha_ds, grid.lr)?,
        main_strong: measure_heatmap(&grid, &grid.alpha_ds, grid.lr_strong)?,
        zoom_strong: measure_heatmap(&grid, &grid.zoom_alpha_ds, grid.lr_strong)?,
    };
    let (main, zoom) = (&h.main, &h.zoom);
    let heatmap_seconds = clock.seconds();
    let probes = line_probes()?;
    let cmp = comparisons(&grid)?;
    let checks = checks(&probes, main, &grid);
    let all: Vec<&GridPoint> = main.iter().chain(zoom).collect();
    let verdicts = vec![
        stores_verdict(main, &format!("the paper's protocol, lr {}", grid.lr), size)?,
        stores_verdict(
            &h.main_strong,
            &format!("variant: lr {}, 401 epochs", grid.lr_strong),
            size,
        )?,
        features_verdict(zoom, &grid, size),
        test_verdict(&all, size),
        beats_verdict(&all, size),
    ];
    let (shift, shift_err) = n_shift(&cmp);

    #[derive(Serialize)]
    struct Meta<'a> {
        size: Size,
        seed: u64,
        #[serde(rename = "L")]
        l: usize,
        grid: &'a Grid,
        protocol: &'static str,
        heatmap_seconds: f64,
        main: &'a [GridPoint],
        zoom: &'a [GridPoint],
        main_strong: &'a [GridPoint],
        zoom_strong: &'a [GridPoint],
        line_probes: &'a [LineProbe],
        comparisons: &'a [Comparison],
        largest_shift_with_n: f64,
        largest_shift_with_n_err: f64,
    }
    save_figure(
        out,
        "generalization_random_features",
        &build_figure(&h, &grid, size)?,
        &Meta {
            size,
            seed: SEED,
            l: L,
            grid: &grid,
            protocol:
                "asymmetric PL, full-batch GD from Hebb, beta 0.1, lr 10, f32; 10 synchronous steps",
            heatmap_seconds,
            main,
            zoom,
            main_strong: &h.main_strong,
            zoom_strong: &h.zoom_strong,
            line_probes: &probes,
            comparisons: &cmp,
            largest_shift_with_n: shift,
            largest_shift_with_n_err: shift_err,
        },
        &checks,
        &verdicts,
    )?;
    Ok(Results { checks, verdicts })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_surround_the_centres() {
        let e = edges(&[0.11, 0.31, 0.51]);
        let want = [0.01, 0.21, 0.41, 0.61];
        assert!(
            e.iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-12),
            "{e:?}"
        );
    }

    #[test]
    fn full_grid_spans_the_papers_ranges() {
        let g = Grid::of(Size::Full);
        assert_eq!(g.alphas.first(), Some(&0.11));
        assert_eq!(g.alphas.last(), Some(&2.11));
        assert_eq!(g.alpha_ds.last(), Some(&2.01));
        assert_eq!(g.zoom_alpha_ds.last(), Some(&0.22));
        assert!(g.n >= 500);
    }
}
