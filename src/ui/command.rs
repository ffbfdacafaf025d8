//! The UI contract every view uses: the [`Command`]s a view may push, and the small types they
//! carry. It sits below the views and the app so that no view imports the app's root file
//! (rerun's `command.rs`); [`super::app`] drains the queue in one place.

use std::path::PathBuf;

use eframe::egui::{Context, Key, KeyboardShortcut, Modifiers};

use crate::model::{LeverValue, ValidScenario};

/// Everything the UI can ask for. Drained once per frame by
/// `WhatIfApp::apply`.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Set a lever; `dragging` edits coalesce into one undo step until the pointer is released.
    SetLever {
        path: String,
        value: LeverValue,
        dragging: bool,
    },
    /// Set several levers at once, as one undo step (a breach map cell).
    SetLevers {
        values: Vec<(String, LeverValue)>,
    },
    /// Set a lever back to the loaded preset's value.
    ResetLever {
        path: String,
    },
    /// Set every lever back to the loaded preset.
    ResetAll,
    Undo,
    Redo,
    /// Open a preset compiled into the binary (asks first if there are unsaved changes).
    OpenShipped(String),
    /// Read a preset file in the background; [`Command::OpenLoaded`] follows if it loads.
    OpenFile(PathBuf),
    /// A preset file finished loading: open it (asks first if there are unsaved changes).
    OpenLoaded {
        path: PathBuf,
        scenario: Box<ValidScenario>,
    },
    OpenDialog,
    /// Save to the current file, or ask for one (shipped presets are never overwritten).
    Save,
    SaveAsDialog,
    SaveTo(PathBuf),
    /// Ask for a file and write the scenario there as changes to the preset it came from.
    SaveChangesAsDialog,
    /// Write the scenario at this path as a preset that extends the one it came from (spec §7.3).
    SaveChangesTo(PathBuf),
    ExportCsv,
    ExportCsvTo(PathBuf),
    /// Pin a scenario as the baseline the charts and the comparison table show.
    PinBaseline(BaselineSource),
    UnpinBaseline,
    /// Ask for a file and write the scenario memo there.
    ExportMemo,
    ExportMemoTo(PathBuf),
    ShowError(String),
    /// The user agreed to lose unsaved changes: open the pending scenario.
    ConfirmDiscard,
    CancelDiscard,
}

/// What is pinned as the baseline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BaselineSource {
    /// The working scenario as it is now.
    Current,
    /// A preset compiled into the binary, by file stem.
    Shipped(String),
}

const UNDO: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Z);
const REDO: KeyboardShortcut =
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::Z);
const REDO_Y: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Y);
const OPEN: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
const SAVE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::S);
const SAVE_AS: KeyboardShortcut =
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::S);

impl Command {
    /// The commands that have keyboard shortcuts, in the order the keyboard handler tries them:
    /// a shortcut whose keys contain another's (Ctrl+Shift+S holds Ctrl+S) comes first.
    pub const WITH_SHORTCUTS: [Self; 5] = [
        Self::SaveAsDialog,
        Self::Save,
        Self::OpenDialog,
        Self::Redo,
        Self::Undo,
    ];

    /// The text of the menu item that sends this command, if a menu offers it.
    pub fn label(&self) -> Option<&'static str> {
        Some(match self {
            Self::Undo => "Undo",
            Self::Redo => "Redo",
            Self::ResetAll => "Reset all levers",
            Self::OpenDialog => "Open…",
            Self::Save => "Save",
            Self::SaveAsDialog => "Save As…",
            Self::SaveChangesAsDialog => "Save As changes…",
            Self::ExportCsv => "Export ledger CSV…",
            Self::ExportMemo => "Export memo…",
            _ => return None,
        })
    }

    /// The keyboard shortcuts that send this command; the menu shows the first.
    pub fn shortcuts(&self) -> &'static [KeyboardShortcut] {
        match self {
            Self::Undo => &[UNDO],
            Self::Redo => &[REDO, REDO_Y],
            Self::OpenDialog => &[OPEN],
            Self::Save => &[SAVE],
            Self::SaveAsDialog => &[SAVE_AS],
            _ => &[],
        }
    }

    /// Whether a focused text entry keeps this command's keys for itself (Ctrl+Z undoes typing).
    pub fn yields_to_text_entry(&self) -> bool {
        matches!(self, Self::Undo | Self::Redo)
    }
}

/// The keyboard handler: pushes the command of every shortcut pressed this frame, as
/// [`Command::shortcuts`] lists them. A focused text entry keeps the keys of the commands that
/// yield to it (Ctrl+Z undoes its own typing).
pub fn shortcut_commands(ctx: &Context, commands: &mut Vec<Command>) {
    let typing = ctx.egui_wants_keyboard_input();
    ctx.input_mut(|input| {
        for command in Command::WITH_SHORTCUTS {
            if typing && command.yields_to_text_entry() {
                continue;
            }
            if command
                .shortcuts()
                .iter()
                .any(|shortcut| input.consume_shortcut(shortcut))
            {
                commands.push(command);
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shortcut_command_has_a_label_and_no_two_share_keys() {
        let mut seen = Vec::new();
        for command in Command::WITH_SHORTCUTS {
            assert!(command.label().is_some(), "{command:?} has a menu label");
            assert!(!command.shortcuts().is_empty(), "{command:?}");
            for shortcut in command.shortcuts() {
                assert!(!seen.contains(shortcut), "{shortcut:?} is used twice");
                seen.push(*shortcut);
            }
        }
    }

    #[test]
    fn a_shortcut_that_contains_another_is_tried_first() {
        let position = |command: &Command| {
            Command::WITH_SHORTCUTS
                .iter()
                .position(|c| c == command)
                .expect("has a shortcut")
        };
        assert!(position(&Command::SaveAsDialog) < position(&Command::Save));
        assert!(position(&Command::Redo) < position(&Command::Undo));
    }
}
