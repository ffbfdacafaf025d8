//! File handling: file dialogs (rfd's native one off the UI thread, or the app's own
//! [`FileDialog`] where none can be shown) and preset files read off the UI thread, `.ron` files
//! dropped on the window, and the work of the file commands (save, save as changes, export the
//! ledger and the memo).
//!
//! Dialogs only pick a path; what happens with it is a [`Command`] handled by `App::apply`,
//! which tests call directly (the non-dialog path). Opening a file reads it on its own thread
//! ([`Files::start_loading`]); the finished read comes back as a command too, so the scenario
//! changes only in `apply`, and only when the file loaded.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::{Duration, Instant};

use eframe::egui::{self, Context, Ui};

use super::baseline::PinnedBaseline;
use super::command::Command;
use super::document::{Document, DocumentError, Origin};
use super::file_dialog::{
    DialogEnvironment, DialogOutcome, FileDialog, FilePurpose, native_dialog_available,
};
use super::memo::{MemoError, export_memo};
use super::tornado_tab::TornadoTab;
use crate::io::{self, FileError};
use crate::model::{
    PresetError, SHIPPED_PRESETS, ValidScenario, changes_against, parse_preset,
    unchangeable_differences,
};
use crate::report::exact_ledger_csv;

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

impl DialogKind {
    /// The dialog `command` asks for, with a file name suggested from `document`'s origin.
    pub fn for_command(command: &Command, document: &Document) -> Option<Self> {
        let origin = document.origin();
        Some(match command {
            Command::OpenDialog => Self::Open,
            Command::SaveAsDialog => Self::SaveAs {
                suggested_name: match origin {
                    Origin::Shipped(stem) => format!("{stem}-whatif.ron"),
                    Origin::File(_) => origin.display_name(),
                },
            },
            Command::SaveChangesAsDialog => Self::SaveChangesAs {
                suggested_name: suggested_name(origin, "-changes.ron"),
            },
            Command::ExportCsv => Self::ExportCsv {
                suggested_name: suggested_name(origin, "-ledger.csv"),
            },
            Command::ExportMemo => Self::ExportMemo {
                suggested_name: suggested_name(origin, "-memo.md"),
            },
            _ => return None,
        })
    }

    /// The command a picked path becomes (a typed name gets the file type's extension).
    fn command(&self, path: PathBuf) -> Command {
        match self {
            Self::Open => Command::OpenFile(path),
            Self::SaveAs { .. } => Command::SaveTo(with_extension(path, "ron")),
            Self::SaveChangesAs { .. } => Command::SaveChangesTo(with_extension(path, "ron")),
            Self::ExportCsv { .. } => Command::ExportCsvTo(with_extension(path, "csv")),
            Self::ExportMemo { .. } => Command::ExportMemoTo(with_extension(path, "md")),
        }
    }

    /// The in-app dialog's purpose and proposed file name for this request.
    fn purpose(&self) -> (FilePurpose, &str) {
        match self {
            Self::Open => (FilePurpose::OpenPreset, ""),
            Self::SaveAs { suggested_name } => (FilePurpose::SavePreset, suggested_name),
            Self::SaveChangesAs { suggested_name } => (FilePurpose::SaveChanges, suggested_name),
            Self::ExportCsv { suggested_name } => (FilePurpose::ExportCsv, suggested_name),
            Self::ExportMemo { suggested_name } => (FilePurpose::ExportMemo, suggested_name),
        }
    }

    /// The native dialog for this request.
    fn pick(self, directory: Option<PathBuf>) -> Option<PathBuf> {
        let mut dialog = rfd::FileDialog::new();
        if let Some(directory) = directory {
            dialog = dialog.set_directory(directory);
        }
        let save = |dialog: rfd::FileDialog, title, filter, extension, name: String| {
            dialog
                .set_title(title)
                .add_filter(filter, &[extension])
                .set_file_name(name)
                .save_file()
        };
        match self {
            Self::Open => dialog
                .set_title("Open a preset")
                .add_filter("Preset (RON)", &["ron"])
                .pick_file(),
            Self::SaveAs { suggested_name } => save(
                dialog,
                "Save the scenario as a preset",
                "Preset (RON)",
                "ron",
                suggested_name,
            ),
            Self::SaveChangesAs { suggested_name } => save(
                dialog,
                "Save the scenario as changes to its preset",
                "Preset (RON)",
                "ron",
                suggested_name,
            ),
            Self::ExportCsv { suggested_name } => {
                save(dialog, "Export the ledger", "CSV", "csv", suggested_name)
            }
            Self::ExportMemo { suggested_name } => save(
                dialog,
                "Export the scenario memo",
                "Markdown",
                "md",
                suggested_name,
            ),
        }
    }
}

/// A file name for what is saved or exported from the scenario: its preset's name with
/// `suffix` (`s1-base-memo.md`).
fn suggested_name(origin: &Origin, suffix: &str) -> String {
    let stem = origin.display_name();
    format!("{}{suffix}", stem.trim_end_matches(".ron"))
}

/// The directory dialogs open in: the loaded file's.
fn current_directory(document: &Document) -> Option<PathBuf> {
    document
        .origin()
        .path()
        .and_then(|path| path.parent())
        .map(Path::to_path_buf)
}

/// The folder the in-app dialog lists first: the loaded file's, else the working directory,
/// else the home folder.
fn fallback_directory(directory: Option<PathBuf>) -> PathBuf {
    directory
        .or_else(|| std::env::current_dir().ok())
        .or_else(|| std::env::var_os("HOME").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("/"))
}

/// A native dialog that answers "nothing chosen" sooner than this could not be shown: rfd
/// returns `None` both for a cancel and for a failure (no portal, no zenity), and a failure
/// comes back in milliseconds, while nobody can see, read and dismiss a dialog this fast. A
/// wrong guess costs little: the user sees the in-app dialog and can cancel it too.
const FAILED_DIALOG_WITHIN: Duration = Duration::from_millis(500);

/// What the status bar says when a native dialog gave up without being seen.
pub const NATIVE_DIALOG_FAILED: &str = "No system file dialog could be shown; using the app's own.";

/// A native dialog on its own thread.
struct OpenDialog {
    kind: DialogKind,
    directory: Option<PathBuf>,
    started: Instant,
    receiver: Receiver<Option<PathBuf>>,
}

/// The in-app dialog, drawn every frame while it is open.
struct Fallback {
    kind: DialogKind,
    dialog: FileDialog,
}

/// A preset file being read on its own thread.
struct Loading {
    path: PathBuf,
    receiver: Receiver<Result<ValidScenario, FileError>>,
}

/// The file jobs in flight: at most one dialog (native or in-app) and one file read.
pub struct Files {
    /// Why the native dialog is not used (the status bar says it), or `None` while it is.
    native_unavailable: Option<&'static str>,
    dialog: Option<OpenDialog>,
    fallback: Option<Fallback>,
    loading: Option<Loading>,
    /// A status line for the app to show ([`Self::take_note`]).
    note: Option<String>,
}

impl Files {
    /// File jobs on this machine: [`DialogEnvironment::probe`] decides once whether rfd's
    /// native dialog can be shown; `builtin_dialog` skips it and always uses the app's own.
    pub fn new(builtin_dialog: bool) -> Self {
        let environment = DialogEnvironment::probe();
        let native_unavailable = if builtin_dialog {
            Some("Using the app's own file dialog (as asked).")
        } else if native_dialog_available(&environment) {
            None
        } else {
            Some(environment.fallback_note())
        };
        Self {
            native_unavailable,
            dialog: None,
            fallback: None,
            loading: None,
            note: None,
        }
    }

    /// Whether dialogs are the app's own (no native dialog can be shown, or it was asked for).
    pub fn uses_builtin_dialog(&self) -> bool {
        self.native_unavailable.is_some()
    }

    /// Starts the dialog `command` asks for (see [`DialogKind::for_command`]), in the loaded
    /// file's directory: the native one on its own thread, else the app's own. The UI keeps
    /// running; ignored while a dialog is open.
    pub fn ask(&mut self, ctx: &Context, command: &Command, document: &Document) {
        if self.dialog.is_some() || self.fallback.is_some() {
            return;
        }
        let Some(kind) = DialogKind::for_command(command, document) else {
            return;
        };
        let directory = current_directory(document);
        match self.native_unavailable {
            None => self.spawn_dialog(ctx, kind, directory),
            Some(why) => self.open_fallback(kind, directory, why),
        }
    }

    fn open_fallback(&mut self, kind: DialogKind, directory: Option<PathBuf>, why: &str) {
        let (purpose, name) = kind.purpose();
        let dialog = FileDialog::new(purpose, &fallback_directory(directory), name);
        self.fallback = Some(Fallback { kind, dialog });
        self.note = Some(why.to_owned());
    }

    fn spawn_dialog(&mut self, ctx: &Context, kind: DialogKind, directory: Option<PathBuf>) {
        let (sender, receiver) = channel();
        let worker_ctx = ctx.clone();
        let request = kind.clone();
        let worker_directory = directory.clone();
        let spawned = std::thread::Builder::new()
            .name("file-dialog".to_owned())
            .spawn(move || {
                let _ = sender.send(request.pick(worker_directory));
                worker_ctx.request_repaint();
            });
        match spawned {
            Ok(_) => {
                self.dialog = Some(OpenDialog {
                    kind,
                    directory,
                    started: Instant::now(),
                    receiver,
                });
            }
            // No thread for the native dialog: the app's own needs none.
            Err(_) => self.open_fallback(kind, directory, NATIVE_DIALOG_FAILED),
        }
    }

    /// Whether a native dialog is open (the in-app one shows in the window itself).
    pub fn is_dialog_open(&self) -> bool {
        self.dialog.is_some()
    }

    /// Whether the in-app dialog is open.
    pub fn is_builtin_dialog_open(&self) -> bool {
        self.fallback.is_some()
    }

    /// The status line a dialog left (why the app's own is used, a cancel), once.
    pub fn take_note(&mut self) -> Option<String> {
        self.note.take()
    }

    /// Draws the in-app dialog while it is open; a chosen file becomes the command the native
    /// dialog's would.
    pub fn dialog_ui(&mut self, ui: &mut Ui, commands: &mut Vec<Command>) {
        let Some(fallback) = &mut self.fallback else {
            return;
        };
        match fallback.dialog.ui(ui) {
            DialogOutcome::Open => {}
            DialogOutcome::Chosen(path) => {
                commands.push(fallback.kind.command(path));
                self.fallback = None;
            }
            DialogOutcome::Cancelled => {
                self.note = Some("Cancelled: no file chosen.".to_owned());
                self.fallback = None;
            }
        }
    }

    /// Starts reading and validating the preset at `path` on its own thread, so a slow or odd
    /// file never freezes the window. A read already in flight is abandoned: the file asked for
    /// last is the one that opens. Fails only if no thread could be started.
    pub fn start_loading(&mut self, ctx: &Context, path: PathBuf) -> std::io::Result<()> {
        let (sender, receiver) = channel();
        let worker_ctx = ctx.clone();
        let worker_path = path.clone();
        std::thread::Builder::new()
            .name("preset-load".to_owned())
            .spawn(move || {
                // The receiver is gone when a newer load replaced this one: the result is dropped.
                let _ = sender.send(io::load(&worker_path));
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

    /// A picked path becomes its command. Nothing picked at once means no dialog was shown
    /// (see [`FAILED_DIALOG_WITHIN`]): the app's own opens, now and from then on.
    fn poll_dialog(&mut self, commands: &mut Vec<Command>) {
        let Some(dialog) = &self.dialog else {
            return;
        };
        let picked = match dialog.receiver.try_recv() {
            Ok(picked) => picked,
            Err(TryRecvError::Empty) => return,
            Err(TryRecvError::Disconnected) => None,
        };
        let Some(dialog) = self.dialog.take() else {
            return;
        };
        match picked {
            Some(path) => commands.push(dialog.kind.command(path)),
            None if dialog.started.elapsed() < FAILED_DIALOG_WITHIN => {
                self.native_unavailable = Some(NATIVE_DIALOG_FAILED);
                self.open_fallback(dialog.kind, dialog.directory, NATIVE_DIALOG_FAILED);
            }
            None => self.note = Some("Cancelled: no file chosen.".to_owned()),
        }
    }
}

/// `.ron` files dropped on the window open (the first one, if several).
pub fn dropped_files(ctx: &Context, commands: &mut Vec<Command>) {
    let dropped: Option<PathBuf> = ctx.input(|input| {
        input
            .raw
            .dropped_files
            .first()
            .map(|file| file.path().to_path_buf())
    });
    let Some(path) = dropped else {
        return;
    };
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

/// A hint over the window while a file is dragged over it.
pub fn drop_hint_ui(ctx: &Context) {
    if !ctx.input(|input| !input.raw.hovered_files.is_empty()) {
        return;
    }
    egui::Area::new(egui::Id::unique("drop-hint"))
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| {
            ui.label(egui::RichText::new("Drop a .ron preset to open it").heading());
        });
}

/// "Discard unsaved changes?" before `target` replaces the modified `current`.
pub fn discard_modal_ui(
    ctx: &Context,
    current: &Origin,
    target: &Origin,
    commands: &mut Vec<Command>,
) {
    let (current, target) = (current.display_name(), target.display_name());
    let response = egui::Modal::new(egui::Id::unique("discard-unsaved")).show(ctx, |ui| {
        ui.set_max_width(380.0);
        ui.heading("Discard unsaved changes?");
        ui.label(format!(
            "{current} has changes that are not saved. Opening {target} discards them."
        ));
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui.button("Discard and open").clicked() {
                commands.push(Command::ConfirmDiscard);
            }
            if ui.button("Cancel").clicked() {
                commands.push(Command::CancelDiscard);
            }
        });
    });
    if response.should_close() {
        commands.push(Command::CancelDiscard);
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

/// Why a shipped preset could not be opened or pinned.
#[derive(Debug, thiserror::Error)]
pub enum ShippedError {
    #[error("No shipped preset is called {0}")]
    Unknown(String),
    #[error("Shipped preset {stem}: {source}")]
    Invalid { stem: String, source: PresetError },
}

/// The shipped preset `stem`, parsed and validated.
pub fn parse_shipped(stem: &str) -> Result<ValidScenario, ShippedError> {
    let text = shipped(stem).ok_or_else(|| ShippedError::Unknown(stem.to_owned()))?;
    parse_preset(text).map_err(|source| ShippedError::Invalid {
        stem: stem.to_owned(),
        source,
    })
}

/// Why a file command failed; each reads as the error banner shows it.
#[derive(Debug, thiserror::Error)]
pub enum FileCommandError {
    #[error("Could not open {path}; the scenario is unchanged.\n{source}")]
    NoReader {
        path: String,
        source: std::io::Error,
    },
    #[error("Could not save the preset.\n{0}")]
    Save(FileError),
    #[error("Could not save the changes.\n{0}")]
    SaveChanges(ChangesError),
    #[error("No ledger to export: {0}")]
    NoLedger(DocumentError),
    #[error("Could not export the ledger.\n{0}")]
    ExportLedger(FileError),
    #[error("Could not export the memo.\n{0}")]
    ExportMemo(MemoError),
}

/// Why the scenario cannot be written as changes to its preset.
#[derive(Debug, thiserror::Error)]
pub enum ChangesError {
    #[error("{} cannot be named in a preset: its path is not UTF-8 text", .0.display())]
    BaseNotUtf8(PathBuf),
    #[error(
        "The scenario differs from {base} in {}, which a file of changes cannot hold; Save As a whole preset instead.",
        .fields.join(", ")
    )]
    Unchangeable { base: String, fields: Vec<String> },
    #[error(transparent)]
    File(#[from] FileError),
}

/// Where a save writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveTarget {
    /// Back to the file the scenario came from (a file of changes stays one).
    InPlace(PathBuf),
    /// A whole preset at this path.
    Whole(PathBuf),
    /// A preset that extends the one the scenario came from (spec §7.3).
    Changes(PathBuf),
}

impl SaveTarget {
    /// Where `command` saves `document`; `None` for Save when it has no file of its own (it
    /// asks for one) and for a command that does not save.
    pub fn for_command(command: &Command, document: &Document) -> Option<Self> {
        match command {
            // A file that extends another stays one, written as changes to the same base.
            Command::Save => document.origin().path().cloned().map(Self::InPlace),
            Command::SaveTo(path) => Some(Self::Whole(path.clone())),
            Command::SaveChangesTo(path) => Some(Self::Changes(path.clone())),
            _ => None,
        }
    }
}

/// Saves the document to `target`; on success the file holds the scenario, which is no longer
/// dirty. Returns the status line.
pub fn save(document: &mut Document, target: SaveTarget) -> Result<String, FileCommandError> {
    let (path, status) = match target {
        SaveTarget::InPlace(path) => {
            io::save_in_place(&path, document.valid_scenario()).map_err(FileCommandError::Save)?;
            let status = format!("Saved {}", path.display());
            (path, status)
        }
        SaveTarget::Whole(path) => {
            io::save(&path, document.scenario()).map_err(FileCommandError::Save)?;
            let status = format!("Saved {}", path.display());
            (path, status)
        }
        SaveTarget::Changes(path) => {
            let base = save_changes(document, &path).map_err(FileCommandError::SaveChanges)?;
            let status = format!("Saved {} as changes to {base}", path.display());
            (path, status)
        }
    };
    document.mark_saved(path);
    Ok(status)
}

/// Writes the scenario at `path` as a preset that extends the one it came from: the levers
/// that differ from it and the items removed or added (see [`changes_against`]). Returns the
/// base's name. Refused when the scenario differs in what such a file cannot hold.
fn save_changes(document: &Document, path: &Path) -> Result<String, ChangesError> {
    let origin = document.origin();
    let base_name = match origin {
        Origin::Shipped(stem) => stem.clone(),
        Origin::File(base) => io::relative_reference(path, base)
            .ok_or_else(|| ChangesError::BaseNotUtf8(base.clone()))?,
    };
    let (base, current) = (document.baseline().scenario(), document.scenario());
    let fields = unchangeable_differences(base, current);
    if !fields.is_empty() {
        return Err(ChangesError::Unchangeable {
            base: origin.display_name(),
            fields: fields.iter().map(ToString::to_string).collect(),
        });
    }
    let file = changes_against(base, current, &base_name);
    io::save_extends(path, &file, document.valid_scenario())?;
    Ok(origin.display_name())
}

/// Writes the ledger with every digit (for spreadsheets) to `path`. Returns the status line.
pub fn export_ledger(document: &Document, path: &Path) -> Result<String, FileCommandError> {
    let outcome = document.outcome().map_err(FileCommandError::NoLedger)?;
    let csv = exact_ledger_csv(outcome);
    io::write_atomic(path, csv.as_bytes()).map_err(FileCommandError::ExportLedger)?;
    Ok(format!("Exported {}", path.display()))
}

/// Writes the memo and its charts to `path`. Returns the status line.
pub fn export_memo_to(
    path: &Path,
    document: &Document,
    pinned: Option<&PinnedBaseline>,
    tornado: &TornadoTab,
) -> Result<String, FileCommandError> {
    export_memo(path, document, pinned, tornado).map_err(FileCommandError::ExportMemo)?;
    Ok(format!("Exported the memo to {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::default_scenario;

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

    /// Files with a native dialog "open" that has already answered `picked`, `age` ago.
    fn answered_native_dialog(picked: Option<PathBuf>, age: Duration) -> Files {
        let (sender, receiver) = channel();
        sender.send(picked).expect("the receiver is alive");
        Files {
            native_unavailable: None,
            dialog: Some(OpenDialog {
                kind: DialogKind::Open,
                directory: Some(std::env::temp_dir()),
                started: Instant::now() - age,
                receiver,
            }),
            fallback: None,
            loading: None,
            note: None,
        }
    }

    #[test]
    fn a_native_dialog_that_gives_up_at_once_opens_the_apps_own_from_then_on() {
        let mut files = answered_native_dialog(None, Duration::ZERO);
        let mut commands = Vec::new();
        files.poll(&Context::default(), &mut commands);
        assert!(commands.is_empty());
        assert!(files.is_builtin_dialog_open(), "never a silent no-op");
        assert!(files.uses_builtin_dialog());
        assert_eq!(files.take_note().as_deref(), Some(NATIVE_DIALOG_FAILED));
    }

    #[test]
    fn a_native_dialog_answered_later_is_a_cancel_or_a_choice() {
        let mut files = answered_native_dialog(None, Duration::from_secs(3));
        let mut commands = Vec::new();
        files.poll(&Context::default(), &mut commands);
        assert!(commands.is_empty());
        assert!(!files.is_builtin_dialog_open());
        assert!(!files.uses_builtin_dialog());
        assert_eq!(
            files.take_note().as_deref(),
            Some("Cancelled: no file chosen.")
        );

        let path = PathBuf::from("/tmp/a.ron");
        let mut files = answered_native_dialog(Some(path.clone()), Duration::ZERO);
        files.poll(&Context::default(), &mut commands);
        assert_eq!(commands, vec![Command::OpenFile(path)]);
        assert!(!files.is_builtin_dialog_open());
    }

    #[test]
    fn dialogs_suggest_a_name_from_the_preset_and_pick_into_their_command() {
        let document = Document::new(default_scenario(), Origin::Shipped("s1-base".to_owned()));
        for (command, suggested, picked) in [
            (
                Command::SaveAsDialog,
                "s1-base-whatif.ron",
                Command::SaveTo(PathBuf::from("/tmp/a.ron")),
            ),
            (
                Command::ExportMemo,
                "s1-base-memo.md",
                Command::ExportMemoTo(PathBuf::from("/tmp/a.md")),
            ),
            (
                Command::ExportCsv,
                "s1-base-ledger.csv",
                Command::ExportCsvTo(PathBuf::from("/tmp/a.csv")),
            ),
        ] {
            let kind = DialogKind::for_command(&command, &document).expect("a dialog");
            let name = match &kind {
                DialogKind::Open => "",
                DialogKind::SaveAs { suggested_name }
                | DialogKind::SaveChangesAs { suggested_name }
                | DialogKind::ExportCsv { suggested_name }
                | DialogKind::ExportMemo { suggested_name } => suggested_name,
            };
            assert_eq!(name, suggested, "{command:?}");
            assert_eq!(kind.command(PathBuf::from("/tmp/a")), picked, "{command:?}");
        }
        assert_eq!(DialogKind::for_command(&Command::Undo, &document), None);
    }
}
