//! Claim `generalization_proteins`: a Potts model fitted by pseudo-likelihood
//! to P = α·L sequences of a protein family keeps its training sequences as
//! fixed points up to α of a few, and relaxes held-out family members onto
//! attractors that share a growing fraction of residues with them (the
//! paper's right panel of its data-sets figure), for asymmetric and
//! symmetric couplings (theory/potts.md §5).
//!
//! Each load fits both couplings ([`crate::compare::generalization_proteins::run_point`])
//! and relaxes training, held-out and random sequences for 10 synchronous
//! steps. Publication size: DHFR (L = 159, q = 21, 3616 sequences, plmc's
//! penalties) with the L-BFGS budget and the α grid of [`Grid::of`], set by
//! the machine's cost; CI size: plmc's 3-state chain `potts3.a2m` (L = 60,
//! 500 sequences). At publication size DHFR is also fitted exactly as plmc's
//! documented run and its contact scores checked against plmc's
//! (`DHFR.couplings`); potts3 has no plmc reference, so at CI size that check
//! is not run and the JSON says why. Checks and verdicts: (V18) of
//! theory/validation.md.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::stats::se2;
use super::{Results, Size};
use crate::compare::contact_agreement::{agreement, fit_as_plmc, ScoreAgreement};
use crate::compare::generalization_proteins::{
    max_training, pair_identity, pair_identity_weighted, run_point, ProteinPoint, SetStats,
};
use crate::data::msa::{Alphabet, Msa};
use crate::data::patterns::{PatternKind, Patterns};
use crate::data::plmc_couplings::read_scores;
use crate::data::potts_sampler::{gibbs_samples, PottsParams};
use crate::data::sequence_weights::{per_record, sequence_weights};
use crate::error::{Error, Result};
use crate::figures::report::{save_figure, Check, Stopwatch};
use crate::figures::verdict::{Interval, Verdict};
use crate::figures::{palette, Dash, Figure, LegendAt, Panel, Rgb, Series};
use crate::learning::potts::scores::zero_sum_block;
use crate::learning::potts::{
    contact_scores, fit_potts, objective, FitReport, LbfgsOptions, Penalty, PottsConfig, PottsData,
    PottsModel,
};
use crate::learning::{Coupling, Problem};

/// Seed of the split and of the random sequences (each on its stream).
pub const SEED: u64 = 0x5071_0014;

/// Source of the verdicts.
const SOURCE: &str = "D'Amico et al. 2025, data-sets figure, right panel (protein sequences)";

/// Identity at or above which a training sequence counts as stored (V18).
const STORED: f64 = 0.99;

/// Lower bounds on the agreement of plmc's run reproduced with DHFR.couplings,
/// eq. (Q18): Spearman over the 12 561 pairs and the overlap of the top-L
/// pairs. Both programs minimise the same objective from nearly the same start
/// for the same 100 iterations and differ only along the path (line search,
/// L-BFGS memory, the start's fields, the gauge of the score): measured 0.9998
/// and 1.000; 0.999 and 0.95 leave room for those differences, not for another
/// objective, (V18).
pub const SPEARMAN_BOUND: f64 = 0.999;
/// See [`SPEARMAN_BOUND`].
pub const TOP_L_BOUND: f64 = 0.95;

/// Green of the random starts.
const GREEN: Rgb = palette::SEQ[3];

/// The sizes of one run.
#[derive(Debug, Clone, Serialize)]
pub struct Grid {
    /// The alignment (under the crate's `data/dhfr/`), its alphabet and focus.
    pub msa: &'static str,
    /// Alphabet of the alignment.
    pub alphabet: &'static str,
    /// Focus sequence (name prefix), if any.
    pub focus: Option<&'static str>,
    /// Loads α = P/L.
    pub alphas: Vec<f64>,
    /// Held-out test sequences, random sequences, relaxed training sequences.
    pub held_out: usize,
    /// See `held_out`.
    pub random: usize,
    /// See `held_out`.
    pub train_starts: usize,
    /// Penalties of the fit.
    pub lambda_j: f64,
    /// See `lambda_j`.
    pub lambda_h: f64,
    /// L-BFGS iterations at most.
    pub iterations: u64,
}

impl Grid {
    /// Publication size: DHFR with plmc's penalties, α = 0.1, 0.5, 2, 5, 10, 15,
    /// 20 (the held-out set leaves α ≤ (3616 − 200)/159 = 21.5) and 30 L-BFGS
    /// iterations. Measured on the shared two-core machine (one other job
    /// beside it): the 14 points 526 s wall, α = 20 the dearest (asymmetric
    /// 45 s, symmetric 71 s; 22 s and 55 s alone), plmc's 100-iteration run
    /// 193 s, the claim 723 s wall, 11.8 CPU-minutes, 1.7 GB peak; (V18). CI
    /// size: potts3 with plmc's README penalties for it (λ = 1), α = 0.5, 2, 6.
    pub fn of(size: Size) -> Self {
        match size {
            Size::Quick => Grid {
                msa: "potts3.a2m",
                alphabet: "_*^",
                focus: None,
                alphas: vec![0.5, 2.0, 6.0],
                held_out: 50,
                random: 20,
                train_starts: 100,
                lambda_j: 1.0,
                lambda_h: 1.0,
                iterations: 100,
            },
            Size::Full => Grid {
                msa: "DHFR.a2m",
                alphabet: crate::data::msa::PROTEIN,
                focus: Some("DYR_ECOLI"),
                alphas: vec![0.1, 0.5, 2.0, 5.0, 10.0, 15.0, 20.0],
                held_out: 200,
                random: 100,
                train_starts: 300,
                lambda_j: 16.0,
                lambda_h: 0.01,
                iterations: 30,
            },
        }
    }
}

/// One fitted model at one load, as recorded.
#[derive(Debug, Clone, Serialize)]
pub struct AlphaPoint {
    /// "asymmetric" or "symmetric".
    pub coupling: &'static str,
    /// Nominal load and training sequences.
    pub alpha: f64,
    /// See `alpha`.
    pub p: usize,
    /// Final objective, gradient norm and iterations of the fit.
    pub objective: f64,
    /// See `objective`.
    pub gradient_norm: f64,
    /// See `objective`.
    pub iterations: u64,
    /// Wall-clock seconds of the point (fit and dynamics).
    pub seconds: f64,
    /// Train, test and random sets.
    pub sets: Vec<SetStats>,
}

impl AlphaPoint {
    fn set(&self, name: &str) -> &SetStats {
        self.sets
            .iter()
            .find(|s| s.name == name)
            .expect("every set is measured")
    }
}

fn data_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("data/dhfr")
        .join(name)
}

fn read(grid: &Grid) -> Result<Msa> {
    Msa::read(
        &data_path(grid.msa),
        Alphabet::custom(grid.alphabet)?,
        grid.focus,
    )
}

/// Every load with both couplings; the symmetric fit of the largest load is
/// returned for the contact map. Progress lines with an ETA on stderr: the
/// mean cost of the points done times the points left (at DHFR's size the
/// L-BFGS work on the L·q²-long site vectors, or on the L²q²/2 symmetric
/// ones, dominates the data term below α of a few, so points cost alike).
fn measure_all(msa: &Msa, grid: &Grid) -> Result<(Vec<AlphaPoint>, PottsModel)> {
    let clock = Stopwatch::start();
    let total = 2 * grid.alphas.len();
    let mut done = 0;
    let mut points = Vec::new();
    let mut last = None;
    for &alpha in &grid.alphas {
        for coupling in [Coupling::Asymmetric, Coupling::Symmetric] {
            let t = Stopwatch::start();
            let mut pt = ProteinPoint::new(alpha, coupling);
            pt.test = grid.held_out;
            pt.random = grid.random;
            pt.max_train_starts = grid.train_starts;
            pt.penalty = Penalty {
                lambda_h: grid.lambda_h,
                lambda_j: grid.lambda_j,
            };
            pt.lbfgs.max_iterations = grid.iterations;
            let run = run_point(msa, &pt, SEED)?;
            let name = if coupling == Coupling::Symmetric {
                "symmetric"
            } else {
                "asymmetric"
            };
            done += 1;
            let el = clock.seconds();
            eprintln!(
                "generalization_proteins: {name} α = {alpha} (P = {}) done in {:.0} s; elapsed {el:.0} s, ETA {:.0} s",
                run.p,
                t.seconds(),
                el * (total - done) as f64 / done as f64
            );
            points.push(AlphaPoint {
                coupling: name,
                alpha,
                p: run.p,
                objective: run.fit.objective,
                gradient_norm: run.fit.gradient_norm,
                iterations: run.fit.iterations,
                seconds: t.seconds(),
                sets: run.sets.clone(),
            });
            if coupling == Coupling::Symmetric {
                last = Some(run.model);
            }
        }
    }
    Ok((points, last.expect("at least one load")))
}

fn at<'a>(points: &'a [AlphaPoint], coupling: &str, alpha: f64) -> &'a AlphaPoint {
    points
        .iter()
        .find(|p| p.coupling == coupling && p.alpha == alpha)
        .expect("a measured load")
}

/// Check 1: the sequence weights of DHFR against plmc's file, bit for bit.
fn weights_check() -> Result<Check> {
    let msa = Msa::read(
        &data_path("DHFR.a2m"),
        Alphabet::protein(),
        Some("DYR_ECOLI"),
    )?;
    let ours = per_record(&msa, &sequence_weights(&msa, 0.2)?);
    let text = std::fs::read_to_string(data_path("DHFR_weights_raw.txt"))?;
    let plmc: Vec<f64> = text
        .lines()
        .map(|l| l.trim().parse::<f64>())
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| Error::Other(format!("DHFR_weights_raw.txt: {e}")))?;
    let diff = if plmc.len() == ours.len() {
        ours.iter()
            .zip(&plmc)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max)
    } else {
        f64::INFINITY
    };
    Ok(Check::at_most(
        "DHFR sequence weights (θ = 0.2): largest |ours − plmc| over the 3629 records",
        diff,
        0.0,
    )
    .note("plmc prints %.16e, which round-trips a double: equality is exact, (V18)"))
}

/// Check 2: q = 2 with J_ij(a, b) = J_ij s_a s_b is N·P times the binary
/// pseudo-likelihood loss (Q8).
fn q2_check() -> Result<Check> {
    let (n, alpha) = (12, 1.5);
    let pats = Patterns::generate(n, alpha, PatternKind::Binary, SEED)?;
    let p = pats.xi.ncols();
    let codes: Vec<u8> = (0..p)
        .flat_map(|mu| (0..n).map(move |i| (mu, i)))
        .map(|(mu, i)| u8::from(pats.xi[(i, mu)] > 0.0))
        .collect();
    let data = PottsData::new(n, 2, codes, vec![1.0; p])?;
    let j = nalgebra::DMatrix::from_fn(n, n, |a, b| {
        if a == b {
            0.0
        } else {
            0.3 * (((a * 7 + b * 13) % 11) as f64 / 5.0 - 1.0)
        }
    });
    let s = |a: usize| 2.0 * a as f64 - 1.0;
    let mut m = PottsModel::zeros(n, 2);
    for i in 0..n {
        for k in 0..n {
            for (a, b) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
                m.set_coupling(i, k, a, b, j[(i, k)] * s(a) * s(b));
            }
        }
    }
    let pen = Penalty {
        lambda_h: 0.0,
        lambda_j: 0.0,
    };
    let (f, _) = objective(&data, &m, pen, Coupling::Asymmetric)?;
    let (loss, _) = Problem::network(&pats, Coupling::Asymmetric)?.loss_and_gradient(&j, 1.0);
    let np = (n * p) as f64;
    Ok(Check::at_most(
        "q = 2 Potts objective against N·P × the binary PL loss: relative difference",
        (f - np * loss).abs() / f,
        1e-13,
    )
    .note("the same N·P terms of size ~1 summed in another order: 1e-13, (V18)"))
}

/// A chain of 10 sites, q = 3, symmetric couplings of size ~1 in the
/// zero-sum gauge (the recovery check's truth).
fn chain_model() -> PottsModel {
    let (l, q) = (10, 3);
    let hash = |k: usize| ((k * 2_654_435_761) % 1000) as f64 / 500.0 - 1.0;
    let mut m = PottsModel::zeros(l, q);
    for (k, v) in m.h.iter_mut().enumerate() {
        *v = 0.5 * hash(k + 1);
    }
    for i in 0..l - 1 {
        let mut c = vec![0.0; q * q];
        for (k, v) in c.iter_mut().enumerate() {
            *v = hash(100 + 9 * i + k);
        }
        let mut raw = PottsModel::zeros(2, q);
        for a in 0..q {
            for b in 0..q {
                raw.set_coupling(0, 1, a, b, c[a * q + b]);
                raw.set_coupling(1, 0, b, a, c[a * q + b]);
            }
        }
        let z = zero_sum_block(&raw, 0, 1);
        for a in 0..q {
            for b in 0..q {
                m.set_coupling(i, i + 1, a, b, z[a * q + b]);
                m.set_coupling(i + 1, i, b, a, z[a * q + b]);
            }
        }
    }
    m
}

/// RMS difference of the zero-sum blocks over all pairs.
fn coupling_error(fit: &PottsModel, truth: &PottsModel) -> f64 {
    let l = truth.l();
    let (mut s, mut n) = (0.0, 0usize);
    for i in 0..l {
        for j in i + 1..l {
            let (a, b) = (zero_sum_block(fit, i, j), zero_sum_block(truth, i, j));
            s += a
                .iter()
                .zip(&b)
                .map(|(x, y)| (x - y) * (x - y))
                .sum::<f64>();
            n += a.len();
        }
    }
    (s / n as f64).sqrt()
}

/// Check 3: the chain learned back from P = 500 and 8000 Gibbs samples.
fn recovery_check() -> Result<(Check, [f64; 2])> {
    let truth = chain_model();
    let params = PottsParams {
        l: truth.l(),
        q: truth.q(),
        h: &truth.h,
        w: &truth.w,
    };
    let cfg = PottsConfig {
        coupling: Coupling::Symmetric,
        penalty: Penalty {
            lambda_h: 0.01,
            lambda_j: 0.01,
        },
        lbfgs: LbfgsOptions {
            gradient_tolerance: 0.0,
            max_iterations: 1000,
            memory: 7,
        },
    };
    let mut e = [0.0; 2];
    for (k, p) in [500, 8000].into_iter().enumerate() {
        let codes = gibbs_samples(params, p, 100, SEED)?;
        // |∇F| ≤ 1e-5·P: P terms of curvature ~0.1 put the parameters within
        // ~1e-4 of the optimum, below the statistical error ≳ 0.01, (V18).
        let cfg = PottsConfig {
            lbfgs: LbfgsOptions {
                gradient_tolerance: 1e-5 * p as f64,
                ..cfg.lbfgs
            },
            ..cfg
        };
        let data = PottsData::new(truth.l(), truth.q(), codes, vec![1.0; p])?;
        e[k] = coupling_error(&fit_potts(&data, &cfg)?.model, &truth);
    }
    Ok((
        Check::at_most(
            format!(
                "recovery of a 10-site q = 3 chain: RMS coupling error at P = 8000 over P = 500 ({:.4} / {:.4})",
                e[1], e[0]
            ),
            e[1] / e[0],
            0.5,
        )
        .note("1/√P predicts 0.25; 0.5 fails on a stalled error, (V18)"),
        e,
    ))
}

fn quick_reason(size: Size) -> Option<String> {
    (size == Size::Quick).then(|| {
        "CI size: plmc's 3-state chain, not a protein family; the verdicts are about DHFR".into()
    })
}

fn stored_verdict(points: &[AlphaPoint], grid: &Grid, size: Size) -> Verdict {
    let small: Vec<f64> = grid.alphas.iter().copied().filter(|&a| a <= 2.0).collect();
    let k = small
        .iter()
        .filter(|&&a| at(points, "asymmetric", a).set("train").overlap >= STORED)
        .count();
    let list: Vec<String> = small
        .iter()
        .map(|&a| {
            format!(
                "{a}: {:.4}",
                at(points, "asymmetric", a).set("train").overlap
            )
        })
        .collect();
    Verdict::new(
        "training sequences stay fixed points of asymmetric PL up to α of a few",
        SOURCE,
        k as f64 / small.len().max(1) as f64,
        Interval::at_least(1.0),
        Interval::at_least(0.5),
    )
    .measurement(format!(
        "train identity ≥ {STORED} at {k} of {} loads α ≤ 2 (α: identity = {})",
        small.len(),
        list.join(", ")
    ))
    .criterion("CONFIRMED at every load α ≤ 2, CONTRADICTED at fewer than half")
    .undecidable(quick_reason(size))
}

fn rising_verdict(points: &[AlphaPoint], grid: &Grid, size: Size) -> Verdict {
    let (a0, a1) = (grid.alphas[0], grid.alphas[grid.alphas.len() - 1]);
    let (t0, t1) = (
        at(points, "asymmetric", a0).set("test"),
        at(points, "asymmetric", a1).set("test"),
    );
    let (d, s) = (t1.overlap - t0.overlap, se2(t0.overlap_err, t1.overlap_err));
    Verdict::new(
        "the test-sequence overlap rises with α (asymmetric PL)",
        SOURCE,
        d,
        Interval::at_least(4.0 * s),
        Interval::at_least(-4.0 * s),
    )
    .uncertainty(s)
    .measurement(format!(
        "test identity {:.3} ± {:.3} at α = {a0} → {:.3} ± {:.3} at α = {a1}",
        t0.overlap, t0.overlap_err, t1.overlap, t1.overlap_err
    ))
    .criterion("CONFIRMED if Δ ≥ 4σ, CONTRADICTED if Δ < −4σ")
    .undecidable(quick_reason(size))
}

fn beyond_verdict(points: &[AlphaPoint], grid: &Grid, size: Size) -> Verdict {
    let a1 = grid.alphas[grid.alphas.len() - 1];
    let t = at(points, "asymmetric", a1).set("test");
    let (d, s) = (
        t.overlap - t.final_nearest_train,
        se2(t.overlap_err, t.final_nearest_train_err),
    );
    Verdict::new(
        "test sequences fall into attractors closer to them than to any training sequence",
        SOURCE,
        d,
        Interval::at_least(4.0 * s),
        Interval::at_least(-4.0 * s),
    )
    .uncertainty(s)
    .measurement(format!(
        "at α = {a1}: identity of the final state with its start {:.4} ± {:.4}, with the nearest training sequence {:.4} ± {:.4}; closer to the start for {:.3} of the test sequences (their start's nearest training identity {:.4})",
        t.overlap, t.overlap_err, t.final_nearest_train, t.final_nearest_train_err, t.closer_to_start, t.start_nearest_train
    ))
    .criterion("CONFIRMED if Δ ≥ 4σ, CONTRADICTED if Δ < −4σ (σ of the two means as independent; they share the starts)")
    .undecidable(quick_reason(size))
}

fn symmetric_verdict(points: &[AlphaPoint], grid: &Grid, size: Size) -> Verdict {
    let k = grid
        .alphas
        .iter()
        .filter(|&&a| {
            let (x, y) = (
                at(points, "asymmetric", a).set("train"),
                at(points, "symmetric", a).set("train"),
            );
            x.overlap >= y.overlap - 4.0 * se2(x.overlap_err, y.overlap_err)
        })
        .count();
    let list: Vec<String> = grid
        .alphas
        .iter()
        .map(|&a| {
            format!(
                "{a}: {:.3}/{:.3}",
                at(points, "asymmetric", a).set("train").overlap,
                at(points, "symmetric", a).set("train").overlap
            )
        })
        .collect();
    Verdict::new(
        "asymmetric couplings keep training sequences at least as well as symmetric ones",
        SOURCE,
        k as f64 / grid.alphas.len() as f64,
        Interval::at_least(1.0),
        Interval::at_least(0.5),
    )
    .measurement(format!(
        "asymmetric train identity ≥ symmetric − 4σ at {k} of {} loads (α: asym/sym = {})",
        grid.alphas.len(),
        list.join(", ")
    ))
    .criterion("CONFIRMED at every load, CONTRADICTED at fewer than half")
    .undecidable(quick_reason(size))
}

/// plmc's documented DHFR run reproduced (publication size).
#[derive(Debug, Clone, Serialize)]
pub struct PlmcRun {
    /// How the 100-iteration symmetric fit ended: objective, gradient norm
    /// |∇F| at its last point, iterations (plmc stops on the count, not at
    /// the optimum: theory/potts.md §4).
    pub fit: FitReport,
    /// Wall-clock seconds of the fit.
    pub seconds: f64,
    /// Its APC scores against DHFR.couplings, eq. (Q18).
    pub agreement: ScoreAgreement,
    /// Its APC scores in pair order (drawn beside plmc's; not in the JSON).
    #[serde(skip)]
    pub scores: Vec<f64>,
}

/// Checks 4 and 5: DHFR fitted exactly as plmc's documented run (symmetric,
/// λ_J = 16, λ_h = 0.01, gaps ignored, focus DYR_ECOLI, θ = 0.2, 100
/// iterations) ranks the pairs as `plmc` (DHFR.couplings, pair order) does.
fn plmc_checks(msa: &Msa, plmc: &[f64]) -> Result<(Vec<Check>, PlmcRun)> {
    let t = Stopwatch::start();
    let fit = fit_as_plmc(msa)?;
    let seconds = t.seconds();
    let scores = contact_scores(&fit.model);
    let r = agreement(&scores, plmc, msa.n_sites())?;
    let what = format!(
        "plmc's DHFR run reproduced ({} iterations, |∇F| = {:.1})",
        fit.report.iterations, fit.report.gradient_norm
    );
    let note = "same objective, start and iteration count as plmc, only the path differs: measured 0.9998 and 1.000, (V18)";
    let checks = vec![
        Check::at_least(
            format!(
                "{what}: Spearman of the APC scores with DHFR.couplings over the {} pairs",
                plmc.len()
            ),
            r.spearman,
            SPEARMAN_BOUND,
        )
        .note(note)
        .runtime(seconds),
        Check::at_least(
            format!(
                "{what}: overlap of the top-{} pairs with DHFR.couplings'",
                r.top
            ),
            r.top_overlap,
            TOP_L_BOUND,
        )
        .note(note)
        .runtime(seconds),
    ];
    Ok((
        checks,
        PlmcRun {
            fit: fit.report,
            seconds,
            agreement: r,
            scores,
        },
    ))
}

/// Why the plmc checks do not run at CI size.
const NO_PLMC_REFERENCE: &str =
    "CI size: plmc's scores exist for DHFR only (none for potts3); the check runs at publication size";

/// A score map: upper triangle `upper`, lower triangle `lower` (pair order
/// i < j), each scaled by its 99th percentile.
fn score_map(upper: &[f64], lower: Option<&[f64]>, l: usize, title: String) -> Panel {
    let scale = |s: &[f64]| {
        let mut v: Vec<f64> = s.iter().copied().filter(|x| x.is_finite()).collect();
        v.sort_by(f64::total_cmp);
        v[(v.len() * 99) / 100].max(1e-12)
    };
    let su = scale(upper);
    let sl = lower.map(scale);
    let pair = |i: usize, j: usize| i * l - i * (i + 1) / 2 + (j - i - 1);
    let img: Vec<Vec<f64>> = (0..l)
        .map(|i| {
            (0..l)
                .map(|j| match (i.cmp(&j), lower, sl) {
                    (std::cmp::Ordering::Less, _, _) => (upper[pair(i, j)] / su).clamp(0.0, 1.0),
                    (std::cmp::Ordering::Greater, Some(lo), Some(s)) => {
                        (lo[pair(j, i)] / s).clamp(0.0, 1.0)
                    }
                    _ => f64::NAN,
                })
                .collect()
        })
        .collect();
    let edges: Vec<f64> = (0..=l).map(|v| v as f64 + 0.5).collect();
    Panel::new("site j", "site i")
        .title(title)
        .legend(LegendAt::None)
        .x_range(0.5, l as f64 + 0.5)
        .y_range(0.5, l as f64 + 0.5)
        .with(Series::heatmap(
            "APC score / its 99th percentile",
            edges.clone(),
            edges,
            img,
            (0.0, 1.0),
        ))
}

fn overlaps_panel(points: &[AlphaPoint], grid: &Grid, baselines: (f64, f64)) -> Panel {
    let (a0, a1) = (grid.alphas[0], grid.alphas[grid.alphas.len() - 1]);
    let (lo, hi) = (a0 / 1.5, a1 * 1.5);
    let mut panel = Panel::new("model load α = P/N", "overlap (identity)")
        .title("overlap after 10 steps (asym solid, sym dashed)")
        .x_log()
        .x_range(lo, hi)
        .y_range(0.0, 1.6)
        .legend(LegendAt::UpperRight);
    for (name, color) in [
        ("train", palette::BLUE),
        ("test", palette::ORANGE),
        ("random", GREEN),
    ] {
        for (coupling, dash) in [("asymmetric", Dash::Solid), ("symmetric", Dash::Dashed)] {
            let xy: Vec<(f64, f64)> = grid
                .alphas
                .iter()
                .map(|&a| (a, at(points, coupling, a).set(name).overlap))
                .collect();
            let err = grid
                .alphas
                .iter()
                .map(|&a| at(points, coupling, a).set(name).overlap_err)
                .collect();
            // One legend entry per start set; the title tells the couplings apart.
            let label = if coupling == "asymmetric" { name } else { "" };
            panel.push(Series::line(label, xy.clone(), dash, color));
            panel.push(Series::points("", xy, err, color));
        }
    }
    // The two baselines differ in the third digit: one line, both values.
    panel.push(Series::line(
        format!(
            "pair identity {:.3} (reweighted {:.3})",
            baselines.0, baselines.1
        ),
        vec![(lo, baselines.0), (hi, baselines.0)],
        Dash::Dotted,
        palette::BLACK,
    ));
    panel
}

fn nearest_panel(points: &[AlphaPoint], grid: &Grid) -> Panel {
    let (a0, a1) = (grid.alphas[0], grid.alphas[grid.alphas.len() - 1]);
    let mut panel = Panel::new("model load α = P/N", "identity")
        .title("test starts, asymmetric: identities")
        .x_log()
        .x_range(a0 / 1.5, a1 * 1.5)
        .y_range(0.0, 1.6)
        .legend(LegendAt::UpperRight);
    type Pick = fn(&SetStats) -> f64;
    let rows: [(&str, Dash, Rgb, Pick); 4] = [
        ("final · start", Dash::Solid, palette::ORANGE, |s| {
            s.overlap
        }),
        ("final · nearest train", Dash::Dashed, palette::BLUE, |s| {
            s.final_nearest_train
        }),
        ("start · nearest train", Dash::Dotted, palette::GREY, |s| {
            s.start_nearest_train
        }),
        (
            "fraction closer to start",
            Dash::Solid,
            palette::BLACK,
            |s| s.closer_to_start,
        ),
    ];
    for (label, dash, color, pick) in rows {
        let xy: Vec<(f64, f64)> = grid
            .alphas
            .iter()
            .map(|&a| (a, pick(at(points, "asymmetric", a).set("test"))))
            .collect();
        panel.push(Series::line(label, xy, dash, color));
    }
    panel
}

/// Runs the claim; writes `generalization_proteins.{svg,png,json}`.
pub fn run(size: Size, out: &Path) -> Result<Results> {
    let grid = Grid::of(size);
    let msa = read(&grid)?;
    let avail = max_training(&msa, grid.held_out) as f64 / msa.n_sites() as f64;
    if grid.alphas.iter().any(|&a| a > avail) {
        return Err(Error::InvalidInput(format!(
            "the grid's largest α exceeds {avail:.2}"
        )));
    }
    let (points, model) = measure_all(&msa, &grid)?;
    let baselines = (
        pair_identity(&msa)?.0,
        pair_identity_weighted(&msa, &sequence_weights(&msa, 0.2)?)?.0,
    );
    let (recovery, errors) = recovery_check()?;
    let mut checks = vec![weights_check()?, q2_check()?, recovery];
    // plmc's reference scores exist for DHFR only.
    let plmc = if grid.msa == "DHFR.a2m" {
        Some(read_scores(&data_path("DHFR.couplings"), &msa)?)
    } else {
        None
    };
    let plmc_run = match &plmc {
        Some(reference) => {
            let (c, run) = plmc_checks(&msa, reference)?;
            checks.extend(c);
            Some(run)
        }
        None => None,
    };
    let verdicts = vec![
        stored_verdict(&points, &grid, size),
        rising_verdict(&points, &grid, size),
        beyond_verdict(&points, &grid, size),
        symmetric_verdict(&points, &grid, size),
    ];
    let l = msa.n_sites();
    let ours = contact_scores(&model);
    let a1 = grid.alphas[grid.alphas.len() - 1];
    // With plmc's scores: the fit of plmc's own run beside them (the
    // agreement the checks test), then the largest-α generalization fit.
    let mut maps = Vec::new();
    let spearman = match (&plmc, &plmc_run) {
        (Some(reference), Some(run)) => {
            maps.push(score_map(
                &run.scores,
                Some(reference),
                l,
                format!(
                    "APC: plmc's run (j > i), plmc (j < i), ρ = {:.4}",
                    run.agreement.spearman
                ),
            ));
            let rho = crate::numerics::statistics::spearman(&ours, reference)?;
            maps.push(score_map(
                &ours,
                Some(reference),
                l,
                format!("APC: fit α = {a1} (j > i), plmc (j < i), ρ = {rho:.3}"),
            ));
            Some(rho)
        }
        _ => {
            maps.push(score_map(
                &ours,
                None,
                l,
                format!("APC scores: symmetric fit at α = {a1} (j > i)"),
            ));
            None
        }
    };
    let figure = Figure::new(
        format!(
            "{} (L = {l}, q = {}): Potts PL, λ_J = {}, λ_h = {}, ≤ {} L-BFGS iterations",
            grid.msa,
            msa.alphabet().q(),
            grid.lambda_j,
            grid.lambda_h,
            grid.iterations
        ),
        2,
        [
            vec![
                overlaps_panel(&points, &grid, baselines),
                nearest_panel(&points, &grid),
            ],
            maps,
        ]
        .concat(),
    );

    #[derive(Serialize)]
    struct Meta<'a> {
        size: Size,
        seed: u64,
        grid: &'a Grid,
        sites: usize,
        states: usize,
        sequences: usize,
        weights: &'static str,
        pair_identity: f64,
        pair_identity_reweighted: f64,
        recovery_errors: [f64; 2],
        spearman_against_plmc: Option<f64>,
        plmc_run: Option<PlmcRun>,
        plmc_run_not_applicable: Option<&'static str>,
        points: &'a [AlphaPoint],
    }
    save_figure(
        out,
        "generalization_proteins",
        &figure,
        &Meta {
            size,
            seed: SEED,
            grid: &grid,
            sites: l,
            states: msa.alphabet().q(),
            sequences: msa.n_sequences(),
            weights: "unit (every training sequence weighs 1)",
            pair_identity: baselines.0,
            pair_identity_reweighted: baselines.1,
            recovery_errors: errors,
            spearman_against_plmc: spearman,
            plmc_run_not_applicable: plmc_run.is_none().then_some(NO_PLMC_REFERENCE),
            plmc_run,
            points: &points,
        },
        &checks,
        &verdicts,
    )?;
    Ok(Results { checks, verdicts })
}
