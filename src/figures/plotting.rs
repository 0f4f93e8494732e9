//! Publication figures: one consistent style on top of `plotters`, rendered
//! from the same drawing code to vector SVG and to PNG.
//!
//! A [`Figure`] is plain data (panels of line series, histograms with error
//! bars and points with error bars), so the very object that is drawn is also
//! what gets serialised next to the figure as `NAME.json`.
//!
//! Fonts never come from the system: DejaVu Sans (from the `dejavu` crate) is
//! registered with plotters' `ab_glyph` text engine for the PNG, and embedded
//! as a base64 `@font-face` in every SVG, so Greek letters (α, λ, Δ, κ, ε)
//! render identically everywhere.

use std::path::{Path, PathBuf};
use std::sync::Once;

use plotters::coord::Shift;
use plotters::element::{DashedPathElement, PathElement};
use plotters::prelude::*;
use plotters::style::FontStyle;
use serde::Serialize;

use crate::{Error, Result};

/// Font family name under which DejaVu Sans is registered with plotters.
pub const FONT: &str = "DejaVu Sans";

/// Width of one panel in pixels (PNG) or user units (SVG).
pub const PANEL_WIDTH: u32 = 640;
/// Height of one panel in pixels (PNG) or user units (SVG).
pub const PANEL_HEIGHT: u32 = 480;

/// Font sizes (in plotters' size units) of the figure style.
const TITLE_SIZE: f64 = 30.0;
const LABEL_SIZE: f64 = 26.0;
const TICK_SIZE: f64 = 22.0;
const LEGEND_SIZE: f64 = 21.0;
const NOTE_SIZE: f64 = 21.0;

/// A colour as 8-bit RGB, part of the figure data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    fn color(self) -> RGBColor {
        RGBColor(self.0, self.1, self.2)
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

/// How a line is stroked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Dash {
    /// Continuous line.
    Solid,
    /// Long dashes.
    Dashed,
    /// Short dots.
    Dotted,
}

/// One data series of a panel.
#[derive(Debug, Clone, Serialize)]
pub enum Series {
    /// A curve through `(x, y)` points (non-finite points break the curve).
    Line {
        /// Legend entry (empty: no legend entry).
        label: String,
        /// The points.
        xy: Vec<(f64, f64)>,
        /// Stroke pattern.
        dash: Dash,
        /// Colour.
        color: Rgb,
        /// Stroke width in pixels.
        width: u32,
    },
    /// A histogram: `edges.len() == heights.len() + 1`, drawn as translucent
    /// bars with one-σ error bars when `errors` is given.
    Histogram {
        /// Legend entry.
        label: String,
        /// Bin edges, increasing.
        edges: Vec<f64>,
        /// Bar heights (usually a density).
        heights: Vec<f64>,
        /// One-σ sampling errors of the heights (empty: none drawn).
        errors: Vec<f64>,
        /// Colour.
        color: Rgb,
    },
    /// Markers with optional vertical one-σ error bars.
    Points {
        /// Legend entry.
        label: String,
        /// The points.
        xy: Vec<(f64, f64)>,
        /// One-σ errors of y (empty: none drawn).
        errors: Vec<f64>,
        /// Colour.
        color: Rgb,
    },
}

impl Series {
    /// A line series.
    pub fn line(label: impl Into<String>, xy: Vec<(f64, f64)>, dash: Dash, color: Rgb) -> Self {
        Series::Line {
            label: label.into(),
            xy,
            dash,
            color,
            width: 3,
        }
    }
    /// A histogram series (heights and errors must match the bins).
    pub fn histogram(
        label: impl Into<String>,
        edges: Vec<f64>,
        heights: Vec<f64>,
        errors: Vec<f64>,
        color: Rgb,
    ) -> Self {
        Series::Histogram {
            label: label.into(),
            edges,
            heights,
            errors,
            color,
        }
    }
    /// A point series with (possibly empty) error bars.
    pub fn points(
        label: impl Into<String>,
        xy: Vec<(f64, f64)>,
        errors: Vec<f64>,
        color: Rgb,
    ) -> Self {
        Series::Points {
            label: label.into(),
            xy,
            errors,
            color,
        }
    }

    fn label(&self) -> &str {
        match self {
            Series::Line { label, .. }
            | Series::Histogram { label, .. }
            | Series::Points { label, .. } => label,
        }
    }

    /// All finite (x, y) extents the series wants visible, with error bars.
    fn extent(&self) -> Vec<(f64, f64)> {
        match self {
            Series::Line { xy, .. } => xy.clone(),
            Series::Histogram {
                edges,
                heights,
                errors,
                ..
            } => {
                let mut v: Vec<(f64, f64)> = edges.iter().map(|&e| (e, 0.0)).collect();
                for (k, &h) in heights.iter().enumerate() {
                    let e = errors.get(k).copied().unwrap_or(0.0);
                    v.push((edges[k], h + e));
                }
                v
            }
            Series::Points { xy, errors, .. } => {
                let mut v = Vec::with_capacity(2 * xy.len());
                for (k, &(x, y)) in xy.iter().enumerate() {
                    let e = errors.get(k).copied().unwrap_or(0.0);
                    v.push((x, y - e));
                    v.push((x, y + e));
                }
                v
            }
        }
    }
}

/// Where a panel's legend sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum LegendAt {
    /// Upper right corner.
    UpperRight,
    /// Upper left corner.
    UpperLeft,
    /// Lower right corner.
    LowerRight,
    /// Lower left corner.
    LowerLeft,
    /// No legend.
    None,
}

/// One chart: axes, series, legend and free-text notes.
#[derive(Debug, Clone, Serialize)]
pub struct Panel {
    /// Title above the panel (may be empty).
    pub title: String,
    /// Horizontal axis label.
    pub x_label: String,
    /// Vertical axis label.
    pub y_label: String,
    /// Horizontal range (None: fitted to the data).
    pub x_range: Option<(f64, f64)>,
    /// Vertical range (None: fitted to the data).
    pub y_range: Option<(f64, f64)>,
    /// Logarithmic horizontal axis.
    pub x_log: bool,
    /// Logarithmic vertical axis.
    pub y_log: bool,
    /// The data.
    pub series: Vec<Series>,
    /// Legend position.
    pub legend: LegendAt,
    /// Lines of text drawn in the upper left corner of the plotting area.
    pub notes: Vec<String>,
}

impl Panel {
    /// An empty panel with axis labels, automatic ranges and a legend in
    /// the upper right corner.
    pub fn new(x_label: impl Into<String>, y_label: impl Into<String>) -> Self {
        Panel {
            title: String::new(),
            x_label: x_label.into(),
            y_label: y_label.into(),
            x_range: None,
            y_range: None,
            x_log: false,
            y_log: false,
            series: Vec::new(),
            legend: LegendAt::UpperRight,
            notes: Vec::new(),
        }
    }
    /// Sets the title.
    pub fn title(mut self, t: impl Into<String>) -> Self {
        self.title = t.into();
        self
    }
    /// Fixes the horizontal range.
    pub fn x_range(mut self, lo: f64, hi: f64) -> Self {
        self.x_range = Some((lo, hi));
        self
    }
    /// Fixes the vertical range.
    pub fn y_range(mut self, lo: f64, hi: f64) -> Self {
        self.y_range = Some((lo, hi));
        self
    }
    /// Logarithmic horizontal axis.
    pub fn x_log(mut self) -> Self {
        self.x_log = true;
        self
    }
    /// Logarithmic vertical axis.
    pub fn y_log(mut self) -> Self {
        self.y_log = true;
        self
    }
    /// Legend position.
    pub fn legend(mut self, at: LegendAt) -> Self {
        self.legend = at;
        self
    }
    /// Adds a note line.
    pub fn note(mut self, s: impl Into<String>) -> Self {
        self.notes.push(s.into());
        self
    }
    /// Adds a series.
    pub fn with(mut self, s: Series) -> Self {
        self.series.push(s);
        self
    }
    /// Adds a series in place.
    pub fn push(&mut self, s: Series) {
        self.series.push(s);
    }
}

/// A figure: panels on a grid of `cols` columns, with an optional title.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    /// Title across the top (may be empty).
    pub title: String,
    /// Number of panel columns.
    pub cols: usize,
    /// Panels, row by row.
    pub panels: Vec<Panel>,
}

impl Figure {
    /// A figure with the given panels laid out on `cols` columns.
    pub fn new(title: impl Into<String>, cols: usize, panels: Vec<Panel>) -> Self {
        Figure {
            title: title.into(),
            cols: cols.max(1),
            panels,
        }
    }

    fn rows(&self) -> usize {
        self.panels.len().div_ceil(self.cols).max(1)
    }

    /// Size of the whole figure in pixels.
    pub fn size(&self) -> (u32, u32) {
        let extra = if self.title.is_empty() { 0 } else { 50 };
        (
            PANEL_WIDTH * self.cols as u32,
            PANEL_HEIGHT * self.rows() as u32 + extra,
        )
    }

    /// Renders the figure to `dir/NAME.svg` and `dir/NAME.png`, returning
    /// both paths.
    pub fn save(&self, dir: &Path, name: &str) -> Result<(PathBuf, PathBuf)> {
        self.validate()?;
        std::fs::create_dir_all(dir)?;
        let svg_path = dir.join(format!("{name}.svg"));
        let png_path = dir.join(format!("{name}.png"));
        std::fs::write(&svg_path, self.to_svg()?)?;
        {
            let root = BitMapBackend::new(&png_path, self.size()).into_drawing_area();
            self.draw(&root)?;
            root.present().map_err(plot_err)?;
        }
        Ok((svg_path, png_path))
    }

    /// Renders the figure to an SVG document with the font embedded.
    pub fn to_svg(&self) -> Result<String> {
        self.validate()?;
        let mut s = String::new();
        {
            let root = SVGBackend::with_string(&mut s, self.size()).into_drawing_area();
            self.draw(&root)?;
            root.present().map_err(plot_err)?;
        }
        Ok(embed_font(&s))
    }

    /// Checks the figure data for shapes the renderer cannot draw.
    fn validate(&self) -> Result<()> {
        if self.panels.is_empty() {
            return Err(Error::InvalidInput(
                "a figure needs at least one panel".into(),
            ));
        }
        for p in &self.panels {
            for s in &p.series {
                match s {
                    Series::Histogram {
                        label,
                        edges,
                        heights,
                        errors,
                        ..
                    } => {
                        if edges.len() != heights.len() + 1
                            || !(errors.is_empty() || errors.len() == heights.len())
                        {
                            return Err(Error::InvalidInput(format!(
                                "histogram '{label}': {} edges, {} heights, {} errors",
                                edges.len(),
                                heights.len(),
                                errors.len()
                            )));
                        }
                        if edges
                            .windows(2)
                            .any(|w| w[1].partial_cmp(&w[0]) != Some(std::cmp::Ordering::Greater))
                        {
                            return Err(Error::InvalidInput(format!(
                                "histogram '{label}': edges must be finite and increasing"
                            )));
                        }
                    }
                    Series::Points {
                        label, xy, errors, ..
                    } => {
                        if !(errors.is_empty() || errors.len() == xy.len()) {
                            return Err(Error::InvalidInput(format!(
                                "points '{label}': {} points but {} errors",
                                xy.len(),
                                errors.len()
                            )));
                        }
                    }
                    Series::Line { .. } => {}
                }
            }
        }
        Ok(())
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        register_fonts();
        root.fill(&WHITE).map_err(plot_err)?;
        let area = if self.title.is_empty() {
            root.clone()
        } else {
            root.titled(&self.title, (FONT, TITLE_SIZE).into_font().color(&BLACK))
                .map_err(plot_err)?
        };
        let cells = area.split_evenly((self.rows(), self.cols));
        for (panel, cell) in self.panels.iter().zip(cells.iter()) {
            draw_panel(panel, cell)?;
        }
        Ok(())
    }
}

fn plot_err<E: std::fmt::Display>(e: E) -> Error {
    Error::Other(format!("plotting failed: {e}"))
}

/// Registers DejaVu Sans (regular, oblique, bold) with plotters, once.
pub fn register_fonts() {
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

/// Whether the embedded font can lay out text (used by the tests).
pub fn font_is_registered() -> bool {
    register_fonts();
    let style: FontDesc = (FONT, 20.0).into_font();
    matches!(style.box_size("αλΔκε"), Ok((w, _)) if w > 0)
}

/// Transforms a coordinate onto a (possibly logarithmic) axis; `None` for
/// values a log axis cannot show.
fn axis(v: f64, log: bool) -> Option<f64> {
    if !v.is_finite() {
        return None;
    }
    if log {
        (v > 0.0).then(|| v.log10())
    } else {
        Some(v)
    }
}

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
fn tick_label(v: f64, log: bool, span: f64) -> String {
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
fn fit_range(
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

fn draw_panel<DB: DrawingBackend>(panel: &Panel, cell: &DrawingArea<DB, Shift>) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let all: Vec<(f64, f64)> = panel.series.iter().flat_map(|s| s.extent()).collect();
    let (x0, x1) = fit_range(&all, true, panel.x_log, panel.x_range);
    let (y0, y1) = fit_range(&all, false, panel.y_log, panel.y_range);
    let (xl, yl) = (panel.x_log, panel.y_log);

    let mut builder = ChartBuilder::on(cell);
    builder
        .margin_left(10)
        .margin_right(22)
        .margin_top(if panel.title.is_empty() { 18 } else { 8 })
        .margin_bottom(8)
        .x_label_area_size(62)
        .y_label_area_size(86);
    if !panel.title.is_empty() {
        builder.caption(&panel.title, (FONT, LABEL_SIZE).into_font().color(&BLACK));
    }
    let mut chart = builder
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(plot_err)?;

    let (xspan, yspan) = (x1 - x0, y1 - y0);
    let xf = move |v: &f64| tick_label(*v, xl, xspan);
    let yf = move |v: &f64| tick_label(*v, yl, yspan);
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(6)
        .y_labels(6)
        .x_label_formatter(&xf)
        .y_label_formatter(&yf)
        .x_desc(panel.x_label.as_str())
        .y_desc(panel.y_label.as_str())
        .axis_desc_style((FONT, LABEL_SIZE).into_font().color(&BLACK))
        .label_style((FONT, TICK_SIZE).into_font().color(&BLACK))
        .axis_style(BLACK.stroke_width(2))
        .draw()
        .map_err(plot_err)?;

    // A full frame around the plotting area (the mesh draws only two axes).
    chart
        .draw_series(std::iter::once(Rectangle::new(
            [(x0, y0), (x1, y1)],
            BLACK.stroke_width(2),
        )))
        .map_err(plot_err)?;

    let map = |x: f64, y: f64| -> Option<(f64, f64)> { Some((axis(x, xl)?, axis(y, yl)?)) };
    let mut any_label = false;
    for s in &panel.series {
        let label = s.label().to_string();
        match s {
            Series::Histogram {
                edges,
                heights,
                errors,
                color,
                ..
            } => {
                let c = color.color();
                let fill = c.mix(0.55).filled();
                let bars: Vec<Rectangle<(f64, f64)>> = heights
                    .iter()
                    .enumerate()
                    .filter_map(|(k, &h)| {
                        let base = if yl { y0 } else { 0.0 };
                        let a = map(edges[k], 1.0)?.0;
                        let b = map(edges[k + 1], 1.0)?.0;
                        let top = axis(h, yl)?;
                        Some(Rectangle::new([(a, base), (b, top)], fill))
                    })
                    .collect();
                let anno = chart.draw_series(bars).map_err(plot_err)?;
                if !label.is_empty() {
                    any_label = true;
                    anno.label(label).legend(move |(x, y)| {
                        Rectangle::new([(x, y - 7), (x + 22, y + 7)], c.mix(0.55).filled())
                    });
                }
                if !errors.is_empty() {
                    let dark = RGBColor(
                        (color.0 as f64 * 0.6) as u8,
                        (color.1 as f64 * 0.6) as u8,
                        (color.2 as f64 * 0.6) as u8,
                    );
                    let bars: Vec<PathElement<(f64, f64)>> = heights
                        .iter()
                        .zip(errors)
                        .enumerate()
                        .filter(|(_, (_, &e))| e > 0.0)
                        .filter_map(|(k, (&h, &e))| {
                            let xm = map(0.5 * (edges[k] + edges[k + 1]), 1.0)?.0;
                            let lo = axis((h - e).max(if yl { h * 1e-3 } else { f64::MIN }), yl)?;
                            let hi = axis(h + e, yl)?;
                            Some(PathElement::new(
                                vec![(xm, lo), (xm, hi)],
                                dark.stroke_width(1),
                            ))
                        })
                        .collect();
                    chart.draw_series(bars).map_err(plot_err)?;
                }
            }
            Series::Line {
                xy,
                dash,
                color,
                width,
                ..
            } => {
                let c = color.color();
                let style = c.stroke_width(*width);
                // Split at non-finite points so gaps are honoured.
                let mut segments: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
                for &(x, y) in xy {
                    match map(x, y) {
                        Some(p) => segments.last_mut().expect("non-empty").push(p),
                        None => segments.push(Vec::new()),
                    }
                }
                let mut first = true;
                for seg in segments.into_iter().filter(|s| s.len() > 1) {
                    let show = first && !label.is_empty();
                    first = false;
                    let w = *width;
                    match dash {
                        Dash::Solid => {
                            let a = chart
                                .draw_series(std::iter::once(PathElement::new(seg, style)))
                                .map_err(plot_err)?;
                            if show {
                                any_label = true;
                                a.label(label.clone()).legend(move |(x, y)| {
                                    PathElement::new(vec![(x, y), (x + 26, y)], c.stroke_width(w))
                                });
                            }
                        }
                        Dash::Dashed | Dash::Dotted => {
                            let (on, off) = if *dash == Dash::Dashed {
                                (12, 7)
                            } else {
                                (3, 5)
                            };
                            let a = chart
                                .draw_series(std::iter::once(DashedPathElement::new(
                                    seg, on, off, style,
                                )))
                                .map_err(plot_err)?;
                            if show {
                                any_label = true;
                                a.label(label.clone()).legend(move |(x, y)| {
                                    DashedPathElement::new(
                                        vec![(x, y), (x + 26, y)],
                                        on,
                                        off,
                                        c.stroke_width(w),
                                    )
                                });
                            }
                        }
                    }
                }
            }
            Series::Points {
                xy, errors, color, ..
            } => {
                let c = color.color();
                if !errors.is_empty() {
                    let bars: Vec<PathElement<(f64, f64)>> = xy
                        .iter()
                        .zip(errors)
                        .filter_map(|(&(x, y), &e)| {
                            let xm = axis(x, xl)?;
                            let lo = if yl {
                                axis((y - e).max(y * 1e-3), true)?
                            } else {
                                axis(y - e, false)?
                            };
                            let hi = axis(y + e, yl)?;
                            Some(PathElement::new(
                                vec![(xm, lo), (xm, hi)],
                                c.stroke_width(2),
                            ))
                        })
                        .collect();
                    chart.draw_series(bars).map_err(plot_err)?;
                }
                let marks: Vec<Circle<(f64, f64), i32>> = xy
                    .iter()
                    .filter_map(|&(x, y)| map(x, y))
                    .map(|p| Circle::new(p, 5, c.filled()))
                    .collect();
                let a = chart.draw_series(marks).map_err(plot_err)?;
                if !label.is_empty() {
                    any_label = true;
                    a.label(label)
                        .legend(move |(x, y)| Circle::new((x + 13, y), 5, c.filled()));
                }
            }
        }
    }

    if any_label && panel.legend != LegendAt::None {
        let pos = match panel.legend {
            LegendAt::UpperLeft => SeriesLabelPosition::UpperLeft,
            LegendAt::LowerRight => SeriesLabelPosition::LowerRight,
            LegendAt::LowerLeft => SeriesLabelPosition::LowerLeft,
            _ => SeriesLabelPosition::UpperRight,
        };
        chart
            .configure_series_labels()
            .position(pos)
            .margin(12)
            .legend_area_size(34)
            .label_font((FONT, LEGEND_SIZE).into_font().color(&BLACK))
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(170, 170, 170))
            .draw()
            .map_err(plot_err)?;
    }

    if !panel.notes.is_empty() {
        let area = chart.plotting_area();
        let style = (FONT, NOTE_SIZE).into_font().color(&BLACK);
        // Pixel offsets are absolute; the cell draws relative to its corner.
        let (ax, ay) = area.get_base_pixel();
        let (cx, cy) = cell.get_base_pixel();
        let (px0, py0) = (ax - cx, ay - cy);
        for (k, line) in panel.notes.iter().enumerate() {
            let pos = (px0 + 14, py0 + 12 + 26 * k as i32);
            cell.draw(&Text::new(line.clone(), pos, style.clone()))
                .map_err(plot_err)?;
        }
    }
    Ok(())
}

/// Inserts DejaVu Sans as a base64 `@font-face` right after the opening
/// `<svg …>` tag, so the SVG renders with the same glyphs on any machine.
fn embed_font(svg: &str) -> String {
    let Some(open) = svg.find("<svg") else {
        return svg.to_string();
    };
    let Some(end) = svg[open..].find('>') else {
        return svg.to_string();
    };
    let at = open + end + 1;
    let face = format!(
        "\n<defs><style type=\"text/css\">@font-face {{ font-family: '{FONT}'; \
         src: url(data:font/ttf;base64,{}) format('truetype'); }}</style></defs>",
        base64(dejavu::sans::regular())
    );
    let mut out = String::with_capacity(svg.len() + face.len());
    out.push_str(&svg[..at]);
    out.push_str(&face);
    out.push_str(&svg[at..]);
    out
}

/// Standard base64 (RFC 4648) with padding.
fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 {
            T[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            T[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

/// A density histogram of `data` on `bins` equal bins over `[lo, hi]`, with
/// the one-σ binomial error of each bin (values outside the range count in
/// the normalisation but not in any bin, so the bars integrate to the
/// fraction of data inside).
pub fn density_histogram(
    data: &[f64],
    lo: f64,
    hi: f64,
    bins: usize,
) -> Result<(Vec<f64>, Vec<f64>, Vec<f64>)> {
    if !(lo.is_finite() && hi.is_finite() && hi > lo) || bins == 0 || data.is_empty() {
        return Err(Error::InvalidInput(format!(
            "density_histogram needs data, bins > 0 and finite lo < hi (got {} points, {bins} bins, [{lo}, {hi}])",
            data.len()
        )));
    }
    let w = (hi - lo) / bins as f64;
    let mut counts = vec![0usize; bins];
    for &v in data {
        if v >= lo && v < hi {
            let k = (((v - lo) / w) as usize).min(bins - 1);
            counts[k] += 1;
        }
    }
    let n = data.len() as f64;
    let edges = (0..=bins).map(|k| lo + w * k as f64).collect();
    let heights = counts.iter().map(|&c| c as f64 / (n * w)).collect();
    let errors = counts
        .iter()
        .map(|&c| {
            let p = c as f64 / n;
            (p * (1.0 - p) / n).sqrt() / w
        })
        .collect();
    Ok((edges, heights, errors))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(i.as_bytes()), o);
        }
    }

    #[test]
    fn embedded_font_lays_out_greek() {
        assert!(font_is_registered());
    }

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

    #[test]
    fn histogram_integrates_to_inside_fraction() {
        let data: Vec<f64> = (0..1000).map(|k| k as f64 / 1000.0).collect();
        let (e, h, err) = density_histogram(&data, 0.0, 0.5, 10).unwrap();
        let mass: f64 = h
            .iter()
            .zip(e.windows(2))
            .map(|(h, w)| h * (w[1] - w[0]))
            .sum();
        // 500 of the 1000 equally spaced points lie in [0, 0.5): exact up to
        // floating-point rounding of the bin assignment.
        assert!((mass - 0.5).abs() < 1e-12, "{mass}");
        assert!(err.iter().all(|&s| s > 0.0));
        assert!(density_histogram(&data, 1.0, 0.0, 10).is_err());
    }

    #[test]
    fn svg_embeds_font_and_rejects_bad_histograms() {
        let p = Panel::new("Δ", "P(Δ)").with(Series::line(
            "λ = 1",
            vec![(0.0, 0.0), (1.0, 1.0)],
            Dash::Dashed,
            palette::BLUE,
        ));
        let svg = Figure::new("", 1, vec![p]).to_svg().unwrap();
        assert!(svg.contains("@font-face") && svg.contains("λ = 1"));
        let bad = Panel::new("x", "y").with(Series::histogram(
            "h",
            vec![0.0, 1.0],
            vec![1.0, 2.0],
            vec![],
            palette::ORANGE,
        ));
        assert!(Figure::new("", 1, vec![bad]).to_svg().is_err());
    }
}

#[cfg(test)]
mod render_tests {
    use super::*;

    /// Renders a two-panel figure with every series kind, Greek labels and a
    /// log axis to the temporary directory; the files must exist and the PNG
    /// must not be blank.
    #[test]
    fn demo_figure_renders_to_svg_and_png() {
        let gauss = |m: f64, s: f64| -> Vec<(f64, f64)> {
            (0..=200)
                .map(|k| {
                    let x = -1.0 + 5.0 * k as f64 / 200.0;
                    (x, crate::numerics::normal::pdf((x - m) / s) / s)
                })
                .collect()
        };
        let mut left = Panel::new("stability Δ", "distribution P(Δ)")
            .note("α = 0.4")
            .with(Series::line(
                "Hebbian",
                gauss(1.58, 1.0),
                Dash::Dotted,
                palette::RED,
            ));
        for (k, s) in [0.7, 0.4, 0.2].iter().enumerate() {
            left.push(Series::line(
                format!("λ = {}", [0.2, 0.8, 1.6][k]),
                gauss(1.5, *s),
                Dash::Solid,
                palette::seq(k),
            ));
        }
        left.push(Series::line(
            "κ = κ*",
            gauss(1.3, 0.05),
            Dash::Dashed,
            palette::ORANGE,
        ));
        use statrs::distribution::ContinuousCDF;
        let n01 = statrs::distribution::Normal::standard();
        let data: Vec<f64> = (0..4000)
            .map(|k| 1.0 + n01.inverse_cdf((k as f64 + 0.5) / 4000.0))
            .collect();
        let (e, h, err) = density_histogram(&data, -3.0, 5.0, 40).unwrap();
        let right = Panel::new("Δ", "P(Δ)")
            .note("ε = 10⁻³, κ* = 1.23")
            .legend(LegendAt::UpperRight)
            .with(Series::histogram("simulation", e, h, err, palette::ORANGE))
            .with(Series::line(
                "theory",
                gauss(1.0, 1.0),
                Dash::Solid,
                palette::BLUE,
            ));
        let logp = Panel::new("epoch t", "norm λ")
            .x_log()
            .legend(LegendAt::UpperLeft)
            .with(Series::points(
                "N = 200",
                (0..5)
                    .map(|k| (10f64.powi(k), 0.2 * k as f64 + 0.1))
                    .collect(),
                vec![0.05; 5],
                palette::BLACK,
            ));
        let fig = Figure::new("demo", 3, vec![left, right, logp]);
        let dir = std::env::temp_dir().join("plam-plot-demo");
        let (svg, png) = fig.save(&dir, "demo").unwrap();
        assert!(std::fs::metadata(svg).unwrap().len() > 100_000); // font embedded
        assert!(std::fs::metadata(png).unwrap().len() > 10_000);
    }
}
