//! The `plam` command line.
#[allow(dead_code)]
mod cli;

use clap::{Parser, Subcommand};

/// Theory-and-numerics verification suite for pseudo-likelihood associative memories.
#[derive(Parser)]
#[command(name = "plam", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Train finite-N networks and compare their stabilities with the replica theory.
    Simulate(cli::simulate::SimulateArgs),
    /// Basins of attraction of a network trained by a learning rule.
    Basins(cli::basins::BasinsArgs),
    /// Retrieval curve m_F(m_IN) of a network trained by a learning rule.
    Retrieval(cli::basins::RetrievalArgs),
    /// Run every validation claim, write figures and figures/REPORT.md.
    Reproduce(cli::reproduce::ReproduceArgs),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let res = match cli.command {
        Command::Simulate(a) => cli::simulate::run(a),
        Command::Basins(a) => cli::basins::run(a),
        Command::Retrieval(a) => cli::basins::run_retrieval(a),
        Command::Reproduce(a) => cli::reproduce::run(a),
    };
    match res {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
