//! `plam theory-rf`: the lines of the Hebbian random-features Hopfield model
//! (theory/random_features.md, eqs. (RF19)–(RF20)) on the command line.

use super::print_json;
use plam::replica::random_features::{learning_line, storage_line};

/// Parses a positive finite number (α or α_D); clap reports a failure as bad
/// input with exit code 2.
fn positive(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("'{s}' is not a number"))?;
    if v.is_finite() && v > 0.0 {
        Ok(v)
    } else {
        Err(format!("must be a positive finite number, got {s}"))
    }
}

#[derive(clap::Args, Debug)]
#[command(group(clap::ArgGroup::new("load").required(true).args(["alpha", "alpha_d"])))]
pub struct TheoryRfArgs {
    /// Load α = P/N: prints the learning line α_D^c(α) (features are attractors below it).
    #[arg(long, value_parser = positive, conflicts_with = "alpha_d")]
    alpha: Option<f64>,
    /// Feature density α_D = D/N: prints the storage line α_c(α_D) (examples are attractors below it).
    #[arg(long = "alpha-d", value_parser = positive)]
    alpha_d: Option<f64>,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// The learning line at one α, as printed.
#[derive(serde::Serialize)]
struct LearningOut {
    alpha: f64,
    alpha_d_features: f64,
    overlap: f64,
    residual: f64,
}

/// The storage line at one α_D, as printed.
#[derive(serde::Serialize)]
struct StorageOut {
    alpha_d: f64,
    alpha_examples: f64,
    overlap: f64,
    residual: f64,
}

/// `plam theory-rf --alpha A | --alpha-d AD [--json]`.
pub fn run(a: TheoryRfArgs) -> anyhow::Result<()> {
    match (a.alpha, a.alpha_d) {
        (Some(alpha), None) => {
            let l = learning_line(alpha)?;
            let out = LearningOut {
                alpha,
                alpha_d_features: l.critical,
                overlap: l.overlap,
                residual: l.residual,
            };
            if a.json {
                return print_json(&out);
            }
            println!(
                "learning line at α = {alpha}: a feature is an attractor of the Hebbian couplings for α_D < {:.6} (feature overlap {:.4} at the line)",
                l.critical, l.overlap
            );
        }
        (None, Some(alpha_d)) => {
            let l = storage_line(alpha_d)?;
            let out = StorageOut {
                alpha_d,
                alpha_examples: l.critical,
                overlap: l.overlap,
                residual: l.residual,
            };
            if a.json {
                return print_json(&out);
            }
            println!(
                "storage line at α_D = {alpha_d}: a training example is an attractor of the Hebbian couplings for α < {:.6} (example overlap {:.4} at the line)",
                l.critical, l.overlap
            );
        }
        _ => anyhow::bail!("give exactly one of --alpha and --alpha-d"),
    }
    Ok(())
}
