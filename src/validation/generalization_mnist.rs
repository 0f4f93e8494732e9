//! Claim `generalization_mnist`: on binarized MNIST 14 × 14 (theory/mnist.md)
//! pseudo-likelihood (PL) stores its training digits at small load, and as
//! the number P = α·196 of digits grows it maps unseen test digits onto
//! attractors that are closer to them than to any training digit (the
//! paper's middle panel of its data-sets figure).
//!
//! On a log grid of α from 0.1 to 100 each point trains asymmetric PL with
//! the authors' protocol (mini-batch descent (T19): β = 0.1, lr 100, 301
//! epochs, batches of min(P, 1000), J₀ ~ N(0, 1/N), f32) and builds Hebb on
//! the same digits ([`crate::compare::generalization_mnist::run_point`]);
//! both are measured after 10 synchronous steps from the training digits,
//! the test digits (all 10 000 at publication size), random starts and the
//! training digits at overlap 0.4, with the label agreement of the test
//! starts (D7). Symmetric couplings and the suite's full-batch protocol are
//! labelled variants at a few α. Checks and verdicts: (V16).

use std::path::Path;

use nalgebra::DMatrix;
use serde::Serialize;

use super::stats::se2;
use super::{Results, Size};
use crate::compare::generalization_mnist::{
    dynamics, run_point, Measured, MnistPoint, MnistRun, MnistTraining,
};
use crate::data::mnist::{overlap_stats, Mnist14, MnistSplit, N, SIDE};
use crate::data::patterns::random_configurations;
use crate::figures::report::{save_figure, Check, Stopwatch};
use crate::figures::verdict::{Interval, Verdict};
use crate::figures::{palette, Dash, Figure, LegendAt, Panel, Rgb, Series};
use crate::learning::{Coupling, GdConfig, Precision};
use crate::memory::dynamics::{overlap, Network};
use crate::memory::generalization::SetResult;
use crate::memory::protocol::Protocol;
use crate::memory::retrieval::{flipped_starts, flips_for};
use crate::numerics::statistics::{mean_sem, mean_var};
use crate::Result;

/// Seed of the training subset, the authors' initial couplings, the
/// mini-batch order, the random starts and the flips (each on its stream).
pub const SEED: u64 = 0x6E4E_0003;

/// Source of the verdicts.
const SOURCE: &str =
    "D'Amico et al. 2025, data-sets figure, middle panel (binarized MNIST 14 × 14)";

/// Overlap at or above which a training digit counts as stored (V16).
const STORED: f64 = 0.99;

/// Overlap of the noisy starts with their training digit.
const NOISY_OVERLAP: f64 = 0.4;

/// Example digits per kind of start in the figure.
const EXAMPLES: usize = 4;

/// Training digits started at overlap 0.4, at most (the first ones).
const NOISY_STARTS: usize = 1000;

/// Green of the random starts (the paper's colour for them).
const GREEN: Rgb = palette::SEQ[3];

/// The sizes of one run.
#[derive(Debug, Clone, Serialize)]
pub struct Grid {
    /// Loads α = P/N of the main sweep (asymmetric PL, authors' protocol).
    pub alphas: Vec<f64>,
    /// Loads of the symmetric and the full-batch variants.
    pub variant_alphas: Vec<f64>,
    /// Test starts per point (the first test digits).
    pub test: usize,
    /// Random starts per point.
    pub random: usize,
    /// Full-batch variant: epochs of (T10) from Hebb at β = 0.1, lr 10.
    pub full_batch_epochs: usize,
}

impl Grid {
    /// The paper's grid (1, 2, 5 per decade from 0.1 to 100) with all
    /// 10 000 test digits; at CI size α = 0.1 and 1 with 200 test digits.
    pub fn of(size: Size) -> Self {
        Grid {
            alphas: size.pick(
                vec![0.1, 1.0],
                vec![0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0],
            ),
            variant_alphas: size.pick(vec![0.1], vec![0.1, 1.0, 10.0]),
            test: size.pick(200, 10_000),
            random: size.pick(50, 1000),
            full_batch_epochs: 401,
        }
    }
}

/// One coupling matrix at one point, as recorded.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Train, test and random sets, eqs. (M38)–(M39).
    pub sets: Vec<SetResult>,
    /// Fraction of test starts whose final state's nearest training digit
    /// has their label, eq. (D7), and its standard error.
    pub label_agreement: f64,
    /// See `label_agreement`.
    pub label_agreement_err: f64,
    /// Mean final overlap with the digit of the first training digits
    /// started at overlap 0.4, and its standard error.
    pub noisy_overlap: f64,
    /// See `noisy_overlap`.
    pub noisy_overlap_err: f64,
}

impl Summary {
    /// The set `name` ("train", "test", "random").
    pub fn set(&self, name: &str) -> &SetResult {
        self.sets
            .iter()
            .find(|s| s.name == name)
            .expect("every set is measured")
    }

    /// Test starts: the final state's mean overlap with the nearest
    /// training digit and its standard error, eq. (M39).
    pub fn test_nearest_train(&self) -> (f64, f64) {
        let n = &self.set("test").nearest[0];
        (n.final_state, n.final_state_err)
    }
}

/// One measured point.
#[derive(Debug, Clone, Serialize)]
pub struct AlphaPoint {
    /// "asymmetric, authors", "symmetric, authors" or "asymmetric, full batch".
    pub variant: &'static str,
    /// Nominal load.
    pub alpha: f64,
    /// Training digits P.
    pub p: usize,
    /// PL effective norm β·mean|J_i|.
    pub lambda_eff: f64,
    /// Wall-clock seconds of the point.
    pub seconds: f64,
    /// Pseudo-likelihood.
    pub pl: Summary,
    /// Hebb on the same digits.
    pub hebb: Summary,
}

/// The relaxations shown in the figure at one load: per kind of start
/// (train, test, train at 0.4), the starts and final states as columns.
#[derive(Debug, Clone)]
struct Examples {
    alpha: f64,
    kinds: Relaxations,
}

/// The final states of `starts` under `net` after the 10 steps.
fn relax(net: &Network, starts: &DMatrix<f64>) -> Result<DMatrix<f64>> {
    Ok(Protocol::paper()
        .relax(net, starts.clone(), &dynamics())?
        .states)
}

/// The noisy starts' mean final overlap with their digit (± SE), eq. (M17).
fn noisy(net: &Network, digits: &DMatrix<f64>, starts: &DMatrix<f64>) -> Result<(f64, f64)> {
    let fin = relax(net, starts)?;
    let m: Vec<f64> = (0..digits.ncols())
        .map(|c| overlap(digits.column(c).as_slice(), fin.column(c).as_slice()))
        .collect();
    Ok(mean_sem(&m))
}

/// The recorded summary of one coupling matrix.
fn summary(m: &Measured, noisy: (f64, f64)) -> Summary {
    let (label_agreement, label_agreement_err) = mean_sem(&m.agreement);
    Summary {
        sets: m.sets.clone(),
        label_agreement,
        label_agreement_err,
        noisy_overlap: noisy.0,
        noisy_overlap_err: noisy.1,
    }
}

/// A mean with its standard error.
type MeanErr = (f64, f64);

/// Per kind of start, the starts and their final states as columns.
type Relaxations = Vec<(DMatrix<f64>, DMatrix<f64>)>;

/// The noisy-start measurement of PL and Hebb, and the examples if asked.
fn extras(
    set: &Mnist14,
    run: &MnistRun,
    test: usize,
    examples: bool,
) -> Result<(MeanErr, MeanErr, Option<Relaxations>)> {
    let k = run.p.min(NOISY_STARTS);
    let (digits, _) = set.patterns(MnistSplit::Train, &run.train_indices[..k])?;
    let starts = flipped_starts(&digits, flips_for(N, NOISY_OVERLAP)?, SEED)?;
    let pl = Network::new(run.couplings.clone())?;
    let hebb = Network::new(crate::memory::rules::hebb(&digits_all(set, run)?)?)?;
    let (m_pl, m_hebb) = (
        noisy(&pl, &digits, &starts)?,
        noisy(&hebb, &digits, &starts)?,
    );
    if !examples {
        return Ok((m_pl, m_hebb, None));
    }
    let e = EXAMPLES.min(k);
    let (test_digits, _) = set.patterns(MnistSplit::Test, &(0..e.min(test)).collect::<Vec<_>>())?;
    let mut kinds = Vec::new();
    for s in [
        digits.columns(0, e).into_owned(),
        test_digits,
        starts.columns(0, e).into_owned(),
    ] {
        let fin = relax(&pl, &s)?;
        kinds.push((s, fin));
    }
    Ok((m_pl, m_hebb, Some(kinds)))
}

/// All P training digits of a run.
fn digits_all(set: &Mnist14, run: &MnistRun) -> Result<DMatrix<f64>> {
    Ok(set.patterns(MnistSplit::Train, &run.train_indices)?.0)
}

/// Measures one point (seed [`SEED`]); the examples when `examples`.
fn measure_point(
    set: &Mnist14,
    grid: &Grid,
    variant: &'static str,
    alpha: f64,
    examples: bool,
) -> Result<(AlphaPoint, Option<Examples>)> {
    let clock = Stopwatch::start();
    let (coupling, training) = match variant {
        "symmetric, authors" => (Coupling::Symmetric, MnistTraining::Authors(Precision::F32)),
        "asymmetric, full batch" => (
            Coupling::Asymmetric,
            MnistTraining::FullBatch(GdConfig {
                precision: Precision::F32,
                ..GdConfig::paper(grid.full_batch_epochs)
            }),
        ),
        _ => (Coupling::Asymmetric, MnistTraining::Authors(Precision::F32)),
    };
    let point = MnistPoint {
        alpha,
        test: grid.test,
        random: grid.random,
        coupling,
        training,
        protocol: Protocol::paper(),
    };
    let run = run_point(set, &point, SEED)?;
    let (m_pl, m_hebb, kinds) = extras(set, &run, grid.test, examples)?;
    let out = AlphaPoint {
        variant,
        alpha,
        p: run.p,
        lambda_eff: run.lambda_eff,
        seconds: clock.seconds(),
        pl: summary(&run.pl, m_pl),
        hebb: summary(&run.hebb, m_hebb),
    };
    Ok((out, kinds.map(|kinds| Examples { alpha, kinds })))
}

/// The main sweep's variant.
const MAIN: &str = "asymmetric, authors";

/// The two variants measured at [`Grid::variant_alphas`].
const VARIANTS: [&str; 2] = ["symmetric, authors", "asymmetric, full batch"];

/// Every point: the main sweep (with examples at its ends), then the
/// variants.
fn measure_all(set: &Mnist14, grid: &Grid) -> Result<(Vec<AlphaPoint>, Vec<Examples>)> {
    let (lo, hi) = (grid.alphas[0], grid.alphas[grid.alphas.len() - 1]);
    let mut points = Vec::new();
    let mut examples = Vec::new();
    for &a in &grid.alphas {
        let (p, e) = measure_point(set, grid, MAIN, a, a == lo || a == hi)?;
        points.push(p);
        examples.extend(e);
    }
    for variant in VARIANTS {
        for &a in &grid.variant_alphas {
            points.push(measure_point(set, grid, variant, a, false)?.0);
        }
    }
    Ok((points, examples))
}

/// E|S_N|/N for S_N a sum of N independent ±1 signs (N even):
/// C(N, N/2)/2^N = Π_{k=1}^{N/2} (N/2 + k)/(4k), eq. (V16).
fn mean_abs_walk(n: usize) -> f64 {
    let m = n / 2;
    (1..=m).map(|k| (m + k) as f64 / (4 * k) as f64).product()
}

/// The training subset's mean pair overlap against the whole training
/// split's (D6): the subset's U-statistic, its standard error
/// 2·sd_μ[(1/N) ξ^μ·ξ̄]/√P (Hoeffding's first-order term, ξ̄ the split's
/// mean image), and the split's value.
fn subset_overlap(set: &Mnist14, xi: &DMatrix<f64>) -> Result<(f64, f64, f64)> {
    let population = overlap_stats(set)?.mean_overlap;
    let n_train = set.len(MnistSplit::Train);
    let mut mean = vec![0.0; N];
    for k in 0..n_train {
        let img = set.image(MnistSplit::Train, k)?;
        mean.iter_mut()
            .zip(&img)
            .for_each(|(m, v)| *m += v / n_train as f64);
    }
    let p = xi.ncols() as f64;
    let sum = xi.column_sum();
    let u = (sum.norm_squared() - p * N as f64) / (N as f64 * p * (p - 1.0));
    let h: Vec<f64> = xi
        .column_iter()
        .map(|c| c.iter().zip(&mean).map(|(a, b)| a * b).sum::<f64>() / N as f64)
        .collect();
    let (_, var) = mean_var(&h);
    Ok((u, 2.0 * (var / p).sqrt(), population))
}

/// The main sweep's point at `alpha`.
fn at(points: &[AlphaPoint], alpha: f64) -> &AlphaPoint {
    points
        .iter()
        .find(|p| p.variant == MAIN && p.alpha == alpha)
        .expect("a measured load")
}

/// Checks (V16): the data's statistics on the largest subset and PL's
/// training digits fixed points at the smallest load.
fn checks(set: &Mnist14, points: &[AlphaPoint], grid: &Grid) -> Result<Vec<Check>> {
    let lo = at(points, grid.alphas[0]);
    let p = crate::data::patterns::num_patterns(N, CHECK_ALPHA)?;
    let (xi, _) = set.patterns(MnistSplit::Train, &set.shuffled_train(p, SEED)?)?;
    let (u, se, population) = subset_overlap(set, &xi)?;
    Ok(vec![
        Check::within(
            format!("mean pair overlap of the P = {p} training digits against all 60 000 (D6)"),
            u,
            population,
            4.0 * se,
        )
        .note(format!(
            "4σ, σ = {se:.2e}: Hoeffding's first-order term of the U-statistic, (V16)"
        )),
        Check::at_least(
            format!(
                "PL at α = {}: fraction of training digits that are fixed points",
                lo.alpha
            ),
            lo.pl.set("train").fixed_points,
            1.0,
        )
        .note("P ≪ 2N and the authors' 602 steps at lr 100 leave every stability positive, (V16)"),
    ])
}

/// The load of the data check and of the Hebbian attractor count at every
/// run size (the paper's largest; neither trains, so they cost a second).
const CHECK_ALPHA: f64 = 100.0;

/// Hebb's random starts at [`CHECK_ALPHA`]: how many end at one attractor
/// pair, and their m_F beside E|S_N|/N, the value if all did and chose
/// their sign by x·s* (V16).
#[derive(Debug, Clone, Serialize)]
pub struct HebbPair {
    /// Fraction of the random starts ending at ±s*.
    pub fraction: f64,
    /// Their mean final overlap with the start.
    pub overlap: f64,
    /// Its standard error.
    pub overlap_err: f64,
    /// E|S_N|/N at N = 196.
    pub one_pair_value: f64,
}

/// Under the Hebbian couplings of `xi`, from `random` random starts (seed
/// [`SEED`]): the fraction whose state after the 10 steps is ±s*, the first
/// start's final state, and their mean final overlap m_F with its standard
/// error.
fn hebb_pair(xi: &DMatrix<f64>, random: usize) -> Result<HebbPair> {
    let net = Network::new(crate::memory::rules::hebb(xi)?)?;
    let starts = random_configurations(N, random, SEED)?;
    let fin = relax(&net, &starts)?;
    let first = fin.column(0);
    let k = fin
        .column_iter()
        .filter(|c| c == &first || c.iter().zip(first.iter()).all(|(a, b)| *a == -*b))
        .count();
    let m: Vec<f64> = (0..random)
        .map(|c| overlap(starts.column(c).as_slice(), fin.column(c).as_slice()))
        .collect();
    let (overlap, overlap_err) = mean_sem(&m);
    Ok(HebbPair {
        fraction: k as f64 / random as f64,
        overlap,
        overlap_err,
        one_pair_value: mean_abs_walk(N),
    })
}

/// Why a quick run cannot decide the verdicts.
fn quick_reason(size: Size) -> Option<String> {
    (size == Size::Quick).then(|| {
        "CI size: α = 0.1 and 1 with 200 test digits do not reach the paper's large loads".into()
    })
}

/// "Training digits are stored at small load": the fraction of the loads
/// α ≤ 1 where PL's training m_F ≥ 0.99 (the paper's panel: 1 up to α = 2).
fn stored_verdict(points: &[AlphaPoint], grid: &Grid, size: Size) -> Verdict {
    let small: Vec<&AlphaPoint> = grid
        .alphas
        .iter()
        .filter(|&&a| a <= 1.0)
        .map(|&a| at(points, a))
        .collect();
    let k = small
        .iter()
        .filter(|p| p.pl.set("train").overlap >= STORED)
        .count();
    let list: Vec<String> = small
        .iter()
        .map(|p| format!("{}: {:.4}", p.alpha, p.pl.set("train").overlap))
        .collect();
    Verdict::new(
        "pseudo-likelihood stores its training digits at small load (α ≤ 1)",
        SOURCE,
        k as f64 / small.len() as f64,
        Interval::at_least(1.0),
        Interval::at_least(0.5),
    )
    .measurement(format!(
        "PL train m_F ≥ {STORED} at {k} of {} loads α ≤ 1 (α: m_F = {})",
        small.len(),
        list.join(", ")
    ))
    .criterion("CONFIRMED at every load α ≤ 1, CONTRADICTED at fewer than half")
    .undecidable(quick_reason(size))
}

/// "The test overlap rises with α": PL test m_F at the largest load minus
/// at the smallest.
fn rising_verdict(points: &[AlphaPoint], grid: &Grid, size: Size) -> Verdict {
    let (a0, a1) = (grid.alphas[0], grid.alphas[grid.alphas.len() - 1]);
    let (t0, t1) = (at(points, a0).pl.set("test"), at(points, a1).pl.set("test"));
    let (d, s) = (t1.overlap - t0.overlap, se2(t0.overlap_err, t1.overlap_err));
    let rises = points
        .iter()
        .filter(|p| p.variant == MAIN)
        .collect::<Vec<_>>()
        .windows(2)
        .filter(|w| w[1].pl.set("test").overlap > w[0].pl.set("test").overlap)
        .count();
    Verdict::new(
        "the test-digit overlap of pseudo-likelihood rises with the load α",
        SOURCE,
        d,
        Interval::at_least(4.0 * s),
        Interval::at_least(-4.0 * s),
    )
    .uncertainty(s)
    .measurement(format!(
        "PL test m_F {:.3} ± {:.3} at α = {a0} → {:.3} ± {:.3} at α = {a1} (Δ = {d:.3} ± {s:.3}); it rises between {rises} of {} consecutive loads",
        t0.overlap, t0.overlap_err, t1.overlap, t1.overlap_err, grid.alphas.len() - 1
    ))
    .criterion("CONFIRMED if Δ ≥ 4σ, CONTRADICTED if Δ < −4σ (the 4σ convention)")
    .undecidable(quick_reason(size))
}

/// "Attractors correlated with test digits beyond what the nearest training
/// digit explains": at the largest load, the test starts' m_F minus their
/// final states' overlap with the nearest training digit.
fn beyond_verdict(points: &[AlphaPoint], grid: &Grid, size: Size) -> Verdict {
    let a1 = grid.alphas[grid.alphas.len() - 1];
    let p = at(points, a1);
    let t = p.pl.set("test");
    let (near, near_err) = p.pl.test_nearest_train();
    let (d, s) = (t.overlap - near, se2(t.overlap_err, near_err));
    Verdict::new(
        "test digits fall into attractors of pseudo-likelihood closer to them than to any training digit",
        SOURCE,
        d,
        Interval::at_least(4.0 * s),
        Interval::at_least(-4.0 * s),
    )
    .uncertainty(s)
    .measurement(format!(
        "at α = {a1}: test m_F {:.4} ± {:.4}, final state's overlap with the nearest training digit {near:.4} ± {near_err:.4} (Δ = {d:.4} ± {s:.4}); labels agree {:.3}",
        t.overlap, t.overlap_err, p.pl.label_agreement
    ))
    .criterion("CONFIRMED if Δ ≥ 4σ, CONTRADICTED if Δ < −4σ (σ of the two means as independent; they share the starts)")
    .undecidable(quick_reason(size))
}

/// "PL beats Hebb": the fraction of the main sweep's loads where PL's test
/// m_F exceeds Hebb's by 4σ.
fn beats_verdict(points: &[AlphaPoint], size: Size) -> Verdict {
    let main: Vec<&AlphaPoint> = points.iter().filter(|p| p.variant == MAIN).collect();
    let k = main
        .iter()
        .filter(|p| {
            let (a, b) = (p.pl.set("test"), p.hebb.set("test"));
            a.overlap - b.overlap > 4.0 * se2(a.overlap_err, b.overlap_err)
        })
        .count();
    Verdict::new(
        "pseudo-likelihood generalizes better than Hebb on MNIST (test m_F)",
        SOURCE,
        k as f64 / main.len() as f64,
        Interval::at_least(1.0),
        Interval::at_least(0.5),
    )
    .measurement(format!(
        "PL test m_F exceeds Hebb's by 4σ at {k} of {} loads",
        main.len()
    ))
    .criterion("CONFIRMED at every load, CONTRADICTED at fewer than half")
    .undecidable(quick_reason(size))
}

/// One measured quantity of the main sweep against α, as a line through
/// points with error bars (`dash` for the line).
fn sweep(
    points: &[AlphaPoint],
    label: &str,
    value: impl Fn(&AlphaPoint) -> (f64, f64),
    dash: Dash,
    color: Rgb,
) -> [Series; 2] {
    let main: Vec<&AlphaPoint> = points.iter().filter(|p| p.variant == MAIN).collect();
    let xy: Vec<(f64, f64)> = main.iter().map(|p| (p.alpha, value(p).0)).collect();
    let err: Vec<f64> = main.iter().map(|p| value(p).1).collect();
    [
        Series::line(label, xy.clone(), dash, color),
        Series::points("", xy, err, color),
    ]
}

/// A panel against α on a log axis over the grid.
fn alpha_panel(grid: &Grid, title: &str, y_label: &str) -> Panel {
    let (a0, a1) = (grid.alphas[0], grid.alphas[grid.alphas.len() - 1]);
    Panel::new("model load α = P/N", y_label)
        .title(title)
        .x_log()
        .x_range(a0 / 1.3, a1 * 1.3)
        .y_range(0.0, 1.05)
}

/// The paper's panel: train, test and random m_F against α, PL solid and
/// Hebb dashed.
fn overlaps_panel(points: &[AlphaPoint], grid: &Grid) -> Panel {
    let mut panel = alpha_panel(
        grid,
        "final overlaps (PL solid, Hebb dashed)",
        "final overlap m_F",
    )
    .legend(LegendAt::LowerRight);
    for (name, color) in [
        ("train", palette::BLUE),
        ("test", palette::ORANGE),
        ("random", GREEN),
    ] {
        for (pl, dash) in [(true, Dash::Solid), (false, Dash::Dashed)] {
            // One legend entry per colour: the title tells PL from Hebb.
            let label = if pl { name.to_string() } else { String::new() };
            let value = |p: &AlphaPoint| {
                let s = if pl { &p.pl } else { &p.hebb }.set(name);
                (s.overlap, s.overlap_err)
            };
            for s in sweep(points, &label, value, dash, color) {
                panel.push(s);
            }
        }
    }
    panel
}

/// One recorded quantity of a point, with its standard error.
type Value = fn(&AlphaPoint) -> MeanErr;

/// Label agreement (D7) and the test starts' final overlap with the
/// nearest training digit beside their m_F.
fn labels_panel(points: &[AlphaPoint], grid: &Grid) -> Panel {
    let (a0, a1) = (grid.alphas[0], grid.alphas[grid.alphas.len() - 1]);
    let mut panel = alpha_panel(
        grid,
        "test starts: labels and nearest training digit",
        "fraction, overlap",
    )
    .legend(LegendAt::LowerRight)
    .with(Series::line(
        "chance 0.1",
        vec![(a0 / 1.3, 0.1), (a1 * 1.3, 0.1)],
        Dash::Dotted,
        palette::GREY,
    ));
    let rows: [(&str, Dash, Rgb, Value); 4] = [
        ("PL test m_F", Dash::Solid, palette::ORANGE, |p| {
            (p.pl.set("test").overlap, p.pl.set("test").overlap_err)
        }),
        (
            "PL final · nearest train",
            Dash::Dashed,
            palette::BLUE,
            |p| p.pl.test_nearest_train(),
        ),
        ("PL label agreement", Dash::Solid, palette::BLACK, |p| {
            (p.pl.label_agreement, p.pl.label_agreement_err)
        }),
        ("Hebb label agreement", Dash::Dashed, palette::RED, |p| {
            (p.hebb.label_agreement, p.hebb.label_agreement_err)
        }),
    ];
    for (label, dash, color, value) in rows {
        for s in sweep(points, label, value, dash, color) {
            panel.push(s);
        }
    }
    panel
}

/// Train (solid) and test (dashed) m_F of the three variants at their loads.
fn variants_panel(points: &[AlphaPoint], grid: &Grid) -> Panel {
    let mut panel = alpha_panel(
        grid,
        "variants: train (solid), test (dashed)",
        "final overlap m_F",
    )
    .legend(LegendAt::LowerLeft);
    for (variant, color) in [
        (MAIN, palette::BLACK),
        (VARIANTS[0], palette::RED),
        (VARIANTS[1], palette::BLUE),
    ] {
        let at_loads: Vec<&AlphaPoint> = grid
            .variant_alphas
            .iter()
            .filter_map(|&a| points.iter().find(|p| p.variant == variant && p.alpha == a))
            .collect();
        for (name, dash) in [("train", Dash::Solid), ("test", Dash::Dashed)] {
            let xy: Vec<(f64, f64)> = at_loads
                .iter()
                .map(|p| (p.alpha, p.pl.set(name).overlap))
                .collect();
            let err = at_loads
                .iter()
                .map(|p| p.pl.set(name).overlap_err)
                .collect();
            panel.push(Series::line(
                format!("{variant}, {name}"),
                xy.clone(),
                dash,
                color,
            ));
            panel.push(Series::points("", xy, err, color));
        }
    }
    panel
}

/// Final overlap with the digit of training digits started at overlap 0.4.
fn noisy_panel(points: &[AlphaPoint], grid: &Grid) -> Panel {
    let (a0, a1) = (grid.alphas[0], grid.alphas[grid.alphas.len() - 1]);
    let mut panel = alpha_panel(
        grid,
        "training digits started at overlap 0.4",
        "final overlap with the digit",
    )
    .legend(LegendAt::LowerLeft)
    .with(Series::line(
        "start 0.4",
        vec![(a0 / 1.3, NOISY_OVERLAP), (a1 * 1.3, NOISY_OVERLAP)],
        Dash::Dotted,
        palette::GREY,
    ));
    for (label, pl, dash, color) in [
        ("PL", true, Dash::Solid, palette::BLUE),
        ("Hebb", false, Dash::Dashed, palette::RED),
    ] {
        let value = |p: &AlphaPoint| {
            let s = if pl { &p.pl } else { &p.hebb };
            (s.noisy_overlap, s.noisy_overlap_err)
        };
        for s in sweep(points, label, value, dash, color) {
            panel.push(s);
        }
    }
    panel
}

/// Cells between the start and the final state of one example.
const PAIR_GAP: usize = 1;
/// Cells between two kinds of start, and between two examples.
const GAP: usize = 3;

/// The example relaxations at one load as one binary image: one row per
/// example; per kind (train, test, train at 0.4) its start and its final
/// state; grey separators.
fn mosaic_panel(ex: &Examples) -> Panel {
    let rows = ex.kinds.iter().map(|k| k.0.ncols()).max().unwrap_or(0);
    let kinds = ex.kinds.len();
    let width = kinds * (2 * SIDE + PAIR_GAP) + (kinds - 1) * GAP;
    let height = rows * SIDE + rows.saturating_sub(1) * GAP;
    let mut img = vec![vec![f64::NAN; width]; height];
    for (k, (starts, finals)) in ex.kinds.iter().enumerate() {
        for e in 0..starts.ncols() {
            for (h, m) in [starts, finals].iter().enumerate() {
                let (x0, y0) = (
                    k * (2 * SIDE + PAIR_GAP + GAP) + h * (SIDE + PAIR_GAP),
                    e * (SIDE + GAP),
                );
                for i in 0..N {
                    img[y0 + i / SIDE][x0 + i % SIDE] = m[(i, e)];
                }
            }
        }
    }
    img.reverse();
    let edges = |n: usize| (0..=n).map(|v| v as f64).collect::<Vec<_>>();
    Panel::new(
        "train | test | train at m = 0.4: start, 10 steps",
        "examples",
    )
    .title(format!("PL attractors at α = {}", ex.alpha))
    .legend(LegendAt::None)
    .x_range(0.0, width as f64)
    .y_range(0.0, height as f64)
    .with(Series::image(
        format!("digits at alpha = {}", ex.alpha),
        edges(width),
        edges(height),
        img,
    ))
}

/// The figure: the paper's panel, labels, variants, noisy starts, and the
/// example digits at the smallest and the largest load.
fn build_figure(points: &[AlphaPoint], examples: &[Examples], grid: &Grid) -> Figure {
    let mut panels = vec![
        overlaps_panel(points, grid),
        labels_panel(points, grid),
        variants_panel(points, grid),
        noisy_panel(points, grid),
    ];
    panels.extend(examples.iter().map(mosaic_panel));
    Figure::new(
        format!(
            "Binarized MNIST 14×14: asymmetric PL (authors' protocol) and Hebb, {} test digits",
            grid.test
        ),
        2,
        panels,
    )
}

/// Runs the claim: the sweep, its variants and examples; writes
/// `generalization_mnist.{svg,png,json}`.
pub fn run(size: Size, out: &Path) -> Result<Results> {
    let grid = Grid::of(size);
    let set = Mnist14::shipped()?;
    let (points, examples) = measure_all(&set, &grid)?;
    let checks = checks(&set, &points, &grid)?;
    let p = crate::data::patterns::num_patterns(N, CHECK_ALPHA)?;
    let (xi, _) = set.patterns(MnistSplit::Train, &set.shuffled_train(p, SEED)?)?;
    let hebb = hebb_pair(&xi, grid.random)?;
    let verdicts = vec![
        stored_verdict(&points, &grid, size),
        rising_verdict(&points, &grid, size),
        beyond_verdict(&points, &grid, size),
        beats_verdict(&points, size),
    ];

    #[derive(Serialize)]
    struct Meta<'a> {
        size: Size,
        seed: u64,
        grid: &'a Grid,
        protocol: &'static str,
        points: &'a [AlphaPoint],
        hebb_attractors: &'a HebbPair,
    }
    save_figure(
        out,
        "generalization_mnist",
        &build_figure(&points, &examples, &grid),
        &Meta {
            size,
            seed: SEED,
            grid: &grid,
            protocol: "authors: mini-batch GD (T19), beta 0.1, lr 100, 301 epochs, batch min(P, 1000), J0 ~ N(0, 1/N), f32; full batch: GD from Hebb, beta 0.1, lr 10, 401 epochs, f32; 10 synchronous steps",
            points: &points,
            hebb_attractors: &hebb,
        },
        &checks,
        &verdicts,
    )?;
    Ok(Results { checks, verdicts })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// E|S_N|/N against its direct sum over the binomial law at N = 4
    /// (S ∈ {±4: 1, ±2: 4, 0: 6} of 16: E|S| = 24/16) and against the
    /// Stirling limit 1/√(πN/2) at N = 196 (relative error 1/(4N)).
    #[test]
    fn mean_abs_walk_matches_the_binomial_law() {
        assert!((mean_abs_walk(4) - 1.5 / 4.0).abs() < 1e-15);
        let stirling = 1.0 / (std::f64::consts::PI * 98.0).sqrt();
        assert!((mean_abs_walk(196) / stirling - 1.0).abs() < 1.0 / (4.0 * 196.0) * 1.01);
    }

    #[test]
    fn full_grid_spans_the_papers_loads() {
        let g = Grid::of(Size::Full);
        assert_eq!(g.alphas.first(), Some(&0.1));
        assert_eq!(g.alphas.last(), Some(&100.0));
        assert_eq!(g.test, 10_000);
    }
}
