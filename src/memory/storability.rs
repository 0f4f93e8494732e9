//! Exact storability of random patterns: the fraction of random ±1 pattern
//! sets that some coupling matrix of a given kind stores exactly (every
//! stability Δ_i^μ > 0), each set decided by the exact maximal-margin
//! program of [`crate::memory::feasibility`] with its answer verified either
//! way (a checked solution or a checked certificate of infeasibility).
//!
//! Asymmetric couplings store a set when every row separates its patterns
//! (N independent programs); symmetric couplings need one program over the
//! N(N−1)/2 shared couplings. A solver failure is reported as such, never
//! counted as either answer.

use rand::RngExt;
use rayon::prelude::*;
use serde::Serialize;

use crate::error::{ensure, Result};
use crate::memory::feasibility::{row_verdict, symmetric_verdict, Verdict};
use crate::memory::symmetric_margin::{
    symmetric_margin_decision, symmetric_max_margin, MarginDecision,
};
use crate::numerics::rng;
use crate::numerics::statistics::mean_sem;

/// Which couplings may store the patterns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Symmetry {
    /// Independent rows J_i (N(N−1) parameters).
    Asymmetric,
    /// J_ij = J_ji (N(N−1)/2 parameters).
    Symmetric,
}

/// The answer for one random pattern set.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Some coupling matrix of the kind stores every pattern.
    Storable,
    /// No coupling matrix of the kind does (certified).
    NotStorable,
    /// The exact solver gave no verified answer; the message says why.
    Failed(String),
}

/// Storability measured over `samples` random pattern sets.
#[derive(Debug, Clone, Serialize)]
pub struct Storability {
    /// Couplings allowed.
    pub coupling: Symmetry,
    /// Neurons N.
    pub n: usize,
    /// Patterns P per set.
    pub p: usize,
    /// Pattern sets drawn.
    pub samples: usize,
    /// Seed of the draws (set s is drawn from seed [`rng::derive`]`(seed, &[0, s])`).
    pub seed: u64,
    /// Fraction of the decided sets that are storable.
    pub storable: f64,
    /// Its binomial standard error √(f(1 − f)/decided).
    pub storable_err: f64,
    /// Sets decided (samples minus failures).
    pub decided: usize,
    /// Sets the solver could not decide, with their messages.
    pub failures: Vec<String>,
    /// Symmetric at κ = 0: the decided sets whose N rows are all separable,
    /// the only ones symmetric couplings can store (S18).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows_separable: Option<usize>,
    /// Symmetric at κ = 0: the fraction of those sets that symmetric
    /// couplings store, the cost of symmetry once the rows allow storage
    /// (absent when no set has separable rows).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storable_given_rows: Option<f64>,
    /// Its binomial standard error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storable_given_rows_err: Option<f64>,
    /// The margin κ every stability had to exceed (absent: 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kappa: Option<f64>,
    /// Mean maximal stability κ* over the sets storable at κ = 0 (the
    /// row-normalised max-min Δ_i^μ; asymmetric: the smallest row margin).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_margin: Option<f64>,
    /// Its standard error over the sets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_margin_err: Option<f64>,
    /// The sets the mean is over (κ* > 0; with every set decided, the rest
    /// cannot be stored, κ* ≤ 0, and are left out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_margin_sets: Option<usize>,
    /// Symmetric with the margin option: the mean over the same sets of the
    /// row bound min_i κ*_i minus the proved lower end of κ*_sym, (V14a):
    /// it lies in [0, mean bracket width] when the bound is attained
    /// (theory/symmetric.md (S19)).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row_bound_gap: Option<f64>,
    /// Its standard error over the sets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row_bound_gap_err: Option<f64>,
    /// The maximal-stability point of every set with κ* > 0 (with the
    /// margin option), in set order; not part of the summary's JSON.
    #[serde(skip)]
    pub set_margins: Vec<SetMargin>,
}

/// What is measured on each set besides storability at κ = 0.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Options {
    /// Margin every stability must exceed (None: 0, the plain decision).
    pub kappa: Option<f64>,
    /// Measure the maximal stability κ* to this bracket width.
    pub margin: Option<f64>,
}

/// P random ±1 patterns of N neurons (each a vector of length N), drawn in
/// turn from the pattern stream of `seed`.
pub fn random_patterns(n: usize, p: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = rng::stream(seed, rng::PATTERNS);
    (0..p)
        .map(|_| {
            (0..n)
                .map(|_| if rng.random::<bool>() { 1.0 } else { -1.0 })
                .collect()
        })
        .collect()
}

/// Whether each of the N rows separates its patterns (the asymmetric
/// decision), stopping at the first that does not.
fn rows_separable(patterns: &[Vec<f64>]) -> Result<bool> {
    let n = patterns.first().map_or(0, |p| p.len());
    for i in 0..n {
        if !row_verdict(patterns, i)?.is_feasible() {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Decides whether couplings of the kind `coupling` store every pattern.
/// Symmetric couplings are in particular N rows (theory/symmetric.md (S18)),
/// so a set with an inseparable row is decided by that row's checked
/// certificate and the program over the shared couplings runs only on the
/// rest.
pub fn decide(patterns: &[Vec<f64>], coupling: Symmetry) -> Decision {
    decide_with_rows(patterns, coupling).0
}

/// [`decide`], with whether every row is separable (None if a row program
/// failed).
fn decide_with_rows(patterns: &[Vec<f64>], coupling: Symmetry) -> (Decision, Option<bool>) {
    let rows = rows_separable(patterns);
    let known = rows.as_ref().ok().copied();
    let answer = match (coupling, rows) {
        (Symmetry::Symmetric, Ok(true)) => symmetric_verdict(patterns).map(|v| v.is_feasible()),
        (_, rows) => rows,
    };
    (decision(answer), known)
}

fn decision(answer: Result<bool>) -> Decision {
    match answer {
        Ok(true) => Decision::Storable,
        Ok(false) => Decision::NotStorable,
        Err(e) => Decision::Failed(e.to_string()),
    }
}

/// Decides whether couplings of the kind `coupling` give every stability a
/// margin above κ ≥ 0 ([`decide`] at κ = 0; symmetric: the cone program of
/// [`crate::memory::symmetric_margin`]; asymmetric: every row's maximal
/// margin above κ).
pub fn decide_at(patterns: &[Vec<f64>], coupling: Symmetry, kappa: f64) -> Decision {
    if kappa == 0.0 {
        return decide(patterns, coupling);
    }
    decision(match coupling {
        Symmetry::Symmetric => symmetric_margin_decision(patterns, kappa)
            .map(|d| matches!(d, MarginDecision::Above(_))),
        Symmetry::Asymmetric => network_margin(patterns).map(|m| m.is_some_and(|m| m > kappa)),
    })
}

/// The maximal stability of asymmetric couplings: rows are independent, so
/// it is the smallest of the rows' maximal margins (None if a row cannot
/// separate its patterns).
fn network_margin(patterns: &[Vec<f64>]) -> Result<Option<f64>> {
    let n = patterns.first().map_or(0, |p| p.len());
    let mut smallest = f64::INFINITY;
    for i in 0..n {
        match row_verdict(patterns, i)? {
            Verdict::Feasible { margin, .. } => smallest = smallest.min(margin),
            Verdict::Infeasible { .. } => return Ok(None),
        }
    }
    Ok(Some(smallest))
}

/// The maximal-stability point of one pattern set.
#[derive(Debug, Clone, Serialize)]
pub struct SetMargin {
    /// Index s of the set (drawn from seed [`rng::derive`]`(seed, &[0, s])`).
    pub set: usize,
    /// κ*: the proved lower end of its bracket (asymmetric: exact to the QP's accuracy).
    pub kappa: f64,
    /// The proved upper end (asymmetric: equal to `kappa`).
    pub upper: f64,
    /// Every Δ_i^μ at the returned couplings, index μ·N + i (symmetric only).
    pub stabilities: Vec<f64>,
    /// Symmetric only: the row bound min_i κ*_i of the same set, the
    /// smallest of the rows' own maximal stabilities (theory/symmetric.md
    /// (S18)), which κ*_sym cannot exceed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row_bound: Option<f64>,
}

/// The maximal stability κ* of set `set` (None when it is not storable),
/// to the bracket `width` for symmetric couplings.
pub fn max_margin(
    patterns: &[Vec<f64>],
    coupling: Symmetry,
    width: f64,
    set: usize,
) -> Result<Option<SetMargin>> {
    Ok(match coupling {
        Symmetry::Symmetric => match symmetric_max_margin(patterns, width)? {
            Some(m) => Some(SetMargin {
                set,
                kappa: m.kappa,
                upper: m.upper,
                stabilities: m.best.stabilities,
                row_bound: Some(network_margin(patterns)?.unwrap_or(0.0)),
            }),
            None => None,
        },
        Symmetry::Asymmetric => network_margin(patterns)?.map(|k| SetMargin {
            set,
            kappa: k,
            upper: k,
            stabilities: Vec::new(),
            row_bound: None,
        }),
    })
}

/// The storable fraction of `samples` random sets of P = `p` patterns of N =
/// `n` neurons, decided in parallel (the result does not depend on the
/// number of threads), with every stability above `options.kappa` (0 by
/// default) and, when `options.margin` is given, the mean maximal stability.
/// `progress` is called once per decided set.
pub fn storability(
    coupling: Symmetry,
    n: usize,
    p: usize,
    samples: usize,
    seed: u64,
    options: Options,
    progress: &(dyn Fn() + Sync),
) -> Result<Storability> {
    ensure(n >= 2, || format!("N must be at least 2, got {n}"))?;
    ensure(p >= 1, || "at least one pattern is needed (P >= 1)".into())?;
    ensure(samples >= 1, || "at least one sample is needed".into())?;
    let kappa = options.kappa.unwrap_or(0.0);
    ensure(kappa.is_finite() && kappa >= 0.0, || {
        format!("the margin κ must be a finite number >= 0, got {kappa}")
    })?;
    if let Some(w) = options.margin {
        ensure(w > 0.0 && w <= 1.0, || {
            format!("the margin's bracket width must be in (0, 1], got {w}")
        })?;
    }
    type SetResult = ((Decision, Option<bool>), Option<Result<Option<SetMargin>>>);
    let results: Vec<SetResult> = (0..samples)
        .into_par_iter()
        .map(|s| {
            let pats = random_patterns(n, p, rng::derive(seed, &[0, s as u64]));
            let (d, rows) = if kappa == 0.0 {
                decide_with_rows(&pats, coupling)
            } else {
                (decide_at(&pats, coupling, kappa), None)
            };
            let m = options.margin.map(|w| max_margin(&pats, coupling, w, s));
            progress();
            ((d, rows), m)
        })
        .collect();
    let (decisions, margins): (Vec<_>, Vec<_>) = results.into_iter().unzip();
    let (decisions, rows): (Vec<Decision>, Vec<Option<bool>>) = decisions.into_iter().unzip();
    let given_rows: Vec<bool> = decisions
        .iter()
        .zip(&rows)
        .filter(|(d, r)| **r == Some(true) && !matches!(d, Decision::Failed(_)))
        .map(|(d, _)| *d == Decision::Storable)
        .collect();
    let mut s = tally(coupling, n, p, seed, decisions);
    s.kappa = options.kappa;
    if coupling == Symmetry::Symmetric && kappa == 0.0 {
        s.rows_separable = Some(given_rows.len());
        if !given_rows.is_empty() {
            let (f, err) = binomial(&given_rows);
            s.storable_given_rows = Some(f);
            s.storable_given_rows_err = Some(err);
        }
    }
    if options.margin.is_some() {
        for m in margins.into_iter().flatten() {
            match m {
                Ok(Some(k)) => s.set_margins.push(k),
                Ok(None) => {}
                Err(e) => s.failures.push(format!("maximal margin: {e}")),
            }
        }
        let values: Vec<f64> = s.set_margins.iter().map(|m| m.kappa).collect();
        let (mean, sem) = mean_sem(&values);
        s.max_margin = Some(mean);
        s.max_margin_err = Some(sem);
        s.max_margin_sets = Some(values.len());
        let gaps: Vec<f64> = s
            .set_margins
            .iter()
            .filter_map(|m| m.row_bound.map(|r| r - m.kappa))
            .collect();
        if !gaps.is_empty() {
            let (gap, err) = mean_sem(&gaps);
            s.row_bound_gap = Some(gap);
            s.row_bound_gap_err = Some(err);
        }
    }
    Ok(s)
}

/// Counts the decisions of the sets into a [`Storability`].
fn tally(
    coupling: Symmetry,
    n: usize,
    p: usize,
    seed: u64,
    decisions: Vec<Decision>,
) -> Storability {
    let samples = decisions.len();
    let stored = decisions
        .iter()
        .filter(|d| **d == Decision::Storable)
        .count();
    let failures: Vec<String> = decisions
        .into_iter()
        .filter_map(|d| match d {
            Decision::Failed(m) => Some(m),
            _ => None,
        })
        .collect();
    let decided = samples - failures.len();
    let (f, err) = fraction(stored, decided);
    Storability {
        coupling,
        n,
        p,
        samples,
        seed,
        storable: f,
        storable_err: err,
        decided,
        failures,
        rows_separable: None,
        storable_given_rows: None,
        storable_given_rows_err: None,
        kappa: None,
        max_margin: None,
        max_margin_err: None,
        max_margin_sets: None,
        row_bound_gap: None,
        row_bound_gap_err: None,
        set_margins: Vec::new(),
    }
}

/// The fraction k/n and its binomial standard error √(f(1 − f)/n) (NaN for
/// n = 0: no sets, no fraction).
fn fraction(k: usize, n: usize) -> (f64, f64) {
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    let f = k as f64 / n as f64;
    (f, (f * (1.0 - f) / n as f64).sqrt())
}

fn binomial(outcomes: &[bool]) -> (f64, f64) {
    fraction(outcomes.iter().filter(|&&b| b).count(), outcomes.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One pattern is always stored (Hebb's J = ξξᵀ does it), by either kind.
    #[test]
    fn one_pattern_is_storable() {
        for c in [Symmetry::Asymmetric, Symmetry::Symmetric] {
            let s = storability(c, 8, 1, 5, 3, Options::default(), &|| {}).unwrap();
            assert_eq!((s.storable, s.decided), (1.0, 5), "{c:?}");
        }
    }

    /// Far above capacity nothing is stored: at N = 8, P = 40 a single row
    /// separates 40 random points in 7 dimensions with Cover's probability
    /// 2^{−39} Σ_{k<7} C(39, k) ≈ 3e-5, and symmetric couplings are a subset
    /// of asymmetric ones.
    #[test]
    fn far_above_capacity_nothing_is_stored() {
        for c in [Symmetry::Asymmetric, Symmetry::Symmetric] {
            let s = storability(c, 8, 40, 4, 1, Options::default(), &|| {}).unwrap();
            assert_eq!((s.storable, s.decided), (0.0, 4), "{c:?}");
        }
    }

    /// A set stored by symmetric couplings is stored by asymmetric ones: the
    /// program over the shared couplings alone (no row decided first) never
    /// stores a set with an inseparable row, and `decide`, which decides the
    /// rows first, agrees with it on every set. At N = 8, P = 7 (α ≈ 0.9,
    /// near the symmetric crossing at this N) both answers occur among twelve
    /// sets, so the implication is exercised.
    #[test]
    fn symmetric_implies_asymmetric() {
        let mut stored = 0;
        for s in 0..12 {
            let pats = random_patterns(8, 7, rng::derive(5, &[0, s]));
            let shared = symmetric_verdict(&pats).unwrap().is_feasible();
            let expected = if shared {
                stored += 1;
                assert_eq!(decide(&pats, Symmetry::Asymmetric), Decision::Storable);
                Decision::Storable
            } else {
                Decision::NotStorable
            };
            assert_eq!(decide(&pats, Symmetry::Symmetric), expected, "set {s}");
        }
        assert!(stored > 0 && stored < 12, "{stored} of 12 stored");
    }

    /// The symmetric count of sets with separable rows is the asymmetric
    /// storable count of the same sets, and the conditional fraction times
    /// that count is the number of symmetric-storable sets. At N = 30,
    /// P = 45 (α = 1.5, where the symmetric crossing leaves the row bound)
    /// some sets with separable rows are not stored, so the fraction is
    /// strictly between 0 and 1.
    #[test]
    fn storability_given_separable_rows() {
        let o = Options::default();
        let sym = storability(Symmetry::Symmetric, 30, 45, 32, 5, o, &|| {}).unwrap();
        let asym = storability(Symmetry::Asymmetric, 30, 45, 32, 5, o, &|| {}).unwrap();
        let rows = sym.rows_separable.unwrap();
        assert_eq!(rows, (asym.storable * 32.0).round() as usize);
        let given = sym.storable_given_rows.unwrap();
        assert!(given > 0.0 && given < 1.0, "{given} of {rows}");
        assert_eq!((given * rows as f64).round(), (sym.storable * 32.0).round());
        assert!(asym.rows_separable.is_none() && asym.storable_given_rows.is_none());
    }

    #[test]
    fn patterns_are_reproducible_and_binary() {
        let a = random_patterns(5, 3, 7);
        assert_eq!(a, random_patterns(5, 3, 7));
        assert_ne!(a, random_patterns(5, 3, 8));
        assert!(a.iter().flatten().all(|&s| s == 1.0 || s == -1.0));
    }

    #[test]
    fn bad_input() {
        assert!(storability(Symmetry::Symmetric, 1, 1, 1, 0, Options::default(), &|| {}).is_err());
        assert!(storability(Symmetry::Symmetric, 5, 0, 1, 0, Options::default(), &|| {}).is_err());
        assert!(storability(Symmetry::Symmetric, 5, 1, 0, 0, Options::default(), &|| {}).is_err());
    }
}
