//! What the app holds, read back: the headless tests and the frame bench drive the app and
//! check its state through these, as the status bar and the title do.

use std::path::Path;

use super::WhatIfApp;
use crate::model::analysis::LeverRange;
use crate::model::{Kpis, LeverValue, Warning};
use crate::ui::breach_map_tab::BreachMapTab;
use crate::ui::charts::ChartData;
use crate::ui::document::Document;
use crate::ui::memo::{self, MemoError};
use crate::ui::montecarlo_tab::MonteCarloTab;
use crate::ui::tornado_tab::TornadoTab;

impl WhatIfApp {
    /// The pinned baseline's name, if one is pinned.
    pub fn pinned_baseline(&self) -> Option<&str> {
        self.pinned.as_ref().map(|pinned| pinned.name.as_str())
    }

    /// Whether the charts draw the pre-drag ghost (a slider drag is in progress).
    pub fn has_drag_ghost(&self) -> bool {
        self.charts.has_drag_ghost()
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
    pub fn breach_ranges(&self, path: &str) -> Option<&[LeverRange]> {
        self.levers_panel
            .breach_ranges(path, self.document.generation())
    }

    /// Whether every slider on show has its breach shading for the scenario as it is now.
    pub fn is_shading_settled(&self) -> bool {
        self.levers_panel
            .is_shading_settled(self.document.generation())
    }

    /// How many steps Undo can go back.
    pub fn undo_depth(&self) -> usize {
        self.undo.depth()
    }

    /// The input warnings the strip under the KPIs shows (as of the last frame).
    pub fn input_warnings(&self) -> &[Warning] {
        self.warnings_strip.warnings()
    }

    /// The scenario memo as Markdown. Computes the tornado now if the tab holds none for the
    /// scenario as it is.
    pub fn memo(&self) -> Result<String, MemoError> {
        memo::app_memo(&self.document, self.pinned.as_ref(), &self.tornado, None)
            .map(|memo| memo.markdown)
    }

    /// Writes the memo to `path` and its charts beside it as `<stem>-cash.svg` and
    /// `<stem>-headroom.svg`, each atomically (the non-dialog path of Export memo…).
    pub fn export_memo(&self, path: &Path) -> Result<(), MemoError> {
        memo::export_memo(path, &self.document, self.pinned.as_ref(), &self.tornado)
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
        self.charts.data()
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

    /// The status bar's line: the last thing that happened.
    pub fn status(&self) -> &str {
        &self.status
    }

    /// Whether file dialogs are the app's own (no native one can be shown here, or forced).
    pub fn uses_builtin_file_dialog(&self) -> bool {
        self.files.uses_builtin_dialog()
    }

    /// Whether the app's own file dialog is open.
    pub fn is_builtin_file_dialog_open(&self) -> bool {
        self.files.is_builtin_dialog_open()
    }

    /// Whether a preset file is being read in the background.
    pub fn is_loading(&self) -> bool {
        self.files.loading_path().is_some()
    }
}
