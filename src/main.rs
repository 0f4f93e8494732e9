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
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let res = match cli.command {
        Command::Simulate(a) => cli::simulate::run(a),
    };
    match res {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
