//! The command line as a user meets it: exit codes and exact messages for bad input (none may
//! panic or touch the report), `--check`, byte-identical output across processes, and a
//! report that survives the build process being killed at any moment.

use super::common::{code_and_stderr, neuroreport};
use std::path::Path;
use std::process::Command;

/// A small configuration with every experiment exercised, for builds in tests.
const SMALL: &str = "\
[lif]
n_neurons = 51
duration_ms = 200.0
[qif]
v0_step = 0.25
duration_ms = 400.0
dt_accurate_ms = 0.05
convergence_dt_ms = [0.2, 0.1]
[hh]
n_neurons = 6
duration_ms = 200.0
dt_converged_ms = 0.05
[cs]
g_a_values = [0.0, 47.7]
i_step = 10.0
duration_ms = 400.0
transient_ms = 50.0
rheobase_tolerance = 0.5
trace_ms = 50.0
[mlp]
small_restarts = 3
small_epochs = 100
wide_hidden = 32
wide_restarts = 2
wide_epochs = 50
grid_resolution = 20
";

#[test]
fn readme_shows_the_printed_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let out = neuroreport(&["--print-config"], dir.path());
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let printed = String::from_utf8(out.stdout).unwrap();
    assert!(
        readme.contains(&printed),
        "README.md's configuration block is out of date"
    );
}

#[test]
fn print_config_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let out = neuroreport(&["--print-config"], dir.path());
    assert!(out.status.success());
    std::fs::write(dir.path().join("c.toml"), &out.stdout).unwrap();
    let again = neuroreport(&["--config", "c.toml", "--print-config"], dir.path());
    assert_eq!(again.stdout, out.stdout);
}

/// (what, config file, exit code, the whole of stderr).
const BAD_CONFIGS: &[(&str, &str, i32, &str)] = &[
    (
        "unknown top-level key",
        "sead = 1\n",
        2,
        "error: invalid config file c.toml: TOML parse error at line 1, column 1\n  |\n1 | sead = 1\n  | ^^^^\nunknown field `sead`, expected one of `seed`, `phase`, `lif`, `qif`, `fit`, `hh`, `cs`, `circles`, `mlp`\n",
    ),
    (
        "unknown key in a section",
        "[qif]\ntua_ms = 3.0\n",
        2,
        "error: invalid config file c.toml: TOML parse error at line 2, column 1\n  |\n2 | tua_ms = 3.0\n  | ^^^^^^\nunknown field `tua_ms`, expected one of `tau_ms`, `v_reset`, `v_threshold`, `v0_min`, `v0_max`, `v0_step`, `duration_ms`, `dt_ms`, `dt_accurate_ms`, `convergence_dt_ms`\n",
    ),
    (
        "unknown section",
        "[hodgkin]\ndt_ms = 0.1\n",
        2,
        "error: invalid config file c.toml: TOML parse error at line 1, column 2\n  |\n1 | [hodgkin]\n  |  ^^^^^^^\nunknown field `hodgkin`, expected one of `seed`, `phase`, `lif`, `qif`, `fit`, `hh`, `cs`, `circles`, `mlp`\n",
    ),
    (
        "string for a number",
        "[qif]\ndt_ms = \"fast\"\n",
        2,
        "error: invalid config file c.toml: TOML parse error at line 2, column 9\n  |\n2 | dt_ms = \"fast\"\n  |         ^^^^^^\ninvalid type: string \"fast\", expected f64\n",
    ),
    (
        "float for an integer",
        "[lif]\nn_neurons = 2.5\n",
        2,
        "error: invalid config file c.toml: TOML parse error at line 2, column 13\n  |\n2 | n_neurons = 2.5\n  |             ^^^\ninvalid type: floating point `2.5`, expected usize\n",
    ),
    (
        "negative count",
        "[lif]\nn_neurons = -5\n",
        2,
        "error: invalid config file c.toml: TOML parse error at line 2, column 13\n  |\n2 | n_neurons = -5\n  |             ^^\ninvalid value: integer `-5`, expected usize\n",
    ),
    (
        "TOML syntax error",
        "[qif\ndt_ms = 0.1\n",
        2,
        "error: invalid config file c.toml: TOML parse error at line 1, column 5\n  |\n1 | [qif\n  |     ^\nunclosed table, expected `]`\n",
    ),
    (
        "negative time step",
        "[lif]\ndt_ms = -0.1\n",
        2,
        "error: config key `lif.dt_ms` = -0.1: must be a finite number above 0 and at most lif.duration_ms = 1000.0 (default: 0.1)\n",
    ),
    (
        "zero time step",
        "[qif]\ndt_ms = 0.0\n",
        2,
        "error: config key `qif.dt_ms` = 0.0: must be a finite number above 0 and at most qif.duration_ms = 2000.0 (default: 0.1)\n",
    ),
    (
        "time step longer than the run",
        "[lif]\ndt_ms = 2000.0\n",
        2,
        "error: config key `lif.dt_ms` = 2000.0: must be a finite number above 0 and at most lif.duration_ms = 1000.0 (default: 0.1)\n",
    ),
    (
        "NaN",
        "[qif]\ntau_ms = nan\n",
        2,
        "error: config key `qif.tau_ms` = NaN: must be a finite number in (0, 10000] (default: 10.0)\n",
    ),
    (
        "infinity",
        "[cs]\ni_max = inf\n",
        2,
        "error: config key `cs.i_max` = inf: must be a finite number in (-10, 1000] (default: 40.0)\n",
    ),
    (
        "empty sweep",
        "[cs]\ng_a_values = []\n",
        2,
        "error: config key `cs.g_a_values` = []: must hold 1 to 20 values (default: [0.0, 10.0, 20.0, 30.0, 40.0, 47.7])\n",
    ),
    (
        "empty list of inputs",
        "[phase]\nqif_v0 = []\n",
        2,
        "error: config key `phase.qif_v0` = []: must hold 1 to 8 values (default: [-1.0, 0.0, 1.0])\n",
    ),
    (
        "LIF reset above threshold",
        "[lif]\nv_reset_mv = 15.0\n",
        2,
        "error: config key `lif.v_reset_mv` = 15.0: must be below lif.v_threshold_mv = 10.0; lower the reset or raise the threshold (default: 0.0)\n",
    ),
    (
        "QIF reset above threshold",
        "[qif]\nv_reset = 20.0\n",
        2,
        "error: config key `qif.v_reset` = 20.0: must be below qif.v_threshold = 10.0; lower the reset or raise the threshold (default: -10.0)\n",
    ),
    (
        "no hidden units",
        "[mlp]\nsmall_hidden = 0\n",
        2,
        "error: config key `mlp.small_hidden` = 0: must be an integer in [1, 100000] (default: 5)\n",
    ),
    (
        "zero learning rate",
        "[mlp]\nlearning_rate = 0.0\n",
        2,
        "error: config key `mlp.learning_rate` = 0.0: must be a finite number in (0, 10] (default: 0.01)\n",
    ),
    (
        "Adam beta1 of one",
        "[mlp]\nbeta1 = 1.0\n",
        2,
        "error: config key `mlp.beta1` = 1.0: must be a finite number in [0, 1) (default: 0.9)\n",
    ),
    (
        "test fraction of one",
        "[circles]\ntest_size = 1.0\n",
        2,
        "error: config key `circles.test_size` = 1.0: must be a finite number in (0, 1) (default: 0.25)\n",
    ),
    (
        "circle factor above one",
        "[circles]\nfactor = 1.5\n",
        2,
        "error: config key `circles.factor` = 1.5: must be a finite number in [0, 1) (default: 0.3)\n",
    ),
    (
        "absurd QIF sweep",
        "[qif]\nv0_step = 1e-9\n",
        2,
        "error: config key `qif.v0_step` = 1e-9: gives 6000000001 sweep points, more than 100000; use a larger step (default: 0.01)\n",
    ),
    (
        "absurd LIF run",
        "[lif]\nn_neurons = 100000\ndt_ms = 0.0001\nduration_ms = 100000.0\n",
        2,
        "error: config key `lif.dt_ms` = 0.0001: would need 1.000e14 neuron-steps (limit 2e11); use a larger time step, a shorter duration or fewer neurons (default: 0.1)\n",
    ),
    (
        "absurd training time",
        "[mlp]\nwide_epochs = 1000000\n",
        2,
        "error: config key `mlp.wide_epochs` = 1000000: training would take 6.00e12 sample-unit-epochs (limit 2e11, hours of computing); use fewer epochs, restarts, hidden units or samples (default: 200)\n",
    ),
    (
        "absurd memory, refused before allocation",
        "[mlp]\nsmall_hidden = 100000\nsmall_restarts = 2000\nsmall_epochs = 1\n",
        2,
        "error: config key `mlp.wide_restarts` = 20: the restarts would need about 6.0 GiB of memory (limit 4 GiB); use fewer restarts or hidden units (default: 20)\n",
    ),
    (
        "repeated convergence step",
        "[qif]\nconvergence_dt_ms = [0.1, 0.1]\n",
        2,
        "error: config key `qif.convergence_dt_ms[1]` = 0.1: appears twice; the study needs distinct steps (default: 0.2)\n",
    ),
    (
        "total potassium conductance below g_A",
        "[cs]\ng_total = 10.0\n",
        2,
        "error: config key `cs.g_total` = 10.0: must be a finite number in [47.7, 1000] (default: 67.7)\n",
    ),
];

fn assert_previous_report_untouched(dir: &Path) {
    assert_eq!(
        std::fs::read_to_string(dir.join("report/index.html")).unwrap(),
        "previous"
    );
    let names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        names
            .iter()
            .all(|n| !n.to_string_lossy().starts_with(".report") || n == ".report.lock"),
        "staging folder left behind: {names:?}"
    );
}

#[test]
fn bad_configurations_exit_2_with_the_exact_message_and_leave_the_report_alone() {
    assert!(BAD_CONFIGS.len() >= 25);
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("report")).unwrap();
    std::fs::write(dir.path().join("report/index.html"), "previous").unwrap();
    for (what, toml, code, expected) in BAD_CONFIGS {
        std::fs::write(dir.path().join("c.toml"), toml).unwrap();
        let (got_code, stderr) =
            code_and_stderr(&neuroreport(&["--config", "c.toml", "-q"], dir.path()));
        assert_eq!(got_code, *code, "{what}: {stderr}");
        assert_eq!(stderr, *expected, "{what}");
        assert_previous_report_untouched(dir.path());
    }
}

#[test]
fn bad_files_and_paths_exit_with_clear_messages() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("report")).unwrap();
    std::fs::write(d.join("report/index.html"), "previous").unwrap();
    std::fs::create_dir(d.join("folder.toml")).unwrap();
    std::fs::write(d.join("latin1.toml"), b"seed = 1 # caf\xe9\n").unwrap();
    std::fs::write(d.join("taken"), "a file").unwrap();
    std::fs::write(d.join("small.toml"), SMALL).unwrap();
    // A comment of 2 MB: valid TOML, but more than any configuration needs.
    std::fs::write(d.join("huge.toml"), "#".repeat(2 << 20)).unwrap();
    let fifo = std::process::Command::new("mkfifo")
        .arg(d.join("fifo.toml"))
        .status()
        .unwrap();
    assert!(fifo.success());
    let cases: &[(&[&str], i32, &str)] = &[
        (
            &["--config", "missing.toml", "-q"],
            2,
            "error: cannot read config file missing.toml: No such file or directory (os error 2)\n",
        ),
        (
            &["--config", "folder.toml", "-q"],
            2,
            "error: cannot read config file folder.toml: not a regular file (a folder, FIFO or \
             device cannot be a configuration)\n",
        ),
        (
            &["--config", "/dev/zero", "-q"],
            2,
            "error: cannot read config file /dev/zero: not a regular file (a folder, FIFO or \
             device cannot be a configuration)\n",
        ),
        (
            &["--config", "fifo.toml", "-q"],
            2,
            "error: cannot read config file fifo.toml: not a regular file (a folder, FIFO or \
             device cannot be a configuration)\n",
        ),
        (
            &["--config", "huge.toml", "-q"],
            2,
            "error: cannot read config file huge.toml: larger than 1048576 bytes, which no \
             configuration needs\n",
        ),
        (
            &["--config", "latin1.toml", "-q"],
            2,
            "error: cannot read config file latin1.toml: not UTF-8 text (invalid byte at offset 14)\n",
        ),
        (
            &["--config", "small.toml", "--out", "taken", "-q"],
            2,
            "error: taken: exists and is not a folder; choose another --out\n",
        ),
        (
            &[
                "--config",
                "small.toml",
                "--out",
                "no/such/parent/report",
                "-q",
            ],
            2,
            "error: no/such/parent: the parent of the output folder does not exist; create it first\n",
        ),
        (
            &["--jobs", "0", "-q"],
            2,
            "error: invalid value '0' for '--jobs <N>': 0 is not in 1..=1024\n\nFor more information, try '--help'.\n",
        ),
    ];
    for (args, code, expected) in cases {
        let (got_code, stderr) = code_and_stderr(&neuroreport(args, d));
        assert_eq!(got_code, *code, "{args:?}: {stderr}");
        assert_eq!(stderr, *expected, "{args:?}");
        assert_previous_report_untouched(d);
    }
}

#[test]
fn an_unwritable_output_folder_fails_cleanly() {
    // /proc refuses new folders even to root.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("small.toml"), SMALL).unwrap();
    let (code, stderr) = code_and_stderr(&neuroreport(
        &[
            "--config",
            "small.toml",
            "--out",
            "/proc/neuroreport-test",
            "-q",
        ],
        dir.path(),
    ));
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.starts_with("error: cannot open the lock file /proc/.neuroreport-test.lock"),
        "{stderr}"
    );
}

fn read_tree(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((
                    p.strip_prefix(root).unwrap().display().to_string(),
                    std::fs::read(&p).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn separate_processes_write_identical_bytes_and_check_accepts_them() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("tiny.toml"), super::common::TINY).unwrap();
    for (out, jobs) in [("a", "1"), ("b", "2")] {
        let o = neuroreport(
            &["--config", "tiny.toml", "--out", out, "--jobs", jobs, "-q"],
            d,
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    assert_eq!(read_tree(&d.join("a")), read_tree(&d.join("b")));
    let ok = neuroreport(&["--config", "tiny.toml", "--out", "a", "--check"], d);
    assert!(ok.status.success());
    // A changed data row is found and named.
    let csv = d.join("a/data/lif_fi.csv");
    let text = std::fs::read_to_string(&csv)
        .unwrap()
        .replacen("\n0,", "\n0.5,", 1);
    std::fs::write(&csv, text).unwrap();
    let (code, stderr) = code_and_stderr(&neuroreport(
        &["--config", "tiny.toml", "--out", "a", "--check", "-q"],
        d,
    ));
    assert_eq!(code, 1);
    assert!(
        stderr.starts_with("data/lif_fi.csv: first difference at line 2\n    committed: 0.5,0,0\n    rebuilt:   0,0,0\n"),
        "{stderr}"
    );
}

#[test]
fn a_killed_build_leaves_the_previous_report_and_the_next_run_cleans_up() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("tiny.toml"), super::common::TINY).unwrap();
    let start = std::time::Instant::now();
    let first = neuroreport(&["--config", "tiny.toml", "-q"], d);
    assert!(first.status.success());
    let build_ms = start.elapsed().as_secs_f64() * 1e3;
    let complete = read_tree(&d.join("report"));
    // Kills at shares of a whole build's time: before any write, while the experiments run,
    // and near the end, where the staging folder is written and swapped in (the build's
    // time varies, so the late points are several); CI's long run adds the points between.
    let shares: &[f64] = if super::common::long_tests() {
        &[
            0.0, 0.1, 0.3, 0.5, 0.7, 0.8, 0.85, 0.9, 0.93, 0.96, 0.98, 1.0,
        ]
    } else {
        &[0.0, 0.9, 0.97]
    };
    for &share in shares {
        let delay_ms = (share * build_ms) as u64;
        let mut child = Command::new(env!("CARGO_BIN_EXE_neuroreport"))
            .args(["--config", "tiny.toml", "-q"])
            .current_dir(d)
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        // Either the old report or (if the swap had happened) the identical new one; if the
        // kill fell between the two renames, the next run restores it.
        if d.join("report").exists() {
            assert_eq!(
                read_tree(&d.join("report")),
                complete,
                "after a kill at {delay_ms} ms"
            );
        }
        let restored = neuroreport(&["--config", "tiny.toml", "-q"], d);
        assert!(restored.status.success());
        assert_eq!(read_tree(&d.join("report")), complete);
        let leftovers: Vec<_> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".report") && n != ".report.lock")
            .collect();
        assert!(
            leftovers.is_empty(),
            "left behind after a kill at {delay_ms} ms: {leftovers:?}"
        );
    }
}

#[test]
fn print_config_into_a_closed_stdout_is_an_error_not_silence() {
    // `>&-` closes descriptor 1; Rust's runtime puts /dev/null (read-write) in its place.
    let out = Command::new("sh")
        .arg("-c")
        .arg("exec \"$0\" --print-config >&-")
        .arg(env!("CARGO_BIN_EXE_neuroreport"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("standard output"));
    // Sent to /dev/null on purpose, it is not an error.
    let out = Command::new("sh")
        .arg("-c")
        .arg("exec \"$0\" --print-config > /dev/null")
        .arg(env!("CARGO_BIN_EXE_neuroreport"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}
