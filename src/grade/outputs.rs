//! What the grader writes, all into one output folder through [`crate::output`] (the same
//! safety as the report: only a folder it wrote is replaced, atomically): `gradebook.csv`,
//! `summary.html`, and per student `students/NNN-name/results.json` (Gradescope's format)
//! and `students/NNN-name/feedback.html`. Also the empty kit of `--template`.

use super::StudentResult;
use super::key::QUESTIONS;
use crate::figures::style::escape_attr as escape;
use crate::output::OutputFile;
use serde::Serialize;

/// The folder of the `k`-th student: its number and its name with anything but letters,
/// digits, `-` and `_` replaced, so every name is a safe, distinct path.
fn folder(k: usize, name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(60)
        .collect();
    format!("students/{:03}-{clean}", k + 1)
}

/// Gradescope's `results.json`.
#[derive(Serialize)]
struct Gradescope<'a> {
    score: f64,
    tests: Vec<GradescopeTest<'a>>,
}

#[derive(Serialize)]
struct GradescopeTest<'a> {
    name: &'a str,
    score: f64,
    max_score: f64,
    output: String,
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// A self-contained page with the report's style sheet.
fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{}</style>\n</head>\n<body>\n<main>\n{body}</main>\n\
         </body>\n</html>\n",
        escape(title),
        include_str!("../../templates/style.css")
    )
}

/// Most rows of points outside tolerance shown per curve.
const MAX_ROWS: usize = 50;
/// Rows shown of a curve whose every point is within tolerance.
const SAMPLE_ROWS: usize = 10;

fn feedback_page(s: &StudentResult) -> String {
    let mut b = format!(
        "<h1>Feedback: {}</h1>\n<p>Score: {} of {}.</p>\n<table>\n<caption>Score by question</caption>\n\
         <thead><tr><th scope=\"col\">Question</th><th scope=\"col\">Score</th><th scope=\"col\">Of</th></tr></thead>\n<tbody>\n",
        escape(&s.student),
        round2(s.score()),
        round2(s.max_score())
    );
    for q in &s.questions {
        b.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td></tr>\n",
            escape(q.title),
            round2(q.score),
            round2(q.max_score)
        ));
    }
    b.push_str("</tbody>\n</table>\n");
    for q in &s.questions {
        b.push_str(&format!(
            "<h2>{}</h2>\n<p>{}</p>\n",
            escape(q.title),
            escape(&q.feedback)
        ));
        if let Some(m) = &q.mistake {
            b.push_str(&format!(
                "<p><strong>Likely mistake:</strong> {}.</p>\n",
                escape(m)
            ));
        }
        if !q.points.is_empty() {
            // Every point outside its tolerance (up to MAX_ROWS), or, when all are within, a
            // few spread over the curve: the table shows what to look at.
            let outside: Vec<&[f64; 4]> = q
                .points
                .iter()
                .filter(|p| (p[1] - p[2]).abs() > p[3])
                .collect();
            let shown: Vec<&[f64; 4]> = if outside.is_empty() {
                let step = q.points.len().div_ceil(SAMPLE_ROWS).max(1);
                q.points.iter().step_by(step).collect()
            } else {
                outside.iter().copied().take(MAX_ROWS).collect()
            };
            let caption = if outside.is_empty() {
                format!(
                    "Every point within tolerance; {} of {} shown",
                    shown.len(),
                    q.points.len()
                )
            } else {
                format!(
                    "The points outside tolerance ({} of {}{})",
                    outside.len(),
                    q.points.len(),
                    if outside.len() > MAX_ROWS {
                        format!("; the first {MAX_ROWS} shown")
                    } else {
                        String::new()
                    }
                )
            };
            b.push_str(&format!(
                "<table>\n<caption>{caption}</caption>\n<thead><tr>\
                 <th scope=\"col\">Input</th><th scope=\"col\">Yours</th><th scope=\"col\">Key</th>\
                 <th scope=\"col\">Residual</th><th scope=\"col\">Tolerance</th></tr></thead>\n<tbody>\n"
            ));
            for p in shown {
                b.push_str(&format!(
                    "<tr><td>{}</td><td>{}</td><td>{:.4}</td><td>{:.3}</td><td>{:.3}</td></tr>\n",
                    p[0],
                    p[1],
                    p[2],
                    p[1] - p[2],
                    p[3]
                ));
            }
            b.push_str("</tbody>\n</table>\n");
        }
    }
    page(&format!("Feedback: {}", s.student), &b)
}

fn summary_page(results: &[StudentResult]) -> String {
    let n = results.len();
    let mut b = format!("<h1>Grading summary</h1>\n<p>{n} submissions.</p>\n");
    let mut totals: Vec<f64> = results.iter().map(StudentResult::score).collect();
    totals.sort_by(f64::total_cmp);
    if let (Some(lo), Some(hi)) = (totals.first(), totals.last()) {
        b.push_str(&format!(
            "<p>Total scores from {} to {}, median {}.</p>\n",
            round2(*lo),
            round2(*hi),
            round2(totals[n / 2])
        ));
    }
    b.push_str(
        "<table>\n<caption>Each question: how many earned full points, and the most frequent \
         diagnosed mistake</caption>\n<thead><tr><th scope=\"col\">Question</th>\
         <th scope=\"col\">Full points</th><th scope=\"col\">Most frequent mistake</th></tr></thead>\n<tbody>\n",
    );
    for (k, q) in QUESTIONS.iter().enumerate() {
        let full = results
            .iter()
            .filter(|s| {
                s.questions[k].max_score > 0.0 && s.questions[k].score >= s.questions[k].max_score
            })
            .count();
        let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
        for s in results {
            if let Some(m) = &s.questions[k].mistake {
                let name = m.split(':').next().unwrap_or(m);
                *counts.entry(name).or_default() += 1;
            }
        }
        let top = counts
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map_or_else(|| "none".to_string(), |(m, c)| format!("{m} ({c})"));
        b.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td>{full} of {n}</td><td>{}</td></tr>\n",
            escape(q.title),
            escape(&top)
        ));
    }
    b.push_str("</tbody>\n</table>\n");
    page("Grading summary", &b)
}

/// Every output file of a batch, sorted by path, the manifest last.
pub fn files(results: &[StudentResult]) -> Vec<OutputFile> {
    let mut files = Vec::new();
    let mut header = vec!["student".to_string()];
    header.extend(QUESTIONS.iter().map(|q| q.id.to_string()));
    header.push("total".into());
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let rows = results.iter().map(|s| {
        let mut row = vec![s.student.clone()];
        row.extend(s.questions.iter().map(|q| round2(q.score).to_string()));
        row.push(round2(s.score()).to_string());
        row
    });
    files.push(OutputFile {
        path: "gradebook.csv".into(),
        bytes: crate::data_csv::csv(&header_refs, rows).into_bytes(),
    });
    files.push(OutputFile {
        path: "summary.html".into(),
        bytes: summary_page(results).into_bytes(),
    });
    for (k, s) in results.iter().enumerate() {
        let dir = folder(k, &s.student);
        let json = Gradescope {
            score: round2(s.score()),
            tests: s
                .questions
                .iter()
                .map(|q| GradescopeTest {
                    name: q.title,
                    score: round2(q.score),
                    max_score: round2(q.max_score),
                    output: match &q.mistake {
                        Some(m) => format!("{} Likely mistake: {m}.", q.feedback),
                        None => q.feedback.clone(),
                    },
                })
                .collect(),
        };
        let mut text = serde_json::to_string_pretty(&json).expect("results serialise");
        text.push('\n');
        files.push(OutputFile {
            path: format!("{dir}/results.json"),
            bytes: text.into_bytes(),
        });
        files.push(OutputFile {
            path: format!("{dir}/feedback.html"),
            bytes: feedback_page(s).into_bytes(),
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let manifest = crate::output::manifest(&files);
    files.push(manifest);
    files
}

/// The empty kit of `--template`: the CSV headers, a commented `answers.toml`, and a
/// numpy-only Python helper that writes arrays in this format.
pub fn template() -> Vec<OutputFile> {
    let file = |path: &str, text: &str| OutputFile {
        path: path.into(),
        bytes: text.as_bytes().to_vec(),
    };
    let mut files = vec![
        file("lif_fi.csv", "v0_mv,rate_hz\n"),
        file("qif_fi.csv", "v0,rate_hz\n"),
        file("qif_analytic.csv", "v0,rate_hz\n"),
        file("hh_fi.csv", "i_na,rate_hz\n"),
        file("cs_fi.csv", "g_a_ms_cm2,g_k_ms_cm2,i_ua_cm2,rate_hz\n"),
        file(
            "mlp.csv",
            "hidden_units,restart,train_accuracy,test_accuracy\n",
        ),
        file("answers.toml", ANSWERS_TEMPLATE),
        file("write_submission.py", PYTHON_HELPER),
    ];
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// `answers.toml` of the kit, every key with its choices.
pub const ANSWERS_TEMPLATE: &str = "\
# neuroreport submission, format 1. Replace each value by your answer.
format = 1

[fire]            # 1.1: which inputs make the model fire (from the reset, as in the example)
lif = \"\"          # v0_above_threshold | v0_above_zero | always | never
qif = \"\"          # v0_above_threshold | v0_above_zero | always | never

[fit]             # 1.3: the better shape, up to shift and scale
lif = \"\"          # relu | sigmoid
qif = \"\"          # relu | sigmoid

[excitability]    # 1.5: Hodgkin's class of excitability
hh = \"\"                     # I | II (brian2's example)
cs_standard = \"\"            # I | II (Connor-Stevens with the standard A-current)
cs_without_a_current = \"\"   # I | II (the same with g_A = 0)

[networks]        # 2: what width changes (over your restarts)
narrow_always_succeeds = \"\" # true | false (5 hidden units: every restart fits the training set)
wide_always_succeeds = \"\"   # true | false (1000 hidden units)
";

/// The Python helper of the kit (numpy only).
pub const PYTHON_HELPER: &str = "\
\"\"\"Write your results in neuroreport's submission format (format 1), with numpy only.

    import numpy as np
    from write_submission import write_curve, write_mlp
    write_curve('lif_fi.csv', 'v0_mv', v0_mv, rates_hz)
    write_mlp(hidden_units, restart, train_accuracy, test_accuracy)   # arrays, one row per run
\"\"\"
import numpy as np


def write_curve(path, input_name, inputs, rates_hz):
    \"\"\"One curve: inputs (distinct, increasing) and rates in Hz.\"\"\"
    data = np.column_stack([np.asarray(inputs, float), np.asarray(rates_hz, float)])
    np.savetxt(path, data, delimiter=',', header=input_name + ',rate_hz', comments='', fmt='%.17g')


def write_mlp(hidden_units, restart, train_accuracy, test_accuracy, path='mlp.csv'):
    \"\"\"One row per training run; accuracies as fractions in [0, 1].\"\"\"
    data = np.column_stack([hidden_units, restart, train_accuracy, test_accuracy])
    np.savetxt(path, data, delimiter=',', header='hidden_units,restart,train_accuracy,test_accuracy',
               comments='', fmt=['%d', '%d', '%.17g', '%.17g'])
";
