//! Command line: parse, call the library, print the error chain, exit with its code
//! (0 success, 1 a failure while building, 2 bad usage or configuration).

use clap::Parser;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use neuroreport::Progress;
use neuroreport::config::Config;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
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
}

struct Bar(ProgressBar);

impl Progress for Bar {
    fn step(&self, message: &str) {
        self.0.set_message(message.to_string());
        self.0.inc(1);
    }
    fn warn(&self, message: &str) {
        self.0.suspend(|| {
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
    if !args.quiet {
        bar.enable_steady_tick(Duration::from_millis(100));
    }
    let progress = Bar(bar);
    if args.check {
        let result = neuroreport::check_report(&cfg, &args.out, &progress);
        progress.0.finish_and_clear();
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
    progress.0.finish_and_clear();
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
