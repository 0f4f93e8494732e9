//! The figure data model: a [`Figure`] is panels of [`Series`] (line curves,
//! histograms with error bars, points with error bars, heatmaps), plain data, so the
//! very object that is drawn is also what gets serialised next to the
//! figure as `NAME.json` ([`super::report::save_figure`]).

use serde::Serialize;

use super::style::{Rgb, FIGURE_TITLE_HEIGHT, PANEL_HEIGHT, PANEL_WIDTH};
use crate::{Error, Result};

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
    /// A value on a rectangular (x, y) grid (linear axes) drawn as coloured cells
    /// (viridis over `range`, non-finite values grey) with a colour bar
    /// beside the panel; series after it are drawn on top.
    Heatmap {
        /// What the colour shows (kept with the data; no legend entry).
        label: String,
        /// Cell edges along x, increasing: one more than the columns.
        x_edges: Vec<f64>,
        /// Cell edges along y, increasing: one more than the rows.
        y_edges: Vec<f64>,
        /// The values, one row per y cell (bottom first), each with one
        /// value per x cell.
        values: Vec<Vec<f64>>,
        /// The values mapped to the two ends of the colour map (clamped).
        range: (f64, f64),
        /// How values become colours (viridis unless stated).
        #[serde(skip_serializing_if = "ColourMap::is_viridis")]
        colours: ColourMap,
    },
}

/// How a heatmap's values become colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ColourMap {
    /// Viridis over the range, with a colour bar.
    Viridis,
    /// A binary image: values at or above the range's midpoint black, below
    /// it white, non-finite values light grey; no colour bar.
    Binary,
}

impl ColourMap {
    /// Whether this is the default map (then left out of the JSON).
    pub fn is_viridis(&self) -> bool {
        *self == ColourMap::Viridis
    }
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

    /// A heatmap series: `values[r][c]` fills the cell
    /// [x_edges[c], x_edges[c+1]] × [y_edges[r], y_edges[r+1]].
    pub fn heatmap(
        label: impl Into<String>,
        x_edges: Vec<f64>,
        y_edges: Vec<f64>,
        values: Vec<Vec<f64>>,
        range: (f64, f64),
    ) -> Self {
        Series::Heatmap {
            label: label.into(),
            x_edges,
            y_edges,
            values,
            range,
            colours: ColourMap::Viridis,
        }
    }

    /// A binary image on a grid (±1 values: +1 black, −1 white, non-finite
    /// light grey), cells as in [`Series::heatmap`], no colour bar.
    pub fn image(
        label: impl Into<String>,
        x_edges: Vec<f64>,
        y_edges: Vec<f64>,
        values: Vec<Vec<f64>>,
    ) -> Self {
        Series::Heatmap {
            label: label.into(),
            x_edges,
            y_edges,
            values,
            range: (-1.0, 1.0),
            colours: ColourMap::Binary,
        }
    }

    /// The legend entry (a heatmap has none: its colour bar names it).
    pub(crate) fn label(&self) -> &str {
        match self {
            Series::Line { label, .. }
            | Series::Histogram { label, .. }
            | Series::Points { label, .. } => label,
            Series::Heatmap { .. } => "",
        }
    }

    /// All finite (x, y) extents the series wants visible, with error bars.
    pub(crate) fn extent(&self) -> Vec<(f64, f64)> {
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
            Series::Heatmap {
                x_edges, y_edges, ..
            } => match (
                x_edges.first(),
                x_edges.last(),
                y_edges.first(),
                y_edges.last(),
            ) {
                (Some(&x0), Some(&x1), Some(&y0), Some(&y1)) => vec![(x0, y0), (x1, y1)],
                _ => Vec::new(),
            },
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
    /// Lines of text drawn in the upper left corner of the plotting area
    /// (the lower left with `notes_below`).
    pub notes: Vec<String>,
    /// Whether the notes go in the lower left corner.
    #[serde(default)]
    pub notes_below: bool,
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
            notes_below: false,
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
    /// Puts the notes in the lower left corner instead of the upper left.
    pub fn notes_below(mut self) -> Self {
        self.notes_below = true;
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

    pub(crate) fn rows(&self) -> usize {
        self.panels.len().div_ceil(self.cols).max(1)
    }

    /// Size of the whole figure in pixels.
    pub fn size(&self) -> (u32, u32) {
        let extra = if self.title.is_empty() {
            0
        } else {
            FIGURE_TITLE_HEIGHT
        };
        (
            PANEL_WIDTH * self.cols as u32,
            PANEL_HEIGHT * self.rows() as u32 + extra,
        )
    }

    /// Checks the figure data for shapes the renderer cannot draw.
    pub(crate) fn validate(&self) -> Result<()> {
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
                    Series::Heatmap {
                        label,
                        x_edges,
                        y_edges,
                        values,
                        range,
                        ..
                    } => super::heatmap::validate(label, x_edges, y_edges, values, *range)?,
                    Series::Line { .. } => {}
                }
            }
        }
        Ok(())
    }
}
