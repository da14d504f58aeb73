//! Reading a submission folder (format 1, see the README): CSV files with named columns and
//! `answers.toml`. Every problem is a message naming the file, the line and the column; it
//! costs that question its points and nothing else.
//!
//! A report folder written by neuroreport is a submission too: its files are under `data/`,
//! the simulated QIF rate is the column `rate_euler_hz` of `qif_fi.csv`, the analytic one
//! `rate_analytic_hz`, and the restarts are `mlp_restarts.csv`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Largest file read (bytes): a curve of 100 000 points is a few MB.
pub const MAX_FILE_BYTES: u64 = 16 << 20;

/// Largest number of rows of a curve.
pub const MAX_ROWS: usize = 100_000;

/// Inputs and values of a submitted curve, in the order of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    /// Inputs.
    pub x: Vec<f64>,
    /// Values.
    pub y: Vec<f64>,
}

/// An opened submission folder.
#[derive(Debug)]
pub struct Submission {
    root: PathBuf,
    /// Whether it is a neuroreport report folder (files under `data/`).
    report: bool,
}

impl Submission {
    /// The submission in `dir` (nothing is read yet).
    pub fn open(dir: &Path) -> Submission {
        let report = dir.join("manifest.json").is_file() && dir.join("data").is_dir();
        Submission {
            root: dir.to_path_buf(),
            report,
        }
    }

    /// The path of `file` in the folder, and its name as shown to the student.
    fn path(&self, file: &str) -> (PathBuf, String) {
        if self.report {
            (self.root.join("data").join(file), format!("data/{file}"))
        } else {
            (self.root.join(file), file.to_string())
        }
    }

    /// The text of `file`: a regular file inside the folder (no link), at most
    /// [`MAX_FILE_BYTES`], UTF-8.
    fn text(&self, file: &str) -> Result<String, String> {
        use std::io::Read;
        let (path, shown) = self.path(file);
        let meta = std::fs::symlink_metadata(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!("{shown}: missing"),
            _ => format!("{shown}: cannot be read: {e}"),
        })?;
        if meta.file_type().is_symlink() {
            return Err(format!("{shown}: a symbolic link; submit the file itself"));
        }
        if !meta.is_file() {
            return Err(format!("{shown}: not a regular file"));
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(format!(
                "{shown}: {} bytes, more than the {MAX_FILE_BYTES} a submission file may have",
                meta.len()
            ));
        }
        let mut bytes = Vec::new();
        std::fs::File::open(&path)
            .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
            .map_err(|e| format!("{shown}: cannot be read: {e}"))?;
        String::from_utf8(bytes).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            format!("{shown}: line {line}: not UTF-8 text (invalid byte at offset {at})")
        })
    }

    /// Columns `x` and `y` of `file` as a curve: every value finite, inputs distinct and
    /// increasing. (Other columns are ignored.)
    pub fn curve(&self, file: &str, x: &str, y: &str) -> Result<Curve, String> {
        // The report's own files name the simulated and the analytic QIF rate differently.
        let (file, y) = match (self.report, file, y) {
            (true, "qif_fi.csv", "rate_hz") => ("qif_fi.csv", "rate_euler_hz"),
            (true, "qif_analytic.csv", "rate_hz") => ("qif_fi.csv", "rate_analytic_hz"),
            other => (other.1, other.2),
        };
        let (_, shown) = self.path(file);
        let rows = self.table(file, &[x, y])?;
        if rows.is_empty() {
            return Err(format!("{shown}: no rows under the header"));
        }
        let mut curve = Curve {
            x: Vec::with_capacity(rows.len()),
            y: Vec::with_capacity(rows.len()),
        };
        for (line, values) in rows {
            if let Some(&last) = curve.x.last()
                && values[0] <= last
            {
                return Err(format!(
                    "{shown}: line {line}, column {x}: {} after {last}: inputs must be distinct \
                     and increasing",
                    values[0]
                ));
            }
            curve.x.push(values[0]);
            curve.y.push(values[1]);
        }
        Ok(curve)
    }

    /// The rows of `file` as numbers in `columns` (every value finite; other columns
    /// ignored), at least one.
    pub fn rows(&self, file: &str, columns: &[&str]) -> Result<Vec<Vec<f64>>, String> {
        let rows = self.table(file, columns)?;
        if rows.is_empty() {
            return Err(format!("{}: no rows under the header", self.path(file).1));
        }
        Ok(rows.into_iter().map(|(_, v)| v).collect())
    }

    /// The rows of `file` as numbers in `columns`, with their line numbers.
    fn table(&self, file: &str, columns: &[&str]) -> Result<Vec<(u64, Vec<f64>)>, String> {
        let (_, shown) = self.path(file);
        let text = self.text(file)?;
        let mut reader = csv::ReaderBuilder::new()
            .flexible(false)
            .from_reader(text.as_bytes());
        let header = reader
            .headers()
            .map_err(|e| format!("{shown}: line 1: not CSV: {e}"))?
            .clone();
        let index: Vec<usize> = columns
            .iter()
            .map(|c| {
                header.iter().position(|h| h.trim() == *c).ok_or_else(|| {
                    format!(
                        "{shown}: line 1: no column `{c}` (the header has: {})",
                        header.iter().collect::<Vec<_>>().join(", ")
                    )
                })
            })
            .collect::<Result<_, _>>()?;
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line());
                format!("{shown}: line {line}: not CSV: {e}")
            })?;
            let line = record.position().map_or(0, |p| p.line());
            if rows.len() >= MAX_ROWS {
                return Err(format!("{shown}: more than {MAX_ROWS} rows"));
            }
            let values = index
                .iter()
                .zip(columns)
                .map(|(&k, c)| {
                    let field = record.get(k).unwrap_or("").trim();
                    match field.parse::<f64>() {
                        Ok(v) if v.is_finite() => Ok(v),
                        Ok(_) => Err(format!(
                            "{shown}: line {line}, column {c}: `{field}` is not a finite number"
                        )),
                        Err(_) => Err(format!(
                            "{shown}: line {line}, column {c}: `{field}` is not a number"
                        )),
                    }
                })
                .collect::<Result<Vec<f64>, String>>()?;
            rows.push((line, values));
        }
        Ok(rows)
    }

    /// The networks' restarts: (hidden units, train accuracy, test accuracy) per row of
    /// `mlp.csv` (`mlp_restarts.csv` in a report).
    pub fn mlp(&self) -> Result<Vec<(usize, f64, f64)>, String> {
        let file = if self.report {
            "mlp_restarts.csv"
        } else {
            "mlp.csv"
        };
        let (_, shown) = self.path(file);
        let rows = self.table(file, &["hidden_units", "train_accuracy", "test_accuracy"])?;
        rows.into_iter()
            .map(|(line, v)| {
                if v[0] < 1.0 || v[0].fract() != 0.0 {
                    return Err(format!("{shown}: line {line}, column hidden_units: {} is not a positive whole number", v[0]));
                }
                for (value, c) in [(v[1], "train_accuracy"), (v[2], "test_accuracy")] {
                    if !(0.0..=1.0).contains(&value) {
                        return Err(format!("{shown}: line {line}, column {c}: {value} is not a fraction in [0, 1]"));
                    }
                }
                Ok((v[0] as usize, v[1], v[2]))
            })
            .collect()
    }

    /// The answers of `answers.toml`, as dotted keys (`fit.lif`) and their values as text.
    pub fn answers(&self) -> Result<BTreeMap<String, String>, String> {
        let (_, shown) = self.path("answers.toml");
        let text = self.text("answers.toml")?;
        let table: toml::Table =
            toml::from_str(&text).map_err(|e| format!("{shown}: {}", e.to_string().trim_end()))?;
        let mut out = BTreeMap::new();
        for (section, value) in &table {
            match value {
                toml::Value::Table(t) => {
                    for (k, v) in t {
                        let v = match v {
                            toml::Value::String(s) => s.clone(),
                            other => other.to_string(),
                        };
                        out.insert(format!("{section}.{k}"), v);
                    }
                }
                toml::Value::Integer(_) if section == "format" => {}
                _ => return Err(format!("{shown}: `{section}` is not a section")),
            }
        }
        match table.get("format") {
            Some(toml::Value::Integer(v)) if *v == i64::from(super::FORMAT_VERSION) => Ok(out),
            Some(v) => Err(format!(
                "{shown}: format = {v}, this grader reads format {}",
                super::FORMAT_VERSION
            )),
            None => Err(format!(
                "{shown}: no `format = {}` line",
                super::FORMAT_VERSION
            )),
        }
    }
}
