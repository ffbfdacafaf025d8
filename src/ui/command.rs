//! The UI contract every view uses: the [`Command`]s a view may push, and the small types they
//! carry. It sits below the views and the app so that no view imports the app's root file
//! (rerun's `command.rs`); [`super::app`] drains the queue in one place.

use std::path::PathBuf;

use crate::model::{LeverValue, ValidScenario};

/// Everything the UI can ask for. Drained once per frame by
/// [`WhatIfApp::apply`](super::app::WhatIfApp::apply).
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
