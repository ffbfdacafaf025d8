//! The eframe app: lays out the panels, turns UI intents into [`Command`]s and applies them in
//! one place ([`WhatIfApp::apply`]), which changes the scenario, feeds undo and triggers the
//! recompute. Views only read the document.

use eframe::egui;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use eframe::egui::{Key, KeyboardShortcut, Modifiers, RichText, Ui, ViewportCommand};
use serde::{Deserialize, Serialize};

use super::background::busy_ui;
use super::breach_map_tab::BreachMapTab;
use super::breach_shading::BreachShading;
use super::charts::{self, ChartData, Ghost};
pub use super::command::{BaselineSource, Command};
use super::document::{Document, Origin};
use super::kpi_strip::kpi_strip_ui;
use super::ledger::LedgerView;
use super::levers_panel::LeversPanel;
use super::memo::{MemoCharts, MemoInput, memo_charts, memo_markdown};
use super::montecarlo_tab::MonteCarloTab;
use super::overlay::{self, PinnedBaseline};
use super::presets::{self, DialogKind, Presets};
use super::theme;
use super::tornado_tab::{self, TornadoTab};
use super::undo::UndoHistory;
use super::warnings_strip::WarningsStrip;
use crate::cli::ledger_csv;
use crate::model::extends::{changes_against, unchangeable_differences};
use crate::model::{
    Kpis, LeverError, LeverValue, Scenario, ValidScenario, default_scenario, parse_preset,
    set_lever, to_ron, validate,
};
use crate::preset_file;

/// The central area's tabs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tab {
    #[default]
    Charts,
    Breakdown,
    Ledger,
    Compare,
    Tornado,
    BreachMap,
    MonteCarlo,
}

/// What comes back on restart (eframe storage). Window size and panel state are egui's own.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
struct Persisted {
    /// The working scenario as preset RON.
    scenario: Option<String>,
    /// The preset it is compared against, as RON.
    baseline: Option<String>,
    origin: Option<Origin>,
    tab: Tab,
}

/// Options from the command line.
#[derive(Clone, Copy, Debug, Default)]
pub struct AppOptions {
    /// Print the CPU cost of frames that recomputed to stderr.
    pub frame_stats: bool,
}

/// CPU time of frames: the last one, and a window of frames in which an input changed.
#[derive(Default)]
struct FrameStats {
    print: bool,
    last_frame: Duration,
    changed_frames: Vec<Duration>,
}

impl FrameStats {
    fn record(&mut self, elapsed: Duration, changed: bool) {
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

pub struct WhatIfApp {
    document: Document,
    undo: UndoHistory,
    levers_panel: LeversPanel,
    chart_data: ChartData,
    chart_generation: Option<u64>,
    ledger: LedgerView,
    presets: Presets,
    tab: Tab,
    commands: Vec<Command>,
    /// A scenario waiting for "discard unsaved changes?".
    pending_open: Option<(ValidScenario, Origin)>,
    /// The last error (a file that did not load or save), until dismissed.
    error: Option<String>,
    /// The last thing that happened, for the status bar.
    status: String,
    title: String,
    frame_stats: FrameStats,
    /// The pinned baseline, drawn as ghost lines and compared in its tab.
    pinned: Option<PinnedBaseline>,
    /// The charts from before the drag in progress, drawn as a ghost until it ends.
    drag_ghost: Option<ChartData>,
    tornado: TornadoTab,
    breach_map: BreachMapTab,
    montecarlo: MonteCarloTab,
    shading: BreachShading,
    warnings_strip: WarningsStrip,
}

const UNDO: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Z);
const REDO: KeyboardShortcut =
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::Z);
const REDO_Y: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Y);

impl WhatIfApp {
    /// The app on the embedded s1-base scenario, or on the last session's if storage has one.
    pub fn new(cc: &eframe::CreationContext<'_>, options: AppOptions) -> Self {
        let persisted: Persisted = cc
            .storage
            .and_then(|storage| eframe::get_value(storage, eframe::APP_KEY))
            .unwrap_or_default();
        let mut app = Self::from_persisted(persisted);
        app.frame_stats.print = options.frame_stats;
        app
    }

    /// The app on the embedded s1-base scenario, ignoring any saved session.
    pub fn with_default_scenario() -> Self {
        Self::from_persisted(Persisted::default())
    }

    fn from_persisted(persisted: Persisted) -> Self {
        let restore = |text: &Option<String>| text.as_deref().and_then(|t| parse_preset(t).ok());
        let document = match (
            restore(&persisted.scenario),
            restore(&persisted.baseline),
            persisted.origin,
        ) {
            (Some(scenario), Some(baseline), Some(origin)) => {
                Document::restored(scenario, baseline, origin)
            }
            _ => Document::new(default_scenario(), Origin::Shipped("s1-base".to_owned())),
        };
        Self {
            document,
            undo: UndoHistory::default(),
            levers_panel: LeversPanel::default(),
            chart_data: ChartData::default(),
            chart_generation: None,
            ledger: LedgerView::default(),
            presets: Presets::default(),
            tab: persisted.tab,
            commands: Vec::new(),
            pending_open: None,
            error: None,
            status: String::new(),
            title: String::new(),
            frame_stats: FrameStats::default(),
            pinned: None,
            drag_ghost: None,
            tornado: TornadoTab::default(),
            breach_map: BreachMapTab::default(),
            montecarlo: MonteCarloTab::default(),
            shading: BreachShading::default(),
            warnings_strip: WarningsStrip::default(),
        }
    }

    /// The pinned baseline's name, if one is pinned.
    pub fn pinned_baseline(&self) -> Option<&str> {
        self.pinned.as_ref().map(|pinned| pinned.name.as_str())
    }

    /// Whether the charts draw the pre-drag ghost (a slider drag is in progress).
    pub fn has_drag_ghost(&self) -> bool {
        self.drag_ghost.is_some()
    }

    pub fn tornado(&self) -> &TornadoTab {
        &self.tornado
    }

    pub fn breach_map(&self) -> &BreachMapTab {
        &self.breach_map
    }

    pub fn breach_map_mut(&mut self) -> &mut BreachMapTab {
        &mut self.breach_map
    }

    pub fn montecarlo(&self) -> &MonteCarloTab {
        &self.montecarlo
    }

    pub fn montecarlo_mut(&mut self) -> &mut MonteCarloTab {
        &mut self.montecarlo
    }

    /// The breaching ranges of a lever's slider, if computed for the scenario as it is now.
    pub fn breach_ranges(&self, path: &str) -> Option<&[crate::model::analysis::LeverRange]> {
        self.shading.ranges(path, self.document.generation())
    }

    /// The scenario memo as Markdown. Computes the tornado now if the tab holds none for the
    /// scenario as it is.
    pub fn memo(&self) -> Result<String, String> {
        self.memo_with_charts(None).map(|(text, _)| text)
    }

    /// The memo, and its chart images when `image_stem` names the files they go in.
    fn memo_with_charts(&self, image_stem: Option<&str>) -> Result<(String, MemoCharts), String> {
        let outcome = self.document.outcome()?;
        let chart_data = ChartData::new(outcome, self.document.scenario());
        let (kpi, span) = (self.tornado.kpi().clone(), self.tornado.span());
        let computed;
        let tornado = match self.tornado.current_result(&self.document) {
            Some(result) => Some(result),
            None => {
                computed = tornado_tab::compute(self.document.scenario(), &kpi, span).ok();
                computed.as_ref()
            }
        };
        let preset_levers = crate::model::levers(self.document.baseline().scenario());
        let origin = self.document.origin().display_name();
        let input = MemoInput {
            origin: &origin,
            scenario: self.document.scenario(),
            levers: self.document.levers(),
            preset_levers: &preset_levers,
            outcome,
            chart_data: &chart_data,
            baseline: self.pinned.as_ref(),
            tornado: tornado.map(|result| (&kpi, span, result)),
            image_stem,
        };
        Ok((memo_markdown(&input), memo_charts(&input)))
    }

    /// Writes the memo to `path` and its charts beside it as `<stem>-cash.svg` and
    /// `<stem>-headroom.svg`, each atomically (the non-dialog path of Export memo…).
    pub fn export_memo(&self, path: &Path) -> Result<(), String> {
        let stem = path.file_stem().map_or_else(
            || "memo".to_owned(),
            |stem| stem.to_string_lossy().into_owned(),
        );
        let (text, charts) = self.memo_with_charts(Some(&stem))?;
        for (suffix, svg) in &charts {
            let image = path.with_file_name(format!("{stem}-{suffix}.svg"));
            preset_file::write_atomic(&image, svg.as_bytes()).map_err(|err| err.to_string())?;
        }
        preset_file::write_atomic(path, text.as_bytes()).map_err(|err| err.to_string())
    }

    pub fn document(&self) -> &Document {
        &self.document
    }

    /// The current value of the lever at `path`.
    pub fn lever_value(&self, path: &str) -> Option<LeverValue> {
        self.document
            .levers()
            .iter()
            .find(|lever| lever.path == path)
            .map(|lever| lever.value.clone())
    }

    pub fn kpis(&self) -> Option<&Kpis> {
        self.document.outcome().ok().map(|outcome| &outcome.kpis)
    }

    /// What the charts draw (refreshed each frame from the outcome).
    pub fn chart_data(&self) -> &ChartData {
        &self.chart_data
    }

    /// The input warnings the strip under the KPIs shows (as of the last frame).
    pub fn input_warnings(&self) -> &[crate::model::warnings::Warning] {
        self.warnings_strip.warnings()
    }

    /// The error on show, if any.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Whether "discard unsaved changes?" is waiting for an answer.
    pub fn is_asking_to_discard(&self) -> bool {
        self.pending_open.is_some()
    }

    /// The window title: the preset's name and a mark when there are unsaved changes.
    pub fn title(&self) -> String {
        let mark = if self.document.is_dirty() { " ●" } else { "" };
        format!(
            "{}{mark} — {} — coreweave-whatif",
            self.document.origin().display_name(),
            self.document.scenario().meta.name
        )
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

    /// Whether a preset file is being read in the background.
    pub fn is_loading(&self) -> bool {
        self.presets.loading_path().is_some()
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

    /// The one place the scenario changes.
    fn apply(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::SetLever {
                path,
                value,
                dragging,
            } => self.edit(&path, dragging, |scenario| {
                set_lever(scenario, &path, &value)
            }),
            Command::SetLevers { values } => {
                let first = values
                    .first()
                    .map(|(path, _)| path.clone())
                    .unwrap_or_default();
                self.edit(&first, false, |scenario| {
                    values
                        .iter()
                        .try_for_each(|(path, value)| set_lever(scenario, path, value))
                });
            }
            Command::ResetLever { path } => {
                if let Some(value) = self
                    .document
                    .baseline_lever(&path)
                    .map(|lever| lever.value.clone())
                {
                    self.edit(&path, false, |scenario| set_lever(scenario, &path, &value));
                }
            }
            Command::ResetAll => {
                let baseline = self.document.baseline().clone();
                self.replace_with_undo(baseline);
            }
            Command::Undo => {
                if let Some(previous) = self.undo.undo(self.document.valid_scenario()) {
                    self.document.replace_scenario(previous);
                    self.status = "Undone".to_owned();
                }
            }
            Command::Redo => {
                if let Some(next) = self.undo.redo(self.document.valid_scenario()) {
                    self.document.replace_scenario(next);
                    self.status = "Redone".to_owned();
                }
            }
            Command::OpenShipped(stem) => match presets::shipped(&stem).map(parse_preset) {
                Some(Ok(valid)) => self.request_open(valid, Origin::Shipped(stem)),
                Some(Err(err)) => self.error = Some(format!("Shipped preset {stem}: {err}")),
                None => self.error = Some(format!("No shipped preset is called {stem}")),
            },
            Command::OpenFile(path) => {
                // The status bar shows the read in flight; its result comes back as a command.
                let shown = path.display().to_string();
                if let Err(err) = self.presets.start_loading(ctx, path) {
                    self.error = Some(format!(
                        "Could not open {shown}; the scenario is unchanged.\n{err}"
                    ));
                }
            }
            Command::OpenLoaded { path, scenario } => {
                self.request_open(*scenario, Origin::File(path));
            }
            Command::OpenDialog => {
                let directory = self.current_directory();
                self.presets.spawn_dialog(ctx, DialogKind::Open, directory);
            }
            Command::Save => match self.document.origin().path().cloned() {
                // A file that extends another stays one, written as changes to the same base.
                Some(path) => {
                    match preset_file::save_in_place(&path, self.document.valid_scenario()) {
                        Ok(()) => {
                            self.status = format!("Saved {}", path.display());
                            self.document.mark_saved(path);
                        }
                        Err(err) => self.error = Some(format!("Could not save the preset.\n{err}")),
                    }
                }
                None => self.apply(ctx, Command::SaveAsDialog),
            },
            Command::SaveAsDialog => {
                let suggested_name = match self.document.origin() {
                    Origin::Shipped(stem) => format!("{stem}-whatif.ron"),
                    Origin::File(_) => self.document.origin().display_name(),
                };
                let directory = self.current_directory();
                self.presets
                    .spawn_dialog(ctx, DialogKind::SaveAs { suggested_name }, directory);
            }
            Command::SaveTo(path) => match preset_file::save(&path, self.document.scenario()) {
                Ok(()) => {
                    self.status = format!("Saved {}", path.display());
                    self.document.mark_saved(path);
                }
                Err(err) => self.error = Some(format!("Could not save the preset.\n{err}")),
            },
            Command::SaveChangesAsDialog => {
                let suggested_name = self.suggested_name("-changes.ron");
                let directory = self.current_directory();
                self.presets.spawn_dialog(
                    ctx,
                    DialogKind::SaveChangesAs { suggested_name },
                    directory,
                );
            }
            Command::SaveChangesTo(path) => match self.save_changes(&path) {
                Ok(base) => {
                    self.status = format!("Saved {} as changes to {base}", path.display());
                    self.document.mark_saved(path);
                }
                Err(err) => self.error = Some(format!("Could not save the changes.\n{err}")),
            },
            Command::ExportCsv => {
                let suggested_name = self.suggested_name("-ledger.csv");
                let directory = self.current_directory();
                self.presets
                    .spawn_dialog(ctx, DialogKind::ExportCsv { suggested_name }, directory);
            }
            Command::ExportCsvTo(path) => match self.document.outcome() {
                Ok(outcome) => {
                    match preset_file::write_atomic(&path, ledger_csv(outcome).as_bytes()) {
                        Ok(()) => self.status = format!("Exported {}", path.display()),
                        Err(err) => {
                            self.error = Some(format!("Could not export the ledger.\n{err}"))
                        }
                    }
                }
                Err(err) => self.error = Some(format!("No ledger to export: {err}")),
            },
            Command::PinBaseline(source) => self.pin(source),
            Command::UnpinBaseline => {
                self.pinned = None;
                self.status = "Baseline unpinned".to_owned();
            }
            Command::ExportMemo => {
                let suggested_name = self.suggested_name("-memo.md");
                let directory = self.current_directory();
                self.presets.spawn_dialog(
                    ctx,
                    DialogKind::ExportMemo { suggested_name },
                    directory,
                );
            }
            Command::ExportMemoTo(path) => match self.export_memo(&path) {
                Ok(()) => self.status = format!("Exported the memo to {}", path.display()),
                Err(err) => self.error = Some(format!("Could not export the memo.\n{err}")),
            },
            Command::ShowError(message) => self.error = Some(message),
            Command::ConfirmDiscard => {
                if let Some((valid, origin)) = self.pending_open.take() {
                    self.open_now(valid, origin);
                }
            }
            Command::CancelDiscard => self.pending_open = None,
        }
    }

    /// Writes the scenario at `path` as a preset that extends the one it came from: the levers
    /// that differ from it and the items removed or added (see [`changes_against`]). Returns the
    /// base's name. Refused when the scenario differs in what such a file cannot hold.
    fn save_changes(&self, path: &Path) -> Result<String, String> {
        let origin = self.document.origin();
        let base_name = match origin {
            Origin::Shipped(stem) => stem.clone(),
            Origin::File(base) => preset_file::relative_reference(path, base).ok_or_else(|| {
                format!(
                    "{} cannot be named in a preset: its path is not UTF-8 text",
                    base.display()
                )
            })?,
        };
        let (base, current) = (
            self.document.baseline().scenario(),
            self.document.scenario(),
        );
        let unchangeable = unchangeable_differences(base, current);
        if !unchangeable.is_empty() {
            return Err(format!(
                "The scenario differs from {} in {}, which a file of changes cannot hold; Save As a whole preset instead.",
                origin.display_name(),
                unchangeable.join(", ")
            ));
        }
        let file = changes_against(base, current, &base_name);
        preset_file::save_extends(path, &file, self.document.valid_scenario())
            .map_err(|err| err.to_string())?;
        Ok(origin.display_name())
    }

    fn pin(&mut self, source: BaselineSource) {
        let (name, valid) = match source {
            BaselineSource::Current => (
                format!("{} (pinned)", self.document.origin().display_name()),
                self.document.valid_scenario().clone(),
            ),
            BaselineSource::Shipped(stem) => match presets::shipped(&stem).map(parse_preset) {
                Some(Ok(valid)) => (stem, valid),
                Some(Err(err)) => {
                    self.error = Some(format!("Shipped preset {stem}: {err}"));
                    return;
                }
                None => {
                    self.error = Some(format!("No shipped preset is called {stem}"));
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

    /// Applies `change` to a copy of the scenario; keeps it only if it validates.
    fn edit(
        &mut self,
        path: &str,
        dragging: bool,
        change: impl FnOnce(&mut Scenario) -> Result<(), LeverError>,
    ) {
        let mut candidate = self.document.scenario().clone();
        if let Err(err) = change(&mut candidate) {
            self.levers_panel.show_refusal(path, err.to_string());
            return;
        }
        match validate(candidate) {
            Ok(valid) => {
                self.levers_panel.clear_refusal(path);
                if valid != *self.document.valid_scenario() {
                    if dragging && self.drag_ghost.is_none() {
                        self.drag_ghost = Some(self.chart_data.clone());
                    }
                    self.undo.record(self.document.valid_scenario(), dragging);
                    self.document.replace_scenario(valid);
                }
            }
            Err(err) => self.levers_panel.show_refusal(path, err.to_string()),
        }
    }

    fn replace_with_undo(&mut self, scenario: ValidScenario) {
        if scenario != *self.document.valid_scenario() {
            self.undo.record(self.document.valid_scenario(), false);
            self.document.replace_scenario(scenario);
        }
    }

    fn request_open(&mut self, valid: ValidScenario, origin: Origin) {
        if self.document.is_dirty() {
            self.pending_open = Some((valid, origin));
        } else {
            self.open_now(valid, origin);
        }
    }

    fn open_now(&mut self, valid: ValidScenario, origin: Origin) {
        self.status = format!("Opened {}", origin.display_name());
        self.document.open(valid, origin);
        self.undo.clear();
        self.error = None;
    }

    /// A file name for what is saved or exported from the current scenario: its preset's name
    /// with `suffix` (`s1-base-memo.md`).
    fn suggested_name(&self, suffix: &str) -> String {
        let stem = self.document.origin().display_name();
        format!("{}{suffix}", stem.trim_end_matches(".ron"))
    }

    fn current_directory(&self) -> Option<PathBuf> {
        self.document
            .origin()
            .path()
            .and_then(|path| path.parent())
            .map(Path::to_path_buf)
    }

    fn keyboard_shortcuts(&mut self, ctx: &egui::Context) {
        Presets::shortcuts(ctx, &mut self.commands);
        // A focused text entry keeps Ctrl+Z for its own text.
        if ctx.egui_wants_keyboard_input() {
            return;
        }
        ctx.input_mut(|input| {
            if input.consume_shortcut(&REDO) || input.consume_shortcut(&REDO_Y) {
                self.commands.push(Command::Redo);
            }
            if input.consume_shortcut(&UNDO) {
                self.commands.push(Command::Undo);
            }
        });
    }

    fn refresh_chart_data(&mut self) {
        let generation = self.document.generation();
        if self.chart_generation == Some(generation) {
            return;
        }
        self.chart_generation = Some(generation);
        self.chart_data = match self.document.outcome() {
            Ok(outcome) => ChartData::new(outcome, self.document.scenario()),
            Err(_) => ChartData::default(),
        };
    }

    fn menu_bar_ui(&mut self, ui: &mut Ui) {
        egui::MenuBar::new().ui(ui, |ui| {
            let can_save_in_place = self.document.origin().path().is_some();
            let base_name = self.document.origin().display_name();
            self.presets
                .menu_ui(ui, can_save_in_place, &base_name, &mut self.commands);
            ui.menu_button("Edit", |ui| {
                let undo = ui.ctx().format_shortcut(&UNDO);
                let redo = ui.ctx().format_shortcut(&REDO);
                if ui
                    .add_enabled(
                        self.undo.can_undo(),
                        egui::Button::new("Undo").shortcut_text(undo),
                    )
                    .clicked()
                {
                    self.commands.push(Command::Undo);
                }
                if ui
                    .add_enabled(
                        self.undo.can_redo(),
                        egui::Button::new("Redo").shortcut_text(redo),
                    )
                    .clicked()
                {
                    self.commands.push(Command::Redo);
                }
                ui.separator();
                if ui
                    .add_enabled(
                        self.document.is_dirty(),
                        egui::Button::new("Reset all levers"),
                    )
                    .clicked()
                {
                    self.commands.push(Command::ResetAll);
                }
            });
            ui.separator();
            ui.label(RichText::new(self.document.scenario().meta.name.as_str()).strong())
                .on_hover_text(self.document.scenario().meta.description.as_str());
            ui.label(RichText::new(self.document.origin().display_name()).weak());
            if self.document.is_dirty() {
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

    fn status_bar_ui(&self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            if let Some(path) = self.presets.loading_path() {
                busy_ui(ui);
                let name = path.file_name().unwrap_or(path.as_os_str());
                ui.label(format!("Opening {}…", name.to_string_lossy()));
            } else if self.presets.is_dialog_open() {
                ui.label("A file dialog is open…");
            } else {
                ui.label(&self.status);
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.label(
                    RichText::new(format!(
                        "model {:.2} ms · frame {:.2} ms (CPU)",
                        self.document.recompute_time().as_secs_f64() * 1e3,
                        self.frame_stats.last_frame.as_secs_f64() * 1e3
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

    fn error_banner_ui(&mut self, ui: &mut Ui) {
        let Some(error) = &self.error else {
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
                    ui.label(RichText::new(error).color(theme::ERROR_TEXT));
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Min), |ui| {
                        dismissed = ui.button("Dismiss").clicked();
                    });
                });
            });
        if dismissed {
            self.error = None;
        }
        ui.add_space(4.0);
    }

    fn discard_modal_ui(&mut self, ctx: &egui::Context) {
        let Some((_, origin)) = &self.pending_open else {
            return;
        };
        let target = origin.display_name();
        let current = self.document.origin().display_name();
        let response = egui::Modal::new(egui::Id::unique("discard-unsaved")).show(ctx, |ui| {
            ui.set_max_width(380.0);
            ui.heading("Discard unsaved changes?");
            ui.label(format!(
                "{current} has changes that are not saved. Opening {target} discards them."
            ));
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button("Discard and open").clicked() {
                    self.commands.push(Command::ConfirmDiscard);
                }
                if ui.button("Cancel").clicked() {
                    self.commands.push(Command::CancelDiscard);
                }
            });
        });
        if response.should_close() {
            self.commands.push(Command::CancelDiscard);
        }
    }

    fn central_ui(&mut self, ui: &mut Ui) {
        self.error_banner_ui(ui);
        let outcome = match self.document.outcome() {
            Ok(outcome) => outcome,
            Err(err) => {
                ui.label(
                    RichText::new(format!("The model cannot run this scenario: {err}"))
                        .color(theme::ERROR_TEXT),
                );
                return;
            }
        };
        kpi_strip_ui(ui, outcome);
        self.warnings_strip.ui(ui, &self.document);
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.tab, Tab::Charts, "Cash & covenants");
            ui.selectable_value(&mut self.tab, Tab::Breakdown, "Revenue, debt & capacity");
            ui.selectable_value(&mut self.tab, Tab::Ledger, "Ledger");
            ui.selectable_value(&mut self.tab, Tab::Compare, "Compare");
            ui.selectable_value(&mut self.tab, Tab::Tornado, "Tornado");
            ui.selectable_value(&mut self.tab, Tab::BreachMap, "Breach map");
            ui.selectable_value(&mut self.tab, Tab::MonteCarlo, "Monte Carlo");
            ui.separator();
            overlay::pin_controls_ui(
                ui,
                self.pinned.as_ref().map(|pinned| pinned.name.as_str()),
                &mut self.commands,
            );
        });
        ui.separator();
        let mut ghosts = Vec::new();
        if let Some(pinned) = &self.pinned {
            ghosts.push(Ghost {
                name: &pinned.name,
                data: &pinned.chart_data,
            });
        }
        if let Some(before) = &self.drag_ghost {
            ghosts.push(Ghost {
                name: "before the drag",
                data: before,
            });
        }
        match self.tab {
            Tab::Charts => {
                let title_height = 22.0;
                let available = ui.available_height() - 2.0 * title_height - 8.0;
                let cash_height = (available * 0.58).max(140.0);
                let headroom_height = (available - cash_height).max(110.0);
                ui.label(
                    RichText::new("Cash and liquidity ($B) — minimum-liquidity threshold dashed")
                        .strong(),
                );
                charts::cash_chart_ui(ui, &self.chart_data, &ghosts, cash_height);
                ui.label(RichText::new("Covenant headroom (%) — below 0 % is a breach").strong());
                charts::headroom_chart_ui(ui, &self.chart_data, &ghosts, headroom_height);
            }
            Tab::Breakdown => charts::breakdown_ui(ui, &self.chart_data),
            Tab::Ledger => {
                let generation = self.document.generation();
                self.ledger
                    .ledger_ui(ui, outcome, generation, &mut self.commands);
            }
            Tab::Compare => {
                overlay::comparison_ui(ui, self.pinned.as_ref(), self.document.scenario(), outcome);
            }
            Tab::Tornado => {
                self.tornado
                    .tornado_ui(ui, &self.document, &mut self.commands);
            }
            Tab::BreachMap => {
                self.breach_map
                    .breach_map_ui(ui, &self.document, &mut self.commands);
            }
            Tab::MonteCarlo => self.montecarlo.montecarlo_ui(ui, &self.document),
        }
    }
}

impl eframe::App for WhatIfApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        let started = Instant::now();
        let ctx = ui.ctx().clone();
        self.keyboard_shortcuts(&ctx);
        Presets::dropped_files(&ctx, &mut self.commands);
        self.presets.poll(&ctx, &mut self.commands);
        let mut changed = self.apply_all(&ctx);

        egui::Panel::top("menu_bar").show(ui, |ui| self.menu_bar_ui(ui));
        egui::Panel::bottom("status_bar").show(ui, |ui| self.status_bar_ui(ui));
        egui::Panel::left("levers")
            .resizable(true)
            .default_size(370.0)
            .min_size(280.0)
            .show(ui, |ui| {
                ui.add_space(4.0);
                ui.heading("Levers");
                self.levers_panel
                    .levers_ui(ui, &self.document, &self.shading, &mut self.commands);
            });
        // Edits made in the levers panel show in this same frame's KPIs and charts.
        changed |= self.apply_all(&ctx);
        self.refresh_chart_data();
        self.shading
            .update(&ctx, &self.document, self.levers_panel.visible_paths());
        egui::CentralPanel::default().show(ui, |ui| self.central_ui(ui));
        self.discard_modal_ui(&ctx);
        if Presets::is_file_hovering(&ctx) {
            egui::Area::new(egui::Id::unique("drop-hint"))
                .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
                .show(&ctx, |ui| {
                    ui.label(RichText::new("Drop a .ron preset to open it").heading());
                });
        }

        if !self.commands.is_empty() {
            // Commands from the central panel (export) or the modal run next frame.
            ctx.request_repaint();
        }
        if !ctx.input(|input| input.pointer.any_down()) {
            self.undo.finish_pending();
            self.drag_ghost = None;
        }
        let title = self.title();
        if title != self.title {
            ctx.send_viewport_cmd(ViewportCommand::Title(title.clone()));
            self.title = title;
        }
        self.frame_stats.record(started.elapsed(), changed);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        let persisted = Persisted {
            scenario: to_ron(self.document.scenario()).ok(),
            baseline: to_ron(self.document.baseline().scenario()).ok(),
            origin: Some(self.document.origin().clone()),
            tab: self.tab,
        };
        eframe::set_value(storage, eframe::APP_KEY, &persisted);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    #[test]
    fn a_saved_session_restores_the_edited_scenario_and_its_baseline() {
        let mut app = WhatIfApp::with_default_scenario();
        app.edit("rates.sofr_pct", false, |scenario| {
            set_lever(
                scenario,
                "rates.sofr_pct",
                &LeverValue::Number(Decimal::new(61, 1)),
            )
        });
        assert!(app.document.is_dirty());
        let persisted = Persisted {
            scenario: to_ron(app.document.scenario()).ok(),
            baseline: to_ron(app.document.baseline().scenario()).ok(),
            origin: Some(app.document.origin().clone()),
            tab: Tab::Ledger,
        };
        // eframe stores values as RON text.
        let text = ron::to_string(&persisted).expect("serialises");
        let restored = WhatIfApp::from_persisted(ron::from_str(&text).expect("reads back"));
        assert_eq!(restored.document.scenario(), app.document.scenario());
        assert_eq!(restored.document.baseline(), app.document.baseline());
        assert_eq!(restored.tab, Tab::Ledger);
        assert!(restored.document.is_dirty());
    }

    #[test]
    fn an_unreadable_session_falls_back_to_the_embedded_scenario() {
        let restored: Persisted =
            ron::from_str("(scenario: Some(\"not a preset\"), unknown: 1)").unwrap_or_default();
        let app = WhatIfApp::from_persisted(restored);
        assert_eq!(
            app.document.valid_scenario(),
            &default_scenario(),
            "a broken session never blocks the app"
        );
    }
}
