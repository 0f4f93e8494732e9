//! `plam simulate`: train a finite-N network (or a single perceptron) on random
//! patterns and compare its stabilities with the replica P(Δ).
//!
//! Examples:
//! ```text
//! plam simulate --n 500 --alpha 1 --lambda 2 --mode fixed-norm --coupling asymmetric --seed 1 --json
//! plam simulate --n 1000 --alpha 0.4 --mode gd --init hebb --beta 0.1 --lr 10 --epochs 10000 --out run/
//! ```

use anyhow::{bail, Context};
use indicatif::{ProgressBar, ProgressStyle};
use plam::compare::stabilities::w1_to_max_margin;
use plam::data::output;
use plam::data::patterns::{perceptron_labels, PatternKind, Patterns};
use plam::learning::couplings::row_norms;
use plam::learning::stabilities::Stabilities;
use plam::learning::{
    train_fixed_norm, train_gd, Coupling, FixedNormConfig, GdConfig, Init, Problem,
};
use plam::numerics::statistics::{mean_std_population, Histogram};
use serde::Serialize;
use std::io::IsTerminal;
use std::path::PathBuf;
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

/// Coupling structure on the command line (converts into [`Coupling`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CouplingArg {
    /// N×N couplings, zero diagonal; row i is an independent perceptron with input
    /// ξ_{\i} and label ξ_i.
    Asymmetric,
    /// N×N couplings with J_ij = J_ji exactly and zero diagonal.
    Symmetric,
    /// A single perceptron: one row of N weights, inputs ξ^μ, random labels y^μ.
    Perceptron,
}

impl From<CouplingArg> for Coupling {
    fn from(c: CouplingArg) -> Self {
        match c {
            CouplingArg::Asymmetric => Coupling::Asymmetric,
            CouplingArg::Symmetric => Coupling::Symmetric,
            CouplingArg::Perceptron => Coupling::Perceptron,
        }
    }
}

/// Initial couplings on the command line (converts into [`Init`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InitArg {
    /// J = 0.
    Zero,
    /// The Hebb rule, eq. (T11) (the paper's protocol).
    Hebb,
    /// Independent Gaussian entries of standard deviation `init_scale/√N`
    /// (symmetrised for symmetric couplings), zero diagonal.
    Random,
}

impl From<InitArg> for Init {
    fn from(i: InitArg) -> Self {
        match i {
            InitArg::Zero => Init::Zero,
            InitArg::Hebb => Init::Hebb,
            InitArg::Random => Init::Random,
        }
    }
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
    #[arg(long, value_enum, default_value_t = PatternKind::Binary)]
    pub patterns: PatternKind,
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

/// The replica-theory law at (α, λ): moments and CDF of P(Δ).
pub struct Theory {
    sol: plam::replica::saddle_point::Solution,
}

impl Theory {
    /// Solves the replica-symmetric saddle point of the pseudo-likelihood loss.
    pub fn new(alpha: f64, lambda: f64) -> plam::Result<Self> {
        Ok(Self {
            sol: plam::replica::saddle_point::solve_pl(alpha, lambda)?,
        })
    }

    fn cdf(&self, x: f64) -> f64 {
        self.sol.cdf(x)
    }

    fn pdf(&self, x: f64) -> f64 {
        self.sol.pdf(x)
    }

    fn summary(&self, lambda: f64) -> TheorySummary {
        TheorySummary {
            lambda,
            eps: self.sol.eps,
            mean: self.sol.mean,
            var: self.sol.var,
            loss: self.sol.loss_mean,
            rs_stable: self.sol.rs_stable(),
        }
    }
}

/// Replica predictions the simulation is compared with.
#[derive(Debug, Clone, Serialize)]
pub struct TheorySummary {
    /// λ at which the theory is evaluated.
    pub lambda: f64,
    /// Training error P(Δ < 0).
    pub eps: f64,
    /// Mean of Δ.
    pub mean: f64,
    /// Variance of Δ.
    pub var: f64,
    /// Mean loss per pattern.
    pub loss: f64,
    /// Whether the replica-symmetric solution is locally stable (replicon < 1).
    pub rs_stable: bool,
}

/// Comparison of one set of stabilities with the theory at its λ.
#[derive(Debug, Clone, Serialize)]
pub struct SnapshotSummary {
    /// Epochs completed.
    pub epoch: usize,
    /// Mean effective row norm β|J_i|.
    pub lambda: f64,
    /// Fraction of negative stabilities.
    pub eps: f64,
    /// Mean stability.
    pub mean: f64,
    /// Variance of the stabilities.
    pub var: f64,
    /// KS distance to the theory at `lambda` (null if the theory failed).
    pub ks: Option<f64>,
    /// W1 distance to the theory at `lambda`.
    pub w1: Option<f64>,
    /// Theory at `lambda`.
    pub theory: Option<TheorySummary>,
    /// Why the theory is missing, if it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub theory_error: Option<String>,
    /// Mean over rows of the smallest stability min_μ Δ_i^μ (the row's margin).
    pub margin_mean: f64,
    /// Gardner's maximal margin κ*(α) (α < 2 only), the λ → ∞ limit of the margin.
    pub kappa_max: Option<f64>,
    /// W1 distance to the maximal-margin law Φ(κ*)δ(Δ−κ*) + θ(Δ−κ*)φ(Δ) (α < 2).
    pub w1_max_margin: Option<f64>,
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
    /// KS distance to the replica P(Δ) at (alpha, lambda).
    pub ks: Option<f64>,
    /// Wasserstein-1 distance to the replica P(Δ) at (alpha, lambda).
    pub w1: Option<f64>,
    /// The replica predictions at (alpha, lambda).
    pub theory: Option<TheorySummary>,
    /// Why the theory is missing, if it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub theory_error: Option<String>,
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
    /// gd: the stored snapshots compared with the theory at λ(t).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub snapshots: Vec<SnapshotSummary>,
    /// Wall-clock seconds of training.
    pub seconds: f64,
}

fn theory_or_error(alpha: f64, lambda: f64) -> (Option<Theory>, Option<String>) {
    match Theory::new(alpha, lambda) {
        Ok(t) => (Some(t), None),
        Err(e) => (None, Some(e.to_string())),
    }
}

fn compare(st: &Stabilities, th: &Option<Theory>) -> anyhow::Result<(Option<f64>, Option<f64>)> {
    Ok(match th {
        Some(t) => {
            let c = st.compare(|x| t.cdf(x))?;
            (Some(c.ks), Some(c.w1))
        }
        None => (None, None),
    })
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

/// Runs the simulation described by `args` and returns its summary (no output).
/// `--out` files are written here.
pub fn simulate(args: &SimulateArgs) -> anyhow::Result<Summary> {
    if args.n < 2 {
        bail!("--n must be at least 2, got {}", args.n);
    }
    if !(args.alpha.is_finite() && args.alpha > 0.0) {
        bail!("--alpha must be a positive number, got {}", args.alpha);
    }
    if args.bins == 0 {
        bail!("--bins must be at least 1");
    }
    let lambda = match (args.mode, args.lambda) {
        (Mode::FixedNorm, None) => bail!("--lambda is required in fixed-norm mode"),
        (Mode::FixedNorm, Some(l)) if !(l.is_finite() && l > 0.0) => {
            bail!("--lambda must be a positive number in fixed-norm mode, got {l}")
        }
        (Mode::Gd, Some(_)) => {
            bail!("--lambda has no meaning in gd mode (the norm is unbounded); drop it")
        }
        (_, l) => l,
    };
    let pats = Patterns::generate(args.n, args.alpha, args.patterns, args.seed)?;
    let problem = match Coupling::from(args.coupling) {
        Coupling::Perceptron => {
            let labels = perceptron_labels(pats.p(), args.seed)?;
            Problem::perceptron(&pats, &labels)?
        }
        c => Problem::network(&pats, c)?,
    };
    let alpha = pats.alpha();
    if let Some(dir) = &args.out {
        output::create_dir(dir)?;
    }
    let start = Instant::now();
    let mut summary;
    let final_stab;
    let mut trajectory = vec![];
    let mut snaps_out = vec![];
    let j;
    match args.mode {
        Mode::FixedNorm => {
            let lambda = lambda.expect("checked above");
            let mut cfg = FixedNormConfig::new(lambda);
            cfg.tol = args.tol;
            cfg.max_iter = args.max_iter;
            cfg.memory = args.memory;
            let pb = progress_bar(args.json, None);
            let res = train_fixed_norm(&problem, &cfg, &mut |it, r| {
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
            let st = Stabilities::new(&problem, &res.j)?;
            let m = st.summary()?;
            let (lm, ls) = mean_std_population(&st.row_norms);
            let (th, th_err) = theory_or_error(alpha, lambda);
            let (ks, w1) = compare(&st, &th)?;
            summary = Summary {
                n: problem.n(),
                p: problem.p(),
                alpha,
                alpha_requested: args.alpha,
                lambda,
                mode: args.mode,
                coupling: args.coupling.into(),
                patterns: args.patterns,
                seed: args.seed,
                eps: m.eps,
                eps_se: m.eps_se,
                mean: m.mean,
                mean_se: m.mean_se,
                var: m.var,
                var_se: m.var_se,
                loss: mean_row_loss(&st),
                ks,
                w1,
                theory: th.as_ref().map(|t| t.summary(lambda)),
                theory_error: th_err,
                lambda_rows_mean: lm,
                lambda_rows_std: ls,
                iterations: Some(res.iterations),
                residual: Some(res.residual),
                tol: Some(args.tol),
                lambda_final: None,
                beta: None,
                lr: None,
                epochs: None,
                init: None,
                snapshots: vec![],
                seconds,
            };
            final_stab = (st, th);
            j = res.j;
        }
        Mode::Gd => {
            let mut cfg = GdConfig::new(args.lr, args.epochs);
            cfg.beta = args.beta;
            cfg.init = args.init.into();
            cfg.init_scale = args.init_scale;
            cfg.seed = args.seed;
            cfg.points_per_decade = args.points_per_decade;
            if let Some(s) = &args.snapshots {
                cfg.snapshots = s.clone();
            }
            let pb = progress_bar(args.json, Some(args.epochs as u64));
            let res = train_gd(&problem, &cfg, &mut |e| {
                if let Some(pb) = &pb {
                    pb.set_position(e as u64);
                }
            });
            if let Some(pb) = &pb {
                pb.finish_and_clear();
            }
            let res = res.with_context(|| "gradient descent failed".to_string())?;
            let seconds = start.elapsed().as_secs_f64();
            let st = Stabilities::new(&problem, &res.j)?;
            let m = st.summary()?;
            let lam: Vec<f64> = st.row_norms.iter().map(|v| args.beta * v).collect();
            let (lm, ls) = mean_std_population(&lam);
            let (th, th_err) = theory_or_error(alpha, lm);
            let (ks, w1) = compare(&st, &th)?;
            let mut snap_summaries = vec![];
            for s in &res.snapshots {
                let (sl, _) = mean_std_population(&s.lambda);
                let sst = Stabilities {
                    delta: s.stabilities.clone(),
                    row_norms: s.lambda.clone(),
                };
                let sm = sst.summary()?;
                let (sth, sth_err) = theory_or_error(alpha, sl);
                let (sks, sw1) = compare(&sst, &sth)?;
                let margin_mean = sst.mean_margin();
                let (w1_max_margin, kappa_max) = if alpha < 2.0 {
                    let (w, k) = w1_to_max_margin(&sst, alpha)?;
                    (Some(w), Some(k))
                } else {
                    (None, None)
                };
                snap_summaries.push(SnapshotSummary {
                    epoch: s.epoch,
                    lambda: sl,
                    eps: sm.eps,
                    mean: sm.mean,
                    var: sm.var,
                    ks: sks,
                    w1: sw1,
                    theory: sth.as_ref().map(|t| t.summary(sl)),
                    theory_error: sth_err,
                    margin_mean,
                    kappa_max,
                    w1_max_margin,
                });
            }
            let loss = res.trajectory.last().map(|t| t.loss).unwrap_or(f64::NAN);
            summary = Summary {
                n: problem.n(),
                p: problem.p(),
                alpha,
                alpha_requested: args.alpha,
                lambda: lm,
                mode: args.mode,
                coupling: args.coupling.into(),
                patterns: args.patterns,
                seed: args.seed,
                eps: m.eps,
                eps_se: m.eps_se,
                mean: m.mean,
                mean_se: m.mean_se,
                var: m.var,
                var_se: m.var_se,
                loss,
                ks,
                w1,
                theory: th.as_ref().map(|t| t.summary(lm)),
                theory_error: th_err,
                lambda_rows_mean: lm,
                lambda_rows_std: ls,
                iterations: None,
                residual: None,
                tol: None,
                lambda_final: Some(lm),
                beta: Some(args.beta),
                lr: Some(args.lr),
                epochs: Some(args.epochs),
                init: Some(args.init.into()),
                snapshots: snap_summaries,
                seconds,
            };
            trajectory = res.trajectory;
            snaps_out = res.snapshots;
            final_stab = (st, th);
            j = res.j;
        }
    }
    if let Some(dir) = &args.out {
        let (st, th) = &final_stab;
        let mut files = vec![];
        let mut put = |name: &str| {
            files.push(name.to_string());
            dir.join(name)
        };
        output::write_npy_matrix(&put("stabilities.npy"), &st.delta)?;
        output::write_npy_vec(&put("row_norms.npy"), &row_norms(&j))?;
        output::write_npy_matrix(&put("couplings.npy"), &j)?;
        output::write_npy_matrix(&put("patterns.npy"), &pats.xi)?;
        if problem.coupling() == Coupling::Perceptron {
            output::write_npy_matrix(&put("labels.npy"), problem.labels())?;
        }
        let m = st.summary()?;
        let sd = m.var.sqrt().max(1e-3);
        let hist = Histogram::new(st.values(), m.mean - 6.0 * sd, m.mean + 6.0 * sd, args.bins)?;
        let rows: Vec<HistRow> = (0..args.bins)
            .map(|k| {
                let c = 0.5 * (hist.edges[k] + hist.edges[k + 1]);
                HistRow {
                    left: hist.edges[k],
                    right: hist.edges[k + 1],
                    count: hist.counts[k],
                    density: hist.density[k],
                    error: hist.error[k],
                    theory_pdf: th.as_ref().map(|t| t.pdf(c)),
                }
            })
            .collect();
        output::write_csv(&put("histogram.csv"), &rows)?;
        if !trajectory.is_empty() {
            output::write_csv(&put("trajectory.csv"), &trajectory)?;
        }
        for s in &snaps_out {
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
            parameters: Parameters {
                n: args.n,
                alpha: args.alpha,
                lambda: args.lambda,
                mode: args.mode,
                coupling: args.coupling.into(),
                patterns: args.patterns,
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
            },
            layout: "stabilities.npy: float64 (rows, P), entry [i, mu] = Delta_i^mu; couplings.npy: (rows, N); patterns.npy: (N, P), column mu = xi^mu; row_norms.npy: |J_i| (not times beta); stabilities_epoch_E.npy / lambda_epoch_E.npy: gd snapshots, lambda = beta |J_i|",
            files,
            summary: summary.clone(),
        };
        output::write_json(&dir.join("manifest.json"), &manifest)?;
    }
    summary.seconds = (summary.seconds * 1e3).round() / 1e3;
    Ok(summary)
}

/// Mean over rows and patterns of ℓ_{λ_i}(Δ) = log(1 + e^{−2λ_iΔ}), λ_i = |J_i|.
fn mean_row_loss(st: &Stabilities) -> f64 {
    let mut s = 0.0;
    for col in st.delta.column_iter() {
        for (d, l) in col.iter().zip(&st.row_norms) {
            s += plam::numerics::special::softplus(-2.0 * l * d);
        }
    }
    s / st.delta.len() as f64
}

#[derive(Serialize)]
struct HistRow {
    left: f64,
    right: f64,
    count: u64,
    density: f64,
    error: f64,
    theory_pdf: Option<f64>,
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
        super::print_json(&s)?;
    } else {
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
        if let Some(t) = &s.theory {
            println!(
                "theory: eps = {:.5}  mean = {:.5}  var = {:.5}  loss = {:.5}",
                t.eps, t.mean, t.var, t.loss
            );
            println!(
                "KS = {:.4}  W1 = {:.4}",
                s.ks.unwrap_or(f64::NAN),
                s.w1.unwrap_or(f64::NAN)
            );
        }
        if let Some(e) = &s.theory_error {
            println!("theory unavailable: {e}");
        }
        println!("{:.2} s", s.seconds);
    }
    Ok(())
}
