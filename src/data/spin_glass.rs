//! The 2D Edwards–Anderson spin glass: a seeded instance on the periodic
//! L × L lattice, its energy and local fields, and exact thermodynamics by
//! enumeration (theory/spin_glass.md, eqs. (G1)–(G3)).

use nalgebra::DMatrix;
use rand::RngExt;
use rand_distr::{Distribution, StandardNormal};
use serde::Serialize;

use crate::error::ensure;
use crate::numerics::rng;
use crate::Result;

/// Largest N enumerated exactly (2^29 states after the global-flip halving).
pub const MAX_EXACT_N: usize = 30;

/// Largest side accepted (N = 10⁶ spins).
const MAX_L: usize = 1000;

/// The law of the bonds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Bonds {
    /// J_ij ~ N(0, 1).
    Gaussian,
    /// J_ij = ±1 with equal probability.
    PlusMinus,
}

/// An L × L periodic EA instance: site i = L·row + col owns the bonds to its
/// right and lower neighbours (eq. (G1)).
#[derive(Debug, Clone)]
pub struct EaInstance {
    /// Side L.
    pub l: usize,
    /// The law the bonds were drawn from.
    pub bonds: Bonds,
    /// The seed of the bonds.
    pub seed: u64,
    /// J between site i and its right neighbour.
    pub right: Vec<f64>,
    /// J between site i and its lower neighbour.
    pub down: Vec<f64>,
    /// The four (neighbour, coupling) pairs of every site.
    neighbours: Vec<[(usize, f64); 4]>,
}

impl EaInstance {
    /// The instance of side `l` with bonds of law `bonds` drawn from stream
    /// [`rng::EA_BONDS`] of `seed`: right bonds of sites 0…N−1, then down
    /// bonds.
    pub fn new(l: usize, bonds: Bonds, seed: u64) -> Result<Self> {
        ensure((3..=MAX_L).contains(&l), || {
            format!("the side L must be between 3 and {MAX_L} (periodic lattice), got {l}")
        })?;
        let n = l * l;
        let mut r = rng::stream(seed, rng::EA_BONDS);
        let mut draw = || -> f64 {
            match bonds {
                Bonds::Gaussian => StandardNormal.sample(&mut r),
                Bonds::PlusMinus => {
                    if r.random::<bool>() {
                        1.0
                    } else {
                        -1.0
                    }
                }
            }
        };
        let right: Vec<f64> = (0..n).map(|_| draw()).collect();
        let down: Vec<f64> = (0..n).map(|_| draw()).collect();
        let mut neighbours = vec![[(0, 0.0); 4]; n];
        for (i, nb) in neighbours.iter_mut().enumerate() {
            let (row, col) = (i / l, i % l);
            let east = row * l + (col + 1) % l;
            let west = row * l + (col + l - 1) % l;
            let south = ((row + 1) % l) * l + col;
            let north = ((row + l - 1) % l) * l + col;
            *nb = [
                (east, right[i]),
                (west, right[west]),
                (south, down[i]),
                (north, down[north]),
            ];
        }
        Ok(Self {
            l,
            bonds,
            seed,
            right,
            down,
            neighbours,
        })
    }

    /// Number of spins N = L².
    pub fn n(&self) -> usize {
        self.l * self.l
    }

    /// The four (neighbour, coupling) pairs of site `i`.
    pub fn neighbours(&self, i: usize) -> &[(usize, f64); 4] {
        &self.neighbours[i]
    }

    /// The local field h_i = Σ_j J_ij s_j (eq. (G2)).
    pub fn local_field(&self, s: &[i8], i: usize) -> f64 {
        self.neighbours[i]
            .iter()
            .map(|&(j, c)| c * s[j] as f64)
            .sum()
    }

    /// H(s) = −Σ_⟨ij⟩ J_ij s_i s_j = −½ Σ_i s_i h_i (eq. (G1)): every bond
    /// is counted from both of its ends.
    pub fn energy(&self, s: &[i8]) -> f64 {
        -0.5 * (0..self.n())
            .map(|i| s[i] as f64 * self.local_field(s, i))
            .sum::<f64>()
    }

    /// The symmetric N × N coupling matrix (zero diagonal), so that
    /// H = −Σ_{i<j} J_ij s_i s_j.
    pub fn coupling_matrix(&self) -> DMatrix<f64> {
        let n = self.n();
        let mut m = DMatrix::zeros(n, n);
        for i in 0..n {
            for &(j, c) in &self.neighbours[i] {
                m[(i, j)] = c;
            }
        }
        m
    }
}

/// Exact equilibrium values at one temperature (eq. (G3)).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ExactPoint {
    /// Temperature T.
    pub t: f64,
    /// ⟨E⟩/N.
    pub energy_per_spin: f64,
    /// C/N = β²(⟨E²⟩ − ⟨E⟩²)/N.
    pub specific_heat: f64,
}

/// ⟨E⟩/N and C/N at every temperature of `temps` by summing over all 2^N
/// states (eq. (G3)): half of them (s_{N−1} = +1, the global flip being a
/// symmetry) in Gray-code order, weights shifted by the lowest energy.
pub fn exact_thermodynamics(inst: &EaInstance, temps: &[f64]) -> Result<Vec<ExactPoint>> {
    let n = inst.n();
    ensure(n <= MAX_EXACT_N, || {
        format!("exact enumeration is limited to N ≤ {MAX_EXACT_N} spins, got N = {n}")
    })?;
    for &t in temps {
        ensure(t.is_finite() && t > 0.0, || {
            format!("temperatures must be positive and finite, got {t}")
        })?;
    }
    let visit = |f: &mut dyn FnMut(f64)| {
        let mut s = vec![1i8; n];
        let mut e = inst.energy(&s);
        f(e);
        for k in 1u64..(1u64 << (n - 1)) {
            let i = k.trailing_zeros() as usize;
            e += 2.0 * s[i] as f64 * inst.local_field(&s, i);
            s[i] = -s[i];
            f(e);
        }
    };
    let mut e0 = f64::INFINITY;
    visit(&mut |e| e0 = e0.min(e));
    let betas: Vec<f64> = temps.iter().map(|t| 1.0 / t).collect();
    let mut sums = vec![[0.0f64; 3]; temps.len()];
    visit(&mut |e| {
        let d = e - e0;
        for (b, acc) in betas.iter().zip(sums.iter_mut()) {
            let w = (-b * d).exp();
            acc[0] += w;
            acc[1] += w * d;
            acc[2] += w * d * d;
        }
    });
    Ok(temps
        .iter()
        .zip(&sums)
        .map(|(&t, acc)| {
            let (m1, m2) = (acc[1] / acc[0], acc[2] / acc[0]);
            ExactPoint {
                t,
                energy_per_spin: (e0 + m1) / n as f64,
                specific_heat: (m2 - m1 * m1) / (t * t * n as f64),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn energy_matches_the_coupling_matrix() {
        let inst = EaInstance::new(5, Bonds::Gaussian, 3).unwrap();
        let j = inst.coupling_matrix();
        assert_eq!(j, j.transpose());
        let mut r = rng::stream(9, 0);
        let s: Vec<i8> = (0..25)
            .map(|_| if r.random::<bool>() { 1 } else { -1 })
            .collect();
        let sv = nalgebra::DVector::from_iterator(25, s.iter().map(|&x| x as f64));
        // H = −½ sᵀJs with J symmetric and zero diagonal; 1e-12 is the
        // rounding of 50 terms of size O(1).
        let quad = -0.5 * sv.dot(&(&j * &sv));
        assert!((inst.energy(&s) - quad).abs() < 1e-12);
        // The bond sum (G1) over each site's right and lower bonds, written
        // out with the lattice's own indexing: the same rounding bound.
        let bonds: f64 = (0..25)
            .map(|i| {
                let (east, south) = (i / 5 * 5 + (i % 5 + 1) % 5, (i + 5) % 25);
                s[i] as f64 * (inst.right[i] * s[east] as f64 + inst.down[i] * s[south] as f64)
            })
            .sum();
        assert!((inst.energy(&s) + bonds).abs() < 1e-12);
        // Every site has four distinct neighbours and |bonds| = 2N.
        let nonzero = j.iter().filter(|&&x| x != 0.0).count();
        assert_eq!(nonzero, 4 * 25);
    }

    #[test]
    fn enumeration_against_brute_force_at_l3() {
        // Brute force over all 512 states with the direct energy, no
        // shifts or symmetry; (G3)'s accumulation differs only by rounding
        // (1e-12 relative over 512 terms).
        let inst = EaInstance::new(3, Bonds::PlusMinus, 1).unwrap();
        let temps = [0.5, 1.0, 2.5];
        let exact = exact_thermodynamics(&inst, &temps).unwrap();
        for (p, &t) in exact.iter().zip(&temps) {
            let (mut z, mut m1, mut m2) = (0.0, 0.0, 0.0);
            for k in 0u32..512 {
                let s: Vec<i8> = (0..9)
                    .map(|i| if k >> i & 1 == 1 { 1 } else { -1 })
                    .collect();
                let e = inst.energy(&s);
                let w = (-e / t).exp();
                z += w;
                m1 += w * e;
                m2 += w * e * e;
            }
            let (e, v) = (m1 / z, m2 / z - (m1 / z).powi(2));
            assert!((p.energy_per_spin - e / 9.0).abs() < 1e-12, "T = {t}");
            assert!(
                (p.specific_heat - v / (t * t * 9.0)).abs() < 1e-10,
                "T = {t}"
            );
        }
    }

    #[test]
    fn bad_input_is_refused() {
        assert!(EaInstance::new(2, Bonds::Gaussian, 0).is_err());
        let big = EaInstance::new(6, Bonds::Gaussian, 0).unwrap();
        assert!(exact_thermodynamics(&big, &[1.0]).is_err());
        let small = EaInstance::new(3, Bonds::Gaussian, 0).unwrap();
        assert!(exact_thermodynamics(&small, &[0.0]).is_err());
    }
}
