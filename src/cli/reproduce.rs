//! `plam reproduce [--quick] [--out DIR] [--only NAME]… [--resume]`: says
//! how long each claim is expected to take, runs every validation claim (with
//! a progress bar and an ETA on a terminal), writes all figures and
//! `DIR/REPORT.md`, prints the table of checks and then the verdicts on
//! published claims, and fails (non-zero exit) if and only if a check fails:
//! a contradicted claim is a finding. With `--resume`, claims already
//! finished in `DIR` at the same size and crate version are read back instead
//! of run again. `--shard K/N` and `--merge DIR…` split the claims' work
//! across machines and assemble it (`super::shards`).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::bail;

use indicatif::{ProgressBar, ProgressState, ProgressStyle};
use plam::figures::{report, verdict};
use plam::validation::{self, resume, Claim, Results, Size, REGISTRY};

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
    /// Do not rerun claims whose NAME.json, .svg and .png are already in --out
    /// from a run of the same size and plam version: read their checks and
    /// verdicts back from NAME.json.
    #[arg(long)]
    pub resume: bool,
    /// Compute only shard K of N (1 ≤ K ≤ N) of every selected claim's work
    /// units and write them under --out (NAME.units/); no figures or report.
    /// Claims without work units run whole in shard 1. Assemble the N
    /// directories with --merge.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Assemble the shards written by `--shard K/N` into these N directories:
    /// writes the figures, their data, REPORT.md and the checks and verdicts
    /// into --out as one unsharded run would (the size comes from the shards).
    #[arg(long, value_name = "DIR", num_args = 1..)]
    pub merge: Vec<PathBuf>,
}

/// One claim to report: read back from an earlier run, or to be run.
struct Planned {
    claim: &'static Claim,
    resumed: Option<Results>,
    expected: f64,
}

/// The claims selected by `--only` (all by default), in registry order.
pub(super) fn select(only: &[String]) -> anyhow::Result<Vec<&'static Claim>> {
    for name in only {
        if validation::find(name).is_none() {
            let known: Vec<&str> = REGISTRY.iter().map(|c| c.name).collect();
            bail!(
                "--only: no claim called '{name}' (known: {})",
                known.join(", ")
            );
        }
    }
    Ok(REGISTRY
        .iter()
        .filter(|c| only.is_empty() || only.iter().any(|n| n == c.name))
        .collect())
}

/// Each claim with its earlier results (under `--resume`) and its expected
/// duration, printed on stderr with the total before anything runs.
fn plan(claims: &[&'static Claim], args: &ReproduceArgs, size: Size) -> Vec<Planned> {
    let planned: Vec<Planned> = claims
        .iter()
        .map(|&claim| {
            let resumed = args
                .resume
                .then(|| resume::read_back(claim, size, &args.out))
                .flatten();
            let expected = if resumed.is_some() {
                0.0
            } else {
                claim.expected_seconds(size)
            };
            Planned {
                claim,
                resumed,
                expected,
            }
        })
        .collect();
    eprintln!("expected durations (measured on the reference 2-core machine):");
    for p in &planned {
        let when = match p.resumed {
            Some(_) => format!(
                "resumed from {}",
                args.out.join(format!("{}.json", p.claim.name)).display()
            ),
            None => duration(p.expected),
        };
        eprintln!("  {:<30} {when}", p.claim.name);
    }
    let total: f64 = planned.iter().map(|p| p.expected).sum();
    eprintln!("  {:<30} {}", "total", duration(total));
    planned
}

/// A duration in words: "45 s", "12 min", "3 h 30 min".
fn duration(seconds: f64) -> String {
    let s = seconds.round() as u64;
    match s {
        0..=89 => format!("{s} s"),
        90..=5399 => format!("{} min", (s + 30) / 60),
        _ => format!("{} h {:02} min", s / 3600, (s % 3600 + 30) / 60),
    }
}

/// The ETA shown on the bar: `left` seconds expected from `since` on (set
/// when a claim starts), counting down as the bar redraws.
type Eta = Arc<Mutex<(f64, Instant)>>;

/// A bar over the claims weighted by their expected seconds with a
/// counting-down ETA, on a terminal and never in `--json` mode.
fn progress_bar(total_seconds: f64, json: bool, eta: &Eta) -> Option<ProgressBar> {
    if json || !std::io::stderr().is_terminal() {
        return None;
    }
    let b = ProgressBar::new(total_seconds.ceil().max(1.0) as u64);
    let eta = Arc::clone(eta);
    let countdown = move |_: &ProgressState, w: &mut dyn std::fmt::Write| {
        let (left, since) = *eta.lock().expect("the ETA is only read and written");
        let _ = w.write_str(&duration((left - since.elapsed().as_secs_f64()).max(0.0)));
    };
    b.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:30} {percent:>3}% ETA {left} {msg}",
        )
        .expect("static template")
        .with_key("left", countdown),
    );
    b.enable_steady_tick(std::time::Duration::from_millis(200));
    Some(b)
}

/// Runs (or reads back) every planned claim, in order, with the bar's
/// message naming the claim and the ETA: the expected seconds left, scaled
/// by how the claims run so far compared with their expectation.
fn run_all(planned: Vec<Planned>, args: &ReproduceArgs, size: Size) -> Results {
    let mut left: f64 = planned.iter().map(|p| p.expected).sum();
    let eta: Eta = Arc::new(Mutex::new((left, Instant::now())));
    let bar = progress_bar(left, args.json, &eta);
    let (mut spent, mut foreseen) = (0.0, 0.0);
    let mut all = Results::default();
    for p in planned {
        let results = match p.resumed {
            Some(r) => r,
            None => {
                let pace = if foreseen > 0.0 {
                    spent / foreseen
                } else {
                    1.0
                };
                *eta.lock().expect("the ETA is only read and written") =
                    (left * pace, Instant::now());
                match &bar {
                    Some(b) => b.set_message(format!(
                        "{} (~{})",
                        p.claim.name,
                        duration(p.expected * pace)
                    )),
                    // Without a terminal (a log file, `nohup`) there is no
                    // bar: a line at each start keeps the run's progress
                    // and ETA readable.
                    None if !args.json => eprintln!(
                        "{}: started (~{}; about {} left in all)",
                        p.claim.name,
                        duration(p.expected * pace),
                        duration(left * pace)
                    ),
                    None => {}
                }
                let clock = report::Stopwatch::start();
                let r = validation::run_claim(p.claim, size, &args.out);
                let took = clock.seconds();
                let line = format!(
                    "{}: {:.1} s (expected {})",
                    p.claim.name,
                    took,
                    duration(p.expected)
                );
                match &bar {
                    Some(b) => b.println(line),
                    None => eprintln!("{line}"),
                }
                (spent, foreseen) = (spent + took, foreseen + p.expected);
                left -= p.expected;
                if let Some(b) = &bar {
                    b.inc(p.expected.round() as u64);
                }
                r
            }
        };
        all.checks.extend(results.checks);
        all.verdicts.extend(results.verdicts);
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    all
}

/// Runs `plam reproduce`.
pub fn run(args: ReproduceArgs) -> anyhow::Result<()> {
    if !args.merge.is_empty() {
        return super::shards::merge(&args);
    }
    let claims = select(&args.only)?;
    let size = if args.quick { Size::Quick } else { Size::Full };
    if let Some(shard) = &args.shard {
        return super::shards::shard(&args, shard, &claims, size);
    }
    let planned = plan(&claims, &args, size);
    let resumed: Vec<&str> = planned
        .iter()
        .filter(|p| p.resumed.is_some())
        .map(|p| p.claim.name)
        .collect();
    if !resumed.is_empty() {
        eprintln!("resumed (not rerun): {}", resumed.join(", "));
    }
    let clock = report::Stopwatch::start();
    let results = run_all(planned, &args, size);
    let resumed_text = if resumed.is_empty() {
        String::new()
    } else {
        let (mut known, mut listed) = (0.0, Vec::new());
        for name in &resumed {
            match resume::recorded_runtime(name, &args.out) {
                Some(t) => {
                    known += t;
                    listed.push(format!("{name} ({t:.0} s)"));
                }
                None => listed.push(format!("{name} (runtime not recorded)")),
            }
        }
        format!(
            " Resumed with --resume from earlier runs in this directory (not rerun; their \
             checks and verdicts read back from NAME.json, with the runtime each recorded): {}; \
             this invocation and the recorded runtimes together: {:.0} s.",
            listed.join(", "),
            known + clock.seconds()
        )
    };
    let run = Run {
        size,
        claims: claims.len(),
        seconds: clock.seconds(),
        origin: resumed_text,
        resumed,
    };
    finish(&args, &run, results)
}

/// How a run was made, for the report's header and the JSON output.
pub(super) struct Run<'a> {
    /// The size the claims ran at.
    pub size: Size,
    /// How many claims are reported.
    pub claims: usize,
    /// Wall-clock seconds of the run.
    pub seconds: f64,
    /// A sentence on where results not computed here come from (or empty).
    pub origin: String,
    /// Claims read back with --resume.
    pub resumed: Vec<&'a str>,
}

/// Writes `REPORT.md`, prints the checks and verdicts (or the JSON object),
/// and fails iff a check failed.
pub(super) fn finish(args: &ReproduceArgs, run: &Run, results: Results) -> anyhow::Result<()> {
    let Results { checks, verdicts } = results;
    let size = run.size;
    let header = format!(
        "`plam reproduce{}` (plam {}), {} claim(s), total {:.1} s.{} Figures and \
         their data (JSON, with seeds) are next to this file. Tolerances are justified in \
         theory/validation.md, cited as (V1), (V2)…",
        if size == Size::Quick { " --quick" } else { "" },
        env!("CARGO_PKG_VERSION"),
        run.claims,
        run.seconds,
        run.origin
    );
    let path = report::write_report(&args.out, &header, &checks, &verdicts)?;
    let failed = checks.iter().filter(|c| !c.passed).count();
    if args.json {
        crate::cli::print_json(&serde_json::json!({
            "size": size,
            "report": path,
            "failed": failed,
            "resumed": run.resumed,
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
