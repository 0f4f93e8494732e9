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
//!
//! One CSV line per set on stdout: n,p,set,kappa_row,stored (kappa_row empty
//! and stored 0 when a row is inseparable); a summary per point on stderr.

use rayon::prelude::*;

use plam::memory::feasibility::symmetric_verdict;
use plam::memory::storability::{max_margin, random_patterns, Symmetry};
use plam::numerics::rng;

const USAGE: &str =
    "usage: symmetric_given_rows SEED SETS N ALPHA [N ALPHA]... (SETS ≥ 1, N ≥ 4, ALPHA > 0)";

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

struct Args {
    seed: u64,
    sets: usize,
    points: Vec<(usize, f64)>,
}

fn parse(args: &[String]) -> Option<Args> {
    let seed = args.first()?.parse().ok()?;
    let sets: usize = args.get(1)?.parse().ok()?;
    let rest = &args[2..];
    if sets == 0 || rest.is_empty() || !rest.len().is_multiple_of(2) {
        return None;
    }
    let points = rest
        .chunks(2)
        .map(|c| Some((c[0].parse().ok()?, c[1].parse().ok()?)))
        .collect::<Option<Vec<(usize, f64)>>>()?;
    points
        .iter()
        .all(|&(n, a): &(usize, f64)| {
            n >= 4 && a.is_finite() && a > 0.0 && (a * n as f64).round() >= 1.0
        })
        .then_some(Args { seed, sets, points })
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(a) = parse(&args) else {
        eprintln!("{USAGE}");
        std::process::exit(2);
    };
    println!("n,p,set,kappa_row,stored");
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
}
