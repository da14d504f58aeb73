//! Helpers shared by the command-line tests: run the binary in a folder, read its exit code
//! and standard error.

#![allow(dead_code)] // each test file uses its own subset

use std::path::Path;
use std::process::{Command, Output};

/// Runs the neuroreport binary with `args` in `dir`.
pub fn neuroreport(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_neuroreport"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

/// The exit code (-1 when killed by a signal) and standard error of a run.
pub fn code_and_stderr(out: &Output) -> (i32, String) {
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
