//! Presets: the menu of shipped presets and file commands, native file dialogs and preset
//! files read off the UI thread, and `.ron` files dropped on the window.
//!
//! Dialogs only pick a path; what happens with it is a [`Command`] handled by `App::apply`,
//! which tests call directly (the non-dialog path). Opening a file reads it on its own thread
//! ([`Presets::start_loading`]); the finished read comes back as a command too, so the scenario
//! changes only in `apply`, and only when the file loaded.

use eframe::egui;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use eframe::egui::{Context, Key, KeyboardShortcut, Modifiers, Ui};

use super::command::Command;
use crate::model::ValidScenario;
use crate::model::preset::SHIPPED_PRESETS;
use crate::preset_file::{self, FileError};

pub const OPEN: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
pub const SAVE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::S);
pub const SAVE_AS: KeyboardShortcut =
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::S);

/// What a file dialog is asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DialogKind {
    Open,
    SaveAs {
        suggested_name: String,
    },
    /// Save As a preset that extends the one the scenario came from.
    SaveChangesAs {
        suggested_name: String,
    },
    ExportCsv {
        suggested_name: String,
    },
    ExportMemo {
        suggested_name: String,
    },
}

/// A preset file being read on its own thread.
struct Loading {
    path: PathBuf,
    receiver: Receiver<Result<ValidScenario, FileError>>,
}

/// The file menu's state: at most one dialog and one file read in flight.
#[derive(Default)]
pub struct Presets {
    dialog: Option<(DialogKind, Receiver<Option<PathBuf>>)>,
    loading: Option<Loading>,
}

impl Presets {
    /// The "File" menu: shipped presets, then Open, Save, Save As and Save As changes to
    /// `base_name` (the preset the scenario came from).
    pub fn menu_ui(
        &self,
        ui: &mut Ui,
        can_save_in_place: bool,
        base_name: &str,
        commands: &mut Vec<Command>,
    ) {
        ui.menu_button("File", |ui| {
            ui.label(egui::RichText::new("Shipped presets").weak().small());
            for (stem, _) in SHIPPED_PRESETS {
                if ui.button(stem).clicked() {
                    commands.push(Command::OpenShipped(stem.to_owned()));
                }
            }
            ui.separator();
            let shortcut = |shortcut: &KeyboardShortcut| ui.ctx().format_shortcut(shortcut);
            let (open, save, save_as) = (shortcut(&OPEN), shortcut(&SAVE), shortcut(&SAVE_AS));
            if ui
                .add(egui::Button::new("Open…").shortcut_text(open))
                .clicked()
            {
                commands.push(Command::OpenDialog);
            }
            if ui
                .add(egui::Button::new("Save").shortcut_text(save))
                .on_hover_text(if can_save_in_place {
                    "Write the scenario back to its file"
                } else {
                    "Shipped presets are never overwritten: choose a file"
                })
                .clicked()
            {
                commands.push(Command::Save);
            }
            if ui
                .add(egui::Button::new("Save As…").shortcut_text(save_as))
                .clicked()
            {
                commands.push(Command::SaveAsDialog);
            }
            if ui
                .button(format!("Save As changes to {base_name}…"))
                .on_hover_text(format!(
                    "A small preset that extends {base_name}: the levers that differ from it, and \
                     the items removed or added"
                ))
                .clicked()
            {
                commands.push(Command::SaveChangesAsDialog);
            }
            ui.separator();
            if ui.button("Export ledger CSV…").clicked() {
                commands.push(Command::ExportCsv);
            }
            if ui
                .button("Export memo…")
                .on_hover_text(
                    "A Markdown memo: inputs and sources, KPIs, baseline, tornado, charts",
                )
                .clicked()
            {
                commands.push(Command::ExportMemo);
            }
        });
    }

    /// The keyboard shortcuts of the file menu (Save As first: it contains Save's keys).
    pub fn shortcuts(ctx: &Context, commands: &mut Vec<Command>) {
        ctx.input_mut(|input| {
            if input.consume_shortcut(&SAVE_AS) {
                commands.push(Command::SaveAsDialog);
            }
            if input.consume_shortcut(&SAVE) {
                commands.push(Command::Save);
            }
            if input.consume_shortcut(&OPEN) {
                commands.push(Command::OpenDialog);
            }
        });
    }

    /// `.ron` files dropped on the window open (the first one, if several).
    pub fn dropped_files(ctx: &Context, commands: &mut Vec<Command>) {
        let dropped: Vec<PathBuf> = ctx.input(|input| {
            input
                .raw
                .dropped_files
                .iter()
                .map(|file| file.path().to_path_buf())
                .collect()
        });
        if let Some(path) = dropped.into_iter().next() {
            if path
                .extension()
                .is_some_and(|ext| ext.eq_ignore_ascii_case("ron"))
            {
                commands.push(Command::OpenFile(path));
            } else {
                commands.push(Command::ShowError(format!(
                    "{}: not a preset (expected a .ron file)",
                    path.display()
                )));
            }
        }
    }

    /// Whether a `.ron` file is being dragged over the window.
    pub fn is_file_hovering(ctx: &Context) -> bool {
        ctx.input(|input| !input.raw.hovered_files.is_empty())
    }

    /// Starts a native dialog on its own thread; the UI keeps running. Ignored while one is open.
    pub fn spawn_dialog(&mut self, ctx: &Context, kind: DialogKind, directory: Option<PathBuf>) {
        if self.dialog.is_some() {
            return;
        }
        let (sender, receiver) = channel();
        let ctx = ctx.clone();
        let request = kind.clone();
        let spawned = std::thread::Builder::new()
            .name("file-dialog".to_owned())
            .spawn(move || {
                let mut dialog = rfd::FileDialog::new();
                if let Some(directory) = directory {
                    dialog = dialog.set_directory(directory);
                }
                let picked = match request {
                    DialogKind::Open => dialog
                        .set_title("Open a preset")
                        .add_filter("Preset (RON)", &["ron"])
                        .pick_file(),
                    DialogKind::SaveAs { suggested_name } => dialog
                        .set_title("Save the scenario as a preset")
                        .add_filter("Preset (RON)", &["ron"])
                        .set_file_name(suggested_name)
                        .save_file(),
                    DialogKind::SaveChangesAs { suggested_name } => dialog
                        .set_title("Save the scenario as changes to its preset")
                        .add_filter("Preset (RON)", &["ron"])
                        .set_file_name(suggested_name)
                        .save_file(),
                    DialogKind::ExportCsv { suggested_name } => dialog
                        .set_title("Export the ledger")
                        .add_filter("CSV", &["csv"])
                        .set_file_name(suggested_name)
                        .save_file(),
                    DialogKind::ExportMemo { suggested_name } => dialog
                        .set_title("Export the scenario memo")
                        .add_filter("Markdown", &["md"])
                        .set_file_name(suggested_name)
                        .save_file(),
                };
                let _ = sender.send(picked);
                ctx.request_repaint();
            });
        if spawned.is_ok() {
            self.dialog = Some((kind, receiver));
        }
    }

    pub fn is_dialog_open(&self) -> bool {
        self.dialog.is_some()
    }

    /// Starts reading and validating the preset at `path` on its own thread, so a slow or odd
    /// file never freezes the window. A read already in flight is abandoned: the file asked for
    /// last is the one that opens. Fails only if no thread could be started.
    pub fn start_loading(&mut self, ctx: &Context, path: PathBuf) -> io::Result<()> {
        let (sender, receiver) = channel();
        let worker_ctx = ctx.clone();
        let worker_path = path.clone();
        std::thread::Builder::new()
            .name("preset-load".to_owned())
            .spawn(move || {
                // The receiver is gone when a newer load replaced this one: the result is dropped.
                let _ = sender.send(preset_file::load(&worker_path));
                worker_ctx.request_repaint();
            })?;
        self.loading = Some(Loading { path, receiver });
        // The next frame polls the read (and shows it in the status bar).
        ctx.request_repaint();
        Ok(())
    }

    /// The file being read, while a read is in flight.
    pub fn loading_path(&self) -> Option<&Path> {
        self.loading.as_ref().map(|loading| loading.path.as_path())
    }

    /// Turns a finished dialog or file read into its command.
    pub fn poll(&mut self, ctx: &Context, commands: &mut Vec<Command>) {
        self.poll_dialog(commands);
        self.poll_loading(ctx, commands);
    }

    /// A loaded file becomes [`Command::OpenLoaded`]; a file that did not load, an error that
    /// leaves the scenario as it is.
    fn poll_loading(&mut self, ctx: &Context, commands: &mut Vec<Command>) {
        let Some(loading) = &self.loading else {
            return;
        };
        let loaded = match loading.receiver.try_recv() {
            Ok(loaded) => loaded,
            Err(TryRecvError::Empty) => {
                // A read takes milliseconds: repaint until it lands, which also keeps the busy
                // indicator turning (and headless tests stepping until the file is open).
                ctx.request_repaint();
                return;
            }
            Err(TryRecvError::Disconnected) => {
                commands.push(Command::ShowError(format!(
                    "Could not open {}: the reading thread stopped; the scenario is unchanged.",
                    loading.path.display()
                )));
                self.loading = None;
                return;
            }
        };
        commands.push(match loaded {
            Ok(scenario) => Command::OpenLoaded {
                path: loading.path.clone(),
                scenario: Box::new(scenario),
            },
            Err(err) => Command::ShowError(format!(
                "Could not open the preset; the scenario is unchanged.\n{err}"
            )),
        });
        self.loading = None;
    }

    fn poll_dialog(&mut self, commands: &mut Vec<Command>) {
        let Some((kind, receiver)) = &self.dialog else {
            return;
        };
        let picked = match receiver.try_recv() {
            Ok(picked) => picked,
            Err(TryRecvError::Empty) => return,
            Err(TryRecvError::Disconnected) => None,
        };
        if let Some(path) = picked {
            commands.push(match kind {
                DialogKind::Open => Command::OpenFile(path),
                DialogKind::SaveAs { .. } => Command::SaveTo(with_extension(path, "ron")),
                DialogKind::SaveChangesAs { .. } => {
                    Command::SaveChangesTo(with_extension(path, "ron"))
                }
                DialogKind::ExportCsv { .. } => Command::ExportCsvTo(with_extension(path, "csv")),
                DialogKind::ExportMemo { .. } => Command::ExportMemoTo(with_extension(path, "md")),
            });
        }
        self.dialog = None;
    }
}

/// Adds `extension` when the user typed a name without one.
fn with_extension(path: PathBuf, extension: &str) -> PathBuf {
    if path.extension().is_some() {
        path
    } else {
        path.with_extension(extension)
    }
}

/// The text of a shipped preset by file stem.
pub fn shipped(stem: &str) -> Option<&'static str> {
    SHIPPED_PRESETS
        .iter()
        .find(|(name, _)| *name == stem)
        .map(|(_, text)| *text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_preset_is_found_by_its_stem() {
        for (stem, text) in SHIPPED_PRESETS {
            assert_eq!(shipped(stem), Some(text), "{stem}");
        }
        assert_eq!(shipped("no-such-preset"), None);
    }

    #[test]
    fn typed_names_get_the_extension() {
        assert_eq!(
            with_extension(PathBuf::from("/tmp/plan"), "ron"),
            PathBuf::from("/tmp/plan.ron")
        );
        assert_eq!(
            with_extension(PathBuf::from("/tmp/plan.ron"), "csv"),
            PathBuf::from("/tmp/plan.ron")
        );
    }
}
