//! `plam generalize --data mnist`: pseudo-likelihood couplings trained on
//! the first P = round(α·196) binarized MNIST training digits after a seeded
//! shuffle (theory/mnist.md), with the authors' mini-batch protocol
//! (eq. (T19)) or the suite's full-batch one (eq. (T10)); final overlaps
//! (M38) from train, test and random starts, nearest training digit (M39),
//! and the label agreement (D7), beside the Hebbian couplings.

use super::{GenCouplingArg, GeneralizeArgs, StepsArg};
use crate::cli::print_json;
use crate::cli::values::PrecisionArg;
use anyhow::bail;
use clap::ValueEnum;
use nalgebra::DMatrix;
use plam::compare::generalization::CONVERGE_CAP;
use plam::compare::simulation::mean_effective_norm;
use plam::data::mnist::{nearest_indices, Mnist14, MnistSplit, N};
use plam::data::patterns::{num_patterns, random_configurations};
use plam::learning::{Coupling, GdConfig, Init};
use plam::memory::dynamics::{DynamicsOptions, Network, Schedule};
use plam::memory::generalization::{combine_seeds, measure, SetResult, StartSet};
use plam::memory::protocol::Protocol;
use plam::memory::rules::{self, PlTraining};
use plam::numerics::statistics::mean_sem;
use serde::Serialize;

/// The training protocol of `--data mnist`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrainingProtocolArg {
    /// The authors': β = 0.1, learning rate 100, 301 epochs, mini-batches of
    /// min(P, 1000) reshuffled every epoch, start J ~ N(0, 1/N) (ignores
    /// --epochs, --lr, --beta).
    Authors,
    /// The suite's: full-batch descent from Hebb with --epochs, --lr, --beta.
    FullBatch,
}

/// The authors' mini-batch size (the batch is min(P, this)).
const AUTHORS_BATCH: usize = 1000;

/// One coupling matrix's overlaps, as printed.
#[derive(Serialize)]
struct MnistOverlaps {
    train_overlap: f64,
    train_overlap_err: f64,
    test_overlap: f64,
    test_overlap_err: f64,
    random_overlap: f64,
    random_overlap_err: f64,
    /// Test starts: mean overlap with the nearest training digit at the start.
    test_start_nearest_train: f64,
    test_start_nearest_train_err: f64,
    /// Test starts: the same for the final state.
    test_final_nearest_train: f64,
    test_final_nearest_train_err: f64,
    /// Fraction of test starts whose final state's nearest training digit
    /// has the start's label, eq. (D7).
    label_agreement: f64,
    label_agreement_err: f64,
    /// Every set with its fixed-point fraction and nearest overlaps.
    sets: Vec<SetResult>,
}

impl MnistOverlaps {
    fn new(sets: Vec<SetResult>, agreement: &[f64]) -> Self {
        let get = |name: &str| sets.iter().find(|s| s.name == name).expect("measured set");
        let near = &get("test").nearest[0];
        let (label_agreement, label_agreement_err) = mean_sem(agreement);
        Self {
            train_overlap: get("train").overlap,
            train_overlap_err: get("train").overlap_err,
            test_overlap: get("test").overlap,
            test_overlap_err: get("test").overlap_err,
            random_overlap: get("random").overlap,
            random_overlap_err: get("random").overlap_err,
            test_start_nearest_train: near.start,
            test_start_nearest_train_err: near.start_err,
            test_final_nearest_train: near.final_state,
            test_final_nearest_train_err: near.final_state_err,
            label_agreement,
            label_agreement_err,
            sets: sets.clone(),
        }
    }
}

/// The printed JSON object.
#[derive(Serialize)]
struct Out {
    data: &'static str,
    n: usize,
    p: usize,
    alpha: f64,
    seed: u64,
    seeds: Vec<u64>,
    /// The streams of the training subset and of the random starts.
    streams: [&'static str; 2],
    test: usize,
    random: usize,
    coupling: &'static str,
    training: TrainingProtocolArg,
    init: Init,
    epochs: usize,
    lr: f64,
    beta: f64,
    /// Mini-batch size (null for full-batch descent).
    batch: Option<usize>,
    precision: &'static str,
    steps: Option<usize>,
    protocol: Protocol,
    lambda_eff: f64,
    lambda_eff_err: f64,
    #[serde(flatten)]
    pl: MnistOverlaps,
    hebb: MnistOverlaps,
}

/// The training of one run: the rule's settings and its batch.
fn training(a: &GeneralizeArgs, p: usize, seed: u64) -> (GdConfig, Option<usize>) {
    let precision = a.precision.into();
    match a.training_protocol.unwrap_or(TrainingProtocolArg::Authors) {
        TrainingProtocolArg::Authors => (
            GdConfig {
                beta: 0.1,
                init: Init::Random,
                init_scale: 1.0,
                seed,
                snapshots: vec![],
                precision,
                ..GdConfig::new(100.0, 301)
            },
            Some(p.min(AUTHORS_BATCH)),
        ),
        TrainingProtocolArg::FullBatch => (
            GdConfig {
                beta: a.beta,
                lr: a.lr,
                precision,
                ..GdConfig::paper(a.epochs)
            },
            None,
        ),
    }
}

/// One coupling matrix's sets and, per test start, its label agreement (1 or 0).
type Measured = (Vec<SetResult>, Vec<f64>);

/// What one seed measured.
struct SeedRun {
    lambda_eff: f64,
    pl: Measured,
    hebb: Measured,
}

/// The sets measured under couplings `j` and, per test start, whether its
/// label agrees with its final state's nearest training digit (1 or 0), eq. (D7).
fn measure_mnist(
    j: DMatrix<f64>,
    starts: &[StartSet],
    train_labels: &[u8],
    test_labels: &[u8],
    protocol: &Protocol,
) -> anyhow::Result<Measured> {
    let net = Network::new(j)?;
    let dynamics = DynamicsOptions {
        schedule: Schedule::Synchronous,
        max_steps: CONVERGE_CAP,
        seed: 0,
    };
    let sets = measure(&net, starts, &starts[..1], protocol, &dynamics)?;
    let finals = protocol
        .relax(&net, starts[1].configs.clone(), &dynamics)?
        .states;
    let nearest = nearest_indices(&finals, &starts[0].configs);
    let agree = nearest
        .iter()
        .zip(test_labels)
        .map(|(&k, &l)| if train_labels[k] == l { 1.0 } else { 0.0 })
        .collect();
    Ok((sets, agree))
}

/// Draws the training digits of `seed`, trains PL, builds Hebb, measures both.
fn one_seed(
    a: &GeneralizeArgs,
    set: &Mnist14,
    p: usize,
    seed: u64,
    protocol: &Protocol,
) -> anyhow::Result<SeedRun> {
    let (xi, train_labels) = set.patterns(MnistSplit::Train, &set.shuffled_train(p, seed)?)?;
    let (test, test_labels) = set.patterns(MnistSplit::Test, &(0..a.test).collect::<Vec<_>>())?;
    let starts = [
        StartSet::new("train", xi.clone())?,
        StartSet::new("test", test)?,
        StartSet::new("random", random_configurations(N, a.random, seed)?)?,
    ];
    let coupling = match a.coupling {
        GenCouplingArg::Asymmetric => Coupling::Asymmetric,
        GenCouplingArg::Symmetric => Coupling::Symmetric,
    };
    let (cfg, batch) = training(a, p, seed);
    let rule = match batch {
        Some(b) => PlTraining::MiniBatch(cfg.clone(), b),
        None => PlTraining::GradientDescent(cfg.clone()),
    };
    let j = rules::pseudo_likelihood(&xi, coupling, &rule)?;
    Ok(SeedRun {
        lambda_eff: mean_effective_norm(&j, cfg.beta),
        pl: measure_mnist(j, &starts, &train_labels, &test_labels, protocol)?,
        hebb: measure_mnist(
            rules::hebb(&xi)?,
            &starts,
            &train_labels,
            &test_labels,
            protocol,
        )?,
    })
}

/// Runs `plam generalize --data mnist`.
pub fn run(a: &GeneralizeArgs, protocol: Protocol) -> anyhow::Result<()> {
    let set = Mnist14::shipped()?;
    let p = num_patterns(N, a.alpha)?;
    if p > set.len(MnistSplit::Train) {
        bail!("--alpha {}: P = round(alpha*196) = {p} exceeds the 60000 training digits (alpha <= 306.1)", a.alpha);
    }
    if a.test > set.len(MnistSplit::Test) {
        bail!("--test {} exceeds the 10000 test digits", a.test);
    }
    let seeds: Vec<u64> = (0..a.seeds as u64).map(|k| a.seed + k).collect();
    let runs = seeds
        .iter()
        .map(|&s| one_seed(a, &set, p, s, &protocol))
        .collect::<anyhow::Result<Vec<_>>>()?;
    // One seed: errors over the test starts; several: over the seeds' means (M40).
    let combine = |f: &dyn Fn(&SeedRun) -> &Measured| -> anyhow::Result<MnistOverlaps> {
        let sets: Vec<_> = runs.iter().map(|r| f(r).0.clone()).collect();
        let agree: Vec<f64> = match runs.as_slice() {
            [one] => f(one).1.clone(),
            _ => runs.iter().map(|r| mean_sem(&f(r).1).0).collect(),
        };
        Ok(MnistOverlaps::new(combine_seeds(&sets)?, &agree))
    };
    let (lambda_eff, lambda_eff_err) =
        mean_sem(&runs.iter().map(|r| r.lambda_eff).collect::<Vec<_>>());
    let (cfg, batch) = training(a, p, a.seed);
    let out = Out {
        data: "mnist",
        n: N,
        p,
        alpha: p as f64 / N as f64,
        seed: a.seed,
        seeds,
        streams: ["MNIST_SHUFFLE", "RANDOM_STARTS + c"],
        test: a.test,
        random: a.random,
        coupling: match a.coupling {
            GenCouplingArg::Asymmetric => "asymmetric",
            GenCouplingArg::Symmetric => "symmetric",
        },
        training: a.training_protocol.unwrap_or(TrainingProtocolArg::Authors),
        init: cfg.init,
        epochs: cfg.epochs,
        lr: cfg.lr,
        beta: cfg.beta,
        batch,
        precision: match a.precision {
            PrecisionArg::F32 => "f32",
            PrecisionArg::F64 => "f64",
        },
        steps: match a.steps {
            StepsArg::Budget(s) => Some(s),
            StepsArg::Converge => None,
        },
        protocol,
        lambda_eff,
        lambda_eff_err,
        pl: combine(&|r| &r.pl)?,
        hebb: combine(&|r| &r.hebb)?,
    };
    if a.json {
        return print_json(&out);
    }
    print_table(&out);
    Ok(())
}

/// The readable summary: PL and Hebb side by side.
fn print_table(o: &Out) {
    println!(
        "binarized MNIST: N = {}, P = {} (alpha = {:.4}), {} test and {} random starts, seeds {:?}",
        o.n, o.p, o.alpha, o.test, o.random, o.seeds
    );
    println!(
        "PL: {} couplings, {:?} protocol ({} epochs, lr {}, beta {}, batch {}), {}; lambda_eff {:.3}",
        o.coupling,
        o.training,
        o.epochs,
        o.lr,
        o.beta,
        o.batch.map_or("all".to_string(), |b| b.to_string()),
        o.precision,
        o.lambda_eff
    );
    println!("final overlap m_F        {:>17}  {:>17}", "PL", "Hebb");
    let row = |name: &str, pl: (f64, f64), hebb: (f64, f64)| {
        println!(
            "{name:<23}  {:>8.4} ± {:<6.4}  {:>8.4} ± {:<6.4}",
            pl.0, pl.1, hebb.0, hebb.1
        );
    };
    let (p, h) = (&o.pl, &o.hebb);
    row(
        "train",
        (p.train_overlap, p.train_overlap_err),
        (h.train_overlap, h.train_overlap_err),
    );
    row(
        "test",
        (p.test_overlap, p.test_overlap_err),
        (h.test_overlap, h.test_overlap_err),
    );
    row(
        "random",
        (p.random_overlap, p.random_overlap_err),
        (h.random_overlap, h.random_overlap_err),
    );
    row(
        "test -> nearest train",
        (p.test_final_nearest_train, p.test_final_nearest_train_err),
        (h.test_final_nearest_train, h.test_final_nearest_train_err),
    );
    row(
        "label agreement",
        (p.label_agreement, p.label_agreement_err),
        (h.label_agreement, h.label_agreement_err),
    );
}
