//! The one Markdown entry point: pulldown-cmark with tables and math, LaTeX converted to
//! MathML at build time by math-core, and headings numbered (chapter N, section N.M) with ids
//! for the table of contents.

use math_core::{LatexToMathML, MathCoreConfig, MathDisplay};
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

/// A numbered heading, for the table of contents.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Heading {
    /// 2 for a chapter, 3 for a section.
    pub level: u8,
    /// Number as shown, e.g. `1.2`.
    pub number: String,
    /// Anchor id, e.g. `sec-1-2`.
    pub id: String,
    /// Heading as HTML (may hold MathML).
    pub html: String,
}

/// Markdown rendered to HTML, with its headings.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    /// The HTML.
    pub html: String,
    /// Chapter and section headings in order.
    pub headings: Vec<Heading>,
}

/// Converts LaTeX to MathML; errors name the offending LaTeX.
pub struct MathRenderer {
    converter: LatexToMathML,
}

impl MathRenderer {
    /// A converter with the project's settings.
    pub fn new() -> Self {
        let config = MathCoreConfig {
            macros: vec![("d".to_string(), r"\mathrm{d}".to_string())],
            ..Default::default()
        };
        MathRenderer {
            converter: LatexToMathML::new(config).expect("built-in macros parse"),
        }
    }

    /// LaTeX to a `<math>` element.
    pub fn convert(&self, latex: &str, block: bool) -> Result<String, String> {
        let display = if block {
            MathDisplay::Block
        } else {
            MathDisplay::Inline
        };
        self.converter
            .convert_with_local_state(latex, display)
            .map(|r| r.mathml)
            .map_err(|e| format!("cannot convert LaTeX `{latex}`: {e}"))
    }
}

impl Default for MathRenderer {
    fn default() -> Self {
        Self::new()
    }
}

/// Renders Markdown with math, numbering `##` headings as chapter `chapter` and `###`
/// headings as its sections.
pub fn render(markdown: &str, chapter: usize, math: &MathRenderer) -> Result<Rendered, String> {
    let options = Options::ENABLE_TABLES | Options::ENABLE_MATH | Options::ENABLE_SMART_PUNCTUATION;
    let mut events: Vec<Event> = Vec::new();
    let mut headings = Vec::new();
    let mut in_heading: Option<(HeadingLevel, Vec<Event>)> = None;
    let mut section = 0;
    for event in Parser::new_ext(markdown, options) {
        let event = match event {
            Event::InlineMath(tex) => Event::InlineHtml(CowStr::from(math.convert(&tex, false)?)),
            // A display equation may be wider than a phone: it scrolls inside a focusable
            // wrapper (a span, since it sits inside a paragraph).
            Event::DisplayMath(tex) => Event::InlineHtml(CowStr::from(format!(
                "<span class=\"math-wrap\" tabindex=\"0\">{}</span>",
                math.convert(&tex, true)?
            ))),
            other => other,
        };
        match event {
            Event::Start(Tag::Heading { level, .. }) => in_heading = Some((level, Vec::new())),
            Event::End(TagEnd::Heading(_)) => {
                let (level, inner) = in_heading.take().expect("heading start before end");
                let mut inner_html = String::new();
                html::push_html(&mut inner_html, inner.into_iter());
                let (lvl, number) = match level {
                    HeadingLevel::H2 => (2, chapter.to_string()),
                    HeadingLevel::H3 => {
                        section += 1;
                        (3, format!("{chapter}.{section}"))
                    }
                    other => {
                        return Err(format!(
                            "only ## and ### headings are numbered, found {other:?}"
                        ));
                    }
                };
                let id = format!("sec-{}", number.replace('.', "-"));
                events.push(Event::Html(CowStr::from(format!(
                    "<h{lvl} id=\"{id}\"><span class=\"secnum\">{number}</span> {inner_html}</h{lvl}>\n"
                ))));
                headings.push(Heading {
                    level: lvl,
                    number,
                    id,
                    html: inner_html,
                });
            }
            other => match in_heading.as_mut() {
                Some((_, inner)) => inner.push(other),
                None => events.push(other),
            },
        }
    }
    let mut out = String::with_capacity(markdown.len() * 2);
    html::push_html(&mut out, events.into_iter());
    // A code listing scrolls sideways on a narrow screen: make it reachable by keyboard.
    let out = out.replace("<pre><code", "<pre tabindex=\"0\"><code");
    Ok(Rendered {
        html: out,
        headings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn math_becomes_mathml_and_headings_are_numbered() {
        let md = "## Title\n\nText $x^2$.\n\n### Part\n\n$$\\frac{1}{2}$$\n";
        let r = render(md, 3, &MathRenderer::new()).unwrap();
        assert!(r.html.contains("<h2 id=\"sec-3\">"), "{}", r.html);
        assert!(r.html.contains("<h3 id=\"sec-3-1\">"), "{}", r.html);
        assert!(r.html.contains("<math"), "{}", r.html);
        assert!(r.html.contains("display=\"block\""), "{}", r.html);
        assert!(!r.html.contains('$'));
        assert_eq!(r.headings.len(), 2);
    }

    #[test]
    fn bad_latex_is_an_error_naming_it() {
        let err = render("$\\nosuchcommand x$", 1, &MathRenderer::new()).unwrap_err();
        assert!(err.contains("\\nosuchcommand"), "{err}");
    }
}
