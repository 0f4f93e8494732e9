//! Storable fraction of symmetric couplings for ±1 patterns against the
//! Gaussian pair-disorder model of theory/symmetric.md §5 (ξ_i^μ ξ_j^μ replaced
//! by independent standard normals η_ij^μ = η_ji^μ), on the same exact
//! max-margin QP. The second-cumulant replica theory (S9) is exact for the
//! second model; the gap between the two crossings measures what it misses
//! for ±1 patterns. A third model keeps the rank-one structure of ±1 patterns
//! with Gaussian entries (g_i^μ g_j^μ, g ~ N(0, 1)): it has the pair modes of
//! theory/symmetric.md §10 (a rank-one block per pair of patterns in the
//! constraints' Gram matrix) that Gaussian pair disorder lacks.
//!
//!     cargo run --release --example symmetric_pair_disorder -- N SAMPLES ALPHA...

use plam::memory::feasibility::{max_margin_dense, pair_index};
use plam::memory::storability::random_patterns;
use plam::numerics::rng;
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;

/// Dense constraint rows (one per site and pattern) over the N(N−1)/2
/// couplings, with pair coefficients `pair(μ, i, j)` for i < j.
fn rows(n: usize, p: usize, pair: impl Fn(usize, usize, usize) -> f64) -> Vec<Vec<f64>> {
    let m = n * (n - 1) / 2;
    let mut out = Vec::with_capacity(n * p);
    for mu in 0..p {
        for i in 0..n {
            let mut r = vec![0.0; m];
            for j in (0..n).filter(|&j| j != i) {
                let (a, b) = if i < j { (i, j) } else { (j, i) };
                r[pair_index(n, a, b)] = pair(mu, a, b);
            }
            out.push(r);
        }
    }
    out
}

/// The constraints of rank-one Gaussian patterns, g_i^μ (J g^μ)_i ≥ 0, each
/// divided by |g_i^μ| (which leaves the feasible cone unchanged): row i's
/// entries sgn(g_i^μ) g_j^μ are then O(1), not products of two Gaussians,
/// which keeps the solver's verification tolerances meaningful.
fn rank_one_rows(n: usize, g: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let mut out = rows(n, g.len(), |mu, i, j| g[mu][i] * g[mu][j]);
    for (k, r) in out.iter_mut().enumerate() {
        let scale = g[k / n][k % n].abs();
        r.iter_mut().for_each(|v| *v /= scale);
    }
    out
}

/// A model's answer on one set: 1 storable, 0 not, None when the solver gave
/// no verified answer.
fn decided(v: &plam::Result<plam::memory::feasibility::Verdict>) -> Option<u32> {
    v.as_ref().ok().map(|v| v.is_feasible() as u32)
}

const USAGE: &str =
    "usage: symmetric_pair_disorder N SAMPLES ALPHA... (N ≥ 3, SAMPLES ≥ 1, round(ALPHA·N) ≥ 1)";

/// N, the sets per load and the loads, or `None` for anything else.
fn parse(args: &[String]) -> Option<(usize, usize, Vec<f64>)> {
    let n: usize = args.first()?.parse().ok()?;
    let samples: usize = args.get(1)?.parse().ok()?;
    let loads = args
        .get(2..)?
        .iter()
        .map(|a| {
            let a = a.parse::<f64>().ok()?;
            // At least one pattern: round(αN) ≥ 1.
            (a.is_finite() && (a * n as f64).round() >= 1.0).then_some(a)
        })
        .collect::<Option<Vec<f64>>>()?;
    (n >= 3 && samples >= 1 && !loads.is_empty()).then_some((n, samples, loads))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((n, samples, loads)) = parse(&args) else {
        eprintln!("{USAGE}");
        std::process::exit(2);
    };
    println!(
        "n,alpha,p,samples,binary,gaussian_pairs,gaussian_patterns,\
         failures_binary,failures_pairs,failures_patterns"
    );
    for alpha in loads {
        let p = (alpha * n as f64).round() as usize;
        let res: Vec<[Option<u32>; 3]> = (0..samples)
            .into_par_iter()
            .map(|s| {
                let seed = rng::derive(7, &[0, s as u64]);
                let xi = random_patterns(n, p, seed);
                let mut g = rng::stream(seed, 1 << 56);
                let m = n * (n - 1) / 2;
                let eta: Vec<Vec<f64>> = (0..p)
                    .map(|_| (0..m).map(|_| StandardNormal.sample(&mut g)).collect())
                    .collect();
                let gp: Vec<Vec<f64>> = (0..p)
                    .map(|_| (0..n).map(|_| StandardNormal.sample(&mut g)).collect())
                    .collect();
                [
                    decided(&max_margin_dense(&rows(n, p, |mu, i, j| {
                        xi[mu][i] * xi[mu][j]
                    }))),
                    decided(&max_margin_dense(&rows(n, p, |mu, i, j| {
                        eta[mu][pair_index(n, i, j)]
                    }))),
                    decided(&max_margin_dense(&rank_one_rows(n, &gp))),
                ]
            })
            .collect();
        // Storable fraction over the sets the solver decided, and the failures.
        let column = |k: usize| {
            let done: Vec<u32> = res.iter().filter_map(|r| r[k]).collect();
            let frac = done.iter().sum::<u32>() as f64 / done.len().max(1) as f64;
            (frac, samples - done.len())
        };
        let (b, q, r) = (column(0), column(1), column(2));
        println!(
            "{n},{alpha},{p},{samples},{},{},{},{},{},{}",
            b.0, q.0, r.0, b.1, q.1, r.1
        );
    }
}
