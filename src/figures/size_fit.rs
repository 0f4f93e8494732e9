//! A finite-size fit y(N) = y∞ + b·g(N) (`numerics::extrapolation`) drawn
//! against 1/N, labelled with its limit and why it is not accepted if it is
//! not.

use super::figure::{Dash, Series};
use super::style::Rgb;
use crate::numerics::extrapolation::SizeFit;

/// The fit drawn from 1/N = `x_max` (the smallest size fitted) to N → ∞,
/// its limit in the label to `digits` decimals, marked when its law is
/// rejected by χ² or its exponent leaves the limit undetermined.
pub fn size_fit_line(f: &SizeFit, x_max: f64, digits: usize, color: Rgb) -> Series {
    let mut pts = vec![(0.0, f.limit)];
    pts.extend((1..=60).map(|i| {
        let x = x_max * i as f64 / 60.0;
        (x, f.at(1.0 / x))
    }));
    let (y, e) = (f.limit, f.limit_err);
    let mut label = match f.exponent {
        Some(t) if !f.determines_limit() => {
            format!("fit N^−θ, θ = {t:.2} (grid edge): undetermined")
        }
        Some(t) => format!("fit N^−θ, θ = {t:.2}: {y:.digits$} ± {e:.digits$}"),
        None => format!("fit {}: {y:.digits$} ± {e:.digits$}", f.law.label()),
    };
    if !f.describes_points() {
        label.push_str(&format!(" (rejected, χ² = {:.0})", f.chi2));
    }
    Series::line(label, pts, Dash::Dashed, color)
}
