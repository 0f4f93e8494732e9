//! Checks of the suite's own numerics (theory against simulation within a
//! derived tolerance), their table, `figures/REPORT.md` with the checks and
//! the verdicts, and the JSON data files written next to every figure.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Deserializer, Serialize};

use crate::data::output;
use crate::figures::verdict::Verdict;
use crate::figures::Figure;
use crate::Result;

/// How a check compares its measurement with the tolerance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rule {
    /// Passes when |measured − expected| ≤ tolerance.
    Within,
    /// Passes when measured ≤ tolerance (e.g. a KS distance).
    AtMost,
    /// Passes when measured ≥ tolerance (e.g. a fraction that must be large).
    AtLeast,
}

/// One asserted comparison, e.g. "KS distance of P(Δ) at α = 0.4, λ = 0.8".
/// Read back from a figure's JSON by `plam reproduce --resume`: numbers
/// written as null (NaN, infinities) read back as NaN.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Check {
    /// Which claim produced it (filled in by the runner).
    pub claim: String,
    /// What is compared.
    pub name: String,
    /// The measured value.
    #[serde(deserialize_with = "nan_if_null")]
    pub measured: f64,
    /// The theory's value (for [`Rule::Within`]; NaN otherwise).
    #[serde(deserialize_with = "nan_if_null")]
    pub expected: f64,
    /// The tolerance (see [`Rule`]).
    #[serde(deserialize_with = "nan_if_null")]
    pub tolerance: f64,
    /// How measured, expected and tolerance are compared.
    pub rule: Rule,
    /// Whether the check passed. A non-finite measurement never passes.
    pub passed: bool,
    /// Wall-clock seconds spent on the computation behind this check.
    #[serde(deserialize_with = "nan_if_null")]
    pub runtime: f64,
    /// Where the tolerance comes from (e.g. "4σ sampling, (V3)").
    pub note: String,
}

impl Check {
    fn make(
        name: impl Into<String>,
        measured: f64,
        expected: f64,
        tolerance: f64,
        rule: Rule,
    ) -> Self {
        let passed = measured.is_finite()
            && tolerance.is_finite()
            && match rule {
                Rule::Within => expected.is_finite() && (measured - expected).abs() <= tolerance,
                Rule::AtMost => measured <= tolerance,
                Rule::AtLeast => measured >= tolerance,
            };
        Check {
            claim: String::new(),
            name: name.into(),
            measured,
            expected,
            tolerance,
            rule,
            passed,
            runtime: 0.0,
            note: String::new(),
        }
    }
    /// |measured − expected| ≤ tolerance.
    pub fn within(name: impl Into<String>, measured: f64, expected: f64, tolerance: f64) -> Self {
        Self::make(name, measured, expected, tolerance, Rule::Within)
    }
    /// measured ≤ bound.
    pub fn at_most(name: impl Into<String>, measured: f64, bound: f64) -> Self {
        Self::make(name, measured, f64::NAN, bound, Rule::AtMost)
    }
    /// measured ≥ bound.
    pub fn at_least(name: impl Into<String>, measured: f64, bound: f64) -> Self {
        Self::make(name, measured, f64::NAN, bound, Rule::AtLeast)
    }
    /// Attaches the justification of the tolerance.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = note.into();
        self
    }
    /// Sets the runtime.
    pub fn runtime(mut self, seconds: f64) -> Self {
        self.runtime = seconds;
        self
    }
    /// "PASS" or "FAIL".
    pub fn status(&self) -> &'static str {
        if self.passed {
            "PASS"
        } else {
            "FAIL"
        }
    }
    fn tolerance_text(&self) -> String {
        match self.rule {
            Rule::Within => format!("{} ± {}", num(self.expected), num(self.tolerance)),
            Rule::AtMost => format!("≤ {}", num(self.tolerance)),
            Rule::AtLeast => format!("≥ {}", num(self.tolerance)),
        }
    }
}

/// Reads a number that JSON may hold as null (serde_json writes NaN and
/// ±∞ as null) back as NaN.
pub(crate) fn nan_if_null<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

/// Measures wall-clock time of a piece of work.
#[derive(Debug, Clone, Copy)]
pub struct Stopwatch(Instant);

impl Stopwatch {
    /// Starts timing.
    pub fn start() -> Self {
        Stopwatch(Instant::now())
    }
    /// Seconds since the start.
    pub fn seconds(&self) -> f64 {
        self.0.elapsed().as_secs_f64()
    }
}

/// A number for the tables: 4 decimals, or 3 significant digits in
/// scientific notation outside [10⁻³, 10⁴).
pub(crate) fn num(v: f64) -> String {
    if !v.is_finite() {
        return format!("{v}");
    }
    let a = v.abs();
    if a != 0.0 && !(1e-3..1e4).contains(&a) {
        format!("{v:.3e}")
    } else {
        format!("{v:.4}")
    }
}

/// The checks as a plain-text table for the terminal.
pub fn table(checks: &[Check]) -> String {
    let rows: Vec<[String; 6]> = checks
        .iter()
        .map(|c| {
            [
                c.claim.clone(),
                c.name.clone(),
                num(c.measured),
                c.tolerance_text(),
                c.status().to_string(),
                format!("{:.1}s", c.runtime),
            ]
        })
        .collect();
    let head = [
        "claim",
        "check",
        "measured",
        "tolerance",
        "status",
        "runtime",
    ];
    let mut w = head.map(|h| h.chars().count());
    for r in &rows {
        for (k, c) in r.iter().enumerate() {
            w[k] = w[k].max(c.chars().count());
        }
    }
    let line = |cells: &[String]| -> String {
        let mut s = String::new();
        for (k, c) in cells.iter().enumerate() {
            let pad = w[k] - c.chars().count();
            let _ = write!(s, "{c}{}  ", " ".repeat(pad));
        }
        s.trim_end().to_string()
    };
    let mut out = line(&head.map(String::from));
    out.push('\n');
    out.push_str(&line(&w.map(|n| "-".repeat(n))));
    out.push('\n');
    for r in &rows {
        out.push_str(&line(r));
        out.push('\n');
    }
    for c in checks.iter().filter(|c| !c.passed) {
        let _ = writeln!(out, "FAIL {} / {}: {}", c.claim, c.name, c.note);
    }
    let failed = checks.iter().filter(|c| !c.passed).count();
    let _ = writeln!(
        out,
        "{} checks, {} passed, {} failed",
        checks.len(),
        checks.len() - failed,
        failed
    );
    out
}

/// Escapes a table cell for Markdown.
fn md(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Writes `dir/REPORT.md`: how the run was made, the table of checks (name,
/// measured, tolerance, PASS/FAIL, runtime, justification) and the table of
/// verdicts (claim, source, measurement, criterion, outcome).
pub fn write_report(
    dir: &Path,
    header: &str,
    checks: &[Check],
    verdicts: &[Verdict],
) -> Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let mut s = String::new();
    let failed = checks.iter().filter(|c| !c.passed).count();
    let _ = writeln!(s, "# Validation report\n");
    let _ = writeln!(s, "{header}\n");
    let _ = writeln!(s, "## Checks: the suite's own numerics\n");
    let _ = writeln!(
        s,
        "A FAIL means something in the suite broke; `plam reproduce` exits 0 only when every \
         check passes.\n"
    );
    let _ = writeln!(
        s,
        "**{} checks: {} PASS, {} FAIL.**\n",
        checks.len(),
        checks.len() - failed,
        failed
    );
    let _ = writeln!(
        s,
        "| claim | check | measured | tolerance | status | runtime | justification |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|---|");
    for c in checks {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {:.1} s | {} |",
            md(&c.claim),
            md(&c.name),
            num(c.measured),
            md(&c.tolerance_text()),
            c.status(),
            c.runtime,
            md(&c.note)
        );
    }
    verdict_section(&mut s, verdicts);
    let path = dir.join("REPORT.md");
    std::fs::write(&path, s)?;
    Ok(path)
}

/// The verdicts section of `REPORT.md`.
fn verdict_section(s: &mut String, verdicts: &[Verdict]) {
    use crate::figures::verdict::Outcome;
    let count = |o: Outcome| verdicts.iter().filter(|v| v.outcome == o).count();
    let _ = writeln!(s, "\n## Verdicts: claims of the paper and the literature\n");
    let _ = writeln!(
        s,
        "A contradicted claim is a finding, not a broken build. The outcome is computed from \
         the measurement by the criterion in its row.\n"
    );
    let _ = writeln!(
        s,
        "**{} verdicts: {} CONFIRMED, {} CONTRADICTED, {} INCONCLUSIVE.**\n",
        verdicts.len(),
        count(Outcome::Confirmed),
        count(Outcome::Contradicted),
        count(Outcome::Inconclusive)
    );
    let _ = writeln!(
        s,
        "| claim | statement | source | claimed | measured | criterion | verdict |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|---|");
    for v in verdicts {
        let claimed = if v.claimed.is_finite() {
            num(v.claimed)
        } else {
            "—".into()
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | **{}** |",
            md(&v.claim),
            md(&v.statement),
            md(&v.source),
            claimed,
            md(&v.measurement),
            md(&v.rule_text()),
            v.status()
        );
    }
}

/// Writes a serialisable value as pretty JSON to `dir/NAME.json`.
pub fn write_json<T: Serialize + ?Sized>(dir: &Path, name: &str, value: &T) -> Result<PathBuf> {
    output::create_dir(dir)?;
    let path = dir.join(format!("{name}.json"));
    output::write_json(&path, value)?;
    Ok(path)
}

/// Everything written next to a figure: the figure as drawn, the run's
/// parameters and seeds, the checks, and any extra data.
#[derive(Serialize)]
struct FigureFile<'a, M: Serialize> {
    name: &'a str,
    crate_version: &'static str,
    metadata: &'a M,
    checks: &'a [Check],
    verdicts: &'a [Verdict],
    figure: &'a Figure,
}

/// Renders `figure` to `dir/NAME.svg` and `dir/NAME.png` and writes the
/// plotted data with `metadata` (sizes, seeds, extra arrays), the checks
/// and the verdicts to `dir/NAME.json`.
pub fn save_figure<M: Serialize>(
    dir: &Path,
    name: &str,
    figure: &Figure,
    metadata: &M,
    checks: &[Check],
    verdicts: &[Verdict],
) -> Result<()> {
    figure.save(dir, name)?;
    write_json(
        dir,
        name,
        &FigureFile {
            name,
            crate_version: env!("CARGO_PKG_VERSION"),
            metadata,
            checks,
            verdicts,
            figure,
        },
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_and_non_finite_values() {
        assert!(Check::within("a", 1.05, 1.0, 0.1).passed);
        assert!(!Check::within("a", 1.2, 1.0, 0.1).passed);
        assert!(!Check::within("a", f64::NAN, 1.0, 0.1).passed);
        assert!(Check::at_most("ks", 0.01, 0.02).passed);
        assert!(!Check::at_most("ks", 0.03, 0.02).passed);
        assert!(!Check::at_most("ks", f64::NAN, 0.02).passed);
        assert!(Check::at_least("p", 0.99, 0.95).passed);
        assert!(!Check::at_least("p", 0.9, 0.95).passed);
    }

    #[test]
    fn report_has_one_row_per_check() {
        let mut a = Check::within("mean | Δ", 1.0, 1.0, 0.1).note("σ/√n");
        a.claim = "demo".into();
        let b = Check::at_most("ks", 0.5, 0.1);
        let t = table(&[a.clone(), b.clone()]);
        assert!(t.contains("PASS") && t.contains("FAIL") && t.contains("1 failed"));
        let dir = std::env::temp_dir().join(format!("plam-report-{}", std::process::id()));
        let mut v = Verdict::value("α_c = 1", "paper", 1.0, 1.86, 0.03, 0.0);
        v.claim = "demo".into();
        let p = write_report(&dir, "test", &[a, b], &[v]).unwrap();
        let text = std::fs::read_to_string(p).unwrap();
        let rows = text
            .lines()
            .filter(|l| l.starts_with("| ") && !l.starts_with("| claim"))
            .count();
        // Two checks and one verdict.
        assert_eq!(rows, 3);
        assert!(text.contains("**CONTRADICTED**"));
        assert!(text.contains("mean \\| Δ"));
        std::fs::remove_dir_all(dir).ok();
    }
}
