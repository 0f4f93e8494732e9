//! One point of the Edwards–Anderson generalization and inference
//! experiment (theory/spin_glass.md, eqs. (G13)–(G18)): equilibrium samples of
//! a seeded 2D instance at temperature T, drawn once by parallel tempering
//! ([`EaData::draw`]); pseudo-likelihood couplings trained on the first P
//! (eq. (G15)) and the Hebbian couplings of the same samples, both measured
//! from the training samples, independent test samples and random starts
//! (eqs. (M38)–(M39)); the same dynamics under the true couplings from the
//! test samples (the "P = ∞" line); the distance of the learned couplings to
//! βJ (eq. (G14)) beside the mean-field estimate (eq. (G16)); the true
//! energy per spin of the states reached, against the instance's zero-T
//! quench minimum (eq. (G18)).
//!
//! `plam generalize --data ea` runs this; the streams are those of the sampler
//! ([`crate::numerics::rng::EA_BONDS`], [`crate::numerics::rng::EA_CHAINS`])
//! and [`crate::numerics::rng::RANDOM_STARTS`] for the random starts.

use nalgebra::DMatrix;
use serde::Serialize;

use crate::compare::generalization::CONVERGE_CAP;
use crate::compare::simulation::mean_effective_norm;
use crate::data::parallel_tempering::{sample, PtOptions};
use crate::data::patterns::{num_patterns, random_configurations};
use crate::data::spin_glass::{Bonds, EaInstance};
use crate::error::{ensure, Result};
use crate::learning::{Coupling, GdConfig, Init, Precision};
use crate::memory::dynamics::{DynamicsOptions, Network, Schedule};
use crate::memory::generalization::{measure, SetResult, StartSet};
use crate::memory::protocol::Protocol;
use crate::memory::rules::{self, PlTraining};
use crate::numerics::statistics::mean_sem;

/// The names of the measured start sets, in the order of [`EaRun::pl`].
pub const SET_NAMES: [&str; 3] = ["train", "test", "random"];

/// This experiment's step budget of the synchronous dynamics.
pub const EA_STEPS: usize = 100;

/// The authors' system size N = 1024, whose per-row learning rate η/N
/// every size keeps (eq. (G15)).
pub const AUTHORS_N: usize = 1024;

/// The authors' training at N spins: asymmetric or symmetric
/// pseudo-likelihood at β = 1 (so that the couplings estimate βJ,
/// eq. (G13)) from J = 0, learning rate 100·N/1024 (100 at the authors'
/// N = 1024; the per-row rate ηβ²/N of (T10) is then the same at every N,
/// eq. (G15)), 1000 full-batch epochs with decay 0.999 per epoch
/// (eqs. (T10), (T20)).
pub fn authors_training(n: usize, precision: Precision) -> GdConfig {
    GdConfig {
        beta: 1.0,
        init: Init::Zero,
        snapshots: vec![],
        precision,
        lr_decay: 0.999,
        ..GdConfig::new(100.0 * n as f64 / AUTHORS_N as f64, 1000)
    }
}

/// How the instance is drawn and sampled (besides the seed and the counts).
#[derive(Debug, Clone, Serialize)]
pub struct EaSampling {
    /// Side L of the periodic lattice (N = L²).
    pub l: usize,
    /// Temperature T of the samples.
    pub t: f64,
    /// The law of the bonds.
    pub bonds: Bonds,
    /// Temperatures of the parallel-tempering ladder.
    pub temperatures: usize,
    /// Highest temperature of the ladder.
    pub t_max: f64,
    /// Independent chains.
    pub chains: usize,
    /// Equilibration budget in sweeps.
    pub max_sweeps: usize,
}

impl EaSampling {
    /// The sampler's defaults (`plam ea sample`): 12 temperatures up to 3,
    /// 8 chains, 2²⁰ sweeps, Gaussian bonds.
    pub fn new(l: usize, t: f64) -> Self {
        Self {
            l,
            t,
            bonds: Bonds::Gaussian,
            temperatures: 12,
            t_max: 3.0,
            chains: 8,
            max_sweeps: 1 << 20,
        }
    }
}

/// The samples of one instance and what the sampler measured.
#[derive(Debug, Clone)]
pub struct EaData {
    /// The instance.
    pub instance: EaInstance,
    /// The sampling settings.
    pub sampling: EaSampling,
    /// Training samples, N × P_max (±1 columns), interleaved over the chains.
    pub train: DMatrix<f64>,
    /// Test samples, N × K, from the same chains after the training ones.
    pub test: DMatrix<f64>,
    /// The sampler's ⟨E⟩/N at T and its error (G8).
    pub energy_per_spin: (f64, f64),
    /// Sweeps between samples (G12).
    pub spacing: usize,
    /// The ground-state energy estimate per spin: the lowest energy of the
    /// zero-temperature quenches of every sample, eq. (G18).
    pub ground_state: f64,
}

/// The lowest energy per spin reached by single-spin zero-temperature
/// descent (flip any spin with s_i h_i < 0, sites in order, until none)
/// from every column of `starts`, eq. (G18).
pub fn quench_minimum(inst: &EaInstance, starts: &DMatrix<f64>) -> f64 {
    let n = inst.n() as f64;
    starts
        .column_iter()
        .map(|c| {
            let mut s: Vec<i8> = c.iter().map(|&v| if v > 0.0 { 1 } else { -1 }).collect();
            let mut moved = true;
            while moved {
                moved = false;
                for i in 0..s.len() {
                    // Strict descent: every flip lowers H by 2|h_i| > 0, so this ends.
                    if f64::from(s[i]) * inst.local_field(&s, i) < 0.0 {
                        s[i] = -s[i];
                        moved = true;
                    }
                }
            }
            inst.energy(&s) / n
        })
        .fold(f64::INFINITY, f64::min)
}

impl EaData {
    /// Draws the instance of `seed` and `train + test` samples at T by
    /// parallel tempering ([`sample`]), rounded up to a multiple of the
    /// chains and interleaved (sample k from chain k mod chains), the first
    /// `train` for training and the next `test` for testing. `progress`
    /// receives the sampler's fraction done.
    pub fn draw(
        sampling: &EaSampling,
        train: usize,
        test: usize,
        seed: u64,
        progress: &(dyn Fn(f64) + Sync),
    ) -> Result<Self> {
        ensure(train >= 1 && test >= 1, || {
            "at least one training and one test sample".into()
        })?;
        let instance = EaInstance::new(sampling.l, sampling.bonds, seed)?;
        let chains = sampling.chains.max(1);
        let per_chain = (train + test).div_ceil(chains);
        let opts = PtOptions {
            t: sampling.t,
            t_max: sampling.t_max,
            temperatures: sampling.temperatures,
            chains: sampling.chains,
            samples: per_chain * chains,
            max_sweeps: sampling.max_sweeps,
            seed,
        };
        let result = sample(&instance, &opts, progress)?;
        let n = instance.n();
        // The sampler returns chain by chain: sample r of chain c is at c·per_chain + r.
        let column = |k: usize| {
            let (r, c) = (k / chains, k % chains);
            &result.samples[c * per_chain + r]
        };
        let matrix = |from: usize, count: usize| {
            DMatrix::from_fn(n, count, |i, k| f64::from(column(from + k)[i]))
        };
        let (train_m, test_m) = (matrix(0, train), matrix(train, test));
        let ground_state =
            quench_minimum(&instance, &train_m).min(quench_minimum(&instance, &test_m));
        Ok(Self {
            instance,
            sampling: sampling.clone(),
            train: train_m,
            test: test_m,
            energy_per_spin: (result.energy_per_spin, result.energy_per_spin_err),
            spacing: result.spacing,
            ground_state,
        })
    }

    /// N = L².
    pub fn n(&self) -> usize {
        self.instance.n()
    }

    /// The target of the inference, K = βJ = J/T, eq. (G13).
    pub fn true_k(&self) -> DMatrix<f64> {
        self.instance.coupling_matrix() / self.sampling.t
    }
}

/// Relative Frobenius distance of an estimate of K = βJ to the truth,
/// eq. (G14): overall, on the lattice bonds, and off them (each relative to
/// ‖K‖, so overall² = bonds² + off_bonds²).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize)]
pub struct CouplingError {
    /// ‖K̂ − K‖_F / ‖K‖_F.
    pub overall: f64,
    /// The same restricted to the entries of the lattice bonds.
    pub bonds: f64,
    /// ‖K̂‖_F off the bonds (and off the diagonal) / ‖K‖_F.
    pub off_bonds: f64,
}

/// Eq. (G14) for an estimate `k_hat` of `k_true` (N × N; the bonds are the
/// non-zero entries of the instance's coupling matrix `j`).
pub fn coupling_error(
    k_hat: &DMatrix<f64>,
    k_true: &DMatrix<f64>,
    j: &DMatrix<f64>,
) -> CouplingError {
    let (mut on, mut off, mut norm) = (0.0, 0.0, 0.0);
    for r in 0..j.nrows() {
        for c in 0..j.ncols() {
            if r == c {
                continue;
            }
            let d = k_hat[(r, c)] - k_true[(r, c)];
            norm += k_true[(r, c)].powi(2);
            if j[(r, c)] != 0.0 {
                on += d * d;
            } else {
                off += d * d;
            }
        }
    }
    let norm = norm.sqrt();
    CouplingError {
        overall: (on + off).sqrt() / norm,
        bonds: on.sqrt() / norm,
        off_bonds: off.sqrt() / norm,
    }
}

/// The naive mean-field estimate K_MF = −C⁻¹ off the diagonal, with C the
/// connected correlation matrix of the samples (N × P), eq. (G16); `None`
/// when C is singular (always for P ≤ N; also when two spins are locked
/// together in every sample, as strong bonds do in small samples).
pub fn mean_field(samples: &DMatrix<f64>) -> Option<DMatrix<f64>> {
    let (n, p) = (samples.nrows(), samples.ncols());
    if p <= n {
        return None;
    }
    let m = samples.column_mean();
    let c = samples * samples.transpose() / p as f64 - &m * m.transpose();
    let mut k = -c.try_inverse()?;
    k.fill_diagonal(0.0);
    k.iter().all(|v| v.is_finite()).then_some(k)
}

/// Mean and standard error of the true energy per spin, eq. (G1) divided
/// by N, of the columns of `states`.
pub fn energies_per_spin(j: &DMatrix<f64>, states: &DMatrix<f64>) -> (f64, f64) {
    let n = states.nrows() as f64;
    let js = j * states;
    let e: Vec<f64> = js
        .column_iter()
        .zip(states.column_iter())
        .map(|(h, s)| -0.5 * h.dot(&s) / n)
        .collect();
    mean_sem(&e)
}

/// Everything that defines one point except the data and the seed.
#[derive(Debug, Clone)]
pub struct EaPoint {
    /// Load α = P/N of training samples (P = round(αN)).
    pub alpha: f64,
    /// Number of random ±1 starts.
    pub random: usize,
    /// Asymmetric or symmetric pseudo-likelihood couplings.
    pub coupling: Coupling,
    /// Gradient descent of the pseudo-likelihood couplings.
    pub gd: GdConfig,
    /// The dynamics' budget ([`EA_STEPS`] synchronous steps by default).
    pub protocol: Protocol,
}

/// What one point measured.
#[derive(Debug, Clone)]
pub struct EaRun {
    /// Number of training samples P.
    pub p: usize,
    /// PL effective norm λ = β·mean_i |J_i|.
    pub lambda_eff: f64,
    /// The PL couplings' sets ([`SET_NAMES`]), with nearest overlaps to the
    /// training samples.
    pub pl: Vec<SetResult>,
    /// The same for the Hebbian couplings.
    pub hebb: Vec<SetResult>,
    /// The true couplings from the test samples (the P = ∞ line).
    pub true_couplings: SetResult,
    /// Eq. (G14) for the PL estimate β_loss·J (eq. (G13)).
    pub pl_error: CouplingError,
    /// Eq. (G14) for the mean-field estimate (`None` for P ≤ N).
    pub mf_error: Option<CouplingError>,
    /// True energy per spin (mean, error) of the states reached from the
    /// test samples under the PL couplings.
    pub energy_pl: (f64, f64),
    /// The same under the Hebbian couplings.
    pub energy_hebb: (f64, f64),
    /// The same under the true couplings.
    pub energy_true: (f64, f64),
    /// The PL couplings.
    pub couplings: DMatrix<f64>,
}

impl EaRun {
    /// The PL set called `name`.
    pub fn pl_set(&self, name: &str) -> &SetResult {
        self.pl
            .iter()
            .find(|s| s.name == name)
            .expect("every set of SET_NAMES is measured")
    }
}

/// The synchronous dynamics of every measurement.
fn dynamics() -> DynamicsOptions {
    DynamicsOptions {
        schedule: Schedule::Synchronous,
        max_steps: CONVERGE_CAP,
        seed: 0,
    }
}

/// The sets relaxed under `net` against the training samples, and the test
/// starts' final states.
fn measure_net(
    net: &Network,
    starts: &[StartSet],
    protocol: &Protocol,
) -> Result<(Vec<SetResult>, DMatrix<f64>)> {
    let d = dynamics();
    let sets = measure(net, starts, &starts[..1], protocol, &d)?;
    let finals = protocol.relax(net, starts[1].configs.clone(), &d)?.states;
    Ok((sets, finals))
}

/// Trains PL on the first P training samples of `data`, builds Hebb, and
/// measures both, the true couplings and the coupling errors; the random
/// starts come from stream `RANDOM_STARTS` of `seed`.
///
/// Fails with [`crate::Error::InvalidInput`] for α not positive or P beyond
/// the drawn training samples, or no random starts. `progress` receives the
/// training epochs done.
pub fn run_point(
    data: &EaData,
    point: &EaPoint,
    seed: u64,
    progress: &mut dyn FnMut(usize),
) -> Result<EaRun> {
    ensure(point.random > 0, || {
        "the number of random starts must be at least 1".into()
    })?;
    let n = data.n();
    let p = num_patterns(n, point.alpha)?;
    ensure(p <= data.train.ncols(), || {
        format!(
            "alpha = {}: P = {p} exceeds the {} drawn training samples",
            point.alpha,
            data.train.ncols()
        )
    })?;
    let xi = data.train.columns(0, p).into_owned();
    let starts = [
        StartSet::new(SET_NAMES[0], xi.clone())?,
        StartSet::new(SET_NAMES[1], data.test.clone())?,
        StartSet::new(SET_NAMES[2], random_configurations(n, point.random, seed)?)?,
    ];
    let j = rules::pseudo_likelihood_observed(
        &xi,
        point.coupling,
        &PlTraining::GradientDescent(point.gd.clone()),
        progress,
    )?;
    let j_true = data.instance.coupling_matrix();
    let k_true = data.true_k();
    let (pl, pl_finals) = measure_net(&Network::new(j.clone())?, &starts, &point.protocol)?;
    let (hebb, hebb_finals) =
        measure_net(&Network::new(rules::hebb(&xi)?)?, &starts, &point.protocol)?;
    let (truth, true_finals) =
        measure_net(&Network::new(j_true.clone())?, &starts, &point.protocol)?;
    let true_couplings = truth
        .into_iter()
        .find(|s| s.name == SET_NAMES[1])
        .expect("the test set is measured");
    Ok(EaRun {
        p,
        lambda_eff: mean_effective_norm(&j, point.gd.beta),
        pl_error: coupling_error(&(&j * point.gd.beta), &k_true, &j_true),
        mf_error: mean_field(&xi).map(|k| coupling_error(&k, &k_true, &j_true)),
        energy_pl: energies_per_spin(&j_true, &pl_finals),
        energy_hebb: energies_per_spin(&j_true, &hebb_finals),
        energy_true: energies_per_spin(&j_true, &true_finals),
        pl,
        hebb,
        true_couplings,
        couplings: j,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small_data() -> EaData {
        EaData::draw(&EaSampling::new(4, 1.0), 200, 20, 1, &|_| {}).unwrap()
    }

    /// The error of the truth is 0, of zero couplings 1 (all on the bonds),
    /// and the parts add in quadrature.
    #[test]
    fn coupling_error_of_known_estimates() {
        let inst = EaInstance::new(4, Bonds::Gaussian, 2).unwrap();
        let j = inst.coupling_matrix();
        let e = coupling_error(&j, &j, &j);
        assert_eq!((e.overall, e.bonds, e.off_bonds), (0.0, 0.0, 0.0));
        let zero = DMatrix::zeros(16, 16);
        let e = coupling_error(&zero, &j, &j);
        // Sums of the same squares in a different order: 1e-12 is rounding.
        assert!((e.overall - 1.0).abs() < 1e-12 && (e.bonds - 1.0).abs() < 1e-12);
        assert_eq!(e.off_bonds, 0.0);
        let mut off = j.clone();
        off[(0, 5)] = 1.0;
        let e = coupling_error(&off, &j, &j);
        assert!((e.overall.powi(2) - e.bonds.powi(2) - e.off_bonds.powi(2)).abs() < 1e-12);
        assert!(e.off_bonds > 0.0);
    }

    /// Mean field needs P > N and is exact on uncorrelated spins; the quench minimum is a local minimum, so no
    /// single flip lowers it, and it is below the samples' mean energy.
    #[test]
    fn data_mean_field_and_quench() {
        let d = small_data();
        assert_eq!((d.train.ncols(), d.test.ncols()), (200, 20));
        assert!(mean_field(&d.train.columns(0, 16).into_owned()).is_none());
        // All 16 states of 4 spins: C = I, so K_MF = 0 off the diagonal.
        let all = DMatrix::from_fn(4, 16, |i, c| if c >> i & 1 == 1 { 1.0 } else { -1.0 });
        let k = mean_field(&all).unwrap();
        assert!(k.iter().all(|v| v.abs() < 1e-12), "{k}");
        let (e_samples, _) = energies_per_spin(&d.instance.coupling_matrix(), &d.train);
        assert!(d.ground_state < e_samples, "{} {e_samples}", d.ground_state);
    }

    #[test]
    fn bad_points_are_refused_with_a_message() {
        let d = small_data();
        let point = |alpha: f64, random: usize| EaPoint {
            alpha,
            random,
            coupling: Coupling::Asymmetric,
            gd: authors_training(16, Precision::F64),
            protocol: Protocol::Paper { steps: EA_STEPS },
        };
        let e = run_point(&d, &point(100.0, 5), 1, &mut |_| {}).unwrap_err();
        assert!(e.to_string().contains("exceeds the 200"), "{e}");
        let e = run_point(&d, &point(1.0, 0), 1, &mut |_| {}).unwrap_err();
        assert!(e.to_string().contains("at least 1"), "{e}");
    }
}
