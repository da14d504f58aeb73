//! The manifest: the list of a report's files with their SHA-256, written last into every
//! report and read back strictly to decide whether a folder is provably this program's.

use super::{GENERATOR_PREFIX, Kind, MANIFEST, OutputFile, io};
use crate::error::Error;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// The manifest's shape: the generator (the marker that neuroreport wrote the folder) and
/// every file's SHA-256, by relative path. Read back strictly: any other key is refused.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Manifest {
    generator: String,
    files: BTreeMap<String, String>,
}

/// The SHA-256 of `bytes` in lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The manifest of `files`: the generator and the SHA-256 of every file.
pub fn manifest(files: &[OutputFile]) -> OutputFile {
    let manifest = Manifest {
        generator: format!("{GENERATOR_PREFIX}{}", env!("CARGO_PKG_VERSION")),
        files: files
            .iter()
            .map(|f| (f.path.clone(), sha256_hex(&f.bytes)))
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&manifest).expect("strings always serialise");
    text.push('\n');
    OutputFile {
        path: MANIFEST.into(),
        bytes: text.into_bytes(),
    }
}

/// The files a manifest lists (relative path → SHA-256), if it is one of ours (an object with
/// exactly a `generator` string naming neuroreport and a `files` object of strings) and every
/// path stays inside the folder.
pub(super) fn parse_manifest(bytes: &[u8]) -> Option<BTreeMap<String, String>> {
    let Manifest { generator, files } = serde_json::from_slice(bytes).ok()?;
    if !generator.starts_with(GENERATOR_PREFIX) {
        return None;
    }
    let safe = |p: &str| {
        !p.is_empty()
            && !p.starts_with('/')
            && !p.contains('\\')
            && p.split('/').all(|c| !c.is_empty() && c != "." && c != "..")
    };
    files.keys().all(|p| safe(p)).then_some(files)
}

/// Why a folder is not a complete report of ours, naming the first entry that is not ours.
pub(super) fn first_foreign(
    dir: &Path,
    entries: &[(String, Kind)],
) -> Result<Option<String>, Error> {
    let manifest_path = dir.join(MANIFEST);
    let listed = match entries.iter().find(|(p, _)| p == MANIFEST) {
        Some((_, Kind::File)) => {
            let bytes = fs::read(&manifest_path).map_err(io("cannot read", &manifest_path))?;
            parse_manifest(&bytes)
        }
        _ => None,
    };
    let Some(listed) = listed else {
        let example = entries
            .iter()
            .find(|(_, k)| *k != Kind::Dir)
            .or(entries.first())
            .map(|(p, _)| p.clone())
            .unwrap_or_default();
        return Ok(Some(format!(
            "the folder is not empty and is not a report written by neuroreport (it has no \
             {MANIFEST} naming neuroreport as its generator); it holds `{example}`"
        )));
    };
    for (path, kind) in entries {
        match kind {
            Kind::Other => {
                return Ok(Some(format!(
                    "`{path}` is a link or special file, which neuroreport never writes"
                )));
            }
            Kind::Dir => {
                let prefix = format!("{path}/");
                if !listed.keys().any(|p| p.starts_with(&prefix)) {
                    return Ok(Some(format!(
                        "`{path}` is a folder that {MANIFEST} does not list"
                    )));
                }
            }
            Kind::File if path == MANIFEST => {}
            Kind::File => match listed.get(path) {
                None => {
                    return Ok(Some(format!(
                        "`{path}` is not listed in {MANIFEST}, so neuroreport did not write it"
                    )));
                }
                Some(hash) => {
                    let p = dir.join(path);
                    let bytes = fs::read(&p).map_err(io("cannot read", &p))?;
                    if &sha256_hex(&bytes) != hash {
                        return Ok(Some(format!(
                            "`{path}` was changed after neuroreport wrote it"
                        )));
                    }
                }
            },
        }
    }
    Ok(None)
}
