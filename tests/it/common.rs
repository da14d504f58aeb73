//! Helpers shared by the tests: the default results, computed once for the whole binary;
//! running the neuroreport binary in a folder, and reading its exit code and standard error.

use neuroreport::config::Config;
use neuroreport::experiments::{self, Results};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The default configuration's results, computed by the first test that asks and shared by
/// every test of the binary.
pub fn default_results() -> &'static Results {
    static RESULTS: OnceLock<Results> = OnceLock::new();
    RESULTS.get_or_init(|| {
        experiments::run_all(&Config::default(), &|_| {}, &|_| {}).expect("default run succeeds")
    })
}

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

/// Cases of a property test: `PROPTEST_CASES` when set (CI's long run sets it), otherwise
/// `default`, which keeps a cold `cargo test` within its two minutes.
pub fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Whether the long variants of slow tests run (`NEUROREPORT_LONG_TESTS=1`, set by CI).
pub fn long_tests() -> bool {
    std::env::var("NEUROREPORT_LONG_TESTS").is_ok_and(|v| v == "1")
}

/// The smallest configuration that exercises every experiment: a whole build in about a
/// second, for tests that build many times.
pub const TINY: &str = "\
[lif]
n_neurons = 11
duration_ms = 100.0
[qif]
v0_step = 0.5
duration_ms = 200.0
dt_accurate_ms = 0.05
convergence_dt_ms = [0.2, 0.1]
[hh]
n_neurons = 4
duration_ms = 100.0
dt_converged_ms = 0.05
[cs]
g_a_values = [47.7]
i_step = 10.0
duration_ms = 300.0
transient_ms = 50.0
rheobase_tolerance = 0.5
trace_ms = 50.0
[mlp]
small_restarts = 2
small_epochs = 50
wide_hidden = 16
wide_restarts = 2
wide_epochs = 20
grid_resolution = 12
";
