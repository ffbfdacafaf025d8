//! The KPI strip above the charts: the run's summary figures, coloured by severity, each with a
//! hover that says in plain words what it means; and the backtest error when the scenario
//! reports figures. Covenant headroom is written in each covenant's own terms (money above a
//! liquidity minimum, a ratio against its limit), never as a share of a small floor.

use eframe::egui;
use eframe::egui::{Frame, RichText, Ui};
use rust_decimal::Decimal;

use super::theme::Severity;
use super::view::{View, ViewContext};
use crate::model::analysis::funding_need_by_quarter;
use crate::model::{CovenantTerms, CovenantTest, Month, Outcome, Scenario};
use crate::report::format::{busd, covenant_test_text, musd, pct_text};

/// One tile of the strip (the analyses' `model::analysis::Kpi` is a figure to measure; this is
/// what the strip draws).
#[derive(Clone, Debug, PartialEq)]
pub struct KpiTile {
    pub title: &'static str,
    pub value: String,
    pub detail: String,
    pub severity: Severity,
    pub how: String,
}

/// A covenant's tightest tested month: the lowest liquidity above its threshold in $, or the
/// lowest headroom for a ratio. `None` when it is never tested.
pub fn tightest_test(
    outcome: &Outcome,
    scenario: &Scenario,
    covenant_id: &str,
) -> Option<(Month, CovenantTerms, CovenantTest)> {
    let k = outcome
        .covenant_ids
        .iter()
        .position(|id| id == covenant_id)?;
    let terms = &scenario
        .covenants
        .iter()
        .find(|covenant| covenant.id == covenant_id)?
        .terms;
    let money = matches!(terms, CovenantTerms::MinLiquidity { .. });
    let (t, test) = (0..outcome.months.len())
        .filter_map(|t| outcome.covenant(t, k).map(|test| (t, test)))
        .min_by_key(|(_, test)| match (money, test.value) {
            (true, Some(value)) => value - test.threshold,
            _ => test.headroom_pct(),
        })?;
    Some((outcome.months[t].month, terms.clone(), test))
}

/// The funding need by date for the tile's hover: the cumulative new money needed by each
/// quarter end where it is above zero, a calendar year a line, then the total; empty when none
/// is needed.
pub fn funding_by_quarter_note(outcome: &Outcome, scenario: &Scenario) -> String {
    let mut lines: Vec<(i32, Vec<String>)> = Vec::new();
    for need in funding_need_by_quarter(scenario, outcome) {
        if need.need <= Decimal::ZERO {
            continue;
        }
        let text = format!("{} {}", need.quarter_end, busd(need.need));
        let year = need.quarter_end.year();
        match lines.last_mut() {
            Some((y, line)) if *y == year => line.push(text),
            _ => lines.push((year, vec![text])),
        }
    }
    if lines.is_empty() {
        return String::new();
    }
    let lines: Vec<String> = lines
        .into_iter()
        .map(|(_, line)| line.join(" · "))
        .collect();
    let horizon_end = outcome
        .months
        .last()
        .map_or_else(String::new, |row| format!(" by {}", row.month));
    format!(
        "\n\nNew money needed by each quarter end, cumulative:\n{}\nTotal{horizon_end}: {}.",
        lines.join("\n"),
        busd(outcome.kpis.funding_need)
    )
}

/// The tiles for an outcome of `scenario`, in strip order; the first-breach hover names the
/// tightest covenant.
pub fn kpi_tiles(outcome: &Outcome, scenario: &Scenario) -> Vec<KpiTile> {
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
    // The covenant that came closest to its limit (or went furthest past it), in its own terms.
    let tightest_note = kpis
        .covenants
        .iter()
        .filter(|covenant| covenant.min_headroom_pct.is_some())
        .min_by_key(|covenant| covenant.min_headroom_pct)
        .and_then(|covenant| {
            let (month, terms, test) = tightest_test(outcome, scenario, &covenant.id)?;
            Some(format!(
                "\n\nTightest: {} in {month}, {}.",
                covenant.id,
                covenant_test_text(&terms, &test)
            ))
        })
        .unwrap_or_default();
    let mut tiles = vec![
        KpiTile {
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
            how: "The first month the company ends with less than no cash: the money runs out. \
                  Cash here already counts what it can borrow on the revolver and the equity \
                  and debt it raises as planned."
                .to_owned(),
        },
        KpiTile {
            title: "Minimum cash",
            value: busd(kpis.min_cash),
            detail: format!("in {}", kpis.min_cash_month),
            severity: min_cash_severity,
            how: "The least cash the company holds at any month end, and when. Below zero \
                  means it has run out of money by then."
                .to_owned(),
        },
        KpiTile {
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
            how: format!(
                "How much new money the company would have to raise to keep its lenders' \
                 minimum-liquidity promise every month: the largest gap between what it can \
                 spend (cash plus the unused revolver) and the minimum the loan agreement \
                 demands. Zero when it never falls short.{}",
                funding_by_quarter_note(outcome, scenario)
            ),
        },
        KpiTile {
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
            how: format!(
                "The first month the company breaks a promise to its lenders (a covenant): \
                 too little liquidity in any month, or debt service or leverage out of bounds \
                 at a quarter end. Amber when every covenant holds but one comes within 10 % \
                 of its limit.{tightest_note}"
            ),
        },
        KpiTile {
            title: "Total interest",
            value: busd(kpis.total_interest),
            detail: musd(kpis.total_interest),
            severity: Severity::Neutral,
            how: "All the interest paid on every loan, the revolver included, over the whole \
                  horizon."
                .to_owned(),
        },
        KpiTile {
            title: "Peak debt",
            value: busd(kpis.peak_debt),
            detail: format!("in {}", kpis.peak_debt_month),
            severity: Severity::Neutral,
            how: "The most the company owes at any month end, every loan and the revolver \
                  together, and when."
                .to_owned(),
        },
    ];
    tiles.extend(income_tiles(outcome));
    if let Some(error_pct) = kpis.backtest_error_pct {
        let count = outcome.backtest.len();
        let figures = if count == 1 { "figure" } else { "figures" };
        tiles.push(KpiTile {
            title: "Backtest error",
            value: pct_text(error_pct),
            detail: format!("vs {count} reported {figures}"),
            // How well the model fits the past says nothing good or bad about the scenario.
            severity: Severity::Neutral,
            how: format!(
                "Mean absolute error of the model against the {count} {figures} the company \
                 reported: how far the model is from each, as a share of it, averaged. The reported \
                 figures are the hollow diamonds on the cash chart and in the revenue, debt \
                 and capacity charts; hover one to compare. The memo's backtest table lists each."
            ),
        });
    }
    tiles
}

/// With an income statement (spec §8.1): the first year's net income and what each dollar of
/// its revenue cost; the hovers list every year.
fn income_tiles(outcome: &Outcome) -> Vec<KpiTile> {
    let Some(first) = outcome.kpis.years.first() else {
        return Vec::new();
    };
    let every_year: Vec<String> = outcome
        .kpis
        .years
        .iter()
        .map(|year| {
            let cost = year.cost_per_revenue_dollar.map_or_else(
                || "no revenue".to_owned(),
                |cost| format!("${cost:.2} a dollar"),
            );
            format!("{}: {} net, {cost}", year.year, busd(year.net_income))
        })
        .collect();
    let every_year = every_year.join("\n");
    vec![
        KpiTile {
            title: "Net income",
            value: busd(first.net_income),
            detail: format!("in {}", first.year),
            severity: if first.net_income < Decimal::ZERO {
                Severity::Bad
            } else {
                Severity::Good
            },
            how: format!(
                "What the year earned after every cost the income statement counts: EBITDA less \
                 GPU depreciation, stock compensation, interest expense and tax. Depreciation \
                 and stock compensation are not cash; tax is.\n\n{every_year}"
            ),
        },
        KpiTile {
            title: "Cost per revenue $",
            value: first
                .cost_per_revenue_dollar
                .map_or_else(|| "n/a".to_owned(), |cost| format!("${cost:.2}")),
            detail: format!("in {}", first.year),
            severity: if first
                .cost_per_revenue_dollar
                .is_some_and(|cost| cost > Decimal::ONE)
            {
                Severity::Bad
            } else {
                Severity::Good
            },
            how: format!(
                "(revenue − net income) / revenue: what each dollar of revenue cost, \
                 depreciation and interest included. Above $1 the company loses money on every \
                 dollar it earns (the article's $1.43 for 2024).\n\n{every_year}"
            ),
        },
    ]
}

/// The strip as the app shows it: the tiles of the document's outcome, built when the scenario
/// changes rather than every frame (the funding hover runs the need by quarter). The tiles
/// share the width evenly.
#[derive(Default)]
pub struct KpiStrip {
    tiles: Option<(u64, Vec<KpiTile>)>,
}

impl View for KpiStrip {
    fn ui(&mut self, ui: &mut Ui, view: &mut ViewContext<'_>) {
        let document = view.document;
        let generation = document.generation();
        if self
            .tiles
            .as_ref()
            .is_none_or(|(built, _)| *built != generation)
        {
            let Ok(outcome) = document.outcome() else {
                return;
            };
            self.tiles = Some((generation, kpi_tiles(outcome, document.scenario())));
        }
        if let Some((_, tiles)) = &self.tiles {
            tiles_ui(ui, tiles);
        }
    }
}

/// A tile's frame: its inner margin and stroke either side, in points.
const TILE_FRAME: f32 = 18.0;

fn tiles_ui(ui: &mut Ui, tiles: &[KpiTile]) {
    let dark_mode = ui.visuals().dark_mode;
    let spacing = ui.spacing().item_spacing.x;
    let count = tiles.len() as f32;
    // Never wider than the strip: a row wider than the window pushes the tabs and charts off
    // its right edge (at 1024 px, seven tiles get ~90 px each).
    let width = ((ui.available_width() - spacing * (count - 1.0)) / count).max(TILE_FRAME + 40.0);
    let inner = width - TILE_FRAME;
    // The value's size shrinks with the tile so "-$14.61B" still fits on one line.
    let value_size = (inner / 4.6).clamp(12.0, 18.0);
    ui.horizontal(|ui| {
        for tile in tiles {
            Frame::group(ui.style())
                .inner_margin(egui::Margin::symmetric(8, 4))
                .show(ui, |ui| {
                    ui.set_width(inner);
                    ui.vertical(|ui| {
                        ui.add(
                            egui::Label::new(RichText::new(tile.title).small().weak()).truncate(),
                        );
                        let value = ui.label(
                            RichText::new(&tile.value)
                                .size(value_size)
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
    use crate::test_support::{s1_base_reporting, two_reported_quarters};

    #[test]
    fn the_backtest_tile_shows_the_mean_absolute_error_and_how_many_figures() {
        let valid = s1_base_reporting(two_reported_quarters());
        let outcome = run(&valid).expect("s1-base with two reported quarters runs");
        let error_pct = outcome
            .kpis
            .backtest_error_pct
            .expect("seven reported figures give an error");
        let tiles = kpi_tiles(&outcome, valid.scenario());
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
        let valid = s1_base_reporting(Vec::new());
        let outcome = run(&valid).expect("s1-base without reported figures runs");
        let titles: Vec<&str> = kpi_tiles(&outcome, valid.scenario())
            .iter()
            .map(|tile| tile.title)
            .collect();
        assert!(!titles.contains(&"Backtest error"), "{titles:?}");
        // The six summary tiles, then the S-1 base's income statement: net income and cost per
        // revenue dollar.
        assert_eq!(titles.len(), 8, "{titles:?}");
        assert_eq!(titles[6..], ["Net income", "Cost per revenue $"]);
    }
}
