//! `plam simulate`: train a finite-N network (or a single perceptron) on random
//! patterns and compare its stabilities with the replica P(Δ)
//! ([`plam::compare::simulation`] holds the comparisons).
//!
//! Examples:
//! ```text
//! plam simulate --n 500 --alpha 1 --lambda 2 --mode fixed-norm --coupling asymmetric --seed 1 --json
//! plam simulate --n 1000 --alpha 0.4 --mode gd --init hebb --beta 0.1 --lr 10 --epochs 10000 --out run/
//! ```

use crate::cli::values::{CouplingArg, InitArg, PatternKindArg, PrecisionArg};
use anyhow::{bail, Context};
use indicatif::{ProgressBar, ProgressStyle};
use nalgebra::DMatrix;
use plam::compare::simulation::{histogram, mean_row_loss, ReplicaComparison, SnapshotSummary};
use plam::data::output;
use plam::data::patterns::{perceptron_labels, PatternKind, Patterns};
use plam::learning::couplings::row_norms;
use plam::learning::stabilities::Stabilities;
use plam::learning::{
    train_fixed_norm, train_gd, Coupling, FixedNormConfig, GdConfig, Init, Precision, Problem,
    Snapshot, TrajectoryPoint,
};
use plam::numerics::statistics::mean_std_population;
use serde::Serialize;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Training mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Minimise the loss with every row norm held at λ (what the replica theory describes).
    FixedNorm,
    /// Plain full-batch gradient descent with unbounded norm.
    Gd,
}

/// Arguments of `plam simulate`.
#[derive(Debug, Clone, clap::Args)]
pub struct SimulateArgs {
    /// Number of neurons (inputs) N ≥ 2.
    #[arg(long, default_value_t = 500)]
    pub n: usize,
    /// Load α; P = round(αN) patterns.
    #[arg(long, default_value_t = 1.0)]
    pub alpha: f64,
    /// Row norm λ (fixed-norm mode; for symmetric couplings ‖J‖_F = λ√N).
    #[arg(long)]
    pub lambda: Option<f64>,
    /// Training mode.
    #[arg(long, value_enum, default_value_t = Mode::FixedNorm)]
    pub mode: Mode,
    /// Coupling structure.
    #[arg(long, value_enum, default_value_t = CouplingArg::Asymmetric)]
    pub coupling: CouplingArg,
    /// Pattern distribution.
    #[arg(long, value_enum, default_value_t = PatternKindArg::Binary)]
    pub patterns: PatternKindArg,
    /// Seed of the patterns (and of the random initialisation).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Fixed-norm: tolerance on the relative Riemannian gradient ‖J‖‖grad_R L‖/L (eq. (T9)).
    #[arg(long, default_value_t = 1e-6)]
    pub tol: f64,
    /// Fixed-norm: maximum number of L-BFGS iterations.
    #[arg(long, default_value_t = 20_000)]
    pub max_iter: usize,
    /// Fixed-norm: number of L-BFGS correction pairs.
    #[arg(long, default_value_t = 8)]
    pub memory: usize,
    /// Gradient descent: learning rate η on the mean loss (eq. (T10)).
    #[arg(long, default_value_t = 10.0)]
    pub lr: f64,
    /// Gradient descent: number of epochs.
    #[arg(long, default_value_t = 10_000)]
    pub epochs: usize,
    /// Gradient descent: inverse temperature β of the loss (the paper uses 0.1).
    #[arg(long, default_value_t = 1.0)]
    pub beta: f64,
    /// Gradient descent: initial couplings (the paper's protocol uses hebb).
    #[arg(long, value_enum, default_value_t = InitArg::Zero)]
    pub init: InitArg,
    /// Gradient descent: scale of the random initialisation.
    #[arg(long, default_value_t = 0.01)]
    pub init_scale: f64,
    /// Gradient descent: precision of the couplings, fields and residuals
    /// (losses, norms and statistics are f64 either way; fixed norm is f64).
    #[arg(long, value_enum, default_value = "f64")]
    pub precision: PrecisionArg,
    /// Gradient descent: trajectory points per decade of epochs.
    #[arg(long, default_value_t = 10)]
    pub points_per_decade: usize,
    /// Gradient descent: epochs at which all stabilities are stored, comma
    /// separated (default: 1, 10, 100, … and the last epoch).
    #[arg(long, value_delimiter = ',')]
    pub snapshots: Option<Vec<usize>>,
    /// Print one JSON object on standard output (no progress bar).
    #[arg(long)]
    pub json: bool,
    /// Directory for the stabilities, trajectory and a JSON manifest.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Number of histogram bins written to DIR/histogram.csv.
    #[arg(long, default_value_t = 100)]
    pub bins: usize,
}

/// The JSON summary printed by `--json` (and stored in the manifest).
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Number of neurons / inputs N.
    pub n: usize,
    /// Number of patterns P = round(αN).
    pub p: usize,
    /// Realised load P/N (the theory is evaluated here).
    pub alpha: f64,
    /// Requested load.
    pub alpha_requested: f64,
    /// Fixed-norm: λ; gd: the final mean effective norm (= `lambda_final`).
    pub lambda: f64,
    /// Training mode.
    pub mode: Mode,
    /// Coupling structure.
    pub coupling: Coupling,
    /// Pattern distribution.
    pub patterns: PatternKind,
    /// Seed.
    pub seed: u64,
    /// Fraction of negative stabilities ε.
    pub eps: f64,
    /// Standard error of ε (independent-sample formula).
    pub eps_se: f64,
    /// Mean stability.
    pub mean: f64,
    /// Standard error of the mean (independent-sample formula).
    pub mean_se: f64,
    /// Variance of the stabilities.
    pub var: f64,
    /// Standard error of the variance (independent-sample formula).
    pub var_se: f64,
    /// Mean loss per term, mean of ℓ_{λ_i}(Δ) = log(1 + e^{−2λ_iΔ}).
    pub loss: f64,
    /// KS and W1 distances to the replica P(Δ) at (alpha, lambda), its
    /// predictions, or why it is missing.
    #[serde(flatten)]
    pub replica: ReplicaComparison,
    /// Mean of the row norms (effective β|J_i| in gd mode).
    pub lambda_rows_mean: f64,
    /// Standard deviation of the row norms over rows.
    pub lambda_rows_std: f64,
    /// Fixed-norm: L-BFGS iterations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iterations: Option<usize>,
    /// Fixed-norm: final relative Riemannian gradient.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub residual: Option<f64>,
    /// Fixed-norm: tolerance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tol: Option<f64>,
    /// gd: mean over rows of β|J_i| after the last epoch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lambda_final: Option<f64>,
    /// gd: inverse temperature.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub beta: Option<f64>,
    /// gd: learning rate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lr: Option<f64>,
    /// gd: epochs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub epochs: Option<usize>,
    /// gd: initialisation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub init: Option<Init>,
    /// gd: precision of training (omitted when f64).
    #[serde(skip_serializing_if = "Precision::is_f64")]
    pub precision: Precision,
    /// gd: the stored snapshots compared with the theory at λ(t).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub snapshots: Vec<SnapshotSummary>,
    /// Wall-clock seconds of training.
    pub seconds: f64,
}

impl Summary {
    /// The fields every mode reports, for stabilities `st` whose rows have
    /// the (effective) norms `rows`, compared with the theory at (alpha,
    /// lambda); the mode-specific fields start empty.
    fn new(
        args: &SimulateArgs,
        problem: &Problem,
        alpha: f64,
        lambda: f64,
        st: &Stabilities,
        rows: &[f64],
        loss: f64,
    ) -> anyhow::Result<Self> {
        let m = st.summary()?;
        let (lambda_rows_mean, lambda_rows_std) = mean_std_population(rows);
        Ok(Self {
            n: problem.n(),
            p: problem.p(),
            alpha,
            alpha_requested: args.alpha,
            lambda,
            mode: args.mode,
            coupling: args.coupling.into(),
            patterns: args.patterns.into(),
            seed: args.seed,
            eps: m.eps,
            eps_se: m.eps_se,
            mean: m.mean,
            mean_se: m.mean_se,
            var: m.var,
            var_se: m.var_se,
            loss,
            replica: ReplicaComparison::new(st, alpha, lambda)?,
            lambda_rows_mean,
            lambda_rows_std,
            iterations: None,
            residual: None,
            tol: None,
            lambda_final: None,
            beta: None,
            lr: None,
            epochs: None,
            init: None,
            precision: Precision::F64,
            snapshots: vec![],
            seconds: 0.0,
        })
    }
}

/// A finished training run: its summary and what `--out` writes.
struct Run {
    summary: Summary,
    stabilities: Stabilities,
    couplings: DMatrix<f64>,
    trajectory: Vec<TrajectoryPoint>,
    snapshots: Vec<Snapshot>,
}

fn progress_bar(json: bool, len: Option<u64>) -> Option<ProgressBar> {
    if json || !std::io::stderr().is_terminal() {
        return None;
    }
    let pb = match len {
        Some(l) => {
            let pb = ProgressBar::new(l);
            pb.set_style(
                ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} epochs [{elapsed_precise} < {eta_precise}]",
                )
                .expect("valid template"),
            );
            pb
        }
        None => {
            let pb = ProgressBar::new_spinner();
            pb.set_style(
                ProgressStyle::with_template("{spinner} {msg} [{elapsed_precise}]")
                    .expect("valid template"),
            );
            pb
        }
    };
    Some(pb)
}

/// Checks the arguments; returns λ (fixed-norm mode only).
fn checked_lambda(args: &SimulateArgs) -> anyhow::Result<Option<f64>> {
    if args.n < 2 {
        bail!("--n must be at least 2, got {}", args.n);
    }
    if !(args.alpha.is_finite() && args.alpha > 0.0) {
        bail!("--alpha must be a positive number, got {}", args.alpha);
    }
    if args.bins == 0 {
        bail!("--bins must be at least 1");
    }
    Ok(match (args.mode, args.lambda) {
        (Mode::FixedNorm, None) => bail!("--lambda is required in fixed-norm mode"),
        (Mode::FixedNorm, Some(l)) if !(l.is_finite() && l > 0.0) => {
            bail!("--lambda must be a positive number in fixed-norm mode, got {l}")
        }
        (Mode::FixedNorm, Some(_)) if args.precision == PrecisionArg::F32 => {
            bail!("--precision f32 applies to gd mode only (fixed-norm L-BFGS runs in f64)")
        }
        (Mode::Gd, Some(_)) => {
            bail!("--lambda has no meaning in gd mode (the norm is unbounded); drop it")
        }
        (_, l) => l,
    })
}

/// The patterns and the training problem the arguments describe.
fn problem(args: &SimulateArgs) -> anyhow::Result<(Patterns, Problem)> {
    let pats = Patterns::generate(args.n, args.alpha, args.patterns.into(), args.seed)?;
    let problem = match args.coupling.into() {
        Coupling::Perceptron => {
            let labels = perceptron_labels(pats.p(), args.seed)?;
            Problem::perceptron(&pats, &labels)?
        }
        c => Problem::network(&pats, c)?,
    };
    Ok((pats, problem))
}

/// Trains at fixed norm λ by Riemannian L-BFGS (a spinner on a terminal).
fn fixed_norm(
    args: &SimulateArgs,
    problem: &Problem,
    alpha: f64,
    lambda: f64,
) -> anyhow::Result<Run> {
    let start = Instant::now();
    let mut cfg = FixedNormConfig::new(lambda);
    cfg.tol = args.tol;
    cfg.max_iter = args.max_iter;
    cfg.memory = args.memory;
    let pb = progress_bar(args.json, None);
    let res = train_fixed_norm(problem, &cfg, &mut |it, r| {
        if let Some(pb) = &pb {
            pb.set_message(format!("L-BFGS iteration {it}, relative gradient {r:.2e}"));
            pb.tick();
        }
    });
    if let Some(pb) = &pb {
        pb.finish_and_clear();
    }
    let res = res?;
    let seconds = start.elapsed().as_secs_f64();
    let st = Stabilities::new(problem, &res.j)?;
    let loss = mean_row_loss(&st);
    let mut summary = Summary::new(args, problem, alpha, lambda, &st, &st.row_norms, loss)?;
    summary.iterations = Some(res.iterations);
    summary.residual = Some(res.residual);
    summary.tol = Some(args.tol);
    summary.seconds = seconds;
    Ok(Run {
        summary,
        stabilities: st,
        couplings: res.j,
        trajectory: vec![],
        snapshots: vec![],
    })
}

/// Trains by unbounded gradient descent (a progress bar on a terminal) and
/// compares the end point and every snapshot with the theory at their λ.
fn gradient_descent(args: &SimulateArgs, problem: &Problem, alpha: f64) -> anyhow::Result<Run> {
    let start = Instant::now();
    let mut cfg = GdConfig::new(args.lr, args.epochs);
    cfg.beta = args.beta;
    cfg.init = args.init.into();
    cfg.init_scale = args.init_scale;
    cfg.seed = args.seed;
    cfg.points_per_decade = args.points_per_decade;
    cfg.precision = args.precision.into();
    if let Some(s) = &args.snapshots {
        cfg.snapshots = s.clone();
    }
    let pb = progress_bar(args.json, Some(args.epochs as u64));
    let res = train_gd(problem, &cfg, &mut |e| {
        if let Some(pb) = &pb {
            pb.set_position(e as u64);
        }
    });
    if let Some(pb) = &pb {
        pb.finish_and_clear();
    }
    let res = res.with_context(|| "gradient descent failed".to_string())?;
    let seconds = start.elapsed().as_secs_f64();
    let st = Stabilities::new(problem, &res.j)?;
    let lam: Vec<f64> = st.row_norms.iter().map(|v| args.beta * v).collect();
    let (lm, _) = mean_std_population(&lam);
    let loss = res.trajectory.last().map(|t| t.loss).unwrap_or(f64::NAN);
    let mut summary = Summary::new(args, problem, alpha, lm, &st, &lam, loss)?;
    summary.lambda_final = Some(lm);
    summary.beta = Some(args.beta);
    summary.lr = Some(args.lr);
    summary.epochs = Some(args.epochs);
    summary.init = Some(args.init.into());
    summary.precision = args.precision.into();
    summary.snapshots = res
        .snapshots
        .iter()
        .map(|s| SnapshotSummary::new(s, alpha))
        .collect::<plam::Result<_>>()?;
    summary.seconds = seconds;
    Ok(Run {
        summary,
        stabilities: st,
        couplings: res.j,
        trajectory: res.trajectory,
        snapshots: res.snapshots,
    })
}

/// Runs the simulation described by `args` and returns its summary (no output).
/// `--out` files are written here.
pub fn simulate(args: &SimulateArgs) -> anyhow::Result<Summary> {
    let lambda = checked_lambda(args)?;
    let (pats, problem) = problem(args)?;
    let alpha = pats.alpha();
    if let Some(dir) = &args.out {
        output::create_dir(dir)?;
    }
    let run = match args.mode {
        Mode::FixedNorm => fixed_norm(args, &problem, alpha, lambda.expect("checked above"))?,
        Mode::Gd => gradient_descent(args, &problem, alpha)?,
    };
    if let Some(dir) = &args.out {
        write_out(args, dir, &run, &pats, &problem)?;
    }
    let mut summary = run.summary;
    summary.seconds = (summary.seconds * 1e3).round() / 1e3;
    Ok(summary)
}

/// Writes the `--out` directory: stabilities, couplings, patterns (labels),
/// histogram, trajectory, snapshots and the manifest listing them.
fn write_out(
    args: &SimulateArgs,
    dir: &Path,
    run: &Run,
    pats: &Patterns,
    problem: &Problem,
) -> anyhow::Result<()> {
    let st = &run.stabilities;
    let mut files = vec![];
    let mut put = |name: &str| {
        files.push(name.to_string());
        dir.join(name)
    };
    output::write_npy_matrix(&put("stabilities.npy"), &st.delta)?;
    output::write_npy_vec(&put("row_norms.npy"), &row_norms(&run.couplings))?;
    output::write_npy_matrix(&put("couplings.npy"), &run.couplings)?;
    output::write_npy_matrix(&put("patterns.npy"), &pats.xi)?;
    if problem.coupling() == Coupling::Perceptron {
        output::write_npy_matrix(&put("labels.npy"), problem.labels())?;
    }
    let rows = histogram(st, args.bins, run.summary.replica.solution.as_ref())?;
    output::write_csv(&put("histogram.csv"), &rows)?;
    if !run.trajectory.is_empty() {
        output::write_csv(&put("trajectory.csv"), &run.trajectory)?;
    }
    for s in &run.snapshots {
        output::write_npy_matrix(
            &put(&format!("stabilities_epoch_{}.npy", s.epoch)),
            &s.stabilities,
        )?;
        output::write_npy_vec(&put(&format!("lambda_epoch_{}.npy", s.epoch)), &s.lambda)?;
    }
    files.push("manifest.json".into());
    let manifest = Manifest {
        program: "plam simulate",
        version: env!("CARGO_PKG_VERSION"),
        arguments: format!("{args:?}"),
        seed: args.seed,
        parameters: Parameters::from(args),
        layout: "stabilities.npy: float64 (rows, P), entry [i, mu] = Delta_i^mu; couplings.npy: (rows, N); patterns.npy: (N, P), column mu = xi^mu; row_norms.npy: |J_i| (not times beta); stabilities_epoch_E.npy / lambda_epoch_E.npy: gd snapshots, lambda = beta |J_i|",
        files,
        summary: run.summary.clone(),
    };
    output::write_json(&dir.join("manifest.json"), &manifest)?;
    Ok(())
}

#[derive(Serialize)]
struct Parameters {
    n: usize,
    alpha: f64,
    lambda: Option<f64>,
    mode: Mode,
    coupling: Coupling,
    patterns: PatternKind,
    seed: u64,
    tol: f64,
    max_iter: usize,
    memory: usize,
    lr: f64,
    epochs: usize,
    beta: f64,
    init: Init,
    init_scale: f64,
    points_per_decade: usize,
    snapshots: Option<Vec<usize>>,
    bins: usize,
    #[serde(skip_serializing_if = "Precision::is_f64")]
    precision: Precision,
}

impl From<&SimulateArgs> for Parameters {
    fn from(args: &SimulateArgs) -> Self {
        Self {
            n: args.n,
            alpha: args.alpha,
            lambda: args.lambda,
            mode: args.mode,
            coupling: args.coupling.into(),
            patterns: args.patterns.into(),
            seed: args.seed,
            tol: args.tol,
            max_iter: args.max_iter,
            memory: args.memory,
            lr: args.lr,
            epochs: args.epochs,
            beta: args.beta,
            init: args.init.into(),
            init_scale: args.init_scale,
            points_per_decade: args.points_per_decade,
            snapshots: args.snapshots.clone(),
            bins: args.bins,
            precision: args.precision.into(),
        }
    }
}

#[derive(Serialize)]
struct Manifest {
    program: &'static str,
    version: &'static str,
    arguments: String,
    seed: u64,
    parameters: Parameters,
    layout: &'static str,
    files: Vec<String>,
    summary: Summary,
}

/// Runs `plam simulate`: prints the JSON summary with `--json`, a short report otherwise.
pub fn run(args: SimulateArgs) -> anyhow::Result<()> {
    let s = simulate(&args)?;
    if args.json {
        super::print_json(&s)
    } else {
        print_report(&s);
        Ok(())
    }
}

/// The short human-readable report.
fn print_report(s: &Summary) {
    println!(
        "N = {}, P = {} (alpha = {:.4}), {:?} couplings, {:?} mode, seed {}",
        s.n, s.p, s.alpha, s.coupling, s.mode, s.seed
    );
    if let Some(it) = s.iterations {
        println!(
            "lambda = {}: {} L-BFGS iterations, relative gradient {:.2e}",
            s.lambda,
            it,
            s.residual.unwrap_or(f64::NAN)
        );
    }
    if let Some(l) = s.lambda_final {
        println!(
            "lambda_final = {l:.4} (row spread {:.4})",
            s.lambda_rows_std
        );
    }
    println!(
        "eps = {:.5}  mean = {:.5}  var = {:.5}  loss = {:.5}",
        s.eps, s.mean, s.var, s.loss
    );
    if let Some(t) = &s.replica.theory {
        println!(
            "theory: eps = {:.5}  mean = {:.5}  var = {:.5}  loss = {:.5}",
            t.eps, t.mean, t.var, t.loss
        );
        println!(
            "KS = {:.4}  W1 = {:.4}",
            s.replica.ks.unwrap_or(f64::NAN),
            s.replica.w1.unwrap_or(f64::NAN)
        );
    }
    if let Some(e) = &s.replica.theory_error {
        println!("theory unavailable: {e}");
    }
    println!("{:.2} s", s.seconds);
}
