//! The app's own file dialog, for machines where the system's cannot be shown.
//!
//! rfd 0.17 on Linux asks the XDG desktop portal over D-Bus (libdbus loaded at run time) and,
//! when that fails, runs `zenity`. When neither works it logs an error and returns `None`, the
//! same value as "the user cancelled": the app cannot tell a failure from a cancel afterwards.
//! So [`DialogEnvironment::probe`] looks up front for what rfd needs, and
//! [`native_dialog_available`] decides; when it says no, the app opens a [`FileDialog`] instead.
//!
//! The dialog is a modal egui window: a folder listing filtered to the purpose's extension, a
//! file-name field, Enter to choose, Esc to cancel. It only returns a path; the caller reads or
//! writes the file.

use std::path::{Path, PathBuf};

use eframe::egui;
use eframe::egui::{Key, RichText, TextEdit, Ui};

use super::theme;

/// What a file is being chosen for; decides the title, the extension and open or save.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilePurpose {
    OpenPreset,
    SavePreset,
    /// Save as a preset that extends the one the scenario came from.
    SaveChanges,
    ExportCsv,
    ExportMemo,
}

impl FilePurpose {
    pub const ALL: [Self; 5] = [
        Self::OpenPreset,
        Self::SavePreset,
        Self::SaveChanges,
        Self::ExportCsv,
        Self::ExportMemo,
    ];

    /// The dialog's title.
    pub fn title(self) -> &'static str {
        match self {
            Self::OpenPreset => "Open a preset",
            Self::SavePreset => "Save the scenario as a preset",
            Self::SaveChanges => "Save the scenario as changes to its preset",
            Self::ExportCsv => "Export the monthly ledger as CSV",
            Self::ExportMemo => "Export the memo as Markdown",
        }
    }

    /// The extension of the files it lists and writes, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::OpenPreset | Self::SavePreset | Self::SaveChanges => "ron",
            Self::ExportCsv => "csv",
            Self::ExportMemo => "md",
        }
    }

    /// The filter's name beside the extension.
    pub fn filter_name(self) -> &'static str {
        match self {
            Self::OpenPreset | Self::SavePreset | Self::SaveChanges => "Presets (*.ron)",
            Self::ExportCsv => "CSV (*.csv)",
            Self::ExportMemo => "Markdown (*.md)",
        }
    }

    /// True when the chosen file is written (it may be new); false when it must exist.
    pub fn is_save(self) -> bool {
        !matches!(self, Self::OpenPreset)
    }

    /// The label of the button that chooses.
    pub fn accept_label(self) -> &'static str {
        match self {
            Self::OpenPreset => "Open",
            Self::SavePreset | Self::SaveChanges => "Save",
            Self::ExportCsv | Self::ExportMemo => "Export",
        }
    }
}

/// What rfd needs on this machine to show a dialog, as found by [`DialogEnvironment::probe`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DialogEnvironment {
    /// Windows and macOS: rfd calls the system's own dialog, which is always there.
    pub platform_dialog: bool,
    /// `libdbus-1.so.3` can be loaded (rfd opens it with `dlopen`).
    pub libdbus: bool,
    /// A session bus can be reached: `DBUS_SESSION_BUS_ADDRESS`, `$XDG_RUNTIME_DIR/bus`, or an
    /// X display with `dbus-launch` to autolaunch one.
    pub session_bus: bool,
    /// The desktop portal is installed (its D-Bus service file) with a file-chooser backend.
    pub portal_file_chooser: bool,
    /// `zenity` is on `PATH`: rfd's fallback when the portal fails.
    pub zenity: bool,
}

/// True when rfd can show a file dialog here: the platform's own, the XDG portal's, or zenity's.
pub fn native_dialog_available(env: &DialogEnvironment) -> bool {
    env.platform_dialog || (env.libdbus && env.session_bus && env.portal_file_chooser) || env.zenity
}

impl DialogEnvironment {
    /// Looks at this machine: environment variables and files only, no D-Bus call, so it is
    /// cheap enough for startup. It can be wrong in one direction only: a portal that is
    /// installed but broken still makes rfd fall back to zenity, then to `None`.
    pub fn probe() -> Self {
        if !cfg!(any(
            target_os = "linux",
            target_os = "freebsd",
            target_os = "dragonfly",
            target_os = "netbsd",
            target_os = "openbsd"
        )) {
            return Self {
                platform_dialog: true,
                ..Self::default()
            };
        }
        let var = |name: &str| std::env::var_os(name).filter(|value| !value.is_empty());
        let path_dirs: Vec<PathBuf> = var("PATH")
            .map(|path| std::env::split_paths(&path).collect())
            .unwrap_or_default();
        let on_path = |program: &str| path_dirs.iter().any(|dir| dir.join(program).is_file());
        let runtime_bus =
            var("XDG_RUNTIME_DIR").is_some_and(|dir| Path::new(&dir).join("bus").exists());
        let data_dirs = xdg_data_dirs(var("XDG_DATA_HOME"), var("HOME"), var("XDG_DATA_DIRS"));
        Self {
            platform_dialog: false,
            libdbus: LIBDBUS_DIRS
                .iter()
                .any(|dir| Path::new(dir).join("libdbus-1.so.3").exists()),
            session_bus: var("DBUS_SESSION_BUS_ADDRESS").is_some()
                || runtime_bus
                || (var("DISPLAY").is_some() && on_path("dbus-launch")),
            portal_file_chooser: portal_file_chooser(&data_dirs),
            zenity: on_path("zenity"),
        }
    }

    /// One line for the status bar when the app's own dialog is used.
    pub fn fallback_note(&self) -> &'static str {
        if !self.libdbus || !self.session_bus {
            "No system file chooser here (no D-Bus session, no zenity): using the app's own."
        } else {
            "No system file chooser here (no XDG portal file chooser, no zenity): using the \
             app's own."
        }
    }
}

/// Where the dynamic loader finds libdbus on the common distributions.
const LIBDBUS_DIRS: [&str; 6] = [
    "/usr/lib/x86_64-linux-gnu",
    "/usr/lib/aarch64-linux-gnu",
    "/usr/lib64",
    "/usr/lib",
    "/lib/x86_64-linux-gnu",
    "/usr/local/lib",
];

/// `$XDG_DATA_HOME` (or `~/.local/share`), then `$XDG_DATA_DIRS` (or its default).
fn xdg_data_dirs(
    data_home: Option<std::ffi::OsString>,
    home: Option<std::ffi::OsString>,
    data_dirs: Option<std::ffi::OsString>,
) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    match (data_home, home) {
        (Some(data_home), _) => dirs.push(PathBuf::from(data_home)),
        (None, Some(home)) => dirs.push(Path::new(&home).join(".local/share")),
        (None, None) => {}
    }
    match data_dirs {
        Some(list) => dirs.extend(std::env::split_paths(&list)),
        None => dirs.extend(["/usr/local/share", "/usr/share"].map(PathBuf::from)),
    }
    dirs
}

/// The portal's D-Bus service is installed and some backend (`*.portal`) implements the file
/// chooser: without a backend the portal answers every request with an error.
fn portal_file_chooser(data_dirs: &[PathBuf]) -> bool {
    let service = data_dirs.iter().any(|dir| {
        dir.join("dbus-1/services/org.freedesktop.portal.Desktop.service")
            .exists()
    });
    let backend = data_dirs.iter().any(|dir| {
        std::fs::read_dir(dir.join("xdg-desktop-portal/portals"))
            .into_iter()
            .flatten()
            .flatten()
            .any(|entry| {
                std::fs::read_to_string(entry.path())
                    .is_ok_and(|text| text.contains("org.freedesktop.impl.portal.FileChooser"))
            })
    });
    service && backend
}

/// One row of the listing.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    name: String,
    is_dir: bool,
}

/// What the dialog did this frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DialogOutcome {
    /// Still open: call [`FileDialog::ui`] again next frame.
    Open,
    /// The user chose this file (for a save, with the purpose's extension added if it had none).
    Chosen(PathBuf),
    Cancelled,
}

/// The in-app dialog. Keep it in the app state while it is open; drop it on any other outcome.
#[derive(Clone, Debug)]
pub struct FileDialog {
    purpose: FilePurpose,
    directory: PathBuf,
    file_name: String,
    entries: Vec<Entry>,
    /// Lists every file, not only the purpose's extension.
    all_files: bool,
    /// Why the last choice was refused, or the folder could not be read.
    problem: Option<String>,
    /// A save onto this existing file waits for a second Enter (or "Replace").
    confirm_replace: Option<PathBuf>,
    /// Set on opening so the name field takes the keyboard in the first frame.
    focus_name: bool,
}

impl FileDialog {
    /// A dialog for `purpose` listing `directory`, the name field holding `suggested_name`
    /// (a save's proposed file name; empty for open).
    pub fn new(purpose: FilePurpose, directory: &Path, suggested_name: &str) -> Self {
        let mut dialog = Self {
            purpose,
            directory: directory.to_path_buf(),
            file_name: suggested_name.to_owned(),
            entries: Vec::new(),
            all_files: false,
            problem: None,
            confirm_replace: None,
            focus_name: true,
        };
        dialog.refresh();
        dialog
    }

    pub fn purpose(&self) -> FilePurpose {
        self.purpose
    }

    /// The folder listed.
    pub fn directory(&self) -> &Path {
        &self.directory
    }

    /// Reads the folder again: folders first, then the files the filter lets through, by name.
    fn refresh(&mut self) {
        self.entries.clear();
        let extension = self.purpose.extension();
        match std::fs::read_dir(&self.directory) {
            Ok(read) => {
                for entry in read.flatten() {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    if name.starts_with('.') {
                        continue;
                    }
                    // Follows symlinks, so a link to a folder opens as one.
                    let is_dir = entry.path().is_dir();
                    let matches = Path::new(&name)
                        .extension()
                        .is_some_and(|ext| ext.eq_ignore_ascii_case(extension));
                    if is_dir || self.all_files || matches {
                        self.entries.push(Entry { name, is_dir });
                    }
                }
                self.entries.sort_by(|a, b| {
                    b.is_dir
                        .cmp(&a.is_dir)
                        .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
                });
                self.problem = None;
            }
            Err(err) => {
                self.problem = Some(format!("Cannot read {}: {err}", self.directory.display()));
            }
        }
    }

    fn enter_directory(&mut self, directory: PathBuf) {
        self.directory = directory;
        self.confirm_replace = None;
        self.refresh();
    }

    /// What the name field asks for, as a path: relative names are in the listed folder, `~/`
    /// is the home folder.
    fn typed_path(&self) -> Option<PathBuf> {
        let name = self.file_name.trim();
        if name.is_empty() {
            return None;
        }
        let path = match name.strip_prefix("~/") {
            Some(rest) => std::env::var_os("HOME").map(|home| Path::new(&home).join(rest))?,
            None => self.directory.join(name),
        };
        Some(path)
    }

    /// Enter or the accept button: opens a typed folder, or returns the file, or says why not.
    fn accept(&mut self) -> DialogOutcome {
        let Some(mut path) = self.typed_path() else {
            self.problem = Some("Type a file name, or pick a file in the list.".to_owned());
            return DialogOutcome::Open;
        };
        if path.is_dir() {
            self.file_name.clear();
            self.enter_directory(path);
            return DialogOutcome::Open;
        }
        if self.purpose.is_save() {
            if path.extension().is_none() {
                path.set_extension(self.purpose.extension());
            }
            if !path.parent().is_some_and(Path::is_dir) {
                self.problem = Some(format!(
                    "There is no folder {}.",
                    path.parent().unwrap_or(Path::new("")).display()
                ));
                return DialogOutcome::Open;
            }
            if path.exists() && self.confirm_replace.as_ref() != Some(&path) {
                self.problem = None;
                self.confirm_replace = Some(path);
                return DialogOutcome::Open;
            }
            DialogOutcome::Chosen(path)
        } else if path.is_file() {
            DialogOutcome::Chosen(path)
        } else {
            self.problem = Some(format!(
                "There is no file {} in {}.",
                self.file_name.trim(),
                self.directory.display()
            ));
            DialogOutcome::Open
        }
    }

    /// Draws the dialog over the window; call every frame while it is open.
    pub fn ui(&mut self, ui: &mut Ui) -> DialogOutcome {
        let ctx = ui.ctx().clone();
        let modal = egui::Modal::new(egui::Id::unique("coreweave-whatif.file_dialog"))
            .show(&ctx, |ui| self.contents_ui(ui));
        match modal.inner {
            DialogOutcome::Open if modal.should_close() => DialogOutcome::Cancelled,
            outcome => outcome,
        }
    }

    fn contents_ui(&mut self, ui: &mut Ui) -> DialogOutcome {
        let screen = ui.ctx().content_rect();
        let width = (screen.width() - 80.0).clamp(320.0, 640.0);
        ui.set_width(width);
        let mut outcome = DialogOutcome::Open;
        ui.heading(self.purpose.title());
        ui.horizontal(|ui| {
            let parent = self.directory.parent().map(Path::to_path_buf);
            if ui
                .add_enabled(parent.is_some(), egui::Button::new("Up"))
                .on_hover_text("The folder above")
                .clicked()
                && let Some(parent) = parent
            {
                self.enter_directory(parent);
            }
            ui.label(RichText::new(self.directory.display().to_string()).monospace());
        });
        ui.separator();
        let list_height = (screen.height() - 260.0).clamp(120.0, 360.0);
        let mut clicked: Option<Entry> = None;
        let mut double_clicked: Option<Entry> = None;
        egui::ScrollArea::vertical()
            .max_height(list_height)
            .min_scrolled_height(list_height)
            .auto_shrink([false, false])
            .show(ui, |ui| {
                if self.entries.is_empty() {
                    ui.label(RichText::new("No folders or matching files here.").weak());
                }
                for entry in &self.entries {
                    let text = if entry.is_dir {
                        format!("{}/", entry.name)
                    } else {
                        entry.name.clone()
                    };
                    let selected = !entry.is_dir && entry.name == self.file_name.trim();
                    let response = ui.selectable_label(selected, text);
                    if response.double_clicked() {
                        double_clicked = Some(entry.clone());
                    } else if response.clicked() {
                        clicked = Some(entry.clone());
                    }
                }
            });
        if let Some(entry) = clicked.or_else(|| double_clicked.clone()) {
            if entry.is_dir {
                self.enter_directory(self.directory.join(&entry.name));
            } else {
                self.file_name = entry.name;
                self.confirm_replace = None;
                if double_clicked.is_some() {
                    outcome = self.accept();
                }
            }
        }
        ui.separator();
        let mut enter = false;
        ui.horizontal(|ui| {
            let label = ui.label("File name");
            let field = ui
                .add(
                    TextEdit::singleline(&mut self.file_name)
                        .hint_text(format!("name.{}", self.purpose.extension()))
                        .desired_width((ui.available_width() - 8.0).max(120.0)),
                )
                .labelled_by(label.id);
            if self.focus_name {
                field.request_focus();
                self.focus_name = false;
            }
            if field.changed() {
                self.confirm_replace = None;
            }
            enter = field.lost_focus() && ui.input(|input| input.key_pressed(Key::Enter));
        });
        ui.horizontal(|ui| {
            if ui
                .checkbox(&mut self.all_files, "Show all files")
                .on_hover_text(format!("Off: only {}", self.purpose.filter_name()))
                .changed()
            {
                self.refresh();
            }
            ui.label(RichText::new(self.purpose.filter_name()).weak());
        });
        if let Some(problem) = &self.problem {
            ui.label(RichText::new(problem).color(theme::ERROR_TEXT));
        }
        if let Some(path) = &self.confirm_replace {
            ui.label(
                RichText::new(format!(
                    "{} exists. Press Enter again or \"Replace\" to overwrite it.",
                    path.file_name().unwrap_or_default().to_string_lossy()
                ))
                .color(theme::CHANGED_MARK),
            );
        }
        ui.horizontal(|ui| {
            let accept_label = if self.confirm_replace.is_some() {
                "Replace"
            } else {
                self.purpose.accept_label()
            };
            if ui.button(accept_label).clicked() {
                enter = true;
            }
            if ui.button("Cancel").clicked() {
                outcome = DialogOutcome::Cancelled;
            }
            ui.label(
                RichText::new("Enter to choose · Esc to cancel")
                    .weak()
                    .small(),
            );
        });
        if enter && outcome == DialogOutcome::Open {
            outcome = self.accept();
            if outcome == DialogOutcome::Open {
                self.focus_name = true;
            }
        }
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "coreweave-whatif-dialog-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub")).expect("a scratch folder");
        for file in ["b.ron", "A.RON", "notes.txt", ".hidden.ron", "ledger.csv"] {
            std::fs::write(dir.join(file), "x").expect("a scratch file");
        }
        dir
    }

    #[test]
    fn the_native_dialog_needs_the_portal_chain_or_zenity() {
        let portal = DialogEnvironment {
            libdbus: true,
            session_bus: true,
            portal_file_chooser: true,
            ..DialogEnvironment::default()
        };
        for (name, env, available) in [
            ("bare X server", DialogEnvironment::default(), false),
            ("desktop with a portal", portal, true),
            (
                "portal installed, no session bus",
                DialogEnvironment {
                    session_bus: false,
                    ..portal
                },
                false,
            ),
            (
                "session bus, no file-chooser backend",
                DialogEnvironment {
                    portal_file_chooser: false,
                    ..portal
                },
                false,
            ),
            (
                "zenity only",
                DialogEnvironment {
                    zenity: true,
                    ..DialogEnvironment::default()
                },
                true,
            ),
            (
                "Windows or macOS",
                DialogEnvironment {
                    platform_dialog: true,
                    ..DialogEnvironment::default()
                },
                true,
            ),
        ] {
            assert_eq!(native_dialog_available(&env), available, "{name}: {env:?}");
        }
    }

    #[test]
    fn a_portal_counts_only_with_a_file_chooser_backend() {
        let dir =
            std::env::temp_dir().join(format!("coreweave-whatif-portal-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let services = dir.join("dbus-1/services");
        let portals = dir.join("xdg-desktop-portal/portals");
        std::fs::create_dir_all(&services).expect("services");
        std::fs::create_dir_all(&portals).expect("portals");
        let dirs = [dir.clone()];
        assert!(!portal_file_chooser(&dirs), "nothing installed");
        std::fs::write(
            services.join("org.freedesktop.portal.Desktop.service"),
            "[D-BUS Service]",
        )
        .expect("service");
        std::fs::write(
            portals.join("wlr.portal"),
            "Interfaces=org.freedesktop.impl.portal.Screenshot",
        )
        .expect("a backend without a file chooser");
        assert!(!portal_file_chooser(&dirs), "no file-chooser backend");
        std::fs::write(
            portals.join("gtk.portal"),
            "Interfaces=org.freedesktop.impl.portal.FileChooser;",
        )
        .expect("gtk backend");
        assert!(portal_file_chooser(&dirs));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn data_dirs_follow_the_xdg_defaults() {
        assert_eq!(
            xdg_data_dirs(None, Some("/home/u".into()), None),
            ["/home/u/.local/share", "/usr/local/share", "/usr/share"].map(PathBuf::from)
        );
        assert_eq!(
            xdg_data_dirs(
                Some("/d".into()),
                Some("/home/u".into()),
                Some("/a:/b".into())
            ),
            ["/d", "/a", "/b"].map(PathBuf::from)
        );
    }

    #[test]
    fn the_listing_shows_folders_then_matching_files() {
        let dir = scratch("listing");
        let mut dialog = FileDialog::new(FilePurpose::OpenPreset, &dir, "");
        let names: Vec<&str> = dialog.entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["sub", "A.RON", "b.ron"]);
        dialog.all_files = true;
        dialog.refresh();
        assert_eq!(
            dialog.entries.len(),
            5,
            "all but the hidden file: {:?}",
            dialog.entries
        );
        let csv = FileDialog::new(FilePurpose::ExportCsv, &dir, "");
        let names: Vec<&str> = csv.entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["sub", "ledger.csv"]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn accepting_adds_the_extension_refuses_missing_files_and_confirms_a_replace() {
        let dir = scratch("accept");
        let mut save = FileDialog::new(FilePurpose::SavePreset, &dir, "plan");
        assert_eq!(save.accept(), DialogOutcome::Chosen(dir.join("plan.ron")));
        save.file_name = "b.ron".to_owned();
        assert_eq!(save.accept(), DialogOutcome::Open, "asks before replacing");
        assert!(save.confirm_replace.is_some());
        assert_eq!(save.accept(), DialogOutcome::Chosen(dir.join("b.ron")));
        save.file_name = "nowhere/plan".to_owned();
        assert_eq!(save.accept(), DialogOutcome::Open);
        assert!(
            save.problem
                .as_deref()
                .is_some_and(|p| p.contains("no folder"))
        );

        let mut open = FileDialog::new(FilePurpose::OpenPreset, &dir, "");
        assert_eq!(open.accept(), DialogOutcome::Open, "nothing typed");
        open.file_name = "missing.ron".to_owned();
        assert_eq!(open.accept(), DialogOutcome::Open);
        assert_eq!(
            open.problem.as_deref(),
            Some(format!("There is no file missing.ron in {}.", dir.display()).as_str())
        );
        open.file_name = "sub".to_owned();
        assert_eq!(open.accept(), DialogOutcome::Open, "a folder is entered");
        assert_eq!(open.directory(), dir.join("sub"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
