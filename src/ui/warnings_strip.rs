//! The warnings strip under the KPI strip: inputs of the scenario that run but do nothing or
//! probably mean something else ([`crate::model::warnings`]). Collapsed to one amber line so
//! it never takes the charts' room; opened, it lists each warning with its path and fix.

use eframe::egui::{self, RichText, Ui};

use super::document::Document;
use super::theme::Severity;
use crate::model::warnings::{Warning, warnings};

/// The warnings of the scenario as it is now, recomputed only when it changes.
#[derive(Default)]
pub struct WarningsStrip {
    /// The document generation `warnings` were computed for.
    generation: Option<u64>,
    warnings: Vec<Warning>,
}

impl WarningsStrip {
    /// The warnings on show (as of the last frame drawn).
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// Refreshes the list if the scenario changed, then draws it; draws nothing when there are
    /// no warnings.
    pub fn ui(&mut self, ui: &mut Ui, document: &Document) {
        let generation = document.generation();
        if self.generation != Some(generation) {
            self.generation = Some(generation);
            self.warnings = warnings(document.scenario());
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
                        ui.label(RichText::new(&warning.path).monospace().color(color));
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
