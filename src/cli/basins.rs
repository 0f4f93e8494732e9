//! `plam basins` and `plam retrieval`: train a network with one learning rule
//! on random ±1 patterns and measure its storage, basins of attraction
//! (eq. (M20) of `theory/memory.md`) or retrieval curve (eq. (M18)).

use crate::cli::values::{CurveCriterionArg, PrecisionArg, ProtocolArg};
use crate::cli::{parse_grid, print_csv, print_json};
use anyhow::{bail, Context};
use clap::ValueEnum;
use nalgebra::DMatrix;
use plam::compare::simulation::mean_effective_norm;
use plam::data::patterns::{PatternKind, Patterns};
use plam::learning::{Coupling, FixedNormConfig, GdConfig};
use plam::memory::dynamics::{DynamicsOptions, Network, Schedule};
use plam::memory::protocol::Protocol;
use plam::memory::retrieval::{
    basin_sizes_with, curve_basin, retrieval_curve_with, storage, CurveBasin, RetrievalOptions,
    RetrievalPoint,
};
use plam::memory::rules::{self, PlTraining, UnlearningOptions};
use plam::replica::capacity;
use plam::replica::saddle_point::solve_pl;
use serde::Serialize;
use std::io::IsTerminal;

/// A learning rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Rule {
    /// Pseudo-likelihood (the paper's protocol by default).
    Pl,
    /// Hebb's rule.
    Hebb,
    /// Pseudo-inverse (projector) rule.
    Pinv,
    /// Perceptron with margin --kappa (a number, or `max` for maximal margin).
    Perceptron,
    /// Hebbian unlearning from Hebb until every pattern is stable.
    Unlearning,
}

/// Couplings requested on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum NetworkCouplingArg {
    /// Independent rows.
    Asymmetric,
    /// J_ij = J_ji.
    Symmetric,
}

impl From<NetworkCouplingArg> for Coupling {
    fn from(c: NetworkCouplingArg) -> Self {
        match c {
            NetworkCouplingArg::Asymmetric => Coupling::Asymmetric,
            NetworkCouplingArg::Symmetric => Coupling::Symmetric,
        }
    }
}

/// Zero-temperature dynamics requested on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DynamicsArg {
    /// Synchronous updates (the paper's).
    Sync,
    /// Random-sequential updates.
    Async,
}

/// Options shared by `basins` and `retrieval`.
#[derive(clap::Args, Debug, Clone)]
pub struct NetworkArgs {
    /// Learning rule.
    #[arg(long, value_enum)]
    pub rule: Rule,
    /// Perceptron margin κ ≥ 0, or `max` for the maximal margin (AdaTron).
    #[arg(long, default_value = "0")]
    pub kappa: String,
    /// Couplings; default asymmetric for pl and perceptron, symmetric for the
    /// others (which are symmetric by construction).
    #[arg(long, value_enum)]
    pub coupling: Option<NetworkCouplingArg>,
    /// Number of neurons N.
    #[arg(long, default_value_t = 1000)]
    pub n: usize,
    /// Load α = P/N (P = round(αN)).
    #[arg(long, default_value_t = 0.4)]
    pub alpha: f64,
    /// Seed of the patterns, flips, dynamics and dreams (each on its own stream).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// pl: full-batch gradient-descent epochs (paper protocol: 10⁴).
    #[arg(long, default_value_t = 10_000)]
    pub epochs: usize,
    /// pl: train at fixed norm λ instead of by unbounded gradient descent.
    #[arg(long)]
    pub lambda: Option<f64>,
    /// pl: inverse temperature β of the gradient-descent loss.
    #[arg(long, default_value_t = 0.1)]
    pub beta: f64,
    /// pl: learning rate of gradient descent.
    #[arg(long, default_value_t = 10.0)]
    pub lr: f64,
    /// pl: precision of gradient descent (statistics are f64 either way).
    #[arg(long, value_enum, default_value = "f64")]
    pub precision: PrecisionArg,
    /// perceptron: epoch cap (sweeps for --kappa max).
    #[arg(long, default_value_t = 100_000)]
    pub max_epochs: usize,
    /// perceptron --kappa max: relative duality gap of the certificate.
    #[arg(long, default_value_t = 1e-3)]
    pub margin_tol: f64,
    /// unlearning: strength ε of each dream.
    #[arg(long, default_value_t = 0.01)]
    pub epsilon: f64,
    /// unlearning: cap on the number of dreams.
    #[arg(long, default_value_t = 1_000_000)]
    pub max_dreams: usize,
    /// Zero-temperature dynamics of the measurement.
    #[arg(long, value_enum, default_value = "sync")]
    pub dynamics: DynamicsArg,
    /// Step cap of the dynamics (synchronous steps or asynchronous sweeps);
    /// with --protocol paper, the exact step budget. Default 1000 (converged)
    /// or 10 (paper).
    #[arg(long)]
    pub max_steps: Option<usize>,
    /// Retrieval protocol: converged (eq. (M33)) or the paper's fixed budget
    /// of synchronous steps (eq. (M34)).
    #[arg(long, value_enum, default_value = "converged")]
    pub protocol: ProtocolArg,
    /// Print one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `plam basins`.
#[derive(clap::Args, Debug, Clone)]
pub struct BasinsArgs {
    #[command(flatten)]
    pub net: NetworkArgs,
    /// Random flip sets per pattern (each bisected separately).
    #[arg(long, default_value_t = 1)]
    pub trials: usize,
    /// Basin definition: per-pattern bisection averaged (eq. (M20)), or where
    /// the mean retrieval curve reaches 1 (the paper's, eq. (M35)).
    #[arg(long, value_enum, default_value = "per-pattern")]
    pub basin: BasinDefinition,
    /// --basin curve: when the mean curve counts as having reached 1.
    #[arg(long, value_enum, default_value = "exact")]
    pub criterion: CurveCriterionArg,
}

/// How `plam basins` defines the basin size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BasinDefinition {
    /// Mean over patterns of each pattern's bisected threshold, eq. (M20).
    PerPattern,
    /// 1 − the smallest m_IN from which the mean curve reaches 1, eq. (M35).
    Curve,
}

/// Arguments of `plam retrieval`.
#[derive(clap::Args, Debug, Clone)]
pub struct RetrievalArgs {
    #[command(flatten)]
    pub net: NetworkArgs,
    /// Random flip sets per pattern at every initial overlap.
    #[arg(long, default_value_t = 3)]
    pub trials: usize,
    /// Initial overlap(s): a number, `start:stop:count` or `log:start:stop:count`.
    #[arg(long, default_value = "0.5")]
    pub m_in: String,
    /// Print the curve as CSV instead (one row per initial overlap).
    #[arg(long)]
    pub csv: bool,
}

/// The network and everything recorded about how it was built.
#[derive(Serialize)]
struct Built {
    rule: Rule,
    coupling: &'static str,
    /// Margin requested (perceptron), or null.
    kappa: Option<f64>,
    /// Whether the maximal margin was requested.
    kappa_max: bool,
    /// Certified maximal margin (mean over rows) for `--kappa max`.
    kappa_attained: Option<f64>,
    n: usize,
    p: usize,
    alpha: f64,
    seed: u64,
    /// Training protocol in words (reproducible from the other fields).
    training: String,
    /// Epochs, sweeps or dreams used by the rule (null for Hebb/pinv).
    training_steps: Option<usize>,
    dynamics: Schedule,
    max_steps: usize,
    /// The retrieval protocol (omitted for the default, converged).
    #[serde(skip_serializing_if = "is_converged")]
    protocol: Protocol,
    trials: usize,
    /// Fraction of patterns that are fixed points.
    storage: f64,
    /// Fraction of spins with negative stability.
    unstable_spins: f64,
    min_stability: f64,
    /// ‖J − Jᵀ‖ / ‖J + Jᵀ‖.
    asymmetry: f64,
    /// pl: effective norm λ (fixed norm: λ; gradient descent: β·mean_i |J_i|).
    lambda_eff: Option<f64>,
    /// pl: replica fraction of unstable spins ε(α, λ_eff) (fixed-norm theory;
    /// for gradient descent the comparison of the paper, at the mean λ).
    replica_unstable_spins: Option<f64>,
    #[serde(skip)]
    network: Option<Network>,
    #[serde(skip)]
    patterns: DMatrix<f64>,
}

/// The couplings a rule produced and how.
struct Trained {
    j: DMatrix<f64>,
    /// Training protocol in words.
    training: String,
    /// Epochs, sweeps or dreams (null for Hebb/pinv).
    steps: Option<usize>,
    /// Certified maximal margin for `--kappa max`.
    kappa_attained: Option<f64>,
}

impl Trained {
    fn new(j: DMatrix<f64>, training: String, steps: Option<usize>) -> Self {
        Self {
            j,
            training,
            steps,
            kappa_attained: None,
        }
    }
}

/// The couplings to use: Hebb, pseudo-inverse and unlearning are symmetric by
/// construction, so either --coupling value gives the same matrix, reported
/// as "symmetric"; pl and perceptron default to asymmetric.
fn resolve_coupling(a: &NetworkArgs) -> NetworkCouplingArg {
    let symmetric_only = matches!(a.rule, Rule::Hebb | Rule::Pinv | Rule::Unlearning);
    match (a.coupling, symmetric_only) {
        (Some(NetworkCouplingArg::Asymmetric), true) => {
            eprintln!(
                "note: --rule {} gives symmetric couplings by construction; --coupling asymmetric has no effect",
                format!("{:?}", a.rule).to_lowercase()
            );
            NetworkCouplingArg::Symmetric
        }
        (Some(c), _) => c,
        (None, true) => NetworkCouplingArg::Symmetric,
        (None, false) => NetworkCouplingArg::Asymmetric,
    }
}

/// --kappa as (margin, maximal margin requested); a margin only for --rule
/// perceptron (the default "0" is accepted and ignored for other rules).
fn parse_kappa(a: &NetworkArgs) -> anyhow::Result<(Option<f64>, bool)> {
    let (kappa, kappa_max) = match a.kappa.trim() {
        "max" => (None, true),
        s => {
            let k: f64 = s
                .parse()
                .with_context(|| format!("--kappa: '{s}' is neither a number nor 'max'"))?;
            if !(k.is_finite() && k >= 0.0) {
                bail!("--kappa must be a finite number >= 0 or 'max', got {k}");
            }
            if a.rule == Rule::Perceptron {
                check_margin_reachable(k, a.alpha)?;
            }
            (Some(k), false)
        }
    };
    if a.rule != Rule::Perceptron && (kappa_max || kappa != Some(0.0)) {
        bail!("--kappa applies to --rule perceptron only");
    }
    Ok(if a.rule == Rule::Perceptron {
        (kappa, kappa_max)
    } else {
        (None, false)
    })
}

/// Refuses a perceptron margin κ that no coupling reaches at load α, before
/// any training: above Gardner's κ*(α) (eq. (C3)) the perceptron never
/// converges. At finite N every row has its own maximal margin, scattered
/// about κ*(α) by O(1/√N), and the network needs all rows, so κ > κ*(α) is
/// out of reach of the whole network with overwhelming probability.
fn check_margin_reachable(kappa: f64, alpha: f64) -> anyhow::Result<()> {
    if kappa == 0.0 || alpha.is_nan() || alpha <= 0.0 {
        return Ok(());
    }
    if alpha >= 2.0 {
        bail!(
            "--kappa {kappa}: no margin κ > 0 is reachable at α = {alpha} >= 2 (Gardner's capacity α_c(0) = 2)"
        );
    }
    let ks = capacity::max_margin(alpha)?;
    if kappa > ks {
        bail!(
            "--kappa {kappa} exceeds the maximal margin κ*(α = {alpha}) = {ks:.4} that any coupling \
             reaches at this load (Gardner), so the perceptron would never converge; use a \
             smaller κ, or --kappa max for the largest margin these patterns allow"
        );
    }
    Ok(())
}

/// Trains the rule of `a` on the patterns `xi`.
fn train(
    a: &NetworkArgs,
    xi: &DMatrix<f64>,
    coupling: NetworkCouplingArg,
    kappa: Option<f64>,
    kappa_max: bool,
) -> anyhow::Result<Trained> {
    if a.precision == PrecisionArg::F32 && (a.rule != Rule::Pl || a.lambda.is_some()) {
        bail!("--precision f32 applies to pl gradient descent only (fixed norm and the other rules run in f64)");
    }
    Ok(match a.rule {
        Rule::Hebb => Trained::new(rules::hebb(xi)?, "Hebb rule".to_string(), None),
        Rule::Pinv => Trained::new(
            rules::pseudo_inverse(xi)?,
            "pseudo-inverse rule".to_string(),
            None,
        ),
        Rule::Unlearning => {
            let opts = UnlearningOptions {
                epsilon: a.epsilon,
                max_dreams: a.max_dreams,
                seed: a.seed,
                ..Default::default()
            };
            let t = rules::unlearning(xi, &opts)?;
            Trained::new(
                t.couplings,
                format!(
                    "Hebbian unlearning, epsilon {}, stopped when min stability > 0",
                    a.epsilon
                ),
                Some(t.epochs),
            )
        }
        Rule::Perceptron => train_perceptron(a, xi, coupling, kappa, kappa_max)?,
        Rule::Pl => train_pl(a, xi, coupling)?,
    })
}

/// The perceptron rules: margin κ (cyclic, or full-batch when symmetric) or
/// the maximal margin by AdaTron (asymmetric only).
fn train_perceptron(
    a: &NetworkArgs,
    xi: &DMatrix<f64>,
    coupling: NetworkCouplingArg,
    kappa: Option<f64>,
    kappa_max: bool,
) -> anyhow::Result<Trained> {
    Ok(match (coupling, kappa_max) {
        (NetworkCouplingArg::Asymmetric, true) => {
            let m = rules::max_margin(xi, a.margin_tol, a.max_epochs)?;
            Trained {
                kappa_attained: Some(m.kappa_mean()),
                ..Trained::new(
                    m.couplings.clone(),
                    format!(
                        "maximal margin by AdaTron, certified relative gap {:.1e}",
                        m.relative_gap()
                    ),
                    Some(m.sweeps),
                )
            }
        }
        (NetworkCouplingArg::Symmetric, true) => {
            bail!("--kappa max is available for asymmetric couplings only")
        }
        (NetworkCouplingArg::Asymmetric, false) => {
            let k = kappa.unwrap_or(0.0);
            let t = rules::perceptron(xi, k, a.max_epochs)?;
            Trained::new(
                t.couplings,
                format!("perceptron, kappa {k}, cyclic updates until all stabilities > kappa"),
                Some(t.epochs),
            )
        }
        (NetworkCouplingArg::Symmetric, false) => {
            let k = kappa.unwrap_or(0.0);
            let t = rules::symmetric_perceptron(xi, k, a.max_epochs)?;
            Trained::new(
                t.couplings,
                format!(
                    "symmetric perceptron, kappa {k}, full-batch until all stabilities > kappa"
                ),
                Some(t.epochs),
            )
        }
    })
}

/// Pseudo-likelihood: at fixed norm --lambda, or by the paper's gradient
/// descent from Hebb (a progress bar on a terminal).
fn train_pl(
    a: &NetworkArgs,
    xi: &DMatrix<f64>,
    coupling: NetworkCouplingArg,
) -> anyhow::Result<Trained> {
    let (training, desc) = match a.lambda {
        Some(l) => (
            PlTraining::FixedNorm(FixedNormConfig::new(l)),
            format!("pseudo-likelihood at fixed norm lambda {l}"),
        ),
        None => {
            let cfg = GdConfig {
                beta: a.beta,
                lr: a.lr,
                precision: a.precision.into(),
                ..GdConfig::paper(a.epochs)
            };
            let precision = match a.precision {
                PrecisionArg::F32 => ", f32",
                PrecisionArg::F64 => "",
            };
            (
                PlTraining::GradientDescent(cfg),
                format!(
                    "pseudo-likelihood gradient descent from Hebb, beta {}, lr {}, {} epochs{precision}",
                    a.beta, a.lr, a.epochs
                ),
            )
        }
    };
    let steps = a.lambda.is_none().then_some(a.epochs);
    let bar = (!a.json && std::io::stderr().is_terminal()).then(|| {
        let pb = indicatif::ProgressBar::new(steps.unwrap_or(0) as u64);
        let template = if steps.is_some() {
            "{bar:40} {pos}/{len} epochs [{elapsed_precise} < {eta_precise}]"
        } else {
            "{spinner} {pos} L-BFGS iterations [{elapsed_precise}]"
        };
        pb.set_style(indicatif::ProgressStyle::with_template(template).expect("valid template"));
        pb
    });
    let j = rules::pseudo_likelihood_observed(xi, coupling.into(), &training, &mut |k| {
        if let Some(pb) = &bar {
            pb.set_position(k as u64);
        }
    })?;
    if let Some(pb) = bar {
        pb.finish_and_clear();
    }
    Ok(Trained::new(j, desc, steps))
}

/// For pl: the effective norm λ (fixed norm: λ; gradient descent:
/// β·mean_i |J_i|) and the replica fraction of unstable spins ε(α, λ) there.
fn replica_at_effective_norm(
    a: &NetworkArgs,
    j: &DMatrix<f64>,
    alpha: f64,
) -> anyhow::Result<(Option<f64>, Option<f64>)> {
    if a.rule != Rule::Pl {
        return Ok((None, None));
    }
    let l = a.lambda.unwrap_or_else(|| mean_effective_norm(j, a.beta));
    let eps = solve_pl(alpha, l)
        .with_context(|| format!("replica saddle point at alpha {alpha}, lambda {l}"))?
        .eps;
    Ok((Some(l), Some(eps)))
}

fn build(a: &NetworkArgs, trials: usize) -> anyhow::Result<Built> {
    if !(a.alpha.is_finite() && a.alpha > 0.0) {
        bail!("--alpha must be a positive number, got {}", a.alpha);
    }
    protocol(a).check(&options(a, trials).dynamics)?;
    let pats = Patterns::generate(a.n, a.alpha, PatternKind::Binary, a.seed)?;
    let xi = pats.xi;
    let p = xi.ncols();
    let coupling = resolve_coupling(a);
    let (kappa, kappa_max) = parse_kappa(a)?;
    let t = train(a, &xi, coupling, kappa, kappa_max)?;
    let asymmetry = plam::memory::couplings::asymmetry(&t.j)?;
    let (lambda_eff, replica_unstable_spins) =
        replica_at_effective_norm(a, &t.j, p as f64 / a.n as f64)?;
    let network = Network::new(t.j)?;
    let st = storage(&network, &xi)?;
    Ok(Built {
        rule: a.rule,
        coupling: match coupling {
            NetworkCouplingArg::Asymmetric => "asymmetric",
            NetworkCouplingArg::Symmetric => "symmetric",
        },
        kappa,
        kappa_max,
        kappa_attained: t.kappa_attained,
        n: a.n,
        p,
        alpha: p as f64 / a.n as f64,
        seed: a.seed,
        training: t.training,
        training_steps: t.steps,
        dynamics: schedule(a.dynamics),
        max_steps: max_steps(a),
        protocol: protocol(a),
        trials,
        storage: st.fixed_points,
        unstable_spins: st.unstable_spins,
        min_stability: st.min_stability,
        asymmetry,
        lambda_eff,
        replica_unstable_spins,
        network: Some(network),
        patterns: xi,
    })
}

fn schedule(d: DynamicsArg) -> Schedule {
    match d {
        DynamicsArg::Sync => Schedule::Synchronous,
        DynamicsArg::Async => Schedule::Asynchronous,
    }
}

fn is_converged(p: &Protocol) -> bool {
    *p == Protocol::Converged
}

/// The protocol of `a`, with its step budget for the paper's.
fn protocol(a: &NetworkArgs) -> Protocol {
    a.protocol.protocol(a.max_steps)
}

/// The step cap (converged, default 1000) or budget (paper, default 10).
fn max_steps(a: &NetworkArgs) -> usize {
    match protocol(a) {
        Protocol::Paper { steps } => steps,
        Protocol::Converged => a.max_steps.unwrap_or(1000),
    }
}

fn options(a: &NetworkArgs, trials: usize) -> RetrievalOptions {
    RetrievalOptions {
        dynamics: DynamicsOptions {
            schedule: schedule(a.dynamics),
            max_steps: max_steps(a),
            seed: a.seed,
        },
        trials,
        seed: a.seed,
    }
}

#[derive(Serialize)]
struct BasinsOut<'a> {
    #[serde(flatten)]
    built: &'a Built,
    basin_size: f64,
    basin_size_err: f64,
    /// Relaxations that hit the step cap.
    capped: usize,
    /// Relaxations stopped on a 2-cycle.
    cycled: usize,
    relaxations: usize,
    per_pattern: &'a [f64],
}

#[derive(Serialize)]
struct CurveBasinOut<'a> {
    #[serde(flatten)]
    built: &'a Built,
    basin_definition: &'static str,
    #[serde(flatten)]
    basin: &'a CurveBasin,
}

/// `plam basins --basin curve`: the basin where the mean curve reaches 1.
fn run_curve_basin(args: &BasinsArgs, built: &Built) -> anyhow::Result<()> {
    let net = built.network.as_ref().expect("network is built");
    let b = curve_basin(
        net,
        &built.patterns,
        &options(&args.net, args.trials),
        &built.protocol,
        args.criterion.into(),
    )?;
    if args.net.json {
        return print_json(&CurveBasinOut {
            built,
            basin_definition: "curve",
            basin: &b,
        });
    }
    println!(
        "rule {:?} ({}), N = {}, P = {}, alpha = {}, seed {}; storage {:.4}",
        built.rule, built.coupling, built.n, built.p, built.alpha, built.seed, built.storage
    );
    println!(
        "basin size (mean curve reaches 1, {:?}) {:.4} (m_IN^c = {:.4}, {} flips, resolution {:.4}; {} relaxations)",
        b.criterion, b.basin_size, b.m_in_c, b.flips, b.resolution, b.relaxations
    );
    Ok(())
}

/// Runs `plam basins`.
pub fn run(args: BasinsArgs) -> anyhow::Result<()> {
    if args.basin == BasinDefinition::PerPattern && args.criterion != CurveCriterionArg::Exact {
        bail!("--criterion applies to --basin curve only");
    }
    let built = build(&args.net, args.trials)?;
    if args.basin == BasinDefinition::Curve {
        return run_curve_basin(&args, &built);
    }
    let net = built.network.as_ref().expect("network is built");
    let b = basin_sizes_with(
        net,
        &built.patterns,
        &options(&args.net, args.trials),
        &built.protocol,
    )?;
    if args.net.json {
        return print_json(&BasinsOut {
            built: &built,
            basin_size: b.basin_size,
            basin_size_err: b.basin_size_err,
            capped: b.capped,
            cycled: b.cycled,
            relaxations: b.relaxations,
            per_pattern: &b.per_pattern,
        });
    }
    println!(
        "rule {:?} ({}), N = {}, P = {}, alpha = {}, seed {}",
        built.rule, built.coupling, built.n, built.p, built.alpha, built.seed
    );
    println!("training: {}", built.training);
    println!(
        "storage (fixed points) {:.4}, unstable spins {:.4}, min stability {:.4}, asymmetry {:.4}",
        built.storage, built.unstable_spins, built.min_stability, built.asymmetry
    );
    println!(
        "basin size {:.4} ± {:.4} ({} relaxations, {} on 2-cycles, {} capped)",
        b.basin_size, b.basin_size_err, b.relaxations, b.cycled, b.capped
    );
    Ok(())
}

#[derive(Serialize)]
struct RetrievalOut<'a> {
    #[serde(flatten)]
    built: &'a Built,
    #[serde(skip_serializing_if = "Option::is_none")]
    m_in: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    m_final: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    m_final_err: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    retrieved: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    retrieved_err: Option<f64>,
    points: &'a [RetrievalPoint],
}

/// Runs `plam retrieval`.
pub fn run_retrieval(args: RetrievalArgs) -> anyhow::Result<()> {
    let m_ins = parse_grid("m-in", &args.m_in)?;
    if let Some(m) = m_ins.iter().find(|m| !(-1.0..=1.0).contains(*m)) {
        bail!("--m-in values must lie in [-1, 1], got {m}");
    }
    let built = build(&args.net, args.trials)?;
    let net = built.network.as_ref().expect("network is built");
    let pts = retrieval_curve_with(
        net,
        &built.patterns,
        &m_ins,
        &options(&args.net, args.trials),
        &built.protocol,
    )?;
    if args.csv {
        return print_csv(&pts);
    }
    if args.net.json {
        let one = (pts.len() == 1).then(|| &pts[0]);
        return print_json(&RetrievalOut {
            built: &built,
            m_in: one.map(|p| p.m_in),
            m_final: one.map(|p| p.m_final),
            m_final_err: one.map(|p| p.m_final_err),
            retrieved: one.map(|p| p.retrieved),
            retrieved_err: one.map(|p| p.retrieved_err),
            points: &pts,
        });
    }
    println!(
        "rule {:?} ({}), N = {}, P = {}, alpha = {}, seed {}; storage {:.4}",
        built.rule, built.coupling, built.n, built.p, built.alpha, built.seed, built.storage
    );
    println!("    m_in   m_final       err  retrieved  converged");
    for p in &pts {
        println!(
            "{:8.4}  {:8.4}  {:8.4}  {:9.4}  {:9.4}",
            p.m_in, p.m_final, p.m_final_err, p.retrieved, p.converged
        );
    }
    Ok(())
}
