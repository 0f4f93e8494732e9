//! Zero-temperature dynamics of a Potts network (theory/potts.md §5): every
//! site takes the state of largest local field, eq. (Q13), all sites at once
//! (synchronous), ties resolved by eq. (Q14); sequences are compared by their
//! identity, eq. (Q15).

use crate::error::{ensure, Result};
use crate::learning::potts::PottsModel;
use rayon::prelude::*;

/// The paper's number of synchronous steps (as for the binary data).
pub const DEFAULT_STEPS: usize = 10;

/// The local fields H_i(a) = h_i(a) + Σ_{j≠i} J_ij(a, σ_j) of site i in
/// configuration `sigma`, eq. (Q13), written into `out` (q values).
pub fn local_fields(model: &PottsModel, sigma: &[u8], i: usize, out: &mut [f64]) {
    let q = model.q();
    out.copy_from_slice(&model.h[i * q..][..q]);
    let w = model.site(i);
    for (j, &b) in sigma.iter().enumerate() {
        if j != i {
            let blk = &w[(j * q + b as usize) * q..][..q];
            out.iter_mut().zip(blk).for_each(|(o, v)| *o += v);
        }
    }
}

/// The state of largest field, eq. (Q14): the current state `current` if it is
/// among the maxima (a tie never moves a site), otherwise the lowest-indexed
/// maximum.
pub fn best_state(fields: &[f64], current: u8) -> u8 {
    let max = fields.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b));
    if fields[current as usize] == max {
        return current;
    }
    fields.iter().position(|&v| v == max).expect("a maximum") as u8
}

/// One synchronous step of eq. (Q13): every site updated from the same `sigma`.
pub fn step(model: &PottsModel, sigma: &[u8]) -> Vec<u8> {
    let mut fields = vec![0.0; model.q()];
    (0..sigma.len())
        .map(|i| {
            local_fields(model, sigma, i, &mut fields);
            best_state(&fields, sigma[i])
        })
        .collect()
}

/// `steps` synchronous steps from `start`. The dynamics is deterministic, so
/// once a step leaves the configuration unchanged (a fixed point) the remaining
/// steps are skipped: the result is the same.
pub fn relax(model: &PottsModel, start: &[u8], steps: usize) -> Vec<u8> {
    let mut sigma = start.to_vec();
    for _ in 0..steps {
        let next = step(model, &sigma);
        if next == sigma {
            break;
        }
        sigma = next;
    }
    sigma
}

/// [`relax`] from each of `starts` (row-major, sequence × site), in parallel;
/// the final configurations in the same layout. Fails if a code is not a state
/// of the model (≥ q) or the lengths do not match.
pub fn relax_all(model: &PottsModel, starts: &[u8], steps: usize) -> Result<Vec<u8>> {
    let (l, q) = (model.l(), model.q());
    ensure(starts.len().is_multiple_of(l), || {
        format!(
            "{} codes are not a whole number of sequences of {l} sites",
            starts.len()
        )
    })?;
    ensure(starts.iter().all(|&c| (c as usize) < q), || {
        format!("a start has a code outside the model's {q} states")
    })?;
    Ok(starts
        .par_chunks(l)
        .flat_map_iter(|s| relax(model, s, steps))
        .collect())
}

/// The identity of two sequences, eq. (Q15): the fraction of positions where
/// they have the same state (the overlap of Potts configurations).
pub fn identity(a: &[u8], b: &[u8]) -> f64 {
    debug_assert_eq!(a.len(), b.len());
    let same = a.iter().zip(b).filter(|(x, y)| x == y).count();
    same as f64 / a.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_keep_the_current_state_else_the_lowest_index() {
        assert_eq!(best_state(&[1.0, 2.0, 2.0], 2), 2);
        assert_eq!(best_state(&[1.0, 2.0, 2.0], 0), 1);
        assert_eq!(best_state(&[0.0, 0.0], 1), 1);
        assert_eq!(best_state(&[-1.0, 3.0, 0.5], 0), 1);
        assert_eq!(identity(&[0, 1, 2, 3], &[0, 1, 0, 0]), 0.5);
    }
}
