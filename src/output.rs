//! The only stage that writes files. It writes the whole report into a staging folder beside
//! the target (`.NAME.tmp-PID`), and only when every file is written swaps it in: the old
//! report is renamed to `.NAME.old-PID`, the staging folder to `NAME`, and the old copy removed.
//! A run killed at any moment leaves either the previous report or the new one in place; the
//! next run removes what a killed run left behind (and restores the old report if it was
//! killed between the two renames).

use crate::error::Error;
use std::fs;
use std::path::{Path, PathBuf};

/// One file of the report, by path relative to the report folder.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputFile {
    /// Relative path with `/` separators, e.g. `figures/qif_fi.svg`.
    pub path: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.display().to_string();
    move |source| Error::Io {
        action,
        path,
        source,
    }
}

fn parent_and_name(out: &Path) -> Result<(PathBuf, String), Error> {
    let name = out
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Error::Io {
            action: "output folder has no usable name:",
            path: out.display().to_string(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a folder name"),
        })?
        .to_string();
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((parent, name))
}

/// Whether the process that owns a leftover named `.NAME.tmp-PID` may still be running, so its
/// folder must be left alone (only knowable where /proc exists; elsewhere assume it died).
fn owner_alive(file_name: &str) -> bool {
    let Some(pid) = file_name
        .rsplit('-')
        .next()
        .and_then(|p| p.parse::<u32>().ok())
    else {
        return false;
    };
    pid != std::process::id() && Path::new("/proc").join(pid.to_string()).exists()
}

/// Removes staging and old folders left by killed runs, restoring the old report if the
/// target is missing. Folders of a build that is still running are left alone.
pub fn clean_leftovers(out: &Path) -> Result<(), Error> {
    let (parent, name) = parent_and_name(out)?;
    let Ok(entries) = fs::read_dir(&parent) else {
        return Ok(());
    };
    let tmp_prefix = format!(".{name}.tmp-");
    let old_prefix = format!(".{name}.old-");
    let mut olds = Vec::new();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(n) = file_name.to_str() else {
            continue;
        };
        if owner_alive(n) {
            continue;
        }
        if n.starts_with(&tmp_prefix) {
            fs::remove_dir_all(entry.path())
                .map_err(io("cannot remove leftover", &entry.path()))?;
        } else if n.starts_with(&old_prefix) {
            olds.push(entry.path());
        }
    }
    olds.sort();
    for old in olds {
        if !out.exists() {
            fs::rename(&old, out).map_err(io("cannot restore previous report from", &old))?;
        } else {
            fs::remove_dir_all(&old).map_err(io("cannot remove leftover", &old))?;
        }
    }
    Ok(())
}

/// Checks that `out` can become the report folder, before any work is done.
pub fn check_target(out: &Path) -> Result<(), Error> {
    if out.exists() && !out.is_dir() {
        return Err(Error::Io {
            action: "output path exists and is not a folder:",
            path: out.display().to_string(),
            source: std::io::Error::new(std::io::ErrorKind::AlreadyExists, "choose another --out"),
        });
    }
    let (parent, _) = parent_and_name(out)?;
    if !parent.is_dir() {
        return Err(Error::Io {
            action: "parent of the output folder does not exist:",
            path: parent.display().to_string(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "create it first"),
        });
    }
    Ok(())
}

/// Writes `files` as the complete new contents of `out`, atomically replacing it.
pub fn write_report(out: &Path, files: &[OutputFile]) -> Result<(), Error> {
    check_target(out)?;
    clean_leftovers(out)?;
    let (parent, name) = parent_and_name(out)?;
    let pid = std::process::id();
    let staging = parent.join(format!(".{name}.tmp-{pid}"));
    let result = (|| {
        fs::create_dir(&staging).map_err(io("cannot create staging folder", &staging))?;
        for f in files {
            let path = staging.join(&f.path);
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir).map_err(io("cannot create folder", dir))?;
            }
            fs::write(&path, &f.bytes).map_err(io("cannot write", &path))?;
        }
        Ok(())
    })();
    if let Err(e) = result {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    if out.exists() {
        let old = parent.join(format!(".{name}.old-{pid}"));
        fs::rename(out, &old).map_err(io("cannot move previous report aside:", out))?;
        if let Err(e) = fs::rename(&staging, out) {
            let _ = fs::rename(&old, out);
            return Err(io("cannot move new report into place:", out)(e));
        }
        fs::remove_dir_all(&old).map_err(io("cannot remove previous report copy", &old))?;
    } else {
        fs::rename(&staging, out).map_err(io("cannot move new report into place:", out))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn replaces_the_whole_folder_and_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("report");
        write_report(&out, &[file("a.txt", "1"), file("sub/b.txt", "2")]).unwrap();
        write_report(&out, &[file("c.txt", "3")]).unwrap();
        assert!(!out.join("a.txt").exists());
        assert_eq!(fs::read_to_string(out.join("c.txt")).unwrap(), "3");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("report")]);
    }

    #[test]
    fn restores_a_report_moved_aside_by_a_killed_run() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("report");
        // PIDs above the kernel's maximum (2^22) never belong to a running process.
        let old = dir.path().join(".report.old-4294967294");
        fs::create_dir(&old).unwrap();
        fs::write(old.join("x"), "old").unwrap();
        fs::create_dir(dir.path().join(".report.tmp-4294967294")).unwrap();
        clean_leftovers(&out).unwrap();
        assert_eq!(fs::read_to_string(out.join("x")).unwrap(), "old");
        assert!(!dir.path().join(".report.tmp-4294967294").exists());
    }

    #[test]
    fn leaves_the_folders_of_a_running_build_alone() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("report");
        let mut running = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        let staging = dir.path().join(format!(".report.tmp-{}", running.id()));
        fs::create_dir(&staging).unwrap();
        clean_leftovers(&out).unwrap();
        let kept = staging.exists();
        running.kill().unwrap();
        running.wait().unwrap();
        assert!(kept, "the staging folder of a running build was removed");
    }

    #[test]
    fn refuses_a_file_as_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("report");
        fs::write(&out, "not a folder").unwrap();
        let err = write_report(&out, &[]).unwrap_err().to_string();
        assert!(err.contains("not a folder"), "{err}");
    }
}
