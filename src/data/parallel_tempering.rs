//! Parallel tempering for the Edwards–Anderson spin glass, with equilibration
//! judged by evidence (theory/spin_glass.md, eqs. (G4)–(G10)).

use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

use super::spin_glass::EaInstance;
use crate::error::ensure;
use crate::numerics::autocorrelation::integrated_time;
use crate::numerics::rng;
use crate::numerics::statistics::mean_sem;
use crate::{Error, Result};

/// Blocks compared by the logarithmic-binning test (G6).
const LOG_BINS_COMPARED: usize = 3;

/// The standard errors by which compared blocks may differ, (G6).
const LOG_BIN_SIGMAS: f64 = 3.0;

/// Sweeps measured before τ_int is first estimated (and at least as many
/// as equilibration took).
const MIN_TAU_SWEEPS: usize = 2000;

/// What to sample and how.
#[derive(Debug, Clone, Serialize)]
pub struct PtOptions {
    /// Target temperature T_0 (the lowest of the ladder).
    pub t: f64,
    /// Highest temperature of the ladder.
    pub t_max: f64,
    /// Number M of temperatures (geometric between t and t_max).
    pub temperatures: usize,
    /// Independent chains (full ladders), at least 2.
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
        ensure((2..=1024).contains(&self.chains), || {
            format!(
                "between 2 and 1024 independent chains (errors and P(q) need two), got {}",
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

    /// Runs `sweeps` steps, returning the target energy per spin after each.
    fn run(&mut self, inst: &EaInstance, betas: &[f64], sweeps: usize) -> Vec<f64> {
        let n = inst.n() as f64;
        (0..sweeps)
            .map(|_| {
                self.step(inst, betas);
                self.energies[0] / n
            })
            .collect()
    }
}

/// One block of the logarithmic-binning test (G6).
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
}

/// What the sampler produced and the evidence of its equilibrium.
#[derive(Debug, Clone, Serialize)]
pub struct PtResult {
    /// The temperatures, T_0 the target.
    pub ladder: Vec<f64>,
    /// Exchange acceptance of each neighbouring pair, over all chains.
    pub acceptance: Vec<f64>,
    /// Sweeps until (G6) held.
    pub equilibration_sweeps: usize,
    /// The logarithmic-binning blocks of the equilibration.
    pub log_binning: Vec<LogBin>,
    /// τ_int of the target energy (sweeps, eq. (G7)), its error and window.
    pub tau_int: f64,
    /// Its error.
    pub tau_int_err: f64,
    /// Sweeps between samples, ⌈2τ_int⌉ from the first estimate.
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

/// Equilibrates in doubling blocks until (G6) holds; returns the sweeps
/// spent and the blocks.
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
                 blocks' energies {:?} still drift; raise --max-sweeps or add temperatures",
                bins.iter()
                    .rev()
                    .take(LOG_BINS_COMPARED)
                    .map(|b| format!("{:.5} ± {:.5}", b.energy_per_spin, b.err))
                    .collect::<Vec<_>>()
            )));
        }
        let means: Vec<f64> = chains
            .par_iter_mut()
            .map(|c| {
                let e = c.run(inst, betas, len);
                e.iter().sum::<f64>() / len as f64
            })
            .collect();
        let (m, err) = mean_sem(&means);
        bins.push(LogBin {
            from: done,
            to: done + len,
            energy_per_spin: m,
            err,
        });
        done += len;
        progress(done as f64 / max_sweeps as f64);
        if k >= 4 && log_bins_agree(&bins) {
            return Ok((done, bins));
        }
    }
    unreachable!("the loop returns")
}

/// (G6): the last three blocks agree pairwise within 3 combined errors.
fn log_bins_agree(bins: &[LogBin]) -> bool {
    let last = &bins[bins.len() - LOG_BINS_COMPARED..];
    last.iter().enumerate().all(|(a, x)| {
        last[a + 1..].iter().all(|y| {
            (x.energy_per_spin - y.energy_per_spin).abs()
                <= LOG_BIN_SIGMAS * x.err.hypot(y.err) + 1e-12
        })
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
    // First production stretch: τ_int, then the spacing of the samples.
    let first = MIN_TAU_SWEEPS.max(equilibration_sweeps);
    let mut series: Vec<Vec<f64>> = chains
        .par_iter_mut()
        .map(|c| c.run(inst, &betas, first))
        .collect();
    // A series too short for Sokal's window is extended by doubling, within
    // the sweep budget.
    let tau0 = loop {
        match mean_tau(&series) {
            Ok(t) => break t,
            Err(e) if series[0].len() * 2 > opts.max_sweeps => return Err(e),
            Err(_) => {
                let more = series[0].len();
                let extra: Vec<Vec<f64>> = chains
                    .par_iter_mut()
                    .map(|c| c.run(inst, &betas, more))
                    .collect();
                for (s, e) in series.iter_mut().zip(extra) {
                    s.extend(e);
                }
            }
        }
    };
    let spacing = (2.0 * tau0).ceil().max(1.0) as usize;
    let per_chain = opts.samples.div_ceil(opts.chains);
    let done_chains = std::sync::atomic::AtomicUsize::new(0);
    let collected: Vec<(Vec<Vec<i8>>, Vec<f64>)> = chains
        .par_iter_mut()
        .map(|c| {
            let mut configs = Vec::with_capacity(per_chain);
            let mut energies = Vec::with_capacity(per_chain * spacing);
            for _ in 0..per_chain {
                energies.extend(c.run(inst, &betas, spacing));
                configs.push(c.configs[0].clone());
            }
            let d = done_chains.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(0.1 + 0.9 * d as f64 / opts.chains as f64);
            (configs, energies)
        })
        .collect();
    for (s, (_, e)) in series.iter_mut().zip(&collected) {
        s.extend_from_slice(e);
    }
    finish(
        inst,
        opts,
        ladder,
        &chains,
        series,
        collected,
        (equilibration_sweeps, log_binning),
        spacing,
    )
}

/// The mean τ_int over the chains' series (G7).
fn mean_tau(series: &[Vec<f64>]) -> Result<f64> {
    let taus: Result<Vec<f64>> = series.iter().map(|s| Ok(integrated_time(s)?.tau)).collect();
    let taus = taus?;
    Ok(taus.iter().sum::<f64>() / taus.len() as f64)
}

/// Assembles the estimates (G7)–(G10) from the production data.
#[allow(clippy::too_many_arguments)]
fn finish(
    inst: &EaInstance,
    opts: &PtOptions,
    ladder: Vec<f64>,
    chains: &[Chain],
    series: Vec<Vec<f64>>,
    collected: Vec<(Vec<Vec<i8>>, Vec<f64>)>,
    (equilibration_sweeps, log_binning): (usize, Vec<LogBin>),
    spacing: usize,
) -> Result<PtResult> {
    let n = inst.n() as f64;
    let beta = 1.0 / opts.t;
    let taus: Result<Vec<_>> = series.iter().map(|s| integrated_time(s)).collect();
    let taus = taus?;
    let tau_int = taus.iter().map(|t| t.tau).sum::<f64>() / taus.len() as f64;
    let tau_int_err = taus.iter().map(|t| t.error).sum::<f64>() / taus.len() as f64;
    let (mut e_means, mut c_values) = (Vec::new(), Vec::new());
    for s in &series {
        let m = s.iter().sum::<f64>() / s.len() as f64;
        let v = s.iter().map(|e| (e - m) * (e - m)).sum::<f64>() / s.len() as f64;
        e_means.push(m);
        c_values.push(beta * beta * v * n);
    }
    let (energy_per_spin, energy_per_spin_err) = mean_sem(&e_means);
    let (specific_heat, specific_heat_err) = mean_sem(&c_values);
    let (mut qs, mut plus, mut minus) = (Vec::new(), 0usize, 0usize);
    for w in collected.windows(2) {
        for (a, b) in w[0].0.iter().zip(&w[1].0) {
            let q = a.iter().zip(b).map(|(x, y)| (x * y) as f64).sum::<f64>() / n;
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
    let (mut accepted, mut attempted) = (
        vec![0u64; ladder.len().saturating_sub(1)],
        vec![0u64; ladder.len().saturating_sub(1)],
    );
    for c in chains {
        for k in 0..accepted.len() {
            accepted[k] += c.accepted[k];
            attempted[k] += c.attempted[k];
        }
    }
    let acceptance = accepted
        .iter()
        .zip(&attempted)
        .map(|(&a, &t)| a as f64 / t.max(1) as f64)
        .collect();
    let samples: Vec<Vec<i8>> = collected
        .into_iter()
        .flat_map(|(c, _)| c)
        .take(opts.samples)
        .collect();
    Ok(PtResult {
        ladder,
        acceptance,
        equilibration_sweeps,
        log_binning,
        tau_int,
        tau_int_err,
        spacing,
        production_sweeps: series[0].len(),
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
