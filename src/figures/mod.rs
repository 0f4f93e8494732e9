//! Figures: the figure data model, its style, rendering to SVG and PNG with
//! an embedded font, and the tables of checks and verdicts written to `REPORT.md`.
//!
//! - [`figure`]: [`Figure`], [`Panel`], [`Series`], the plain data that is
//!   drawn and serialised next to every chart;
//! - [`style`]: panel size, font sizes, the colour [`palette`];
//! - `axes`, `render`, `embed` (private): coordinate transforms and tick
//!   labels, drawing with `plotters`, the SVG's embedded font;
//! - [`heatmap`]: the viridis map, heatmap cells and their colour bar;
//! - [`report`]: checks, their table, `REPORT.md` and the JSON data files;
//! - [`verdict`]: verdicts on claims of the paper or the literature;
//! - [`size_fit`]: a finite-size extrapolation drawn against 1/N.

mod axes;
mod embed;
pub mod figure;
pub mod heatmap;
mod render;
pub mod report;
pub mod size_fit;
pub mod style;
pub mod verdict;

pub use figure::{ColourMap, Dash, Figure, LegendAt, Panel, Series};
pub use style::{palette, Rgb};
