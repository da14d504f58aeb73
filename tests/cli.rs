//! The command line: exit codes and messages for bad input, and that a failed run leaves the
//! previous report untouched.

use std::process::Command;

fn neuroreport(args: &[&str], dir: &std::path::Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_neuroreport"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn print_config_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_neuroreport"))
        .arg("--print-config")
        .output()
        .unwrap();
    assert!(out.status.success());
    std::fs::write(dir.path().join("c.toml"), &out.stdout).unwrap();
    let (code, err) = neuroreport(&["--config", "c.toml", "--print-config"], dir.path());
    assert_eq!(code, 0, "{err}");
}

#[test]
fn bad_config_exits_2_naming_the_key_and_leaves_the_report_alone() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("report")).unwrap();
    std::fs::write(dir.path().join("report/index.html"), "previous").unwrap();
    let cases: &[(&str, &str)] = &[
        (
            "[qif]\ndt_ms = 0.0\n",
            "config key `qif.dt_ms` = 0.0: must be a finite number in (0, 2000]",
        ),
        (
            "[qif]\nv_reset = 20.0\n",
            "config key `qif.v_reset` = 20.0: must be below qif.v_threshold = 10.0",
        ),
        (
            "[lif]\nn_neurons = 1\n",
            "config key `lif.n_neurons` = 1: must be an integer in [2, 100000]",
        ),
        ("[qif]\ntau = 3\n", "unknown field `tau`"),
        (
            "[qif]\ndt_ms = \"fast\"\n",
            "invalid type: string \"fast\", expected f64",
        ),
        ("[qif\n", "invalid config file c.toml"),
        (
            "[fit]\nstarts = 0\n",
            "config key `fit.starts` = 0: must be an integer in [1, 100]",
        ),
    ];
    for (toml, expected) in cases {
        std::fs::write(dir.path().join("c.toml"), toml).unwrap();
        let (code, err) = neuroreport(&["--config", "c.toml", "-q"], dir.path());
        assert_eq!(code, 2, "{toml}: {err}");
        assert!(
            err.contains(expected),
            "{toml}: expected `{expected}` in `{err}`"
        );
    }
    let (code, err) = neuroreport(&["--config", "missing.toml", "-q"], dir.path());
    assert_eq!(code, 2);
    assert!(
        err.contains("cannot read config file missing.toml"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("report/index.html")).unwrap(),
        "previous"
    );
}

#[test]
fn output_path_that_is_a_file_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("taken"), "x").unwrap();
    let (code, err) = neuroreport(&["--out", "taken", "-q"], dir.path());
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("output path exists and is not a folder"),
        "{err}"
    );
}
