//! The window's frame around the views: the menu bar, the status bar with the frame's CPU
//! time, and the error banner. Each reads what it shows and pushes [`Command`]s; none changes
//! the scenario.

use std::time::{Duration, Instant};

use eframe::egui::{self, RichText, Ui};

use super::background::busy_ui;
use super::command::Command;
use super::file_menu::FileMenu;
use super::files::Files;
use super::theme;
use super::undo::UndoHistory;
use super::view::{View, ViewContext};

/// The menu bar: File and Edit, the scenario's name and origin, an unsaved mark, the theme.
pub fn menu_bar_ui(
    ui: &mut Ui,
    view: &mut ViewContext<'_>,
    file_menu: &mut FileMenu,
    undo: &UndoHistory,
) {
    egui::MenuBar::new().ui(ui, |ui| {
        file_menu.ui(ui, view);
        ui.menu_button("Edit", |ui| {
            view.command_button(ui, Command::Undo, undo.can_undo(), None);
            view.command_button(ui, Command::Redo, undo.can_redo(), None);
            ui.separator();
            let dirty = view.document.is_dirty();
            view.command_button(ui, Command::ResetAll, dirty, None);
        });
        ui.separator();
        let document = view.document;
        ui.label(RichText::new(document.scenario().meta.name.as_str()).strong())
            .on_hover_text(document.scenario().meta.description.as_str());
        ui.label(RichText::new(document.origin().display_name()).weak());
        if document.is_dirty() {
            ui.label(RichText::new("• unsaved changes").color(theme::CHANGED_MARK));
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let dark = ui.visuals().dark_mode;
            if ui
                .selectable_label(false, if dark { "Light theme" } else { "Dark theme" })
                .clicked()
            {
                ui.ctx().set_theme(if dark {
                    egui::Theme::Light
                } else {
                    egui::Theme::Dark
                });
            }
        });
    });
}

/// The status bar: a file read or dialog in flight, else the last thing that happened; the
/// model's and the frame's CPU time on the right.
pub fn status_bar_ui(
    ui: &mut Ui,
    files: &Files,
    status: &str,
    recompute_time: Duration,
    frame_time: Duration,
) {
    ui.horizontal(|ui| {
        if let Some(path) = files.loading_path() {
            busy_ui(ui);
            let name = path.file_name().unwrap_or(path.as_os_str());
            ui.label(format!("Opening {}…", name.to_string_lossy()));
        } else if files.is_dialog_open() {
            ui.label("A file dialog is open…");
        } else {
            ui.label(status);
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.label(
                RichText::new(format!(
                    "model {:.2} ms · frame {:.2} ms (CPU)",
                    recompute_time.as_secs_f64() * 1e3,
                    frame_time.as_secs_f64() * 1e3
                ))
                .weak()
                .small(),
            )
            .on_hover_text(
                "Model: the last recompute (run + lever list). Frame: the CPU time of the \
                 last frame's UI code (model, layout, plots), before tessellation and GPU.",
            );
        });
    });
}

/// Most characters of an error the banner lays out: a hostile file's error can run to
/// megabytes, which egui would lay out every frame.
const BANNER_CHARS: usize = 4000;

/// Height of the banner's text before it scrolls, in points: the KPIs stay on screen.
const BANNER_TEXT_HEIGHT: f32 = 96.0;

/// The error on show, with a button that dismisses it: the button first, so a long error can
/// never push it away; the text wrapped, scrolling past a few lines, and cut past
/// [`BANNER_CHARS`].
pub fn error_banner_ui(ui: &mut Ui, error: &mut Option<String>) {
    let Some(text) = error.as_deref() else {
        return;
    };
    let mut dismissed = false;
    egui::Frame::new()
        .fill(ui.visuals().extreme_bg_color)
        .stroke(egui::Stroke::new(1.0, theme::ERROR_TEXT))
        .inner_margin(6)
        .corner_radius(4)
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(RichText::new("Error").color(theme::ERROR_TEXT).strong());
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Min), |ui| {
                    dismissed = ui.button("Dismiss").clicked();
                });
            });
            egui::ScrollArea::vertical()
                .id_salt("error banner")
                .max_height(BANNER_TEXT_HEIGHT)
                .auto_shrink([false, true])
                .show(ui, |ui| {
                    ui.add(
                        egui::Label::new(RichText::new(banner_text(text)).color(theme::ERROR_TEXT))
                            .wrap(),
                    );
                });
        });
    if dismissed {
        *error = None;
    }
    ui.add_space(4.0);
}

/// `text` cut to [`BANNER_CHARS`] characters, saying how much was left out.
fn banner_text(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(BANNER_CHARS) {
        None => text.into(),
        Some((cut, _)) => {
            let left = text[cut..].chars().count();
            format!("{}… ({left} more characters)", &text[..cut]).into()
        }
    }
}

/// How long the status bar shows what last happened.
const STATUS_SHOWN_FOR: Duration = Duration::from_secs(8);

/// The status bar's message and when it was set: it fades out after [`STATUS_SHOWN_FOR`], so
/// "Set SOFR to 5 %" does not sit there long after the change it described.
#[derive(Default)]
pub struct StatusLine {
    seen: String,
    since: Option<Instant>,
}

impl StatusLine {
    /// What to show of `status` now; asks for the repaint that clears it.
    pub fn shown<'a>(&mut self, ctx: &egui::Context, status: &'a str) -> &'a str {
        let now = Instant::now();
        if self.seen != status {
            status.clone_into(&mut self.seen);
            self.since = Some(now);
        }
        let age = self.since.map_or(Duration::MAX, |since| now - since);
        if age >= STATUS_SHOWN_FOR {
            return "";
        }
        ctx.request_repaint_after(STATUS_SHOWN_FOR - age);
        status
    }
}

/// CPU time of frames: the last one, and a window of frames in which an input changed.
#[derive(Default)]
pub struct FrameStats {
    /// Print a summary of every 60 changed frames to stderr (`--frame-stats`).
    pub print: bool,
    pub last_frame: Duration,
    changed_frames: Vec<Duration>,
}

impl FrameStats {
    pub fn record(&mut self, elapsed: Duration, changed: bool) {
        self.last_frame = elapsed;
        if !changed {
            return;
        }
        self.changed_frames.push(elapsed);
        if self.print && self.changed_frames.len() >= 60 {
            let mut sorted = std::mem::take(&mut self.changed_frames);
            sorted.sort();
            let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q) as usize];
            eprintln!(
                "frame-stats: {} frames with a changed input: median {:.2} ms, p95 {:.2} ms, max {:.2} ms",
                sorted.len(),
                at(0.5).as_secs_f64() * 1e3,
                at(0.95).as_secs_f64() * 1e3,
                at(1.0).as_secs_f64() * 1e3,
            );
        } else if self.changed_frames.len() >= 1000 {
            self.changed_frames.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_error_is_cut_and_says_how_much_is_left_out() {
        let short = "preset.ron:3:7: unknown field `x`";
        assert_eq!(banner_text(short), short);
        let long = "é".repeat(BANNER_CHARS + 25);
        let shown = banner_text(&long);
        assert!(shown.starts_with(&"é".repeat(BANNER_CHARS)));
        assert!(shown.ends_with("… (25 more characters)"), "{shown}");
    }

    #[test]
    fn the_status_shows_a_new_message_and_clears_it_later() {
        let ctx = egui::Context::default();
        let mut line = StatusLine::default();
        assert_eq!(line.shown(&ctx, "Set SOFR to 5 %"), "Set SOFR to 5 %");
        line.since = Some(Instant::now() - STATUS_SHOWN_FOR);
        assert_eq!(
            line.shown(&ctx, "Set SOFR to 5 %"),
            "",
            "an old message is cleared"
        );
        assert_eq!(
            line.shown(&ctx, "Undone"),
            "Undone",
            "a new one shows at once"
        );
    }
}
