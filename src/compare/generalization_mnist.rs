//! One point of the binarized-MNIST generalization experiment
//! (theory/mnist.md): pseudo-likelihood couplings trained on the first
//! P = round(α·196) training digits after a seeded shuffle, with the
//! authors' mini-batch protocol (eq. (T19)) or the suite's full-batch one
//! (eq. (T10)), beside the Hebbian couplings of the same digits; both
//! measured from the training digits, the first test digits and random
//! starts (eqs. (M38)–(M39)), with the label agreement of the test starts
//! (eq. (D7)).
//!
//! `plam generalize --data mnist` and the claim `generalization_mnist` both
//! run this; the streams are [`crate::numerics::rng::MNIST_SHUFFLE`] (the
//! training subset), [`crate::numerics::rng::RANDOM_STARTS`] (the random
//! starts) and those of the training rule.

use nalgebra::DMatrix;

use crate::compare::generalization::CONVERGE_CAP;
use crate::compare::simulation::mean_effective_norm;
use crate::data::mnist::{nearest_indices, Mnist14, MnistSplit, N};
use crate::data::patterns::{num_patterns, random_configurations};
use crate::error::{ensure, Result};
use crate::learning::{Coupling, GdConfig, Init, Precision};
use crate::memory::dynamics::{DynamicsOptions, Network, Schedule};
use crate::memory::generalization::{measure, SetResult, StartSet};
use crate::memory::protocol::Protocol;
use crate::memory::rules::{self, PlTraining};

/// The authors' mini-batch size (the batch is min(P, this)).
pub const AUTHORS_BATCH: usize = 1000;

/// The names of the measured start sets, in the order of [`Measured::sets`].
pub const SET_NAMES: [&str; 3] = ["train", "test", "random"];

/// How the pseudo-likelihood couplings are trained.
#[derive(Debug, Clone)]
pub enum MnistTraining {
    /// The authors': β = 0.1, learning rate 100, 301 epochs of mini-batch
    /// descent (T19) with batches of min(P, [`AUTHORS_BATCH`]) reshuffled
    /// every epoch, start J ~ N(0, 1/N), in the given precision.
    Authors(Precision),
    /// The suite's full-batch descent (T10) with these settings.
    FullBatch(GdConfig),
}

impl MnistTraining {
    /// The descent's settings for P digits and the run's `seed` (the
    /// authors' random start is drawn from it), with the mini-batch size
    /// (`None`: full batch).
    pub fn config(&self, p: usize, seed: u64) -> (GdConfig, Option<usize>) {
        match self {
            MnistTraining::Authors(precision) => (
                GdConfig {
                    beta: 0.1,
                    init: Init::Random,
                    init_scale: 1.0,
                    seed,
                    snapshots: vec![],
                    precision: *precision,
                    ..GdConfig::new(100.0, 301)
                },
                Some(p.min(AUTHORS_BATCH)),
            ),
            MnistTraining::FullBatch(cfg) => (cfg.clone(), None),
        }
    }
}

/// Everything that defines one point of the experiment except the seed.
#[derive(Debug, Clone)]
pub struct MnistPoint {
    /// Load α = P/N of training digits (P = round(196·α)).
    pub alpha: f64,
    /// Number of test starts: the first test digits.
    pub test: usize,
    /// Number of random ±1 starts.
    pub random: usize,
    /// Asymmetric or symmetric pseudo-likelihood couplings.
    pub coupling: Coupling,
    /// The training protocol.
    pub training: MnistTraining,
    /// The dynamics' budget: T synchronous steps (M34) or converged (M33).
    pub protocol: Protocol,
}

/// One coupling matrix's measurement.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    /// The sets named as [`SET_NAMES`], each with its nearest overlaps to
    /// the training digits, eqs. (M38)–(M39).
    pub sets: Vec<SetResult>,
    /// Per test start, 1 if its final state's nearest training digit has
    /// the start's label, else 0, eq. (D7).
    pub agreement: Vec<f64>,
}

impl Measured {
    /// The set called `name` (one of [`SET_NAMES`]).
    pub fn set(&self, name: &str) -> &SetResult {
        self.sets
            .iter()
            .find(|s| s.name == name)
            .expect("every set of SET_NAMES is measured")
    }
}

/// What one seed of one point measured.
#[derive(Debug, Clone)]
pub struct MnistRun {
    /// Number of training digits P.
    pub p: usize,
    /// The training digits: indices into the training split, in order.
    pub train_indices: Vec<usize>,
    /// The descent's settings.
    pub config: GdConfig,
    /// The mini-batch size (`None`: full batch).
    pub batch: Option<usize>,
    /// PL effective norm λ = β·mean_i |J_i|.
    pub lambda_eff: f64,
    /// The pseudo-likelihood couplings.
    pub couplings: DMatrix<f64>,
    /// The pseudo-likelihood couplings' measurement.
    pub pl: Measured,
    /// The Hebbian couplings' measurement.
    pub hebb: Measured,
}

/// The synchronous dynamics of every measurement (the cap applies to the
/// converged protocol only).
pub fn dynamics() -> DynamicsOptions {
    DynamicsOptions {
        schedule: Schedule::Synchronous,
        max_steps: CONVERGE_CAP,
        seed: 0,
    }
}

/// The start sets under couplings `j`, against the training digits, and the
/// label agreement of the test starts, eq. (D7).
fn measure_couplings(
    j: DMatrix<f64>,
    starts: &[StartSet],
    labels: (&[u8], &[u8]),
    protocol: &Protocol,
) -> Result<Measured> {
    let net = Network::new(j)?;
    let dynamics = dynamics();
    let sets = measure(&net, starts, &starts[..1], protocol, &dynamics)?;
    let finals = protocol
        .relax(&net, starts[1].configs.clone(), &dynamics)?
        .states;
    let (train_labels, test_labels) = labels;
    let agreement = nearest_indices(&finals, &starts[0].configs)
        .iter()
        .zip(test_labels)
        .map(|(&k, &l)| if train_labels[k] == l { 1.0 } else { 0.0 })
        .collect();
    Ok(Measured { sets, agreement })
}

/// Draws the training digits of `seed`, trains PL, builds Hebb and measures
/// both.
///
/// Fails with [`crate::Error::InvalidInput`] for α not positive or beyond
/// the 60 000 training digits (α ≤ 306.1), more test starts than the 10 000
/// test digits, or no test or random starts.
pub fn run_point(set: &Mnist14, point: &MnistPoint, seed: u64) -> Result<MnistRun> {
    ensure(point.test > 0 && point.random > 0, || {
        "the numbers of test and random starts must be at least 1".into()
    })?;
    let p = num_patterns(N, point.alpha)?;
    let (n_train, n_test) = (set.len(MnistSplit::Train), set.len(MnistSplit::Test));
    ensure(p <= n_train, || {
        format!(
            "alpha = {}: P = round(alpha*196) = {p} exceeds the {n_train} training digits",
            point.alpha
        )
    })?;
    ensure(point.test <= n_test, || {
        format!("{} test starts exceed the {n_test} test digits", point.test)
    })?;
    let train_indices = set.shuffled_train(p, seed)?;
    let (xi, train_labels) = set.patterns(MnistSplit::Train, &train_indices)?;
    let test_indices: Vec<usize> = (0..point.test).collect();
    let (test, test_labels) = set.patterns(MnistSplit::Test, &test_indices)?;
    let starts = [
        StartSet::new(SET_NAMES[0], xi.clone())?,
        StartSet::new(SET_NAMES[1], test)?,
        StartSet::new(SET_NAMES[2], random_configurations(N, point.random, seed)?)?,
    ];
    let (config, batch) = point.training.config(p, seed);
    let rule = match batch {
        Some(b) => PlTraining::MiniBatch(config.clone(), b),
        None => PlTraining::GradientDescent(config.clone()),
    };
    let j = rules::pseudo_likelihood(&xi, point.coupling, &rule)?;
    let labels = (train_labels.as_slice(), test_labels.as_slice());
    Ok(MnistRun {
        p,
        train_indices,
        lambda_eff: mean_effective_norm(&j, config.beta),
        pl: measure_couplings(j.clone(), &starts, labels, &point.protocol)?,
        hebb: measure_couplings(rules::hebb(&xi)?, &starts, labels, &point.protocol)?,
        couplings: j,
        config,
        batch,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(alpha: f64, test: usize) -> MnistPoint {
        MnistPoint {
            alpha,
            test,
            random: 5,
            coupling: Coupling::Asymmetric,
            training: MnistTraining::Authors(Precision::F32),
            protocol: Protocol::paper(),
        }
    }

    #[test]
    fn bad_points_are_refused_with_a_message() {
        let set = Mnist14::shipped().unwrap();
        let e = run_point(&set, &point(400.0, 10), 1).unwrap_err();
        assert!(e.to_string().contains("exceeds the 60000"), "{e}");
        let e = run_point(&set, &point(0.1, 10_001), 1).unwrap_err();
        assert!(e.to_string().contains("exceed the 10000"), "{e}");
        let e = run_point(&set, &point(0.1, 0), 1).unwrap_err();
        assert!(e.to_string().contains("at least 1"), "{e}");
    }

    /// At α = 0.05 (P = 10 digits) the authors' protocol stores every
    /// training digit (its 301 epochs at lr 100 separate 10 patterns of
    /// N = 196 with a wide margin), the sets come back in the order of
    /// [`SET_NAMES`], every label agreement is 0 or 1, and the run depends
    /// only on the seed.
    #[test]
    fn small_point_stores_and_is_reproducible() {
        let set = Mnist14::shipped().unwrap();
        let a = run_point(&set, &point(0.05, 20), 3).unwrap();
        let names: Vec<&str> = a.pl.sets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, SET_NAMES);
        assert_eq!((a.p, a.batch), (10, Some(10)));
        assert_eq!(a.pl.set("train").overlap, 1.0);
        assert_eq!(a.pl.agreement.len(), 20);
        assert!(a.pl.agreement.iter().all(|&v| v == 0.0 || v == 1.0));
        let b = run_point(&set, &point(0.05, 20), 3).unwrap();
        assert_eq!((a.pl, a.hebb), (b.pl, b.hebb));
        assert_eq!(a.couplings, b.couplings);
    }
}
