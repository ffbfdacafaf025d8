//! The window's frame around the views: the menu bar, the status bar with the frame's CPU
//! time, and the error banner. Each reads what it shows and pushes [`Command`]s; none changes
//! the scenario.

use std::time::Duration;

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

/// The error on show, with a button that dismisses it.
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
                ui.label(RichText::new(text).color(theme::ERROR_TEXT));
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Min), |ui| {
                    dismissed = ui.button("Dismiss").clicked();
                });
            });
        });
    if dismissed {
        *error = None;
    }
    ui.add_space(4.0);
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
