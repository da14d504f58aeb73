//! Command line: parse, call the library, print the error chain, exit with its code
//! (0 success, 1 a failure while building, 2 bad usage or configuration).

use clap::Parser;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use neuroreport::config::Config;
use neuroreport::{Error, Progress};
use std::path::PathBuf;
use std::process::ExitCode;

/// Runs the homework's experiments and writes the HTML report.
#[derive(Debug, Parser)]
#[command(version, about, long_about = None)]
struct Args {
    /// TOML file overriding any default parameter (see --print-config).
    #[arg(long, value_name = "FILE.toml")]
    config: Option<PathBuf>,
    /// Folder to write the report to.
    #[arg(long, value_name = "DIR", default_value = "report")]
    out: PathBuf,
    /// Number of worker threads (default: one per core). Results do not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    jobs: Option<u16>,
    /// Print the effective configuration as TOML and exit.
    #[arg(long)]
    print_config: bool,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
}

struct Bar(ProgressBar);

impl Progress for Bar {
    fn step(&self, message: &str) {
        self.0.set_message(message.to_string());
        self.0.inc(1);
    }
}

fn run(args: &Args) -> Result<(), (u8, anyhow::Error)> {
    let cfg = match &args.config {
        Some(path) => Config::from_file(path).map_err(|e| (2, e.into()))?,
        None => Config::default(),
    };
    if args.print_config {
        print!("{}", cfg.to_toml());
        return Ok(());
    }
    if let Some(jobs) = args.jobs {
        rayon::ThreadPoolBuilder::new()
            .num_threads(usize::from(jobs))
            .build_global()
            .map_err(|e| (1, e.into()))?;
    }
    let bar = if args.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::with_draw_target(
            Some(neuroreport::progress_steps()),
            ProgressDrawTarget::stderr(),
        )
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}")
            .expect("valid progress template"),
    );
    let progress = Bar(bar);
    let result = neuroreport::build_report(&cfg, &args.out, &progress);
    progress.0.finish_and_clear();
    match result {
        Ok(()) => {
            if !args.quiet {
                eprintln!(
                    "report written to {}",
                    args.out.join("index.html").display()
                );
            }
            Ok(())
        }
        Err(e) => {
            let code = if matches!(e, Error::Config(_)) { 2 } else { 1 };
            Err((code, e.into()))
        }
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err((code, e)) => {
            eprintln!("error: {e:#}");
            ExitCode::from(code)
        }
    }
}
