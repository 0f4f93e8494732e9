//! Storable fraction of symmetric couplings for ±1 patterns against the
//! Gaussian pair-disorder model of theory/symmetric.md §5 (ξ_i^μ ξ_j^μ replaced
//! by independent standard normals η_ij^μ = η_ji^μ), on the same exact
//! max-margin QP. The second-cumulant replica theory (S9) is exact for the
//! second model; the gap between the two crossings measures what it misses
//! for ±1 patterns.
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

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args[0].parse().expect("N");
    let samples: usize = args[1].parse().expect("SAMPLES");
    println!("n,alpha,p,samples,binary,gaussian_pairs,failures");
    for a in &args[2..] {
        let alpha: f64 = a.parse().expect("ALPHA");
        let p = (alpha * n as f64).round() as usize;
        let res: Vec<(i32, i32, i32)> = (0..samples)
            .into_par_iter()
            .map(|s| {
                let seed = rng::derive(7, &[0, s as u64]);
                let xi = random_patterns(n, p, seed);
                let mut g = rng::stream(seed, 1 << 56);
                let m = n * (n - 1) / 2;
                let eta: Vec<Vec<f64>> = (0..p)
                    .map(|_| (0..m).map(|_| StandardNormal.sample(&mut g)).collect())
                    .collect();
                let bin = max_margin_dense(&rows(n, p, |mu, i, j| xi[mu][i] * xi[mu][j]));
                let gau = max_margin_dense(&rows(n, p, |mu, i, j| eta[mu][pair_index(n, i, j)]));
                let f = |v: &plam::Result<plam::memory::feasibility::Verdict>| match v {
                    Ok(v) => (v.is_feasible() as i32, 0),
                    Err(_) => (0, 1),
                };
                let (b, fb) = f(&bin);
                let (q, fq) = f(&gau);
                (b, q, fb + fq)
            })
            .collect();
        let b: i32 = res.iter().map(|r| r.0).sum();
        let q: i32 = res.iter().map(|r| r.1).sum();
        let fl: i32 = res.iter().map(|r| r.2).sum();
        println!(
            "{n},{alpha},{p},{samples},{},{},{fl}",
            b as f64 / samples as f64,
            q as f64 / samples as f64
        );
    }
}
