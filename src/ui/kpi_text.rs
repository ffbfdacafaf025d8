//! The analysis KPIs on screen: which ones the tabs offer, their labels, and their values and
//! differences as text. Shared by the overlay, the tornado, the breach map and the memo.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use eframe::egui::{ComboBox, Ui};

use crate::model::analysis::Kpi;
use crate::model::{Month, Scenario};
use crate::report::format::{busd, grouped};

/// The KPIs offered for `scenario`: the money figures, each covenant's minimum headroom and
/// the first breach.
pub fn kpi_choices(scenario: &Scenario) -> Vec<Kpi> {
    let mut choices = vec![Kpi::FundingNeed, Kpi::MinCash];
    choices.extend(scenario.covenants.iter().map(|covenant| Kpi::MinHeadroom {
        covenant: covenant.id.clone(),
    }));
    choices.extend([
        Kpi::FirstBreach,
        Kpi::TotalInterest,
        Kpi::PeakDebt,
        Kpi::EndingCash,
    ]);
    choices
}

/// A labelled drop-down choosing one of `choices` into `kpi`.
pub fn kpi_combo_ui(ui: &mut Ui, id: &str, kpi: &mut Kpi, choices: Vec<Kpi>) {
    let title = ui.label("KPI");
    ComboBox::from_id_salt(id)
        .selected_text(kpi_label(kpi))
        .show_ui(ui, |ui| {
            for choice in choices {
                let label = kpi_label(&choice);
                ui.selectable_value(kpi, choice, label);
            }
        })
        .response
        .labelled_by(title.id);
}

/// A human label: "Funding need", "Min headroom: dscr".
pub fn kpi_label(kpi: &Kpi) -> String {
    match kpi {
        Kpi::FundingNeed => "Funding need".to_owned(),
        Kpi::MinCash => "Minimum cash".to_owned(),
        Kpi::MinHeadroom { covenant } => format!("Min headroom: {covenant}"),
        Kpi::FirstBreach => "First breach".to_owned(),
        Kpi::TotalInterest => "Total interest".to_owned(),
        Kpi::PeakDebt => "Peak debt".to_owned(),
        Kpi::EndingCash => "Ending cash".to_owned(),
    }
}

/// A KPI value as text. `horizon_months` turns a first breach at the horizon into "none".
pub fn kpi_value_text(kpi: &Kpi, value: Option<Decimal>, horizon_months: u32) -> String {
    let Some(value) = value else {
        return "n/a".to_owned();
    };
    match kpi {
        Kpi::MinHeadroom { .. } => format!("{} %", grouped(value, 1)),
        Kpi::FirstBreach => {
            if value >= Decimal::from(horizon_months) {
                "none".to_owned()
            } else {
                let index = value.trunc().to_i32().unwrap_or(i32::MAX);
                Month::from_index(index).to_string()
            }
        }
        _ => busd(value),
    }
}

/// `current − baseline` as signed text ("+$0.25B", "-3 months", "+12.5 pp"); "—" when either is
/// missing and "0" when equal.
pub fn kpi_difference_text(
    kpi: &Kpi,
    baseline: Option<Decimal>,
    current: Option<Decimal>,
) -> String {
    let (Some(baseline), Some(current)) = (baseline, current) else {
        return "—".to_owned();
    };
    let Some(difference) = current.checked_sub(baseline) else {
        return "—".to_owned();
    };
    if difference.is_zero() {
        return "0".to_owned();
    }
    let sign = if difference.is_sign_negative() {
        "-"
    } else {
        "+"
    };
    let magnitude = difference.abs();
    match kpi {
        Kpi::MinHeadroom { .. } => format!("{sign}{} pp", grouped(magnitude, 1)),
        Kpi::FirstBreach => format!("{sign}{} months", magnitude.normalize()),
        _ => format!("{sign}{}", busd(magnitude)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::default_scenario;
    use rust_decimal_macros::dec;

    #[test]
    fn every_covenant_gets_a_headroom_choice() {
        let valid = default_scenario();
        let choices = kpi_choices(valid.scenario());
        for covenant in &valid.scenario().covenants {
            assert!(
                choices.contains(&Kpi::MinHeadroom {
                    covenant: covenant.id.clone()
                }),
                "{}",
                covenant.id
            );
        }
        assert_eq!(choices.first(), Some(&Kpi::FundingNeed));
    }

    #[test]
    fn values_and_differences_read_in_their_unit() {
        let headroom = Kpi::MinHeadroom {
            covenant: "dscr".to_owned(),
        };
        for (kpi, value, text) in [
            (Kpi::FundingNeed, Some(dec!(1250)), "$1.25B"),
            (headroom.clone(), Some(dec!(-3.26)), "-3.3 %"),
            (Kpi::FirstBreach, Some(dec!(11)), "2025-12"),
            (Kpi::FirstBreach, Some(dec!(72)), "none"),
            (headroom.clone(), None, "n/a"),
        ] {
            assert_eq!(kpi_value_text(&kpi, value, 72), text, "{kpi} at {value:?}");
        }
        for (kpi, baseline, current, text) in [
            (Kpi::MinCash, Some(dec!(1000)), Some(dec!(750)), "-$0.25B"),
            (
                Kpi::FirstBreach,
                Some(dec!(11)),
                Some(dec!(14)),
                "+3 months",
            ),
            (
                headroom.clone(),
                Some(dec!(10)),
                Some(dec!(22.5)),
                "+12.5 pp",
            ),
            (Kpi::PeakDebt, Some(dec!(5)), Some(dec!(5)), "0"),
            (headroom, None, Some(dec!(1)), "—"),
        ] {
            assert_eq!(
                kpi_difference_text(&kpi, baseline, current),
                text,
                "{kpi}: {baseline:?} → {current:?}"
            );
        }
    }
}
