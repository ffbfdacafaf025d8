//! The scenario overlay: a pinned baseline (the current scenario or a shipped preset) drawn as
//! ghost lines on the cash and headroom charts, and a table of each KPI for baseline and current
//! with the difference.

use eframe::egui;
use eframe::egui::{RichText, Ui};
use rust_decimal::Decimal;

use super::charts::ChartData;
use super::command::{BaselineSource, Command};
use super::kpi_text::{kpi_choices, kpi_difference_text, kpi_label, kpi_value_text};
use super::theme;
use crate::model::analysis::Kpi;
use crate::model::preset::SHIPPED_PRESETS;
use crate::model::{Outcome, Scenario, ValidScenario};

/// A pinned scenario and what the model made of it.
pub struct PinnedBaseline {
    pub name: String,
    pub scenario: ValidScenario,
    pub outcome: Outcome,
    pub chart_data: ChartData,
}

impl PinnedBaseline {
    pub fn new(name: String, scenario: ValidScenario, outcome: Outcome) -> Self {
        let chart_data = ChartData::new(&outcome, scenario.scenario());
        Self {
            name,
            scenario,
            outcome,
            chart_data,
        }
    }
}

/// One row of the comparison table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComparisonRow {
    pub kpi: Kpi,
    pub baseline: Option<Decimal>,
    pub current: Option<Decimal>,
}

impl ComparisonRow {
    /// The row as `[KPI, baseline, current, difference]` text.
    pub fn texts(&self, horizon_months: u32) -> [String; 4] {
        [
            kpi_label(&self.kpi),
            kpi_value_text(&self.kpi, self.baseline, horizon_months),
            kpi_value_text(&self.kpi, self.current, horizon_months),
            kpi_difference_text(&self.kpi, self.baseline, self.current),
        ]
    }
}

/// Every KPI of the current scenario, in baseline and current. Covenants are the current
/// scenario's; one the baseline does not have shows `n/a` there.
pub fn comparison_rows(
    scenario: &Scenario,
    baseline: &Outcome,
    current: &Outcome,
) -> Vec<ComparisonRow> {
    kpi_choices(scenario)
        .into_iter()
        .map(|kpi| ComparisonRow {
            baseline: kpi.value(baseline),
            current: kpi.value(current),
            kpi,
        })
        .collect()
}

/// The pin controls: a menu to pin the current scenario or a shipped preset, and unpin.
pub fn pin_controls_ui(ui: &mut Ui, pinned: Option<&str>, commands: &mut Vec<Command>) {
    ui.menu_button("Pin baseline", |ui| {
        if ui.button("Pin the current scenario").clicked() {
            commands.push(Command::PinBaseline(BaselineSource::Current));
        }
        ui.separator();
        ui.label(RichText::new("Shipped presets").weak().small());
        for (stem, _) in SHIPPED_PRESETS {
            if ui.button(format!("Pin {stem}")).clicked() {
                commands.push(Command::PinBaseline(BaselineSource::Shipped(
                    (*stem).to_owned(),
                )));
            }
        }
    });
    if let Some(name) = pinned {
        ui.label(RichText::new(format!("Baseline: {name}")).color(theme::GHOST));
        if ui.small_button("Unpin").clicked() {
            commands.push(Command::UnpinBaseline);
        }
    }
}

/// The comparison table, or a hint when nothing is pinned.
pub fn comparison_ui(
    ui: &mut Ui,
    baseline: Option<&PinnedBaseline>,
    scenario: &Scenario,
    current: &Outcome,
) {
    let Some(baseline) = baseline else {
        ui.label(
            "No baseline is pinned. Use \"Pin baseline\" to compare the working scenario with it.",
        );
        return;
    };
    ui.label(
        RichText::new(format!(
            "{} (baseline) against the working scenario",
            baseline.name
        ))
        .strong(),
    );
    ui.add_space(4.0);
    let rows = comparison_rows(scenario, &baseline.outcome, current);
    egui::Grid::new("comparison_table")
        .striped(true)
        .num_columns(4)
        .spacing([24.0, 4.0])
        .show(ui, |ui| {
            for heading in ["KPI", "Baseline", "Current", "Difference"] {
                ui.label(RichText::new(heading).strong());
            }
            ui.end_row();
            for row in &rows {
                let [label, base, now, difference] = row.texts(scenario.horizon_months);
                ui.label(label);
                ui.label(base);
                ui.label(now);
                let changed = difference != "0" && difference != "—";
                ui.label(if changed {
                    RichText::new(difference)
                        .strong()
                        .color(theme::CHANGED_MARK)
                } else {
                    RichText::new(difference).weak()
                });
                ui.end_row();
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LeverValue, default_scenario, run, set_lever, validate};

    #[test]
    fn the_comparison_shows_the_change_of_every_kpi() {
        let base = default_scenario();
        let base_outcome = run(&base).expect("runs");
        let mut edited = base.scenario().clone();
        set_lever(
            &mut edited,
            "rates.sofr_pct",
            &LeverValue::Number(Decimal::from(9)),
        )
        .expect("a lever");
        let edited = validate(edited).expect("valid");
        let edited_outcome = run(&edited).expect("runs");
        let rows = comparison_rows(edited.scenario(), &base_outcome, &edited_outcome);
        let interest = rows
            .iter()
            .find(|row| row.kpi == Kpi::TotalInterest)
            .expect("a total interest row");
        assert!(
            interest.current > interest.baseline,
            "a higher SOFR costs more interest: {interest:?}"
        );
        assert!(
            interest.texts(72)[3].starts_with('+'),
            "{:?}",
            interest.texts(72)
        );
        let same = comparison_rows(base.scenario(), &base_outcome, &base_outcome);
        assert!(
            same.iter()
                .all(|row| row.texts(72)[3] == "0" || row.texts(72)[3] == "—")
        );
    }
}
