//! The Potts pseudo-likelihood against plmc on the shipped DHFR alignment
//! (data/dhfr/, theory/potts.md): sequence weights, and, behind `--ignored`, the
//! coupling scores of a full fit.

use plam::data::msa::{Alphabet, Msa};
use plam::data::sequence_weights::{effective_number, per_record, sequence_weights};
use std::path::PathBuf;

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/dhfr").join(name)
}

fn dhfr() -> Msa {
    Msa::read(&data("DHFR.a2m"), Alphabet::protein(), Some("DYR_ECOLI")).unwrap()
}

/// plmc's weights are printed with 17 significant digits (`%.16e`), which
/// round-trip a double exactly, so the agreement asserted is bit for bit.
#[test]
fn dhfr_weights_equal_plmc() {
    let msa = dhfr();
    assert_eq!((msa.n_records(), msa.n_sequences(), msa.n_sites()), (3629, 3616, 159));
    let w = sequence_weights(&msa, 0.2).unwrap();
    let ours = per_record(&msa, &w);
    let text = std::fs::read_to_string(data("DHFR_weights_raw.txt")).unwrap();
    let plmc: Vec<f64> = text.lines().map(|l| l.trim().parse().unwrap()).collect();
    assert_eq!(plmc.len(), ours.len());
    for (k, (a, b)) in ours.iter().zip(&plmc).enumerate() {
        assert_eq!(a, b, "record {} ({})", k + 1, msa.names()[k]);
    }
    let neff = effective_number(&w);
    assert!((neff - 1568.104).abs() < 1e-3, "N_eff = {neff}");
}

/// The focus columns and plmc's numbering: the residue numbers of
/// DHFR.couplings are exactly the numbering of the focus sites.
#[test]
fn dhfr_numbering_equals_plmc() {
    let msa = dhfr();
    let text = std::fs::read_to_string(data("DHFR.couplings")).unwrap();
    let mut seen = std::collections::BTreeMap::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        seen.insert(f[0].parse::<usize>().unwrap(), f[1].chars().next().unwrap());
        seen.insert(f[2].parse::<usize>().unwrap(), f[3].chars().next().unwrap());
    }
    let ours: std::collections::BTreeMap<usize, char> = msa
        .numbering()
        .iter()
        .copied()
        .zip(msa.focus_symbols())
        .collect();
    assert_eq!(ours, seen);
}
