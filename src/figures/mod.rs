//! Figures: each function takes typed results and returns a [`Figure`]: an SVG string drawn
//! with plotters, and the CSV of the numbers behind it. No file is written here.

pub mod bifurcation;
pub mod conductance;
pub mod fi_curves;
pub mod mlp;
pub mod phase;
pub mod style;
pub mod training;
pub mod two_parameter;

/// One figure of the report, with its data.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// Label used for cross-references, e.g. `fig:lif-fi`.
    pub id: &'static str,
    /// File stem of `figures/STEM.svg` and `data/STEM.csv`.
    pub file_stem: &'static str,
    /// Caption (Markdown, may hold inline math).
    pub caption: String,
    /// Text alternative for readers who cannot see the figure.
    pub alt: String,
    /// The standalone SVG document.
    pub svg: String,
    /// The CSV of the numbers drawn, header first.
    pub csv: String,
}
