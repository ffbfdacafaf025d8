//! The scenario overlay: the controls that pin a baseline (the current scenario or a shipped
//! preset; it is drawn as ghost lines on the cash and headroom charts), and the Compare tab, a
//! table of each KPI for baseline and current with the difference. The rows are the report's
//! ([`comparison_rows`]), so the table and the memo write every figure alike: a liquidity
//! covenant's headroom in $ above its minimum, a ratio covenant's in % of its limit.

use eframe::egui;
use eframe::egui::{RichText, Ui};

use super::baseline::PinnedBaseline;
use super::command::{BaselineSource, Command};
use super::theme;
use super::view::{View, ViewContext};
use crate::model::{Outcome, SHIPPED_PRESETS, Scenario};
// One home for the comparison, shared with the memo: liquidity headroom in $, ratios in %.
use crate::report::comparison_rows;

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

/// The Compare tab: the pinned baseline's KPIs against the working scenario's.
#[derive(Default)]
pub struct CompareTab;

impl View for CompareTab {
    fn ui(&mut self, ui: &mut Ui, ctx: &mut ViewContext<'_>) {
        // The central panel shows why instead of any tab when the scenario does not run.
        if let Ok(current) = ctx.document.outcome() {
            comparison_ui(ui, ctx.baseline, ctx.document.scenario(), current);
        }
    }
}

/// The comparison table, or a hint when nothing is pinned.
fn comparison_ui(
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
            "Baseline: {}, against the working scenario",
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
    use crate::model::analysis::Kpi;
    use crate::model::{CovenantTerms, LeverValue, default_scenario, run, set_lever, validate};
    use crate::report::KpiUnit;
    use rust_decimal::Decimal;

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

    #[test]
    fn liquidity_headroom_compares_in_dollars_not_as_a_share_of_the_floor() {
        let base = default_scenario();
        let outcome = run(&base).expect("runs");
        let rows = comparison_rows(base.scenario(), &outcome, &outcome);
        assert!(
            base.scenario()
                .covenants
                .iter()
                .any(|c| matches!(c.terms, CovenantTerms::MinLiquidity { .. })),
            "s1-base has a minimum-liquidity covenant to compare"
        );
        for covenant in &base.scenario().covenants {
            let row = rows
                .iter()
                .find(|row| {
                    row.kpi
                        == Kpi::MinHeadroom {
                            covenant: covenant.id.clone(),
                        }
                })
                .expect("a headroom row per covenant");
            let texts = row.texts(base.scenario().horizon_months);
            if matches!(covenant.terms, CovenantTerms::MinLiquidity { .. }) {
                assert_eq!(row.unit, KpiUnit::Money, "{}", covenant.id);
                assert!(
                    texts[1].contains('$') && !texts[1].contains('%'),
                    "{}: {texts:?}",
                    covenant.id
                );
            } else {
                assert!(texts[1].ends_with(" %"), "{}: {texts:?}", covenant.id);
            }
        }
    }
}
