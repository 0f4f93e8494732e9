//! Retrieval experiments: storage, retrieval curves `m_F(m_IN)` and basin
//! sizes, eqs. (M17)–(M20) of `theory/memory.md`.
//!
//! Initial conditions: the state started from pattern `μ` in trial `t` is
//! `ξ^μ` with the first `k` spins of a random permutation `π_{μ,t}` flipped,
//! so that its overlap is exactly `m_IN = 1 − 2k/N`, eq. (M17). The
//! permutation of (μ, t) is drawn from the ChaCha stream
//! [`rng::FLIPS`]` + μ·trials + t` of the seed and is the same for every `k`: the flipped sets are nested, the
//! retrieval curve is measured with common random numbers, and two rules
//! measured with the same seed see the same perturbations.
//!
//! All `P × trials` relaxations of one measurement run together as one
//! batched relaxation (see [`crate::memory::dynamics`]).

use crate::error::{ensure, Result};
use crate::memory::couplings::{check_patterns, stabilities};
use crate::memory::dynamics::{overlap, DynamicsOptions, Network};
use crate::memory::protocol::Protocol;
use crate::numerics::rng;
use crate::numerics::statistics::mean_sem;
use nalgebra::DMatrix;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

/// Options of the retrieval and basin measurements.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct RetrievalOptions {
    /// Zero-temperature dynamics used for the relaxations.
    pub dynamics: DynamicsOptions,
    /// Independent random flip sets per pattern.
    pub trials: usize,
    /// Seed of the flip sets.
    pub seed: u64,
}

impl Default for RetrievalOptions {
    fn default() -> Self {
        Self {
            dynamics: DynamicsOptions::default(),
            trials: 1,
            seed: 1,
        }
    }
}

/// Storage diagnostics of couplings on their patterns, eqs. (M2) and (M13).
#[derive(Clone, Debug, Serialize)]
pub struct Storage {
    /// Fraction of patterns that are exact fixed points of `x ← sign(J x)`.
    pub fixed_points: f64,
    /// Fraction of spins with negative stability, `Δ_i^μ < 0`.
    pub unstable_spins: f64,
    /// Smallest stability.
    pub min_stability: f64,
    /// Mean stability.
    pub mean_stability: f64,
}

/// Storage of `patterns` in `net`: fixed points and unstable spins.
pub fn storage(net: &Network, patterns: &DMatrix<f64>) -> Result<Storage> {
    check_patterns(patterns)?;
    let fp = net.fixed_points(patterns)?;
    let d = stabilities(net.couplings(), patterns)?;
    let count = d.len() as f64;
    Ok(Storage {
        fixed_points: fp.iter().filter(|&&b| b).count() as f64 / fp.len() as f64,
        unstable_spins: d.iter().filter(|&&v| v < 0.0).count() as f64 / count,
        min_stability: d.min(),
        mean_stability: d.sum() / count,
    })
}

/// Number of flipped spins `k = round(N (1 − m_IN)/2)` giving initial overlap
/// `m_IN ∈ [−1, 1]`, eq. (M17). The realised overlap is `1 − 2k/N`.
pub fn flips_for(n: usize, m_in: f64) -> Result<usize> {
    ensure(m_in.is_finite() && (-1.0..=1.0).contains(&m_in), || {
        format!("initial overlap m_in must lie in [-1, 1], got {m_in}")
    })?;
    Ok(((n as f64) * (1.0 - m_in) / 2.0).round() as usize)
}

/// Every column of `patterns` with `flips` of its sites flipped, the start
/// of overlap m_IN = 1 − 2·flips/N of eq. (M17): the sites of column μ are
/// those a retrieval curve with one trial flips (stream
/// [`rng::FLIPS`]` + μ` of `seed`).
///
/// Fails for patterns that are not ±1 or more flips than sites.
pub fn flipped_starts(patterns: &DMatrix<f64>, flips: usize, seed: u64) -> Result<DMatrix<f64>> {
    let plan = Plan::new(patterns, 1, seed)?;
    ensure(flips <= patterns.nrows(), || {
        format!("{flips} flips exceed the N = {} sites", patterns.nrows())
    })?;
    let cols: Vec<usize> = (0..patterns.ncols()).collect();
    Ok(plan.states(&cols, &vec![flips; cols.len()]))
}

/// Random flip orders of every (pattern, trial).
struct Plan<'a> {
    patterns: &'a DMatrix<f64>,
    trials: usize,
    orders: Vec<Vec<u32>>,
}

impl<'a> Plan<'a> {
    fn new(patterns: &'a DMatrix<f64>, trials: usize, seed: u64) -> Result<Self> {
        check_patterns(patterns)?;
        ensure(trials >= 1, || "trials must be >= 1".into())?;
        let (n, p) = patterns.shape();
        let orders = (0..p * trials)
            .map(|c| {
                let mut rng = rng::stream(seed, rng::FLIPS + c as u64);
                let mut o: Vec<u32> = (0..n as u32).collect();
                o.shuffle(&mut rng);
                o
            })
            .collect();
        Ok(Self {
            patterns,
            trials,
            orders,
        })
    }

    fn pattern_of(&self, c: usize) -> usize {
        c / self.trials
    }

    /// Initial states of the columns `cols` with `flips[k]` flipped spins.
    fn states(&self, cols: &[usize], flips: &[usize]) -> DMatrix<f64> {
        let n = self.patterns.nrows();
        let mut x = DMatrix::zeros(n, cols.len());
        for (k, (&c, &f)) in cols.iter().zip(flips).enumerate() {
            let mu = self.pattern_of(c);
            x.column_mut(k).copy_from(&self.patterns.column(mu));
            for &i in &self.orders[c][..f] {
                x[(i as usize, k)] = -x[(i as usize, k)];
            }
        }
        x
    }

    /// Relaxes the columns `cols` from `flips` flipped spins and reports the
    /// outcome of each.
    fn run(
        &self,
        net: &Network,
        cols: &[usize],
        flips: &[usize],
        dyn_opts: &DynamicsOptions,
        protocol: &Protocol,
    ) -> Result<Vec<Outcome>> {
        let x = self.states(cols, flips);
        let r = protocol.relax(net, x, dyn_opts)?;
        Ok(cols
            .iter()
            .enumerate()
            .map(|(k, &c)| {
                let xi = self.patterns.column(self.pattern_of(c));
                let m = overlap(xi.as_slice(), r.states.column(k).as_slice());
                let equal = r.states.column(k).iter().eq(xi.iter());
                let exact = protocol.retrieved(equal, r.converged[k]);
                Outcome {
                    overlap: m,
                    retrieved: exact,
                    converged: r.converged[k],
                    cycled: r.cycled[k],
                }
            })
            .collect())
    }
}

/// The outcome of one relaxation from a perturbed pattern.
struct Outcome {
    /// Final overlap with the pattern, eq. (M17).
    overlap: f64,
    /// Whether the pattern was recalled exactly, eq. (M19).
    retrieved: bool,
    /// Whether the relaxation reached a fixed point.
    converged: bool,
    /// Whether it stopped on a 2-cycle.
    cycled: bool,
}

/// Per-pattern means of per-(pattern, trial) values (or the values
/// themselves when there is a single pattern, so that the error bar comes
/// from the trials).
fn units(values: &[f64], p: usize, trials: usize) -> Vec<f64> {
    if p == 1 {
        return values.to_vec();
    }
    values
        .chunks(trials)
        .map(|c| c.iter().sum::<f64>() / trials as f64)
        .collect()
}

/// One point of a retrieval curve, eq. (M18).
#[derive(Clone, Debug, Serialize)]
pub struct RetrievalPoint {
    /// Requested initial overlap.
    pub m_in_target: f64,
    /// Realised initial overlap `1 − 2k/N`.
    pub m_in: f64,
    /// Flipped spins `k`.
    pub flips: usize,
    /// Mean final overlap over patterns and trials.
    pub m_final: f64,
    /// Standard error of `m_final` (over patterns, the independent units).
    pub m_final_err: f64,
    /// Fraction of relaxations that recalled the pattern exactly, eq. (M19).
    pub retrieved: f64,
    /// Standard error of `retrieved`.
    pub retrieved_err: f64,
    /// Fraction of relaxations that reached a fixed point within the cap.
    pub converged: f64,
    /// Fraction of relaxations stopped on a 2-cycle (synchronous dynamics).
    pub cycled: f64,
    /// Number of relaxations (patterns × trials).
    pub samples: usize,
}

/// Retrieval curve: for each `m_IN`, relax every pattern from `k =
/// round(N(1 − m_IN)/2)` flipped spins (eq. (M17)) and average the final
/// overlaps, eq. (M18); the converged protocol of [`retrieval_curve_with`].
pub fn retrieval_curve(
    net: &Network,
    patterns: &DMatrix<f64>,
    m_ins: &[f64],
    opts: &RetrievalOptions,
) -> Result<Vec<RetrievalPoint>> {
    retrieval_curve_with(net, patterns, m_ins, opts, &Protocol::Converged)
}

/// Retrieval curve under `protocol`, eqs. (M18), (M33)–(M34): for each
/// `m_IN`, relax every pattern from the protocol's flip count and average
/// the final overlaps.
pub fn retrieval_curve_with(
    net: &Network,
    patterns: &DMatrix<f64>,
    m_ins: &[f64],
    opts: &RetrievalOptions,
    protocol: &Protocol,
) -> Result<Vec<RetrievalPoint>> {
    check_sizes(net, patterns)?;
    protocol.check(&opts.dynamics)?;
    ensure(!m_ins.is_empty(), || "no initial overlaps given".into())?;
    let plan = Plan::new(patterns, opts.trials, opts.seed)?;
    let (n, p) = patterns.shape();
    let cols: Vec<usize> = (0..p * opts.trials).collect();
    m_ins
        .iter()
        .map(|&m| {
            let k = protocol.flips(n, m)?;
            let res = plan.run(net, &cols, &vec![k; cols.len()], &opts.dynamics, protocol)?;
            let mf: Vec<f64> = res.iter().map(|r| r.overlap).collect();
            let ok: Vec<f64> = res
                .iter()
                .map(|r| if r.retrieved { 1.0 } else { 0.0 })
                .collect();
            let (m_final, m_final_err) = mean_sem(&units(&mf, p, opts.trials));
            let (retrieved, retrieved_err) = mean_sem(&units(&ok, p, opts.trials));
            Ok(RetrievalPoint {
                m_in_target: m,
                m_in: 1.0 - 2.0 * k as f64 / n as f64,
                flips: k,
                m_final,
                m_final_err,
                retrieved,
                retrieved_err,
                converged: res.iter().filter(|r| r.converged).count() as f64 / res.len() as f64,
                cycled: res.iter().filter(|r| r.cycled).count() as f64 / res.len() as f64,
                samples: res.len(),
            })
        })
        .collect()
}

/// Basin sizes, eq. (M20).
#[derive(Clone, Debug, Serialize)]
pub struct Basins {
    /// Mean basin size `1 − m_IN^c` over patterns (and trials).
    pub basin_size: f64,
    /// Standard error of `basin_size` over patterns.
    pub basin_size_err: f64,
    /// Basin size of each pattern (mean over its trials).
    pub per_pattern: Vec<f64>,
    /// Fraction of patterns (× trials) recalled from themselves, i.e. fixed
    /// points.
    pub fixed_points: f64,
    /// Relaxations run in total.
    pub relaxations: usize,
    /// Relaxations stopped on a 2-cycle (synchronous dynamics).
    pub cycled: usize,
    /// Relaxations that hit the step cap without reaching a fixed point or a
    /// 2-cycle.
    pub capped: usize,
}

/// Basin size of every pattern by bisection on the number of flipped spins,
/// eq. (M20): for each (pattern, trial) find the largest `k ≤ ⌊N/2⌋` such
/// that the pattern is recalled exactly from `k` flips (assuming, as
/// bisection must, that recall is monotone in `k` along the nested flip
/// sets); the basin is `1 − m_IN^c = 2k/N`, and 0 if the pattern is not a
/// fixed point. Every bisection round is one batched relaxation of all the
/// unresolved (pattern, trial) pairs; there are ⌈log₂(⌊N/2⌋ + 1)⌉ rounds after
/// the fixed-point test. The converged protocol of [`basin_sizes_with`].
pub fn basin_sizes(
    net: &Network,
    patterns: &DMatrix<f64>,
    opts: &RetrievalOptions,
) -> Result<Basins> {
    basin_sizes_with(net, patterns, opts, &Protocol::Converged)
}

/// Per-pattern basin sizes, eq. (M20), with "recalled" in the sense of
/// `protocol`, eqs. (M33)–(M34) (the flip counts are bisected directly, so
/// the protocols differ only in their dynamics).
pub fn basin_sizes_with(
    net: &Network,
    patterns: &DMatrix<f64>,
    opts: &RetrievalOptions,
    protocol: &Protocol,
) -> Result<Basins> {
    check_sizes(net, patterns)?;
    protocol.check(&opts.dynamics)?;
    let plan = Plan::new(patterns, opts.trials, opts.seed)?;
    let (n, p) = patterns.shape();
    let total = p * opts.trials;
    let mut relaxations = 0;
    let mut capped = 0;
    let mut cycled = 0;
    let recalls = |cols: &[usize], flips: &[usize]| -> Result<Vec<bool>> {
        let r = plan.run(net, cols, flips, &opts.dynamics, protocol)?;
        relaxations += r.len();
        cycled += r.iter().filter(|x| x.cycled).count();
        capped += r.iter().filter(|x| !x.converged && !x.cycled).count();
        Ok(r.into_iter().map(|x| x.retrieved).collect())
    };
    let thresholds = recall_thresholds(total, n / 2, recalls)?;
    let fixed = thresholds.iter().filter(|k| k.is_some()).count();
    let b: Vec<f64> = thresholds
        .iter()
        .map(|l| l.map_or(0.0, |k| 2.0 * k as f64 / n as f64))
        .collect();
    let per_pattern: Vec<f64> = b
        .chunks(opts.trials)
        .map(|c| c.iter().sum::<f64>() / opts.trials as f64)
        .collect();
    let (basin_size, basin_size_err) = mean_sem(&units(&b, p, opts.trials));
    Ok(Basins {
        basin_size,
        basin_size_err,
        per_pattern,
        fixed_points: fixed as f64 / total as f64,
        relaxations,
        cycled,
        capped,
    })
}

/// When the mean retrieval curve counts as having reached 1, eq. (M35).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CurveCriterion {
    /// Every relaxation retrieved, so that the mean `m_F` is exactly 1.
    #[default]
    Exact,
    /// Mean `m_F ≥ 1 − 1/N` (on average at most half a wrong spin per
    /// relaxation).
    WithinOneOverN,
}

/// The basin read off the mean retrieval curve, eq. (M35).
#[derive(Clone, Debug, Serialize)]
pub struct CurveBasin {
    /// `1 − m_IN^c = 2k_c/N`, 0 when the curve is below 1 even at `m_IN = 1`.
    pub basin_size: f64,
    /// The smallest realised initial overlap `1 − 2k_c/N` from which the mean
    /// curve reaches 1 (by bisection on the flip count).
    pub m_in_c: f64,
    /// The largest flip count `k_c` from which the mean curve reaches 1.
    pub flips: usize,
    /// Whether the curve reaches 1 at all (from the patterns themselves).
    pub reached: bool,
    /// Resolution of `basin_size`: one flip, `2/N`.
    pub resolution: f64,
    /// The criterion of "reaches 1".
    pub criterion: CurveCriterion,
    /// Relaxations run in total.
    pub relaxations: usize,
}

/// The basin as the paper defines it, eq. (M35): `1 − m_IN^c` with `m_IN^c`
/// the smallest initial overlap from which the *mean* retrieval curve of
/// `protocol` reaches 1 (`criterion`), found by bisection on the flip count
/// `k ≤ ⌊N/2⌋` (one flip of resolution, assuming as any bisection must that
/// the mean curve is monotone along the nested flips of eq. (M17)). Every
/// test relaxes all `P × trials` states from the same `k`.
pub fn curve_basin(
    net: &Network,
    patterns: &DMatrix<f64>,
    opts: &RetrievalOptions,
    protocol: &Protocol,
    criterion: CurveCriterion,
) -> Result<CurveBasin> {
    check_sizes(net, patterns)?;
    protocol.check(&opts.dynamics)?;
    let plan = Plan::new(patterns, opts.trials, opts.seed)?;
    let (n, p) = patterns.shape();
    let cols: Vec<usize> = (0..p * opts.trials).collect();
    let mut relaxations = 0;
    let reaches = |_: &[usize], k: &[usize]| -> Result<Vec<bool>> {
        let r = plan.run(
            net,
            &cols,
            &vec![k[0]; cols.len()],
            &opts.dynamics,
            protocol,
        )?;
        relaxations += r.len();
        let ok = match criterion {
            CurveCriterion::Exact => r.iter().all(|x| x.retrieved),
            CurveCriterion::WithinOneOverN => {
                let mean = r.iter().map(|x| x.overlap).sum::<f64>() / r.len() as f64;
                mean >= 1.0 - 1.0 / n as f64
            }
        };
        Ok(vec![ok])
    };
    let k = recall_thresholds(1, n / 2, reaches)?[0];
    let flips = k.unwrap_or(0);
    Ok(CurveBasin {
        basin_size: 2.0 * flips as f64 / n as f64,
        m_in_c: if k.is_some() {
            1.0 - 2.0 * flips as f64 / n as f64
        } else {
            1.0
        },
        flips,
        reached: k.is_some(),
        resolution: 2.0 / n as f64,
        criterion,
        relaxations,
    })
}

/// The recall thresholds `k_c ≤ kmax` of the `total` (pattern, trial) pairs
/// by bisection, eq. (M20); `None` for a pattern that is not recalled even
/// from itself (k = 0). `recalls(cols, flips)` relaxes the pairs `cols` from
/// `flips` flipped spins, all at once, and says which were recalled exactly.
fn recall_thresholds(
    total: usize,
    kmax: usize,
    mut recalls: impl FnMut(&[usize], &[usize]) -> Result<Vec<bool>>,
) -> Result<Vec<Option<usize>>> {
    // lo: largest k known to recall (None: not even k = 0); hi: smallest k
    // known not to recall.
    let all: Vec<usize> = (0..total).collect();
    let at0 = recalls(&all, &vec![0; total])?;
    let mut lo: Vec<Option<usize>> = at0.iter().map(|&b| b.then_some(0)).collect();
    // hi starts one past ⌊N/2⌋ without a test: bisection then reaches
    // lo = ⌊N/2⌋ when every tested k recalls, and no round is spent on the
    // (nearly always failing, and slowest) relaxations from m_IN ≈ 0.
    let mut hi = vec![kmax + 1; total];
    loop {
        let open: Vec<usize> = all
            .iter()
            .copied()
            .filter(|&c| matches!(lo[c], Some(l) if hi[c] > l + 1))
            .collect();
        if open.is_empty() {
            return Ok(lo);
        }
        let mids: Vec<usize> = open
            .iter()
            .map(|&c| (lo[c].unwrap_or(0) + hi[c]) / 2)
            .collect();
        let r = recalls(&open, &mids)?;
        for ((&c, &m), ok) in open.iter().zip(&mids).zip(r) {
            if ok {
                lo[c] = Some(m);
            } else {
                hi[c] = m;
            }
        }
    }
}

/// The patterns must have one row per neuron of the network.
fn check_sizes(net: &Network, patterns: &DMatrix<f64>) -> Result<()> {
    ensure(net.n() == patterns.nrows(), || {
        format!(
            "patterns have N = {} but the network has N = {}",
            patterns.nrows(),
            net.n()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every flipped start sits at exactly m = 1 − 2k/N from its pattern, the
    /// starts depend only on the seed, and too many flips are refused.
    #[test]
    fn flipped_starts_sit_at_the_asked_overlap() {
        let xi = DMatrix::from_fn(20, 3, |i, mu| if (i + mu) % 3 == 0 { 1.0 } else { -1.0 });
        let x = flipped_starts(&xi, 6, 4).unwrap();
        for mu in 0..3 {
            let m = overlap(xi.column(mu).as_slice(), x.column(mu).as_slice());
            assert_eq!(m, 1.0 - 2.0 * 6.0 / 20.0);
        }
        assert_eq!(x, flipped_starts(&xi, 6, 4).unwrap());
        assert_ne!(x, flipped_starts(&xi, 6, 5).unwrap());
        let e = flipped_starts(&xi, 21, 4).unwrap_err();
        assert!(e.to_string().contains("21 flips exceed"), "{e}");
    }
}
