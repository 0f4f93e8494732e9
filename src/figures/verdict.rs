//! Verdicts on claims of the paper or the literature: what the suite
//! measured, against what was claimed, decided by a rule computed from the
//! measurement. A refuted claim is a finding, not a broken build: verdicts
//! never make `plam reproduce` fail (checks of the suite's own numerics do,
//! see [`crate::figures::report::Check`]).

use std::fmt::Write as _;

use serde::{Deserialize, Deserializer, Serialize};

use super::report::{nan_if_null, num};

/// The decision on a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// The measurement agrees with the claim within the confirming interval.
    Confirmed,
    /// The measurement lies outside the interval compatible with the claim.
    Contradicted,
    /// Neither: between the two intervals, or the data cannot decide.
    Inconclusive,
}

impl Outcome {
    /// "CONFIRMED", "CONTRADICTED" or "INCONCLUSIVE".
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Confirmed => "CONFIRMED",
            Outcome::Contradicted => "CONTRADICTED",
            Outcome::Inconclusive => "INCONCLUSIVE",
        }
    }
}

/// A closed interval of measured values; either end may be infinite
/// (serialised as null in JSON, read back as −∞ for `lo` and +∞ for `hi`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// Lower end.
    #[serde(deserialize_with = "minus_infinity_if_null")]
    pub lo: f64,
    /// Upper end.
    #[serde(deserialize_with = "infinity_if_null")]
    pub hi: f64,
}

fn minus_infinity_if_null<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NEG_INFINITY))
}

fn infinity_if_null<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::INFINITY))
}

impl Interval {
    /// [lo, hi].
    pub fn new(lo: f64, hi: f64) -> Self {
        Interval { lo, hi }
    }
    /// [c − h, c + h].
    pub fn around(c: f64, h: f64) -> Self {
        Interval::new(c - h, c + h)
    }
    /// [lo, ∞).
    pub fn at_least(lo: f64) -> Self {
        Interval::new(lo, f64::INFINITY)
    }
    /// (−∞, hi].
    pub fn at_most(hi: f64) -> Self {
        Interval::new(f64::NEG_INFINITY, hi)
    }
    /// Whether `x` lies in the interval (never for NaN).
    pub fn contains(&self, x: f64) -> bool {
        self.lo <= x && x <= self.hi
    }
    fn text(&self) -> String {
        match (self.lo.is_finite(), self.hi.is_finite()) {
            (true, true) => format!("[{}, {}]", num(self.lo), num(self.hi)),
            (true, false) => format!("≥ {}", num(self.lo)),
            (false, true) => format!("≤ {}", num(self.hi)),
            (false, false) => "any".into(),
        }
    }
}

/// The outcome rule. `undecidable` (the run's conditions do not match the
/// claim's, with the reason) and a non-finite measurement give
/// INCONCLUSIVE; otherwise a measurement outside `compatible` is
/// CONTRADICTED, one inside `confirming` CONFIRMED, and one in between
/// INCONCLUSIVE. `confirming` should lie inside `compatible`; a measurement
/// in `confirming` but not in `compatible` is CONTRADICTED.
pub fn decide(
    measured: f64,
    confirming: Interval,
    compatible: Interval,
    undecidable: Option<&str>,
) -> Outcome {
    if undecidable.is_some() || !measured.is_finite() {
        Outcome::Inconclusive
    } else if !compatible.contains(measured) {
        Outcome::Contradicted
    } else if confirming.contains(measured) {
        Outcome::Confirmed
    } else {
        Outcome::Inconclusive
    }
}

/// One claim of the paper or the literature and what the suite measured.
/// Numbers written as null in JSON read back as NaN.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Verdict {
    /// Which validation claim produced it (filled in by the runner).
    pub claim: String,
    /// The claim in words. It names no run size, so the quick and the full
    /// run's verdicts on one claim carry the same statement.
    pub statement: String,
    /// Where the claim is made (paper and figure or section, or a reference).
    pub source: String,
    /// The claimed value (NaN when the claim is not a number, e.g. an ordering).
    #[serde(deserialize_with = "nan_if_null")]
    pub claimed: f64,
    /// The measured quantity the rule is applied to.
    #[serde(deserialize_with = "nan_if_null")]
    pub measured: f64,
    /// Its standard error (NaN when it has none, e.g. a grid bracket).
    #[serde(deserialize_with = "nan_if_null")]
    pub uncertainty: f64,
    /// What was measured, in words with its uncertainty and the run's size.
    pub measurement: String,
    /// Measured values that confirm the claim.
    pub confirming: Interval,
    /// Measured values compatible with the claim; outside: contradicted.
    pub compatible: Interval,
    /// The criterion in words, with where its thresholds come from.
    pub criterion: String,
    /// Why the data cannot decide, when they cannot (then INCONCLUSIVE).
    pub undecidable: Option<String>,
    /// The decision, computed by [`decide`].
    pub outcome: Outcome,
    /// Wall-clock seconds of the computation behind the measurement.
    pub runtime: f64,
}

impl Verdict {
    /// A verdict on `statement` (from `source`): `measured` against the
    /// confirming and compatible intervals; the outcome is computed here.
    pub fn new(
        statement: impl Into<String>,
        source: impl Into<String>,
        measured: f64,
        confirming: Interval,
        compatible: Interval,
    ) -> Self {
        Verdict {
            claim: String::new(),
            statement: statement.into(),
            source: source.into(),
            claimed: f64::NAN,
            measured,
            uncertainty: f64::NAN,
            measurement: String::new(),
            confirming,
            compatible,
            criterion: String::new(),
            undecidable: None,
            outcome: decide(measured, confirming, compatible, None),
            runtime: 0.0,
        }
    }

    /// A claimed value c against a measurement m with standard error σ and a
    /// deterministic allowance s (finite size, interpolation): CONFIRMED if
    /// |m − c| ≤ 2σ + s (c inside the measurement's ≈95% interval),
    /// CONTRADICTED if |m − c| > 4σ + s (the 4σ convention of
    /// theory/validation.md: 6·10⁻⁵ two-sided for a Gaussian estimator),
    /// INCONCLUSIVE between.
    pub fn value(
        statement: impl Into<String>,
        source: impl Into<String>,
        claimed: f64,
        measured: f64,
        sigma: f64,
        allowance: f64,
    ) -> Self {
        let mut v = Verdict::new(
            statement,
            source,
            measured,
            Interval::around(claimed, 2.0 * sigma + allowance),
            Interval::around(claimed, 4.0 * sigma + allowance),
        );
        v.claimed = claimed;
        v.uncertainty = sigma;
        v.criterion = if allowance > 0.0 {
            format!(
                "CONFIRMED if |m − c| ≤ 2σ + s, CONTRADICTED if > 4σ + s (σ = {}, s = {})",
                num(sigma),
                num(allowance)
            )
        } else {
            format!(
                "CONFIRMED if |m − c| ≤ 2σ, CONTRADICTED if > 4σ (σ = {})",
                num(sigma)
            )
        };
        v.measurement = format!("{} ± {}", num(measured), num(sigma));
        v
    }

    /// Sets the claimed value.
    pub fn claimed(mut self, c: f64) -> Self {
        self.claimed = c;
        self
    }
    /// Sets the standard error of the measurement.
    pub fn uncertainty(mut self, sigma: f64) -> Self {
        self.uncertainty = sigma;
        self
    }
    /// Describes the measurement (value, uncertainty, size).
    pub fn measurement(mut self, text: impl Into<String>) -> Self {
        self.measurement = text.into();
        self
    }
    /// Describes the criterion and where its thresholds come from.
    pub fn criterion(mut self, text: impl Into<String>) -> Self {
        self.criterion = text.into();
        self
    }
    /// Adds to the criterion (e.g. the derivation of an allowance).
    pub fn because(mut self, text: impl AsRef<str>) -> Self {
        if !self.criterion.is_empty() {
            self.criterion.push_str("; ");
        }
        self.criterion.push_str(text.as_ref());
        self
    }
    /// Declares that the data cannot decide (the outcome becomes
    /// INCONCLUSIVE) when `reason` is `Some`.
    pub fn undecidable(mut self, reason: Option<String>) -> Self {
        self.undecidable = reason;
        self.outcome = decide(
            self.measured,
            self.confirming,
            self.compatible,
            self.undecidable.as_deref(),
        );
        self
    }
    /// Sets the runtime.
    pub fn runtime(mut self, seconds: f64) -> Self {
        self.runtime = seconds;
        self
    }
    /// The rule in words with its intervals (and the reason when undecidable).
    pub fn rule_text(&self) -> String {
        let mut s = format!(
            "confirmed: m {}; compatible: m {}",
            self.confirming.text(),
            self.compatible.text()
        );
        if !self.criterion.is_empty() {
            let _ = write!(s, "; {}", self.criterion);
        }
        if let Some(r) = &self.undecidable {
            let _ = write!(s, "; cannot decide: {r}");
        }
        s
    }
    /// "CONFIRMED", "CONTRADICTED" or "INCONCLUSIVE".
    pub fn status(&self) -> &'static str {
        self.outcome.label()
    }
}

/// The verdicts as a plain-text block for the terminal, one claim per
/// paragraph, with the count of each outcome.
pub fn verdict_table(verdicts: &[Verdict]) -> String {
    let mut out = String::new();
    for v in verdicts {
        let _ = writeln!(
            out,
            "{:<12}  {} / {}\n              claim: {} ({})\n              measured: {}{}",
            v.status(),
            v.claim,
            v.statement,
            if v.claimed.is_finite() {
                num(v.claimed)
            } else {
                "see statement".into()
            },
            v.source,
            v.measurement,
            v.undecidable.as_ref().map_or(String::new(), |r| format!(
                "\n              cannot decide: {r}"
            ))
        );
    }
    let count = |o: Outcome| verdicts.iter().filter(|v| v.outcome == o).count();
    let _ = writeln!(
        out,
        "{} verdicts: {} CONFIRMED, {} CONTRADICTED, {} INCONCLUSIVE",
        verdicts.len(),
        count(Outcome::Confirmed),
        count(Outcome::Contradicted),
        count(Outcome::Inconclusive)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_rule_on_a_value() {
        // c = 1, σ = 0.1: confirmed within 0.2, contradicted beyond 0.4.
        let at = |m: f64| Verdict::value("x", "y", 1.0, m, 0.1, 0.0).outcome;
        assert_eq!(at(1.15), Outcome::Confirmed);
        assert_eq!(at(0.85), Outcome::Confirmed);
        assert_eq!(at(1.3), Outcome::Inconclusive);
        assert_eq!(at(0.7), Outcome::Inconclusive);
        assert_eq!(at(1.5), Outcome::Contradicted);
        assert_eq!(at(0.5), Outcome::Contradicted);
        assert_eq!(at(f64::NAN), Outcome::Inconclusive);
        // The allowance widens both intervals by s.
        assert_eq!(
            Verdict::value("x", "y", 1.0, 1.3, 0.1, 0.1).outcome,
            Outcome::Confirmed
        );
        assert_eq!(
            Verdict::value("x", "y", 1.0, 1.45, 0.1, 0.1).outcome,
            Outcome::Inconclusive
        );
    }

    #[test]
    fn one_sided_rule_and_undecidable() {
        // "z ≥ 3 confirms, z < −3 contradicts".
        let at = |z: f64| {
            Verdict::new(
                "x",
                "y",
                z,
                Interval::at_least(3.0),
                Interval::at_least(-3.0),
            )
            .outcome
        };
        assert_eq!(at(5.0), Outcome::Confirmed);
        assert_eq!(at(0.0), Outcome::Inconclusive);
        assert_eq!(at(-3.5), Outcome::Contradicted);
        let v = Verdict::value("x", "y", 1.0, 5.0, 0.1, 0.0);
        assert_eq!(v.outcome, Outcome::Contradicted);
        let v = v.undecidable(Some("wrong N".into()));
        assert_eq!(v.outcome, Outcome::Inconclusive);
        assert!(v.rule_text().contains("wrong N"));
        assert_eq!(v.undecidable(None).outcome, Outcome::Contradicted);
    }

    #[test]
    fn table_counts_outcomes() {
        let mut a = Verdict::value("a = 1", "paper", 1.0, 1.0, 0.1, 0.0);
        a.claim = "demo".into();
        let b = Verdict::value("b = 1", "paper", 1.0, 9.0, 0.1, 0.0);
        let t = verdict_table(&[a, b]);
        assert!(t.contains("CONFIRMED") && t.contains("CONTRADICTED"));
        assert!(t.contains("2 verdicts: 1 CONFIRMED, 1 CONTRADICTED, 0 INCONCLUSIVE"));
    }
}
