//! plmc's coupling-score file: six columns `RES_I FOCUS_AI RES_J FOCUS_AJ 0
//! SCORE`, one line per pair of modelled sites, residues numbered as the
//! alignment's focus numbers them (theory/potts.md §1). Written by
//! `plam potts fit` (`couplings.txt`) and read to compare scores with plmc's
//! (`data/dhfr/DHFR.couplings`). In memory the scores are in the suite's pair
//! order: (i, j), i < j over the modelled sites, row-major, pair k =
//! i·L − i(i+1)/2 + (j − i − 1).

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use crate::data::msa::Msa;
use crate::error::{ensure, Error, Result};

/// Index of pair (i, j), i < j < l, in row-major upper-triangle order.
pub fn pair_index(i: usize, j: usize, l: usize) -> usize {
    i * l - i * (i + 1) / 2 + (j - i - 1)
}

/// Writes `scores` (pair order, L(L − 1)/2 values for the L sites of `msa`) in
/// plmc's format, the score with 6 decimals. Fails if the number of scores
/// does not match or the file cannot be written.
pub fn write_scores(path: &Path, msa: &Msa, scores: &[f64]) -> Result<()> {
    let (num, sym) = (msa.numbering(), msa.focus_symbols());
    let l = msa.n_sites();
    ensure(scores.len() == l * (l - 1) / 2, || {
        format!(
            "{} scores for {l} sites, which have {} pairs",
            scores.len(),
            l * (l - 1) / 2
        )
    })?;
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    for i in 0..l {
        for j in i + 1..l {
            writeln!(
                w,
                "{} {} {} {} 0 {:.6}",
                num[i],
                sym[i],
                num[j],
                sym[j],
                scores[pair_index(i, j, l)]
            )?;
        }
    }
    w.flush()?;
    Ok(())
}

/// Parses plmc's scores for the sites of `msa` into pair order. Every line
/// must have six fields, residue numbers of two distinct modelled sites and
/// a finite score; every pair must appear exactly once. Errors name the line.
pub fn parse_scores(text: &str, msa: &Msa) -> Result<Vec<f64>> {
    let site: HashMap<usize, usize> = msa
        .numbering()
        .iter()
        .enumerate()
        .map(|(k, &n)| (n, k))
        .collect();
    let l = msa.n_sites();
    let mut s = vec![f64::NAN; l * (l - 1) / 2];
    for (k, line) in text.lines().enumerate() {
        let line_no = k + 1;
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split_whitespace().collect();
        let bad = |what: &str| Error::InvalidInput(format!("line {line_no}: {what}: '{line}'"));
        if f.len() != 6 {
            return Err(bad(
                "expected 6 columns RES_I FOCUS_AI RES_J FOCUS_AJ 0 SCORE",
            ));
        }
        let num = |c: usize| -> Result<usize> {
            let n: usize = f[c]
                .parse()
                .map_err(|_| bad("a residue number is not an integer"))?;
            site.get(&n)
                .copied()
                .ok_or_else(|| bad(&format!("residue {n} is not a modelled site")))
        };
        let (i, j) = (num(0)?, num(2)?);
        let v: f64 = f[5]
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite())
            .ok_or_else(|| bad("the score is not a finite number"))?;
        if i == j {
            return Err(bad("a site paired with itself"));
        }
        let p = pair_index(i.min(j), i.max(j), l);
        if !s[p].is_nan() {
            return Err(bad("the pair appears twice"));
        }
        s[p] = v;
    }
    let missing = s.iter().filter(|v| v.is_nan()).count();
    ensure(missing == 0, || {
        format!(
            "{missing} of the {} pairs of the {l} sites have no score",
            s.len()
        )
    })?;
    Ok(s)
}

/// Reads plmc's scores from a file (see [`parse_scores`]).
pub fn read_scores(path: &Path, msa: &Msa) -> Result<Vec<f64>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::InvalidInput(format!("cannot read {}: {e}", path.display())))?;
    parse_scores(&text, msa).map_err(|e| match e {
        Error::InvalidInput(m) => Error::InvalidInput(format!("{}: {m}", path.display())),
        e => e,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::msa::Alphabet;

    fn msa() -> Msa {
        // Focus a/3-6: residues at columns 1, 2, 4 → numbers 3, 4, 6.
        Msa::parse(">a/3-6\nAC-D\n>b\nACDD\n", Alphabet::protein(), Some("a")).unwrap()
    }

    #[test]
    fn written_scores_read_back_in_pair_order() {
        let m = msa();
        let s = vec![0.5, -0.25, 1.125];
        let path = std::env::temp_dir().join(format!("plam-plmc-{}.txt", std::process::id()));
        write_scores(&path, &m, &s).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_file(&path).ok();
        assert_eq!(
            text,
            "3 A 4 C 0 0.500000\n3 A 6 D 0 -0.250000\n4 C 6 D 0 1.125000\n"
        );
        assert_eq!(parse_scores(&text, &m).unwrap(), s);
        // Either order of a pair's residues, any line order.
        let swapped = "6 D 4 C 0 1.125\n3 A 4 C 0 0.5\n3 A 6 D 0 -0.25\n";
        assert_eq!(parse_scores(swapped, &m).unwrap(), s);
        assert!(write_scores(&path, &m, &s[..2]).is_err());
    }

    #[test]
    fn malformed_scores_name_the_line() {
        let m = msa();
        let err = |t: &str| parse_scores(t, &m).unwrap_err().to_string();
        let good = "3 A 4 C 0 0.5\n3 A 6 D 0 -0.25\n";
        assert!(err(&format!("{good}4 C 6 D 0\n")).contains("line 3"));
        assert!(err(&format!("{good}4 C 7 D 0 1\n")).contains("residue 7"));
        assert!(err(&format!("{good}4 C 6 D 0 nan\n")).contains("line 3: the score"));
        assert!(err(&format!("{good}4 C 4 C 0 1\n")).contains("itself"));
        assert!(err(&format!("{good}4 C 6 D 0 1\n6 D 4 C 0 1\n")).contains("line 4: the pair"));
        assert!(err(good).contains("1 of the 3 pairs"));
    }
}
