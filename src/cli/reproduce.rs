//! `plam reproduce [--quick] [--out DIR] [--only NAME]…`: runs every
//! validation claim, writes all figures and `DIR/REPORT.md`, prints the table
//! of checks and then the verdicts on published claims, and fails (non-zero
//! exit) if and only if a check fails: a contradicted claim is a finding.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::bail;
use indicatif::{ProgressBar, ProgressStyle};
use plam::figures::{report, verdict};
use plam::validation::{self, Size, REGISTRY};

/// Arguments of `plam reproduce`.
#[derive(Debug, Clone, clap::Args)]
pub struct ReproduceArgs {
    /// CI-sized run (small N, few seeds; minutes) instead of publication size.
    #[arg(long)]
    pub quick: bool,
    /// Output directory for figures, their JSON data and REPORT.md.
    #[arg(long, default_value = "figures")]
    pub out: PathBuf,
    /// Run only these claims (repeatable); default: all.
    #[arg(long)]
    pub only: Vec<String>,
    /// Print the checks and verdicts as one JSON object on stdout instead of tables.
    #[arg(long)]
    pub json: bool,
}

/// Runs `plam reproduce`.
pub fn run(args: ReproduceArgs) -> anyhow::Result<()> {
    for name in &args.only {
        if validation::find(name).is_none() {
            let known: Vec<&str> = REGISTRY.iter().map(|c| c.name).collect();
            bail!(
                "--only: no claim called '{name}' (known: {})",
                known.join(", ")
            );
        }
    }
    let claims: Vec<_> = REGISTRY
        .iter()
        .filter(|c| args.only.is_empty() || args.only.iter().any(|n| n == c.name))
        .collect();
    let size = if args.quick { Size::Quick } else { Size::Full };
    let bar = if !args.json && std::io::stderr().is_terminal() {
        let b = ProgressBar::new(claims.len() as u64);
        b.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}",
            )
            .expect("static template"),
        );
        b.enable_steady_tick(std::time::Duration::from_millis(200));
        Some(b)
    } else {
        None
    };
    let clock = report::Stopwatch::start();
    let mut checks = Vec::new();
    let mut verdicts = Vec::new();
    for claim in &claims {
        if let Some(b) = &bar {
            b.set_message(format!("{} — {}", claim.name, claim.summary));
        }
        let results = validation::run_claim(claim, size, &args.out);
        checks.extend(results.checks);
        verdicts.extend(results.verdicts);
        if let Some(b) = &bar {
            b.inc(1);
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let header = format!(
        "`plam reproduce{}` (plam {}), {} claim(s), total {:.1} s. Figures and their data \
         (JSON, with seeds) are next to this file. Tolerances are justified in \
         theory/validation.md, cited as (V1), (V2)…",
        if args.quick { " --quick" } else { "" },
        env!("CARGO_PKG_VERSION"),
        claims.len(),
        clock.seconds()
    );
    let path = report::write_report(&args.out, &header, &checks, &verdicts)?;
    let failed = checks.iter().filter(|c| !c.passed).count();
    if args.json {
        crate::cli::print_json(&serde_json::json!({
            "size": size,
            "report": path,
            "failed": failed,
            "checks": checks,
            "verdicts": verdicts,
        }))?;
    } else {
        print!("{}", report::table(&checks));
        println!("\n=== Verdicts on claims of the paper and the literature ===\n");
        print!("{}", verdict::verdict_table(&verdicts));
        eprintln!("wrote {}", path.display());
    }
    if failed > 0 {
        bail!(
            "{failed} of {} checks failed (see {})",
            checks.len(),
            path.display()
        );
    }
    Ok(())
}
