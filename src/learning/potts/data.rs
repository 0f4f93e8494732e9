//! The training data of a Potts model: L sites, q states, the sequences as codes
//! (a missing code where a gap is ignored) and one weight per sequence
//! (theory/potts.md §2).

use crate::data::msa::Msa;
use crate::error::{ensure, Result};

/// The code of a site whose state is ignored (a gap under `ignore_gaps`): it has
/// no conditional term and contributes no coupling to the other sites.
pub const MISSING: u8 = u8::MAX;

/// Sequences over L sites with q states each, and their weights.
#[derive(Debug, Clone)]
pub struct PottsData {
    l: usize,
    q: usize,
    codes: Vec<u8>,
    weights: Vec<f64>,
}

impl PottsData {
    /// Data from codes (row-major, sequence × site; each < q or [`MISSING`]) and
    /// one finite non-negative weight per sequence, not all zero.
    pub fn new(l: usize, q: usize, codes: Vec<u8>, weights: Vec<f64>) -> Result<Self> {
        ensure(l >= 2 && (2..=64).contains(&q), || {
            format!(
                "a Potts model needs L >= 2 sites and 2 <= q <= 64 states, got L = {l}, q = {q}"
            )
        })?;
        ensure(codes.len() == l * weights.len(), || {
            format!(
                "{} codes for {} sequences of {l} sites",
                codes.len(),
                weights.len()
            )
        })?;
        ensure(
            codes.iter().all(|&c| (c as usize) < q || c == MISSING),
            || format!("a code is outside 0..{q}"),
        )?;
        ensure(weights.iter().all(|w| w.is_finite() && *w >= 0.0), || {
            "sequence weights must be finite and non-negative".into()
        })?;
        ensure(weights.iter().any(|&w| w > 0.0), || {
            "every sequence weight is zero".into()
        })?;
        Ok(Self {
            l,
            q,
            codes,
            weights,
        })
    }

    /// The kept sequences of `msa` with their `weights`. With `ignore_gaps` (plmc's
    /// `-g`) the gap leaves the alphabet (q = 21 → 20 for proteins) and gapped
    /// sites are [`MISSING`], eq. (Q4); an alphabet without a gap is unchanged.
    pub fn from_msa(msa: &Msa, weights: &[f64], ignore_gaps: bool) -> Result<Self> {
        ensure(weights.len() == msa.n_sequences(), || {
            format!(
                "{} weights for {} sequences",
                weights.len(),
                msa.n_sequences()
            )
        })?;
        let q = msa.alphabet().q();
        let (q, codes) = match (ignore_gaps, msa.alphabet().gap()) {
            (true, Some(g)) => {
                let map = |c: u8| match c.cmp(&g) {
                    std::cmp::Ordering::Equal => MISSING,
                    std::cmp::Ordering::Greater => c - 1,
                    std::cmp::Ordering::Less => c,
                };
                (q - 1, msa.codes().iter().map(|&c| map(c)).collect())
            }
            _ => (q, msa.codes().to_vec()),
        };
        Self::new(msa.n_sites(), q, codes, weights.to_vec())
    }

    /// Number of sites L.
    pub fn l(&self) -> usize {
        self.l
    }

    /// Number of states q.
    pub fn q(&self) -> usize {
        self.q
    }

    /// Number of sequences.
    pub fn n_sequences(&self) -> usize {
        self.weights.len()
    }

    /// The codes of sequence `s`.
    pub fn sequence(&self, s: usize) -> &[u8] {
        &self.codes[s * self.l..(s + 1) * self.l]
    }

    /// The sequence weights.
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// Fields of the independent-site model, h_i(a) = ln(n_i(a) + 1) in the
    /// zero-sum gauge with n_i(a) the weighted count of state a at site i (one
    /// pseudocount, as plmc starts): the start of the optimisation.
    pub fn independent_fields(&self) -> Vec<f64> {
        let (l, q) = (self.l, self.q);
        let mut h = vec![0.0; l * q];
        for (s, &w) in self.weights.iter().enumerate() {
            for (i, &c) in self.sequence(s).iter().enumerate() {
                if c != MISSING {
                    h[i * q + c as usize] += w;
                }
            }
        }
        for hi in h.chunks_mut(q) {
            hi.iter_mut().for_each(|v| *v = (*v + 1.0).ln());
            let mean = hi.iter().sum::<f64>() / q as f64;
            hi.iter_mut().for_each(|v| *v -= mean);
        }
        h
    }
}
