//! `plam reproduce --shard K/N --out DIR` computes shard K of N of every
//! selected claim's work units into `DIR/NAME.units/`, and `plam reproduce
//! --merge DIR… --out DIR` assembles the N shard directories into the
//! figures, data, `REPORT.md`, checks and verdicts of one unsharded run
//! (`plam::validation::shard`). A claim without work units runs whole in
//! shard 1 (its figure and `NAME.json` in shard 1's directory); the merge
//! copies its files and reads its checks and verdicts back.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

use super::reproduce::{finish, select, ReproduceArgs, Run};
use plam::figures::report::Stopwatch;
use plam::validation::shard::{self, files, Shard, Work};
use plam::validation::{self, resume, Claim, Results, Size, REGISTRY};

/// Runs shard `text` (K/N) of `claims` at `size` into `--out`.
pub fn shard(
    args: &ReproduceArgs,
    text: &str,
    claims: &[&'static Claim],
    size: Size,
) -> anyhow::Result<()> {
    if args.resume {
        bail!("--shard cannot be combined with --resume: a shard always computes its units");
    }
    let shard: Shard = text.parse()?;
    let out = &args.out;
    eprintln!(
        "shard {shard} of {} claim(s) at {size:?} size into {}",
        claims.len(),
        out.display()
    );
    let mut written = Vec::new();
    for &claim in claims {
        let clock = Stopwatch::start();
        let line = match claim.units {
            Some(_) => {
                let mut work = Work::shard(claim.name, size, shard, out)?;
                validation::run_claim_on(claim, &mut work, out)
                    .with_context(|| format!("{}: shard {shard}", claim.name))?;
                let summary = work
                    .finish(out)?
                    .context("a shard's work returns what it wrote")?;
                let line = format!(
                    "{}: {} of {} units, manifest {}",
                    claim.name,
                    summary.written,
                    summary.total,
                    summary.manifest.display()
                );
                written.push(serde_json::json!({"claim": claim.name, "units": summary}));
                line
            }
            None => run_whole(claim, size, shard, out)?,
        };
        eprintln!("{line} ({:.1} s)", clock.seconds());
    }
    if args.json {
        super::print_json(&serde_json::json!({
            "shard": shard,
            "size": size,
            "out": out,
            "claims": written,
        }))?;
    }
    eprintln!(
        "shard {shard} finished; assemble with: plam reproduce --merge DIR_1 … DIR_{} --out DIR",
        shard.count
    );
    Ok(())
}

/// A claim without work units in a shard: shard 1 runs it whole, the others
/// leave it to shard 1; each records that in its manifest.
fn run_whole(claim: &Claim, size: Size, shard: Shard, out: &Path) -> anyhow::Result<String> {
    if shard.index == 1 {
        (claim.run)(size, out).with_context(|| format!("{}: run whole by shard 1", claim.name))?;
    }
    shard::write_whole_manifest(claim.name, size, shard, out)?;
    Ok(if shard.index == 1 {
        format!("{}: no work units, run whole in this shard", claim.name)
    } else {
        format!("{}: no work units, run whole by shard 1", claim.name)
    })
}

/// The claims to merge: those named by `--only`, else every claim with a
/// shard manifest in the first directory, in registry order.
fn merged_claims(args: &ReproduceArgs) -> anyhow::Result<Vec<&'static Claim>> {
    if !args.only.is_empty() {
        return select(&args.only);
    }
    let first = &args.merge[0];
    let found: Vec<&'static Claim> = REGISTRY
        .iter()
        .filter(|c| files::manifest_path(first, c.name).is_file())
        .collect();
    if found.is_empty() {
        bail!(
            "--merge: {} holds no finished shard of any claim (no NAME.units/manifest.json)",
            first.display()
        );
    }
    Ok(found)
}

/// Assembles the shards in `--merge` into `--out`.
pub fn merge(args: &ReproduceArgs) -> anyhow::Result<()> {
    if args.shard.is_some() || args.resume || args.quick {
        bail!(
            "--merge cannot be combined with --shard, --resume or --quick (the size comes from \
             the shards)"
        );
    }
    let claims = merged_claims(args)?;
    let clock = Stopwatch::start();
    let mut size = None;
    let mut all = Results::default();
    for &claim in &claims {
        let (results, claim_size) = merge_claim(claim, &args.merge, &args.out)?;
        if size.is_some_and(|s| s != claim_size) {
            bail!(
                "--merge: {} was sharded at {claim_size:?} size, the claims before it at \
                 {:?}",
                claim.name,
                size.unwrap_or(claim_size)
            );
        }
        size = Some(claim_size);
        all.checks.extend(results.checks);
        all.verdicts.extend(results.verdicts);
    }
    let dirs: Vec<String> = args.merge.iter().map(|d| d.display().to_string()).collect();
    let run = Run {
        size: size.context("at least one claim was merged")?,
        claims: claims.len(),
        seconds: clock.seconds(),
        origin: format!(
            " Assembled with --merge from the {} shards in {} (`plam reproduce --shard K/N`); \
             runtimes include the time the units took there.",
            dirs.len(),
            dirs.join(", ")
        ),
        resumed: Vec::new(),
    };
    finish(args, &run, all)
}

/// Merges one claim from the shard directories into `out`: its results and
/// the size it ran at.
fn merge_claim(
    claim: &'static Claim,
    dirs: &[PathBuf],
    out: &Path,
) -> anyhow::Result<(Results, Size)> {
    if claim.units.is_some() {
        let mut work = Work::merge(claim.name, dirs)?;
        let size = work.size();
        let results =
            validation::run_claim_on(claim, &mut work, out)?.context("a merge has every unit")?;
        work.finish(out)?;
        eprintln!("{}: merged from {} shards", claim.name, dirs.len());
        return Ok((results, size));
    }
    let (dir, size) = shard::whole_claim_dir(claim.name, dirs)?;
    std::fs::create_dir_all(out)?;
    for ext in ["json", "svg", "png"] {
        let file = format!("{}.{ext}", claim.name);
        let (from, to) = (dir.join(&file), out.join(&file));
        if from.canonicalize().ok() != to.canonicalize().ok() {
            std::fs::copy(&from, &to)
                .with_context(|| format!("copying {} to {}", from.display(), to.display()))?;
        }
    }
    let results = resume::read_back(claim, size, out).with_context(|| {
        format!(
            "{}: shard 1 in {} ran it whole, but its NAME.json, .svg and .png do not read back",
            claim.name,
            dir.display()
        )
    })?;
    eprintln!("{}: run whole by shard 1 in {}", claim.name, dir.display());
    Ok((results, size))
}
