//! The only stage that writes files, and the guardian of the user's folders.
//!
//! **What `--out DIR` may touch.** `DIR` is replaced only when it does not exist, is empty, or
//! is a report this program wrote: it has a `manifest.json` naming neuroreport as its
//! generator, and every file in it is listed there with the SHA-256 it was written with. A
//! folder with any other file (a user's notes, a file edited since, a link) is refused with
//! exit code 2 naming that file; nothing is ever removed that the manifest does not list.
//!
//! **How it is written.** Builds take an exclusive OS lock on `.DIR.lock` beside the target
//! (a second build into the same folder exits 2 at once). The report is written into a new
//! staging folder `.DIR.tmp-PID-K` whose first file is a marker ([`STAGING_MARKER`]); when
//! every file is written the marker is removed and the staging folder is exchanged with the
//! target in one atomic step (Linux `renameat2(RENAME_EXCHANGE)`; elsewhere two renames,
//! with the old report parked at `.DIR.old-PID-K`). The old report, now at the staging path,
//! is removed file by file from its own manifest. A kill at any moment leaves either the
//! previous report or the new one at `DIR`.
//!
//! **Leftovers.** At start-up, under the lock, folders named `.DIR.tmp-*` or `.DIR.old-*` are
//! removed only when they are provably this program's: they hold the staging marker, or they
//! are a complete report by their manifest. An interrupted two-rename swap is undone first
//! (the parked report is moved back). Anything else with such a name is left alone.

mod lock;
mod manifest;
mod swap;

pub use lock::{TargetLock, lock_target};
use manifest::first_foreign;
pub use manifest::{manifest, sha256_hex};
pub use swap::{recover, write_report};

use crate::error::Error;
use std::fs;
use std::path::{Path, PathBuf};

/// The manifest's file name inside a report folder.
pub const MANIFEST: &str = "manifest.json";
/// What the manifest's `generator` field starts with in a report this program wrote.
pub const GENERATOR_PREFIX: &str = "neuroreport ";
/// The file written first into every staging folder, proving the folder is this program's.
pub const STAGING_MARKER: &str = ".neuroreport-staging";
pub(crate) const STAGING_MARKER_TEXT: &str =
    "neuroreport staging folder: neuroreport removes it when no build is running\n";
/// Folders deeper than this, or holding more entries, are not walked (a report has 2 levels).
pub(crate) const MAX_DEPTH: usize = 16;
pub(crate) const MAX_ENTRIES: usize = 200_000;
/// Attempts at a fresh staging folder name before giving up.
pub(crate) const MAX_STAGING_NAMES: u32 = 1000;

/// One file of the report, by path relative to the report folder.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputFile {
    /// Relative path with `/` separators, e.g. `figures/qif_fi.svg`.
    pub path: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

pub(crate) fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.display().to_string();
    move |source| Error::Io {
        action,
        path,
        source,
    }
}

pub(crate) fn target_error(path: &Path, problem: impl Into<String>) -> Error {
    Error::Target {
        path: path.display().to_string(),
        problem: problem.into(),
    }
}

/// A file-system entry found by [`walk`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// A regular file.
    File,
    /// A folder (walked into).
    Dir,
    /// A symbolic link, socket, device or anything else (never followed).
    Other,
}

impl Kind {
    /// The kind of an entry of this file type (a symbolic link is `Other`: never followed).
    fn of(file_type: fs::FileType) -> Kind {
        if file_type.is_dir() {
            Kind::Dir
        } else if file_type.is_file() {
            Kind::File
        } else {
            Kind::Other
        }
    }
}

/// Every entry below `root`, as `/`-separated relative paths, sorted; symbolic links are
/// listed as [`Kind::Other`] and never followed. Bounded in depth and number of entries.
pub fn walk(root: &Path) -> Result<Vec<(String, Kind)>, Error> {
    let mut out = Vec::new();
    let mut stack = vec![(root.to_path_buf(), 0usize)];
    while let Some((dir, depth)) = stack.pop() {
        for entry in fs::read_dir(&dir).map_err(io("cannot read folder", &dir))? {
            let entry = entry.map_err(io("cannot read folder", &dir))?;
            let path = entry.path();
            let file_type = entry.file_type().map_err(io("cannot read", &path))?;
            let rel = path
                .strip_prefix(root)
                .expect("below root")
                .to_string_lossy()
                .replace('\\', "/");
            let kind = Kind::of(file_type);
            if kind == Kind::Dir {
                if depth + 1 >= MAX_DEPTH {
                    return Err(target_error(
                        &path,
                        format!("folders nest deeper than {MAX_DEPTH} levels; not walked"),
                    ));
                }
                stack.push((path, depth + 1));
            }
            out.push((rel, kind));
            if out.len() > MAX_ENTRIES {
                return Err(target_error(
                    root,
                    format!("holds more than {MAX_ENTRIES} entries; not walked"),
                ));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// What an existing `--out` folder is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Target {
    /// Nothing at the path.
    Absent,
    /// An empty folder.
    Empty,
    /// A report this program wrote: every entry is the manifest, a listed file with its
    /// recorded hash, or a folder holding listed files.
    Report,
}

/// Checks that `out` can become the report folder, before any work is done: its parent
/// exists, and it is absent, empty, or a report this program wrote and nobody changed.
pub fn check_target(out: &Path) -> Result<(), Error> {
    inspect(out).map(|_| ())
}

pub(crate) fn inspect(out: &Path) -> Result<Target, Error> {
    let (parent, _) = parent_and_name(out)?;
    if !parent.is_dir() {
        return Err(target_error(
            &parent,
            "the parent of the output folder does not exist; create it first",
        ));
    }
    let meta = match fs::symlink_metadata(out) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Target::Absent),
        Err(e) => return Err(io("cannot inspect the output folder", out)(e)),
        Ok(m) => m,
    };
    if meta.file_type().is_symlink() {
        return Err(target_error(
            out,
            "is a symbolic link; give --out the folder itself or a new folder",
        ));
    }
    if !meta.is_dir() {
        return Err(target_error(
            out,
            "exists and is not a folder; choose another --out",
        ));
    }
    // A folder without a manifest at its top is not a report, whatever lies deeper: it is
    // refused even where it is too deep or too large to walk (a home folder).
    let top = top_level(out)?;
    if top.is_empty() {
        return Ok(Target::Empty);
    }
    let entries = if top.iter().any(|(p, k)| p == MANIFEST && *k == Kind::File) {
        walk(out)?
    } else {
        // Walked only to name a file it holds, where that is cheap.
        walk(out).unwrap_or(top)
    };
    match first_foreign(out, &entries)? {
        None => Ok(Target::Report),
        Some(why) => Err(target_error(
            out,
            format!(
                "refusing to replace this folder: {why}. neuroreport never removes or \
                 overwrites a file it did not write: move that file out, or choose a new or \
                 empty folder with --out"
            ),
        )),
    }
}

/// The entries directly in `root`, sorted, as [`walk`] lists them (folders not entered);
/// bounded in number.
fn top_level(root: &Path) -> Result<Vec<(String, Kind)>, Error> {
    let mut out = Vec::new();
    for entry in fs::read_dir(root).map_err(io("cannot read folder", root))? {
        let entry = entry.map_err(io("cannot read folder", root))?;
        let file_type = entry
            .file_type()
            .map_err(io("cannot read", &entry.path()))?;
        let kind = Kind::of(file_type);
        out.push((entry.file_name().to_string_lossy().into_owned(), kind));
        if out.len() > MAX_ENTRIES {
            return Err(target_error(
                root,
                format!("holds more than {MAX_ENTRIES} entries; not walked"),
            ));
        }
    }
    out.sort();
    Ok(out)
}

/// The longest folder name `--out` may have: its staging folder `.NAME.tmp-PID-K` must fit
/// in the 255 bytes a file name may have.
pub const MAX_NAME_BYTES: usize = 220;

/// `out` as the folder it names, decided before any work: trailing slashes go (so `link/`
/// names the link itself, which is then refused, instead of the folder it points to), and a
/// path ending in `.` or `..`, or a name too long for the staging folder beside it, is an
/// error naming the path.
pub fn target_path(out: &Path) -> Result<PathBuf, Error> {
    let text = out.to_string_lossy();
    let trimmed = text.trim_end_matches('/');
    if trimmed.is_empty() {
        return Err(target_error(
            out,
            "is the root folder; give --out a folder of its own",
        ));
    }
    let last = trimmed.rsplit('/').next().unwrap_or(trimmed);
    if last == "." || last == ".." {
        return Err(target_error(
            out,
            "ends in `.` or `..`; give --out the folder's own name",
        ));
    }
    if last.len() > MAX_NAME_BYTES {
        return Err(target_error(
            out,
            format!(
                "has a name of {} bytes; at most {MAX_NAME_BYTES} leave room for the staging folder \
                 beside it",
                last.len()
            ),
        ));
    }
    Ok(if trimmed.len() == text.len() {
        out.to_path_buf()
    } else {
        PathBuf::from(trimmed)
    })
}

pub(crate) fn parent_and_name(out: &Path) -> Result<(PathBuf, String), Error> {
    let name = out
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| !n.is_empty())
        .ok_or_else(|| target_error(out, "is not a usable folder name; give --out a folder"))?
        .to_string();
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((parent, name))
}

#[cfg(test)]
mod tests {
    use super::manifest::*;
    use super::swap::*;
    use super::*;
    use std::cell::RefCell;

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    fn report(files: &[OutputFile]) -> Vec<OutputFile> {
        let mut v = files.to_vec();
        v.push(manifest(files));
        v
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    fn no_warn(m: &str) {
        panic!("unexpected warning: {m}")
    }

    #[test]
    fn a_deep_folder_without_a_manifest_is_refused_as_not_a_report() {
        // A home folder: deeper than any walk, and not a report.
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("home");
        let mut deep = out.clone();
        for k in 0..(MAX_DEPTH + 4) {
            deep.push(format!("d{k}"));
        }
        fs::create_dir_all(&deep).unwrap();
        fs::write(out.join(".bashrc"), "x").unwrap();
        let e = check_target(&out).unwrap_err().to_string();
        assert!(e.contains("is not a report written by neuroreport"), "{e}");
        assert!(e.contains("`.bashrc`") && !e.contains("deeper"), "{e}");
    }

    #[test]
    fn replaces_its_own_report_and_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("report");
        write_report(
            &out,
            &report(&[file("a.txt", "1"), file("sub/b.txt", "2")]),
            &no_warn,
        )
        .unwrap();
        write_report(&out, &report(&[file("c.txt", "3")]), &no_warn).unwrap();
        assert!(!out.join("a.txt").exists());
        assert_eq!(fs::read_to_string(out.join("c.txt")).unwrap(), "3");
        assert_eq!(names(dir.path()), vec!["report"]);
    }

    #[test]
    fn refuses_a_folder_it_did_not_write_and_names_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("userdir");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("thesis.txt"), "thesis").unwrap();
        let err = write_report(&out, &report(&[file("a", "1")]), &no_warn).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        let msg = err.to_string();
        assert!(
            msg.contains("`thesis.txt`") && msg.contains("new or empty folder"),
            "{msg}"
        );
        assert_eq!(
            fs::read_to_string(out.join("thesis.txt")).unwrap(),
            "thesis"
        );
        assert_eq!(names(dir.path()), vec!["userdir"]);
    }

    #[test]
    fn refuses_unlisted_and_changed_files_inside_its_report() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("report");
        let files = report(&[file("a.txt", "1")]);
        write_report(&out, &files, &no_warn).unwrap();
        fs::write(out.join("notes.md"), "mine").unwrap();
        let msg = write_report(&out, &files, &no_warn)
            .unwrap_err()
            .to_string();
        assert!(msg.contains("`notes.md` is not listed"), "{msg}");
        fs::remove_file(out.join("notes.md")).unwrap();
        fs::write(out.join("a.txt"), "edited").unwrap();
        let msg = write_report(&out, &files, &no_warn)
            .unwrap_err()
            .to_string();
        assert!(msg.contains("`a.txt` was changed"), "{msg}");
        assert_eq!(fs::read_to_string(out.join("a.txt")).unwrap(), "edited");
    }

    #[test]
    fn a_forged_manifest_cannot_reach_outside_the_folder() {
        assert!(parse_manifest(br#"{"generator":"neuroreport 1","files":{"../x":"0"}}"#).is_none());
        assert!(parse_manifest(br#"{"generator":"other 1","files":{}}"#).is_none());
        assert!(parse_manifest(br#"{"generator":"neuroreport 1","files":{"a/b":"0"}}"#).is_some());
    }

    #[test]
    fn output_paths_are_decided_before_the_work() {
        assert_eq!(
            target_path(Path::new("a/report/")).unwrap(),
            Path::new("a/report")
        );
        for bad in ["report/.", "report/..", ".", "/", "//"] {
            assert!(target_path(Path::new(bad)).is_err(), "{bad}");
        }
        let long = "x".repeat(MAX_NAME_BYTES + 1);
        assert!(target_path(Path::new(&long)).is_err());
        // A link named with a trailing slash is refused as a link, not followed.
        #[cfg(unix)]
        {
            let dir = tempfile::tempdir().unwrap();
            let real = dir.path().join("real");
            fs::create_dir(&real).unwrap();
            let link = dir.path().join("link");
            std::os::unix::fs::symlink(&real, &link).unwrap();
            let with_slash = format!("{}/", link.display());
            let out = target_path(Path::new(&with_slash)).unwrap();
            let e = check_target(&out).unwrap_err().to_string();
            assert!(e.contains("symbolic link"), "{e}");
        }
    }

    #[test]
    fn another_targets_staging_folder_and_a_planted_lock_link_are_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("px");
        // The staging folder of a concurrent build into `px.tmp-1`, marker and all.
        let other = dir.path().join(".px.tmp-1.tmp-77-0");
        fs::create_dir(&other).unwrap();
        fs::write(other.join(STAGING_MARKER), STAGING_MARKER_TEXT).unwrap();
        recover(&out, &no_warn).unwrap();
        assert!(other.join(STAGING_MARKER).is_file());
        // Ours is removed.
        let ours = dir.path().join(".px.tmp-78-0");
        fs::create_dir(&ours).unwrap();
        fs::write(ours.join(STAGING_MARKER), STAGING_MARKER_TEXT).unwrap();
        recover(&out, &no_warn).unwrap();
        assert!(!ours.exists());
        #[cfg(target_os = "linux")]
        {
            let target = dir.path().join("elsewhere");
            std::os::unix::fs::symlink(&target, dir.path().join(".px.lock")).unwrap();
            assert!(lock_target(&out).is_err());
            assert!(!target.exists());
        }
    }

    #[test]
    fn an_empty_folder_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("empty");
        fs::create_dir(&out).unwrap();
        write_report(&out, &report(&[file("a", "1")]), &no_warn).unwrap();
        assert_eq!(names(&out), vec!["a", MANIFEST]);
    }

    #[test]
    fn refuses_links_and_files_as_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("report");
        fs::write(&out, "not a folder").unwrap();
        let err = write_report(&out, &[], &no_warn).unwrap_err().to_string();
        assert!(err.contains("not a folder"), "{err}");
        #[cfg(unix)]
        {
            let link = dir.path().join("link");
            std::os::unix::fs::symlink(dir.path(), &link).unwrap();
            let err = write_report(&link, &[], &no_warn).unwrap_err().to_string();
            assert!(err.contains("symbolic link"), "{err}");
        }
    }

    #[test]
    fn restores_a_report_parked_by_an_interrupted_swap() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("report");
        let parked = dir.path().join(".report.old-4294967294-0");
        write_report(&parked, &report(&[file("x", "old")]), &no_warn).unwrap();
        let staging = dir.path().join(".report.tmp-4294967294-0");
        fs::create_dir(&staging).unwrap();
        fs::write(staging.join(STAGING_MARKER), STAGING_MARKER_TEXT).unwrap();
        fs::write(staging.join("half"), "written").unwrap();
        recover(&out, &no_warn).unwrap();
        assert_eq!(fs::read_to_string(out.join("x")).unwrap(), "old");
        assert_eq!(names(dir.path()), vec!["report"]);
    }

    #[test]
    fn leftover_names_alone_never_cause_removal() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("report");
        let user_dir = dir.path().join(".report.old-2023");
        fs::create_dir(&user_dir).unwrap();
        fs::write(user_dir.join("keep"), "mine").unwrap();
        let user_tmp = dir.path().join(".report.tmp-mine");
        fs::create_dir(&user_tmp).unwrap();
        fs::write(dir.path().join(".report.tmp-file"), "a plain file").unwrap();
        let warnings = RefCell::new(Vec::new());
        let warn = |m: &str| warnings.borrow_mut().push(m.to_string());
        for text in ["1", "2"] {
            recover(&out, &warn).unwrap();
            write_report(&out, &report(&[file("a", text)]), &warn).unwrap();
        }
        assert_eq!(fs::read_to_string(user_dir.join("keep")).unwrap(), "mine");
        assert!(user_tmp.is_dir());
        assert!(dir.path().join(".report.tmp-file").is_file());
        assert!(warnings.borrow().iter().all(|w| w.contains("not provably")));
    }

    #[test]
    fn a_second_lock_on_the_same_target_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("report");
        let held = lock_target(&out).unwrap();
        let err = lock_target(&out).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(
            err.to_string().contains("another build is writing"),
            "{err}"
        );
        drop(held);
        lock_target(&out).unwrap();
    }

    #[test]
    fn a_user_file_added_during_a_build_survives_the_swap() {
        // The old copy is removed file by file from its manifest, so a file that appears in
        // the folder after the check is kept (the folder stays, with a warning).
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("report");
        write_report(&out, &report(&[file("a", "1")]), &no_warn).unwrap();
        let old = dir.path().join(".report.old-1-0");
        fs::rename(&out, &old).unwrap();
        fs::write(old.join("late.txt"), "mine").unwrap();
        let warnings = RefCell::new(Vec::new());
        remove_leftover(&Leftover::Report(old.clone()), &|m: &str| {
            warnings.borrow_mut().push(m.to_string())
        });
        assert_eq!(fs::read_to_string(old.join("late.txt")).unwrap(), "mine");
        assert!(!old.join("a").exists());
        assert_eq!(warnings.borrow().len(), 1);
    }

    #[test]
    fn a_listed_file_edited_during_a_build_is_kept_with_its_manifest() {
        // The previous report is checked before the build; a file edited while the build
        // runs is hashed again right before it would go, and kept, with the manifest (so the
        // folder stays recognisable), and a warning naming it.
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("report");
        write_report(
            &out,
            &report(&[file("data/a.csv", "1"), file("b", "2")]),
            &no_warn,
        )
        .unwrap();
        let old = dir.path().join(".report.old-1-0");
        fs::rename(&out, &old).unwrap();
        fs::write(old.join("data/a.csv"), "1\nmy edit\n").unwrap();
        let warnings = RefCell::new(Vec::new());
        remove_leftover(&Leftover::Report(old.clone()), &|m: &str| {
            warnings.borrow_mut().push(m.to_string())
        });
        assert_eq!(
            fs::read_to_string(old.join("data/a.csv")).unwrap(),
            "1\nmy edit\n"
        );
        assert!(!old.join("b").exists());
        assert!(old.join(MANIFEST).is_file());
        let w = warnings.borrow();
        assert!(
            w.iter()
                .any(|m| m.contains("a.csv") && m.contains("changed")),
            "{w:?}"
        );
    }

    #[test]
    fn the_manifest_goes_last_so_a_half_removed_report_is_still_ours() {
        // Whatever file the removal stops at, the manifest is still there and lists the rest:
        // the leftover is provably ours and the next build removes it.
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("report");
        write_report(&out, &report(&[file("a", "1"), file("z", "2")]), &no_warn).unwrap();
        let old = dir.path().join(".report.old-1-0");
        fs::rename(&out, &old).unwrap();
        // A removal interrupted after its first file.
        fs::remove_file(old.join("z")).unwrap();
        assert!(matches!(
            classify_leftover(&old).unwrap(),
            Some(Leftover::Report(_))
        ));
        remove_leftover(&Leftover::Report(old.clone()), &no_warn);
        assert!(!old.exists());
    }

    #[test]
    fn a_staging_folder_with_a_cut_marker_is_cleaned_up() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("report");
        let staging = dir.path().join(".report.tmp-1-0");
        fs::create_dir(&staging).unwrap();
        fs::write(
            staging.join(STAGING_MARKER),
            &STAGING_MARKER_TEXT.as_bytes()[..7],
        )
        .unwrap();
        let user = dir.path().join(".report.tmp-2-0");
        fs::create_dir(&user).unwrap();
        fs::write(user.join(STAGING_MARKER), "not our text").unwrap();
        recover(&out, &|_: &str| {}).unwrap();
        assert!(!staging.exists());
        assert!(user.join(STAGING_MARKER).is_file());
    }

    #[cfg(unix)]
    #[test]
    fn a_private_report_stays_private_after_a_rebuild() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("report");
        let files = report(&[file("data/a.csv", "1"), file("b", "2")]);
        write_report(&out, &files, &no_warn).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        for p in ["data/a.csv", "b", MANIFEST] {
            fs::set_permissions(out.join(p), fs::Permissions::from_mode(0o600)).unwrap();
        }
        fs::set_permissions(out.join("data"), fs::Permissions::from_mode(0o700)).unwrap();
        fs::set_permissions(&out, fs::Permissions::from_mode(0o700)).unwrap();
        write_report(
            &out,
            &report(&[file("data/a.csv", "3"), file("b", "4")]),
            &no_warn,
        )
        .unwrap();
        assert_eq!(fs::read_to_string(out.join("b")).unwrap(), "4");
        assert_eq!(mode(&out), 0o700);
        assert_eq!(mode(&out.join("data")), 0o700);
        for p in ["data/a.csv", "b", MANIFEST] {
            assert_eq!(mode(&out.join(p)), 0o600, "{p}");
        }
    }

    #[test]
    fn the_manifest_round_trips_any_path_and_refuses_other_shapes() {
        // A quote or backslash in a name is escaped by the writer and read back as written.
        let files = [file("data/a \"b\" c.csv", "1"), file("é/ü.txt", "2")];
        let m = manifest(&files);
        let listed = parse_manifest(&m.bytes).expect("our own manifest");
        assert_eq!(listed.len(), 2);
        assert_eq!(listed["data/a \"b\" c.csv"], sha256_hex(b"1"));
        for bad in [
            r#"{"generator": "neuroreport 0.1.0", "files": {}, "extra": 1}"#,
            r#"{"generator": "someone else", "files": {}}"#,
            r#"{"generator": "neuroreport 0.1.0", "files": {"a": 1}}"#,
            r#"{"generator": "neuroreport 0.1.0", "files": {"../a": "00"}}"#,
            r#"{"generator": "neuroreport 0.1.0", "files": {}} trailing"#,
        ] {
            assert!(parse_manifest(bad.as_bytes()).is_none(), "{bad}");
        }
    }

    #[test]
    fn sha256_matches_the_standard_test_vectors() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
