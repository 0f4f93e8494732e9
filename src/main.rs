//! The `plam` command line: theory, simulation and validation front ends.
//! Every subcommand prints machine-readable output (`--json` or `--csv`) and
//! exits non-zero with a one-line message on bad input.

mod cli;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "plam",
    version,
    about = "Pseudo-likelihood associative memories: replica theory against finite-N simulation"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Replica-symmetric saddle point at one (α, λ) or on a grid.
    #[command(allow_negative_numbers = true)]
    Theory(cli::theory::TheoryArgs),
    /// The replica density P(Δ) and its CDF on a grid of Δ.
    #[command(allow_negative_numbers = true)]
    Density(cli::theory::DensityArgs),
    /// Gardner capacity α_c(κ) of the spherical perceptron at margin κ (or of
    /// symmetric couplings, `--coupling symmetric`, second-cumulant theory).
    #[command(allow_negative_numbers = true)]
    Capacity(cli::theory::CapacityArgs),
    /// Maximal margin κ*(α) of the spherical perceptron at load α < 2 (or of
    /// symmetric couplings, `--coupling symmetric`, second-cumulant theory).
    #[command(allow_negative_numbers = true)]
    Margin(cli::theory::MarginArgs),
    /// Cover's probability that P random points in general position are linearly separable in D dimensions.
    #[command(allow_negative_numbers = true)]
    Cover(cli::theory::CoverArgs),
    /// The learning line α_D^c(α) or the storage line α_c(α_D) of the Hebbian
    /// random-features Hopfield model (zero-temperature replica theory).
    #[command(name = "theory-rf", allow_negative_numbers = true)]
    TheoryRf(cli::theory_rf::TheoryRfArgs),
    /// Train finite-N networks and compare their stabilities with the replica theory.
    #[command(allow_negative_numbers = true)]
    Simulate(cli::simulate::SimulateArgs),
    /// Basins of attraction of a network trained by a learning rule.
    #[command(allow_negative_numbers = true)]
    Basins(cli::basins::BasinsArgs),
    /// Retrieval curve m_F(m_IN) of a network trained by a learning rule.
    #[command(allow_negative_numbers = true)]
    Retrieval(cli::basins::RetrievalArgs),
    /// Generalization: final overlaps from train examples, test examples,
    /// features and random starts under pseudo-likelihood and Hebbian couplings.
    #[command(allow_negative_numbers = true)]
    Generalize(cli::generalize::GeneralizeArgs),
    /// Exact storability: the fraction of random pattern sets that some asymmetric or symmetric coupling matrix stores.
    #[command(allow_negative_numbers = true)]
    Storable(cli::storable::StorableArgs),
    /// Data sets shipped with the crate: `plam data mnist` regenerates,
    /// summarises or shows binarized MNIST.
    Data(cli::data::DataArgs),
    /// Potts models of protein families: `plam potts fit` fits fields and
    /// couplings to an alignment by penalised pseudo-likelihood.
    #[command(allow_negative_numbers = true)]
    Potts(cli::potts::PottsArgs),
    /// Run every validation claim, write figures and figures/REPORT.md.
    Reproduce(cli::reproduce::ReproduceArgs),
    /// The 2D Edwards–Anderson spin glass: `plam ea sample` draws equilibrium
    /// samples by parallel tempering.
    Ea(cli::ea::EaArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Theory(a) => cli::theory::theory(a),
        Command::Density(a) => cli::theory::density(a),
        Command::Capacity(a) => cli::theory::capacity(a),
        Command::Margin(a) => cli::theory::margin(a),
        Command::Cover(a) => cli::theory::cover(a),
        Command::TheoryRf(a) => cli::theory_rf::run(a),
        Command::Simulate(a) => cli::simulate::run(a),
        Command::Basins(a) => cli::basins::run(a),
        Command::Retrieval(a) => cli::basins::run_retrieval(a),
        Command::Generalize(a) => cli::generalize::run(a),
        Command::Storable(a) => cli::storable::run(a),
        Command::Data(a) => cli::data::run(a),
        Command::Potts(a) => cli::potts::run(a),
        Command::Reproduce(a) => cli::reproduce::run(a),
        Command::Ea(a) => cli::ea::run(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("plam: error: {e:#}");
            ExitCode::from(1)
        }
    }
}
