//! Every run is bounded: configurations that would hang, flood memory or take hours are
//! refused before anything runs (exit 2, naming the keys), loops that search stop at their
//! bounds, and errors never echo a huge value.

use super::common::neuroreport;

/// Runs with `toml` as the configuration and returns (exit code, stderr); nothing may be
/// written.
fn refused(toml: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("c.toml"), toml).unwrap();
    let out = neuroreport(&["--config", "c.toml", "-q"], dir.path());
    assert!(
        !dir.path().join("report").exists(),
        "a refused run wrote a report"
    );
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn hours_of_work_are_refused_naming_the_keys_unless_allowed() {
    let (code, err) = refused("[hh]\nn_neurons = 20000\nduration_ms = 20000.0\n");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with("error: this configuration is estimated at")
            && err.contains("`hh_fi`")
            && err.contains("hh.n_neurons, hh.duration_ms")
            && err.contains("--allow-long"),
        "{err}"
    );
    // The flag lifts the budget: the same run gets past it to the next check (a `--check`
    // of a folder that does not exist, which fails before any experiment runs).
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("c.toml"),
        "[hh]\nn_neurons = 20000\nduration_ms = 20000.0\n",
    )
    .unwrap();
    let args = ["--config", "c.toml", "--check", "--out", "none", "-q"];
    let without = neuroreport(&args, dir.path());
    assert!(String::from_utf8_lossy(&without.stderr).contains("estimated at"));
    let with = neuroreport(&[&args[..], &["--allow-long"]].concat(), dir.path());
    let err = String::from_utf8_lossy(&with.stderr);
    assert_eq!(with.status.code(), Some(2), "{err}");
    assert!(
        err.starts_with("error: none: no report folder to check here"),
        "{err}"
    );
}

#[test]
fn a_tiny_brian2_step_is_counted_in_the_budget() {
    let (code, err) = refused("[cs]\nbrian2_dt_ms = 1e-9\n");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("`connor_stevens`") && err.contains("cs.brian2_dt_ms"),
        "{err}"
    );
}

#[test]
fn a_qif_spike_flood_is_refused_before_it_fills_memory() {
    let (code, err) = refused("[qif]\nv_threshold = 1e-9\nv_reset = 0.0\n");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with("error: config key `qif.v_threshold` = 1e-9: with qif.v_reset = 0.0"),
        "{err}"
    );
}

#[test]
fn configurations_that_cannot_work_are_refused_by_validation() {
    for (toml, key) in [
        ("[qif]\nv0_min = 2.0\nv0_max = 2.0\n", "`qif.v0_max` = 2.0"),
        ("[cs]\nthreshold_mv = 50.0\n", "`cs.threshold_mv` = 50.0"),
        ("[hh]\narea_um2 = 5e-324\n", "`hh.area_um2` = 5e-324"),
        ("[hh]\narea_um2 = 10.0\n", "`hh.area_um2` = 10.0"),
    ] {
        let (code, err) = refused(toml);
        assert_eq!(code, 2, "{toml}: {err}");
        assert!(
            err.starts_with(&format!("error: config key {key}")),
            "{err}"
        );
    }
}

#[test]
fn a_huge_value_is_cut_in_the_error_message() {
    let values = vec!["1.0"; 50_000].join(", ");
    let (code, err) = refused(&format!("[phase]\nlif_v0_mv = [{values}]\n"));
    assert_eq!(code, 2, "{err}");
    assert!(err.len() < 600, "{} bytes: {}", err.len(), &err[..300]);
    assert!(err.contains("characters in all"), "{err}");
    // A parse error on a huge line is cut as well.
    let (code, err) = refused(&format!("[phase]\nlif_v0_mv = [{values}, \"x\"]\n"));
    assert_eq!(code, 2, "{err}");
    assert!(err.len() < 2000, "{} bytes", err.len());
}
