//! `plam generalize`: train pseudo-likelihood couplings on random-features
//! examples and measure generalization (eqs. (M38)–(M39) of
//! `theory/memory.md`) from train examples, test examples, features and
//! random configurations, beside the Hebbian couplings of the same data;
//! binarized MNIST in [`mnist`], the 2D Edwards–Anderson spin glass in [`ea`].

mod ea;
mod mnist;
mod protein;

use crate::cli::print_json;
use crate::cli::values::PrecisionArg;
use anyhow::bail;
use clap::ValueEnum;
use plam::compare::generalization::{run_point, PointRun, RfPoint};
use plam::data::random_features::Coefficients;
use plam::learning::{Coupling, GdConfig};
use plam::memory::generalization::{combine_seeds, SetResult};
use plam::memory::protocol::Protocol;
use plam::numerics::statistics::mean_sem;
use serde::Serialize;

/// The data set the examples come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DataArg {
    /// D = round(α_D·N) ±1 features, examples ξ = sign(Σ_k c_k f^k) (eq. (RF1)).
    RandomFeatures,
    /// Binarized MNIST 14×14 shipped with the crate (N = 196; --n, --alpha-d
    /// and --L do not apply).
    Mnist,
    /// A protein alignment (--msa; a Potts model by pseudo-likelihood, N = L
    /// focus sites; --n, --alpha-d, --L, --test and the gradient-descent
    /// options do not apply).
    Protein,
    /// Equilibrium samples of a seeded 2D Edwards–Anderson instance at
    /// temperature --t, drawn by parallel tempering (N = --l², theory/spin_glass.md;
    /// --n, --alpha-d and --L do not apply).
    Ea,
}

/// Pseudo-likelihood couplings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GenCouplingArg {
    /// Independent rows (the paper's default).
    Asymmetric,
    /// J_ij = J_ji.
    Symmetric,
}

/// The dynamics' budget: a number of synchronous steps, or `converge`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepsArg {
    /// Exactly T synchronous steps, eq. (M34).
    Budget(usize),
    /// To a fixed point or a 2-cycle, at most [`plam::compare::generalization::CONVERGE_CAP`] steps, eq. (M33).
    Converge,
}

fn parse_steps(s: &str) -> Result<StepsArg, String> {
    match s.trim() {
        "converge" => Ok(StepsArg::Converge),
        t => match t.parse::<usize>() {
            Ok(v) => Ok(StepsArg::Budget(v)),
            Err(_) => Err(format!("'{s}' is neither a number of steps nor 'converge'")),
        },
    }
}

/// The step budget of a protocol (null for `converge`), as printed.
fn protocol_steps(protocol: &Protocol) -> Option<usize> {
    match *protocol {
        Protocol::Paper { steps } => Some(steps),
        Protocol::Converged => None,
    }
}

/// Arguments of `plam generalize`.
#[derive(clap::Args, Debug)]
pub struct GeneralizeArgs {
    /// Data set of the examples.
    #[arg(long, value_enum, default_value = "random-features")]
    data: DataArg,
    /// Number of neurons N.
    #[arg(long, default_value_t = 500)]
    n: usize,
    /// Load α = P/N of training examples (P = round(αN)).
    #[arg(long, default_value_t = 1.0)]
    alpha: f64,
    /// Feature density α_D = D/N (D = round(α_D·N)).
    #[arg(long = "alpha-d", default_value_t = 0.05)]
    alpha_d: f64,
    /// Seed of the features, the examples and the random starts (each on its own streams).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Independent seeds `seed`, `seed + 1`, …: every mean is then the mean
    /// of the per-seed means and its error their standard error (eq. (M40)).
    #[arg(long, default_value_t = 1)]
    seeds: usize,
    /// Non-zero coefficients per example (sparse examples, as the authors'
    /// `--L`); dense (all D) when absent.
    #[arg(long = "L")]
    l: Option<usize>,
    /// Number of test examples.
    #[arg(long, default_value_t = 1000)]
    test: usize,
    /// Number of random ±1 starts.
    #[arg(long, default_value_t = 100)]
    random: usize,
    /// Pseudo-likelihood couplings.
    #[arg(long, value_enum, default_value = "asymmetric")]
    coupling: GenCouplingArg,
    /// Full-batch gradient-descent epochs from Hebb (the paper's 401).
    #[arg(long, default_value_t = 401)]
    epochs: usize,
    /// Learning rate of gradient descent.
    #[arg(long, default_value_t = 10.0)]
    lr: f64,
    /// Inverse temperature β of the gradient-descent loss.
    #[arg(long, default_value_t = 0.1)]
    beta: f64,
    /// Precision of gradient descent: f32 by default, as the authors' code
    /// and the paper-protocol claim basins_load train (`simulate` and
    /// `basins` default to f64); statistics are f64 either way.
    #[arg(long, value_enum, default_value = "f32")]
    precision: PrecisionArg,
    /// Synchronous steps of the dynamics (default: the authors' 10; 100
    /// with --data ea), or `converge` for a fixed point or 2-cycle (at most
    /// 1000 steps).
    #[arg(long, value_parser = parse_steps)]
    steps: Option<StepsArg>,
    /// Side L of the Edwards–Anderson lattice (`--data ea`, N = L²).
    #[arg(long = "l", default_value_t = 32)]
    side: usize,
    /// Temperature T of the Edwards–Anderson samples (`--data ea`).
    #[arg(long = "t", default_value_t = 0.99, allow_hyphen_values = true)]
    temperature: f64,
    /// The law of the Edwards–Anderson bonds (`--data ea`).
    #[arg(long, value_enum, default_value = "gaussian")]
    bonds: crate::cli::ea::BondsArg,
    /// Learning-rate decay per epoch, eq. (T20), of `--data ea --protocol
    /// full-batch` (the authors' protocol uses 0.999).
    #[arg(long = "lr-decay", default_value_t = 1.0)]
    lr_decay: f64,
    /// Training protocol of `--data mnist` and `--data ea` (authors by default).
    #[arg(long = "protocol", value_enum)]
    training_protocol: Option<mnist::TrainingProtocolArg>,
    /// `--data protein`: the alignment (A2M or FASTA).
    #[arg(long)]
    msa: Option<std::path::PathBuf>,
    /// `--data protein`: the focus sequence (name prefix) whose residues select
    /// the sites; the first record by default (A2M's query).
    #[arg(long)]
    focus: Option<String>,
    /// `--data protein`: held-out test sequences (the first of the seeded shuffle).
    #[arg(long = "held-out", default_value_t = 200)]
    held_out: usize,
    /// `--data protein`: at most this many training sequences are relaxed.
    #[arg(long = "train-starts", default_value_t = 300)]
    train_starts: usize,
    /// `--data protein`: L2 penalty on the couplings (plmc's -le).
    #[arg(long = "lambda-j", default_value_t = 16.0)]
    lambda_j: f64,
    /// `--data protein`: L2 penalty on the fields (plmc's -lh).
    #[arg(long = "lambda-h", default_value_t = 0.01)]
    lambda_h: f64,
    /// `--data protein`: reweight the training sequences at identity >= 1 - theta
    /// (plmc's 0.2); unit weights when absent.
    #[arg(long)]
    theta: Option<f64>,
    /// `--data protein`: at most this many L-BFGS iterations (plmc's default 100).
    #[arg(long, default_value_t = 100)]
    iterations: u64,
    /// Print one JSON object on stdout.
    #[arg(long)]
    json: bool,
}

/// The four start sets' overlaps and the test starts' nearest overlaps of one
/// coupling matrix, as printed.
#[derive(Serialize)]
struct Overlaps {
    train_overlap: f64,
    train_overlap_err: f64,
    feature_overlap: f64,
    feature_overlap_err: f64,
    test_overlap: f64,
    test_overlap_err: f64,
    random_overlap: f64,
    random_overlap_err: f64,
    /// The largest overlap with the start along the steps (null with
    /// `--steps converge`), per set.
    train_max_overlap: Option<f64>,
    train_max_overlap_err: Option<f64>,
    feature_max_overlap: Option<f64>,
    feature_max_overlap_err: Option<f64>,
    test_max_overlap: Option<f64>,
    test_max_overlap_err: Option<f64>,
    random_max_overlap: Option<f64>,
    random_max_overlap_err: Option<f64>,
    /// Test starts: mean overlap with the nearest training example, at the start.
    test_start_nearest_train: f64,
    test_start_nearest_train_err: f64,
    /// Test starts: mean overlap of the final state with the nearest training example.
    test_final_nearest_train: f64,
    test_final_nearest_train_err: f64,
    /// Test starts: mean overlap with the nearest feature, at the start.
    test_start_nearest_feature: f64,
    test_start_nearest_feature_err: f64,
    /// Test starts: mean overlap of the final state with the nearest feature.
    test_final_nearest_feature: f64,
    test_final_nearest_feature_err: f64,
    /// Every set with its fixed-point fraction and nearest overlaps.
    sets: Vec<SetResult>,
}

impl Overlaps {
    /// Picks the printed fields out of the sets measured by [`measure_all`].
    fn new(sets: Vec<SetResult>) -> Self {
        let get = |name: &str| sets.iter().find(|s| s.name == name).expect("measured set");
        let test = get("test");
        let near = |r: &str| {
            test.nearest
                .iter()
                .find(|x| x.reference == r)
                .expect("measured reference")
        };
        let (tr, fe) = (near("train"), near("features"));
        Self {
            train_overlap: get("train").overlap,
            train_overlap_err: get("train").overlap_err,
            feature_overlap: get("features").overlap,
            feature_overlap_err: get("features").overlap_err,
            test_overlap: test.overlap,
            test_overlap_err: test.overlap_err,
            random_overlap: get("random").overlap,
            random_overlap_err: get("random").overlap_err,
            train_max_overlap: get("train").max_overlap,
            train_max_overlap_err: get("train").max_overlap_err,
            feature_max_overlap: get("features").max_overlap,
            feature_max_overlap_err: get("features").max_overlap_err,
            test_max_overlap: test.max_overlap,
            test_max_overlap_err: test.max_overlap_err,
            random_max_overlap: get("random").max_overlap,
            random_max_overlap_err: get("random").max_overlap_err,
            test_start_nearest_train: tr.start,
            test_start_nearest_train_err: tr.start_err,
            test_final_nearest_train: tr.final_state,
            test_final_nearest_train_err: tr.final_state_err,
            test_start_nearest_feature: fe.start,
            test_start_nearest_feature_err: fe.start_err,
            test_final_nearest_feature: fe.final_state,
            test_final_nearest_feature_err: fe.final_state_err,
            sets: sets.clone(),
        }
    }
}

/// The random streams of the data, as recorded in the JSON.
#[derive(Serialize)]
struct Streams {
    features: &'static str,
    train: &'static str,
    test: &'static str,
    random: &'static str,
}

/// The printed JSON object.
#[derive(Serialize)]
struct Out {
    data: DataArg,
    n: usize,
    p: usize,
    d: usize,
    alpha: f64,
    alpha_d: f64,
    /// Non-zero coefficients per example; null for dense examples.
    #[serde(rename = "L")]
    l: Option<usize>,
    seed: u64,
    /// Every seed measured (one unless `--seeds`).
    seeds: Vec<u64>,
    streams: Streams,
    test: usize,
    random: usize,
    /// Sums Σ_k c_k f_i^k that were zero and got a random sign (train, test;
    /// totals over the seeds).
    ties_train: usize,
    ties_test: usize,
    coupling: &'static str,
    epochs: usize,
    lr: f64,
    beta: f64,
    precision: &'static str,
    /// Synchronous steps, or null for `converge`.
    steps: Option<usize>,
    protocol: Protocol,
    /// PL effective norm λ = β·mean_i |J_i| (mean over seeds).
    lambda_eff: f64,
    /// Its standard error over seeds (0 for one seed).
    lambda_eff_err: f64,
    #[serde(flatten)]
    pl: Overlaps,
    hebb: Overlaps,
}

/// Refuses bad input before any data is drawn (exit code 1 with a message).
fn check(a: &GeneralizeArgs) -> anyhow::Result<()> {
    if a.n < 2 {
        bail!("--n must be at least 2, got {}", a.n);
    }
    if !(a.alpha.is_finite() && a.alpha > 0.0) {
        bail!("--alpha must be a positive number, got {}", a.alpha);
    }
    if !(a.alpha_d.is_finite() && a.alpha_d > 0.0) {
        bail!("--alpha-d must be a positive number, got {}", a.alpha_d);
    }
    if a.epochs == 0 {
        bail!("--epochs must be at least 1 (gradient descent starts from Hebb, whose overlaps are reported under hebb)");
    }
    if !(a.lr.is_finite() && a.lr > 0.0) {
        bail!("--lr must be a positive number, got {}", a.lr);
    }
    if !(a.beta.is_finite() && a.beta > 0.0) {
        bail!("--beta must be a positive number, got {}", a.beta);
    }
    if a.steps == Some(StepsArg::Budget(0)) {
        bail!("--steps must be at least 1 (or 'converge')");
    }
    if a.seeds == 0 {
        bail!("--seeds must be at least 1");
    }
    if a.test == 0 || a.random == 0 {
        bail!("--test and --random must be at least 1");
    }
    if a.l == Some(0) {
        bail!("--L must be at least 1 (omit it for dense examples)");
    }
    Ok(())
}

/// Draws the data of `seed`, trains PL, builds Hebb and measures both
/// ([`run_point`]).
fn one_seed(a: &GeneralizeArgs, seed: u64, protocol: &Protocol) -> anyhow::Result<PointRun> {
    let point = RfPoint {
        n: a.n,
        alpha: a.alpha,
        alpha_d: a.alpha_d,
        coefficients: match a.l {
            Some(l) => Coefficients::Sparse(l),
            None => Coefficients::Dense,
        },
        test: a.test,
        random: a.random,
        coupling: match a.coupling {
            GenCouplingArg::Asymmetric => Coupling::Asymmetric,
            GenCouplingArg::Symmetric => Coupling::Symmetric,
        },
        gd: GdConfig {
            beta: a.beta,
            lr: a.lr,
            precision: a.precision.into(),
            ..GdConfig::paper(a.epochs)
        },
        protocol: *protocol,
    };
    Ok(run_point(&point, seed)?)
}

/// Runs `plam generalize`.
pub fn run(a: GeneralizeArgs) -> anyhow::Result<()> {
    check(&a)?;
    let default_steps = match a.data {
        DataArg::Ea => StepsArg::Budget(plam::compare::generalization_spin_glass::EA_STEPS),
        _ => StepsArg::Budget(plam::memory::protocol::PAPER_STEPS),
    };
    let protocol = match a.steps.unwrap_or(default_steps) {
        StepsArg::Budget(steps) => Protocol::Paper { steps },
        StepsArg::Converge => Protocol::Converged,
    };
    match a.data {
        DataArg::Protein => return protein::run(&a),
        _ if a.msa.is_some() => bail!("--msa applies to --data protein only"),
        DataArg::Mnist => return mnist::run(&a, protocol),
        DataArg::Ea => return ea::run(&a, protocol),
        DataArg::RandomFeatures => {}
    }
    if a.training_protocol.is_some() {
        bail!("--protocol applies to --data mnist and --data ea only");
    }
    let seeds: Vec<u64> = (0..a.seeds as u64).map(|k| a.seed + k).collect();
    let runs = seeds
        .iter()
        .map(|&s| one_seed(&a, s, &protocol))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let pl: Vec<_> = runs.iter().map(|r| r.pl.clone()).collect();
    let hebb: Vec<_> = runs.iter().map(|r| r.hebb.clone()).collect();
    let norms: Vec<f64> = runs.iter().map(|r| r.lambda_eff).collect();
    let (lambda_eff, lambda_eff_err) = mean_sem(&norms);
    let (p, d) = (runs[0].p, runs[0].d);
    let out = Out {
        data: a.data,
        n: a.n,
        p,
        d,
        alpha: p as f64 / a.n as f64,
        alpha_d: a.alpha_d,
        l: a.l,
        seed: a.seed,
        seeds,
        streams: Streams {
            features: "RF_FEATURES + k",
            train: "RF_TRAIN + mu",
            test: "RF_TEST + mu",
            random: "RANDOM_STARTS + c",
        },
        test: a.test,
        random: a.random,
        ties_train: runs.iter().map(|r| r.ties_train).sum(),
        ties_test: runs.iter().map(|r| r.ties_test).sum(),
        coupling: match a.coupling {
            GenCouplingArg::Asymmetric => "asymmetric",
            GenCouplingArg::Symmetric => "symmetric",
        },
        epochs: a.epochs,
        lr: a.lr,
        beta: a.beta,
        precision: match a.precision {
            PrecisionArg::F32 => "f32",
            PrecisionArg::F64 => "f64",
        },
        steps: protocol_steps(&protocol),
        protocol,
        lambda_eff,
        lambda_eff_err,
        pl: Overlaps::new(combine_seeds(&pl)?),
        hebb: Overlaps::new(combine_seeds(&hebb)?),
    };
    if a.json {
        return print_json(&out);
    }
    print_table(&out);
    Ok(())
}

/// The readable summary: PL and Hebb side by side.
fn print_table(o: &Out) {
    let sparsity = o.l.map_or("dense".to_string(), |l| format!("L = {l}"));
    println!(
        "random features: N = {}, P = {} (alpha = {}), D = {} (alpha_D = {}), {sparsity}, {}",
        o.n,
        o.p,
        o.alpha,
        o.d,
        o.alpha_d,
        match o.seeds.as_slice() {
            [s] => format!("seed {s}"),
            s => format!("seeds {}..={} (errors over seeds)", s[0], s[s.len() - 1]),
        }
    );
    let steps = o.steps.map_or("to convergence".to_string(), |s| {
        format!("{s} synchronous steps")
    });
    println!(
        "PL: {} gradient descent from Hebb, {} epochs, lr {}, beta {}, {} (lambda_eff {:.3}); dynamics: {steps}",
        o.coupling, o.epochs, o.lr, o.beta, o.precision, o.lambda_eff
    );
    println!("final overlap m_F       {:>17}  {:>17}", "PL", "Hebb");
    let row = |name: &str, pl: (f64, f64), hebb: (f64, f64)| {
        println!(
            "{name:<22}  {:>8.4} ± {:<6.4}  {:>8.4} ± {:<6.4}",
            pl.0, pl.1, hebb.0, hebb.1
        );
    };
    let (p, h) = (&o.pl, &o.hebb);
    row(
        &format!("train ({})", o.p),
        (p.train_overlap, p.train_overlap_err),
        (h.train_overlap, h.train_overlap_err),
    );
    row(
        &format!("features ({})", o.d),
        (p.feature_overlap, p.feature_overlap_err),
        (h.feature_overlap, h.feature_overlap_err),
    );
    row(
        &format!("test ({})", o.test),
        (p.test_overlap, p.test_overlap_err),
        (h.test_overlap, h.test_overlap_err),
    );
    row(
        &format!("random ({})", o.random),
        (p.random_overlap, p.random_overlap_err),
        (h.random_overlap, h.random_overlap_err),
    );
    if let (Some(pt), Some(ht)) = (p.train_max_overlap, h.train_max_overlap) {
        println!(
            "largest overlap along the steps: train {:.4} / {:.4}, test {:.4} / {:.4} (PL / Hebb)",
            pt,
            ht,
            p.test_max_overlap.unwrap_or(f64::NAN),
            h.test_max_overlap.unwrap_or(f64::NAN)
        );
    }
    println!("test starts, nearest overlap (start -> final)");
    println!(
        "  train example         {:.4} -> {:.4}      {:.4} -> {:.4}",
        p.test_start_nearest_train,
        p.test_final_nearest_train,
        h.test_start_nearest_train,
        h.test_final_nearest_train
    );
    println!(
        "  feature               {:.4} -> {:.4}      {:.4} -> {:.4}",
        p.test_start_nearest_feature,
        p.test_final_nearest_feature,
        h.test_start_nearest_feature,
        h.test_final_nearest_feature
    );
}

/// One row of a PL-against-Hebb table: the name, then (mean, error) for each.
type OverlapRow<'a> = (&'a str, (f64, f64), (f64, f64));

/// Prints the PL and Hebb columns of a data set's final overlaps (`--data
/// mnist` and `--data ea`), the names left-aligned in `width` characters.
fn print_overlap_rows(width: usize, rows: &[OverlapRow]) {
    println!(
        "{:<width$}  {:>17}  {:>17}",
        "final overlap m_F", "PL", "Hebb"
    );
    for (name, pl, hebb) in rows {
        println!(
            "{name:<width$}  {:>8.4} ± {:<6.4}  {:>8.4} ± {:<6.4}",
            pl.0, pl.1, hebb.0, hebb.1
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_parse() {
        assert_eq!(parse_steps("10"), Ok(StepsArg::Budget(10)));
        assert_eq!(parse_steps("converge"), Ok(StepsArg::Converge));
        assert!(parse_steps("-1").is_err());
        assert!(parse_steps("ten").is_err());
    }
}
