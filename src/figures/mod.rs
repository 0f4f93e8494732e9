//! Figures: chart rendering (SVG and PNG with an embedded font) and the
//! tables of checks written to `REPORT.md`.

pub mod plotting;
pub mod report;
