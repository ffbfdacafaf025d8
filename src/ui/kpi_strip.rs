//! The KPI strip above the charts: spec §4's summary figures, coloured by severity, each with a
//! hover that says how it is computed; and the backtest error when the scenario reports figures.

use eframe::egui;
use eframe::egui::{Frame, RichText, Ui};
use rust_decimal::Decimal;

use super::theme::Severity;
use crate::model::Outcome;
use crate::report::format::{busd, musd, pct_text};

/// One tile of the strip.
#[derive(Clone, Debug, PartialEq)]
pub struct Kpi {
    pub title: &'static str,
    pub value: String,
    pub detail: String,
    pub severity: Severity,
    pub how: String,
}

/// The tiles for an outcome, in strip order.
pub fn kpis(outcome: &Outcome) -> Vec<Kpi> {
    let kpis = &outcome.kpis;
    let horizon_end = outcome
        .months
        .last()
        .map_or_else(String::new, |row| row.month.to_string());
    let breached_covenants = kpis
        .covenants
        .iter()
        .filter(|covenant| covenant.first_breach.is_some())
        .count();
    let min_cash_severity = if kpis.min_cash < Decimal::ZERO {
        Severity::Bad
    } else if kpis.funding_need > Decimal::ZERO {
        Severity::Watch
    } else {
        Severity::Good
    };
    let mut tiles = vec![
        Kpi {
            title: "Runway",
            value: kpis
                .runway_month
                .map_or_else(|| "beyond horizon".to_owned(), |month| month.to_string()),
            detail: kpis.runway_month.map_or_else(
                || format!("cash ≥ 0 through {horizon_end}"),
                |_| "cash first below zero".to_owned(),
            ),
            severity: if kpis.runway_month.is_some() {
                Severity::Bad
            } else {
                Severity::Good
            },
            how: "The first month whose closing cash is below zero (spec §4). Cash already \
                  includes revolver draws, equity and debt draws."
                .to_owned(),
        },
        Kpi {
            title: "Minimum cash",
            value: busd(kpis.min_cash),
            detail: format!("in {}", kpis.min_cash_month),
            severity: min_cash_severity,
            how: "The lowest month-end cash balance over the horizon, and the month it occurs."
                .to_owned(),
        },
        Kpi {
            title: "Funding need",
            value: busd(kpis.funding_need),
            detail: if kpis.funding_need > Decimal::ZERO {
                "below minimum liquidity".to_owned()
            } else {
                "liquidity always above minimum".to_owned()
            },
            severity: if kpis.funding_need > Decimal::ZERO {
                Severity::Bad
            } else {
                Severity::Good
            },
            how: "The largest shortfall of liquidity (cash + undrawn revolver) below the \
                  minimum-liquidity covenant's threshold, max(floor, pct × facility balance); \
                  0 if liquidity never falls below it. New money needed to stay compliant."
                .to_owned(),
        },
        Kpi {
            title: "First breach",
            value: kpis.first_breach.as_ref().map_or_else(
                || "none".to_owned(),
                |breach| format!("{} {}", breach.covenant, breach.month),
            ),
            detail: if breached_covenants > 0 {
                format!("{breached_covenants} covenant(s) breached")
            } else {
                "all covenants hold".to_owned()
            },
            severity: if kpis.first_breach.is_some() {
                Severity::Bad
            } else if kpis.covenants.iter().any(|covenant| {
                covenant
                    .min_headroom_pct
                    .is_some_and(|pct| pct < Decimal::TEN)
            }) {
                Severity::Watch
            } else {
                Severity::Good
            },
            how: "The first tested month in which any covenant's headroom is below 0 %: \
                  minimum liquidity monthly, DSCR and leverage at quarter ends (spec §3.8). \
                  Amber when every covenant holds but one comes within 10 %."
                .to_owned(),
        },
        Kpi {
            title: "Total interest",
            value: busd(kpis.total_interest),
            detail: musd(kpis.total_interest),
            severity: Severity::Neutral,
            how: "Interest paid on every facility, the revolver included, summed over the horizon."
                .to_owned(),
        },
        Kpi {
            title: "Peak debt",
            value: busd(kpis.peak_debt),
            detail: format!("in {}", kpis.peak_debt_month),
            severity: Severity::Neutral,
            how: "The largest month-end total of every facility's balance, revolver included."
                .to_owned(),
        },
    ];
    if let Some(error_pct) = kpis.backtest_error_pct {
        let count = outcome.backtest.len();
        let figures = if count == 1 { "figure" } else { "figures" };
        tiles.push(Kpi {
            title: "Backtest error",
            value: pct_text(error_pct),
            detail: format!("vs {count} reported {figures}"),
            // How well the model fits the past says nothing good or bad about the scenario.
            severity: Severity::Neutral,
            how: format!(
                "Mean absolute error of the model against the {count} {figures} the company \
                 reported: |model − reported| / reported, averaged (spec §6.6). The reported \
                 figures are the hollow diamonds on the cash chart and in the revenue, debt \
                 and capacity charts; hover one to compare. The memo's backtest table lists each."
            ),
        });
    }
    tiles
}

/// Draws the strip; the tiles share the width evenly.
pub fn kpi_strip_ui(ui: &mut Ui, outcome: &Outcome) {
    let tiles = kpis(outcome);
    let dark_mode = ui.visuals().dark_mode;
    let spacing = ui.spacing().item_spacing.x;
    let count = tiles.len() as f32;
    let width = ((ui.available_width() - spacing * (count - 1.0)) / count).max(90.0);
    ui.horizontal(|ui| {
        for tile in tiles {
            Frame::group(ui.style())
                .inner_margin(egui::Margin::symmetric(8, 4))
                .show(ui, |ui| {
                    ui.set_width(width - 18.0);
                    ui.vertical(|ui| {
                        ui.label(RichText::new(tile.title).small().weak());
                        let value = ui.label(
                            RichText::new(&tile.value)
                                .size(18.0)
                                .strong()
                                .color(tile.severity.color(dark_mode)),
                        );
                        // Screen readers (and tests) read "Runway: 2027-09" as one label.
                        value.widget_info(|| {
                            egui::WidgetInfo::labeled(
                                egui::Role::Label,
                                true,
                                format!("{}: {}", tile.title, tile.value),
                            )
                        });
                        ui.label(RichText::new(&tile.detail).small());
                    });
                })
                .response
                .on_hover_text(&tile.how);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::run;
    use crate::ui::test_support::{s1_base_reporting, two_reported_quarters};

    #[test]
    fn the_backtest_tile_shows_the_mean_absolute_error_and_how_many_figures() {
        let outcome = run(&s1_base_reporting(two_reported_quarters()))
            .expect("s1-base with two reported quarters runs");
        let error_pct = outcome
            .kpis
            .backtest_error_pct
            .expect("seven reported figures give an error");
        let tiles = kpis(&outcome);
        let tile = tiles
            .iter()
            .find(|tile| tile.title == "Backtest error")
            .expect("a backtest tile for s1-base with two reported quarters");
        assert_eq!(tile.value, pct_text(error_pct));
        assert!(tile.value.ends_with(" %") && !tile.value.starts_with('+'));
        assert_eq!(tile.detail, "vs 7 reported figures");
        assert!(
            tile.how
                .starts_with("Mean absolute error of the model against the 7 figures"),
            "{}",
            tile.how
        );
    }

    #[test]
    fn no_backtest_tile_when_nothing_is_reported() {
        let outcome =
            run(&s1_base_reporting(Vec::new())).expect("s1-base without reported figures runs");
        let titles: Vec<&str> = kpis(&outcome).iter().map(|tile| tile.title).collect();
        assert!(!titles.contains(&"Backtest error"), "{titles:?}");
        assert_eq!(titles.len(), 6, "the six spec §4 tiles: {titles:?}");
    }
}
