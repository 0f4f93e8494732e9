//! Sequence weights: each sequence counts as the inverse of the number of
//! sequences (itself included) at identity ≥ 1 − θ over the modelled sites, gaps
//! compared like residues (theory/potts.md (Q1)–(Q2)); this is plmc's rule, and it
//! reproduces plmc's weights for DHFR to every printed digit.

use crate::data::msa::Msa;
use crate::error::{ensure, Result};
use rayon::prelude::*;

/// The weights w_s = 1/n_s of the kept sequences of `msa`, eq. (Q1), with n_s the
/// number of sequences t (s itself included) whose identity with s, the number of
/// sites where their codes agree, is at least (1 − θ)·L (compared in f64, as plmc
/// does). θ must lie in [0, 1].
pub fn sequence_weights(msa: &Msa, theta: f64) -> Result<Vec<f64>> {
    weights_of_codes(msa.codes(), msa.n_sites(), theta)
}

/// The weights of eq. (Q1) for sequences given as codes (row-major, sequence ×
/// site, L sites each), e.g. a subset of an alignment's sequences; the rule of
/// [`sequence_weights`].
pub fn weights_of_codes(codes: &[u8], l: usize, theta: f64) -> Result<Vec<f64>> {
    ensure((0.0..=1.0).contains(&theta), || {
        format!("theta must lie in [0, 1], got {theta}")
    })?;
    ensure(l >= 1 && codes.len().is_multiple_of(l), || {
        format!("{} codes are not sequences of {l} sites", codes.len())
    })?;
    let cutoff = (1.0 - theta) * l as f64;
    let seqs: Vec<&[u8]> = codes.chunks(l).collect();
    let counts: Vec<usize> = seqs
        .par_iter()
        .map(|a| {
            seqs.iter()
                .filter(|b| {
                    let id = a.iter().zip(b.iter()).filter(|(x, y)| x == y).count();
                    id as f64 >= cutoff
                })
                .count()
        })
        .collect();
    Ok(counts.into_iter().map(|c| 1.0 / c as f64).collect())
}

/// Unit weights (no reweighting), one per kept sequence.
pub fn unit_weights(msa: &Msa) -> Vec<f64> {
    vec![1.0; msa.n_sequences()]
}

/// The weights of all records in file order, 0 for the records skipped for a
/// letter outside the alphabet (the layout of plmc's `--save-weights` file).
pub fn per_record(msa: &Msa, weights: &[f64]) -> Vec<f64> {
    let mut all = vec![0.0; msa.n_records()];
    for (&r, &w) in msa.kept().iter().zip(weights) {
        all[r] = w;
    }
    all
}

/// The effective number of sequences N_eff = Σ_s w_s, eq. (Q2).
pub fn effective_number(weights: &[f64]) -> f64 {
    weights.iter().sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::msa::Alphabet;

    #[test]
    fn neighbours_within_the_identity_threshold() {
        // Sites 5; a and b differ at 1 site (identity 4/5 = 0.8), c differs from
        // both at 3 or more. θ = 0.2: a, b are neighbours; c is alone.
        let t = ">a\nACDEF\n>b\nACDEY\n>c\nAWWWY\n";
        let m = Msa::parse(t, Alphabet::protein(), None).unwrap();
        assert_eq!(sequence_weights(&m, 0.2).unwrap(), vec![0.5, 0.5, 1.0]);
        // θ = 0.1: identity must reach 4.5 sites, so nobody has a neighbour.
        assert_eq!(sequence_weights(&m, 0.1).unwrap(), vec![1.0, 1.0, 1.0]);
        assert!(sequence_weights(&m, 1.5).is_err());
        assert!(sequence_weights(&m, f64::NAN).is_err());
    }
}
