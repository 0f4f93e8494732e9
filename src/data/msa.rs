//! Multiple sequence alignments: the FASTA/A2M reader, the alphabet and the
//! focus sequence (theory/potts.md §1).
//!
//! A record is a `>name` line followed by sequence lines. Lines starting with
//! `#` before the first record are a comment preamble (Pfam-derived FASTA files
//! such as `data/ww/` carry one); after it `#` is an ordinary foreign
//! character. In A2M, upper-case
//! letters and `-` are match columns; lower-case letters and `.` are insertions
//! and are dropped, so every record must then have the same number of match
//! columns. A record with a letter outside the alphabet (`X`, `B`, `Z`, …) is
//! kept in the record list but skipped from the data, as plmc does; any other
//! character (digits, punctuation, spaces inside a line) makes the input
//! malformed and is refused with the line number.
//!
//! With a focus sequence the modelled sites are the match columns where the focus
//! has a residue (not a gap). Sites are numbered as plmc numbers them: column
//! index (from 1) plus the start of the focus name's `/start-end` range minus 1.

use crate::error::{ensure, Error, Result};

/// The amino-acid alphabet in plmc's order, the gap first.
pub const PROTEIN: &str = "-ACDEFGHIKLMNPQRSTVWY";

/// An alphabet: the symbols of the states, code k ↔ `symbols[k]`, and the code of
/// the gap if the alphabet has one (`-`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alphabet {
    symbols: Vec<u8>,
    gap: Option<u8>,
}

impl Alphabet {
    /// The 21-letter protein alphabet `-ACDEFGHIKLMNPQRSTVWY` (gap = code 0).
    pub fn protein() -> Self {
        Self::custom(PROTEIN).expect("the protein alphabet is valid")
    }

    /// An alphabet of the given distinct printable ASCII symbols (at least 2, at
    /// most 64); `-` if present is the gap. Letters are case-insensitive on input.
    pub fn custom(symbols: &str) -> Result<Self> {
        let s: Vec<u8> = symbols.bytes().collect();
        ensure((2..=64).contains(&s.len()), || {
            format!("an alphabet needs 2 to 64 symbols, got {:?}", symbols)
        })?;
        for (k, &c) in s.iter().enumerate() {
            ensure(c.is_ascii_graphic() && c != b'>' && c != b'.', || {
                format!("alphabet symbol {:?} is not allowed", c as char)
            })?;
            ensure(c.is_ascii_uppercase() || !c.is_ascii_alphabetic(), || {
                format!("alphabet letters must be upper case, got {:?}", c as char)
            })?;
            ensure(!s[..k].contains(&c), || {
                format!("alphabet symbol {:?} is repeated", c as char)
            })?;
        }
        let gap = s.iter().position(|&c| c == b'-').map(|k| k as u8);
        Ok(Self { symbols: s, gap })
    }

    /// Number of states q (the gap included).
    pub fn q(&self) -> usize {
        self.symbols.len()
    }

    /// The code of the gap, if the alphabet has one.
    pub fn gap(&self) -> Option<u8> {
        self.gap
    }

    /// The symbol of code `k`.
    pub fn symbol(&self, k: u8) -> char {
        self.symbols[k as usize] as char
    }

    /// The symbols in code order.
    pub fn symbols(&self) -> String {
        String::from_utf8_lossy(&self.symbols).into_owned()
    }

    fn code(&self, c: u8) -> Option<u8> {
        self.symbols.iter().position(|&s| s == c).map(|k| k as u8)
    }
}

/// An alignment reduced to its modelled sites: the kept sequences as codes,
/// the names of all records, the focus and the site numbering.
#[derive(Debug, Clone)]
pub struct Msa {
    alphabet: Alphabet,
    names: Vec<String>,
    kept: Vec<usize>,
    codes: Vec<u8>,
    n_sites: usize,
    focus: Option<usize>,
    numbering: Vec<usize>,
}

/// One record as read: name, line of its header, match columns as upper-case
/// bytes (`-` for gaps, insertions dropped).
struct Record {
    name: String,
    line: usize,
    columns: Vec<u8>,
}

impl Msa {
    /// Reads FASTA/A2M text (see the module documentation). `focus` selects the
    /// first record whose name starts with it (as plmc's `-f`); `None` keeps
    /// every match column and numbers them from 1.
    pub fn parse(text: &str, alphabet: Alphabet, focus: Option<&str>) -> Result<Self> {
        let records = read_records(text, &alphabet)?;
        let width = records[0].columns.len();
        for r in &records {
            ensure(r.columns.len() == width, || {
                format!(
                    "record '{}' (line {}) has {} match columns, the first record has {}",
                    r.name,
                    r.line,
                    r.columns.len(),
                    width
                )
            })?;
        }
        let focus_ix = match focus {
            None => None,
            Some(f) => Some(
                records
                    .iter()
                    .position(|r| r.name.starts_with(f))
                    .ok_or_else(|| {
                        Error::InvalidInput(format!("no sequence name starts with focus '{f}'"))
                    })?,
            ),
        };
        let columns: Vec<usize> = match focus_ix {
            None => (0..width).collect(),
            Some(k) => (0..width)
                .filter(|&c| records[k].columns[c] != b'-')
                .collect(),
        };
        ensure(!columns.is_empty(), || {
            "the focus sequence has no residue".into()
        })?;
        let start = focus_ix.map_or(1, |k| range_start(&records[k].name, focus.unwrap()));
        let numbering = columns.iter().map(|&c| c + start).collect();
        let mut kept = Vec::new();
        let mut codes = Vec::with_capacity(records.len() * columns.len());
        for (s, r) in records.iter().enumerate() {
            let row: Option<Vec<u8>> = r.columns.iter().map(|&c| alphabet.code(c)).collect();
            if let Some(row) = row {
                kept.push(s);
                codes.extend(columns.iter().map(|&c| row[c]));
            }
        }
        ensure(!kept.is_empty(), || {
            "every sequence has a letter outside the alphabet".into()
        })?;
        ensure(focus_ix.is_none_or(|k| kept.contains(&k)), || {
            "the focus sequence has a letter outside the alphabet".into()
        })?;
        Ok(Self {
            alphabet,
            names: records.into_iter().map(|r| r.name).collect(),
            kept,
            codes,
            n_sites: columns.len(),
            focus: focus_ix,
            numbering,
        })
    }

    /// Reads a FASTA/A2M file (see [`Msa::parse`]).
    pub fn read(path: &std::path::Path, alphabet: Alphabet, focus: Option<&str>) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::InvalidInput(format!("cannot read {}: {e}", path.display())))?;
        Self::parse(&text, alphabet, focus)
    }

    /// The alphabet.
    pub fn alphabet(&self) -> &Alphabet {
        &self.alphabet
    }

    /// Number of modelled sites L.
    pub fn n_sites(&self) -> usize {
        self.n_sites
    }

    /// Number of kept sequences.
    pub fn n_sequences(&self) -> usize {
        self.kept.len()
    }

    /// Number of records in the file (kept and skipped).
    pub fn n_records(&self) -> usize {
        self.names.len()
    }

    /// The names of all records, in file order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Record index (file order) of each kept sequence.
    pub fn kept(&self) -> &[usize] {
        &self.kept
    }

    /// The codes of kept sequence `s` over the modelled sites.
    pub fn sequence(&self, s: usize) -> &[u8] {
        &self.codes[s * self.n_sites..(s + 1) * self.n_sites]
    }

    /// All kept sequences' codes, row-major (sequence × site).
    pub fn codes(&self) -> &[u8] {
        &self.codes
    }

    /// Record index of the focus sequence, if one was selected.
    pub fn focus(&self) -> Option<usize> {
        self.focus
    }

    /// The focus residue of each site (`-` for every site without a focus).
    pub fn focus_symbols(&self) -> Vec<char> {
        match self.focus {
            None => vec!['-'; self.n_sites],
            Some(k) => {
                let s = self
                    .kept
                    .iter()
                    .position(|&r| r == k)
                    .expect("focus is kept");
                self.sequence(s)
                    .iter()
                    .map(|&c| self.alphabet.symbol(c))
                    .collect()
            }
        }
    }

    /// The number of each site (plmc's numbering, see the module documentation).
    pub fn numbering(&self) -> &[usize] {
        &self.numbering
    }
}

/// The start of the `/start-end` range that follows the focus prefix in the focus
/// record's name, or 1 if there is none (plmc's rule).
fn range_start(name: &str, prefix: &str) -> usize {
    let digits: String = name[prefix.len()..]
        .strip_prefix('/')
        .unwrap_or("")
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().unwrap_or(1)
}

/// Splits the text into records, drops insertions (lower case, `.`) and refuses
/// characters that are neither letters, `-` nor symbols of the alphabet.
fn read_records(text: &str, alphabet: &Alphabet) -> Result<Vec<Record>> {
    let mut records: Vec<Record> = Vec::new();
    for (k, raw) in text.lines().enumerate() {
        let line_no = k + 1;
        let line = raw.trim_end();
        if let Some(name) = line.strip_prefix('>') {
            let name = name.trim().to_string();
            ensure(!name.is_empty(), || {
                format!("line {line_no}: empty sequence name")
            })?;
            records.push(Record {
                name,
                line: line_no,
                columns: Vec::new(),
            });
            continue;
        }
        if line.is_empty() || (records.is_empty() && line.starts_with('#')) {
            continue;
        }
        let rec = records.last_mut().ok_or_else(|| {
            Error::InvalidInput(format!(
                "line {line_no}: sequence data before the first '>' header"
            ))
        })?;
        for (col, c) in line.bytes().enumerate() {
            match c {
                b'a'..=b'z' | b'.' => {}
                b'-' | b'A'..=b'Z' => rec.columns.push(c),
                c if alphabet.code(c).is_some() => rec.columns.push(c),
                _ => {
                    return Err(Error::InvalidInput(format!(
                    "line {line_no}, column {}: character {:?} is not a residue, gap or insertion",
                    col + 1,
                    c as char
                )))
                }
            }
        }
    }
    ensure(!records.is_empty(), || {
        "the alignment has no '>' record".into()
    })?;
    for r in &records {
        ensure(!r.columns.is_empty(), || {
            format!("record '{}' (line {}) has no match column", r.name, r.line)
        })?;
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insertions_dropped_and_focus_columns_selected() {
        let text = ">a/5-9\nAC-DeF.G\n>b\nA-CDxg.LY\n>c\nAXCDF-\n";
        let m = Msa::parse(text, Alphabet::protein(), Some("a")).unwrap();
        // Match columns: a = AC-DFG, b = A-CDLY, c = AXCDF- (skipped: X).
        assert_eq!(m.n_records(), 3);
        assert_eq!(m.kept(), &[0, 1]);
        assert_eq!(m.n_sites(), 5);
        assert_eq!(m.numbering(), &[5, 6, 8, 9, 10]);
        assert_eq!(m.focus_symbols(), vec!['A', 'C', 'D', 'F', 'G']);
        let sym = |s: usize| -> String {
            m.sequence(s)
                .iter()
                .map(|&c| m.alphabet().symbol(c))
                .collect()
        };
        assert_eq!(sym(1), "A-DLY");
    }

    #[test]
    fn malformed_input_names_the_line() {
        let err = |t: &str| {
            Msa::parse(t, Alphabet::protein(), None)
                .unwrap_err()
                .to_string()
        };
        assert!(err("ACD\n>a\nACD\n").contains("line 1"));
        // '#' opens a comment only before the first record.
        assert!(err("# c\n>a\nACD\n# c\n").contains("line 4, column 1"));
        assert!(err(">a\nACD\n>b\nAC1\n").contains("line 4, column 3"));
        assert!(err(">a\nACD\n>b\nACDE\n").contains("line 3"));
        assert!(err(">a\nACD\n>\nACD\n").contains("line 3"));
        assert!(err("").contains("no '>' record"));
        let e = Msa::parse(">a\nACD\n", Alphabet::protein(), Some("zz")).unwrap_err();
        assert!(e.to_string().contains("focus 'zz'"));
    }

    #[test]
    fn comment_preamble_is_skipped() {
        let text = "# WW domain\n#\n\n>a/2-4\nA.CD\n>b\nAcC-\n";
        let m = Msa::parse(text, Alphabet::protein(), None).unwrap();
        assert_eq!((m.n_records(), m.n_sites()), (2, 3));
        assert_eq!(m.names()[0], "a/2-4");
        assert_eq!(m.sequence(1), &[1, 2, 0]);
    }

    #[test]
    fn custom_alphabet() {
        let a = Alphabet::custom("_*^").unwrap();
        assert_eq!((a.q(), a.gap()), (3, None));
        let m = Msa::parse(">1\n_*^\n>2\n^^_\n", a, None).unwrap();
        assert_eq!(m.codes(), &[0, 1, 2, 2, 2, 0]);
        assert!(Alphabet::custom("AA").is_err());
        assert!(Alphabet::custom("a-").is_err());
    }
}
