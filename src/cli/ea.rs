//! `plam ea`: the 2D Edwards–Anderson spin glass (theory/spin_glass.md).
//! `plam ea sample` draws a seeded instance, samples it at temperature T by
//! parallel tempering with the evidence of equilibrium, and writes the
//! couplings, the samples and a manifest that Python and Julia load.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use plam::data::output::{create_dir, write_json, write_npy_matrix, write_npy_spins};
use plam::data::parallel_tempering::{sample, PtOptions};
use plam::data::spin_glass::{exact_thermodynamics, Bonds, EaInstance};

/// Largest N whose exact ⟨E⟩/N the manifest carries (2^24 states, a
/// fraction of a second).
const EXACT_IN_MANIFEST: usize = 25;

#[derive(Args, Debug)]
pub struct EaArgs {
    #[command(subcommand)]
    command: EaCommand,
}

#[derive(Subcommand, Debug)]
enum EaCommand {
    /// Sample equilibrium configurations of a seeded instance by parallel
    /// tempering; writes couplings.npy, samples.npy and manifest.json.
    Sample(SampleArgs),
}

/// The law of the bonds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum BondsArg {
    /// J_ij ~ N(0, 1).
    Gaussian,
    /// J_ij = ±1.
    PlusMinus,
}

impl From<BondsArg> for Bonds {
    fn from(a: BondsArg) -> Self {
        match a {
            BondsArg::Gaussian => Bonds::Gaussian,
            BondsArg::PlusMinus => Bonds::PlusMinus,
        }
    }
}

#[derive(Args, Debug)]
struct SampleArgs {
    /// Side L of the periodic lattice (N = L², L ≥ 3).
    #[arg(long)]
    l: usize,
    /// Target temperature T > 0.
    #[arg(long, allow_hyphen_values = true)]
    t: f64,
    /// Number of samples at T.
    #[arg(long)]
    samples: usize,
    /// Seed of the instance's bonds and of the chains.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output directory.
    #[arg(long)]
    out: PathBuf,
    /// The law of the bonds.
    #[arg(long, value_enum, default_value = "gaussian")]
    bonds: BondsArg,
    /// Temperatures of the ladder (geometric from T to --t-max).
    #[arg(long, default_value_t = 12)]
    temperatures: usize,
    /// Highest temperature of the ladder.
    #[arg(long, default_value_t = 3.0)]
    t_max: f64,
    /// Independent chains (at least 2).
    #[arg(long, default_value_t = 8)]
    chains: usize,
    /// Equilibration budget in sweeps (an error when exceeded).
    #[arg(long, default_value_t = 1 << 20)]
    max_sweeps: usize,
}

/// Runs `plam ea`.
pub fn run(a: EaArgs) -> anyhow::Result<()> {
    match a.command {
        EaCommand::Sample(s) => run_sample(s),
    }
}

fn run_sample(a: SampleArgs) -> anyhow::Result<()> {
    let clock = Instant::now();
    let bonds = Bonds::from(a.bonds);
    let inst = EaInstance::new(a.l, bonds, a.seed)?;
    let opts = PtOptions {
        t: a.t,
        t_max: a.t_max,
        temperatures: a.temperatures,
        chains: a.chains,
        samples: a.samples,
        max_sweeps: a.max_sweeps,
        seed: a.seed,
    };
    let bar = std::io::stderr().is_terminal().then(|| {
        let b = ProgressBar::new(1000);
        b.set_style(
            ProgressStyle::with_template("{bar:40} {percent}% [{elapsed_precise} < {eta_precise}]")
                .expect("valid template"),
        );
        b
    });
    let result = sample(&inst, &opts, &|f| {
        if let Some(b) = &bar {
            b.set_position((1000.0 * f) as u64);
        }
    })?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let exact = (inst.n() <= EXACT_IN_MANIFEST)
        .then(|| exact_thermodynamics(&inst, &[a.t]))
        .transpose()?
        .map(|p| p[0]);
    create_dir(&a.out)?;
    let put = |f: &str| a.out.join(f);
    write_npy_matrix(&put("couplings.npy"), &inst.coupling_matrix())
        .context("writing couplings.npy")?;
    write_npy_spins(&put("samples.npy"), &result.samples).context("writing samples.npy")?;
    let mut manifest = serde_json::json!({
        "l": a.l, "n": inst.n(), "t": a.t, "samples": result.samples.len(), "seed": a.seed,
        "bonds": bonds, "chains": a.chains,
        "energy_per_spin": result.energy_per_spin,
        "energy_per_spin_err": result.energy_per_spin_err,
        "tau_int": result.tau_int,
        "ladder": result.ladder,
    });
    let details = serde_json::to_value(&result)?;
    if let (Some(m), Some(d)) = (manifest.as_object_mut(), details.as_object()) {
        for (k, v) in d {
            m.entry(k.clone()).or_insert_with(|| v.clone());
        }
        if let Some(p) = exact {
            m.insert("exact_energy_per_spin".into(), p.energy_per_spin.into());
            m.insert("exact_specific_heat".into(), p.specific_heat.into());
        }
        m.insert(
            "layout".into(),
            "couplings.npy: float64 (N, N), symmetric, zero diagonal, H = −Σ_{i<j} J_ij s_i s_j, \
             site i = L·row + col; samples.npy: int8 (samples, N), ±1"
                .into(),
        );
        m.insert("plam_version".into(), env!("CARGO_PKG_VERSION").into());
        m.insert(
            "seconds".into(),
            ((clock.elapsed().as_secs_f64() * 1e3).round() / 1e3).into(),
        );
    }
    write_json(&put("manifest.json"), &manifest)?;
    println!("{}", serde_json::to_string(&manifest)?);
    Ok(())
}
