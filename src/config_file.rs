//! Reading and writing the configuration file: the application's side of the first stage.
//! The core (`neuroreport::config`) defines the types, their defaults and their ranges; this
//! module reads a TOML file of overrides (a regular file of bounded size, unknown keys
//! refused), writes the configuration back as TOML (`--print-config`, the report's appendix),
//! and quotes a key's default in the message of a value out of range.

use crate::config::{Config, ConfigError, KEY_DOCS, shorten};
use crate::error::Error;
use std::path::Path;

/// Largest configuration file read (bytes): the full configuration with every comment is
/// a few kilobytes.
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// Reads a regular file of at most [`MAX_CONFIG_BYTES`]. A FIFO, a device (`/dev/zero`) or a
/// folder is refused before it is opened (opening a FIFO would wait for a writer), and a file
/// is read only up to one byte past the limit, so nothing unbounded is read.
fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let regular = |m: &std::fs::Metadata| -> Result<(), String> {
        if m.is_file() {
            Ok(())
        } else {
            Err("not a regular file (a folder, FIFO or device cannot be a configuration)".into())
        }
    };
    regular(&std::fs::metadata(path).map_err(|e| e.to_string())?)?;
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    // Checked again on the opened file: the path may have been replaced in between.
    regular(&file.metadata().map_err(|e| e.to_string())?)?;
    let mut bytes = Vec::new();
    file.take(MAX_CONFIG_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(format!(
            "larger than {MAX_CONFIG_BYTES} bytes, which no configuration needs"
        ));
    }
    Ok(bytes)
}

/// Reads a TOML file of overrides on top of the defaults, then validates the result ([`validate`]).
pub fn read(path: &Path) -> Result<Config, Error> {
    let shown = path.display().to_string();
    let bytes = read_bounded(path).map_err(|reason| Error::ConfigRead {
        path: shown.clone(),
        reason,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| Error::ConfigRead {
        path: shown.clone(),
        reason: format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ),
    })?;
    let cfg: Config = toml::from_str(&text).map_err(|e| Error::ConfigParse {
        path: shown,
        reason: e
            .to_string()
            .trim_end()
            .lines()
            .map(|l| shorten(l, 200))
            .collect::<Vec<_>>()
            .join("\n"),
    })?;
    validate(&cfg)?;
    Ok(cfg)
}

/// Checks every field against its range ([`Config::validate`]); the message of a value out of
/// range ends with the key's default value, a known-good fix.
pub fn validate(cfg: &Config) -> Result<(), ConfigError> {
    cfg.validate().map_err(|e| match e {
        ConfigError::Invalid { key, value, rule } => {
            let rule = match default_of(&key) {
                Some(d) => format!("{rule} (default: {d})"),
                None => rule,
            };
            ConfigError::Invalid { key, value, rule }
        }
    })
}

/// The configuration as TOML, as printed by `--print-config` and in the report's appendix.
/// Tiny and huge numbers are written in exponent form (`5e-324`, not 324 digits).
pub fn to_toml(cfg: &Config) -> String {
    let text = toml::to_string(cfg).expect("a Config always serialises");
    text.lines()
        .map(|line| match line.split_once(" = ") {
            Some((key, value)) => format!("{key} = {}\n", exponent_form(value)),
            None => format!("{line}\n"),
        })
        .collect()
}

/// `value` (a TOML value: a number or an array of numbers) with every number whose decimal
/// form is long because it is below 1e-6 or from 1e16 up rewritten in exponent form, the
/// shortest that reads back to the same `f64`.
fn exponent_form(value: &str) -> String {
    let numeric = |c: char| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E');
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(start) = rest.find(numeric) {
        out.push_str(&rest[..start]);
        let len = rest[start..]
            .find(|c: char| !numeric(c))
            .unwrap_or(rest.len() - start);
        let token = &rest[start..start + len];
        match token.parse::<f64>() {
            Ok(x) if x != 0.0 && x.is_finite() && (x.abs() < 1e-6 || x.abs() >= 1e16) => {
                out.push_str(&format!("{x:e}"));
            }
            _ => out.push_str(token),
        }
        rest = &rest[start + len..];
    }
    out.push_str(rest);
    out
}

/// The configuration as TOML with each key's meaning and range as a comment.
pub fn annotated_toml(cfg: &Config) -> String {
    let mut section = String::new();
    let mut out = String::from(
        "# neuroreport configuration: every key, its default, meaning and range.\n\
         # Save as FILE.toml, keep the keys you change, and run with --config FILE.toml.\n\n",
    );
    for line in to_toml(cfg).lines() {
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = format!("{name}.");
        }
        out.push_str(line);
        if let Some((key, _)) = line.split_once(" = ") {
            let full = format!("{section}{}", key.trim());
            if let Some((_, doc)) = KEY_DOCS.iter().find(|(k, _)| *k == full) {
                out.push_str("  # ");
                out.push_str(doc);
            }
        }
        out.push('\n');
    }
    out
}

/// The default value of a dotted key (`qif.dt_ms`, `cs.g_a_values[2]`), as TOML.
fn default_of(key: &str) -> Option<String> {
    // Read back from the defaults' TOML text, so the configuration is serialised one way only.
    let defaults = toml::Value::Table(to_toml(&Config::default()).parse().ok()?);
    let mut v = &defaults;
    for part in key.split('.') {
        let (name, index) = match part.split_once('[') {
            Some((n, rest)) => (n, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        v = v.get(name)?;
        if let Some(i) = index {
            v = v.get(i)?;
        }
    }
    Some(v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiny_and_huge_numbers_are_printed_in_exponent_form_and_read_back() {
        let mut cfg = Config::default();
        cfg.lif.refractory_ms = 5e-324;
        cfg.cs.transient_ms = 1e-310;
        cfg.cs.g_a_values = vec![1e-7, 47.7];
        let text = to_toml(&cfg);
        assert!(text.contains("refractory_ms = 5e-324\n"), "{text}");
        assert!(text.contains("transient_ms = 1e-310\n"));
        assert!(text.contains("g_a_values = [1e-7, 47.7]\n"));
        assert!(text.lines().all(|l| l.len() < 100), "{text}");
        let back: Config = toml::from_str(&text).unwrap();
        assert_eq!(back, cfg);
        assert_eq!(exponent_form("2.5"), "2.5");
        assert_eq!(exponent_form("1e16"), "1e16");
        assert_eq!(exponent_form("-0.000000001"), "-1e-9");
    }

    #[test]
    fn defaults_round_trip_through_toml() {
        let cfg = Config::default();
        let back: Config = toml::from_str(&to_toml(&cfg)).unwrap();
        assert_eq!(back, cfg);
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let err = toml::from_str::<Config>("[qif]\ntua_ms = 3\n").unwrap_err();
        assert!(err.to_string().contains("tua_ms"), "{err}");
    }

    #[test]
    fn every_key_is_documented_exactly_once() {
        let text = annotated_toml(&Config::default());
        let key_lines: Vec<&str> = text.lines().filter(|l| l.contains(" = ")).collect();
        assert_eq!(key_lines.len(), KEY_DOCS.len());
        assert!(key_lines.iter().all(|l| l.contains("  # ")), "{text}");
        let back: Config = toml::from_str(&text).unwrap();
        assert_eq!(back, Config::default());
    }

    #[test]
    fn a_value_out_of_range_quotes_the_default() {
        let mut cfg = Config::default();
        cfg.qif.v_reset = 20.0;
        let msg = validate(&cfg).unwrap_err().to_string();
        assert!(msg.ends_with("(default: -10.0)"), "{msg}");
    }
}
