//! neuroreport runs the computational neuroscience homework in `specs/homework.txt` and
//! writes a self-contained, reproducible HTML report.
//!
//! The pipeline goes one way, each stage taking the previous one's typed output by
//! reference: a checked [`config::Config`] → the experiments of [`experiments::EXPERIMENTS`],
//! pure functions run in parallel → [`experiments::Results`] → figures as SVG strings
//! ([`figures`]) and rounded views → Tera Markdown chapters rendered with MathML
//! ([`render`]) → the page → [`output`], the only writer, which builds the report beside the
//! target folder and swaps it in only when everything succeeded. [`build_report`] runs it all.

#![warn(missing_docs)]
#![deny(clippy::float_cmp)]

pub mod analysis;
pub mod config;
pub mod error;
pub mod experiments;
pub mod figures;
pub mod ml;
pub mod neuron;
pub mod output;
pub mod render;
pub mod seed;

use config::Config;
pub use error::{Error, Result};
use output::OutputFile;
use sha2::{Digest, Sha256};
use std::path::Path;

/// Receives progress from a build; the binary shows it as a progress bar.
pub trait Progress: Sync {
    /// A stage or experiment started or finished; `message` says which.
    fn step(&self, message: &str);
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

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Computes every file of the report, in memory, without writing anything.
pub fn build_files(cfg: &Config, progress: &dyn Progress) -> Result<Vec<OutputFile>> {
    cfg.validate()?;
    let results = experiments::run_all(cfg, &|id| progress.step(&format!("experiment {id} done")))?;
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
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let info = render::PageInfo {
        version: env!("CARGO_PKG_VERSION"),
        config_toml: cfg.to_toml(),
        files: files
            .iter()
            .map(|f| render::FileHash {
                path: f.path.clone(),
                sha256: sha256_hex(&f.bytes),
            })
            .collect(),
    };
    let page = render::page(&results, cfg, &figures, &info)?;
    progress.step("page rendered");
    files.push(OutputFile {
        path: "index.html".into(),
        bytes: page.into_bytes(),
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let mut manifest = String::from("{\n  \"generator\": \"neuroreport ");
    manifest.push_str(env!("CARGO_PKG_VERSION"));
    manifest.push_str("\",\n  \"files\": {\n");
    let entries: Vec<String> = files
        .iter()
        .map(|f| format!("    \"{}\": \"{}\"", f.path, sha256_hex(&f.bytes)))
        .collect();
    manifest.push_str(&entries.join(",\n"));
    manifest.push_str("\n  }\n}\n");
    files.push(OutputFile {
        path: "manifest.json".into(),
        bytes: manifest.into_bytes(),
    });
    Ok(files)
}

/// Builds the report and writes it atomically to `out`.
pub fn build_report(cfg: &Config, out: &Path, progress: &dyn Progress) -> Result<()> {
    output::check_target(out)?;
    let files = build_files(cfg, progress)?;
    output::write_report(out, &files)?;
    progress.step("report written");
    Ok(())
}
