//! `plam storable`: the exact storability of random patterns by asymmetric or
//! symmetric couplings at any (N, α), decided set by set by the verified
//! maximal-margin program.

use std::io::IsTerminal;

use anyhow::bail;
use indicatif::{ProgressBar, ProgressStyle};
use plam::data::patterns::num_patterns;
use plam::memory::storability::{storability, Options, Symmetry};

use super::print_json;

/// Couplings allowed to store the patterns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SymmetryArg {
    /// Independent rows J_i.
    Asymmetric,
    /// J_ij = J_ji.
    Symmetric,
}

impl From<SymmetryArg> for Symmetry {
    fn from(a: SymmetryArg) -> Self {
        match a {
            SymmetryArg::Asymmetric => Symmetry::Asymmetric,
            SymmetryArg::Symmetric => Symmetry::Symmetric,
        }
    }
}

/// Arguments of `plam storable`.
#[derive(clap::Args, Debug)]
pub struct StorableArgs {
    /// Which couplings may store the patterns.
    #[arg(long, value_enum)]
    coupling: SymmetryArg,
    /// Number of neurons N.
    #[arg(long)]
    n: usize,
    /// Load α = P/N (P = round(αN)).
    #[arg(long)]
    alpha: f64,
    /// Number of random pattern sets.
    #[arg(long, default_value_t = 100)]
    samples: usize,
    /// Seed of the pattern sets.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Margin κ ≥ 0 every stability must exceed (default 0: plain storability).
    #[arg(long, allow_hyphen_values = true)]
    kappa: Option<f64>,
    /// Also measure the maximal stability κ* of every set (mean over the
    /// storable sets as `max_margin`, with `max_margin_err`).
    #[arg(long)]
    margin: bool,
    /// --margin: width of the proved bracket around each symmetric κ*.
    #[arg(long, default_value_t = 1e-3)]
    margin_width: f64,
    /// --margin: write every set's κ* bracket and its stabilities at the
    /// maximal-stability couplings to this JSON file.
    #[arg(long)]
    save: Option<std::path::PathBuf>,
    /// Print one JSON object (otherwise a line of text).
    #[arg(long)]
    json: bool,
}

/// Largest N accepted: the symmetric program has N(N−1)/2 variables and N·P
/// dense-row constraints, about N³α nonzeros (2·10⁸ at N = 600, α = 1).
const MAX_N: usize = 600;

/// Runs `plam storable`.
pub fn run(a: StorableArgs) -> anyhow::Result<()> {
    if !(2..=MAX_N).contains(&a.n) {
        bail!("--n must be between 2 and {MAX_N}, got {}", a.n);
    }
    if a.samples == 0 || a.samples > 1_000_000 {
        bail!("--samples must be between 1 and 10^6, got {}", a.samples);
    }
    if let Some(k) = a.kappa {
        if !(k.is_finite() && k >= 0.0) {
            bail!("--kappa must be a finite number >= 0, got {k}");
        }
    }
    if a.save.is_some() && !a.margin {
        bail!("--save writes the maximal-stability points: it needs --margin");
    }
    if !(a.margin_width > 0.0 && a.margin_width <= 1.0) {
        bail!("--margin-width must be in (0, 1], got {}", a.margin_width);
    }
    let p = num_patterns(a.n, a.alpha)?;
    let options = Options {
        kappa: a.kappa,
        margin: a.margin.then_some(a.margin_width),
    };
    let bar = std::io::stderr().is_terminal().then(|| {
        let b = ProgressBar::new(a.samples as u64);
        b.set_style(
            ProgressStyle::with_template(
                "{bar:40} {pos}/{len} pattern sets [{elapsed_precise} < {eta_precise}]",
            )
            .expect("valid template"),
        );
        b
    });
    let clock = std::time::Instant::now();
    let tick = || {
        if let Some(b) = &bar {
            b.inc(1);
        }
    };
    let s = storability(a.coupling.into(), a.n, p, a.samples, a.seed, options, &tick)?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let alpha = p as f64 / a.n as f64;
    if let Some(path) = &a.save {
        let mut v = serde_json::to_value(&s)?;
        v["alpha"] = serde_json::json!(alpha);
        v["sets"] = serde_json::to_value(&s.set_margins)?;
        std::fs::write(path, serde_json::to_string(&v)?)?;
    }
    if a.json {
        let mut v = serde_json::to_value(&s)?;
        v["alpha"] = serde_json::json!(alpha);
        v["alpha_requested"] = serde_json::json!(a.alpha);
        v["seconds"] = serde_json::json!((clock.elapsed().as_secs_f64() * 1e3).round() / 1e3);
        print_json(&v)?;
    } else {
        println!(
            "{:?} couplings, N = {}, P = {p} (α = {alpha:.4}): storable {:.4} ± {:.4} over {} sets ({} undecided), seed {}",
            s.coupling, s.n, s.storable, s.storable_err, s.decided, s.failures.len(), s.seed
        );
        if let Some(k) = s.kappa {
            println!("  every stability above κ = {k}");
        }
        if let Some(r) = s.rows_separable {
            print!("  {r} sets with every row separable");
            if let (Some(f), Some(e)) = (s.storable_given_rows, s.storable_given_rows_err) {
                print!(", of which symmetric couplings store {f:.4} ± {e:.4}");
            }
            println!();
        }
        if let (Some(m), Some(e), Some(c)) = (s.max_margin, s.max_margin_err, s.max_margin_sets) {
            println!(
                "  maximal stability κ* = {m:.4} ± {e:.4} (mean over the {c} sets with κ* > 0)"
            );
        }
        if let (Some(g), Some(e)) = (s.row_bound_gap, s.row_bound_gap_err) {
            println!("  row bound min_i κ*_i − κ* = {g:.2e} ± {e:.1e} (mean over the same sets)");
        }
    }
    for f in &s.failures {
        eprintln!("plam: undecided pattern set: {f}");
    }
    Ok(())
}
