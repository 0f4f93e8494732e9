//! The command line shared by the validation binaries, included by each with
//! `mod common;`: `NAME [--quick] [--out DIR]` runs the claim NAME of
//! `plam::validation::REGISTRY`, prints its checks and verdicts and exits
//! non-zero on any FAIL of a check (verdicts never fail the binary).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use plam::figures::{report, verdict};
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
/// the table of checks and the verdicts, exits non-zero on any FAIL of a
/// check.
pub fn binary_main(name: &str) -> ExitCode {
    let Some(claim) = find(name) else {
        eprintln!("error: no validation claim called '{name}'");
        return ExitCode::FAILURE;
    };
    let matches = ValidationArgs::command()
        .name(claim.name)
        .about(format!(
            "Validation claim '{0}': {1}. Writes {0}.svg, {0}.png and {0}.json, prints the \
             checks and the verdicts on published claims, and exits non-zero if any check \
             fails.",
            claim.name, claim.summary
        ))
        .get_matches();
    let args = match ValidationArgs::from_arg_matches(&matches) {
        Ok(a) => a,
        Err(e) => e.exit(),
    };
    let size = if args.quick { Size::Quick } else { Size::Full };
    let results = run_claim(claim, size, &args.out);
    print!("{}", report::table(&results.checks));
    if !results.verdicts.is_empty() {
        print!("\nVerdicts\n{}", verdict::verdict_table(&results.verdicts));
    }
    if results.checks.iter().all(|c| c.passed) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
