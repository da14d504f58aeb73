//! What `--out` may touch, as a user meets it: a folder neuroreport did not write is refused
//! and left as it was, leftovers are removed only when provably neuroreport's, two builds
//! never write one folder at once, `--check` follows no links and prints no escape codes, and
//! failed writes to the terminal are errors, not panics.

use super::common::{TINY, code_and_stderr, neuroreport};
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("tiny.toml"), TINY).unwrap();
    dir
}

fn build(dir: &Path, out: &str) -> Output {
    neuroreport(&["--config", "tiny.toml", "--out", out, "-q"], dir)
}

#[test]
fn a_folder_neuroreport_did_not_write_is_refused_and_kept() {
    let dir = setup();
    let d = dir.path();
    std::fs::create_dir(d.join("userdir")).unwrap();
    std::fs::write(d.join("userdir/thesis.txt"), "thesis").unwrap();
    let (code, stderr) = code_and_stderr(&build(d, "userdir"));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.starts_with("error: userdir: refusing to replace this folder")
            && stderr.contains("`thesis.txt`")
            && stderr.contains("choose a new or empty folder"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(d.join("userdir/thesis.txt")).unwrap(),
        "thesis"
    );
    // Nothing was left beside it either, not even a lock file.
    let mut names: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["tiny.toml", "userdir"]);
}

#[test]
fn the_source_folder_is_refused() {
    let dir = setup();
    let d = dir.path();
    std::fs::create_dir_all(d.join("src/nested")).unwrap();
    std::fs::write(d.join("src/nested/main.rs"), "fn main() {}").unwrap();
    let (code, stderr) = code_and_stderr(&build(d, "src"));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("`nested/main.rs`"), "{stderr}");
    assert!(d.join("src/nested/main.rs").is_file());
}

#[test]
fn a_users_file_inside_the_report_is_refused_and_kept() {
    let dir = setup();
    let d = dir.path();
    assert!(build(d, "report").status.success());
    std::fs::write(d.join("report/notes.md"), "my notes").unwrap();
    let (code, stderr) = code_and_stderr(&build(d, "report"));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("`notes.md` is not listed in manifest.json"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(d.join("report/notes.md")).unwrap(),
        "my notes"
    );
    // An edited report file is the user's too.
    std::fs::remove_file(d.join("report/notes.md")).unwrap();
    std::fs::write(d.join("report/index.html"), "edited by hand").unwrap();
    let (code, stderr) = code_and_stderr(&build(d, "report"));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("`index.html` was changed"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(d.join("report/index.html")).unwrap(),
        "edited by hand"
    );
}

#[test]
fn an_empty_folder_and_a_read_only_report_are_replaced() {
    let dir = setup();
    let d = dir.path();
    std::fs::create_dir(d.join("empty")).unwrap();
    assert!(build(d, "empty").status.success());
    assert!(d.join("empty/index.html").is_file());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for sub in ["empty/data", "empty/figures", "empty"] {
            std::fs::set_permissions(d.join(sub), std::fs::Permissions::from_mode(0o555)).unwrap();
        }
        let (code, stderr) = code_and_stderr(&build(d, "empty"));
        assert_eq!(code, 0, "{stderr}");
        let (code, stderr) = code_and_stderr(&build(d, "empty"));
        assert_eq!(code, 0, "a read-only report wedged the next run: {stderr}");
    }
    let leftovers: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with(".empty.") && n != ".empty.lock")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn user_folders_with_leftover_names_are_never_removed() {
    let dir = setup();
    let d = dir.path();
    std::fs::create_dir(d.join(".report.old-2023")).unwrap();
    std::fs::write(d.join(".report.old-2023/keep.txt"), "2023").unwrap();
    std::fs::create_dir(d.join(".report.tmp-mine")).unwrap();
    std::fs::write(d.join(".report.tmp-1-0"), "a plain file").unwrap();
    for _ in 0..2 {
        let (code, stderr) = code_and_stderr(&build(d, "report"));
        assert_eq!(code, 0, "{stderr}");
    }
    assert_eq!(
        std::fs::read_to_string(d.join(".report.old-2023/keep.txt")).unwrap(),
        "2023"
    );
    assert!(d.join(".report.tmp-mine").is_dir());
    assert_eq!(
        std::fs::read_to_string(d.join(".report.tmp-1-0")).unwrap(),
        "a plain file"
    );
    assert!(d.join("report/index.html").is_file());
}

#[test]
fn two_builds_into_one_folder_never_interleave() {
    let dir = setup();
    let d = dir.path();
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_neuroreport"))
            .args(["--config", "tiny.toml", "-q"])
            .current_dir(d)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let first = spawn();
    std::thread::sleep(std::time::Duration::from_millis(100));
    let second = spawn();
    let outcomes: Vec<(i32, String)> = [first, second]
        .into_iter()
        .map(|c| code_and_stderr(&c.wait_with_output().unwrap()))
        .collect();
    let ok = outcomes.iter().filter(|(c, _)| *c == 0).count();
    assert!(ok >= 1, "{outcomes:?}");
    for (code, stderr) in &outcomes {
        if *code != 0 {
            assert_eq!(*code, 2, "{stderr}");
            assert!(
                stderr.starts_with("error: report: another build is writing this folder"),
                "{stderr}"
            );
        }
    }
    let leftovers: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with(".report") && n != ".report.lock")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let check = neuroreport(&["--config", "tiny.toml", "--check", "-q"], d);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn a_build_while_another_holds_the_lock_exits_2_at_once() {
    let dir = setup();
    let d = dir.path();
    let lock = std::fs::File::create(d.join(".report.lock")).unwrap();
    lock.lock().unwrap();
    let (code, stderr) = code_and_stderr(&build(d, "report"));
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        stderr,
        "error: report: another build is writing this folder (it holds the lock \
         ./.report.lock); wait for it to finish, or choose another --out\n"
    );
    assert!(!d.join("report").exists());
    lock.unlock().unwrap();
    assert!(build(d, "report").status.success());
}

#[test]
fn check_follows_no_links_and_escapes_control_characters() {
    let dir = setup();
    let d = dir.path();
    assert!(build(d, "report").status.success());
    #[cfg(unix)]
    std::os::unix::fs::symlink(".", d.join("report/loop")).unwrap();
    let csv = d.join("report/data/lif_fi.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    let tampered = text.replacen('\n', "\x1b[31mred\x07\n", 1);
    std::fs::write(&csv, tampered).unwrap();
    let out = neuroreport(&["--config", "tiny.toml", "--check", "-q"], d);
    let (code, stderr) = code_and_stderr(&out);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        !stderr.contains('\x1b') && !stderr.contains('\x07'),
        "{stderr:?}"
    );
    assert!(stderr.contains("\\u{1b}[31mred\\u{7}"), "{stderr}");
    #[cfg(unix)]
    assert!(
        stderr.contains("loop: not produced by the code"),
        "{stderr}"
    );
}

#[test]
fn check_reports_an_added_folder_and_a_huge_file_without_reading_it() {
    let dir = setup();
    let d = dir.path();
    assert!(build(d, "report").status.success());
    std::fs::create_dir_all(d.join("report/extra/inner")).unwrap();
    // A sparse file of 3 GB: --check must decide from its size, not read it.
    let big = std::fs::File::create(d.join("report/data/lif_fi.csv")).unwrap();
    big.set_len(3 << 30).unwrap();
    let out = neuroreport(&["--config", "tiny.toml", "--check", "-q"], d);
    let (code, stderr) = code_and_stderr(&out);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("extra: not produced by the code"),
        "{stderr}"
    );
    assert!(
        stderr.contains("extra/inner: not produced by the code"),
        "{stderr}"
    );
    assert!(
        stderr.contains("data/lif_fi.csv: contents differ"),
        "{stderr}"
    );
}

#[test]
fn check_of_a_missing_folder_is_a_usage_error() {
    let dir = setup();
    let (code, stderr) = code_and_stderr(&neuroreport(
        &["--config", "tiny.toml", "--out", "nothing", "--check"],
        dir.path(),
    ));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.starts_with("error: nothing: no report folder to check here"),
        "{stderr}"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn failed_writes_to_the_terminal_are_errors_not_panics() {
    let dir = setup();
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    let out = Command::new(env!("CARGO_BIN_EXE_neuroreport"))
        .arg("--print-config")
        .current_dir(dir.path())
        .stdout(full())
        .output()
        .unwrap();
    let (code, stderr) = code_and_stderr(&out);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.starts_with("error: cannot write to standard output"),
        "{stderr}"
    );
    for args in [
        &["--config", "tiny.toml", "--out", "nothing", "--check"][..],
        &["--config", "tiny.toml"][..],
    ] {
        let status = Command::new(env!("CARGO_BIN_EXE_neuroreport"))
            .args(args)
            .current_dir(dir.path())
            .stderr(full())
            .status()
            .unwrap();
        let code = status.code().unwrap_or(-1);
        assert!(
            code == 1 || code == 2,
            "{args:?} exited {code} (101 is a panic)"
        );
    }
}
