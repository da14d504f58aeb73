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

use crate::error::Error;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The manifest's file name inside a report folder.
pub const MANIFEST: &str = "manifest.json";
/// What the manifest's `generator` field starts with in a report this program wrote.
pub const GENERATOR_PREFIX: &str = "neuroreport ";
/// The file written first into every staging folder, proving the folder is this program's.
pub const STAGING_MARKER: &str = ".neuroreport-staging";
const STAGING_MARKER_TEXT: &str =
    "neuroreport staging folder: neuroreport removes it when no build is running\n";
/// Folders deeper than this, or holding more entries, are not walked (a report has 2 levels).
const MAX_DEPTH: usize = 16;
const MAX_ENTRIES: usize = 200_000;
/// Attempts at a fresh staging folder name before giving up.
const MAX_STAGING_NAMES: u32 = 1000;

/// One file of the report, by path relative to the report folder.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputFile {
    /// Relative path with `/` separators, e.g. `figures/qif_fi.svg`.
    pub path: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// The manifest's shape: the generator (the marker that neuroreport wrote the folder) and
/// every file's SHA-256, by relative path. Read back strictly: any other key is refused.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
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
fn parse_manifest(bytes: &[u8]) -> Option<BTreeMap<String, String>> {
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

fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.display().to_string();
    move |source| Error::Io {
        action,
        path,
        source,
    }
}

fn target_error(path: &Path, problem: impl Into<String>) -> Error {
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
            let kind = if file_type.is_dir() {
                Kind::Dir
            } else if file_type.is_file() {
                Kind::File
            } else {
                Kind::Other
            };
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
enum Target {
    /// Nothing at the path.
    Absent,
    /// An empty folder.
    Empty,
    /// A report this program wrote: every entry is the manifest, a listed file with its
    /// recorded hash, or a folder holding listed files.
    Report,
}

/// Why a folder is not a complete report of ours, naming the first entry that is not ours.
fn first_foreign(dir: &Path, entries: &[(String, Kind)]) -> Result<Option<String>, Error> {
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

/// Checks that `out` can become the report folder, before any work is done: its parent
/// exists, and it is absent, empty, or a report this program wrote and nobody changed.
pub fn check_target(out: &Path) -> Result<(), Error> {
    inspect(out).map(|_| ())
}

fn inspect(out: &Path) -> Result<Target, Error> {
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
    let entries = walk(out)?;
    if entries.is_empty() {
        return Ok(Target::Empty);
    }
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

fn parent_and_name(out: &Path) -> Result<(PathBuf, String), Error> {
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

/// An exclusive lock on the target, held while a build writes it; released on drop (and by
/// the OS when the process dies, so a killed build never leaves a stale lock).
#[derive(Debug)]
pub struct TargetLock {
    _file: fs::File,
}

/// Takes the exclusive lock on `.NAME.lock` beside `out`, or fails at once (exit code 2) when
/// another build holds it. The lock file is created if missing and never truncated or removed.
pub fn lock_target(out: &Path) -> Result<TargetLock, Error> {
    let (parent, name) = parent_and_name(out)?;
    if !parent.is_dir() {
        return Err(target_error(
            &parent,
            "the parent of the output folder does not exist; create it first",
        ));
    }
    let path = parent.join(format!(".{name}.lock"));
    let file = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io("cannot open the lock file", &path))?;
    match file.try_lock() {
        Ok(()) => Ok(TargetLock { _file: file }),
        Err(fs::TryLockError::WouldBlock) => Err(target_error(
            out,
            format!(
                "another build is writing this folder (it holds the lock {}); wait for it to \
                 finish, or choose another --out",
                path.display()
            ),
        )),
        Err(fs::TryLockError::Error(e)) => Err(io("cannot lock", &path)(e)),
    }
}

/// Whether `dir` is a staging folder of this program: its marker file is there, intact.
fn has_staging_marker(dir: &Path) -> bool {
    let marker = dir.join(STAGING_MARKER);
    fs::symlink_metadata(&marker).is_ok_and(|m| m.is_file())
        && fs::read(&marker).is_ok_and(|b| b == STAGING_MARKER_TEXT.as_bytes())
}

/// Whether `dir` holds nothing but a marker cut short (a prefix of its text, maybe empty): a
/// staging folder whose build stopped while writing the marker, its first file.
fn holds_only_a_cut_marker(dir: &Path) -> bool {
    let Ok(mut entries) = fs::read_dir(dir) else {
        return false;
    };
    let only_marker = match (entries.next(), entries.next()) {
        (Some(Ok(e)), None) => e.file_name() == STAGING_MARKER,
        _ => false,
    };
    let marker = dir.join(STAGING_MARKER);
    only_marker
        && fs::symlink_metadata(&marker).is_ok_and(|m| m.is_file())
        && fs::read(&marker).is_ok_and(|b| STAGING_MARKER_TEXT.as_bytes().starts_with(&b))
}

/// A leftover beside the target that is provably this program's.
enum Leftover {
    /// A staging folder (marker inside): every entry in it was written by a build.
    Staging(PathBuf),
    /// A complete report by its manifest (a parked or exchanged previous report, or a staging
    /// folder whose marker was already removed).
    Report(PathBuf),
}

fn classify_leftover(path: &Path) -> Result<Option<Leftover>, Error> {
    let Ok(meta) = fs::symlink_metadata(path) else {
        return Ok(None);
    };
    if !meta.is_dir() {
        return Ok(None);
    }
    if has_staging_marker(path) || holds_only_a_cut_marker(path) {
        return Ok(Some(Leftover::Staging(path.to_path_buf())));
    }
    let Ok(entries) = walk(path) else {
        return Ok(None);
    };
    if entries.iter().any(|(p, _)| p == MANIFEST) && first_foreign(path, &entries)?.is_none() {
        return Ok(Some(Leftover::Report(path.to_path_buf())));
    }
    Ok(None)
}

/// Undoes what an interrupted build left beside `out` (call with the lock held): restores a
/// parked previous report when `out` is missing, then removes every leftover that is provably
/// this program's. Folders that merely have such a name are left alone, with a warning.
pub fn recover(out: &Path, warn: &dyn Fn(&str)) -> Result<(), Error> {
    let (parent, name) = parent_and_name(out)?;
    let Ok(entries) = fs::read_dir(&parent) else {
        return Ok(());
    };
    let tmp_prefix = format!(".{name}.tmp-");
    let old_prefix = format!(".{name}.old-");
    let mut candidates: Vec<(bool, PathBuf)> = entries
        .flatten()
        .filter_map(|e| {
            let n = e.file_name().to_str()?.to_string();
            let is_old = n.starts_with(&old_prefix);
            (is_old || n.starts_with(&tmp_prefix)).then(|| (is_old, e.path()))
        })
        .collect();
    candidates.sort();
    let mut ours = Vec::new();
    for (is_old, path) in candidates {
        match classify_leftover(&path)? {
            Some(l) => ours.push((is_old, l)),
            None => warn(&format!(
                "left {} alone: its name looks like a neuroreport leftover, but it is not \
                 provably neuroreport's",
                path.display()
            )),
        }
    }
    let out_missing =
        matches!(fs::symlink_metadata(out), Err(e) if e.kind() == std::io::ErrorKind::NotFound);
    if out_missing {
        // A two-rename swap was interrupted: the parked previous report goes back in place.
        if let Some(i) = ours
            .iter()
            .position(|(is_old, l)| *is_old && matches!(l, Leftover::Report(_)))
        {
            let (_, Leftover::Report(parked)) = ours.remove(i) else {
                unreachable!("position matched a report")
            };
            fs::rename(&parked, out)
                .map_err(io("cannot restore the previous report from", &parked))?;
        }
    }
    for (_, leftover) in ours {
        remove_leftover(&leftover, warn);
    }
    Ok(())
}

/// Adds the owner's write permission to a folder of ours, so a read-only report can still be
/// replaced (best effort).
fn make_writable(dir: &Path) {
    if let Ok(meta) = fs::symlink_metadata(dir) {
        let mut perms = meta.permissions();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            perms.set_mode(perms.mode() | 0o700);
        }
        #[cfg(not(unix))]
        #[allow(clippy::permissions_set_readonly_false)]
        perms.set_readonly(false);
        let _ = fs::set_permissions(dir, perms);
    }
}

fn remove_file_in(path: &Path) -> std::io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            if let Some(dir) = path.parent() {
                make_writable(dir);
            }
            fs::remove_file(path)
        }
        r => r,
    }
}

/// Removes a leftover of ours: every entry of a staging folder, or exactly the files a
/// report's manifest lists that still have the hash it records (each file is hashed again
/// right before it goes, so an edit made while a build ran survives), then the manifest, last,
/// and the folders left empty. Anything else stays, with a warning; failures are warnings too
/// (the new report is already in place).
fn remove_leftover(leftover: &Leftover, warn: &dyn Fn(&str)) {
    let (dir, whole) = match leftover {
        Leftover::Staging(d) => (d, true),
        Leftover::Report(d) => (d, false),
    };
    make_writable(dir);
    let entries = match walk(dir) {
        Ok(e) => e,
        Err(e) => return warn(&format!("could not remove {}: {e}", dir.display())),
    };
    let listed = if whole {
        None
    } else {
        fs::read(dir.join(MANIFEST))
            .ok()
            .and_then(|b| parse_manifest(&b))
    };
    let unchanged = |p: &str| {
        listed.as_ref().and_then(|l| l.get(p)).is_some_and(|hash| {
            fs::read(dir.join(p)).is_ok_and(|bytes| &sha256_hex(&bytes) == hash)
        })
    };
    let mut kept = 0;
    // Files first, the manifest after them all (until it goes, the folder stays provably
    // ours: a kill part-way leaves a leftover the next build can still remove), then folders
    // deepest first (reverse sorted order puts children first).
    for (p, kind) in entries.iter().rev() {
        let path = dir.join(p);
        let result = match kind {
            Kind::Dir => {
                make_writable(&path);
                continue;
            }
            _ if p == MANIFEST && !whole => continue,
            _ if whole || unchanged(p) => remove_file_in(&path),
            Kind::File if listed.as_ref().is_some_and(|l| l.contains_key(p.as_str())) => {
                kept += 1;
                warn(&format!(
                    "kept {}: it changed after neuroreport wrote it",
                    path.display()
                ));
                continue;
            }
            _ => {
                kept += 1;
                continue;
            }
        };
        if let Err(e) = result {
            kept += 1;
            warn(&format!("could not remove {}: {e}", path.display()));
        }
    }
    if !whole && kept == 0 && entries.iter().any(|(p, _)| p == MANIFEST) {
        let manifest = dir.join(MANIFEST);
        if let Err(e) = remove_file_in(&manifest) {
            warn(&format!("could not remove {}: {e}", manifest.display()));
        }
    }
    for (p, kind) in entries.iter().rev() {
        if *kind == Kind::Dir {
            let _ = fs::remove_dir(dir.join(p));
        }
    }
    if let Err(e) = fs::remove_dir(dir) {
        warn(&format!(
            "left {} in place: {e} (it holds files neuroreport did not write)",
            dir.display()
        ));
    }
}

/// Exchanges two paths atomically where the OS can (`Ok(true)`), or reports that it cannot
/// (`Ok(false)`), so the caller falls back to two renames.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes())?;
    let cb = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both pointers are valid NUL-terminated strings for the duration of the call.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        return Ok(true);
    }
    let e = std::io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EINVAL) | Some(libc::ENOSYS) | Some(libc::EOPNOTSUPP) => Ok(false),
        _ => Err(e),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<bool> {
    Ok(false)
}

/// Creates a fresh staging folder beside the target and writes the marker into it first.
fn create_staging(parent: &Path, name: &str) -> Result<PathBuf, Error> {
    let pid = std::process::id();
    for k in 0..MAX_STAGING_NAMES {
        let staging = parent.join(format!(".{name}.tmp-{pid}-{k}"));
        match fs::create_dir(&staging) {
            Ok(()) => {
                write_new(
                    &staging.join(STAGING_MARKER),
                    STAGING_MARKER_TEXT.as_bytes(),
                )?;
                return Ok(staging);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io("cannot create staging folder", &staging)(e)),
        }
    }
    Err(target_error(
        parent,
        format!("no free staging folder name after {MAX_STAGING_NAMES} tries"),
    ))
}

/// Gives the new report in `staging` the access of the folder `old` it replaces: the folder's
/// mode on every folder, the mode of the old manifest on every file, and the old folder's
/// owner and group where the process may set them (best effort: a private report stays
/// private, a shared one shared). Nothing to do where the OS has no such modes.
#[cfg(unix)]
fn keep_access(old: &Path, staging: &Path, files: &[OutputFile]) {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let Ok(dir_meta) = fs::symlink_metadata(old) else {
        return;
    };
    let file_mode = fs::symlink_metadata(old.join(MANIFEST))
        .map(|m| m.mode() & 0o7777)
        .unwrap_or(dir_meta.mode() & 0o666);
    let dir_mode = dir_meta.mode() & 0o7777;
    let owner = (dir_meta.uid(), dir_meta.gid());
    let mut dirs = std::collections::BTreeSet::new();
    for f in files {
        let path = staging.join(&f.path);
        let _ = std::os::unix::fs::chown(&path, Some(owner.0), Some(owner.1));
        let _ = fs::set_permissions(&path, fs::Permissions::from_mode(file_mode));
        let mut dir = Path::new(&f.path).parent();
        while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty()) {
            dirs.insert(d.to_path_buf());
            dir = d.parent();
        }
    }
    // Deepest first, the staging folder itself last.
    for d in dirs
        .iter()
        .rev()
        .map(|d| staging.join(d))
        .chain([staging.to_path_buf()])
    {
        let _ = std::os::unix::fs::chown(&d, Some(owner.0), Some(owner.1));
        let _ = fs::set_permissions(&d, fs::Permissions::from_mode(dir_mode));
    }
}

#[cfg(not(unix))]
fn keep_access(_: &Path, _: &Path, _: &[OutputFile]) {}

/// Flushes a folder's entries to disk (best effort; where folders cannot be opened this is a
/// no-op).
fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Writes a file that must not exist yet (never overwrites).
fn write_new(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    use std::io::Write;
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(io("cannot write", path))?;
    f.write_all(bytes).map_err(io("cannot write", path))?;
    // On disk before the swap that makes it the report: a power loss after the swap must not
    // leave empty files in place of the old report.
    f.sync_all().map_err(io("cannot write", path))
}

/// Writes `files` as the complete new contents of `out`, atomically replacing it (call with
/// the lock of [`lock_target`] held, after [`recover`], as `build_report` does). Problems removing the previous copy are warnings: by
/// then the new report is in place.
pub fn write_report(out: &Path, files: &[OutputFile], warn: &dyn Fn(&str)) -> Result<(), Error> {
    let target = inspect(out)?;
    let (parent, name) = parent_and_name(out)?;
    let staging = create_staging(&parent, &name)?;
    let result = (|| {
        for f in files {
            let path = staging.join(&f.path);
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir).map_err(io("cannot create folder", dir))?;
            }
            write_new(&path, &f.bytes)?;
        }
        // Complete: from here the folder is ours by its manifest.
        let marker = staging.join(STAGING_MARKER);
        fs::remove_file(&marker).map_err(io("cannot remove", &marker))?;
        if target != Target::Absent {
            keep_access(out, &staging, files);
        }
        sync_dir(&staging);
        Ok(())
    })();
    if let Err(e) = result {
        remove_leftover(&Leftover::Staging(staging), warn);
        return Err(e);
    }
    if target == Target::Absent {
        return fs::rename(&staging, out)
            .map_err(io("cannot move the new report into place:", out));
    }
    match exchange(&staging, out) {
        Ok(true) => {}
        Ok(false) => {
            // Two renames; a kill between them is undone by `recover` at the next start.
            let parked = staging.with_file_name(
                staging
                    .file_name()
                    .and_then(|n| n.to_str())
                    .expect("staging name is UTF-8")
                    .replacen(".tmp-", ".old-", 1),
            );
            fs::rename(out, &parked).map_err(io("cannot move the previous report aside:", out))?;
            if let Err(e) = fs::rename(&staging, out) {
                let _ = fs::rename(&parked, out);
                return Err(io("cannot move the new report into place:", out)(e));
            }
            remove_leftover(&Leftover::Report(parked), warn);
            return Ok(());
        }
        Err(e) => {
            remove_leftover(&Leftover::Report(staging), warn);
            return Err(io("cannot swap the new report into place:", out)(e));
        }
    }
    // The staging path now holds the previous report (or the empty folder it replaced).
    remove_leftover(&Leftover::Report(staging), warn);
    Ok(())
}

#[cfg(test)]
mod tests {
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
