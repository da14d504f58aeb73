//! Command line: parse, call the library, print the error chain, exit with its code
//! (0 success, 1 a failure while building, 2 bad usage or configuration).

use clap::Parser;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use neuroreport::Progress;
use neuroreport::config::Config;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

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
    /// Rebuild the report in memory and compare it byte for byte with the folder given by
    /// --out, without writing anything: exit 0 when identical, 1 with the differences.
    #[arg(long)]
    check: bool,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
    /// Run a configuration even when its estimated work (over 5 minutes of one core) or
    /// report size (over 50 MB) is beyond the budget.
    #[arg(long)]
    allow_long: bool,
}

/// The progress bar: its position is the estimated work done (in per mille of the whole
/// estimate), so it moves inside long experiments; the message names the last stage finished.
struct Bar {
    bar: ProgressBar,
    /// Work done so far, in estimated core-nanoseconds.
    done_ns: AtomicU64,
    /// The whole estimate, in core-nanoseconds.
    total_ns: f64,
    /// Stages finished, of `stages`.
    steps: AtomicU64,
    stages: u64,
}

impl Progress for Bar {
    fn step(&self, message: &str) {
        let k = self.steps.fetch_add(1, Ordering::Relaxed) + 1;
        self.bar
            .set_message(format!("{message} ({k}/{})", self.stages));
    }
    fn work(&self, core_ns: f64) {
        let done = self.done_ns.fetch_add(core_ns as u64, Ordering::Relaxed) + core_ns as u64;
        // Estimates are not exact: stay below the end until the build says it is done.
        let permille = (done as f64 / self.total_ns * 1000.0).min(990.0);
        self.bar.set_position(permille as u64);
    }
    fn warn(&self, message: &str) {
        self.bar.suspend(|| {
            // A warning that cannot be shown is not worth failing the build for.
            let _ = writeln!(std::io::stderr(), "warning: {message}");
        });
    }
}

/// Writes `text` to stderr; a failed write (a full disk, a closed pipe) is an error.
fn say(text: std::fmt::Arguments) -> Result<(), (u8, anyhow::Error)> {
    writeln!(std::io::stderr(), "{text}")
        .map_err(|e| (1, anyhow::anyhow!("cannot write to standard error: {e}")))
}

fn run(args: &Args) -> Result<(), (u8, anyhow::Error)> {
    let cfg = match &args.config {
        Some(path) => Config::from_file(path).map_err(|e| (2, e.into()))?,
        None => Config::default(),
    };
    if args.print_config {
        let mut stdout = std::io::stdout().lock();
        return stdout
            .write_all(neuroreport::config::annotated_toml(&cfg).as_bytes())
            .and_then(|()| stdout.flush())
            .map_err(|e| (1, anyhow::anyhow!("cannot write to standard output: {e}")));
    }
    if !args.allow_long {
        neuroreport::check_budget(&cfg).map_err(|e| (e.exit_code(), e.into()))?;
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
        ProgressBar::with_draw_target(Some(1000), ProgressDrawTarget::stderr())
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {percent:>3}% {msg}")
            .expect("valid progress template"),
    );
    if !args.quiet {
        bar.enable_steady_tick(Duration::from_millis(100));
    }
    let total_s: f64 = neuroreport::config::budget::estimate(&cfg)
        .iter()
        .map(|e| e.core_seconds)
        .sum();
    let progress = Bar {
        bar,
        done_ns: AtomicU64::new(0),
        total_ns: (total_s * 1e9).max(1.0),
        steps: AtomicU64::new(0),
        stages: neuroreport::progress_steps(),
    };
    if args.check {
        let result = neuroreport::check_report(&cfg, &args.out, &progress);
        progress.bar.finish_and_clear();
        let differences = result.map_err(|e| (e.exit_code(), e.into()))?;
        if differences.is_empty() {
            if !args.quiet {
                say(format_args!(
                    "{} is reproduced byte for byte",
                    args.out.display()
                ))?;
            }
            return Ok(());
        }
        for d in &differences {
            say(format_args!("{d}"))?;
        }
        return Err((
            1,
            anyhow::anyhow!(
                "{} differs from what this code produces in {} file(s); rebuild it with `cargo run --release`",
                args.out.display(),
                differences.len()
            ),
        ));
    }
    let result = neuroreport::build_report(&cfg, &args.out, &progress);
    progress.bar.finish_and_clear();
    match result {
        Ok(()) => {
            if !args.quiet {
                say(format_args!(
                    "report written to {}",
                    args.out.join("index.html").display()
                ))?;
            }
            Ok(())
        }
        Err(e) => Err((e.exit_code(), e.into())),
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err((code, e)) => {
            // If even this cannot be written, the exit code still tells.
            let _ = writeln!(std::io::stderr(), "error: {e:#}");
            ExitCode::from(code)
        }
    }
}
