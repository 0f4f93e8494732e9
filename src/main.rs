//! The `plam` command line.
#[allow(dead_code)]
mod cli;

use clap::Parser;

/// Pseudo-likelihood associative memories: theory and numerics.
#[derive(Debug, Parser)]
#[command(name = "plam", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Run every validation claim, write figures and figures/REPORT.md.
    Reproduce(cli::reproduce::ReproduceArgs),
}

fn main() -> std::process::ExitCode {
    let args = Cli::parse();
    let result = match args.command {
        Command::Reproduce(a) => cli::reproduce::run(a),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
