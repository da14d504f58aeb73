//! Integration tests: build the report into a temporary folder with small settings and check
//! that every figure, data file and section is there, and that the bytes do not depend on the
//! thread count or on the run.

use neuroreport::config::Config;
use neuroreport::output::OutputFile;
use neuroreport::{NoProgress, build_files, build_report};

/// A configuration small enough for a test, with every experiment still exercised.
fn small() -> Config {
    let mut cfg = Config::default();
    cfg.lif.n_neurons = 101;
    cfg.lif.duration_ms = 300.0;
    cfg.qif.v0_step = 0.1;
    cfg.qif.duration_ms = 500.0;
    cfg.qif.dt_accurate_ms = 0.02;
    cfg.qif.convergence_dt_ms = vec![0.2, 0.1, 0.05];
    cfg.mlp.small_restarts = 6;
    cfg.mlp.small_epochs = 300;
    cfg.mlp.wide_hidden = 64;
    cfg.mlp.wide_restarts = 2;
    cfg.mlp.wide_epochs = 100;
    cfg.mlp.grid_resolution = 40;
    cfg.hh.n_neurons = 10;
    cfg.hh.duration_ms = 300.0;
    cfg.hh.dt_converged_ms = 0.05;
    cfg.cs.g_a_values = vec![0.0, 47.7];
    cfg.cs.i_step = 5.0;
    cfg.cs.duration_ms = 600.0;
    cfg.cs.rheobase_tolerance = 0.1;
    cfg
}

/// The small report's files on two threads, built once for the tests that read them.
fn small_on_two_threads() -> &'static [OutputFile] {
    static FILES: std::sync::OnceLock<Vec<OutputFile>> = std::sync::OnceLock::new();
    FILES.get_or_init(|| build_with_threads(&small(), 2))
}

fn build_with_threads(cfg: &Config, threads: usize) -> Vec<OutputFile> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(|| build_files(cfg, &NoProgress).unwrap())
}

#[test]
fn report_has_every_figure_data_file_and_section() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    build_report(&small(), &out, &NoProgress).unwrap();
    for stem in [
        "phase_portraits",
        "lif_fi",
        "qif_fi",
        "fi_fits",
        "qif_convergence",
    ] {
        let svg = std::fs::read_to_string(out.join(format!("figures/{stem}.svg"))).unwrap();
        assert!(
            svg.starts_with("<svg") && svg.contains("</svg>"),
            "{stem}.svg"
        );
        assert!(out.join(format!("data/{stem}.csv")).is_file(), "{stem}.csv");
    }
    let lif = std::fs::read_to_string(out.join("data/lif_fi.csv")).unwrap();
    assert!(lif.starts_with("v0_mv,spike_count,rate_hz\n"));
    assert_eq!(lif.lines().count(), 102);
    let qif = std::fs::read_to_string(out.join("data/qif_fi.csv")).unwrap();
    assert!(qif.starts_with(
        "v0,v_reset,v_threshold,tau_ms,spike_count,rate_euler_hz,rate_accurate_hz,rate_analytic_hz\n"
    ));
    let circles = std::fs::read_to_string(out.join("data/circles.csv")).unwrap();
    assert!(circles.starts_with("split,index,x0,x1,label\n"));
    assert_eq!(circles.lines().count(), 401);
    let restarts = std::fs::read_to_string(out.join("data/mlp_restarts.csv")).unwrap();
    assert!(restarts.starts_with(
        "hidden_units,restart,seed,epochs,final_train_loss,train_accuracy,test_accuracy,\
         outcome,dead_units,epochs_to_bound,margin\n"
    ));
    assert_eq!(restarts.lines().count(), 1 + 6 + 2);
    for (file, header) in [
        ("hh_fi", "i_na,spike_count,rate_hz,rate_converged_hz"),
        ("cs_fi", "convention,g_a_ms_cm2,g_k_ms_cm2,i_ua_cm2,rate_hz"),
        (
            "cs_onset",
            "convention,g_a_ms_cm2,g_k_ms_cm2,rest_mv,rest_stable,fold_ua_cm2,hopf_ua_cm2,\
             rheobase_ua_cm2,onset_bifurcation,onset_rate_hz,excitability_type",
        ),
        (
            "hh_onset",
            "convention,g_a_ms_cm2,g_k_ms_cm2,rest_mv,rest_stable,fold_ua_cm2,hopf_ua_cm2,\
             rheobase_ua_cm2,onset_bifurcation,onset_rate_hz,excitability_type",
        ),
        (
            "cs_bifurcation",
            "model,branch,current_ua_cm2,v_mv,v_max_mv,stable",
        ),
    ] {
        let text = std::fs::read_to_string(out.join(format!("data/{file}.csv"))).unwrap();
        assert_eq!(text.lines().next(), Some(header), "{file}.csv");
    }
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    for needle in [
        "id=\"sec-1\"",
        "id=\"sec-1-1\"",
        "id=\"sec-1-4\"",
        "id=\"fig:phase\"",
        "id=\"fig:lif-fi\"",
        "id=\"fig:qif-fi\"",
        "id=\"fig:fits\"",
        "id=\"fig:qif-convergence\"",
        "id=\"tab:fits\"",
        "id=\"sec-2\"",
        "id=\"sec-3\"",
        "id=\"fig:hh-fi\"",
        "id=\"fig:cs-trace\"",
        "id=\"fig:cs-sweep\"",
        "id=\"fig:cs-onset\"",
        "id=\"tab:cs-onset\"",
        "id=\"fig:circles\"",
        "id=\"fig:decision-regions\"",
        "id=\"fig:mlp-loss\"",
        "id=\"fig:mlp-restarts\"",
        "id=\"tab:mlp-restarts\"",
        "id=\"appendix\"",
        "<math",
    ] {
        assert!(html.contains(needle), "index.html lacks {needle}");
    }
    assert!(
        !html.contains('⟦'),
        "an unresolved cross-reference marker is left"
    );
    assert!(!html.contains("$"), "unconverted math is left");
    assert!(
        !html.contains(dir.path().to_str().unwrap()),
        "the page holds an absolute path"
    );
    assert!(out.join("manifest.json").is_file());
    assert_alt_texts_are_rounded(&html);
}

/// Every figure's alt text (read aloud by a screen reader) gives its numbers rounded: no run
/// of seven or more digits after a decimal point.
fn assert_alt_texts_are_rounded(html: &str) {
    let mut labels = 0;
    for part in html.split("aria-label=\"").skip(1) {
        let label = part.split('"').next().unwrap();
        labels += 1;
        let long = label
            .split('.')
            .skip(1)
            .any(|after| after.chars().take_while(char::is_ascii_digit).count() >= 7);
        assert!(!long, "unrounded number in the alt text: {label}");
    }
    assert!(labels >= 10, "only {labels} alt texts");
}

#[test]
fn degenerate_settings_give_a_report_without_non_numbers() {
    // Nothing fires in the LIF sweep, no small network trains long enough to be good, the
    // Connor-Stevens sweep has a single model: the commentary must adapt, not print NaN.
    let mut cfg = small();
    cfg.lif.v0_max_mv = 5.0;
    cfg.mlp.small_epochs = 1;
    cfg.mlp.wide_epochs = 1;
    cfg.cs.g_a_values = vec![47.7];
    let files = build_with_threads(&cfg, 2);
    let html = String::from_utf8(
        files
            .iter()
            .find(|f| f.path == "index.html")
            .unwrap()
            .bytes
            .clone(),
    )
    .unwrap();
    assert_no_non_numbers(&html);
}

/// Fails if a non-finite number, as Rust, CSV or the page would print it, is on the page.
fn assert_no_non_numbers(html: &str) {
    let bad = super::finite_output::non_finite_token(html);
    assert!(bad.is_none(), "non-numbers reached the page: {bad:?}");
}

#[test]
fn bytes_do_not_depend_on_threads_or_runs() {
    // The tiny configuration runs every experiment: twice on two threads, once on one and
    // once on eight.
    let cfg: Config = toml::from_str(super::common::TINY).unwrap();
    let one = build_with_threads(&cfg, 1);
    let two = build_with_threads(&cfg, 2);
    let eight = build_with_threads(&cfg, 8);
    let again = build_with_threads(&cfg, 2);
    for other in [&two, &eight, &again] {
        assert_eq!(one.len(), other.len());
        for (a, b) in one.iter().zip(other.iter()) {
            assert_eq!(a.path, b.path);
            assert!(a.bytes == b.bytes, "{} differs", a.path);
        }
    }
}

/// The page's `<main>` with each inline SVG cut to its opening tag, so that a change to a
/// template, the Markdown or the numbering shows up for review in `snapshots/`.
fn main_without_svg_bodies(html: &str) -> String {
    let start = html.find("<main>").expect("page has <main>");
    let end = html.find("</main>").expect("page has </main>") + "</main>".len();
    let mut main = &html[start..end];
    let mut out = String::with_capacity(main.len() / 4);
    while let Some(i) = main.find("<svg ") {
        let open_end = i + main[i..].find('>').unwrap() + 1;
        out.push_str(&main[..open_end]);
        out.push_str("…</svg>");
        main = &main[i + main[i..].find("</svg>").unwrap() + "</svg>".len()..];
    }
    out.push_str(main);
    out
}

#[test]
fn rendered_main_of_a_small_report() {
    let html = small_on_two_threads()
        .iter()
        .find(|f| f.path == "index.html")
        .unwrap();
    let main = main_without_svg_bodies(std::str::from_utf8(&html.bytes).unwrap());
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!("small_report_main", main));
}
