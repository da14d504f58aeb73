//! `neuroreport grade`: the key scores full marks, a planted mistake is diagnosed and loses
//! points, bad input costs only its question with a message naming file, line and column, and
//! the outputs do not depend on the thread count.

use neuroreport::config::Config;
use neuroreport::grade::rubric::Rubric;
use neuroreport::grade::{self, StudentResult, key::Key};
use neuroreport::{NoProgress, build_report};
use std::path::Path;

fn tiny() -> Config {
    toml::from_str(super::common::TINY).unwrap()
}

/// A report of the tiny configuration (a complete, correct submission), built once, and the
/// key of that configuration, computed once.
fn shared() -> &'static (tempfile::TempDir, Key) {
    static SHARED: std::sync::OnceLock<(tempfile::TempDir, Key)> = std::sync::OnceLock::new();
    SHARED.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        build_report(&tiny(), &dir.path().join("report"), &NoProgress).unwrap();
        (dir, Key::new(&tiny()).unwrap())
    })
}

/// The shared report's folder.
fn report() -> std::path::PathBuf {
    shared().0.path().join("report")
}

fn key() -> &'static Key {
    &shared().1
}

/// Scores are sums of points rounded to hundredths: equal within a thousandth.
fn same(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-3
}

fn question<'a>(r: &'a StudentResult, id: &str) -> &'a grade::QuestionResult {
    r.questions.iter().find(|q| q.id == id).unwrap()
}

/// A plain submission folder with the report's curves in format 1, edited by `edit`.
fn plain_from_report(report: &Path, dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let data = report.join("data");
    let column = |file: &str, x: &str, y: &str| {
        let mut r = csv::Reader::from_path(data.join(file)).unwrap();
        let h = r.headers().unwrap().clone();
        let (ix, iy) = (
            h.iter().position(|c| c == x).unwrap(),
            h.iter().position(|c| c == y).unwrap(),
        );
        r.records()
            .map(|rec| {
                let rec = rec.unwrap();
                (rec[ix].to_string(), rec[iy].to_string())
            })
            .collect::<Vec<_>>()
    };
    let write = |file: &str, header: &str, rows: Vec<(String, String)>| {
        let mut text = format!("{header}\n");
        for (a, b) in rows {
            text.push_str(&format!("{a},{b}\n"));
        }
        std::fs::write(dir.join(file), text).unwrap();
    };
    write(
        "lif_fi.csv",
        "v0_mv,rate_hz",
        column("lif_fi.csv", "v0_mv", "rate_hz"),
    );
    write(
        "qif_fi.csv",
        "v0,rate_hz",
        column("qif_fi.csv", "v0", "rate_euler_hz"),
    );
    write(
        "qif_analytic.csv",
        "v0,rate_hz",
        column("qif_fi.csv", "v0", "rate_analytic_hz"),
    );
    write(
        "hh_fi.csv",
        "i_na,rate_hz",
        column("hh_fi.csv", "i_na", "rate_hz"),
    );
    std::fs::copy(data.join("cs_fi.csv"), dir.join("cs_fi.csv")).unwrap();
    std::fs::copy(data.join("mlp_restarts.csv"), dir.join("mlp.csv")).unwrap();
    std::fs::copy(data.join("answers.toml"), dir.join("answers.toml")).unwrap();
}

#[test]
fn a_report_and_its_curves_score_full_marks_and_planted_mistakes_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let rep = report();
    let plain = d.join("plain");
    plain_from_report(&rep, &plain);
    // LIF without the refractory period, at the same inputs.
    let planted = d.join("no_refractory");
    plain_from_report(&rep, &planted);
    let cfg = tiny();
    let no_ref = neuroreport::config::LifConfig {
        refractory_ms: 0.0,
        ..cfg.lif.clone()
    };
    let mut text = String::from("v0_mv,rate_hz\n");
    for i in 0..cfg.lif.n_neurons {
        let v = neuroreport::neuron::lif::input_volts(&cfg.lif, i) * 1000.0;
        let n = neuroreport::neuron::lif::spike_count_at(&no_ref, v);
        text.push_str(&format!(
            "{v},{}\n",
            n as f64 * 1000.0 / cfg.lif.duration_ms
        ));
    }
    std::fs::write(planted.join("lif_fi.csv"), text).unwrap();
    let dirs = [rep.as_path(), plain.as_path(), planted.as_path()];
    let results = grade::grade_with(key(), &dirs, &Rubric::default());
    for r in &results[..2] {
        assert!(same(r.score(), r.max_score()), "{r:#?}");
    }
    let lif = question(&results[2], "lif_fi");
    assert!(lif.score < lif.max_score, "{lif:?}");
    let mistake = lif.mistake.as_deref().unwrap_or_default();
    assert!(mistake.starts_with("no refractory period"), "{lif:?}");
    // Everything else of that submission still scores.
    let qif = question(&results[2], "qif_fi");
    assert!(same(qif.score, qif.max_score), "{qif:?}");
}

#[test]
fn bad_input_costs_only_its_question_and_names_file_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let rep = report();
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "lif_fi.csv",
            b"v0_mv,rate_hz\n0,0\n1,NaN\n",
            "lif_fi.csv: line 3, column rate_hz: `NaN` is not a finite number",
        ),
        (
            "lif_fi.csv",
            b"v0_mv,rate_hz\n1,0\n0,0\n",
            "lif_fi.csv: line 3, column v0_mv: 0 after 1: inputs must be distinct and increasing",
        ),
        (
            "lif_fi.csv",
            b"v0,rate\n0,0\n",
            "lif_fi.csv: line 1: no column `v0_mv`",
        ),
        (
            "lif_fi.csv",
            b"v0_mv,rate_hz\n0,\xff\n",
            "lif_fi.csv: line 2: not UTF-8 text",
        ),
        (
            "lif_fi.csv",
            b"v0_mv,rate_hz\n0,0,7\n",
            "lif_fi.csv: line 2: not CSV",
        ),
    ];
    let mut dirs = Vec::new();
    for (k, (file, bytes, _)) in cases.iter().enumerate() {
        let sub = d.join(format!("s{k}"));
        plain_from_report(&rep, &sub);
        std::fs::write(sub.join(file), bytes).unwrap();
        dirs.push(sub);
    }
    // A missing file, and a link out of the folder.
    let missing = d.join("missing");
    plain_from_report(&rep, &missing);
    std::fs::remove_file(missing.join("lif_fi.csv")).unwrap();
    let linked = d.join("linked");
    plain_from_report(&rep, &linked);
    std::fs::remove_file(linked.join("lif_fi.csv")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(rep.join("data/lif_fi.csv"), linked.join("lif_fi.csv")).unwrap();
    dirs.push(missing);
    dirs.push(linked);
    let refs: Vec<&Path> = dirs.iter().map(|p| p.as_path()).collect();
    let results = grade::grade_with(key(), &refs, &Rubric::default());
    let mut expected: Vec<&str> = cases.iter().map(|c| c.2).collect();
    expected.push("lif_fi.csv: missing");
    #[cfg(unix)]
    expected.push("lif_fi.csv: a symbolic link");
    for (r, want) in results.iter().zip(&expected) {
        let lif = question(r, "lif_fi");
        assert!(same(lif.score, 0.0), "{}", r.student);
        assert!(
            lif.feedback.starts_with(want),
            "{}: {}",
            r.student,
            lif.feedback
        );
        assert!(
            same(r.score(), r.max_score() - lif.max_score),
            "{}",
            r.student
        );
    }
}

#[test]
fn grades_are_the_same_bytes_on_one_and_two_threads() {
    let rep = report();
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| {
                let results =
                    grade::grade_all(&[rep.as_path()], &tiny(), &Rubric::default()).unwrap();
                grade::outputs::files(&results)
            })
    };
    assert_eq!(run(1), run(2));
}

/// Writes `file` with `header` and one row per element of `rows` (already joined by commas).
fn write_rows(dir: &Path, file: &str, header: &str, rows: &[String]) {
    std::fs::write(dir.join(file), format!("{header}\n{}\n", rows.join("\n"))).unwrap();
}

#[test]
fn every_planted_mistake_is_named_in_the_feedback() {
    use neuroreport::neuron::{lif, qif};
    let tmp = tempfile::tempdir().unwrap();
    let (cfg, cs_cfg) = (Config::default(), tiny());
    let rep = report();
    let l = &cfg.lif;
    // Inputs a student would pick: a round grid through the threshold.
    let lif_inputs: Vec<f64> = (0..=20).map(f64::from).collect();
    let lif_rows = |rate: &dyn Fn(f64) -> f64| -> Vec<String> {
        lif_inputs
            .iter()
            .map(|&v| format!("{v},{}", rate(v)))
            .collect()
    };
    let per_s = 1000.0 / l.duration_ms;
    let coarse = neuroreport::config::LifConfig {
        dt_ms: 10.0 * l.dt_ms,
        ..l.clone()
    };
    let q = &cfg.qif;
    let qif_inputs: Vec<f64> = (0..=12).map(|k| q.v0_min + 0.5 * f64::from(k)).collect();
    let qif_rows = |f: &dyn Fn(&qif::QifParams) -> qif::QifParams, dt: f64| -> Vec<String> {
        let ps: Vec<qif::QifParams> = qif_inputs
            .iter()
            .map(|&v| f(&neuroreport::experiments::qif_fi::params(q, v)))
            .collect();
        qif::simulate_batch(qif::Method::Euler, &ps, q.duration_ms, dt, 0)
            .into_iter()
            .zip(&qif_inputs)
            .map(|(r, v)| format!("{v},{}", r.unwrap().rate_hz))
            .collect()
    };
    let cs = &cs_cfg.cs;
    let cs_points: Vec<(f64, f64, f64)> = [(20.0, cs.g_k), (40.0, cs.g_total - 40.0)]
        .iter()
        .flat_map(|&(g_a, g_k)| (0..=8).map(move |k| (g_a, g_k, 5.0 * f64::from(k))))
        .collect();
    let cs_rows = |computed: &[(f64, f64, f64)]| -> Vec<String> {
        let rates =
            neuroreport::experiments::connor_stevens::rates_at(cs, computed, false).unwrap();
        cs_points
            .iter()
            .zip(rates)
            .map(|((g_a, g_k, i), r)| format!("{g_a},{g_k},{i},{r}"))
            .collect()
    };
    let variant = |v: lif::Variant| move |x: f64| lif::spike_count_as(l, x, v) as f64 * per_s;
    let plants: Vec<(&str, &str, &str, Vec<String>, &str)> = vec![
        (
            "lif_fi",
            "lif_fi.csv",
            "v0_mv,rate_hz",
            lif_rows(&variant(lif::Variant {
                no_reset: true,
                ..Default::default()
            })),
            "no reset after a spike",
        ),
        // (`v >= v_th` changes the run only once V has converged onto the threshold, after
        // some 37 τ: longer than this key's runs; see the LIF unit tests.)
        (
            "lif_fi",
            "lif_fi.csv",
            "v0_mv,rate_hz",
            lif_rows(&|v| lif::spike_count_at(&coarse, v) as f64 * per_s),
            "a time step 10 times too coarse",
        ),
        // (Forward Euler instead of the exact update is within one spike per run at the
        // homework's step, so it is not diagnosed; see the LIF unit tests.)
        (
            "qif_fi",
            "qif_fi.csv",
            "v0,rate_hz",
            qif_rows(&|p| qif::QifParams { v_reset: 0.0, ..*p }, q.dt_ms),
            "reset (and start) at 0",
        ),
        (
            "qif_fi",
            "qif_fi.csv",
            "v0,rate_hz",
            qif_rows(&|p| *p, 10.0 * q.dt_ms),
            "a time step 10 times too coarse",
        ),
        (
            "cs_fi",
            "cs_fi.csv",
            "g_a_ms_cm2,g_k_ms_cm2,i_ua_cm2,rate_hz",
            cs_rows(
                &cs_points
                    .iter()
                    .map(|&(g_a, g_k, i)| {
                        let other = if g_k.to_bits() == cs.g_k.to_bits() {
                            cs.g_total - g_a
                        } else {
                            cs.g_k
                        };
                        (g_a, other, i)
                    })
                    .collect::<Vec<_>>(),
            ),
            "the other g_K convention",
        ),
        (
            "cs_fi",
            "cs_fi.csv",
            "g_a_ms_cm2,g_k_ms_cm2,i_ua_cm2,rate_hz",
            cs_rows(
                &cs_points
                    .iter()
                    .map(|&(_, g_k, i)| (0.0, g_k, i))
                    .collect::<Vec<_>>(),
            ),
            "the A-current left out",
        ),
    ];
    let dirs: Vec<std::path::PathBuf> = plants
        .iter()
        .enumerate()
        .map(|(k, (_, file, header, rows, _))| {
            let dir = tmp.path().join(format!("planted{k}"));
            plain_from_report(&rep, &dir);
            write_rows(&dir, file, header, rows);
            dir
        })
        .collect();
    let refs: Vec<&Path> = dirs.iter().map(|d| d.as_path()).collect();
    // The LIF and QIF plants against the homework's own key (2-second runs: one spike per run
    // is 0.5 Hz), the Connor-Stevens ones against the tiny key.
    let default_key =
        Key::from_results(&Config::default(), super::common::default_results().clone());
    let results: Vec<StudentResult> = plants
        .iter()
        .zip(&refs)
        .map(|((id, ..), dir)| {
            let key = if *id == "cs_fi" { key() } else { &default_key };
            grade::grade_with(key, &[*dir], &Rubric::default()).remove(0)
        })
        .collect();
    for ((id, _, _, _, named), r) in plants.iter().zip(&results) {
        let q = question(r, id);
        let mistake = q.mistake.as_deref().unwrap_or_default();
        assert!(
            mistake.starts_with(named),
            "{id}, planted `{named}`: {q:#?}"
        );
    }
}

#[test]
fn a_gigabyte_file_costs_its_question_without_being_read() {
    // A sparse file of 1 GiB: refused on its size, before any byte is read.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("huge");
    plain_from_report(&report(), &dir);
    std::fs::File::create(dir.join("lif_fi.csv"))
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    let r = grade::grade_with(key(), &[dir.as_path()], &Rubric::default()).remove(0);
    let lif = question(&r, "lif_fi");
    assert!(same(lif.score, 0.0));
    assert!(
        lif.feedback
            .contains("lif_fi.csv: 1073741824 bytes, more than"),
        "{lif:?}"
    );
    assert!(same(r.score(), r.max_score() - lif.max_score), "{r:#?}");
}
