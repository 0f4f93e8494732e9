//! The generalization measurement, eqs. (M38)–(M40) of `theory/memory.md`:
//! relax named sets of start configurations under the zero-temperature
//! dynamics and report, per set, the mean final overlap with the start and
//! the overlap of the starts and of their final states with the nearest
//! member of named reference sets (training examples, features, …).
//!
//! Dataset-agnostic: the caller passes ±1 matrices (train or test examples,
//! features, random configurations, any N×K set). Every start of every set
//! relaxes in one batch, so a synchronous step is one matrix product
//! ([`crate::memory::dynamics`]); the nearest-reference overlaps are one
//! product per (states, reference) pair.

use crate::error::{ensure, Error, Result};
use crate::memory::couplings::check_patterns;
use crate::memory::dynamics::{overlap, DynamicsOptions, Network};
use crate::memory::protocol::Protocol;
use crate::numerics::gemm::gemm;
use crate::numerics::statistics::mean_sem;
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

/// A named set of ±1 configurations, N×K (column c is one configuration).
#[derive(Clone, Debug)]
pub struct StartSet {
    /// The set's name, reported with its results ("train", "test", …).
    pub name: String,
    /// The configurations, N×K, entries ±1, K ≥ 1.
    pub configs: DMatrix<f64>,
}

impl StartSet {
    /// A named set; fails unless `configs` is N×K with N ≥ 2, K ≥ 1 and only
    /// ±1 entries ([`check_patterns`]), the message naming the set.
    pub fn new(name: &str, configs: DMatrix<f64>) -> Result<Self> {
        check_patterns(&configs).map_err(|e| match e {
            Error::InvalidInput(m) => Error::InvalidInput(format!("start set '{name}': {m}")),
            e => e,
        })?;
        Ok(Self {
            name: name.to_string(),
            configs,
        })
    }
}

/// Overlaps with the nearest member of one reference set, eq. (M39): means
/// over the starts of a set with their standard errors.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct NearestOverlap {
    /// The reference set's name.
    pub reference: String,
    /// Mean over starts of max_ν |(1/N) x·r^ν| at the start.
    pub start: f64,
    /// Standard error of `start` over the starts.
    pub start_err: f64,
    /// The same for the final state.
    #[serde(rename = "final")]
    pub final_state: f64,
    /// Standard error of `final_state` over the starts.
    #[serde(rename = "final_err")]
    pub final_state_err: f64,
}

/// The measurement on one start set, eqs. (M38)–(M39).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SetResult {
    /// The start set's name.
    pub name: String,
    /// Number of starts K (of seeds, after [`combine_seeds`]: K of the first).
    pub count: usize,
    /// Mean final overlap m_F = (1/N) x_start·x_final over the starts, eq. (M38).
    pub overlap: f64,
    /// Its standard error over the starts (over seeds after [`combine_seeds`]).
    pub overlap_err: f64,
    /// Paper's protocol: mean over the starts of the largest overlap with
    /// the start along the T steps, max_t (1/N) x·x(t), eq. (M38); null for
    /// the converged protocol.
    pub max_overlap: Option<f64>,
    /// Its standard error.
    pub max_overlap_err: Option<f64>,
    /// Fraction of final states that are fixed points of the dynamics.
    pub fixed_points: f64,
    /// Overlaps with the nearest member of each reference set, eq. (M39).
    pub nearest: Vec<NearestOverlap>,
}

/// Relaxes every start set under `protocol` (exactly T synchronous steps,
/// eq. (M34), or to a fixed point, a 2-cycle or the cap of `dynamics`,
/// eq. (M33)) and measures each set against every reference set,
/// eqs. (M38)–(M39). All starts relax together in one batch.
///
/// Fails if a set does not have N rows, or the protocol does not fit the
/// dynamics ([`Protocol::check`]).
pub fn measure(
    net: &Network,
    starts: &[StartSet],
    references: &[StartSet],
    protocol: &Protocol,
    dynamics: &DynamicsOptions,
) -> Result<Vec<SetResult>> {
    let n = net.n();
    ensure(!starts.is_empty(), || "no start set was given".into())?;
    for s in starts.iter().chain(references) {
        ensure(s.configs.nrows() == n, || {
            format!(
                "the set '{}' has {} rows but the network has N = {n}",
                s.name,
                s.configs.nrows()
            )
        })?;
    }
    let total: usize = starts.iter().map(|s| s.configs.ncols()).sum();
    let mut all = DMatrix::<f64>::zeros(n, total);
    let mut c0 = 0;
    for s in starts {
        let k = s.configs.ncols();
        all.columns_mut(c0, k).copy_from(&s.configs);
        c0 += k;
    }
    let Tracked {
        finals,
        fixed,
        best,
    } = relax_tracking(net, &all, protocol, dynamics)?;
    let mut out = Vec::with_capacity(starts.len());
    let mut c0 = 0;
    for s in starts {
        let k = s.configs.ncols();
        let fin = finals.columns(c0, k).into_owned();
        let fixed_points = fixed[c0..c0 + k].iter().filter(|&&b| b).count() as f64 / k as f64;
        let mut r = set_result(s, &fin, fixed_points, references);
        if let Some(b) = &best {
            let (m, e) = mean_sem(&b[c0..c0 + k]);
            (r.max_overlap, r.max_overlap_err) = (Some(m), Some(e));
        }
        out.push(r);
        c0 += k;
    }
    Ok(out)
}

/// What [`relax_tracking`] returns.
struct Tracked {
    /// The final states, N×K.
    finals: DMatrix<f64>,
    /// Whether each final state is a fixed point.
    fixed: Vec<bool>,
    /// Paper's protocol: each start's largest overlap along the steps.
    best: Option<Vec<f64>>,
}

/// Relaxes the columns of `starts` under `protocol`: the final states,
/// whether each is a fixed point, and for the paper's protocol the largest
/// overlap with the start over the T steps, max_{1≤t≤T} (1/N) x·x(t)
/// (eq. (M38)). The paper's T steps run one at a time, each as the
/// protocol's single step, which gives x(T) exactly (eq. (M34)); the
/// converged protocol relaxes in one call and has no such maximum.
fn relax_tracking(
    net: &Network,
    starts: &DMatrix<f64>,
    protocol: &Protocol,
    dynamics: &DynamicsOptions,
) -> Result<Tracked> {
    let Protocol::Paper { steps } = *protocol else {
        let r = protocol.relax(net, starts.clone(), dynamics)?;
        return Ok(Tracked {
            finals: r.states,
            fixed: r.converged,
            best: None,
        });
    };
    protocol.check(dynamics)?;
    let one = Protocol::Paper { steps: 1 };
    let (n, k) = starts.shape();
    let mut x = starts.clone();
    let mut best = vec![f64::NEG_INFINITY; k];
    let mut fixed = vec![false; k];
    // Columns not yet at a fixed point; a fixed point never moves again, so
    // its overlap stays what it was when it left.
    let mut active: Vec<usize> = (0..k).collect();
    for _ in 0..steps {
        if active.is_empty() {
            break;
        }
        let xa = DMatrix::from_fn(n, active.len(), |i, a| x[(i, active[a])]);
        let r = one.relax(net, xa, dynamics)?;
        let mut still = Vec::with_capacity(active.len());
        for (a, &c) in active.iter().enumerate() {
            x.column_mut(c).copy_from(&r.states.column(a));
            best[c] = best[c].max(overlap(starts.column(c).as_slice(), x.column(c).as_slice()));
            // A single step leaves a state converged only when one more
            // step would not move it: the state is then a fixed point.
            if r.converged[a] {
                fixed[c] = true;
            } else {
                still.push(c);
            }
        }
        active = still;
    }
    Ok(Tracked {
        finals: x,
        fixed,
        best: Some(best),
    })
}

/// The results of one start set given its final states, eqs. (M38)–(M39).
fn set_result(
    s: &StartSet,
    finals: &DMatrix<f64>,
    fixed_points: f64,
    references: &[StartSet],
) -> SetResult {
    let m: Vec<f64> = s
        .configs
        .column_iter()
        .zip(finals.column_iter())
        .map(|(a, b)| overlap(a.as_slice(), b.as_slice()))
        .collect();
    let (overlap, overlap_err) = mean_sem(&m);
    let nearest = references
        .iter()
        .map(|r| {
            let (start, start_err) = mean_sem(&nearest_overlaps(&s.configs, &r.configs));
            let (fin, fin_err) = mean_sem(&nearest_overlaps(finals, &r.configs));
            NearestOverlap {
                reference: r.name.clone(),
                start,
                start_err,
                final_state: fin,
                final_state_err: fin_err,
            }
        })
        .collect();
    SetResult {
        name: s.name.clone(),
        count: s.configs.ncols(),
        overlap,
        overlap_err,
        max_overlap: None,
        max_overlap_err: None,
        fixed_points,
        nearest,
    }
}

/// For each column x of `states` (N×K), the overlap with the nearest column
/// of `reference` (N×R) up to the global sign, max_ν |(1/N) x·r^ν|,
/// eq. (M39): one product Rᵀ X. The sums of ±1 products are integers below
/// 2^53, so the values are exact whatever the summation order.
pub fn nearest_overlaps(states: &DMatrix<f64>, reference: &DMatrix<f64>) -> Vec<f64> {
    let n = states.nrows();
    let mut c = DMatrix::<f64>::zeros(reference.ncols(), states.ncols());
    gemm(&mut c, 1.0 / n as f64, &reference.transpose(), states, 0.0);
    c.column_iter()
        .map(|col| col.iter().fold(0.0_f64, |m, v| m.max(v.abs())))
        .collect()
}

/// Combines the measurements of S independent seeds (each a list of sets in
/// the same order and with the same names), eq. (M40): every mean is the
/// mean of the per-seed means and its error the standard error of those S
/// means, which includes the variability of the data and of the training as
/// well as of the starts. One seed is returned as it is (errors over starts).
///
/// Fails if no seed is given or the seeds do not list the same sets and
/// references.
pub fn combine_seeds(per_seed: &[Vec<SetResult>]) -> Result<Vec<SetResult>> {
    ensure(!per_seed.is_empty(), || "no seed to combine".into())?;
    let first = &per_seed[0];
    let same = |r: &Vec<SetResult>| {
        r.len() == first.len()
            && r.iter().zip(first).all(|(a, b)| {
                a.name == b.name
                    && a.nearest.len() == b.nearest.len()
                    && a.nearest
                        .iter()
                        .zip(&b.nearest)
                        .all(|(x, y)| x.reference == y.reference)
            })
    };
    ensure(per_seed.iter().all(same), || {
        "the seeds do not measure the same start and reference sets".into()
    })?;
    if per_seed.len() == 1 {
        return Ok(first.clone());
    }
    let over = |f: &dyn Fn(&SetResult) -> f64, k: usize| -> (f64, f64) {
        mean_sem(&per_seed.iter().map(|r| f(&r[k])).collect::<Vec<_>>())
    };
    Ok((0..first.len())
        .map(|k| {
            let (overlap, overlap_err) = over(&|s| s.overlap, k);
            let max = per_seed
                .iter()
                .all(|r| r[k].max_overlap.is_some())
                .then(|| over(&|s| s.max_overlap.unwrap_or(f64::NAN), k));
            let nearest = (0..first[k].nearest.len())
                .map(|j| {
                    let (start, start_err) = over(&|s| s.nearest[j].start, k);
                    let (fin, fin_err) = over(&|s| s.nearest[j].final_state, k);
                    NearestOverlap {
                        reference: first[k].nearest[j].reference.clone(),
                        start,
                        start_err,
                        final_state: fin,
                        final_state_err: fin_err,
                    }
                })
                .collect();
            SetResult {
                name: first[k].name.clone(),
                count: first[k].count,
                overlap,
                overlap_err,
                max_overlap: max.map(|m| m.0),
                max_overlap_err: max.map(|m| m.1),
                fixed_points: over(&|s| s.fixed_points, k).0,
                nearest,
            }
        })
        .collect())
}

/// The finite-N probe of the Hebbian random-features lines
/// (theory/random_features.md (RF19)–(RF20), §6): the Hebbian couplings of
/// P = round(αN) dense random-features examples (seed `seed`), relaxed for
/// at most 100 synchronous steps from their first 40 features (`features`)
/// or their first 40 training examples; returns the mean |overlap| of each
/// start with its final state.
pub fn hebbian_random_features_overlap(
    n: usize,
    alpha: f64,
    alpha_d: f64,
    features: bool,
    seed: u64,
) -> Result<f64> {
    use crate::data::random_features::{Coefficients, RandomFeatures, Split};
    let rf = RandomFeatures::generate(n, alpha_d, seed)?;
    let p = (alpha * n as f64).round() as usize;
    let ex = rf.examples(p, Coefficients::Dense, Split::Train)?;
    let net = Network::new(crate::memory::rules::hebb(&ex.patterns.xi)?)?;
    let starts: DMatrix<f64> = if features {
        rf.features.columns(0, rf.d().min(40)).into_owned()
    } else {
        ex.patterns.xi.columns(0, p.min(40)).into_owned()
    };
    let opts = DynamicsOptions {
        max_steps: 100,
        ..Default::default()
    };
    let end = net.relax(starts.clone(), &opts)?.states;
    let b = starts.ncols();
    Ok((0..b)
        .map(|c| overlap(starts.column(c).as_slice(), end.column(c).as_slice()).abs())
        .sum::<f64>()
        / b as f64)
}
