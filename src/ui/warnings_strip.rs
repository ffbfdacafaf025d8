//! The warnings strip under the KPI strip: inputs of the scenario that run but do nothing or
//! probably mean something else ([`crate::model::warnings`]). Collapsed to one amber line so
//! it never takes the charts' room; opened, it lists each warning with its path and fix.

use std::collections::BTreeMap;

use eframe::egui::{self, RichText, Ui};

use super::theme::Severity;
use super::view::{View, ViewContext};
use crate::model::{Warning, field_labels, warnings};

/// The warnings of the scenario as it is now, recomputed only when it changes.
#[derive(Default)]
pub struct WarningsStrip {
    /// The document generation `warnings` were computed for.
    generation: Option<u64>,
    warnings: Vec<Warning>,
    /// Each warning's field as people know it ("OpenAI: prepay pct"), by path.
    labels: BTreeMap<String, String>,
}

impl WarningsStrip {
    /// The warnings on show (as of the last frame drawn).
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }
}

impl View for WarningsStrip {
    /// Refreshes the list if the scenario changed, then draws it; draws nothing when there are
    /// no warnings.
    fn ui(&mut self, ui: &mut Ui, view: &mut ViewContext<'_>) {
        let document = view.document;
        let generation = document.generation();
        if self.generation != Some(generation) {
            self.generation = Some(generation);
            self.warnings = warnings(document.scenario());
            self.labels = field_labels(
                document.scenario(),
                self.warnings.iter().map(|warning| warning.path.as_str()),
            );
        }
        if self.warnings.is_empty() {
            return;
        }
        // Amber, the colour of a KPI to watch; no warning sign, which egui's default fonts lack.
        let color = Severity::Watch.color(ui.visuals().dark_mode);
        let count = self.warnings.len();
        let title = if count == 1 {
            "1 input warning".to_owned()
        } else {
            format!("{count} input warnings")
        };
        egui::CollapsingHeader::new(RichText::new(title).color(color))
            .id_salt("input-warnings")
            .default_open(false)
            .show(ui, |ui| {
                for (index, warning) in self.warnings.iter().enumerate() {
                    ui.horizontal_wrapped(|ui| {
                        // The field as people know it first; the path for the preset file second.
                        if let Some(label) = self.labels.get(&warning.path) {
                            ui.label(RichText::new(label).strong().color(color));
                        }
                        ui.label(RichText::new(&warning.path).monospace().weak());
                        ui.label(&warning.message);
                    });
                    ui.indent(("input-warning", index), |ui| {
                        ui.label(RichText::new(format!("Fix: {}", warning.fix)).weak());
                    });
                }
            })
            .header_response
            .on_hover_text(
                "Inputs that run but do nothing or probably mean something else. They never \
                 stop the model; `coreweave-whatif check` prints the same list.",
            );
    }
}
