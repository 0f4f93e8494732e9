//! Which pattern sets with separable rows symmetric couplings store at κ = 0,
//! against each set's row bound κ*_row = min_i κ*_i (theory/symmetric.md §8,
//! "the cost of symmetry at κ = 0"). Symmetric couplings are N rows (S18), so
//! only sets whose N rows are all separable (κ*_row > 0) can be stored; the
//! exact program over the N(N−1)/2 shared couplings then decides each of
//! them, verified either way. The sets are those of `plam storable --seed
//! SEED` (set s drawn from `rng::derive(SEED, &[0, s])`), so the counts match
//! its `rows_separable` and `storable`.
//!
//!     cargo run --release --example symmetric_given_rows -- SEED SETS N ALPHA [N ALPHA]...
//!     cargo run --release --example symmetric_given_rows -- summary FILE...
//!
//! One CSV line per set on stdout: n,p,set,kappa_row,stored (kappa_row empty
//! and stored 0 when a row is inseparable); a line per point on stderr, then
//! the summary, which `summary` prints from saved CSV files: per N, the
//! fraction c(α) of the sets with separable rows that symmetric couplings
//! store (binomial errors), where it falls through ½ (the suite's crossing
//! rule, `validation::capacity::crossing`), and those crossings' weighted
//! mean and finite-size fits. Since P(all rows separable) → 1 at every
//! α < 2, c(α) and the symmetric storability have the same limit.

mod common;

use rayon::prelude::*;

use plam::memory::feasibility::symmetric_verdict;
use plam::memory::storability::{max_margin, random_patterns, Symmetry};
use plam::numerics::extrapolation::accepted_fits;
use plam::numerics::rng;
use plam::validation::capacity::{crossing, Crossing};
use plam::validation::symmetric_capacity::{given_rows_fraction, summarize_crossings};

const USAGE: &str =
    "usage: symmetric_given_rows SEED SETS N ALPHA [N ALPHA]... (SETS ≥ 1, N ≥ 4, ALPHA > 0)
   or: symmetric_given_rows summary FILE... (CSV files this example wrote)";

/// One decided set: N, P, whether its rows are all separable, whether
/// symmetric couplings store it.
type Outcome = (usize, usize, bool, bool);

/// Per N: c(α) ± σ over the sets with separable rows, its crossing of ½, and
/// the crossings' weighted mean and accepted finite-size fits.
fn summary(outcomes: &[Outcome]) {
    let mut sizes: Vec<usize> = outcomes.iter().map(|o| o.0).collect();
    sizes.sort_unstable();
    sizes.dedup();
    let mut crossings: Vec<Crossing> = Vec::new();
    for &n in &sizes {
        let mut loads: Vec<usize> = outcomes.iter().filter(|o| o.0 == n).map(|o| o.1).collect();
        loads.sort_unstable();
        loads.dedup();
        let mut points = Vec::new();
        for &p in &loads {
            let given: Vec<bool> = outcomes
                .iter()
                .filter(|o| o.0 == n && o.1 == p && o.2)
                .map(|o| o.3)
                .collect();
            if given.is_empty() {
                continue;
            }
            let k = given.iter().filter(|&&b| b).count();
            let (c, sigma) = given_rows_fraction(k, given.len());
            let alpha = p as f64 / n as f64;
            eprintln!(
                "  N = {n}, α = {alpha:.4}: {k} of {} sets with separable rows stored, c = {c:.3} ± {sigma:.3}",
                given.len()
            );
            points.push((alpha, c, sigma));
        }
        match crossing(n, &points) {
            Some(c) => {
                eprintln!(
                    "N = {n}: c falls through ½ at α = {:.4} ± {:.4}",
                    c.alpha, c.error
                );
                crossings.push(c);
            }
            None => eprintln!("N = {n}: c does not fall through ½ on these loads"),
        }
    }
    if crossings.len() < 2 {
        return;
    }
    let summary = summarize_crossings(crossings);
    eprintln!(
        "weighted mean of the crossings: {:.4} ± {:.4} (χ² = {:.2} for {} degrees of freedom)",
        summary.mean,
        summary.mean_err,
        summary.chi2,
        summary.crossings.len() - 1
    );
    for f in accepted_fits(&summary.fits) {
        eprintln!(
            "  {:?}: limit {:.4} ± {:.4}, slope {:.3}, χ² = {:.2} for {} degrees of freedom",
            f.law, f.limit, f.limit_err, f.slope, f.chi2, f.dof
        );
    }
}

/// Reads the sets of CSV files this example wrote.
fn read(files: &[String]) -> Result<Vec<Outcome>, String> {
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(f).map_err(|e| format!("{f}: {e}"))?;
        for (l, line) in text.lines().enumerate().skip(1) {
            let c: Vec<&str> = line.split(',').collect();
            let bad = || format!("{f}:{}: not n,p,set,kappa_row,stored: {line}", l + 1);
            if c.len() != 5 {
                return Err(bad());
            }
            let n = c[0].parse().map_err(|_| bad())?;
            let p = c[1].parse().map_err(|_| bad())?;
            let stored = match c[4] {
                "0" => false,
                "1" => true,
                _ => return Err(bad()),
            };
            out.push((n, p, !c[3].is_empty(), stored));
        }
    }
    Ok(out)
}

/// One set: its row bound (None: a row is inseparable) and whether symmetric
/// couplings store it.
fn decide(seed: u64, n: usize, p: usize, s: usize) -> plam::Result<(Option<f64>, bool)> {
    let pats = random_patterns(n, p, rng::derive(seed, &[0, s as u64]));
    let row = max_margin(&pats, Symmetry::Asymmetric, 1.0, s)?.map(|m| m.kappa);
    let stored = match row {
        Some(_) => symmetric_verdict(&pats)?.is_feasible(),
        None => false,
    };
    Ok((row, stored))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("summary") {
        match read(&args[1..]) {
            Ok(o) if !o.is_empty() => summary(&o),
            Ok(_) => {
                eprintln!("{USAGE}\nno sets in the files given");
                std::process::exit(2);
            }
            Err(e) => {
                eprintln!("symmetric_given_rows: {e}");
                std::process::exit(1);
            }
        }
        return;
    }
    let Some(a) = common::parse_points(&args, |n, a| {
        n >= 4 && a.is_finite() && a > 0.0 && (a * n as f64).round() >= 1.0
    }) else {
        eprintln!("{USAGE}");
        std::process::exit(2);
    };
    println!("n,p,set,kappa_row,stored");
    let mut outcomes: Vec<Outcome> = Vec::new();
    for &(n, alpha) in &a.points {
        let p = (alpha * n as f64).round() as usize;
        let clock = std::time::Instant::now();
        let results: Vec<plam::Result<(Option<f64>, bool)>> = (0..a.sets)
            .into_par_iter()
            .map(|s| decide(a.seed, n, p, s))
            .collect();
        let (mut rows, mut stored, mut failed) = (0, 0, 0);
        for (s, r) in results.iter().enumerate() {
            match r {
                Ok((k, st)) => {
                    let k = k.map_or(String::new(), |k| format!("{k:.6}"));
                    println!("{n},{p},{s},{k},{}", u8::from(*st));
                    rows += usize::from(!k.is_empty());
                    stored += usize::from(*st);
                    outcomes.push((n, p, !k.is_empty(), *st));
                }
                Err(e) => {
                    failed += 1;
                    eprintln!("N = {n}, P = {p}, set {s}: no verified answer: {e}");
                }
            }
        }
        eprintln!(
            "N = {n}, P = {p}, seed {}: {rows} of {} sets with separable rows, {stored} stored by symmetric couplings, {failed} undecided ({:.0} s)",
            a.seed,
            a.sets,
            clock.elapsed().as_secs_f64()
        );
    }
    summary(&outcomes);
}
