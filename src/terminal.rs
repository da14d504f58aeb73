//! The progress line on a terminal (part of the binary: declared by `main.rs`, not the
//! library), drawn by indicatif.
//!
//! `⠂ [00:00:01] ████████░░░░░░░░░  27% mlp done (4/9)`: a spinner, the elapsed time, a bar as
//! wide as the terminal leaves room for, the share of the estimated work done, and the last
//! stage finished. It is redrawn ten times a second on standard error, only when standard
//! error is a terminal; elsewhere (a pipe, a log file, `--quiet`) nothing is drawn, and
//! warnings are still printed.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::time::Duration;

/// The line's layout: indicatif's template.
const TEMPLATE: &str = "{spinner} [{elapsed_precise}] {wide_bar} {percent:>3}% {msg}";

/// A progress line, drawn while it lives when wanted and standard error is a terminal.
pub struct ProgressLine {
    bar: ProgressBar,
}

impl ProgressLine {
    /// A line that is drawn when `wanted` and standard error is a terminal.
    pub fn new(wanted: bool) -> Self {
        let target = if wanted {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(Some(1000), target).with_style(
            ProgressStyle::with_template(TEMPLATE)
                .expect("the template is valid")
                .progress_chars("█░"),
        );
        if wanted {
            bar.enable_steady_tick(Duration::from_millis(100));
        }
        ProgressLine { bar }
    }

    /// Sets the share of the work done, in per mille.
    pub fn set_permille(&self, permille: u64) {
        self.bar.set_position(permille.min(1000));
    }

    /// Sets the message (the last stage finished).
    pub fn set_message(&self, message: String) {
        self.bar.set_message(message);
    }

    /// Prints `text` on a line of its own above the progress line (also when the line is not
    /// drawn), ignoring write errors: a warning that cannot be shown is not worth failing the
    /// build for.
    pub fn println(&self, text: &str) {
        self.bar.suspend(|| {
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), "{text}");
        });
    }

    /// Stops drawing and erases the line.
    pub fn finish(&mut self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_is_valid_and_a_hidden_line_takes_every_call() {
        assert!(ProgressStyle::with_template(TEMPLATE).is_ok());
        let mut line = ProgressLine::new(false);
        line.set_permille(5000);
        line.set_message("mlp done (4/9)".into());
        assert_eq!(line.bar.position(), 1000);
        line.finish();
    }
}
