//! Parallel tempering for the Edwards–Anderson spin glass, with equilibration
//! judged by evidence on the energy and the overlap (theory/spin_glass.md,
//! eqs. (G4)–(G12)).

use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

use super::spin_glass::EaInstance;
use crate::error::ensure;
use crate::numerics::autocorrelation::integrated_time;
use crate::numerics::rng;
use crate::numerics::statistics::{jackknife, mean_sem};
use crate::{Error, Result};

/// Blocks compared by the logarithmic-binning test (G6).
const LOG_BINS_COMPARED: usize = 3;

/// The standard errors by which compared blocks may differ, (G6).
const LOG_BIN_SIGMAS: f64 = 3.0;

/// Target configurations kept per chain and block for the overlap of the
/// logarithmic binning, (G11): evenly spaced, so long blocks cost no memory.
const SNAPSHOTS_PER_BLOCK: usize = 16;

/// Sweeps measured before τ_int is first estimated (and at least as many
/// as equilibration took).
const MIN_TAU_SWEEPS: usize = 2000;

/// Lengths of the first production stretch in units of the longer τ_int
/// before the spacing is fixed (G12): Sokal's relative error
/// √(2(2W + 1)/n) with W ≈ 6τ is then ≈ 0.5 per chain, ≈ 0.5/√chains for
/// their mean (0.17 with 8 chains), so 2τ from it rarely falls below 1.5τ.
const TAU_LENGTHS: f64 = 100.0;

/// What to sample and how.
#[derive(Debug, Clone, Serialize)]
pub struct PtOptions {
    /// Target temperature T_0 (the lowest of the ladder).
    pub t: f64,
    /// Highest temperature of the ladder.
    pub t_max: f64,
    /// Number M of temperatures (geometric between t and t_max).
    pub temperatures: usize,
    /// Independent chains (full ladders), at least 3.
    pub chains: usize,
    /// Samples to return at the target temperature (spread over the chains).
    pub samples: usize,
    /// Sweep budget of the equilibration (an error when exceeded).
    pub max_sweeps: usize,
    /// Seed of the chains' streams.
    pub seed: u64,
}

impl PtOptions {
    /// The geometric ladder T_k = t·(t_max/t)^{k/(M−1)}.
    pub fn ladder(&self) -> Vec<f64> {
        let m = self.temperatures;
        if m == 1 {
            return vec![self.t];
        }
        (0..m)
            .map(|k| self.t * (self.t_max / self.t).powf(k as f64 / (m - 1) as f64))
            .collect()
    }

    fn check(&self) -> Result<()> {
        ensure(self.t.is_finite() && self.t > 0.0, || {
            format!(
                "the temperature must be positive and finite, got {}",
                self.t
            )
        })?;
        ensure(
            self.temperatures == 1 || (self.t_max.is_finite() && self.t_max > self.t),
            || {
                format!(
                    "the ladder's highest temperature must exceed T = {}, got {}",
                    self.t, self.t_max
                )
            },
        )?;
        ensure((1..=256).contains(&self.temperatures), || {
            format!("between 1 and 256 temperatures, got {}", self.temperatures)
        })?;
        ensure((3..=1024).contains(&self.chains), || {
            format!(
                "between 3 and 1024 independent chains (the overlap's jackknife error, (G11), \
                 needs a pair of chains without any one of them), got {}",
                self.chains
            )
        })?;
        ensure(self.samples >= 1, || "at least one sample".into())?;
        ensure(self.max_sweeps >= 16, || {
            format!(
                "the sweep budget must be at least 16, got {}",
                self.max_sweeps
            )
        })
    }
}

/// One full ladder: a configuration per temperature, and the exchange
/// statistics of every neighbouring pair.
struct Chain {
    rng: ChaCha8Rng,
    /// `configs[k]` is the configuration at temperature k.
    configs: Vec<Vec<i8>>,
    energies: Vec<f64>,
    accepted: Vec<u64>,
    attempted: Vec<u64>,
    sweeps: usize,
}

/// What a stretch of sweeps recorded at the target temperature, one value
/// per sweep.
#[derive(Default)]
struct Trace {
    /// Energy per spin.
    energy: Vec<f64>,
    /// Overlap (G12) with the chain's reference (empty without one).
    overlap: Vec<f64>,
}

impl Trace {
    fn extend(&mut self, other: Trace) {
        self.energy.extend(other.energy);
        self.overlap.extend(other.overlap);
    }
}

/// q = (1/N) Σ_i a_i b_i (eq. (G9)).
fn overlap(a: &[i8], b: &[i8]) -> f64 {
    a.iter().zip(b).map(|(&x, &y)| (x * y) as i64).sum::<i64>() as f64 / a.len() as f64
}

impl Chain {
    fn new(inst: &EaInstance, m: usize, seed: u64, c: usize) -> Self {
        let mut rng = rng::stream(seed, rng::EA_CHAINS + c as u64);
        let configs: Vec<Vec<i8>> = (0..m)
            .map(|_| {
                (0..inst.n())
                    .map(|_| if rng.random::<bool>() { 1 } else { -1 })
                    .collect()
            })
            .collect();
        let energies = configs.iter().map(|s| inst.energy(s)).collect();
        Self {
            rng,
            configs,
            energies,
            accepted: vec![0; m.saturating_sub(1)],
            attempted: vec![0; m.saturating_sub(1)],
            sweeps: 0,
        }
    }

    /// One Metropolis sweep at every temperature (G4), then one round of
    /// exchanges (G5) on the pairs of this sweep's parity.
    fn step(&mut self, inst: &EaInstance, betas: &[f64]) {
        for (k, &beta) in betas.iter().enumerate() {
            let s = &mut self.configs[k];
            let mut e = self.energies[k];
            for i in 0..s.len() {
                let de = 2.0 * s[i] as f64 * inst.local_field(s, i);
                if de <= 0.0 || self.rng.random::<f64>() < (-beta * de).exp() {
                    s[i] = -s[i];
                    e += de;
                }
            }
            self.energies[k] = e;
        }
        let mut k = self.sweeps % 2;
        while k + 1 < betas.len() {
            self.attempted[k] += 1;
            let x = (betas[k] - betas[k + 1]) * (self.energies[k] - self.energies[k + 1]);
            if x >= 0.0 || self.rng.random::<f64>() < x.exp() {
                self.configs.swap(k, k + 1);
                self.energies.swap(k, k + 1);
                self.accepted[k] += 1;
            }
            k += 2;
        }
        self.sweeps += 1;
    }

    /// Runs `sweeps` steps, recording after each the target energy per spin
    /// and, given a reference, the target configuration's overlap with it.
    fn run(
        &mut self,
        inst: &EaInstance,
        betas: &[f64],
        sweeps: usize,
        reference: Option<&[i8]>,
    ) -> Trace {
        let n = inst.n() as f64;
        let mut t = Trace::default();
        for _ in 0..sweeps {
            self.step(inst, betas);
            t.energy.push(self.energies[0] / n);
            if let Some(r) = reference {
                t.overlap.push(overlap(&self.configs[0], r));
            }
        }
        t
    }

    /// Runs `sweeps` steps, returning the mean target energy per spin and
    /// [`SNAPSHOTS_PER_BLOCK`] (or `sweeps`, if fewer) evenly spaced target
    /// configurations, the last one after the last sweep.
    fn run_block(&mut self, inst: &EaInstance, betas: &[f64], sweeps: usize) -> BlockTrace {
        let every = (sweeps / SNAPSHOTS_PER_BLOCK).max(1);
        let (mut sum, mut done) = (0.0, 0);
        let mut snapshots = Vec::with_capacity(SNAPSHOTS_PER_BLOCK);
        while done < sweeps {
            let len = every.min(sweeps - done);
            sum += self.run(inst, betas, len, None).energy.iter().sum::<f64>();
            snapshots.push(self.configs[0].clone());
            done += len;
        }
        BlockTrace {
            energy: sum / sweeps as f64,
            snapshots,
        }
    }
}

/// One chain's record of a logarithmic-binning block.
struct BlockTrace {
    /// Mean target energy per spin over the block.
    energy: f64,
    /// Target configurations at evenly spaced times of the block.
    snapshots: Vec<Vec<i8>>,
}

/// One block of the logarithmic-binning test (G6), (G11).
#[derive(Debug, Clone, Serialize)]
pub struct LogBin {
    /// First sweep of the block.
    pub from: usize,
    /// One past its last sweep.
    pub to: usize,
    /// Mean target energy per spin over the block and the chains.
    pub energy_per_spin: f64,
    /// Standard error over the chains.
    pub err: f64,
    /// Mean squared overlap q² between pairs of chains over the block (G11).
    pub overlap_sq: f64,
    /// Its jackknife error over the chains.
    pub overlap_sq_err: f64,
}

/// What the sampler produced and the evidence of its equilibrium.
#[derive(Debug, Clone, Serialize)]
pub struct PtResult {
    /// The temperatures, T_0 the target.
    pub ladder: Vec<f64>,
    /// Exchange acceptance of each neighbouring pair, over all chains.
    pub acceptance: Vec<f64>,
    /// Sweeps until (G6) held for the energy and the overlap (G11).
    pub equilibration_sweeps: usize,
    /// The logarithmic-binning blocks of the equilibration.
    pub log_binning: Vec<LogBin>,
    /// τ_int of the target energy (sweeps, eq. (G7)).
    pub tau_int: f64,
    /// Its error.
    pub tau_int_err: f64,
    /// τ_int of the target overlap with a frozen reference (sweeps, (G12)).
    pub tau_int_overlap: f64,
    /// Its error.
    pub tau_int_overlap_err: f64,
    /// Sweeps between samples, ⌈2 max(τ_int, τ_int^q)⌉ from the first
    /// estimates (G12).
    pub spacing: usize,
    /// Production sweeps per chain.
    pub production_sweeps: usize,
    /// ⟨E⟩/N at the target temperature and its error (G8).
    pub energy_per_spin: f64,
    /// Its error.
    pub energy_per_spin_err: f64,
    /// C/N at the target temperature and its error.
    pub specific_heat: f64,
    /// Its error.
    pub specific_heat_err: f64,
    /// Mean overlap between chains c, c + 1 at the sample times (G9).
    pub q_mean: f64,
    /// The sign asymmetry a of the overlaps and a·√(n₊ + n₋) (G10).
    pub q_asymmetry: f64,
    /// a·√(n₊ + n₋), checked against 4.
    pub q_asymmetry_z: f64,
    /// The samples at the target temperature, chain by chain.
    #[serde(skip)]
    pub samples: Vec<Vec<i8>>,
}

/// The block's mean q² over all pairs of chains and its jackknife error
/// over the chains (G11).
fn block_overlap_sq(blocks: &[BlockTrace]) -> (f64, f64) {
    let c = blocks.len();
    let mut q2 = vec![0.0; c * c];
    for a in 0..c {
        for b in a + 1..c {
            let (x, y) = (&blocks[a].snapshots, &blocks[b].snapshots);
            let sum: f64 = x.iter().zip(y).map(|(s, t)| overlap(s, t).powi(2)).sum();
            q2[a * c + b] = sum / x.len() as f64;
        }
    }
    jackknife(c, |skip| {
        let (mut sum, mut pairs) = (0.0, 0usize);
        for a in (0..c).filter(|&a| Some(a) != skip) {
            for b in (a + 1..c).filter(|&b| Some(b) != skip) {
                sum += q2[a * c + b];
                pairs += 1;
            }
        }
        sum / pairs as f64
    })
}

/// Equilibrates in doubling blocks until (G6) holds for the energy and the
/// overlap (G11); returns the sweeps spent and the blocks.
fn equilibrate(
    chains: &mut [Chain],
    inst: &EaInstance,
    betas: &[f64],
    max_sweeps: usize,
    progress: &(dyn Fn(f64) + Sync),
) -> Result<(usize, Vec<LogBin>)> {
    let mut bins: Vec<LogBin> = Vec::new();
    let mut done = 0usize;
    for k in 0.. {
        let len = 1usize << k;
        if done + len > max_sweeps {
            return Err(Error::NoSolution(format!(
                "not equilibrated after {done} sweeps (the budget is {max_sweeps}): the last \
                 blocks' energies per spin {:?} or squared overlaps {:?} still drift; raise \
                 --max-sweeps or add temperatures",
                last_bins(&bins, |b| (b.energy_per_spin, b.err)),
                last_bins(&bins, |b| (b.overlap_sq, b.overlap_sq_err)),
            )));
        }
        let blocks: Vec<BlockTrace> = chains
            .par_iter_mut()
            .map(|c| c.run_block(inst, betas, len))
            .collect();
        let means: Vec<f64> = blocks.iter().map(|b| b.energy).collect();
        let (m, err) = mean_sem(&means);
        let (overlap_sq, overlap_sq_err) = block_overlap_sq(&blocks);
        bins.push(LogBin {
            from: done,
            to: done + len,
            energy_per_spin: m,
            err,
            overlap_sq,
            overlap_sq_err,
        });
        done += len;
        progress(done as f64 / max_sweeps as f64);
        if equilibrated(&bins) {
            return Ok((done, bins));
        }
    }
    unreachable!("the loop returns")
}

/// (G6) and (G11): at least five blocks, and the last three agree in the
/// energy and in the squared overlap.
fn equilibrated(bins: &[LogBin]) -> bool {
    bins.len() >= 5
        && log_bins_agree(bins, |b| (b.energy_per_spin, b.err))
        && log_bins_agree(bins, |b| (b.overlap_sq, b.overlap_sq_err))
}

/// The last blocks' values of one observable, for an error message.
fn last_bins(bins: &[LogBin], of: impl Fn(&LogBin) -> (f64, f64)) -> Vec<String> {
    bins.iter()
        .rev()
        .take(LOG_BINS_COMPARED)
        .map(|b| {
            let (v, e) = of(b);
            format!("{v:.5} ± {e:.5}")
        })
        .collect()
}

/// (G6): the last three blocks' values `of` (value, error) agree pairwise
/// within 3 combined errors.
fn log_bins_agree(bins: &[LogBin], of: impl Fn(&LogBin) -> (f64, f64)) -> bool {
    let last: Vec<(f64, f64)> = bins[bins.len() - LOG_BINS_COMPARED..]
        .iter()
        .map(of)
        .collect();
    last.iter().enumerate().all(|(a, x)| {
        last[a + 1..]
            .iter()
            .all(|y| (x.0 - y.0).abs() <= LOG_BIN_SIGMAS * x.1.hypot(y.1) + 1e-12)
    })
}

/// Samples `opts.samples` equilibrium configurations of `inst` at
/// `opts.t` by parallel tempering, with the evidence of equilibrium.
/// `progress` receives the fraction of the work done (equilibration counts
/// as the first tenth).
pub fn sample(
    inst: &EaInstance,
    opts: &PtOptions,
    progress: &(dyn Fn(f64) + Sync),
) -> Result<PtResult> {
    opts.check()?;
    let ladder = opts.ladder();
    let betas: Vec<f64> = ladder.iter().map(|t| 1.0 / t).collect();
    let mut chains: Vec<Chain> = (0..opts.chains)
        .map(|c| Chain::new(inst, ladder.len(), opts.seed, c))
        .collect();
    let (equilibration_sweeps, log_binning) =
        equilibrate(&mut chains, inst, &betas, opts.max_sweeps, &|f| {
            progress(0.1 * f)
        })?;
    // Chain c's overlap is measured against chain c + 1's equilibrated
    // target configuration, frozen (G12).
    let references: Vec<Vec<i8>> = (0..chains.len())
        .map(|c| chains[(c + 1) % chains.len()].configs[0].clone())
        .collect();
    let run_all = |chains: &mut [Chain], sweeps: usize| -> Vec<Trace> {
        chains
            .par_iter_mut()
            .zip(&references)
            .map(|(c, r)| c.run(inst, &betas, sweeps, Some(r)))
            .collect()
    };
    // First production stretch: the τ_int, then the spacing of the samples.
    // A series too short for Sokal's window, or shorter than TAU_LENGTHS
    // τ_int, is extended by doubling, within the sweep budget.
    let mut series = run_all(&mut chains, MIN_TAU_SWEEPS.max(equilibration_sweeps));
    let (tau_e, tau_q) = loop {
        let taus = mean_tau(&series, |t| &t.energy)
            .and_then(|e| Ok((e, mean_tau(&series, |t| &t.overlap)?)));
        let len = series[0].energy.len();
        match taus {
            Ok((e, q)) if len as f64 >= TAU_LENGTHS * e.max(q) => break (e, q),
            Err(e) if len * 2 > opts.max_sweeps => return Err(e),
            Ok(_) if len * 2 > opts.max_sweeps => {
                return Err(Error::NoSolution(format!(
                    "τ_int needs a series of {TAU_LENGTHS} τ_int, more than half the sweep \
                     budget {}; raise --max-sweeps",
                    opts.max_sweeps
                )))
            }
            _ => {
                for (s, e) in series.iter_mut().zip(run_all(&mut chains, len)) {
                    s.extend(e);
                }
            }
        }
    };
    let spacing = (2.0 * tau_e.max(tau_q)).ceil().max(1.0) as usize;
    let per_chain = opts.samples.div_ceil(opts.chains);
    let done_chains = std::sync::atomic::AtomicUsize::new(0);
    let collected: Vec<(Vec<Vec<i8>>, Trace)> = chains
        .par_iter_mut()
        .zip(&references)
        .map(|(c, r)| {
            let mut configs = Vec::with_capacity(per_chain);
            let mut trace = Trace::default();
            for _ in 0..per_chain {
                trace.extend(c.run(inst, &betas, spacing, Some(r)));
                configs.push(c.configs[0].clone());
            }
            let d = done_chains.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(0.1 + 0.9 * d as f64 / opts.chains as f64);
            (configs, trace)
        })
        .collect();
    let mut samples = Vec::with_capacity(collected.len());
    for (s, (configs, t)) in series.iter_mut().zip(collected) {
        s.extend(t);
        samples.push(configs);
    }
    finish(
        inst,
        opts,
        &chains,
        Production {
            ladder,
            series,
            samples,
            equilibration_sweeps,
            log_binning,
            spacing,
        },
    )
}

/// The mean τ_int over the chains of one of their series (G7).
fn mean_tau(series: &[Trace], of: impl Fn(&Trace) -> &Vec<f64>) -> Result<f64> {
    let taus: Result<Vec<f64>> = series
        .iter()
        .map(|s| Ok(integrated_time(of(s))?.tau))
        .collect();
    let taus = taus?;
    Ok(taus.iter().sum::<f64>() / taus.len() as f64)
}

/// The mean τ_int over the chains of one of their series and the mean of
/// its errors (G7).
fn tau_and_error(series: &[Trace], of: impl Fn(&Trace) -> &Vec<f64>) -> Result<(f64, f64)> {
    let taus: Result<Vec<_>> = series.iter().map(|s| integrated_time(of(s))).collect();
    let taus = taus?;
    let k = taus.len() as f64;
    Ok((
        taus.iter().map(|t| t.tau).sum::<f64>() / k,
        taus.iter().map(|t| t.error).sum::<f64>() / k,
    ))
}

/// What the production run recorded, chain by chain.
struct Production {
    /// The temperatures, T_0 the target.
    ladder: Vec<f64>,
    /// Every production sweep's target energy and overlap.
    series: Vec<Trace>,
    /// The samples taken every `spacing` sweeps.
    samples: Vec<Vec<Vec<i8>>>,
    /// Sweeps the equilibration took.
    equilibration_sweeps: usize,
    /// Its logarithmic-binning blocks.
    log_binning: Vec<LogBin>,
    /// Sweeps between samples.
    spacing: usize,
}

/// Assembles the estimates (G7)–(G10), (G12) from the production data.
fn finish(
    inst: &EaInstance,
    opts: &PtOptions,
    chains: &[Chain],
    p: Production,
) -> Result<PtResult> {
    let n = inst.n() as f64;
    let beta = 1.0 / opts.t;
    let (tau_int, tau_int_err) = tau_and_error(&p.series, |t| &t.energy)?;
    let (tau_int_overlap, tau_int_overlap_err) = tau_and_error(&p.series, |t| &t.overlap)?;
    let (mut e_means, mut c_values) = (Vec::new(), Vec::new());
    for s in &p.series {
        let s = &s.energy;
        let m = s.iter().sum::<f64>() / s.len() as f64;
        let v = s.iter().map(|e| (e - m) * (e - m)).sum::<f64>() / s.len() as f64;
        e_means.push(m);
        c_values.push(beta * beta * v * n);
    }
    let (energy_per_spin, energy_per_spin_err) = mean_sem(&e_means);
    let (specific_heat, specific_heat_err) = mean_sem(&c_values);
    let (mut qs, mut plus, mut minus) = (Vec::new(), 0usize, 0usize);
    for w in p.samples.windows(2) {
        for (a, b) in w[0].iter().zip(&w[1]) {
            let q = overlap(a, b);
            if q > 0.0 {
                plus += 1;
            } else if q < 0.0 {
                minus += 1;
            }
            qs.push(q);
        }
    }
    let signed = (plus + minus).max(1) as f64;
    let q_asymmetry = (plus as f64 - minus as f64) / signed;
    let rungs = p.ladder.len().saturating_sub(1);
    let (mut accepted, mut attempted) = (vec![0u64; rungs], vec![0u64; rungs]);
    for c in chains {
        for k in 0..rungs {
            accepted[k] += c.accepted[k];
            attempted[k] += c.attempted[k];
        }
    }
    let acceptance = accepted
        .iter()
        .zip(&attempted)
        .map(|(&a, &t)| a as f64 / t.max(1) as f64)
        .collect();
    let production_sweeps = p.series[0].energy.len();
    let samples: Vec<Vec<i8>> = p.samples.into_iter().flatten().take(opts.samples).collect();
    Ok(PtResult {
        ladder: p.ladder,
        acceptance,
        equilibration_sweeps: p.equilibration_sweeps,
        log_binning: p.log_binning,
        tau_int,
        tau_int_err,
        tau_int_overlap,
        tau_int_overlap_err,
        spacing: p.spacing,
        production_sweeps,
        energy_per_spin,
        energy_per_spin_err,
        specific_heat,
        specific_heat_err,
        q_mean: qs.iter().sum::<f64>() / qs.len().max(1) as f64,
        q_asymmetry,
        q_asymmetry_z: q_asymmetry * signed.sqrt(),
        samples,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bins(values: &[(f64, f64)]) -> Vec<LogBin> {
        values
            .iter()
            .enumerate()
            .map(|(k, &(e, q2))| LogBin {
                from: (1 << k) - 1,
                to: (1 << (k + 1)) - 1,
                energy_per_spin: e,
                err: 0.01,
                overlap_sq: q2,
                overlap_sq_err: 0.001,
            })
            .collect()
    }

    /// The energy alone does not declare equilibrium: with flat energies a
    /// squared overlap still rising by 10 of its errors per block fails
    /// (G11), and passes once it is flat.
    #[test]
    fn equilibrium_needs_the_overlap_as_well_as_the_energy() {
        let flat_e = [(-1.2, 0.0); 2];
        let rising = [(-1.2, 0.01), (-1.2, 0.02), (-1.2, 0.03)];
        let settled = [(-1.2, 0.03), (-1.2, 0.031), (-1.2, 0.0295)];
        assert!(!equilibrated(&bins(&[flat_e.as_slice(), &rising].concat())));
        assert!(equilibrated(&bins(&[flat_e.as_slice(), &settled].concat())));
        let drifting_e = [(-1.1, 0.03), (-1.15, 0.03), (-1.2, 0.03)];
        assert!(!equilibrated(&bins(
            &[flat_e.as_slice(), &drifting_e].concat()
        )));
        // Fewer than five blocks never count.
        assert!(!equilibrated(&bins(&settled)));
    }

    /// Three chains with one snapshot each: the pairs' q² are 1, 1/9 and
    /// 1/9 (overlaps 1, −1/3, −1/3 on three spins), their mean 11/27, and
    /// each leave-one-out keeps one pair (1/9, 1/9, 1), so the jackknife
    /// error is √(2/3 · Σ(θ_{−i} − 11/27)²); 1e-15 is rounding.
    #[test]
    fn block_overlap_is_the_mean_over_pairs_with_its_jackknife() {
        let snap = |s: [i8; 3]| BlockTrace {
            energy: 0.0,
            snapshots: vec![s.to_vec()],
        };
        let blocks = [snap([1, 1, 1]), snap([1, 1, 1]), snap([1, -1, -1])];
        let (m, err) = block_overlap_sq(&blocks);
        assert!((m - 11.0 / 27.0).abs() < 1e-15);
        let leave = [1.0 / 9.0, 1.0 / 9.0, 1.0];
        let ss: f64 = leave.iter().map(|v| (v - 11.0 / 27.0_f64).powi(2)).sum();
        assert!((err - (2.0 / 3.0 * ss).sqrt()).abs() < 1e-15);
    }
}
