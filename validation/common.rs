//! The command line shared by the validation binaries, included by each with
//! `mod common;`: `NAME [--quick] [--out DIR]` runs the claim NAME of
//! `plam::validation::REGISTRY`, prints its checks and exits non-zero on any
//! FAIL.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use plam::figures::report;
use plam::validation::{find, run_claim, Size};

/// Command-line arguments of a validation binary.
#[derive(Debug, Clone, clap::Parser)]
struct ValidationArgs {
    /// Run the CI-sized version (small N, few seeds).
    #[arg(long)]
    quick: bool,
    /// Directory for figures (SVG, PNG) and their data (JSON).
    #[arg(long, default_value = "figures")]
    out: PathBuf,
}

/// `fn main` of the validation binary for the claim `name`: runs it, prints
/// the table of checks, exits non-zero on any FAIL.
pub fn binary_main(name: &str) -> ExitCode {
    let Some(claim) = find(name) else {
        eprintln!("error: no validation claim called '{name}'");
        return ExitCode::FAILURE;
    };
    let matches = ValidationArgs::command()
        .name(claim.name)
        .about(format!(
            "Validation claim '{0}': {1}. Writes {0}.svg, {0}.png and {0}.json, prints the \
             checks and exits non-zero if any fails.",
            claim.name, claim.summary
        ))
        .get_matches();
    let args = match ValidationArgs::from_arg_matches(&matches) {
        Ok(a) => a,
        Err(e) => e.exit(),
    };
    let size = if args.quick { Size::Quick } else { Size::Full };
    let checks = run_claim(claim, size, &args.out);
    print!("{}", report::table(&checks));
    if checks.iter().all(|c| c.passed) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
