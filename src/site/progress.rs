//! The progress bar of a long render: hidden at first, drawn on stderr only
//! when the output is a terminal and the render passes a second, so quick
//! re-renders and piped output stay quiet.

use super::Site;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

impl Site {
    /// Draws the bar only on a terminal and once the render takes a while.
    pub(super) fn reveal_progress(&self, bar: &ProgressBar, started: Instant) {
        if self.progress
            && bar.is_hidden()
            && started.elapsed() > Duration::from_secs(1)
            && std::io::stderr().is_terminal()
        {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }
}

/// A bar that stays hidden until `Site::reveal_progress` shows it.
pub(super) fn progress_bar(len: u64) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::hidden());
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} tickets")
            .expect("a valid progress template")
            .progress_chars("=> "),
    );
    bar.set_message("Rendering");
    bar
}
