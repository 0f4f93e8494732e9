//! Axes of a panel: the (possibly logarithmic) coordinate transform, tick
//! labels, and the data range fitted to the series.

/// Transforms a coordinate onto a (possibly logarithmic) axis; `None` for
/// values a log axis cannot show.
pub(crate) fn axis(v: f64, log: bool) -> Option<f64> {
    if !v.is_finite() {
        return None;
    }
    if log {
        (v > 0.0).then(|| v.log10())
    } else {
        Some(v)
    }
}

/// The digits and minus sign of `s` as Unicode superscripts.
fn superscript(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '-' => '⁻',
            '0' => '⁰',
            '1' => '¹',
            '2' => '²',
            '3' => '³',
            '4' => '⁴',
            '5' => '⁵',
            '6' => '⁶',
            '7' => '⁷',
            '8' => '⁸',
            '9' => '⁹',
            c => c,
        })
        .collect()
}

/// Tick label for a (possibly log10-transformed) axis value; `span` is the
/// axis length in decades. Log axes spanning more than 1.5 decades label
/// only the powers of ten (the other ticks stay unlabelled).
pub(crate) fn tick_label(v: f64, log: bool, span: f64) -> String {
    if log {
        let r = v.round();
        if (v - r).abs() < 1e-9 {
            return format!("10{}", superscript(&format!("{}", r as i64)));
        }
        if span > 1.5 {
            return String::new();
        }
        let x = 10f64.powf(v);
        return trim_number(x);
    }
    trim_number(v)
}

/// A tick number with about three significant digits, trailing zeros
/// dropped and a typographic minus sign.
fn trim_number(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let a = v.abs();
    let s = if !(1e-3..1e5).contains(&a) {
        format!("{v:.1e}")
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 0.1 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    };
    let s = if s.contains('.') && !s.contains('e') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    // A typographic minus sign.
    s.replace('-', "−")
}

/// Data range of a panel along one axis, after the log transform, padded.
pub(crate) fn fit_range(
    points: &[(f64, f64)],
    pick_x: bool,
    log: bool,
    fixed: Option<(f64, f64)>,
) -> (f64, f64) {
    if let Some((a, b)) = fixed {
        if let (Some(a), Some(b)) = (axis(a, log), axis(b, log)) {
            if b > a {
                return (a, b);
            }
        }
    }
    let vals = points
        .iter()
        .filter_map(|&(x, y)| axis(if pick_x { x } else { y }, log));
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in vals {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    if hi - lo < 1e-12 {
        let w = if lo.abs() > 0.0 { 0.1 * lo.abs() } else { 1.0 };
        return (lo - w, hi + w);
    }
    let pad = 0.04 * (hi - lo);
    (lo - pad, hi + pad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_labels() {
        assert_eq!(tick_label(2.0, true, 3.0), "10²");
        assert_eq!(tick_label(-1.0, true, 3.0), "10⁻¹");
        assert_eq!(tick_label(0.5, true, 3.0), "");
        assert_eq!(tick_label(0.5, true, 1.0), "3.16");
        assert_eq!(tick_label(0.5, false, 3.0), "0.5");
        assert_eq!(tick_label(-1.25, false, 3.0), "−1.25");
        assert_eq!(tick_label(100.0, false, 3.0), "100");
    }
}
