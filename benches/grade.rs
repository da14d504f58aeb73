//! `cargo bench --bench grade`: grades 200 submissions, the key included (the default
//! report's experiments, then the curves at the students' inputs), and prints
//! `graded N submissions in X s`, beside the time of the key alone as the baseline.
//!
//! The submissions are copies of the default report's data folder in format 1, every fifth
//! with its LIF curve moved off the key (a planted mistake), so the memoised key is shared
//! the way a class's shared input grid shares it.

#[path = "common/mod.rs"]
mod common;

use neuroreport::config::Config;
use neuroreport::grade::{self, key::Key, rubric::Rubric};
use std::time::Instant;

const STUDENTS: usize = 200;

fn main() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let d = tmp.path();
    let cfg = Config::default();
    let report = d.join("report");
    neuroreport::build_report(&cfg, &report, &neuroreport::NoProgress).expect("the report");
    let data = report.join("data");
    let mut dirs = Vec::new();
    for k in 0..STUDENTS {
        let sub = d.join(format!("student{k:03}"));
        std::fs::create_dir(&sub).unwrap();
        for (from, to) in [
            ("lif_fi.csv", "lif_fi.csv"),
            ("hh_fi.csv", "hh_fi.csv"),
            ("mlp_restarts.csv", "mlp.csv"),
            ("answers.toml", "answers.toml"),
        ] {
            std::fs::copy(data.join(from), sub.join(to)).unwrap();
        }
        let qif = std::fs::read_to_string(data.join("qif_fi.csv")).unwrap();
        let mut sim = String::from("v0,rate_hz\n");
        let mut analytic = String::from("v0,rate_hz\n");
        for line in qif.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            sim.push_str(&format!("{},{}\n", f[0], f[5]));
            analytic.push_str(&format!("{},{}\n", f[0], f[7]));
        }
        std::fs::write(sub.join("qif_fi.csv"), sim).unwrap();
        std::fs::write(sub.join("qif_analytic.csv"), analytic).unwrap();
        if k % 5 == 0 {
            let lif = std::fs::read_to_string(sub.join("lif_fi.csv")).unwrap();
            let moved: String = lif
                .lines()
                .enumerate()
                .map(|(i, l)| {
                    if i == 0 {
                        format!("{l}\n")
                    } else {
                        format!("{l}5\n")
                    }
                })
                .collect();
            std::fs::write(sub.join("lif_fi.csv"), moved).unwrap();
        }
        dirs.push(sub);
    }
    let refs: Vec<&std::path::Path> = dirs.iter().map(|p| p.as_path()).collect();
    let key_s = common::median_seconds(|| drop(Key::new(&cfg).unwrap()), 1);
    let start = Instant::now();
    let results = grade::grade_all(&refs, &cfg, &Rubric::default()).unwrap();
    let files = grade::outputs::files(&results);
    let total = start.elapsed().as_secs_f64();
    std::hint::black_box(files);
    println!("graded {} submissions in {total:.2} s", results.len());
    println!(
        "  the key alone (the report's experiments): {key_s:.2} s; the rest {:.2} s (×{:.2} of the key)",
        total - key_s,
        total / key_s
    );
}
