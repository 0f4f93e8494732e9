//! The figure style: panel size, font sizes, colours, and the font itself.
//!
//! Fonts never come from the system: DejaVu Sans (from the `dejavu` crate) is
//! registered with plotters' `ab_glyph` text engine for the PNG (and embedded
//! in every SVG by `figures::embed`), so Greek letters (α, λ, Δ, κ, ε) render
//! identically everywhere.

use std::sync::Once;

use plotters::style::{FontStyle, RGBColor};
use serde::Serialize;

/// Font family name under which DejaVu Sans is registered with plotters.
pub(crate) const FONT: &str = "DejaVu Sans";

/// Width of one panel in pixels (PNG) or user units (SVG).
pub const PANEL_WIDTH: u32 = 640;
/// Height of one panel in pixels (PNG) or user units (SVG).
pub const PANEL_HEIGHT: u32 = 480;
/// Height added above the panels for a figure title.
pub(crate) const FIGURE_TITLE_HEIGHT: u32 = 50;

/// Font size (in plotters' size units) of the figure title.
pub(crate) const TITLE_SIZE: f64 = 30.0;
/// Font size of panel titles and axis labels.
pub(crate) const LABEL_SIZE: f64 = 26.0;
/// Font size of tick labels.
pub(crate) const TICK_SIZE: f64 = 22.0;
/// Font size of legend entries.
pub(crate) const LEGEND_SIZE: f64 = 21.0;
/// Font size of the notes in a panel's corner.
pub(crate) const NOTE_SIZE: f64 = 21.0;

/// A colour as 8-bit RGB, part of the figure data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// The plotters colour.
    pub(crate) fn color(self) -> RGBColor {
        RGBColor(self.0, self.1, self.2)
    }

    /// The same hue at 60 % brightness (error bars over a translucent fill).
    pub(crate) fn darker(self) -> RGBColor {
        RGBColor(
            (self.0 as f64 * 0.6) as u8,
            (self.1 as f64 * 0.6) as u8,
            (self.2 as f64 * 0.6) as u8,
        )
    }
}

/// The figure palette: a viridis-like sequence for parameter sweeps plus
/// fixed colours for the reference curves.
pub mod palette {
    use super::Rgb;
    /// Black, for theory curves that are not part of a sweep.
    pub const BLACK: Rgb = Rgb(20, 20, 20);
    /// Red, used for the Hebbian reference (as in the paper).
    pub const RED: Rgb = Rgb(214, 39, 40);
    /// Orange, used for the maximal-margin limit and simulation histograms.
    pub const ORANGE: Rgb = Rgb(255, 157, 40);
    /// Blue, used for theory curves overlaid on histograms.
    pub const BLUE: Rgb = Rgb(31, 119, 180);
    /// Grey, for guides (zero lines, bounds).
    pub const GREY: Rgb = Rgb(120, 120, 120);
    /// Viridis-like sequence for sweeps over a parameter.
    pub const SEQ: [Rgb; 6] = [
        Rgb(68, 1, 84),
        Rgb(59, 82, 139),
        Rgb(33, 145, 140),
        Rgb(94, 201, 98),
        Rgb(181, 222, 43),
        Rgb(230, 160, 0),
    ];
    /// Colour `k` of the sweep sequence (cycling).
    pub fn seq(k: usize) -> Rgb {
        SEQ[k % SEQ.len()]
    }
}

/// Registers DejaVu Sans (regular, oblique, bold) with plotters, once.
pub(crate) fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bytes are compiled in; a failure here would be a corrupt crate,
        // in which case text falls back to nothing and `font_is_registered`
        // reports it.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
        let _ = plotters::style::register_font(FONT, FontStyle::Oblique, dejavu::sans::oblique());
        let _ = plotters::style::register_font(FONT, FontStyle::Italic, dejavu::sans::oblique());
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold());
    });
}

/// Whether the embedded font can lay out text.
#[cfg(test)]
pub(crate) fn font_is_registered() -> bool {
    use plotters::style::{FontDesc, IntoFont};
    register_fonts();
    let style: FontDesc = (FONT, 20.0).into_font();
    matches!(style.box_size("αλΔκε"), Ok((w, _)) if w > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_font_lays_out_greek() {
        assert!(font_is_registered());
    }
}
