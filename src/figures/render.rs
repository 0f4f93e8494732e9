//! Drawing a [`Figure`] with `plotters`: one drawing code for the vector SVG
//! and the PNG. A panel is drawn as frame and axes, then each series in
//! order, then the legend and the notes.

use std::path::{Path, PathBuf};

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::element::{DashedPathElement, PathElement};
use plotters::prelude::*;

use super::axes::{axis, fit_range, tick_label};
use super::embed::embed_font;
use super::figure::{ColourMap, Dash, Figure, LegendAt, Panel, Series};
use super::heatmap;
use super::style::{
    register_fonts, Rgb, FONT, LABEL_SIZE, LEGEND_SIZE, NOTE_SIZE, TICK_SIZE, TITLE_SIZE,
};
use crate::{Error, Result};

/// A panel's chart: linear coordinates, already log10-transformed where an
/// axis is logarithmic.
pub(crate) type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

impl Figure {
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

    /// Draws the title and every panel on its cell of the grid.
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

/// A plotters error as the crate's error.
pub(crate) fn plot_err<E: std::fmt::Display>(e: E) -> Error {
    Error::Other(format!("plotting failed: {e}"))
}

/// Which axes are logarithmic, and the bottom of the vertical range (the
/// base of histogram bars on a log axis).
#[derive(Debug, Clone, Copy)]
struct Scales {
    x_log: bool,
    y_log: bool,
    y_bottom: f64,
}

impl Scales {
    /// A data point in chart coordinates; `None` if an axis cannot show it.
    fn map(self, x: f64, y: f64) -> Option<(f64, f64)> {
        Some((axis(x, self.x_log)?, axis(y, self.y_log)?))
    }
}

/// Draws one panel: axes, series, legend and notes.
fn draw_panel<DB: DrawingBackend>(panel: &Panel, cell: &DrawingArea<DB, Shift>) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let (mut chart, scales) = draw_axes(panel, cell)?;
    let mut any_label = false;
    for s in &panel.series {
        let label = s.label().to_string();
        any_label |= match s {
            Series::Histogram {
                edges,
                heights,
                errors,
                color,
                ..
            } => draw_histogram(&mut chart, scales, label, edges, heights, errors, *color)?,
            Series::Line {
                xy,
                dash,
                color,
                width,
                ..
            } => draw_line(&mut chart, scales, label, xy, *dash, *color, *width)?,
            Series::Points {
                xy, errors, color, ..
            } => draw_points(&mut chart, scales, label, xy, errors, *color)?,
            Series::Heatmap {
                x_edges,
                y_edges,
                values,
                range,
                colours,
                ..
            } => {
                heatmap::draw_cells(&mut chart, x_edges, y_edges, values, *range, *colours)?;
                false
            }
        };
    }
    if let Some(range) = colour_range(panel) {
        heatmap::draw_colour_bar(&chart, cell, range)?;
    }
    if any_label && panel.legend != LegendAt::None {
        draw_legend(&mut chart, panel.legend)?;
    }
    if !panel.notes.is_empty() {
        draw_notes(&chart, cell, &panel.notes, panel.notes_below)?;
    }
    Ok(())
}

/// The colour range of the panel's first viridis heatmap, if it has one
/// (a binary image has no colour bar).
fn colour_range(panel: &Panel) -> Option<(f64, f64)> {
    panel.series.iter().find_map(|s| match s {
        Series::Heatmap {
            range,
            colours: ColourMap::Viridis,
            ..
        } => Some(*range),
        _ => None,
    })
}

/// Builds the panel's chart on `cell` with ranges fitted to its data, and
/// draws the title, the labelled axes and a full frame.
fn draw_axes<'a, DB: DrawingBackend>(
    panel: &Panel,
    cell: &'a DrawingArea<DB, Shift>,
) -> Result<(Chart<'a, DB>, Scales)>
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
        .margin_right(if colour_range(panel).is_some() {
            heatmap::COLOUR_BAR_SPACE
        } else {
            22
        })
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
    let scales = Scales {
        x_log: xl,
        y_log: yl,
        y_bottom: y0,
    };
    Ok((chart, scales))
}

/// Draws a histogram as translucent bars with darker one-σ error bars;
/// returns whether it added a legend entry.
fn draw_histogram<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    scales: Scales,
    label: String,
    edges: &[f64],
    heights: &[f64],
    errors: &[f64],
    color: Rgb,
) -> Result<bool>
where
    DB::ErrorType: 'static,
{
    let yl = scales.y_log;
    let c = color.color();
    let fill = c.mix(0.55).filled();
    let bars: Vec<Rectangle<(f64, f64)>> = heights
        .iter()
        .enumerate()
        .filter_map(|(k, &h)| {
            let base = if yl { scales.y_bottom } else { 0.0 };
            let a = scales.map(edges[k], 1.0)?.0;
            let b = scales.map(edges[k + 1], 1.0)?.0;
            let top = axis(h, yl)?;
            Some(Rectangle::new([(a, base), (b, top)], fill))
        })
        .collect();
    let anno = chart.draw_series(bars).map_err(plot_err)?;
    let labelled = !label.is_empty();
    if labelled {
        anno.label(label).legend(move |(x, y)| {
            Rectangle::new([(x, y - 7), (x + 22, y + 7)], c.mix(0.55).filled())
        });
    }
    if !errors.is_empty() {
        let dark = color.darker();
        let bars: Vec<PathElement<(f64, f64)>> = heights
            .iter()
            .zip(errors)
            .enumerate()
            .filter(|(_, (_, &e))| e > 0.0)
            .filter_map(|(k, (&h, &e))| {
                let xm = scales.map(0.5 * (edges[k] + edges[k + 1]), 1.0)?.0;
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
    Ok(labelled)
}

/// The curve through `xy` in chart coordinates, split into pieces at the
/// points an axis cannot show, so gaps are honoured.
fn curve_pieces(scales: Scales, xy: &[(f64, f64)]) -> Vec<Vec<(f64, f64)>> {
    let mut segments: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for &(x, y) in xy {
        match scales.map(x, y) {
            Some(p) => segments.last_mut().expect("non-empty").push(p),
            None => segments.push(Vec::new()),
        }
    }
    segments.into_iter().filter(|s| s.len() > 1).collect()
}

/// Draws a line series piece by piece (the first piece carries the legend
/// entry); returns whether it added a legend entry.
fn draw_line<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    scales: Scales,
    label: String,
    xy: &[(f64, f64)],
    dash: Dash,
    color: Rgb,
    width: u32,
) -> Result<bool>
where
    DB::ErrorType: 'static,
{
    let c = color.color();
    let style = c.stroke_width(width);
    let mut labelled = false;
    for (k, seg) in curve_pieces(scales, xy).into_iter().enumerate() {
        let show = k == 0 && !label.is_empty();
        labelled |= show;
        match dash {
            Dash::Solid => {
                let a = chart
                    .draw_series(std::iter::once(PathElement::new(seg, style)))
                    .map_err(plot_err)?;
                if show {
                    a.label(label.clone()).legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 26, y)], c.stroke_width(width))
                    });
                }
            }
            Dash::Dashed | Dash::Dotted => {
                let (on, off) = if dash == Dash::Dashed {
                    (12, 7)
                } else {
                    (3, 5)
                };
                let a = chart
                    .draw_series(std::iter::once(DashedPathElement::new(seg, on, off, style)))
                    .map_err(plot_err)?;
                if show {
                    a.label(label.clone()).legend(move |(x, y)| {
                        DashedPathElement::new(
                            vec![(x, y), (x + 26, y)],
                            on,
                            off,
                            c.stroke_width(width),
                        )
                    });
                }
            }
        }
    }
    Ok(labelled)
}

/// Draws markers with their vertical one-σ error bars (bars first, so the
/// markers sit on top); returns whether it added a legend entry.
fn draw_points<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    scales: Scales,
    label: String,
    xy: &[(f64, f64)],
    errors: &[f64],
    color: Rgb,
) -> Result<bool>
where
    DB::ErrorType: 'static,
{
    let (xl, yl) = (scales.x_log, scales.y_log);
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
        .filter_map(|&(x, y)| scales.map(x, y))
        .map(|p| Circle::new(p, 5, c.filled()))
        .collect();
    let a = chart.draw_series(marks).map_err(plot_err)?;
    let labelled = !label.is_empty();
    if labelled {
        a.label(label)
            .legend(move |(x, y)| Circle::new((x + 13, y), 5, c.filled()));
    }
    Ok(labelled)
}

/// Draws the legend box at `at` (which is not [`LegendAt::None`]).
fn draw_legend<'a, DB: DrawingBackend + 'a>(chart: &mut Chart<'a, DB>, at: LegendAt) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let pos = match at {
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
    Ok(())
}

/// Writes the note lines in the upper (or, `below`, the lower) left corner
/// of the plotting area.
fn draw_notes<DB: DrawingBackend>(
    chart: &Chart<'_, DB>,
    cell: &DrawingArea<DB, Shift>,
    notes: &[String],
    below: bool,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let area = chart.plotting_area();
    let style = (FONT, NOTE_SIZE).into_font().color(&BLACK);
    // Pixel offsets are absolute; the cell draws relative to its corner.
    let (ax, ay) = area.get_base_pixel();
    let (cx, cy) = cell.get_base_pixel();
    let (px0, mut py0) = (ax - cx, ay - cy);
    if below {
        let height = area.dim_in_pixel().1 as i32;
        py0 += height - 12 - 26 * notes.len() as i32;
    }
    for (k, line) in notes.iter().enumerate() {
        let pos = (px0 + 14, py0 + 12 + 26 * k as i32);
        cell.draw(&Text::new(line.clone(), pos, style.clone()))
            .map_err(plot_err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::style::palette;
    use super::*;
    use crate::numerics::statistics::Histogram;

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

    /// Renders a three-panel figure with every series kind, Greek labels and
    /// a log axis to the temporary directory; the files must exist and the
    /// PNG must not be blank.
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
        let h = Histogram::new(&data, -3.0, 5.0, 40).unwrap();
        let right = Panel::new("Δ", "P(Δ)")
            .note("ε = 10⁻³, κ* = 1.23")
            .legend(LegendAt::UpperRight)
            .with(Series::histogram(
                "simulation",
                h.edges,
                h.density,
                h.error,
                palette::ORANGE,
            ))
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
