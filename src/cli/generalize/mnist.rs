//! `plam generalize --data mnist`: pseudo-likelihood couplings trained on
//! the first P = round(α·196) binarized MNIST training digits after a seeded
//! shuffle (theory/mnist.md), with the authors' mini-batch protocol
//! (eq. (T19)) or the suite's full-batch one (eq. (T10)); final overlaps
//! (M38) from train, test and random starts, nearest training digit (M39),
//! and the label agreement (D7), beside the Hebbian couplings; one seed is
//! [`plam::compare::generalization_mnist::run_point`], this file combines
//! seeds and prints.

use super::{GenCouplingArg, GeneralizeArgs};
use crate::cli::print_json;
use crate::cli::values::PrecisionArg;
use anyhow::bail;
use clap::ValueEnum;
use plam::compare::generalization_mnist::{
    run_point, Measured, MnistPoint, MnistRun, MnistTraining,
};
use plam::data::mnist::{Mnist14, MnistSplit, N};
use plam::data::patterns::num_patterns;
use plam::learning::{Coupling, GdConfig, Init};
use plam::memory::generalization::{combine_seeds, SetResult};
use plam::memory::protocol::Protocol;
use plam::numerics::statistics::mean_sem;
use serde::Serialize;

/// The training protocol of `--data mnist`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrainingProtocolArg {
    /// The authors'. MNIST: β = 0.1, learning rate 100, 301 epochs,
    /// mini-batches of min(P, 1000) reshuffled every epoch, start
    /// J ~ N(0, 1/N). EA: β = 1, full batch from J = 0, learning rate
    /// 100·N/1024, 1000 epochs, decay 0.999 (G15). Ignores --epochs, --lr,
    /// --beta, --lr-decay.
    Authors,
    /// The suite's: full-batch descent with --epochs, --lr, --beta (from
    /// Hebb for MNIST; from J = 0 with --lr-decay for EA).
    FullBatch,
}

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

/// The training of the command line's protocol.
fn training(a: &GeneralizeArgs) -> MnistTraining {
    match a.training_protocol.unwrap_or(TrainingProtocolArg::Authors) {
        TrainingProtocolArg::Authors => MnistTraining::Authors(a.precision.into()),
        TrainingProtocolArg::FullBatch => MnistTraining::FullBatch(GdConfig {
            beta: a.beta,
            lr: a.lr,
            precision: a.precision.into(),
            ..GdConfig::paper(a.epochs)
        }),
    }
}

/// The point of the command line ([`run_point`]).
fn point(a: &GeneralizeArgs, protocol: Protocol) -> MnistPoint {
    MnistPoint {
        alpha: a.alpha,
        test: a.test,
        random: a.random,
        coupling: match a.coupling {
            GenCouplingArg::Asymmetric => Coupling::Asymmetric,
            GenCouplingArg::Symmetric => Coupling::Symmetric,
        },
        training: training(a),
        protocol,
    }
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
    let pt = point(a, protocol);
    let runs = seeds
        .iter()
        .map(|&s| run_point(&set, &pt, s))
        .collect::<plam::Result<Vec<_>>>()?;
    // One seed: errors over the test starts; several: over the seeds' means (M40).
    let combine = |f: &dyn Fn(&MnistRun) -> &Measured| -> anyhow::Result<MnistOverlaps> {
        let sets: Vec<_> = runs.iter().map(|r| f(r).sets.clone()).collect();
        let agree: Vec<f64> = match runs.as_slice() {
            [one] => f(one).agreement.clone(),
            _ => runs.iter().map(|r| mean_sem(&f(r).agreement).0).collect(),
        };
        Ok(MnistOverlaps::new(combine_seeds(&sets)?, &agree))
    };
    let (lambda_eff, lambda_eff_err) =
        mean_sem(&runs.iter().map(|r| r.lambda_eff).collect::<Vec<_>>());
    let (cfg, batch) = pt.training.config(p, a.seed);
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
        steps: super::protocol_steps(&protocol),
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
    let (p, h) = (&o.pl, &o.hebb);
    super::print_overlap_rows(
        23,
        &[
            (
                "train",
                (p.train_overlap, p.train_overlap_err),
                (h.train_overlap, h.train_overlap_err),
            ),
            (
                "test",
                (p.test_overlap, p.test_overlap_err),
                (h.test_overlap, h.test_overlap_err),
            ),
            (
                "random",
                (p.random_overlap, p.random_overlap_err),
                (h.random_overlap, h.random_overlap_err),
            ),
            (
                "test -> nearest train",
                (p.test_final_nearest_train, p.test_final_nearest_train_err),
                (h.test_final_nearest_train, h.test_final_nearest_train_err),
            ),
            (
                "label agreement",
                (p.label_agreement, p.label_agreement_err),
                (h.label_agreement, h.label_agreement_err),
            ),
        ],
    );
}
