//! `--check`: rebuilds the report in memory and compares it with a folder on disk, file by
//! file and byte by byte, without writing anything. A file much larger than the one the
//! build makes is reported without being read; a file or folder the build does not make is
//! reported as extra.

use crate::config::Config;
use crate::error::Error;
use crate::{Progress, Result, build_files, escape, output};
use std::path::Path;

/// One way the files on disk differ from a fresh build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    /// The build makes this file, the folder lacks it.
    Missing(String),
    /// The folder has this file, the build does not make it.
    Extra(String),
    /// The build makes this file; the folder has a link, folder or special file there
    /// (never followed).
    NotAFile(String),
    /// Both have the file with different bytes; for text files, the first differing line
    /// (1-based) with the folder's and the build's version of it.
    Differs {
        /// Relative path.
        path: String,
        /// First differing line, if the files are text.
        first_line: Option<(usize, String, String)>,
    },
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Difference::Missing(p) => write!(f, "{}: missing from the folder", escape(p)),
            Difference::Extra(p) => write!(f, "{}: not produced by the code", escape(p)),
            Difference::NotAFile(p) => write!(
                f,
                "{}: not a regular file in the folder (a link, folder or special file)",
                escape(p)
            ),
            Difference::Differs {
                path,
                first_line: None,
            } => write!(f, "{}: contents differ", escape(path)),
            Difference::Differs {
                path,
                first_line: Some((n, on_disk, rebuilt)),
            } => {
                let cut = |s: &str| escape(&s.chars().take(160).collect::<String>());
                write!(
                    f,
                    "{}: first difference at line {n}\n    committed: {}\n    rebuilt:   {}",
                    escape(path),
                    cut(on_disk),
                    cut(rebuilt)
                )
            }
        }
    }
}

/// Rebuilds the report in memory and compares it, file by file and byte by byte, with the
/// folder `dir`. An empty list means the folder is exactly what the code produces.
pub fn check_report(cfg: &Config, dir: &Path, progress: &dyn Progress) -> Result<Vec<Difference>> {
    let dir = &output::target_path(dir)?;
    let is_dir = std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir());
    if !is_dir {
        return Err(Error::Target {
            path: dir.display().to_string(),
            problem: "no report folder to check here (symbolic links are not followed); \
                      build it first with `cargo run --release`"
                .into(),
        });
    }
    let files = build_files(cfg, progress)?;
    let on_disk = output::walk(dir)?;
    let mut differences = Vec::new();
    for f in &files {
        let kind = on_disk.iter().find(|(p, _)| *p == f.path).map(|(_, k)| *k);
        if kind != Some(output::Kind::File) {
            differences.push(match kind {
                Some(_) => Difference::NotAFile(f.path.clone()),
                None => Difference::Missing(f.path.clone()),
            });
            continue;
        }
        let path = dir.join(&f.path);
        match read_up_to(&path, 2 * f.bytes.len() + (64 << 10)) {
            Err(_) => differences.push(Difference::Missing(f.path.clone())),
            Ok(None) => differences.push(Difference::Differs {
                path: f.path.clone(),
                first_line: None,
            }),
            Ok(Some(bytes)) if bytes == f.bytes => {}
            Ok(Some(bytes)) => {
                let first_line = match (std::str::from_utf8(&bytes), std::str::from_utf8(&f.bytes))
                {
                    (Ok(a), Ok(b)) => {
                        let (mut la, mut lb) = (a.lines(), b.lines());
                        let mut n = 0;
                        loop {
                            n += 1;
                            match (la.next(), lb.next()) {
                                (Some(x), Some(y)) if x == y => continue,
                                (None, None) => {
                                    break Some((
                                        n,
                                        "(trailing bytes differ)".into(),
                                        String::new(),
                                    ));
                                }
                                (x, y) => {
                                    break Some((
                                        n,
                                        x.unwrap_or("(end of file)").to_string(),
                                        y.unwrap_or("(end of file)").to_string(),
                                    ));
                                }
                            }
                        }
                    }
                    _ => None,
                };
                differences.push(Difference::Differs {
                    path: f.path.clone(),
                    first_line,
                });
            }
        }
    }
    for (p, kind) in on_disk {
        let produced = match kind {
            output::Kind::Dir => {
                let prefix = format!("{p}/");
                files.iter().any(|f| f.path.starts_with(&prefix))
            }
            _ => files.iter().any(|f| f.path == p),
        };
        if !produced {
            differences.push(Difference::Extra(p));
        }
    }
    Ok(differences)
}

/// The bytes of `path` when it holds at most `limit` bytes (`None` otherwise: the contents
/// differ, and a file of any size is never read whole to find that out).
fn read_up_to(path: &Path, limit: usize) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    if file.metadata()?.len() > limit as u64 {
        return Ok(None);
    }
    let mut bytes = Vec::new();
    // Bounded even if the file grows after its size was read.
    file.take(limit as u64 + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() <= limit).then_some(bytes))
}
