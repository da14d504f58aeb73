//! neuroreport runs a computational neuroscience homework (CNEURO 2022, "Neural networks:
//! HW 1") and writes a self-contained, reproducible HTML report.
//!
//! The pipeline goes one way, each stage taking the previous one's typed output by
//! reference: a checked [`config::Config`] → the experiments of [`experiments::EXPERIMENTS`],
//! pure functions run in parallel → [`experiments::Results`] → figures as SVG strings
//! ([`figures`]) and rounded views → Tera Markdown chapters rendered with MathML
//! ([`render`]) → the page → [`output`], the only writer, which builds the report beside the
//! target folder and swaps it in only when everything succeeded. [`build_report`] runs it all.
//!
//! The stages up to the results (configuration, models, analyses, network, experiments) are
//! the crate `neuroreport_core` (`crates/core`), re-exported here under the same paths; this
//! crate adds the figures, the rendering and the writer.

pub mod check;
pub mod config_file;
pub mod data_csv;
pub mod error;
pub mod figures;
pub mod grade;
pub mod output;
pub mod render;

pub use neuroreport_core::{analysis, config, experiments, ml, neuron, par, seed, simd};

pub use check::{Difference, check_report};
use config::Config;
pub use error::{Error, Result};
use output::OutputFile;
use std::path::Path;

/// Receives progress from a build; the binary shows it as a progress bar.
pub trait Progress: Sync {
    /// A stage or experiment started or finished; `message` says which.
    fn step(&self, message: &str);
    /// Something the user should know that does not stop the build (a leftover folder kept
    /// because it is not provably this program's, say).
    fn warn(&self, _message: &str) {}
    /// Work done inside an experiment, in estimated nanoseconds of one core (the units of
    /// [`config::budget`]), so progress moves inside long experiments.
    fn work(&self, _core_ns: f64) {}
}

/// Progress that goes nowhere.
pub struct NoProgress;

impl Progress for NoProgress {
    fn step(&self, _: &str) {}
}

/// Number of [`Progress::step`] calls a build makes.
pub fn progress_steps() -> u64 {
    experiments::EXPERIMENTS.len() as u64 + 3
}

/// Computes every file of the report, in memory, without writing anything.
pub fn build_files(cfg: &Config, progress: &dyn Progress) -> Result<Vec<OutputFile>> {
    config_file::validate(cfg)?;
    let results = experiments::run_all(
        cfg,
        &|id| progress.step(&format!("experiment {id} done")),
        &|ns| progress.work(ns),
    )?;
    let figures = render::figures(&results, cfg)?;
    progress.step("figures drawn");
    let mut files = Vec::new();
    for f in &figures {
        files.push(OutputFile {
            path: format!("data/{}.csv", f.file_stem),
            bytes: f.csv.clone().into_bytes(),
        });
        files.push(OutputFile {
            path: format!("figures/{}.svg", f.file_stem),
            bytes: f.svg.clone().into_bytes(),
        });
    }
    files.push(OutputFile {
        path: "data/answers.toml".into(),
        bytes: grade::key::answers_toml(&results).into_bytes(),
    });
    for (stem, csv) in render::data_files(&results, cfg) {
        files.push(OutputFile {
            path: format!("data/{stem}.csv"),
            bytes: csv.into_bytes(),
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let info = render::PageInfo {
        version: env!("CARGO_PKG_VERSION"),
        config_toml: config_file::to_toml(cfg),
        files: files
            .iter()
            .map(|f| render::FileHash {
                path: f.path.clone(),
                sha256: output::sha256_hex(&f.bytes),
            })
            .collect(),
        seeds: render::seed_rows(&results, cfg),
    };
    let page = render::page(&results, cfg, &figures, &info)?;
    progress.step("page rendered");
    files.push(OutputFile {
        path: "index.html".into(),
        bytes: page.into_bytes(),
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let manifest = output::manifest(&files);
    files.push(manifest);
    Ok(files)
}

/// Checks the configuration and its estimated work and output size against the budget of
/// [`config::budget`]: an error (exit code 2) names the experiment, the keys that drive it and
/// the estimate. The command line skips this with `--allow-long`.
pub fn check_budget(cfg: &Config) -> Result<()> {
    config_file::validate(cfg)?;
    config::budget::check(cfg).map_err(Error::Budget)
}

/// Builds the report and writes it atomically to `out`.
///
/// Before any work it takes the target's lock (a second build into the same folder fails at
/// once), undoes what an interrupted build left behind, and checks that the folder may be
/// replaced (see [`output`]).
pub fn build_report(cfg: &Config, out: &Path, progress: &dyn Progress) -> Result<()> {
    config_file::validate(cfg)?;
    let out = &output::target_path(out)?;
    // Checked before the lock too, so a refused folder gets no lock file beside it.
    output::check_target(out)?;
    let _lock = output::lock_target(out)?;
    let warn = |m: &str| progress.warn(m);
    output::recover(out, &warn)?;
    output::check_target(out)?;
    let files = build_files(cfg, progress)?;
    output::write_report(out, &files, &warn)?;
    progress.step("report written");
    Ok(())
}

/// `text` with control characters (terminal escape codes among them) shown as `\u{..}`, so
/// printing a tampered file cannot drive the terminal.
pub fn escape(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                format!("\\u{{{:x}}}", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}
