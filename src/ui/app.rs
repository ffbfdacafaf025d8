//! The eframe app: lays out the panels and applies [`Command`]s in one place
//! (`WhatIfApp::apply`), which changes the scenario, feeds undo and triggers the recompute.
//!
//! A frame runs in two phases (eframe 0.37): [`eframe::App::logic`] reads the keyboard and
//! dropped files, polls file jobs and applies the queued commands; [`eframe::App::ui`] draws.
//! Views only read the document and push commands ([`ViewContext`]).

mod central;
mod inspect;
mod session;

use eframe::egui;
use std::path::Path;
use std::time::Instant;

use eframe::egui::{Ui, ViewportCommand};

use super::baseline::PinnedBaseline;
use super::breach_map_tab::BreachMapTab;
use super::charts_tab::{BreakdownTab, ChartsTab};
use super::chrome::{self, FrameStats};
use super::command::{BaselineSource, Command};
use super::document::{Document, Origin};
use super::file_menu::FileMenu;
use super::files::{self, FileCommandError, Files, SaveTarget};
use super::kpi_strip::KpiStrip;
use super::ledger::LedgerView;
use super::levers_panel::LeversPanel;
use super::montecarlo_tab::MonteCarloTab;
use super::overlay::CompareTab;
use super::story::StoryHeader;
use super::tornado_tab::TornadoTab;
use super::undo::{Step, UndoHistory};
use super::view::{Tab, View, ViewContext};
use super::warnings_strip::WarningsStrip;
use crate::model::{LeverError, Scenario, ValidScenario, set_lever, validate};

/// Options from the command line.
#[derive(Clone, Copy, Debug, Default)]
pub struct AppOptions {
    /// Print the CPU cost of frames that recomputed to stderr.
    pub frame_stats: bool,
}

pub struct WhatIfApp {
    document: Document,
    undo: UndoHistory,
    levers_panel: LeversPanel,
    charts: ChartsTab,
    breakdown: BreakdownTab,
    income: super::income_tab::IncomeTab,
    ledger: LedgerView,
    compare: CompareTab,
    file_menu: FileMenu,
    files: Files,
    tab: Tab,
    commands: Vec<Command>,
    /// A scenario waiting for "discard unsaved changes?".
    pending_open: Option<(ValidScenario, Origin)>,
    /// The last error (a file that did not load or save), until dismissed.
    error: Option<String>,
    /// The last thing that happened, for the status bar.
    status: String,
    /// When the status bar last changed message, to clear it a while later.
    status_line: chrome::StatusLine,
    title: String,
    frame_stats: FrameStats,
    /// When this frame's `logic` began, and whether it changed the scenario.
    frame_start: Option<(Instant, bool)>,
    /// The pinned baseline, drawn as ghost lines and compared in its tab.
    pinned: Option<PinnedBaseline>,
    tornado: TornadoTab,
    breach_map: BreachMapTab,
    montecarlo: MonteCarloTab,
    warnings_strip: WarningsStrip,
    story: StoryHeader,
    kpi_strip: KpiStrip,
}

impl WhatIfApp {
    fn with_document(document: Document, tab: Tab) -> Self {
        Self {
            document,
            undo: UndoHistory::default(),
            levers_panel: LeversPanel::default(),
            charts: ChartsTab::default(),
            breakdown: BreakdownTab::default(),
            income: super::income_tab::IncomeTab::default(),
            ledger: LedgerView::default(),
            compare: CompareTab,
            file_menu: FileMenu,
            files: Files::new(false),
            tab,
            commands: Vec::new(),
            pending_open: None,
            error: None,
            status: String::new(),
            status_line: chrome::StatusLine::default(),
            title: String::new(),
            frame_stats: FrameStats::default(),
            frame_start: None,
            pinned: None,
            tornado: TornadoTab::default(),
            breach_map: BreachMapTab::default(),
            montecarlo: MonteCarloTab::default(),
            warnings_strip: WarningsStrip::default(),
            story: StoryHeader::default(),
            kpi_strip: KpiStrip::default(),
        }
    }

    /// Always uses the app's own file dialog, even where the system's could be shown (tests;
    /// a desktop whose dialog misbehaves).
    #[must_use]
    pub fn with_builtin_file_dialog(mut self) -> Self {
        self.files = Files::new(true);
        self
    }

    /// Queues a command; it is applied on the next frame. The path tests and the menus share.
    pub fn submit(&mut self, command: Command) {
        self.commands.push(command);
    }

    /// Opens the preset file at `path` (the non-dialog path of Open…). The file is read in the
    /// background ([`Self::is_loading`]); the scenario changes only once it has loaded.
    pub fn open_path(&mut self, path: &Path) {
        self.submit(Command::OpenFile(path.to_owned()));
    }

    pub fn set_tab(&mut self, tab: Tab) {
        self.tab = tab;
    }

    /// Applies every queued command; returns whether the scenario changed.
    fn apply_all(&mut self, ctx: &egui::Context) -> bool {
        let before = self.document.generation();
        for command in std::mem::take(&mut self.commands) {
            self.apply(ctx, command);
        }
        self.document.generation() != before
    }

    /// Shows what a file command did: its status line, or its error.
    fn report(&mut self, result: Result<String, FileCommandError>) {
        match result {
            Ok(status) => self.status = status,
            Err(err) => self.error = Some(err.to_string()),
        }
    }

    /// The one place the scenario changes.
    fn apply(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::SetLever {
                path,
                value,
                dragging,
            } => {
                let accepted = self.edit(&path, dragging, |scenario| {
                    set_lever(scenario, &path, &value)
                });
                // A drag says nothing each frame; a click elsewhere (tornado, map) says what
                // it set, since the lever it moved may be out of sight.
                if accepted && !dragging {
                    self.status = format!("Set {}", self.document.levers_text(&[path.as_str()]));
                }
            }
            Command::SetLevers { values } => {
                let first = values
                    .first()
                    .map(|(path, _)| path.clone())
                    .unwrap_or_default();
                let accepted = self.edit(&first, false, |scenario| {
                    values
                        .iter()
                        .try_for_each(|(path, value)| set_lever(scenario, path, value))
                });
                if accepted {
                    let paths: Vec<&str> = values.iter().map(|(path, _)| path.as_str()).collect();
                    self.status = format!("Set {}", self.document.levers_text(&paths));
                }
            }
            Command::ResetLever { path } => {
                if let Some(value) = self
                    .document
                    .baseline_lever(&path)
                    .map(|lever| lever.value.clone())
                    && self.edit(&path, false, |scenario| set_lever(scenario, &path, &value))
                {
                    self.status = format!("Reset {}", self.document.levers_text(&[path.as_str()]));
                }
            }
            Command::ResetAll => {
                let baseline = self.document.baseline().clone();
                if baseline != *self.document.valid_scenario() {
                    self.undo.record(self.document.valid_scenario(), false);
                    self.document.replace_scenario(baseline);
                    self.status = format!(
                        "Reset every lever to {}",
                        self.document.origin().display_name()
                    );
                }
            }
            Command::Undo => {
                if let Some(step) = self.undo.undo(&self.document.state()) {
                    self.status = self.go_to(step, "Undone");
                }
            }
            Command::Redo => {
                if let Some(step) = self.undo.redo(&self.document.state()) {
                    self.status = self.go_to(step, "Redone");
                }
            }
            Command::OpenShipped(stem) => match files::parse_shipped(&stem) {
                Ok(valid) => self.request_open(valid, Origin::Shipped(stem)),
                Err(err) => self.error = Some(err.to_string()),
            },
            Command::OpenFile(path) => {
                // The status bar shows the read in flight; its result comes back as a command.
                let shown = path.display().to_string();
                if let Err(source) = self.files.start_loading(ctx, path) {
                    let path = shown;
                    self.report(Err(FileCommandError::NoReader { path, source }));
                }
            }
            Command::OpenLoaded { path, scenario } => {
                self.request_open(*scenario, Origin::File(path));
            }
            Command::OpenDialog
            | Command::SaveAsDialog
            | Command::SaveChangesAsDialog
            | Command::ExportCsv
            | Command::ExportMemo => self.files.ask(ctx, &command, &self.document),
            Command::Save | Command::SaveTo(_) | Command::SaveChangesTo(_) => {
                match SaveTarget::for_command(&command, &self.document) {
                    Some(target) => self.save(target),
                    // Shipped presets are never overwritten: ask for a file.
                    None => self.apply(ctx, Command::SaveAsDialog),
                }
            }
            Command::ExportCsvTo(path) => {
                self.report(files::export_ledger(&self.document, &path));
            }
            Command::ExportMemoTo(path) => {
                let pinned = self.pinned.as_ref();
                let exported = files::export_memo_to(&path, &self.document, pinned, &self.tornado);
                self.report(exported);
            }
            Command::PinBaseline(source) => self.pin(source),
            Command::UnpinBaseline => {
                self.pinned = None;
                self.status = "Baseline unpinned".to_owned();
            }
            Command::ShowError(message) => self.error = Some(message),
            Command::ConfirmDiscard => {
                if let Some((valid, origin)) = self.pending_open.take() {
                    self.open_now(valid, origin);
                }
            }
            Command::CancelDiscard => self.pending_open = None,
        }
    }

    /// Saves to `target`. Save As a whole preset names the scenario after its new file
    /// (`bear-case.ron` → "bear-case"), so the file does not carry the old preset's name; the
    /// old name stays if the save fails. Save in place and Save As changes keep the name.
    fn save(&mut self, target: SaveTarget) {
        let old_name = self.document.scenario().meta.name.clone();
        if let SaveTarget::Whole(path) = &target
            && let Some(stem) = path.file_stem()
        {
            self.document.rename(&stem.to_string_lossy());
        }
        let new_name = self.document.scenario().meta.name.clone();
        let saved = files::save(&mut self.document, target).map(|status| {
            if new_name == old_name {
                status
            } else {
                format!("{status} as \"{new_name}\"")
            }
        });
        if saved.is_err() {
            self.document.rename(&old_name);
        }
        self.report(saved);
    }

    /// Goes to an undo or redo step; returns the status line (`what` and, across an open, the
    /// preset it returned to).
    fn go_to(&mut self, step: Step, what: &str) -> String {
        match step {
            Step::Edit(scenario) => {
                self.document.replace_scenario(*scenario);
                what.to_owned()
            }
            Step::Open(state) => {
                self.document.restore(*state);
                format!("{what}: back to {}", self.document.origin().display_name())
            }
        }
    }

    fn pin(&mut self, source: BaselineSource) {
        let (name, valid) = match source {
            BaselineSource::Current => (
                format!("pinned {}", self.document.origin().display_name()),
                self.document.valid_scenario().clone(),
            ),
            BaselineSource::Shipped(stem) => match files::parse_shipped(&stem) {
                Ok(valid) => (stem, valid),
                Err(err) => {
                    self.error = Some(err.to_string());
                    return;
                }
            },
        };
        match crate::model::run(&valid) {
            Ok(outcome) => {
                self.status = format!("Pinned {name} as the baseline");
                self.pinned = Some(PinnedBaseline::new(name, valid, outcome));
            }
            Err(err) => self.error = Some(format!("The baseline does not run: {err}")),
        }
    }

    /// Applies `change` to a copy of the scenario; keeps it only if it validates. Returns
    /// whether it was accepted (it may have left the scenario as it was).
    fn edit(
        &mut self,
        path: &str,
        dragging: bool,
        change: impl FnOnce(&mut Scenario) -> Result<(), LeverError>,
    ) -> bool {
        let mut candidate = self.document.scenario().clone();
        if let Err(err) = change(&mut candidate) {
            self.levers_panel.show_refusal(path, err.to_string());
            return false;
        }
        match validate(candidate) {
            Ok(valid) => {
                self.levers_panel.clear_refusal(path);
                if valid != *self.document.valid_scenario() {
                    if dragging {
                        self.charts.keep_drag_ghost();
                    }
                    self.undo.record(self.document.valid_scenario(), dragging);
                    self.document.replace_scenario(valid);
                }
                true
            }
            Err(err) => {
                self.levers_panel.show_refusal(path, err.to_string());
                false
            }
        }
    }

    fn request_open(&mut self, valid: ValidScenario, origin: Origin) {
        if self.document.is_dirty() {
            self.pending_open = Some((valid, origin));
        } else {
            self.open_now(valid, origin);
        }
    }

    /// Opens `valid` as one undo step: Undo brings back the document as it was, its origin,
    /// name and unsaved edits included (so "Discard and open" can be taken back).
    fn open_now(&mut self, valid: ValidScenario, origin: Origin) {
        self.status = format!("Opened {}", origin.display_name());
        let before = self.document.state();
        self.document.open(valid, origin);
        if self.document.state() != before {
            self.undo.record_open(before);
        }
        self.error = None;
    }

    /// Shows the line a file dialog left in the status bar (why the app's own is used);
    /// returns whether there was one.
    fn take_file_note(&mut self) -> bool {
        let note = self.files.take_note();
        let any = note.is_some();
        if let Some(note) = note {
            self.status = note;
        }
        any
    }
}

impl eframe::App for WhatIfApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        let started = Instant::now();
        // While the app's own file dialog is open, its keys are the dialog's: Ctrl+S there
        // must not save the scenario behind it.
        if !self.files.is_builtin_dialog_open() {
            super::command::shortcut_commands(ctx, &mut self.commands);
        }
        files::dropped_files(ctx, &mut self.commands);
        self.files.poll(ctx, &mut self.commands);
        let changed = self.apply_all(ctx);
        self.take_file_note();
        self.frame_start = Some((started, changed));
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        let (started, mut changed) = self.frame_start.take().unwrap_or((Instant::now(), false));
        egui::Panel::top("menu_bar").show(ui, |ui| {
            let mut view = ViewContext {
                document: &self.document,
                baseline: self.pinned.as_ref(),
                commands: &mut self.commands,
            };
            chrome::menu_bar_ui(ui, &mut view, &mut self.file_menu, &self.undo);
        });
        egui::Panel::bottom("status_bar").show(ui, |ui| {
            let recompute = self.document.recompute_time();
            let frame = self.frame_stats.last_frame;
            let status = self.status_line.shown(ui.ctx(), &self.status);
            chrome::status_bar_ui(ui, &self.files, status, recompute, frame);
        });
        egui::Panel::left("levers")
            .resizable(true)
            .default_size(370.0)
            .min_size(280.0)
            .show(ui, |ui| {
                ui.add_space(4.0);
                ui.heading("Levers");
                let mut view = ViewContext {
                    document: &self.document,
                    baseline: self.pinned.as_ref(),
                    commands: &mut self.commands,
                };
                self.levers_panel.ui(ui, &mut view);
            });
        // Edits made in the levers panel are applied now, so the KPIs and charts drawn below
        // show them in this same frame rather than one frame late.
        changed |= self.apply_all(&ctx);
        self.charts.refresh(&self.document);
        self.levers_panel.update_shading(&ctx, &self.document);
        egui::CentralPanel::default().show(ui, |ui| self.central_ui(ui));
        if let Some((_, target)) = &self.pending_open {
            let current = self.document.origin();
            files::discard_modal_ui(&ctx, current, target, &mut self.commands);
        }
        self.files.dialog_ui(ui, &mut self.commands);
        if self.take_file_note() {
            // The status bar was drawn before the dialog closed: show the line now.
            ctx.request_repaint();
        }
        files::drop_hint_ui(&ctx);

        if !self.commands.is_empty() {
            // Commands from the central panel (export) or the modal run next frame.
            ctx.request_repaint();
        }
        if !ctx.input(|input| input.pointer.any_down()) {
            // The pointer is up: a drag has ended, and becomes one undo step.
            self.undo.finish_pending();
            self.charts.end_drag();
        }
        let title = self.title();
        if title != self.title {
            ctx.send_viewport_cmd(ViewportCommand::Title(title.clone()));
            self.title = title;
        }
        self.frame_stats.record(started.elapsed(), changed);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &session::Persisted::of(self));
    }
}
