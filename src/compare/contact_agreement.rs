//! Our contact scores against an established implementation's (plmc): the
//! fit that reproduces plmc's documented run and the agreement of two
//! rankings of position pairs, eq. (Q18) of theory/potts.md §4. Used by the
//! claim `generalization_proteins` (its check on DHFR) and by the ignored test
//! `dhfr_scores_agree_with_plmc_at_its_100_iterations`.

use std::collections::HashSet;

use serde::Serialize;

use crate::data::msa::Msa;
use crate::data::sequence_weights::sequence_weights;
use crate::error::{ensure, Result};
use crate::learning::potts::{fit_potts, LbfgsOptions, Penalty, PottsConfig, PottsData, PottsFit};
use crate::learning::Coupling;
use crate::numerics::statistics::spearman;

/// Identity threshold of plmc's sequence weights (its default θ), eq. (Q1).
pub const PLMC_THETA: f64 = 0.2;

/// plmc's documented DHFR run (`-le 16.0 -lh 0.01 -m 100 -g`): symmetric
/// couplings (eq. (Q7)), λ_J = 16, λ_h = 0.01, exactly 100 L-BFGS
/// iterations (no gradient stopping rule: plmc stops on the count).
pub fn plmc_config() -> PottsConfig {
    PottsConfig {
        coupling: Coupling::Symmetric,
        penalty: Penalty {
            lambda_h: 0.01,
            lambda_j: 16.0,
        },
        lbfgs: LbfgsOptions {
            gradient_tolerance: 0.0,
            max_iterations: 100,
            memory: 7,
        },
    }
}

/// The fit of plmc's run on `msa` (read with plmc's focus): weights at
/// θ = 0.2 (eq. (Q1)), gaps ignored (eq. (Q4)), [`plmc_config`].
pub fn fit_as_plmc(msa: &Msa) -> Result<PottsFit> {
    let w = sequence_weights(msa, PLMC_THETA)?;
    let data = PottsData::from_msa(msa, &w, true)?;
    fit_potts(&data, &plmc_config())
}

/// The agreement of two rankings of the same pairs, eq. (Q18).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ScoreAgreement {
    /// Spearman's rank correlation over all pairs.
    pub spearman: f64,
    /// Size of the top sets compared (L for contact maps).
    pub top: usize,
    /// Fraction of the `top` highest-scored pairs of one ranking that are among
    /// the `top` highest of the other.
    pub top_overlap: f64,
}

/// Indices sorted by decreasing score (ties by index).
fn ranking(scores: &[f64]) -> Vec<usize> {
    let mut k: Vec<usize> = (0..scores.len()).collect();
    k.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    k
}

/// Spearman correlation and top-`top` overlap of `ours` and `reference`
/// (scores of the same pairs in the same order), eq. (Q18). Fails for
/// lengths that differ, fewer than two pairs, `top` outside 1..=len, or a
/// non-finite score.
pub fn agreement(ours: &[f64], reference: &[f64], top: usize) -> Result<ScoreAgreement> {
    ensure(ours.len() == reference.len(), || {
        format!(
            "the score lists differ in length ({} and {})",
            ours.len(),
            reference.len()
        )
    })?;
    ensure((1..=ours.len()).contains(&top), || {
        format!("the top set must hold 1 to {} pairs, got {top}", ours.len())
    })?;
    ensure(ours.iter().chain(reference).all(|v| v.is_finite()), || {
        "a score is not finite".into()
    })?;
    let rho = spearman(ours, reference)?;
    let set = |s: &[f64]| -> HashSet<usize> { ranking(s)[..top].iter().copied().collect() };
    let shared = set(ours).intersection(&set(reference)).count();
    Ok(ScoreAgreement {
        spearman: rho,
        top,
        top_overlap: shared as f64 / top as f64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agreement_of_rankings() {
        let a = [0.9, 0.1, 0.5, 0.3, 0.7];
        // Same order, other values: ρ = 1, the top 2 {0, 4} shared.
        let b = [10.0, 1.0, 3.0, 2.0, 4.0];
        let r = agreement(&a, &b, 2).unwrap();
        assert!((r.spearman - 1.0).abs() < 1e-15);
        assert_eq!(r.top_overlap, 1.0);
        // Reversed: ρ = −1, the top 2 disjoint.
        let c = [0.1, 0.9, 0.5, 0.7, 0.3];
        let r = agreement(&a, &c, 2).unwrap();
        assert!((r.spearman + 1.0).abs() < 1e-15);
        assert_eq!(r.top_overlap, 0.0);
        // Top 3 of a = {0, 4, 2}, of d = {0, 2, 3}: 2 of 3 shared.
        let d = [0.9, 0.1, 0.7, 0.5, 0.3];
        assert_eq!(agreement(&a, &d, 3).unwrap().top_overlap, 2.0 / 3.0);
        assert!(agreement(&a, &d[..4], 2).is_err());
        assert!(agreement(&a, &d, 0).is_err());
        assert!(agreement(&a, &d, 6).is_err());
        assert!(agreement(&a, &[0.9, f64::NAN, 0.7, 0.5, 0.3], 2).is_err());
    }
}
