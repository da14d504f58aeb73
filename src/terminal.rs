//! The progress line on a terminal (part of the binary: declared by `main.rs`, not the
//! library).
//!
//! `⠂ [00:00:01] ████████░░░░░░░░░░░░░░░░░░░░░░  27% mlp done (4/9)`: a spinner, the elapsed
//! time, a bar and the share of the estimated work done, and the last stage finished. It is
//! redrawn ten times a second by a thread of its own, on standard error, only when standard
//! error is a terminal; elsewhere (a pipe, a log file, `--quiet`) nothing is drawn. Drawn by
//! hand, as cargo draws its own, instead of with `indicatif` and its dependencies (about 3 s
//! of a new user's first build).

use std::io::{IsTerminal, Write};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The spinner's frames.
const SPINNER: [char; 8] = ['⠁', '⠂', '⠄', '⡀', '⢀', '⠠', '⠐', '⠈'];
/// Width of the bar, in characters.
const BAR_WIDTH: usize = 30;
/// The longest message shown, in characters, so the line stays within 80 columns and a
/// redraw never wraps onto a second line.
const MAX_MESSAGE: usize = 30;
/// Time between redraws.
const TICK: Duration = Duration::from_millis(100);

/// What the line shows.
#[derive(Debug, Default)]
struct State {
    /// Work done, in per mille.
    permille: u64,
    /// The last stage finished.
    message: String,
    /// Redraws so far (the spinner's frame).
    ticks: u64,
    /// Set when the bar is finished: the drawing thread stops.
    finished: bool,
}

/// The line as drawn for `state` after `elapsed`.
fn line(state: &State, elapsed: Duration) -> String {
    let secs = elapsed.as_secs();
    let filled = (state.permille.min(1000) as usize * BAR_WIDTH) / 1000;
    let message: String = state.message.chars().take(MAX_MESSAGE).collect();
    format!(
        "{} [{:02}:{:02}:{:02}] {}{} {:>3}% {}",
        SPINNER[(state.ticks % SPINNER.len() as u64) as usize],
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        "█".repeat(filled),
        "░".repeat(BAR_WIDTH - filled),
        state.permille.min(1000) / 10,
        message
    )
}

/// Shared between the bar and its drawing thread.
struct Shared {
    state: Mutex<State>,
    /// Wakes the drawing thread early when the bar finishes.
    wake: Condvar,
    start: Instant,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock leaves a state that is still fine to draw.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Erases the current line of standard error and draws `text` there, ignoring write errors:
/// a progress line that cannot be shown is not worth failing the build for.
fn draw(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "\r\x1b[2K{text}");
    let _ = err.flush();
}

/// A progress line, drawn while it lives when `enabled`.
pub struct ProgressLine {
    shared: Arc<Shared>,
    drawer: Option<JoinHandle<()>>,
}

impl ProgressLine {
    /// A line that is drawn when `wanted` and standard error is a terminal.
    pub fn new(wanted: bool) -> Self {
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            wake: Condvar::new(),
            start: Instant::now(),
        });
        let drawer = (wanted && std::io::stderr().is_terminal()).then(|| {
            let shared = Arc::clone(&shared);
            std::thread::spawn(move || {
                let mut state = shared.lock();
                // Ends when `finish` sets `finished`, which it does before joining.
                while !state.finished {
                    draw(&line(&state, shared.start.elapsed()));
                    state.ticks += 1;
                    state = shared
                        .wake
                        .wait_timeout(state, TICK)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0;
                }
                draw("");
            })
        });
        ProgressLine { shared, drawer }
    }

    /// Sets the share of the work done, in per mille.
    pub fn set_permille(&self, permille: u64) {
        self.shared.lock().permille = permille;
    }

    /// Sets the message (the last stage finished).
    pub fn set_message(&self, message: String) {
        self.shared.lock().message = message;
    }

    /// Prints `text` on a line of its own above the progress line.
    pub fn println(&self, text: &str) {
        let state = self.shared.lock();
        let drawn = self.drawer.is_some() && !state.finished;
        if drawn {
            draw("");
        }
        let _ = writeln!(std::io::stderr(), "{text}");
        if drawn {
            draw(&line(&state, self.shared.start.elapsed()));
        }
    }

    /// Stops drawing and erases the line.
    pub fn finish(&mut self) {
        self.shared.lock().finished = true;
        self.shared.wake.notify_all();
        if let Some(drawer) = self.drawer.take() {
            let _ = drawer.join();
        }
    }
}

impl Drop for ProgressLine {
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::{BAR_WIDTH, State, line};
    use std::time::Duration;

    #[test]
    fn the_line_shows_time_bar_share_and_message() {
        let state = State {
            permille: 275,
            message: "mlp done (4/9)".into(),
            ticks: 1,
            finished: false,
        };
        assert_eq!(
            line(&state, Duration::from_millis(3_723_400)),
            "⠂ [01:02:03] ████████░░░░░░░░░░░░░░░░░░░░░░  27% mlp done (4/9)"
        );
    }

    #[test]
    fn the_line_stays_within_80_columns() {
        let state = State {
            permille: 5000,
            message: "a very long message ".repeat(10),
            ticks: 12,
            finished: false,
        };
        let text = line(&state, Duration::from_secs(360_000));
        assert!(text.chars().count() <= 80, "{text}");
        assert!(text.contains(&"█".repeat(BAR_WIDTH)));
        assert!(text.contains("100%"));
    }
}
