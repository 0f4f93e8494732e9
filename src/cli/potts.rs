//! `plam potts fit`: a Potts model fitted to an alignment by penalised
//! pseudo-likelihood (theory/potts.md), written as .npy parameters, plmc-style
//! coupling scores, sequence weights and a JSON manifest.

use anyhow::{bail, Context};
use clap::{Subcommand, ValueEnum};
use plam::data::msa::{Alphabet, Msa, PROTEIN};
use plam::data::output::{create_dir, write_json, write_npy_array};
use plam::data::plmc_couplings::write_scores;
use plam::data::sequence_weights::{effective_number, per_record, sequence_weights, unit_weights};
use plam::learning::potts::{
    contact_scores, fit_potts, FitReport, LbfgsOptions, Penalty, PottsConfig, PottsData,
};
use plam::learning::Coupling;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Arguments of `plam potts`.
#[derive(clap::Args, Debug)]
pub struct PottsArgs {
    #[command(subcommand)]
    command: PottsCommand,
}

/// The `plam potts` subcommands.
#[derive(Subcommand, Debug)]
enum PottsCommand {
    /// Fit fields and couplings to a FASTA/A2M alignment.
    #[command(allow_negative_numbers = true)]
    Fit(FitArgs),
}

/// The coupling structure of the fit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
enum CouplingArg {
    /// One regression per site, J_ij and J_ji free (eq. (Q6)).
    Asymmetric,
    /// J_ij(a, b) = J_ji(b, a), the joint pseudo-likelihood (eq. (Q7)), as plmc.
    Symmetric,
}

/// Arguments of `plam potts fit`.
#[derive(clap::Args, Debug)]
struct FitArgs {
    /// The alignment (FASTA or A2M).
    #[arg(long)]
    msa: PathBuf,
    /// Output directory.
    #[arg(long)]
    out: PathBuf,
    /// Coupling structure.
    #[arg(long, value_enum, default_value = "asymmetric")]
    coupling: CouplingArg,
    /// L2 penalty on the couplings (plmc's -le, applied as given).
    #[arg(long = "lambda-j", default_value_t = 16.0)]
    lambda_j: f64,
    /// L2 penalty on the fields (plmc's -lh).
    #[arg(long = "lambda-h", default_value_t = 0.01)]
    lambda_h: f64,
    /// Sequence weights: neighbours are sequences at identity >= 1 - theta.
    #[arg(long, default_value_t = 0.2)]
    theta: f64,
    /// Give every sequence weight 1 (no reweighting; plmc's -t -1).
    #[arg(long = "no-reweight")]
    no_reweight: bool,
    /// Focus: the first sequence whose name starts with this; its residues
    /// select the modelled columns.
    #[arg(long)]
    focus: Option<String>,
    /// Alphabet (gap '-' if present); the default is the 21-letter protein one.
    #[arg(long, default_value = PROTEIN)]
    alphabet: String,
    /// Model the gap as a state instead of ignoring gapped sites (plmc's -g is
    /// the default).
    #[arg(long = "keep-gaps")]
    keep_gaps: bool,
    /// Stop when the gradient norm is below this times N_eff.
    #[arg(long, default_value_t = 1e-5)]
    tolerance: f64,
    /// Maximum L-BFGS iterations (per site for asymmetric couplings).
    #[arg(long = "max-iterations", default_value_t = 2000)]
    max_iterations: u64,
}

/// The manifest written next to the parameters.
#[derive(Serialize)]
struct Manifest {
    msa: String,
    focus: Option<String>,
    alphabet: String,
    coupling: CouplingArg,
    lambda_j: f64,
    lambda_h: f64,
    theta: Option<f64>,
    ignore_gaps: bool,
    records: usize,
    sequences: usize,
    sites: usize,
    states: usize,
    parameters: usize,
    n_eff: f64,
    gradient_tolerance: f64,
    max_iterations: u64,
    #[serde(flatten)]
    report: FitReport,
    seconds: f64,
}

/// Runs `plam potts`.
pub fn run(a: PottsArgs) -> anyhow::Result<()> {
    match a.command {
        PottsCommand::Fit(f) => fit(f),
    }
}

fn fit(a: FitArgs) -> anyhow::Result<()> {
    for (name, v) in [
        ("tolerance", a.tolerance),
        ("lambda-j", a.lambda_j),
        ("lambda-h", a.lambda_h),
    ] {
        if !(v.is_finite() && v >= 0.0) {
            bail!("--{name} must be a finite non-negative number, got {v}");
        }
    }
    if a.max_iterations == 0 {
        bail!("--max-iterations must be at least 1");
    }
    let alphabet = Alphabet::custom(&a.alphabet)?;
    let msa = Msa::read(&a.msa, alphabet, a.focus.as_deref())
        .with_context(|| format!("reading {}", a.msa.display()))?;
    let weights = if a.no_reweight {
        unit_weights(&msa)
    } else {
        sequence_weights(&msa, a.theta)?
    };
    let n_eff = effective_number(&weights);
    let data = PottsData::from_msa(&msa, &weights, !a.keep_gaps)?;
    let coupling = match a.coupling {
        CouplingArg::Asymmetric => Coupling::Asymmetric,
        CouplingArg::Symmetric => Coupling::Symmetric,
    };
    let cfg = PottsConfig {
        coupling,
        penalty: Penalty {
            lambda_h: a.lambda_h,
            lambda_j: a.lambda_j,
        },
        lbfgs: LbfgsOptions {
            gradient_tolerance: a.tolerance * n_eff,
            max_iterations: a.max_iterations,
            memory: 7,
        },
    };
    let t = std::time::Instant::now();
    let fit = fit_potts(&data, &cfg)?;
    let seconds = t.elapsed().as_secs_f64();
    create_dir(&a.out)?;
    let (l, q) = (data.l(), data.q());
    write_npy_array(
        &a.out.join("fields.npy"),
        &[l as u64, q as u64],
        &fit.model.h,
    )?;
    let shape = [l as u64, l as u64, q as u64, q as u64];
    write_npy_array(
        &a.out.join("couplings.npy"),
        &shape,
        &fit.model.couplings_conventional(),
    )?;
    write_scores(
        &a.out.join("couplings.txt"),
        &msa,
        &contact_scores(&fit.model),
    )?;
    write_lines(&a.out.join("weights.txt"), &per_record(&msa, &weights))?;
    let parameters = match coupling {
        Coupling::Symmetric => l * q + l * (l - 1) / 2 * q * q,
        _ => l * q + l * (l - 1) * q * q,
    };
    let manifest = Manifest {
        msa: a.msa.display().to_string(),
        focus: a.focus,
        alphabet: a.alphabet,
        coupling: a.coupling,
        lambda_j: a.lambda_j,
        lambda_h: a.lambda_h,
        theta: (!a.no_reweight).then_some(a.theta),
        ignore_gaps: !a.keep_gaps,
        records: msa.n_records(),
        sequences: msa.n_sequences(),
        sites: l,
        states: q,
        parameters,
        n_eff,
        gradient_tolerance: cfg.lbfgs.gradient_tolerance,
        max_iterations: a.max_iterations,
        report: fit.report,
        seconds,
    };
    write_json(&a.out.join("manifest.json"), &manifest)?;
    eprintln!(
        "fitted L = {l}, q = {q}, N_eff = {n_eff:.1}: objective {:.6e}, gradient norm {:.3e}, {} iterations, {seconds:.1} s",
        manifest.report.objective, manifest.report.gradient_norm, manifest.report.iterations
    );
    Ok(())
}

/// One value per line, shortest round-trip form.
fn write_lines(path: &Path, v: &[f64]) -> anyhow::Result<()> {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    for x in v {
        writeln!(w, "{x:?}")?;
    }
    w.flush()?;
    Ok(())
}
