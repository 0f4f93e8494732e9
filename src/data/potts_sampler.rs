//! Gibbs sampling of a Potts model (theory/potts.md (Q16)): independent chains,
//! each started uniformly at random and run for a number of sequential
//! heat-bath sweeps, one sample per chain. Chain c uses stream
//! [`POTTS_CHAINS`] + c of the seed, so the samples do not depend on the
//! number of threads.

use crate::error::{ensure, Result};
use crate::numerics::rng::{stream, POTTS_CHAINS};
use rand::RngExt;
use rayon::prelude::*;

/// A Potts model as the sampler reads it: L sites, q states, fields h_i(a) at
/// i·q + a and couplings J_ij(a, b) at ((i·L + j)·q + b)·q + a (the site layout
/// of `learning::potts::PottsModel`, whose `h` and `w` can be passed as is).
#[derive(Debug, Clone, Copy)]
pub struct PottsParams<'a> {
    /// Number of sites L.
    pub l: usize,
    /// Number of states q.
    pub q: usize,
    /// Fields (L·q).
    pub h: &'a [f64],
    /// Couplings in site layout (L·L·q·q).
    pub w: &'a [f64],
}

/// `n` samples (row-major, sample × site, codes 0..q) of the Boltzmann
/// distribution P(σ) ∝ exp(Σ_i h_i(σ_i) + Σ_{i<j} J_ij(σ_i, σ_j)) of a model
/// with symmetric couplings, eq. (Q16): chain c starts uniformly on stream
/// `POTTS_CHAINS + c` and returns its state after `sweeps` sweeps, each
/// drawing σ_i from its conditional (Q3) for i = 0, …, L − 1 in turn.
pub fn gibbs_samples(m: PottsParams, n: usize, sweeps: usize, seed: u64) -> Result<Vec<u8>> {
    let (l, q) = (m.l, m.q);
    ensure(l >= 1 && (2..=64).contains(&q), || {
        format!("a Potts sampler needs L >= 1 and 2 <= q <= 64, got L = {l}, q = {q}")
    })?;
    ensure(m.h.len() == l * q && m.w.len() == l * l * q * q, || {
        "the fields or couplings do not match L and q".into()
    })?;
    ensure(m.h.iter().chain(m.w).all(|v| v.is_finite()), || {
        "the model has a non-finite parameter".into()
    })?;
    ensure(n as u64 <= 1 << 32, || {
        format!("{n} chains exceed the 2^32 streams of POTTS_CHAINS")
    })?;
    ensure(sweeps >= 1, || "at least one sweep is needed".into())?;
    Ok((0..n)
        .into_par_iter()
        .flat_map_iter(|c| chain(m, sweeps, seed, c as u64))
        .collect())
}

/// One chain's final state.
fn chain(m: PottsParams, sweeps: usize, seed: u64, c: u64) -> Vec<u8> {
    let (l, q) = (m.l, m.q);
    let mut rng = stream(seed, POTTS_CHAINS + c);
    let mut s: Vec<u8> = (0..l).map(|_| rng.random_range(0..q) as u8).collect();
    let mut p = vec![0.0; q];
    for _ in 0..sweeps {
        for i in 0..l {
            p.copy_from_slice(&m.h[i * q..][..q]);
            for (j, &b) in s.iter().enumerate() {
                if j != i {
                    let blk = &m.w[((i * l + j) * q + b as usize) * q..][..q];
                    p.iter_mut().zip(blk).for_each(|(x, v)| *x += v);
                }
            }
            let max = p.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b));
            p.iter_mut().for_each(|x| *x = (*x - max).exp());
            let u = rng.random::<f64>() * p.iter().sum::<f64>();
            let mut acc = 0.0;
            let mut pick = q - 1;
            for (a, &x) in p.iter().enumerate() {
                acc += x;
                if u < acc {
                    pick = a;
                    break;
                }
            }
            s[i] = pick as u8;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two independent sites (no couplings) with fields (0, ln 3): state 1 has
    /// probability 3/4. Over 20 000 chains the frequency has standard error
    /// √(3/16/20000) = 0.0031; 5 standard errors is 0.015.
    #[test]
    fn independent_sites_follow_their_fields() {
        let h = [0.0, 3f64.ln(), 0.0, 3f64.ln()];
        let w = [0.0; 16];
        let m = PottsParams {
            l: 2,
            q: 2,
            h: &h,
            w: &w,
        };
        let s = gibbs_samples(m, 20_000, 1, 7).unwrap();
        let f = s.iter().filter(|&&c| c == 1).count() as f64 / s.len() as f64;
        assert!((f - 0.75).abs() < 0.015, "{f}");
        assert_eq!(s, gibbs_samples(m, 20_000, 1, 7).unwrap());
        assert!(gibbs_samples(m, 10, 0, 7).is_err());
    }
}
