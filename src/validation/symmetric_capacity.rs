//! Claim `symmetric_capacity`: the maximal stability κ*_sym(α) of symmetric
//! couplings, exact at finite N and extrapolated to N → ∞, decides the
//! paper's "α_c = 1 for symmetric couplings" (κ*_sym(1) > 0 in the limit
//! means α_c^sym > 1) and tests the second-cumulant replica theory of
//! theory/symmetric.md (S15)–(S16).
//!
//! Every κ*_sym is bracketed by the verified cone program of
//! [`crate::memory::symmetric_margin`] (a solution whose stabilities are
//! recomputed from the coupling matrix, and a checked infeasibility
//! certificate), so the finite-N points carry only sampling error; the exact
//! inequalities it must obey on every set (the pseudo-inverse below, the
//! asymmetric maximal margin above) are the claim's checks.
//!
//! Beside them, at sizes the cone program cannot reach, the rows' own
//! optima measure the asymmetry a² that the bound (S26) turns into a
//! statement about the limit: symmetry costs stability as N → ∞, although at
//! every N measured the worst row hides that cost (V19). The cavity theory
//! (S27) of that asymmetry is checked against the same optima.

use std::path::Path;

use nalgebra::DMatrix;
use rayon::prelude::*;
use serde::Serialize;

use super::capacity::{crossing, Crossing};
use super::{Results, Size};
use crate::figures::report::{num, save_figure, Check, Stopwatch};
use crate::figures::size_fit::size_fit_line;
use crate::figures::verdict::{Interval, Verdict};
use crate::figures::{palette, Dash, Figure, LegendAt, Panel, Series};
use crate::memory::couplings::stabilities;
use crate::memory::rules::pseudo_inverse;
use crate::memory::storability::{
    max_margin as set_max_margin, random_patterns, storability, Options, Symmetry,
};
use crate::memory::symmetric_margin::symmetric_max_margin;
use crate::memory::symmetric_relaxation::RowOptima;
use crate::numerics::extrapolation::{
    accepted_fits, covering_interval, fit_all_laws, sigmas_from_limits, SizeFit,
};
use crate::numerics::rng;
use crate::numerics::statistics::{mean_sem, mean_var, sorted, weighted_mean};
use crate::replica::capacity::max_margin as gardner_max_margin;
use crate::replica::row_bound::network_storable_fraction;
use crate::replica::row_symmetry::{row_symmetry, symmetric_margin_bound, RowSymmetry};
use crate::replica::symmetric_capacity::{self as theory, StabilityLaw};
use crate::{Error, Result};

/// Base seed of every pattern set of this claim (recorded in the JSON).
pub const SEED: u64 = 0x00C0_FFEE_0015;

/// The loads of the claim: α = 0.5, where the pseudo-inverse bound
/// √((1 − α)/α) = 1 lies above the theory's κ*_sym = 0.767, and α = 1, the
/// paper's capacity.
pub const LOADS: [f64; 2] = [0.5, 1.0];

/// Width asked of every proved bracket on κ*_sym: half the typical standard
/// error of a mean over sets (0.005–0.01 at the claim's sizes) and five times
/// the looseness of the infeasibility certificates near κ*_sym (~10⁻³, which
/// can stop a bracket short of its width). Each set's value is its bracket's
/// midpoint; the mean half-width bounds the bias of a mean, is added to its
/// error in quadrature and checked against its standard error, (V13c).
const WIDTH: f64 = 5e-3;

/// Margin accuracy of the verified row QP (memory/feasibility.rs), as in
/// (V13b): a row bound above a bracket's upper end by more than this is a
/// certified gap.
const ROW_MARGIN_ACCURACY: f64 = 1e-6;

/// Sizes N and pattern sets per N at each size. Full: ~15 min of cone
/// programs on 2 cores (a set costs ~0.2 s at N = 16 and ~25 s at N = 50,
/// growing like N^4.5); quick: seconds.
fn plan(size: Size) -> Vec<(usize, usize)> {
    size.pick(
        vec![(10, 12), (12, 12), (14, 10), (16, 10)],
        vec![(16, 160), (20, 120), (26, 80), (32, 56), (40, 32), (50, 16)],
    )
}

/// Sizes and sets of the asymmetry measurement (S26). Full: ~20 s a set at
/// N = 200 (N row QPs and the bisection of (S25a)), ~3 min for both loads on
/// 2 cores; quick: a second.
fn asymmetry_plan(size: Size) -> Vec<(usize, usize)> {
    size.pick(vec![(12, 4), (16, 4)], vec![(50, 8), (100, 8), (200, 8)])
}

/// Bisection width of κ_agg (S25): 10⁻³ of the margins compared, far below
/// the asymmetry cost κ*(α)(1 − √(1 − a²)) ≥ 0.008 it is set beside.
const AGG_WIDTH: f64 = 5e-4;

/// The rows' own optima at one (N, α), eqs. (S23)–(S26): means over sets
/// with standard errors.
#[derive(Debug, Clone, Serialize)]
struct AsymmetryPoint {
    n: usize,
    p: usize,
    /// Sets drawn, and those with a row that is not separable (left out).
    sets: usize,
    inseparable: usize,
    /// a² = ‖(W − Wᵀ)/2‖²/‖W‖² of the rows' unit optima W (S26).
    a2: f64,
    a2_se: f64,
    /// Mean over sets of the within-set standard deviation of κ*_i and of
    /// |S_i| (S = (W + Wᵀ)/2): the spreads the limit (S26) needs to vanish.
    kappa_rows_sd: f64,
    s_norm_sd: f64,
    /// Mean |S_i|: √(1 − a²) when the rows are alike.
    s_norm_mean: f64,
    /// Means of the row bound min_i κ*_i (S18), of mean_i κ*_i, of the
    /// closed form (S24) and of the relaxation κ_agg (S25, upper end).
    kappa_row: f64,
    kappa_rows_mean: f64,
    kappa_s: f64,
    kappa_agg: f64,
    /// Largest (κ_agg lower end − κ*_row) over sets: ≤ 0 by (S25).
    agg_above_row: f64,
    seconds: f64,
}

/// The asymmetry point of load index `k` at N, `sets` sets (the same pattern
/// sets as the cone programs where N coincides).
fn asymmetry_point(n: usize, sets: usize, k: usize) -> Result<AsymmetryPoint> {
    let clock = Stopwatch::start();
    let p = ((LOADS[k] * n as f64).round() as usize).max(1);
    let sd = |v: &[f64]| mean_var(v).1.sqrt();
    type Row = [f64; 9];
    let rows: Vec<Option<Row>> = (0..sets)
        .into_par_iter()
        .map(|s| -> Result<Option<Row>> {
            let Some(o) = RowOptima::of(&patterns(n, p, k, s))? else {
                return Ok(None);
            };
            let norms = o.symmetric_row_norms();
            let (agg_lo, agg_hi) = o.aggregated_bound(AGG_WIDTH)?;
            Ok(Some([
                o.asymmetry(),
                sd(&o.margins),
                sd(&norms),
                norms.iter().sum::<f64>() / n as f64,
                o.row_bound(),
                o.margins.iter().sum::<f64>() / n as f64,
                o.symmetric_part_bound(),
                agg_hi,
                agg_lo - o.row_bound(),
            ]))
        })
        .collect::<Result<_>>()?;
    let used: Vec<Row> = rows.iter().flatten().copied().collect();
    if used.len() < 2 {
        return Err(Error::NoSolution(format!(
            "fewer than two of {sets} sets at N = {n}, α = {} have separable rows",
            LOADS[k]
        )));
    }
    let col = |c: usize| -> Vec<f64> { used.iter().map(|r| r[c]).collect() };
    let mean = |c: usize| mean_sem(&col(c)).0;
    let (a2, a2_se) = mean_sem(&col(0));
    Ok(AsymmetryPoint {
        n,
        p,
        sets,
        inseparable: sets - used.len(),
        a2,
        a2_se,
        kappa_rows_sd: mean(1),
        s_norm_sd: mean(2),
        s_norm_mean: mean(3),
        kappa_row: mean(4),
        kappa_rows_mean: mean(5),
        kappa_s: mean(6),
        kappa_agg: mean(7),
        agg_above_row: col(8).into_iter().fold(f64::NEG_INFINITY, f64::max),
        seconds: clock.seconds(),
    })
}

/// The bound (S26) on lim κ*_sym(α) from the asymmetry at the largest N, and
/// its error: the standard error and the change from the next size in
/// quadrature (V19).
fn limit_bound(load: &Load) -> Option<(f64, f64)> {
    let [.., prev, last] = load.asymmetry.as_slice() else {
        return None;
    };
    let sigma_a2 = last.a2_se.hypot(last.a2 - prev.a2);
    let root = (1.0 - last.a2).sqrt();
    Some((load.gardner * root, load.gardner * sigma_a2 / (2.0 * root)))
}

/// One pattern set's κ*_sym with the exact bounds it must obey.
#[derive(Debug, Clone, Serialize)]
struct SetResult {
    /// Index of the set.
    set: usize,
    /// Proved lower end of the bracket on κ*_sym (the verified margin).
    kappa: f64,
    /// Proved upper end.
    upper: f64,
    /// Smallest stability of the pseudo-inverse couplings (P < N; None when
    /// the patterns are dependent and the rule does not exist).
    pinv: Option<f64>,
    /// Asymmetric maximal margin of the same set: the smallest of the rows'
    /// maximal margins (0 when a row is not separable, so κ*_asym ≤ 0).
    asym: f64,
    /// Every Δ_i^μ at the maximal-stability couplings.
    #[serde(skip)]
    stabilities: Vec<f64>,
}

/// What became of one set.
enum Outcome {
    /// κ*_sym > 0, bracketed.
    Margin(SetResult),
    /// No symmetric J stores the set (κ*_sym ≤ 0, certified).
    NotStorable,
    /// A solver gave no verified answer (the message).
    Undecided(String),
}

/// The patterns of set `s` at (N, P) of load index `k`.
fn patterns(n: usize, p: usize, k: usize, s: usize) -> Vec<Vec<f64>> {
    random_patterns(n, p, rng::derive(SEED, &[k as u64, n as u64, s as u64]))
}

/// Smallest stability of the pseudo-inverse couplings, eq. (M4): symmetric
/// with zero diagonal, so a lower bound on κ*_sym (None for P ≥ N, where the
/// projector is the identity and its couplings vanish, or dependent patterns).
fn pseudo_inverse_margin(pats: &[Vec<f64>]) -> Result<Option<f64>> {
    let (n, p) = (pats[0].len(), pats.len());
    if p >= n {
        return Ok(None);
    }
    let xi = DMatrix::from_fn(n, p, |i, mu| pats[mu][i]);
    match pseudo_inverse(&xi) {
        Ok(j) => Ok(Some(stabilities(&j, &xi)?.min())),
        Err(Error::NoSolution(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// κ*_sym of one set with its pseudo-inverse and asymmetric bounds.
fn one_set(n: usize, p: usize, k: usize, s: usize) -> Outcome {
    let pats = patterns(n, p, k, s);
    let run = || -> Result<Option<SetResult>> {
        let Some(m) = symmetric_max_margin(&pats, WIDTH)? else {
            return Ok(None);
        };
        let asym = set_max_margin(&pats, Symmetry::Asymmetric, WIDTH, s)?.map_or(0.0, |a| a.kappa);
        Ok(Some(SetResult {
            set: s,
            kappa: m.kappa,
            upper: m.upper,
            pinv: pseudo_inverse_margin(&pats)?,
            asym,
            stabilities: m.best.stabilities,
        }))
    };
    match run() {
        Ok(Some(r)) => Outcome::Margin(r),
        Ok(None) => Outcome::NotStorable,
        Err(e) => Outcome::Undecided(format!("set {s}: {e}")),
    }
}

/// The sets at one (N, α) and their statistics.
#[derive(Debug, Clone, Serialize)]
struct SizePoint {
    n: usize,
    p: usize,
    alpha: f64,
    /// Sets drawn.
    sets: usize,
    /// Sets no symmetric J stores (certified; left out of the mean).
    not_storable: usize,
    /// Sets without a verified answer (left out of the mean), with why.
    undecided: Vec<String>,
    /// Mean κ*_sym over the storable sets (each set's bracket midpoint)
    /// and its standard error.
    mean: f64,
    se: f64,
    /// Mean half-width of the brackets: bounds the bias of `mean`.
    half_width: f64,
    /// Mean smallest pseudo-inverse stability (NaN at P ≥ N) and its error.
    pinv_mean: f64,
    pinv_se: f64,
    /// Mean asymmetric maximal margin and its error.
    asym_mean: f64,
    asym_se: f64,
    /// Wall-clock seconds of the sets.
    seconds: f64,
    /// Every set's bracket and bounds.
    results: Vec<SetResult>,
}

impl SizePoint {
    /// (N, mean, error) for the finite-size fits: the standard error and
    /// the brackets' bias bound added in quadrature, (V13c).
    fn fit_point(&self) -> (f64, f64, f64) {
        (self.n as f64, self.mean, self.se.hypot(self.half_width))
    }

    /// Bound on the shift of the mean by the undecided sets, in standard
    /// errors: with u undecided among m + u sets, the full mean differs from
    /// the mean of the m by at most u/(m + u) times the range of κ*_sym over
    /// sets, (V13d).
    fn undecided_bias(&self) -> f64 {
        let u = self.undecided.len() as f64;
        if u == 0.0 {
            return 0.0;
        }
        let (lo, hi) = self
            .results
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), r| {
                (l.min(r.kappa), h.max(r.kappa))
            });
        u / (u + self.results.len() as f64) * (hi - lo) / self.se
    }
}

/// The sets of one (N, α), in parallel (the result does not depend on the
/// number of threads: set s owns its seed).
fn size_point(n: usize, sets: usize, k: usize) -> SizePoint {
    let clock = Stopwatch::start();
    let p = ((LOADS[k] * n as f64).round() as usize).max(1);
    let outcomes: Vec<Outcome> = (0..sets)
        .into_par_iter()
        .map(|s| one_set(n, p, k, s))
        .collect();
    let (mut results, mut undecided, mut not_storable) = (Vec::new(), Vec::new(), 0);
    for o in outcomes {
        match o {
            Outcome::Margin(r) => results.push(r),
            Outcome::NotStorable => not_storable += 1,
            Outcome::Undecided(m) => undecided.push(m),
        }
    }
    let of = |f: fn(&SetResult) -> Option<f64>| -> (f64, f64) {
        let v: Vec<f64> = results.iter().filter_map(f).collect();
        if v.is_empty() {
            (f64::NAN, f64::NAN)
        } else {
            mean_sem(&v)
        }
    };
    let (mean, se) = of(|r| Some(0.5 * (r.kappa + r.upper)));
    let (half_width, _) = of(|r| Some(0.5 * (r.upper - r.kappa)));
    let (pinv_mean, pinv_se) = of(|r| r.pinv);
    let (asym_mean, asym_se) = of(|r| Some(r.asym));
    SizePoint {
        n,
        p,
        alpha: p as f64 / n as f64,
        sets,
        not_storable,
        undecided,
        mean,
        se,
        half_width,
        pinv_mean,
        pinv_se,
        asym_mean,
        asym_se,
        seconds: clock.seconds(),
        results,
    }
}

/// Everything measured at one load.
#[derive(Debug, Clone, Serialize)]
struct Load {
    alpha: f64,
    /// The second-cumulant theory's κ*_sym(α), eq. (S15).
    theory: f64,
    /// Gardner's κ*(α) of asymmetric couplings (an upper bound).
    gardner: f64,
    /// The pseudo-inverse bound √((1 − α)/α) (a lower bound as N → ∞).
    pinv_bound: f64,
    points: Vec<SizePoint>,
    /// The rows' optima at larger N, eqs. (S23)–(S26).
    asymmetry: Vec<AsymmetryPoint>,
    /// Their asymmetry in the cavity theory, eq. (S27), and the limit bound
    /// κ*(α)√(1 − a²) it gives, eq. (S28).
    rows_theory: RowSymmetry,
    bound_theory: f64,
    /// The means fitted under every finite-size law.
    fits: Vec<SizeFit>,
    /// The interval covering the accepted fits ± their errors, (V12).
    interval: Option<(f64, f64)>,
    seconds: f64,
}

/// Runs every size at load index `k` and fits the means.
fn load(size: Size, k: usize) -> Result<Load> {
    let clock = Stopwatch::start();
    let alpha = LOADS[k];
    let points: Vec<SizePoint> = plan(size)
        .into_iter()
        .map(|(n, sets)| size_point(n, sets, k))
        .collect();
    // A mean over fewer than two sets has no error and cannot be fitted.
    let pts: Vec<(f64, f64, f64)> = points
        .iter()
        .filter(|p| p.results.len() >= 2 && p.se > 0.0)
        .map(SizePoint::fit_point)
        .collect();
    let fits = fit_all_laws(&pts);
    let asymmetry = asymmetry_plan(size)
        .into_iter()
        .map(|(n, sets)| asymmetry_point(n, sets, k))
        .collect::<Result<Vec<_>>>()?;
    Ok(Load {
        asymmetry,
        rows_theory: row_symmetry(alpha)?,
        bound_theory: symmetric_margin_bound(alpha)?,
        alpha,
        theory: theory::max_margin(alpha)?,
        gardner: gardner_max_margin(alpha)?,
        pinv_bound: ((1.0 - alpha) / alpha).sqrt(),
        interval: covering_interval(&fits),
        fits,
        points,
        seconds: clock.seconds(),
    })
}

/// The largest value of `f` over every set of every size (−∞ when no set
/// has it), with where it occurs.
fn worst(load: &Load, f: impl Fn(&SetResult) -> Option<f64>) -> (f64, String) {
    let mut out = (f64::NEG_INFINITY, "no set".to_string());
    for p in &load.points {
        for r in &p.results {
            if let Some(v) = f(r).filter(|&v| v > out.0) {
                out = (v, format!("N = {}, set {}", p.n, r.set));
            }
        }
    }
    out
}

/// The exact finite-N inequalities, set by set, (V13a)–(V13d).
fn set_checks(load: &Load) -> Vec<Check> {
    let a = load.alpha;
    let sets: usize = load.points.iter().map(|p| p.results.len()).sum();
    let mut checks = Vec::new();
    let (v, at) = load
        .points
        .iter()
        .map(|p| (p.half_width / p.se, p.n))
        .fold((f64::NEG_INFINITY, 0), |w, x| if x.0 > w.0 { x } else { w });
    checks.push(
        Check::at_most(
            format!("brackets' bias bound / standard error, α = {a}"),
            v,
            1.0,
        )
        .note(format!(
            "(V13c) mean bracket half-width ≤ the mean's standard error; largest at N = {at}, {sets} sets"
        )),
    );
    let (v, at) = worst(load, |r| Some(r.kappa - r.asym));
    checks.push(
        Check::at_most(
            format!("max (κ*_sym − κ*_asym) over sets, α = {a}"),
            v,
            ROW_MARGIN_ACCURACY,
        )
        .note(format!(
            "(V13b) symmetry is a constraint: the verified symmetric margin is a row margin; \
                 1e-6 is the QP's margin accuracy; worst at {at}"
        )),
    );
    if load.alpha < 1.0 {
        let (v, at) = worst(load, |r| r.pinv.map(|q| q - r.upper));
        checks.push(
            Check::at_most(
                format!("max (pinv margin − κ*_sym upper end) over sets, α = {a}"),
                v,
                1e-9,
            )
            .note(format!(
                "(V13a) the pseudo-inverse couplings are symmetric: κ*_sym ≥ their margin; \
                 1e-9 is the rounding of both bounds; worst at {at}"
            )),
        );
    }
    let bias = load
        .points
        .iter()
        .map(SizePoint::undecided_bias)
        .fold(0.0, f64::max);
    let undecided: usize = load.points.iter().map(|p| p.undecided.len()).sum();
    checks.push(
        Check::at_most(format!("undecided sets' bias / σ, α = {a}"), bias, 1.0)
            .note(format!(
                "(V13d) {undecided} undecided sets; the shift they could cause stays within the error bar"
            )),
    );
    let fitted = load.points.iter().filter(|p| p.se > 0.0).count();
    checks.push(
        Check::at_least(
            format!("sizes with a fitted mean, α = {a}"),
            fitted as f64,
            3.0,
        )
        .note("(V12) the free exponent needs three sizes"),
    );
    for c in &mut checks {
        c.runtime = load.seconds;
    }
    checks
}

/// The theory solved two ways: κ*_sym(α) by (S15), then α_c^sym of that
/// margin by (S14), must return α.
fn round_trip_check(alpha: f64) -> Result<Check> {
    let back = theory::alpha_c(theory::max_margin(alpha)?)?;
    Ok(Check::within(
        format!("α_c^sym(κ*_sym(α)) (theory), α = {}", alpha),
        back,
        alpha,
        1e-12,
    )
    .note("(V13e) both solved by safeguarded Newton to ~1e-14 relative; 1e-12 allows the condition number of the round trip"))
}

/// The source of the theory tested by verdict (b).
const THEORY_SOURCE: &str =
    "theory/symmetric.md (S15): replica symmetry with the pattern average to second order";

/// A verdict on `value` as the N → ∞ limit of κ*_sym at `load`, (V13):
/// m = the smallest |y∞ − value|/σ over the accepted fits, each y∞ clamped
/// first into the exact bounds on the limit, [√((1−α)/α), κ*(α)] (the
/// pseudo-inverse couplings' stabilities concentrate at the lower one;
/// symmetry is a constraint, so Gardner's κ*(α) is the upper one); CONTRADICTED if
/// m > 4, CONFIRMED if the largest is ≤ 2 and every accepted fit could have
/// contradicted `value` had the limit been Gardner's κ*(α) (4σ < |κ*(α) −
/// value|), INCONCLUSIVE otherwise.
fn limit_verdict(load: &Load, statement: &str, source: &str, value: f64) -> Verdict {
    let lower = if load.pinv_bound.is_finite() {
        load.pinv_bound.max(0.0)
    } else {
        0.0
    };
    let (z_min, z_max) = sigmas_from_limits(&load.fits, value, (lower, load.gardner));
    let sigma_max = accepted_fits(&load.fits)
        .iter()
        .map(|f| f.limit_err)
        .fold(0.0, f64::max);
    let resolution = (load.gardner - value).abs();
    let undecidable = if z_min <= 2.0 && z_max > 2.0 {
        Some(
            "the claimed value is within 2σ of the limit under some finite-size law but not under all"
                .to_string(),
        )
    } else if z_max <= 2.0 && 4.0 * sigma_max >= resolution {
        Some(format!(
            "the fits are too wide to decide: 4σ = {} ≥ |κ*(α) − claimed| = {}, so even a limit \
             at Gardner's upper bound would not contradict the claim",
            num(4.0 * sigma_max),
            num(resolution)
        ))
    } else {
        None
    };
    let sizes: Vec<String> = load.points.iter().map(|p| p.n.to_string()).collect();
    let interval = load.interval.map_or("no fit".to_string(), |(lo, hi)| {
        format!("[{}, {}]", num(lo), num(hi))
    });
    fit_sigma_verdict(statement, source, z_min, value)
    .measurement(format!(
        "κ*_sym({}) as N → ∞ ∈ {interval}: the accepted finite-size fits of the exact means at \
         N = {}; |limit − {}|/σ = {} … {} over those fits",
        load.alpha,
        sizes.join(", "),
        num(value),
        num(z_min),
        num(z_max)
    ))
    .criterion(
        "(V13) m = the smallest |limit − claimed|/σ over the accepted fits: CONTRADICTED if > 4, \
         CONFIRMED if ≤ 2 under every fit and every fit's 4σ < |κ*(α) − claimed|",
    )
    .undecidable(undecidable)
    .runtime(load.seconds)
}

/// A verdict on `value` whose measurement m is the smallest |limit −
/// value|/σ over the accepted finite-size fits: CONFIRMED at m ≤ 2,
/// CONTRADICTED beyond 4, (V13) and (V20).
fn fit_sigma_verdict(statement: &str, source: &str, z_min: f64, value: f64) -> Verdict {
    Verdict::new(
        statement,
        source,
        z_min,
        Interval::at_most(2.0),
        Interval::at_most(4.0),
    )
    .claimed(value)
}

/// Verdict (a): the paper's α_c = 1 means κ*_sym(1) = 0 in the limit.
fn paper_verdict(at_one: &Load) -> Verdict {
    limit_verdict(
        at_one,
        "symmetric couplings: storage capacity α_c = 1, i.e. κ*_sym(α = 1) = 0 as N → ∞",
        "the paper (arXiv 2507.05147): parameter count N(N−1)/2 for N·P constraints",
        0.0,
    )
    .because("a second way beside the capacity claim's crossings: κ*_sym(1) > 0 means α_c^sym > 1")
}

/// Verdict (b): the second-cumulant theory's κ*_sym at `load`, with the
/// assumption suspected when the exact limit disagrees.
fn theory_verdict(load: &Load) -> Verdict {
    let a = load.alpha;
    let v = limit_verdict(
        load,
        &format!(
            "second-cumulant RS theory: κ*_sym({a}) = {}",
            num(load.theory)
        ),
        THEORY_SOURCE,
        load.theory,
    );
    let mut why = format!(
        "exact bounds: pseudo-inverse √((1−α)/α) = {} ≤ κ*_sym ≤ Gardner κ*(α) = {}",
        num(load.pinv_bound),
        num(load.gardner)
    );
    if v.outcome == crate::figures::verdict::Outcome::Contradicted {
        why.push_str(
            "; suspected assumption: the Gaussian (second-cumulant) average over ±1 patterns, \
             exact only for Gaussian pair disorder (theory/symmetric.md §5); evidence: the theory \
             violates the pseudo-inverse bound for κ > 0.2143 (κ*_sym(0.5) = 0.767 < 1)",
        );
    }
    v.because(why)
}

/// (V14a) Conjecture H set by set (theory/symmetric.md (S19)): the row
/// bound κ*_row = min_i κ*_i of each set against its proved bracket
/// [lower, upper] on κ*_sym. κ*_row − lower = g + (κ*_sym − lower) with
/// 0 ≤ κ*_sym − lower ≤ w (the bracket's width), so under H (g = 0) its mean
/// lies in [0, w̄]: CONFIRMED if the mean at the largest N is within 2σ + w̄
/// of 0, CONTRADICTED beyond 4σ + w̄. Sets whose row bound exceeds the proved
/// upper end have a certified g > 0; their count at each N is listed.
fn row_bound_verdict(load: &Load) -> Option<Verdict> {
    let last = load.points.iter().rev().find(|p| p.results.len() >= 2)?;
    let gaps = |p: &SizePoint| -> Vec<f64> { p.results.iter().map(|r| r.asym - r.kappa).collect() };
    let (m, se) = mean_sem(&gaps(last));
    let width = 2.0 * last.half_width;
    let per_size: Vec<String> = load
        .points
        .iter()
        .filter(|p| !p.results.is_empty())
        .map(|p| {
            let g = gaps(p);
            let certified = p
                .results
                .iter()
                .filter(|r| r.asym > r.upper + ROW_MARGIN_ACCURACY)
                .count();
            format!(
                "N = {}: {} ({certified}/{} certified)",
                p.n,
                num(g.iter().sum::<f64>() / g.len() as f64),
                g.len()
            )
        })
        .collect();
    Some(
        Verdict::value(
            format!(
                "symmetric couplings reach the row bound at the sizes measured: κ*_sym = min_i κ*_i, α = {}",
                load.alpha
            ),
            "theory/symmetric.md (S19): the row bound attained (conjecture H)",
            0.0,
            m,
            se,
            width,
        )
        .measurement(format!(
            "mean (κ*_row − lower end) = {} ± {} at N = {} (bracket width {}); by size, the mean \
             and the sets whose row bound lies above the proved upper end: {}",
            num(m),
            num(se),
            last.n,
            num(width),
            per_size.join("; ")
        ))
        .because(
            "(V14a) under H the mean lies in [0, w̄]; this is H at finite N, where the worst row's \
             deficit hides the cost of symmetry; the limit is judged by (V19)",
        )
        .runtime(load.seconds),
    )
}

/// (V19) H's consequence (S20), κ*_sym(α) → κ*(α), against the bound (S26)
/// κ*_sym(α) ≤ κ*(α)√(1 − a²) from the measured asymmetry of the rows'
/// optima: CONFIRMED if the bound is within 2σ of κ*(α), CONTRADICTED if it
/// lies more than 4σ below.
fn cost_verdict(load: &Load) -> Option<Verdict> {
    let (bound, sigma) = limit_bound(load)?;
    let by_size: Vec<String> = load
        .asymmetry
        .iter()
        .map(|p| {
            format!(
                "N = {}: a² = {} ± {}, sd κ*_i = {}, sd |S_i| = {}, κ*_row = {}, κ_agg = {}",
                p.n,
                num(p.a2),
                num(p.a2_se),
                num(p.kappa_rows_sd),
                num(p.s_norm_sd),
                num(p.kappa_row),
                num(p.kappa_agg)
            )
        })
        .collect();
    Some(
        Verdict::value(
            format!(
                "symmetry costs no stability as N → ∞: κ*_sym({}) = Gardner's κ*",
                load.alpha
            ),
            "theory/symmetric.md (S19)–(S20): conjecture H",
            load.gardner,
            bound,
            sigma,
            0.0,
        )
        .measurement(format!(
            "(S26) bound κ*(α)√(1 − a²) = {} ± {} below κ*(α) = {}; by size (means over sets): {}; \
             the cavity theory (S27) gives a² = {} and the bound (S28) {}",
            num(bound),
            num(sigma),
            num(load.gardner),
            by_size.join("; "),
            num(load.rows_theory.asymmetry),
            num(load.bound_theory)
        ))
        .because(
            "(V19) a² at the largest N, its error and its change from the next size in \
             quadrature; the spreads of κ*_i and |S_i| fall as N^−½, so (S24) tends to (S26); \
             κ_agg equals the row bound at every N here, so the cone programs cannot see the gap",
        )
        .runtime(load.asymmetry.iter().map(|p| p.seconds).sum()),
    )
}

/// (S25) implies κ_agg ≤ κ*_row on every set: the verified lower end of
/// κ_agg may exceed the row bound by at most the row QP's margin accuracy.
fn relaxation_check(load: &Load) -> Check {
    let worst = load
        .asymmetry
        .iter()
        .map(|p| p.agg_above_row)
        .fold(f64::NEG_INFINITY, f64::max);
    Check::at_most(
        format!(
            "max (κ_agg lower end − κ*_row) over sets, α = {}",
            load.alpha
        ),
        worst,
        ROW_MARGIN_ACCURACY,
    )
    .note(
        "(V19) the aggregated constraint of the worst row allows no κ above its κ*_i (S23); \
         1e-6 is the row QP's margin accuracy",
    )
}

/// (S27) against the exact rows' optima: a² at the largest N within 3σ of the
/// theory, σ the standard error and the finite-size drift still to come in
/// quadrature. The drift is the last change times N_prev/(N_max − N_prev):
/// exactly the remainder of a 1/N approach, and at a doubling of N 1/2.4 of
/// the remainder of a 1/√N one, which 3σ still covers. `None` with fewer than
/// two sizes.
fn asymmetry_theory_check(load: &Load) -> Option<Check> {
    let [.., prev, last] = load.asymmetry.as_slice() else {
        return None;
    };
    let ratio = prev.n as f64 / (last.n - prev.n) as f64;
    let sigma = last.a2_se.hypot((last.a2 - prev.a2) * ratio);
    Some(
        Check::within(
            format!(
                "a² of the rows' optima at N = {}, α = {}, against (S27)",
                last.n, load.alpha
            ),
            last.a2,
            load.rows_theory.asymmetry,
            3.0 * sigma,
        )
        .note(format!(
            "(V19) tolerance 3σ, σ = standard error {} ⊕ drift {} (last change × {}); \
             a² = {}, {} at N = {}, {}",
            num(last.a2_se),
            num((last.a2 - prev.a2) * ratio),
            num(ratio),
            num(prev.a2),
            num(last.a2),
            prev.n,
            last.n
        )),
    )
}

/// The pooled stabilities at the largest N of load 0.5 against the law
/// (S16) at the theory's κ*_sym(0.5).
#[derive(Debug, Clone, Serialize)]
struct LawComparison {
    n: usize,
    alpha: f64,
    /// Stabilities pooled over the sets.
    count: usize,
    /// Fraction of stabilities within `WIDTH` of their row's smallest one
    /// (the exact solution's atoms, one per row) and the theory's atom
    /// Φ(κ − s), eq. (S16).
    atom: f64,
    atom_theory: f64,
    /// Mean over rows of (row's smallest stability − the set's κ*_sym): the
    /// theory puts every row's atom at κ*_sym.
    row_margin_excess: f64,
    /// Mean of the stabilities off the atoms, and the theory's E[Δ | Δ > κ].
    mean_above: f64,
    mean_above_theory: f64,
    /// Mean stability and the theory's 2s, eq. (S17).
    mean: f64,
    mean_theory: f64,
    /// KS distance of the pooled stabilities to the theory's CDF.
    ks: f64,
    /// The pooled stabilities' empirical CDF at 400 of their order statistics.
    cdf: Vec<(f64, f64)>,
    theory_kappa: f64,
    shift: f64,
}

/// Splits one set's stabilities (index μ·N + i) into those on their row's
/// atom (within `WIDTH` of the row's smallest: the continuous part, density
/// ≤ φ(0) = 0.4, puts at most 0.4·WIDTH = 4e-4 of the mass there) and the
/// rest; also returns the sum over rows of (row minimum − κ*_sym).
fn split_at_row_atoms(r: &SetResult, n: usize) -> (usize, Vec<f64>, f64) {
    let row_min: Vec<f64> = (0..n)
        .map(|i| {
            r.stabilities
                .iter()
                .skip(i)
                .step_by(n)
                .copied()
                .fold(f64::INFINITY, f64::min)
        })
        .collect();
    let mut on_atom = 0;
    let mut rest = Vec::new();
    for (k, &d) in r.stabilities.iter().enumerate() {
        if d <= row_min[k % n] + WIDTH {
            on_atom += 1;
        } else {
            rest.push(d);
        }
    }
    let excess = row_min.iter().map(|m| m - r.kappa).sum();
    (on_atom, rest, excess)
}

/// Compares the pooled stabilities of `point` with the law (S16).
fn law_comparison(point: &SizePoint, alpha: f64) -> Result<LawComparison> {
    let law = StabilityLaw::at_load(alpha)?;
    let (mut pooled, mut rest) = (Vec::new(), Vec::new());
    let (mut on_atom, mut excess) = (0usize, 0.0);
    for r in &point.results {
        let (a, above, e) = split_at_row_atoms(r, point.n);
        on_atom += a;
        excess += e;
        rest.extend(above);
        pooled.extend_from_slice(&r.stabilities);
    }
    let count = pooled.len();
    let atom_theory = law.atom();
    let mean_above_theory = (law.mean() - atom_theory * law.kappa) / (1.0 - atom_theory);
    let ordered = sorted(&pooled)?;
    let cdf = (0..400)
        .map(|k| k * (count - 1) / 399)
        .map(|k| (ordered[k], (k + 1) as f64 / count as f64))
        .collect();
    Ok(LawComparison {
        n: point.n,
        alpha,
        count,
        atom: on_atom as f64 / count as f64,
        atom_theory,
        row_margin_excess: excess / (point.n * point.results.len()) as f64,
        mean_above: rest.iter().sum::<f64>() / rest.len() as f64,
        mean_above_theory,
        mean: pooled.iter().sum::<f64>() / count as f64,
        mean_theory: law.mean(),
        ks: super::stats::ks_distance(&pooled, |d| law.cdf(d)),
        cdf,
        theory_kappa: law.kappa,
        shift: law.shift,
    })
}

/// The loads of the storability given separable rows (S22a), around the
/// symmetric crossings ≈ 1.6 of N = 60–100.
const GIVEN_ROWS_LOADS: [f64; 6] = [1.45, 1.5, 1.55, 1.6, 1.65, 1.7];

/// Sizes of (S22a), the sets with separable rows aimed at per load and the
/// cap on the sets drawn. The sets drawn are target/P_row of (S21), which
/// treats the rows as independent and undercounts the separable sets at
/// P_row ≪ 1, so the target is met or exceeded. Full: ~16 min on 2 cores
/// (a cone program takes ~7 s at N = 60, the row programs of a set
/// ~0.1 s); quick: seconds.
fn given_rows_plan(size: Size) -> (Vec<usize>, usize, usize) {
    size.pick((vec![24, 30], 6, 400), (vec![30, 40, 60], 40, 2000))
}

/// The storability given separable rows at one (N, α), (S22a).
#[derive(Debug, Clone, Serialize)]
struct GivenRowsPoint {
    n: usize,
    p: usize,
    alpha: f64,
    /// Sets drawn, and P_row(N, P) of (S21) that sized them.
    sets: usize,
    p_row_theory: f64,
    /// Sets with every row separable, and those symmetric couplings store.
    rows_separable: usize,
    stored: usize,
    /// c = stored/rows_separable and its binomial error, at least 1/m
    /// (one set's weight) so that a point where every set went the same way
    /// is not infinitely sharp for the crossing rule.
    c: f64,
    c_err: f64,
    /// Sets without a verified answer.
    undecided: Vec<String>,
    seconds: f64,
}

/// c = stored/rows over the sets with separable rows and its binomial error,
/// floored at 1/rows (one set's weight) so that a point where every set
/// went the same way is not infinitely sharp for the crossing rule, (V20).
pub fn given_rows_fraction(stored: usize, rows: usize) -> (f64, f64) {
    let m = rows as f64;
    let c = stored as f64 / m;
    (c, (c * (1.0 - c) / m).sqrt().max(1.0 / m))
}

/// The crossings of c_N(α) through ½ at every size, their inverse-variance
/// weighted mean (with its error and χ²) and their finite-size fits, (V20).
#[derive(Debug, Clone, Serialize)]
pub struct CrossingSummary {
    /// Each size's crossing, in size order.
    pub crossings: Vec<Crossing>,
    /// Their inverse-variance weighted mean.
    pub mean: f64,
    /// The weighted mean's standard error.
    pub mean_err: f64,
    /// χ² of the crossings about their mean.
    pub chi2: f64,
    /// The crossings fitted under every law of (V12).
    pub fits: Vec<SizeFit>,
}

/// Summarises the crossings of the sizes where c_N falls through ½.
pub fn summarize_crossings(crossings: Vec<Crossing>) -> CrossingSummary {
    let (mean, mean_err, chi2) = weighted_mean(
        &crossings
            .iter()
            .map(|c| (c.alpha, c.error))
            .collect::<Vec<_>>(),
    );
    let pts: Vec<(f64, f64, f64)> = crossings
        .iter()
        .map(|c| (c.n as f64, c.alpha, c.error))
        .collect();
    CrossingSummary {
        fits: fit_all_laws(&pts),
        crossings,
        mean,
        mean_err,
        chi2,
    }
}

/// c_N(α) at every size and load and the summary of its crossings.
#[derive(Debug, Clone, Serialize)]
struct GivenRows {
    points: Vec<GivenRowsPoint>,
    #[serde(flatten)]
    summary: CrossingSummary,
    seconds: f64,
}

/// Measures (S22a): the symmetric decision of every set whose rows are all
/// separable, with the sets of (N, P) drawn from seed (SEED, 2, N, P).
fn given_rows(size: Size) -> Result<GivenRows> {
    let clock = Stopwatch::start();
    let (sizes, target, cap) = given_rows_plan(size);
    let mut points = Vec::new();
    let mut crossings = Vec::new();
    for &n in &sizes {
        let mut curve = Vec::new();
        for alpha in GIVEN_ROWS_LOADS {
            let start = Stopwatch::start();
            let p = (alpha * n as f64).round() as usize;
            let p_row = network_storable_fraction(n as u64, p as u64)?;
            let sets = ((target as f64 / p_row).ceil() as usize).clamp(target, cap);
            let seed = rng::derive(SEED, &[2, n as u64, p as u64]);
            let st = storability(
                Symmetry::Symmetric,
                n,
                p,
                sets,
                seed,
                Options::default(),
                &|| {},
            )?;
            let rows = st.rows_separable.unwrap_or(0);
            // Only sets with separable rows can be stored (S18).
            let stored = (st.storable * st.decided as f64).round() as usize;
            let (c, c_err) = if rows > 0 {
                given_rows_fraction(stored, rows)
            } else {
                (f64::NAN, f64::NAN)
            };
            if rows > 0 {
                curve.push((p as f64 / n as f64, c, c_err));
            }
            points.push(GivenRowsPoint {
                n,
                p,
                alpha: p as f64 / n as f64,
                sets,
                p_row_theory: p_row,
                rows_separable: rows,
                stored,
                c,
                c_err,
                undecided: st.failures,
                seconds: start.seconds(),
            });
        }
        crossings.extend(crossing(n, &curve));
    }
    Ok(GivenRows {
        points,
        summary: summarize_crossings(crossings),
        seconds: clock.seconds(),
    })
}

/// Every set of (S22a) decided with a verified answer (a checked solution or
/// a checked infeasibility certificate, rows and shared couplings alike).
fn given_rows_check(g: &GivenRows) -> Check {
    let undecided: usize = g.points.iter().map(|p| p.undecided.len()).sum();
    let sets: usize = g.points.iter().map(|p| p.sets).sum();
    Check::at_most(
        format!("(S22a) sets without a verified answer, of {sets}"),
        undecided as f64,
        0.0,
    )
    .note("every decision is verified either way, so an undecided set is a solver failure")
}

/// (V20) A value of α_c^sym(0) against the limit of the crossings of c_N(α)
/// (S22a): m = the smallest |limit − value|/σ over the accepted finite-size
/// fits, each limit clamped into the exact bounds [1, 2] (pseudo-inverse,
/// row bound); CONTRADICTED if m > 4, CONFIRMED if ≤ 2 under every fit and
/// every fit's 4σ < |value − rival| (the fits could tell the value from the
/// rival one), INCONCLUSIVE otherwise or with fewer than two crossings.
fn given_rows_verdict(
    g: &GivenRows,
    statement: &str,
    source: &str,
    (value, rival): (f64, f64),
) -> Verdict {
    let (z_min, z_max) = sigmas_from_limits(&g.summary.fits, value, (1.0, 2.0));
    let sigma_max = accepted_fits(&g.summary.fits)
        .iter()
        .map(|f| f.limit_err)
        .fold(0.0, f64::max);
    let by_size: Vec<String> = g
        .summary
        .crossings
        .iter()
        .map(|c| format!("{} ± {} (N = {})", num(c.alpha), num(c.error), c.n))
        .collect();
    let fits: Vec<String> = accepted_fits(&g.summary.fits)
        .iter()
        .map(|f| format!("{:?} {} ± {}", f.law, num(f.limit), num(f.limit_err)))
        .collect();
    let undecidable = if g.summary.crossings.len() < 2 {
        Some("fewer than two sizes where c_N falls through ½".to_string())
    } else if z_min <= 2.0 && z_max > 2.0 {
        Some("within 2σ of the limit under some finite-size law but not under all".to_string())
    } else if z_max <= 2.0 && 4.0 * sigma_max >= (value - rival).abs() {
        Some(format!(
            "the fits are too wide to decide: 4σ = {} ≥ {}, the distance to the rival value {}",
            num(4.0 * sigma_max),
            num((value - rival).abs()),
            num(rival)
        ))
    } else {
        None
    };
    fit_sigma_verdict(statement, source, z_min, value)
    .measurement(format!(
        "crossings of c_N(α) = P(symmetric storable | all rows separable) through ½: {}; \
         weighted mean {} ± {} (χ² = {} for {} dof); accepted fits: {}; |limit − {}|/σ = {} … {}",
        by_size.join(", "),
        num(g.summary.mean),
        num(g.summary.mean_err),
        num(g.summary.chi2),
        g.summary.crossings.len().saturating_sub(1),
        fits.join(", "),
        num(value),
        num(z_min),
        num(z_max)
    ))
    .criterion(
        "(V20) m = the smallest |limit − claimed|/σ over the accepted fits of the crossings, \
         limits clamped into [1, 2]: CONTRADICTED if > 4, CONFIRMED if ≤ 2 under every fit and \
         every fit's 4σ < |claimed − rival|; lim c_N = lim P_sym because P_row → 1 for α < 2 (S22a)",
    )
    .undecidable(undecidable)
    .runtime(g.seconds)
}

/// (f) c_N(α) against α at each N, with the second-cumulant capacity and
/// the crossings' weighted mean.
fn given_rows_panel(g: &GivenRows) -> Result<Panel> {
    let mut sizes: Vec<usize> = g.points.iter().map(|p| p.n).collect();
    sizes.dedup();
    let mut panel = Panel::new("load α = P/N", "P(symmetric storable | rows separable)")
        .title("(f) storability given separable rows (S22a), κ = 0")
        .x_range(1.0, 1.75)
        .y_range(0.0, 1.05)
        .legend(LegendAt::LowerLeft);
    let a_sym = theory::alpha_c(0.0)?;
    panel.push(Series::line(
        format!("second-cumulant α_c^sym = {}", num(a_sym)),
        vec![(a_sym, 0.0), (a_sym, 1.05)],
        Dash::Dotted,
        palette::BLACK,
    ));
    panel.push(Series::line(
        "½",
        vec![(1.0, 0.5), (1.75, 0.5)],
        Dash::Dotted,
        palette::GREY,
    ));
    for (k, &n) in sizes.iter().enumerate() {
        let pts: Vec<&GivenRowsPoint> = g
            .points
            .iter()
            .filter(|p| p.n == n && p.rows_separable > 0)
            .collect();
        panel.push(Series::points(
            format!("exact, N = {n}"),
            pts.iter().map(|p| (p.alpha, p.c)).collect(),
            pts.iter().map(|p| p.c_err).collect(),
            size_color(k),
        ));
    }
    if !g.summary.crossings.is_empty() {
        panel.push(Series::points(
            format!(
                "crossings' mean {} ± {}",
                num(g.summary.mean),
                num(g.summary.mean_err)
            ),
            vec![(g.summary.mean, 0.5)],
            vec![0.0],
            palette::RED,
        ));
    }
    Ok(panel)
}

/// What `symmetric_capacity.json` records besides the figure and the checks.
#[derive(Serialize)]
struct Metadata<'a> {
    size: Size,
    seed: u64,
    width: f64,
    loads: &'a [Load],
    law: &'a Option<LawComparison>,
    given_rows: &'a GivenRows,
}

/// Runs the claim at `size`, writing `symmetric_capacity.{svg,png,json}`
/// into `out`.
pub fn run(size: Size, out: &Path) -> Result<Results> {
    let loads = vec![load(size, 0)?, load(size, 1)?];
    let mut checks = Vec::new();
    for l in &loads {
        checks.extend(set_checks(l));
        checks.push(round_trip_check(l.alpha)?);
        checks.push(relaxation_check(l));
        checks.extend(asymmetry_theory_check(l));
    }
    let mut verdicts = vec![
        paper_verdict(&loads[1]),
        theory_verdict(&loads[0]),
        theory_verdict(&loads[1]),
    ];
    verdicts.extend(loads.iter().filter_map(row_bound_verdict));
    verdicts.extend(loads.iter().filter_map(cost_verdict));
    let given = given_rows(size)?;
    checks.push(given_rows_check(&given));
    // The two values of α_c^sym(0) the suite's theories give, each the
    // other's rival.
    let second_cumulant = theory::alpha_c(0.0)?;
    verdicts.push(
        given_rows_verdict(
            &given,
            &format!(
                "second-cumulant RS theory: α_c^sym(0) = {}",
                num(second_cumulant)
            ),
            THEORY_SOURCE,
            (second_cumulant, 2.0),
        )
        .because("the crossings of c_N carry no extreme-value correction of the rows (S22)"),
    );
    verdicts.push(given_rows_verdict(
        &given,
        "the row bound is attained at κ = 0: α_c^sym(0) = 2",
        "theory/symmetric.md (S19)–(S20): conjecture H",
        (2.0, second_cumulant),
    ));
    let law = match loads[0].points.last() {
        Some(p) if !p.results.is_empty() => Some(law_comparison(p, loads[0].alpha)?),
        _ => None,
    };
    let mut panels = vec![
        alpha_panel(&loads)?,
        size_panel(&loads[0], "(b)"),
        size_panel(&loads[1], "(c)"),
    ];
    if let Some(l) = &law {
        panels.push(law_panel(l));
    }
    panels.push(asymmetry_panel(&loads)?);
    panels.push(given_rows_panel(&given)?);
    let figure = Figure::new(
        "Symmetric couplings: exact κ*_sym, the row bound, the second-cumulant theory and α_c^sym(0)",
        2,
        panels,
    );
    let meta = Metadata {
        size,
        seed: SEED,
        width: WIDTH,
        loads: &loads,
        law: &law,
        given_rows: &given,
    };
    save_figure(
        out,
        "symmetric_capacity",
        &figure,
        &meta,
        &checks,
        &verdicts,
    )?;
    Ok(Results { checks, verdicts })
}

/// The colour of size index `k`.
fn size_color(k: usize) -> crate::figures::Rgb {
    palette::seq(k)
}

/// (a) κ*_sym against α: the theory, Gardner's κ*, the pseudo-inverse
/// bound, the exact finite-N means and the extrapolated intervals.
fn alpha_panel(loads: &[Load]) -> Result<Panel> {
    let a_sym = theory::alpha_c(0.0)?;
    let grid = |lo: f64, hi: f64| -> Vec<f64> {
        (0..=200)
            .map(|k| lo + (hi - lo) * k as f64 / 200.0)
            .collect()
    };
    let sym: Result<Vec<(f64, f64)>> = grid(0.2, a_sym)
        .into_iter()
        .map(|a| Ok((a, theory::max_margin(a)?)))
        .collect();
    let gardner: Result<Vec<(f64, f64)>> = grid(0.2, 2.0)
        .into_iter()
        .map(|a| Ok((a, gardner_max_margin(a)?)))
        .collect();
    let pinv: Vec<(f64, f64)> = grid(0.2, 1.0)
        .into_iter()
        .map(|a| (a, ((1.0 - a) / a).sqrt()))
        .collect();
    let mut panel = Panel::new("load α = P/N", "maximal stability κ*")
        .title("(a) κ*_sym(α): theory, bounds, exact")
        .x_range(0.2, 2.0)
        .y_range(0.0, 3.0)
        .legend(LegendAt::UpperRight)
        .with(Series::line(
            "second-cumulant RS κ*_sym",
            sym?,
            Dash::Solid,
            palette::BLACK,
        ))
        .with(Series::line(
            "Gardner κ*(α): upper bound; limit under H",
            gardner?,
            Dash::Dashed,
            palette::BLUE,
        ))
        .with(Series::line(
            "pseudo-inverse √((1−α)/α) (lower bound)",
            pinv,
            Dash::Dotted,
            palette::GREY,
        ));
    let sizes: Vec<usize> = loads[0].points.iter().map(|p| p.n).collect();
    // Sizes spread by ±0.04 in α around each load, so error bars do not overlap.
    for s in points_by_size(
        loads,
        &sizes,
        0.016,
        "exact",
        |l, n| l.points.iter().find(|p| p.n == n),
        |p| (p.alpha, p.mean, p.fit_point().2),
    ) {
        panel.push(s);
    }
    let ext: Vec<(f64, f64, f64)> = loads
        .iter()
        .filter_map(|l| {
            l.interval
                .map(|(lo, hi)| (l.alpha + 0.08, 0.5 * (lo + hi), 0.5 * (hi - lo)))
        })
        .collect();
    panel.push(Series::points(
        "N → ∞ (accepted fits)",
        ext.iter().map(|e| (e.0, e.1)).collect(),
        ext.iter().map(|e| e.2).collect(),
        palette::RED,
    ));
    Ok(panel)
}

/// (e) The asymmetry a² of the rows' own optima against α: the cavity
/// theory (S27) and the exact means at each N.
fn asymmetry_panel(loads: &[Load]) -> Result<Panel> {
    let curve: Result<Vec<(f64, f64)>> = (1..=200)
        .map(|k| {
            let a = 0.01 * k as f64;
            Ok((a, row_symmetry(a)?.asymmetry))
        })
        .collect();
    let mut panel = Panel::new("load α = P/N", "a² = ‖(W − Wᵀ)/2‖² / ‖W‖²")
        .title("(e) asymmetry of the rows' own optima W")
        .x_range(0.0, 2.0)
        .y_range(0.0, 0.25)
        .legend(LegendAt::UpperLeft)
        .with(Series::line(
            "cavity theory (S27); 2/π symmetry at α = 2",
            curve?,
            Dash::Solid,
            palette::BLACK,
        ));
    let sizes: Vec<usize> = loads[0].asymmetry.iter().map(|p| p.n).collect();
    for s in points_by_size(
        loads,
        &sizes,
        0.03,
        "exact rows",
        |l, n| l.asymmetry.iter().find(|p| p.n == n),
        |p| (p.p as f64 / p.n as f64, p.a2, p.a2_se),
    ) {
        panel.push(s);
    }
    Ok(panel)
}

/// One series per size N over the loads: `find` picks a load's point at N,
/// `point` gives its (α, value, error); sizes are spread by `spread` in α
/// around each load so that their error bars do not overlap.
fn points_by_size<'a, T: 'a>(
    loads: &'a [Load],
    sizes: &[usize],
    spread: f64,
    label: &str,
    find: impl Fn(&'a Load, usize) -> Option<&'a T>,
    point: impl Fn(&T) -> (f64, f64, f64),
) -> Vec<Series> {
    sizes
        .iter()
        .enumerate()
        .map(|(k, &n)| {
            let dx = spread * (k as f64 - 0.5 * (sizes.len() as f64 - 1.0));
            let pts: Vec<(f64, f64, f64)> = loads
                .iter()
                .filter_map(|l| find(l, n))
                .map(&point)
                .collect();
            Series::points(
                format!("{label}, N = {n}"),
                pts.iter().map(|p| (p.0 + dx, p.1)).collect(),
                pts.iter().map(|p| p.2).collect(),
                size_color(k),
            )
        })
        .collect()
}

/// (b), (c) κ*_sym against 1/N at one load with every fit, the interval
/// covering the accepted ones at 1/N = 0, the theory's limit and (α < 1) the
/// pseudo-inverse margins.
fn size_panel(l: &Load, title: &str) -> Panel {
    let a = l.alpha;
    let x_max = l.points.first().map_or(0.1, |p| 1.0 / p.n as f64) * 1.05;
    let mut panel = Panel::new("1/N", format!("κ*_sym({a}), mean over sets"))
        .title(format!("{title} finite-size extrapolation, α = {a}"))
        .x_range(0.0, 2.3 * x_max)
        // The legend's ten entries fill the upper two thirds of the panel,
        // above the data and the horizontal lines (at or below Gardner's
        // bound, which the range puts at 28% of the height).
        .y_range(0.0, 3.6 * l.gardner.max(l.theory))
        .legend(LegendAt::UpperRight)
        .with(Series::points(
            "exact κ*_sym (cone program)",
            l.points
                .iter()
                .map(|p| (1.0 / p.n as f64, p.mean))
                .collect(),
            l.points.iter().map(|p| p.fit_point().2).collect(),
            palette::BLACK,
        ));
    // The row bound of the same sets, drawn 0.002 to the right in 1/N so
    // that its markers do not hide the exact ones they coincide with.
    panel.push(Series::points(
        "row bound min_i κ*_i (1/N + 0.002)",
        l.points
            .iter()
            .map(|p| (1.0 / p.n as f64 + 0.002, p.asym_mean))
            .collect(),
        l.points.iter().map(|p| p.asym_se).collect(),
        palette::BLUE,
    ));
    let pinv: Vec<&SizePoint> = l
        .points
        .iter()
        .filter(|p| p.pinv_mean.is_finite())
        .collect();
    if !pinv.is_empty() {
        panel.push(Series::points(
            "pseudo-inverse margin (lower bound)",
            pinv.iter()
                .map(|p| (1.0 / p.n as f64, p.pinv_mean))
                .collect(),
            pinv.iter().map(|p| p.pinv_se).collect(),
            palette::GREY,
        ));
    }
    for (k, f) in l.fits.iter().enumerate() {
        panel.push(size_fit_line(f, x_max, 3, palette::seq(k + 1)));
    }
    if let Some((lo, hi)) = l.interval {
        panel.push(Series::points(
            format!("N → ∞: [{lo:.3}, {hi:.3}] (accepted fits)"),
            vec![(0.0, 0.5 * (lo + hi))],
            vec![0.5 * (hi - lo)],
            palette::RED,
        ));
    }
    if let Some((b, _)) = limit_bound(l) {
        panel.push(Series::line(
            format!("limit bound κ*√(1 − a²) = {b:.3} (S26)"),
            vec![(0.0, b), (x_max, b)],
            Dash::Dashed,
            palette::ORANGE,
        ));
    }
    panel
        .with(Series::line(
            format!("second-cumulant theory {:.3}", l.theory),
            vec![(0.0, l.theory), (x_max, l.theory)],
            Dash::Dotted,
            palette::RED,
        ))
        .with(Series::line(
            format!("Gardner κ*({a}) = {:.3} (upper bound)", l.gardner),
            vec![(0.0, l.gardner), (x_max, l.gardner)],
            Dash::Dotted,
            palette::BLUE,
        ))
}

/// (d) the pooled stabilities' CDF at the maximal-stability couplings
/// against the law (S16): an atom Φ(κ − s) at κ, then Φ(Δ − s).
fn law_panel(l: &LawComparison) -> Panel {
    let hi = 3.0;
    let mut theory = vec![(0.0, 0.0), (l.theory_kappa, 0.0)];
    theory.extend((0..=200).map(|k| {
        let d = l.theory_kappa + (hi - l.theory_kappa) * k as f64 / 200.0;
        (d, crate::numerics::normal::cdf(d - l.shift))
    }));
    Panel::new("stability Δ", "P(Δ_i^μ ≤ Δ)")
        .title(format!(
            "(d) stabilities at κ*_sym, N = {}, α = {}",
            l.n, l.alpha
        ))
        .x_range(0.0, hi)
        .y_range(0.0, 1.45)
        .legend(LegendAt::LowerRight)
        .with(Series::line(
            format!("exact, {} stabilities", l.count),
            l.cdf.clone(),
            Dash::Solid,
            palette::ORANGE,
        ))
        .with(Series::line(
            format!(
                "theory (S16): atom {:.3} at κ = {:.3}",
                l.atom_theory, l.theory_kappa
            ),
            theory,
            Dash::Dashed,
            palette::BLUE,
        ))
        .note(format!(
            "atom (each row's min): exact {:.3}, theory {:.3}",
            l.atom, l.atom_theory
        ))
        .note(format!(
            "row min − κ*_sym: {:.3} on average (theory 0)",
            l.row_margin_excess
        ))
        .note(format!(
            "mean off the atom: exact {:.3}, theory {:.3}",
            l.mean_above, l.mean_above_theory
        ))
        .note(format!(
            "mean: exact {:.3}, theory 2s = {:.3}; KS {:.3}",
            l.mean, l.mean_theory, l.ks
        ))
}
