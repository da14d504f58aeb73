//! Command line: parse, call the library, print the error chain, exit with its code
//! (0 success, 1 a failure while building, 2 bad usage or configuration).

mod terminal;

use neuroreport::Progress;
use neuroreport::config::Config;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use terminal::ProgressLine;

/// What a run was asked to do (the options of [`HELP`]).
#[derive(Debug)]
struct Args {
    config: Option<PathBuf>,
    out: PathBuf,
    jobs: Option<u16>,
    print_config: bool,
    check: bool,
    quiet: bool,
    allow_long: bool,
}

/// `--help`. Options are parsed by hand on `lexopt`, as ripgrep does: seven flags do not need
/// a parser framework, and `clap` with its derive macro took about 8 s of a new user's first
/// build.
const HELP: &str = "\
Runs a computational neuroscience homework and writes a reproducible HTML report

Usage: neuroreport [OPTIONS]
       neuroreport grade [OPTIONS] <SUBMISSION>...   (see neuroreport grade --help)

Options:
      --config <FILE.toml>  TOML file overriding any default parameter (see --print-config)
      --out <DIR>           Folder to write the report to [default: report]
      --jobs <N>            Number of worker threads (default: one per core). Results do not
                            depend on it
      --print-config        Print the effective configuration as TOML and exit
      --check               Rebuild the report in memory and compare it byte for byte with
                            the folder given by --out, without writing anything: exit 0 when
                            identical, 1 with the differences
  -q, --quiet               No progress bar
      --allow-long          Run a configuration even when its estimated work (over 5 minutes
                            of one core) or report size (over 50 MB) is beyond the budget
  -h, --help                Print help
  -V, --version             Print version
";

/// The usage line repeated under an error about the command line.
const USAGE: &str = "Usage: neuroreport [OPTIONS]";

/// What the command line asks for.
#[derive(Debug)]
enum Request {
    Run(Args),
    Help,
    Version,
}

/// A command line that cannot be run, with whether the usage line helps (it does for an
/// unknown argument, not for a bad value).
#[derive(Debug, PartialEq)]
struct UsageError {
    message: String,
    show_usage: bool,
}

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "error: {}\n\n", self.message)?;
        if self.show_usage {
            write!(f, "{USAGE}\n\n")?;
        }
        write!(f, "For more information, try '--help'.")
    }
}

/// The largest `--jobs`.
const MAX_JOBS: u16 = 1024;

/// The options that run a build, each allowed once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flag {
    Config,
    Out,
    Jobs,
    PrintConfig,
    Check,
    Quiet,
    AllowLong,
}

impl Flag {
    /// The name in messages, with the value it takes.
    fn name(self) -> &'static str {
        match self {
            Flag::Config => "--config <FILE.toml>",
            Flag::Out => "--out <DIR>",
            Flag::Jobs => "--jobs <N>",
            Flag::PrintConfig => "--print-config",
            Flag::Check => "--check",
            Flag::Quiet => "--quiet",
            Flag::AllowLong => "--allow-long",
        }
    }
}

/// Parses the arguments after the program name.
fn parse_args(args: impl IntoIterator<Item = std::ffi::OsString>) -> Result<Request, UsageError> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args);
    let mut args = Args {
        config: None,
        out: PathBuf::from("report"),
        jobs: None,
        print_config: false,
        check: false,
        quiet: false,
        allow_long: false,
    };
    let mut seen: Vec<Flag> = Vec::new();
    let usage = |message: String| UsageError {
        message,
        show_usage: true,
    };
    // Each turn consumes an argument, so the loop ends with the command line.
    while let Some(arg) = parser.next().map_err(|e| lexopt_error(&e))? {
        let flag = match arg {
            Long("config") => Flag::Config,
            Long("out") => Flag::Out,
            Long("jobs") => Flag::Jobs,
            Long("print-config") => Flag::PrintConfig,
            Long("check") => Flag::Check,
            Short('q') | Long("quiet") => Flag::Quiet,
            Long("allow-long") => Flag::AllowLong,
            Short('h') | Long("help") => return Ok(Request::Help),
            Short('V') | Long("version") => return Ok(Request::Version),
            Long(other) => return Err(usage(format!("unexpected argument '--{other}' found"))),
            Short(other) => return Err(usage(format!("unexpected argument '-{other}' found"))),
            Value(other) => {
                let other = other.to_string_lossy();
                return Err(usage(format!("unexpected argument '{other}' found")));
            }
        };
        let name = flag.name();
        if seen.contains(&flag) {
            return Err(usage(format!(
                "the argument '{name}' cannot be used multiple times"
            )));
        }
        seen.push(flag);
        let mut value = || {
            parser.value().map_err(|_| UsageError {
                message: format!("a value is required for '{name}' but none was supplied"),
                show_usage: false,
            })
        };
        match flag {
            Flag::Config => args.config = Some(PathBuf::from(value()?)),
            Flag::Out => args.out = PathBuf::from(value()?),
            Flag::Jobs => {
                let raw = value()?;
                let text = raw.to_string_lossy();
                let jobs = text
                    .parse::<u16>()
                    .map_err(|e| e.to_string())
                    .and_then(|n| {
                        if (1..=MAX_JOBS).contains(&n) {
                            Ok(n)
                        } else {
                            Err(format!("{n} is not in 1..={MAX_JOBS}"))
                        }
                    });
                match jobs {
                    Ok(n) => args.jobs = Some(n),
                    Err(reason) => {
                        return Err(UsageError {
                            message: format!("invalid value '{text}' for '{name}': {reason}"),
                            show_usage: false,
                        });
                    }
                }
            }
            Flag::PrintConfig => args.print_config = true,
            Flag::Check => args.check = true,
            Flag::Quiet => args.quiet = true,
            Flag::AllowLong => args.allow_long = true,
        }
    }
    Ok(Request::Run(args))
}

/// A `lexopt` error (a value given to a flag that takes none, an argument that is not valid
/// Unicode) as a usage error.
fn lexopt_error(e: &lexopt::Error) -> UsageError {
    UsageError {
        message: e.to_string(),
        show_usage: true,
    }
}

/// The progress bar: its position is the estimated work done (in per mille of the whole
/// estimate), so it moves inside long experiments; the message names the last stage finished.
struct Bar {
    bar: ProgressLine,
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
        self.bar.set_permille(permille as u64);
    }
    fn warn(&self, message: &str) {
        // A warning that cannot be shown is not worth failing the build for.
        self.bar.println(&format!("warning: {message}"));
    }
}

/// Writes `text` to stderr; a failed write (a full disk, a closed pipe) is an error.
fn say(text: std::fmt::Arguments) -> Result<(), (u8, anyhow::Error)> {
    writeln!(std::io::stderr(), "{text}")
        .map_err(|e| (1, anyhow::anyhow!("cannot write to standard error: {e}")))
}

/// Whether standard output was closed when the program started (`>&-`): Rust's runtime then
/// opens /dev/null read-write in its place, so every write would succeed and print nothing. A
/// shell's `> /dev/null` opens it write-only, and is left alone.
#[cfg(unix)]
fn stdout_closed_at_start() -> bool {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: fcntl(F_GETFL) and fstat only read the flags and status of descriptor 1 into
    // memory owned here.
    let flags = unsafe { libc::fcntl(1, libc::F_GETFL) };
    if flags < 0 || flags & libc::O_ACCMODE != libc::O_RDWR {
        return false;
    }
    let mut status = std::mem::MaybeUninit::<libc::stat>::uninit();
    if unsafe { libc::fstat(1, status.as_mut_ptr()) } != 0 {
        return false;
    }
    // SAFETY: fstat succeeded, so it filled `status`.
    let status = unsafe { status.assume_init() };
    status.st_mode & libc::S_IFMT == libc::S_IFCHR
        && std::fs::metadata("/dev/null").is_ok_and(|null| null.rdev() == status.st_rdev)
}

#[cfg(not(unix))]
fn stdout_closed_at_start() -> bool {
    false
}

/// Writes `text` to standard output; a failed write (a closed pipe, say) is an error, and so
/// is a standard output that was closed (it would swallow the text).
fn print(text: &str) -> Result<(), (u8, anyhow::Error)> {
    if stdout_closed_at_start() {
        return Err((
            1,
            anyhow::anyhow!("cannot write to standard output: it was closed (`>&-`)"),
        ));
    }
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| (1, anyhow::anyhow!("cannot write to standard output: {e}")))
}

fn run(args: &Args) -> Result<(), (u8, anyhow::Error)> {
    let cfg = match &args.config {
        Some(path) => {
            neuroreport::config_file::read(path).map_err(|e| (e.exit_code(), e.into()))?
        }
        None => Config::default(),
    };
    if args.print_config {
        return print(&neuroreport::config_file::annotated_toml(&cfg));
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
    let bar = ProgressLine::new(!args.quiet);
    let total_s: f64 = neuroreport::config::budget::estimate(&cfg)
        .iter()
        .map(|e| e.core_seconds)
        .sum();
    let mut progress = Bar {
        bar,
        done_ns: AtomicU64::new(0),
        total_ns: (total_s * 1e9).max(1.0),
        steps: AtomicU64::new(0),
        stages: neuroreport::progress_steps(),
    };
    if args.check {
        let result = neuroreport::check_report(&cfg, &args.out, &progress);
        progress.bar.finish();
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
    progress.bar.finish();
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

/// `neuroreport grade --help`.
const GRADE_HELP: &str = "\
Grades students' submissions against the key computed at their own inputs

Usage: neuroreport grade [OPTIONS] <SUBMISSION>...
       neuroreport grade --template <DIR>
       neuroreport grade --print-rubric

Options:
      --out <DIR>           Folder to write the grades to [default: grades]
      --config <FILE.toml>  The homework's parameters to grade against (see --print-config)
      --rubric <FILE.toml>  Points, pass share and test level (see --print-rubric)
      --print-rubric        Print the default rubric as TOML and exit
      --template <DIR>      Write an empty submission kit (CSV headers, answers.toml, a
                            numpy helper) into DIR and exit
  -q, --quiet               No summary line
  -h, --help                Print help

Exit codes: 0 every submission graded, 1 some submission could not be read (graded 0),
2 bad usage, configuration or output folder.
";

/// What `neuroreport grade` was asked to do.
#[derive(Debug, Default)]
struct GradeArgs {
    submissions: Vec<PathBuf>,
    out: Option<PathBuf>,
    config: Option<PathBuf>,
    rubric: Option<PathBuf>,
    print_rubric: bool,
    template: Option<PathBuf>,
    quiet: bool,
}

/// Parses the arguments after `grade`; `None` for `--help`.
fn parse_grade_args(
    args: impl IntoIterator<Item = std::ffi::OsString>,
) -> Result<Option<GradeArgs>, UsageError> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args);
    let mut a = GradeArgs::default();
    let usage = |message: String| UsageError {
        message,
        show_usage: false,
    };
    while let Some(arg) = parser.next().map_err(|e| lexopt_error(&e))? {
        // The flag as owned text, so the parser is free to read its value.
        let flag = match arg {
            Long(name) => format!("--{name}"),
            Short(c) => format!("-{c}"),
            Value(v) => {
                a.submissions.push(PathBuf::from(v));
                continue;
            }
        };
        let mut path = |name: &str| {
            parser.value().map(PathBuf::from).map_err(|_| {
                usage(format!(
                    "a value is required for '{name}' but none was supplied"
                ))
            })
        };
        match flag.as_str() {
            "--out" => a.out = Some(path("--out <DIR>")?),
            "--config" => a.config = Some(path("--config <FILE.toml>")?),
            "--rubric" => a.rubric = Some(path("--rubric <FILE.toml>")?),
            "--template" => a.template = Some(path("--template <DIR>")?),
            "--print-rubric" => a.print_rubric = true,
            "-q" | "--quiet" => a.quiet = true,
            "-h" | "--help" => return Ok(None),
            other => return Err(usage(format!("unexpected argument '{other}' found"))),
        }
    }
    if a.submissions.is_empty() && !a.print_rubric && a.template.is_none() {
        return Err(usage(
            "no submission folder given (neuroreport grade --help)".into(),
        ));
    }
    Ok(Some(a))
}

fn grade(a: &GradeArgs) -> Result<(), (u8, anyhow::Error)> {
    use neuroreport::grade::{self, rubric::Rubric};
    let warn = |m: &str| {
        let _ = writeln!(std::io::stderr(), "warning: {m}");
    };
    if a.print_rubric {
        return print(&Rubric::default().to_toml());
    }
    if let Some(dir) = &a.template {
        grade::write_template(dir, &warn).map_err(|e| (e.exit_code(), e.into()))?;
        if !a.quiet {
            say(format_args!("submission kit written to {}", dir.display()))?;
        }
        return Ok(());
    }
    let cfg = match &a.config {
        Some(path) => {
            neuroreport::config_file::read(path).map_err(|e| (e.exit_code(), e.into()))?
        }
        None => Config::default(),
    };
    let rubric = match &a.rubric {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                (
                    2,
                    anyhow::anyhow!("cannot read rubric {}: {e}", path.display()),
                )
            })?;
            Rubric::from_toml(&text)
                .map_err(|e| (2, anyhow::anyhow!("invalid rubric {}: {e}", path.display())))?
        }
        None => Rubric::default(),
    };
    let out = a.out.clone().unwrap_or_else(|| PathBuf::from("grades"));
    let dirs: Vec<&std::path::Path> = a.submissions.iter().map(PathBuf::as_path).collect();
    let (results, unreadable) = grade::write_grades(&dirs, &cfg, &rubric, &out, &warn)
        .map_err(|e| (e.exit_code(), e.into()))?;
    if !a.quiet {
        say(format_args!(
            "graded {} submissions into {}",
            results.len(),
            out.join("summary.html").display()
        ))?;
    }
    if unreadable > 0 {
        return Err((
            1,
            anyhow::anyhow!("{unreadable} submission folder(s) could not be read (graded 0)"),
        ));
    }
    Ok(())
}

fn main() -> ExitCode {
    let mut argv = std::env::args_os().skip(1).peekable();
    if argv.peek().is_some_and(|a| a == "grade") {
        argv.next();
        let result = match parse_grade_args(argv) {
            Ok(Some(a)) => grade(&a),
            Ok(None) => print(GRADE_HELP),
            Err(e) => {
                let _ = writeln!(std::io::stderr(), "{e}");
                return ExitCode::from(2);
            }
        };
        return match result {
            Ok(()) => ExitCode::SUCCESS,
            Err((code, e)) => {
                let _ = writeln!(std::io::stderr(), "error: {e:#}");
                ExitCode::from(code)
            }
        };
    }
    let result = match parse_args(std::env::args_os().skip(1)) {
        Ok(Request::Run(args)) => run(&args),
        Ok(Request::Help) => print(HELP),
        Ok(Request::Version) => print(&format!("neuroreport {}\n", env!("CARGO_PKG_VERSION"))),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "{e}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err((code, e)) => {
            // If even this cannot be written, the exit code still tells.
            let _ = writeln!(std::io::stderr(), "error: {e:#}");
            ExitCode::from(code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Request, UsageError, parse_args};
    use std::path::Path;

    fn parse(args: &[&str]) -> Result<Request, UsageError> {
        parse_args(args.iter().map(std::ffi::OsString::from))
    }

    fn error(args: &[&str]) -> String {
        parse(args).unwrap_err().to_string()
    }

    #[test]
    fn no_arguments_give_the_defaults() {
        let Ok(Request::Run(args)) = parse(&[]) else {
            panic!("no arguments must run")
        };
        assert_eq!(args.config, None);
        assert_eq!(args.out, Path::new("report"));
        assert_eq!(args.jobs, None);
        assert!(!args.print_config && !args.check && !args.quiet && !args.allow_long);
    }

    #[test]
    fn every_option_is_read_in_both_spellings_of_a_value() {
        let Ok(Request::Run(args)) = parse(&[
            "--config",
            "c.toml",
            "--out=elsewhere",
            "--jobs",
            "1024",
            "--print-config",
            "--check",
            "-q",
            "--allow-long",
        ]) else {
            panic!("a valid command line must run")
        };
        assert_eq!(args.config.as_deref(), Some(Path::new("c.toml")));
        assert_eq!(args.out, Path::new("elsewhere"));
        assert_eq!(args.jobs, Some(1024));
        assert!(args.print_config && args.check && args.quiet && args.allow_long);
        assert!(matches!(parse(&["--quiet", "--help"]), Ok(Request::Help)));
        assert!(matches!(parse(&["-V"]), Ok(Request::Version)));
    }

    #[test]
    fn bad_command_lines_name_the_argument() {
        let usage = "\n\nUsage: neuroreport [OPTIONS]\n\nFor more information, try '--help'.";
        let plain = "\n\nFor more information, try '--help'.";
        let cases: &[(&[&str], String)] = &[
            (
                &["--bogus"],
                format!("error: unexpected argument '--bogus' found{usage}"),
            ),
            (
                &["-x"],
                format!("error: unexpected argument '-x' found{usage}"),
            ),
            (
                &["extra"],
                format!("error: unexpected argument 'extra' found{usage}"),
            ),
            (
                &["--jobs"],
                format!("error: a value is required for '--jobs <N>' but none was supplied{plain}"),
            ),
            (
                &["--jobs", "0"],
                format!("error: invalid value '0' for '--jobs <N>': 0 is not in 1..=1024{plain}"),
            ),
            (
                &["--jobs", "1025"],
                format!(
                    "error: invalid value '1025' for '--jobs <N>': 1025 is not in 1..=1024{plain}"
                ),
            ),
            (
                &["--jobs", "two"],
                format!(
                    "error: invalid value 'two' for '--jobs <N>': invalid digit found in string{plain}"
                ),
            ),
            (
                &["--out", "a", "--out", "b"],
                format!("error: the argument '--out <DIR>' cannot be used multiple times{usage}"),
            ),
            (
                &["--check=yes"],
                format!("error: unexpected argument for option '--check': \"yes\"{usage}"),
            ),
        ];
        for (args, expected) in cases {
            assert_eq!(&error(args), expected, "{args:?}");
        }
    }
}
