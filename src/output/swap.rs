//! Writing a report: the staging folder, the atomic swap with the target, and the removal of
//! what an old report or an interrupted build left behind, only where it is provably ours.

use super::manifest::{first_foreign, parse_manifest, sha256_hex};
use super::{
    Kind, MANIFEST, MAX_STAGING_NAMES, OutputFile, STAGING_MARKER, STAGING_MARKER_TEXT, Target,
    inspect, io, parent_and_name, target_error, walk,
};
use crate::error::Error;
use std::fs;
use std::path::{Path, PathBuf};

/// Whether `dir` is a staging folder of this program: its marker file is there, intact.
pub(super) fn has_staging_marker(dir: &Path) -> bool {
    let marker = dir.join(STAGING_MARKER);
    fs::symlink_metadata(&marker).is_ok_and(|m| m.is_file())
        && fs::read(&marker).is_ok_and(|b| b == STAGING_MARKER_TEXT.as_bytes())
}

/// Whether `dir` holds nothing but a marker cut short (a prefix of its text, maybe empty): a
/// staging folder whose build stopped while writing the marker, its first file.
pub(super) fn holds_only_a_cut_marker(dir: &Path) -> bool {
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
pub(super) enum Leftover {
    /// A staging folder (marker inside): every entry in it was written by a build.
    Staging(PathBuf),
    /// A complete report by its manifest (a parked or exchanged previous report, or a staging
    /// folder whose marker was already removed).
    Report(PathBuf),
}

pub(super) fn classify_leftover(path: &Path) -> Result<Option<Leftover>, Error> {
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
    // Exactly `.NAME.tmp-PID-K` or `.NAME.old-PID-K`: the staging folder of a build into
    // `NAME.tmp-1`, say (`.NAME.tmp-1.tmp-PID-K`), is another target's, never ours.
    let numbered = |rest: &str| {
        rest.split_once('-').is_some_and(|(pid, k)| {
            [pid, k]
                .iter()
                .all(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
        })
    };
    let mut candidates: Vec<(bool, PathBuf)> = entries
        .flatten()
        .filter_map(|e| {
            let n = e.file_name().to_str()?.to_string();
            let is_old = n.strip_prefix(&old_prefix).is_some_and(numbered);
            let is_tmp = n.strip_prefix(&tmp_prefix).is_some_and(numbered);
            (is_old || is_tmp).then(|| (is_old, e.path()))
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
pub(super) fn make_writable(dir: &Path) {
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

pub(super) fn remove_file_in(path: &Path) -> std::io::Result<()> {
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
pub(super) fn remove_leftover(leftover: &Leftover, warn: &dyn Fn(&str)) {
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
pub(super) fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
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
pub(super) fn exchange(_: &Path, _: &Path) -> std::io::Result<bool> {
    Ok(false)
}

/// Creates a fresh staging folder beside the target and writes the marker into it first.
pub(super) fn create_staging(parent: &Path, name: &str) -> Result<PathBuf, Error> {
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
pub(super) fn keep_access(old: &Path, staging: &Path, files: &[OutputFile]) {
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
pub(super) fn keep_access(_: &Path, _: &Path, _: &[OutputFile]) {}

/// Flushes a folder's entries to disk (best effort; where folders cannot be opened this is a
/// no-op).
pub(super) fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Writes a file that must not exist yet (never overwrites).
pub(super) fn write_new(path: &Path, bytes: &[u8]) -> Result<(), Error> {
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
/// the lock of [`super::lock_target`] held, after [`recover`], as `build_report` does).
/// Problems removing the previous copy are warnings: by then the new report is in place.
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
