//! Numbered figures and tables, and cross-references to them by label.
//!
//! Chapter templates place a figure with `{{ figure(id="fig:x") }}`, a table with
//! `{{ table(id="tab:x") }}`, number a display equation by writing
//! `{{ equation(id="eq:x") }}` just before its `$$`, and refer to any of them with
//! `{{ ref(id="fig:x") }}`. Those functions
//! leave markers (`⟦figure:fig:x⟧`) that survive Markdown; [`resolve`] numbers the placed
//! items in document order and replaces every marker. A reference to an unknown label, a label
//! placed twice, an item never placed, or a figure without alt text is an error naming the
//! label and the template.

use crate::error::Error;
use crate::figures::Figure;
use crate::figures::style::escape_attr;
use std::collections::BTreeMap;

/// A numbered table built from computed values.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Label, e.g. `tab:fits`.
    pub id: &'static str,
    /// Caption (plain text).
    pub caption: String,
    /// Column headings.
    pub header: Vec<String>,
    /// Rows of formatted cells.
    pub rows: Vec<Vec<String>>,
}

const OPEN: char = '⟦';
const CLOSE: char = '⟧';

/// The marker a template function leaves for `kind` (`figure`, `table` or `ref`) and `label`.
pub fn marker(kind: &str, label: &str) -> String {
    format!("{OPEN}{kind}:{label}{CLOSE}")
}

/// Splits `html` into literal text and markers (kind, label).
fn markers(html: &str) -> Vec<(usize, usize, &str, &str)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(start) = html[from..].find(OPEN).map(|i| i + from) {
        let body = start + OPEN.len_utf8();
        let Some(end) = html[body..].find(CLOSE).map(|i| i + body) else {
            break;
        };
        let inner = &html[body..end];
        if let Some((kind, label)) = inner.split_once(':') {
            out.push((start, end + CLOSE.len_utf8(), kind, label));
        }
        from = end + CLOSE.len_utf8();
    }
    out
}

fn template_error(template: &str, reason: String) -> Error {
    Error::Template {
        template: template.to_string(),
        reason,
    }
}

fn figure_html(f: &Figure, number: usize, caption_html: &str) -> String {
    let svg = f.svg.trim_end();
    format!(
        "<figure id=\"{id}\">\n{svg}\n<figcaption><span class=\"label\">Figure {number}.</span> {caption_html} \
         <span class=\"links\">Data: <a href=\"data/{stem}.csv\">{stem}.csv</a> · \
         SVG: <a href=\"figures/{stem}.svg\">{stem}.svg</a></span></figcaption>\n</figure>\n",
        id = f.id,
        stem = f.file_stem,
    )
}

fn table_html(t: &Table, number: usize) -> String {
    let mut s = format!(
        "<div class=\"table-wrap\" id=\"{}\" tabindex=\"0\" role=\"region\" aria-label=\"Table {number}\">\n<table>\n<caption><span class=\"label\">Table {number}.</span> {}</caption>\n<thead><tr>",
        t.id,
        escape_attr(&t.caption)
    );
    for h in &t.header {
        s.push_str(&format!("<th scope=\"col\">{}</th>", escape_attr(h)));
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        s.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            if i == 0 {
                s.push_str(&format!("<th scope=\"row\">{}</th>", escape_attr(cell)));
            } else {
                s.push_str(&format!("<td>{}</td>", escape_attr(cell)));
            }
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n</table>\n</div>\n");
    s
}

/// Numbers and places figures and tables, and resolves references, across chapters given as
/// (template name, HTML). `caption_html` renders a figure caption (Markdown with math).
pub fn resolve(
    chapters: &[(&str, String)],
    figures: &[Figure],
    tables: &[Table],
    caption_html: &dyn Fn(&str) -> Result<String, String>,
) -> Result<Vec<String>, Error> {
    let fig_by_id: BTreeMap<&str, &Figure> = figures.iter().map(|f| (f.id, f)).collect();
    let tab_by_id: BTreeMap<&str, &Table> = tables.iter().map(|t| (t.id, t)).collect();
    for f in figures {
        if f.alt.trim().is_empty() {
            return Err(template_error(
                "(figures)",
                format!("figure `{}` has no alt text", f.id),
            ));
        }
    }
    // Pass 1: number placed items in document order.
    let mut numbers: BTreeMap<&str, (&str, usize, &str)> = BTreeMap::new();
    let (mut n_fig, mut n_tab, mut n_eq) = (0, 0, 0);
    for (template, html) in chapters {
        for (_, _, kind, label) in markers(html) {
            let (word, count, known) = match kind {
                "figure" => ("Figure", &mut n_fig, fig_by_id.contains_key(label)),
                "table" => ("Table", &mut n_tab, tab_by_id.contains_key(label)),
                "equation" => ("Equation", &mut n_eq, label.starts_with("eq:")),
                _ => continue,
            };
            if !known {
                return Err(template_error(
                    template,
                    format!("places unknown {kind} `{label}`"),
                ));
            }
            if let Some((_, _, first)) = numbers.get(label) {
                return Err(template_error(
                    template,
                    format!("places `{label}` again (first placed in `{first}`)"),
                ));
            }
            *count += 1;
            numbers.insert(label, (word, *count, template));
        }
    }
    for id in fig_by_id.keys().chain(tab_by_id.keys()) {
        if !numbers.contains_key(id) {
            return Err(template_error(
                "(all chapters)",
                format!("`{id}` is produced but never placed"),
            ));
        }
    }
    // Pass 2: replace markers.
    let mut out = Vec::with_capacity(chapters.len());
    for (template, html) in chapters {
        let mut s = String::with_capacity(html.len() * 4);
        let mut last = 0;
        for (start, end, kind, label) in markers(html) {
            let replacement = match kind {
                "figure" => {
                    let f = fig_by_id[label];
                    let caption =
                        caption_html(&f.caption).map_err(|e| template_error(template, e))?;
                    figure_html(f, numbers[label].1, &caption)
                }
                "table" => table_html(tab_by_id[label], numbers[label].1),
                "equation" => format!(
                    "<span class=\"eqnum\" id=\"{label}\">({})</span>",
                    numbers[label].1
                ),
                "ref" => {
                    let (word, n, _) = numbers.get(label).ok_or_else(|| {
                        template_error(template, format!("refers to unknown label `{label}`"))
                    })?;
                    if *word == "Equation" {
                        format!("<a href=\"#{label}\">{word}&nbsp;({n})</a>")
                    } else {
                        format!("<a href=\"#{label}\">{word}&nbsp;{n}</a>")
                    }
                }
                other => {
                    return Err(template_error(
                        template,
                        format!("unknown marker kind `{other}`"),
                    ));
                }
            };
            // A placed block replaces the paragraph that holds only its marker.
            let (cut_start, cut_end) = if (kind == "figure" || kind == "table")
                && html[..start].ends_with("<p>")
                && html[end..].starts_with("</p>")
            {
                (start - 3, end + 4)
            } else {
                (start, end)
            };
            s.push_str(&html[last..cut_start]);
            s.push_str(&replacement);
            last = cut_end;
        }
        s.push_str(&html[last..]);
        out.push(s);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fig(id: &'static str) -> Figure {
        Figure {
            id,
            file_stem: "x",
            caption: "cap".into(),
            alt: "alt".into(),
            svg: "<svg></svg>".into(),
            csv: String::new(),
        }
    }

    fn plain(s: &str) -> Result<String, String> {
        Ok(s.to_string())
    }

    #[test]
    fn numbers_in_order_and_resolves_forward_references() {
        let ch = vec![(
            "a.md",
            format!(
                "<p>See {}.</p>\n<p>{}</p>\n<p>{}</p>",
                marker("ref", "fig:b"),
                marker("figure", "fig:a"),
                marker("figure", "fig:b")
            ),
        )];
        let out = resolve(&ch, &[fig("fig:a"), fig("fig:b")], &[], &plain).unwrap();
        assert!(
            out[0].contains("<a href=\"#fig:b\">Figure&nbsp;2</a>"),
            "{}",
            out[0]
        );
        assert!(out[0].contains("<figure id=\"fig:a\">"));
        assert!(!out[0].contains("<p><figure"));
    }

    #[test]
    fn equations_are_numbered_and_referenced() {
        let ch = vec![(
            "a.md",
            format!(
                "<p>{}<math display=\"block\"></math> as {}.</p>",
                marker("equation", "eq:t"),
                marker("ref", "eq:t")
            ),
        )];
        let out = resolve(&ch, &[], &[], &plain).unwrap();
        assert!(
            out[0].contains("<span class=\"eqnum\" id=\"eq:t\">(1)</span>"),
            "{}",
            out[0]
        );
        assert!(
            out[0].contains("<a href=\"#eq:t\">Equation&nbsp;(1)</a>"),
            "{}",
            out[0]
        );
    }

    #[test]
    fn unknown_reference_names_label_and_template() {
        let ch = vec![(
            "ch1.md",
            format!(
                "<p>{}</p>{}",
                marker("figure", "fig:a"),
                marker("ref", "fig:zz")
            ),
        )];
        let err = resolve(&ch, &[fig("fig:a")], &[], &plain)
            .unwrap_err()
            .to_string();
        assert!(err.contains("ch1.md") && err.contains("fig:zz"), "{err}");
    }

    #[test]
    fn duplicate_and_unplaced_labels_are_errors() {
        let twice = vec![(
            "c.md",
            format!("{}{}", marker("figure", "fig:a"), marker("figure", "fig:a")),
        )];
        assert!(
            resolve(&twice, &[fig("fig:a")], &[], &plain)
                .unwrap_err()
                .to_string()
                .contains("again")
        );
        let none = vec![("c.md", String::new())];
        assert!(
            resolve(&none, &[fig("fig:a")], &[], &plain)
                .unwrap_err()
                .to_string()
                .contains("never placed")
        );
    }

    #[test]
    fn figure_without_alt_text_is_an_error() {
        let mut f = fig("fig:a");
        f.alt = " ".into();
        let ch = vec![("c.md", marker("figure", "fig:a"))];
        assert!(
            resolve(&ch, &[f], &[], &plain)
                .unwrap_err()
                .to_string()
                .contains("alt text")
        );
    }
}
