//! Heatmaps: the shape check of a [`Series::Heatmap`](super::Series), the
//! viridis colour map and the binary one of ±1 images, and the drawing of the cells and of the colour bar
//! to the right of the plotting area.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::figure::ColourMap;
use super::render::{plot_err, Chart};
use super::style::{Rgb, FONT, TICK_SIZE};
use crate::{Error, Result};

/// Pixels reserved right of a heatmap panel's plotting area for the colour
/// bar and its tick labels.
pub(crate) const COLOUR_BAR_SPACE: u32 = 96;

/// Viridis sampled at nine equally spaced points (matplotlib's table at
/// 0, 1/8, …, 1): linear interpolation between them stays within a few
/// units of 255 of the full map, below what the eye can tell.
const VIRIDIS: [(u8, u8, u8); 9] = [
    (68, 1, 84),
    (72, 40, 120),
    (62, 73, 137),
    (49, 104, 142),
    (38, 130, 142),
    (31, 158, 137),
    (53, 183, 121),
    (110, 206, 88),
    (253, 231, 37),
];

/// Grey of cells whose value is not finite (not measured).
const MISSING: Rgb = Rgb(190, 190, 190);

/// The viridis colour of `t` ∈ [0, 1] (clamped; grey for a non-finite `t`).
pub fn viridis(t: f64) -> Rgb {
    if !t.is_finite() {
        return MISSING;
    }
    let s = t.clamp(0.0, 1.0) * (VIRIDIS.len() - 1) as f64;
    let k = (s.floor() as usize).min(VIRIDIS.len() - 2);
    let f = s - k as f64;
    let mix = |a: u8, b: u8| (a as f64 + f * (b as f64 - a as f64)).round() as u8;
    let (a, b) = (VIRIDIS[k], VIRIDIS[k + 1]);
    Rgb(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Refuses a heatmap the renderer cannot draw: edges not finite and
/// increasing, a row count or a row length that does not match the edges
/// (ragged rows), or a range that is not finite and increasing.
pub(crate) fn validate(
    label: &str,
    x_edges: &[f64],
    y_edges: &[f64],
    values: &[Vec<f64>],
    range: (f64, f64),
) -> Result<()> {
    let bad = |m: String| Err(Error::InvalidInput(format!("heatmap '{label}': {m}")));
    for (axis, e) in [("x", x_edges), ("y", y_edges)] {
        if e.len() < 2 || e.iter().any(|v| !v.is_finite()) || e.windows(2).any(|w| w[1] <= w[0]) {
            return bad(format!(
                "{axis} edges must be at least two finite increasing values"
            ));
        }
    }
    if values.len() != y_edges.len() - 1 {
        return bad(format!(
            "{} rows for {} y edges (one row per y cell)",
            values.len(),
            y_edges.len()
        ));
    }
    if let Some((r, row)) = values
        .iter()
        .enumerate()
        .find(|(_, row)| row.len() != x_edges.len() - 1)
    {
        return bad(format!(
            "row {r} has {} values for {} x edges (one value per x cell)",
            row.len(),
            x_edges.len()
        ));
    }
    if !(range.0.is_finite() && range.1.is_finite() && range.1 > range.0) {
        return bad(format!(
            "colour range {range:?} must be finite and increasing"
        ));
    }
    Ok(())
}

/// The colour of a binary image's value `v` over `range`: black at or above
/// the midpoint, white below, [`MISSING`] for a non-finite value.
pub fn binary(v: f64, range: (f64, f64)) -> Rgb {
    if !v.is_finite() {
        MISSING
    } else if v >= 0.5 * (range.0 + range.1) {
        Rgb(0, 0, 0)
    } else {
        Rgb(255, 255, 255)
    }
}

/// Draws the cells of a heatmap on a linear chart.
pub(crate) fn draw_cells<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    x_edges: &[f64],
    y_edges: &[f64],
    values: &[Vec<f64>],
    range: (f64, f64),
    colours: ColourMap,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let width = range.1 - range.0;
    let cells = values.iter().enumerate().flat_map(|(r, row)| {
        row.iter().enumerate().map(move |(c, &v)| {
            let colour = match colours {
                ColourMap::Viridis => viridis((v - range.0) / width),
                ColourMap::Binary => binary(v, range),
            }
            .color();
            Rectangle::new(
                [(x_edges[c], y_edges[r]), (x_edges[c + 1], y_edges[r + 1])],
                colour.filled(),
            )
        })
    });
    chart.draw_series(cells).map_err(plot_err)?;
    Ok(())
}

/// Draws the colour bar of `range` right of the chart's plotting area, the
/// height of that area, with its two ends and midpoint labelled.
pub(crate) fn draw_colour_bar<DB: DrawingBackend>(
    chart: &Chart<'_, DB>,
    cell: &DrawingArea<DB, Shift>,
    range: (f64, f64),
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let area = chart.plotting_area();
    let (ax, ay) = area.get_base_pixel();
    let (cx, cy) = cell.get_base_pixel();
    let (w, h) = area.dim_in_pixel();
    let (x0, y0, h) = (ax - cx + w as i32 + 14, ay - cy, h as i32);
    let x1 = x0 + 18;
    let steps = h.max(1);
    for k in 0..steps {
        let t = 1.0 - (k as f64 + 0.5) / steps as f64;
        let c = viridis(t).color();
        cell.draw(&Rectangle::new(
            [(x0, y0 + k), (x1, y0 + k + 1)],
            c.filled(),
        ))
        .map_err(plot_err)?;
    }
    cell.draw(&Rectangle::new(
        [(x0, y0), (x1, y0 + h)],
        BLACK.stroke_width(1),
    ))
    .map_err(plot_err)?;
    let style = (FONT, TICK_SIZE).into_font().color(&BLACK);
    for (t, v) in [
        (0.0, range.0),
        (0.5, 0.5 * (range.0 + range.1)),
        (1.0, range.1),
    ] {
        let y = y0 + ((1.0 - t) * h as f64).round() as i32;
        cell.draw(&PathElement::new(
            vec![(x1, y), (x1 + 5, y)],
            BLACK.stroke_width(1),
        ))
        .map_err(plot_err)?;
        let text = format!("{}", (v * 100.0).round() / 100.0);
        cell.draw(&Text::new(text, (x1 + 8, y - 10), style.clone()))
            .map_err(plot_err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{Figure, Panel, Series};
    use super::*;

    #[test]
    fn viridis_ends_and_clamps() {
        assert_eq!(viridis(0.0), Rgb(68, 1, 84));
        assert_eq!(viridis(1.0), Rgb(253, 231, 37));
        assert_eq!(viridis(-3.0), viridis(0.0));
        assert_eq!(viridis(7.0), viridis(1.0));
        assert_eq!(viridis(0.5), Rgb(38, 130, 142));
        assert_eq!(viridis(f64::NAN), MISSING);
    }

    fn grid(values: Vec<Vec<f64>>) -> Figure {
        let p = Panel::new("α_D", "α").with(Series::heatmap(
            "m",
            vec![0.0, 1.0, 2.0],
            vec![0.0, 1.0, 2.0],
            values,
            (0.0, 1.0),
        ));
        Figure::new("", 1, vec![p])
    }

    #[test]
    fn ragged_or_misshapen_grids_are_refused() {
        let ragged = grid(vec![vec![0.1, 0.2], vec![0.3]]);
        let e = ragged.to_svg().unwrap_err().to_string();
        assert!(e.contains("row 1 has 1 values"), "{e}");
        assert!(grid(vec![vec![0.1, 0.2]]).to_svg().is_err());
        let p = Panel::new("x", "y").with(Series::heatmap(
            "m",
            vec![0.0, 0.0],
            vec![0.0, 1.0],
            vec![vec![0.5]],
            (0.0, 1.0),
        ));
        assert!(Figure::new("", 1, vec![p]).to_svg().is_err());
        let p = Panel::new("x", "y").with(Series::heatmap(
            "m",
            vec![0.0, 1.0],
            vec![0.0, 1.0],
            vec![vec![0.5]],
            (1.0, 1.0),
        ));
        assert!(Figure::new("", 1, vec![p]).to_svg().is_err());
    }

    /// A binary image maps +1 to black and −1 to white, draws no colour
    /// bar (no viridis colour appears), and keeps its map in the JSON.
    #[test]
    fn binary_image_renders_black_and_white() {
        let p = Panel::new("x", "y").with(Series::image(
            "digit",
            vec![0.0, 1.0, 2.0],
            vec![0.0, 1.0],
            vec![vec![1.0, -1.0]],
        ));
        let f = Figure::new("", 1, vec![p]);
        let svg = f.to_svg().unwrap();
        assert!(svg.contains("#000000") && svg.contains("#FFFFFF"));
        assert!(!svg.contains("#440154"), "a colour bar was drawn");
        assert_eq!(binary(f64::NAN, (-1.0, 1.0)), MISSING);
        let json = serde_json::to_string(&f).unwrap();
        assert!(json.contains("\"colours\":\"Binary\""), "{json}");
        let viridis_json = serde_json::to_string(&grid(vec![vec![0.0, 1.0]; 2])).unwrap();
        assert!(!viridis_json.contains("colours"), "{viridis_json}");
    }

    /// A heatmap with a line on top renders to a non-blank PNG, and its
    /// cells carry the colours of their values.
    #[test]
    fn heatmap_renders_with_lines_on_top() {
        let mut f = grid(vec![vec![0.0, 0.25], vec![f64::NAN, 1.0]]);
        f.panels[0].push(Series::line(
            "line",
            vec![(0.0, 0.0), (2.0, 2.0)],
            super::super::Dash::Dashed,
            super::super::palette::RED,
        ));
        let svg = f.to_svg().unwrap();
        let hex = |c: Rgb| format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2);
        for t in [0.0, 0.25, 1.0, f64::NAN] {
            assert!(svg.contains(&hex(viridis(t))), "colour of {t} missing");
        }
        let dir = std::env::temp_dir().join("plam-heatmap-demo");
        let (_, png) = f.save(&dir, "heatmap").unwrap();
        assert!(std::fs::metadata(png).unwrap().len() > 5_000);
    }
}
