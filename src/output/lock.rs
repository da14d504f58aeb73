//! The lock beside the target folder: one build at a time writes a folder.

use super::{io, parent_and_name, target_error};
use crate::error::Error;
use std::fs;
use std::path::Path;

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
    let mut options = fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    // A link planted at the lock's name is never followed (it would create a file wherever
    // it points).
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    let file = options
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
