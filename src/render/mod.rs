//! Rendering: typed results → views → Tera Markdown chapters → HTML with MathML, numbered
//! figures, tables and sections → one self-contained page.
//!
//! The chapter registry ([`CHAPTERS`]) names each chapter's template, figures, tables and view.
//! Templates are compiled into the binary, HTML-escape everything they print, and reach
//! figures, tables and cross-references only through the `figure`, `table` and `ref`
//! functions.

pub mod ch1;
pub mod ch2;
pub mod ch2_onset;
pub mod crossref;
pub mod format;
pub mod listings;
pub mod markdown;
pub mod models;
pub mod networks;

use crate::config::Config;
use crate::error::Error;
use crate::experiments::Results;
use crate::figures::Figure;
use crossref::Table;
use markdown::{Heading, MathRenderer};
use serde::Serialize;
use tera::{Context, Kwargs, State, Tera};

/// One chapter of the report.
pub struct Chapter {
    /// Unique id.
    pub id: &'static str,
    /// Template name (for error messages).
    pub template_name: &'static str,
    /// Template source, compiled in.
    pub template: &'static str,
    /// Draws the chapter's figures.
    pub figures: fn(&Results, &Config) -> Result<Vec<Figure>, Error>,
    /// Builds the chapter's tables.
    pub tables: fn(&Results, &Config) -> Vec<Table>,
    /// Builds the template's context from the view.
    pub context: fn(&Results, &Config) -> Result<Context, tera::Error>,
}

/// Every chapter, in report order.
pub const CHAPTERS: &[Chapter] = &[
    Chapter {
        id: "lif-qif",
        template_name: "ch1_lif_qif.md",
        template: include_str!("../../templates/ch1_lif_qif.md"),
        figures: ch1::figures,
        tables: ch1::tables,
        context: |r, c| Context::from_serialize(&ch1::view(r, c)),
    },
    Chapter {
        id: "hh-cs",
        template_name: "ch2_hh_cs.md",
        template: include_str!("../../templates/ch2_hh_cs.md"),
        figures: ch2::figures,
        tables: ch2::tables,
        context: |r, c| Context::from_serialize(&ch2::view(r, c)),
    },
    Chapter {
        id: "networks",
        template_name: "ch3_networks.md",
        template: include_str!("../../templates/ch3_networks.md"),
        figures: networks::figures,
        tables: networks::tables,
        context: |r, c| Context::from_serialize(&networks::view(r, c)),
    },
];

const PAGE_TEMPLATE: &str = include_str!("../../templates/page.html");
const STYLE: &str = include_str!("../../templates/style.css");

/// One file listed in the appendix.
#[derive(Debug, Clone, Serialize)]
pub struct FileHash {
    /// Path relative to the report folder.
    pub path: String,
    /// SHA-256 in hex.
    pub sha256: String,
}

/// What the page shows besides the chapters.
#[derive(Debug, Clone, Serialize)]
pub struct PageInfo {
    /// Crate version.
    pub version: &'static str,
    /// The effective configuration as TOML.
    pub config_toml: String,
    /// Hashes of the data files and figures.
    pub files: Vec<FileHash>,
    /// Every source of randomness and its seed.
    pub seeds: Vec<SeedRow>,
}

/// One source of randomness in the appendix.
#[derive(Debug, Clone, Serialize)]
pub struct SeedRow {
    /// What draws from it.
    pub what: String,
    /// The seed, or how the seeds are derived.
    pub seed: String,
}

/// The appendix's list of seeds.
pub fn seed_rows(results: &Results, cfg: &Config) -> Vec<SeedRow> {
    let mut rows = vec![
        SeedRow {
            what: "master seed (config key: seed)".into(),
            seed: cfg.seed.to_string(),
        },
        SeedRow {
            what: "make_circles random_state (numpy RandomState)".into(),
            seed: cfg.circles.random_state.to_string(),
        },
        SeedRow {
            what: "train_test_split random_state (numpy RandomState)".into(),
            seed: cfg.circles.split_random_state.to_string(),
        },
    ];
    for w in [&results.mlp.small, &results.mlp.wide] {
        rows.push(SeedRow {
            what: format!(
                "initial parameters of the {} restarts with {} hidden units (PCG64)",
                w.restarts.len(),
                w.hidden
            ),
            seed: format!(
                "SplitMix64(SplitMix64(master ⊕ FNV-1a(\"mlp-{}\")) ⊕ restart): {} for restart 0; all in data/mlp_restarts.csv",
                w.hidden,
                w.restarts.first().map_or(0, |r| r.seed)
            ),
        });
    }
    rows
}

fn marker_fn(
    kind: &'static str,
) -> impl Fn(Kwargs, &State) -> tera::TeraResult<String> + Sync + Send + 'static {
    move |kwargs: Kwargs, _: &State| {
        let id: &str = kwargs.must_get("id")?;
        Ok(crossref::marker(kind, id))
    }
}

fn tera_with(name: &str, source: &str) -> Result<Tera, Error> {
    let mut tera = Tera::default();
    tera.autoescape_on([".html", ".md"]);
    tera.register_function("figure", marker_fn("figure"));
    tera.register_function("table", marker_fn("table"));
    tera.register_function("ref", marker_fn("ref"));
    tera.register_function("equation", marker_fn("equation"));
    tera.add_raw_template(name, source)
        .map_err(|e| template_error(name, &e))?;
    Ok(tera)
}

fn template_error(name: &str, e: &tera::Error) -> Error {
    // Tera's Display gives the message; its source chain gives the location.
    let mut reason = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        reason.push_str(": ");
        reason.push_str(&s.to_string());
        source = s.source();
    }
    Error::Template {
        template: name.to_string(),
        reason,
    }
}

/// Draws every chapter's figures (in parallel) in registry order.
pub fn figures(results: &Results, cfg: &Config) -> Result<Vec<Figure>, Error> {
    let per_chapter: Vec<Vec<Figure>> = crate::par::map(CHAPTERS, |c| (c.figures)(results, cfg))
        .into_iter()
        .collect::<Result<_, _>>()?;
    Ok(per_chapter.into_iter().flatten().collect())
}

/// Data files that belong to no figure, as (file stem, CSV), in a fixed order.
pub fn data_files(results: &Results, cfg: &Config) -> Vec<(&'static str, String)> {
    let mut files = ch1::data_files(results);
    files.extend(ch2::data_files(results, cfg));
    files
}

/// Renders the whole page.
pub fn page(
    results: &Results,
    cfg: &Config,
    figures: &[Figure],
    info: &PageInfo,
) -> Result<String, Error> {
    let math = MathRenderer::new();
    let mut chapters = Vec::with_capacity(CHAPTERS.len());
    let mut headings: Vec<Heading> = Vec::new();
    let mut tables = Vec::new();
    for (k, chapter) in CHAPTERS.iter().enumerate() {
        let tera = tera_with(chapter.template_name, chapter.template)?;
        let context = (chapter.context)(results, cfg)
            .map_err(|e| template_error(chapter.template_name, &e))?;
        let markdown = tera
            .render(chapter.template_name, &context)
            .map_err(|e| template_error(chapter.template_name, &e))?;
        let rendered =
            markdown::render(&markdown, k + 1, &math).map_err(|reason| Error::Template {
                template: chapter.template_name.to_string(),
                reason,
            })?;
        headings.extend(rendered.headings);
        chapters.push((chapter.template_name, rendered.html));
        tables.extend((chapter.tables)(results, cfg));
    }
    let caption_html = |md: &str| -> Result<String, String> {
        let r = markdown::render(md, 0, &math)?;
        Ok(r.html
            .trim()
            .trim_start_matches("<p>")
            .trim_end_matches("</p>")
            .to_string())
    };
    let bodies = crossref::resolve(&chapters, figures, &tables, &caption_html)?;

    let mut context = Context::new();
    context.insert(
        "css",
        &format!("{STYLE}{}", crate::figures::style::palette_css()),
    );
    context.insert("headings", &headings);
    context.insert("chapters", &bodies);
    context.insert("info", info);
    let tera = tera_with("page.html", PAGE_TEMPLATE)?;
    tera.render("page.html", &context)
        .map_err(|e| template_error("page.html", &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chapter_registry_is_consistent() {
        let mut ids: Vec<&str> = CHAPTERS.iter().map(|c| c.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), CHAPTERS.len());
        for c in CHAPTERS {
            assert!(
                !c.template.trim().is_empty(),
                "{} is empty",
                c.template_name
            );
            tera_with(c.template_name, c.template).unwrap();
        }
    }
}
